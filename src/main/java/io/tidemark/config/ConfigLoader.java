package io.tidemark.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads {@code config.yaml} into {@link TidemarkConfig}, then applies environment overrides.
 *
 * <p>Unknown keys are errors (a typo must not silently fall back to a default); the message names the key and the
 * known key it most resembles. Every problem of a file is reported at once, each naming its key.
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

    /**
     * Loads {@code file}, which was named explicitly ({@code --config} or {@code TIDEMARK_CONFIG}) and so must
     * exist, and applies overrides from {@code env}.
     *
     * @throws InvalidConfigException listing every problem found, each naming its key (or the missing file)
     */
    public TidemarkConfig load(Path file, Map<String, String> env) {
        if (!Files.exists(file)) {
            throw new InvalidConfigException("config file " + file + " does not exist (resolved as "
                    + file.toAbsolutePath() + ")");
        }
        return loadIfPresent(file, env);
    }

    /** Loads {@code file} as {@link #load} does, but all defaults if it does not exist (the default config.yaml). */
    public TidemarkConfig loadIfPresent(Path file, Map<String, String> env) {
        Set<String> problems = new LinkedHashSet<>();
        TidemarkConfig config = TidemarkConfig.defaults();
        if (Files.exists(file)) {
            try {
                config = parse(Files.readString(file));
            } catch (IOException e) {
                throw new InvalidConfigException("cannot read " + file + ": " + e.getMessage(), e);
            } catch (InvalidConfigException e) {
                e.problems().forEach(problem -> problems.add(file + ": " + problem));
            }
        }
        TidemarkConfig overridden = applyEnvironment(config, env, problems);
        if (!problems.isEmpty()) throw InvalidConfigException.of(new ArrayList<>(problems));
        return overridden;
    }

    /**
     * Reads a config file's text. Every problem is found, not just the first: Jackson stops at the first, so a
     * failing section is read again one key at a time (recursively), and unknown keys are collected as it goes.
     */
    TidemarkConfig parse(String yaml) {
        JsonNode root;
        try {
            root = mapper.readTree(yaml);
        } catch (IOException e) {
            throw new InvalidConfigException("config is not valid YAML: " + e.getMessage(), e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) return TidemarkConfig.defaults();
        if (!root.isObject()) throw new InvalidConfigException("config must be a map of sections (http:, ...)");
        Set<String> problems = new LinkedHashSet<>();
        TidemarkConfig config = read(root, problems);
        if (config == null) collect(List.of(), root, problems);
        if (!problems.isEmpty()) throw InvalidConfigException.of(new ArrayList<>(problems));
        return config;
    }

    /** The config {@code root} describes, or null if it is not valid; unknown keys go to {@code problems}. */
    private TidemarkConfig read(JsonNode root, Set<String> problems) {
        try {
            return mapper.readerFor(TidemarkConfig.class).withHandler(new UnknownKeys(problems)).readValue(root);
        } catch (IOException | InvalidConfigException e) {
            return null;
        }
    }

    /** Adds the problems of {@code node} (at {@code path} from the root) tried alone, field by field below it. */
    private void collect(List<String> path, JsonNode node, Set<String> problems) {
        List<String> failure = failure(wrap(path, node), problems);
        if (failure.isEmpty()) return;
        int before = problems.size();
        if (node.isObject()) {
            node.fieldNames().forEachRemaining(name -> {
                List<String> below = new ArrayList<>(path);
                below.add(name);
                collect(below, node.get(name), problems);
            });
        }
        if (problems.size() == before) problems.addAll(failure); // a problem of the fields together
    }

    /** The problems of reading {@code root} (unknown keys aside, which go straight to {@code problems}). */
    private List<String> failure(JsonNode root, Set<String> problems) {
        try {
            mapper.readerFor(TidemarkConfig.class).withHandler(new UnknownKeys(problems)).readValue(root);
            return List.of();
        } catch (IOException e) {
            return explain("config", e).problems();
        } catch (InvalidConfigException e) {
            return e.problems();
        }
    }

    /** A config holding only {@code node}, at {@code path}. */
    private JsonNode wrap(List<String> path, JsonNode node) {
        JsonNode wrapped = node;
        for (int i = path.size() - 1; i >= 0; i--) {
            ObjectNode parent = mapper.createObjectNode();
            parent.set(path.get(i), wrapped);
            wrapped = parent;
        }
        return wrapped;
    }

    private static TidemarkConfig applyEnvironment(TidemarkConfig config, Map<String, String> env,
            Set<String> problems) {
        DatabaseConfig db = config.database();
        if (env.containsKey(ENV_DATABASE_URL) || env.containsKey(ENV_DATABASE_USER)
                || env.containsKey(ENV_DATABASE_PASSWORD)) {
            try {
                db = db.withCredentials(
                        env.getOrDefault(ENV_DATABASE_URL, db.url()),
                        env.getOrDefault(ENV_DATABASE_USER, db.user()),
                        env.getOrDefault(ENV_DATABASE_PASSWORD, db.password()));
            } catch (InvalidConfigException e) {
                problems.add(ENV_DATABASE_URL + ": " + e.getMessage());
            }
        }
        HttpConfig http = config.http();
        String port = env.get(ENV_HTTP_PORT);
        if (port != null) {
            try {
                http = http.withPort(Integer.parseInt(port.trim()));
            } catch (NumberFormatException e) {
                problems.add(ENV_HTTP_PORT + " must be a port number, got '" + port + "'");
            } catch (InvalidConfigException e) {
                problems.add(ENV_HTTP_PORT + ": " + e.getMessage());
            }
        }
        AdminConfig admin = config.admin();
        if (env.containsKey(ENV_ADMIN_TOKEN)) {
            try {
                admin = new AdminConfig(env.get(ENV_ADMIN_TOKEN));
            } catch (InvalidConfigException e) {
                problems.add(ENV_ADMIN_TOKEN + ": " + e.getMessage());
            }
        }
        String webhookUrl = env.get(ENV_WEBHOOK_URL);
        if (webhookUrl != null && !webhookUrl.isBlank()) {
            try {
                config = config.withAlerts(config.alerts().withWebhook(config.alerts().webhook().withUrl(webhookUrl)));
            } catch (InvalidConfigException e) {
                problems.add(ENV_WEBHOOK_URL + ": " + e.getMessage());
            }
        }
        return config.withDatabase(db).withHttp(http).withAdmin(admin);
    }

    /** Collects each unknown key with the known key it most resembles, and skips it so reading goes on. */
    private static final class UnknownKeys extends DeserializationProblemHandler {
        private final Set<String> problems;

        UnknownKeys(Set<String> problems) {
            this.problems = problems;
        }

        @Override
        public boolean handleUnknownProperty(DeserializationContext ctx, JsonParser p, JsonDeserializer<?> deserializer,
                Object beanOrClass, String propertyName) throws IOException {
            List<String> known = deserializer.getKnownPropertyNames().stream().map(Object::toString).sorted()
                    .toList();
            problems.add("unknown key '" + keyOf(p) + "'" + Suggestions.didYouMean(propertyName, known)
                    + "; known keys here: " + String.join(", ", known));
            p.skipChildren();
            return true;
        }

        /** The dotted key the parser is at, e.g. {@code alerts.rules[0].abov}. */
        private static String keyOf(JsonParser p) {
            JsonStreamContext context = p.getParsingContext();
            if (p.currentToken() == JsonToken.START_OBJECT || p.currentToken() == JsonToken.START_ARRAY) {
                context = context.getParent();
            }
            StringBuilder key = new StringBuilder();
            for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
                String part = c.inArray() ? "[" + c.getCurrentIndex() + "]" : c.getCurrentName();
                if (part == null) continue;
                key.insert(0, key.length() == 0 || key.charAt(0) == '[' ? part : part + ".");
            }
            return key.toString();
        }
    }

    private static InvalidConfigException explain(String where, IOException e) {
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
                .filter(Objects::nonNull).collect(Collectors.joining(".")).replace(".[", "[");
    }
}
