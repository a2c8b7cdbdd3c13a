package io.tidemark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SqlStatementsTest {

    @Test
    void splitsAtTopLevelSemicolons() {
        assertThat(SqlStatements.split("DELETE FROM t;\nINSERT INTO t SELECT 1;\n"))
                .containsExactly("DELETE FROM t", "INSERT INTO t SELECT 1");
    }

    @Test
    void keepsSemicolonsInsideQuotesCommentsAndDollarBodies() {
        String function = "CREATE FUNCTION f() RETURNS int AS $body$ BEGIN RETURN 1; END; $body$ LANGUAGE plpgsql";
        assertThat(SqlStatements.split("SELECT 'a;b', \"we;ird\" -- c;d\nFROM t; " + function + ";\n/* x; y */"))
                .containsExactly("SELECT 'a;b', \"we;ird\" -- c;d\nFROM t", function);
    }

    @Test
    void handlesDoubledQuotesAndPositionalDollars() {
        assertThat(SqlStatements.split("SELECT 'it''s;' ; SELECT $1; SELECT $$;$$"))
                .containsExactly("SELECT 'it''s;'", "SELECT $1", "SELECT $$;$$");
    }

    @Test
    void dropsEmptyAndCommentOnlyStatements() {
        assertThat(SqlStatements.split(";;\n-- only a comment\n;  ")).isEmpty();
    }
}
