package io.tidemark.bench;

import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The rows, targets and notes of figure 8 (the mixed load) in the report; ratios are taken within each round, then
 * their median, as for the other figures.
 */
final class MixedReport {
    private final MixedFigure.Outcome outcome;

    /** @param outcome the measurements, or null when the figure was not measured */
    MixedReport(MixedFigure.Outcome outcome) {
        this.outcome = outcome;
    }

    void rows(StringBuilder b) {
        if (outcome == null) {
            b.append("| 8. Mixed load | not measured | | | | |\n");
            return;
        }
        row(b, "8. Mixed load, jobs off", outcome.off(), "");
        row(b, "8. Mixed load, jobs on (scheduled, and `rollup_1m` run by the admin API every "
                + MixedLoad.ADMIN_EVERY.toSeconds() + " s)", outcome.on(), String.format(Locale.ROOT,
                "%.2fx ingest of jobs off; p99 %.2fx", ingestRatio(), p99Ratio()));
    }

    void targets(StringBuilder b) {
        if (outcome == null) {
            b.append("| mixed load: jobs-on ingest >= 0.9x jobs-off, p99 within 2x, no unanswered request"
                    + " | not measured | ? |\n");
            return;
        }
        double ingest = ingestRatio();
        double p99 = p99Ratio();
        long unanswered = total(outcome.on()) + total(outcome.off());
        Results.target(b, "mixed load: jobs-on ingest >= 0.9x jobs-off", String.format(Locale.ROOT, "%.2fx", ingest),
                ingest >= 0.9);
        Results.target(b, "mixed load: jobs-on p99 within 2x of jobs-off", String.format(Locale.ROOT,
                "%.2fx (%.0f ms vs %.0f ms)", p99, median(outcome.on(), r -> r.load().p99Millis()),
                median(outcome.off(), r -> r.load().p99Millis())), p99 <= 2);
        Results.target(b, "mixed load: no ingest request unanswered within " + MixedLoad.TIMEOUT.toSeconds() + " s",
                String.format(Locale.ROOT, "%d (jobs on %d, off %d)", unanswered, total(outcome.on()),
                        total(outcome.off())), unanswered == 0);
    }

    /** The figure's description, or nothing when it was not measured. */
    String notes() {
        return outcome == null ? "" : """

                ### 8. Mixed load
                %d clients post %d readings a request and %d post one, closed loop over HTTP/1.1, for %d sensors; \
                %.0f%% of readings carry a timestamp uniformly up to 2 h before the send time (devices that buffered \
                while offline), the rest the send time. %d clients read the SSE stream and reconnect every %d s; %d \
                read an hour of live 1m rollups of a random sensor. Jobs on: the repository's jobs on their \
                schedules, and an admin run of rollup_1m every %d s (409 while one is going). Jobs off: no job runs, \
                and nothing else differs. Each measurement has a fresh server, a warm-up that does not count, and \
                starts from %d s of history (every sensor every %d s, watermarks a minute behind now, nothing dirty): \
                late readings so fall into buckets holding data, below the watermark, as in production, and a job \
                recomputing them does real work. The history is thinner than the load itself, so the jobs' \
                transactions here are shorter than they would be after hours at this rate.
                Ingest rate counts readings acknowledged with 200; p99 is of every ingest request, an unanswered one \
                (no answer within %d s, the client's timeout) at %d s. Lock wait: pg_stat_activity sampled every \
                %d ms, samples of writer statements waiting on a Lock times %d ms (two writers in one sample count \
                twice), and the longest single wait; the longest job transaction is the oldest xact_start seen \
                running job SQL. A stream connection failed when not 200, or broken or without its `ready` event \
                within the %d s it is held.
                """.formatted(MixedLoad.BULK_CLIENTS, MixedLoad.BULK_READINGS, MixedLoad.SINGLE_CLIENTS,
                MixedBodies.SENSORS, 100 * MixedBodies.LATE_FRACTION, MixedLoad.STREAM_CLIENTS,
                MixedLoad.STREAM_RECONNECT.toSeconds(), MixedLoad.ROLLUP_CLIENTS, MixedLoad.ADMIN_EVERY.toSeconds(),
                MixedHistory.SPAN_SECONDS, MixedHistory.EVERY_SECONDS, MixedLoad.TIMEOUT.toSeconds(),
                MixedLoad.TIMEOUT.toSeconds(), LockWaits.INTERVAL_MILLIS, LockWaits.INTERVAL_MILLIS,
                MixedLoad.STREAM_RECONNECT.toSeconds());
    }

