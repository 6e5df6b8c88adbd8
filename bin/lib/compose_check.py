"""End-to-end checks of bin/compose-test against the published ports of the compose topology.

Standard library only (the host has python3 for docker-compose anyway). One phase per call:

  ready      wait until every service answers /ping/ and is UP on /actuator/health, both nodes are
             registered, 256 buckets assigned
  balance    POST /rebalance/ so that both nodes own buckets (the second node may have joined late)
  basic      create a base through the proxy, write rows, and see a socket client get the broadcast
  failover   write through the proxy to bases of both nodes while one node's container is stopped:
             its bases are written again within TTL + 5 s, and no acknowledged row is lost
  rebalance  start the node again, POST /rebalance/ with an internal token: buckets move to it
  prometheus the monitoring profile's Prometheus scrapes every service and loaded the rules
  verify     every acknowledged row of the earlier phases is still there (run after down + up)

Settings come from the environment (see bin/compose-test): CT_KEY, CT_PROXY, CT_MONITOR, CT_SLAVE,
CT_SERVER_01, CT_SERVER_02 (base URLs ending with /), CT_STATE (a JSON file carried between phases),
CT_STOP_CMD and CT_START_CMD (shell commands that stop and start dtable-server-01), CT_TTL (lease TTL).
Each phase prints one line per finding and exits non-zero on the first failed check.
"""

import base64
import hashlib
import hmac
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid as uuidlib

ENV = os.environ
KEY = ENV["CT_KEY"].encode()
PROXY, MONITOR, SLAVE = ENV["CT_PROXY"], ENV["CT_MONITOR"], ENV["CT_SLAVE"]
NODES = {"dtable-server-01": ENV["CT_SERVER_01"], "dtable-server-02": ENV["CT_SERVER_02"]}
STATE = ENV["CT_STATE"]
TTL = int(ENV.get("CT_TTL", "10"))
TABLE = "Table1"


class CheckFailed(Exception):
    pass


def say(text):
    print("compose-test: " + text, flush=True)


# ---- tokens and HTTP ---------------------------------------------------------------------------

def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def token(payload):
    # same key rule as dtable.core.token.TokenService: the key's bytes when at least 32, else their SHA-256
    key = KEY if len(KEY) >= 32 else hashlib.sha256(KEY).digest()
    head = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = b64url(json.dumps(payload).encode())
    sig = hmac.new(key, (head + "." + body).encode(), hashlib.sha256).digest()
    return head + "." + body + "." + b64url(sig)


def internal_token():
    return token({"is_internal": True, "exp": int(time.time()) + 3600})


def base_token(dtable_uuid):
    return token({"dtable_uuid": dtable_uuid, "username": "compose-test@example.com", "permission": "rw",
                  "exp": int(time.time()) + 3600})


def http(method, url, body=None, auth=None, timeout=30):
    """(status, parsed JSON or text); connection errors give status 0 and the error text."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if auth:
        request.add_header("Authorization", "Token " + auth)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, parse(response.read())
    except urllib.error.HTTPError as e:
        return e.code, parse(e.read())
    except (OSError, urllib.error.URLError) as e:
        return 0, str(e)


def parse(raw):
    text = raw.decode("utf-8", "replace")
    try:
        return json.loads(text)
    except ValueError:
        return text


def expect(ok, message):
    if not ok:
        raise CheckFailed(message)


def cluster_view():
    status, view = http("GET", MONITOR + "api/v1/cluster/", auth=internal_token(), timeout=10)
    return view if status == 200 and isinstance(view, dict) else None


def wait_for(what, condition, timeout):
    """Polls condition() (a truthy value ends the wait) every 0.5 s; fails naming what it waited for."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = condition()
        except Exception:  # a service still starting: keep waiting
            last = None
        if last:
            return last
        time.sleep(0.5)
    raise CheckFailed("timed out after %d s waiting for %s" % (timeout, what))


def owners_of(view):
    return {bucket: owner for bucket, owner in (view.get("map") or {}).items() if owner}


