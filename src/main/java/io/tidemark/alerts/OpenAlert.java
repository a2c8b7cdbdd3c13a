package io.tidemark.alerts;

import java.time.Instant;
import java.util.UUID;

/** What an open alert keeps in memory until it resolves: its row's id and how it fired. */
record OpenAlert(UUID id, String severity, String message, long tsMicros, double value, Instant firedAt) {}
