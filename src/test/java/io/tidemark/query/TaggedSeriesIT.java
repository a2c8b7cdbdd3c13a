package io.tidemark.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidemark.testing.RandomSeed;
import io.tidemark.testing.TidemarkServerExtension;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Tags end to end: a series is (sensor, metric, tags); tags reach readings_v, the rollup views, the live rollup
 * functions and the HTTP reads, and filter them, with an index.
 */
@ExtendWith(RandomSeed.class)
class TaggedSeriesIT {
    private static final Instant BASE = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(30, ChronoUnit.MINUTES);
    @RegisterExtension
    static final TidemarkServerExtension server = TidemarkServerExtension.withDefaults();

    @Test
    void eachTagSetIsItsOwnSeriesAndKeyOrderDoesNotMatter() {
        post("""
                [{"sensor":"cpu-a","metric":"usage","tags":{"host":"a","region":"eu"},"value":1},
                 {"sensor":"cpu-a","metric":"usage","tags":{"region":"eu","host":"a"},"value":2},
                 {"sensor":"cpu-a","metric":"usage","tags":{"host":"b","region":"eu"},"value":3},
                 {"sensor":"cpu-a","metric":"usage","tags":{},"value":4},
                 {"sensor":"cpu-a","metric":"usage","value":5}]""");
        assertThat(server.queryLong("SELECT count(*) FROM series WHERE sensor = 'cpu-a'")).isEqualTo(3);
        assertThat(server.queryLong("""
                SELECT sum(value) FROM readings_v WHERE sensor = 'cpu-a' AND tags = '{"host":"a","region":"eu"}'"""))
                .isEqualTo(3);
        assertThat(server.queryLong("SELECT sum(value) FROM readings_v WHERE sensor = 'cpu-a' AND tags = '{}'"))
                .isEqualTo(9);
        assertThat(server.queryLong("""
                SELECT sum(value) FROM readings_v WHERE sensor = 'cpu-a' AND tags @> '{"host":"b"}'"""))
                .isEqualTo(3);
    }

    @Test
    void theTagFilterOfPlainSqlCanUseTheGinIndex() throws SQLException {
        post("[{\"sensor\":\"gin-1\",\"tags\":{\"host\":\"z\"},\"value\":1}]");
        try (Connection c = server.database().connect(); Statement s = c.createStatement()) {
            s.execute("SET enable_seqscan = off");
            StringBuilder plan = new StringBuilder();
            try (ResultSet rs = s.executeQuery("EXPLAIN SELECT id FROM series WHERE tags @> '{\"host\":\"z\"}'")) {
                while (rs.next()) plan.append(rs.getString(1)).append('\n');
            }
            assertThat(plan.toString()).contains("series_tags");
        }
    }

    @Test
    void seriesListingShowsTagsAndFiltersByThem() {
        post("""
                [{"sensor":"list-1","metric":"m","tags":{"host":"a","dc":"x"},"value":1},
                 {"sensor":"list-1","metric":"m","tags":{"host":"b","dc":"x"},"value":1},
                 {"sensor":"list-1","metric":"m","value":1},
                 {"sensor":"list-2","metric":"m","tags":{"host":"a"},"value":1}]""");
        JsonNode all = server.getJson("/api/v1/series?prefix=list-");
        assertThat(all.get("series")).hasSize(4);
        assertThat(all.get("series").get(0).get("tags").toString()).isEqualTo("{}");
        JsonNode hostA = server.getJson("/api/v1/series?prefix=list-&tags=" + url("{\"host\":\"a\"}"));
        assertThat(hostA.get("series")).extracting(n -> n.get("sensor").asText() + n.get("tags"))
                .containsExactly("list-1{\"dc\":\"x\",\"host\":\"a\"}", "list-2{\"host\":\"a\"}");
        // Pages of one series each still visit all four, in order, once.
        List<String> paged = new ArrayList<>();
        String next = null;
        do {
            JsonNode page = server.getJson("/api/v1/series?prefix=list-&limit=1"
                    + (next == null ? "" : "&after=" + next));
            page.get("series").forEach(n -> paged.add(n.get("id").asText()));
            next = page.get("next").isNull() ? null : page.get("next").asText();
        } while (next != null);
        assertThat(paged).hasSize(4).doesNotHaveDuplicates();
    }

    @Test
    void rawReadingsNameTheirSeriesExactlyByItsTags() {
        Instant ts = BASE.plusSeconds(7);
        post("[{\"sensor\":\"raw-1\",\"tags\":{\"host\":\"a\"},\"ts\":\"" + ts + "\",\"value\":11},"
                + "{\"sensor\":\"raw-1\",\"ts\":\"" + ts + "\",\"value\":22}]");
        String range = "&from=" + url(BASE.toString());
        JsonNode tagged = server.getJson("/api/v1/readings?sensor=raw-1&tags=" + url("{\"host\":\"a\"}") + range);
        assertThat(tagged.get("tags").toString()).isEqualTo("{\"host\":\"a\"}");
        assertThat(tagged.get("readings").get(0).get("value").asDouble()).isEqualTo(11);
        JsonNode plain = server.getJson("/api/v1/readings?sensor=raw-1" + range);
        assertThat(plain.has("tags")).isFalse();
        assertThat(plain.get("readings").get(0).get("value").asDouble()).isEqualTo(22);
        HttpResponse<String> unknown = server.get("/api/v1/readings?sensor=raw-1&tags=" + url("{\"host\":\"q\"}"));
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("tags {\\\"host\\\":\\\"q\\\"}");
        HttpResponse<String> bad = server.get("/api/v1/readings?sensor=raw-1&tags=" + url("[\"host\"]"));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("\"parameter\":\"tags\"", "must be a JSON object of string values");
    }

