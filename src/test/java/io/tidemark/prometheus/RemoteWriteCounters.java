package io.tidemark.prometheus;

/**
 * What Prometheus 2.42 tells about its remote write queue on its own {@code /metrics} (names as 2.42 exposes them).
 * None counts deliveries: {@code samples} counts every attempt (retries included) when it starts, and
 * {@code highestSentSeconds} moves after a failed send too; how much arrived is for the receiver's tables to tell.
 *
 * @param samples {@code prometheus_remote_storage_samples_total}
 * @param failed {@code prometheus_remote_storage_samples_failed_total}: refused for good (4xx), lost
 * @param dropped {@code prometheus_remote_storage_samples_dropped_total}: dropped before sending
 * @param retried {@code prometheus_remote_storage_samples_retried_total}: sent again after a 5xx or no answer
 * @param pending {@code prometheus_remote_storage_samples_pending}: queued, not yet delivered
 * @param highestSentSeconds {@code prometheus_remote_storage_queue_highest_sent_timestamp_seconds}: newest sample
 *     timestamp sent, delivered or not, in whole seconds
 */
record RemoteWriteCounters(double samples, double failed, double dropped, double retried, double pending,
        double highestSentSeconds) {

    static RemoteWriteCounters parse(String metricsText) {
        return new RemoteWriteCounters(sum(metricsText, "prometheus_remote_storage_samples_total"),
                sum(metricsText, "prometheus_remote_storage_samples_failed_total"),
                sum(metricsText, "prometheus_remote_storage_samples_dropped_total"),
                sum(metricsText, "prometheus_remote_storage_samples_retried_total"),
                sum(metricsText, "prometheus_remote_storage_samples_pending"),
                sum(metricsText, "prometheus_remote_storage_queue_highest_sent_timestamp_seconds"));
    }

    /** The sum of every sample of {@code name} (any labels); 0 when it is not exposed yet. */
    private static double sum(String text, String name) {
        double sum = 0;
        for (String line : text.split("\n")) {
            if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) continue;
            sum += PrometheusValues.parse(line.substring(line.lastIndexOf(' ') + 1));
        }
        return sum;
    }

    @Override
    public String toString() {
        return String.format("samples_total %.0f, failed %.0f, dropped %.0f, retried %.0f, pending %.0f,"
                + " highest sent %.0f s", samples, failed, dropped, retried, pending, highestSentSeconds);
    }
}
