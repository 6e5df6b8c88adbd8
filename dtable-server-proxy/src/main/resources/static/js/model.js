// The base as the page holds it, and the operations on it. Operations have the shapes the node logs
// (docs/api.md: cells by column key, select cells as option ids). apply() changes the model and returns
// the operation that undoes it (a local-only inverse, used to roll back a refused edit and to replay
// pending edits on top of others' operations). A throw means the operation does not fit the base.

export class BaseModel {
  constructor(doc) {
    this.version = doc.version || 0;
    this.tables = (doc.tables || []).map(t => ({
      _id: t._id, name: t.name,
      columns: (t.columns || []).map(c => ({ key: c.key, name: c.name, type: c.type, data: c.data || null })),
      rows: t.rows || [],
    }));
    this.tables.forEach(reindex);
  }

  table(id) {
    const table = this.tables.find(t => t._id === id);
    if (!table) { throw refusal('table_not_found', 'no table ' + id); }
    return table;
  }

  tableByName(name) { return this.tables.find(t => t.name === name); }

  /** Applies one operation; returns its inverse. */
  apply(op) {
    const apply = APPLY[op.op_type];
    if (!apply) { throw refusal('unsupported', 'the page cannot apply ' + op.op_type); }
    return apply(this, op);
  }
}

export function refusal(type, message) {
  const e = new Error(message);
  e.errorType = type;
  return e;
}

function reindex(table) {
  table.byId = new Map();
  for (const row of table.rows) { table.byId.set(row._id, row); }
}

function row(table, id) {
  const r = table.byId.get(id);
  if (!r) { throw refusal('row_not_found', 'the row was deleted'); }
  return r;
}

function column(table, key) {
  const c = table.columns.find(c => c.key === key);
  if (!c) { throw refusal('column_not_found', 'the column was deleted'); }
  return c;
}

function insertAt(table, op, rows) {
  let index = table.rows.length;
  if (op.row_id) {
    const anchor = table.rows.indexOf(row(table, op.row_id));
    index = op.row_insert_position === 'insert_above' ? anchor : anchor + 1;
  }
  table.rows.splice(index, 0, ...rows);
  rows.forEach(r => table.byId.set(r._id, r));
}

function removeRow(table, id) {
  const r = row(table, id);
  const index = table.rows.indexOf(r);
  table.rows.splice(index, 1);
  table.byId.delete(id);
  return { op_type: '_restore_rows', table_id: table._id, rows: [{ index, row: r }] };
}

function modify(r, updated) {
  const old = {};
  for (const [key, value] of Object.entries(updated)) {
    if (key === '_mtime' || key === '_last_modifier') { continue; }
    old[key] = r[key] === undefined ? null : r[key];
    if (value === null) { delete r[key]; } else { r[key] = value; }
  }
  if (updated._mtime) { r._mtime = updated._mtime; }
  return old;
}

