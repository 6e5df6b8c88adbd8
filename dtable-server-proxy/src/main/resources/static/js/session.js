// One open base: the model, the live channel to the node that serves it, and the person's edits in flight.
//
// Edits apply to the model at once and wait in `pending`; the head goes to the node, the next one after
// its ack (one in flight, as SeaTable's store). Others' operations are applied in version order *under*
// the pending edits (undo pending, apply, redo pending), so the grid always shows "the node's base + my
// pending edits". A refused edit is undone the same way and reported.
//
// After a lost connection (a bucket move closes it) the channel reconnects to whoever serves the base now
// and joins at version V; we fetch what we missed up to V. The edit that was in flight at the loss either
// is among those operations (author = us, same target: it landed, we take it as acked) or is not (we send
// it again), so it lands exactly once. Row, column and table ids are chosen here, which makes that check
// exact for inserts.

import { BaseModel, refusal } from './model.js';
import { SocketIoChannel, WebSocketChannel } from './channels.js';

export class Session {
  constructor({ uuid, token, claims, transport, listener }) {
    this.uuid = uuid;
    this.token = token;
    this.me = claims.username || (claims.is_internal ? 'internal' : 'anonymous');
    this.writable = claims.is_internal === true || claims.permission === 'rw';
    this.listener = listener;        // {changed(kind), state(state, detail), refused(op, error), remote(entry)}
    this.model = null;
    this.pending = [];               // [{op, inverse, sent, uncertain, seq}] oldest first; only the head is sent
    this.ahead = new Map();          // version → operation that came before the ones it follows
    this.seq = 0;
    this.state = 'loading';
    this.node = null;
    this.joinedVersion = 0;          // version at the last join; until we have it we are catching up
    this.stats = { reconnects: 0, resent: 0, recoveredInFlight: 0 };
    const useSocketIo = transport !== 'websocket' && typeof window.io === 'function';
    this.channel = useSocketIo ? new SocketIoChannel(this) : new WebSocketChannel(this);
  }

  // ---- loading ----

  async open() {
    const started = performance.now();
    this.model = await this.load();
    this.loadMillis = performance.now() - started;
    this.listener.changed('base');
    this.channel.open();
  }

  /** The base as SeaTable's client loads it, through the proxy's gateway (cells by column key). */
  async load() {
    const response = await this.http('GET', '/api-gateway/api/v2/dtables/' + this.uuid + '/');
    this.node = response.headers.get('X-Dtable-Node') || this.node;
    return new BaseModel(await response.json());
  }

  async http(method, path) {
    const response = await fetch(path, { method, headers: { 'Authorization': 'Token ' + this.token } });
    if (!response.ok) {
      const error = await response.json().catch(() => ({}));
      throw refusal(error.error_type || 'http_' + response.status, error.error_msg || 'HTTP ' + response.status);
    }
    return response;
  }

  /** The logged operations after `fromVersion`, with their authors (the proxy forwards to the owner). */
  async operationsAfter(fromVersion, limit) {
    const response = await this.http('GET', '/api/v1/dtables/' + this.uuid + '/operations/?from_version='
      + fromVersion + '&limit=' + limit);
    return (await response.json()).operations;
  }

  async whoServes() {
    try {
      const info = await (await this.http('GET', '/api/v1/dtables/' + this.uuid + '/server-info/')).json();
      this.node = info.node_id;
      return info;
    } catch (e) {
      return null;
    }
  }

  // ---- what the channel reports ----

  setState(state, detail) {
    this.state = state;
    this.listener.state(state, detail);
  }

  connecting(why) {
    this.setState(this.stats.reconnects ? 'reconnecting' : 'connecting', why);
  }

  lost(why, fatal) {
    this.pending.forEach(p => { p.uncertain = p.uncertain || p.sent; p.sent = false; });
    this.ahead.clear();
    if (fatal) { this.setState('closed', why); return; }
    this.stats.reconnects++;
    this.setState('reconnecting', why);
  }

  joined(version) {
    this.joinedVersion = version;
    if (version < this.model.version) {               // the node is behind what we saw: never expected
      this.channel.restart('the node is behind this page');
      return;
    }
    this.setState(version > this.model.version ? 'catching up' : 'live');
    this.whoServes().then(() => this.listener.state(this.state));
    if (version > this.model.version) { this.channel.catchUp(this.model.version); }
    this.settle();
  }

