package io.tidemark.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The ingest request bodies of the mixed-load figure, built once and stamped with the send time: a reading's
 * timestamp is "now" when the body is sent, or, for {@link #LATE_FRACTION} of readings, uniformly up to
 * {@link #MAX_LATENESS_MILLIS} before it, as devices that buffered while offline send them. Bodies built with fixed
 * timestamps would drift below the rollup watermark during a long run and turn the whole load late.
 *
 * <p>Each body is a JSON template whose timestamps are 13-digit epoch milliseconds (every instant from 2001 to
 * 2286); {@link Body#at} copies it and writes {@code now - age} over each of them, which costs a byte copy.
 */
final class MixedBodies {
    static final int SENSORS = 20_000;
    static final String METRIC = "value";
    static final double LATE_FRACTION = 0.10;
    static final long MAX_LATENESS_MILLIS = 2 * 3_600_000L;
    private static final int TS_DIGITS = 13;
    private static final String TS_PLACEHOLDER = "0".repeat(TS_DIGITS);

    /** One request body; {@code ages[i]} (ms before the send time) belongs to the timestamp at {@code offsets[i]}. */
    record Body(byte[] template, int[] offsets, long[] ages) {
        /** The body as sent at {@code nowMillis}. */
        byte[] at(long nowMillis) {
            byte[] out = template.clone();
            for (int i = 0; i < offsets.length; i++) {
                long ts = nowMillis - ages[i];
                for (int d = offsets[i] + TS_DIGITS - 1; d >= offsets[i]; d--) {
                    out[d] = (byte) ('0' + ts % 10);
                    ts /= 10;
                }
            }
            return out;
        }

        int readings() {
            return offsets.length;
        }
    }

    private MixedBodies() {}

    static String sensor(int i) {
        return "s-" + i;
    }

    /**
     * {@code count} bodies of {@code readings} readings each (a JSON array, or one object when {@code readings} is 1).
     * Sensors follow each other through all {@link #SENSORS}, so consecutive bodies cover every series evenly.
     */
    static List<Body> build(int count, int readings, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Body> bodies = new ArrayList<>(count);
        int sensor = 0;
        for (int b = 0; b < count; b++) {
            StringBuilder json = new StringBuilder(readings * 72);
            int[] offsets = new int[readings];
            long[] ages = new long[readings];
            if (readings > 1) json.append('[');
            for (int r = 0; r < readings; r++) {
                if (r > 0) json.append(',');
                json.append("{\"sensor\":\"").append(sensor(sensor)).append("\",\"metric\":\"").append(METRIC)
                        .append("\",\"ts\":");
                offsets[r] = json.length(); // ASCII only, so characters and bytes agree
                json.append(TS_PLACEHOLDER).append(",\"value\":")
                        .append(Math.round(random.nextDouble(-2000, 8000)) / 100.0).append('}');
                ages[r] = age(random);
                sensor = (sensor + 1) % SENSORS;
            }
            if (readings > 1) json.append(']');
            bodies.add(new Body(json.toString().getBytes(StandardCharsets.US_ASCII), offsets, ages));
        }
        return bodies;
    }

    /** 0 ("now") for most readings; for {@link #LATE_FRACTION} of them uniform in (0, MAX_LATENESS_MILLIS]. */
    static long age(SplittableRandom random) {
        if (random.nextDouble() >= LATE_FRACTION) return 0;
        return 1 + random.nextLong(MAX_LATENESS_MILLIS);
    }
}