    /** The log line of one measurement. */
    static String describe(MixedFigure.Run run) {
        MixedLoad.Result r = run.load();
        LockWaits.Summary l = run.locks();
        return String.format(Locale.ROOT, "  jobs %-3s %,10.0f readings/s  p50 %.0f ms  p99 %.0f ms  max %.0f ms"
                        + "  200: %d  503: %d  other: %d  unanswered: %d  errors: %d  lost: %d%n"
                        + "    writer lock wait %.1f s in %d samples (longest %.1f s), other lock waits %d,"
                        + " longest job transaction %.1f s; streams failed %d of %d; rollup reads %d (failed %d);"
                        + " admin runs 200: %d, 409: %d, other: %d; CPU %s%s",
                run.jobs() ? "on" : "off", r.readingsPerSecond(), r.p50Millis(), r.p99Millis(), r.maxMillis(),
                r.ingestOk(), r.unavailable(), r.otherStatus(), r.unanswered(), r.errors(), run.lost(),
                l.writerWaitSeconds(), l.samples(), l.longestWriterWaitSeconds(), l.otherWaitSamples(),
                l.longestJobTransactionSeconds(), r.streamFailed(), r.streamConnections(), r.rollupReads(),
                r.rollupFailed(), r.adminOk(), r.adminBusy(), r.adminOther(), Results.cores(run.cpu()),
                r.firstError() == null ? "" : "\n    first error: " + r.firstError());
    }

    private void row(StringBuilder b, String title, List<MixedFigure.Run> runs, String ratio) {
        StringBuilder each = new StringBuilder();
        for (MixedFigure.Run r : runs) {
            each.append(each.length() == 0 ? "" : " ").append(Results.compact(r.load().readingsPerSecond()));
        }
        boolean jobs = runs.get(0).jobs();
        b.append(String.format(Locale.ROOT, "| %s, %d s | **%s** readings/s; p50 %.0f ms, p99 %.0f ms, max %.0f ms;"
                        + " **unanswered %d**, 503: %d, failed %d, lost %d; writer lock wait **%.1f s** (longest"
                        + " %.1f s); longest job transaction %.1f s; streams failed %d of %d; rollup reads %d"
                        + " (failed %d)%s | %s | %s | %s | %s |%n",
                title, outcome.seconds(), Results.compact(median(runs, r -> r.load().readingsPerSecond())),
                median(runs, r -> r.load().p50Millis()), median(runs, r -> r.load().p99Millis()),
                median(runs, r -> r.load().maxMillis()), total(runs),
                runs.stream().mapToLong(r -> r.load().unavailable()).sum(),
                runs.stream().mapToLong(r -> r.load().otherStatus() + r.load().errors()).sum(),
                runs.stream().mapToLong(MixedFigure.Run::lost).sum(), median(runs, r -> r.locks().writerWaitSeconds()),
                median(runs, r -> r.locks().longestWriterWaitSeconds()),
                median(runs, r -> r.locks().longestJobTransactionSeconds()),
                runs.stream().mapToLong(r -> r.load().streamFailed()).sum(),
                runs.stream().mapToLong(r -> r.load().streamConnections()).sum(),
                runs.stream().mapToLong(r -> r.load().rollupReads()).sum(),
                runs.stream().mapToLong(r -> r.load().rollupFailed()).sum(),
                jobs ? String.format("; admin runs 200: %d, 409: %d, other: %d",
                        runs.stream().mapToLong(r -> r.load().adminOk()).sum(),
                        runs.stream().mapToLong(r -> r.load().adminBusy()).sum(),
                        runs.stream().mapToLong(r -> r.load().adminOther()).sum()) : "",
                each, ratio, Results.cores(new CpuSampler.Usage(median(runs, r -> r.cpu().loadGenerator()),
                        median(runs, r -> r.cpu().server()), median(runs, r -> r.cpu().postgres()),
                        median(runs, r -> r.cpu().other()), median(runs, r -> r.cpu().machineBusy()),
                        median(runs, r -> r.cpu().window()))),
                String.format(Locale.ROOT, "%.2f / %.2f",
                        median(runs, r -> r.cpu().server() * 1e6 / r.load().readingsPerSecond()),
                        median(runs, r -> r.cpu().postgres() * 1e6 / r.load().readingsPerSecond()))));
    }

    /** Median over rounds of jobs-on ingest rate divided by jobs-off's in the same round. */
    double ingestRatio() {
        return pairedRatio(r -> r.load().readingsPerSecond());
    }

    /** Median over rounds of jobs-on p99 divided by jobs-off's in the same round. */
    double p99Ratio() {
        return pairedRatio(r -> r.load().p99Millis());
    }

    private double pairedRatio(ToDoubleFunction<MixedFigure.Run> field) {
        int n = Math.min(outcome.on().size(), outcome.off().size());
        double[] ratios = new double[n];
        for (int i = 0; i < n; i++) {
            ratios[i] = field.applyAsDouble(outcome.on().get(i)) / field.applyAsDouble(outcome.off().get(i));
        }
        return Figure.median(ratios);
    }

    private static double median(List<MixedFigure.Run> runs, ToDoubleFunction<MixedFigure.Run> field) {
        return Figure.median(runs.stream().mapToDouble(field).toArray());
    }

    private static long total(List<MixedFigure.Run> runs) {
        return runs.stream().mapToLong(r -> r.load().unanswered()).sum();
    }
}
