package io.tidemark.bench;

import io.tidemark.feed.FeedPosition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Figure 2c (issue 15): what the feed costs the bulk write path, and what the stream delivers under that load. Two
 * servers of their own on the benchmark's database, one with {@code feed.enabled: false} and one with the default
 * (on), both warmed up alike, and four parties measured in each pair, in an order that rotates from pair to pair:
 * <ol>
 *   <li>feed off;</li>
 *   <li>feed on, no stream client: the feed's own cost (issue 15: at most 10%);</li>
 *   <li>feed on, one client reading every event of {@code GET /api/v1/stream} as fast as it can: for each reading
 *       event, when it arrived against its feed row's {@code committed_at}, and whether every reading committed
 *       after the client's {@code ready} position arrived, once, in commit order;</li>
 *   <li>feed on, one slow client (it sleeps {@link #SLOW_PAUSE_MILLIS} ms after every event, so the server reads its
 *       events back from the table): ingest must not notice it.</li>
 * </ol>
 * Ratios are taken within each pair, then the median; the bulk load is the bulk figure's (same request file and
 * connections). Only one server runs load at a time; the other idles.
 */
final class FeedFigures {
    /** How long the slow client sleeps after each event. */
    static final int SLOW_PAUSE_MILLIS = 1;
    /** How long a client may take, after the load, to receive what was committed during it. */
    private static final long CATCH_UP_MILLIS = 60_000;
    /** Latencies are counted by millisecond up to this; beyond it in one overflow bucket. */
    private static final int HISTOGRAM_MILLIS = 600_000;

    /** What the full-speed client got in one measurement. */
    record Delivery(long committed, long received, long rowsShort, long unexpected, long outOfOrder,
            double p50Millis, double p99Millis, double maxMillis, boolean caughtUp, String failure) {
        boolean complete() {
            return caughtUp && failure == null && received == committed && rowsShort == 0 && unexpected == 0
                    && outOfOrder == 0;
        }
    }

    /**
     * What the slow client got: during the load ({@code receivedDuringLoad}), then, sped up after it, everything
     * ({@code delivery}: it must be complete, read back from the feed table; its times are not delivery times).
     */
    record SlowClient(long receivedDuringLoad, Delivery delivery) {}

    final Figure off;
    final Figure on;
    final Figure onWithClient;
    final Figure onWithSlowClient;
    final List<Delivery> deliveries = new ArrayList<>();
    final List<SlowClient> slowClients = new ArrayList<>();
    /** Latencies of every event of every measurement with the full-speed client, by millisecond. */
    private final long[] histogram = new long[HISTOGRAM_MILLIS + 1];

    private final BenchSettings settings;
    private final BenchDatabase database;

    FeedFigures(BenchSettings settings, BenchDatabase database) {
        this.settings = settings;
        this.database = database;
        String load = "1000 readings/POST, " + settings.bulkConnections() + " connections";
        this.off = new Figure("2c. Tidemark bulk, feed off (`feed.enabled: false`): " + load, "readings/s");
        this.on = new Figure("2c. Tidemark bulk, feed on (the default), no stream client: " + load, "readings/s");
        this.onWithClient = new Figure("2c. Tidemark bulk, feed on, one stream client reading every event as fast"
                + " as it can: " + load, "readings/s");
        this.onWithSlowClient = new Figure("2c. Tidemark bulk, feed on, one slow stream client (sleeps "
                + SLOW_PAUSE_MILLIS + " ms after each event): " + load, "readings/s");
    }

    void measure(Path work, Path bulkFile, BulkMeasurement bulk) throws Exception {
        Path offConfig = work.resolve("tidemark-feed-off.yaml");
        Files.writeString(offConfig, TidemarkServer.defaultConfig(settings) + "feed:\n  enabled: false\n");
        Path onConfig = work.resolve("tidemark-feed-on.yaml");
        Files.writeString(onConfig, TidemarkServer.defaultConfig(settings) + "feed:\n  enabled: true\n");
        try (TidemarkServer offServer = TidemarkServer.start(settings, work, "feed-off", List.of(), offConfig);
                TidemarkServer onServer = TidemarkServer.start(settings, work, "feed-on", List.of(), onConfig)) {
            warmUp(offServer, bulkFile, false);
            warmUp(onServer, bulkFile, true);
            int pairs = settings.feedPairs();
            for (int pair = 0; pair < pairs; pair++) {
                Benchmark.log("feed: pair " + (pair + 1) + " of " + pairs);
                for (int turn = 0; turn < 4; turn++) {
                    switch ((pair + turn) % 4) {
                        case 0 -> off.runs.add(bulk.measure("bulk, feed off", offServer));
                        case 1 -> on.runs.add(bulk.measure("bulk, feed on", onServer));
                        case 2 -> onWithClient.runs.add(measureWithClient(onServer, bulk));
                        default -> onWithSlowClient.runs.add(measureWithSlowClient(onServer, bulk));
                    }
                }
            }
        }
    }

