package io.tidemark.config;

import java.time.Duration;

/** Range checks for config records: each failure names the key, so a bad file fails start-up with a pointed message. */
final class Check {
    private Check() {}

    static int range(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw new InvalidConfigException(key + " must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    static long range(String key, long value, long min, long max) {
        if (value < min || value > max) {
            throw new InvalidConfigException(key + " must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    static Duration positive(String key, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new InvalidConfigException(key + " must be a positive duration, got " + Durations.format(value));
        }
        return value;
    }

    static Duration duration(String key, String text, Duration defaultValue) {
        if (text == null) return defaultValue;
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException(key + ": " + e.getMessage());
        }
    }
}
