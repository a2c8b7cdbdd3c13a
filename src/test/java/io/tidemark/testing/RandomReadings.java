package io.tidemark.testing;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Valid readings with random names, timestamps (inside the accepted window) and values, for one test's sensors. */
public final class RandomReadings {
    private static final String[] METRICS = {"temperature", "pressure", "rpm", "Füllstand", "湿度"};
    /** Inside the default window (30 days back, 1 hour ahead), with a margin for a slow run. */
    private static final Duration BACK = Duration.ofDays(29);
    private static final Duration AHEAD = Duration.ofMinutes(50);

    private final Random random;
    private final String sensorPrefix;

    public RandomReadings(Random random, String sensorPrefix) {
        this.random = random;
        this.sensorPrefix = sensorPrefix;
    }

    /** {@code count} readings with microsecond timestamps; {@code metric} is sometimes left to its default. */
    public List<Reading> next(int count) {
        Instant oldest = Instant.now().minus(BACK).truncatedTo(ChronoUnit.MICROS);
        long spanMicros = (BACK.plus(AHEAD)).toNanos() / 1000;
        List<Reading> readings = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String sensor = sensorPrefix + random.nextInt(5);
            String metric = random.nextInt(4) == 0 ? null : METRICS[random.nextInt(METRICS.length)];
            Instant ts = oldest.plus(Math.floorMod(random.nextLong(), spanMicros), ChronoUnit.MICROS);
            readings.add(new Reading(sensor, metric, ts, value()));
        }
        return readings;
    }

    /** Finite values across magnitudes and signs, including integers and tiny and huge numbers. */
    private double value() {
        return switch (random.nextInt(4)) {
            case 0 -> random.nextInt(2001) - 1000;
            case 1 -> (random.nextDouble() - 0.5) * 1e6;
            case 2 -> Math.scalb(random.nextDouble() + 0.5, random.nextInt(2000) - 1000);
            default -> -Math.scalb(random.nextDouble() + 0.5, random.nextInt(2000) - 1000);
        };
    }

    /** The readings as {@code readings_v} shows them: the default metric filled in. */
    public static List<Reading> asStored(List<Reading> sent) {
        return sent.stream()
                .map(r -> new Reading(r.sensor(), r.metric() == null ? "value" : r.metric(), r.ts(), r.value()))
                .toList();
    }

    /** The same readings with timestamps cut to milliseconds, as epoch-millisecond JSON carries them. */
    public static List<Reading> toMillis(List<Reading> readings) {
        return readings.stream()
                .map(r -> new Reading(r.sensor(), r.metric(), r.ts().truncatedTo(ChronoUnit.MILLIS), r.value()))
                .toList();
    }
}