    /** The bulk figure's warm-up, with a stream client on the feed-on server so that the stream's code is hot too. */
    private void warmUp(TidemarkServer server, Path bulkFile, boolean withClient) throws Exception {
        Benchmark.log("feed: warm-up of " + (withClient ? "feed on, with a stream client" : "feed off"));
        StreamClient client = withClient ? StreamClient.connect(server.port(), TidemarkServer.ADMIN_TOKEN, 0,
                "warm-up") : null;
        try {
            BulkMeasurement.warmUp(settings, server, bulkFile);
        } finally {
            if (client != null) client.close();
        }
    }

    private Figure.Run measureWithClient(TidemarkServer server, BulkMeasurement bulk) throws Exception {
        StreamClient client = StreamClient.connect(server.port(), TidemarkServer.ADMIN_TOKEN, 0, "full-speed");
        Figure.Run run;
        Delivery delivery;
        try {
            run = bulk.measure("bulk, feed on, stream client", server);
            delivery = awaitAndCount(client, true);
        } finally {
            client.close();
        }
        deliveries.add(delivery);
        Benchmark.log(String.format(Locale.ROOT, "    stream: received %,d of %,d committed readings, %d rows short,"
                + " %d unexpected, %d out of order; after commit p50 %.0f ms, p99 %.0f ms, max %.0f ms%s%s",
                delivery.received(), delivery.committed(), delivery.rowsShort(), delivery.unexpected(),
                delivery.outOfOrder(), delivery.p50Millis(), delivery.p99Millis(), delivery.maxMillis(),
                delivery.caughtUp() ? "" : "; NOT caught up within " + CATCH_UP_MILLIS / 1000 + " s",
                delivery.failure() == null ? "" : "; failed: " + delivery.failure()));
        return run;
    }

    private Figure.Run measureWithSlowClient(TidemarkServer server, BulkMeasurement bulk) throws Exception {
        StreamClient client = StreamClient.connect(server.port(), TidemarkServer.ADMIN_TOKEN, SLOW_PAUSE_MILLIS,
                "slow");
        Figure.Run run;
        SlowClient slow;
        try {
            run = bulk.measure("bulk, feed on, slow client", server);
            long duringLoad = client.received();
            client.speedUp();
            slow = new SlowClient(duringLoad, awaitAndCount(client, false));
        } finally {
            client.close();
        }
        slowClients.add(slow);
        Delivery d = slow.delivery();
        Benchmark.log(String.format(Locale.ROOT, "    slow stream client: received %,d events during the load; sped up"
                + " after it, %,d of %,d committed readings, %d rows short, %d unexpected, %d out of order%s%s",
                slow.receivedDuringLoad(), d.received(), d.committed(), d.rowsShort(), d.unexpected(),
                d.outOfOrder(), d.caughtUp() ? "" : "; NOT caught up within " + CATCH_UP_MILLIS / 1000 + " s",
                d.failure() == null ? "" : "; failed: " + d.failure()));
        return run;
    }

    /** A readings row of the feed: its position, how many readings, when it was committed. */
    private record Row(long position, int count, long committedMillis) {}

