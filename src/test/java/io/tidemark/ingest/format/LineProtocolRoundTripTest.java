package io.tidemark.ingest.format;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.names.Names;
import io.tidemark.names.Tags;
import io.tidemark.time.EpochMicros;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Random points, written as Telegraf's serializer writes them, read back as the same readings. */
class LineProtocolRoundTripTest {
    /** Separators, escapes and quotes are the interesting characters; a few non-ASCII letters ride along. */
    private static final String ALPHABET = "abcXYZ019_-.:/ ,=\\\"'#éßλ水😀";

    record Reading(String sensor, String metric, Tags tags, long micros, double value) {}

    @Test
    void randomPointsSurviveTheRoundTrip() throws IOException {
        long seed = System.nanoTime();
        System.out.println("LineProtocolRoundTripTest seed " + seed);
        Random random = new Random(seed);
        for (int body = 0; body < 200; body++) {
            StringBuilder text = new StringBuilder();
            List<Reading> expected = new ArrayList<>();
            int skipped = 0;
            int lines = 1 + random.nextInt(20);
            for (int line = 0; line < lines; line++) {
                String measurement = name(random);
                TreeMap<String, String> tags = new TreeMap<>();
                int tagCount = random.nextInt(4);
                for (int i = 0; i < tagCount; i++) tags.put(name(random), name(random));
                long nanos = (random.nextLong() >> 4); // within ±2^59 ns, about ±18 years of 1970
                text.append(escape(measurement, ", "));
                tags.forEach((k, v) -> text.append(',').append(escape(k, ",= ")).append('=')
                        .append(escape(v, ",= ")));
                text.append(' ');
                TreeMap<String, Double> fields = new TreeMap<>();
                int fieldCount = 1 + random.nextInt(4);
                for (int i = 0; i < fieldCount; i++) {
                    String key = name(random);
                    if (fields.containsKey(key)) continue;
                    if (i > 0) text.append(',');
                    text.append(escape(key, ",= ")).append('=');
                    switch (random.nextInt(5)) {
                        case 0 -> {
                            double d = random.nextGaussian() * Math.pow(10, random.nextInt(40) - 20);
                            text.append(d);
                            fields.put(key, d);
                        }
                        case 1 -> {
                            long n = random.nextLong() >> random.nextInt(64);
                            text.append(n).append('i');
                            fields.put(key, (double) n);
                        }
                        case 2 -> {
                            boolean b = random.nextBoolean();
                            text.append(b);
                            fields.put(key, b ? 1.0 : 0.0);
                        }
                        case 3 -> {
                            long n = random.nextLong() >>> random.nextInt(64);
                            text.append(Long.toUnsignedString(n)).append('u');
                            fields.put(key, Double.parseDouble(Long.toUnsignedString(n)));
                        }
                        default -> {
                            text.append('"').append(name(random).replace("\\", "\\\\").replace("\"", "\\\""))
                                    .append('"');
                            fields.put(key, null);
                            skipped++;
                        }
                    }
                }
                text.append(' ').append(nanos).append('\n');
                Tags tagSet = Tags.of(tags);
                long micros = Math.floorDiv(nanos, 1000);
                fields.forEach((k, v) -> {
                    if (v != null) expected.add(new Reading(measurement, k, tagSet, micros, v));
                });
            }
            ParsedReadings r;
            try {
                r = new LineProtocolFormat(Precision.NANOSECONDS, Tags.NONE, StringFields.SKIP).parse(
                        new ByteArrayInputStream(text.toString().getBytes(StandardCharsets.UTF_8)),
                        new TimeWindow(0, EpochMicros.MIN, EpochMicros.MAX, Duration.ZERO, Duration.ZERO));
            } catch (InvalidReadingsException e) {
                throw new AssertionError("seed " + seed + ": " + e.problems() + " in body:\n" + text, e);
            }
            List<Reading> actual = new ArrayList<>();
            for (int i = 0; i < r.count(); i++) {
                actual.add(new Reading(r.sensors()[i], r.metrics()[i], r.tags()[i], r.timestamps()[i],
                        r.values()[i]));
            }
            // Fields come back in the order written, which for these is sorted by key, as TreeMap gave them.
            assertThat(actual).as("seed %d, body:%n%s", seed, text).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(r.skipped()).isEqualTo(skipped);
        }
    }

    /** A valid name, 1 to 8 characters, not ending in a backslash (which no writer can escape). */
    private static String name(Random random) {
        while (true) {
            StringBuilder s = new StringBuilder();
            int length = 1 + random.nextInt(8);
            int[] points = ALPHABET.codePoints().toArray();
            for (int i = 0; i < length; i++) s.appendCodePoint(points[random.nextInt(points.length)]);
            String name = s.toString();
            if (!name.endsWith("\\") && !name.startsWith("#") && Names.problem(name) == null) return name;
        }
    }

    /** Telegraf's escaping: a backslash before each of {@code special}, nothing else (not even a backslash). */
    private static String escape(String s, String special) {
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (special.indexOf(c) >= 0) out.append('\\');
            out.append(c);
        }
        return out.toString();
    }
}
