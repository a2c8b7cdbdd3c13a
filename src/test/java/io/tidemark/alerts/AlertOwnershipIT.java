package io.tidemark.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.config.AlertRuleConfig;
import io.tidemark.config.TidemarkConfig;
import io.tidemark.testing.Await;
import io.tidemark.testing.Metrics;
import io.tidemark.testing.Poll;
import io.tidemark.testing.RandomSeed;
import io.tidemark.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Alert rules on two nodes sharing a database: each rule runs on one node at a time and sees the readings of both,
 * hands over to the other node when its owner stops, and the alerts of a rule no node has are left alone while a
 * node still has it. (Killed owners: see ClusterIT.)
 */
@Timeout(180)
@ExtendWith(RandomSeed.class)
class AlertOwnershipIT {
    private static final AlertRuleConfig HOT =
            new AlertRuleConfig("hot", "boiler-*", "temperature", 90.0, null, null, 3, null, null, null, null);
    private static final UnaryOperator<TidemarkConfig> WITH_HOT = c -> c.withAlerts(c.alerts().withRules(List.of(HOT)));

    /**
     * Excursions whose readings are sent to random nodes, one after another: each of at least three readings above 90
     * fires once, at its third reading, and resolves once; shorter ones fire nothing.
     */
    @Test
    void aRuleCountsTheReadingsOfEveryNode(Random random) {
        try (TestServer a = TestServer.start(WITH_HOT);
                TestServer b = TestServer.attach(a.database(), WITH_HOT)) {
            Instant t = Instant.now().truncatedTo(ChronoUnit.MILLIS).minus(Duration.ofHours(1));
            List<Instant> expectedFirings = new ArrayList<>();
            int readings = 0;
            for (int excursion = 0; excursion < 8; excursion++) {
                int above = 1 + random.nextInt(5);
                for (int i = 0; i < above; i++) {
                    t = t.plusSeconds(1);
                    if (i == 2) expectedFirings.add(t);
                    post(random.nextBoolean() ? a : b, t, 91 + random.nextInt(20));
                    readings++;
                }
                for (int i = 0, below = 1 + random.nextInt(2); i < below; i++) {
                    t = t.plusSeconds(1);
                    post(random.nextBoolean() ? a : b, t, random.nextInt(90));
                    readings++;
                }
            }
            int fired = expectedFirings.size();
            Poll.until(fired + " alerts fired and resolved", () -> a.queryLong(
                    "SELECT count(*) FROM alerts WHERE resolution = 'cleared'") == fired);
            assertThat(a.queryLong("SELECT count(*) FROM readings_v WHERE sensor = 'boiler-1'")).isEqualTo(readings);
            List<Instant> firedAt = new ArrayList<>();
            a.getJson("/api/v1/alerts?rule=hot&limit=1000").get("alerts")
                    .forEach(alert -> firedAt.add(Instant.parse(alert.get("ts").asText())));
            assertThat(firedAt).as("the reading each alert fired at, newest first")
                    .containsExactlyElementsOf(newestFirst(expectedFirings));
            double owners = Metrics.value(a, "tidemark_alerts_rules_owned")
                    + Metrics.value(b, "tidemark_alerts_rules_owned");
            assertThat(owners).as("the rule runs on one node").isEqualTo(1);
        }
    }

    /** Part-way through an excursion the owner stops: the other node takes the rule and its progress over. */
    @Test
    void aStoppingOwnerHandsTheRuleAndItsProgressOver() {
        TestServer first = TestServer.start(WITH_HOT);
        try (TestServer second = TestServer.attach(first.database(), WITH_HOT)) {
            TestServer owner = Metrics.value(first, "tidemark_alerts_rules_owned") == 1 ? first : second;
            TestServer other = owner == first ? second : first;
            Instant t = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(60);
            post(owner, t, 95);
            post(other, t.plusSeconds(1), 96);
            Poll.until("both readings evaluated (checkpointed)", () -> owner.queryLong(
                    "SELECT count(*) FROM alert_checkpoints WHERE rule = 'hot' AND position >= "
                            + "(SELECT max(position) FROM feed WHERE kind = 'readings')") == 1);
            owner.stopServer();
            Poll.until("the other node takes the rule", () ->
                    Metrics.value(other, "tidemark_alerts_rules_owned") == 1);
            post(other, t.plusSeconds(2), 97);
            Poll.until("the third reading fires", () -> other.queryLong("SELECT count(*) FROM alerts") == 1);
            post(other, t.plusSeconds(3), 98);
            post(other, t.plusSeconds(4), 20);
            Poll.until("it resolves", () -> other.queryLong(
                    "SELECT count(*) FROM alerts WHERE resolution = 'cleared'") == 1);
            assertThat(other.queryLong("SELECT count(*) FROM alerts WHERE value = 97 AND resolved_value = 20"))
                    .as("fired at the third reading, once").isEqualTo(1);
        } finally {
            first.close();
        }
    }

