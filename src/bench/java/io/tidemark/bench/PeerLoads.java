package io.tidemark.bench;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One wrk run of a request file against a peer started fresh for it: an InfluxDB 1.x or a VictoriaMetrics, each
 * empty, stopped and deleted afterwards. Rates count points of 2xx answers; VictoriaMetrics' stored samples are
 * counted after a flush and checked against them (InfluxDB overwrites a point of the same series and timestamp, so
 * its count would not tell a loss from an overwrite).
 */
final class PeerLoads {
    private final BenchSettings settings;
    private final Path work;

    PeerLoads(BenchSettings settings, Path work) {
        this.settings = settings;
        this.work = work;
    }

    Figure.Run influx(String what, Path requests, int connections, int pointsPerRequest) throws Exception {
        try (InfluxServer influx = InfluxServer.start(work)) {
            AtomicLong wrkPid = new AtomicLong();
            Wrk.Result r;
            CpuSampler.Usage cpu;
            try (CpuSampler sampler = new CpuSampler(wrkPid::get, influx.pid(), settings.database())) {
                r = new Wrk(settings).run(influx.port(), requests, connections, settings.seconds(), wrkPid);
                cpu = sampler.stop();
            }
            double rate = r.answeredOk() * (double) pointsPerRequest / (r.durationMicros() / 1e6);
            Benchmark.log(String.format("  %-28s %,12.0f points/s  p50 %.1f ms  p99 %.1f ms  failed %d  %s", what,
                    rate, r.p50Micros() / 1000.0, r.p99Micros() / 1000.0, r.failedAnswers() + r.socketErrors(),
                    Results.cores(cpu)));
            return new Figure.Run(rate, cpu, r.p50Micros() / 1000.0, r.p99Micros() / 1000.0, r.maxMicros() / 1000.0,
                    r.failedAnswers() + r.socketErrors(), 0, 0);
        }
    }

    Figure.Run victoria(String what, Path requests, int connections, int pointsPerRequest) throws Exception {
        try (VictoriaMetricsServer vm = VictoriaMetricsServer.start(work)) {
            AtomicLong wrkPid = new AtomicLong();
            Wrk.Result r;
            CpuSampler.Usage cpu;
            try (CpuSampler sampler = new CpuSampler(wrkPid::get, vm.pid(), settings.database())) {
                r = new Wrk(settings).run(vm.port(), requests, connections, settings.seconds(), wrkPid);
                cpu = sampler.stop();
            }
            long acknowledged = r.answeredOk() * pointsPerRequest;
            long stored = vm.countSamples();
            double rate = acknowledged / (r.durationMicros() / 1e6);
            Benchmark.log(String.format("  %-28s %,12.0f points/s  p50 %.1f ms  p99 %.1f ms  failed %d  stored %,d of"
                    + " %,d acknowledged  %s", what, rate, r.p50Micros() / 1000.0, r.p99Micros() / 1000.0,
                    r.failedAnswers() + r.socketErrors(), stored, acknowledged, Results.cores(cpu)));
            return new Figure.Run(rate, cpu, r.p50Micros() / 1000.0, r.p99Micros() / 1000.0, r.maxMicros() / 1000.0,
                    r.failedAnswers() + r.socketErrors(), Math.max(0, acknowledged - stored),
                    Math.max(0, stored - acknowledged));
        }
    }
}
