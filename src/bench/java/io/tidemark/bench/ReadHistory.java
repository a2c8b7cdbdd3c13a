package io.tidemark.bench;

import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * The readings of the read figure, as a function rather than a table, so that every store is loaded with the same
 * readings and every answer can be checked against them: the {@link Workload#SERIES} series of {@link Workload}'s
 * naming each have a reading every {@link #stepMillis}, series {@code s} at {@code n * step + s * phase} (epoch
 * milliseconds, any whole {@code n}), with a value that depends on the series and the time alone.
 *
 * <p>The phase is smaller than a millisecond per series times the step divided by the series count, so series
 * never share an instant; with the default densities no reading of {@link #QUERIED} falls on a whole minute, so a
 * bucket [start, end) and VictoriaMetrics' window (start, end] hold the same readings.
 */
final class ReadHistory {
    static final int SERIES = Workload.SERIES;
    /** The series the one-series queries ask for: sensor-0123 / temperature. */
    static final int QUERIED = 492;
    static final long DAY_MILLIS = 86_400_000L;
    private static final long PG_EPOCH_MILLIS = 946_684_800_000L;

    /** One series' readings in a range: how many, their sum, smallest and largest value (NaN when none). */
    record Aggregate(long count, double sum, double min, double max) {
        double avg() {
            return sum / count;
        }
    }

    /** Told each reading of a range, oldest first. */
    interface Sink {
        void reading(int series, long millis, double value);
    }

    /** Each series' line up to its value, made once: the loads write 100M lines. */
    private static final String[] LINE_PREFIX = new String[SERIES];
    private static final String[] JSON_PREFIX = new String[SERIES];

    static {
        for (int s = 0; s < SERIES; s++) {
            LINE_PREFIX[s] = Workload.metric(s) + ",sensor=" + Workload.sensor(s) + " value=";
            JSON_PREFIX[s] = "{\"sensor\":\"" + Workload.sensor(s) + "\",\"metric\":\"" + Workload.metric(s)
                    + "\",\"ts\":\"";
        }
    }

    final long stepMillis;
    final long phaseMillis;

    /** A history of {@code readingsPerDay} readings a day (of all series together). */
    ReadHistory(long readingsPerDay) {
        if (readingsPerDay < SERIES || DAY_MILLIS * SERIES % readingsPerDay != 0) {
            throw new IllegalArgumentException("readings a day must divide " + DAY_MILLIS * SERIES + " and be at least "
                    + SERIES + ", not " + readingsPerDay);
        }
        this.stepMillis = DAY_MILLIS * SERIES / readingsPerDay;
        this.phaseMillis = stepMillis / SERIES;
        if (phaseMillis == 0) throw new IllegalArgumentException("too dense: " + readingsPerDay + " readings a day");
    }

    /** The time of series {@code series}' first reading at or after {@code millis}. */
    long firstAtOrAfter(int series, long millis) {
        long offset = series * phaseMillis;
        return Math.floorDiv(millis - offset + stepMillis - 1, stepMillis) * stepMillis + offset;
    }

    /** The time of series {@code series}' last reading before {@code millis}. */
    long lastBefore(int series, long millis) {
        return firstAtOrAfter(series, millis) - stepMillis;
    }

    /** The value at {@code millis} of series {@code series}: 0.00 to 99.99, in hundredths. */
    static double value(int series, long millis) {
        long z = millis * 1_000_003L + series * 0x9E3779B97F4A7C15L; // SplitMix64's finalizer
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return Math.floorMod(z, 10_000L) / 100.0;
    }

    /** The readings of one series in [from, to). */
    Aggregate aggregate(int series, long from, long to) {
        long n = 0;
        double sum = 0;
        double min = Double.NaN;
        double max = Double.NaN;
        for (long t = firstAtOrAfter(series, from); t < to; t += stepMillis) {
            double v = value(series, t);
            n++;
            sum += v;
            min = n == 1 ? v : Math.min(min, v);
            max = n == 1 ? v : Math.max(max, v);
        }
        return new Aggregate(n, sum, min, max);
    }

    /** How many readings all series have in [from, to). */
    long readings(long from, long to) {
        long n = 0;
        for (int s = 0; s < SERIES; s++) {
            n += Math.max(0, (firstAtOrAfter(s, to) - firstAtOrAfter(s, from)) / stepMillis);
        }
        return n;
    }

    /** Every reading of every series in [from, to), in time order. */
    void forEach(long from, long to, Sink sink) {
        for (long base = Math.floorDiv(from, stepMillis) * stepMillis; base < to; base += stepMillis) {
            for (int s = 0; s < SERIES; s++) {
                long t = base + s * phaseMillis;
                if (t >= from && t < to) sink.reading(s, t, value(s, t));
            }
        }
    }

    /** A reading as one line of InfluxDB line protocol with a millisecond timestamp: measurement = metric. */
    static void lineProtocol(StringBuilder b, int series, long millis, double value) {
        b.append(LINE_PREFIX[series]).append(value).append(' ').append(millis).append('\n');
    }

    /** A reading as one element of a Tidemark JSON array body. */
    static void json(StringBuilder b, int series, long millis, double value) {
        b.append(b.length() <= 1 ? "" : ",").append(JSON_PREFIX[series]).append(Instant.ofEpochMilli(millis))
                .append("\",\"value\":").append(value).append('}');
    }

    /** A reading as a row of binary COPY into readings (series_id, ts, value); see {@link Workload#COPY_ROW_BYTES}. */
    static void copyRow(ByteBuffer b, int seriesId, long millis, double value) {
        b.putShort((short) 3).putInt(4).putInt(seriesId).putInt(8).putLong((millis - PG_EPOCH_MILLIS) * 1000)
                .putInt(8).putDouble(value);
    }
}
