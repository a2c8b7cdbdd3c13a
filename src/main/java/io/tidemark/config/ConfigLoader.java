package io.tidemark.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Reads {@code config.yaml} into {@link TidemarkConfig}, then applies environment overrides.
 *
 * <p>Unknown keys are errors (a typo must not silently fall back to a default); the message names the key and the
 * known key it most resembles.
 */
public final class ConfigLoader {
    /** Environment variables that override the file; secrets belong here rather than in the file. */
    public static final String ENV_DATABASE_URL = "TIDEMARK_DATABASE_URL";
    public static final String ENV_DATABASE_USER = "TIDEMARK_DATABASE_USER";
    public static final String ENV_DATABASE_PASSWORD = "TIDEMARK_DATABASE_PASSWORD";
    public static final String ENV_HTTP_PORT = "TIDEMARK_HTTP_PORT";
    public static final String ENV_ADMIN_TOKEN = "TIDEMARK_ADMIN_TOKEN";
    /** Webhook URLs often carry a token; this keeps it out of the file. */
    public static final String ENV_WEBHOOK_URL = "TIDEMARK_WEBHOOK_URL";

    private final ObjectMapper mapper;

    public ConfigLoader() {
        SimpleModule durations = new SimpleModule("tidemark-durations");
        durations.addDeserializer(Duration.class, new JsonDeserializer<>() {
            @Override
            public Duration deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                return Durations.parse(p.getValueAsString());
            }
        });
        this.mapper = new ObjectMapper(new YAMLFactory())
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .registerModule(durations);
    }

    /** Loads {@code file} (all defaults if it does not exist) and applies overrides from {@code env}. */
    public TidemarkConfig load(Path file, Map<String, String> env) {
        TidemarkConfig config = Files.exists(file) ? read(file) : TidemarkConfig.defaults();
        return applyEnvironment(config, env);
    }

    TidemarkConfig parse(String yaml) {
        try {
            TidemarkConfig config = yaml.isBlank() ? null : mapper.readValue(yaml, TidemarkConfig.class);
            return config == null ? TidemarkConfig.defaults() : config;
        } catch (IOException e) {
            throw explain("config", e);
        }
    }

    private TidemarkConfig read(Path file) {
        try {
            return parse(Files.readString(file));
        } catch (IOException e) {
            throw new InvalidConfigException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (InvalidConfigException e) {
            throw new InvalidConfigException(file + ": " + e.getMessage(), e);
        }
    }

    private static TidemarkConfig applyEnvironment(TidemarkConfig config, Map<String, String> env) {
        DatabaseConfig db = config.database();
        if (env.containsKey(ENV_DATABASE_URL) || env.containsKey(ENV_DATABASE_USER)
                || env.containsKey(ENV_DATABASE_PASSWORD)) {
            db = db.withCredentials(
                    env.getOrDefault(ENV_DATABASE_URL, db.url()),
                    env.getOrDefault(ENV_DATABASE_USER, db.user()),
                    env.getOrDefault(ENV_DATABASE_PASSWORD, db.password()));
        }
        HttpConfig http = config.http();
        String port = env.get(ENV_HTTP_PORT);
        if (port != null) {
            try {
                http = http.withPort(Integer.parseInt(port.trim()));
            } catch (NumberFormatException e) {
                throw new InvalidConfigException(ENV_HTTP_PORT + " must be a port number, got '" + port + "'");
            }
        }
        AdminConfig admin = env.containsKey(ENV_ADMIN_TOKEN) ? new AdminConfig(env.get(ENV_ADMIN_TOKEN))
                : config.admin();
        String webhookUrl = env.get(ENV_WEBHOOK_URL);
        if (webhookUrl != null && !webhookUrl.isBlank()) {
            config = config.withAlerts(config.alerts().withWebhook(config.alerts().webhook().withUrl(webhookUrl)));
        }
        return config.withDatabase(db).withHttp(http).withAdmin(admin);
    }

    private static InvalidConfigException explain(String where, IOException e) {
        if (e instanceof UnrecognizedPropertyException unknown) {
            String key = dotted(unknown);
            String known = unknown.getKnownPropertyIds().stream().map(Object::toString).sorted()
                    .collect(Collectors.joining(", "));
            String hint = Suggestions.didYouMean(unknown.getPropertyName(),
                    unknown.getKnownPropertyIds().stream().map(Object::toString).toList());
            return new InvalidConfigException("unknown key '" + key + "'" + hint + "; known keys here: " + known, e);
        }
        if (e instanceof JsonMappingException mapping) {
            Throwable root = mapping;
            while (root.getCause() != null && root.getCause() != root) root = root.getCause();
            if (root instanceof InvalidConfigException invalid) return invalid;
            String key = dotted(mapping);
            String message = root instanceof IllegalArgumentException ? root.getMessage()
                    : mapping.getOriginalMessage();
            return new InvalidConfigException((key.isEmpty() ? where : key) + ": " + message, e);
        }
        return new InvalidConfigException(where + " is not valid YAML: " + e.getMessage(), e);
    }

    private static String dotted(JsonMappingException e) {
        return e.getPath().stream().map(ref -> ref.getFieldName() != null
                        ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .filter(Objects::nonNull).collect(Collectors.joining("."));
    }
}
