/**
 * The ways readings arrive: each {@link io.tidemark.ingest.format.ReadingFormat} turns a request body into the same
 * {@link io.tidemark.ingest.format.ParsedReadings}, checked against the same name and time rules, with every problem
 * of a body reported at once (index, line, field). A new on-ramp is one more format here and one route in
 * {@code http}, never a second pipeline. Formats: JSON and NDJSON, InfluxDB line protocol, Prometheus remote write
 * (protobuf, read with protobuf-java's wire decoder). May import {@code names}, {@code time} and {@code config}.
 */
package io.tidemark.ingest.format;
