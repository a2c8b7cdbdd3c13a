package io.tidemark.http;


/**
 * What Tidemark tells InfluxDB clients about itself, and which paths are InfluxDB's. It answers as InfluxDB 1.8 does:
 * 1.8 serves both the 1.x {@code /write} and the 2.x-compatible {@code /api/v2/write}, which is what Tidemark serves;
 * a 2.x version would make clients expect Flux, organizations and the bucket API. Clients parse the version (the
 * {@code influx} CLI prints it, libraries compare it), so it stays a plain {@code major.minor.patch} with a suffix.
 */
final class InfluxProtocol {
    static final String VERSION = "1.8.10-tidemark";
    /** InfluxDB says OSS or ENT; clients take anything but ENT for one single-node server, which Tidemark is. */
    static final String BUILD = "OSS";
    static final String WRITE_V1 = "/write";
    static final String QUERY_V1 = "/query";
    static final String PING = "/ping";
    static final String WRITE_V2 = "/api/v2/write";

    private InfluxProtocol() {}

    /** The paths that answer in InfluxDB 1.x's shape and take its {@code u}/{@code p} query parameters. */
    static boolean isV1(String path) {
        return path.equals(WRITE_V1) || path.equals(QUERY_V1) || path.equals(PING);
    }

    static boolean isV2(String path) {
        return path.equals(WRITE_V2);
    }

    /** The headers InfluxDB puts on every answer, errors and 204s alike. */
    static void versionHeaders(Exchange ctx) {
        ctx.header("X-Influxdb-Version", VERSION);
        ctx.header("X-Influxdb-Build", BUILD);
    }
}
