package io.tidemark.jobs;

import io.tidemark.storage.WriteLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The jobs of one jobs folder, validated together: unique names and targets, and every incremental job reading
 * either {@code readings} or the target of another incremental job, without cycles. Immutable; a reload builds a
 * new catalog and swaps it in only if the whole folder is valid.
 */
final class JobCatalog {
    private final Map<String, JobDefinition> byName;

    private JobCatalog(Map<String, JobDefinition> byName) {
        this.byName = byName;
    }

    static JobCatalog empty() {
        return new JobCatalog(Map.of());
    }

    /** @throws InvalidJobException naming the file, line and problem of the first invalid job */
    static JobCatalog load(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new InvalidJobException(folder, 0, "jobs folder does not exist (jobs.path in config.yaml)");
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(folder)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".sql")).sorted().toList();
        } catch (IOException e) {
            throw new InvalidJobException(folder, 0, "cannot list jobs: " + e.getMessage());
        }
        List<JobDefinition> jobs = new ArrayList<>();
        for (Path file : files) jobs.add(JobFileParser.parse(file));
        return of(jobs);
    }

    static JobCatalog of(List<JobDefinition> jobs) {
        Map<String, JobDefinition> byName = new HashMap<>();
        Map<String, JobDefinition> byTarget = new HashMap<>();
        for (JobDefinition job : jobs) {
            JobDefinition twin = byName.put(job.name(), job);
            if (twin != null) {
                throw new InvalidJobException(job.file(), 0, "job name '" + job.name() + "' is also used by "
                        + twin.file().getFileName());
            }
            if (job.incremental()) {
                JobDefinition sameTarget = byTarget.put(job.target(), job);
                if (sameTarget != null) {
                    throw new InvalidJobException(job.file(), 0, "target '" + job.target() + "' is also written by "
                            + sameTarget.file().getFileName());
                }
                if (job.target().equals(WriteLog.READINGS)) {
                    throw new InvalidJobException(job.file(), 0, "a job cannot write the readings table");
                }
            }
        }
        for (JobDefinition job : jobs) {
            if (!job.incremental()) continue;
            if (!job.source().equals(WriteLog.READINGS) && !byTarget.containsKey(job.source())) {
                throw new InvalidJobException(job.file(), 0, "source '" + job.source() + "' is neither readings nor"
                        + " the target of another incremental job, so Tidemark cannot know when it changes");
            }
            JobDefinition upstream = byTarget.get(job.source());
            if (upstream != null && job.bucket().toSeconds() % upstream.bucket().toSeconds() != 0) {
                throw new InvalidJobException(job.file(), 0, "bucket " + job.bucket() + " is not a multiple of"
                        + " its source's bucket " + upstream.bucket());
            }
        }
        Map<String, JobDefinition> ordered = new LinkedHashMap<>();
        for (JobDefinition job : jobs) addUpstreamFirst(job, byTarget, ordered, new ArrayList<>());
        return new JobCatalog(ordered);
    }

    private static void addUpstreamFirst(JobDefinition job, Map<String, JobDefinition> byTarget,
            Map<String, JobDefinition> ordered, List<String> path) {
        if (ordered.containsKey(job.name())) return;
        if (path.contains(job.name())) {
            throw new InvalidJobException(job.file(), 0, "jobs read each other in a cycle: "
                    + String.join(" -> ", path) + " -> " + job.name());
        }
        path.add(job.name());
        JobDefinition upstream = job.incremental() ? byTarget.get(job.source()) : null;
        if (upstream != null) addUpstreamFirst(upstream, byTarget, ordered, path);
        ordered.put(job.name(), job);
    }

    Optional<JobDefinition> get(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** All jobs, every incremental job after the job it reads from. */
    Collection<JobDefinition> all() {
        return byName.values();
    }

    /** The incremental job writing {@code table}, if any. */
    Optional<JobDefinition> writerOf(String table) {
        return byName.values().stream().filter(j -> j.incremental() && j.target().equals(table)).findFirst();
    }
}
