package io.tidemark.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local HTTP server that takes webhook POSTs and remembers their JSON bodies. It can be told to answer with another
 * status, or to stall every request until {@link #release()}.
 */
public final class WebhookReceiver implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
    private final AtomicInteger requests = new AtomicInteger();
    private volatile int status = 200;
    private volatile CountDownLatch stall = new CountDownLatch(0);

    public WebhookReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "webhook-receiver");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/hook", exchange -> {
            requests.incrementAndGet();
            byte[] body = exchange.getRequestBody().readAllBytes();
            try {
                stall.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            int answer = status;
            if (answer / 100 == 2) received.add(JSON.readTree(new String(body, StandardCharsets.UTF_8)));
            exchange.sendResponseHeaders(answer, -1);
            exchange.close();
        });
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    public void answer(int newStatus) {
        status = newStatus;
    }

    /** From now on, every request waits until {@link #release()}. */
    public void stall() {
        stall = new CountDownLatch(1);
    }

    public void release() {
        stall.countDown();
    }

    /** Requests that arrived, whatever they were answered. */
    public int requests() {
        return requests.get();
    }

    /** The next body answered 2xx; fails if none comes within a minute. */
    public JsonNode next() {
        try {
            JsonNode body = received.poll(60, TimeUnit.SECONDS);
            if (body == null) throw new AssertionError("no webhook request within a minute");
            return body;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public JsonNode poll() {
        return received.poll();
    }

    @Override
    public void close() {
        release();
        server.stop(0);
    }
}