    /**
     * Waits (at most {@link #CATCH_UP_MILLIS}) until the client has every reading committed since its {@code ready}
     * position (the load has stopped and the queue is empty: nothing more comes), then compares what it received
     * with the feed table, row by row.
     */
    private Delivery awaitAndCount(StreamClient client, boolean deliveryTimes) throws Exception {
        FeedPosition after = client.after();
        List<Row> rows = new ArrayList<>();
        try (Connection c = database.connect(); PreparedStatement s = c.prepareStatement(
                "SELECT position, count, committed_at FROM feed WHERE kind = 'readings' AND position >= ?"
                        + " ORDER BY position")) {
            s.setLong(1, after.row());
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    long position = rs.getLong(1);
                    int count = rs.getInt(2);
                    // A client that starts inside a row gets that row's events after its index only.
                    if (position == after.row()) {
                        if (after.index() == FeedPosition.WHOLE_ROW) continue;
                        count = Math.max(0, count - after.index() - 1);
                    }
                    rows.add(new Row(position, count,
                            rs.getObject(3, OffsetDateTime.class).toInstant().toEpochMilli()));
                }
            }
        }
        boolean caughtUp = true;
        if (!rows.isEmpty()) {
            Row last = rows.get(rows.size() - 1);
            int lastCount = last.position() == after.row() ? after.index() + 1 + last.count() : last.count();
            long deadline = System.currentTimeMillis() + CATCH_UP_MILLIS;
            while (!client.hasReceivedThrough(last.position(), lastCount) && client.failure() == null) {
                if (System.currentTimeMillis() > deadline) {
                    caughtUp = false;
                    break;
                }
                Thread.sleep(20);
            }
        }
        client.close();
        return count(client, rows, caughtUp, deliveryTimes);
    }

    private Delivery count(StreamClient client, List<Row> rows, boolean caughtUp, boolean deliveryTimes) {
        Map<Long, Row> byPosition = new HashMap<>();
        long committed = 0;
        for (Row r : rows) {
            byPosition.put(r.position(), r);
            committed += r.count();
        }
        Map<Long, Long> receivedByRow = new HashMap<>();
        long[] latencies = new long[HISTOGRAM_MILLIS + 1];
        long unexpected = 0;
        for (StreamClient.Arrival a : client.arrivals()) {
            Row row = byPosition.get(a.row());
            if (row == null) {
                unexpected += a.count();
                continue;
            }
            receivedByRow.merge(a.row(), (long) a.count(), Long::sum);
            long millis = Math.max(0, a.receivedMillis() - row.committedMillis());
            latencies[(int) Math.min(millis, HISTOGRAM_MILLIS)] += a.count();
        }
        long rowsShort = 0;
        for (Row r : rows) {
            if (receivedByRow.getOrDefault(r.position(), 0L) != r.count()) rowsShort++;
        }
        if (deliveryTimes) {
            for (int i = 0; i < latencies.length; i++) histogram[i] += latencies[i];
        }
        return new Delivery(committed, client.received(), rowsShort, unexpected, client.outOfOrder(),
                percentile(latencies, 0.5), percentile(latencies, 0.99), percentile(latencies, 1.0), caughtUp,
                client.failure() == null ? null : client.failure().toString());
    }

    /** The latency (ms) at quantile {@code q} of a histogram by millisecond; NaN when it is empty. */
    static double percentile(long[] histogram, double q) {
        long total = 0;
        for (long n : histogram) total += n;
        if (total == 0) return Double.NaN;
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (int i = 0; i < histogram.length; i++) {
            seen += histogram[i];
            if (seen >= rank) return i;
        }
        return histogram.length - 1;
    }

    boolean measured() {
        return off.measured() || on.measured();
    }

    long lost() {
        return off.totalLost() + on.totalLost() + onWithClient.totalLost() + onWithSlowClient.totalLost();
    }

    /** The figure's rows of the table. */
    void rows(StringBuilder b) {
        Results.row(b, off, "");
        Results.row(b, on, Results.ratio(on, off, "feed off"));
        Results.row(b, onWithClient, Results.ratio(onWithClient, on, "feed on without clients"));
        Results.row(b, onWithSlowClient, Results.ratio(onWithSlowClient, on, "feed on without clients"));
        if (!deliveries.isEmpty()) {
            StringBuilder each = new StringBuilder();
            for (Delivery d : deliveries) {
                each.append(each.length() == 0 ? "" : " ")
                        .append(String.format(Locale.ROOT, "%.0f ms", d.p99Millis()));
            }
            b.append(String.format(Locale.ROOT, "| 2c. Stream delivery under the bulk load, to the full-speed client"
                    + " above: time from its feed row's `committed_at` to its arrival, over every reading event |"
                    + " **p99 %.0f ms**; p50 %.0f ms, max %.0f ms; %s | p99 %s | | | |%n",
                    percentile(histogram, 0.99), percentile(histogram, 0.5), percentile(histogram, 1.0),
                    completeness(deliveries), each));
        }
        if (!slowClients.isEmpty()) {
            StringBuilder each = new StringBuilder();
            for (SlowClient c : slowClients) {
                each.append(each.length() == 0 ? "" : " ").append(Results.compact(c.receivedDuringLoad()));
            }
            b.append(String.format(Locale.ROOT, "| 2c. The slow stream client above: events received during the"
                    + " load; then, reading at full speed after it, what it got of every reading committed since it"
                    + " connected (read back from the feed table) | %s | %s received during each load | | | |%n",
                    completeness(slowClients.stream().map(SlowClient::delivery).toList()), each));
        }
    }

    /** "received N of M committed readings; rows short ...", summed over measurements. */
    private static String completeness(List<Delivery> list) {
        return String.format(Locale.ROOT, "received %,d of %,d committed readings; rows short %d, unexpected %d,"
                + " out of order %d%s%s", list.stream().mapToLong(Delivery::received).sum(),
                list.stream().mapToLong(Delivery::committed).sum(), list.stream().mapToLong(Delivery::rowsShort).sum(),
                list.stream().mapToLong(Delivery::unexpected).sum(),
                list.stream().mapToLong(Delivery::outOfOrder).sum(),
                list.stream().allMatch(Delivery::caughtUp) ? "" : "; **not caught up within "
                        + CATCH_UP_MILLIS / 1000 + " s after the load**",
                list.stream().allMatch(d -> d.failure() == null) ? "" : "; **failed**: "
                        + list.stream().filter(d -> d.failure() != null).findFirst().orElseThrow().failure());
    }

    void targets(StringBuilder b) {
        if (on.measured() && off.measured()) {
            double kept = on.ratioTo(off);
            Results.target(b, "the feed costs bulk ingest at most 10% (issue 15)",
                    String.format(Locale.ROOT, "%.0f%% kept", 100 * kept), kept >= 0.9);
        }
        if (onWithSlowClient.measured() && on.measured()) {
            double kept = onWithSlowClient.ratioTo(on);
            boolean fine = slowClients.stream().allMatch(s -> s.delivery().complete());
            Results.target(b, "a slow stream client does not slow bulk ingest (within 10%), and gets every reading"
                    + " in order all the same", String.format(Locale.ROOT, "%.0f%% kept%s", 100 * kept, fine
                            ? ", all received" : ", slow client incomplete, failed or out of order"),
                    kept >= 0.9 && fine);
        }
        if (!deliveries.isEmpty()) {
            double p99 = percentile(histogram, 0.99);
            boolean complete = deliveries.stream().allMatch(Delivery::complete);
            long committed = deliveries.stream().mapToLong(Delivery::committed).sum();
            long received = deliveries.stream().mapToLong(Delivery::received).sum();
            Results.target(b, "a stream client receives every committed reading, once, in commit order, within 1 s"
                    + " at p99, under the bulk load (issue 15)", String.format(Locale.ROOT,
                            "p99 %.0f ms, %,d of %,d received%s", p99, received, committed,
                            complete ? "" : ", incomplete or out of order"), complete && p99 <= 1000);
        }
        long lost = lost();
        Results.target(b, "feed figures (2c): no acknowledged reading lost", lost + " lost", lost == 0);
    }

    String notes() {
        return """

                ### 2c. Feed and stream
                Two servers of their own, warmed up alike (the feed-on one with a stream client connected), take the \
                bulk figure's load in turn, four parties per pair in an order that rotates from pair to pair: feed \
                off, feed on, feed on with one stream client reading every event as fast as it can, feed on with one \
                slow stream client (it sleeps %d ms after each event: the socket's buffers fill within a fraction of a \
                second and the server's writer to it waits, while ingest must not). After the load the slow client \
                reads at full speed and must then get every reading too, millions of events behind: the server reads \
                them back from the feed table. Ratios are the median of per-pair ratios. Each measurement also starts \
                with an empty `feed` table, and lasts %d s. The clients run in the benchmark's JVM (their CPU counts \
                as "other"), on plain sockets, subscribed to everything; the full-speed client notes each reading \
                event's id and when the bytes carrying it arrived (System.currentTimeMillis, once per socket read); \
                after the load, it is given %d s to receive everything, then its events are compared with the feed \
                table row by row: every reading of every row after its `ready` position must have arrived once, ids \
                only growing. Delivery time is arrival minus the row's `committed_at` (clock_timestamp() inside the \
                writing transaction, the same machine clock), pooled over all measurements.
                """.formatted(SLOW_PAUSE_MILLIS, settings.feedSeconds(), CATCH_UP_MILLIS / 1000);
    }
}
