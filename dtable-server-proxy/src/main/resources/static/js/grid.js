// The grid: one table, virtual scrolling (only the rows in view, plus a few, are in the DOM), cells
// shown and edited by column type. It never changes the model itself: edits go to `onEdit`, and the
// owner calls refresh() after any change.

export const ROW_HEIGHT = 32;
const OVERSCAN = 8;
const WIDTHS = { number: 130, checkbox: 110, date: 140, rate: 110, duration: 120 };

export class Grid {
  constructor(root, handlers) {
    this.root = root;                 // scroll container
    this.handlers = handlers;         // {onEdit(row, column, value), onSelect(row), onColumnMenu(column, el), onAddColumn(el), refuse(text)}
    this.table = null;
    this.writable = false;
    this.selected = null;             // {rowId, key}
    this.flashes = new Map();         // "rowId|key" → {author, until}
    this.first = -1;
    this.renderMillis = [];           // time spent building rows, per render (for the benchmark)
    this.header = el('div', 'grid-header');
    this.body = el('div', 'grid-body');
    this.rowsBox = el('div', 'grid-rows');  // rows are rebuilt here; an open editor is the body's, and stays
    this.body.append(this.rowsBox);
    root.replaceChildren(this.header, this.body);
    root.tabIndex = 0;
    root.addEventListener('scroll', () => this.schedule());
    new ResizeObserver(() => this.schedule(true)).observe(root);
    this.body.addEventListener('click', (e) => this.onClick(e));
    this.body.addEventListener('dblclick', (e) => this.onDoubleClick(e));
    root.addEventListener('keydown', (e) => this.onKey(e));
  }

  setTable(table, writable) {
    const changed = table !== this.table;
    this.table = table;
    this.writable = writable;
    if (changed) { this.selected = null; this.root.scrollTop = 0; this.closeEditor(); }
    this.refresh();
  }

  /** Re-renders the header and the rows in view (after any change of the model). */
  refresh() {
    if (!this.table) { return; }
    this.renderHeader();
    this.body.style.height = (this.table.rows.length * ROW_HEIGHT) + 'px';
    this.body.style.width = this.width + 'px';
    this.renderRows(true);
  }

  schedule(force) {
    if (this.frame) { return; }
    this.frame = requestAnimationFrame(() => { this.frame = 0; this.renderRows(force); });
  }

  columnWidth(column) { return WIDTHS[column.type] || 170; }

  renderHeader() {
    const cells = [el('div', 'cell rownum', '#')];
    this.width = 60;
    for (const column of this.table.columns) {
      const cell = el('div', 'cell head');
      cell.style.width = this.columnWidth(column) + 'px';
      cell.dataset.key = column.key;
      cell.append(el('span', 'name', column.name), el('span', 'type', column.type));
      cell.title = column.name + ' (' + column.type + ')';
      if (this.writable) { cell.addEventListener('click', () => this.handlers.onColumnMenu(column, cell)); }
      cells.push(cell);
      this.width += this.columnWidth(column);
    }
    if (this.writable) {
      const add = el('div', 'cell head add', '+');
      add.id = 'add-column';
      add.title = 'Add a column';
      add.addEventListener('click', () => this.handlers.onAddColumn(add));
      cells.push(add);
      this.width += 40;
    }
    this.header.replaceChildren(...cells);
    this.header.style.width = this.width + 'px';
  }

