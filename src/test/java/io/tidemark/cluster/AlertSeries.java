package io.tidemark.cluster;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

/**
 * One series for the alert rule {@code above 90 for_readings 3}, sent by one client, one reading at a time, each to
 * the next node in turn: no node sees three readings in a row, so only evaluation in commit order across nodes gets
 * it right. Timestamps only increase (no late readings), so what must fire is defined by the order they were sent:
 * planned excursions (3 to 6 readings above 90, then one at or below) must each fire once, at their third reading,
 * and resolve once, at the first one back; near misses (1 or 2 above, or exactly 90) must fire nothing.
 */
final class AlertSeries implements Runnable {
    static final String RULE = "cluster-hot";
    static final String SENSOR = "cluster-alerting";
    static final String METRIC = "temperature";
    static final double THRESHOLD = 90;
    static final int FOR_READINGS = 3;
    /** The rule in every node's config. */
    static final String RULE_YAML = """
            alerts:
              rules:
                - name: %s
                  sensor: %s
                  metric: %s
                  above: %s
                  for_readings: %d
            """.formatted(RULE, SENSOR, METRIC, THRESHOLD, FOR_READINGS);

    /** What one excursion must give: the reading that fires it and the one that resolves it. */
    record Expected(Point fired, Point resolved) {}

    private final Cluster cluster;
    private final Random random;
    private final Delivery delivery;
    private final List<Point> plan = new ArrayList<>();
    private final List<Point> acknowledged = Collections.synchronizedList(new ArrayList<>());
    private volatile Throwable failure;

    /** @param readings about how many readings to plan; the plan ends with a reading below the threshold */
    AlertSeries(Cluster cluster, Random random, Delivery.Counts counts, Instant start, int readings) {
        this.cluster = cluster;
        this.random = random;
        this.delivery = new Delivery(cluster, random, counts);
        List<Double> values = new ArrayList<>();
        while (values.size() < readings) {
            for (int i = random.nextInt(3); i >= 0; i--) values.add(below());
            int above = random.nextInt(3) == 0 ? 1 + random.nextInt(FOR_READINGS - 1) : FOR_READINGS
                    + random.nextInt(4);
            for (int i = 0; i < above; i++) values.add(THRESHOLD + 0.5 + random.nextInt(200) / 20.0);
        }
        values.add(below());
        for (int i = 0; i < values.size(); i++) {
            plan.add(new Point(SENSOR, METRIC, new TreeMap<>(), start.plusSeconds(i), values.get(i)));
        }
    }

    /** At or below the threshold: a value equal to a bound does not hold. */
    private double below() {
        return random.nextInt(8) == 0 ? THRESHOLD : 20 + random.nextInt(1400) / 20.0;
    }

    /** The alerts the plan must give, in order, by the rule's definition. */
    List<Expected> expected() {
        List<Expected> alerts = new ArrayList<>();
        int run = 0;
        Point fired = null;
        for (Point p : plan) {
            if (p.value() > THRESHOLD) {
                if (++run == FOR_READINGS) fired = p;
            } else {
                if (fired != null) alerts.add(new Expected(fired, p));
                fired = null;
                run = 0;
            }
        }
        return alerts;
    }

    List<Point> acknowledged() {
        return List.copyOf(acknowledged);
    }

    int planned() {
        return plan.size();
    }

    Throwable failure() {
        return failure;
    }

    @Override
    public void run() {
        try {
            for (int i = 0; i < plan.size(); i++) {
                Point p = plan.get(i);
                Delivery.Write write = new Delivery.Write("/api/v1/readings", "application/json",
                        p.toJson(random.nextBoolean()).toString(), "cluster-alerting-" + i);
                delivery.deliver(write, i % cluster.size());
                acknowledged.add(p);
                Thread.sleep(10 + random.nextInt(50));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = e;
        } catch (RuntimeException | AssertionError e) {
            failure = e;
        }
    }
}
