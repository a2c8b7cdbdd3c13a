package io.tidemark.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.testing.RandomSeed;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(RandomSeed.class)
class FeedPositionTest {
    /** The largest row a position's text may name: 18 digits, far beyond what the feed's sequence will reach. */
    private static final long MAX_ROW = 999_999_999_999_999_999L;

    @Test
    void parsesARowAloneAsTheWholeRowAndRowDotIndexAsOneEvent() {
        assertThat(FeedPosition.parse("1234")).isEqualTo(FeedPosition.afterRow(1234))
                .isEqualTo(new FeedPosition(1234, FeedPosition.WHOLE_ROW));
        assertThat(FeedPosition.parse("1234.17")).isEqualTo(new FeedPosition(1234, 17));
        assertThat(FeedPosition.parse("0")).isEqualTo(FeedPosition.START);
        assertThat(FeedPosition.parse("7.0")).isEqualTo(new FeedPosition(7, 0));
        assertThat(FeedPosition.parse("007.010")).as("leading zeros are still decimal").isEqualTo(
                new FeedPosition(7, 10));
        assertThat(FeedPosition.parse("999999999999999999.999999999"))
                .isEqualTo(new FeedPosition(999_999_999_999_999_999L, 999_999_999));
    }

    @Test
    void formatsAsItParses() {
        assertThat(FeedPosition.afterRow(1234)).hasToString("1234");
        assertThat(new FeedPosition(1234, 17)).hasToString("1234.17");
        assertThat(new FeedPosition(1, 0)).hasToString("1.0");
        assertThat(FeedPosition.START).hasToString("0");
    }

    @Test
    void roundTripsThroughItsText(Random random) {
        for (int i = 0; i < 10_000; i++) {
            FeedPosition p = random(random);
            assertThat(FeedPosition.parse(p.toString())).as("%s", p).isEqualTo(p);
        }
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"", "abc", "1.", ".1", ".", "-1", "1.-2", "1.2.3", " 1", "1 ", "+1", "1e3", "0x1F",
        "1,5", "1.x", "1234567890123456789", "1.1234567890", "\u0661\u0662", "12.\u0663"})
    void rejectsWhatIsNotAPositionNamingIt(String text) {
        assertThatThrownBy(() -> FeedPosition.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ROW.INDEX").hasMessageContaining("'" + text + "'");
    }

    @Test
    void rowAndIndexAreNeverNegative() {
        assertThatThrownBy(() -> new FeedPosition(-1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FeedPosition(1, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FeedPosition.afterRow(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aPositionInsideARowPrecedesTheRestOfTheRowAndLaterRows() {
        FeedPosition p = new FeedPosition(5, 2);
        assertThat(p.precedes(5, 3)).isTrue();
        assertThat(p.precedes(5, 2)).as("the event it stands after").isFalse();
        assertThat(p.precedes(5, 0)).isFalse();
        assertThat(p.precedes(6, 0)).isTrue();
        assertThat(p.precedes(4, 9)).isFalse();
    }

    @Test
    void aWholeRowPrecedesOnlyLaterRows() {
        FeedPosition p = FeedPosition.afterRow(5);
        assertThat(p.precedes(5, 0)).isFalse();
        assertThat(p.precedes(5, 1_000_000)).isFalse();
        assertThat(p.precedes(6, 0)).isTrue();
        assertThat(FeedPosition.START.precedes(1, 0)).as("START precedes the first row").isTrue();
    }

    @Test
    void ordersEventsOfARowBeforeTheWholeRowAndRowsByPosition() {
        List<FeedPosition> ordered = List.of(FeedPosition.START, new FeedPosition(5, 0), new FeedPosition(5, 2),
                new FeedPosition(5, 10), FeedPosition.afterRow(5), new FeedPosition(6, 0), FeedPosition.afterRow(6),
                new FeedPosition(10_000_000_000L, 0));
        List<FeedPosition> shuffled = new ArrayList<>(ordered);
        Collections.shuffle(shuffled, new Random(1));
        Collections.sort(shuffled);
        assertThat(shuffled).containsExactlyElementsOf(ordered);
    }

    /** A position precedes an event exactly when it sorts before that event's own position. */
    @Test
    void precedesAgreesWithTheOrder(Random random) {
        for (int i = 0; i < 100_000; i++) {
            FeedPosition p = random(random);
            long row = Math.max(0, p.row() + random.nextInt(3) - 1);
            int index = random.nextInt(12);
            assertThat(p.precedes(row, index)).as("%s precedes %d.%d", p, row, index)
                    .isEqualTo(p.compareTo(new FeedPosition(row, index)) < 0);
        }
    }

    @Test
    void compareIsConsistentWithEquals(Random random) {
        for (int i = 0; i < 10_000; i++) {
            FeedPosition a = random(random);
            FeedPosition b = random.nextBoolean() ? new FeedPosition(a.row(), a.index()) : random(random);
            assertThat(a.compareTo(b) == 0).as("%s vs %s", a, b).isEqualTo(a.equals(b));
            assertThat(Integer.signum(a.compareTo(b))).isEqualTo(-Integer.signum(b.compareTo(a)));
        }
    }

    /** Small rows and indexes, so that neighbours and equal rows are common; sometimes a whole row. */
    private static FeedPosition random(Random random) {
        long row = random.nextInt(10) == 0 ? Math.floorMod(random.nextLong(), MAX_ROW + 1) : random.nextInt(8);
        int index = random.nextInt(4) == 0 ? FeedPosition.WHOLE_ROW : random.nextInt(10);
        return new FeedPosition(row, index);
    }
}
