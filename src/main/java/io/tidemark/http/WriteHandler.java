package io.tidemark.http;

import io.javalin.http.Context;
import java.util.Map;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The write routes ({@code POST} of readings, line protocol and remote write), served by Jetty's own handler API
 * ahead of the servlet layer and Javalin; every other request passes through to them. A write of one reading is the
 * most frequent request of all, and most of its cost was the layers around it: a trivial answer cost about half the
 * CPU here that it cost through an asynchronous Javalin route (bench/PROFILE.md, "A leaner path for writes"). What a
 * write does is unchanged: the same access control, body reading, error answers and request timers.
 */
final class WriteHandler extends Handler.Wrapper {
    /** A write route: what it does with an exchange. It answers, now or later, through the exchange. */
    @FunctionalInterface
    interface Route {
        void handle(JettyExchange exchange) throws Exception;
    }

    private final Map<String, Route> routes;
    private final RequestTimers timers;

    /** {@code routes} by path, each served for {@code POST}; other methods on those paths go on to Javalin. */
    WriteHandler(Map<String, Route> routes, RequestTimers timers) {
        this.routes = Map.copyOf(routes);
        this.timers = timers;
    }

    /**
     * Stands in Javalin's route table for a write route, so that Javalin still knows the path's methods (a
     * {@code PUT /write} is a 405 naming POST); a POST never gets there.
     */
    static void servedAhead(Context ctx) {
        throw new IllegalStateException(ctx.method() + " " + ctx.path() + " reached Javalin; WriteHandler serves it");
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (!HttpMethod.POST.is(request.getMethod())) return super.handle(request, response, callback);
        String path = withoutTrailingSlash(Request.getPathInContext(request));
        Route route = routes.get(path);
        if (route == null) return super.handle(request, response, callback);
        JettyExchange exchange = new JettyExchange(request, response, callback, path, timers::record);
        try {
            route.handle(exchange);
        } catch (Exception e) {
            ErrorResponses.respond(exchange, e);
        }
        return true;
    }

    /** As Javalin matches routes: {@code /write/} is {@code /write}. */
    private static String withoutTrailingSlash(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }
}
