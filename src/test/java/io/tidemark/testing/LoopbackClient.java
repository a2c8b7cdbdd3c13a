package io.tidemark.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One HTTP/1.1 request from a loopback address of the caller's choice (127.0.0.2 and up): the server counts failed
 * authentications per client address, so tests that fail on purpose each use an address of their own. Java 17's
 * HttpClient cannot choose its local address.
 */
public final class LoopbackClient {
    private static final AtomicInteger NEXT = new AtomicInteger(2);

    /** A status, the header lines and the body. */
    public record Answer(int status, List<String> headers, String body) {
        public List<String> header(String name) {
            return headers.stream().filter(h -> h.regionMatches(true, 0, name + ":", 0, name.length() + 1))
                    .map(h -> h.substring(name.length() + 1).trim()).toList();
        }
    }

    private final String address;
    private final int port;

    private LoopbackClient(String address, int port) {
        this.address = address;
        this.port = port;
    }

    /** A client from a loopback address no other client of this JVM uses. */
    public static LoopbackClient fresh(int port) {
        int n = NEXT.getAndIncrement();
        return new LoopbackClient("127.0." + (n / 250) + "." + (2 + n % 250), port);
    }

    public String address() {
        return address;
    }

    /** Sends the request with {@code headers} ("Name: value") and an optional body, and reads the whole answer. */
    public Answer send(String method, String path, String body, String... headers) {
        try (Socket socket = new Socket()) {
            socket.setSoTimeout(30_000);
            socket.bind(new InetSocketAddress(InetAddress.getByName(address), 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: tidemark\r\n"
                    + "Connection: close\r\nContent-Length: " + content.length + "\r\n");
            for (String header : headers) head.append(header).append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
            out.write(content);
            out.flush();
            return parse(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " from " + address + " failed: " + e, e);
        }
    }

    private static Answer parse(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all);
        String text = all.toString(StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        String[] lines = text.substring(0, end).split("\r\n");
        List<String> headers = new ArrayList<>(List.of(lines).subList(1, lines.length));
        String body = text.substring(end + 4);
        if (headers.stream().anyMatch(h -> h.equalsIgnoreCase("Transfer-Encoding: chunked"))) body = unchunk(body);
        return new Answer(Integer.parseInt(lines[0].split(" ")[1]), headers, body);
    }

    private static String unchunk(String body) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (true) {
            int eol = body.indexOf("\r\n", at);
            int size = Integer.parseInt(body.substring(at, eol).trim(), 16);
            if (size == 0) return out.toString();
            out.append(body, eol + 2, eol + 2 + size);
            at = eol + 2 + size + 2;
        }
    }
}
