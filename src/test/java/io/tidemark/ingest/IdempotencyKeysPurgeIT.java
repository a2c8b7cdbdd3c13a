package io.tidemark.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.testing.TestDatabase;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * Keys live as long as their kind says: a client's {@code Idempotency-Key} for {@code ingest.idempotency_ttl}, a
 * body's own key (a row per line protocol request) for the shorter {@code ingest.implicit_key_ttl}; and no client
 * may send a key in the form of a body's own.
 */
class IdempotencyKeysPurgeIT {
    @Test
    void aBodysOwnKeyIsPurgedAfterItsShorterTtlAndAClientKeyAfterItsOwn() {
        try (TestDatabase db = TestDatabase.create()) {
            Flyway.configure().dataSource(db.url(), db.config().user(), db.config().password())
                    .locations("filesystem:db/migrations").load().migrate();
            String implicit = IdempotencyKeys.implicitKey("v1 ns db=x", null, "abc");
            assertThat(implicit).startsWith(IdempotencyKeys.IMPLICIT_PREFIX);
            db.execute("INSERT INTO idempotency_keys (key, request_hash, accepted, created_at) VALUES "
                    + "('client-old', 'h', 1, now() - interval '2 hours'), "
                    + "('client-older', 'h', 1, now() - interval '25 hours'), "
                    + "('" + implicit + "', 'h', 1, now() - interval '2 hours'), "
                    + "('" + IdempotencyKeys.implicitKey("v1 ns db=y", null, "abc") + "', 'h', 1, now())");
            IdempotencyKeys keys = new IdempotencyKeys(Jdbi.create(db.url(), db.config().user(),
                    db.config().password()));

            assertThat(keys.purgeOlderThan(Duration.ofHours(24), Duration.ofHours(1))).isEqualTo(2);
            assertThat(db.queryLong("SELECT count(*) FROM idempotency_keys WHERE key = 'client-old'")).isEqualTo(1);
            assertThat(db.queryLong("SELECT count(*) FROM idempotency_keys WHERE key LIKE 'body:%'")).isEqualTo(1);
        }
    }

    @Test
    void aClientKeyMayNotTakeTheFormOfABodysOwn() {
        assertThatThrownBy(() -> IdempotencyKeys.hashing("body:0123", new ByteArrayInputStream(new byte[0])))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("must not start with 'body:'");
    }
}
