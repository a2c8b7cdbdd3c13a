package io.tidemark.storage;

import java.sql.SQLException;
import org.postgresql.copy.CopyIn;

/**
 * Encodes rows of {@code readings} in PostgreSQL's binary COPY format and streams them to a {@link CopyIn} in 64 KiB
 * chunks.
 *
 * <p>Binary COPY skips text formatting and parsing of timestamps and doubles on both sides. One encoder per writer
 * thread; not thread-safe.
 */
public final class ReadingsCopyEncoder {
    public static final String COPY_SQL = "COPY readings (series_id, ts, value) FROM STDIN (FORMAT binary)";
    /** PostgreSQL timestamps count microseconds from 2000-01-01T00:00:00Z. */
    private static final long PG_EPOCH_OFFSET_MICROS = 946_684_800_000_000L;
    private static final byte[] HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0,
            0, 0, 0, 0, // flags
            0, 0, 0, 0}; // header extension length
    private static final int ROW_BYTES = 2 + (4 + 4) + (4 + 8) + (4 + 8);

    private final byte[] buffer = new byte[64 * 1024];
    private int position;
    private CopyIn copy;

    public void begin(CopyIn target) throws SQLException {
        this.copy = target;
        position = 0;
        System.arraycopy(HEADER, 0, buffer, 0, HEADER.length);
        position = HEADER.length;
    }

    /** Writes the first {@code count} readings of the arrays; timestamps in epoch microseconds. */
    public void write(int[] seriesIds, long[] timestamps, double[] values, int count) throws SQLException {
        for (int i = 0; i < count; i++) {
            if (position + ROW_BYTES > buffer.length) flush();
            putShort(3);
            putInt(4);
            putInt(seriesIds[i]);
            putInt(8);
            putLong(timestamps[i] - PG_EPOCH_OFFSET_MICROS);
            putInt(8);
            putLong(Double.doubleToRawLongBits(values[i]));
        }
    }

    /** Writes the trailer and ends the COPY; returns the number of rows PostgreSQL reports. */
    public long end() throws SQLException {
        if (position + 2 > buffer.length) flush();
        putShort(-1);
        flush();
        long rows = copy.endCopy();
        copy = null;
        return rows;
    }

    private void flush() throws SQLException {
        copy.writeToCopy(buffer, 0, position);
        position = 0;
    }

    private void putShort(int v) {
        buffer[position++] = (byte) (v >>> 8);
        buffer[position++] = (byte) v;
    }

    private void putInt(int v) {
        buffer[position++] = (byte) (v >>> 24);
        buffer[position++] = (byte) (v >>> 16);
        buffer[position++] = (byte) (v >>> 8);
        buffer[position++] = (byte) v;
    }

    private void putLong(long v) {
        putInt((int) (v >>> 32));
        putInt((int) v);
    }
}
