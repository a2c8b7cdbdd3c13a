package io.tidemark.storage;

/**
 * PostgreSQL out of a resource it needs to write (SQLSTATE class 53): nothing is wrong with the data, and the same
 * write succeeds once the resource is back (an operator frees disk space, memory pressure passes). Too many
 * connections (53300) is not one of them: it is a connection failure, retried like one (see {@link SqlErrors}).
 */
public enum ResourceShortage {
    DISK_FULL("53100", "disk_full", "PostgreSQL is out of disk space"),
    OUT_OF_MEMORY("53200", "out_of_memory", "PostgreSQL is out of memory"),
    INSUFFICIENT_RESOURCES("53000", "insufficient_resources", "PostgreSQL is out of resources");

    private final String sqlState;
    private final String reason;
    private final String description;

    ResourceShortage(String sqlState, String reason, String description) {
        this.sqlState = sqlState;
        this.reason = reason;
        this.description = description;
    }

    public String sqlState() {
        return sqlState;
    }

    /** A short lower_snake_case name, for metric labels and {@code /health}: {@code disk_full}. */
    public String reason() {
        return reason;
    }

    /** What an operator reads: {@code PostgreSQL is out of disk space (SQLSTATE 53100)}. */
    public String describe() {
        return description + " (SQLSTATE " + sqlState + ")";
    }

    static ResourceShortage of(String sqlState) {
        for (ResourceShortage s : values()) {
            if (s.sqlState.equals(sqlState)) return s;
        }
        return null;
    }
}
