package io.tidemark.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tidemark.testing.RandomSeed;
import java.nio.BufferOverflowException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RandomSeed.class)
class FeedCodecTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double[] SPECIAL = {0.0, -0.0, Double.MIN_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE,
        Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN, 1e-300, 21.5};
    private static final long[] SPECIAL_TS = {0, -1, Long.MIN_VALUE, Long.MAX_VALUE, 1_795_510_800_000_000L};

    /** The layout the migration documents: series id int4, ts int8, value float8, big-endian, 20 bytes each. */
    @Test
    void aReadingIsTwentyBigEndianBytes() {
        FeedCodec.ReadingsWriter writer = new FeedCodec.ReadingsWriter(2);
        writer.add(new int[] {1, 0x01020304}, new long[] {2, -1}, new double[] {1.0, -2.0}, 2);
        assertThat(HexFormat.of().formatHex(writer.bytes())).isEqualTo(
                "00000001" + "0000000000000002" + "3ff0000000000000"
                + "01020304" + "ffffffffffffffff" + "c000000000000000");
    }

    /** A batch's payload is written a request at a time, from the start of each request's arrays. */
    @Test
    void readingsRoundTripFromSlicesOfManyArrays(Random random) {
        for (int round = 0; round < 200; round++) {
            int slices = 1 + random.nextInt(5);
            List<int[]> ids = new ArrayList<>();
            List<long[]> timestamps = new ArrayList<>();
            List<double[]> values = new ArrayList<>();
            List<Integer> counts = new ArrayList<>();
            int total = 0;
            for (int s = 0; s < slices; s++) {
                int length = random.nextInt(50);
                int count = length == 0 ? 0 : random.nextInt(length + 1); // arrays may be longer than used
                ids.add(random.ints(length).toArray());
                timestamps.add(random.longs(length).map(t -> random.nextInt(8) == 0
                        ? SPECIAL_TS[random.nextInt(SPECIAL_TS.length)] : t).toArray());
                values.add(random.doubles(length).map(v -> random.nextInt(8) == 0
                        ? SPECIAL[random.nextInt(SPECIAL.length)] : (v - 0.5) * 1e6).toArray());
                counts.add(count);
                total += count;
            }
            FeedCodec.ReadingsWriter writer = new FeedCodec.ReadingsWriter(total);
            for (int s = 0; s < slices; s++) {
                writer.add(ids.get(s), timestamps.get(s), values.get(s), counts.get(s));
            }
            byte[] payload = writer.bytes();
            assertThat(payload).hasSize(total * FeedCodec.READING_BYTES);

            FeedCodec.Readings decoded = FeedCodec.readings(payload, total);
            int at = 0;
            for (int s = 0; s < slices; s++) {
                for (int i = 0; i < counts.get(s); i++, at++) {
                    assertThat(decoded.seriesIds()[at]).isEqualTo(ids.get(s)[i]);
                    assertThat(decoded.timestamps()[at]).isEqualTo(timestamps.get(s)[i]);
                    assertThat(Double.doubleToRawLongBits(decoded.values()[at])).as("value %d", at)
                            .isEqualTo(Double.doubleToRawLongBits(values.get(s)[i]));
                }
            }
            assertThat(decoded.seriesIds()).hasSize(total);
        }
    }

    @Test
    void aPayloadMustBeFilledExactly() {
        FeedCodec.ReadingsWriter short1 = new FeedCodec.ReadingsWriter(2);
        short1.add(new int[] {1}, new long[] {1}, new double[] {1}, 1);
        assertThatThrownBy(short1::bytes).isInstanceOf(IllegalStateException.class).hasMessageContaining("20 bytes");
        FeedCodec.ReadingsWriter full = new FeedCodec.ReadingsWriter(1);
        full.add(new int[] {1}, new long[] {1}, new double[] {1}, 1);
        assertThatThrownBy(() -> full.add(new int[] {2}, new long[] {2}, new double[] {2}, 1))
                .isInstanceOf(BufferOverflowException.class);
    }

    @Test
    void aReadingsRowWhoseSizeDisagreesWithItsCountIsRefused() {
        assertThatThrownBy(() -> FeedCodec.readings(new byte[41], 2)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("2 readings").hasMessageContaining("41 bytes");
        assertThatThrownBy(() -> FeedCodec.readings(new byte[20], 2)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void alertEventsRoundTrip(Random random) throws Exception {
        for (int round = 0; round < 300; round++) {
            int count = 1 + random.nextInt(6);
            List<String> events = new ArrayList<>();
            for (int i = 0; i < count; i++) events.add(randomAlert(random).toString());
            byte[] payload = FeedCodec.alerts(events);
            String[] decoded = FeedCodec.alertEvents(payload, count);
            assertThat(decoded).hasSize(count);
            for (int i = 0; i < count; i++) {
                assertThat(JSON.readTree(decoded[i])).as("event %d of %s", i, events).isEqualTo(
                        JSON.readTree(events.get(i)));
                assertThat(decoded[i]).as("one line, as an SSE data line must be").doesNotContain("\n", "\r");
            }
        }
    }

    /** Events are stored as the stream sends them: compact JSON comes back as it went in. */
    @Test
    void compactAlertJsonComesBackUnchanged() {
        String event = "{\"event\":\"fired\",\"sensor\":\"boiler \\\"7\\\"\",\"tags\":{\"host\":\"a\"},\"value\":1.5}";
        assertThat(FeedCodec.alertEvents(FeedCodec.alerts(List.of(event, event)), 2)).containsExactly(event, event);
    }

    @Test
    void anAlertsRowThatIsNotTheEventsItCountsIsRefused() {
        byte[] two = FeedCodec.alerts(List.of("{}", "{}"));
        assertThatThrownBy(() -> FeedCodec.alertEvents(two, 3)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("3 alert events").hasMessageContaining("holds 2");
        assertThatThrownBy(() -> FeedCodec.alertEvents("{\"a\":1}".getBytes(StandardCharsets.UTF_8), 1))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> FeedCodec.alertEvents("[{".getBytes(StandardCharsets.UTF_8), 1))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not JSON");
    }

    private static ObjectNode randomAlert(Random random) {
        ObjectNode alert = JSON.createObjectNode();
        alert.put("event", random.nextBoolean() ? "fired" : "resolved");
        alert.put("id", Long.toHexString(random.nextLong()));
        alert.put("sensor", randomText(random));
        alert.put("metric", randomText(random));
        if (random.nextBoolean()) {
            ObjectNode tags = alert.putObject("tags");
            for (int i = random.nextInt(4); i > 0; i--) tags.put(randomText(random), randomText(random));
        }
        alert.put("value", random.nextBoolean() ? random.nextGaussian() * 1e9 : random.nextInt());
        alert.put("for_readings", random.nextInt(100));
        if (random.nextBoolean()) alert.putNull("resolved_at");
        alert.put("ok", random.nextBoolean());
        return alert;
    }

    /** Text with what JSON must escape: quotes, backslashes, line breaks, control characters, and non-ASCII. */
    private static String randomText(Random random) {
        String alphabet = "ab-_ \"\\\n\r\t\u0000\u001f\u00e9\u4e2d\ud83c\udf0a/";
        StringBuilder text = new StringBuilder();
        for (int i = random.nextInt(12); i > 0; i--) {
            int at = random.nextInt(alphabet.length() - 1);
            if (Character.isHighSurrogate(alphabet.charAt(at))) {
                text.append(alphabet, at, at + 2);
            } else if (!Character.isLowSurrogate(alphabet.charAt(at))) {
                text.append(alphabet.charAt(at));
            }
        }
        return text.toString();
    }
}
