package io.tidemark.http;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.tidemark.auth.Authenticator;
import io.tidemark.auth.FailedLogins;
import io.tidemark.auth.FailedLogins.Reason;
import io.tidemark.auth.Principal;
import io.tidemark.auth.Scope;
import io.tidemark.auth.StreamTickets;
import io.tidemark.ingest.WriteOrigin;

/**
 * Who a request is, and whether it may do what it asks. A request without a credential holds the anonymous grant
 * ({@code auth.anonymous}); one with a credential is always checked, and a bad one is a 401, never taken for
 * anonymous. The principal is kept on the request for the routes (see {@link #principal}).
 */
final class AccessControl {
    private static final String PRINCIPAL = "tidemark.principal";
    private static final int RETRY_AFTER_SECONDS = (int) FailedLogins.BLOCK_TIME.toSeconds();

    private final Authenticator authenticator;
    private final Principal anonymous;
    private final FailedLogins failures;
    private final StreamTickets tickets;
    private final RequestBodies bodies;

    AccessControl(Authenticator authenticator, Principal anonymous, FailedLogins failures, StreamTickets tickets,
            RequestBodies bodies) {
        this.authenticator = authenticator;
        this.anonymous = anonymous;
        this.failures = failures;
        this.tickets = tickets;
        this.bodies = bodies;
    }

    /** {@code handler}, let in only with {@code scope}; a refusal is answered by the route table's error handler. */
    Handler require(Scope scope, Handler handler) {
        return ctx -> {
            check(ctx, scope);
            handler.handle(ctx);
        };
    }

    /**
     * The write route {@code route}, let in only with {@code scope}. A refused request's body is never read for the
     * route: the refusal goes through {@link RequestBodies#refuse}, like any other refusal before the body.
     */
    WriteHandler.Route requireBeforeBody(Scope scope, WriteHandler.Route route) {
        return exchange -> {
            try {
                check(exchange, scope);
            } catch (AccessDeniedException refused) {
                bodies.refuse(exchange, refused);
                return;
            }
            route.handle(exchange);
        };
    }

    /** {@code handler}, let in with {@code scope} from a header or from a stream ticket ({@code ?ticket=}). */
    Handler requireOrTicket(Scope scope, Handler handler) {
        return ctx -> {
            String ticket = ctx.queryParam("ticket");
            if (ticket == null || ctx.header("Authorization") != null) {
                check(ctx, scope);
            } else {
                Exchange exchange = new JavalinExchange(ctx);
                refuseIfBlocked(exchange);
                Principal holder = tickets.redeem(ticket).orElseThrow(() -> refuse(exchange, Reason.INVALID,
                        "stream ticket unknown, used or expired: ask POST /api/v1/stream/tickets for a new one"));
                allow(exchange, holder, scope);
            }
            handler.handle(ctx);
        };
    }

    /** Lets the request in if it may use {@code scope}, else throws the 401, 403 or 429. */
    void check(Context ctx, Scope scope) {
        check(new JavalinExchange(ctx), scope);
    }

    void check(Exchange exchange, Scope scope) {
        allow(exchange, identify(exchange), scope);
    }

    /**
     * The request's principal: its credential's, or the anonymous grant without one.
     *
     * @throws AccessDeniedException 401 for a bad credential, 429 for an address that failed too often
     */
    Principal identify(Context ctx) {
        return identify(new JavalinExchange(ctx));
    }

    private Principal identify(Exchange ctx) {
        refuseIfBlocked(ctx);
        String secret = Credentials.of(ctx, InfluxProtocol.isV1(ctx.path()));
        if (secret == null) return remember(ctx, anonymous);
        Authenticator.Result result = authenticator.authenticate(secret);
        return switch (result.outcome()) {
            case VALID -> remember(ctx, result.principal());
            case REVOKED -> throw refuse(ctx, Reason.REVOKED, "this token has been revoked");
            case UNKNOWN -> throw refuse(ctx, Reason.INVALID, "the credential is not a valid token");
        };
    }

    StreamTickets tickets() {
        return tickets;
    }

    /** The principal {@link #check} or {@link #identify} let in. */
    static Principal principal(Context ctx) {
        return principal(new JavalinExchange(ctx));
    }

    private static Principal principal(Exchange exchange) {
        if (!(exchange.attribute(PRINCIPAL) instanceof Principal principal)) {
            throw new IllegalStateException("route " + exchange.path() + " has no access check");
        }
        return principal;
    }

    /** Who writes, as the write path knows it: the credential's name and its sensor prefix. */
    static WriteOrigin origin(Exchange exchange) {
        Principal principal = principal(exchange);
        return new WriteOrigin(principal.name(), principal.sensorPrefix());
    }

    /** How a client on this path sends a token: InfluxDB's clients are configured with a token or a password. */
    private static String howToSend(Exchange ctx) {
        return switch (ErrorDialect.of(ctx.path())) {
            case INFLUX_V1 -> "'Authorization: Token <token>', or the token as the password (Basic or p=)";
            case INFLUX_V2 -> "'Authorization: Token <token>'";
            case TIDEMARK -> "'Authorization: Bearer <token>'";
        };
    }

    private void allow(Exchange ctx, Principal principal, Scope scope) {
        remember(ctx, principal);
        if (principal.allows(scope)) return;
        if (principal.name().equals(Principal.ANONYMOUS)) {
            throw refuse(ctx, Reason.MISSING, ctx.method() + " " + ctx.path() + " needs a token with scope '"
                    + scope.label() + "': send " + howToSend(ctx) + " (see README 'Security')");
        }
        failures.record(ctx.ip(), Reason.FORBIDDEN);
        throw AccessDeniedException.forbidden(ctx.method() + " " + ctx.path() + " needs scope '" + scope.label()
                + "', which this token does not have");
    }

    private void refuseIfBlocked(Exchange ctx) {
        if (!failures.isBlocked(ctx.ip())) return;
        failures.record(ctx.ip(), Reason.THROTTLED);
        throw AccessDeniedException.throttled("too many failed authentications from " + ctx.ip()
                + "; try again in " + RETRY_AFTER_SECONDS + "s", RETRY_AFTER_SECONDS);
    }

    private AccessDeniedException refuse(Exchange ctx, Reason reason, String message) {
        failures.record(ctx.ip(), reason);
        return AccessDeniedException.unauthorized(message);
    }

    private static Principal remember(Exchange ctx, Principal principal) {
        ctx.attribute(PRINCIPAL, principal);
        return principal;
    }
}
