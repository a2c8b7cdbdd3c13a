package io.tidemark.influx;

import java.time.Instant;
import java.util.StringJoiner;

/** Line protocol as Telegraf's serializer writes it: a tag set sorted by key, float fields, nanosecond timestamps. */
final class TelegrafBatches {
    private TelegrafBatches() {}

    /**
     * {@code lines} cpu metrics of host {@code host}, each with two fields, at consecutive milliseconds ending a
     * minute ago: {@code 2 * lines} readings.
     */
    static String cpu(String host, int lines) {
        long end = Instant.now().minusSeconds(60).toEpochMilli() * 1_000_000L;
        StringJoiner body = new StringJoiner("\n", "", "\n");
        for (int i = 0; i < lines; i++) {
            long ns = end - (long) (lines - i) * 1_000_000L + 17;
            body.add("cpu,cpu=cpu" + (i % 4) + ",host=" + host + " usage_idle=" + (90 + i % 10) + "." + i % 7
                    + ",usage_user=" + (i % 5) + ".25 " + ns);
        }
        return body.toString();
    }
}
