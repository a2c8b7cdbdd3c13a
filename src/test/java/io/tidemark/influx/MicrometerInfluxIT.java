package io.tidemark.influx;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.influx.InfluxConfig;
import io.micrometer.influx.InfluxMeterRegistry;
import io.tidemark.testing.Await;
import io.tidemark.testing.TidemarkServerExtension;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Micrometer's InfluxDB registry, as a Java service would configure it (1.x API, its default database mydb, which
 * it creates first with {@code /query}), publishing every second to Tidemark's {@code /write}: its meters become
 * series with the tags Micrometer gives them.
 */
@Timeout(60)
class MicrometerInfluxIT {
    @RegisterExtension
    static final TidemarkServerExtension server = TidemarkServerExtension.withDefaults();

    @Test
    void publishedMetersAreStoredAsTaggedSeries() {
        Map<String, String> settings = Map.of("influx.uri", server.uri("").toString(), "influx.step", "PT1S",
                "influx.apiVersion", "V1", "influx.autoCreateDb", "true");
        InfluxConfig config = settings::get;
        assertThat(config.db()).isEqualTo("mydb");
        InfluxMeterRegistry registry = InfluxMeterRegistry.builder(config).clock(Clock.SYSTEM).build();
        AtomicInteger depth = new AtomicInteger(42);
        try {
            Counter orders = Counter.builder("shop.orders").tag("region", "eu").register(registry);
            Gauge.builder("shop.queue.depth", depth, AtomicInteger::get).register(registry);
            orders.increment(5);

            Await.until("the counter's 5 orders to be stored", () -> server.queryLong("SELECT coalesce(sum(value), 0)"
                    + " FROM readings_v WHERE sensor = 'shop_orders' AND tags->>'db' = 'mydb'") == 5);
            Await.until("the gauge to be stored", () -> server.queryLong("SELECT count(*) FROM readings_v"
                    + " WHERE sensor = 'shop_queue_depth' AND metric = 'value' AND value = 42") > 0);
        } finally {
            registry.close();
        }

        assertThat(server.database().queryStrings("SELECT tags::text FROM series WHERE sensor = 'shop_orders'"))
                .containsExactly("{\"db\": \"mydb\", \"region\": \"eu\", \"metric_type\": \"counter\"}");
    }
}
