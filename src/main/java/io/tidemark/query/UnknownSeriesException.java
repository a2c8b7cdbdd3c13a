package io.tidemark.query;

/** A query names a series (sensor and metric) that has never received a reading. Answered 404. */
public final class UnknownSeriesException extends RuntimeException {
    UnknownSeriesException(String sensor, String metric) {
        super("no series with sensor '" + sensor + "' and metric '" + metric + "'; GET /api/v1/series?prefix=... lists"
                + " the series there are");
    }
}
