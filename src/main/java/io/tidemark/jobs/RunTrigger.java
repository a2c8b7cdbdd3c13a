package io.tidemark.jobs;

import java.util.Locale;

/** Why a run happened; stored in {@code job_runs.trigger}. */
public enum RunTrigger {
    SCHEDULE, ADMIN, BACKFILL, RETRY;

    String sqlName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
