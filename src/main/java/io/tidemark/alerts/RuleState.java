package io.tidemark.alerts;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Where one rule stands on every series it is part-way through, and nothing for the rest: a series enters when the
 * rule's condition starts to hold on it and leaves when the condition stops holding (resolving the alert, if open). So
 * the state stays as small as the number of excursions in progress, whatever the number of series, and is
 * checkpointed whole (see {@code alert_checkpoints}). Not thread-safe: one owner at a time.
 */
final class RuleState {
    private static final int VERSION = 1;

    private final Map<Integer, RuleProgress> bySeries = new HashMap<>();
    /**
     * The series in {@code bySeries}: most readings are of series the rule is not part-way through, and a bit says so
     * without boxing the id for a map lookup (per reading and rule, that lookup was most of the evaluation's cost).
     */
    private final BitSet partWay = new BitSet();

    RuleProgress get(int seriesId) {
        return partWay.get(seriesId) ? bySeries.get(seriesId) : null;
    }

    void put(int seriesId, RuleProgress progress) {
        bySeries.put(seriesId, progress);
        partWay.set(seriesId);
    }

    void remove(int seriesId) {
        bySeries.remove(seriesId);
        partWay.clear(seriesId);
    }

    /** Series and their progress, for reading only. */
    Map<Integer, RuleProgress> all() {
        return Collections.unmodifiableMap(bySeries);
    }

    /** The checkpoint form: a version, then each series' progress, big-endian. */
    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(8 + bySeries.size() * 45);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(VERSION);
            out.writeInt(bySeries.size());
            for (Map.Entry<Integer, RuleProgress> e : bySeries.entrySet()) {
                RuleProgress p = e.getValue();
                out.writeInt(e.getKey());
                out.writeInt(p.run);
                out.writeLong(p.runStartMicros);
                out.writeLong(p.newestMicros);
                out.writeBoolean(p.open != null);
                if (p.open != null) {
                    out.writeLong(p.open.getMostSignificantBits());
                    out.writeLong(p.open.getLeastSignificantBits());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory does not fail", e);
        }
        return bytes.toByteArray();
    }

    /** @throws IllegalArgumentException if {@code checkpoint} is not what {@link #encode} writes */
    static RuleState decode(byte[] checkpoint) {
        RuleState state = new RuleState();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(checkpoint))) {
            int version = in.readInt();
            if (version != VERSION) throw new IllegalArgumentException("alert checkpoint version " + version);
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                int seriesId = in.readInt();
                int run = in.readInt();
                long runStart = in.readLong();
                long newest = in.readLong();
                UUID open = in.readBoolean() ? new UUID(in.readLong(), in.readLong()) : null;
                state.put(seriesId, new RuleProgress(run, runStart, newest, open));
            }
            if (in.available() > 0) throw new IllegalArgumentException("alert checkpoint has trailing bytes");
        } catch (IOException e) {
            throw new IllegalArgumentException("alert checkpoint is cut short", e);
        }
        return state;
    }
}
