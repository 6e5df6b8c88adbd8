// One open base: the model, the socket to the node that serves it, and the person's edits in flight.
//
// Edits apply to the model at once and wait in `pending`; the head goes to the node, the next one after
// its ack (one in flight, as SeaTable's store). Others' operations arrive in version order and are applied
// *under* the pending edits (undo pending, apply, redo pending), so the grid always shows "the node's
// base + my pending edits". A refused edit is undone the same way and reported.
//
// Reconnect (network loss, bucket move: close 4307 after `base-moved`): ask the proxy's server-info for the
// owner, reopen, `sync` from the last version we have. The edit that was in flight at the loss is either in
// that replay (author = us and same target: it landed, we take it as acked) or not (we send it again), so
// it lands exactly once. Row, column and table ids are chosen here, which makes that check exact for inserts.

import { BaseModel, refusal } from './model.js';

const FATAL_CLOSES = { 4400: 'malformed base id', 4401: 'token refused (expired or invalid)',
  4403: 'this token may not open this base', 4404: 'the base does not exist or was deleted' };

export class Session {
  constructor({ uuid, token, claims, proxy = '', listener }) {
    this.uuid = uuid;
    this.token = token;
    this.me = claims.username || (claims.is_internal ? 'internal' : 'anonymous');
    this.writable = claims.is_internal === true || claims.permission === 'rw';
    this.proxy = proxy;
    this.listener = listener;        // {changed(kind, detail), state(state), refused(op, error), remote(entry)}
    this.model = null;
    this.pending = [];               // [{op, inverse, sent, seq}] oldest first; only the head is ever sent
    this.seq = 0;
    this.state = 'loading';
    this.node = null;
    this.joinedVersion = 0;          // version in the last `joined`; until we reach it we are catching up
    this.socket = null;
    this.retryDelay = 250;
    this.closed = false;
    this.stats = { reconnects: 0, resent: 0, recoveredInFlight: 0 };
  }

  // ---- loading ----

  async open() {
    const started = performance.now();
    const response = await this.http('GET', '/api/v1/dtables/' + this.uuid + '/');
    const doc = await response.json();
    this.model = new BaseModel(doc);
    this.node = response.headers.get('X-Dtable-Node');
    this.loadMillis = performance.now() - started;
    this.listener.changed('base');
    this.connect();
  }

