// The page at the proxy's "/": sign in with a token, list and create bases, open one in the grid.
// `#dtable=<uuid>&token=<jwt>` opens a base directly (the fragment never reaches a server). The token is
// kept in sessionStorage only. Everything the page does goes through the proxy (REST) and the socket of
// the node that serves the base (docs/page.md).

import { Grid, ROW_HEIGHT } from './grid.js';
import { Session } from './session.js';
import { newBaseUuid, newRowId, newShortId } from './model.js';

const $ = (id) => document.getElementById(id);
const TOKEN_KEY = 'dtable-page-token';
const metrics = { firstRowsMs: null, loadMillis: null };   // ms since navigation; for the benchmark
let session = null;
let grid = null;
let tableId = null;
const activity = [];

// ---- tokens ----

function claimsOf(token) {
  const parts = token.split('.');
  if (parts.length !== 3) { return null; }
  try {
    return JSON.parse(atob(parts[1].replace(/-/g, '+').replace(/_/g, '/')));
  } catch (e) {
    return null;
  }
}

/** An API token (not a JWT) is exchanged at the gateway for a base token, as dtable-sdk does. */
async function accessFor(token) {
  const claims = claimsOf(token);
  if (claims) { return { token, claims }; }
  const response = await fetch('/api/v2.1/dtable/app-access-token/', { headers: { 'Authorization': 'Token ' + token } });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) { throw new Error(body.error_msg || 'the API token was refused (HTTP ' + response.status + ')'); }
  return { token: body.access_token, claims: claimsOf(body.access_token) };
}

// ---- messages ----

function message(text, isError) {
  $('message').textContent = text;
  $('message').className = isError ? 'error' : '';
  clearTimeout(message.timer);
  if (text) { message.timer = setTimeout(() => message('', false), isError ? 8000 : 4000); }
}

function show(section) {
  for (const id of ['signin', 'bases', 'base']) { $(id).hidden = id !== section; }
}

// ---- sign in, list, create ----

async function signIn(token) {
  sessionStorage.setItem(TOKEN_KEY, token);
  try {
    const access = await accessFor(token);
    if (!access.claims) { throw new Error('not a token this cluster issues'); }
    if (access.claims.dtable_uuid) { location.hash = 'dtable=' + access.claims.dtable_uuid; return; }
    if (access.claims.is_internal) { await listBases(access.token); return; }
    throw new Error('the token names no base and is not internal');
  } catch (e) {
    show('signin');
    message('Sign-in failed: ' + e.message, true);
  }
}

async function listBases(token) {
  const response = await fetch('/api/v1/admin/dtables/', { headers: { 'Authorization': 'Token ' + token } });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) { throw new Error(body.error_msg || 'HTTP ' + response.status); }
  const rows = body.dtables.map(b => {
    const tr = document.createElement('tr');
    const link = document.createElement('a');
    link.href = '#dtable=' + b.dtable_uuid;
    link.textContent = b.dtable_uuid;
    const cells = [link, String(b.row_count), b.node_id || 'unassigned', new Date(b.created_at).toLocaleString()];
    for (const c of cells) { const td = document.createElement('td'); td.append(c); tr.append(td); }
    return tr;
  });
  $('base-list').querySelector('tbody').replaceChildren(...rows);
  show('bases');
}

async function createBase() {
  const uuid = newBaseUuid();
  const response = await fetch('/api/v1/dtables/' + uuid + '/', {
    method: 'PUT', headers: { 'Authorization': 'Token ' + sessionStorage.getItem(TOKEN_KEY) } });
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    message('Could not create a base: ' + (body.error_msg || 'HTTP ' + response.status), true);
    return;
  }
  location.hash = 'dtable=' + uuid;
}

// ---- one base ----

async function openBase(uuid, token) {
  if (session) { session.close(); }
  show('base');
  $('base-title').textContent = uuid;
  activity.length = 0;
  unknownAuthors.clear();
  renderActivity();
  let access;
  try {
    access = await accessFor(token);
  } catch (e) {
    message(e.message, true);
    return;
  }
  const transport = new URLSearchParams(location.hash.slice(1)).get('transport');
  session = new Session({ uuid, token: access.token, claims: access.claims, transport, listener: {
    state: (state, detail) => {
      $('conn').textContent = state + (detail && state !== 'live' ? ' (' + detail + ')' : '');
      $('conn').dataset.state = state;
      $('node').textContent = session.node || '–';
    },
    presence: (username, joined) => noteActivity({ author: username, what: joined ? 'opened the base' : 'left' }),
    changed: (kind) => render(kind),
    refused: (op, error) => message('Refused by the server: ' + error.message + ' [' + error.errorType + ']'
      + (op ? ' — your change was undone.' : ''), true),
    remote: (entry) => noteRemote(entry),
  } });
  $('user').textContent = session.me;
  $('transport').textContent = session.channel.name;
  $('permission').textContent = session.writable ? '(read-write)' : '(read-only)';
  for (const id of ['add-row', 'delete-row']) { $(id).hidden = !session.writable; }
  try {
    await session.open();
    metrics.loadMillis = session.loadMillis;
  } catch (e) {
    message('Could not open the base: ' + e.message, true);
    $('conn').textContent = 'closed';
  }
}

