"""io_uring operations are events of their own (issue 20), end to end.

A container that does its file and network I/O through io_uring makes no
open, read or connect syscall: each operation it submits must still be an
event, with the fields of its syscall twin (an OPENAT is an `openat`, a
CONNECT a `connect`) and three more: `via: "io_uring"`, `uring_op` (the
opcode's name) and `uring_thread` (`inline`: the submitter ran it;
`sqpoll`: the ring's SQ thread; `worker`: an io-wq worker), so that rules
judge it as they judge the twin.

Every scenario runs tests/progs/uring.c (raw syscalls, no liburing; built
static here and `docker cp`-ed in) in a real `--network none` container of
cactus-busybox:latest. The program prints one stderr line per completion,
"uring: OP res=N", and file content only on stdout (through an io_uring
WRITE to fd 1). The tests match the completions it reports with the events
of its process (by host pid), field by field: the twin, its category and
activity (from `cactus syscalls`), the file actually opened (a symlink's
target, with the spelling in path_arg), address and port, ret; and, for a
read of a cached file, the thread that ran it. Enforcement: a kill rule on
opening /etc/shadow kills an io_uring read of it in every way of submitting
one (exit 137, not a byte on stdout, an alert "killed"), and spares the
same read of /etc/passwd; a deny rule on a connect port refuses the
io_uring CONNECT to it (-EPERM or a kill) while another port connects; the
default rule io_uring_in_container alerts on io_uring_setup.
"""

import random
import re
import secrets
import subprocess
import time

import pytest

from conftest import (CACTUS, IMAGE, Agent, Container, build_prog, docker,
                      run, unique, wait_until)

URING = "/usr/bin/uring"          # where the program goes in the container

# opcode name -> the syscall whose event it is
TWINS = {
    "OPENAT": "openat", "OPENAT2": "openat2", "CLOSE": "close",
    "READ": "read", "WRITE": "write", "READV": "readv", "WRITEV": "writev",
    "STATX": "statx", "RENAMEAT": "renameat2", "UNLINKAT": "unlinkat",
    "MKDIRAT": "mkdirat", "SYMLINKAT": "symlinkat", "LINKAT": "linkat",
    "CONNECT": "connect", "ACCEPT": "accept4", "BIND": "bind",
    "LISTEN": "listen", "SEND": "sendto", "SENDMSG": "sendmsg",
    "RECV": "recvfrom", "RECVMSG": "recvmsg", "SOCKET": "socket",
}
# every twin, named with --syscall: the off-by-default ones (read, write,
# close, readv, writev, statx, sendto, recvfrom, sendmsg, recvmsg) too
ALL_TWINS = sorted(set(TWINS.values()))
THREADS = ("inline", "sqpoll", "worker")

COMPLETION = re.compile(r"^uring: ([A-Z0-9]+) res=(-?\d+)$", re.M)

# the ways of submitting: (id, options of tests/progs/uring.c)
SUBMIT = [("inline", []), ("sqpoll", ["-s"]), ("iowq", ["-a"])]


# --------------------------------------------------------------------------
# fixtures: the program, one container holding it, the twins' table

@pytest.fixture(scope="module")
def box(e2e_env, tmp_path_factory):
    """One `--network none` container with the program at URING."""
    prog = build_prog("uring", tmp_path_factory.mktemp("uring"))
    name = unique("uring-")
    try:
        cid = docker("run", "-d", "--network", "none", "--name", name, IMAGE,
                     "sleep", "3600").stdout.strip()
        pid = int(docker("inspect", "-f", "{{.State.Pid}}", cid).stdout)
        docker("cp", str(prog), f"{name}:{URING}")
        yield Container(name, cid, pid, {})
    finally:
        subprocess.run(["docker", "rm", "-f", name], capture_output=True,
                       timeout=60)


