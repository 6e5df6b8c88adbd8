package dtable.core.etcd;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records what a {@link NodeRegistration} reported, in order, with the monotonic time of each call. */
final class RecordingRegistrationListener implements RegistrationListener {

    /** One callback: {@code leaseId} for onRegistered, {@code reason} for onLeaseLost. */
    record Event(String type, long leaseId, String reason, long atNanos) {
    }

    final List<Event> events = new CopyOnWriteArrayList<>();

    @Override
    public void onRegistered(long leaseId) {
        events.add(new Event("registered", leaseId, null, System.nanoTime()));
    }

    @Override
    public void onLeaseLost(String reason) {
        events.add(new Event("lost", 0, reason, System.nanoTime()));
    }

    List<Event> registrations() {
        return events.stream().filter(e -> e.type().equals("registered")).toList();
    }

    List<Event> losses() {
        return events.stream().filter(e -> e.type().equals("lost")).toList();
    }
}
