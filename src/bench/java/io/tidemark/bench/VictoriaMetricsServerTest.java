package io.tidemark.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class VictoriaMetricsServerTest {
    @Test
    void countsTheTimestampsOfAnExportedSeries() {
        String line = "{\"metric\":{\"__name__\":\"sensor-0188\",\"metric\":\"voltage\"},\"values\":[32,1.5,2],"
                + "\"timestamps\":[1795986495971,1795986495972,1795986495973]}";
        assertThat(VictoriaMetricsServer.timestamps(line)).isEqualTo(3);
        assertThat(VictoriaMetricsServer.timestamps("{\"metric\":{},\"values\":[1],\"timestamps\":[17]}"))
                .isEqualTo(1);
        assertThat(VictoriaMetricsServer.timestamps("{\"metric\":{},\"values\":[],\"timestamps\":[]}")).isZero();
    }

    @Test
    void refusesALineWithoutTimestamps() {
        assertThatThrownBy(() -> VictoriaMetricsServer.timestamps("{\"error\":\"too many series\"}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("too many series");
    }
}
