package io.tidemark;

import io.tidemark.auth.Exposure;
import io.tidemark.config.ConfigLoader;
import io.tidemark.config.InvalidConfigException;
import io.tidemark.config.TidemarkConfig;
import io.tidemark.storage.DatabaseUnavailableException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Command line entry: {@code java -jar tidemark.jar [--config FILE]}. The config file is {@code --config}, else
 * {@code TIDEMARK_CONFIG}, else {@code config.yaml} in the working directory; only the last may be absent (then every
 * key takes its default): a file named explicitly that does not exist fails start-up, naming it.
 */
public final class Main {
    private static final Logger log = LoggerFactory.getLogger(Main.class);
    private static final String ENV_CONFIG = "TIDEMARK_CONFIG";
    private static final String DEFAULT_CONFIG = "config.yaml";

    private Main() {}

    public static void main(String[] args) {
        Map<String, String> env = System.getenv();
        String explicit = env.get(ENV_CONFIG) == null || env.get(ENV_CONFIG).isBlank() ? null : env.get(ENV_CONFIG);
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                explicit = args[++i];
            } else {
                System.err.println("usage: tidemark [--config config.yaml]");
                System.exit(2);
            }
        }
        TidemarkConfig config;
        try {
            ConfigLoader loader = new ConfigLoader();
            config = explicit != null ? loader.load(Path.of(explicit), env)
                    : loader.loadIfPresent(Path.of(DEFAULT_CONFIG), env);
            Exposure.check(config);
        } catch (InvalidConfigException e) {
            System.err.println("tidemark: invalid configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        log.info("Effective configuration: {}", config);
        App app;
        try {
            app = App.start(config, Clock.systemUTC());
        } catch (DatabaseUnavailableException | PortInUseException | InvalidConfigException e) {
            // Expected when PostgreSQL is down or misaddressed, the port taken or a TLS file unusable: the message
            // says what to fix, a stack trace would not.
            log.error("Tidemark failed to start: {}", e.getMessage());
            System.exit(1);
            return;
        } catch (RuntimeException e) {
            log.error("Tidemark failed to start: {}", e.getMessage(), e);
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "tidemark-shutdown"));
    }
}
