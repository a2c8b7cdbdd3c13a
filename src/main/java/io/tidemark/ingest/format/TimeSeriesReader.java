package io.tidemark.ingest.format;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.tidemark.names.Names;
import io.tidemark.names.Tags;
import java.io.IOException;
import java.util.Arrays;

/**
 * Reads one {@code prometheus.TimeSeries} of a remote write request into {@link ParsedReadings}: its labels into
 * sensor and tags, its samples into readings. Labels may follow samples on the wire, so the samples of a series are
 * held until its end. Reused for every series of one request; not thread-safe.
 */
final class TimeSeriesReader {
    private static final int LABEL = 1 << 3 | 2;
    private static final int SAMPLE = 2 << 3 | 2;
    private static final int HISTOGRAM = 4 << 3 | 2;
    private static final int LABEL_NAME = 1 << 3 | 2;
    private static final int LABEL_VALUE = 2 << 3 | 2;
    private static final int SAMPLE_VALUE = 1 << 3 | 1;
    private static final int SAMPLE_TIMESTAMP = 2 << 3;
    /** Prometheus' staleness marker: a NaN, and the only one with these bits (model/value.StaleNaN). */
    static final long STALE_MARKER = 0x7ff0000000000002L;
    static final String NAME_LABEL = "__name__";
    private static final String TIME_HINT = "remote write timestamps are epoch milliseconds";
    private static final long MAX_MILLIS = Long.MAX_VALUE / 1000;

    private final ParsedReadings out;
    private final ReadingProblems problems;
    private final TimeWindow window;
    private final int maxSamples;
    private final Tags.Builder tags = new Tags.Builder();
    private final KnownNames names;
    private final KnownNames tagValues;
    private final LabelTexts texts;
    private long[] millis = new long[64];
    private long[] bits = new long[64];
    private int samples;
    private int requestSamples;
    private int histograms;
    private int labels;
    private String sensor;
    /** Whether {@link #sensor} is a valid name, so that a problem of the series can be told by it. */
    private boolean named;
    /** The first problem of the series, reported at its end (when its name is known, wherever it stood). */
    private String refusedField;
    private String refusedMessage;

    TimeSeriesReader(ParsedReadings out, ReadingProblems problems, TimeWindow window, int maxSamples,
            KnownNames names, KnownNames tagValues, LabelTexts texts) {
        this.out = out;
        this.texts = texts;
        this.names = names;
        this.tagValues = tagValues;
        this.problems = problems;
        this.window = window;
        this.maxSamples = maxSamples;
    }

