package io.tidemark.auth;

import io.tidemark.storage.DatabaseUnavailableException;
import io.tidemark.storage.SqlErrors;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;

/**
 * Single-use tickets for the browser's EventSource, which cannot send an Authorization header: a client with a read
 * credential asks for one, and opens the stream with {@code ?ticket=} within {@link #VALIDITY}, on any node: tickets
 * are kept in the database (only their hash), so a load balancer may send the two requests to different nodes. A
 * ticket is deleted as it is used. Thread-safe.
 */
public final class StreamTickets {
    public static final Duration VALIDITY = Duration.ofSeconds(30);
    static final String PREFIX = "tdt_";
    /** Issuing a ticket also removes those expired this long ago (never used). */
    private static final String ISSUE = """
            WITH expired AS (DELETE FROM stream_tickets WHERE expires_at < clock_timestamp() - INTERVAL '1 minute')
            INSERT INTO stream_tickets (hash, name, scopes, sensor_prefix, expires_at)
            VALUES (:hash, :name, :scopes, :sensor_prefix, clock_timestamp() + :validity * INTERVAL '1 second')""";
    private static final String REDEEM = """
            DELETE FROM stream_tickets WHERE hash = :hash
            RETURNING name, scopes, sensor_prefix, expires_at > clock_timestamp() AS valid""";

    private final TokenSecrets secrets = new TokenSecrets();
    private final Jdbi jdbi;

    public StreamTickets(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** A new ticket acting for {@code principal}. */
    public String issue(Principal principal) {
        String ticket = secrets.generate(PREFIX);
        String[] scopes = principal.scopes().stream().map(Scope::label).sorted().toArray(String[]::new);
        database(() -> jdbi.withHandle(h -> h.createUpdate(ISSUE).bind("hash", TokenSecrets.hash(ticket))
                .bind("name", principal.name()).bindArray("scopes", String.class, (Object[]) scopes)
                .bind("sensor_prefix", principal.sensorPrefix()).bind("validity", VALIDITY.toSeconds())
                .execute()));
        return ticket;
    }

    /** The principal a ticket acts for, once: the ticket is spent by this call, valid or not. */
    public Optional<Principal> redeem(String ticket) {
        if (ticket == null || !ticket.startsWith(PREFIX) || ticket.length() > TokenSecrets.MAX_LENGTH) {
            return Optional.empty();
        }
        return database(() -> jdbi.withHandle(h -> h.createQuery(REDEEM).bind("hash", TokenSecrets.hash(ticket))
                .map((rs, ctx) -> rs.getBoolean("valid") ? new Principal(rs.getString("name"),
                        scopes((String[]) rs.getArray("scopes").getArray()), rs.getString("sensor_prefix")) : null)
                .findOne()));
    }

    private static Set<Scope> scopes(String[] labels) {
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (String label : labels) Scope.parse(label).ifPresent(scopes::add);
        return scopes;
    }

    /** Runs {@code work}, answering a lost database as the rest of the server does (503). */
    private static <T> T database(Supplier<T> work) {
        try {
            return work.get();
        } catch (JdbiException e) {
            if (!(e instanceof ConnectionException) && !SqlErrors.isRetriable(e)) throw e;
            throw new DatabaseUnavailableException("database unavailable; cannot issue or check stream tickets", e);
        }
    }
}
