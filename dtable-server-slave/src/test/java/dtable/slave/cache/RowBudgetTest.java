package dtable.slave.cache;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RowBudgetTest {

    private static final long GIB = 1L << 30;

    @Test
    void aOneGibHeapCannotHoldTheDefaultTwoMillionRows() {
        long fitting = RowBudget.rowsFitting(GIB);
        assertThat(fitting).isEqualTo(1_288_490L);
        assertThat(RowBudget.effectiveMaxRows(2_000_000, GIB)).isEqualTo(fitting);
    }

    @Test
    void aBoundTheHeapHoldsIsKept() {
        assertThat(RowBudget.effectiveMaxRows(2_000_000, 4 * GIB)).isEqualTo(2_000_000);
        assertThat(RowBudget.effectiveMaxRows(2_000, GIB)).isEqualTo(2_000);
    }

    @Test
    void aTinyHeapStillCachesSomething() {
        assertThat(RowBudget.rowsFitting(100)).isEqualTo(1);
    }
}
