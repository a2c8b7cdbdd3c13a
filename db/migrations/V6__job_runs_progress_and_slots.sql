-- Job runs that survive restarts and show their progress.

-- The schedule slot a scheduled run (or its retry) was fired for. A job's next slot is the one after the newest of
-- these, so a restart or a reload never pushes a job back, and a slot missed while no server ran is run once.
ALTER TABLE job_runs ADD COLUMN scheduled_for timestamptz;
