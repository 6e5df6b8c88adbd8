// The page's session logic under node's test runner, with a fake channel: exactly-once across a lost
// connection, others' operations under pending edits, rollback of a refused edit, out-of-order arrival.
// Run by PageScriptsTest (bin/test), or by hand: node --test dtable-server-proxy/src/test/js/
import { test } from 'node:test';
import assert from 'node:assert/strict';

globalThis.window = {};                                   // no socket.io-client here: the channel is replaced below
const { Session } = await import('../../main/resources/static/js/session.js');
const { BaseModel } = await import('../../main/resources/static/js/model.js');

const ROW = 'AAAAAAAAAAAAAAAAAAAAAA';

function session(username = 'alice') {
  const events = [];
  const s = new Session({ uuid: 'u', token: 't', claims: { username, permission: 'rw' }, listener: {
    changed: () => {}, state: (state) => events.push(state), refused: (op, e) => events.push('refused ' + e.errorType),
    remote: (entry) => events.push('remote v' + entry.version),
  } });
  const sent = [];
  s.channel = { ready: () => true, send: (op, seq) => sent.push({ op, seq }), catchUp: () => {}, restart: () => {}, close: () => {} };
  s.whoServes = async () => null;
  s.model = new BaseModel({ version: 0, tables: [{ _id: '0000', name: 'T',
    columns: [{ key: '0000', name: 'Name', type: 'text' }], rows: [{ _id: ROW, '0000': 'a' }] }] });
  s.joined(0);
  return { s, sent, events };
}

const modify = (value) => ({ op_type: 'modify_row', table_id: '0000', row_id: ROW, updated: { '0000': value } });
const logged = (value) => ({ op_type: 'modify_row', table_id: '0000', row_id: ROW, updated: { '0000': value, _mtime: 'x' } });
const cell = (s) => s.model.table('0000').byId.get(ROW)['0000'];

test('an edit in flight at a lost connection that landed is found in the catch-up and not sent again', () => {
  const { s, sent } = session();
  s.edit(modify('b'));
  assert.equal(sent.length, 1);
  s.lost('bucket moved');
  s.joined(1);                                            // the node has one operation we lack: ours
  assert.equal(s.state, 'catching up');
  s.remote({ version: 1, operation: logged('b'), author: 'alice' });
  assert.equal(s.state, 'live');
  assert.equal(s.pending.length, 0);
  assert.equal(sent.length, 1, 'not resent');
  assert.equal(s.stats.recoveredInFlight, 1);
  assert.equal(cell(s), 'b');
});

test('an edit in flight at a lost connection that did not land is sent again, once', () => {
  const { s, sent } = session();
  s.edit(modify('b'));
  s.lost('bucket moved');
  s.joined(0);
  assert.equal(sent.length, 2);
  assert.deepEqual(sent[1].op, modify('b'));
  s.acked(sent[1].seq, 1);
  s.acked(sent[0].seq, 2);                                // a stale ack of the first send changes nothing
  assert.equal(s.model.version, 1);
  assert.equal(s.pending.length, 0);
});

test('the same change by someone else during the catch-up is not mistaken for ours', () => {
  const { s, sent } = session();
  s.edit(modify('b'));
  s.lost('bucket moved');
  s.joined(1);
  s.remote({ version: 1, operation: logged('b'), author: 'bob' });
  assert.equal(sent.length, 2, 'ours is sent again');
  assert.equal(cell(s), 'b');
});

test("others' operations apply under pending edits, and the pending edit wins as it will on the node", () => {
  const { s, sent } = session();
  s.edit(modify('mine'));
  s.remote({ version: 1, operation: logged('theirs'), author: 'bob' });
  assert.equal(cell(s), 'mine');
  s.acked(sent[0].seq, 2);
  assert.equal(cell(s), 'mine');
  assert.equal(s.model.version, 2);
});

test('a refused edit is rolled back under the later pending ones, and reported', () => {
  const { s, sent, events } = session();
  s.edit(modify('x'));
  s.edit(modify('y'));
  s.refused(sent[0].seq, { error_type: 'invalid_value', error_msg: 'no' });
  assert.equal(cell(s), 'y');
  assert.ok(events.includes('refused invalid_value'));
  assert.equal(sent.length, 2);
  s.refused(sent[1].seq, { error_type: 'invalid_value', error_msg: 'no' });
  assert.equal(cell(s), 'a');
  assert.equal(s.pending.length, 0);
});

test('operations that arrive before the ones they follow wait for them', () => {
  const { s } = session();
  s.remote({ version: 2, operation: logged('two'), author: 'bob' });
  assert.equal(cell(s), 'a');
  s.remote({ version: 1, operation: logged('one'), author: 'bob' });
  assert.equal(cell(s), 'two');
  assert.equal(s.model.version, 2);
  s.remote({ version: 2, operation: logged('again'), author: 'bob' });
  assert.equal(cell(s), 'two', 'a version we have is skipped');
});

test('a read-only session refuses edits and changes nothing', () => {
  const s = new Session({ uuid: 'u', token: 't', claims: { username: 'carol', permission: 'r' }, listener: {} });
  s.model = new BaseModel({ version: 0, tables: [{ _id: '0000', name: 'T', columns: [], rows: [{ _id: ROW }] }] });
  assert.throws(() => s.edit(modify('z')), /read-only/);
  assert.equal(s.pending.length, 0);
});

test('inverses undo inserts, deletes and column changes exactly', () => {
  const m = new BaseModel({ version: 0, tables: [{ _id: '0000', name: 'T', columns: [{ key: '0000', name: 'Name', type: 'text' }],
    rows: [{ _id: ROW, '0000': 'a' }, { _id: 'BBBBBBBBBBBBBBBBBBBBBB', '0000': 'b' }] }] });
  const before = JSON.stringify(m.tables.map(t => ({ c: t.columns, r: t.rows })));
  const ops = [
    { op_type: 'insert_row', table_id: '0000', row_id: ROW, row_data: { _id: 'CCCCCCCCCCCCCCCCCCCCCC', '0000': 'c' } },
    { op_type: 'delete_row', table_id: '0000', row_id: ROW },
    { op_type: 'insert_column', table_id: '0000', column_key: 'k001', column_name: 'N', column_type: 'number' },
    { op_type: 'rename_column', table_id: '0000', column_key: '0000', new_column_name: 'Title' },
    { op_type: 'delete_column', table_id: '0000', column_key: '0000' },
  ];
  const inverses = ops.map(op => m.apply(op));
  inverses.reverse().forEach(inv => m.apply(inv));
  assert.equal(JSON.stringify(m.tables.map(t => ({ c: t.columns, r: t.rows }))), before);
});
