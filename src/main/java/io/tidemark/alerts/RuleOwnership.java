package io.tidemark.alerts;

import io.tidemark.storage.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's session for alert rules: a connection of its own (not the pool's) on which it holds PostgreSQL
 * advisory locks that end with it, however the node ends (stopped, killed, cut off):
 * <ul>
 *   <li>a shared "knows" lock on each rule in its configuration, so any node can tell whether some running node still
 *       has a rule (see {@link AlertStore} callers resolving the alerts of rules no node knows);</li>
 *   <li>an exclusive "owns" lock on each rule it evaluates: at most one node holds it, and when that node's session
 *       ends another node takes the rule on its next try.</li>
 * </ul>
 * Keys are 64-bit hashes of the rule name ({@code hashtextextended}), one seed per kind of lock. Used by one thread.
 */
final class RuleOwnership implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RuleOwnership.class);
    static final long KNOWS_SEED = 1953064038L;
    static final long OWNS_SEED = 1953064039L;
    private static final String KNOW = "SELECT pg_advisory_lock_shared(hashtextextended(r, " + KNOWS_SEED + "))"
            + " FROM unnest(?::text[]) r";
    private static final String OWN = "SELECT r FROM unnest(?::text[]) r"
            + " WHERE pg_try_advisory_lock(hashtextextended(r, " + OWNS_SEED + "))";
    /** Every node's session holds this one shared: counting its holders counts the nodes. */
    private static final String NODE_KEY = "hashtextextended('tidemark alert nodes', " + KNOWS_SEED + ")";
    private static final String PRESENT = "SELECT pg_advisory_lock_shared(" + NODE_KEY + ")";
    private static final String NODES = "SELECT count(*) FROM pg_locks l, (SELECT " + NODE_KEY + " AS k) n"
            + " WHERE l.locktype = 'advisory' AND l.objsubid = 1 AND l.granted"
            + " AND l.classid = ((n.k >> 32) & 4294967295)::oid AND l.objid = (n.k & 4294967295)::oid";
    private static final String OWN_KEYS = "SELECT r, hashtextextended(r, " + OWNS_SEED + ") FROM unnest(?::text[]) r";
    /** Advisory locks on one bigint key, as pg_locks shows them (the key split into classid and objid). */
    private static final String HELD = "SELECT (classid::bigint << 32) | objid::bigint FROM pg_locks"
            + " WHERE locktype = 'advisory' AND objsubid = 1 AND granted";
    private static final String RELEASE = "SELECT pg_advisory_unlock(hashtextextended(?, " + OWNS_SEED + "))";
    private static final int ALIVE_TIMEOUT_SECONDS = 5;

    private final Database database;
    private final List<String> known;
    private final Set<String> owned = new HashSet<>();
    /** Each known rule's "owns" lock key. */
    private final Map<String, Long> ownKeys = new HashMap<>();
    private Connection session;

    RuleOwnership(Database database, List<String> known) {
        this.database = database;
        this.known = List.copyOf(known);
    }

    /** Whether the session is open and answers; if it is not, every rule is lost and {@link #connect} comes next. */
    boolean alive() {
        try {
            if (session != null && session.isValid(ALIVE_TIMEOUT_SECONDS)) return true;
        } catch (SQLException e) {
            // as not valid
        }
        drop();
        return false;
    }

    /** Opens the session and declares the rules this node knows; false (logged) if the database cannot be reached. */
    boolean connect() {
        try {
            session = database.openSession("tidemark-alerts");
            try (PreparedStatement s = session.prepareStatement(KNOW)) {
                s.setArray(1, session.createArrayOf("text", known.toArray()));
                s.execute();
            }
            try (PreparedStatement s = session.prepareStatement(PRESENT)) {
                s.execute();
            }
            try (PreparedStatement s = session.prepareStatement(OWN_KEYS)) {
                s.setArray(1, session.createArrayOf("text", known.toArray()));
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) ownKeys.put(rs.getString(1), rs.getLong(2));
                }
            }
            return true;
        } catch (SQLException e) {
            log.warn("Alert rules: cannot open a session ({}); retrying", e.getMessage());
            drop();
            return false;
        }
    }

    /** Nodes whose alert session is open now, this one included. */
    int nodes() throws SQLException {
        try (PreparedStatement s = session.prepareStatement(NODES); ResultSet rs = s.executeQuery()) {
            rs.next();
            return Math.max(1, rs.getInt(1));
        }
    }

    /** The known rules no node owns now. */
    Set<String> free() throws SQLException {
        Set<Long> held = new HashSet<>();
        try (PreparedStatement s = session.prepareStatement(HELD); ResultSet rs = s.executeQuery()) {
            while (rs.next()) held.add(rs.getLong(1));
        }
        Set<String> free = new HashSet<>();
        ownKeys.forEach((rule, key) -> {
            if (!held.contains(key)) free.add(rule);
        });
        return free;
    }

    /** Takes those of {@code rules} that no node owns, in one round trip; returns the ones taken. */
    List<String> tryOwn(List<String> rules) throws SQLException {
        List<String> wanted = rules.stream().filter(r -> !owned.contains(r)).toList();
        List<String> taken = new ArrayList<>();
        if (wanted.isEmpty()) return taken;
        try (PreparedStatement s = session.prepareStatement(OWN)) {
            s.setArray(1, session.createArrayOf("text", wanted.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) taken.add(rs.getString(1));
            }
        }
        owned.addAll(taken);
        return taken;
    }

    /** Lets {@code rule} go, for another node (or this one, later) to take. */
    void release(String rule) {
        if (!owned.remove(rule) || session == null) return;
        try (PreparedStatement s = session.prepareStatement(RELEASE)) {
            s.setString(1, rule);
            s.execute();
        } catch (SQLException e) {
            log.debug("Releasing rule {} failed ({}); closing the session releases it", rule, e.getMessage());
            drop();
        }
    }

    /** Ends the session: every lock is released. */
    @Override
    public void close() {
        drop();
    }

    private void drop() {
        owned.clear();
        if (session == null) return;
        try {
            session.close();
        } catch (SQLException e) {
            // gone already
        }
        session = null;
    }
}