const APPLY = {
  insert_row(m, op) {
    const table = m.table(op.table_id);
    if (table.byId.has(op.row_data._id)) { throw refusal('duplicate_row', 'row exists'); }
    insertAt(table, op, [{ ...op.row_data }]);
    return { op_type: 'delete_row', table_id: table._id, row_id: op.row_data._id };
  },
  insert_rows(m, op) {
    const table = m.table(op.table_id);
    if (!op.row_id && Array.isArray(op.row_ids)) {   // SeaTable's client's shape: one anchor per row, in turn
      op.row_datas.forEach((d, i) => {
        if (op.row_ids[i]) {
          insertAt(table, { row_id: op.row_ids[i], row_insert_position: op.row_insert_position }, [{ ...d }]);
        } else {                                       // as the client's own apply: before the last row
          const r = { ...d };
          table.rows.splice(Math.max(0, table.rows.length - 1), 0, r);
          table.byId.set(r._id, r);
        }
      });
      return { op_type: 'delete_rows', table_id: table._id, row_ids: op.row_datas.map(d => d._id) };
    }
    insertAt(table, op, op.row_datas.map(d => ({ ...d })));
    return { op_type: 'delete_rows', table_id: table._id, row_ids: op.row_datas.map(d => d._id) };
  },
  modify_row(m, op) {
    const table = m.table(op.table_id);
    return { op_type: 'modify_row', table_id: table._id, row_id: op.row_id, updated: modify(row(table, op.row_id), op.updated) };
  },
  modify_rows(m, op) {
    const table = m.table(op.table_id);
    const ids = op.row_ids || Object.keys(op.updated);
    ids.forEach(id => row(table, id));
    const old = {};
    ids.forEach(id => { old[id] = modify(table.byId.get(id), op.updated[id]); });
    return { op_type: 'modify_rows', table_id: table._id, row_ids: ids, updated: old };
  },
  delete_row(m, op) {
    return removeRow(m.table(op.table_id), op.row_id);
  },
  delete_rows(m, op) {
    const table = m.table(op.table_id);
    const ids = [...new Set(op.row_ids)];
    ids.forEach(id => row(table, id));
    const removed = [];
    const gone = new Set(ids);
    table.rows.forEach((r, index) => { if (gone.has(r._id)) { removed.push({ index, row: r }); } });
    table.rows = table.rows.filter(r => !gone.has(r._id));
    ids.forEach(id => table.byId.delete(id));
    return { op_type: '_restore_rows', table_id: table._id, rows: removed };
  },
  _restore_rows(m, op) {
    const table = m.table(op.table_id);
    for (const { index, row: r } of op.rows) {           // ascending indexes: each lands where it was
      table.rows.splice(Math.min(index, table.rows.length), 0, r);
      table.byId.set(r._id, r);
    }
    return { op_type: 'delete_rows', table_id: table._id, row_ids: op.rows.map(x => x.row._id) };
  },
  insert_column(m, op) {
    const table = m.table(op.table_id);
    // the node's shape names the new column; SeaTable's client's puts it in column_data, after column_key
    const client = op.column_name === undefined && op.column_data && op.column_data.key;
    const c = client ? { key: op.column_data.key, name: op.column_data.name, type: op.column_data.type, data: op.column_data.data || null }
      : { key: op.column_key, name: op.column_name, type: op.column_type, data: op.column_data || null };
    if (table.columns.some(x => x.key === c.key)) { throw refusal('duplicate_column', 'column key in use'); }
    const anchor = client ? table.columns.findIndex(x => x.key === op.column_key) : -1;
    table.columns.splice(anchor < 0 ? table.columns.length : anchor + 1, 0, c);
    return { op_type: 'delete_column', table_id: table._id, column_key: c.key };
  },
  rename_column(m, op) {
    const c = column(m.table(op.table_id), op.column_key);
    const old = c.name;
    c.name = op.new_column_name;
    return { op_type: 'rename_column', table_id: op.table_id, column_key: c.key, new_column_name: old };
  },
  delete_column(m, op) {
    const table = m.table(op.table_id);
    const c = column(table, op.column_key);
    const index = table.columns.indexOf(c);
    const values = [];
    for (const r of table.rows) {
      if (r[c.key] !== undefined) { values.push([r._id, r[c.key]]); delete r[c.key]; }
    }
    table.columns.splice(index, 1);
    return { op_type: '_restore_column', table_id: table._id, index, column: c, values };
  },
  _restore_column(m, op) {
    const table = m.table(op.table_id);
    table.columns.splice(op.index, 0, op.column);
    for (const [id, value] of op.values) {
      const r = table.byId.get(id);
      if (r) { r[op.column.key] = value; }
    }
    return { op_type: 'delete_column', table_id: table._id, column_key: op.column.key };
  },
  insert_table(m, op) {
    const d = op.table_data;                        // SeaTable's client's shape
    const id = d ? d._id : op.table_id;
    if (m.tables.some(t => t._id === id)) { throw refusal('duplicate_table', 'table id in use'); }
    const columns = d ? d.columns.map(c => ({ key: c.key, name: c.name, type: c.type, data: c.data || null }))
      : (op.columns && op.columns.length ? op.columns : [{ column_key: '0000', column_name: 'Name', column_type: 'text' }])
        .map(c => ({ key: c.column_key, name: c.column_name, type: c.column_type, data: c.column_data || null }));
    const table = { _id: id, name: d ? d.name : op.table_name, columns, rows: [] };
    reindex(table);
    m.tables.push(table);
    return { op_type: 'delete_table', table_id: id };
  },
  rename_table(m, op) {
    const table = m.table(op.table_id);
    const old = table.name;
    table.name = op.new_table_name !== undefined ? op.new_table_name : op.table_name;
    return { op_type: 'rename_table', table_id: table._id, new_table_name: old };
  },
  delete_table(m, op) {
    const table = m.table(op.table_id);
    const index = m.tables.indexOf(table);
    m.tables.splice(index, 1);
    return { op_type: '_restore_table', index, table };
  },
  _restore_table(m, op) {
    m.tables.splice(op.index, 0, op.table);
    return { op_type: 'delete_table', table_id: op.table._id };
  },
};

// Views are not shown here: their operations change nothing the page holds.
for (const op of ['insert_view', 'rename_view', 'delete_view', 'modify_filters', 'modify_sorts',
  'modify_hidden_columns', 'modify_groupbys', '_noop']) {
  APPLY[op] = () => ({ op_type: '_noop' });
}

// Ids the page chooses itself, so a resent operation is recognisable and cannot create twice.
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function newRowId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function newShortId(taken) {
  for (;;) {
    const bytes = crypto.getRandomValues(new Uint8Array(4));
    const id = Array.from(bytes, b => ALPHABET[b % ALPHABET.length]).join('');
    if (!taken.has(id)) { return id; }
  }
}

export function newBaseUuid() {
  if (crypto.randomUUID) { return crypto.randomUUID(); }
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, x => x.toString(16).padStart(2, '0')).join('');
  return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
}
