package io.tidemark.stream;

import io.tidemark.feed.FeedPosition;
import io.tidemark.query.QueryParameters;
import io.tidemark.query.SeriesFilter;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one stream client asked for: which event types ({@code events=readings|alerts|all}), which series (see
 * {@link SeriesFilter}), and where to start: {@code after} a feed position (an event id), or live from now when null.
 */
record StreamFilter(SeriesFilter series, boolean readings, boolean alerts, FeedPosition after) {
    static final Set<String> PARAMETERS = Set.of("sensor", "metric", "tags", "events", "after");
    /** The header an EventSource sends when it reconnects: the id of the last event it got. */
    static final String LAST_EVENT_ID = "Last-Event-ID";

    static StreamFilter parse(Map<String, List<String>> params, String lastEventId) {
        QueryParameters p = new QueryParameters(params, PARAMETERS);
        SeriesFilter series = SeriesFilter.parse(p);
        String events = p.choice("events", List.of("all", "readings", "alerts"), "all");
        FeedPosition after = position(p, "after", p.text("after"));
        if (lastEventId != null && !lastEventId.isBlank()) after = position(p, LAST_EVENT_ID, lastEventId.strip());
        p.validate();
        return new StreamFilter(series, !events.equals("alerts"), !events.equals("readings"), after);
    }

    /** {@code text} as a feed position, or null (with a problem in {@code p} if it is not one). */
    static FeedPosition position(QueryParameters p, String name, String text) {
        if (text == null) return null;
        try {
            return FeedPosition.parse(text);
        } catch (IllegalArgumentException e) {
            p.problem(name, e.getMessage());
            return null;
        }
    }
}
