package io.tidemark.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MixedLoadTest {
    @Test
    void percentileIsTheNearestRankInMilliseconds() {
        long[] nanos = {1_000_000, 2_000_000, 3_000_000, 4_000_000};
        assertThat(MixedLoad.percentile(nanos, 0.5)).isEqualTo(2.0);
        assertThat(MixedLoad.percentile(nanos, 0.99)).isEqualTo(4.0);
        assertThat(MixedLoad.percentile(new long[0], 0.99)).isNaN();
    }
}
