package io.tidemark.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.time.EpochMicros;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class QueryParametersTest {
    private static QueryParameters params(Map<String, List<String>> raw) {
        return new QueryParameters(raw, Set.of("from", "limit", "sensor", "state"));
    }

    @Test
    void timesAreRfc3339OrEpochMillisInMicroseconds() {
        QueryParameters p = params(Map.of("from", List.of("2026-11-24T10:00:00.1234567+01:00")));
        assertThat(p.time("from")).as("rounded, as PostgreSQL rounds").isEqualTo(1_795_510_800_123_457L);
        assertThat(params(Map.of("from", List.of("2026-11-24T10:00:00.12345650000000000001+01:00"))).time("from"))
                .as("any number of fraction digits").isEqualTo(1_795_510_800_123_457L);
        assertThat(params(Map.of("from", List.of("2026-11-24T10:00+01:00"))).time("from"))
                .as("seconds left out").isEqualTo(1_795_510_800_000_000L);
        assertThat(params(Map.of("from", List.of("1795514400123"))).time("from")).isEqualTo(1_795_514_400_123_000L);
        assertThat(params(Map.of("from", List.of("-1"))).time("from")).isEqualTo(-1000L);
        assertThat(params(Map.of("from", List.of("2026-11-24 09:00:00Z"))).time("from"))
                .isEqualTo(1_795_510_800_000_000L);
    }

    @Test
    void badTimeNamesTheParameterAndHintsAtAnUnencodedPlus() {
        QueryParameters p = params(Map.of("from", List.of("2026-11-24T10:00:00 01:00")));
        p.time("from");
        assertThatThrownBy(p::validate).isInstanceOf(InvalidParametersException.class)
                .hasMessageContaining("from: '2026-11-24T10:00:00 01:00' is not an RFC 3339 time")
                .hasMessageContaining("%2B");
        QueryParameters huge = params(Map.of("from", List.of("99999999999999999")));
        huge.time("from");
        assertThatThrownBy(huge::validate).hasMessageContaining("from: epoch milliseconds out of range");
    }

    /** Overflowing values used to wrap round to 1970; the range is years 1 to 9999. */
    @ParameterizedTest(name = "{displayName} [{0}]")
    @ValueSource(strings = {"-9223372036854775808", "9223372036854775807", "-9223372036854775807", "9223372036854776",
            "-9223372036854776", "253402300800000", "-62135596800001", "123456789012345678901234567890",
            "0000-12-31T23:59:59Z", "0001-01-01T00:00:00+00:01"})
    void timesOutsideYearsOneToNineThousandNineHundredNinetyNineAreProblems(String value) {
        QueryParameters p = params(Map.of("from", List.of(value)));

        assertThat(p.time("from")).isNull();
        assertThatThrownBy(p::validate).hasMessageStartingWith("from: ").hasMessageContaining("out of range")
                .hasMessageContaining("0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z");
    }

    @Test
    void timesAtTheEdgesOfTheRangeAreAccepted() {
        assertThat(params(Map.of("from", List.of("-62135596800000"))).time("from")).isEqualTo(EpochMicros.MIN);
        assertThat(params(Map.of("from", List.of("9999-12-31T23:59:59.9999994Z"))).time("from"))
                .isEqualTo(EpochMicros.MAX);
        assertThat(params(Map.of("from", List.of("253402300799999"))).time("from"))
                .isEqualTo(EpochMicros.MAX - 999);
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        QueryParameters p = params(Map.of("limit", List.of("0"), "sensr", List.of("x"), "state", List.of("a", "b"),
                "sensor", List.of("")));
        p.limit("limit", 10, 100);
        p.text("sensor");
        assertThatThrownBy(p::validate).isInstanceOfSatisfying(InvalidParametersException.class, e ->
                assertThat(e.problems()).extracting(ParameterProblem::parameter)
                        .containsExactlyInAnyOrder("sensr", "state", "limit", "sensor"))
                .hasMessageContaining("sensr: unknown parameter; known here: from, limit, sensor, state")
                .hasMessageContaining("state: given 2 times")
                .hasMessageContaining("limit: must be a whole number from 1 to 100, got '0'")
                .hasMessageContaining("sensor: is empty");
    }

    /** NUL (which PostgreSQL refuses in text) and other characters no name may hold, in any parameter. */
    @ParameterizedTest(name = "{displayName} [U+{0}]")
    @ValueSource(strings = {"0000", "0007", "000A", "007F", "200B", "202E", "2028", "00A0"})
    void textWithACharacterNoNameMayHoldIsAProblemNamingItsCodePoint(String hex) {
        String c = new String(Character.toChars(Integer.parseInt(hex, 16)));
        QueryParameters p = new QueryParameters(Map.of("sensor", List.of("boiler" + c), "prefix", List.of(c + "b"),
                "metric", List.of("b-" + c + "*")), Set.of("sensor", "prefix", "metric"));

        assertThat(p.name("sensor")).isNull();
        assertThat(p.text("prefix")).isNull();
        assertThat(p.glob("metric").matchesAll()).isTrue();
        assertThatThrownBy(p::validate).isInstanceOfSatisfying(InvalidParametersException.class, e ->
                assertThat(e.problems()).extracting(ParameterProblem::parameter)
                        .containsExactlyInAnyOrder("sensor", "prefix", "metric"))
                .hasMessageContaining("sensor: contains U+" + hex)
                .hasMessageContaining("prefix: contains U+" + hex)
                .hasMessageNotContaining(c);
    }

    @Test
    void namesFollowTheRuleOfStoredNames() {
        QueryParameters p = params(Map.of("sensor", List.of("\u00A0"), "state", List.of("Kessel-Süd")));
        assertThat(p.requiredName("sensor")).isNull();
        assertThat(p.name("state")).isEqualTo("Kessel-Süd");
        assertThat(p.name("from")).isNull();
        assertThatThrownBy(p::validate).hasMessage("sensor: must not be blank: it has no letter, number, punctuation or"
                + " symbol");
    }

    @Test
    void absentParametersTakeDefaultsAndRequiredOnesAreNamed() {
        QueryParameters p = params(Map.of());
        assertThat(p.limit("limit", 10, 100)).isEqualTo(10);
        assertThat(p.choice("state", List.of("open", "all"), "all")).isEqualTo("all");
        assertThat(p.time("from")).isNull();
        p.required("sensor");
        assertThatThrownBy(p::validate).hasMessage("sensor: is required");
    }
}
