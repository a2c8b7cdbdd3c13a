package io.tidemark.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class JobFileParserTest {
    private static final Path FILE = Path.of("jobs", "example.sql");
    private static final String BODY = "DELETE FROM t WHERE bucket >= :window_start AND bucket < :window_end;\n";

    @Test
    void shippedJobsParse() {
        JobCatalog catalog = JobCatalog.load(Path.of("jobs"));
        assertThat(catalog.all()).extracting(JobDefinition::name)
                .containsExactly("rollup_1m", "rollup_1h", "rollup_1d", "silent_sensors");
        JobDefinition minute = catalog.get("rollup_1m").orElseThrow();
        assertThat(minute.incremental()).isTrue();
        assertThat(minute.source()).isEqualTo("readings");
        assertThat(minute.bucket()).isEqualTo(Duration.ofMinutes(1));
        assertThat(minute.lag()).isEqualTo(Duration.ofSeconds(10));
        assertThat(minute.statements()).hasSize(2);
        assertThat(catalog.get("silent_sensors").orElseThrow().kind()).isEqualTo(JobKind.PLAIN);
    }

    @Test
    void readsEveryHeaderKey() {
        JobDefinition job = JobFileParser.parse(FILE, """
                -- name: my_rollup
                -- every: 30s
                -- source: readings
                -- target: t
                -- bucket: 5m
                -- lag: 1m
                -- timeout: 2m
                -- max_buckets: 100
                -- retention: 90d
                -- Free text is fine when it does not start with a word and a colon.
                """ + BODY);
        assertThat(job.name()).isEqualTo("my_rollup");
        assertThat(job.schedule()).isEqualTo(new Schedule.Every(Duration.ofSeconds(30)));
        assertThat(job.target()).isEqualTo("t");
        assertThat(job.bucket()).isEqualTo(Duration.ofMinutes(5));
        assertThat(job.timeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(job.maxBuckets()).isEqualTo(100);
        assertThat(job.retention()).isEqualTo(Duration.ofDays(90));
    }

    @Test
    void nameDefaultsToTheFileName() {
        assertThat(JobFileParser.parse(FILE, "-- every: 1m\nSELECT 1;").name()).isEqualTo("example");
    }

    @Test
    void cronSchedulesAreUtc() {
        JobDefinition job = JobFileParser.parse(FILE, "-- cron: */5 * * * *\nSELECT 1;");
        assertThat(job.schedule().next(Instant.parse("2026-11-25T10:03:10Z")))
                .isEqualTo(Instant.parse("2026-11-25T10:05:00Z"));
        assertThat(job.schedule().period()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void unknownKeyIsNamedWithLineAndSuggestion() {
        assertThatThrownBy(() -> JobFileParser.parse(FILE, "-- name: x\n-- evry: 1m\nSELECT 1;"))
                .isInstanceOf(InvalidJobException.class)
                .hasMessageStartingWith("example.sql:2: unknown header key 'evry' (did you mean 'every'?)");
    }

    @Test
    void badValuesNameTheirLine() {
        assertThatThrownBy(() -> JobFileParser.parse(FILE, "-- every: 1m\n-- source: readings\n-- target: t\n"
                + "-- bucket: 7m\n" + BODY))
                .hasMessageStartingWith("example.sql:4: bucket must be whole seconds that divide a day");
        assertThatThrownBy(() -> JobFileParser.parse(FILE, "-- every: soon\nSELECT 1;"))
                .hasMessageStartingWith("example.sql:1: every: 'soon' is not a duration");
        assertThatThrownBy(() -> JobFileParser.parse(FILE, "-- cron: 61 * * * *\nSELECT 1;"))
                .hasMessageStartingWith("example.sql:1: '61 * * * *' is not a cron expression");
        assertThatThrownBy(() -> JobFileParser.parse(FILE, "-- every: 1m\n-- name: Bad-Name\nSELECT 1;"))
                .hasMessageStartingWith("example.sql:2: job name 'Bad-Name'");
    }

    @Test
    void scheduleIsRequiredAndUnique() {
        assertThatThrownBy(() -> JobFileParser.parse(FILE, "SELECT 1;"))
                .hasMessageContaining("the header needs a schedule");
        assertThatThrownBy(() -> JobFileParser.parse(FILE, "-- every: 1m\n-- cron: * * * * *\nSELECT 1;"))
                .hasMessageStartingWith("example.sql:2: give either 'every:' or 'cron:', not both");
    }

    @Test
    void incrementalJobsNeedSourceTargetAndWindow() {
        assertThatThrownBy(() -> JobFileParser.parse(FILE, "-- every: 1m\n-- bucket: 1m\n-- target: t\n" + BODY))
                .hasMessageContaining("needs 'source:' too");
        assertThatThrownBy(() -> JobFileParser.parse(FILE,
                "-- every: 1m\n-- bucket: 1m\n-- source: readings\n-- target: t\nDELETE FROM t;"))
                .hasMessageContaining("must use :window_start and :window_end");
        assertThatThrownBy(() -> JobFileParser.parse(FILE, "-- every: 1m\n-- source: readings\nSELECT 1;"))
                .hasMessageStartingWith("example.sql:2: 'source' is for incremental jobs");
    }

    @Test
    void emptyBodyIsAnError() {
        assertThatThrownBy(() -> JobFileParser.parse(FILE, "-- every: 1m\n-- nothing else\n"))
                .hasMessageContaining("the job has no SQL statements");
    }
}
