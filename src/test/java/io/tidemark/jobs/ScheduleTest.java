package io.tidemark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScheduleTest {

    @ParameterizedTest(name = "every {0} after {1} is {2}")
    @CsvSource({
        "PT1H,  2026-11-25T10:30:05Z,     2026-11-25T11:00:00Z",
        "PT1H,  2026-11-25T10:00:00Z,     2026-11-25T11:00:00Z",
        "PT1M,  2026-11-25T10:00:59.999Z, 2026-11-25T10:01:00Z",
        "PT5M,  2026-11-25T10:07:00Z,     2026-11-25T10:10:00Z",
        "PT24H, 2026-11-25T23:59:00Z,     2026-11-26T00:00:00Z",
        "PT7S,  1970-01-01T00:00:20Z,     1970-01-01T00:00:21Z",
    })
    void everyRunsAtSlotsAlignedToTheEpochLikeBuckets(Duration period, Instant after, Instant next) {
        assertThat(new Schedule.Every(period).next(after)).isEqualTo(next);
    }
}
