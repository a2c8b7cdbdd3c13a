package io.tidemark.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tidemark.ingest.IngestResult;
import io.tidemark.ingest.IngestService;
import io.tidemark.ingest.SensorNotAllowedException;
import io.tidemark.ingest.WriteOrigin;
import io.tidemark.ingest.format.RemoteWriteFormat;
import java.util.Locale;

/**
 * Prometheus remote write 1.0, {@code POST /api/v1/write} (the path of Prometheus' own receiver): a snappy block of
 * a protobuf {@code WriteRequest}, into the one write path ({@link RemoteWriteFormat} says how samples become
 * readings). Answers as Prometheus reads them: 204 with no body after commit; 400 for a body or sample that can never
 * be stored (Prometheus drops the batch, so this is never the answer to a fault of ours); 503 with Retry-After for
 * overload and database outages, which it retries (a 429 it would drop). Every sample has a timestamp, so a body is
 * its own idempotency key: a batch resent after a timeout or a 503 is stored once.
 */
final class RemoteWriteRoutes {
    static final String WRITE = "/api/v1/write";
    private static final String BODY_SCOPE = "prometheus-remote-write-1";

    private final IngestService ingest;
    private final RequestBodies bodies;
    private final RemoteWriteFormat format;
    private final Counter received;
    private final Counter stored;
    private final Counter replayed;

    RemoteWriteRoutes(IngestService ingest, RequestBodies bodies, MeterRegistry registry) {
        this.ingest = ingest;
        this.bodies = bodies;
        // A request beyond the queue's capacity could never be admitted: refuse it while it is read, not after.
        this.format = new RemoteWriteFormat(ingest.queueCapacity());
        this.received = samples(registry, "received", "in remote write requests that were accepted");
        this.stored = samples(registry, "stored", "committed");
        this.replayed = samples(registry, "replayed", "in resent requests, stored before and not again");
    }

    private static Counter samples(MeterRegistry registry, String what, String description) {
        return Counter.builder("tidemark.remote.write.samples." + what)
                .description("Prometheus remote write samples " + description).register(registry);
    }

    void write(JettyExchange ctx) {
        try {
            checkMediaType(ctx);
            bodies.checkAnnouncedLength(ctx);
            ingest.checkAdmission();
        } catch (Exception refused) {
            bodies.refuse(ctx, refused);
            return;
        }
        String key = ctx.header("Idempotency-Key");
        WriteOrigin origin = AccessControl.origin(ctx);
        bodies.handleAsync(ctx, body -> {
            try {
                return ingest.ingest(bodies.snappyDecoded(body), format, key, origin, BODY_SCOPE);
            } catch (SensorNotAllowedException outside) {
                throw AccessDeniedException.forbidden("metric '" + outside.sensor() + "' is outside this token's "
                        + "sensors (those starting with '" + outside.prefix() + "'); nothing was stored");
            }
        }, this::answer);
    }

    /**
     * Takes remote write 1.0 as Prometheus sends it, and refuses with 415 what it is not: another encoding than
     * snappy (none means snappy, as for Prometheus' own receiver), another media type, or remote write 2.0.
     */
    private static void checkMediaType(Exchange ctx) {
        String encoding = ctx.header("Content-Encoding");
        if (encoding != null && !encoding.isBlank() && !encoding.trim().equalsIgnoreCase("snappy")) {
            throw new UnsupportedMediaTypeException("Content-Encoding '" + encoding + "' is not supported on "
                    + WRITE + "; remote write bodies are snappy-compressed (block format)");
        }
        String type = RequestBodies.mediaType(ctx);
        if (!type.isEmpty() && !type.equals("application/x-protobuf")) {
            throw new UnsupportedMediaTypeException("Content-Type '" + ctx.contentType() + "' is not a remote write "
                    + "body; use application/x-protobuf");
        }
        String contentType = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
        String version = ctx.header("X-Prometheus-Remote-Write-Version");
        if (contentType.contains("proto=") && !contentType.contains("proto=prometheus.writerequest")
                || version != null && version.trim().startsWith("2")) {
            throw new UnsupportedMediaTypeException("remote write 2.0 is not supported; send remote write 1.0 "
                    + "(prometheus.WriteRequest, X-Prometheus-Remote-Write-Version: 0.1.0)");
        }
    }

    private void answer(JettyExchange ctx, IngestResult result) {
        received.increment(result.accepted() + result.skipped());
        if (result.replayed()) {
            replayed.increment(result.accepted());
            ctx.header("Idempotent-Replayed", "true");
        } else {
            stored.increment(result.accepted());
        }
        if (result.skipped() > 0) ctx.header("X-Tidemark-Skipped-Samples", Integer.toString(result.skipped()));
        ctx.send(204, "", new byte[0]);
    }
}
