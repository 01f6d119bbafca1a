"""cactus as a node agent (issue 16): the config file, Prometheus metrics
scraped by a real Prometheus, /healthz, SIGHUP reload under a steady flow,
the rotating output file under a fast flow, the alert webhook against a
receiver that goes away and comes back.

Everything listens on 127.0.0.1 only, on free ports. Prometheus and
promtool (Debian package prometheus) are needed by two tests: missing, they
skip, or fail under CI=true.

The flows come from a busybox shell loop in a container, `: < /tmp/flow`:
one openat per iteration, no fork, so the loop's count is known exactly and
the agent's output must hold exactly that many of its events.
"""

import http.server
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime
from pathlib import Path

import pytest

from conftest import CACTUS, IN_CI, REPO, run, wait_until


# --------------------------------------------------------------------------
# helpers

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(url, timeout=5):
    """(status, body) of a GET; HTTP errors are answers too."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def healthz(port):
    """(status, body without its newline) of /healthz."""
    status, body = http_get(f"http://127.0.0.1:{port}/healthz")
    return status, body.strip()


def need_tool(name):
    path = shutil.which(name)
    if path:
        return path
    msg = f"{name} not found (Debian package prometheus)"
    if IN_CI:
        pytest.fail(msg + " and CI=true", pytrace=False)
    pytest.skip(msg)


def scrape(port):
    """The agent's /metrics as {series: value}, series as rendered
    (`name{labels}`)."""
    status, body = http_get(f"http://127.0.0.1:{port}/metrics")
    assert status == 200, body
    values = {}
    for line in body.splitlines():
        if line and not line.startswith("#"):
            series, _, value = line.rpartition(" ")
            values[series] = float(value)
    return values


def summary_numbers(stderr, pattern):
    m = re.search(pattern, stderr)
    assert m, f"no /{pattern}/ in the summary:\n{stderr}"
    return [int(x) for x in m.groups()]


def kernel_drops(stderr):
    return summary_numbers(stderr, r"cactus: kernel: \d+ events written, (\d+) drops")[0]


def loop_cmd(n, path="/tmp/flow", throttle=None):
    """A shell loop opening @path @n times (make it before the agent starts:
    touch opens it too); with @throttle, a 10 ms pause every @throttle
    iterations (busybox usleep: a fork, whose events are not the loop's)."""
    pause = f"[ $((i % {throttle})) -eq 0 ] && usleep 10000; " if throttle else ""
    return ["sh", "-c", f"i=0; while [ $i -lt {n} ]; do : < {path}; "
            f"i=$((i+1)); {pause}done; exit 0"]


def is_loop_event(c, path="/tmp/flow"):
    d, f = path.rsplit("/", 1)

    def pred(e):
        return (c.owns(e) and e.get("syscall") == "openat" and e.get("comm") == "sh"
                and e.get("dirname") == d and e.get("filename") == f)
    return pred


def rfc3339_ts(s):
    """Seconds since the epoch of cactus's `time` (ns precision, Z)."""
    base, frac = s.rstrip("Z").split(".")
    dt = datetime.strptime(base, "%Y-%m-%dT%H:%M:%S")
    return (dt - datetime(1970, 1, 1)).total_seconds() + int(frac) / 10 ** len(frac)


def write(path, text):
    Path(path).write_text(text)
    return str(path)


RULE = """\
- rule: {name}
  description: test rule {name}
  priority: {prio}
  match: {{syscall: openat, dirname: /tmp, filename: {file}}}
  output: "{name}: %comm opened %path in %container_name"
"""


@pytest.fixture
def tmp(tmp_path):
    return tmp_path


# --------------------------------------------------------------------------
# Prometheus

class Prometheus:
    """Debian's prometheus on a free loopback port, scraping @target every
    second, with its own storage in @workdir."""

    def __init__(self, target, workdir):
        exe = need_tool("prometheus")
        self.port = free_port()
        cfg = write(workdir / "prometheus.yml", f"""\
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: cactus
    static_configs:
      - targets: ['{target}']
""")
        self.log = open(workdir / "prometheus.log", "w")
        self.proc = subprocess.Popen(
            [exe, f"--config.file={cfg}", f"--storage.tsdb.path={workdir}/tsdb",
             f"--web.listen-address=127.0.0.1:{self.port}", "--log.level=warn"],
            stdout=self.log, stderr=subprocess.STDOUT)
        self.base = f"http://127.0.0.1:{self.port}"
        wait_until(self._ready, timeout=30, what="prometheus /-/ready")

    def _ready(self):
        if self.proc.poll() is not None:
            pytest.fail("prometheus exited: " + Path(self.log.name).read_text())
        try:
            return http_get(self.base + "/-/ready", timeout=1)[0] == 200
        except OSError:
            return False

    def query(self, expr):
        """{frozenset(labels): value} of an instant query."""
        status, body = http_get(self.base + "/api/v1/query?"
                                + urllib.parse.urlencode({"query": expr}))
        assert status == 200, body
        data = json.loads(body)["data"]
        return {frozenset(r["metric"].items()): float(r["value"][1])
                for r in data["result"]}

    def value(self, expr):
        """The single value of @expr, or None when it has no result."""
        res = self.query(expr)
        assert len(res) <= 1, res
        return next(iter(res.values()), None)

    def wait_value(self, expr, want, timeout=20):
        """Waits until @expr reads @want; returns the last value read."""
        deadline = time.monotonic() + timeout
        while True:
            v = self.value(expr)
            if v == want or time.monotonic() > deadline:
                return v
            time.sleep(0.5)

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


@pytest.fixture
def prometheus(tmp):
    started = []

    def start(target):
        p = Prometheus(target, tmp)
        started.append(p)
        return p

    yield start
    for p in started:
        p.stop()


N_PROM = 500


def test_prometheus_scrapes_the_agent(start_agent, container, prometheus, tmp):
    """A config file sets every option of this run; Prometheus scrapes the
    agent; the counters it reads back match what the container did."""
    promtool = need_tool("promtool")
    need_tool("prometheus")
    port = free_port()
    rules = write(tmp / "rules.yaml", RULE.format(name="open_marker", prio="medium",
                                                  file="marker"))
    cfg = write(tmp / "cactus.yaml", f"""\
syscall: [openat]
rules: [{rules}]
metrics-addr: 127.0.0.1:{port}
""")
    assert run([str(CACTUS), "config", "check", cfg]).returncode == 0
    c = container()
    c.exec("touch", "/tmp/marker")
    agent = start_agent("--config", cfg)
    assert f"metrics on 127.0.0.1:{port}" in agent.stderr_text()
    assert healthz(port) == (200, "ok")
    prom = prometheus(f"127.0.0.1:{port}")

    c.exec(*loop_cmd(N_PROM, "/tmp/marker"))
    is_marker = is_loop_event(c, "/tmp/marker")
    wait_until(lambda: len([e for e in agent.events() if is_marker(e)]) >= N_PROM,
               what=f"{N_PROM} loop events")
    time.sleep(1.5)  # the per-container counters are sampled once a second
    mine = [e for e in agent.events() if c.owns(e)]
    marker = [e for e in mine if is_marker(e)]
    assert len(marker) == N_PROM
    # the default --alert-window prints the first, folds the repeats
    printed = [e for e in marker if e.get("alert", {}).get("rule") == "open_marker"]
    assert 1 <= len(printed) < N_PROM

    # read back through Prometheus's query API
    alerts = ('cactus_alerts_total{rule="open_marker",priority="medium",'
              'outcome="alerted"}')
    assert prom.wait_value(alerts, N_PROM) == N_PROM
    ctr = f'cactus_container_events_total{{container="{c.name}"}}'
    assert prom.wait_value(ctr, len(mine)) == len(mine), \
        "the container's counter is what the agent printed for it"
    total = prom.wait_value('sum(cactus_events_total{syscall="openat"})',
                            len(agent.events()))
    assert total >= len(mine)
    assert prom.value('cactus_events_total{syscall="execve"}') is None, \
        "execve is not traced: no series"
    assert prom.value("cactus_drops_total") == 0
    assert prom.value("cactus_throttled_total") == 0
    assert prom.value("cactus_uring_lost_total") == 0
    assert prom.value(f'cactus_container_drops_total{{container="{c.name}"}}') == 0
    assert prom.value('cactus_containers{runtime="docker"}') >= 1
    assert prom.value("cactus_rules") == 1
    assert prom.value('up{job="cactus"}') == 1
    assert prom.value("cactus_build_info") == 1
    mode = re.search(r"monitoring \(attach=(\w+)", agent.stderr_text()).group(1)
    info = prom.query("cactus_attach_info")
    assert len(info) == 1 and dict(next(iter(info)))["mode"] == mode
    lag = prom.value("cactus_consumer_lag_seconds")
    assert lag is not None and 0 <= lag < 5
    fill = prom.value("cactus_ring_fill_ratio")
    assert fill is not None and 0 <= fill < 1

    # the exposition as promtool sees it
    status, text = http_get(f"http://127.0.0.1:{port}/metrics")
    cp = subprocess.run([promtool, "check", "metrics"], input=text, text=True,
                        capture_output=True, timeout=30)
    assert cp.returncode == 0, cp.stdout + cp.stderr

    # the metric counted every match; the output, the printed alerts and
    # the repeat counts told at stop
    agent.check_clean_exit()
    repeats = sum(r["count"] for r in agent.lifecycle()
                  if r["type"] == "alert_repeat" and r["rule"] == "open_marker")
    assert len(printed) + repeats == N_PROM


# --------------------------------------------------------------------------
# /healthz

def test_healthz_says_why_it_fails(container, tmp):
    """A consumer that cannot write (stdout is a pipe nobody reads) stops
    consuming; the small ring fills and drops: /healthz answers 503 and says
    both, then 200 again once stdout is read and the drops are 10 s old."""
    port = free_port()
    c = container()
    c.exec("touch", "/tmp/flow")
    err = open(tmp / "stderr", "w+")
    proc = subprocess.Popen([str(CACTUS), "monitor", "--output", "json", "--syscall",
                             "openat", "--no-default-rules", "--ring-size", "1",
                             "--metrics-addr", f"127.0.0.1:{port}"],
                            stdout=subprocess.PIPE, stderr=err, cwd=REPO)
    reader = None
    try:
        wait_until(lambda: "monitoring" in Path(err.name).read_text(), timeout=30,
                   what="the monitoring line")
        assert healthz(port) == (200, "ok")
        c.exec(*loop_cmd(30000), timeout=120)
        status, body = wait_until(
            lambda: (lambda r: r if r[0] == 503 and "stalled" in r[1] else None)(
                healthz(port)),
            timeout=15, what="/healthz 503 consumer stalled")
        assert "consumer stalled: no progress for" in body
        assert "bytes waiting in the ring" in body
        # the pipe is read again: the consumer catches up, the drops it
        # already counted are reported until they are DROPS_WINDOW old
        reader = threading.Thread(target=lambda: proc.stdout.read(), daemon=True)
        reader.start()
        status, body = wait_until(
            lambda: (lambda r: r if "drops rose by" in r[1] and "stalled" not in r[1]
                     else None)(healthz(port)),
            timeout=10, what="/healthz: drops rose, consumer no longer stalled")
        assert status == 503, body
        assert re.search(r"drops rose by \d+ in the last 10 s", body), body
        wait_until(lambda: healthz(port) == (200, "ok"),
                   timeout=20, what="/healthz ok again")
        m = scrape(port)
        assert m["cactus_drops_total"] + m["cactus_throttled_total"] > 0
    finally:
        proc.send_signal(signal.SIGINT)
        if reader is None:
            threading.Thread(target=lambda: proc.stdout.read(), daemon=True).start()
        assert proc.wait(timeout=30) == 0
        err.close()


# --------------------------------------------------------------------------
# SIGHUP

N_FLOW = 40000


def test_sighup_reload_loses_nothing(start_agent, container, tmp):
    """About 10k events/s from a container; SIGHUP adds a rule (it alerts
    from then on), a second SIGHUP with a broken file keeps it; the output
    holds every one of the loop's events."""
    port = free_port()
    rules = tmp / "rules.yaml"
    write(rules, RULE.format(name="never", prio="info", file="nothing-opens-this"))
    c = container()
    c.exec("touch", "/tmp/flow")
    agent = start_agent("--syscall", "openat", "--rules", str(rules), "--alert-window", "0",
                        "--metrics-addr", f"127.0.0.1:{port}")
    t0 = time.monotonic()
    flow_rc = []
    flow = threading.Thread(target=lambda: flow_rc.append(
        c.exec(*loop_cmd(N_FLOW, throttle=150), check=False, timeout=300).returncode))
    flow.start()
    try:
        loop = is_loop_event(c)
        agent.wait_for(lambda e: loop(e), what="the flow's first event")
        time.sleep(1)
        write(rules, RULE.format(name="never", prio="info", file="nothing-opens-this")
              + RULE.format(name="flow_opened", prio="low", file="flow"))
        t_reload = time.time()
        agent.proc.send_signal(signal.SIGHUP)
        agent.wait_for(lambda e: loop(e) and "alert" in e, what="an alert of the new rule")
        time.sleep(1)
        good = RULE.format(name="flow_opened", prio="low", file="flow")
        bad_line = good.count("\n") + 4
        write(rules, good + "- rule: broken\n  description: z\n  priority: low\n"
              + "  match: {syscall: openat, nosuchfield: x}\n")
        t_bad = time.time()
        agent.proc.send_signal(signal.SIGHUP)
        wait_until(lambda: "reload failed" in agent.stderr_text(), what="reload failed")
    finally:
        flow.join(timeout=300)
    elapsed = time.monotonic() - t0
    assert flow_rc == [0], "the loop ran to its end"
    time.sleep(1)
    m = scrape(port)
    agent.check_clean_exit()

    events = [e for e in agent.events() if loop(e)]
    rate = N_FLOW / elapsed
    assert kernel_drops(agent.stderr) == 0
    assert len(events) == N_FLOW, f"{len(events)} of {N_FLOW} events at ~{rate:.0f}/s"
    alerted = [e for e in events if "alert" in e]
    assert alerted and all(e["alert"]["rule"] == "flow_opened" for e in alerted)
    # matching happens when a record is consumed: none long before the reload
    assert min(rfc3339_ts(e["time"]) for e in alerted) > t_reload - 1
    assert all("alert" not in e for e in events if rfc3339_ts(e["time"]) < t_reload - 1)
    # the broken file changed nothing: the new rule still alerts after it
    assert any(rfc3339_ts(e["time"]) > t_bad + 0.5 for e in alerted)
    assert any(rfc3339_ts(e["time"]) > t_bad + 0.5 for e in events)
    assert re.search(re.escape(str(rules)) + f":{bad_line}: unknown field 'nosuchfield'",
                     agent.stderr), agent.stderr
    assert "reloaded: 2 rules" in agent.stderr
    assert m['cactus_reloads_total{result="ok"}'] == 1
    assert m['cactus_reloads_total{result="failed"}'] == 1
    assert m["cactus_rules"] == 2
    print(f"reload under {rate:.0f} events/s: {len(events)} of {N_FLOW} loop events, "
          f"{len(alerted)} alerted after the reload")


# --------------------------------------------------------------------------
# --output-file

N_FAST = 200000
MAX_BYTES = 1 << 20
TEXT_LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z .*\n$")


def test_rotation_under_a_fast_flow(start_agent, container, tmp):
    """A loop as fast as the shell goes; the output file rotates every MiB;
    the kept files, oldest first, hold every event of the loop, each line
    whole."""
    out = tmp / "events.log"
    c = container()
    c.exec("touch", "/tmp/flow")
    agent = start_agent("--syscall", "openat", "--no-default-rules", "--ring-size", "64",
                        "--output-file", str(out), "--output-file-max-bytes", str(MAX_BYTES),
                        "--output-file-keep", "1000", output="text")
    t0 = time.monotonic()
    c.exec(*loop_cmd(N_FAST), timeout=300)
    rate = N_FAST / (time.monotonic() - t0)
    time.sleep(2)
    agent.check_clean_exit()
    assert agent.stdout_lines() == [], "with --output-file, stdout carries nothing"

    files = sorted(tmp.glob("events.log.*"), key=lambda p: -int(p.suffix[1:])) + [out]
    assert len(files) > 10, f"{len(files)} files: expected many rotations"
    lines = []
    for f in files:
        assert f.stat().st_size <= MAX_BYTES, f
        with open(f, newline="") as fh:
            part = fh.readlines()
        bad = [ln for ln in part if not TEXT_LINE.match(ln)]
        assert not bad, f"{f}: split or broken lines: {bad[:3]}"
        lines += part
    loop = [ln for ln in lines if f" {c.name} " in ln and " sh openat " in ln
            and " dirname=/tmp filename=flow " in ln]
    drops = kernel_drops(agent.stderr)
    written = summary_numbers(agent.stderr,
                              r"output file \S+: (\d+) records \((\d+) bytes\) written, "
                              r"(\d+) rotations, (\d+) errors")
    assert written[0] == len(lines) and written[3] == 0
    assert written[2] == len(files) - 1
    assert drops == 0, f"drops at ~{rate:.0f} events/s: {drops}"
    assert len(loop) == N_FAST, f"{len(loop)} of {N_FAST} at ~{rate:.0f} events/s"
    print(f"rotation under {rate:.0f} events/s: {len(loop)} of {N_FAST} loop lines in "
          f"{len(files)} files")


def test_output_file_write_error_stops_like_stdout(start_agent, container):
    """A full disk behind --output-file: one message naming the file, exit
    1, the summary's counts (as with stdout on a full disk)."""
    c = container()
    agent = start_agent("--syscall", "openat", "--no-default-rules",
                        "--output-file", "/dev/full")
    c.exec("cat", "/etc/hostname")
    agent.proc.wait(timeout=30)
    assert agent.stop() == 1
    assert "cannot write events to /dev/full: No space left on device" in agent.stderr
    written = summary_numbers(agent.stderr, r"output file /dev/full: (\d+) records "
                              r"\((\d+) bytes\) written, (\d+) rotations, (\d+) errors")
    assert written[0] == 0 and written[3] >= 1
    assert summary_numbers(agent.stderr, r"(\d+) printed")[0] == 0


# --------------------------------------------------------------------------
# --webhook-url

class Receiver:
    """A webhook receiver (http.server) that can be stopped and started on
    the same port; records every JSON body it is sent."""

    def __init__(self):
        self.port = free_port()
        self.bodies = []
        self.lock = threading.Lock()
        self.httpd = None

    def start(self):
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with outer.lock:
                    outer.bodies.append(json.loads(body))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *a):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def count(self):
        with self.lock:
            return len(self.bodies)