function currentTable() {
  if (!session || !session.model) { return null; }
  return session.model.tables.find(t => t._id === tableId) || session.model.tables[0] || null;
}

function render(kind) {
  const table = currentTable();
  tableId = table ? table._id : null;
  $('version').textContent = session.model ? session.model.version : '–';
  $('pending').textContent = session.pending.length;
  if (kind === 'version') { return; }
  renderTabs();
  grid.setTable(table, session.writable);
  $('rowcount').textContent = table ? table.rows.length.toLocaleString() + ' rows' : '';
}

function renderTabs() {
  const tabs = session.model.tables.map(t => {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = t.name;
    b.dataset.tableId = t._id;
    b.className = t._id === tableId ? 'active' : '';
    b.addEventListener('click', () => { tableId = t._id; render('tab'); });
    return b;
  });
  if (session.writable) {
    const add = document.createElement('button');
    add.type = 'button';
    add.id = 'add-table';
    add.textContent = '+';
    add.title = 'Add a table';
    add.addEventListener('click', addTable);
    tabs.push(add);
  }
  $('tabs').replaceChildren(...tabs);
}

function noteRemote({ version, operation, author }) {
  const table = session.model.tables.find(t => t._id === operation.table_id);
  const cells = [];
  if (operation.op_type === 'modify_row') {
    Object.keys(operation.updated).filter(k => !k.startsWith('_')).forEach(k => cells.push([operation.row_id, k]));
  } else if (operation.op_type === 'insert_row' && table) {
    table.columns.forEach(c => cells.push([operation.row_data._id, c.key]));
  }
  const entry = { version, author, what: describe(operation, table) + ' (v' + version + ')', cells };
  noteActivity(entry);
  if (author) {
    cells.forEach(([row, key]) => grid.flash(row, key, author));
  } else {
    unknownAuthors.set(version, entry);           // socket.io's broadcast names nobody: ask the log
    clearTimeout(noteRemote.timer);
    noteRemote.timer = setTimeout(lookUpAuthors, 100);
  }
  grid.refresh();
}

const unknownAuthors = new Map();

/** Fills in who made the operations the socket.io broadcast brought, from the operation log. */
async function lookUpAuthors() {
  const entries = new Map(unknownAuthors);
  unknownAuthors.clear();
  const versions = [...entries.keys()].sort((a, b) => a - b);
  if (!versions.length || !session) { return; }
  try {
    const from = versions[0] - 1;
    const operations = await session.operationsAfter(from, Math.min(10000, versions[versions.length - 1] - from));
    for (const o of operations) {
      const entry = entries.get(o.version);
      if (entry) {
        entry.author = o.author;
        entry.cells.forEach(([row, key]) => grid.flash(row, key, o.author));
      }
    }
  } catch (e) {
    entries.forEach(entry => { entry.author = 'someone'; });
  }
  renderActivity();
  grid.refresh();
}

function noteActivity(entry) {
  activity.unshift(entry);
  activity.length = Math.min(activity.length, 50);
  renderActivity();
}

function renderActivity() {
  const items = activity.map(a => {
    const li = document.createElement('li');
    const who = document.createElement('span');
    who.className = 'author';
    who.textContent = a.author || '…';
    li.append(who, ' ' + a.what);
    return li;
  });
  $('activity-list').replaceChildren(...items);
}

function describe(op, table) {
  const where = table ? ' in ' + table.name : '';
  switch (op.op_type) {
    case 'modify_row': return 'edited a row' + where;
    case 'insert_row': return 'added a row' + where;
    case 'delete_row': return 'deleted a row' + where;
    case 'insert_column': return 'added column ' + op.column_name + where;
    case 'rename_column': return 'renamed a column to ' + op.new_column_name + where;
    case 'delete_column': return 'deleted a column' + where;
    case 'insert_table': return 'added table ' + op.table_name;
    default: return op.op_type.replace(/_/g, ' ') + where;
  }
}

/** Every edit of the page goes through here: applied at once, refused here or later by the node. */
function edit(op) {
  try {
    session.edit(op);
    return true;
  } catch (e) {
    message('Not allowed: ' + e.message, true);
    return false;
  }
}

function setCell(row, column, value) {
  const updated = {};
  updated[column.key] = value;
  return edit({ op_type: 'modify_row', table_id: currentTable()._id, row_id: row._id, updated });
}

function addRow(values) {
  const table = currentTable();
  const id = newRowId();
  const ok = edit({ op_type: 'insert_row', table_id: table._id, row_data: { _id: id, ...(values || {}) } });
  if (ok) {
    grid.root.scrollTop = table.rows.length * ROW_HEIGHT;
    grid.select(id, table.columns[0].key);
  }
  return ok ? id : null;
}

function deleteRow() {
  if (!grid.selected) { return; }
  edit({ op_type: 'delete_row', table_id: currentTable()._id, row_id: grid.selected.rowId });
  grid.selected = null;
  $('delete-row').disabled = true;
}

