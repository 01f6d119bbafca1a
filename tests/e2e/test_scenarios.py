"""End-to-end scenarios: run the real ./cactus against docker containers.

Notes on the test image (busybox-static from Debian 12):
  * `docker exec C cat F` makes runc execve("/bin/cat", ["cat", F]) (runc
    resolves the command on PATH).
  * busybox sh runs applets by execve("/proc/self/exe", [applet, ...]), so
    inside `sh -c '...'` an execve's exe is "/proc/self/exe"; only argv is
    meaningful there.
  * `kill` is a sh builtin: the kill(2) comes from the sh itself.
"""

import datetime
import json
import os
import random
import re
import secrets
import signal
import subprocess
import tempfile
import time

import pytest

from conftest import (CACTUS, IMAGE, REPO, find_host_pids, host_ppid, nspid,
                      run, unique, wait_until)

CATEGORIES = {
    "File Operation", "Directory Operation", "Network Operation",
    "Process Manage", "Signal Handling", "Permission Manage", "Memory Manage",
    "Namespace & Mount", "System Manage",
}
TIME_RE = re.compile(
    r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.(\d{9})(Z|[+-]\d\d:\d\d)")
CAT_LOOP = "while :; do cat /mnt/test.txt >/dev/null; sleep 0.2; done"
SETTLE = 1.0   # seconds to let late events arrive before "no event" checks


# --------------------------------------------------------------------------
# helpers

def k8s_container(container):
    """A container named and labelled the way kubelet's dockershim does."""
    pod = unique("pod-")
    uid = secrets.token_hex(8)
    name = f"k8s_ubuntu-container1_{pod}_default_{uid}_0"
    labels = {
        "io.kubernetes.pod.namespace": "default",
        "io.kubernetes.pod.name": pod,
        "io.kubernetes.container.name": "ubuntu-container1",
    }
    c = container(name=name, labels=labels)
    c.pod = pod
    return c


def is_open(ev, c, dirname="/mnt", filename="test.txt"):
    return (c.owns(ev) and ev.get("syscall") == "openat"
            and ev.get("dirname") == dirname
            and ev.get("filename") == filename)


def is_exec(ev, c, argv):
    return (c.owns(ev) and ev.get("syscall") == "execve"
            and ev.get("argv") == list(argv))


def parse_time(s):
    m = TIME_RE.fullmatch(s)
    assert m, f"time {s!r} is not RFC 3339 with nanoseconds"
    # Python 3.11 parses at most microseconds: drop the last 3 digits.
    frac = m.group(1)
    t = s.replace("." + frac, "." + frac[:6]).replace("Z", "+00:00")
    return datetime.datetime.fromisoformat(t)


def assert_container_fields(ev, c):
    """The fields every event from container c must carry."""
    assert ev["container_id"] == c.id, ev
    assert ev["container_name"] == c.name, ev
    assert ev["image"] == IMAGE, ev
    assert ev["runtime"] == "docker", ev
    assert ev["pid_ns"] == c.pid_ns, (ev, c.pid_ns)
    assert ev["mnt_ns"] == c.mnt_ns, (ev, c.mnt_ns)
    labels = getattr(c, "labels", {}) or {}
    assert ev["k8s_namespace"] == labels.get("io.kubernetes.pod.namespace",
                                             ""), ev
    assert ev["k8s_pod"] == labels.get("io.kubernetes.pod.name", ""), ev
    assert ev["k8s_container"] == labels.get("io.kubernetes.container.name",
                                             ""), ev
    assert ev["category"] in CATEGORIES, ev
    assert isinstance(ev["activity"], str) and ev["activity"], ev
    for k in ("pid", "ppid", "host_pid", "host_ppid", "uid", "gid", "ret"):
        assert isinstance(ev[k], int) and not isinstance(ev[k], bool), (k, ev)
    assert ev["pid"] >= 1 and ev["host_pid"] >= 1, ev
    now = datetime.datetime.now(datetime.timezone.utc)
    skew = abs((parse_time(ev["time"]) - now).total_seconds())
    assert skew < 600, f"event time {ev['time']} is {skew:.0f}s from now"


def settle(agent, seconds=SETTLE):
    time.sleep(seconds)
    evs = agent.events()
    assert evs, "the agent reported no event at all"
    return evs


def start_loop(c, script=CAT_LOOP):
    """docker exec -d `sh -c script`; return (host pid, in-container pid)."""
    c.exec_detached("sh", "-c", script)
    argv = ["sh", "-c", script]

    def loop_pids():
        # forked children briefly share the cmdline: keep the top sh only
        pids = find_host_pids(c.pid_ns, argv)
        return [p for p in pids if host_ppid(p) not in pids]

    pids = wait_until(loop_pids, what=f"the loop in {c.name}")
    assert len(pids) == 1, pids
    host = pids[0]
    ns = nspid(host)
    assert ns[0] == host and len(ns) == 2, ns
    return host, ns[-1]


# --------------------------------------------------------------------------
# 1. Fig 12: openat in a kubelet-style container, with k8s metadata

def test_fig12_openat_k8s_metadata(container, start_agent):
    c = k8s_container(container)
    sh_host, sh_inner = start_loop(c)
    agent = start_agent()

    ev = agent.wait_for(lambda e: is_open(e, c) and e.get("comm") == "cat"
                        and e.get("host_ppid") == sh_host,
                        what="openat of /mnt/test.txt by cat in the loop")
    assert_container_fields(ev, c)
    assert ev["k8s_namespace"] == "default"
    assert ev["k8s_pod"] == c.pod
    assert ev["k8s_container"] == "ubuntu-container1"
    assert ev["category"] == "File Operation"
    assert ev["activity"] == "File Open"
    assert ev["dirname"] == "/mnt" and ev["filename"] == "test.txt"
    assert ev["ret"] >= 0
    assert ev["comm"] == "cat"
    assert ev["uid"] == 0 and ev["gid"] == 0
    # cat is a child of the loop's sh: both pid namespaces agree
    assert ev["host_ppid"] == sh_host
    assert ev["ppid"] == sh_inner
    assert ev["pid"] > 1 and ev["host_pid"] > 1
    assert ev["host_pid"] != ev["pid"]
    assert ev["pid"] != sh_inner and ev["host_pid"] != sh_host


def test_fig12_block_output(container, start_agent):
    c = container()
    agent = start_agent(output="block")
    c.exec("cat", "/mnt/test.txt")
    b = agent.wait_for_block(lambda b: b.get("ContainerName") == c.name
                             and b.get("Filename") == "test.txt",
                             what="block for /mnt/test.txt")
    assert b["Dirname"] == "/mnt", b
    assert b["Syscall"] == "sys_openat", b
    assert b["EventType"] == "File Operation", b
    assert b["Activity"] == "File Open", b
    assert b["PidId"] == str(c.pid_ns), b
    assert b["MntId"] == str(c.mnt_ns), b
    raw = agent.stdout_lines()
    assert any(l.startswith("ContainerName: ") for l in raw)
    assert any(l.strip() == "" for l in raw), "blocks are not blank-separated"


def test_text_output_one_line_per_event(container, start_agent):
    c = container()
    agent = start_agent(output="text")
    c.exec("cat", "/mnt/test.txt")
    line = agent.wait_for_line(lambda l: c.name in l and "openat" in l
                               and "test.txt" in l,
                               what="text line for openat of /mnt/test.txt")
    assert "{" not in line[:1], "text output looks like JSON"
    assert all(l.strip() for l in agent.stdout_lines()), \
        "text output contains blank lines"


# --------------------------------------------------------------------------
# 2. Fig 13: execve

def test_fig13_execve(container, agent):
    c = container()
    c.exec("cat", "/mnt/test.txt")
    ev = agent.wait_for(lambda e: is_exec(e, c, ["cat", "/mnt/test.txt"]),
                        what="execve of cat /mnt/test.txt")
    assert_container_fields(ev, c)
    assert ev["exe"] == "/bin/busybox"   # the file executed, not argv[0]
    assert (ev["dirname"], ev["filename"]) == ("/bin", "cat")   # the name asked for
    assert ev["category"] == "Process Manage"
    assert ev["activity"] == "Process Create"
    assert ev["ret"] == 0


def test_fig13_execve_via_sh(container, agent):
    c = container()
    c.exec("sh", "-c", "cat /mnt/test.txt")
    sh = agent.wait_for(
        lambda e: is_exec(e, c, ["sh", "-c", "cat /mnt/test.txt"]),
        what="execve of sh -c")
    assert sh["exe"] == "/bin/busybox" and sh["filename"] == "sh"
    ev = agent.wait_for(lambda e: is_exec(e, c, ["cat", "/mnt/test.txt"]),
                        what="execve of cat by sh")
    assert_container_fields(ev, c)
    assert ev["category"] == "Process Manage"
    assert ev["activity"] == "Process Create"
    assert ev["ret"] == 0
    # the sh execs cat in place: same process
    assert ev["pid"] == sh["pid"] and ev["host_pid"] == sh["host_pid"]


# --------------------------------------------------------------------------
# 3. a container whose first syscall comes right after start

def test_short_lived_container_started_after_agent(agent):
    name = unique("first-")
    try:
        cp = run(["docker", "run", "--rm", "--network", "none", "--name",
                  name, IMAGE, "cat", "/etc/hostname"])
        hostname = cp.stdout.strip()
        assert hostname
        ev = agent.wait_for(
            lambda e: e.get("container_name") == name
            and e.get("syscall") == "openat"
            and e.get("dirname") == "/etc"
            and e.get("filename") == "hostname",
            what="openat of /etc/hostname in the short-lived container")
        assert re.fullmatch(r"[0-9a-f]{64}", ev["container_id"]), ev
        assert ev["container_id"].startswith(hostname), (ev, hostname)
        assert ev["image"] == IMAGE
        assert ev["runtime"] == "docker"
        assert ev["comm"] == "cat"
        assert ev["ret"] >= 0
        ex = agent.wait_for(
            lambda e: e.get("container_name") == name
            and e.get("syscall") == "execve"
            and e.get("argv") == ["cat", "/etc/hostname"],
            what="execve of the container's command")
        assert ex["exe"] == "/bin/busybox" and ex["filename"] == "cat"
        assert ex["container_id"] == ev["container_id"]
    finally:
        subprocess.run(["docker", "rm", "-f", name], capture_output=True)


# --------------------------------------------------------------------------
# 4. docker exec into a running container

def test_docker_exec_attributed(container, agent):
    c = container()
    c.exec("ls", "/mnt")
    ev = agent.wait_for(lambda e: is_exec(e, c, ["ls", "/mnt"]),
                        what="execve of ls /mnt")
    assert_container_fields(ev, c)
    assert ev["exe"] == "/bin/busybox"   # the file executed, not argv[0]
    assert (ev["dirname"], ev["filename"]) == ("/bin", "ls")   # the name asked for
    assert ev["ret"] == 0


def test_relative_path_resolved_against_cwd(container, agent):
    c = container()
    c.exec("cat", "test.txt", workdir="/mnt")
    ev = agent.wait_for(lambda e: is_open(e, c) and e.get("comm") == "cat",
                        what="openat of test.txt relative to /mnt")
    assert_container_fields(ev, c)
    assert ev["ret"] >= 0


# --------------------------------------------------------------------------
# 5. network

def test_connect_to_listener(container, agent):
    c = container()
    port = random.randint(20000, 29999)
    c.exec("sh", "-c", f"nc -l -p {port} >/dev/null & sleep 0.5; "
           f"echo hi | nc -w 2 127.0.0.1 {port}")
    ev = agent.wait_for(lambda e: c.owns(e) and e.get("syscall") == "connect"
                        and e.get("port") == port,
                        what=f"connect to 127.0.0.1:{port}")
    assert_container_fields(ev, c)
    assert ev["family"] == "AF_INET"
    assert ev["addr"] == "127.0.0.1"
    assert ev["category"] == "Network Operation"
    assert ev["activity"] == "Network Connect"
    assert ev["comm"] == "nc"
    assert ev["ret"] == 0


def test_connect_to_closed_port(container, agent):
    c = container()
    port = random.randint(30000, 39999)
    cp = c.exec("nc", "127.0.0.1", str(port), check=False)
    assert cp.returncode != 0, "connect to a closed port succeeded?"
    ev = agent.wait_for(lambda e: c.owns(e) and e.get("syscall") == "connect"
                        and e.get("port") == port,
                        what=f"connect to closed 127.0.0.1:{port}")
    assert_container_fields(ev, c)
    assert ev["family"] == "AF_INET"
    assert ev["addr"] == "127.0.0.1"
    assert ev["category"] == "Network Operation"
    assert ev["activity"] == "Network Connect"
    assert ev["ret"] < 0


# --------------------------------------------------------------------------
# 6. signals

def test_kill_sigterm(container, agent):
    c = container()
    c.exec("sh", "-c", "sleep 100 & sleep 0.5; kill -TERM $!")
    ev = agent.wait_for(lambda e: c.owns(e) and e.get("syscall") == "kill"
                        and e.get("signal") == "SIGTERM",
                        what="kill(SIGTERM)")
    assert_container_fields(ev, c)
    assert ev["category"] == "Signal Handling"
    assert ev["activity"] == "Signal Send"
    assert ev["signal_nr"] == signal.SIGTERM.value
    assert ev["comm"] == "sh"
    assert ev["ret"] == 0
    target = ev["target_pid"]
    assert isinstance(target, int) and target > 1, ev
    # the target is the background sleep, in the container's pid namespace
    ex = agent.wait_for(lambda e: is_exec(e, c, ["sleep", "100"]),
                        what="execve of sleep 100")
    assert ex["pid"] == target, (ex, ev)
    assert ex["ppid"] == ev["pid"], (ex, ev)


# --------------------------------------------------------------------------
# 7. two containers at once

def test_two_containers_attributed(container, start_agent):
    a, b = container(), container()
    assert a.pid_ns != b.pid_ns and a.mnt_ns != b.mnt_ns
    start_loop(a)
    start_loop(b)
    agent = start_agent()
    for c in (a, b):
        agent.wait_for(lambda e, c=c: is_open(e, c),
                       what=f"openat in {c.name}")
    evs = settle(agent)
    by_id = {a.id: a, b.id: b}
    by_pidns = {a.pid_ns: a, b.pid_ns: b}
    seen = {a.id: 0, b.id: 0}
    for e in evs:
        c = by_id.get(e.get("container_id"))
        if c is not None:
            seen[c.id] += 1
            other = b if c is a else a
            assert e["container_name"] == c.name, e
            assert e["container_name"] != other.name, e
            assert e["pid_ns"] == c.pid_ns, e
            assert e["mnt_ns"] == c.mnt_ns, e
        c = by_pidns.get(e.get("pid_ns"))
        if c is not None:
            assert e["container_id"] == c.id, e
            assert e["container_name"] == c.name, e
    assert seen[a.id] > 0 and seen[b.id] > 0, seen


# --------------------------------------------------------------------------
# 8. the host is not monitored

def test_host_processes_produce_no_events(container, agent):
    c = container()
    fd, path = tempfile.mkstemp(prefix="cactus-host-", suffix=".txt")
    os.write(fd, b"host file\n")
    os.close(fd)
    host_pids = set()
    try:
        for _ in range(3):
            for cmd in (["cat", path], ["/bin/true"]):
                p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
                host_pids.add(p.pid)
                assert p.wait(timeout=10) == 0
        # a container event after the host activity: the agent has caught up
        c.exec("cat", "/mnt/test.txt")
        agent.wait_for(lambda e: is_open(e, c), what="marker event")
        evs = settle(agent)
    finally:
        os.unlink(path)
    base = os.path.basename(path)
    for e in evs:
        assert re.fullmatch(r"[0-9a-f]{64}", str(e.get("container_id"))), e
        assert e.get("filename") != base, e
        assert e.get("host_pid") not in host_pids, e
        assert e.get("host_ppid") != os.getpid(), e


@pytest.mark.parametrize("mode", ["tracepoint", "tp_btf", "raw_tp"])
def test_attach_modes_same_fields(container, start_agent, mode):
    """Every attach mode this kernel loads (fentry/kprobe: tests/vm) reports a
    container's relative openat with its fields, an execve with argv, and
    nothing of a host process doing the same."""
    agent = start_agent("--attach", mode)
    assert "attach=%s" % mode in agent.stderr_text()
    c = container()
    subprocess.run(["cat", "/etc/hostname"], stdout=subprocess.DEVNULL, check=True)
    c.exec("cat", "test.txt", workdir="/mnt")
    ev = agent.wait_for(lambda e: is_open(e, c) and e.get("comm") == "cat",
                        what="openat of test.txt relative to /mnt (%s)" % mode)
    assert_container_fields(ev, c)
    assert ev["ret"] >= 0
    c.exec("ls", "/mnt")
    ev = agent.wait_for(lambda e: is_exec(e, c, ["ls", "/mnt"]),
                        what="execve of ls /mnt (%s)" % mode)
    assert_container_fields(ev, c)
    assert ev["exe"] == "/bin/busybox" and ev["filename"] == "ls" and ev["ret"] == 0
    for e in agent.events():
        assert e.get("filename") != "hostname" or e.get("container_id"), e


# --------------------------------------------------------------------------
# 9. command line

def cactus(*args, timeout=30, **kw):
    return subprocess.run([str(CACTUS), *args], cwd=REPO, capture_output=True,
                          text=True, timeout=timeout, **kw)


@pytest.mark.parametrize("args,needles", [
    (["monitor", "--category", "bogus"], ["file", "network"]),
    (["monitor", "--syscall", "bogus_syscall"], ["openat", "execve"]),
    (["monitor", "--output", "xml"], []),
    (["monitor", "--no-such-option"], []),
], ids=["category", "syscall", "output", "option"])
def test_bad_arguments_exit_2(args, needles):
    cp = cactus(*args)
    assert cp.returncode == 2, cp
    assert cp.stderr.strip(), "no message on stderr"
    for n in needles:
        assert n in cp.stderr.lower(), (n, cp.stderr)
    assert cp.stdout.strip() == "", "stdout must carry only events"


def test_non_root_exits_1():
    cp = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534",
                         "--clear-groups", str(CACTUS), "monitor"],
                        cwd=REPO, capture_output=True, text=True, timeout=30)
    assert cp.returncode == 1, cp
    assert "root" in cp.stderr or "CAP_" in cp.stderr, cp.stderr


