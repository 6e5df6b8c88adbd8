package dtable.clustertest;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts one private {@link DevCluster} for the whole test run (the first class that needs it starts it,
 * every later class shares it) and tears it down when the run ends, also after failures: the cluster is
 * kept in the root context's store, which JUnit closes last. Test classes get {@link DevCluster} and
 * {@link ClusterApi} as parameters (constructor, lifecycle or test methods).
 *
 * <p>If {@code bin/dev-cluster up} fails, the copy is torn down at once and every class that asks for it
 * fails with the same error, without trying again.
 */
public final class ClusterExtension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ClusterExtension.class);

    /** What the root store holds: the running cluster, or why it could not start. Closed by JUnit at the end. */
    private record Started(DevCluster cluster, ClusterApi api, RuntimeException failure) implements AutoCloseable {

        @Override
        public void close() {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        started(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == DevCluster.class || type == ClusterApi.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Started started = started(context);
        return parameter.getParameter().getType() == DevCluster.class ? started.cluster() : started.api();
    }

    private static Started started(ExtensionContext context) {
        Started started = context.getRoot().getStore(NAMESPACE)
                .computeIfAbsent(Started.class, key -> start(), Started.class);
        if (started.failure() != null) {
            throw new IllegalStateException("the dev cluster did not start", started.failure());
        }
        return started;
    }

    private static Started start() {
        DevCluster cluster = DevCluster.create(DevCluster.Timings.forTests());
        long began = System.nanoTime();
        try {
            cluster.up();
            ClusterApi api = new ClusterApi(cluster);
            System.out.printf("dev cluster up in %d ms: %s%n", (System.nanoTime() - began) / 1_000_000, cluster);
            return new Started(cluster, api, null);
        } catch (RuntimeException e) {
            cluster.close();
            return new Started(null, null, e);
        }
    }
}
