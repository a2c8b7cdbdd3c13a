package io.tidemark.ingest.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Rfc3339Test {

    @Test
    void agreesWithJavaTimeOnRandomTimestampsAndOffsets() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int i = 0; i < 20_000; i++) {
            long second = random.nextLong(-2_208_988_800L, 4_102_444_800L); // 1900 .. 2100
            int nanos = random.nextInt(1_000_000_000);
            int offsetMinutes = (random.nextInt(2 * 18 * 60 + 1) - 18 * 60) / 15 * 15;
            OffsetDateTime t = Instant.ofEpochSecond(second, nanos)
                    .atOffset(ZoneOffset.ofTotalSeconds(offsetMinutes * 60));
            int digits = random.nextInt(10);
            String pattern = "yyyy-MM-dd'T'HH:mm:ss" + (digits == 0 ? "" : "." + "S".repeat(digits)) + "XXX";
            String text = t.format(DateTimeFormatter.ofPattern(pattern));
            Instant expected = OffsetDateTime.parse(text).toInstant().truncatedTo(ChronoUnit.MICROS);
            long micros = Rfc3339.parseMicros(text);
            assertThat(micros).as("seed %d: %s", seed, text)
                    .isEqualTo(expected.getEpochSecond() * 1_000_000L + expected.getNano() / 1000);
        }
    }

    @Test
    void acceptsLowercaseAndSpaceSeparator() {
        long expected = Instant.parse("2026-11-24T10:00:00.123Z").toEpochMilli() * 1000;
        assertThat(Rfc3339.parseMicros("2026-11-24t10:00:00.123z")).isEqualTo(expected);
        assertThat(Rfc3339.parseMicros("2026-11-24 10:00:00.123Z")).isEqualTo(expected);
        assertThat(Rfc3339.parseMicros("2026-11-24T11:30:00.123+01:30")).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "2026-11-24", "2026-11-24T10:00:00", "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z",
            "2026-11-31T00:00:00Z", "2026-11-24T24:00:00Z", "2026-11-24T10:60:00Z", "2026-11-24T10:00:60Z",
            "2026-11-24T10:00:00.Z", "2026-11-24T10:00:00.1234567890Z", "2026-11-24T10:00:00+0100",
            "2026-11-24T10:00:00+24:00", "2026-11-24T10:00:00ZZ", "2026/11/24T10:00:00Z", "2026-11-24X10:00:00Z",
            "+2026-11-24T10:00:00Z", "2026-11-24T10:00:00 Z", "１９９９-11-24T10:00:00Z"})
    void rejectsMalformedTimestamps(String text) {
        assertThat(Rfc3339.parseMicros(text)).isEqualTo(Rfc3339.INVALID);
    }

    @Test
    void acceptsLeapDay() {
        assertThat(Rfc3339.parseMicros("2024-02-29T00:00:00Z"))
                .isEqualTo(Instant.parse("2024-02-29T00:00:00Z").getEpochSecond() * 1_000_000L);
    }
}