@pytest.mark.parametrize("args", [["--help"], ["monitor", "--help"]],
                         ids=["top", "monitor"])
def test_help(args):
    cp = cactus(*args)
    assert cp.returncode == 0, cp
    assert "usage" in cp.stdout.lower(), cp.stdout
    assert "monitor" in cp.stdout, cp.stdout


@pytest.mark.parametrize("by", ["name", "id"])
def test_container_filter(container, start_agent, by):
    a, b = container(), container()
    agent = start_agent("--container", a.name if by == "name" else a.id)
    b.exec("cat", "/mnt/test.txt")     # before a's activity: would show up
    a.exec("cat", "/mnt/test.txt")
    agent.wait_for(lambda e: is_open(e, a), what=f"openat in {a.name}")
    for e in settle(agent):
        assert e["container_id"] == a.id, e
        assert e["container_name"] == a.name, e


def test_k8s_namespace_filter(container, start_agent):
    plain = container()
    k = k8s_container(container)
    agent = start_agent("--k8s-namespace", "default")
    plain.exec("cat", "/mnt/test.txt")
    k.exec("cat", "/mnt/test.txt")
    agent.wait_for(lambda e: is_open(e, k), what="openat in the k8s container")
    for e in settle(agent):
        assert e["k8s_namespace"] == "default", e
        assert e["container_id"] != plain.id, e


