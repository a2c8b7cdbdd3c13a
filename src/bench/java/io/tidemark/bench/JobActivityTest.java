package io.tidemark.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JobActivityTest {
    @Test
    void addsUpTheRunsOfEveryMeasurementOfAFigure() {
        JobActivity jobs = new JobActivity();
        jobs.add("bulk", new JobActivity.Overlap(0, 0));
        jobs.add("bulk", new JobActivity.Overlap(2, 1.25));
        jobs.add("small", new JobActivity.Overlap(1, 0.5));
        assertThat(jobs.describe("bulk")).isEqualTo("job runs in its windows: 2 (1.3 s)");
        assertThat(jobs.describe("small")).isEqualTo("job runs in its windows: 1 (0.5 s)");
    }

    @Test
    void saysNothingOfAFigureMeasuredWithoutJobs() {
        assertThat(new JobActivity().describe("bulk")).isEmpty();
        assertThat(Results.join("a", "", "b")).isEqualTo("a; b");
    }
}
