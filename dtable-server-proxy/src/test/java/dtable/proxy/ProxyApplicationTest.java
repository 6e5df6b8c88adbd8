package dtable.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProxyApplicationTest {

    @ParameterizedTest(name = "{0} cores -> {1} event loops")
    @CsvSource({"1, 1", "2, 1", "3, 1", "4, 2", "5, 2", "16, 8", "64, 32"})
    void runsOneEventLoopPerTwoCoresAndAtLeastOne(int cores, int loops) {
        assertThat(ProxyApplication.eventLoopsFor(cores)).isEqualTo(loops);
    }
}
