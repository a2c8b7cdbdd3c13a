package io.tidemark.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FigureTest {
    private static Figure figure(double... rates) {
        Figure f = new Figure("f", "rows/s");
        for (double r : rates) f.runs.add(Figure.Run.of(r, CpuSampler.Usage.NONE));
        return f;
    }

    @Test
    void medianOfOddAndEvenCounts() {
        assertThat(figure(3, 1, 2).rate()).isEqualTo(2);
        assertThat(figure(4, 1, 3, 2).rate()).isEqualTo(2.5);
        assertThat(figure().rate()).isNaN();
    }

    @Test
    void ratiosArePairedByRoundBeforeTheMedian() {
        // Round 2 was slow for both: its ratio is as good as the others', which the ratio of medians would hide.
        Figure tidemark = figure(100, 10, 120);
        Figure ceiling = figure(200, 20, 200);
        assertThat(tidemark.ratioTo(ceiling)).isEqualTo(0.5);
    }

    @Test
    void ratioToBestTakesTheBetterPeerOfEachRound() {
        double round1 = 100.0 / 80; // the second peer was better
        double round2 = 100.0 / 200; // the first one was
        assertThat(figure(100, 100).ratioToBest(figure(50, 200), figure(80, 100))).isEqualTo((round1 + round2) / 2);
    }
}