@pytest.fixture(scope="module")
def table():
    """`cactus syscalls`: twin name -> (category, activity)."""
    rows = {}
    for line in run([str(CACTUS), "syscalls"]).stdout.splitlines()[1:]:
        cols = re.split(r"\s{2,}", line.strip())
        rows[cols[1]] = (cols[2], cols[3])
    # the parse itself, on two rows whose values the README states
    assert rows["openat"] == ("File Operation", "File Open"), rows.get("openat")
    assert rows["connect"] == ("Network Operation", "Network Connect"), rows.get("connect")
    return rows


@pytest.fixture(scope="class")
def twin_agent(e2e_env, box):
    """An agent tracing every twin, no rules, for the field tests (of one
    class: it stops before the tests that start their own, so that two
    agents never run at once)."""
    a = Agent(["--no-default-rules", "--container", box.name,
               "--syscall", ",".join(ALL_TWINS)])
    try:
        a.wait_ready()
        yield a
        a.check_clean_exit()
    finally:
        if a.proc.poll() is None:
            a.proc.kill()


# --------------------------------------------------------------------------
# helpers

def uring_events(agent, box):
    return [e for e in agent.events()
            if box.owns(e) and e.get("via") == "io_uring"]


def completions(stderr):
    return [(op, int(res)) for op, res in COMPLETION.findall(stderr)]


def run_uring(agent, box, *args, rc=0, workdir=None, timeout=30):
    """Run the program (under an agent tracing every twin); wait for an
    event of each completion it reports, from its own process. Returns
    (CompletedProcess, [(op, res, event)] in the program's order)."""
    before = {e.get("host_pid") for e in uring_events(agent, box)}
    cp = box.exec(URING, *args, check=False, timeout=timeout, workdir=workdir)
    assert cp.returncode == rc, (args, cp.returncode, cp.stdout, cp.stderr)
    want = completions(cp.stderr)
    assert want, cp.stderr

    def mine():
        evs = [e for e in uring_events(agent, box)
               if e.get("host_pid") not in before]
        pids = {e.get("host_pid") for e in evs}
        return evs if len(evs) >= len(want) and len(pids) == 1 else None

    # (polled: agent.wait_for would run mine() once per event it holds)
    evs = wait_until(mine, timeout=15,
                     what=f"{len(want)} io_uring events of `uring "
                          f"{' '.join(args)}` (completions: {want})")
    out, used = [], set()
    for op, res in want:
        e = next((e for i, e in enumerate(evs)
                  if i not in used and e.get("uring_op") == op), None)
        assert e is not None, (f"no {op} event for `uring {' '.join(args)}`",
                               want, evs)
        used.add(evs.index(e))
        out.append((op, res, e))
    return cp, out


def wait_new(agent, start, pred, timeout=10):
    """The first event from the start-th on for which pred holds, or None."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [e for e in agent.events()[start:] if pred(e)]
        if found:
            return found[0]
        time.sleep(0.1)
    return None


def since(agent, start, box):
    """What the container's io_uring and killed events from the start-th on
    said, for a failure's message."""
    keys = ("host_pid", "host_tid", "syscall", "ret", "uring_op",
            "uring_thread", "dirname", "filename", "path_arg", "killed",
            "alert")
    return [{k: e[k] for k in keys if k in e} for e in agent.events()[start:]
            if box.owns(e) and (e.get("via") or e.get("killed")
                                or e.get("syscall") == "execve")]


def check_common(table, op, res, e):
    """What every io_uring event carries: its twin, the twin's class, ret."""
    twin = TWINS[op]
    assert e["via"] == "io_uring", e
    assert e["uring_op"] == op, e
    assert e["syscall"] == twin, (op, e)
    assert (e["category"], e["activity"]) == table[twin], (op, e)
    assert e["ret"] == res, (op, res, e)
    assert e.get("uring_thread") in THREADS, e
    assert e.get("exe") == URING, ("the ring's owner, whatever the thread", e)


