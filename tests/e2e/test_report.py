"""`cactus report` (issue 21) on what a real monitor wrote.

Two containers talk over loopback in one network namespace (a `nc` server,
and a client run with `--network container:<server>`), with execs, file
writes, a rename, a chmod, a delete, a signal and two alerts. `cactus
monitor --output json --output-file F` records them; `cactus report` reads F
in each format, and every number for the two containers equals what
`recount()` below (the README's rules, in Python) finds in F; the client's
connects name the server as their peer. The HTML is loaded in a real
headless browser (Debian's chromium): no console error, the plots in the
DOM, a screenshot that is not blank (kept in /tmp). Live mode runs once.
With CI=true a missing chromium fails these tests instead of skipping them.
"""

import collections
import html.parser
import json
import os
import shutil
import struct
import tempfile
import time
import zlib

import pytest

from conftest import (CACTUS, IMAGE, IN_CI, Agent, docker, run, unique,
                      wait_until)

SCREENSHOT = "/tmp/cactus-report-e2e.png"
CATEGORIES = ["File Operation", "Directory Operation", "Network Operation",
              "Process Manage", "Signal Handling", "Permission Manage",
              "Memory Manage", "Namespace & Mount", "System Manage"]
CLIENT_SH = ("for i in 1 2 3; do echo hi | nc -w 1 127.0.0.1 8080; done; "
             "mkdir -p /work; echo x > /work/f; mv /work/f /work/g; "
             "chmod 600 /work/g; cat /work/g; rm /work/g; "
             "cat /etc/passwd >/dev/null; sleep 100 & kill -TERM $!; sleep 1")


def report(*args, check=True):
    return run([str(CACTUS), "report", *args], check=check, timeout=120)


# --------------------------------------------------------------------------
# the recount: README "cactus report", independently of src/report

ACTIONS = ["read", "write", "create", "delete", "rename", "chmod"]
BY_ACTIVITY = {
    "File Read": "read", "File Read Link": "read", "File Write": "write",
    "File Truncate": "write", "File Create": "write",
    "Directory Create": "create", "Device Node Create": "create",
    "File Link": "create", "File Symlink": "create", "File Delete": "delete",
    "Directory Remove": "delete", "File Rename": "rename",
    "File Permission Change": "chmod", "File Owner Change": "chmod",
}


def file_action(activity, flags):
    if activity == "File Open":
        f = flags or ""
        if "O_PATH" in f:
            return None
        if ("O_CREAT" in f and "O_EXCL" in f) or "O_TMPFILE" in f:
            return "create"
        if any(x in f for x in ("O_WRONLY", "O_RDWR", "O_TRUNC", "O_APPEND",
                                "O_CREAT")):
            return "write"
        return "read"
    return BY_ACTIVITY.get(activity)


def integer(d, key, default=None):
    v = d.get(key)
    return v if isinstance(v, int) and not isinstance(v, bool) else default


def proc_name(exe, comm):
    if not exe:
        return comm or "?"
    if not comm or exe.rsplit("/", 1)[-1] == comm:
        return exe
    return f"{exe} ({comm})"


class Ctr:
    def __init__(self):
        self.events = 0
        self.cats = collections.Counter()
        self.setup = 0
        self.alerts = 0
        self.by_rule = collections.Counter()
        self.programs = collections.Counter()
        self.dirs = collections.Counter()
        self.dir_actions = collections.defaultdict(collections.Counter)
        self.files = collections.Counter()
        self.file_actions = collections.defaultdict(collections.Counter)
        self.binds = collections.Counter()
        self.listens = collections.Counter()
        self.unbound = 0
        self.connects = collections.Counter()
        self.failed = collections.Counter()
        self.signals = collections.Counter()
        self.pids = {}              # pid % 64 -> (pid, comm)
        self.recent = []            # the last 8 binds: (host_pid, key)


def net_key(d):
    fam, addr = d.get("family"), d.get("addr")
    if fam not in ("AF_INET", "AF_INET6", "AF_UNIX") or not isinstance(addr, str):
        return None
    return (fam, addr, "" if fam == "AF_UNIX" else str(integer(d, "port", 0)))


