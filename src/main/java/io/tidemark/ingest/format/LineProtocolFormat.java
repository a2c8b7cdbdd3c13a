package io.tidemark.ingest.format;

import io.tidemark.names.Tags;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.TreeMap;

/** TEMPORARY STUB until branch lp-parser lands: a minimal line protocol parser (no escapes). */
public final class LineProtocolFormat implements ReadingFormat {
    private final Precision precision;
    private final Tags extraTags;
    private final StringFields stringFields;

    public LineProtocolFormat(Precision precision, Tags extraTags, StringFields stringFields) {
        this.precision = precision;
        this.extraTags = extraTags;
        this.stringFields = stringFields;
    }

    @Override
    public ParsedReadings parse(InputStream body, TimeWindow window) throws IOException {
        String text = new String(body.readAllBytes(), StandardCharsets.UTF_8);
        ParsedReadings readings = new ParsedReadings(16);
        ReadingProblems problems = new ReadingProblems();
        String[] lines = text.split("\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n].strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            String[] parts = line.split(" ");
            if (parts.length < 2 || parts.length > 3) {
                problems.add(readings.count, n + 1, null, "expected measurement, fields and a timestamp");
                continue;
            }
            String[] head = parts[0].split(",");
            TreeMap<String, String> tags = new TreeMap<>();
            for (int i = 0; i < extraTags.size(); i++) tags.put(extraTags.key(i), extraTags.value(i));
            for (int i = 1; i < head.length; i++) {
                String[] kv = head[i].split("=", 2);
                tags.put(kv[0], kv.length > 1 ? kv[1] : "");
            }
            long ts;
            if (parts.length == 3) {
                try {
                    ts = precision.toMicros(Long.parseLong(parts[2]));
                } catch (NumberFormatException e) {
                    problems.add(readings.count, n + 1, "timestamp", "invalid timestamp");
                    continue;
                }
            } else {
                ts = window.nowMicros();
                readings.timestampsDefaulted = true;
            }
            String tooOld = window.problem(ts);
            if (tooOld != null) {
                problems.add(readings.count, n + 1, "timestamp", tooOld);
                continue;
            }
            Tags tagSet = Tags.of(tags);
            for (String field : parts[1].split(",")) {
                String[] kv = field.split("=", 2);
                String v = kv.length > 1 ? kv[1] : "";
                if (v.startsWith("\"")) {
                    if (stringFields == StringFields.REJECT) problems.add(readings.count, n + 1, kv[0], "string");
                    readings.skipped++;
                    continue;
                }
                double value;
                try {
                    if (v.equals("t") || v.equals("true")) {
                        value = 1;
                    } else if (v.equals("f") || v.equals("false")) {
                        value = 0;
                    } else if (v.endsWith("i") || v.endsWith("u")) {
                        value = Long.parseLong(v.substring(0, v.length() - 1));
                    } else {
                        value = Double.parseDouble(v);
                    }
                } catch (NumberFormatException e) {
                    problems.add(readings.count, n + 1, kv[0], "invalid number '" + v + "'");
                    continue;
                }
                readings.add(head[0], kv[0], tagSet, ts, value);
            }
        }
        problems.throwIfAny();
        return readings;
    }
}
