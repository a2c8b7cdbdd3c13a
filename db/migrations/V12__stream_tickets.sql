-- Stream tickets (POST /api/v1/stream/tickets): single-use, short-lived credentials for a browser's EventSource,
-- kept here rather than in one node's memory, so that a ticket asked of one node opens the stream on any node behind
-- a load balancer. Only the SHA-256 of a ticket is stored; a ticket is deleted as it is used.
CREATE TABLE stream_tickets (
    hash          bytea       PRIMARY KEY,
    name          text        NOT NULL,    -- the credential it acts for (tokens.name, 'bootstrap' or 'anonymous')
    scopes        text[]      NOT NULL,
    sensor_prefix text,
    expires_at    timestamptz NOT NULL
);
CREATE INDEX stream_tickets_expires_at ON stream_tickets (expires_at);
