package io.tidemark.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidemark.config.TidemarkConfig;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts a real {@link TestServer} for an IT and closes it afterwards: registered on a static field, one server for
 * all tests of the class; on an instance field, a fresh server for each test.
 *
 * <pre>
 * {@literal @}RegisterExtension
 * static final TidemarkServerExtension server = TidemarkServerExtension.withDefaults();
 * </pre>
 *
 * <p>It delegates the calls ITs make on their server; {@link #get()} hands out the {@link TestServer} itself.
 */
public final class TidemarkServerExtension
        implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {
    /** Starts the server; the proxy is null unless the server is to reach its database through one. */
    private final Function<TcpProxy, TestServer> start;
    private final boolean behindProxy;
    private TcpProxy proxy;
    private TestServer server;
    /** The class whose tests share {@link #server} (a static-field registration); null while none does. */
    private String sharedBy;
    /** Whether {@link #server} was started for the current test only (an instance-field registration). */
    private boolean perTest;

    private TidemarkServerExtension(Function<TcpProxy, TestServer> start, boolean behindProxy) {
        this.start = start;
        this.behindProxy = behindProxy;
    }

    /** The default configuration. */
    public static TidemarkServerExtension withDefaults() {
        return startedBy(TestServer::start);
    }

    /** {@code yaml} as the server's {@code config.yaml}; see {@link TestServer#start(String)}. */
    public static TidemarkServerExtension withConfig(String yaml) {
        return startedBy(() -> TestServer.start(yaml));
    }

    /** The defaults adjusted by {@code customize}, which is applied only when the server starts. */
    public static TidemarkServerExtension with(UnaryOperator<TidemarkConfig> customize) {
        return startedBy(() -> TestServer.start(customize));
    }

    /** A server reaching its database through a {@link TcpProxy} of its own (see {@link #proxy()}). */
    public static TidemarkServerExtension behindProxy(String yaml) {
        return new TidemarkServerExtension(proxy -> TestServer.startBehind(proxy, yaml), true);
    }

    /** Whatever {@code start} returns, for a class that must prepare something (files, say) just before. */
    public static TidemarkServerExtension startedBy(Supplier<TestServer> start) {
        return new TidemarkServerExtension(proxy -> start.get(), false);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        // A @Nested class inherits the extension: it shares its enclosing class's server.
        if (server != null) return;
        startServer();
        sharedBy = context.getUniqueId();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (server == null) {
            startServer();
            perTest = true;
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (perTest) stopServer();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (context.getUniqueId().equals(sharedBy)) stopServer();
    }

    private void startServer() {
        if (behindProxy) proxy = TcpProxy.to(TestDatabase.serverAddress());
        try {
            server = start.apply(proxy);
        } catch (RuntimeException | Error e) {
            closeProxy();
            throw e;
        }
    }

    private void stopServer() {
        try {
            if (server != null) server.close();
        } finally {
            server = null;
            sharedBy = null;
            perTest = false;
            closeProxy();
        }
    }

    private void closeProxy() {
        if (proxy != null) proxy.close();
        proxy = null;
    }

    /** The running server; fails outside a test (before it started or after it closed). */
    public TestServer get() {
        if (server == null) throw new IllegalStateException("no Tidemark server: it runs only while its tests do");
        return server;
    }

    /** The proxy in front of the database, for a server made by {@link #behindProxy(String)}. */
    public TcpProxy proxy() {
        if (proxy == null) throw new IllegalStateException("this server does not run behind a proxy");
        return proxy;
    }

    public TidemarkClient api() {
        return get().api();
    }

    public TestDatabase database() {
        return get().database();
    }

    public URI uri(String path) {
        return get().uri(path);
    }

    public HttpResponse<String> get(String path) {
        return get().get(path);
    }

    public JsonNode getJson(String path) {
        return get().getJson(path);
    }

    public HttpResponse<String> post(String path, String contentType, String body) {
        return get().post(path, contentType, body);
    }

    public HttpResponse<String> admin(String method, String path, String body) {
        return get().admin(method, path, body);
    }

    public HttpResponse<String> send(HttpRequest request) {
        return get().send(request);
    }

    public void assertHealthy() {
        get().assertHealthy();
    }

    public long queryLong(String sql) {
        return get().queryLong(sql);
    }

    public void execute(String sql) {
        get().execute(sql);
    }
}
