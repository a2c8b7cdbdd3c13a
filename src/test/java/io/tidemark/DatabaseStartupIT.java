package io.tidemark;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.testing.Poll;
import io.tidemark.testing.ServerProcess;
import io.tidemark.testing.TcpProxy;
import io.tidemark.testing.TestDatabase;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Start-up while PostgreSQL is not there yet, as under a supervisor or compose file: the server waits for it (for
 * {@code database.startup_timeout}), saying what it waits for, and gives up with a clear message when the time is up.
 * Its output never shows a secret, though every one of them is set.
 */
@Timeout(300)
class DatabaseStartupIT {
    private static final String DB_URL_SECRET = "dbsecret-in-url";
    private static final String DB_PASSWORD = "dbsecret-password";
    private static final String ADMIN_TOKEN = "adminsecret-0123456789";
    private static final String WEBHOOK_SECRET = "hooksecret";

    @Test
    void waitsForADatabaseThatComesLaterAndShowsNoSecret() {
        try (TestDatabase database = TestDatabase.create();
                TcpProxy proxy = TcpProxy.to(TestDatabase.serverAddress())) {
            proxy.cut();
            try (ServerProcess server = ServerProcess.launch(database, 0, "", secrets(database, proxy))) {
                Poll.until("the server says it waits for PostgreSQL", () -> server.output().stream()
                        .anyMatch(line -> line.contains("Waiting for PostgreSQL at " + location(database, proxy))
                                && line.contains("retrying for")));
                proxy.restore();
                server.awaitListening();
                assertThat(server.api().get("/health").statusCode()).isEqualTo(200);
                server.terminate();
                assertThat(server.awaitExit(Duration.ofSeconds(60))).as("exit code after SIGTERM").isIn(0, 143);
                assertThat(String.join("\n", server.output()))
                        .contains("accepts connections (after")
                        .doesNotContain(DB_URL_SECRET, DB_PASSWORD, ADMIN_TOKEN, WEBHOOK_SECRET);
            }
        }
    }

    @Test
    void startUpAndShutdownShowNoSecret() {
        try (TestDatabase database = TestDatabase.create()) {
            Map<String, String> env = Map.of(
                    "TIDEMARK_DATABASE_URL", database.url() + "?password=" + DB_URL_SECRET,
                    "TIDEMARK_DATABASE_PASSWORD", DB_PASSWORD,
                    "TIDEMARK_ADMIN_TOKEN", ADMIN_TOKEN,
                    "TIDEMARK_WEBHOOK_URL", webhookUrl());
            try (ServerProcess server = ServerProcess.launch(database, 0, "", env).awaitListening()) {
                server.terminate();
                server.awaitExit(Duration.ofSeconds(60));
                assertThat(String.join("\n", server.output())).contains("Effective configuration: ", "password=***",
                        "database.password=(set)", "admin.token=(set)", "alerts.webhook.url=http://127.0.0.1:9/...")
                        .doesNotContain(DB_URL_SECRET, DB_PASSWORD, ADMIN_TOKEN, WEBHOOK_SECRET);
            }
        }
    }

    @Test
    void givesUpWhenTheDatabaseNeverComesNamingWhereAndWhy() {
        try (TestDatabase database = TestDatabase.create();
                TcpProxy proxy = TcpProxy.to(TestDatabase.serverAddress())) {
            proxy.cut();
            // Appended to ServerProcess's own database: section.
            try (ServerProcess server = ServerProcess.launch(database, 0, "  startup_timeout: 2s\n",
                    secrets(database, proxy))) {
                assertThat(server.awaitExit(Duration.ofSeconds(60))).as("exit code").isNotZero();
                String output = String.join("\n", server.output());
                assertThat(output)
                        .contains("PostgreSQL at " + location(database, proxy)
                                + " did not accept connections within database.startup_timeout (2s")
                        .doesNotContain(DB_URL_SECRET, DB_PASSWORD, ADMIN_TOKEN, WEBHOOK_SECRET);
                assertThat(proxy.connectionsRefused()).as("attempts").isGreaterThan(1);
            }
        }
    }

    /** Every secret Tidemark takes, through the proxy; PostgreSQL's trust authentication ignores the passwords. */
    private static Map<String, String> secrets(TestDatabase database, TcpProxy proxy) {
        return Map.of(
                "TIDEMARK_DATABASE_URL", database.configVia(proxy.address()).url() + "?password=" + DB_URL_SECRET,
                "TIDEMARK_DATABASE_PASSWORD", DB_PASSWORD,
                "TIDEMARK_ADMIN_TOKEN", ADMIN_TOKEN,
                "TIDEMARK_WEBHOOK_URL", webhookUrl());
    }

    /** A webhook nobody answers, with a secret as user information, in its path and as a token. */
    private static String webhookUrl() {
        return "http://hook:" + WEBHOOK_SECRET + "@127.0.0.1:9/" + WEBHOOK_SECRET + "?token=" + WEBHOOK_SECRET;
    }

    private static String location(TestDatabase database, TcpProxy proxy) {
        String url = database.configVia(proxy.address()).url();
        return url.substring("jdbc:postgresql://".length());
    }
}
