package io.tidemark.names;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tidemark.testing.RandomSeed;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RandomSeed.class)
class TagsTest {
    @Test
    void equalSetsAreEqualWhateverTheOrderTheyArrivedIn(Random random) {
        for (int n = 0; n < 200; n++) {
            List<String[]> pairs = new ArrayList<>();
            int size = random.nextInt(8);
            for (int i = 0; i < size; i++) pairs.add(new String[] {"k" + random.nextInt(1000) + "_" + i, "v" + i});
            Tags.Builder a = new Tags.Builder();
            pairs.forEach(p -> a.add(p[0], p[1]));
            Collections.shuffle(pairs, random);
            Tags.Builder b = new Tags.Builder();
            Map<String, String> map = new LinkedHashMap<>();
            pairs.forEach(p -> {
                b.add(p[0], p[1]);
                map.put(p[0], p[1]);
            });
            Tags first = a.build();
            assertThat(b.build()).isEqualTo(first).hasSameHashCodeAs(first);
            assertThat(Tags.of(map)).isEqualTo(first);
            assertThat(b.build().json()).isEqualTo(first.json());
            assertThat(b.build().compareTo(first)).isZero();
        }
    }

    @Test
    void keysComeOutSortedAndJsonIsAnEscapedObject() throws Exception {
        Tags tags = new Tags.Builder().add("region", "eu \"west\"").add("host", "a\\b").build();
        assertThat(tags.key(0)).isEqualTo("host");
        assertThat(tags.json()).isEqualTo("{\"host\":\"a\\\\b\",\"region\":\"eu \\\"west\\\"\"}");
        assertThat(new ObjectMapper().readValue(tags.json(), Map.class))
                .isEqualTo(Map.of("host", "a\\b", "region", "eu \"west\""));
        assertThat(Tags.parse("{\"region\": \"eu \\\"west\\\"\", \"host\": \"a\\\\b\"}")).isEqualTo(tags);
        assertThat(new ObjectMapper().writeValueAsString(tags)).isEqualTo(tags.json());
    }

    @Test
    void differentSetsDiffer() {
        Tags ab = Tags.of(Map.of("a", "b"));
        assertThat(ab).isNotEqualTo(Tags.of(Map.of("a", "c"))).isNotEqualTo(Tags.of(Map.of("b", "b")))
                .isNotEqualTo(Tags.NONE).isNotEqualTo(Tags.of(Map.of("a", "b", "c", "d")));
        assertThat(ab.compareTo(Tags.NONE)).isPositive();
        assertThat(Tags.of(Map.of())).isSameAs(Tags.NONE);
    }

    @Test
    void containsIsSubsetOfPairsAsPostgresqlsContainment() {
        Tags set = Tags.of(Map.of("cpu", "cpu0", "host", "a", "region", "eu"));
        assertThat(set.contains(Tags.NONE)).isTrue();
        assertThat(set.contains(Tags.of(Map.of("host", "a")))).isTrue();
        assertThat(set.contains(Tags.of(Map.of("cpu", "cpu0", "region", "eu")))).isTrue();
        assertThat(set.contains(set)).isTrue();
        assertThat(set.contains(Tags.of(Map.of("host", "b")))).isFalse();
        assertThat(set.contains(Tags.of(Map.of("host", "a", "zone", "1")))).isFalse();
        assertThat(set.contains(Tags.of(Map.of("aaa", "x")))).isFalse();
        assertThat(Tags.NONE.contains(Tags.of(Map.of("host", "a")))).isFalse();
    }

    @Test
    void reportsARepeatedKeyTooManyTagsAndBadKeysOrValues() {
        assertThat(new Tags.Builder().add("host", "a").add("host", "b").problem())
                .isEqualTo("tag key 'host' appears twice");
        Tags.Builder many = new Tags.Builder();
        for (int i = 0; i <= Tags.MAX_TAGS; i++) many.add("k" + i, "v");
        assertThat(many.problem()).isEqualTo("has 65 tags; at most 64 are allowed");
        assertThat(new Tags.Builder().add("k".repeat(201), "v").problem())
                .startsWith("tag key 'kkk").endsWith("is 201 characters long; at most 200 are allowed");
        assertThat(new Tags.Builder().add("path", "/".repeat(1025)).problem())
                .isEqualTo("value of tag 'path' is 1025 characters long; at most 1024 are allowed");
        assertThat(new Tags.Builder().add("path", "/".repeat(1024)).problem()).isNull();
        assertThat(new Tags.Builder().add("host", "").problem()).isEqualTo("value of tag 'host' must not be empty");
        assertThat(new Tags.Builder().add("ho\tst", "a").problem()).contains("U+0009", "a control character");
        assertThat(Tags.problem(Map.of("host", "a\u200Bb"))).contains("U+200B");
    }
}