def test_syscall_filter(container, start_agent):
    c = container()
    agent = start_agent("--syscall", "openat")
    c.exec("cat", "/mnt/test.txt")     # execve + openat
    agent.wait_for(lambda e: is_open(e, c), what="openat of /mnt/test.txt")
    for e in settle(agent):
        assert e["syscall"] == "openat", e


def test_category_filter(container, start_agent):
    c = container()
    agent = start_agent("--category", "process,signal")
    c.exec("sh", "-c", "cat /mnt/test.txt; sleep 100 & sleep 0.5; "
           "kill -TERM $!")
    agent.wait_for(lambda e: c.owns(e) and e.get("syscall") == "kill",
                   what="kill event")
    agent.wait_for(lambda e: is_exec(e, c, ["cat", "/mnt/test.txt"]),
                   what="execve of cat")
    for e in settle(agent):
        assert e["category"] in ("Process Manage", "Signal Handling"), e


# --------------------------------------------------------------------------
# 10. syscalls refused by docker's seccomp profile are still reported

@pytest.mark.parametrize("flag", ["-m", "-U"])
def test_seccomp_refused_unshare(container, agent, flag):
    c = container()
    cp = c.exec("unshare", flag, "true", check=False)
    assert cp.returncode != 0, "unshare succeeded inside the container?"
    ev = agent.wait_for(lambda e: c.owns(e) and e.get("syscall") == "unshare"
                        and e.get("comm") == "unshare",
                        what=f"unshare {flag} event")
    assert_container_fields(ev, c)
    assert ev["category"] == "Namespace & Mount"
    assert ev["ret"] < 0
    assert ev["ret"] == -1, "EPERM expected"


