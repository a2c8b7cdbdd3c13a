package io.tidemark.config;

import java.time.Duration;

/**
 * How {@code readings} is split into time partitions.
 *
 * <p>{@code interval} must divide a day (or be whole days) so partition bounds line up with UTC midnight.
 * {@code retention}, when set, drops whole raw partitions older than it; rollups keep their own data.
 */
public record PartitionConfig(Duration interval, Integer premake, Duration maintenanceInterval, Duration retention) {
    public static final Duration DEFAULT_INTERVAL = Duration.ofDays(1);
    public static final int DEFAULT_PREMAKE = 3;
    public static final Duration DEFAULT_MAINTENANCE_INTERVAL = Duration.ofMinutes(10);

    public PartitionConfig {
        interval = Check.positive("partitions.interval", interval == null ? DEFAULT_INTERVAL : interval);
        long seconds = interval.toSeconds();
        boolean divides = seconds < 86_400 ? 86_400 % seconds == 0 : seconds % 86_400 == 0;
        if (seconds < 3600 || !divides || interval.toMillis() % 1000 != 0) {
            throw new InvalidConfigException("partitions.interval must be at least 1h and divide a day or be whole days"
                    + " (e.g. 1h, 6h, 1d, 7d), got " + Durations.format(interval));
        }
        premake = Check.range("partitions.premake", premake == null ? DEFAULT_PREMAKE : premake, 0, 366);
        maintenanceInterval = Check.positive("partitions.maintenance_interval",
                maintenanceInterval == null ? DEFAULT_MAINTENANCE_INTERVAL : maintenanceInterval);
        if (retention != null) Check.positive("partitions.retention", retention);
    }
}
