package io.tidemark;

/** The HTTP port is taken, most likely by another Tidemark: start-up stops before changing anything shared. */
final class PortInUseException extends RuntimeException {
    PortInUseException(String host, int port, Throwable cause) {
        super("cannot listen on " + host + ":" + port + ": the address is in use (is another Tidemark running?);"
                + " nothing was changed", cause);
    }
}
