package dtable.core.assign;

import java.util.NoSuchElementException;

/**
 * A binary min-heap of eligible nodes keyed by (rank, node index), packed into one {@code long}
 * each so a call over 1,000 nodes allocates no boxes and builds its heap in linear time.
 *
 * <p>Node indexes are positions in the id-sorted eligible array, so "smallest index" means
 * "smallest node id": ties are broken by node id for free. Callers choose the rank: the bucket
 * count for "least loaded first", its negation for "most loaded first".
 *
 * <p>Not thread-safe; one instance lives inside one {@link BucketAssigner#assign} call.
 */
final class NodeLoadQueue {

    private final long[] heap;
    private int size;

    NodeLoadQueue(int capacity) {
        this.heap = new long[capacity];
    }

    /** Adds without restoring heap order; call {@link #heapify()} before the first {@link #poll()}. */
    void addUnordered(int rank, int node) {
        heap[size++] = key(rank, node);
    }

    void heapify() {
        for (int i = (size >>> 1) - 1; i >= 0; i--) {
            siftDown(i);
        }
    }

    void add(int rank, int node) {
        heap[size] = key(rank, node);
        siftUp(size++);
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Removes the node with the smallest rank (then the smallest index) and returns its index. */
    int poll() {
        if (size == 0) {
            throw new NoSuchElementException("no node left in the queue");
        }
        int node = (int) heap[0];
        heap[0] = heap[--size];
        siftDown(0);
        return node;
    }

    // Signed rank in the high half, index (never negative) in the low half: long order = (rank, index) order.
    private static long key(int rank, int node) {
        return (long) rank << 32 | node;
    }

    private void siftUp(int i) {
        long key = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (heap[parent] <= key) {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = key;
    }

    private void siftDown(int i) {
        long key = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            if (child + 1 < size && heap[child + 1] < heap[child]) {
                child++;
            }
            if (key <= heap[child]) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = key;
    }
}