    /** Reads the series at {@code index} of the request: its length, then the message. */
    void read(CodedInputStream in, int index) throws IOException {
        int limit = in.pushLimit(in.readRawVarint32());
        tags.clear();
        samples = 0;
        histograms = 0;
        labels = 0;
        sensor = null;
        named = false;
        refusedField = null;
        refusedMessage = null;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (tag) {
                case LABEL -> readLabel(in);
                case SAMPLE -> readSample(in);
                case HISTOGRAM -> {
                    in.skipField(tag);
                    histograms++;
                }
                default -> in.skipField(tag); // exemplars, and fields of later versions
            }
        }
        endMessage(in, limit);
        if (refusedMessage == null) addReadings(index);
        if (refusedMessage != null) problems.add(index, null, refusedField, named(refusedMessage));
    }

    /** The message with the series' name before it, when it has a valid one: what an operator searches for. */
    private String named(String message) {
        return named ? "series '" + abbreviate(sensor) + "': " + message : message;
    }

    private void readLabel(CodedInputStream in) throws IOException {
        int limit = in.pushLimit(in.readRawVarint32());
        String name = "";
        String value = "";
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (tag) {
                case LABEL_NAME -> name = texts.read(in, names);
                case LABEL_VALUE -> value = texts.read(in, tagValues);
                default -> in.skipField(tag);
            }
        }
        endMessage(in, limit);
        int position = labels++;
        // After a problem, only the name is still of interest: the report names the series by it.
        if (refusedMessage != null && !name.equals(NAME_LABEL)) return;
        if (name.isEmpty()) {
            refuse("labels[" + position + "]", "label name must not be empty");
        } else if (value.isEmpty()) {
            return; // an empty value is no label, in Prometheus' model as in its query language
        } else if (name.equals(NAME_LABEL)) {
            if (sensor != null) {
                refuse("labels." + NAME_LABEL, "label " + NAME_LABEL + " appears twice");
                return;
            }
            // The metric name was read through the names cache: a hit is a name checked before.
            sensor = value;
            if (names.find(value) == value) {
                named = true;
                return;
            }
            String problem = Names.problem(value);
            if (problem != null) {
                refuse("labels." + NAME_LABEL, "metric name " + problem);
            } else {
                named = true;
                names.remember(value);
                tagValues.remember(value); // where the next request's reader looks it up
            }
        } else {
            if (names.find(name) != name || tagValues.find(value) != value) {
                String problem = labelProblem(name, value);
                if (problem != null) {
                    refuse("labels[" + position + "]", problem);
                    return;
                }
                names.remember(name);
                tagValues.remember(value);
            }
            tags.add(name, value);
        }
    }

    /** Why a label other than {@code __name__} cannot be a tag, or null if it can. */
    private static String labelProblem(String name, String value) {
        String problem = Tags.keyProblem(name);
        if (problem != null) return "label name '" + abbreviate(name) + "' " + problem;
        problem = Tags.valueProblem(value);
        return problem == null ? null : "value of label '" + abbreviate(name) + "' " + problem;
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 61) + "...";
    }

    private void readSample(CodedInputStream in) throws IOException {
        if (++requestSamples > maxSamples) {
            throw new TooManyReadingsException("request has more than " + maxSamples + " samples; at most "
                    + maxSamples + " (ingest.queue_capacity) are taken in one request");
        }
        int limit = in.pushLimit(in.readRawVarint32());
        long valueBits = 0; // proto3 leaves out a field at its default: 0.0 and timestamp 0
        long timestamp = 0;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (tag) {
                case SAMPLE_VALUE -> valueBits = in.readFixed64();
                case SAMPLE_TIMESTAMP -> timestamp = in.readInt64();
                default -> in.skipField(tag);
            }
        }
        endMessage(in, limit);
        if (samples == millis.length) {
            millis = Arrays.copyOf(millis, samples * 2);
            bits = Arrays.copyOf(bits, samples * 2);
        }
        millis[samples] = timestamp;
        bits[samples] = valueBits;
        samples++;
    }

    private void addReadings(int index) {
        if (sensor == null) {
            refuse("labels", "series has no " + NAME_LABEL + " label" + (tags.size() == 0 ? ""
                    : " (its labels: " + tags.build() + ")"));
            return;
        }
        if (tags.size() > Tags.MAX_TAGS) {
            refuse("labels", "it has " + tags.size() + " labels besides " + NAME_LABEL + "; at most "
                    + Tags.MAX_TAGS + " are allowed");
            return;
        }
        String repeated = tags.setProblem();
        if (repeated != null) {
            refuse("labels", repeated.replace("tag key", "label"));
            return;
        }
        Tags set = tags.build();
        out.skip(SkipReason.HISTOGRAM, histograms);
        for (int k = 0; k < samples; k++) {
            double value = Double.longBitsToDouble(bits[k]);
            if (bits[k] == STALE_MARKER) {
                out.skip(SkipReason.STALE_MARKER, 1);
            } else if (Double.isNaN(value)) {
                out.skip(SkipReason.NAN, 1);
            } else if (Double.isInfinite(value)) {
                out.skip(SkipReason.INFINITE, 1);
            } else if (Math.abs(millis[k]) > MAX_MILLIS) {
                problems.add(index, null, "samples[" + k + "].timestamp", named("timestamp " + millis[k]
                        + " is out of range; " + TIME_HINT));
            } else {
                long micros = millis[k] * 1000;
                String late = window.problem(micros, TIME_HINT);
                if (late != null) {
                    problems.add(index, null, "samples[" + k + "].timestamp", named(late));
                } else {
                    out.add(sensor, RemoteWriteFormat.METRIC, set, micros, value);
                }
            }
        }
    }

    /**
     * Ends a message whose length was pushed as a limit. A body that ends before the limit reads as the message's end
     * to the decoder (its tag 0), so a cut body would pass for a shorter message without this check.
     */
    static void endMessage(CodedInputStream in, int oldLimit) throws InvalidProtocolBufferException {
        if (in.getBytesUntilLimit() > 0) {
            throw new InvalidProtocolBufferException("the body ends inside a message, "
                    + in.getBytesUntilLimit() + " bytes short of the length the message gives (the body was cut)");
        }
        in.popLimit(oldLimit);
    }

    /** Records the first problem of the series; it stores nothing, and its later problems are not reported. */
    private void refuse(String field, String message) {
        if (refusedMessage != null) return;
        refusedField = field;
        refusedMessage = message;
    }
}