# --------------------------------------------------------------------------
# 11. cactus containers

def test_containers_json(container):
    plain = container()
    k = k8s_container(container)
    cp = cactus("containers", "--output", "json")
    assert cp.returncode == 0, cp
    listed = json.loads(cp.stdout)
    assert isinstance(listed, list), listed
    by_id = {x.get("id"): x for x in listed}
    for c in (plain, k):
        assert c.id in by_id, (c, listed)
        x = by_id[c.id]
        assert x["runtime"] == "docker", x
        assert x["name"] == c.name, x
        assert x["image"] == IMAGE, x
        assert x["init_pid"] == c.pid, x
        assert x["pid_ns"] == c.pid_ns, x
        assert x["mnt_ns"] == c.mnt_ns, x
    assert by_id[k.id]["k8s_namespace"] == "default"
    assert by_id[k.id]["k8s_pod"] == k.pod
    assert by_id[plain.id]["k8s_namespace"] == ""
    assert by_id[plain.id]["k8s_pod"] == ""


def test_containers_table(container):
    c = container()
    cp = cactus("containers")
    assert cp.returncode == 0, cp
    line = [l for l in cp.stdout.splitlines() if c.name in l]
    assert len(line) == 1, cp.stdout
    assert c.id[:12] in line[0], line
    assert str(c.pid) in line[0], line


# --------------------------------------------------------------------------
# shutdown

@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM],
                         ids=["SIGINT", "SIGTERM"])
def test_shutdown_summary(container, start_agent, sig):
    c = container()
    agent = start_agent()
    c.exec("cat", "/mnt/test.txt")
    agent.wait_for(lambda e: is_open(e, c), what="openat of /mnt/test.txt")
    assert agent.stop(sig) == 0, agent.stderr
    low = agent.stderr.lower()
    assert "events" in low and "drops" in low, agent.stderr
    assert agent.proc.poll() == 0
