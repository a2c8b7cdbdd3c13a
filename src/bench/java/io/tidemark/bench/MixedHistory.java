package io.tidemark.bench;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.SplittableRandom;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * The state a mixed-load measurement starts from, as on a server that has been running for a while: the last
 * {@link #SPAN_SECONDS} of readings of all {@link MixedBodies#SENSORS} sensors, one every {@link #EVERY_SECONDS}
 * each, loaded with binary COPY, and the jobs' watermarks a minute behind now, with nothing dirty. So the late
 * readings of the load (up to 2 h) fall below the watermark into buckets that hold data, as they would in
 * production, and a job recomputing them has real work. Every other table of the figure starts empty.
 */
final class MixedHistory {
    static final int SPAN_SECONDS = 2 * 3600 + 5 * 60;
    static final int EVERY_SECONDS = 10;
    private static final long PG_EPOCH_MICROS = 946_684_800_000_000L;
    private static final int ROW_BYTES = 2 + (4 + 4) + (4 + 8) + (4 + 8);

    private final BenchDatabase database;
    private int[] series;

    MixedHistory(BenchDatabase database) {
        this.database = database;
    }

    /** Readings in the table after {@link #prepare}. */
    static long rows() {
        return (long) (SPAN_SECONDS / EVERY_SECONDS) * MixedBodies.SENSORS;
    }

    /** Creates the figure's series (the server would on first sight; the COPY needs their ids now). */
    void createSeries() throws SQLException {
        series = new int[MixedBodies.SENSORS];
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO series (sensor, metric) SELECT 's-' || g, '" + MixedBodies.METRIC + "' FROM"
                    + " generate_series(0, " + (MixedBodies.SENSORS - 1) + ") AS g ON CONFLICT DO NOTHING");
            try (ResultSet rs = s.executeQuery("SELECT id, substr(sensor, 3)::int FROM series WHERE metric = '"
                    + MixedBodies.METRIC + "' AND sensor ~ '^s-[0-9]+$'")) {
                while (rs.next()) {
                    int sensor = rs.getInt(2);
                    if (sensor < series.length) series[sensor] = rs.getInt(1);
                }
            }
        }
    }

    /** Empties the figure's tables, loads the history up to {@code now} and settles it (statistics, checkpoint). */
    void prepare(Instant now) throws SQLException {
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            s.execute("TRUNCATE readings, rollup_1m, rollup_1h, rollup_1d, dirty_buckets, write_log");
            createPartitions(s, now);
            copy(c, now);
            // The history counts as materialized up to a minute ago (its rollup rows are not computed: a recompute
            // deletes and rewrites a bucket whatever it held).
            s.execute("UPDATE job_state SET watermark = date_bin(bucket_width, now() - INTERVAL '1 minute',"
                    + " TIMESTAMPTZ 'epoch'), log_cursor = pg_current_snapshot(), updated_at = now()");
            s.execute("ANALYZE readings");
            s.execute("CHECKPOINT");
        }
    }

    /** The daily partitions the history and the load write to, named as the server names them. */
    private static void createPartitions(Statement s, Instant now) throws SQLException {
        LocalDate today = now.atZone(ZoneOffset.UTC).toLocalDate();
        for (LocalDate day = today.minusDays(1); !day.isAfter(today.plusDays(1)); day = day.plusDays(1)) {
            s.execute(String.format(Locale.ROOT, "CREATE TABLE IF NOT EXISTS readings_%s PARTITION OF readings"
                    + " FOR VALUES FROM ('%s 00:00:00+00') TO ('%s 00:00:00+00')",
                    day.toString().replace("-", ""), day, day.plusDays(1)));
        }
    }

    /** One COPY; each sensor's readings EVERY_SECONDS apart, sensors spread evenly within each step. */
    private void copy(Connection c, Instant now) throws SQLException {
        long endMicros = now.toEpochMilli() * 1000;
        long stepMicros = EVERY_SECONDS * 1_000_000L;
        long startMicros = endMicros - SPAN_SECONDS * 1_000_000L;
        SplittableRandom random = new SplittableRandom(startMicros);
        CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI()
                .copyIn("COPY readings (series_id, ts, value) FROM STDIN (FORMAT binary)");
        try {
            ByteBuffer b = ByteBuffer.allocate(MixedBodies.SENSORS * ROW_BYTES + 19);
            b.put(Workload.COPY_HEADER);
            for (long step = startMicros; step < endMicros; step += stepMicros) {
                for (int sensor = 0; sensor < series.length; sensor++) {
                    long ts = step + sensor * (stepMicros / series.length);
                    b.putShort((short) 3).putInt(4).putInt(series[sensor]).putInt(8).putLong(ts - PG_EPOCH_MICROS)
                            .putInt(8).putDouble(Math.round(random.nextDouble(-2000, 8000)) / 100.0);
                }
                copy.writeToCopy(b.array(), 0, b.position());
                b.clear();
            }
            copy.writeToCopy(Workload.COPY_TRAILER, 0, Workload.COPY_TRAILER.length);
            copy.endCopy();
        } finally {
            if (copy.isActive()) copy.cancelCopy();
        }
    }
}
