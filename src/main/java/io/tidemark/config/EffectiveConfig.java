package io.tidemark.config;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The configuration as the start-up log shows it: one {@code key=value} per setting, keys and units as in
 * {@code config.yaml} ({@code ingest.linger=10ms}, {@code ingest.max_age=30d}), secrets left out: passwords and the
 * admin token show only whether they are set, URLs lose their user information and tokens, rules show their names.
 */
public final class EffectiveConfig {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .registerModule(new SimpleModule("tidemark-durations").addSerializer(Duration.class,
                    new JsonSerializer<>() {
                        @Override
                        public void serialize(Duration value, JsonGenerator json, SerializerProvider provider)
                                throws IOException {
                            json.writeString(Durations.format(value));
                        }
                    }));

    /** Rules are listed by name up to this many; there may be thousands. */
    private static final int MAX_RULES_SHOWN = 20;

    private EffectiveConfig() {}

    /** Every setting of {@code config}, in file order, without secrets. */
    public static String describe(TidemarkConfig config) {
        ObjectNode tree = MAPPER.valueToTree(config);
        ObjectNode database = (ObjectNode) tree.get("database");
        database.put("url", config.database().redactedUrl());
        database.put("password", config.database().password().isEmpty() ? "(none)" : "(set)");
        ((ObjectNode) tree.get("admin")).put("token", config.admin().token() == null ? "(generated)" : "(set)");
        ObjectNode alerts = (ObjectNode) tree.get("alerts");
        ArrayNode rules = alerts.putArray("rules");
        List<AlertRuleConfig> all = config.alerts().rules();
        all.stream().limit(MAX_RULES_SHOWN).forEach(rule -> rules.add(rule.name()));
        if (all.size() > MAX_RULES_SHOWN) rules.add("... (" + all.size() + " rules in all)");
        String webhook = config.alerts().webhook().url();
        ((ObjectNode) alerts.get("webhook")).put("url", webhook == null ? "none" : WebhookConfig.redact(webhook));
        List<String> settings = new ArrayList<>();
        flatten("", tree, settings);
        return String.join(", ", settings);
    }

    private static void flatten(String prefix, JsonNode node, List<String> settings) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                flatten(prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey(), field.getValue(), settings);
            }
        } else if (node.isArray()) {
            List<String> items = new ArrayList<>();
            node.forEach(item -> items.add(item.isTextual() ? item.asText() : item.toString()));
            settings.add(prefix + "=[" + String.join(", ", items) + "]");
        } else {
            settings.add(prefix + "=" + (node.isNull() ? "none" : node.asText()));
        }
    }
}
