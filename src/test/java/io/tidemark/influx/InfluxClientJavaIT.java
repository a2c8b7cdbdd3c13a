package io.tidemark.influx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.influxdb.client.InfluxDBClient;
import com.influxdb.client.InfluxDBClientFactory;
import com.influxdb.client.WriteApiBlocking;
import com.influxdb.client.domain.WritePrecision;
import com.influxdb.client.write.Point;
import com.influxdb.exceptions.BadRequestException;
import com.influxdb.exceptions.UnauthorizedException;
import io.tidemark.testing.TestServer;
import io.tidemark.testing.TidemarkServerExtension;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * InfluxData's Java client ({@code influxdb-client-java}, the 2.x API) writing to Tidemark's {@code /api/v2/write}
 * unchanged: points with tags, fields of every type and several precisions, gzipped or not, and a bad record it
 * hears about as InfluxDB would tell it.
 */
@Timeout(60)
class InfluxClientJavaIT {
    @RegisterExtension
    static final TidemarkServerExtension server = TidemarkServerExtension.withDefaults();

    private InfluxDBClient client(String bucket) {
        return InfluxDBClientFactory.create(server.uri("").toString(), TestServer.ADMIN_TOKEN.toCharArray(),
                "my-org", bucket);
    }

    @Test
    void blockingWritesOfPointsAndRecordsAreStoredWithTheirTags() {
        Instant at = Instant.now().minus(10, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MILLIS);
        try (InfluxDBClient client = client("java")) {
            WriteApiBlocking write = client.getWriteApiBlocking();
            write.writePoint(Point.measurement("boiler").addTag("site", "north").addTag("unit", "b1")
                    .addField("temp", 71.5).addField("on", true).addField("starts", 3L)
                    .time(at, WritePrecision.MS));
            write.writeRecord(WritePrecision.S, "boiler,site=south temp=60 " + at.getEpochSecond());
            write.writePoints(List.of(
                    Point.measurement("pump").addTag("site", "north").addField("rpm", 1200).time(at, WritePrecision.NS),
                    Point.measurement("pump").addTag("site", "north").addField("rpm", 1300)
                            .time(at.plusMillis(1), WritePrecision.US)));
        }

        InfluxHttp influx = new InfluxHttp(server.get());
        long micros = at.getEpochSecond() * 1_000_000L + at.getNano() / 1000;
        long seconds = at.getEpochSecond() * 1_000_000L;
        assertThat(influx.rows("java")).containsExactly(
                row("boiler", "on", "{\"db\": \"java\", \"site\": \"north\", \"unit\": \"b1\"}", micros, "1"),
                row("boiler", "starts", "{\"db\": \"java\", \"site\": \"north\", \"unit\": \"b1\"}", micros, "3"),
                row("boiler", "temp", "{\"db\": \"java\", \"site\": \"north\", \"unit\": \"b1\"}", micros, "71.5"),
                row("boiler", "temp", "{\"db\": \"java\", \"site\": \"south\"}", seconds, "60"),
                row("pump", "rpm", "{\"db\": \"java\", \"site\": \"north\"}", micros, "1200"),
                row("pump", "rpm", "{\"db\": \"java\", \"site\": \"north\"}", micros + 1000, "1300"));
    }

    private static List<String> row(String sensor, String metric, String tags, long micros, String value) {
        return List.of(sensor, metric, tags, Long.toString(micros), value);
    }

    @Test
    void gzippedWritesArriveToo() {
        try (InfluxDBClient client = client("java-gzip")) {
            client.enableGzip();
            client.getWriteApiBlocking().writeRecord(WritePrecision.MS, "m,k=v x=1 " + System.currentTimeMillis());
        }

        assertThat(new InfluxHttp(server.get()).count("java-gzip")).isEqualTo(1);
    }

    @Test
    void aBadRecordIsA400WhoseMessageNamesTheLine() {
        try (InfluxDBClient client = client("java-bad")) {
            WriteApiBlocking write = client.getWriteApiBlocking();

            assertThatThrownBy(() -> write.writeRecords(WritePrecision.NS, List.of("m v=1", "m v=oops")))
                    .isInstanceOf(BadRequestException.class)
                    .hasMessageContaining("unable to parse 'm v=oops'").hasMessageContaining("(line 2)");
        }
        assertThat(new InfluxHttp(server.get()).count("java-bad")).isZero();
    }

    @Test
    void aWrongTokenIsUnauthorized() {
        try (InfluxDBClient client = InfluxDBClientFactory.create(server.uri("").toString(), "wrong".toCharArray(),
                "my-org", "java-401")) {
            assertThatThrownBy(() -> client.getWriteApiBlocking().writeRecord(WritePrecision.NS, "m v=1"))
                    .isInstanceOf(UnauthorizedException.class);
        }
    }

    @Test
    void pingAndVersionAnswer() {
        try (InfluxDBClient client = client("java")) {
            assertThat(client.ping()).isTrue();
            assertThat(client.version()).startsWith("1.8.");
        }
    }
}
