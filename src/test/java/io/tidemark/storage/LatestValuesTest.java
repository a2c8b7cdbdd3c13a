package io.tidemark.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.testing.RandomSeed;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RandomSeed.class)
class LatestValuesTest {
    @Test
    void keepsTheNewestReadingOfEachSeriesInSeriesIdOrder() {
        LatestValues latest = new LatestValues(4);
        latest.add(new int[] {7, 3, 7, 3}, new long[] {20, 5, 10, 6}, new double[] {1, 2, 3, 4}, 4);
        latest.add(new int[] {1}, new long[] {-100}, new double[] {9}, 1);

        LatestValues.Rows rows = latest.sortedById();
        assertThat(rows.seriesIds()).containsExactly(1, 3, 7);
        assertThat(rows.timestamps()).containsExactly(-100, 6, 20);
        assertThat(rows.values()).containsExactly(9, 4, 1);
    }

    @Test
    void ofReadingsAtTheSameTimeTheOneAddedLastWins() {
        LatestValues latest = new LatestValues(1);
        latest.add(new int[] {5, 5}, new long[] {10, 10}, new double[] {1, 2}, 2);
        latest.add(new int[] {5, 5}, new long[] {10, 9}, new double[] {3, 4}, 2);

        assertThat(latest.sortedById().values()).containsExactly(3);
    }

    @Test
    void onlyTheFirstCountReadingsOfTheArraysCount() {
        LatestValues latest = new LatestValues(1);
        latest.add(new int[] {5, 6}, new long[] {10, 11}, new double[] {1, 2}, 1);

        assertThat(latest.sortedById().seriesIds()).containsExactly(5);
    }

    @Test
    void refusesANonPositiveSeriesId() {
        assertThatThrownBy(() -> new LatestValues(1).add(new int[] {0}, new long[] {1}, new double[] {1}, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** Many series past the expected size (the table grows), in random order: the same answer as a sorted map. */
    @Test
    void agreesWithASortedMapWhateverTheOrderAndTheSize(Random random) {
        LatestValues latest = new LatestValues(random.nextInt(20) + 1);
        TreeMap<Integer, long[]> expected = new TreeMap<>(); // id -> {ts, value as bits}
        for (int request = 0; request < 50; request++) {
            int count = random.nextInt(200) + 1;
            int[] ids = new int[count];
            long[] ts = new long[count];
            double[] values = new double[count];
            for (int i = 0; i < count; i++) {
                ids[i] = 1 + random.nextInt(random.nextBoolean() ? 50 : Integer.MAX_VALUE - 1);
                ts[i] = random.nextInt(100) - 50;
                values[i] = random.nextDouble();
                long[] seen = expected.get(ids[i]);
                if (seen == null || ts[i] >= seen[0]) {
                    expected.put(ids[i], new long[] {ts[i], Double.doubleToLongBits(values[i])});
                }
            }
            latest.add(ids, ts, values, count);
        }
        LatestValues.Rows rows = latest.sortedById();
        assertThat(latest.series()).isEqualTo(expected.size());
        assertThat(rows.seriesIds()).containsExactly(expected.keySet().stream().mapToInt(Integer::intValue).toArray());
        int i = 0;
        for (long[] e : expected.values()) {
            assertThat(rows.timestamps()[i]).isEqualTo(e[0]);
            assertThat(rows.values()[i]).isEqualTo(Double.longBitsToDouble(e[1]));
            i++;
        }
    }

    @Test
    void readingsKnownToBeOlderThanTheirRowAreLeftOutAndOthersKept() {
        CommittedLatest known = new CommittedLatest(100);
        known.committed(new LatestValues.Rows(new int[] {2, 3, 500}, new long[] {10, 10, 10}, new double[] {0, 0, 0}));
        known.committed(new LatestValues.Rows(new int[] {2}, new long[] {5}, new double[] {0})); // never back

        LatestValues.Rows kept = known.newer(new LatestValues.Rows(new int[] {1, 2, 3, 500},
                new long[] {1, 9, 10, 1}, new double[] {1, 2, 3, 4}));
        assertThat(kept.seriesIds()).as("unknown, older, same time (may differ), beyond capacity")
                .containsExactly(1, 3, 500);
        assertThat(kept.values()).containsExactly(1, 3, 4);
    }
}
