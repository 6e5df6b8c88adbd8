/**
 * The base document and its operation engine (SPEC §2, §6), shared by dtable-server and the slave.
 * No Spring, no I/O besides streams handed in, no locks: a {@link dtable.model.Base} is owned by one
 * thread at a time and the caller serializes.
 *
 * <h2>Flow</h2>
 * {@code Base.prepare(raw, context)} validates a client's raw operation and returns the
 * {@link dtable.model.Operation} to log (table by {@code table_id}, cells by column key, select
 * cells by option id, every id and time chosen filled in); {@code Base.apply(operation)} carries it
 * out; {@code Base.replay(loggedJson)} does the same for an operation read back from
 * {@code operation_log}. {@code apply} and {@code replay} re-read the logged JSON through the same
 * code path, so what the owner applied is exactly what a follower or a reloading node replays.
 *
 * <h2>Decisions where the brief left a choice</h2>
 * <ul>
 *   <li><b>Ids.</b> The first table of a base and the first column of a table get {@code "0000"};
 *       later ones 4 random letters/digits drawn from the context's generator (as SeaTable; random
 *       rather than a counter so that a stale client operation naming a deleted table or column does
 *       not hit a new one that reused its id). Row ids are 22-character URL-safe base64 of 16 random
 *       bytes. A client may propose a well-formed, unused {@code _id}, {@code table_id} or
 *       {@code column_key} (SeaTable's browser client does); otherwise the server mints one.</li>
 *   <li><b>Columns in raw operations</b>: a cell field is a column key or, when no column has that
 *       key, a column name (names are unique per table, so this never guesses). The log holds keys.
 *       A column to rename/delete/retype is named by {@code column_key} or {@code column_name}.</li>
 *   <li><b>Select cells</b> accept an option id or name (id wins) and are stored and logged as the
 *       option id, so renaming an option keeps the cells; REST views show option names.</li>
 *   <li><b>Errors</b>: unknown table or row 404 ({@code table_not_found}, {@code row_not_found});
 *       unknown column 400 {@code column_not_found}; duplicate table/column/option name 400
 *       {@code duplicate_name}; a bad value 400 {@code invalid_value}; anything else malformed 400
 *       {@code invalid_operation}; REST batches over their limit 400 {@code over_limit}.</li>
 *   <li><b>modify_column_type</b> keeps, converts or clears cells (see {@code CellConversion});
 *       a column that becomes a select column without new options gets one option per distinct
 *       existing text (first 1,000). The logged operation carries the final column data.</li>
 *   <li>The first column of a table cannot be deleted (SeaTable's primary column).</li>
 *   <li>{@code append_rows} is accepted as {@code insert_rows}; {@code insert_rows} may carry an
 *       anchor ({@code row_id}, {@code row_insert_position}) to place the batch together.</li>
 *   <li>Rows get {@code _ctime}/{@code _mtime} from the context; a modify stamps {@code _mtime},
 *       logged as {@code updated._mtime}. Client-sent times are ignored.</li>
 *   <li>Loading is strict about content (unknown column types, cells that do not fit, duplicate
 *       ids) but skips what this subset does not model: views, settings, {@code _creator} and other
 *       {@code _}-fields of rows. Those are therefore not written back.</li>
 * </ul>
 */
package dtable.model;
