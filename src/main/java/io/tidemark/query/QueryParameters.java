package io.tidemark.query;

import io.tidemark.names.Names;
import io.tidemark.names.Tags;
import io.tidemark.time.EpochMicros;
import io.tidemark.time.Rfc3339;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Reads one request's query parameters into typed values, collecting every problem instead of stopping at the
 * first; {@link #validate()} then throws them all at once. Unknown and repeated parameters are problems too: a typo
 * must not silently widen a query. Not thread-safe; one per request.
 */
public final class QueryParameters {
    private static final Pattern EPOCH_MILLIS = Pattern.compile("-?\\d+");
    /** {@code 2026-11-24T10:00Z}: what a person types, which java.time accepts and RFC 3339 does not. */
    private static final Pattern WITHOUT_SECONDS = Pattern.compile("\\d{4}-\\d\\d-\\d\\d[Tt ]\\d\\d:\\d\\d[Zz+-].*");

    private final Map<String, List<String>> raw;
    private final List<ParameterProblem> problems = new ArrayList<>();

    public QueryParameters(Map<String, List<String>> raw, Set<String> known) {
        this.raw = raw;
        for (String name : new TreeSet<>(raw.keySet())) {
            if (!known.contains(name)) {
                problems.add(new ParameterProblem(name, "unknown parameter; known here: "
                        + String.join(", ", new TreeSet<>(known))));
            } else if (raw.get(name).size() > 1) {
                problems.add(new ParameterProblem(name, "given " + raw.get(name).size() + " times; give it once"));
            }
        }
    }

    /**
     * The parameter's text, or null when absent. An empty value is a problem, and so is a character no name may hold
     * (NUL and other controls, invisible format characters, see {@link Names}): whatever a parameter stands for, such
     * text is never sent on to PostgreSQL (which refuses NUL in text) nor into a log.
     */
    public String text(String name) {
        return checked(name, nonEmpty(name), Names::characterProblem);
    }

    public String required(String name) {
        return presentOrProblem(name, text(name));
    }

    /** The parameter as a name (sensor, metric, rule) by the rule names are stored by, or null when absent. */
    public String name(String name) {
        return checked(name, nonEmpty(name), Names::problem);
    }

    /** Like {@link #name}, and absence is a problem. */
    public String requiredName(String name) {
        return presentOrProblem(name, name(name));
    }

    private String presentOrProblem(String name, String value) {
        if (value == null && !raw.containsKey(name)) problem(name, "is required");
        return value;
    }

    private String nonEmpty(String name) {
        List<String> values = raw.get(name);
        if (values == null || values.isEmpty()) return null;
        String value = values.get(0);
        if (value.isEmpty()) problem(name, "is empty; leave it out or give a value");
        return value.isEmpty() ? null : value;
    }

    private String checked(String name, String value, UnaryOperator<String> problemOf) {
        String problem = value == null ? null : problemOf.apply(value);
        if (problem == null) return value;
        problem(name, problem);
        return null;
    }

    public Glob glob(String name) {
        String value = text(name);
        return value == null ? Glob.any() : Glob.of(value);
    }

    public int limit(String name, int defaultValue, int max) {
        String value = text(name);
        if (value == null) return defaultValue;
        try {
            int n = Integer.parseInt(value);
            if (n >= 1 && n <= max) return n;
        } catch (NumberFormatException e) {
            // reported below
        }
        problem(name, "must be a whole number from 1 to " + max + ", got '" + abbreviate(value) + "'");
        return defaultValue;
    }

    /** One of {@code options}, or {@code defaultValue} when absent. */
    public String choice(String name, List<String> options, String defaultValue) {
        String value = text(name);
        if (value == null) return defaultValue;
        if (options.contains(value)) return value;
        problem(name, "must be one of " + String.join(", ", options) + ", got '" + abbreviate(value) + "'");
        return defaultValue;
    }

    /**
     * A time as epoch microseconds: RFC 3339 ({@code 2026-11-24T10:00:00.123Z}, seconds may be left out here) or
     * integer epoch milliseconds, as readings are sent, within {@link EpochMicros#RANGE}. Null when absent. Fractions
     * of any length are rounded to the microsecond as on ingest ({@link Rfc3339}).
     */
    public Long time(String name) {
        String value = text(name);
        if (value == null) return null;
        if (EPOCH_MILLIS.matcher(value).matches()) {
            long millis;
            try {
                millis = Long.parseLong(value);
            } catch (NumberFormatException e) { // beyond a long
                millis = Long.MAX_VALUE;
            }
            if (EpochMicros.millisInRange(millis)) return millis * EpochMicros.PER_MILLI;
            problem(name, "epoch milliseconds out of range: " + abbreviate(value) + "; " + EpochMicros.RANGE);
            return null;
        }
        long micros = Rfc3339.parseMicros(WITHOUT_SECONDS.matcher(value).matches()
                ? value.substring(0, 16) + ":00" + value.substring(16) : value);
        if (micros != Rfc3339.INVALID && EpochMicros.inRange(micros)) return micros;
        if (micros != Rfc3339.INVALID) {
            problem(name, "'" + abbreviate(value) + "' is out of range; " + EpochMicros.RANGE);
            return null;
        }
        String hint = value.matches(".*\\d \\d\\d:\\d\\d$")
                ? " (a '+' in a URL means a space: write the offset's '+' as %2B, or use Z)" : "";
        problem(name, "'" + abbreviate(value) + "' is not an RFC 3339 time such as 2026-11-24T10:00:00Z nor epoch"
                + " milliseconds" + hint);
        return null;
    }

    /**
     * The parameter as a tag set, a JSON object of string values such as {@code {"host":"a"}}, checked by the rules
     * tags are stored by; null when absent.
     */
    public Tags tags(String name) {
        String value = text(name);
        if (value == null) return null;
        Map<String, String> map;
        try {
            map = Tags.readObject(value);
        } catch (IllegalArgumentException e) {
            problem(name, "must be a JSON object of string values such as {\"host\":\"a\"}, got '"
                    + abbreviate(value) + "'");
            return null;
        }
        if (map == null) {
            problem(name, "must be a JSON object of string values such as {\"host\":\"a\"}, got null");
            return null;
        }
        String problem = Tags.problem(map);
        if (problem != null) {
            problem(name, problem);
            return null;
        }
        return Tags.of(map);
    }

    public void problem(String name, String message) {
        problems.add(new ParameterProblem(name, message));
    }

    public boolean hasProblem(String name) {
        return problems.stream().anyMatch(p -> p.parameter().equals(name));
    }

    /** @throws InvalidParametersException listing every problem found, if there is any */
    public void validate() {
        if (!problems.isEmpty()) throw new InvalidParametersException(problems);
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
