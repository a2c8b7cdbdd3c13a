package io.tidemark.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.Optional;

/**
 * Single-use tickets for the browser's EventSource, which cannot send an Authorization header: a client with a read
 * credential asks for one, and opens the stream with {@code ?ticket=} within {@link #VALIDITY}. A ticket is good once,
 * on the node that issued it, and is kept only in memory (at most {@link #MAX_TICKETS} at once). Thread-safe.
 */
public final class StreamTickets {
    public static final Duration VALIDITY = Duration.ofSeconds(30);
    static final String PREFIX = "tdt_";
    private static final int MAX_TICKETS = 10_000;

    private final TokenSecrets secrets = new TokenSecrets();
    private final Cache<String, Principal> tickets = Caffeine.newBuilder()
            .expireAfterWrite(VALIDITY).maximumSize(MAX_TICKETS).build();

    /** A new ticket acting for {@code principal}. */
    public String issue(Principal principal) {
        String ticket = secrets.generate(PREFIX);
        tickets.put(ticket, principal);
        return ticket;
    }

    /** The principal a ticket acts for, once: the ticket is spent by this call. */
    public Optional<Principal> redeem(String ticket) {
        return ticket == null ? Optional.empty() : Optional.ofNullable(tickets.asMap().remove(ticket));
    }
}