def bucket_counts(view):
    counts = {}
    for owner in owners_of(view).values():
        counts[owner] = counts.get(owner, 0) + 1
    return counts


def live_nodes(view):
    return {n["node_id"] for n in view.get("nodes", []) if n.get("live", True)}


# ---- the base and its rows -------------------------------------------------------------------

def create_base():
    dtable_uuid = str(uuidlib.uuid4())
    status, answer = http("PUT", PROXY + "api/v1/dtables/%s/" % dtable_uuid, auth=internal_token())
    expect(status == 201, "creating base %s through the proxy answered %s %s" % (dtable_uuid, status, answer))
    return dtable_uuid


def append_row(dtable_uuid, name, timeout=30):
    status, answer = http("POST", PROXY + "api/v1/dtables/%s/rows/" % dtable_uuid,
                          {"table_name": TABLE, "row": {"Name": name}}, auth=internal_token(), timeout=timeout)
    if status == 200 and isinstance(answer, dict) and "_id" in answer:
        return answer["_id"]
    return None


def all_row_ids(dtable_uuid):
    ids, start = set(), 0
    while True:
        status, answer = http("GET", PROXY + "api/v1/dtables/%s/rows/?table_name=%s&start=%d&limit=1000"
                              % (dtable_uuid, TABLE, start), auth=internal_token())
        expect(status == 200, "reading rows of %s through the proxy answered %s %s" % (dtable_uuid, status, answer))
        rows = answer.get("rows", [])
        ids.update(row["_id"] for row in rows)
        if len(rows) < 1000:
            return ids
        start += len(rows)


def server_info(dtable_uuid):
    status, answer = http("GET", PROXY + "api/v1/dtables/%s/server-info/" % dtable_uuid, auth=internal_token())
    expect(status == 200, "server-info of %s answered %s %s" % (dtable_uuid, status, answer))
    return answer


def load_state():
    try:
        with open(STATE) as f:
            return json.load(f)
    except FileNotFoundError:
        return {"bases": {}}


def save_state(state):
    with open(STATE, "w") as f:
        json.dump(state, f)


def remember(state, dtable_uuid, row_ids):
    state["bases"].setdefault(dtable_uuid, [])
    state["bases"][dtable_uuid].extend(row_ids)


# ---- a minimal WebSocket client (RFC 6455: handshake, unmasked server frames, masked client frames) --

