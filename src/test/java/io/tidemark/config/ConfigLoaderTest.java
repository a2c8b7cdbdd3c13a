package io.tidemark.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
    private final ConfigLoader loader = new ConfigLoader();

    @Test
    void shippedConfigFileStatesTheDefaults() {
        TidemarkConfig shipped = loader.load(Path.of("config.yaml"), Map.of());
        assertThat(shipped).isEqualTo(TidemarkConfig.defaults());
    }

    @Test
    void missingFileMeansDefaults() {
        assertThat(loader.load(Path.of("does-not-exist.yaml"), Map.of())).isEqualTo(TidemarkConfig.defaults());
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
}
