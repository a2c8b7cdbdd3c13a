package io.tidemark.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertsConfigTest {
    private final ConfigLoader loader = new ConfigLoader();

    @Test
    void readsRulesStreamAndWebhook() {
        TidemarkConfig c = loader.parse("""
                stream:
                  max_clients: 3
                  heartbeat: 2s
                alerts:
                  rules:
                    - name: boiler-overheat
                      sensor: boiler-*
                      metric: temperature
                      above: 90
                      for_readings: 3
                      for_duration: 30s
                      severity: CRITICAL
                    - name: range
                      sensor: "*"
                      outside: [0.5, 2.5]
                      tags: {role: db, rack: 7}
                  webhook:
                    url: http://127.0.0.1:9000/hook
                    max_attempts: 2
                """);
        assertThat(c.stream().maxClients()).isEqualTo(3);
        assertThat(c.stream().heartbeat()).isEqualTo(Duration.ofSeconds(2));
        AlertRuleConfig hot = c.alerts().rules().get(0);
        assertThat(hot.forReadings()).isEqualTo(3);
        assertThat(hot.forDuration()).isEqualTo(Duration.ofSeconds(30));
        assertThat(hot.severity()).isEqualTo("critical");
        assertThat(hot.message()).isEqualTo("temperature above 90");
        AlertRuleConfig range = c.alerts().rules().get(1);
        assertThat(range.metric()).isEqualTo("value");
        assertThat(range.severity()).isEqualTo("warning");
        assertThat(range.message()).isEqualTo("value outside [0.5, 2.5]");
        assertThat(range.tags()).isEqualTo(java.util.Map.of("role", "db", "rack", "7"));
        assertThat(hot.tags()).isEmpty();
        assertThat(c.alerts().webhook().enabled()).isTrue();
        assertThat(c.alerts().webhook().maxAttempts()).isEqualTo(2);
    }

    @Test
    void ruleMistakesNameTheRuleAndTheKey() {
        assertThatThrownBy(() -> loader.parse(rule("above: 1\n    below: 2")))
                .hasMessageContaining("alerts.rules 'r': set exactly one condition of above: X, below: X or outside:"
                        + " [lo, hi]; found 2");
        assertThatThrownBy(() -> loader.parse(rule("sensor: x")))
                .hasMessageContaining("alerts.rules 'r': set exactly one condition");
        assertThatThrownBy(() -> loader.parse(rule("outside: [3, 1]")))
                .hasMessageContaining("alerts.rules 'r'.outside must be [lo, hi] with lo < hi, got [3.0, 1.0]");
        assertThatThrownBy(() -> loader.parse(rule("above: 1\n    severity: urgent")))
                .hasMessageContaining("alerts.rules 'r'.severity must be info, warning or critical, got 'urgent'");
        assertThatThrownBy(() -> loader.parse(rule("above: 1\n    for_readings: 0")))
                .hasMessageContaining("alerts.rules 'r'.for_readings must be between 1 and 1000000, got 0");
        assertThatThrownBy(() -> loader.parse(rule("abov: 1")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("unknown key").hasMessageContaining("abov")
                .hasMessageContaining("did you mean 'above'?");
        assertThatThrownBy(() -> loader.parse("alerts:\n  rules:\n    - {name: a, sensor: x, above: 1}\n"
                + "    - {name: a, sensor: y, above: 2}\n"))
                .hasMessageContaining("rule name 'a' is used twice");
        assertThatThrownBy(() -> loader.parse("alerts:\n  rules:\n    - {name: 'a b', sensor: x, above: 1}\n"))
                .hasMessageContaining("rule name 'a b' is not 1-100 letters");
    }

    @Test
    void webhookUrlMustBeHttpAndIsRedactedInLogs() {
        assertThatThrownBy(() -> loader.parse("alerts:\n  webhook:\n    url: ftp://x/y\n"))
                .hasMessageContaining("alerts.webhook.url must be an http:// or https:// URL");
        WebhookConfig hook = WebhookConfig.none().withUrl("https://hooks.example.com/services/T0/B0/s3cret?token=abc");
        assertThat(hook.toString()).contains("https://hooks.example.com/...").doesNotContain("s3cret", "abc");
    }

    @Test
    void environmentSetsTheWebhookUrl() {
        TidemarkConfig c = loader.load(Path.of("config.yaml"),
                Map.of(ConfigLoader.ENV_WEBHOOK_URL, "http://127.0.0.1:9000/secret-path"));
        assertThat(c.alerts().webhook().url()).isEqualTo("http://127.0.0.1:9000/secret-path");
        assertThat(c.alerts().rules()).isEmpty();
    }

    @Test
    void streamLimitsAreChecked() {
        assertThatThrownBy(() -> loader.parse("stream:\n  client_queue: 0\n"))
                .hasMessage("stream.client_queue must be between 1 and 10000000, got 0");
        assertThatThrownBy(() -> loader.parse("stream:\n  heartbeat: 1m\n"))
                .hasMessageContaining("stream.heartbeat must be at most 25s");
    }

    @Test
    void retiredRulesAreReadAndMustNotBeInUse() {
        assertThat(loader.parse("alerts:\n  retired_rules: [old-hot, old-cold]\n").alerts().retiredRules())
                .containsExactly("old-hot", "old-cold");
        assertThatThrownBy(() -> loader.parse(rule("above: 1") + "  retired_rules: [r]\n"))
                .hasMessage("alerts.retired_rules: 'r' is also in alerts.rules; a rule still in use cannot be retired");
    }

    @Test
    void everyBadRuleIsReported() {
        assertThatThrownBy(() -> loader.parse("""
                alerts:
                  rules:
                    - {name: a, sensor: s}
                    - {name: b, sensor: s, above: 1, for_readings: 0}
                    - {name: a, sensor: s, below: 1}
                """))
                .hasMessageContaining("3 problems")
                .hasMessageContaining("alerts.rules 'a': set exactly one condition")
                .hasMessageContaining("alerts.rules 'b'.for_readings must be between 1 and 1000000, got 0")
                .hasMessageContaining("alerts.rules: rule name 'a' is used twice");
    }

    private static String rule(String body) {
        return "alerts:\n  rules:\n  - name: r\n    sensor: s\n    " + body + "\n";
    }
}
