package io.tidemark.ingest;

/**
 * A request's credential may write only sensors starting with a prefix, and a reading names another (a 403; nothing
 * of the request is stored). Names the first such reading by its index.
 */
public final class SensorNotAllowedException extends RuntimeException {
    private final String sensor;
    private final String prefix;

    public SensorNotAllowedException(int index, String sensor, String prefix) {
        super("reading " + index + ": sensor '" + sensor + "' is outside this token's sensors (those starting with '"
                + prefix + "'); nothing was stored");
        this.sensor = sensor;
        this.prefix = prefix;
    }

    /** The first sensor outside the prefix, so that a route can say where the body names it. */
    public String sensor() {
        return sensor;
    }

    public String prefix() {
        return prefix;
    }
}
