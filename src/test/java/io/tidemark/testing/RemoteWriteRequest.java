package io.tidemark.testing;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.UnknownFieldSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.xerial.snappy.Snappy;

/**
 * Builds Prometheus remote write requests for tests with protobuf-java's own encoder ({@link DynamicMessage} over
 * the schema of prometheus/prompb {@code remote.proto} and {@code types.proto}), so Tidemark's hand-written decoder is
 * checked against an independent one. {@code Sample.value} is declared {@code fixed64} here (the same wire type as
 * {@code double}), so a test can send exact bit patterns: the staleness marker, other NaNs.
 */
public final class RemoteWriteRequest {
    /** Prometheus' staleness marker (model/value.StaleNaN). */
    public static final long STALE_MARKER_BITS = 0x7ff0000000000002L;

    private static final FileDescriptor SCHEMA = schema();
    private static final Descriptor WRITE_REQUEST = SCHEMA.findMessageTypeByName("WriteRequest");
    private static final Descriptor TIME_SERIES = SCHEMA.findMessageTypeByName("TimeSeries");
    private static final Descriptor LABEL = SCHEMA.findMessageTypeByName("Label");
    private static final Descriptor SAMPLE = SCHEMA.findMessageTypeByName("Sample");
    private static final Descriptor METADATA = SCHEMA.findMessageTypeByName("MetricMetadata");
    private static final Descriptor EXEMPLAR = SCHEMA.findMessageTypeByName("Exemplar");
    private static final Descriptor HISTOGRAM = SCHEMA.findMessageTypeByName("Histogram");

    private final DynamicMessage.Builder request = DynamicMessage.newBuilder(WRITE_REQUEST);

    /** A series' samples as (value bits, epoch milliseconds) pairs. */
    public record Sample(long bits, long timestampMillis) {
        public static Sample of(double value, long timestampMillis) {
            return new Sample(Double.doubleToRawLongBits(value), timestampMillis);
        }
    }

    /** Adds a series with its labels in the order given (a real sender sorts them) and its samples. */
    public RemoteWriteRequest series(Map<String, String> labels, Sample... samples) {
        return series(labels, List.of(samples), 0, 0, null);
    }

    /** Adds a series as {@link #series(Map, Sample...)}, with exemplars, native histograms and an unknown field. */
    public RemoteWriteRequest series(Map<String, String> labels, List<Sample> samples, int exemplars,
            int histograms, UnknownFieldSet unknown) {
        return series(List.copyOf(labels.entrySet()), samples, exemplars, histograms, unknown);
    }

    /** Adds a series whose labels may be anything, a name given twice too, as a broken sender might send them. */
    public RemoteWriteRequest series(List<Map.Entry<String, String>> labels, List<Sample> samples, int exemplars,
            int histograms, UnknownFieldSet unknown) {
        DynamicMessage.Builder series = DynamicMessage.newBuilder(TIME_SERIES);
        labels.forEach(label -> series.addRepeatedField(field(TIME_SERIES, "labels"),
                DynamicMessage.newBuilder(LABEL).setField(field(LABEL, "name"), label.getKey())
                        .setField(field(LABEL, "value"), label.getValue()).build()));
        for (Sample sample : samples) {
            DynamicMessage.Builder s = DynamicMessage.newBuilder(SAMPLE);
            // proto3 leaves a field at its default off the wire; the decoder must read absence as 0.
            if (sample.bits() != 0) s.setField(field(SAMPLE, "value"), sample.bits());
            if (sample.timestampMillis() != 0) s.setField(field(SAMPLE, "timestamp"), sample.timestampMillis());
            if (unknown != null) s.setUnknownFields(unknown);
            series.addRepeatedField(field(TIME_SERIES, "samples"), s.build());
        }
        for (int i = 0; i < exemplars; i++) {
            series.addRepeatedField(field(TIME_SERIES, "exemplars"), DynamicMessage.newBuilder(EXEMPLAR)
                    .setField(field(EXEMPLAR, "value"), 1.5).setField(field(EXEMPLAR, "timestamp"), 7L).build());
        }
        for (int i = 0; i < histograms; i++) {
            series.addRepeatedField(field(TIME_SERIES, "histograms"), DynamicMessage.newBuilder(HISTOGRAM)
                    .setField(field(HISTOGRAM, "sum"), 3.0).setField(field(HISTOGRAM, "timestamp"), 7L).build());
        }
        if (unknown != null) series.setUnknownFields(unknown);
        request.addRepeatedField(field(WRITE_REQUEST, "timeseries"), series.build());
        return this;
    }

