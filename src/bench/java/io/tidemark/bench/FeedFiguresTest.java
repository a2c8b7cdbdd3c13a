package io.tidemark.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FeedFiguresTest {
    @Test
    void percentilesOfAHistogramByMillisecond() {
        long[] histogram = new long[2001];
        histogram[3] = 98; // 98 events after 3 ms
        histogram[40] = 1;
        histogram[2000] = 1; // the overflow bucket
        assertThat(FeedFigures.percentile(histogram, 0.5)).isEqualTo(3);
        assertThat(FeedFigures.percentile(histogram, 0.99)).isEqualTo(40);
        assertThat(FeedFigures.percentile(histogram, 1.0)).isEqualTo(2000);
        assertThat(FeedFigures.percentile(new long[10], 0.99)).isNaN();
    }

    @Test
    void chunkedBodyLosesNoByteAndKeepsNoFraming() throws IOException {
        String wire = "6\r\nid: 1.\r\n4;ext=1\r\n0\nev\r\n0\r\n\r\n";
        var body = new StreamClient.ChunkedBody(new ByteArrayInputStream(wire.getBytes(StandardCharsets.US_ASCII)));
        assertThat(new String(body.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("id: 1.0\nev");
    }
}
