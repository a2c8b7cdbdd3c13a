package io.tidemark.ingest.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.tidemark.config.TidemarkConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The parser remembers validated names per thread; answers must not depend on what it has seen before. */
class JsonReadingFormatNameCacheTest {
    private static final TimeWindow WINDOW =
            TimeWindow.at(Instant.parse("2026-11-25T12:00:00Z"), TidemarkConfig.defaults().ingest());
    private final JsonReadingFormat format = new JsonReadingFormat(JsonReadingFormat.Layout.DOCUMENT);

    private ParsedReadings parse(String body) throws IOException {
        return format.parse(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), WINDOW);
    }

    @Test
    void repeatedNamesComeBackAsOneInstanceAcrossRequests() throws IOException {
        ParsedReadings first = parse("[{\"sensor\":\"boiler-7\",\"value\":1},{\"sensor\":\"boiler-7\",\"value\":2}]");
        ParsedReadings second = parse("{\"sensor\":\"boiler-7\",\"metric\":\"value\",\"value\":3}");
        assertThat(first.sensors[0]).isEqualTo("boiler-7").isSameAs(first.sensors[1]).isSameAs(second.sensors[0]);
        assertThat(second.metrics[0]).isEqualTo("value");
    }

    @Test
    void namesThatShareASlotOrAPrefixStayDistinct() throws IOException {
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < 5000; i++) {
            body.append(i == 0 ? "" : ",").append("{\"sensor\":\"s").append(i).append("\",\"value\":1}");
        }
        ParsedReadings r = parse(body.append(']').toString());
        ParsedReadings again = parse(body.toString());
        for (int i = 0; i < 5000; i++) {
            assertThat(r.sensors[i]).isEqualTo("s" + i);
            assertThat(again.sensors[i]).isEqualTo("s" + i);
        }
    }

    @Test
    void anInvalidNameIsReportedEveryTimeItAppears() {
        String body = "[{\"sensor\":\"bad\\u0001\",\"value\":1},{\"sensor\":\"bad\\u0001\",\"value\":2}]";
        for (int attempt = 0; attempt < 2; attempt++) {
            InvalidReadingsException e = catchThrowableOfType(InvalidReadingsException.class, () -> parse(body));
            assertThat(e.problemCount()).isEqualTo(2);
        }
    }
}
