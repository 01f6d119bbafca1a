"""Fixtures for the cactus end-to-end tests.

These tests need root, a running docker daemon, the local image
cactus-busybox:latest (scripts/setup.sh builds it) and the agent binary
./cactus at the repository root.  When something is missing the tests are
skipped, unless CI=true, in which case they fail.

Environment:
  CI=true              missing prerequisites fail instead of skipping
  CACTUS_BIN           agent binary to run (default: <repo>/cactus)
  CACTUS_TEST_IMAGE    test image (default: cactus-busybox:latest)
"""

import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

import runtimes

REPO = Path(__file__).resolve().parents[2]
CACTUS = Path(os.environ.get("CACTUS_BIN", REPO / "cactus"))
IMAGE = os.environ.get("CACTUS_TEST_IMAGE", "cactus-busybox:latest")
# Debian 12 from debootstrap, in two layers (scripts/debian-image.sh)
DEBIAN_IMAGE = os.environ.get("CACTUS_DEBIAN_IMAGE", "cactus-debian:latest")
IN_CI = os.environ.get("CI") == "true"
PROGS = REPO / "tests" / "progs"    # test programs shared with tests/vm

READY_TIMEOUT = 30    # seconds for the "monitoring" line
WAIT_TIMEOUT = 10     # default seconds for one expected event
STOP_TIMEOUT = 20     # seconds for the agent to exit after SIGINT
DOCKER_TIMEOUT = 60   # seconds for one docker command

# Every container this session creates has this in its name, so that the
# session finalizer can remove leftovers even after a crash in a test.
SESSION_TAG = "cactus-test-" + secrets.token_hex(3)
# the same tag on the containers of every runtime (tests/e2e/runtimes.py)
runtimes.set_session_tag(SESSION_TAG)


# --------------------------------------------------------------------------
# small helpers

def run(cmd, check=True, timeout=DOCKER_TIMEOUT, **kw):
    """Run a command, capture text output, fail with its output on error."""
    try:
        cp = subprocess.run(cmd, capture_output=True, text=True,
                            timeout=timeout, **kw)
    except subprocess.TimeoutExpired as e:
        pytest.fail(f"command timed out after {timeout}s: {cmd}\n"
                    f"stdout: {e.stdout!r}\nstderr: {e.stderr!r}")
    if check and cp.returncode != 0:
        pytest.fail(f"command failed ({cp.returncode}): {cmd}\n"
                    f"stdout: {cp.stdout}\nstderr: {cp.stderr}")
    return cp


def docker(*args, check=True, timeout=DOCKER_TIMEOUT):
    return run(["docker", *args], check=check, timeout=timeout)


def ns_inode(pid, ns):
    """Inode of /proc/<pid>/ns/<ns>, as `readlink` shows it."""
    return os.stat(f"/proc/{pid}/ns/{ns}").st_ino


def nspid(host_pid):
    """The NSpid line of /proc/<pid>/status: [host pid, ..., innermost pid]."""
    with open(f"/proc/{host_pid}/status") as f:
        for line in f:
            if line.startswith("NSpid:"):
                return [int(x) for x in line.split()[1:]]
    raise AssertionError(f"no NSpid line for pid {host_pid}")