QUEUE, UP, DOWN = 16, 10, 40


def test_webhook_receiver_down_and_back(start_agent, container, tmp):
    """UP alerts delivered; the receiver stops; DOWN alerts: QUEUE of them
    wait and are retried, the rest are dropped and counted; the receiver
    comes back: the QUEUE are delivered, then UP more. Every alert is
    delivered or counted: delivered + dropped == posted."""
    rcv = Receiver()
    rcv.start()
    port = free_port()
    rules = write(tmp / "rules.yaml", RULE.format(name="hook_marker", prio="low",
                                                  file="hook"))
    c = container()
    c.exec("touch", "/tmp/hook")
    agent = start_agent("--syscall", "openat", "--no-default-rules", "--rules", rules,
                        "--alerts-only", "--alert-window", "0",
                        "--webhook-url", f"http://127.0.0.1:{rcv.port}/",
                        "--webhook-queue", str(QUEUE), "--metrics-addr", f"127.0.0.1:{port}")

    def settled(delivered):
        m = scrape(port)
        return (m["cactus_webhook_delivered_total"] == delivered
                and m["cactus_webhook_queue_depth"] == 0)

    c.exec(*loop_cmd(UP, "/tmp/hook"))
    wait_until(lambda: settled(UP), timeout=15, what=f"{UP} alerts delivered")
    rcv.stop()
    c.exec(*loop_cmd(DOWN, "/tmp/hook"))
    wait_until(lambda: scrape(port)["cactus_webhook_dropped_total"] == DOWN - QUEUE,
               timeout=15, what=f"{DOWN - QUEUE} alerts dropped")
    time.sleep(1)  # retried while down
    assert scrape(port)["cactus_webhook_retried_total"] >= 1
    rcv.start()
    wait_until(lambda: settled(UP + QUEUE), timeout=30, what="the queue delivered")
    c.exec(*loop_cmd(UP, "/tmp/hook"))
    wait_until(lambda: settled(2 * UP + QUEUE), timeout=15, what=f"{UP} more delivered")
    agent.check_clean_exit()
    rcv.stop()

    posted, delivered, dropped = summary_numbers(
        agent.stderr, r"webhook \S+: (\d+) alerts posted, (\d+) delivered, (\d+) dropped")
    assert posted == 2 * UP + DOWN == len([e for e in agent.events() if "alert" in e])
    assert delivered + dropped == posted
    assert (delivered, dropped) == (2 * UP + QUEUE, DOWN - QUEUE)
    uuids = {b["uuid"] for b in rcv.bodies}
    assert len(uuids) == delivered
    b = rcv.bodies[0]
    assert b["rule"] == "hook_marker" and b["priority"] == "Notice"
    assert b["source"] == "syscall" and "cactus" in b["tags"]
    assert b["output_fields"]["container_name"] == c.name
    assert b["output_fields"]["container_id"] == c.id
    assert b["output_fields"]["filename"] == "hook"
    assert b["output"].startswith("hook_marker: sh opened /tmp/hook in ")