async function ask(title, withType, initial) {
  $('dialog-title').textContent = title;
  $('dialog-name').value = initial || '';
  $('dialog-type-label').hidden = !withType;
  $('dialog-options-label').hidden = !withType;
  $('dialog-options').value = '';
  $('dialog').showModal();
  await new Promise(resolve => $('dialog').addEventListener('close', resolve, { once: true }));
  if ($('dialog').returnValue !== 'ok' || !$('dialog-name').value.trim()) { return null; }
  return { name: $('dialog-name').value.trim(), type: $('dialog-type').value, options: $('dialog-options').value };
}

async function addColumn() {
  const answer = await ask('Add a column', true);
  if (!answer) { return; }
  const table = currentTable();
  const op = { op_type: 'insert_column', table_id: table._id, column_key: newShortId(new Set(table.columns.map(c => c.key))),
    column_name: answer.name, column_type: answer.type };
  if (answer.type.endsWith('select')) {
    const names = answer.options.split(',').map(s => s.trim()).filter(Boolean);
    const ids = new Set();
    op.column_data = { options: names.map(name => { const id = newShortId(ids); ids.add(id); return { id, name }; }) };
  }
  edit(op);
}

async function addTable() {
  const answer = await ask('Add a table', false);
  if (!answer) { return; }
  const id = newShortId(new Set(session.model.tables.map(t => t._id)));
  if (edit({ op_type: 'insert_table', table_id: id, table_name: answer.name,
    columns: [{ column_key: '0000', column_name: 'Name', column_type: 'text' }] })) {
    tableId = id;
    render('tab');
  }
}

let menuColumn = null;

function columnMenu(column, anchor) {
  menuColumn = column;
  const box = anchor.getBoundingClientRect();
  const menu = $('column-menu');
  menu.style.left = (box.left + window.scrollX) + 'px';
  menu.style.top = (box.bottom + window.scrollY) + 'px';
  menu.hidden = false;
}

async function renameColumn() {
  $('column-menu').hidden = true;
  const column = menuColumn;
  const answer = await ask('Rename column ' + column.name, false, column.name);
  if (answer && answer.name !== column.name) {
    edit({ op_type: 'rename_column', table_id: currentTable()._id, column_key: column.key, new_column_name: answer.name });
  }
}

function deleteColumn() {
  $('column-menu').hidden = true;
  edit({ op_type: 'delete_column', table_id: currentTable()._id, column_key: menuColumn.key });
}

// ---- routing by fragment ----

function route() {
  const params = new URLSearchParams(location.hash.slice(1));
  const uuid = params.get('dtable');
  if (params.get('token')) {                    // keep the token out of the address bar and history
    sessionStorage.setItem(TOKEN_KEY, params.get('token'));
    params.delete('token');
    history.replaceState(null, '', '#' + params.toString());
  }
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (uuid && token) { openBase(uuid, token); return; }
  if (session) { session.close(); session = null; }
  if (token) { signIn(token); return; }
  show('signin');
}

grid = new Grid($('grid'), {
  onEdit: setCell,
  onSelect: () => { $('delete-row').disabled = !session.writable; },
  onColumnMenu: columnMenu,
  onAddColumn: addColumn,
  refuse: (text) => message(text, true),
  onRowsShown: () => { if (metrics.firstRowsMs === null) { metrics.firstRowsMs = performance.now(); } },
});
$('signin-form').addEventListener('submit', (e) => { e.preventDefault(); signIn($('token').value.trim()); });
$('create-base').addEventListener('click', createBase);
$('signout').addEventListener('click', () => { sessionStorage.removeItem(TOKEN_KEY); location.hash = ''; show('signin'); });
$('back').addEventListener('click', () => { if (session) { session.close(); session = null; } });
$('add-row').addEventListener('click', () => addRow());
$('delete-row').addEventListener('click', deleteRow);
$('rename-column').addEventListener('click', renameColumn);
$('delete-column').addEventListener('click', deleteColumn);
document.addEventListener('click', (e) => {
  if (!e.target.closest('#column-menu') && !e.target.closest('.grid-header')) { $('column-menu').hidden = true; }
});
window.addEventListener('hashchange', route);
route();

/** For tests and the benchmark: the same paths the buttons take, and what the page knows. */
window.dtablePage = {
  session: () => session,
  metrics,
  table: currentTable,
  setCell: (rowIndex, columnName, value) => {
    const table = currentTable();
    return setCell(table.rows[rowIndex], table.columns.find(c => c.name === columnName), value);
  },
  addRow: (values) => addRow(values),
  scrollBenchmark: (frames, step) => new Promise(resolve => {
    const times = [];
    const renders = grid.renderMillis.length;
    let last = performance.now();
    let n = 0;
    const tick = (now) => {
      times.push(now - last);
      last = now;
      grid.root.scrollTop += step;
      if (++n < frames) { requestAnimationFrame(tick); } else {
        resolve({ frames: times.slice(1), renders: grid.renderMillis.slice(renders), domRows: grid.rowsBox.children.length,
          scrollTop: grid.root.scrollTop });
      }
    };
    requestAnimationFrame((now) => { last = now; requestAnimationFrame(tick); });
  }),
};