def check_file(e, dirname, filename, path_arg=None):
    assert (e.get("dirname"), e.get("filename")) == (dirname, filename), e
    assert e.get("path_arg") == path_arg, e


def one(found, op, n=0):
    """The n-th (op, res, event) of op."""
    return [f for f in found if f[0] == op][n]


# --------------------------------------------------------------------------
# events: their fields, under one agent

class TestEvents:
    """The fields of every operation's event, in each way of submitting."""

    @pytest.mark.parametrize("opts", [s[1] for s in SUBMIT],
                             ids=[s[0] for s in SUBMIT])
    def test_file_ops(self, twin_agent, box, table, opts):
        tok = secrets.token_hex(3)
        d = f"/tmp/u-{tok}"
        cp, found = run_uring(twin_agent, box, *opts, "fs", d)
        ops = [f[0] for f in found]
        assert ops == ["MKDIRAT", "OPENAT2", "WRITE", "WRITEV", "CLOSE", "OPENAT",
                       "READ", "READV", "CLOSE", "STATX", "SYMLINKAT", "OPENAT",
                       "CLOSE", "LINKAT", "RENAMEAT", "UNLINKAT", "UNLINKAT",
                       "UNLINKAT", "UNLINKAT"], cp.stderr
        for op, res, e in found:
            check_common(table, op, res, e)
            assert res >= 0, (op, res, cp.stderr)
        assert len({e["host_pid"] for _, _, e in found}) == 1

        check_file(one(found, "MKDIRAT")[2], "/tmp", f"u-{tok}")
        # the created file, and the descriptor's file on each read and write
        check_file(one(found, "OPENAT2")[2], d, "f")
        assert one(found, "OPENAT2")[1] >= 3
        for op in ("WRITE", "WRITEV", "READ", "READV"):
            check_file(one(found, op)[2], d, "f")
        assert one(found, "WRITE")[1] == one(found, "WRITEV")[1] == 14
        assert one(found, "READ")[1] == one(found, "READV")[1] == 28
        check_file(one(found, "OPENAT")[2], d, "f")
        check_file(one(found, "STATX")[2], d, "f")
        # symlinkat(target, dirfd, linkpath): the link is the path, the target path2
        sl = one(found, "SYMLINKAT")[2]
        check_file(sl, d, "sl")
        assert sl.get("path2") == "f", sl
        # opened through the symlink: the file opened, the spelling beside it
        check_file(one(found, "OPENAT", 1)[2], d, "f", path_arg=f"{d}/sl")
        ln = one(found, "LINKAT")[2]
        check_file(ln, d, "f")
        assert ln.get("path2") == f"{d}/hl", ln
        rn = one(found, "RENAMEAT")[2]
        check_file(rn, d, "f")
        assert rn.get("path2") == f"{d}/g", rn
        for n, name in enumerate(["hl", "sl", "g"]):
            check_file(one(found, "UNLINKAT", n)[2], d, name)
        check_file(one(found, "UNLINKAT", 3)[2], "/tmp", f"u-{tok}")

    # a server and its client on 127.0.0.1, in one process
    @pytest.mark.parametrize("opts", [s[1] for s in SUBMIT],
                             ids=[s[0] for s in SUBMIT])
    def test_net_ops(self, twin_agent, box, table, opts):
        port = random.randint(20000, 29999)
        cp, found = run_uring(twin_agent, box, *opts, "net", "127.0.0.1", str(port))
        ops = [f[0] for f in found]
        assert ops == ["SOCKET", "BIND", "LISTEN", "SOCKET", "CONNECT", "ACCEPT",
                       "SEND", "RECV", "SENDMSG", "RECVMSG", "CLOSE", "CLOSE",
                       "CLOSE"], cp.stderr
        # BIND and LISTEN are io_uring ops from 6.11 (the program says when it
        # fell back to the syscalls; this host has them)
        assert "instead" not in cp.stderr, cp.stderr
        for op, res, e in found:
            check_common(table, op, res, e)
            assert res >= 0, (op, res, cp.stderr)
        e = one(found, "CONNECT")[2]
        assert (e.get("family"), e.get("addr"), e.get("port")) == (
            "AF_INET", "127.0.0.1", port), e
        # accept4's address is the peer's: the client's ephemeral port
        e = one(found, "ACCEPT")[2]
        assert (e.get("family"), e.get("addr")) == ("AF_INET", "127.0.0.1"), e
        assert e.get("port") not in (None, 0, port), e
        for op in ("SEND", "RECV", "SENDMSG", "RECVMSG"):
            assert one(found, op)[1] == 4

    def test_bind_address(self, twin_agent, box, table):
        """bind's twin fields: the address bound, as for the syscall."""
        port = random.randint(20000, 29999)
        _, found = run_uring(twin_agent, box, "net", "127.0.0.1", str(port))
        e = one(found, "BIND")[2]
        assert (e.get("family"), e.get("addr"), e.get("port")) == (
            "AF_INET", "127.0.0.1", port), e

    @pytest.mark.parametrize("opts,thread", [(s[1], s[0].replace("iowq", "worker"))
                                             for s in SUBMIT],
                             ids=[s[0] for s in SUBMIT])
    def test_uring_thread(self, twin_agent, box, table, opts, thread):
        """An open of a cached file runs where it was submitted: in the
        caller, in the SQ thread; with IOSQE_ASYNC in an io-wq worker. Every
        event is the ring owner's (its host pid and exe), whatever thread ran
        it. (Reads of overlayfs files are punted to io-wq whatever the ring:
        overlayfs cannot read without blocking, so READ's thread varies.)"""
        box.exec("cat", "/etc/passwd")     # its dentries and pages cached
        cp, found = run_uring(twin_agent, box, *opts, "read", "/etc/passwd")
        assert cp.stdout == box.exec("cat", "/etc/passwd").stdout
        for op, res, e in found:
            check_common(table, op, res, e)
        e = one(found, "OPENAT")[2]
        assert e["uring_thread"] == thread, e
        check_file(e, "/etc", "passwd")
        check_file(one(found, "READ")[2], "/etc", "passwd")

    def test_direct_descriptor(self, twin_agent, box, table):
        """OPENAT into a fixed slot (file_index): the file never enters the fd
        table; ret is the slot, and the event still names the file opened."""
        cp, found = run_uring(twin_agent, box, "-d", "read", "/etc/passwd")
        assert cp.stdout == box.exec("cat", "/etc/passwd").stdout
        for op, res, e in found:
            check_common(table, op, res, e)
        op, res, e = one(found, "OPENAT")
        assert res == 0
        check_file(e, "/etc", "passwd")


    def test_failed_open(self, twin_agent, box, table):
        """An open that fails has no file: reported as spelled, made
        absolute against the cwd, with the error in ret."""
        cp, found = run_uring(twin_agent, box, "read", "missing-file", rc=1,
                             workdir="/tmp")
        op, res, e = one(found, "OPENAT")
        assert res == -2, cp.stderr     # ENOENT
        check_common(table, op, res, e)
        check_file(e, "/tmp", "missing-file")


