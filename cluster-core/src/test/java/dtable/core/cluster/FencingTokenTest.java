package dtable.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class FencingTokenTest {

    @Test
    void numericOrderIsTheLexicographicOrderOfGenerationThenRevision() {
        Random random = new Random(19);
        for (int i = 0; i < 100_000; i++) {
            long g1 = random.nextInt(1000);
            long g2 = random.nextInt(1000);
            long r1 = random.nextLong(FencingToken.MAX_REVISION + 1);
            long r2 = random.nextLong(FencingToken.MAX_REVISION + 1);
            int tuple = g1 != g2 ? Long.compare(g1, g2) : Long.compare(r1, r2);
            assertThat(Integer.signum(Long.compare(FencingToken.of(g1, r1), FencingToken.of(g2, r2))))
                    .isEqualTo(Integer.signum(tuple));
        }
    }

    @Test
    void theLowestTokenOfAGenerationBeatsTheHighestOfEveryEarlierOne() {
        assertThat(FencingToken.of(2, 1)).isGreaterThan(FencingToken.of(1, FencingToken.MAX_REVISION));
        assertThat(FencingToken.of(1, 1)).isGreaterThan(FencingToken.MAX_REVISION); // a bare revision is generation 0
        assertThat(FencingToken.of(FencingToken.MAX_GENERATION, FencingToken.MAX_REVISION)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void partsRoundTripAndOutOfRangeIsRefused() {
        long token = FencingToken.of(7, 123_456);
        assertThat(FencingToken.generation(token)).isEqualTo(7);
        assertThat(FencingToken.revision(token)).isEqualTo(123_456);
        assertThat(FencingToken.toString(token)).isEqualTo("g7/r123456");
        assertThat(FencingToken.of(0, 95)).isEqualTo(95);
        assertThatThrownBy(() -> FencingToken.of(1, FencingToken.MAX_REVISION + 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FencingToken.of(-1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FencingToken.of(FencingToken.MAX_GENERATION + 1, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
