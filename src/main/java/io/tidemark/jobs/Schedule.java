package io.tidemark.jobs;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import io.tidemark.config.Durations;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/** When a job runs: every fixed period, or on a cron expression (five fields, UTC), parsed by cron-utils. */
sealed interface Schedule {
    /** The first run time strictly after {@code after}. */
    Instant next(Instant after);

    /** The nominal period, used for a plain job's first window. */
    Duration period();

    String describe();

    /** Every {@code period}, at slots aligned to the Unix epoch as buckets are: {@code every: 1h} runs at :00. */
    record Every(Duration period) implements Schedule {
        @Override
        public Instant next(Instant after) {
            long millis = period.toMillis();
            return Instant.ofEpochMilli(Math.floorDiv(after.toEpochMilli(), millis) * millis + millis);
        }

        @Override
        public String describe() {
            return "every " + Durations.format(period);
        }
    }

    record Cron(String expression, ExecutionTime executionTime) implements Schedule {
        private static final CronParser PARSER =
                new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

        /** @throws IllegalArgumentException with cron-utils' explanation when the expression is invalid */
        static Cron parse(String expression) {
            com.cronutils.model.Cron cron = PARSER.parse(expression);
            cron.validate();
            return new Cron(expression, ExecutionTime.forCron(cron));
        }

        @Override
        public Instant next(Instant after) {
            return executionTime.nextExecution(ZonedDateTime.ofInstant(after, ZoneOffset.UTC))
                    .map(ZonedDateTime::toInstant)
                    .orElse(Instant.MAX);
        }

        @Override
        public Duration period() {
            Instant first = next(Instant.EPOCH);
            return Duration.between(first, next(first));
        }

        @Override
        public String describe() {
            return "cron " + expression + " (UTC)";
        }
    }
}