def count_event(c, d):
    act = d.get("activity") or ""
    ret = integer(d, "ret", -1)
    if act == "Process Create":
        if ret != 0:
            return
        exe = d.get("exe") or f"{d.get('dirname', '')}/{d.get('filename', '')}"
        anc = []
        if d.get("parent_exe") or d.get("parent_comm"):
            anc.append(proc_name(d.get("parent_exe"), d.get("parent_comm")))
        anc += [proc_name(a.get("exe"), a.get("comm")) for a in d.get("ancestors", [])]
        c.programs[(exe, tuple(anc), tuple(d.get("argv", [])))] += 1
    elif act == "Network Bind":
        k = net_key(d)
        if ret == 0 and k:
            c.binds[k] += 1
            c.recent = (c.recent + [(integer(d, "host_pid", -1), k)])[-8:]
    elif act == "Network Listen":
        if ret != 0:
            return
        for pid, k in reversed(c.recent):
            if pid == integer(d, "host_pid", -1) and k in c.binds:
                c.listens[k] += 1
                return
        c.unbound += 1
    elif act == "Network Connect":
        k = net_key(d)
        if k:
            c.connects[k] += 1
            c.failed[k] += ret < 0 and ret != -115
    elif act == "Signal Send":
        t = integer(d, "target_pid")
        if d.get("signal") is None or t is None:
            return
        p = c.pids.get(t % 64) if t > 0 else None
        target = (p[1], "") if p and p[0] == t else ("", str(t))
        c.signals[(d["signal"],) + target] += 1
    else:
        a = file_action(act, d.get("flags"))
        dirname, name = d.get("dirname"), d.get("filename")
        if a is None or ret < 0:
            return
        if act == "File Link" and "/" in (d.get("path2") or ""):
            dirname, name = d["path2"].rsplit("/", 1)
            dirname = dirname or "/"
        if dirname is None or name is None or (not dirname and not name):
            return
        c.dirs[dirname] += 1
        c.dir_actions[dirname][a] += 1
        c.files[(dirname, name)] += 1
        c.file_actions[(dirname, name)][a] += 1


def recount(path):
    """Per container id: what `cactus report` must say."""
    ctrs = collections.defaultdict(Ctr)
    prev = None
    for raw in open(path, "rb"):
        try:
            d = json.loads(raw)
        except ValueError:
            continue
        if not isinstance(d, dict):
            continue
        c = ctrs[d.get("container_id", "")]
        if d.get("type") == "alert_repeat":
            rule, prio = d.get("rule", ""), d.get("priority", "")
            key = next((k for k in c.by_rule if k[:2] == (rule, prio)),
                       (rule, prio, "alerted"))
            c.by_rule[key] += d.get("count", 0)
            c.alerts += d.get("count", 0)
            continue
        if d.get("type") or "syscall" not in d:
            continue
        alert = d.get("alert") if isinstance(d.get("alert"), dict) else None
        me = (d.get("container_id", ""), d.get("time"), d.get("host_tid", -1),
              d.get("syscall_nr", -1))
        same = alert and prev and prev[1] and prev[0] == me
        prev = (me, bool(alert))
        if alert:
            c.alerts += 1
            c.by_rule[(alert.get("rule"), alert.get("priority"), alert.get("outcome"))] += 1
        if same:
            continue
        c.events += 1
        c.cats[d.get("category") if d.get("category") in CATEGORIES else "Unknown"] += 1
        if integer(d, "pid", 0) > 0 and isinstance(d.get("comm"), str):
            c.pids[d["pid"] % 64] = (d["pid"], d["comm"][:15])
        if d.get("phase") == "init":
            c.setup += 1
            continue
        count_event(c, d)
    return ctrs


# --------------------------------------------------------------------------
# the formats, read back

def items(lst):
    assert lst["more"]["entries"] == 0, f"a list was cut: {lst}"
    return lst["items"]


