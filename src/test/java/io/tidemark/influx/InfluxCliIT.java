package io.tidemark.influx;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.testing.TidemarkServerExtension;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code influx} command line client of InfluxDB 1.x (Debian's {@code influxdb-client}; {@code .ci/run} installs
 * it) against Tidemark: it pings, creates a database and imports a file of line protocol. Skipped without the binary.
 */
@Timeout(90)
class InfluxCliIT {
    @RegisterExtension
    static final TidemarkServerExtension server = TidemarkServerExtension.withDefaults();

    private static String influx;

    @BeforeAll
    static void findTheBinary() {
        influx = findOnPath("influx");
        org.junit.jupiter.api.Assumptions.assumeTrue(influx != null, "the influx CLI is not installed (Debian:"
                + " apt-get install influxdb-client; .ci/run does so); InfluxCliIT needs it");
    }

    private static String findOnPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) return candidate.toString();
        }
        return null;
    }

    /** Runs influx with {@code args} against the test server; returns its exit code and output. */
    private static Run run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(influx, "-host", "127.0.0.1", "-port",
                Integer.toString(server.get().app().port())));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("influx " + String.join(" ", args) + " did not finish in 60 s");
        }
        return new Run(process.exitValue(), new String(process.getInputStream().readAllBytes(),
                StandardCharsets.UTF_8));
    }

    private record Run(int exitCode, String output) {}

    @Test
    void createsADatabase() throws Exception {
        Run run = run("-execute", "CREATE DATABASE \"cli\"");

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).doesNotContainIgnoringCase("error");
    }

    @Test
    void otherStatementsFailWithTheServersMessage() throws Exception {
        Run run = run("-execute", "SELECT * FROM cpu", "-database", "cli");

        assertThat(run.exitCode()).as(run.output()).isNotZero();
        assertThat(run.output()).contains("SQL");
    }

    @Test
    void importsAFileOfLineProtocol(@TempDir Path dir) throws Exception {
        long now = Instant.now().minusSeconds(120).getEpochSecond();
        Path file = dir.resolve("climate.txt");
        Files.writeString(file, """
                # DDL
                CREATE DATABASE climate
                # DML
                # CONTEXT-DATABASE: climate
                # CONTEXT-RETENTION-POLICY: autogen
                h2o,location=coyote_creek level=8.12 %d
                h2o,location=coyote_creek level=8.005 %d
                h2o,location=santa_monica level=2.064,ok=t %d
                """.formatted(now - 2, now - 1, now));

        Run run = run("-import", "-path=" + file, "-precision=s");

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("Processed 1 commands", "Processed 3 inserts", "Failed 0 inserts");
        InfluxHttp influx = new InfluxHttp(server.get());
        assertThat(influx.rows("climate")).extracting(r -> r.get(0) + " " + r.get(1) + " " + r.get(2) + " "
                + r.get(3) + " " + r.get(4)).containsExactly(
                "h2o level {\"db\": \"climate\", \"location\": \"coyote_creek\"} " + (now - 2) * 1_000_000L + " 8.12",
                "h2o level {\"db\": \"climate\", \"location\": \"coyote_creek\"} " + (now - 1) * 1_000_000L
                        + " 8.005",
                "h2o level {\"db\": \"climate\", \"location\": \"santa_monica\"} " + now * 1_000_000L + " 2.064",
                "h2o ok {\"db\": \"climate\", \"location\": \"santa_monica\"} " + now * 1_000_000L + " 1");
    }
}
