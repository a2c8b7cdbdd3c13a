package io.tidemark.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LiveStampsTest {
    private static final long NOW = Instant.parse("2026-12-04T12:00:00Z").toEpochMilli();
    private static final long SPREAD = 10_000;
    private final Workload pool = Workload.generate(100_000, Instant.ofEpochMilli(NOW));
    private final LiveStamps stamps = new LiveStamps(pool, 13);

    @Test
    void aTenthOfReadingsIsLate() {
        assertThat(stamps.lateReadings()).isBetween(9_500, 10_500);
    }

    @Test
    void lateReadingsAreBehindTheWatermarkAndFreshOnesAheadOfTheClock() {
        Workload live = stamps.stamp(pool, NOW, SPREAD);
        for (int r = 0; r < live.readings(); r++) {
            long ts = live.millis[r];
            if (stamps.late(r)) {
                assertThat(ts).isBetween(NOW - LiveStamps.MAX_LATENESS_MILLIS, NOW - LiveStamps.MIN_LATENESS_MILLIS);
            } else {
                assertThat(ts).isBetween(NOW + LiveStamps.LEAD_MILLIS,
                        NOW + LiveStamps.LEAD_MILLIS + SPREAD + Workload.SERIES);
            }
        }
    }

    @Test
    void freshReadingsFollowThePoolOrder() {
        Workload live = stamps.stamp(pool, NOW, SPREAD);
        long previousTick = Long.MIN_VALUE;
        for (int t = 0; t < pool.ticks; t++) {
            int r = t * Workload.SERIES; // series 0 of each tick
            if (stamps.late(r)) continue;
            assertThat(live.millis[r]).isGreaterThan(previousTick);
            previousTick = live.millis[r];
        }
    }

    @Test
    void noTwoReadingsOfASeriesShareATimestampAmongFreshOnes() {
        Workload live = stamps.stamp(pool, NOW, SPREAD);
        Set<String> seen = new HashSet<>();
        for (int r = 0; r < live.readings(); r++) {
            if (!stamps.late(r)) assertThat(seen.add(r % Workload.SERIES + "@" + live.millis[r])).isTrue();
        }
    }

    @Test
    void everyStampingKeepsTheSameReadingsLateByTheSameAmountAndTheValues() {
        Workload first = stamps.stamp(pool, NOW, SPREAD);
        Workload later = stamps.stamp(pool, NOW + 60_000, SPREAD);
        for (int r = 0; r < pool.readings(); r++) {
            assertThat(later.millis[r] - first.millis[r]).isEqualTo(60_000);
            assertThat(later.values[r]).isEqualTo(pool.values[r]);
        }
    }
}