# --------------------------------------------------------------------------
# SIGHUP: the kernel's rules

KILL = """\
- rule: {name}
  description: opening {path} kills the opener
  priority: critical
  match:
    syscall: openat
    path: {path}
    container_name: {ctr}
  action: kill
  output: "%comm opened %path in %container_name"
"""


def test_sighup_swaps_kill_rules_in_the_kernel(start_agent, container, tmp):
    """A kill rule scoped to one container is replaced by one on another
    path scoped to the other container: the kernel kills on the new path in
    the other container only (its scope entries were synced again), and no
    longer on the old path."""
    target, other = container(), container()
    rules = tmp / "rules.yaml"
    write(rules, KILL.format(name="no_hostname", path="/etc/hostname", ctr=target.name))
    agent = start_agent("--rules", str(rules))
    assert target.exec("cat", "/etc/hostname", check=False).returncode == 137
    assert target.exec("cat", "/etc/hosts", check=False).returncode == 0

    assert other.exec("cat", "/etc/hostname", check=False).returncode == 0

    write(rules, KILL.format(name="no_hosts", path="/etc/hosts", ctr=other.name))
    agent.proc.send_signal(signal.SIGHUP)
    wait_until(lambda: "reloaded: 1 rules (1 kill" in agent.stderr_text(), what="reloaded")
    assert target.exec("cat", "/etc/hostname", check=False).returncode == 0
    assert target.exec("cat", "/etc/hosts", check=False).returncode == 0
    assert other.exec("cat", "/etc/hosts", check=False).returncode == 137
    ev = agent.wait_for(lambda e: other.owns(e) and e.get("alert", {}).get("rule") == "no_hosts")
    assert ev["alert"]["outcome"] == "killed" and ev["killed"] is True
    assert not [e for e in agent.events()
                if e.get("alert", {}).get("rule") == "no_hostname"
                and rfc3339_ts(e["time"]) > rfc3339_ts(ev["time"])]