def test_off_by_default(start_agent, box):
    """Without --syscall, READ, WRITE and CLOSE are not events (like their
    twins); OPENAT is."""
    agent = start_agent("--no-default-rules", "--container", box.name)
    before = {e.get("host_pid") for e in uring_events(agent, box)}
    cp = box.exec(URING, "read", "/etc/passwd")
    assert [c[0] for c in completions(cp.stderr)] == ["OPENAT", "READ",
                                                      "WRITE", "CLOSE"]
    e = agent.wait_for(lambda e: box.owns(e) and e.get("via") == "io_uring"
                       and e.get("uring_op") == "OPENAT"
                       and e.get("host_pid") not in before,
                       what="the io_uring OPENAT")
    time.sleep(2)
    ops = {x.get("uring_op") for x in uring_events(agent, box)
           if x.get("host_pid") == e["host_pid"]}
    assert ops == {"OPENAT"}, ops


# --------------------------------------------------------------------------
# enforcement: kill

KILL_SHADOW = """
- rule: no_shadow_read
  description: reading /etc/shadow kills the reader
  priority: critical
  match:
    syscall: [open, openat, openat2]
    path: /etc/shadow
  action: kill
  output: "%comm opened %path"
"""

# (id, options, path, working directory): each way of submitting; then
# spellings of the same file, relative ones made absolute at submit, the
# others only given away by the file opened (judged at completion)
KILL_CASES = [
    ("seq", [], "/etc/shadow", None),
    ("linked", ["-l"], "/etc/shadow", None),
    ("sqpoll", ["-s"], "/etc/shadow", None),
    ("iowq", ["-a"], "/etc/shadow", None),
    ("sqpoll_linked", ["-s", "-l"], "/etc/shadow", None),
    ("iowq_linked", ["-a", "-l"], "/etc/shadow", None),
    ("direct", ["-d"], "/etc/shadow", None),
    ("direct_linked", ["-d", "-l"], "/etc/shadow", None),
    ("openat2", ["-2"], "/etc/shadow", None),
    ("relative_linked", ["-l"], "shadow", "/etc"),
    ("dotdot_iowq", ["-a"], "../etc/shadow", "/tmp"),
    ("symlink", [], "/tmp/s1", None),
    ("symlink_linked", ["-l"], "/tmp/s1", None),
    ("symlink_iowq", ["-a"], "/tmp/s1", None),
    ("hard_link_linked", ["-l"], "/tmp/h1", None),
    ("hard_link_sqpoll", ["-s"], "/tmp/h1", None),
    ("proc_self_root_direct", ["-d", "-l"], "/proc/self/root/etc/shadow", None),
]
# each path's look-alike: the same spelling of another file
BENIGN = {"/etc/shadow": "/etc/passwd", "shadow": "passwd",
          "../etc/shadow": "../etc/passwd", "/tmp/s1": "/tmp/p1",
          "/tmp/h1": "/tmp/p2",
          "/proc/self/root/etc/shadow": "/proc/self/root/etc/passwd"}


