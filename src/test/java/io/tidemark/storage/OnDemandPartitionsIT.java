package io.tidemark.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.testing.Bodies;
import io.tidemark.testing.RandomSeed;
import io.tidemark.testing.Reading;
import io.tidemark.testing.TidemarkServerExtension;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Readings whose partition does not exist yet create it on demand, in the past as in the future, and land in it;
 * there is never a DEFAULT partition to catch them instead. Hourly partitions and no premaking make every hour but the
 * current one "not yet created".
 */
@ExtendWith(RandomSeed.class)
class OnDemandPartitionsIT {
    private static final DateTimeFormatter HOURLY_NAME =
            DateTimeFormatter.ofPattern("'readings_'yyyyMMdd'_'HHmm").withZone(ZoneOffset.UTC);
    @RegisterExtension
    static final TidemarkServerExtension server =
            TidemarkServerExtension.withConfig("partitions:\n  interval: 1h\n  premake: 0\n");

    private static List<String> partitions() {
        return server.database().queryStrings("""
                SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                WHERE i.inhparent = 'readings'::regclass ORDER BY 1""");
    }

    /** Where PostgreSQL put a reading. */
    private record Placement(Instant ts, String partition) {}

    /** The partition PostgreSQL routed each reading of the sensors with {@code prefix} to, by timestamp. */
    private static List<Placement> placements(String prefix) {
        return server.database().queryRows("""
                SELECT to_char(r.ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), r.tableoid::regclass::text
                FROM readings r JOIN series s ON s.id = r.series_id
                WHERE starts_with(s.sensor, '%s') ORDER BY r.ts""".formatted(prefix))
                .stream().map(row -> new Placement(Instant.parse(row.get(0)), row.get(1))).toList();
    }

    private static String partitionName(Instant ts) {
        return HOURLY_NAME.format(ts.truncatedTo(ChronoUnit.HOURS));
    }

    @Test
    void readingTwentyDaysOldCreatesItsPartition() {
        Instant ts = Instant.now().minus(Duration.ofDays(20)).truncatedTo(ChronoUnit.MICROS);
        assertThat(partitions()).doesNotContain(partitionName(ts));

        server.api().postNdjson(List.of(new Reading("old-1", "m", ts, 1.5)));

        assertThat(partitions()).contains(partitionName(ts));
        assertThat(placements("old-1")).containsExactly(new Placement(ts, partitionName(ts)));
        assertThat(server.database().readings("old-1")).containsExactly(new Reading("old-1", "m", ts, 1.5));
    }

    /**
     * Readings 25 days apart lie some 600 hourly partitions apart, more than a batch fills without gaps: only the
     * ones they fall into are made (with years between them the whole range would exhaust PostgreSQL's lock table:
     * 53200 and a 503).
     */
    @Test
    void readingsFarApartCreateOnlyTheirOwnPartitions() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Instant old = now.minus(Duration.ofDays(25));
        List<String> before = partitions();

        HttpResponse<String> answer = server.api().postNdjson(List.of(new Reading("apart-1", "m", old, 1),
                new Reading("apart-1", "m", now, 2)));

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        List<String> made = new ArrayList<>(partitions());
        made.removeAll(before);
        assertThat(made).isSubsetOf(partitionName(old), partitionName(now)).contains(partitionName(old));
        assertThat(placements("apart-1")).containsExactly(new Placement(old, partitionName(old)),
                new Placement(now, partitionName(now)));
    }

    @Test
    void readingsAheadOfTheClockCreateTheirPartitions() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Instant soon = now.plus(Duration.ofMinutes(30));
        Instant nextHour = now.truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
        assertThat(partitions()).doesNotContain(partitionName(nextHour));

        server.api().postNdjson(List.of(new Reading("ahead-1", "m", soon, 1),
                new Reading("ahead-1", "m", nextHour, 2)));

        assertThat(partitions()).contains(partitionName(soon), partitionName(nextHour));
        assertThat(placements("ahead-1")).containsExactlyInAnyOrder(
                new Placement(soon, partitionName(soon)), new Placement(nextHour, partitionName(nextHour)));
    }

    @Test
    void readingsScatteredOverManyDaysEachLandInThePartitionOfTheirHour(Random random) {
        // 21 to 29 days back: hours no other test of this class touches
        Instant oldest = Instant.now().minus(Duration.ofDays(29)).truncatedTo(ChronoUnit.MICROS);
        long spanMicros = Duration.ofDays(8).toNanos() / 1000;
        List<Reading> readings = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            readings.add(new Reading("scatter", "m", oldest.plus(Math.floorMod(random.nextLong(), spanMicros),
                    ChronoUnit.MICROS), i));
        }
        List<String> before = partitions();

        server.api().postNdjson(readings);

        List<Placement> placed = placements("scatter");
        assertThat(placed).extracting(Placement::ts).containsExactlyInAnyOrderElementsOf(
                readings.stream().map(Reading::ts).toList());
        assertThat(placed).allSatisfy(p -> assertThat(p.partition()).isEqualTo(partitionName(p.ts())));
        // A batch gets its whole span covered, so no hour between its oldest and newest reading is left without one.
        List<String> span = new ArrayList<>();
        Instant last = placed.get(placed.size() - 1).ts();
        for (Instant h = placed.get(0).ts().truncatedTo(ChronoUnit.HOURS); !h.isAfter(last); h = h.plusSeconds(3600)) {
            span.add(partitionName(h));
        }
        List<String> created = new ArrayList<>(partitions());
        created.removeAll(before);
        span.removeAll(before);
        assertThat(created).as("partitions created by the request").containsExactlyInAnyOrderElementsOf(span);
    }

    @Test
    void concurrentRequestsNeedingTheSamePartitionAllSucceed() {
        Instant ts = Instant.now().minus(Duration.ofDays(10)).truncatedTo(ChronoUnit.HOURS).plusSeconds(1);
        List<CompletableFuture<HttpResponse<String>>> pending = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            String body = new Reading("same-hour-" + i, "m", ts.plusMillis(i), i).toJson();
            pending.add(server.api().sendAsync(server.api()
                    .readings(body.getBytes(StandardCharsets.UTF_8), "Content-Type", Bodies.JSON).build()));
        }

        assertThat(pending).allSatisfy(f -> assertThat(f.join().statusCode()).as(f.join().body()).isEqualTo(200));
        assertThat(server.database().readings("same-hour-")).hasSize(16);
        assertThat(partitions()).contains(partitionName(ts));
    }

    @Test
    void readingsTableHasNoDefaultPartition() {
        server.api().postNdjson(
                List.of(new Reading("default-check", "m", Instant.now().minus(Duration.ofDays(3)), 1)));

        assertThat(server.queryLong("""
                SELECT partdefid FROM pg_partitioned_table WHERE partrelid = 'readings'::regclass""")).isZero();
        assertThat(server.database().queryStrings("""
                SELECT pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                WHERE i.inhparent = 'readings'::regclass""")).isNotEmpty().noneMatch(b -> b.contains("DEFAULT"));
    }
}
