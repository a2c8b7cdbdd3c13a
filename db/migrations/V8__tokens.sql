-- API tokens (see io.tidemark.auth). Only the SHA-256 of a secret is stored: the secret is shown once, at creation.
-- A revoked token keeps its row (who revoked it and when); every node stops accepting it within its cache time.
CREATE TABLE tokens (
    id bigserial PRIMARY KEY,
    name text NOT NULL UNIQUE,
    secret_hash bytea NOT NULL UNIQUE,
    scopes text[] NOT NULL,
    sensor_prefix text,
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by text NOT NULL,
    last_used_at timestamptz,
    revoked_at timestamptz,
    revoked_by text
);

-- Which token asked for an admin-triggered run or backfill ('bootstrap' for the environment's admin token); null
-- for scheduled runs and retries.
ALTER TABLE job_runs ADD COLUMN requested_by text;
