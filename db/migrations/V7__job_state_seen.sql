-- When a node that defines the job last vouched for its state. Nodes may run different jobs on one database, so a
-- node does not remove the state of a job it merely does not know; state no node has vouched for in a day is removed
-- (see JobStateStore.sync).
ALTER TABLE job_state ADD COLUMN seen_at timestamptz NOT NULL DEFAULT now();
