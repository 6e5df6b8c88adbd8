// Cluster-monitor dashboard: no build step. Reads the cluster view from the Server-Sent Events stream
// (GET /api/v1/cluster/events?token=..., since EventSource cannot send headers) and calls the admin
// endpoints with "Authorization: Token <jwt>". The token lives in sessionStorage only.
(function () {
  'use strict';

  const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf',
                   '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#393b79', '#637939'];
  const TOKEN_KEY = 'dtable-monitor-token';
  const $ = (id) => document.getElementById(id);
  let source = null;
  let view = null;

  function token() { return sessionStorage.getItem(TOKEN_KEY) || ''; }

  function buildGrid() {
    const grid = $('grid');
    for (let i = 0; i < 256; i++) {
      const hex = i.toString(16).padStart(2, '0');
      const cell = document.createElement('div');
      cell.className = 'cell unassigned';
      cell.id = 'cell-' + hex;
      cell.dataset.bucket = hex;
      cell.dataset.owner = '';
      cell.textContent = hex;
      grid.appendChild(cell);
    }
  }

  // Colours follow the sorted node list, so every node in the view has a distinct colour (up to 12).
  function colours(nodes) {
    const byNode = {};
    nodes.map(n => n.node_id).sort().forEach((id, i) => { byNode[id] = PALETTE[i % PALETTE.length]; });
    return byNode;
  }

  function render(v) {
    view = v;
    const colour = colours(v.nodes);
    $('leader').textContent = v.leader ? v.leader.monitor_id : 'none';
    $('self').textContent = v.self.monitor_id + ' (' + v.self.role + ')';
    $('revision').textContent = v.revision;
    $('unassigned').textContent = v.unassigned;
    for (const [hex, owner] of Object.entries(v.map)) {
      const cell = $('cell-' + hex);
      cell.dataset.owner = owner || '';
      cell.title = 'bucket ' + hex + ' → ' + (owner || 'unassigned');
      cell.classList.toggle('unassigned', !owner);
      cell.style.backgroundColor = owner ? colour[owner] : '';
    }
    renderLegend(v.nodes, colour);
    renderMoves(v.last_moves || []);
  }

  function renderLegend(nodes, colour) {
    const body = $('legend').querySelector('tbody');
    body.replaceChildren();
    for (const n of nodes) {
      const tr = document.createElement('tr');
      tr.id = 'node-' + n.node_id;
      const state = !n.live ? 'gone' : n.draining ? 'draining' : 'live';
      tr.innerHTML = '<td><span class="swatch"></span></td><td></td><td class="count"></td><td></td><td></td>';
      tr.children[0].firstChild.style.backgroundColor = colour[n.node_id];
      tr.children[1].textContent = n.node_id;
      tr.children[1].title = n.node_url || '';
      tr.children[2].textContent = n.bucket_count;
      tr.children[3].textContent = state;
      tr.children[3].className = state === 'gone' ? 'dead' : state === 'draining' ? 'draining' : '';
      const button = document.createElement('button');
      button.type = 'button';
      button.className = n.draining ? 'undrain' : 'drain';
      button.dataset.node = n.node_id;
      button.textContent = n.draining ? 'Undrain' : 'Drain';
      button.addEventListener('click', () => nodeAction(n.node_id, n.draining ? 'undrain' : 'drain'));
      tr.children[4].appendChild(button);
      body.appendChild(tr);
    }
  }

  function renderMoves(moves) {
    const body = $('moves').querySelector('tbody');
    body.replaceChildren();
    for (const m of moves.slice(0, 20)) {
      const tr = document.createElement('tr');
      for (const value of [m.bucket, m.from || '–', m.to, m.reason, (m.at || '').replace('T', ' ').replace(/\..*Z$/, 'Z')]) {
        const td = document.createElement('td');
        td.textContent = value;
        tr.appendChild(td);
      }
      body.appendChild(tr);
    }
  }

  function message(text, isError) {
    $('message').textContent = text;
    $('message').className = isError ? 'error' : '';
  }

  function connect() {
    if (source) { source.close(); }
    if (!token()) { message('Paste an internal token first.', true); return; }
    $('status').textContent = 'connecting…';
    source = new EventSource('api/v1/cluster/events?token=' + encodeURIComponent(token()));
    source.addEventListener('cluster', (e) => {
      $('status').textContent = 'live';
      $('rebalance').disabled = false;
      render(JSON.parse(e.data));
    });
    source.onerror = () => {
      // EventSource reconnects by itself; a refused token shows up as repeated errors
      $('status').textContent = 'disconnected (retrying; check the token)';
    };
  }

  async function post(path) {
    const response = await fetch(path, { method: 'POST', headers: { 'Authorization': 'Token ' + token() } });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      throw new Error(body.error_msg || ('HTTP ' + response.status));
    }
    return body;
  }

  async function rebalance() {
    try {
      const r = await post('rebalance/');
      message('Rebalance moved ' + r.moved + ' bucket(s) (revision ' + r.version + ').', false);
    } catch (e) { message('Rebalance failed: ' + e.message, true); }
  }

  async function nodeAction(nodeId, action) {
    try {
      const r = await post('api/v1/nodes/' + encodeURIComponent(nodeId) + '/' + action + '/');
      message(action + ' ' + nodeId + ': moved ' + r.moved + ' bucket(s).', false);
    } catch (e) { message(action + ' ' + nodeId + ' failed: ' + e.message, true); }
  }

  buildGrid();
  $('token-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const value = $('token').value.trim();
    if (value) { sessionStorage.setItem(TOKEN_KEY, value); }
    connect();
  });
  $('rebalance').addEventListener('click', rebalance);
  if (token()) { $('token').value = token(); connect(); }
  window.dtableDashboard = { view: () => view };
})();
