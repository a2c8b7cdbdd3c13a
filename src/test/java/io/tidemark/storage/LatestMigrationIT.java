package io.tidemark.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.testing.TestDatabase;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationVersion;
import org.junit.jupiter.api.Test;

/** A database with readings from before {@code latest} (V12) gets each series' newest reading in it from V13. */
class LatestMigrationIT {
    @Test
    void existingReadingsFillLatestWithEachSeriesNewest() {
        try (TestDatabase db = TestDatabase.create()) {
            migrate(db, MigrationVersion.fromVersion("12"));
            db.execute("CREATE TABLE readings_20260101 PARTITION OF readings"
                    + " FOR VALUES FROM ('2026-01-01 00:00:00+00') TO ('2026-01-03 00:00:00+00')");
            db.execute("INSERT INTO series (sensor, metric) VALUES ('a', 'value'), ('b', 'value'), ('idle', 'value')");
            db.execute("""
                    INSERT INTO readings
                    SELECT s.id, r.ts, r.value FROM (VALUES
                        ('a', TIMESTAMPTZ '2026-01-01 10:00Z', 1.0), ('a', '2026-01-02 10:00Z', 2.0),
                        ('a', '2026-01-01 23:00Z', 3.0), ('b', '2026-01-01 00:00Z', 4.0)) AS r(sensor, ts, value)
                    JOIN series s ON s.sensor = r.sensor""");

            migrate(db, MigrationVersion.LATEST);

            assertThat(db.queryLong("SELECT count(*) FROM latest_v")).as("a series without readings has no row")
                    .isEqualTo(2);
            assertThat(db.queryLong("SELECT value FROM latest_v WHERE sensor = 'a'"
                    + " AND ts = '2026-01-02 10:00Z'")).isEqualTo(2);
            assertThat(db.queryLong("SELECT value FROM latest_v WHERE sensor = 'b' AND tags = '{}'")).isEqualTo(4);
        }
    }

    private static void migrate(TestDatabase db, MigrationVersion target) {
        Flyway.configure().dataSource(db.url(), db.config().user(), db.config().password())
                .locations("filesystem:db/migrations").target(target).load().migrate();
    }
}
