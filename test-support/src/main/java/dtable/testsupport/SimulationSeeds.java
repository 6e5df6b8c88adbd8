package dtable.testsupport;

import java.util.ArrayList;
import java.util.List;

/**
 * The seeds a seeded simulation runs: the one named by a system property (to replay a failure), or
 * {@code count} seeds spread by {@code step}.
 */
public final class SimulationSeeds {

    private SimulationSeeds() {
    }

    /** {@code -D<property>=<seed>} replays that seed alone; otherwise {@code step, 2·step, …, count·step}. */
    public static List<Long> of(String property, int count, long step) {
        Long only = Long.getLong(property);
        if (only != null) {
            return List.of(only);
        }
        List<Long> seeds = new ArrayList<>(count);
        for (long s = 1; s <= count; s++) {
            seeds.add(s * step);
        }
        return seeds;
    }

    /** Whether {@code -D<property>} asks for one seed (then the "interesting events happened" checks do not apply). */
    public static boolean replaying(String property) {
        return Long.getLong(property) != null;
    }
}
