package io.tidemark.bench;

import java.util.SplittableRandom;

/**
 * The timestamps of the production workload (issue 13): the pool's readings stamped anew just before a request file
 * is sent, so that {@link #LATE_FRACTION} of them are late (behind the rollup watermark, as from devices that
 * buffered while offline) and the rest fresh (ahead of it), whatever the time of the run.
 *
 * <p>Which readings are late, and how late, is drawn once (fixed seed) and kept for every stamping, so every party
 * and every round gets the same share. A late reading is {@link #MIN_LATENESS_MILLIS} to {@link
 * #MAX_LATENESS_MILLIS} before the stamping: {@code rollup_1m} runs at every minute with a lag of 10 s, so its
 * watermark is never more than about 2 min 10 s behind the clock once it has caught up. Fresh readings run from
 * {@link #LEAD_MILLIS} after the stamping, in pool order, over the length of a figure, one tick a step: a scheduled
 * run during the figure moves the watermark to 10 s before its start at most, never past them (Tidemark accepts
 * readings up to an hour ahead of its clock).
 */
final class LiveStamps {
    static final double LATE_FRACTION = 0.10;
    static final long MIN_LATENESS_MILLIS = 5 * 60_000L;
    static final long MAX_LATENESS_MILLIS = 2 * 3_600_000L;
    static final long LEAD_MILLIS = 15_000L;

    /** Per reading of the pool: 0 when fresh, else how many milliseconds before the stamping it was taken. */
    private final long[] ages;

    LiveStamps(Workload pool, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        ages = new long[pool.readings()];
        for (int r = 0; r < ages.length; r++) {
            if (random.nextDouble() < LATE_FRACTION) {
                ages[r] = random.nextLong(MIN_LATENESS_MILLIS, MAX_LATENESS_MILLIS + 1);
            }
        }
    }

    boolean late(int r) {
        return ages[r] > 0;
    }

    int lateReadings() {
        int n = 0;
        for (long age : ages) {
            if (age > 0) n++;
        }
        return n;
    }

    /**
     * The pool's readings as stamped at {@code nowMillis}: reading {@code r} of tick {@code t} and series {@code s}
     * is, when fresh, at {@code now + LEAD + t * step + s} with {@code step = max(1, spreadMillis / ticks)} ms, so
     * no two readings of a series share a timestamp.
     */
    Workload stamp(Workload pool, long nowMillis, long spreadMillis) {
        long step = Math.max(1, spreadMillis / pool.ticks);
        long[] millis = new long[pool.readings()];
        for (int r = 0; r < millis.length; r++) {
            millis[r] = ages[r] > 0 ? nowMillis - ages[r]
                    : nowMillis + LEAD_MILLIS + (r / Workload.SERIES) * step + r % Workload.SERIES;
        }
        return pool.withMillis(millis);
    }
}