    /**
     * The rule is edited between runs: an alert whose series the rule still covers stays open and resolves under the
     * new definition; one whose series it no longer covers is resolved (rule_removed) as the rule is taken.
     */
    @Test
    void anEditedRuleKeepsWhatItStillCoversAndResolvesTheRest() {
        AlertRuleConfig wide = new AlertRuleConfig("edited", "*", "temperature", 90.0, null, null, 1, null, null, null,
                null);
        TestServer first = TestServer.start(c -> c.withAlerts(c.alerts().withRules(List.of(wide))));
        try {
            Instant t = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(60);
            first.api().postReading("boiler-1", "temperature", t, 99);
            first.api().postReading("pump-1", "temperature", t, 99);
            Poll.until("two alerts open", () -> first.queryLong(
                    "SELECT count(*) FROM alerts WHERE rule = 'edited' AND resolved_at IS NULL") == 2);
            first.stopServer();
            AlertRuleConfig narrow = new AlertRuleConfig("edited", "boiler-*", "temperature", 95.0, null, null, 1,
                    null, null, null, null);
            try (TestServer second = TestServer.attach(first.database(),
                    c -> c.withAlerts(c.alerts().withRules(List.of(narrow))))) {
                Poll.until("the pump's alert resolved as rule_removed", () -> second.queryLong(
                        "SELECT count(*) FROM alerts_v WHERE sensor = 'pump-1' AND resolution = 'rule_removed'") == 1);
                second.api().postReading("boiler-1", "temperature", t.plusSeconds(1), 96);
                second.api().postReading("boiler-1", "temperature", t.plusSeconds(2), 93);
                Poll.until("the boiler's alert resolves at 93, below the new threshold", () -> second.queryLong(
                        "SELECT count(*) FROM alerts_v WHERE sensor = 'boiler-1' AND resolved_value = 93") == 1);
                assertThat(second.queryLong("SELECT count(*) FROM alerts")).as("no new firing").isEqualTo(2);
            }
        } finally {
            first.close();
        }
    }

    /** Four rules on two nodes settle two and two; when one node stops, the other takes all four. */
    @Test
    void rulesAreSharedAmongTheNodesAndTakenOverWhenOneStops() {
        List<AlertRuleConfig> four = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            four.add(new AlertRuleConfig("share-" + i, "boiler-*", "temperature", 90.0 + i, null, null, 1, null, null,
                    null, null));
        }
        UnaryOperator<TidemarkConfig> config = c -> c.withAlerts(c.alerts().withRules(four));
        TestServer first = TestServer.start(config);
        try (TestServer second = TestServer.attach(first.database(), config)) {
            Poll.until("two rules each", () -> Metrics.value(first, "tidemark_alerts_rules_owned") == 2
                    && Metrics.value(second, "tidemark_alerts_rules_owned") == 2);
            first.stopServer();
            Poll.until("the second node runs all four", () ->
                    Metrics.value(second, "tidemark_alerts_rules_owned") == 4);
            Poll.until("caught up, the four read the feed through one cursor", () ->
                    Metrics.value(second, "tidemark_feed_cursors") == 1);
            post(second, Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(5), 99);
            Poll.until("every rule fires once", () -> second.queryLong(
                    "SELECT count(DISTINCT rule) FROM alerts WHERE rule LIKE 'share-%'") == 4);
            assertThat(second.queryLong("SELECT count(*) FROM alerts")).isEqualTo(4);
        } finally {
            first.close();
        }
    }

    /**
     * A node without the rule leaves its open alerts alone while a node that has it runs, even with a short
     * alerts.forget_rules_after; once no node has had the rule for that long, a node resolves them.
     */
    @Test
    void alertsOfARuleAreForgottenOnlyOnceNoNodeHasHadIt() {
        UnaryOperator<TidemarkConfig> forgetful = c -> c.withAlerts(c.alerts()
                .withForgetRulesAfter(Duration.ofSeconds(1)));
        TestServer owner = TestServer.start(WITH_HOT);
        try {
            Instant t = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(60);
            for (int i = 0; i < 3; i++) post(owner, t.plusSeconds(i), 95);
            Poll.until("the alert is stored", () -> owner.queryLong("SELECT count(*) FROM alerts") == 1);
            try (TestServer without = TestServer.attach(owner.database(), forgetful)) {
                assertThat(without.queryLong("SELECT count(*) FROM alerts WHERE resolved_at IS NULL"))
                        .as("open: a running node has the rule").isEqualTo(1);
            }
            owner.stopServer();
            Await.pause(1500);
            try (TestServer without = TestServer.attach(owner.database(), forgetful)) {
                assertThat(without.queryLong("SELECT count(*) FROM alerts WHERE resolution = 'rule_removed'"))
                        .as("resolved: no node has had the rule for forget_rules_after").isEqualTo(1);
                assertThat(without.queryLong("SELECT count(*) FROM alert_checkpoints")).isZero();
            }
        } finally {
            owner.close();
        }
    }

    private static List<Instant> newestFirst(List<Instant> times) {
        List<Instant> reversed = new ArrayList<>(times);
        Collections.reverse(reversed);
        return reversed;
    }

    private static void post(TestServer server, Instant ts, double value) {
        assertThat(server.api().postReading("boiler-1", "temperature", ts, value).statusCode()).isEqualTo(200);
    }
}