    /** Adds a series named {@code name} with labels given as name, value, name, value... */
    public RemoteWriteRequest series(String name, List<String> labelPairs, Sample... samples) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("__name__", name);
        for (int i = 0; i < labelPairs.size(); i += 2) labels.put(labelPairs.get(i), labelPairs.get(i + 1));
        return series(labels, samples);
    }

    /** Adds metadata, as Prometheus sends every minute in requests of their own. */
    public RemoteWriteRequest metadata(String family, String help) {
        request.addRepeatedField(field(WRITE_REQUEST, "metadata"), DynamicMessage.newBuilder(METADATA)
                .setField(field(METADATA, "type"), 1).setField(field(METADATA, "metric_family_name"), family)
                .setField(field(METADATA, "help"), help).setField(field(METADATA, "unit"), "").build());
        return this;
    }

    /** The protobuf bytes, uncompressed. */
    public byte[] protobuf() {
        return request.build().toByteArray();
    }

    /** The body as Prometheus sends it: the protobuf in snappy's block format. */
    public byte[] body() {
        return snappy(protobuf());
    }

    public static byte[] snappy(byte[] bytes) {
        try {
            return Snappy.compress(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static com.google.protobuf.Descriptors.FieldDescriptor field(Descriptor type, String name) {
        return type.findFieldByName(name);
    }

    private static FileDescriptor schema() {
        FileDescriptorProto file = FileDescriptorProto.newBuilder().setName("prompb.proto").setPackage("prometheus")
                .setSyntax("proto3")
                .addMessageType(message("WriteRequest", List.of(
                        repeated("timeseries", 1, ".prometheus.TimeSeries"),
                        repeated("metadata", 3, ".prometheus.MetricMetadata"))))
                .addMessageType(message("TimeSeries", List.of(
                        repeated("labels", 1, ".prometheus.Label"), repeated("samples", 2, ".prometheus.Sample"),
                        repeated("exemplars", 3, ".prometheus.Exemplar"),
                        repeated("histograms", 4, ".prometheus.Histogram"))))
                .addMessageType(message("Label", List.of(scalar("name", 1, FieldDescriptorProto.Type.TYPE_STRING),
                        scalar("value", 2, FieldDescriptorProto.Type.TYPE_STRING))))
                .addMessageType(message("Sample", List.of(scalar("value", 1, FieldDescriptorProto.Type.TYPE_FIXED64),
                        scalar("timestamp", 2, FieldDescriptorProto.Type.TYPE_INT64))))
                .addMessageType(message("Exemplar", List.of(repeated("labels", 1, ".prometheus.Label"),
                        scalar("value", 2, FieldDescriptorProto.Type.TYPE_DOUBLE),
                        scalar("timestamp", 3, FieldDescriptorProto.Type.TYPE_INT64))))
                .addMessageType(message("Histogram", List.of(scalar("sum", 3, FieldDescriptorProto.Type.TYPE_DOUBLE),
                        scalar("timestamp", 15, FieldDescriptorProto.Type.TYPE_INT64))))
                .addMessageType(message("MetricMetadata", List.of(
                        scalar("type", 1, FieldDescriptorProto.Type.TYPE_INT32),
                        scalar("metric_family_name", 2, FieldDescriptorProto.Type.TYPE_STRING),
                        scalar("help", 4, FieldDescriptorProto.Type.TYPE_STRING),
                        scalar("unit", 5, FieldDescriptorProto.Type.TYPE_STRING))))
                .build();
        try {
            return FileDescriptor.buildFrom(file, new FileDescriptor[0]);
        } catch (DescriptorValidationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static DescriptorProto message(String name, List<FieldDescriptorProto> fields) {
        return DescriptorProto.newBuilder().setName(name).addAllField(new ArrayList<>(fields)).build();
    }

    private static FieldDescriptorProto repeated(String name, int number, String type) {
        return FieldDescriptorProto.newBuilder().setName(name).setNumber(number)
                .setLabel(FieldDescriptorProto.Label.LABEL_REPEATED).setType(FieldDescriptorProto.Type.TYPE_MESSAGE)
                .setTypeName(type).build();
    }

    private static FieldDescriptorProto scalar(String name, int number, FieldDescriptorProto.Type type) {
        return FieldDescriptorProto.newBuilder().setName(name).setNumber(number)
                .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL).setType(type).build();
    }
}