def rule_file(tmp_path, text):
    p = tmp_path / "rules.yaml"
    p.write_text(text)
    return str(p)


def test_kill_shadow_read(tmp_path, start_agent, box):
    """The kill rule on opening /etc/shadow kills an io_uring read of it,
    however submitted and spelled: exit 137, nothing of the file on stdout,
    an alert "killed" naming the file (and the spelling in path_arg). The
    same read of /etc/passwd is untouched."""
    box.exec("sh", "-c", "ln -sf /etc/shadow /tmp/s1; ln -f /etc/shadow /tmp/h1;"
             "ln -sf /etc/passwd /tmp/p1; ln -f /etc/passwd /tmp/p2")
    agent = start_agent("--rules", rule_file(tmp_path, KILL_SHADOW),
                        "--container", box.name, "--alert-window", "0")
    passwd = box.exec("cat", "/etc/passwd").stdout
    shadow = box.exec("cat", "/etc/shadow", check=False)
    assert shadow.returncode == 137, "the rule does not hold for cat"

    def killed(e):
        a = e.get("alert") or {}
        return (box.owns(e) and a.get("rule") == "no_shadow_read"
                and a.get("outcome") == "killed" and e.get("killed") is True
                and e.get("via") == "io_uring")

    failed = []
    for name, opts, path, wd in KILL_CASES:
        start = len(agent.events())
        cp = box.exec(URING, *opts, "read", path, check=False, workdir=wd)
        if cp.returncode != 137 or cp.stdout:
            failed.append((name, "not killed or leaked", cp.returncode,
                           cp.stdout, cp.stderr))
            continue
        ev = wait_new(agent, start, killed)
        if ev is None:
            failed.append((name, "no killed alert", cp.stderr,
                           since(agent, start, box)))
            continue
        op = "OPENAT2" if "-2" in opts else "OPENAT"
        # (path_arg is absent where the open failed: cancelled by the kill)
        if ((ev.get("uring_op"), ev.get("syscall"), ev.get("dirname"),
             ev.get("filename")) != (op, TWINS[op], "/etc", "shadow")
                or ev.get("path_arg") not in (None, path)):
            failed.append((name, "alert event", ev))
        cp = box.exec(URING, *opts, "read", BENIGN[path], check=False,
                      workdir=wd)
        if cp.returncode != 0 or cp.stdout != passwd:
            failed.append((name, "benign", cp.returncode, cp.stdout,
                           cp.stderr))
    assert not failed, failed


