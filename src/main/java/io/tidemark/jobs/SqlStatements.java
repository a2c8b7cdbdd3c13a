package io.tidemark.jobs;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a job body into statements at top-level semicolons, leaving alone semicolons inside quotes, comments and
 * dollar-quoted bodies (so a job may define a function). Each statement is later bound and run on its own.
 */
final class SqlStatements {
    private SqlStatements() {}

    static List<String> split(String sql) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            int end;
            if (c == '\'' || c == '"') {
                end = closing(sql, i + 1, c);
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                end = sql.indexOf('\n', i);
                end = end < 0 ? n : end;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                end = sql.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
            } else if (c == '$' && dollarTag(sql, i) != null) {
                String tag = dollarTag(sql, i);
                int close = sql.indexOf(tag, i + tag.length());
                end = close < 0 ? n : close + tag.length();
            } else if (c == ';') {
                add(statements, current);
                current.setLength(0);
                i++;
                continue;
            } else {
                end = i + 1;
            }
            current.append(sql, i, end);
            i = end;
        }
        add(statements, current);
        return statements;
    }

    private static int closing(String sql, int from, char quote) {
        for (int i = from; i < sql.length(); i++) {
            if (sql.charAt(i) == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    i++; // doubled quote is an escaped quote
                } else {
                    return i + 1;
                }
            }
        }
        return sql.length();
    }

    /** The tag ({@code $$} or {@code $name$}) starting at {@code i}, or null if a '$' there starts none. */
    private static String dollarTag(String sql, int i) {
        int j = i + 1;
        while (j < sql.length() && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_')) j++;
        if (j < sql.length() && sql.charAt(j) == '$' && (j == i + 1 || !Character.isDigit(sql.charAt(i + 1)))) {
            return sql.substring(i, j + 1);
        }
        return null;
    }

    private static void add(List<String> statements, StringBuilder statement) {
        String s = statement.toString().strip();
        if (!stripComments(s).isBlank()) statements.add(s);
    }

    private static String stripComments(String s) {
        return s.replaceAll("(?m)--.*$", "").replaceAll("(?s)/\\*.*?\\*/", "");
    }
}