    @Test
    void silentSensorsSaysTheTagsOfASilentSeries() {
        Instant old = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MINUTES);
        post("[{\"sensor\":\"quiet-1\",\"tags\":{\"host\":\"h9\"},\"ts\":\"" + old + "\",\"value\":1}]");
        assertThat(server.admin("POST", "/admin/jobs/rollup_1m/run", null).statusCode()).isBetween(200, 299);
        assertThat(server.admin("POST", "/admin/jobs/silent_sensors/run", null).statusCode()).isBetween(200, 299);
        assertThat(server.queryLong("""
                SELECT count(*) FROM silent_sensors WHERE sensor = 'quiet-1' AND tags = '{"host":"h9"}'"""))
                .isEqualTo(1);
    }

    /**
     * Random readings on random tag sets, some of them late (behind the watermark, after a job run): for every tag
     * filter the live rollup, over HTTP and in SQL, equals the aggregate computed from scratch out of readings_v.
     */
    @Test
    void liveRollupsFilteredByTagsEqualTheAggregateFromScratch(Random random) throws Exception {
        String[] hosts = {"a", "b", "c"};
        String[] regions = {"eu", "us"};
        postRandom(random, hosts, regions, 300);
        HttpResponse<String> run = server.admin("POST", "/admin/jobs/rollup_1m/run", null);
        assertThat(run.statusCode()).isBetween(200, 299);
        postRandom(random, hosts, regions, 100); // late: behind the watermark the run left
        for (String filter : List.of("{\"host\":\"a\"}", "{\"region\":\"us\"}", "{\"host\":\"b\",\"region\":\"eu\"}",
                "{}")) {
            Map<String, String> expected = fromScratch(filter);
            Map<String, String> sql = liveInSql(filter);
            assertThat(sql).as("rollup_1m_live with %s", filter).isEqualTo(expected);
            JsonNode answer = server.getJson("/api/v1/rollups/1m?sensor=rnd&metric=v&from="
                    + url(BASE.toString()) + "&to=" + url(BASE.plus(20, ChronoUnit.MINUTES).toString())
                    + "&tags=" + url(filter));
            Map<String, String> http = new TreeMap<>();
            for (JsonNode s : answer.get("series")) {
                String tags = s.has("tags") ? s.get("tags").toString() : "{}";
                for (JsonNode b : s.get("buckets")) {
                    http.put(tags.replace(" ", "") + " " + Instant.parse(b.get("start").asText()),
                            b.get("count").asLong() + "/" + b.get("sum").asDouble());
                }
            }
            assertThat(http).as("GET /api/v1/rollups/1m with %s", filter).isEqualTo(expected);
        }
    }

    private void postRandom(Random random, String[] hosts, String[] regions, int n) {
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            Instant ts = BASE.plusMillis(random.nextInt(20 * 60_000));
            String tags = switch (random.nextInt(4)) {
                case 0 -> "{}";
                case 1 -> "{\"host\":\"" + hosts[random.nextInt(3)] + "\"}";
                default -> "{\"region\":\"" + regions[random.nextInt(2)] + "\",\"host\":\""
                        + hosts[random.nextInt(3)] + "\"}";
            };
            body.append(i == 0 ? "" : ",").append("{\"sensor\":\"rnd\",\"metric\":\"v\",\"tags\":").append(tags)
                    .append(",\"ts\":\"").append(ts).append("\",\"value\":").append(random.nextInt(1000)).append('}');
        }
        post(body.append(']').toString());
    }

    private static Map<String, String> fromScratch(String filter) throws SQLException {
        return rows("""
                SELECT tags::text, date_bin('1 minute', ts, TIMESTAMPTZ 'epoch'), count(*), sum(value)
                FROM readings_v WHERE sensor = 'rnd' AND metric = 'v' AND tags @> ?::jsonb
                GROUP BY 1, 2""", filter);
    }

    private static Map<String, String> liveInSql(String filter) throws SQLException {
        return rows("SELECT tags::text, bucket, count, sum FROM rollup_1m_live('rnd', 'v', '" + BASE + "', '"
                + BASE.plus(20, ChronoUnit.MINUTES) + "', ?::jsonb)", filter);
    }

    private static Map<String, String> rows(String sql, String filter) throws SQLException {
        Map<String, String> out = new TreeMap<>();
        try (Connection c = server.database().connect(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, filter);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1).replace(" ", "") + " " + rs.getObject(2, java.time.OffsetDateTime.class)
                            .toInstant(), rs.getLong(3) + "/" + rs.getDouble(4));
                }
            }
        }
        return out;
    }

    private static void post(String json) {
        HttpResponse<String> answer = server.api().postJson(json);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    }

    private static String url(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
