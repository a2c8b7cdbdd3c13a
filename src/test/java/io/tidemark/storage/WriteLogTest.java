package io.tidemark.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.testing.RandomSeed;
import java.util.Arrays;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RandomSeed.class)
class WriteLogTest {
    private static final long MINUTE = WriteLog.GRANULE_MICROS;

    @Test
    void timestampsOfOneMinuteAreOneRange() {
        long base = 1_795_510_800_000_000L;
        long[][] ranges = WriteLog.ranges(c -> {
            c.accept(base + 5);
            c.accept(base + MINUTE - 1);
            c.accept(base);
        });
        assertThat(ranges[0]).containsExactly(base);
        assertThat(ranges[1]).containsExactly(base + MINUTE);
    }

    @Test
    void adjacentMinutesMergeAndGapsSplit() {
        long base = 1_795_510_800_000_000L;
        long[][] ranges = WriteLog.ranges(c -> {
            c.accept(base + 2 * MINUTE + 7);
            c.accept(base + 1);
            c.accept(base + MINUTE + 3);
            c.accept(base + 5 * MINUTE);
        });
        assertThat(ranges[0]).containsExactly(base, base + 5 * MINUTE);
        assertThat(ranges[1]).containsExactly(base + 3 * MINUTE, base + 6 * MINUTE);
    }

    @Test
    void beforeTheEpochFloorsToTheMinuteStart() {
        long[][] ranges = WriteLog.ranges(c -> c.accept(-1));
        assertThat(ranges[0]).containsExactly(-MINUTE);
        assertThat(ranges[1]).containsExactly(0L);
    }

    /** The ranges cover exactly the minutes the timestamps fall in: disjoint, ascending, never adjacent. */
    @Test
    void rangesCoverExactlyTheMinutesWritten(Random random) {
        for (int round = 0; round < 200; round++) {
            long[] ts = new long[1 + random.nextInt(300)];
            for (int i = 0; i < ts.length; i++) {
                ts[i] = random.nextInt(3) == 0 ? random.nextLong() / 1000
                        : 1_795_510_800_000_000L + (long) (random.nextGaussian() * 40 * MINUTE);
            }
            TreeSet<Long> expected = new TreeSet<>();
            for (long t : ts) expected.add(Math.floorDiv(t, MINUTE) * MINUTE);
            long[][] ranges = WriteLog.ranges(c -> Arrays.stream(ts).forEach(c));
            TreeSet<Long> covered = new TreeSet<>();
            for (int r = 0; r < ranges[0].length; r++) {
                if (r > 0) assertThat(ranges[0][r]).isGreaterThan(ranges[1][r - 1]);
                for (long m = ranges[0][r]; m < ranges[1][r]; m += MINUTE) covered.add(m);
            }
            assertThat(covered).isEqualTo(expected);
        }
    }
}
