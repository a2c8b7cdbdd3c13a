package io.tidemark.ingest.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.UnknownFieldSet;
import io.tidemark.config.TidemarkConfig;
import io.tidemark.names.Tags;
import io.tidemark.testing.RandomSeed;
import io.tidemark.testing.RemoteWriteRequest;
import io.tidemark.testing.RemoteWriteRequest.Sample;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Remote write requests encoded by protobuf-java itself, read by Tidemark's decoder. */
@ExtendWith(RandomSeed.class)
class RemoteWriteFormatTest {
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private static final long T = NOW.minusSeconds(60).toEpochMilli();

    private static ParsedReadings parse(byte[] protobuf) throws IOException {
        return parse(protobuf, new RemoteWriteFormat(500_000));
    }

    private static ParsedReadings parse(byte[] protobuf, RemoteWriteFormat format) throws IOException {
        return format.parse(new ByteArrayInputStream(protobuf), TimeWindow.at(NOW, TidemarkConfig.defaults().ingest()));
    }

    private static InvalidReadingsException invalid(byte[] protobuf) {
        return catchThrowableOfType(InvalidReadingsException.class, () -> parse(protobuf));
    }

    private static Map<String, String> labels(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) map.put(pairs[i], pairs[i + 1]);
        return map;
    }

    @Test
    void samplesBecomeReadingsOfTheSeriesNamedByTheirLabels() throws IOException {
        byte[] request = new RemoteWriteRequest()
                .series(labels("instance", "localhost:9100", "__name__", "node_load1", "job", "node"),
                        Sample.of(0.25, T), Sample.of(0.5, T + 1000))
                .series(labels("__name__", "up", "job", "prometheus"), Sample.of(1, T + 3))
                .protobuf();
        ParsedReadings r = parse(request);

        assertThat(r.count()).isEqualTo(3);
        assertThat(Arrays.copyOf(r.sensors(), 3)).containsExactly("node_load1", "node_load1", "up");
        assertThat(Arrays.copyOf(r.metrics(), 3)).containsOnly("value");
        assertThat(r.tags()[0].toMap()).containsExactly(Map.entry("instance", "localhost:9100"),
                Map.entry("job", "node"));
        assertThat(r.tags()[2]).isEqualTo(Tags.of(Map.of("job", "prometheus")));
        assertThat(Arrays.copyOf(r.timestamps(), 3)).containsExactly(T * 1000, (T + 1000) * 1000, (T + 3) * 1000);
        assertThat(Arrays.copyOf(r.values(), 3)).containsExactly(0.25, 0.5, 1.0);
        assertThat(r.skipped()).isZero();
        assertThat(r.timestampsFromBody()).isTrue();
    }

    @Test
    void theDefaultsProto3LeavesOffTheWireAreZeroValueAndEpochTimestamp() throws IOException {
        // A value of 0 is not on the wire at all; the window must admit timestamp 0 to see it.
        ParsedReadings r = new RemoteWriteFormat(10).parse(new ByteArrayInputStream(new RemoteWriteRequest()
                .series(labels("__name__", "zero"), Sample.of(0.0, 0), Sample.of(-0.0, 5)).protobuf()),
                new TimeWindow(0, Long.MIN_VALUE, Long.MAX_VALUE, Duration.ZERO, Duration.ZERO));
        assertThat(r.count()).isEqualTo(2);
        assertThat(r.values()[0]).isEqualTo(0.0);
        assertThat(Double.doubleToRawLongBits(r.values()[1])).isEqualTo(Double.doubleToRawLongBits(-0.0));
        assertThat(r.timestamps()[0]).isZero();
        assertThat(r.timestamps()[1]).isEqualTo(5000);
    }

    @Test
    void aLabelWithAnEmptyValueIsNoLabel() throws IOException {
        ParsedReadings r = parse(new RemoteWriteRequest()
                .series(labels("__name__", "up", "empty", "", "job", "j"), Sample.of(1, T)).protobuf());
        assertThat(r.tags()[0].toMap()).containsExactly(Map.entry("job", "j"));
    }

    @Test
    void metadataOnlyRequestsHoldNoReadings() throws IOException {
        ParsedReadings r = parse(new RemoteWriteRequest().metadata("up", "1 if the target answered")
                .metadata("node_load1", "1m load average").protobuf());
        assertThat(r.count()).isZero();
        assertThat(r.skipped()).isZero();
        assertThat(parse(new byte[0]).count()).isZero();
    }

    @Test
    void nanStaleMarkersInfinitiesAndHistogramsAreSkippedAndCountedByReason() throws IOException {
        long otherNan = 0x7ff8000000000001L;
        byte[] request = new RemoteWriteRequest()
                .series(labels("__name__", "m"), List.of(Sample.of(1.5, T),
                        new Sample(RemoteWriteRequest.STALE_MARKER_BITS, T + 1), Sample.of(Double.NaN, T + 2),
                        new Sample(otherNan, T + 3), Sample.of(Double.POSITIVE_INFINITY, T + 4),
                        Sample.of(Double.NEGATIVE_INFINITY, T + 5), Sample.of(2.5, T + 6),
                        new Sample(RemoteWriteRequest.STALE_MARKER_BITS, -1)), 2, 3, null)
                .protobuf();
        ParsedReadings r = parse(request);
        assertThat(r.count()).isEqualTo(2);
        assertThat(Arrays.copyOf(r.values(), 2)).containsExactly(1.5, 2.5);
        assertThat(r.skipped(SkipReason.STALE_MARKER)).isEqualTo(2); // its timestamp does not matter: not stored
        assertThat(r.skipped(SkipReason.NAN)).isEqualTo(2);
        assertThat(r.skipped(SkipReason.INFINITE)).isEqualTo(2);
        assertThat(r.skipped(SkipReason.HISTOGRAM)).isEqualTo(3);
        assertThat(r.skipped()).isEqualTo(9);
    }

    @Test
    void unknownFieldsAreSkippedAtEveryLevel() throws IOException {
        UnknownFieldSet unknown = UnknownFieldSet.newBuilder()
                .addField(99, UnknownFieldSet.Field.newBuilder().addVarint(7).build())
                .addField(100, UnknownFieldSet.Field.newBuilder()
                        .addLengthDelimited(com.google.protobuf.ByteString.copyFromUtf8("later version")).build())
                .addField(101, UnknownFieldSet.Field.newBuilder().addFixed32(3).addFixed64(4).build())
                .build();
        byte[] request = new RemoteWriteRequest().metadata("m", "help")
                .series(labels("__name__", "m", "a", "b"), List.of(Sample.of(4, T)), 0, 0, unknown).protobuf();
        ParsedReadings r = parse(request);
        assertThat(r.count()).isEqualTo(1);
        assertThat(r.values()[0]).isEqualTo(4.0);
    }

    @Test
    void everyBadSeriesIsReportedWithItsIndexAndNothingIsReturned() {
        String longValue = "v".repeat(Tags.MAX_VALUE_LENGTH + 1);
        Map<String, String> tooMany = labels("__name__", "many");
        for (int i = 0; i <= Tags.MAX_TAGS; i++) tooMany.put("l" + i, "x");
        byte[] request = new RemoteWriteRequest()
                .series(labels("__name__", "good"), Sample.of(1, T))
                .series(labels("job", "no-name"), Sample.of(1, T))
                .series(List.of(Map.entry("__name__", "a"), Map.entry("__name__", "b")), List.of(Sample.of(1, T)), 0,
                        0, null)
                .series(labels("__name__", "m", "", "x"), Sample.of(1, T))
                .series(labels("__name__", "m", "long", longValue), Sample.of(1, T))
                .series(tooMany, Sample.of(1, T))
                .series(labels("__name__", "bad\u0000name"), Sample.of(1, T))
                .series(labels("__name__", "old"), Sample.of(1, T), Sample.of(2, NOW.minus(Duration.ofDays(31))
                        .toEpochMilli()))
                .series(labels("__name__", "huge"), Sample.of(1, Long.MAX_VALUE))
                .protobuf();
        InvalidReadingsException e = invalid(request);
        assertThat(e).hasMessage("8 problems in the request; nothing was stored");
        List<String> reported = e.problems().stream()
                .map(p -> p.index() + " " + p.field() + ": " + p.message()).toList();
        assertThat(reported).hasSize(8);
        assertThat(reported.get(0))
                .isEqualTo("1 labels: series has no __name__ label (its labels: {\"job\":\"no-name\"})");
        assertThat(reported.get(1)).isEqualTo("2 labels.__name__: series 'a': label __name__ appears twice");
        assertThat(reported.get(2)).isEqualTo("3 labels[1]: series 'm': label name must not be empty");
        assertThat(reported.get(3))
                .startsWith("4 labels[1]: series 'm': value of label 'long' is 1025 characters long");
        assertThat(reported.get(4))
                .isEqualTo("5 labels: series 'many': it has 65 labels besides __name__; at most 64 are allowed");
        assertThat(reported.get(5)).startsWith("6 labels.__name__: metric name contains U+0000");
        assertThat(reported.get(6)).startsWith("7 samples[1].timestamp: series 'old': timestamp ")
                .contains("older than ingest.max_age (30d); remote write timestamps are epoch milliseconds");
        assertThat(reported.get(7)).isEqualTo("8 samples[0].timestamp: series 'huge': timestamp " + Long.MAX_VALUE
                + " is out of range; remote write timestamps are epoch milliseconds");
    }

    @Test
    void aTruncatedOrGarbledRequestIsAProblemNamingTheByte(Random random) throws IOException {
        byte[] whole = new RemoteWriteRequest().series(labels("__name__", "m", "job", "j"),
                Sample.of(1, T), Sample.of(2, T + 1)).protobuf();
        for (int cut = 1; cut < whole.length; cut++) {
            byte[] truncated = Arrays.copyOf(whole, cut);
            InvalidReadingsException e = invalid(truncated);
            // Some cuts fall between two samples of the series: then the request is whole, with fewer samples.
            if (e == null) {
                assertThat(parse(truncated).count()).as("cut at %d", cut).isLessThan(2);
                continue;
            }
            assertThat(e.problems()).hasSize(1);
            assertThat(e.problems().get(0).message()).as("cut at %d", cut)
                    .startsWith("not a remote write request (protobuf prometheus.WriteRequest) at byte ");
        }
        for (int i = 0; i < 200; i++) {
            byte[] garbage = new byte[1 + random.nextInt(64)];
            random.nextBytes(garbage);
            try {
                parse(garbage); // may happen to decode: random bytes are sometimes a valid message
            } catch (InvalidReadingsException | TooManyReadingsException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
    }

    @Test
    void labelTextMustBeUtf8() throws IOException {
        ByteArrayOutputStream label = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(label);
        out.writeString(1, "__name__");
        out.writeByteArray(2, new byte[] {'m', (byte) 0xff});
        out.flush();
        ByteArrayOutputStream series = new ByteArrayOutputStream();
        CodedOutputStream s = CodedOutputStream.newInstance(series);
        s.writeByteArray(1, label.toByteArray());
        s.flush();
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        CodedOutputStream r = CodedOutputStream.newInstance(request);
        r.writeByteArray(1, series.toByteArray());
        r.flush();
        assertThat(invalid(request.toByteArray()).problems().get(0).message()).contains("UTF-8");
    }

    @Test
    void requestsBeyondTheSampleOrSeriesLimitAreRefusedWhileRead() throws IOException {
        RemoteWriteFormat format = new RemoteWriteFormat(10);
        Sample[] ten = new Sample[10];
        for (int i = 0; i < 10; i++) ten[i] = Sample.of(i, T + i);
        assertThat(parse(new RemoteWriteRequest().series(labels("__name__", "m"), ten).protobuf(), format).count())
                .isEqualTo(10);
        byte[] eleven = new RemoteWriteRequest().series(labels("__name__", "m"), ten)
                .series(labels("__name__", "n"), Sample.of(1, T)).protobuf();
        assertThatThrownBy(() -> parse(eleven, format)).isInstanceOf(TooManyReadingsException.class)
                .hasMessage("request has more than 10 samples; at most 10 (ingest.queue_capacity) are taken in one "
                        + "request");
        RemoteWriteRequest manySeries = new RemoteWriteRequest();
        for (int i = 0; i < 11; i++) manySeries.series(labels("__name__", "s" + i));
        assertThatThrownBy(() -> parse(manySeries.protobuf(), format)).isInstanceOf(TooManyReadingsException.class)
                .hasMessageStartingWith("request has more than 10 series");
    }

    @Test
    void aHugeRequestIsReadWhole() throws IOException {
        // 20 times Prometheus' largest default batch: 10,000 series of 20 samples, each series with five labels.
        RemoteWriteRequest request = new RemoteWriteRequest();
        for (int s = 0; s < 10_000; s++) {
            Sample[] samples = new Sample[20];
            for (int k = 0; k < samples.length; k++) samples[k] = Sample.of(s + k / 100.0, T - 1000L * k);
            request.series("node_network_receive_bytes_total", List.of("device", "eth" + s % 97, "instance",
                    "host-" + s + ":9100", "job", "node", "monitor", "prod"), samples);
        }
        byte[] protobuf = request.protobuf();
        ParsedReadings r = parse(protobuf);
        assertThat(r.count()).isEqualTo(200_000);
        assertThat(r.tags()[199_999].get("instance")).isEqualTo("host-9999:9100");
        assertThat(r.values()[199_999]).isEqualTo(9999.19);
        assertThat(r.minTimestamp()).isEqualTo((T - 19_000) * 1000);
        assertThat(r.maxTimestamp()).isEqualTo(T * 1000);
    }

    @Test
    void randomRequestsDecodeToExactlyWhatWasEncoded(Random random) throws IOException {
        RemoteWriteRequest request = new RemoteWriteRequest();
        List<String> expected = new ArrayList<>();
        int seriesCount = 1 + random.nextInt(2000);
        for (int s = 0; s < seriesCount; s++) {
            Map<String, String> labels = new LinkedHashMap<>();
            TreeMap<String, String> tags = new TreeMap<>();
            String name = "metric_" + random.nextInt(50) + (random.nextBoolean() ? ":sum" : "");
            labels.put("__name__", name);
            int labelCount = random.nextInt(8);
            for (int l = 0; l < labelCount; l++) {
                String key = "l" + random.nextInt(20);
                if (labels.containsKey(key)) continue;
                String value = random.nextInt(10) == 0 ? "" : text(random);
                labels.put(key, value);
                if (!value.isEmpty()) tags.put(key, value);
            }
            List<Map.Entry<String, String>> shuffled = new ArrayList<>(labels.entrySet());
            java.util.Collections.shuffle(shuffled, random);
            Map<String, String> ordered = new LinkedHashMap<>();
            shuffled.forEach(e -> ordered.put(e.getKey(), e.getValue()));
            int samples = random.nextInt(6);
            List<Sample> list = new ArrayList<>();
            for (int k = 0; k < samples; k++) {
                double value = random.nextInt(4) == 0 ? random.nextInt(100) : random.nextGaussian() * 1e6;
                long ts = T - random.nextInt(86_400_000);
                list.add(Sample.of(value, ts));
                expected.add(name + " " + Tags.of(tags).json() + " " + ts * 1000 + " "
                        + Double.doubleToRawLongBits(value));
            }
            request.series(ordered, list.toArray(Sample[]::new));
        }
        // Twice: the second time, the label texts come from this thread's caches of names seen before.
        for (int pass = 1; pass <= 2; pass++) {
            ParsedReadings r = parse(request.protobuf());
            List<String> actual = new ArrayList<>();
            for (int i = 0; i < r.count(); i++) {
                actual.add(r.sensors()[i] + " " + r.tags()[i].json() + " " + r.timestamps()[i] + " "
                        + Double.doubleToRawLongBits(r.values()[i]));
            }
            assertThat(actual).as("pass %d", pass).containsExactlyElementsOf(expected);
        }
    }

    private static String text(Random random) {
        String[] pieces = {"a", "Z", "0", "_", ":", "/", " ", "é", "日本", "\uD83D\uDE00", "\"", "\\", "{}", "="};
        StringBuilder out = new StringBuilder();
        int n = 1 + random.nextInt(6);
        for (int i = 0; i < n; i++) out.append(pieces[random.nextInt(pieces.length)]);
        return out.toString().isBlank() ? "x" + out : out.toString();
    }
}