def check_json(doc, cid, want, peer_name=None):
    c = next(x for x in doc["containers"] if x["id"] == cid)
    assert c["events"] == want.events
    assert c["setup_events"] == want.setup
    assert c["alerts"] == want.alerts
    for cat in CATEGORIES:
        assert c["categories"][cat] == want.cats[cat], cat
    tl = c["timeline"]
    assert sum(sum(v) for v in tl["series"].values()) == want.events
    assert tl["bucket_s"] >= 1 and tl["buckets"] <= 600
    got = {(p["exe"], tuple(p["ancestry"]), tuple(p["argv"])): p["count"]
           for p in items(c["programs"])}
    assert got == dict(want.programs)
    got_dirs, got_files = {}, {}
    for d in items(c["files"]):
        got_dirs[d["dir"]] = (d["count"], {k: v for k, v in d["actions"].items() if v})
        for f in items(d["files"]):
            got_files[(d["dir"], f["name"])] = (
                f["count"], {k: v for k, v in f["actions"].items() if v})
    assert got_dirs == {k: (n, dict(want.dir_actions[k])) for k, n in want.dirs.items()}
    assert got_files == {k: (n, dict(want.file_actions[k])) for k, n in want.files.items()}
    got = {(x["family"], x["addr"], "" if x["port"] is None else str(x["port"])):
           (x["binds"], x["listens"]) for x in items(c["listening"])}
    assert got == {k: (n, want.listens[k]) for k, n in want.binds.items()}
    assert c["listening"]["listens_unbound"] == want.unbound
    got = {(x["family"], x["addr"], "" if x["port"] is None else str(x["port"])):
           (x["count"], x["failed"]) for x in items(c["outbound"])}
    assert got == {k: (n, want.failed[k]) for k, n in want.connects.items()}
    got = {(x["signal"], x["target"] or "",
            "" if x["target_pid"] is None else str(x["target_pid"])): x["count"]
           for x in items(c["signals"])}
    assert got == dict(want.signals)
    got = {(x["rule"], x["priority"], x["outcome"]): x["count"]
           for x in items(c["alerts_by_rule"])}
    assert got == dict(want.by_rule)
    return c


class Tables(html.parser.HTMLParser):
    """The report's HTML: per section (data-id), per table (data-list),
    the rows' cells' text and data-count."""

    def __init__(self):
        super().__init__()
        self.sections = collections.defaultdict(lambda: collections.defaultdict(list))
        self.section = self.table = None
        self.row = self.cell = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section":
            self.section = a.get("data-id")
        elif tag == "table" and self.section is not None:
            self.table = a.get("data-list")
        elif tag == "tr" and self.table:
            self.row = []
        elif tag == "td" and self.row is not None:
            self.cell = [a.get("data-count"), ""]
            self.row.append(self.cell)

    def handle_endtag(self, tag):
        if tag == "tr" and self.row is not None:
            if self.row:
                self.sections[self.section][self.table].append(self.row)
            self.row = None
        elif tag == "table":
            self.table = None
        elif tag == "section":
            self.section = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell[1] += data


def check_html(page, cid, want, peer_name=None):
    p = Tables()
    p.feed(page)
    t = p.sections[cid]
    assert t, f"no section for {cid}"
    cats = {row[0][1]: int(row[1][0]) for row in t["categories"]}
    for cat in CATEGORIES:
        assert cats[cat] == want.cats[cat], cat
    assert sorted(int(r[0][0]) for r in t["programs"]) == sorted(want.programs.values())
    dirs = {r[1][1]: int(r[0][0]) for r in t["files"] if r[0][0] is not None}
    assert dirs == dict(want.dirs)
    assert sorted((r[1][1], int(r[0][0])) for r in t["alerts"]) == \
        sorted((k[0], n) for k, n in want.by_rule.items())
    assert sorted(int(r[0][0]) for r in t["outbound"]) == sorted(want.connects.values())
    if peer_name:
        assert any(peer_name in r[3][1] for r in t["outbound"]), t["outbound"]
    assert sorted(int(r[0][0]) for r in t["signals"]) == sorted(want.signals.values())


def check_text(text, name, want, peer_name=None):
    block = text.split(f"\n== {name}  id ", 1)[1].split("\n== ", 1)[0]
    for cat in CATEGORIES:
        assert f"     {cat:<20} {want.cats[cat]}\n" in block, cat
    assert f"   events {want.events}, alerts {want.alerts}," in block
    for (exe, anc, argv), n in want.programs.items():
        assert f"     {n:6}  {exe} [" in block
    for d, n in want.dirs.items():
        assert f"     {n:6}  {d}  " in block
    if peer_name:
        assert f"  -> {peer_name} (" in block


