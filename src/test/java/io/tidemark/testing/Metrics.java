package io.tidemark.testing;

/** Reads one sample from the server's {@code GET /metrics} (Prometheus text), as an operator's scraper would. */
public final class Metrics {
    private Metrics() {}

    /** The value of the sample named exactly {@code sample} (with its labels, if any), or 0 if absent. */
    public static double value(TestServer server, String sample) {
        String text = server.api().metrics().body();
        for (String line : text.split("\n")) {
            if (line.startsWith(sample + " ")) return Double.parseDouble(line.substring(sample.length() + 1).trim());
        }
        return 0;
    }
}
