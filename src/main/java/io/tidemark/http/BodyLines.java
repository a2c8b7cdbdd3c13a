package io.tidemark.http;

import io.tidemark.ingest.format.InvalidReadingsException;
import io.tidemark.ingest.format.ReadingProblem;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.StringJoiner;

/**
 * What the answer to a refused line protocol body says about its lines, as InfluxDB says it. Reads a body again
 * only on the error path (to find the line of a refused measurement); a good body is read once, by its parser.
 */
final class BodyLines {
    /** How many problems the message tells; the rest are counted ("and N more"), and listed in details. */
    static final int MAX_TOLD = 10;
    /** What InfluxDB's parse errors start with, and what Telegraf looks for to drop a batch instead of retrying. */
    private static final String UNABLE = "unable to parse ";

    private BodyLines() {}

    /**
     * InfluxDB's message for a body with bad lines: each problem (the first {@link #MAX_TOLD}) with its line number.
     * The parser quotes each line already ({@code unable to parse '<line>': <why>}).
     */
    static UnparsableLinesException unparsable(InvalidReadingsException invalid) {
        List<ReadingProblem> told = invalid.problems().subList(0, Math.min(MAX_TOLD, invalid.problems().size()));
        StringJoiner message = new StringJoiner("; ");
        for (ReadingProblem p : told) {
            String where = p.line() == null ? "reading " + p.index() : "line " + p.line();
            String text = p.message().startsWith(UNABLE) ? p.message() : UNABLE + where + ": " + p.message();
            message.add(text + " (" + where + ")");
        }
        int untold = invalid.problemCount() - told.size();
        String more = untold > 0 ? "; and " + untold + " more" : "";
        return new UnparsableLinesException(message + more + "; nothing was stored", invalid.problems(),
                invalid.problemCount());
    }

    /** The 1-based number of the first line whose measurement is {@code measurement}, or -1. */
    static int lineOf(InputStream body, String measurement) throws IOException {
        try (BufferedReader in = reader(body)) {
            String line;
            for (int n = 1; (line = in.readLine()) != null; n++) {
                if (measurement(line.stripLeading()).equals(measurement)) return n;
            }
            return -1;
        }
    }

    /** A line's measurement: up to its first unescaped comma or space, with {@code \,} and {@code \ } undone. */
    static String measurement(String line) {
        StringBuilder name = new StringBuilder();
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length() && (line.charAt(i + 1) == ',' || line.charAt(i + 1) == ' ')) {
                name.append(line.charAt(++i));
            } else if (c == ',' || c == ' ') {
                break;
            } else {
                name.append(c);
            }
        }
        return name.toString();
    }

    private static BufferedReader reader(InputStream body) {
        return new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
    }
}