# --------------------------------------------------------------------------
# the browser

def chromium():
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if not exe:
        msg = "chromium is needed to load the HTML report (scripts/setup.sh installs it)"
        if IN_CI:
            pytest.fail(msg)
        pytest.skip(msg)
    return exe


def browse(exe, page, *args):
    with tempfile.TemporaryDirectory() as profile:
        return run([exe, "--headless", "--no-sandbox", "--disable-gpu",
                    "--hide-scrollbars", f"--user-data-dir={profile}",
                    "--enable-logging=stderr", "--v=0", *args,
                    f"file://{page}"], timeout=120)


def png_colours(path):
    """The distinct colours of an 8-bit RGB(A) PNG (zlib only)."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and ctype in (2, 6), (depth, ctype)
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw, stride, prev = zlib.decompress(idat), w * bpp, bytearray(w * bpp)
    colours = set()
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        if y % 4 == 0:
            colours.update(bytes(line[i:i + 3]) for i in range(0, stride, bpp * 4))
        prev = line
    return colours


# --------------------------------------------------------------------------
# the tests

def file_has(path, pred):
    try:
        with open(path) as f:
            for line in f:
                try:
                    if pred(json.loads(line)):
                        return True
                except ValueError:
                    pass
    except OSError:
        pass
    return False


@pytest.fixture(scope="module")
def talking(tmp_path_factory):
    """A monitor's file F of a server and a client talking over loopback:
    (F, server id, server name, client id, client name). Made once for the
    tests that read it (one agent, not one per test)."""
    out = tmp_path_factory.mktemp("report") / "events.jsonl"
    agent = Agent(["--output-file", str(out)])
    srv, cli = unique("server-"), unique("client-")
    try:
        agent.wait_ready()
        sid = docker("run", "-d", "--network", "none", "--name", srv, IMAGE,
                     "nc", "-ll", "-p", "8080", "-e", "cat").stdout.strip()
        wait_until(lambda: file_has(out, lambda d: d.get("container_id") == sid
                                    and d.get("syscall") == "listen"),
                   timeout=20, what="the server's listen in the monitor's file")
        cid = docker("run", "-d", "--network", f"container:{srv}", "--name", cli,
                     IMAGE, "sh", "-c", CLIENT_SH).stdout.strip()
        wait_until(lambda: file_has(out, lambda d: d.get("type") == "container_end"
                                    and d.get("container_id") == cid),
                   timeout=30, what="the client's end record")
        docker("exec", srv, "cat", "/etc/shadow")
        docker("rm", "-f", srv, cli)
        wait_until(lambda: file_has(out, lambda d: d.get("type") == "container_end"
                                    and d.get("container_id") == sid),
                   timeout=30, what="the server's end record")
        agent.check_clean_exit()
    finally:
        docker("rm", "-f", srv, cli, check=False)
        if agent.proc.poll() is None:
            agent.stop()
    return out, sid, srv, cid, cli


def test_report_formats_equal_the_recount(talking, tmp_path):
    out, sid, sname, cid, name = talking
    want = recount(out)
    cli, server = want[cid], want[sid]
    # the workload is in the file, so the comparisons below mean something
    assert cli.connects[("AF_INET", "127.0.0.1", "8080")] >= 3
    assert sum(n for (exe, anc, argv), n in cli.programs.items()
               if argv == ("nc", "-w", "1", "127.0.0.1", "8080")) == 3
    assert cli.dir_actions["/work"]["rename"] == 1
    assert cli.dir_actions["/work"]["chmod"] == 1
    assert cli.dir_actions["/work"]["delete"] == 1
    assert cli.dir_actions["/work"]["write"] >= 1
    assert any(k[0] == "SIGTERM" for k in cli.signals)
    assert any(k[0] == "netcat_remote_shell" for k in server.by_rule)
    assert any(k[0] == "read_credential_files" for k in server.by_rule)
    assert any(k[2] == "8080" and server.listens[k] >= 1 for k in server.binds)

    doc = json.loads(report("--format", "json", str(out)).stdout)
    lines = sum(1 for _ in open(out, "rb"))
    assert doc["report"]["lines"] == lines
    assert doc["report"]["events"] == sum(c.events for c in want.values())
    assert doc["report"]["skipped"]["not_json"] == 0
    check_json(doc, sid, server)
    c = check_json(doc, cid, cli)
    peer = next(x["peer"] for x in c["outbound"]["items"]
                if x["addr"] == "127.0.0.1" and x["port"] == 8080)
    assert peer["id"] == sid and peer["name"] == sname, peer
    assert {"from": cid, "from_name": name, "to": sid, "to_name": sname,
            "count": cli.connects[("AF_INET", "127.0.0.1", "8080")]} in doc["interactions"]

    text = report(str(out)).stdout
    check_text(text, sname, server)
    check_text(text, name, cli, peer_name=sname)
    assert f"  {name} -> {sname}\n" in text

    page = tmp_path / "report.html"
    report("--format", "html", "--output", str(page), str(out))
    html_text = page.read_text()
    check_html(html_text, sid, server)
    check_html(html_text, cid, cli, peer_name=sname)


def test_report_html_in_a_browser(talking, tmp_path):
    exe = chromium()
    out, sid, sname, cid, name = talking
    page = tmp_path / "report.html"
    report("--format", "html", "--output", str(page), str(out))
    assert "<script" not in page.read_text() and "src=" not in page.read_text()
    dom = browse(exe, page, "--dump-dom")
    console = [l for l in dom.stderr.splitlines() if "CONSOLE" in l]
    assert not console, "console messages:\n" + "\n".join(console)
    assert dom.stdout.count('<svg class="timeline"') == 2, "the two timelines"
    assert '<polygon class="series"' in dom.stdout
    assert '<svg class="graph" id="graph"' in dom.stdout
    assert '<path class="edge"' in dom.stdout, "the client -> server arrow"
    assert f"<title>{sname} {sid}</title>" in dom.stdout, "the server's node"
    assert f"<title>{name} {cid}</title>" in dom.stdout, "the client's node"
    if os.path.exists(SCREENSHOT):
        os.unlink(SCREENSHOT)
    browse(exe, page, f"--screenshot={SCREENSHOT}", "--window-size=1200,2400")
    colours = png_colours(SCREENSHOT)
    # white page, text, the 9 category colours of the plots, the graph's
    assert len(colours) >= 12, f"{SCREENSHOT} is (nearly) blank: {len(colours)} colours"


def test_report_live(container):
    c = container(cmd=("sh", "-c", "while :; do cat /etc/hostname >/dev/null; sleep 0.2; done"))
    cp = report("--duration", "5s", "--container", c.name, "--format", "json")
    doc = json.loads(cp.stdout)
    assert [x["id"] for x in doc["containers"]] == [c.id], "only the container filtered"
    got = doc["containers"][0]
    assert got["events"] > 0
    assert any(p["argv"] == ["cat", "/etc/hostname"] for p in got["programs"]["items"])
    assert "cactus: monitoring" in cp.stderr, "the monitor's stderr is passed on"
    span = (time.mktime(time.strptime(doc["report"]["last"], "%Y-%m-%dT%H:%M:%SZ")) -
            time.mktime(time.strptime(doc["report"]["first"], "%Y-%m-%dT%H:%M:%SZ")))
    assert 3 <= span <= 8, f"about 5 s watched: {span}"


def test_report_usage_and_bad_input(tmp_path):
    assert report("--help").stdout.startswith("Usage: cactus report")
    for args in (["--bogus"], ["--format", "xml", "f"], ["--duration", "soon"],
                 ["--top", "0", "f"], ["--container", "x", "f"], ["a", "b"]):
        cp = report(*args, check=False)
        assert cp.returncode == 2, (args, cp.stderr)
        assert "Try 'cactus help'" in cp.stderr
    cp = report(str(tmp_path / "missing.jsonl"), check=False)
    assert cp.returncode == 1 and "cannot open" in cp.stderr
    junk = tmp_path / "junk.jsonl"
    junk.write_bytes(b"not json\n{\"a\":\n\xff\xfe\n[1]\n\n")
    doc = json.loads(report("--format", "json", str(junk)).stdout)
    assert doc["report"]["skipped"] == {"not_json": 4, "unknown_type": 0, "blank": 1}
    assert "4 lines not JSON" in report(str(junk)).stdout
