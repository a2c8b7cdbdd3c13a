package io.tidemark.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A PostgreSQL tablespace on a tmpfs of a few megabytes, so a test can make PostgreSQL really run out of disk space
 * (SQLSTATE 53100) and an operator's fix (a dropped table) really free it. Needs root (to mount) and a PostgreSQL on
 * this machine (to see the mount); {@link #create} says why not where that is not so, for the test to skip.
 */
public final class TinyTablespace implements AutoCloseable {
    private final Path mountPoint;
    private final String name;

    private TinyTablespace(Path mountPoint, String name) {
        this.mountPoint = mountPoint;
        this.name = name;
    }

    /** A tablespace of {@code megabytes}; throws {@link Unavailable} naming what is missing here. */
    public static TinyTablespace create(int megabytes) {
        Path dir;
        try {
            dir = Files.createTempDirectory("tidemark-tiny-tablespace");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String mounted = run("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m,mode=0700", "tmpfs",
                dir.toString());
        if (mounted != null) {
            deleteQuietly(dir);
            throw new Unavailable("cannot mount a tmpfs (needs root): " + mounted);
        }
        String owned = run("chown", "postgres:postgres", dir.toString());
        String name = "tidemark_tiny_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        try {
            if (owned != null) throw new Unavailable("no local postgres user to own the tmpfs: " + owned);
            TestDatabase.executeOnServer("CREATE TABLESPACE " + name + " LOCATION '" + dir + "'");
        } catch (IllegalStateException e) {
            unmount(dir);
            throw new Unavailable("PostgreSQL cannot use a directory of this machine (not a local server?): "
                    + e.getMessage());
        } catch (Unavailable e) {
            unmount(dir);
            throw e;
        }
        return new TinyTablespace(dir, name);
    }

    public String name() {
        return name;
    }

    /** Drops the tablespace (whatever used it must be gone: drop the test database first) and unmounts it. */
    @Override
    public void close() {
        try {
            TestDatabase.executeOnServer("DROP TABLESPACE IF EXISTS " + name);
        } finally {
            unmount(mountPoint);
        }
    }

    private static void unmount(Path dir) {
        String failed = run("umount", dir.toString());
        if (failed != null) throw new IllegalStateException("could not unmount " + dir + ": " + failed);
        deleteQuietly(dir);
    }

    /** Runs a command; null when it succeeded, else what it said. */
    private static String run(String... command) {
        try {
            Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return String.join(" ", command) + " did not finish";
            }
            return p.exitValue() == 0 ? null : String.join(" ", command) + ": " + output;
        } catch (IOException e) {
            return String.join(" ", command) + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static void deleteQuietly(Path dir) {
        try {
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // a temp directory
        }
    }

    /** This machine cannot give PostgreSQL a tiny disk; the message says why. */
    public static final class Unavailable extends RuntimeException {
        Unavailable(String message) {
            super(message);
        }
    }
}
