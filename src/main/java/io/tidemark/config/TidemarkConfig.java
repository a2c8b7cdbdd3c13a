package io.tidemark.config;

/** The whole, validated configuration: one record per section of {@code config.yaml}. */
public record TidemarkConfig(
        HttpConfig http,
        DatabaseConfig database,
        IngestConfig ingest,
        PartitionConfig partitions,
        JobsConfig jobs,
        AdminConfig admin,
        StreamConfig stream,
        AlertsConfig alerts,
        AuthConfig auth,
        FeedConfig feed,
        LatestConfig latest) {

    public TidemarkConfig {
        if (http == null) http = new HttpConfig(null, null);
        if (database == null) database = new DatabaseConfig(null, null, null, null, null, null, null);
        if (ingest == null) {
            ingest = new IngestConfig(null, null, null, null, null, null, null, null, null, null, null, null);
        }
        if (partitions == null) partitions = new PartitionConfig(null, null, null, null);
        if (jobs == null) jobs = new JobsConfig(null, null, null, null, null, null);
        if (admin == null) admin = new AdminConfig(null);
        if (stream == null) stream = new StreamConfig(null, null, null);
        if (alerts == null) alerts = AlertsConfig.none();
        if (auth == null) auth = AuthConfig.defaults();
        if (feed == null) feed = new FeedConfig(null, null);
        if (latest == null) latest = new LatestConfig(null);
        if (!feed.enabled() && !alerts.rules().isEmpty()) {
            throw new InvalidConfigException("alerts.rules need the feed, which feed.enabled: false turns off: rules"
                    + " are evaluated on the feed, in commit order across nodes");
        }
        if (ingest.maxAge().compareTo(partitions.retention() == null ? ingest.maxAge() : partitions.retention()) > 0) {
            throw new InvalidConfigException("partitions.retention (" + Durations.format(partitions.retention())
                    + ") must not be shorter than ingest.max_age (" + Durations.format(ingest.maxAge())
                    + "): readings still accepted would land in dropped partitions");
        }
    }

    /** All defaults, as if {@code config.yaml} were empty. */
    public static TidemarkConfig defaults() {
        return new TidemarkConfig(null, null, null, null, null, null, null, null, null, null, null);
    }

    /** Every setting in the file's keys and units, without secrets (see {@link EffectiveConfig}). */
    @Override
    public String toString() {
        return EffectiveConfig.describe(this);
    }

    public TidemarkConfig withDatabase(DatabaseConfig newDatabase) {
        return new TidemarkConfig(http, newDatabase, ingest, partitions, jobs, admin, stream, alerts, auth, feed,
                latest);
    }

    public TidemarkConfig withHttp(HttpConfig newHttp) {
        return new TidemarkConfig(newHttp, database, ingest, partitions, jobs, admin, stream, alerts, auth, feed,
                latest);
    }

    public TidemarkConfig withIngest(IngestConfig newIngest) {
        return new TidemarkConfig(http, database, newIngest, partitions, jobs, admin, stream, alerts, auth, feed,
                latest);
    }

    public TidemarkConfig withPartitions(PartitionConfig newPartitions) {
        return new TidemarkConfig(http, database, ingest, newPartitions, jobs, admin, stream, alerts, auth, feed,
                latest);
    }

    public TidemarkConfig withJobs(JobsConfig newJobs) {
        return new TidemarkConfig(http, database, ingest, partitions, newJobs, admin, stream, alerts, auth, feed,
                latest);
    }

    public TidemarkConfig withAdmin(AdminConfig newAdmin) {
        return new TidemarkConfig(http, database, ingest, partitions, jobs, newAdmin, stream, alerts, auth, feed,
                latest);
    }

    public TidemarkConfig withStream(StreamConfig newStream) {
        return new TidemarkConfig(http, database, ingest, partitions, jobs, admin, newStream, alerts, auth, feed,
                latest);
    }

    public TidemarkConfig withAlerts(AlertsConfig newAlerts) {
        return new TidemarkConfig(http, database, ingest, partitions, jobs, admin, stream, newAlerts, auth, feed,
                latest);
    }

    public TidemarkConfig withAuth(AuthConfig newAuth) {
        return new TidemarkConfig(http, database, ingest, partitions, jobs, admin, stream, alerts, newAuth, feed,
                latest);
    }

    public TidemarkConfig withFeed(FeedConfig newFeed) {
        return new TidemarkConfig(http, database, ingest, partitions, jobs, admin, stream, alerts, auth, newFeed,
                latest);
    }

    public TidemarkConfig withLatest(LatestConfig newLatest) {
        return new TidemarkConfig(http, database, ingest, partitions, jobs, admin, stream, alerts, auth, feed,
                newLatest);
    }
}