def host_ppid(pid):
    """PPid of a host pid, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("PPid:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            raw = f.read()
    except OSError:
        return None
    return [a.decode(errors="replace") for a in raw.split(b"\0")[:-1]]


def find_host_pids(pid_ns, argv):
    """Host pids of processes in pid namespace `pid_ns` whose argv is `argv`."""
    found = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            if ns_inode(d, "pid") != pid_ns:
                continue
        except OSError:
            continue
        if cmdline(d) == list(argv):
            found.append(int(d))
    return found


def wait_until(fn, timeout=WAIT_TIMEOUT, interval=0.1, what="condition"):
    """Poll fn() until it returns something truthy; return that value."""
    deadline = time.monotonic() + timeout
    while True:
        v = fn()
        if v:
            return v
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def build_prog(name, outdir):
    """tests/progs/<name>.c built static (it runs in the busybox image, and
    is `docker cp`-ed there) into outdir: the binary's path. Without gcc the
    test is skipped (failed under CI=true)."""
    gcc = shutil.which("gcc")
    if not gcc:
        msg = f"gcc is needed to build tests/progs/{name}.c"
        if IN_CI:
            pytest.fail(msg)
        pytest.skip(msg)
    out = Path(outdir) / name
    run([gcc, "-static", "-O2", "-Wall", "-Wextra", "-Werror", "-o", str(out),
         str(PROGS / f"{name}.c")])
    return out


def remove_session_containers():
    """Every container of this session, in every runtime (docker ones by
    name, the others by their cactus.session label or annotation)."""
    runtimes.remove_session_containers(SESSION_TAG)


# --------------------------------------------------------------------------
# session prerequisites

def pytest_configure(config):
    config.addinivalue_line(
        "markers", "restarts_daemons: stops and restarts dockerd and "
        "containerd; runs after every other test")
    config.addinivalue_line(
        "markers", "needs_procs: judges the process table's fields (issue 13); "
        "skipped while the agent does not print them")
    config.addinivalue_line(
        "markers", "needs_phase: needs the kernel's set-up phase (issue 13); "
        "skipped while the agent marks no event \"phase\": \"init\"")


def pytest_collection_modifyitems(config, items):
    """Tests that stop the daemons run last, so that no other test meets a
    daemon that is restarting (a stable sort keeps the order otherwise)."""
    items.sort(key=lambda it: it.get_closest_marker("restarts_daemons")
               is not None)

def _prereq_problems():
    problems = []
    if os.geteuid() != 0:
        problems.append("the e2e tests must run as root")
    if not (CACTUS.is_file() and os.access(CACTUS, os.X_OK)):
        problems.append(f"agent binary {CACTUS} is missing (run `make`)")
    try:
        cp = subprocess.run(["docker", "info", "--format",
                             "{{.ServerVersion}}"],
                            capture_output=True, text=True, timeout=30)
        if cp.returncode != 0:
            problems.append("docker daemon does not answer: "
                            + cp.stderr.strip())
        else:
            for image in (IMAGE, DEBIAN_IMAGE):
                cp = subprocess.run(["docker", "image", "inspect", image],
                                    capture_output=True, text=True, timeout=30)
                if cp.returncode != 0:
                    problems.append(f"docker image {image} is missing "
                                    "(run scripts/setup.sh)")
    except (OSError, subprocess.TimeoutExpired) as e:
        problems.append(f"docker is not usable: {e}")
    return problems


@pytest.fixture(scope="session", autouse=True)
def e2e_env():
    """Check the prerequisites once; skip (or fail under CI=true)."""
    problems = _prereq_problems()
    if problems:
        msg = "e2e prerequisites missing: " + "; ".join(problems)
        if IN_CI:
            pytest.fail(msg, pytrace=False)
        pytest.skip(msg)
    yield
    remove_session_containers()


# --------------------------------------------------------------------------
# the agent

def parse_blocks(lines):
    """Parse `--output block` text into dicts, one per blank-line-separated
    block.  A line `Syscall: sys_openat, EventType: File Operation` gives the
    keys Syscall and EventType."""
    blocks, cur = [], {}
    for line in lines:
        if not line.strip():
            if cur:
                blocks.append(cur)
            cur = {}
            continue
        parts = re.split(r"(?:^|,\s+)([A-Z][A-Za-z0-9_]*):\s?", line.strip())
        # parts = ['', key1, val1, key2, val2, ...]
        if parts and parts[0] == "":
            for k, v in zip(parts[1::2], parts[2::2]):
                cur[k] = v.strip()
    if cur:
        blocks.append(cur)
    return blocks


class Agent:
    """A running `cactus monitor`; stdout and stderr are read by threads."""

    def __init__(self, args, output="json"):
        self.args = list(args)
        self.output = output
        self.cmd = [str(CACTUS), "monitor", "--output", output, *self.args]
        self._cv = threading.Condition()
        self._out = []          # stdout lines
        self._err = []          # stderr lines
        self._events = []       # parsed JSON syscall events (json output)
        self._lifecycle = []    # container_start / container_end records
        self._bad = []          # stdout lines that are not JSON objects
        self._closed = 0        # number of reader threads at EOF
        self.returncode = None
        self.stderr = ""
        self.proc = subprocess.Popen(self.cmd, cwd=REPO,
                                     stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        self._threads = [
            threading.Thread(target=self._read, args=(self.proc.stdout, True),
                             daemon=True),
            threading.Thread(target=self._read, args=(self.proc.stderr, False),
                             daemon=True),
        ]
        for t in self._threads:
            t.start()

    # -- reading
    def _read(self, stream, is_stdout):
        for raw in iter(stream.readline, b""):
            line = raw.decode("utf-8", errors="replace").rstrip("\n")
            with self._cv:
                if is_stdout:
                    self._out.append(line)
                    if self.output == "json" and line.strip():
                        try:
                            ev = json.loads(line)
                        except ValueError:
                            ev = None
                        if isinstance(ev, dict) and "type" in ev:
                            self._lifecycle.append(ev)
                        elif isinstance(ev, dict):
                            self._events.append(ev)
                        else:
                            self._bad.append(line)
                else:
                    self._err.append(line)
                self._cv.notify_all()
        with self._cv:
            self._closed += 1
            self._cv.notify_all()

    def stderr_text(self):
        with self._cv:
            return "\n".join(self._err)

    def stdout_lines(self):
        with self._cv:
            return list(self._out)

    def events(self):
        """Snapshot of the JSON events received so far."""
        with self._cv:
            return list(self._events)

    def lifecycle(self):
        """Snapshot of the container start/end records received so far."""
        with self._cv:
            return list(self._lifecycle)

    def blocks(self):
        """Snapshot of the `--output block` records received so far."""
        with self._cv:
            lines = list(self._out)
        return parse_blocks(lines)

    def _describe(self):
        with self._cv:
            tail = self._out[-15:]
            return (f"agent {' '.join(self.cmd)}\n"
                    f"exit code: {self.proc.poll()}\n"
                    f"{len(self._out)} stdout lines, last ones:\n  "
                    + "\n  ".join(tail)
                    + "\nstderr:\n  " + "\n  ".join(self._err[-30:]))

    def _wait(self, snapshot, predicate, timeout, what):
        deadline = time.monotonic() + timeout
        with self._cv:
            while True:
                for rec in snapshot():
                    if predicate(rec):
                        return rec
                if self.proc.poll() is not None and self._closed == 2:
                    break
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._cv.wait(min(left, 0.5))
        pytest.fail(f"no {what} within {timeout}s\n" + self._describe(),
                    pytrace=False)

    def wait_for(self, predicate, timeout=WAIT_TIMEOUT, what="matching event"):
        """Return the first JSON event for which predicate(event) is true."""
        return self._wait(lambda: self._events, predicate, timeout, what)

    def wait_for_lifecycle(self, predicate, timeout=WAIT_TIMEOUT,
                           what="matching lifecycle record"):
        """Return the first container_start/_end record matching."""
        return self._wait(lambda: self._lifecycle, predicate, timeout, what)

    def wait_for_block(self, predicate, timeout=WAIT_TIMEOUT,
                       what="matching block"):
        return self._wait(lambda: parse_blocks(self._out), predicate,
                          timeout, what)

    def wait_for_line(self, predicate, timeout=WAIT_TIMEOUT,
                      what="matching line"):
        return self._wait(lambda: self._out, predicate, timeout, what)

    def wait_ready(self, timeout=READY_TIMEOUT):
        deadline = time.monotonic() + timeout
        with self._cv:
            while not any("monitoring" in l for l in self._err):
                if self.proc.poll() is not None and self._closed == 2:
                    pytest.fail("agent exited before it was monitoring\n"
                                + self._describe(), pytrace=False)
                left = deadline - time.monotonic()
                if left <= 0:
                    pytest.fail(f"agent printed no 'monitoring' line within "
                                f"{timeout}s\n" + self._describe(),
                                pytrace=False)
                self._cv.wait(min(left, 0.5))

    # -- stopping
    def stop(self, sig=signal.SIGINT):
        """Send sig, wait, collect stderr; return the exit code."""
        if self.returncode is not None:
            return self.returncode
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            self.returncode = self.proc.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
            self.returncode = "hung"
        for t in self._threads:
            t.join(timeout=10)
        self.stderr = self.stderr_text()
        return self.returncode

    def check_clean_exit(self):
        """Assertions every agent run must satisfy after stop()."""
        rc = self.stop()
        assert rc == 0, (f"agent did not exit 0 after SIGINT "
                         f"(rc={rc})\n" + self._describe())
        low = self.stderr.lower()
        assert "events" in low and "drops" in low, (
            "no summary with 'events' and 'drops' on stderr after SIGINT\n"
            + self._describe())
        assert not self._bad, ("stdout lines that are not JSON objects:\n"
                               + "\n".join(self._bad[:10]))


@pytest.fixture
def start_agent():
    """Factory: start_agent(*extra_args, output="json") -> ready Agent.

    Teardown sends SIGINT to every agent still running and asserts that it
    exits 0 with a summary on stderr."""
    agents = []

    def start(*args, output="json"):
        a = Agent(args, output=output)
        agents.append(a)
        a.wait_ready()
        return a

    yield start
    errors = []
    for a in agents:
        was_stopped = a.returncode is not None
        try:
            if not was_stopped:
                a.check_clean_exit()
        except AssertionError as e:
            errors.append(str(e))
        finally:
            if a.proc.poll() is None:
                a.proc.kill()
    if errors:
        pytest.fail("\n\n".join(errors), pytrace=False)


@pytest.fixture
def agent(start_agent):
    """A `cactus monitor --output json` with no filters."""
    return start_agent()


# --------------------------------------------------------------------------
# containers

class Container:
    def __init__(self, name, cid, pid, labels):
        self.name = name
        self.id = cid
        self.pid = pid                      # host pid of the init process
        self.labels = labels
        self.pid_ns = ns_inode(pid, "pid")
        self.mnt_ns = ns_inode(pid, "mnt")

    def exec(self, *cmd, check=True, timeout=DOCKER_TIMEOUT, workdir=None):
        extra = ["-w", workdir] if workdir else []
        return docker("exec", *extra, self.name, *cmd, check=check,
                      timeout=timeout)

    def exec_detached(self, *cmd):
        docker("exec", "-d", self.name, *cmd)

    def owns(self, ev):
        return ev.get("container_id") == self.id

    def __repr__(self):
        return f"<Container {self.name} {self.id[:12]} pid={self.pid}>"


def unique(prefix=""):
    return f"{SESSION_TAG}-{prefix}{secrets.token_hex(3)}"


@pytest.fixture(scope="session")
def test_prog(tmp_path_factory):
    """Factory: test_prog(name) -> build_prog(name, ...) once per session."""
    built = {}
    d = tmp_path_factory.mktemp("progs")

    def build(name):
        if name not in built:
            built[name] = build_prog(name, d)
        return built[name]

    return build


@pytest.fixture
def container():
    """Factory: container(name=None, labels=None, cmd=..., image=IMAGE,
    opts=()) -> Container.

    Runs `docker run -d --network none [opts]` with `sleep 3600`; every container
    is removed (docker rm -f) at teardown, even when the test fails."""
    names = []

    def make(name=None, labels=None, cmd=("sleep", "3600"), image=IMAGE, opts=()):
        name = name or unique()
        assert name.startswith(("cactus-test-", "k8s_")), name
        labels = dict(labels or {})
        args = ["run", "-d", "--network", "none", "--name", name, *opts]
        for k, v in labels.items():
            args += ["--label", f"{k}={v}"]
        names.append(name)
        cid = docker(*args, image, *cmd).stdout.strip()
        assert re.fullmatch(r"[0-9a-f]{64}", cid), cid
        pid = int(docker("inspect", "-f", "{{.State.Pid}}", cid).stdout)
        assert pid > 0, f"container {name} is not running"
        return Container(name, cid, pid, labels)

    yield make
    if names:
        subprocess.run(["docker", "rm", "-f", *names], capture_output=True,
                       timeout=DOCKER_TIMEOUT)
