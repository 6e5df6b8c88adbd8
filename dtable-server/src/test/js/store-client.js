// Drives SeaTable's own client (dtable-store over socket.io-client) against a node.
// Usage: node store-client.js <scenario>; settings from the environment (SERVER, DTABLE_UUID,
// TOKEN_RW, TOKEN_RW_BOB (another user), TOKEN_R, TRANSPORTS=polling|websocket|default). Prints one JSON line of results.
'use strict';
const path = require('path');
const sioPath = require.resolve('socket.io-client');
const sio = require(sioPath);
const transports = process.env.TRANSPORTS || 'default';
if (transports !== 'default') {
  // the store calls io(server, options) itself: choose the transports for it
  const wrapped = (uri, opts) => sio.io(uri, Object.assign({}, opts, { transports: transports.split(',') }));
  Object.assign(wrapped, sio);
  require.cache[sioPath].exports = wrapped;
}
const { DTableStore, Operation } = require('dtable-store');

const server = process.env.SERVER;
const uuid = process.env.DTABLE_UUID;

function sleep(ms) { return new Promise(r => setTimeout(r, ms)); }
async function until(what, test, ms = 15000) {
  const end = Date.now() + ms;
  while (Date.now() < end) { if (test()) return; await sleep(25); }
  throw new Error('timed out waiting for ' + what);
}
async function openStore(name, token, permission) {
  const store = new DTableStore({ server, dtableUuid: uuid, accessToken: token, lang: 'en', username: name, permission });
  await store.loadDTable();
  store.syncWithServer();
  await until(name + ' connected', () => store.socketConnected);
  return store;
}
function rowId() {
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let id = '';
  for (let i = 0; i < 22; i++) id += abc[Math.floor(Math.random() * abc.length)];
  return id;
}
function settled(store) { return store.pendingOperations.length === 0 && !store.sendingOperation; }
function table(store) { return store.value.tables[0]; }
function summary(store) {
  return { version: store.value.version, tables: store.value.tables.map(t => ({ _id: t._id, name: t.name,
    columns: t.columns.map(c => ({ key: c.key, name: c.name, type: c.type })),
    rows: t.rows.map(r => { const o = { _id: r._id }; t.columns.forEach(c => { if (r[c.key] !== undefined) o[c.key] = r[c.key]; }); return o; }) })) };
}
function close(store) { store.socketClient.socket.disconnect(); }

const errors = [];
// A change that `make` has A's store send: acked to A, then applied by B's store until check(b) holds.
async function change(a, b, what, make, check) {
  const before = b.value.version;
  make();
  await until(what + ' acked', () => settled(a));
  await until(what + ' reached B', () => b.value.version > before && check(b));
}
async function apply(a, b, op, check) {
  await change(a, b, op.op_type, () => a.applyLocalOperation(new Operation(op)), check);
}
// Alice's and Bob's stores on the base; the operation errors of Alice's (with watchBob, of both) go to `errors`.
async function aliceAndBob(watchBob = false) {
  const a = await openStore('alice', process.env.TOKEN_RW, 'rw');
  const b = await openStore('bob', process.env.TOKEN_RW_BOB, 'rw'); // another user: presence is per user
  for (const s of watchBob ? [a, b] : [a]) s.eventBus.subscribe('operation-execute-error', e => errors.push(e));
  return [a, b];
}
// Runs `calls` (REST requests), then waits until both stores have `count` more versions; returns what calls returned.
async function viaRest(a, b, what, count, calls) {
  const before = b.value.version;
  const result = await calls();
  for (const s of [a, b]) await until(what, () => s.value.version >= before + count);
  return result;
}

