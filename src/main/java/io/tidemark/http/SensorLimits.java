package io.tidemark.http;

import io.tidemark.auth.Principal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a read token limited to a sensor prefix may see. A query naming sensors outside the prefix is a 403 (a sensor,
 * or a pattern whose fixed start before any {@code *} or {@code ?} lies outside); a listing without a sensor filter
 * (series, alerts, the stream) is narrowed to the prefix.
 */
final class SensorLimits {
    private SensorLimits() {}

    /** The parameters of a query of one sensor named by {@code param}, checked. */
    static Map<String, List<String>> exact(Principal principal, Map<String, List<String>> params, String param) {
        return limited(principal, params, param, null);
    }

    /** The parameters of a listing filtered by {@code param}: narrowed to the prefix when absent, else checked. */
    static Map<String, List<String>> narrowed(Principal principal, Map<String, List<String>> params, String param,
            String suffix) {
        return limited(principal, params, param, suffix);
    }

    private static Map<String, List<String>> limited(Principal principal, Map<String, List<String>> params,
            String param, String suffix) {
        String prefix = principal.sensorPrefix();
        if (prefix == null) return params;
        List<String> values = params.get(param);
        if (values == null || values.isEmpty()) {
            if (suffix == null) return params; // the query says the parameter is missing
            Map<String, List<String>> narrowed = new LinkedHashMap<>(params);
            narrowed.put(param, List.of(prefix + suffix));
            return narrowed;
        }
        for (String value : values) {
            if (!fixedStart(value).startsWith(prefix)) {
                throw AccessDeniedException.forbidden(param + "=" + value + " reaches beyond this token's sensors:"
                        + " it reads only sensors starting with '" + prefix + "'");
            }
        }
        return params;
    }

    /** A pattern up to its first wildcard: the part every name it matches starts with. */
    private static String fixedStart(String pattern) {
        int end = pattern.length();
        for (int i = 0; i < pattern.length(); i++) {
            if (pattern.charAt(i) == '*' || pattern.charAt(i) == '?') {
                end = i;
                break;
            }
        }
        return pattern.substring(0, end);
    }
}
