package io.tidemark.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.bench.ReadQueries.Kind;
import io.tidemark.bench.ReadQueries.Party;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReadReportTest {
    @Test
    void percentileIsTheNearestRank() {
        List<Double> twenty = new java.util.ArrayList<>();
        for (int i = 20; i >= 1; i--) twenty.add((double) i);
        assertThat(ReadReport.percentile(twenty, 99)).isEqualTo(20);
        assertThat(ReadReport.percentile(twenty, 50)).isEqualTo(10);
        assertThat(ReadReport.percentile(List.of(), 99)).isNaN();
    }

    @Test
    void ratiosArePairedByRoundBeforeTheMedian() {
        ReadReport.Cell c = new ReadReport.Cell();
        c.add(1, 2); // a fast round: 2.0
        c.add(10, 11); // a slow round for both: 1.1
        c.add(2, 2.4); // 1.2
        assertThat(c.ratio()).isEqualTo(1.2, org.assertj.core.api.Assertions.within(1e-9));
    }

    @Test
    void rendersEachQueryAtBothSizesWithItsRatioAndTheTargets() {
        ReadReport report = new ReadReport("10M", "100M");
        for (int i = 0; i < 3; i++) {
            report.add(Kind.LIVE_1H, Party.SQL, 2, 2.2);
            report.add(Kind.LIVE_1H, Party.INFLUX, 4, 8);
        }
        report.note("a note");
        String out = report.render();
        assertThat(out).contains("| live rollup of one series, 1 h in 1 min buckets | 10M | **2.00 ms** (p99 2.00) |"
                + " n/a | **4.00 ms** (p99 4.00) | n/a |");
        assertThat(out).contains("|  | 100M/10M | **1.10** | n/a | **2.00** | n/a |");
        assertThat(out).doesNotContain("raw readings");
        assertThat(out).contains("| live rollup of one series, 1 h, Tidemark SQL, at 100M < 5 ms | 2.20 ms | yes |");
        assertThat(out).contains("| latest value of every series, Tidemark HTTP, at 100M < 10 ms | not measured | ? |");
        assertThat(out).contains("- a note");
    }
}
