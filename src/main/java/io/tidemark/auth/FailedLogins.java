package io.tidemark.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Failed authentications per client address: after {@link #MAX_FAILURES} bad credentials within {@link #WINDOW}, the
 * address is refused for {@link #BLOCK_TIME}, so guessing tokens is slow. Memory is bounded: at most
 * {@link #MAX_ADDRESSES} addresses are remembered (the oldest forgotten first). Every failure is counted in
 * {@code tidemark_auth_failures_total{reason}}. Thread-safe.
 */
public final class FailedLogins {
    public static final int MAX_FAILURES = 10;
    public static final Duration WINDOW = Duration.ofMinutes(1);
    public static final Duration BLOCK_TIME = Duration.ofMinutes(1);
    private static final int MAX_ADDRESSES = 100_000;

    /** Why a request was not let in. */
    public enum Reason {
        /** No credential, and the anonymous grant does not cover the scope needed. */
        MISSING,
        /** A credential no token has (or a stream ticket unknown, used or expired). */
        INVALID,
        /** A revoked token. */
        REVOKED,
        /** A valid credential without the scope needed (403). */
        FORBIDDEN,
        /** Refused unheard: the address failed too often (429). */
        THROTTLED;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Failures of an address in the window that began with its first one (expiry counts from that write). */
    private final Cache<String, AtomicInteger> failures = Caffeine.newBuilder()
            .expireAfterWrite(WINDOW).maximumSize(MAX_ADDRESSES).build();
    /** Addresses refused, until their entry expires. */
    private final Cache<String, Long> blocked = Caffeine.newBuilder()
            .expireAfterWrite(BLOCK_TIME).maximumSize(MAX_ADDRESSES).build();
    private final Map<Reason, Counter> counters = new EnumMap<>(Reason.class);

    public FailedLogins(MeterRegistry registry) {
        for (Reason reason : Reason.values()) {
            counters.put(reason, Counter.builder("tidemark.auth.failures").tag("reason", reason.label())
                    .description("Requests refused for want of a valid credential or scope, by reason")
                    .register(registry));
        }
    }

    /** Whether {@code address} is refused for now. */
    public boolean isBlocked(String address) {
        return blocked.getIfPresent(address) != null;
    }

    /** Counts a refusal; a bad credential (invalid or revoked) also counts towards blocking the address. */
    public void record(String address, Reason reason) {
        counters.get(reason).increment();
        if (reason != Reason.INVALID && reason != Reason.REVOKED) return;
        int count = failures.asMap().computeIfAbsent(address, a -> new AtomicInteger()).incrementAndGet();
        if (count >= MAX_FAILURES) {
            blocked.put(address, System.nanoTime());
            failures.invalidate(address);
        }
    }
}
