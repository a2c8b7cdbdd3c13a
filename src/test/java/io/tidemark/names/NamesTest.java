package io.tidemark.names;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class NamesTest {

    /** The invisible characters of issue 9, and a few more of their categories. */
    @ParameterizedTest(name = "{displayName} [U+{0}]")
    @ValueSource(strings = {"00A0", "2007", "202F", "200B", "200C", "200D", "2060", "FEFF", "202A", "202B", "202C",
            "202D", "202E", "2066", "2067", "2068", "2069", "2028", "2029", "0000", "0009", "001F", "007F", "0085",
            "00AD", "3000", "1680", "E000", "FFFD", "D800", "0378"})
    void rejectsInvisibleCharactersInsideANameByCodePoint(String hex) {
        String c = new String(Character.toChars(Integer.parseInt(hex, 16)));

        String problem = Names.problem("boiler" + c + "7");

        assertThat(problem).startsWith("contains U+" + hex).contains("at position 6").doesNotContain(c);
        assertThat(Names.characterProblem("boiler-" + c)).startsWith("contains U+" + hex);
    }

    @ParameterizedTest(name = "{displayName} [{0}]")
    @ValueSource(strings = {"\u00A0", "\u2007\u202F", " ", "   ", " \u3000 ", "\u0301", "\u00A0\u0301"})
    void rejectsNamesWithoutAVisibleCharacterAsBlank(String name) {
        assertThat(Names.problem(name)).startsWith("must not be blank");
    }

    @ParameterizedTest(name = "{displayName} [{0}]")
    @ValueSource(strings = {"Kessel-Süd", "温度", "boiler 7", " boiler-7 ", "température-🌡", "e\u0301", "a/b:c=d",
            "x", "*", "Ελληνικά", "ボイラー", "مرجل"})
    void acceptsVisibleNamesInAnyScript(String name) {
        assertThat(Names.problem(name)).isNull();
        assertThat(Names.characterProblem(name)).isNull();
    }

    @ParameterizedTest(name = "{displayName} [{0}]")
    @CsvSource(delimiter = '|', value = {
            "boiler\u200B|contains U+200B ZERO WIDTH SPACE at position 6: an invisible format character",
            "a\u00A0b|contains U+00A0 NO-BREAK SPACE at position 1: the only space a name may contain is U+0020",
            "\u202Eevil|contains U+202E RIGHT-TO-LEFT OVERRIDE at position 0: an invisible format character",
            "\u0378|contains U+0378 at position 0: not an assigned character"})
    void explainsWhatIsWrongWithoutShowingIt(String name, String message) {
        assertThat(Names.problem(name)).isEqualTo(message);
    }

    @ParameterizedTest(name = "{displayName} [{0}]")
    @ValueSource(ints = {1, 200})
    void acceptsOneToTwoHundredCodePoints(int length) {
        assertThat(Names.problem("🌡".repeat(length))).isNull();
        assertThat(Names.problem("🌡".repeat(length + 200))).startsWith("is " + (length + 200) + " characters long");
        assertThat(Names.problem("")).isEqualTo("must not be empty");
    }
}
