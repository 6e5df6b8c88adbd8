package dtable.monitor.dashboard;

import dtable.monitor.ClusterMonitor;
import dtable.monitor.api.ClusterViewAssembler;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Pushes the cluster view to every dashboard as a Server-Sent Event named {@code cluster} whenever the
 * watch snapshot or the leadership changes (bursts coalesce into one send), plus a comment every 15 s
 * so dead connections are noticed.
 *
 * <p>Thread rules: snapshot and leadership listeners only flag a pending send; building the view (which
 * may read the leader from etcd) and writing to the emitters happen on the single {@code monitor-sse}
 * thread, so the watcher's listener thread is never blocked by a slow browser.
 */
@Component
public class ClusterEventStream implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ClusterEventStream.class);
    private static final Duration EMITTER_TIMEOUT = Duration.ofMinutes(30);

    private final ClusterViewAssembler assembler;
    private final Set<SseEmitter> emitters = new CopyOnWriteArraySet<>();
    private final AtomicBoolean pending = new AtomicBoolean();
    private final ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("monitor-sse").daemon(true).factory());
    private volatile boolean running;

    public ClusterEventStream(ClusterMonitor monitor, ClusterViewAssembler assembler) {
        this.assembler = assembler;
        monitor.addSnapshotListener(snapshot -> requestBroadcast());
        monitor.leadership().addListener(change -> requestBroadcast());
        // the leader records its moves just after the write, possibly after the watch showed it
        monitor.history().addListener(this::requestBroadcast);
        sender.scheduleWithFixedDelay(this::heartbeat, 15, 15, TimeUnit.SECONDS);
    }

    /** Registers a new subscriber and sends it the current view at once. */
    public SseEmitter subscribe() {
        SseEmitter emitter = new SseEmitter(EMITTER_TIMEOUT.toMillis());
        emitter.onCompletion(() -> emitters.remove(emitter));
        emitter.onTimeout(() -> emitters.remove(emitter));
        emitter.onError(e -> emitters.remove(emitter));
        emitters.add(emitter);
        sender.execute(() -> send(emitter, assembler.view()));
        return emitter;
    }

    public int subscribers() {
        return emitters.size();
    }

    private void requestBroadcast() {
        if (pending.compareAndSet(false, true)) {
            try {
                sender.execute(this::broadcast);
            } catch (java.util.concurrent.RejectedExecutionException ignored) {
                // stopping
            }
        }
    }

    private void broadcast() {
        pending.set(false);
        if (emitters.isEmpty()) {
            return;
        }
        Map<String, Object> view;
        try {
            view = assembler.view();
        } catch (RuntimeException e) {
            log.warn("cannot build the cluster view: {}", e.toString());
            return;
        }
        emitters.forEach(emitter -> send(emitter, view));
    }

    private void send(SseEmitter emitter, Map<String, Object> view) {
        try {
            emitter.send(SseEmitter.event().name("cluster").id(String.valueOf(view.get("revision")))
                    .data(view, MediaType.APPLICATION_JSON));
        } catch (IOException | IllegalStateException e) {
            emitters.remove(emitter);
        }
    }

    private void heartbeat() {
        for (SseEmitter emitter : emitters) {
            try {
                emitter.send(SseEmitter.event().comment("keep-alive"));
            } catch (IOException | IllegalStateException e) {
                emitters.remove(emitter);
            }
        }
    }

    @Override
    public void start() {
        running = true;
    }

    /** Ends every stream before the web server's graceful shutdown waits for open requests. */
    @Override
    public void stop() {
        running = false;
        emitters.forEach(SseEmitter::complete);
        emitters.clear();
        sender.shutdownNow();
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
