package io.tidemark.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The samples of a Prometheus text exposition, as a scraper reads them. */
public final class PrometheusText {
    /** One line: {@code name{label="value",...} 1.5}. */
    public record Sample(String name, Map<String, String> labels, double value) {}

    /** {@code name{labels} value [timestamp]}. */
    private static final Pattern LINE =
            Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+)(?:\\s+\\S+)?$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

    private final List<Sample> samples;

    private PrometheusText(List<Sample> samples) {
        this.samples = samples;
    }

    public static PrometheusText parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) continue;
            Matcher m = LINE.matcher(line.trim());
            if (!m.matches()) throw new AssertionError("not a Prometheus sample line: " + line);
            Map<String, String> labels = new LinkedHashMap<>();
            if (m.group(2) != null) {
                Matcher l = LABEL.matcher(m.group(2));
                while (l.find()) labels.put(l.group(1), l.group(2));
            }
            samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(3))));
        }
        return new PrometheusText(samples);
    }

    /** The samples named {@code name} whose labels include all of {@code labels}. */
    public List<Sample> samples(String name, Map<String, String> labels) {
        return samples.stream()
                .filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet()))
                .toList();
    }

    /** The samples whose name starts with {@code prefix}, e.g. every sample of Tidemark's own metrics. */
    public List<Sample> samplesStartingWith(String prefix) {
        return samples.stream().filter(s -> s.name().startsWith(prefix)).toList();
    }

    /** The sum of the matching samples; fails if there is none (a metric that is not exposed at all). */
    public double sum(String name, Map<String, String> labels) {
        List<Sample> matching = samples(name, labels);
        if (matching.isEmpty()) throw new AssertionError("no sample " + name + labels + " exposed");
        return matching.stream().mapToDouble(Sample::value).sum();
    }

    public double sum(String name) {
        return sum(name, Map.of());
    }

    public boolean has(String name) {
        return !samples(name, Map.of()).isEmpty();
    }
}
