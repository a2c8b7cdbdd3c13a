package io.tidemark.ingest;

import io.tidemark.names.Tags;
import java.util.List;

/** The readings of one committed batch, visited without allocating an object per reading. */
public final class CommittedReadings {
    /** Receives one committed reading; {@code timestampMicros} is epoch microseconds, UTC. */
    @FunctionalInterface
    public interface Visitor {
        void visit(int seriesId, String sensor, String metric, Tags tags, long timestampMicros, double value);
    }

    private final List<WriteRequest> requests;
    private final int count;

    CommittedReadings(List<WriteRequest> requests) {
        this.requests = requests;
        int n = 0;
        for (WriteRequest r : requests) n += r.count;
        this.count = n;
    }

    /** How many readings the batch committed. */
    public int count() {
        return count;
    }

    /** Visits the readings in commit order. */
    public void forEach(Visitor visitor) {
        for (WriteRequest r : requests) {
            for (int i = 0; i < r.count; i++) {
                visitor.visit(r.seriesIds[i], r.sensors[i], r.metrics[i], r.tags[i], r.timestamps[i], r.values[i]);
            }
        }
    }
}
