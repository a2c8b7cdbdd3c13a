package io.tidemark.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationVersion;
import org.junit.jupiter.api.Test;

/**
 * A database made before tags (migrated to V8, with series, readings, rollups and a rollup made by a job file) is
 * migrated to tags by V9: every series keeps its id and gets no tags, its readings and rollups keep their series,
 * and every view, also the one the job file made, gains the tags column.
 */
class TagsMigrationIT {
    @Test
    void seriesKeepTheirIdsAndGetNoTagsAndEveryRollupViewGainsTags() throws SQLException {
        try (TestDatabase db = TestDatabase.create()) {
            migrate(db, MigrationVersion.fromVersion("8"));
            db.execute("INSERT INTO series (sensor, metric) VALUES ('boiler-1', 'temperature'), ('boiler-2', 'value')");
            db.execute("SELECT tidemark_ensure_rollup('rollup_5m')");
            long first = db.queryLong("SELECT id FROM series WHERE sensor = 'boiler-1'");
            db.execute("INSERT INTO rollup_1m VALUES (" + first + ", '2026-01-01', 1, 2, 2, 2, 2)");
            db.execute("INSERT INTO rollup_5m VALUES (" + first + ", '2026-01-01', 1, 2, 2, 2, 2)");

            migrate(db, MigrationVersion.LATEST);

            assertThat(db.queryLong("SELECT id FROM series WHERE sensor = 'boiler-1' AND tags = '{}'"))
                    .isEqualTo(first);
            assertThat(db.queryLong("SELECT count(*) FROM series WHERE tags <> '{}'")).isZero();
            for (String view : new String[] {"rollup_1m_v", "rollup_5m_v"}) {
                assertThat(db.queryLong("SELECT count(*) FROM " + view + " WHERE sensor = 'boiler-1' AND tags = '{}'"))
                        .as(view).isEqualTo(1);
            }
            assertThat(columns(db, "readings_v")).endsWith("tags");
            assertThat(columns(db, "alerts_v")).endsWith("tags");
            // The same (sensor, metric) without tags is the same series as before: no second row, the old id.
            db.execute("INSERT INTO series (sensor, metric) VALUES ('boiler-1', 'temperature') "
                    + "ON CONFLICT (identity) DO NOTHING");
            assertThat(db.queryLong("SELECT count(*) FROM series WHERE sensor = 'boiler-1'")).isEqualTo(1);
            db.execute("INSERT INTO series (sensor, metric, tags) VALUES ('boiler-1', 'temperature', '{\"a\":\"b\"}')");
            assertThat(db.queryLong("SELECT count(*) FROM series WHERE sensor = 'boiler-1'")).isEqualTo(2);
        }
    }

    private static void migrate(TestDatabase db, MigrationVersion target) throws SQLException {
        Flyway.configure().dataSource(db.url(), db.config().user(), db.config().password())
                .locations("filesystem:db/migrations").target(target).load().migrate();
    }

    private static String columns(TestDatabase db, String view) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT string_agg(column_name, ',' ORDER BY ordinal_position) "
                        + "FROM information_schema.columns WHERE table_name = '" + view + "'")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
