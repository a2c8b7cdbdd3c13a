package io.tidemark.stream;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.tidemark.feed.Feed;
import io.tidemark.feed.FeedEntry;
import io.tidemark.feed.FeedKind;
import io.tidemark.feed.FeedPosition;
import io.tidemark.feed.FeedTruncatedException;
import io.tidemark.query.QueryParameters;
import io.tidemark.query.SeriesFilter;
import io.tidemark.storage.SeriesKey;
import io.tidemark.time.EpochMicros;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code GET /api/v1/feed}: committed readings in commit order, a page at a time, for a consumer that keeps its own
 * cursor (the page's {@code next}) and so reads every reading exactly once, from any node. Late readings come at
 * their commit position, not at their timestamp. A page may wait ({@code wait}) for readings to commit, as a long
 * poll; at most {@link #MAX_WAITING} requests wait at once, the rest answer at once. Thread-safe.
 */
public final class FeedQuery {
    static final Set<String> PARAMETERS = Set.of("after", "limit", "sensor", "metric", "tags", "wait");
    public static final int DEFAULT_LIMIT = 1000;
    public static final int MAX_LIMIT = 100_000;
    static final Duration MAX_WAIT = Duration.ofSeconds(30);
    /** Readings one page reads past its filter before it answers with what it has: bounds a sparse filter's cost. */
    static final int MAX_SCANNED = 1_000_000;
    /** Long polls waiting at once; each holds a request thread. */
    static final int MAX_WAITING = 64;

    /** What a consumer asked for; {@code after} null means from the oldest row kept. */
    public record Request(FeedPosition after, int limit, SeriesFilter series, Duration waitFor) {}

    /** One reading and its position ({@code ROW.INDEX}, as the stream's event ids). */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Reading(String position, String sensor, String metric, Map<String, String> tags, Instant ts,
            double value) {}

    /**
     * A page: its readings, {@code next} (the {@code after} of the next page: it moves on even when the filter
     * matched nothing) and {@code oldest} (the {@code after} that reads from the oldest row retention keeps).
     */
    public record Page(List<Reading> readings, String next, String oldest) {}

    private final Feed feed;
    private final Semaphore waiting = new Semaphore(MAX_WAITING);

    public FeedQuery(Feed feed) {
        this.feed = feed;
    }

    /** @throws io.tidemark.query.InvalidParametersException naming each bad parameter */
    public Request parse(Map<String, List<String>> params) {
        QueryParameters p = new QueryParameters(params, PARAMETERS);
        FeedPosition after = StreamFilter.position(p, "after", p.text("after"));
        int limit = p.limit("limit", DEFAULT_LIMIT, MAX_LIMIT);
        SeriesFilter series = SeriesFilter.parse(p);
        int waitSeconds = p.text("wait") == null ? 0 : p.limit("wait", 1, (int) MAX_WAIT.toSeconds());
        p.validate();
        return new Request(after, limit, series, Duration.ofSeconds(waitSeconds));
    }

    /**
     * The page for {@code request}; if it is empty and the request may wait, waits up to its {@code wait} for a row
     * to commit and reads again. Blocks the calling thread while it waits.
     *
     * @throws io.tidemark.feed.FeedTruncatedException if {@code after} is older than retention keeps
     */
    public Page page(Request request) throws InterruptedException {
        Page page = request.after() != null ? read(request.after(), request) : fromOldest(request);
        if (!page.readings().isEmpty() || request.waitFor().isZero() || !waiting.tryAcquire()) return page;
        try {
            // Rows the filter does not match (or alert rows) end a wait too: wait again until the deadline.
            long deadline = System.nanoTime() + request.waitFor().toNanos();
            while (page.readings().isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) break;
                FeedPosition next = FeedPosition.parse(page.next());
                try {
                    feed.whenAfter(next.row()).get(left, TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    break;
                }
                page = read(next, request);
            }
            return page;
        } catch (ExecutionException e) {
            throw new IllegalStateException("whenAfter never fails", e);
        } finally {
            waiting.release();
        }
    }

    /** A consumer without a position starts at the oldest row kept, even if retention moves it meanwhile. */
    private Page fromOldest(Request request) {
        while (true) {
            try {
                return read(FeedPosition.afterRow(Math.max(0, feed.oldestRow() - 1)), request);
            } catch (FeedTruncatedException e) {
                // retention ran between reading the horizon and the rows: go on from where it is now
            }
        }
    }

    private Page read(FeedPosition after, Request request) {
        List<Reading> readings = new ArrayList<>();
        FeedPosition position = after;
        int scanned = 0;
        while (readings.size() < request.limit() && scanned < MAX_SCANNED) {
            List<FeedEntry> rows = feed.read(position, Math.max(request.limit(), 10_000));
            if (rows.isEmpty()) break;
            for (FeedEntry row : rows) {
                position = take(row, position, request, readings);
                scanned += row.count();
                if (readings.size() == request.limit()) break;
            }
        }
        return new Page(readings, position.toString(),
                FeedPosition.afterRow(Math.max(0, feed.oldestRow() - 1)).toString());
    }

    /** Adds the readings of {@code row} after {@code position} that match, up to the limit; says where it stopped. */
    private static FeedPosition take(FeedEntry row, FeedPosition position, Request request, List<Reading> into) {
        if (row.kind() != FeedKind.READINGS) return FeedPosition.afterRow(row.row());
        int from = position.firstIndexIn(row.row());
        for (int i = from; i < row.count(); i++) {
            SeriesKey s = row.series(i);
            if (!request.series().matches(s.sensor(), s.metric(), s.tags())) continue;
            into.add(new Reading(row.positionOf(i).toString(), s.sensor(), s.metric(), s.tags().toMap(),
                    EpochMicros.toInstant(row.timestampMicros(i)), row.value(i)));
            if (into.size() == request.limit()) {
                return i == row.count() - 1 ? FeedPosition.afterRow(row.row()) : row.positionOf(i);
            }
        }
        return FeedPosition.afterRow(row.row());
    }
}
