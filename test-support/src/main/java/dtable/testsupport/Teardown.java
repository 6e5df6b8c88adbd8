package dtable.testsupport;

/**
 * How the fixtures and {@code @AfterAll} methods stop what they started: every step runs, in the given
 * order, even when an earlier one fails or a resource was never opened, so that one failed close does not
 * leave an etcd member, a MariaDB or a Spring context running for the next test class.
 */
public final class Teardown {

    private Teardown() {
    }

    /**
     * Closes each of {@code steps} in turn, skipping nulls (what was never started). A step may be a
     * resource or a lambda, e.g. {@code () -> mariadb.afterAll(context)}.
     *
     * @throws Exception the first failure, with the later ones added as suppressed
     */
    public static void closeAll(AutoCloseable... steps) throws Exception {
        Exception first = null;
        for (AutoCloseable step : steps) {
            if (step == null) {
                continue;
            }
            try {
                step.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