  /** Once we have every operation up to the joined version, the in-flight question is decided. */
  settle() {
    if (this.model.version < this.joinedVersion || this.state === 'closed') { return; }
    const head = this.pending[0];
    if (head && head.uncertain) {                      // not among the operations we missed: it never landed
      head.uncertain = false;
      this.stats.resent++;
    }
    if (this.state !== 'live') { this.setState('live'); }
    this.pump();
  }

  remote(entry) {
    if (this.reloading) { this.reloading.push(entry); return; }
    if (entry.version <= this.model.version) { return; }            // already have it
    if (entry.version !== this.model.version + 1) {                  // comes before others we lack
      this.ahead.set(entry.version, entry);
      return;
    }
    this.applyRemote(entry);
    for (let next = this.ahead.get(this.model.version + 1); next; next = this.ahead.get(this.model.version + 1)) {
      this.ahead.delete(next.version);
      this.applyRemote(next);
    }
    if (this.state !== 'live') { this.settle(); }
  }

  applyRemote(entry) {
    const { version, operation, author } = entry;
    const head = this.pending[0];
    if (head && head.uncertain && author === this.me && sameTarget(head.op, operation)) {
      this.pending.shift();                                          // our in-flight edit landed before the loss
      this.model.version = version;
      this.stats.recoveredInFlight++;
      this.listener.changed('version');
      return;
    }
    try {
      this.underPending(() => this.model.apply(operation));
      this.model.version = version;
    } catch (e) {                                                    // e.g. modify_column_type converted cells
      this.model.version = version;
      this.reload();
    }
    this.listener.remote(entry);
    this.listener.changed('remote');
  }

  acked(seq, version) {
    const head = this.pending[0];
    if (!head || head.seq !== seq || !head.sent) { return; }
    this.pending.shift();
    this.model.version = version;
    this.listener.changed('version');
    this.pump();
  }

  refused(seq, error) {
    const head = this.pending[0];
    if (!head || head.seq !== seq || !head.sent) {
      this.listener.refused(null, refusal(error.error_type, error.error_msg));
      return;
    }
    if (error.error_type === 'base_unavailable') {                   // not applied; try again shortly
      head.sent = false;
      setTimeout(() => this.pump(), 300);
      return;
    }
    if (error.error_type === 'outcome_unknown') {                    // maybe applied: the catch-up decides
      this.channel.restart('the node could not say whether the edit was saved');
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
    if (!head || head.sent || head.uncertain || this.state !== 'live' || !this.channel.ready()) { return; }
    head.sent = true;
    head.seq = ++this.seq;
    this.channel.send(head.op, head.seq);
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
      p.inverse = null;                                              // e.g. the row is gone; the node will refuse it
    }
  }

  // ---- edits ----

  /** Applies a person's edit now and queues it for the node. Throws (and changes nothing) when refused here. */
  edit(op) {
    if (!this.writable) { throw refusal('permission_denied', 'this token is read-only'); }
    const inverse = this.model.apply(op);
    this.pending.push({ op, inverse, sent: false, uncertain: false, seq: 0 });
    this.listener.changed('local');
    this.pump();
  }

  /** Loads the base again (what we missed is no longer in the log) and replays our pending edits on it. */
  async reload() {
    if (this.reloading) { return; }
    this.reloading = [];
    try {
      this.model = await this.load();
      this.pending.forEach(p => this.redo(p));
    } finally {
      const buffered = this.reloading;
      this.reloading = null;
      buffered.forEach(entry => this.remote(entry));
      this.listener.changed('base');
      this.settle();
    }
  }

  close() {
    this.state = 'closed';
    this.channel.close();
  }
}

/** True when a logged operation is the edit we sent: same kind, same target (ids the page chose itself). */
export function sameTarget(sent, logged) {
  if (sent.op_type !== logged.op_type) { return false; }
  if (sent.op_type === 'insert_table') { return sent.table_id === logged.table_id; }
  if (sent.table_id !== logged.table_id) { return false; }
  switch (sent.op_type) {
    case 'insert_row': return sent.row_data._id === logged.row_data._id;
    case 'modify_row': return sent.row_id === logged.row_id && Object.keys(sent.updated)
      .every(k => k in logged.updated && JSON.stringify(sent.updated[k]) === JSON.stringify(logged.updated[k]));
    case 'delete_row': return sent.row_id === logged.row_id;
    case 'insert_column': case 'delete_column': return sent.column_key === logged.column_key;
    case 'rename_column': return sent.column_key === logged.column_key && sent.new_column_name === logged.new_column_name;
    default: return JSON.stringify(sent) === JSON.stringify(logged);
  }
}
