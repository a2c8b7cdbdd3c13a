/**
 * The benchmark of issue 4 ({@code bench/run}): a load generator and orchestrator that measures Tidemark against the
 * COPY ceiling, a naive client, InfluxDB and (for Prometheus remote write) VictoriaMetrics on one machine. It has a
 * source folder of its own, {@code src/bench/java}, compiled with the tests so that every build compiles it against
 * the same code and driver, while the server jar ships none of it. Its programs are not named {@code *Test} or
 * {@code *IT}, so the test runs never start them; the {@code *Test} classes here check its pure logic (workload
 * encodings, remote-write bodies, medians and ratios, the mixed load's late timestamps and lock-wait accounting,
 * the read figure's generated history and the checks of its answers). The write figures run in issue 13's
 * production configuration: jobs on, request files stamped as they are sent ({@link io.tidemark.bench.LiveStamps}),
 * a jobs-off server beside it as the reference.
 */
package io.tidemark.bench;
