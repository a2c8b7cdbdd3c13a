package io.tidemark.query;

import io.tidemark.names.Tags;

/** A query names a series (sensor, metric and tags) that has never received a reading. Answered 404. */
public final class UnknownSeriesException extends RuntimeException {
    UnknownSeriesException(String sensor, String metric, Tags tags) {
        super("no series with sensor '" + sensor + "', metric '" + metric + "' and "
                + (tags.isEmpty() ? "no tags" : "tags " + tags.json())
                + "; GET /api/v1/series?prefix=... lists the series there are, with their tags");
    }
}
