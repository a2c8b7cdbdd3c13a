-- Alert rules across nodes: each rule is evaluated by one node at a time, its owner (a PostgreSQL advisory lock held
-- on the owner's own session), reading the feed in commit order. Where the owner stands is checkpointed here, in the
-- same transaction as the alerts it stores, so a node that takes the rule over (its owner died, or stopped) goes on
-- from exactly there: replaying the feed from the checkpoint repeats no stored firing and misses no reading.
CREATE TABLE alert_checkpoints (
    rule         text        PRIMARY KEY,
    -- Bumped by every node that takes the rule; a store whose generation is no longer current (a former owner that
    -- lost its lock without noticing yet) fails, so two owners never both write.
    generation   bigint      NOT NULL,
    -- The last feed row evaluated: the next owner reads on after it.
    position     bigint      NOT NULL,
    -- The rule's definition the state was built under; a changed rule keeps its open alerts but not its progress.
    fingerprint  text        NOT NULL,
    -- Where the rule stands on each series it is part-way through (consecutive readings, open alert): see
    -- io.tidemark.alerts.RuleState.
    state        bytea       NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- When some node last said it has each rule (every node, every 30 s, for the rules in its configuration). The open
-- alerts of a rule no running node has are resolved only once it has gone unseen for alerts.forget_rules_after: a
-- rule whose every node is down for a while (a rolling restart) is not mistaken for a removed one.
CREATE TABLE alert_rules_seen (
    rule     text        PRIMARY KEY,
    seen_at  timestamptz NOT NULL
);
