package io.tidemark.jobs;

import io.tidemark.config.Durations;
import io.tidemark.config.Suggestions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a job file: a header of {@code -- key: value} comment lines, then the SQL body.
 *
 * <p>The header is the leading block of comment lines. A line there of the form {@code -- word: value} must use a
 * known key (a typo such as {@code evry:} is an error, not a silently ignored comment); other comment lines are free
 * text. Incremental jobs name {@code bucket}, {@code source} and {@code target}; plain jobs name none of them.
 */
final class JobFileParser {
    static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Pattern HEADER_LINE = Pattern.compile("^--\\s*([A-Za-z_]+)\\s*:\\s*(.*?)\\s*$");
    private static final Set<String> KEYS = new TreeSet<>(Set.of("name", "every", "cron", "source", "target",
            "bucket", "lag", "timeout", "max_buckets", "retention"));
    private static final Set<String> INCREMENTAL_ONLY = Set.of("source", "target", "bucket", "lag", "max_buckets",
            "retention");
    static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);
    /** Buckets per compute transaction: a run of any size commits in steps this small (a minute job: 10 minutes). */
    static final int DEFAULT_MAX_BUCKETS = 10;

    private JobFileParser() {}

    static JobDefinition parse(Path file) {
        try {
            return parse(file, Files.readString(file));
        } catch (IOException e) {
            throw new InvalidJobException(file, 0, "cannot read: " + e.getMessage());
        }
    }

    static JobDefinition parse(Path file, String text) {
        String[] lines = text.split("\n", -1);
        Map<String, String> header = new HashMap<>();
        Map<String, Integer> lineOf = new HashMap<>();
        int bodyStart = 0;
        for (; bodyStart < lines.length; bodyStart++) {
            String line = lines[bodyStart].strip();
            if (!line.startsWith("--")) {
                if (line.isEmpty()) continue;
                break;
            }
            Matcher m = HEADER_LINE.matcher(line);
            if (!m.matches()) continue;
            String key = m.group(1).toLowerCase(java.util.Locale.ROOT);
            int lineNumber = bodyStart + 1;
            if (!KEYS.contains(key)) {
                throw new InvalidJobException(file, lineNumber, "unknown header key '" + key + "'"
                        + Suggestions.didYouMean(key, KEYS) + "; known keys: " + String.join(", ", KEYS)
                        + " (write free-text comments without 'word:' at their start)");
            }
            if (header.put(key, m.group(2)) != null) {
                throw new InvalidJobException(file, lineNumber, "header key '" + key + "' appears twice");
            }
            lineOf.put(key, lineNumber);
        }
        String body = String.join("\n", java.util.Arrays.copyOfRange(lines, bodyStart, lines.length));
        return new Builder(file, header, lineOf, bodyStart + 1).build(body);
    }

    /** Turns header values into a definition, naming the line of any bad value. */
    private record Builder(Path file, Map<String, String> header, Map<String, Integer> lineOf, int bodyLine) {

        JobDefinition build(String body) {
            String fileName = file.getFileName().toString();
            String defaultName = fileName.endsWith(".sql") ? fileName.substring(0, fileName.length() - 4) : fileName;
            String name = header.getOrDefault("name", defaultName);
            if (!NAME.matcher(name).matches()) {
                throw error("name", "job name '" + name + "' must be lower case letters, digits and _ "
                        + "(starting with a letter, at most 63 characters)");
            }
            Schedule schedule = schedule();
            boolean incremental = header.containsKey("bucket");
            if (!incremental) {
                for (String key : INCREMENTAL_ONLY) {
                    if (header.containsKey(key)) {
                        throw error(key, "'" + key + "' is for incremental jobs, which also need 'bucket:';"
                                + " a plain job has no " + key);
                    }
                }
            }
            String source = incremental ? identifier("source") : null;
            String target = incremental ? identifier("target") : null;
            if (incremental && source.equals(target)) throw error("target", "a job cannot write its own source");
            Duration bucket = incremental ? duration("bucket", null) : null;
            if (bucket != null && (bucket.toSeconds() < 1 || bucket.toMillis() % 1000 != 0
                    || (bucket.toSeconds() < 86_400 ? 86_400 % bucket.toSeconds() != 0
                            : bucket.toSeconds() % 86_400 != 0))) {
                throw error("bucket", "bucket must be whole seconds that divide a day, or whole days, got "
                        + Durations.format(bucket));
            }
            Duration lag = incremental ? duration("lag", Duration.ZERO) : Duration.ZERO;
            Duration timeout = duration("timeout", DEFAULT_TIMEOUT);
            if (timeout.isZero()) throw error("timeout", "timeout must be positive");
            int maxBuckets = header.containsKey("max_buckets") ? positiveInt("max_buckets") : DEFAULT_MAX_BUCKETS;
            Duration retention = header.containsKey("retention") ? duration("retention", null) : null;
            List<String> statements = SqlStatements.split(body);
            if (statements.isEmpty()) throw new InvalidJobException(file, bodyLine, "the job has no SQL statements");
            if (incremental) {
                boolean usesWindow = statements.stream().anyMatch(s -> s.contains(":window_start"))
                        && statements.stream().anyMatch(s -> s.contains(":window_end"));
                if (!usesWindow) {
                    throw new InvalidJobException(file, bodyLine, "an incremental job must use :window_start and"
                            + " :window_end to limit what it reads and replaces; otherwise it is not incremental");
                }
                TargetWrites.check(file, body, bodyLine, statements, target, lineOf.get("target"));
            }
            return new JobDefinition(name, file, incremental ? JobKind.INCREMENTAL : JobKind.PLAIN, schedule, source,
                    target, incremental ? lineOf.get("target") : 0, bucket, lag, timeout, maxBuckets, retention,
                    statements);
        }

        private Schedule schedule() {
            boolean every = header.containsKey("every");
            boolean cron = header.containsKey("cron");
            if (every == cron) {
                throw new InvalidJobException(file, every ? lineOf.get("cron") : 1, every
                        ? "give either 'every:' or 'cron:', not both"
                        : "the header needs a schedule: '-- every: 1m' or '-- cron: */5 * * * *'");
            }
            if (every) {
                Duration period = duration("every", null);
                if (period.toMillis() < 1000) throw error("every", "'every' must be at least 1s");
                return new Schedule.Every(period);
            }
            try {
                return Schedule.Cron.parse(header.get("cron"));
            } catch (IllegalArgumentException e) {
                throw error("cron", "'" + header.get("cron") + "' is not a cron expression (minute hour day-of-month"
                        + " month day-of-week, UTC): " + e.getMessage());
            }
        }

        private String identifier(String key) {
            String value = header.get(key);
            if (value == null) throw new InvalidJobException(file, lineOf.get("bucket"),
                    "an incremental job (it has 'bucket:') needs '" + key + ":' too");
            if (!IDENTIFIER.matcher(value).matches()) {
                throw error(key, key + " must be a lower-case table name, got '" + value + "'");
            }
            return value;
        }

        private Duration duration(String key, Duration defaultValue) {
            String value = header.get(key);
            if (value == null) return defaultValue;
            try {
                return Durations.parse(value);
            } catch (IllegalArgumentException e) {
                throw error(key, key + ": " + e.getMessage());
            }
        }

        private int positiveInt(String key) {
            try {
                int value = Integer.parseInt(header.get(key));
                if (value > 0) return value;
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw error(key, key + " must be a positive whole number, got '" + header.get(key) + "'");
        }

        private InvalidJobException error(String key, String problem) {
            return new InvalidJobException(file, lineOf.getOrDefault(key, 0), problem);
        }
    }
}
