package io.tidemark.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.testing.RandomSeed;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RandomSeed.class)
class GlobTest {
    @Test
    void starMatchesAnyRunAndQuestionMarkOneCharacter() {
        assertThat(Glob.of("boiler-*").matches("boiler-7")).isTrue();
        assertThat(Glob.of("boiler-*").matches("boiler-")).isTrue();
        assertThat(Glob.of("boiler-*").matches("boiler")).isFalse();
        assertThat(Glob.of("*-7").matches("boiler-7")).isTrue();
        assertThat(Glob.of("b*r-?").matches("boiler-7")).isTrue();
        assertThat(Glob.of("b*r-?").matches("boiler-77")).isFalse();
        assertThat(Glob.of("boiler-7").matches("boiler-7")).isTrue();
        assertThat(Glob.of("boiler-7").matches("boiler-70")).isFalse();
        assertThat(Glob.of("*").matches("anything")).isTrue();
        assertThat(Glob.of("**").matchesAll()).isTrue();
    }

    @Test
    void questionMarkMatchesOneCharacterOutsideTheBasicPlane() {
        assertThat(Glob.of("pump-?").matches("pump-\uD83C\uDF0A")).isTrue();
    }

    @Test
    void sqlLikeEscapesLikeWildcardsAndKeepsGlobOnes() {
        assertThat(Glob.of("a_b%c\\d*e?").toSqlLike()).isEqualTo("a\\_b\\%c\\\\d%e_");
    }

    @Test
    void agreesWithARegularExpressionOnRandomPatterns(Random random) {
        String[] patternAlphabet = {"a", "b", "*", "?", "\uD83C\uDF0A"};
        String[] nameAlphabet = {"a", "b", "\uD83C\uDF0A"};
        for (int n = 0; n < 20_000; n++) {
            String pattern = random(random, patternAlphabet, 1 + random.nextInt(6));
            String name = random(random, nameAlphabet, random.nextInt(8));
            assertThat(Glob.of(pattern).matches(name))
                    .as("glob '%s' against '%s'", pattern, name)
                    .isEqualTo(reference(pattern).matcher(name).matches());
        }
    }

    private static String random(Random random, String[] alphabet, int length) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) s.append(alphabet[random.nextInt(alphabet.length)]);
        return s.toString();
    }

    private static Pattern reference(String glob) {
        StringBuilder regex = new StringBuilder();
        glob.codePoints().forEach(c -> regex.append(c == '*' ? ".*" : c == '?' ? "."
                : Pattern.quote(new String(Character.toChars(c)))));
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }
}
