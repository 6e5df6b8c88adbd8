// The live connection of a Session to the node that serves its base, in two framings:
//
// - SocketIoChannel (default): socket.io through the proxy's gateway, with SeaTable's events, exactly as
//   SeaTable's own client talks (join-room, update-dtable with an ack, the broadcast update-dtable(op,
//   version)). One origin for the whole cluster; the proxy routes by the dtable_uuid query. The broadcast
//   carries no author, and there is no replay event: what a reconnect missed comes from the operation log
//   (GET .../operations/?from_version=n through the proxy), authors included.
// - WebSocketChannel (`&transport=websocket`, or when socket.io-client was not vendored): the node's own
//   WebSocket at its node_url (docs/api.md), whose frames carry the author and whose `sync` replays.
//
// A channel reports to the session: connecting(why), joined(version), remote({version, operation,
// author}), acked(seq, version), refused(seq, {error_type, error_msg}), lost(why, fatal).

const FATAL_CLOSES = { 4400: 'malformed base id', 4401: 'token refused (expired or invalid)',
  4403: 'this token may not open this base', 4404: 'the base does not exist or was deleted' };
const CATCH_UP_LIMIT = 10000;

export class SocketIoChannel {
  constructor(session) {
    this.session = session;
    this.name = 'socket.io via proxy';
  }

  open() {
    const s = this.session;
    s.connecting();
    const socket = window.io({
      path: '/api-gateway/socket.io', query: { dtable_uuid: s.uuid },
      reconnectionDelay: 200, reconnectionDelayMax: 2000, randomizationFactor: 0.3,
    });
    this.socket = socket;
    socket.on('connect', () => socket.emit('join-room', s.uuid, s.token, (ack) => {
      if (ack && ack.status) {
        s.joined(ack.dtable_version);
      } else {
        s.lost('join refused: ' + ((ack && (ack.message || ack.error_type)) || 'no answer'), true);
        socket.close();
      }
    }));
    socket.on('update-dtable', (json, version) => s.remote({ version, operation: JSON.parse(json), author: null }));
    socket.on('disconnect', (reason) => {
      if (reason !== 'io client disconnect') { s.lost('connection lost (' + reason + ')'); }
    });
    socket.io.on('reconnect_attempt', () => s.connecting('reconnecting through the proxy'));
    for (const event of ['join-room', 'leave-room']) {
      socket.on(event, (username) => s.listener.presence && s.listener.presence(username, event === 'join-room'));
    }
  }

  ready() { return this.socket && this.socket.connected; }

  send(op, seq) {
    this.socket.emit('update-dtable', this.session.uuid, JSON.stringify(op), (ack) => {
      if (ack && ack.status) {
        this.session.acked(seq, ack.dtable_version);
      } else {
        this.session.refused(seq, { error_type: (ack && ack.error_type) || 'refused',
          error_msg: (ack && ack.message) || 'the node refused the operation' });
      }
    });
  }

  /** What the join skipped, from the operation log, in pages; the session applies them by version. */
  async catchUp(fromVersion) {
    const s = this.session;
    try {
      for (let from = fromVersion; from < s.joinedVersion;) {
        const operations = await s.operationsAfter(from, CATCH_UP_LIMIT);
        if (!operations.length) { break; }
        operations.forEach(o => s.remote({ version: o.version, operation: o.operation, author: o.author }));
        from = operations[operations.length - 1].version;
      }
    } catch (e) {
      if (e.errorType === 'http_404' || e.errorType === 'dtable_not_found') { s.lost(e.message, true); return; }
      setTimeout(() => this.catchUp(s.model.version), 500);
    }
  }

  restart() {
    this.socket.io.engine.close();                  // 'disconnect' follows; the Manager reconnects and we join again
  }

  close() { if (this.socket) { this.socket.close(); } }
}

export class WebSocketChannel {
  constructor(session) {
    this.session = session;
    this.name = 'WebSocket to the node';
    this.retryDelay = 250;
  }

  async open() {
    const s = this.session;
    if (this.closed) { return; }
    s.connecting();
    const info = await s.whoServes();
    if (!info || !info.node_url) { this.retry(info ? 'no node serves the base right now' : 'server-info failed'); return; }
    const url = info.node_url.replace(/^http/, 'ws').replace(/\/$/, '')
      + '/socket/dtables/' + s.uuid + '?token=' + encodeURIComponent(s.token);
    const socket = new WebSocket(url);
    this.socket = socket;
    socket.onmessage = (e) => { if (socket === this.socket) { this.frame(JSON.parse(e.data)); } };
    socket.onclose = (e) => { if (socket === this.socket) { this.closedWith(e.code); } };
  }

  frame(frame) {
    const s = this.session;
    switch (frame.event) {
      case 'joined': this.retryDelay = 250; s.joined(frame.data.version); break;
      case 'update-dtable': s.remote(frame.data); break;
      case 'ack': s.acked(frame.seq, frame.data.version); break;
      case 'error': s.refused(frame.seq, frame.data); break;
      default: break;                               // base-moved, base-deleted: the close that follows says it
    }
  }

  closedWith(code) {
    this.socket = null;
    if (this.closed) { return; }
    if (FATAL_CLOSES[code]) { this.session.lost(FATAL_CLOSES[code], true); return; }
    this.session.lost(code === 4307 ? 'the base moved to another node' : 'connection lost (' + code + ')');
    if (code === 4307) { this.retryDelay = 50; }    // the new owner is ready or nearly
    if (code === 4410) { this.session.reload().then(() => this.retry('reloaded the base')); return; }
    this.retry();
  }

  retry(why) {
    if (why) { this.session.connecting(why); }
    const delay = this.retryDelay;
    this.retryDelay = Math.min(this.retryDelay * 2, 3000);
    setTimeout(() => this.open(), delay);
  }

  ready() { return this.socket && this.socket.readyState === WebSocket.OPEN; }

  send(op, seq) { this.socket.send(JSON.stringify({ event: 'update-dtable', seq, data: op })); }

  catchUp(fromVersion) { this.socket.send(JSON.stringify({ event: 'sync', data: { from_version: fromVersion } })); }

  restart() { if (this.socket) { this.socket.close(); } }

  close() {
    this.closed = true;
    if (this.socket) { this.socket.close(1000); }
  }
}
