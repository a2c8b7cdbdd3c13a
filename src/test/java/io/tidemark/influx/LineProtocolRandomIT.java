package io.tidemark.influx;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tidemark.testing.Bodies;
import io.tidemark.testing.RandomSeed;
import io.tidemark.testing.TidemarkServerExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Random batches of line protocol, some with bad lines mixed in, through both write APIs: a batch of good lines is
 * stored exactly (every field of every line, with its tags and timestamp, nothing else), a batch with any bad line
 * stores nothing and its answer names the first bad line.
 */
@ExtendWith(RandomSeed.class)
@Timeout(120)
class LineProtocolRandomIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> MEASUREMENTS = List.of("cpu", "mem", "disk.io", "net-eth0", "boiler_1");
    private static final List<String> TAG_KEYS = List.of("host", "region", "dc", "core");
    private static final List<String> FIELD_KEYS = List.of("value", "usage_idle", "temp", "count", "on");
    private static final List<String> BAD_LINES = List.of("cpu value=x", "cpu", "cpu value=\"open", "cpu,host value=1",
            "cpu value=1 12x", "cpu value=1i2", "cpu =1");

    @RegisterExtension
    static final TidemarkServerExtension server = TidemarkServerExtension.withDefaults();

    /** One stored reading as a user sees it in readings_v. */
    private record Row(String sensor, String metric, Map<String, String> tags, long micros, double value) {}

    @Test
    void goodBatchesAreStoredExactlyAndBatchesWithABadLineStoreNothing(Random random) {
        InfluxHttp influx = new InfluxHttp(server.get());
        long start = Instant.now().minusSeconds(3600).getEpochSecond();
        int good = 0;
        int bad = 0;
        for (int batch = 0; batch < 40; batch++) {
            String db = "random" + batch;
            List<String> lines = new ArrayList<>();
            Set<Row> expected = new HashSet<>();
            int firstBad = -1;
            int count = 1 + random.nextInt(40);
            for (int i = 0; i < count; i++) {
                if (random.nextInt(60) == 0) {
                    lines.add(BAD_LINES.get(random.nextInt(BAD_LINES.size())));
                    if (firstBad < 0) firstBad = i + 1;
                } else {
                    lines.add(goodLine(random, db, start + i, expected));
                }
            }
            String body = String.join("\n", lines) + (random.nextBoolean() ? "\n" : "");
            boolean v1 = random.nextBoolean();
            String path = v1 ? "/write?precision=s&db=" + db : "/api/v2/write?precision=s&org=o&bucket=" + db;
            HttpResponse<String> answer = random.nextBoolean()
                    ? influx.post(path, Bodies.gzip(body), "Content-Encoding", "gzip")
                    : influx.post(path, body.getBytes(StandardCharsets.UTF_8));

            if (firstBad < 0) {
                good++;
                assertThat(answer.statusCode()).as("batch %d: %s\n%s", batch, answer.body(), body).isEqualTo(204);
                assertThat(stored(influx, db)).as("batch %d:\n%s", batch, body)
                        .containsExactlyInAnyOrderElementsOf(expected);
            } else {
                bad++;
                String error = v1 ? InfluxHttp.v1Error(answer, 400) : InfluxHttp.v2Error(answer, 400, "invalid");
                assertThat(error).as("batch %d", batch).contains("(line " + firstBad + ")");
                assertThat(influx.count(db)).as("batch %d with a bad line %d", batch, firstBad).isZero();
            }
        }
        System.out.println("LineProtocolRandomIT: " + good + " good and " + bad + " bad batches");
    }

    /** A good line at {@code seconds}, its readings added to {@code expected}. */
    private static String goodLine(Random random, String db, long seconds, Set<Row> expected) {
        String measurement = MEASUREMENTS.get(random.nextInt(MEASUREMENTS.size()));
        Map<String, String> tags = new TreeMap<>();
        tags.put("db", db);
        StringBuilder line = new StringBuilder(measurement);
        for (String key : TAG_KEYS) {
            if (random.nextInt(3) == 0) continue;
            String value = key + random.nextInt(3);
            tags.put(key, value);
            line.append(',').append(key).append('=').append(value);
        }
        line.append(' ');
        List<String> fields = new ArrayList<>(FIELD_KEYS);
        java.util.Collections.shuffle(fields, random);
        int n = 1 + random.nextInt(3);
        for (int f = 0; f < n; f++) {
            String key = fields.get(f);
            double value;
            String text;
            switch (random.nextInt(4)) {
                case 0 -> {
                    long i = random.nextInt(2_000_001) - 1_000_000;
                    value = i;
                    text = i + "i";
                }
                case 1 -> {
                    boolean b = random.nextBoolean();
                    value = b ? 1 : 0;
                    text = List.of(b ? "t" : "f", b ? "true" : "false", b ? "T" : "F", b ? "TRUE" : "FALSE")
                            .get(random.nextInt(4));
                }
                default -> {
                    value = (random.nextInt(2_000_001) - 1_000_000) / 100.0;
                    text = Double.toString(value);
                }
            }
            line.append(f == 0 ? "" : ",").append(key).append('=').append(text);
            expected.add(new Row(measurement, key, Map.copyOf(tags), seconds * 1_000_000L, value));
        }
        return line.append(' ').append(seconds).toString();
    }

    private static Set<Row> stored(InfluxHttp influx, String db) {
        Set<Row> rows = new HashSet<>();
        for (List<String> r : influx.rows(db)) {
            rows.add(new Row(r.get(0), r.get(1), tags(r.get(2)), Long.parseLong(r.get(3)),
                    Double.parseDouble(r.get(4))));
        }
        return rows;
    }

    private static Map<String, String> tags(String json) {
        try {
            return Map.copyOf(JSON.readValue(json, new TypeReference<Map<String, String>>() {}));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
