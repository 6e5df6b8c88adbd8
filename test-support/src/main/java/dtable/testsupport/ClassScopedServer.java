package dtable.testsupport;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A server started before the first test of a class and closed after the last: the lifecycle shared by
 * {@link EtcdExtension} and {@link MariaDbExtension}. Register the extension on a <em>static</em> field.
 * The accessor may be called from any thread.
 *
 * @param <T> what {@link #open()} starts
 */
abstract class ClassScopedServer<T extends AutoCloseable> implements BeforeAllCallback, AfterAllCallback {

    private final String description;
    private volatile T server;

    /** @param description what runs, for the message when it is used outside the class's lifecycle */
    ClassScopedServer(String description) {
        this.description = description;
    }

    /** Starts the server (aborting the class's tests when it cannot run here). */
    protected abstract T open();

    @Override
    public final void beforeAll(ExtensionContext context) {
        server = open();
    }

    @Override
    public final void afterAll(ExtensionContext context) throws Exception {
        T running = server;
        server = null;
        if (running != null) {
            running.close();
        }
    }

    /** The running server. */
    protected final T running() {
        T running = server;
        if (running == null) {
            throw new IllegalStateException(description + " is not running: register " + getClass().getSimpleName()
                    + " on a static field with @RegisterExtension and use it inside the test class's lifecycle");
        }
        return running;
    }
}
