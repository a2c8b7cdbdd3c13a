package io.tidemark;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.testing.Poll;
import io.tidemark.testing.ServerProcess;
import io.tidemark.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Instances started by mistake next to a running server, over its database: on its port, or with a misspelt
 * {@code --config}, must fail before they change anything shared; one that runs other rules must leave the running
 * server's alerts alone. The running server must go on firing and resolving as if they had never been there.
 */
@Timeout(300)
class SecondInstanceIT {
    private static final String HOT_RULE = """
            alerts:
              rules:
                - name: hot
                  sensor: boiler-*
                  metric: temperature
                  above: 90
            """;
    private static final String OTHER_RULE = """
            alerts:
              rules:
                - name: cold
                  sensor: freezer-*
                  below: -30
            """;
    private static final Duration EXIT = Duration.ofSeconds(60);

    @Test
    void mistakenInstancesFailWithoutTouchingTheRunningServersAlerts() {
        Instant t = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(60);
        try (TestDatabase database = TestDatabase.create();
                ServerProcess running = ServerProcess.start(database, HOT_RULE)) {
            running.api().postReading("boiler-1", "temperature", t, 95);
            Poll.until("the alert is stored", () -> openAlerts(database) == 1);

            try (ServerProcess samePort = ServerProcess.launch(database, running.port(), HOT_RULE, Map.of())) {
                assertThat(samePort.awaitExit(EXIT)).as("exit code of a second instance on a port in use")
                        .isNotZero();
                assertThat(String.join("\n", samePort.output())).contains(String.valueOf(running.port()));
            }
            assertThat(openAlerts(database)).as("open alerts after the instance on the same port").isEqualTo(1);

            String missing = "/nonexistent/tidemark-misspelt.yaml";
            try (ServerProcess misspelt = ServerProcess.launchWithArguments(database, null,
                    Map.of("TIDEMARK_HTTP_PORT", String.valueOf(running.port())), "--config", missing)) {
                assertThat(misspelt.awaitExit(EXIT)).as("exit code with a missing --config").isNotZero();
                assertThat(String.join("\n", misspelt.output())).contains(missing);
            }
            assertThat(openAlerts(database)).as("open alerts after the instance with a missing config").isEqualTo(1);

            try (ServerProcess otherRules = ServerProcess.start(database, OTHER_RULE)) {
                assertThat(otherRules.api().get("/health").statusCode()).isEqualTo(200);
                assertThat(openAlerts(database)).as("open alerts while a node with other rules runs").isEqualTo(1);
            }
            assertThat(openAlerts(database)).as("open alerts after the node with other rules stopped").isEqualTo(1);

            running.api().postReading("boiler-1", "temperature", t.plusSeconds(1), 97);
            running.api().postReading("boiler-1", "temperature", t.plusSeconds(2), 20);
            Poll.until("the first alert resolves as cleared", () -> database.queryLong(
                    "SELECT count(*) FROM alerts WHERE resolution = 'cleared' AND value = 95 AND resolved_value = 20")
                    == 1);
            running.api().postReading("boiler-1", "temperature", t.plusSeconds(3), 96);
            Poll.until("a new excursion fires again", () -> openAlerts(database) == 1);
            assertThat(database.queryLong("SELECT count(*) FROM alerts")).as("alerts in all").isEqualTo(2);
            assertThat(database.queryLong("SELECT count(*) FROM alerts WHERE resolution = 'rule_removed'")).isZero();
        }
    }

    private static long openAlerts(TestDatabase database) {
        return database.queryLong("SELECT count(*) FROM alerts WHERE resolved_at IS NULL");
    }
}
