package io.tidemark.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigLoaderTest {
    private final ConfigLoader loader = new ConfigLoader();

    @Test
    void shippedConfigFileStatesTheDefaults() {
        TidemarkConfig shipped = loader.load(Path.of("config.yaml"), Map.of());
        assertThat(shipped).isEqualTo(TidemarkConfig.defaults());
    }

    @Test
    void missingDefaultFileMeansDefaults() {
        assertThat(loader.loadIfPresent(Path.of("does-not-exist.yaml"), Map.of()))
                .isEqualTo(TidemarkConfig.defaults());
    }

    @Test
    void missingExplicitFileFailsNamingThePath() {
        assertThatThrownBy(() -> loader.load(Path.of("no-such-dir/tidemark.yaml"), Map.of()))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("config file no-such-dir/tidemark.yaml does not exist");
    }

    @Test
    void reportsEveryProblemAtOnceEachNamingItsKey() {
        assertThatThrownBy(() -> loader.parse("""
                http:
                  port: many
                database:
                  pool_size: 1
                  startup_timeout: soon
                ingest:
                  lingr: 5ms
                  writers: 0
                  max_age: forever
                partitions:
                  interval: 5h
                alerts:
                  rules:
                    - name: a
                      sensor: x
                    - name: b
                      sensor: y
                      above: 1
                      severity: urgent
                  webhook:
                    url: ftp://example.com
                    max_attempts: 0
                    timeot: 1s
                stram:
                  max_clients: 1
                """))
                .isInstanceOf(InvalidConfigException.class)
                .satisfies(e -> assertThat(((InvalidConfigException) e).problems()).hasSize(13))
                .hasMessageContaining("13 problems")
                .hasMessageContaining("http.port")
                .hasMessageContaining("database.pool_size must be between 2 and 200, got 1")
                .hasMessageContaining("database.startup_timeout: 'soon' is not a duration")
                .hasMessageContaining("unknown key 'ingest.lingr' (did you mean 'linger'?)")
                .hasMessageContaining("ingest.writers must be between 1 and 64, got 0")
                .hasMessageContaining("ingest.max_age: 'forever' is not a duration")
                .hasMessageContaining("partitions.interval must be at least 1h")
                .hasMessageContaining("alerts.rules 'a': set exactly one condition")
                .hasMessageContaining("alerts.rules 'b'.severity must be info, warning or critical")
                .hasMessageContaining("alerts.webhook.url must be an http:// or https:// URL")
                .hasMessageContaining("alerts.webhook.max_attempts must be between 1 and 100, got 0")
                .hasMessageContaining("unknown key 'alerts.webhook.timeot' (did you mean 'timeout'?)")
                .hasMessageContaining("unknown key 'stram' (did you mean 'stream'?)");
    }

    @Test
    void problemsOfTheFileAndOfTheEnvironmentAreReportedTogether(@TempDir Path folder) throws IOException {
        Path file = folder.resolve("tidemark.yaml");
        Files.writeString(file, "ingest:\n  writers: 0\n");
        assertThatThrownBy(() -> loader.load(file, Map.of(ConfigLoader.ENV_HTTP_PORT, "x",
                ConfigLoader.ENV_ADMIN_TOKEN, "short")))
                .hasMessageContaining("3 problems")
                .hasMessageContaining(file + ": ingest.writers must be between 1 and 64, got 0")
                .hasMessageContaining("TIDEMARK_HTTP_PORT must be a port number, got 'x'")
                .hasMessageContaining("TIDEMARK_ADMIN_TOKEN: admin.token must be at least 16 characters long");
    }

    @Test
    void effectiveConfigIsInTheFilesUnitsAndKeys() {
        String shown = loader.parse("ingest:\n  linger: 10ms\npartitions:\n  retention: 90d\n").toString();
        assertThat(shown).contains("ingest.linger=10ms", "ingest.max_age=30d", "partitions.retention=90d",
                "database.startup_timeout=1m", "ingest.max_body_bytes=16777216", "http.port=8080",
                "alerts.rules=[]").doesNotContain("PT");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "jdbc:postgresql://u:dbsecret@db.example:5432/tidemark",
        "jdbc:postgresql://db.example:5432/tidemark?password=dbsecret",
        "jdbc:postgresql://db.example:5432/tidemark?ssl=true&sslpassword=dbsecret&user=u",
        "jdbc:postgresql://db.example/tidemark?user=u&PASSWORD=dbsecret"})
    void effectiveConfigShowsNoSecret(String url) {
        TidemarkConfig c = loader.loadIfPresent(Path.of("does-not-exist.yaml"), Map.of(
                ConfigLoader.ENV_DATABASE_URL, url,
                ConfigLoader.ENV_DATABASE_PASSWORD, "pwsecret",
                ConfigLoader.ENV_ADMIN_TOKEN, "tokensecret-0123456789",
                ConfigLoader.ENV_WEBHOOK_URL, "https://hookuser:hooksecret@hooks.example/t/hooksecret?token=hooksecret"));
        String shown = c.toString();
        assertThat(shown).doesNotContain("dbsecret", "pwsecret", "tokensecret", "hooksecret")
                .contains("database.url=jdbc:postgresql://db.example", "database.password=(set)", "admin.token=(set)",
                        "alerts.webhook.url=https://hooks.example/...");
        assertThat(c.database().toString()).doesNotContain("dbsecret", "pwsecret");
        assertThat(c.database().location()).startsWith("db.example").endsWith("/tidemark");
    }

    @Test
    void readsTheAuthSectionAndRefusesUnknownScopesNamingTheKey() {
        TidemarkConfig c = loader.parse("auth:\n  anonymous: [READ]\n  allow_anonymous_remote: true\n");
        assertThat(c.auth().anonymous()).containsExactly("read");
        assertThat(c.auth().allowAnonymousRemote()).isTrue();
        assertThat(TidemarkConfig.defaults().auth().anonymous()).containsExactly("read", "write");
        assertThat(TidemarkConfig.defaults().http().host()).isEqualTo("127.0.0.1");
        assertThat(c.toString()).contains("auth.anonymous=[read], auth.allow_anonymous_remote=true");
        assertThatThrownBy(() -> loader.parse("auth:\n  anonymous: [read, root]\n"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("auth.anonymous: unknown scope 'root'; known scopes: read, write, metrics,")
                .hasMessageContaining("admin");
    }

    @Test
    void readsDurationsAndNumbers() {
        TidemarkConfig c = loader.parse("ingest:\n  linger: 7ms\n  batch_size: 123\npartitions:\n  interval: 6h\n");
        assertThat(c.ingest().linger()).isEqualTo(Duration.ofMillis(7));
        assertThat(c.ingest().batchSize()).isEqualTo(123);
        assertThat(c.partitions().interval()).isEqualTo(Duration.ofHours(6));
    }

    @Test
    void unknownKeyNamesTheKeyAndTheClosestKnownOne() {
        assertThatThrownBy(() -> loader.parse("ingest:\n  lingr: 5ms\n"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("unknown key 'ingest.lingr'")
                .hasMessageContaining("did you mean 'linger'?");
    }

    @Test
    void badDurationNamesTheKey() {
        assertThatThrownBy(() -> loader.parse("ingest:\n  max_age: forever\n"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("ingest.max_age")
                .hasMessageContaining("'forever' is not a duration");
    }

    @Test
    void outOfRangeValueNamesTheKey() {
        assertThatThrownBy(() -> loader.parse("ingest:\n  writers: 0\n"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("ingest.writers must be between 1 and 64, got 0");
        assertThatThrownBy(() -> loader.parse("partitions:\n  interval: 5h\n"))
                .hasMessageContaining("partitions.interval must be at least 1h and divide a day");
        assertThatThrownBy(() -> loader.parse("http:\n  port: many\n"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("http.port");
    }

    @Test
    void retentionShorterThanMaxAgeIsRejected() {
        assertThatThrownBy(() -> loader.parse("partitions:\n  retention: 7d\n"))
                .hasMessageContaining("partitions.retention (7d) must not be shorter than ingest.max_age (30d)");
    }

    @Test
    void environmentOverridesDatabaseAndPort() {
        TidemarkConfig c = loader.load(Path.of("config.yaml"), Map.of(
                ConfigLoader.ENV_DATABASE_URL, "jdbc:postgresql://db.example:6543/metrics",
                ConfigLoader.ENV_DATABASE_PASSWORD, "s3cret",
                ConfigLoader.ENV_HTTP_PORT, "9090"));
        assertThat(c.database().url()).isEqualTo("jdbc:postgresql://db.example:6543/metrics");
        assertThat(c.database().password()).isEqualTo("s3cret");
        assertThat(c.database().toString()).doesNotContain("s3cret");
        assertThat(c.http().port()).isEqualTo(9090);
    }

    @Test
    void badPortInEnvironmentIsNamed() {
        assertThatThrownBy(() -> loader.load(Path.of("config.yaml"), Map.of(ConfigLoader.ENV_HTTP_PORT, "x")))
                .hasMessageContaining("TIDEMARK_HTTP_PORT");
    }

    @Test
    void tlsIsOffWithoutItsSectionAndNeedsBothFiles() {
        assertThat(loader.parse("http:\n  port: 8443\n").http().tls()).isNull();
        TidemarkConfig c = loader.parse("http:\n  tls:\n    certificate: cert.pem\n    key: /etc/t/key.pem\n");
        assertThat(c.http().tls()).isEqualTo(new TlsConfig("cert.pem", "/etc/t/key.pem"));
        assertThat(c.http().withPort(9443).tls()).isEqualTo(c.http().tls());
        assertThatThrownBy(() -> loader.parse("http:\n  tls:\n    certificate: cert.pem\n"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith("http.tls.key is required with http.tls.certificate");
        assertThatThrownBy(() -> loader.parse("http:\n  tls:\n    key: key.pem\n"))
                .hasMessageStartingWith("http.tls.certificate is required with http.tls.key");
        assertThatThrownBy(() -> loader.parse("http:\n  tls: {}\n"))
                .hasMessageStartingWith("http.tls needs certificate and key");
        assertThatThrownBy(() -> loader.parse("http:\n  tls:\n    certificate: c.pem\n    key: k.pem\n"
                + "    key_password: x\n"))
                .hasMessageContaining("unknown key 'http.tls.key_password'");
    }

    @Test
    void effectiveConfigShowsTheTlsFilesNotTheirContent() {
        assertThat(loader.parse("").toString()).contains("http.tls=none");
        assertThat(loader.parse("http:\n  tls:\n    certificate: /etc/t/cert.pem\n    key: /etc/t/key.pem\n")
                .toString()).contains("http.tls.certificate=/etc/t/cert.pem, http.tls.key=/etc/t/key.pem");
    }
}