async function roundTrip() {
  const a = await openStore('alice', process.env.TOKEN_RW, 'rw');
  const presence = [];
  a.socketClient.socket.on('join-room', u => presence.push('join ' + u));
  a.socketClient.socket.on('leave-room', u => presence.push('leave ' + u));
  const b = await openStore('bob', process.env.TOKEN_RW_BOB, 'rw');
  a.eventBus.subscribe('operation-execute-error', e => errors.push(e));
  const t = table(a);
  const now = new Date().toISOString();
  const id1 = rowId(), id2 = rowId();
  await apply(a, b, { op_type: 'insert_row', table_id: t._id, row_id: null, row_insert_position: 'insert_below',
    row_data: { _id: id1, _participants: [], _creator: 'alice', _ctime: now, _last_modifier: 'alice', _mtime: now, '0000': 'first' },
    links_data: [] }, s => table(s).rows.some(r => r._id === id1));
  await apply(a, b, { op_type: 'insert_row', table_id: t._id, row_id: id1, row_insert_position: 'insert_below',
    row_data: { _id: id2, _participants: [], _creator: 'alice', _ctime: now, _last_modifier: 'alice', _mtime: now, '0000': 'second' },
    links_data: [] }, s => table(s).rows.some(r => r._id === id2));
  await apply(a, b, { op_type: 'modify_row', table_id: t._id, row_id: id1, updated: { '0000': 'changed', _last_modifier: 'alice' },
    old_row: { '0000': 'first' } }, s => table(s).rows.find(r => r._id === id1)['0000'] === 'changed');
  await apply(a, b, { op_type: 'delete_row', table_id: t._id, row_id: id2, deleted_row: table(a).rows.find(r => r._id === id2),
    upper_row_id: id1, deleted_links_data: [] }, s => !table(s).rows.some(r => r._id === id2));
  const out = { a: summary(a), b: summary(b), errors, transport: a.socketClient.socket.io.engine.transport.name };
  b.socketClient.close(); // "leave room", as on page unload
  // a socket that reconnects under load joins again: wait for the leave, not for a count
  await until('leave-room', () => presence.some(p => p.startsWith('leave ')));
  out.presence = presence;
  close(a); close(b);
  return out;
}

async function readOnly() {
  const r = await openStore('reader', process.env.TOKEN_R, 'rw'); // the store itself would not even send with 'r'
  const acks = [];
  r.socketClient.sendOperation(JSON.stringify({ op_type: 'modify_row', table_id: table(r)._id, row_id: 'x', updated: {} }), a => acks.push(a));
  await until('ack', () => acks.length > 0);
  close(r);
  return { acks, version: r.value.version };
}

async function badInput() {
  const s = await openStore('mallory', process.env.TOKEN_RW, 'rw');
  const t = table(s);
  const send = op => new Promise(res => s.socketClient.sendOperation(typeof op === 'string' ? op : JSON.stringify(op), a => res(a)));
  const acks = {};
  acks.unknownOp = await send({ op_type: 'frobnicate', table_id: t._id });
  acks.missingTable = await send({ op_type: 'insert_row', table_id: 'nope', row_data: { _id: rowId() } });
  acks.wrongType = await send({ op_type: 'insert_row', table_id: t._id, row_data: { _id: rowId(), '0001': 'not a number' } });
  acks.notJson = await send('{not json');
  acks.overSize = await send({ op_type: 'insert_row', table_id: t._id, row_data: { _id: rowId(), '0000': 'x'.repeat(Number(process.env.OVER_SIZE || 0)) } });
  close(s);
  return { acks, transport: s.socketClient.socket.io.engine.transport.name };
}

