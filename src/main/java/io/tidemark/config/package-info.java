/**
 * Typed configuration: {@code config.yaml} read by Jackson into validated records, with environment overrides for
 * the database credentials. Every other package receives its section by constructor. Imports nothing of Tidemark.
 */
package io.tidemark.config;
