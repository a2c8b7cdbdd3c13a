package io.tidemark.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One alert rule: which series it watches ({@code sensor} and {@code metric} are globs where {@code *} matches any
 * run of characters and {@code ?} one character), its condition (exactly one of {@code above}, {@code below},
 * {@code outside: [lo, hi]}; bounds are exclusive: a value equal to a bound does not hold), how long the condition
 * must hold before the rule fires ({@code forReadings} consecutive readings and {@code forDuration} from the first
 * of them; both must be met), and what the alert says. {@code tags}, if given, narrows the rule to series whose tags
 * contain these (exact values); the alerts feature checks them by the rule of tags.
 */
public record AlertRuleConfig(
        String name,
        String sensor,
        String metric,
        Double above,
        Double below,
        List<Double> outside,
        Integer forReadings,
        Duration forDuration,
        String severity,
        String message,
        Map<String, String> tags) {
    public static final String DEFAULT_METRIC = "value";
    public static final int DEFAULT_FOR_READINGS = 1;
    public static final Duration DEFAULT_FOR_DURATION = Duration.ZERO;
    public static final String DEFAULT_SEVERITY = "warning";
    public static final Set<String> SEVERITIES = Set.of("info", "warning", "critical");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,100}");

    /**
     * Fills in defaults only. The checks are in {@link #check()}, which {@link AlertsConfig} calls: were they here,
     * a misspelt key (say {@code abov: 90}) would be reported as a missing condition instead of as an unknown key,
     * because Jackson builds the record before it complains about unknown keys.
     */
    public AlertRuleConfig {
        if (metric == null) metric = DEFAULT_METRIC;
        if (outside != null) outside = Collections.unmodifiableList(new ArrayList<>(outside));
        tags = tags == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(tags));
        if (forReadings == null) forReadings = DEFAULT_FOR_READINGS;
        if (forDuration == null) forDuration = DEFAULT_FOR_DURATION;
        severity = severity == null ? DEFAULT_SEVERITY : severity.toLowerCase(Locale.ROOT);
        boolean oneCondition = (above != null ? 1 : 0) + (below != null ? 1 : 0) + (outside != null ? 1 : 0) == 1;
        if ((message == null || message.isBlank()) && oneCondition && (outside == null || outside.size() == 2)) {
            message = defaultMessage(metric, above, below, outside);
        }
    }

    /** @throws InvalidConfigException naming the rule and the key, if the rule is not valid */
    void check() {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidConfigException("alerts.rules: rule name " + (name == null ? "is missing" : "'" + name
                    + "' is not 1-100 letters, digits, '_', '.' or '-'") + " (rule for sensor " + sensor + ")");
        }
        String key = "alerts.rules '" + name + "'";
        if (sensor == null || sensor.isBlank()) {
            throw new InvalidConfigException(key + ": sensor (a glob such as boiler-*) is required");
        }
        if (metric.isBlank()) throw new InvalidConfigException(key + ": metric must not be blank");
        int conditions = (above != null ? 1 : 0) + (below != null ? 1 : 0) + (outside != null ? 1 : 0);
        if (conditions != 1) {
            throw new InvalidConfigException(key
                    + ": set exactly one condition of above: X, below: X or outside: [lo, hi]"
                    + (conditions == 0 ? "" : "; found " + conditions));
        }
        if (above != null) finite(key + ".above", above);
        if (below != null) finite(key + ".below", below);
        if (outside != null) {
            if (outside.size() != 2 || outside.stream().anyMatch(Objects::isNull)) {
                throw new InvalidConfigException(key + ".outside must be two numbers [lo, hi], got " + outside);
            }
            finite(key + ".outside", outside.get(0));
            finite(key + ".outside", outside.get(1));
            if (!(outside.get(0) < outside.get(1))) {
                throw new InvalidConfigException(key + ".outside must be [lo, hi] with lo < hi, got " + outside);
            }
        }
        Check.range(key + ".for_readings", forReadings, 1, 1_000_000);
        if (forDuration.isNegative() || forDuration.compareTo(Duration.ofDays(366)) > 0) {
            throw new InvalidConfigException(key + ".for_duration must be between 0s and 366d, got "
                    + Durations.format(forDuration));
        }
        if (!SEVERITIES.contains(severity)) {
            throw new InvalidConfigException(key + ".severity must be info, warning or critical, got '" + severity
                    + "'");
        }
    }

    /** Says the condition, e.g. "temperature above 90"; leaves out a metric that is a pattern rather than a name. */
    private static String defaultMessage(String metric, Double above, Double below, List<Double> outside) {
        String subject = metric.contains("*") || metric.contains("?") ? "" : metric + " ";
        if (above != null) return subject + "above " + plain(above);
        if (below != null) return subject + "below " + plain(below);
        return subject + "outside [" + plain(outside.get(0)) + ", " + plain(outside.get(1)) + "]";
    }

    private static String plain(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    private static void finite(String key, double value) {
        if (!Double.isFinite(value)) throw new InvalidConfigException(key + " must be a finite number, got " + value);
    }
}