def test_sighup_cannot_add_kill_rules_to_a_kernel_without(start_agent, container, tmp):
    """Started with alert rules only, the kernel side has no kill programs'
    rules: a reload bringing one is refused, the old set keeps alerting."""
    c = container()
    c.exec("touch", "/tmp/flow")
    rules = tmp / "rules.yaml"
    write(rules, RULE.format(name="flow_opened", prio="low", file="flow"))
    agent = start_agent("--syscall", "openat", "--rules", str(rules))
    write(rules, KILL.format(name="no_hostname", path="/etc/hostname", ctr=c.name))
    agent.proc.send_signal(signal.SIGHUP)
    wait_until(lambda: "reload failed" in agent.stderr_text(), what="reload failed")
    assert "started without kill rules: a restart is needed" in agent.stderr_text()
    assert c.exec("cat", "/etc/hostname", check=False).returncode == 0
    c.exec(*loop_cmd(3))
    agent.wait_for(lambda e: c.owns(e) and e.get("alert", {}).get("rule") == "flow_opened")


def test_sighup_changes_the_container_filter(start_agent, container, tmp):
    """`container:` in the config file selects A; after a SIGHUP with B
    instead, B's events are printed and A's are not (the kernel's verdict
    for each cgroup was set again)."""
    a, b = container(), container()
    cfg = tmp / "cactus.yaml"
    write(cfg, f"syscall: [openat]\nno-default-rules: true\ncontainer: [{a.name}]\n")
    agent = start_agent("--config", str(cfg))

    def opened(c, name):
        return lambda e: c.owns(e) and e.get("filename") == name

    a.exec("cat", "/etc/hostname")
    b.exec("cat", "/etc/hostname")
    agent.wait_for(opened(a, "hostname"))
    write(cfg, f"syscall: [openat]\nno-default-rules: true\ncontainer: [{b.name}]\n")
    agent.proc.send_signal(signal.SIGHUP)
    wait_until(lambda: "reloaded:" in agent.stderr_text(), what="reloaded")
    a.exec("cat", "/etc/hosts")
    b.exec("cat", "/etc/hosts")
    agent.wait_for(opened(b, "hosts"))
    time.sleep(1)
    events = agent.events()
    assert not [e for e in events if opened(b, "hostname")(e)], "B filtered out before"
    assert not [e for e in events if opened(a, "hosts")(e)], "A filtered out after"