# --------------------------------------------------------------------------
# enforcement: deny a connect port

def test_deny_connect_port(tmp_path, start_agent, box):
    """The deny rule on a port refuses the io_uring CONNECT to it (EPERM in
    the CQE, or the process killed), inline, from the SQ thread and from an
    io-wq worker; another port connects."""
    port = random.choice([3333, 4444, 5555, 7777])
    agent = start_agent("--rules", rule_file(tmp_path, f"""
- rule: no_miner_port
  description: outbound connections to a mining pool port
  priority: critical
  match:
    syscall: connect
    port: {port}
  action: deny
"""), "--container", box.name, "--alert-window", "0")
    assert "deny enforced by cgroup" in agent.stderr_text()

    def denied(e):
        a = e.get("alert") or {}
        return (box.owns(e) and a.get("rule") == "no_miner_port"
                and e.get("via") == "io_uring")

    failed = []
    for name, opts in SUBMIT:
        start = len(agent.events())
        cp = box.exec(URING, *opts, "net", "127.0.0.1", str(port), check=False)
        done = dict(completions(cp.stderr))
        if cp.returncode == 137:
            outcome = "killed"
        elif cp.returncode == 1 and done.get("CONNECT") == -1:  # -EPERM
            outcome = "denied"
        else:
            failed.append((name, "connected", cp.returncode, cp.stderr))
            continue
        ev = wait_new(agent, start, denied)
        if ev is None:
            failed.append((name, "no deny alert", cp.stderr,
                           since(agent, start, box)))
            continue
        got = (ev.get("uring_op"), ev.get("syscall"), ev.get("addr"),
               ev.get("port"), ev["alert"].get("outcome"))
        if got != ("CONNECT", "connect", "127.0.0.1", port, outcome):
            failed.append((name, "alert event", ev))
        elif outcome == "denied" and ev.get("ret") != -1:
            failed.append((name, "ret", ev))
        other = random.randint(30000, 39999)
        cp = box.exec(URING, *opts, "net", "127.0.0.1", str(other), check=False)
        if cp.returncode != 0 or dict(completions(cp.stderr)).get("CONNECT") != 0:
            failed.append((name, "other port", other, cp.returncode, cp.stderr))
    assert not failed, failed


# --------------------------------------------------------------------------
# the default rule on io_uring itself

def test_io_uring_in_container_rule(start_agent, box):
    agent = start_agent("--container", box.name, "--alert-window", "0")
    cp = box.exec(URING, "read", "/etc/passwd")
    assert cp.returncode == 0
    ev = agent.wait_for(
        lambda e: box.owns(e) and e.get("syscall") == "io_uring_setup"
        and (e.get("alert") or {}).get("rule") == "io_uring_in_container",
        what="the io_uring_in_container alert")
    assert ev["ret"] >= 0, ev
    assert ev["alert"]["outcome"] == "alerted", ev
    assert ev.get("exe") == URING, ev
