package io.tidemark.auth;

import io.tidemark.storage.DatabaseUnavailableException;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/** The {@code tokens} table. */
final class TokenStore {
    private static final RowMapper<Token> TOKEN = (rs, ctx) -> new Token(rs.getLong("id"), rs.getString("name"),
            scopes(rs.getArray("scopes")), rs.getString("sensor_prefix"), instant(rs, "created_at"),
            rs.getString("created_by"), instant(rs, "last_used_at"), instant(rs, "revoked_at"),
            rs.getString("revoked_by"));
    private static final String UNIQUE_VIOLATION = "23505";

    /** What a secret's hash finds: the token's principal, and whether it was revoked. */
    record Found(long id, Principal principal, boolean revoked) {}

    private final Jdbi jdbi;

    TokenStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Stores a new token; empty if the name is taken. */
    Optional<Token> create(String name, byte[] hash, Set<Scope> scopes, String sensorPrefix, String createdBy) {
        try {
            return Optional.of(database(() -> jdbi.withHandle(h -> h.createQuery("""
                            INSERT INTO tokens (name, secret_hash, scopes, sensor_prefix, created_by)
                            VALUES (:name, :hash, :scopes, :prefix, :by) RETURNING *""")
                    .bind("name", name).bind("hash", hash).bind("scopes", Scope.labels(scopes).toArray(String[]::new))
                    .bind("prefix", sensorPrefix).bind("by", createdBy).map(TOKEN).one())));
        } catch (UnableToExecuteStatementException e) {
            if (e.getCause() instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
                return Optional.empty();
            }
            throw e;
        }
    }

    List<Token> list() {
        return database(() -> jdbi.withHandle(h -> h.createQuery("SELECT * FROM tokens ORDER BY id")
                .map(TOKEN).list()));
    }

    Optional<Token> get(long id) {
        return database(() -> jdbi.withHandle(h -> h.createQuery("SELECT * FROM tokens WHERE id = :id")
                .bind("id", id).map(TOKEN).findOne()));
    }

    /** Revokes token {@code id} unless it is revoked already; false if there is no such token. */
    boolean revoke(long id, String revokedBy) {
        return database(() -> jdbi.withHandle(h -> {
            h.createUpdate("UPDATE tokens SET revoked_at = now(), revoked_by = :by WHERE id = :id"
                            + " AND revoked_at IS NULL")
                    .bind("id", id).bind("by", revokedBy).execute();
            return h.createQuery("SELECT count(*) FROM tokens WHERE id = :id").bind("id", id)
                    .mapTo(Long.class).one() > 0;
        }));
    }

    Optional<Found> find(byte[] hash) {
        return database(() -> jdbi.withHandle(h -> h.createQuery(
                        "SELECT id, name, scopes, sensor_prefix, revoked_at FROM tokens WHERE secret_hash = :hash")
                .bind("hash", hash)
                .map((rs, ctx) -> new Found(rs.getLong("id"), new Principal(rs.getString("name"),
                        Scope.of(scopes(rs.getArray("scopes"))), rs.getString("sensor_prefix")),
                        rs.getObject("revoked_at") != null))
                .findOne()));
    }

    void touch(long id) {
        database(() -> jdbi.withHandle(h -> h.createUpdate("UPDATE tokens SET last_used_at = now() WHERE id = :id")
                .bind("id", id).execute()));
    }

    /** Runs {@code work}, answering a lost database as the rest of the server does (503). */
    private static <T> T database(Supplier<T> work) {
        try {
            return work.get();
        } catch (UnableToExecuteStatementException e) {
            throw e;
        } catch (JdbiException e) {
            throw new DatabaseUnavailableException("database unavailable; cannot check or change tokens", e);
        }
    }

    private static List<String> scopes(Array array) throws SQLException {
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
