package io.tidemark.jobs;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks that an incremental job writes its target and nothing else. A copied job file that still writes the table
 * it was copied from ({@code target: rollup_5m} over {@code INSERT INTO rollup_1m}) would silently rewrite another
 * rollup; it is refused at load instead, naming the line.
 */
final class TargetWrites {
    /** A write and the table it writes; {@code UPDATE} after DO / FOR / KEY / ON is a clause, not a write. */
    private static final String NAME = "\"?[A-Za-z_][A-Za-z0-9_$]*\"?";
    private static final Pattern WRITE = Pattern.compile("(?i)\\b(INSERT\\s+INTO|DELETE\\s+FROM|UPDATE|MERGE\\s+INTO"
            + "|TRUNCATE(?:\\s+TABLE)?)\\s+(?:ONLY\\s+)?(" + NAME + "(?:\\." + NAME + ")?)");
    private static final Set<String> CLAUSE_BEFORE_UPDATE = Set.of("do", "for", "key", "on");
    /** Comments and string literals, where a word like INSERT is not a write. */
    private static final Pattern NOT_CODE = Pattern.compile("(?s)--[^\\n]*|/\\*.*?\\*/|'(?:[^']|'')*'");

    private TargetWrites() {}

    /**
     * @param body the job file's SQL body, starting on line {@code bodyLine}
     * @throws InvalidJobException naming the line of a write to another table, or the target's line if no statement
     *     writes the target
     */
    static void check(Path file, String body, int bodyLine, List<String> statements, String target, int targetLine) {
        String code = blank(body);
        boolean writesTarget = false;
        int from = 0;
        for (String statement : statements) {
            int start = Math.max(0, body.indexOf(statement, from));
            from = start + statement.length();
            Matcher m = WRITE.matcher(code).region(start, from);
            while (m.find()) {
                String verb = m.group(1).replaceAll("\\s+", " ").toUpperCase(Locale.ROOT);
                if (verb.equals("UPDATE") && CLAUSE_BEFORE_UPDATE.contains(wordBefore(code, m.start()))) continue;
                String table = unquote(m.group(2));
                if (table.equals(target)) {
                    writesTarget = true;
                } else {
                    int line = bodyLine + (int) code.substring(0, m.start()).chars().filter(c -> c == '\n').count();
                    throw new InvalidJobException(file, line, verb + " " + table + ", but the job's target (line "
                            + targetLine + ") is " + target + ": an incremental job writes only its target (copied"
                            + " a job? rename the table in its statements too)");
                }
            }
        }
        if (!writesTarget) {
            throw new InvalidJobException(file, targetLine, "no statement writes the target " + target
                    + " (INSERT INTO " + target + " ...)");
        }
    }

    /** The text with comments and string literals blanked out, newlines kept, so offsets and lines still match. */
    private static String blank(String sql) {
        StringBuilder out = new StringBuilder(sql);
        Matcher m = NOT_CODE.matcher(sql);
        while (m.find()) {
            for (int i = m.start(); i < m.end(); i++) {
                if (out.charAt(i) != '\n') out.setCharAt(i, ' ');
            }
        }
        return out.toString();
    }

    private static String wordBefore(String code, int end) {
        int i = end;
        while (i > 0 && Character.isWhitespace(code.charAt(i - 1))) i--;
        int j = i;
        while (j > 0 && Character.isLetter(code.charAt(j - 1))) j--;
        return code.substring(j, i).toLowerCase(Locale.ROOT);
    }

    /** The table of a possibly schema-qualified, possibly quoted name. */
    private static String unquote(String name) {
        String table = name.substring(name.lastIndexOf('.') + 1);
        return table.startsWith("\"") ? table.replace("\"", "") : table.toLowerCase(Locale.ROOT);
    }
}
