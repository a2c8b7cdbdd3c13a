package io.tidemark.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobCatalogTest {

    private static JobDefinition rollup(String name, String source, String target, String bucket) {
        return JobFileParser.parse(Path.of(name + ".sql"), "-- every: 1m\n-- source: " + source + "\n-- target: "
                + target + "\n-- bucket: " + bucket + "\nDELETE FROM " + target
                + " WHERE bucket >= :window_start AND bucket < :window_end;");
    }

    @Test
    void ordersEveryJobAfterTheJobItReads() {
        JobCatalog catalog = JobCatalog.of(List.of(
                rollup("daily", "hourly_t", "daily_t", "1d"),
                rollup("hourly", "minute_t", "hourly_t", "1h"),
                rollup("minute", "readings", "minute_t", "1m")));
        assertThat(catalog.all()).extracting(JobDefinition::name).containsExactly("minute", "hourly", "daily");
        assertThat(catalog.writerOf("hourly_t")).map(JobDefinition::name).contains("hourly");
    }

    @Test
    void rejectsSourcesNobodyWrites() {
        assertThatThrownBy(() -> JobCatalog.of(List.of(rollup("a", "elsewhere", "a_t", "1m"))))
                .isInstanceOf(InvalidJobException.class)
                .hasMessageContaining("source 'elsewhere' is neither readings nor the target of another");
    }

    @Test
    void rejectsCyclesDuplicatesAndMisalignedBuckets() {
        assertThatThrownBy(() -> JobCatalog.of(List.of(rollup("a", "b_t", "a_t", "1m"), rollup("b", "a_t", "b_t",
                "1m")))).hasMessageContaining("cycle");
        assertThatThrownBy(() -> JobCatalog.of(List.of(rollup("a", "readings", "t", "1m"),
                rollup("b", "readings", "t", "1h")))).hasMessageContaining("target 't' is also written by a.sql");
        assertThatThrownBy(() -> JobCatalog.of(List.of(rollup("a", "readings", "t", "1h"),
                rollup("b", "t", "u", "1m")))).hasMessageContaining("is not a multiple of its source's bucket");
    }

    @Test
    void contiguousBucketsBecomeOneRange() {
        var minute = java.time.Duration.ofMinutes(1);
        var t0 = java.time.Instant.parse("2026-11-25T10:00:00Z");
        List<java.time.Instant[]> ranges = IncrementalRun.contiguousRanges(List.of(t0.plus(minute.multipliedBy(3)),
                t0, t0.plus(minute), t0.plus(minute.multipliedBy(5))), minute);
        assertThat(ranges).extracting(r -> r[0] + "/" + r[1]).containsExactly(
                "2026-11-25T10:00:00Z/2026-11-25T10:02:00Z",
                "2026-11-25T10:03:00Z/2026-11-25T10:04:00Z",
                "2026-11-25T10:05:00Z/2026-11-25T10:06:00Z");
    }
}