  renderRows(force) {
    if (!this.table) { return; }
    const started = performance.now();
    const rows = this.table.rows;
    const first = Math.max(0, Math.floor(this.root.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const count = Math.ceil(this.root.clientHeight / ROW_HEIGHT) + 2 * OVERSCAN;
    if (!force && first === this.first) { return; }
    this.first = first;
    const last = Math.min(rows.length, first + count);
    const now = Date.now();
    const out = [];
    for (let i = first; i < last; i++) { out.push(this.renderRow(rows[i], i, now)); }
    this.rowsBox.replaceChildren(...out);
    this.renderMillis.push(performance.now() - started);
    if (this.renderMillis.length > 2000) { this.renderMillis.splice(0, 1000); }
    if (out.length && this.handlers.onRowsShown) { this.handlers.onRowsShown(); }
  }

  renderRow(row, index, now) {
    const line = el('div', 'row');
    line.style.top = (index * ROW_HEIGHT) + 'px';
    line.dataset.rowId = row._id;
    line.dataset.index = index;
    line.append(el('div', 'cell rownum', String(index + 1)));
    for (const column of this.table.columns) {
      const cell = el('div', 'cell');
      cell.style.width = this.columnWidth(column) + 'px';
      cell.dataset.key = column.key;
      cell.classList.add('t-' + column.type);
      show(cell, column, row[column.key]);
      if (this.selected && this.selected.rowId === row._id && this.selected.key === column.key) {
        cell.classList.add('selected');
      }
      const flash = this.flashes.get(row._id + '|' + column.key);
      if (flash && flash.until > now) {
        cell.classList.add('flash');
        cell.title = 'edited by ' + flash.author;
        cell.append(el('span', 'who', flash.author));
      }
      line.append(cell);
    }
    return line;
  }

  /** Marks a cell changed by someone else for a few seconds. */
  flash(rowId, key, author) {
    this.flashes.set(rowId + '|' + key, { author, until: Date.now() + 3000 });
    clearTimeout(this.flashTimer);
    this.flashTimer = setTimeout(() => {
      const now = Date.now();
      for (const [k, f] of this.flashes) { if (f.until <= now) { this.flashes.delete(k); } }
      this.renderRows(true);
    }, 3100);
  }

  // ---- selection and editing ----

  target(e) {
    const cell = e.target.closest('.cell');
    const line = e.target.closest('.row');
    if (!cell || !line || !cell.dataset.key) { return null; }
    const row = this.table.byId.get(line.dataset.rowId);
    const column = this.table.columns.find(c => c.key === cell.dataset.key);
    return row && column ? { row, column, cell } : null;
  }

  select(rowId, key) {
    this.selected = { rowId, key };
    for (const cell of this.body.querySelectorAll('.cell.selected')) { cell.classList.remove('selected'); }
    const line = [...this.rowsBox.children].find(r => r.dataset.rowId === rowId);
    const cell = line && line.querySelector('.cell[data-key="' + key + '"]');
    if (cell) { cell.classList.add('selected'); }
    if (this.handlers.onSelect) { this.handlers.onSelect(rowId); }
  }

  onClick(e) {
    const t = this.target(e);
    if (!t) { return; }
    const already = this.selected && this.selected.rowId === t.row._id && this.selected.key === t.column.key;
    this.select(t.row._id, t.column.key);
    if (t.column.type === 'checkbox' && already) { this.commit(t.row, t.column, !t.row[t.column.key]); }
  }

  onDoubleClick(e) {
    const t = this.target(e);
    if (t) { this.openEditor(t.row, t.column); }
  }

  onKey(e) {
    if (this.editor || !this.selected || !this.table) { return; }
    const rows = this.table.rows;
    const columns = this.table.columns;
    const row = this.table.byId.get(this.selected.rowId);
    if (!row) { return; }
    let r = rows.indexOf(row);
    let c = columns.findIndex(x => x.key === this.selected.key);
    const column = columns[c];
    switch (e.key) {
      case 'ArrowDown': r = Math.min(rows.length - 1, r + 1); break;
      case 'ArrowUp': r = Math.max(0, r - 1); break;
      case 'ArrowRight': c = Math.min(columns.length - 1, c + 1); break;
      case 'ArrowLeft': c = Math.max(0, c - 1); break;
      case 'Enter': e.preventDefault(); this.openEditor(row, column); return;
      case ' ': if (column.type === 'checkbox') { e.preventDefault(); this.commit(row, column, !row[column.key]); } return;
      case 'Delete': case 'Backspace': this.commit(row, column, null); return;
      default:
        if (e.key.length === 1 && !e.ctrlKey && !e.metaKey && typed(column)) { this.openEditor(row, column, e.key); e.preventDefault(); }
        return;
    }
    e.preventDefault();
    this.select(rows[r]._id, columns[c].key);
    const top = r * ROW_HEIGHT;
    const header = this.header.offsetHeight;
    if (top < this.root.scrollTop) { this.root.scrollTop = top; }
    if (top + ROW_HEIGHT > this.root.scrollTop + this.root.clientHeight - header) {
      this.root.scrollTop = top + ROW_HEIGHT - this.root.clientHeight + header;
    }
  }

  commit(row, column, value) {
    if (!this.writable) { this.handlers.refuse('This base is open read-only: edits are not allowed.'); return; }
    this.handlers.onEdit(row, column, value);
  }

  openEditor(row, column, initial) {
    if (!this.writable) { this.handlers.refuse('This base is open read-only: edits are not allowed.'); return; }
    if (column.type === 'checkbox') { this.commit(row, column, !row[column.key]); return; }
    this.closeEditor();
    const input = editorFor(column, row[column.key], initial);
    input.classList.add('editor');
    const index = this.table.rows.indexOf(row);
    const left = 60 + this.table.columns.slice(0, this.table.columns.indexOf(column))
      .reduce((sum, c) => sum + this.columnWidth(c), 0);
    input.style.top = (index * ROW_HEIGHT) + 'px';
    input.style.left = left + 'px';
    input.style.width = Math.max(this.columnWidth(column), 160) + 'px';
    let done = false;
    const finish = (save) => {
      if (done) { return; }
      done = true;
      this.closeEditor();
      this.root.focus();
      if (save) {
        const value = parse(column, input.value);
        if (!same(value, row[column.key])) { this.commit(row, column, value); }
      }
    };
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') { e.preventDefault(); finish(true); }
      if (e.key === 'Escape') { e.preventDefault(); finish(false); }
      e.stopPropagation();
    });
    input.addEventListener('blur', () => finish(true));
    if (input.tagName === 'SELECT') { input.addEventListener('change', () => finish(true)); }
    this.editor = { element: input, cancel: () => { done = true; } };
    this.body.append(input);
    input.focus();
  }

