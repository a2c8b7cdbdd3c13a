package io.tidemark.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class Rfc3339Test {

    /** Against java.time, with fractions of 0 to 30 digits rounded half to even, as PostgreSQL rounds them. */
    @Test
    void agreesWithJavaTimeOnRandomTimestampsOffsetsAndFractions() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int i = 0; i < 20_000; i++) {
            long second = random.nextLong(-2_208_988_800L, 4_102_444_800L); // 1900 .. 2100
            int offsetMinutes = (random.nextInt(2 * 18 * 60 + 1) - 18 * 60) / 15 * 15;
            OffsetDateTime t = Instant.ofEpochSecond(second).atOffset(ZoneOffset.ofTotalSeconds(offsetMinutes * 60));
            StringBuilder fraction = new StringBuilder();
            int digits = random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(30);
            for (int d = 0; d < digits; d++) {
                // many zeros and fives, so that ties and near-ties come up
                char digit = random.nextBoolean() ? "05".charAt(random.nextInt(2)) : (char) ('0' + random.nextInt(10));
                fraction.append(digit);
            }
            String text = t.format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss"))
                    + (digits == 0 ? "" : "." + fraction) + t.format(DateTimeFormatter.ofPattern("XXX"));
            long fractionMicros = digits == 0 ? 0 : new BigDecimal("0." + fraction).movePointRight(6)
                    .setScale(0, RoundingMode.HALF_EVEN).longValueExact();

            assertThat(Rfc3339.parseMicros(text)).as("seed %d: %s", seed, text)
                    .isEqualTo(second * 1_000_000L + fractionMicros);
        }
    }

    /** What PostgreSQL 15 answers for {@code 'TEXT'::timestamptz}. */
    @ParameterizedTest(name = "{displayName} [{0}]")
    @CsvSource({
            "2026-01-01T00:00:00.0000005Z, 2026-01-01T00:00:00Z",
            "2026-01-01T00:00:00.0000015Z, 2026-01-01T00:00:00.000002Z",
            "2026-01-01T00:00:00.0000025Z, 2026-01-01T00:00:00.000002Z",
            "2026-01-01T00:00:00.1234565Z, 2026-01-01T00:00:00.123456Z",
            "2026-01-01T00:00:00.1234575Z, 2026-01-01T00:00:00.123458Z",
            "2026-01-01T00:00:00.5000005Z, 2026-01-01T00:00:00.5Z",
            "2026-01-01T00:00:00.0000125Z, 2026-01-01T00:00:00.000012Z",
            "2026-01-01T00:00:00.99999951Z, 2026-01-01T00:00:01Z",
            "2026-01-01T00:00:00.9999995Z, 2026-01-01T00:00:01Z",
            "2026-01-01T00:00:00.00000049999999999Z, 2026-01-01T00:00:00Z",
            "1969-12-31T23:59:59.9999995Z, 1970-01-01T00:00:00Z",
            "1969-12-31T23:59:59.0000005Z, 1969-12-31T23:59:59Z",
            "2026-01-01T00:00:00.1234567890123Z, 2026-01-01T00:00:00.123457Z"})
    void roundsFractionsToTheMicrosecondAsPostgresqlDoes(String text, String stored) {
        assertThat(Rfc3339.parseMicros(text)).isEqualTo(EpochMicros.of(Instant.parse(stored)));
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
            "2026-11-24T10:00:00.Z", "2026-11-24T10:00:00.123", "2026-11-24T10:00:00+0100",
            "2026-11-24T10:00:00+24:00", "2026-11-24T10:00:00ZZ", "2026/11/24T10:00:00Z", "2026-11-24X10:00:00Z",
            "+2026-11-24T10:00:00Z", "2026-11-24T10:00:00 Z", "１９９９-11-24T10:00:00Z", "2026-11-24T10:00:00.1.2Z",
            "2026-11-24T10:00:00.12a3Z"})
    void rejectsMalformedTimestamps(String text) {
        assertThat(Rfc3339.parseMicros(text)).isEqualTo(Rfc3339.INVALID);
    }

    @Test
    void acceptsLeapDay() {
        assertThat(Rfc3339.parseMicros("2024-02-29T00:00:00Z"))
                .isEqualTo(Instant.parse("2024-02-29T00:00:00Z").getEpochSecond() * 1_000_000L);
    }
}
