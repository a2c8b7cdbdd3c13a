package io.tidemark.http;

import io.tidemark.ingest.IngestResult;
import io.tidemark.ingest.IngestService;
import io.tidemark.ingest.InvalidRequestException;
import io.tidemark.ingest.SensorNotAllowedException;
import io.tidemark.ingest.WriteOrigin;
import io.tidemark.ingest.format.InvalidReadingsException;
import io.tidemark.ingest.format.LineProtocolFormat;
import io.tidemark.ingest.format.Precision;
import io.tidemark.ingest.format.StringFields;
import io.tidemark.names.Tags;
import java.util.Map;

/**
 * InfluxDB's write endpoints, {@code POST /write} (1.x) and {@code POST /api/v2/write} (2.x and 1.8's compatibility
 * API), as thin adapters into the one write path: line protocol, whose database becomes the tag {@code db}. A body
 * is all or nothing (as 2.x; 1.x would write the good lines, but then a resent batch could not be told from a new
 * one). Success is 204, the one answer Telegraf's InfluxDB output counts as success; a body whose every line has a
 * timestamp is its own idempotency key, so a batch resent after a timeout is stored once.
 */
final class InfluxWriteRoutes {
    /** Which API a write came by: the query parameters it names its database and precision with. */
    private enum Api { V1, V2 }

    /** Where and how a request writes: its format, and what besides its body decides its points. */
    private record Target(LineProtocolFormat format, String scope) {}

    private final IngestService ingest;
    private final RequestBodies bodies;

    InfluxWriteRoutes(IngestService ingest, RequestBodies bodies) {
        this.ingest = ingest;
        this.bodies = bodies;
    }

    void writeV1(JettyExchange ctx) {
        write(ctx, Api.V1);
    }

    void writeV2(JettyExchange ctx) {
        write(ctx, Api.V2);
    }

    private void write(JettyExchange ctx, Api api) {
        InfluxProtocol.versionHeaders(ctx);
        Target target;
        try {
            target = api == Api.V1 ? targetV1(ctx) : targetV2(ctx);
            bodies.checkAnnounced(ctx);
            ingest.checkAdmission();
        } catch (Exception refused) {
            bodies.refuse(ctx, refused);
            return;
        }
        // Any Content-Type is taken: Telegraf sends text/plain, the influx CLI and some libraries none or a form type.
        String key = ctx.header("Idempotency-Key");
        WriteOrigin origin = AccessControl.origin(ctx);
        bodies.handleAsync(ctx, body -> {
            try {
                return ingest.ingest(bodies.decoded(ctx, body), target.format(), key, origin, target.scope());
            } catch (InvalidReadingsException invalid) {
                throw BodyLines.unparsable(invalid);
            } catch (SensorNotAllowedException outside) {
                throw forbidden(outside, BodyLines.lineOf(bodies.decoded(ctx, body), outside.sensor()));
            }
        }, InfluxWriteRoutes::answer);
    }

    /** {@code db} (required), {@code rp} and {@code consistency} (taken, not kept) and {@code precision}. */
    private static Target targetV1(Exchange ctx) {
        String db = ctx.queryParam("db");
        if (db == null || db.isEmpty()) throw new InvalidRequestException("database is required");
        String unit = ctx.queryParam("precision");
        Precision precision = Precision.fromV1(unit);
        if (precision == null) {
            throw new InvalidRequestException("invalid precision \"" + unit + "\" (use n, u, ms, s, m or h)");
        }
        return target("v1", precision, db, "db");
    }

    /**
     * {@code bucket} (required; {@code db/rp} as InfluxDB 1.8 reads it, the database before the slash), {@code org}
     * and {@code orgID} (taken, not kept: Tidemark has no organizations) and {@code precision}.
     */
    private static Target targetV2(Exchange ctx) {
        String bucket = ctx.queryParam("bucket");
        if (bucket == null || bucket.isEmpty()) throw new InvalidRequestException("bucket is required");
        int slash = bucket.indexOf('/');
        String db = slash < 0 ? bucket : bucket.substring(0, slash);
        if (db.isEmpty()) throw new InvalidRequestException("bucket '" + bucket + "' names no database before '/'");
        Precision precision = Precision.fromV2(ctx.queryParam("precision"));
        if (precision == null) {
            throw new InvalidRequestException("invalid precision; valid precision units are ns, us, ms, and s");
        }
        return target("v2", precision, db, "bucket");
    }

    private static Target target(String api, Precision precision, String db, String param) {
        String problem = Tags.valueProblem(db);
        if (problem != null) {
            throw new InvalidRequestException(param + " '" + db + "' cannot be the tag db: " + problem);
        }
        // A line's own db tag wins over the database it was sent to, as VictoriaMetrics does too.
        LineProtocolFormat format = new LineProtocolFormat(precision, Tags.of(Map.of("db", db)), StringFields.SKIP);
        return new Target(format, "influx-" + api + "\n" + precision.name() + "\n" + db);
    }

    private static AccessDeniedException forbidden(SensorNotAllowedException outside, int line) {
        return AccessDeniedException.forbidden((line > 0 ? "line " + line + ": " : "") + "measurement '"
                + outside.sensor() + "' is outside this token's sensors (those starting with '" + outside.prefix()
                + "'); nothing was stored");
    }

    private static void answer(JettyExchange ctx, IngestResult result) {
        if (result.replayed()) ctx.header("Idempotent-Replayed", "true");
        if (result.skipped() > 0) ctx.header("X-Tidemark-Skipped-Fields", Integer.toString(result.skipped()));
        ctx.send(204, "", new byte[0]);
    }
}