  /** Removes an open editor without saving (its blur must not save into another table or row). */
  closeEditor() {
    const editor = this.editor;
    this.editor = null;
    if (editor) { editor.cancel(); editor.element.remove(); }
  }
}

function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) { e.className = className; }
  if (text !== undefined) { e.textContent = text; }
  return e;
}

function options(column) { return (column.data && column.data.options) || []; }

function show(cell, column, value) {
  if (value === undefined || value === null) { return; }
  switch (column.type) {
    case 'checkbox':
      cell.textContent = value ? '✔' : '';
      break;
    case 'single-select':
    case 'multiple-select':
      for (const id of Array.isArray(value) ? value : [value]) {
        const option = options(column).find(o => o.id === id);
        const chip = el('span', 'option', option ? option.name : id);
        if (option && option.color) { chip.style.backgroundColor = option.color; }
        cell.append(chip);
      }
      break;
    default:
      cell.textContent = String(value);
  }
}

function typed(column) { return !['checkbox', 'single-select', 'multiple-select'].includes(column.type); }

function editorFor(column, value, initial) {
  if (column.type === 'single-select') {
    const select = document.createElement('select');
    select.append(new Option('', ''));
    for (const o of options(column)) { select.append(new Option(o.name, o.id, false, o.id === value)); }
    return select;
  }
  const input = document.createElement('input');
  input.type = column.type === 'date' ? 'date' : 'text';
  if (column.type === 'number' || column.type === 'duration' || column.type === 'rate') { input.inputMode = 'decimal'; }
  const text = value === undefined || value === null ? '' : Array.isArray(value) ? value.join(', ') : String(value);
  input.value = initial !== undefined && input.type === 'text' ? initial : column.type === 'date' ? text.slice(0, 10) : text;
  return input;
}

/**
 * What the person typed, as the cell's JSON value. Text that is not a number stays text in a number
 * column, so the node refuses it with its own message (and the grid rolls it back).
 */
function parse(column, text) {
  if (text === '') { return null; }
  switch (column.type) {
    case 'number': case 'duration': case 'rate': {
      const n = Number(text.trim());
      return text.trim() !== '' && Number.isFinite(n) ? n : text;
    }
    case 'multiple-select': return text.split(',').map(s => s.trim()).filter(Boolean);
    default: return text;
  }
}

function same(a, b) { return JSON.stringify(a === undefined ? null : a) === JSON.stringify(b === undefined ? null : b); }