  async http(method, path, body) {
    const response = await fetch(this.proxy + path, {
      method, headers: { 'Authorization': 'Token ' + this.token, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) {
      const error = await response.json().catch(() => ({}));
      throw refusal(error.error_type || 'http_' + response.status, error.error_msg || 'HTTP ' + response.status);
    }
    return response;
  }

  // ---- the socket ----

  setState(state, detail) {
    this.state = state;
    this.listener.state(state, detail);
  }

  async connect() {
    if (this.closed) { return; }
    this.setState(this.stats.reconnects ? 'reconnecting' : 'connecting');
    let info;
    try {
      info = await (await this.http('GET', '/api/v1/dtables/' + this.uuid + '/server-info/')).json();
    } catch (e) {
      return this.retry('server-info: ' + e.message);
    }
    if (!info.node_url) { return this.retry('no node serves the base right now'); }
    this.node = info.node_id;
    const url = info.node_url.replace(/^http/, 'ws').replace(/\/$/, '')
      + '/socket/dtables/' + this.uuid + '?token=' + encodeURIComponent(this.token);
    const socket = new WebSocket(url);
    this.socket = socket;
    socket.onmessage = (e) => this.onFrame(socket, JSON.parse(e.data));
    socket.onclose = (e) => this.onClose(socket, e.code);
  }

  retry(why) {
    if (this.closed) { return; }
    this.setState('reconnecting', why);
    const delay = this.retryDelay;
    this.retryDelay = Math.min(this.retryDelay * 2, 3000);
    setTimeout(() => this.connect(), delay);
  }

  onClose(socket, code) {
    if (socket !== this.socket || this.closed) { return; }
    this.socket = null;
    this.pending.forEach(p => { p.uncertain = p.sent; });   // the head may or may not have landed
    this.stats.reconnects++;
    if (FATAL_CLOSES[code]) {
      this.setState('closed', FATAL_CLOSES[code]);
      return;
    }
    if (code === 4410) { this.reload().then(() => this.retry('reloaded the base')); return; }
    if (code === 4307) { this.retryDelay = 50; }       // bucket moved: the new owner is ready or nearly
    this.retry(code === 4307 ? 'the base moved to another node' : 'connection lost (' + code + ')');
  }

  send(frame) { this.socket.send(JSON.stringify(frame)); }

  onFrame(socket, frame) {
    if (socket !== this.socket) { return; }
    switch (frame.event) {
      case 'joined':
        this.retryDelay = 250;
        this.joinedVersion = frame.data.version;
        if (this.joinedVersion < this.model.version) {     // the node is behind us: never expected
          socket.close(); return;
        }
        this.setState(this.joinedVersion > this.model.version ? 'catching up' : 'live');
        this.send({ event: 'sync', data: { from_version: this.model.version } });
        this.settle();
        break;
      case 'update-dtable':
        this.onRemote(frame.data);
        break;
      case 'ack':
        this.onAck(frame.seq, frame.data.version);
        break;
      case 'error':
        this.onError(frame.seq, frame.data);
        break;
      case 'base-moved':
      case 'base-deleted':
        break;                                              // the close that follows says what to do
    }
  }

  /** Once we have every operation up to the joined version, the in-flight question is decided. */
  settle() {
    if (this.model.version < this.joinedVersion) { return; }
    const head = this.pending[0];
    if (head && head.uncertain) {                           // not in the replay: it never landed
      head.uncertain = false;
      head.sent = false;
      this.stats.resent++;
    }
    if (this.state !== 'live') { this.setState('live'); }
    this.pump();
  }

  onRemote(entry) {
    if (this.reloading) { this.reloading.push(entry); return; }
    const { version, operation, author } = entry;
    if (version <= this.model.version) { return; }          // already have it (sync rewinds)
    if (version !== this.model.version + 1) {               // ahead of the replay of our `sync`: it comes again
      if (this.state === 'live') { this.send({ event: 'sync', data: { from_version: this.model.version } }); }
      return;
    }
    const head = this.pending[0];
    if (head && head.uncertain && author === this.me && sameTarget(head.op, operation)) {
      this.pending.shift();                                 // our in-flight edit landed before the loss
      this.model.version = version;
      this.stats.recoveredInFlight++;
      this.listener.changed('version');
    } else {
      try {
        this.underPending(() => this.model.apply(operation));
        this.model.version = version;
      } catch (e) {                                         // e.g. modify_column_type: the node converted cells
        this.model.version = version;
        this.reload();
      }
      this.listener.remote(entry);
      this.listener.changed('remote');
    }
    if (this.state !== 'live') { this.settle(); }
  }

  onAck(seq, version) {
    const head = this.pending[0];
    if (!head || head.seq !== seq) { return; }
    this.pending.shift();
    this.model.version = version;
    this.listener.changed('version');
    this.pump();
  }

  onError(seq, error) {
    const head = this.pending[0];
    if (!head || head.seq !== seq) {
      this.listener.refused(null, refusal(error.error_type, error.error_msg));
      return;
    }
    if (error.error_type === 'base_unavailable') {          // not applied; the node says try again
      head.sent = false;
      setTimeout(() => this.pump(), 300);
      return;
    }
    if (error.error_type === 'outcome_unknown') {           // maybe applied: let the replay decide
      this.socket.close();
      return;
    }
    this.pending.shift();
    this.underPending(() => { if (head.inverse) { this.model.apply(head.inverse); } });
    this.listener.changed('rollback');
    this.listener.refused(head.op, refusal(error.error_type, error.error_msg));
    this.pump();
  }

  pump() {
    const head = this.pending[0];
    if (!head || head.sent || this.state !== 'live' || !this.socket || this.socket.readyState !== 1) { return; }
    head.sent = true;
    head.seq = ++this.seq;
    this.send({ event: 'update-dtable', seq: head.seq, data: head.op });
  }

  /** Runs `change` on the node's base: the pending edits are undone first and redone after. */
  underPending(change) {
    for (let i = this.pending.length - 1; i >= 0; i--) {
      const p = this.pending[i];
      if (p.inverse) { this.model.apply(p.inverse); p.inverse = null; }
    }
    try {
      change();
    } finally {
      this.pending.forEach(p => this.redo(p));
    }
  }

  redo(p) {
    try {
      p.inverse = this.model.apply(p.op);
    } catch (e) {
      p.inverse = null;                                     // e.g. someone deleted the row; the node will refuse it
    }
  }

  // ---- edits ----

  /** Applies a person's edit now and queues it for the node. Throws (and changes nothing) when refused here. */
  edit(op) {
    if (!this.writable) { throw refusal('permission_denied', 'this token is read-only'); }
    const inverse = this.model.apply(op);
    this.pending.push({ op, inverse, sent: false, seq: 0 });
    this.listener.changed('local');
    this.pump();
  }

  /** Loads the base again (the log no longer has what we missed) and replays our pending edits on it. */
  async reload() {
    if (this.reloading) { return; }
    this.reloading = [];
    try {
      const doc = await (await this.http('GET', '/api/v1/dtables/' + this.uuid + '/')).json();
      this.model = new BaseModel(doc);
      this.pending.forEach(p => this.redo(p));
    } finally {
      const buffered = this.reloading;
      this.reloading = null;
      buffered.forEach(entry => this.onRemote(entry));
      this.listener.changed('base');
    }
  }

  close() {
    this.closed = true;
    if (this.socket) { this.socket.close(1000); }
  }
}

/** True when a logged operation is the edit we sent: same kind, same target (ids the page chose itself). */
export function sameTarget(sent, logged) {
  if (sent.op_type !== logged.op_type || sent.table_id !== logged.table_id) { return sent.op_type === 'insert_table'
      && logged.op_type === 'insert_table' && sent.table_id === logged.table_id; }
  switch (sent.op_type) {
    case 'insert_row': return sent.row_data._id === logged.row_data._id;
    case 'modify_row': return sent.row_id === logged.row_id
      && Object.keys(sent.updated).every(k => k in logged.updated && sameValue(sent.updated[k], logged.updated[k]));
    case 'delete_row': return sent.row_id === logged.row_id;
    case 'insert_column': case 'delete_column': return sent.column_key === logged.column_key;
    case 'rename_column': return sent.column_key === logged.column_key && sent.new_column_name === logged.new_column_name;
    default: return JSON.stringify(sent) === JSON.stringify(logged);
  }
}

function sameValue(a, b) { return JSON.stringify(a) === JSON.stringify(b); }
