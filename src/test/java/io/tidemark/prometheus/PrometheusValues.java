package io.tidemark.prometheus;

/** Sample values as Prometheus writes them: Go's float formatting, and {@code NaN}, {@code +Inf}, {@code -Inf}. */
final class PrometheusValues {
    private PrometheusValues() {}

    static double parse(String text) {
        return switch (text) {
            case "NaN" -> Double.NaN;
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(text);
        };
    }
}
