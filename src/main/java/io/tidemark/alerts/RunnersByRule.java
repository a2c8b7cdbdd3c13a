package io.tidemark.alerts;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The runner of each rule this node owns; a runner of several rules is the runner of each. Changed by the rules'
 * thread only; read by the metrics too.
 */
final class RunnersByRule {
    private final Map<String, RuleRunner> byRule = new ConcurrentHashMap<>();

    RuleRunner get(String rule) {
        return byRule.get(rule);
    }

    void put(String rule, RuleRunner runner) {
        byRule.put(rule, runner);
    }

    void remove(String rule) {
        byRule.remove(rule);
    }

    /** Rules run here. */
    int size() {
        return byRule.size();
    }

    Set<String> rules() {
        return byRule.keySet();
    }

    /** Each runner once. */
    List<RuleRunner> distinct() {
        List<RuleRunner> distinct = new ArrayList<>();
        Set<RuleRunner> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (RuleRunner runner : byRule.values()) {
            if (seen.add(runner)) distinct.add(runner);
        }
        return distinct;
    }

    /** Runners that have caught up with each other (the same position) become one: a row is then read once. */
    void merge() {
        Map<Long, RuleRunner> byPosition = new HashMap<>();
        for (RuleRunner runner : distinct()) {
            if (!runner.idle()) continue;
            RuleRunner first = byPosition.putIfAbsent(runner.position(), runner);
            if (first == null) continue;
            List<String> moved = List.copyOf(runner.rules());
            first.absorb(runner);
            for (String rule : moved) byRule.put(rule, first);
        }
    }

    /** The least position of the runners; {@code otherwise} when there are none. */
    long leastPosition(long otherwise) {
        return byRule.values().stream().mapToLong(RuleRunner::position).min().orElse(otherwise);
    }

    /** Closes every runner and forgets them. */
    void closeAll() {
        for (RuleRunner runner : distinct()) runner.close();
        byRule.clear();
    }
}