async function rest(method, path, body) {
  const res = await fetch(server + '/api/v1/dtables/' + uuid + path, { method,
    headers: { Authorization: 'Token ' + process.env.TOKEN_RW, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  if (res.status >= 300) throw new Error(method + ' ' + path + ': ' + res.status + ' ' + await res.text());
  return res.json();
}

async function schemaRoundTrip() {
  const [a, b] = await aliceAndBob();
  const t = table(a)._id;
  const col = key => s => table(s).columns.find(c => c.key === key);
  await apply(a, b, { op_type: 'insert_column', table_id: t, column_key: '0000', column_data: { key: 'K001', type: 'number',
    name: 'Amount', editable: true, width: 200, resizable: true, draggable: true, data: null, permission_type: '',
    permitted_users: [] } }, s => !!col('K001')(s));
  await apply(a, b, { op_type: 'rename_column', table_id: t, column_key: 'K001', new_column_name: 'Total',
    old_column_name: 'Amount' }, s => col('K001')(s).name === 'Total');
  await apply(a, b, { op_type: 'delete_column', table_id: t, column_key: 'K001', old_column: col('K001')(a),
    upper_column_key: '0000' }, s => !col('K001')(s));
  const view = { _id: '0000', name: 'Default View', type: 'table', filters: [], sorts: [], groupbys: [], hidden_columns: [] };
  await apply(a, b, { op_type: 'insert_table', table_data: { _id: 'T001', name: 'Projects', is_header_locked: false,
    columns: [{ key: '0000', name: 'Name', type: 'text', width: 200, editable: true }], rows: [], views: [view],
    view_structure: { folders: [], view_ids: ['0000'] }, id_row_map: {} } }, s => s.value.tables.some(x => x._id === 'T001'));
  await apply(a, b, { op_type: 'rename_table', table_id: 'T001', table_name: 'Plans' },
    s => s.value.tables.find(x => x._id === 'T001').name === 'Plans');
  await apply(a, b, { op_type: 'delete_table', table_id: 'T001', table_name: 'Plans', deleted_table: {} },
    s => !s.value.tables.some(x => x._id === 'T001'));
  // the node's own shapes, made over REST, reach both stores in a shape their own code applies
  const key = await viaRest(a, b, 'REST operations', 3, async () => {
    const made = await rest('POST', '/columns/', { table_name: table(a).name, column_name: 'Rest', column_type: 'text' });
    await rest('POST', '/tables/', { table_name: 'FromRest' });
    await rest('PUT', '/tables/', { table_name: 'FromRest', new_table_name: 'Renamed' });
    return made.operation.column_key;
  });
  const out = { a: summary(a), b: summary(b), errors, restColumn: key, views: b.value.tables.map(x => (x.views || []).length) };
  close(a); close(b);
  return out;
}

function line() {
  return new Promise(res => process.stdin.once('data', d => res(String(d).trim())));
}
function insertRowOp(store, id, text) {
  const now = new Date().toISOString();
  return { op_type: 'insert_row', table_id: table(store)._id, row_id: null, row_insert_position: 'insert_below',
    row_data: { _id: id, _participants: [], _creator: 'alice', _ctime: now, _last_modifier: 'alice', _mtime: now, '0000': text },
    links_data: [] };
}

// The node evicts the base (it moved away and back, or the node restarted) while a write happens
// elsewhere: both stores reconnect by themselves, see they are behind, reload, and go on.
async function evict() {
  const a = await openStore('alice', process.env.TOKEN_RW, 'rw');
  const b = await openStore('bob', process.env.TOKEN_RW, 'rw');
  for (const s of [a, b]) { s.currentTable = table(s); s.view_id = '0000'; } // as a page showing the first table does
  a.eventBus.subscribe('operation-execute-error', e => errors.push(e));
  const id1 = rowId(), id3 = rowId();
  await apply(a, b, insertRowOp(a, id1, 'before'), s => table(s).rows.some(r => r._id === id1));
  const disconnects = { a: 0, b: 0 };
  a.socketClient.socket.on('disconnect', () => disconnects.a++);
  b.socketClient.socket.on('disconnect', () => disconnects.b++);
  console.log('EVICT');
  await line(); // the node evicted the base and a REST write made version 2
  for (const s of [a, b]) {
    await until('reload after reconnect', () => s.value.version >= 2 && s.socketConnected, 60000);
    s.currentTable = table(s);
  }
  await apply(a, b, insertRowOp(a, id3, 'after'), s => table(s).rows.some(r => r._id === id3));
  const out = { a: summary(a), b: summary(b), errors, disconnects };
  close(a); close(b);
  return out;
}

// At-least-once: the same operation sent again on a new connection (the store resends the one in
// flight after a reconnect) is answered as done, once.
async function resend() {
  const connect = () => new Promise((res, rej) => {
    const socket = sio.io(server, { path: '/api-gateway/socket.io', query: { dtable_uuid: uuid, lang: 'en' }, reconnection: false });
    socket.on('connect', () => socket.emit('join-room', uuid, process.env.TOKEN_RW, ack => ack.status ? res([socket, ack]) : rej(ack)));
    socket.on('connect_error', rej);
  });
  const emit = (socket, op) => new Promise(res => socket.emit('update-dtable', uuid, op, a => res(a)));
  const [first] = await connect();
  const res = await fetch(server + '/api-gateway/api/v2/dtables/' + uuid + '/', { headers: { Authorization: 'Token ' + process.env.TOKEN_RW } });
  const base = await res.json();
  const tableId = base.tables[0]._id;
  const id = rowId();
  const insert = JSON.stringify({ op_type: 'insert_row', table_id: tableId, row_id: null, row_insert_position: 'insert_below',
    row_data: { _id: id, '0000': 'once' }, links_data: [] });
  const acks = { insert: await emit(first, insert) };
  first.disconnect();
  const [second, joined] = await connect();
  acks.joinedVersion = joined.dtable_version;
  acks.insertAgain = await emit(second, insert);
  const del = JSON.stringify({ op_type: 'delete_row', table_id: tableId, row_id: id, upper_row_id: null, deleted_links_data: [] });
  acks.delete = await emit(second, del);
  acks.deleteAgain = await emit(second, del);
  const [third, badJoin] = await new Promise(res => {
    const socket = sio.io(server, { path: '/socket.io', query: { dtable_uuid: uuid }, reconnection: false });
    socket.on('connect', () => socket.emit('join-room', uuid, 'not-a-token', ack => res([socket, ack])));
  });
  acks.badJoin = badJoin;
  second.disconnect(); third.disconnect();
  return acks;
}

// Views, batch row operations and column data, as the store builds them.
async function viewsAndBatches() {
  const [a, b] = await aliceAndBob();
  const t = table(a)._id;
  const view = id => s => table(s).views.find(v => v._id === id);
  await apply(a, b, { op_type: 'insert_view', table_id: t, view_data: { _id: 'V001', name: 'Open', type: 'table',
    is_locked: false, rows: [], formula_rows: {}, summaries: {}, filter_conjunction: 'And', filters: [], sorts: [],
    groupbys: [], hidden_columns: [] }, view_folder_id: null }, s => !!view('V001')(s));
  await apply(a, b, { op_type: 'modify_filters', table_id: t, view_id: 'V001', filter_conjunction: 'Or',
    filters: [{ column_key: '0000', filter_predicate: 'contains', filter_term: 'x' }] }, s => view('V001')(s).filters.length === 1);
  await apply(a, b, { op_type: 'modify_sorts', table_id: t, view_id: 'V001', sorts: [{ column_key: '0000', sort_type: 'up' }] },
    s => view('V001')(s).sorts.length === 1);
  await apply(a, b, { op_type: 'modify_hidden_columns', table_id: t, view_id: 'V001', hidden_columns: ['0001'] },
    s => view('V001')(s).hidden_columns.length === 1);
  await apply(a, b, { op_type: 'rename_view', table_id: t, view_id: 'V001', view_name: 'Mine' }, s => view('V001')(s).name === 'Mine');
  const ids = [rowId(), rowId(), rowId()];
  const now = new Date().toISOString();
  const datas = ids.map((id, i) => ({ _id: id, _participants: [], _creator: 'alice', _ctime: now, _last_modifier: 'alice',
    _mtime: now, '0000': 'r' + i, '0001': i }));
  await apply(a, b, { op_type: 'insert_rows', table_id: t, row_ids: ['', ids[0], ids[1]], row_insert_position: 'insert_below',
    row_datas: datas, links_data: [] }, s => table(s).rows.length === 3);
  const updated = { [ids[0]]: { '0000': 'x0' }, [ids[1]]: { '0000': 'x1' } };
  await apply(a, b, { op_type: 'modify_rows', table_id: t, row_ids: [ids[0], ids[1]], updated, old_rows: {} },
    s => table(s).rows.find(r => r._id === ids[1])['0000'] === 'x1');
  await apply(a, b, { op_type: 'delete_rows', table_id: t, row_ids: [ids[2]], deleted_rows: [], upper_row_ids: [] },
    s => table(s).rows.length === 2);
  await apply(a, b, { op_type: 'modify_column_data', table_id: t, column_key: '0001', column_data: { format: 'number', decimal: 'dot', thousands: 'no', precision: 2, enable_precision: true } },
    s => !!(table(s).columns.find(c => c.key === '0001').data || {}).enable_precision);
  await apply(a, b, { op_type: 'delete_view', table_id: t, view_id: '0000', view_folder_id: null, view_name: 'Default View' },
    s => table(s).views.length === 1);
  // a REST append after the batch: the node's own shape, placed by the store's own code
  await viaRest(a, b, 'REST append', 1,
    () => rest('POST', '/batch-append-rows/', { table_name: table(a).name, rows: [{ Name: 'p' }, { Name: 'q' }] }));
  const views = s => table(s).views.map(v => ({ _id: v._id, name: v.name, filters: v.filters, sorts: v.sorts, hidden_columns: v.hidden_columns }));
  const out = { a: summary(a), b: summary(b), viewsA: views(a), viewsB: views(b), errors,
    columnData: table(b).columns.find(c => c.key === '0001').data };
  close(a); close(b);
  return out;
}

// A type change made by the store, and one in the node's own shape made with POST operations/.
async function typeChange() {
  const [a, b] = await aliceAndBob();
  const t = table(a)._id;
  const id = rowId();
  const row = insertRowOp(a, id, 'five');
  row.row_data['0001'] = 5;
  await apply(a, b, row, s => table(s).rows.some(r => r._id === id));
  const old = table(a).columns.find(c => c.key === '0001');
  await apply(a, b, { op_type: 'modify_column_type', table_id: t, column_key: '0001',
    new_column: Object.assign({}, old, { type: 'text', data: null }), old_column: old,
    new_rows_data: [{ _id: id, '0001': '5' }], old_rows_data: [{ _id: id, '0001': 5 }] },
    s => table(s).columns.find(c => c.key === '0001').type === 'text');
  const asText = { a: table(a).rows[0]['0001'], b: table(b).rows[0]['0001'] };
  await viaRest(a, b, 'REST type change', 1,
    () => rest('POST', '/operations/', { op_type: 'modify_column_type', table_id: t, column_key: '0001', new_column_type: 'number' }));
  const out = { asText, a: summary(a), b: summary(b), errors };
  close(a); close(b);
  return out;
}

// A link column made by the store, then add_link and remove_link as the store builds them; the
// other store applies each broadcast with its own code, and the v2 load shows the node's links.
async function links() {
  const [a, b] = await aliceAndBob(true);
  const t = table(a)._id;
  const view = { _id: '0000', name: 'Default View', type: 'table', filters: [], sorts: [], groupbys: [], hidden_columns: [] };
  await apply(a, b, { op_type: 'insert_table', table_data: { _id: 'T001', name: 'Projects', is_header_locked: false,
    columns: [{ key: '0000', name: 'Name', type: 'text', width: 200, editable: true }], rows: [], views: [view],
    view_structure: { folders: [], view_ids: ['0000'] }, id_row_map: {} } }, s => s.value.tables.some(x => x._id === 'T001'));
  const task = rowId(), project = rowId();
  await apply(a, b, insertRowOp(a, task, 'task'), s => table(s).rows.some(r => r._id === task));
  const projectRow = insertRowOp(a, project, 'project');
  projectRow.table_id = 'T001';
  await apply(a, b, projectRow, s => s.value.tables[1].rows.some(r => r._id === project));
  await apply(a, b, { op_type: 'insert_column', table_id: t, column_key: '0001', column_data: { key: 'L001', type: 'link',
    name: 'Projects', editable: true, width: 200, data: { link_id: 'lk01', table_id: t, other_table_id: 'T001',
      display_column_key: '0000', is_internal_link: true } } }, s => table(s).columns.some(c => c.key === 'L001'));
  const linkOf = s => (s.value.links || []).find(l => l._id === 'lk01');
  // a copy: the store changes its maps in place
  const mapOf = s => { const l = linkOf(s); return l ? JSON.parse(JSON.stringify({ t1: l.table1_table2_map || {}, t2: l.table2_table1_map || {} })) : null; };
  // the store's own helper builds the operation (sides ordered as the store orders them)
  await change(a, b, 'add_link', () => a.addLink('lk01', t, 'T001', false, task, project),
    s => (mapOf(s) || { t1: {} }).t1[task]);
  const added = { a: mapOf(a), b: mapOf(b), loaded: (await load()).links };
  await change(a, b, 'remove_link', () => a.removeLink('lk01', t, 'T001', false, task, project),
    s => !mapOf(s).t1[task]);
  const removed = { a: mapOf(a), b: mapOf(b), loaded: (await load()).links };
  // a second add of the same pair is refused in the ack and changes nothing
  const send = op => new Promise(res => a.socketClient.sendOperation(JSON.stringify(op), x => res(x)));
  const bogus = await send({ op_type: 'add_link', link_id: 'lk01', table1_id: t, table2_id: 'T001', table1_row_id: task,
    table2_row_id: 'no-such-row' });
  const out = { added, removed, bogus, version: { a: a.value.version, b: b.value.version }, errors };
  close(a); close(b);
  return out;
}
async function load() {
  const res = await fetch(server + '/api-gateway/api/v2/dtables/' + uuid + '/?lang=en',
    { headers: { Authorization: 'Token ' + process.env.TOKEN_RW } });
  if (res.status !== 200) throw new Error('v2 load: ' + res.status + ' ' + await res.text());
  return res.json();
}

const scenarios = { links, typeChange,  viewsAndBatches,  roundTrip, readOnly, badInput, schemaRoundTrip, evict, resend };
scenarios[process.argv[2]]().then(out => { console.log(JSON.stringify(out)); process.exit(0); },
  e => { console.error(e && e.stack || e); process.exit(1); });