class Socket:
    def __init__(self, url, timeout=30):
        assert url.startswith("ws://")
        hostport, _, path = url[len("ws://"):].partition("/")
        host, _, port = hostport.partition(":")
        self.sock = socket.create_connection((host, int(port or 80)), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(("GET /%s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                           "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n"
                           % (path, hostport, key)).encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)
            if not chunk:
                raise CheckFailed("socket %s closed during the handshake" % url)
            head += chunk
        status_line = head.split(b"\r\n", 1)[0].decode()
        expect(" 101 " in status_line + " ", "socket handshake with %s answered %s" % (url, status_line))

    def _read(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise CheckFailed("socket closed by the server")
            data += chunk
        return data

    def receive(self):
        """The next text message as parsed JSON; answers pings; fails on close."""
        while True:
            first, second = self._read(2)
            opcode, length = first & 0x0F, second & 0x7F
            if length == 126:
                length = int.from_bytes(self._read(2), "big")
            elif length == 127:
                length = int.from_bytes(self._read(8), "big")
            payload = self._read(length)
            if opcode == 0x1:
                return json.loads(payload.decode())
            if opcode == 0x8:
                code = int.from_bytes(payload[:2], "big") if len(payload) >= 2 else None
                raise CheckFailed("socket closed by the server with code %s" % code)
            if opcode == 0x9:
                self._send(0xA, payload)

    def _send(self, opcode, payload):
        mask = os.urandom(4)
        header = bytes([0x80 | opcode])
        if len(payload) < 126:
            header += bytes([0x80 | len(payload)])
        else:
            header += bytes([0x80 | 126]) + len(payload).to_bytes(2, "big")
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def close(self):
        try:
            self._send(0x8, (1000).to_bytes(2, "big"))
        except OSError:
            pass
        self.sock.close()


# ---- phases ----------------------------------------------------------------------------------

def phase_ready(timeout):
    services = {"dtable-server-01": NODES["dtable-server-01"], "dtable-server-02": NODES["dtable-server-02"],
                "dtable-server-proxy": PROXY, "cluster-monitor": MONITOR, "dtable-server-slave": SLAVE}
    for name, url in services.items():
        wait_for(name + " /ping/", lambda: http("GET", url + "ping/", timeout=5) == (200, "pong"), timeout)
    for name, url in services.items():
        wait_for(name + " /actuator/health UP", lambda: http("GET", url + "actuator/health", timeout=5)[0] == 200,
                 timeout)
    view = wait_for("both nodes registered and 256 buckets assigned",
                    lambda: (lambda v: v if v and live_nodes(v) >= set(NODES) and len(owners_of(v)) == 256
                             and v.get("unassigned") == 0 else None)(cluster_view()), timeout)
    say("every service answers /ping/ and reports UP on /actuator/health; nodes %s; buckets per node %s"
        % (sorted(live_nodes(view)), bucket_counts(view)))


def phase_basic():
    state = load_state()
    dtable_uuid = create_base()
    ids = [append_row(dtable_uuid, "row %d" % i) for i in range(20)]
    expect(all(isinstance(i, str) for i in ids), "writing 20 rows through the proxy failed: %s" % ids)
    expect(set(ids) <= all_row_ids(dtable_uuid), "rows written through the proxy are not read back")
    info = server_info(dtable_uuid)
    say("base %s created through the proxy on %s, 20 rows written and read back" % (dtable_uuid, info["node_id"]))
    remember(state, dtable_uuid, ids)

    # a socket client on the owner's published port sees a row written by someone else through the proxy
    ws_url = info["node_url"].replace("http://", "ws://", 1) + "socket/dtables/%s?token=%s" % (
        dtable_uuid, base_token(dtable_uuid))
    client = Socket(ws_url)
    try:
        joined = client.receive()
        expect(joined.get("event") == "joined", "socket: expected joined, got %s" % joined)
        marker = "broadcast %s" % uuidlib.uuid4().hex
        row_id = append_row(dtable_uuid, marker)
        expect(isinstance(row_id, str), "writing the broadcast row failed")
        deadline = time.monotonic() + 15
        while True:
            expect(time.monotonic() < deadline, "socket: no broadcast of the row within 15 s")
            message = client.receive()
            if message.get("event") == "update-dtable" and marker in json.dumps(message):
                break
        remember(state, dtable_uuid, [row_id])
        say("socket client on %s received the broadcast (version %s)"
            % (info["node_url"], message["data"].get("version")))
    finally:
        client.close()
    save_state(state)


class Writer(threading.Thread):
    """Appends rows to one base through the proxy as fast as answers come, recording each acknowledgement."""

    def __init__(self, dtable_uuid, stop):
        super().__init__(daemon=True)
        self.dtable_uuid, self.stop = dtable_uuid, stop
        self.acked, self.ack_times, self.failures = [], [], 0

    def run(self):
        i = 0
        while not self.stop.is_set():
            i += 1
            try:
                row_id = append_row(self.dtable_uuid, "load %d" % i, timeout=60)
            except CheckFailed:
                row_id = None
            if isinstance(row_id, str):
                self.acked.append(row_id)
                self.ack_times.append(time.monotonic())
            else:
                self.failures += 1
                time.sleep(0.2)
            time.sleep(0.05)


def phase_failover():
    state = load_state()
    victim = "dtable-server-01"
    bases = {}
    for _ in range(60):
        dtable_uuid = create_base()
        bases[dtable_uuid] = server_info(dtable_uuid)["node_id"]
        owners = list(bases.values())
        if owners.count(victim) >= 2 and len(owners) - owners.count(victim) >= 2:
            break
    expect(list(bases.values()).count(victim) >= 2, "no two bases on %s after 60 tries" % victim)
    stop = threading.Event()
    writers = [Writer(u, stop) for u in bases]
    for w in writers:
        w.start()
    time.sleep(3)
    t_stop = time.monotonic()
    result = subprocess.run(["bash", "-c", ENV["CT_STOP_CMD"]], capture_output=True, text=True)
    expect(result.returncode == 0, "stopping %s failed: %s" % (victim, result.stderr.strip()))
    t_stopped = time.monotonic()
    say("%s stopped in %.1f s while writing to %d bases (%d on it)"
        % (victim, t_stopped - t_stop, len(bases), list(bases.values()).count(victim)))

    def written_again():
        return all(any(t > t_stopped for t in w.ack_times) for w in writers if bases[w.dtable_uuid] == victim)

    wait_for("the bases of %s written again" % victim, written_again, 120)
    time.sleep(2)
    stop.set()
    for w in writers:
        w.join(90)
    worst_gap, recovery = 0.0, 0.0
    for w in writers:
        if bases[w.dtable_uuid] != victim:
            continue
        times = [t_stop] + [t for t in w.ack_times if t >= t_stop - 0.001]
        worst_gap = max([worst_gap] + [b - a for a, b in zip(times, times[1:])])
        recovery = max(recovery, min(t for t in w.ack_times if t > t_stopped) - t_stopped)
    lost = 0
    for w in writers:
        present = all_row_ids(w.dtable_uuid)
        lost += len(set(w.acked) - present)
        remember(state, w.dtable_uuid, w.acked)
    acked = sum(len(w.acked) for w in writers)
    state["failover"] = {"worst_gap": round(worst_gap, 1), "recovery": round(recovery, 1), "acked": acked,
                         "lost": lost}
    save_state(state)
    say("failover: %d rows acknowledged, %d lost, %d failed attempts; longest pause of %s's bases %.1f s "
        "(limit TTL + 5 = %d s), first write after the stop %.1f s"
        % (acked, lost, sum(w.failures for w in writers), victim, worst_gap, TTL + 5, recovery))
    expect(lost == 0, "%d acknowledged rows are missing after the failover" % lost)
    expect(worst_gap <= TTL + 5, "the bases of %s were not writable for %.1f s (limit %d s)"
           % (victim, worst_gap, TTL + 5))
    view = wait_for("all 256 buckets on the remaining node",
                    lambda: (lambda v: v if v and bucket_counts(v).get("dtable-server-02") == 256 else None)(
                        cluster_view()), 30)
    say("buckets per node after the failover: %s" % bucket_counts(view))


def phase_balance():
    """A node that registered after the first assignment owns nothing until a rebalance (auto_rebalance off)."""
    status, answer = http("POST", MONITOR + "rebalance/", auth=internal_token(), timeout=60)
    expect(status == 200 and isinstance(answer, dict), "POST /rebalance/ answered %s %s" % (status, answer))
    view = wait_for("buckets on both nodes",
                    lambda: (lambda v: v if v and len(owners_of(v)) == 256 and all(
                        bucket_counts(v).get(n, 0) > 0 for n in NODES) else None)(cluster_view()), 30)
    say("first rebalance moved %s buckets; buckets per node %s" % (answer.get("moved"), bucket_counts(view)))


def phase_rebalance():
    state = load_state()
    result = subprocess.run(["bash", "-c", ENV["CT_START_CMD"]], capture_output=True, text=True)
    expect(result.returncode == 0, "starting dtable-server-01 again failed: %s" % result.stderr.strip())
    wait_for("dtable-server-01 registered again",
             lambda: (lambda v: v and "dtable-server-01" in live_nodes(v))(cluster_view()), 180)
    status, answer = http("POST", MONITOR + "rebalance/", auth=None)
    expect(status == 401, "POST /rebalance/ without a token answered %s, expected 401" % status)
    status, answer = http("POST", MONITOR + "rebalance/", auth=internal_token(), timeout=60)
    expect(status == 200 and isinstance(answer, dict), "POST /rebalance/ answered %s %s" % (status, answer))
    moved = answer.get("moved", 0)
    expect(moved > 0, "POST /rebalance/ moved no bucket: %s" % answer)
    view = wait_for("buckets on both nodes after the rebalance",
                    lambda: (lambda v: v if v and len(owners_of(v)) == 256 and all(
                        bucket_counts(v).get(n, 0) > 0 for n in NODES) else None)(cluster_view()), 30)
    state["rebalance_moved"] = moved
    save_state(state)
    say("POST /rebalance/ moved %d buckets; buckets per node %s" % (moved, bucket_counts(view)))
    phase_verify("after the rebalance")


def phase_prometheus():
    prometheus = ENV["CT_PROMETHEUS"]
    jobs = {"dtable-server": 2, "dtable-server-proxy": 1, "cluster-monitor": 1, "dtable-server-slave": 1}

    def all_up():
        status, answer = http("GET", prometheus + "api/v1/targets", timeout=5)
        targets = answer["data"]["activeTargets"] if status == 200 else []
        up = {}
        for t in targets:
            if t.get("health") == "up":
                up[t["labels"]["job"]] = up.get(t["labels"]["job"], 0) + 1
        return up == jobs

    wait_for("Prometheus scraping every service", all_up, 120)
    status, answer = http("GET", prometheus + "api/v1/rules", timeout=5)
    groups = {g["name"]: len(g["rules"]) for g in answer["data"]["groups"]} if status == 200 else {}
    expect(set(groups) == {"dtable-recording", "dtable-alerts"}, "Prometheus rule groups: %s" % groups)

    def metric(query):
        status, answer = http("GET", prometheus + "api/v1/query?query=" + urllib.request.quote(query), timeout=5)
        result = answer["data"]["result"] if status == 200 else []
        return float(result[0]["value"][1]) if result else None

    # the recording rule may still hold a value from the failover phase (a stopped node's buckets, briefly
    # unassigned) until its next evaluation: wait for the assigned state, do not read it once
    expect(wait_for("dtable:buckets_unassigned recorded as 0", lambda: metric("dtable:buckets_unassigned") == 0, 60),
           "Prometheus sees unassigned buckets (dtable:buckets_unassigned %s)" % metric("dtable:buckets_unassigned"))
    commits = metric("sum(dtable_oplog_commit_seconds_count)")
    expect(commits and commits > 0, "Prometheus has no op-log commits (dtable_oplog_commit_seconds_count %s)" % commits)
    say("Prometheus scrapes all 5 services; rules %s; 0 unassigned buckets; %d op-log commits" % (groups, commits))


def phase_verify(when="after down and up"):
    state = load_state()
    expect(state["bases"], "no bases were written")
    rows = 0
    for dtable_uuid, ids in state["bases"].items():
        present = wait_for("rows of %s readable" % dtable_uuid, lambda: all_row_ids(dtable_uuid), 60)
        missing = set(ids) - present
        expect(not missing, "%d of %d acknowledged rows of %s are missing %s" % (len(missing), len(ids),
                                                                                   dtable_uuid, when))
        rows += len(ids)
    say("%s: all %d acknowledged rows of %d bases are there" % (when, rows, len(state["bases"])))


def phase_summary():
    state = load_state()
    f = state.get("failover", {})
    print("%d bases, %d rows, failover pause %ss (first write after stop %ss), %d lost, rebalance moved %s"
          % (len(state["bases"]), sum(len(v) for v in state["bases"].values()), f.get("worst_gap"),
             f.get("recovery"), f.get("lost", -1), state.get("rebalance_moved")))


PHASES = {
    "ready": lambda: phase_ready(int(sys.argv[2]) if len(sys.argv) > 2 else 300),
    "basic": phase_basic,
    "balance": phase_balance,
    "failover": phase_failover,
    "rebalance": phase_rebalance,
    "prometheus": phase_prometheus,
    "verify": phase_verify,
    "summary": phase_summary,
}


def main():
    phase = sys.argv[1] if len(sys.argv) > 1 else ""
    if phase not in PHASES:
        print("usage: compose_check.py " + "|".join(PHASES), file=sys.stderr)
        return 2
    try:
        PHASES[phase]()
    except CheckFailed as e:
        say("FAILED: %s" % e)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
