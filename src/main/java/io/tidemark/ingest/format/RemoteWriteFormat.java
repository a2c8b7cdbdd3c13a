package io.tidemark.ingest.format;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Prometheus remote write 1.0: a protobuf {@code prometheus.WriteRequest} (already snappy-decoded by the route), each
 * sample of each series one reading, sensor = the {@code __name__} label, metric = {@value #METRIC}, tags = the other
 * labels. This is how InfluxDB 1.8 stores remote write (measurement = metric name, field {@code value}), so a series
 * that arrives by Telegraf's Prometheus input and by remote write lands alike.
 *
 * <p>Read by hand with protobuf's {@link CodedInputStream}, skipping unknown fields as generated code does: the
 * schema is four small messages, and a reader that writes straight into {@link ParsedReadings} makes no object per
 * sample. Metadata (field 3) and exemplars are skipped; a request with metadata only has no readings.
 *
 * <p>Samples that are no reading are skipped and counted ({@link SkipReason}): NaN, the staleness marker (told
 * apart by its raw bits), ±Inf, and native histograms. Everything else about a series is checked and refused with
 * its index in the request: a missing or invalid {@code __name__}, an empty or repeated label name, a label that is
 * no valid tag, a timestamp outside the accepted window. A label with an empty value is no label (Prometheus'
 * own rule), so it is left out. All or nothing, as every format.
 *
 * <p>At most {@code maxSamples} samples and as many series per request (beyond, {@link TooManyReadingsException}),
 * checked as they are read, so a small body that claims millions cannot fill the heap. Thread-safe.
 */
public final class RemoteWriteFormat implements ReadingFormat {
    /** The metric of every series that arrives by remote write: a Prometheus series has one value. */
    public static final String METRIC = "value";
    static final int TIMESERIES = 1 << 3 | 2;
    /**
     * Names and tag values this thread has validated lately (see {@link KnownNames}): a Prometheus sends the same
     * label sets every scrape, so most labels are checked once, and their instances keep their hash codes.
     */
    private static final ThreadLocal<KnownNames> KNOWN_NAMES = ThreadLocal.withInitial(KnownNames::new);
    private static final ThreadLocal<KnownNames> KNOWN_TAG_VALUES = ThreadLocal.withInitial(KnownNames::new);

    private final int maxSamples;

    public RemoteWriteFormat(int maxSamples) {
        this.maxSamples = maxSamples;
    }

    @Override
    public ParsedReadings parse(InputStream body, TimeWindow window) throws IOException {
        ParsedReadings readings = new ParsedReadings(64);
        ReadingProblems problems = new ReadingProblems();
        // The whole body in one array (a copy of the decompressed body the route holds, which counts it twice in the
        // memory budget), so that label texts are looked up where they lie instead of decoded (LabelTexts).
        byte[] bytes = body.readAllBytes();
        TimeSeriesReader series = new TimeSeriesReader(readings, problems, window, maxSamples, KNOWN_NAMES.get(),
                KNOWN_TAG_VALUES.get(), new LabelTexts(bytes));
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        int index = 0;
        try {
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                if (tag != TIMESERIES) {
                    in.skipField(tag);
                    continue;
                }
                if (index == maxSamples) {
                    throw new TooManyReadingsException("request has more than " + maxSamples
                            + " series; at most " + maxSamples + " (ingest.queue_capacity) are taken in one request");
                }
                series.read(in, index);
                index++;
            }
        } catch (InvalidProtocolBufferException e) {
            problems.add(index, null, null, "not a remote write request (protobuf prometheus.WriteRequest) at byte "
                    + in.getTotalBytesRead() + " of the decompressed body: " + e.getMessage());
        }
        problems.throwIfAny();
        return readings;
    }
}
