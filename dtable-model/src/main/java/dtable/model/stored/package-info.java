/**
 * The stored forms of a base, shared by every reader and writer of MySQL: the snapshot framing
 * ({@link dtable.model.stored.SnapshotCodec}), one {@code operation_log} row
 * ({@link dtable.model.stored.LoggedOperation}) and the contiguous walk over the log
 * ({@link dtable.model.stored.ContiguousReplay}). Streams and values only; the JDBC lives in dtable-storage.
 */
package dtable.model.stored;
