package io.tidemark.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MixedBodiesTest {
    private static final long NOW = 1_795_000_000_123L;

    @Test
    void aTenthOfReadingsAreLateByUpToTwoHours() {
        SplittableRandom random = new SplittableRandom(1);
        int late = 0;
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            long age = MixedBodies.age(random);
            assertThat(age).isBetween(0L, MixedBodies.MAX_LATENESS_MILLIS);
            if (age > 0) late++;
        }
        assertThat(late / (double) n).isBetween(0.09, 0.11);
    }

    @Test
    void bodyIsStampedWithTheSendTimeMinusEachReadingsAge() throws IOException {
        MixedBodies.Body body = MixedBodies.build(1, 1000, 3).get(0);
        JsonNode readings = new ObjectMapper().readTree(body.at(NOW));
        assertThat(readings.size()).isEqualTo(1000);
        for (int i = 0; i < readings.size(); i++) {
            assertThat(readings.get(i).get("ts").asLong()).isEqualTo(NOW - body.ages()[i]);
            assertThat(readings.get(i).get("metric").asText()).isEqualTo(MixedBodies.METRIC);
            assertThat(readings.get(i).get("value").isNumber()).isTrue();
        }
    }

    @Test
    void stampingLeavesTheTemplateForTheNextSend() throws IOException {
        MixedBodies.Body body = MixedBodies.build(1, 1, 4).get(0);
        body.at(NOW);
        JsonNode later = new ObjectMapper().readTree(body.at(NOW + 1000));
        assertThat(later.get("ts").asLong()).isEqualTo(NOW + 1000 - body.ages()[0]);
    }

    @Test
    void consecutiveBodiesCoverEverySensorOnce() throws IOException {
        int perBody = 1000;
        List<MixedBodies.Body> bodies = MixedBodies.build(MixedBodies.SENSORS / perBody + 1, perBody, 5);
        ObjectMapper json = new ObjectMapper();
        assertThat(json.readTree(bodies.get(0).at(NOW)).get(0).get("sensor").asText()).isEqualTo("s-0");
        assertThat(json.readTree(bodies.get(1).at(NOW)).get(0).get("sensor").asText()).isEqualTo("s-1000");
        JsonNode wrapped = json.readTree(bodies.get(MixedBodies.SENSORS / perBody).at(NOW));
        assertThat(wrapped.get(0).get("sensor").asText()).isEqualTo("s-0");
    }
}
