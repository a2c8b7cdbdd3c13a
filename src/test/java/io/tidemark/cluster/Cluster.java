package io.tidemark.cluster;

import io.tidemark.testing.ServerProcess;
import io.tidemark.testing.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Tidemark nodes, each a process of its own, on one database. Each node keeps its port across a restart, so a
 * client addresses a node by its index. {@link #pick} chooses among the nodes the test has not taken down; a node may
 * still die under a request already sent to it, which the clients must survive anyway.
 */
final class Cluster implements AutoCloseable {
    private final TestDatabase database;
    private final List<String> configs;
    private final ServerProcess[] nodes;
    private final int[] ports;
    /** 1 while a node is up as far as the test knows; set to 0 before it is killed, to 1 once it listens again. */
    private final AtomicIntegerArray up;

    private Cluster(TestDatabase database, List<String> configs) {
        this.database = database;
        this.configs = configs;
        this.nodes = new ServerProcess[configs.size()];
        this.ports = new int[configs.size()];
        this.up = new AtomicIntegerArray(configs.size());
    }

    /** Starts one node per config (the YAML after {@code http} and {@code database}), all at once. */
    static Cluster start(TestDatabase database, List<String> configs) {
        Cluster cluster = new Cluster(database, configs);
        try {
            for (int i = 0; i < configs.size(); i++) {
                cluster.nodes[i] = ServerProcess.launch(database, 0, configs.get(i), Map.of());
            }
            for (int i = 0; i < configs.size(); i++) {
                cluster.ports[i] = cluster.nodes[i].awaitListening().port();
                cluster.up.set(i, 1);
            }
            return cluster;
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    int size() {
        return nodes.length;
    }

    int port(int node) {
        return ports[node];
    }

    /** A node that is up, at random; all nodes are never down at once in this test. */
    int pick(Random random) {
        List<Integer> live = new ArrayList<>();
        for (int i = 0; i < nodes.length; i++) {
            if (up.get(i) == 1) live.add(i);
        }
        return live.get(random.nextInt(live.size()));
    }

    /** A node that is up other than {@code not}, if there is one: where to retry what failed on {@code not}. */
    int pickOther(Random random, int not) {
        for (int attempt = 0; attempt < 20; attempt++) {
            int node = pick(random);
            if (node != not) return node;
        }
        return pick(random);
    }

    /**
     * Kills {@code node} with SIGKILL (no shutdown hook, no draining: requests in flight get no answer, its
     * connections to PostgreSQL just break), keeps it down for {@code downtime}, then starts it again on its port.
     */
    void killAndRestart(int node, Duration downtime) throws InterruptedException {
        up.set(node, 0);
        nodes[node].kill();
        Thread.sleep(downtime.toMillis());
        nodes[node].close();
        nodes[node] = ServerProcess.launch(database, ports[node], configs.get(node), Map.of()).awaitListening();
        up.set(node, 1);
    }

    @Override
    public void close() {
        for (ServerProcess node : nodes) {
            if (node != null) node.close();
        }
    }
}
