package io.tidemark.http;

import io.tidemark.ingest.format.InvalidReadingsException;
import io.tidemark.ingest.format.ReadingProblem;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.stream.Collectors;

/**
 * The lines of a refused line protocol body, read again to quote them in the answer, as InfluxDB does. Only on the
 * error path: a good body is read once, by its parser.
 */
final class BodyLines {
    /** How many problems the message tells; the rest are counted ("and N more"), and listed in details. */
    static final int MAX_TOLD = 10;
    private static final int MAX_QUOTED_CHARS = 200;

    private BodyLines() {}

    /** InfluxDB's message for a body with bad lines: each (the first {@link #MAX_TOLD}) quoted with its problem. */
    static UnparsableLinesException unparsable(InvalidReadingsException invalid, InputStream body) throws IOException {
        List<ReadingProblem> told = invalid.problems().subList(0, Math.min(MAX_TOLD, invalid.problems().size()));
        Map<Integer, String> quoted = texts(body, told.stream().map(ReadingProblem::line)
                .filter(line -> line != null).collect(Collectors.toSet()));
        StringJoiner message = new StringJoiner("; ", "unable to parse ", "");
        for (ReadingProblem p : told) {
            String where = p.line() == null ? "reading " + p.index()
                    : "'" + quoted.getOrDefault(p.line(), "") + "' (line " + p.line() + ")";
            message.add(where + ": " + (p.field() == null ? "" : p.field() + ": ") + p.message());
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

    private static Map<Integer, String> texts(InputStream body, Set<Integer> wanted) throws IOException {
        Map<Integer, String> texts = new HashMap<>();
        if (wanted.isEmpty()) return texts;
        int last = wanted.stream().mapToInt(Integer::intValue).max().orElse(0);
        try (BufferedReader in = reader(body)) {
            String line;
            for (int n = 1; n <= last && (line = in.readLine()) != null; n++) {
                if (!wanted.contains(n)) continue;
                texts.put(n, line.length() > MAX_QUOTED_CHARS ? line.substring(0, MAX_QUOTED_CHARS) + "..." : line);
            }
        }
        return texts;
    }

    private static BufferedReader reader(InputStream body) {
        return new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
    }
}
