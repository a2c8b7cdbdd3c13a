/**
 * The HTTP surface: the route table, thin routes that adapt requests to the features (ingest, query, stream, alerts,
 * jobs, health; InfluxDB's write API for Telegraf and the InfluxDB clients; Prometheus remote write), request-body
 * decoding (content types, gzip and snappy, size limits), the single mapping of failures to status codes (rendered
 * in the error shape of the path: Tidemark's or InfluxDB's), and the optional HTTPS connector with its PEM key
 * store. May import every feature package; nothing imports this one.
 */
package io.tidemark.http;
