package io.tidemark;

import io.tidemark.config.ConfigLoader;
import io.tidemark.config.InvalidConfigException;
import io.tidemark.config.TidemarkConfig;
import java.nio.file.Path;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Command line entry: {@code java -jar tidemark.jar [--config config.yaml]}. */
public final class Main {
    private static final Logger log = LoggerFactory.getLogger(Main.class);

    private Main() {}

    public static void main(String[] args) {
        Path configFile = Path.of(System.getenv().getOrDefault("TIDEMARK_CONFIG", "config.yaml"));
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                configFile = Path.of(args[++i]);
            } else {
                System.err.println("usage: tidemark [--config config.yaml]");
                System.exit(2);
            }
        }
        TidemarkConfig config;
        try {
            config = new ConfigLoader().load(configFile, System.getenv());
        } catch (InvalidConfigException e) {
            System.err.println("tidemark: invalid configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        log.info("Effective configuration: {}", config);
        App app;
        try {
            app = App.start(config, Clock.systemUTC());
        } catch (RuntimeException e) {
            log.error("Tidemark failed to start: {}", e.getMessage(), e);
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "tidemark-shutdown"));
    }
}
