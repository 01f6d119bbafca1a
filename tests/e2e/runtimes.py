"""Short containers under every runtime the e2e tests cover, and their cleanup.

docker (`docker run`), containerd (`ctr run`, any namespace, optionally with
the annotations containerd's CRI plugin writes), podman (`podman run`) and
bare runc (`runc run` of a bundle from scripts/runc-bundle.sh, optionally
with CRI-O's annotations). No pytest in here: a runtime command that fails
raises RuntimeError with its output; a container's own exit status is
returned, not judged.

Every container gets the label (docker, podman, ctr) or OCI annotation
(runc) `cactus.session=<SESSION_TAG>`, and the names/ids the tests choose
carry SESSION_TAG too, so remove_session_containers() finds whatever a
session left behind, even after a crash. Every container runs without
network: `--network none` (docker, podman), ctr's default (a new network
namespace with only a loopback), runc's spec default (the same).

A container runs either in the foreground (the call returns when it has
exited, with its exit status and output) or in the background
(detach=True): the same foreground command under Popen, so that the
runtime's client still collects the exit status; the call returns once the
container's init process is known (Container.pid) and Container.wait()
gives the exit status.

Facts about this machine (Debian 12, hybrid cgroups, cgroupfs drivers) the
tests rely on, each checked by a test_infra_* test:
  docker    runc state in /run/docker/runtime-runc/moby, cgroup /docker/<id>
  ctr       runc state in /run/containerd/runc/<ns>, cgroup /<ns>/<id>
            unless --cgroup; annotations in the bundle's config.json
            /run/containerd/io.containerd.runtime.v2.task/<ns>/<id>/
  podman    runc state in /run/runc, cgroup /libpod_parent/libpod-<id>
  runc      runc state in /run/runc, cgroup as the bundle says
            (scripts/runc-bundle.sh: /cactus-test/<id>)
Each runtime's cgroup path exists in every v1 hierarchy and under the
cgroup2 mount (/sys/fs/cgroup/unified here).
"""

import json
import os
import secrets
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
IMAGE = os.environ.get("CACTUS_TEST_IMAGE", "cactus-busybox:latest")
CTR_IMAGE = "docker.io/library/" + IMAGE    # scripts/test-image.sh imports it so
PODMAN_IMAGE = "localhost/" + IMAGE         # podman load names it so
BUNDLE_SCRIPT = REPO / "scripts" / "runc-bundle.sh"
CTR_NAMESPACES = ("k8s.io", "default")
SESSION_LABEL = "cactus.session"
CMD_TIMEOUT = 60      # seconds for one runtime command
START_TIMEOUT = 30    # seconds for a background container's init to show
RUNTIMES = ("docker", "containerd", "podman", "runc")

# Set by the test session (conftest.SESSION_TAG) before any container runs.
SESSION_TAG = "cactus-test-" + secrets.token_hex(3)

_lock = threading.Lock()
_made = []            # every Container of this session, for cleanup
_workdir = None       # bundles, cid files, logs of this session


def set_session_tag(tag):
    global SESSION_TAG
    SESSION_TAG = tag


def workdir():
    """This session's scratch directory (bundles, cid files, logs)."""
    global _workdir
    with _lock:
        if _workdir is None:
            _workdir = tempfile.mkdtemp(prefix=f"{SESSION_TAG}-")
        return _workdir


def hex_id():
    """A 64-hex id, as docker and the CRI plugins make."""
    return secrets.token_hex(32)


def pod_uid():
    """A pod uid as kubelet makes them (a UUID)."""
    h = secrets.token_hex(16)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


# --------------------------------------------------------------------------
# commands

def sh(cmd, check=True, timeout=CMD_TIMEOUT, **kw):
    """Run cmd (a list), capture text output; RuntimeError when it fails."""
    try:
        cp = subprocess.run(cmd, capture_output=True, text=True,
                            timeout=timeout, stdin=subprocess.DEVNULL, **kw)
    except subprocess.TimeoutExpired as e:
        raise RuntimeError(f"timed out after {timeout}s: {cmd}\n"
                           f"stdout: {e.stdout!r}\nstderr: {e.stderr!r}")
    if check and cp.returncode != 0:
        raise RuntimeError(f"failed ({cp.returncode}): {cmd}\n"
                           f"stdout: {cp.stdout}\nstderr: {cp.stderr}")
    return cp


def _quiet(cmd, timeout=CMD_TIMEOUT):
    """Run a cleanup command; failures (already gone) do not matter."""
    try:
        return subprocess.run(cmd, capture_output=True, text=True,
                              timeout=timeout, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired):
        return None


# --------------------------------------------------------------------------
# cgroups

def cgroup2_mount():
    """Where cgroup v2 is mounted: /sys/fs/cgroup/unified on a hybrid host,
    /sys/fs/cgroup on a pure v2 one (from /proc/self/mountinfo)."""
    with open("/proc/self/mountinfo") as f:
        for line in f:
            left, _, right = line.partition(" - ")
            if right.split()[0] == "cgroup2":
                return left.split()[4]
    raise RuntimeError("no cgroup2 mount in /proc/self/mountinfo")


def cgroup_of(pid):
    """The cgroup v2 path of a process ("0::" line), None when it is gone."""
    try:
        with open(f"/proc/{pid}/cgroup") as f:
            for line in f:
                if line.startswith("0::"):
                    return line[3:].strip()
    except OSError:
        pass
    return None


def cgroup_id(path):
    """A cgroup v2 directory's inode: what bpf_get_current_cgroup_id() says
    for its tasks. None when the directory is gone."""
    try:
        return os.stat(cgroup2_mount() + path).st_ino
    except OSError:
        return None


def ns_inode(pid, ns):
    try:
        return os.stat(f"/proc/{pid}/ns/{ns}").st_ino
    except OSError:
        return None


# --------------------------------------------------------------------------
# annotations of the kubernetes container runtimes

def cri_containerd_annotations(kind, sandbox_id, pod, namespace, uid,
                               container=None, image=None):
    """The annotations containerd's CRI plugin (1.6) puts in a pod sandbox's
    (kind "sandbox") or an app container's (kind "container") OCI spec."""
    assert kind in ("sandbox", "container"), kind
    a = {
        "io.kubernetes.cri.container-type": kind,
        "io.kubernetes.cri.sandbox-id": sandbox_id,
        "io.kubernetes.cri.sandbox-name": pod,
        "io.kubernetes.cri.sandbox-namespace": namespace,
        "io.kubernetes.cri.sandbox-uid": uid,
    }
    if kind == "sandbox":
        a["io.kubernetes.cri.sandbox-log-directory"] = \
            f"/var/log/pods/{namespace}_{pod}_{uid}"
    else:
        a["io.kubernetes.cri.container-name"] = container
        a["io.kubernetes.cri.image-name"] = image
    return a


def crio_annotations(kind, sandbox_id, container_id, pod, namespace, uid,
                     container=None, image=None):
    """The annotations CRI-O puts in a pod sandbox's (kind "sandbox") or an
    app container's (kind "container") OCI spec (the ones that name things;
    CRI-O writes more)."""
    assert kind in ("sandbox", "container"), kind
    cname = container if kind == "container" else "POD"
    a = {
        "io.kubernetes.cri-o.ContainerType": kind,
        "io.kubernetes.cri-o.ContainerID": container_id,
        "io.kubernetes.cri-o.SandboxID": sandbox_id,
        "io.kubernetes.cri-o.Name":
            f"k8s_{cname}_{pod}_{namespace}_{uid}_0",
        "io.kubernetes.pod.name": pod,
        "io.kubernetes.pod.namespace": namespace,
        "io.kubernetes.pod.uid": uid,
        "io.kubernetes.container.name": cname,
    }
    if kind == "container":
        a["io.kubernetes.cri-o.ImageName"] = image
    return a


# --------------------------------------------------------------------------
# containers

@dataclass
class Container:
    runtime: str              # the tool that ran it: docker|containerd|podman|runc
    id: str                   # as the runtime names it (docker/podman: 64 hex)
    name: str                 # docker/podman --name; the id for ctr and runc
    image: str                # image reference the runtime was given ("" for runc)
    ns: str = ""              # containerd namespace
    annotations: dict = field(default_factory=dict)
    cgroup_path: str = ""     # runc/ctr --cgroup given, "" for the default
    bundle: str = ""          # runc bundle directory
    proc: object = None       # Popen of the runtime's client (background runs)
    log: str = ""             # background runs: stdout+stderr file
    pid: int = 0              # background runs: host pid of the init process
    cgroup: str = ""          # background runs: cgroup v2 path, read from /proc
    cgroup_id: int = 0        # the tests fill these in while it runs
    pid_ns: int = 0
    mnt_ns: int = 0
    returncode: object = None  # the container's exit status, once it exited
    stdout: str = ""
    stderr: str = ""
    t_start: float = 0.0      # time.monotonic() around the run
    t_end: float = 0.0

    def wait(self, timeout=CMD_TIMEOUT):
        """Background runs: wait for the exit, return the exit status."""
        if self.proc is not None and self.returncode is None:
            try:
                self.returncode = self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                raise RuntimeError(f"{self} still running after {timeout}s")
            self.t_end = time.monotonic()
            with open(self.log, errors="replace") as f:
                self.stdout = f.read()
        return self.returncode

    def output(self):
        return self.stdout + self.stderr

    def __repr__(self):
        return (f"<{self.runtime} {self.ns + '/' if self.ns else ''}"
                f"{self.name} {self.id[:12]} pid={self.pid}>")


def _register(c):
    with _lock:
        _made.append(c)
    return c


def _cid_file(name):
    return os.path.join(workdir(), f"{name}.cid")


def _read_when(path, timeout=START_TIMEOUT, proc=None):
    """Contents of a file once something has written it (cid/pid files)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with open(path) as f:
                s = f.read().strip()
            if s:
                return s
        except OSError:
            pass
        if proc is not None and proc.poll() is not None:
            return None
        if time.monotonic() > deadline:
            return None
        time.sleep(0.01)


def _run(c, argv, detach, timeout, pid_of):
    """Run a container's foreground command, in the background if detach."""
    c.t_start = time.monotonic()
    if not detach:
        cp = sh(argv, check=False, timeout=timeout)
        c.t_end = time.monotonic()
        c.returncode, c.stdout, c.stderr = cp.returncode, cp.stdout, cp.stderr
        return c
    c.log = os.path.join(workdir(), f"{c.name}.log")
    with open(c.log, "w") as log:
        c.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                  stdout=log, stderr=subprocess.STDOUT)
    pid = pid_of(c)
    if not pid:
        rc = c.proc.poll()
        with open(c.log, errors="replace") as f:
            out = f.read()
        raise RuntimeError(f"{c}: no init process within {START_TIMEOUT}s "
                           f"(client exit status {rc}): {argv}\n{out}")
    c.pid = int(pid)
    c.cgroup = cgroup_of(c.pid) or ""
    return c


def _pid_from_inspect(tool):
    def pid_of(c):
        cid = _read_when(_cid_file(c.name), proc=c.proc)
        if not cid:
            return None
        c.id = cid
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline and c.proc.poll() is None:
            cp = _quiet([tool, "inspect", "-f", "{{.State.Pid}}", cid])
            if cp and cp.returncode == 0 and cp.stdout.strip() not in ("", "0"):
                return cp.stdout.strip()
            time.sleep(0.02)
        return None
    return pid_of


def _pid_file(c):
    return _read_when(os.path.join(workdir(), f"{c.name}.pid"), proc=c.proc)


def run_docker(name, cmd, detach=False, labels=None, timeout=CMD_TIMEOUT):
    """`docker run --network none --name NAME IMAGE sh -c CMD`; removed
    when done (--rm) unless detach (then remove() or the session cleanup
    removes it). Container.id is docker's 64-hex id."""
    cidfile = _cid_file(name)
    c = _register(Container("docker", "", name, IMAGE))
    argv = ["docker", "run", "--network", "none", "--name", name,
            "--cidfile", cidfile, "--label", f"{SESSION_LABEL}={SESSION_TAG}"]
    for k, v in (labels or {}).items():
        argv += ["--label", f"{k}={v}"]
    if not detach:
        argv.append("--rm")
    _run(c, argv + [IMAGE, "sh", "-c", cmd], detach, timeout,
         _pid_from_inspect("docker"))
    if not c.id:
        c.id = _read_when(cidfile, timeout=1) or ""
    return c


def run_podman(name, cmd, detach=False, timeout=CMD_TIMEOUT):
    """`podman run --network none --name NAME localhost/IMAGE sh -c CMD`
    (runc, see scripts/podman-conf.sh). Container.id is podman's 64-hex id."""
    cidfile = _cid_file(name)
    c = _register(Container("podman", "", name, PODMAN_IMAGE))
    argv = ["podman", "run", "--network", "none", "--name", name,
            "--cidfile", cidfile, "--label", f"{SESSION_LABEL}={SESSION_TAG}"]
    if not detach:
        argv.append("--rm")
    _run(c, argv + [PODMAN_IMAGE, "sh", "-c", cmd], detach, timeout,
         _pid_from_inspect("podman"))
    if not c.id:
        c.id = _read_when(cidfile, timeout=1) or ""
    return c


def run_ctr(ns, id, cmd, annotations={}, detach=False, cgroup=None,
            with_ns=(), timeout=CMD_TIMEOUT):
    """`ctr -n NS run --rm [--annotation k=v]... IMAGE ID sh -c CMD`:
    containerd's runc shim, no network (a new netns with a loopback only),
    cgroup /NS/ID unless cgroup is given; with_ns: ("network:/proc/P/ns/net",
    ...) joins existing namespaces, as a CRI app container joins its pod's.
    Container.name is the id (ctr has no names)."""
    c = _register(Container("containerd", id, id, CTR_IMAGE, ns=ns,
                            annotations=dict(annotations),
                            cgroup_path=cgroup or ""))
    argv = ["ctr", "-n", ns, "run", "--rm",
            "--label", f"{SESSION_LABEL}={SESSION_TAG}"]
    for k, v in annotations.items():
        argv += ["--annotation", f"{k}={v}"]
    if cgroup:
        argv += ["--cgroup", cgroup]
    for n in with_ns:
        argv += ["--with-ns", n]
    if detach:
        argv += ["--pid-file", os.path.join(workdir(), f"{id}.pid")]
    _run(c, argv + [CTR_IMAGE, id, "sh", "-c", cmd], detach, timeout,
         _pid_file)
    return c


_template_lock = threading.Lock()


def _bundle_template():
    """A bundle scripts/runc-bundle.sh made once per session; make_bundle()
    clones it (the script costs ~0.3 s of CPU, mostly copying the rootfs
    and starting runc spec, docker and python: too much for 200 containers
    on a small machine)."""
    with _template_lock:
        t = os.path.join(workdir(), "bundle-template")
        if not os.path.exists(os.path.join(t, "config.json")):
            sh(["bash", str(BUNDLE_SCRIPT), t, "true"])
        return t


def make_bundle(id, cmd, annotations={}, cgroup=None):
    """A runc bundle in this session's workdir: the template's config.json
    with what runc-bundle.sh's flags would set (args `sh -c CMD`,
    annotations plus the session label, cgroupsPath /cactus-test/ID unless
    cgroup is given), and a rootfs of hard links to the template's files
    (fresh directories, so files a container creates stay its own)."""
    t = _bundle_template()
    bundle = os.path.join(workdir(), f"bundle-{id}")
    os.mkdir(bundle)
    sh(["cp", "-al", os.path.join(t, "rootfs"), os.path.join(bundle, "rootfs")])
    with open(os.path.join(t, "config.json")) as f:
        spec = json.load(f)
    spec["process"]["args"] = ["sh", "-c", cmd]
    spec["annotations"] = {**annotations, SESSION_LABEL: SESSION_TAG}
    spec["linux"]["cgroupsPath"] = cgroup or f"/cactus-test/{id}"
    with open(os.path.join(bundle, "config.json"), "w") as f:
        json.dump(spec, f, indent=2)
    return bundle


def run_runc(id, cmd, annotations={}, detach=False, cgroup=None,
             timeout=CMD_TIMEOUT):
    """`runc run --bundle DIR ID` of a fresh bundle (make_bundle(): from
    scripts/runc-bundle.sh, the image's rootfs, a new network namespace with
    a loopback only, cgroup /cactus-test/ID unless cgroup is given, the
    annotations).
    Container.name is the id. The bundle is removed with the container."""
    bundle = make_bundle(id, cmd, annotations, cgroup)
    c = _register(Container("runc", id, id, "", annotations=dict(annotations),
                            cgroup_path=cgroup or f"/cactus-test/{id}",
                            bundle=bundle))
    argv = ["runc", "run", "--bundle", bundle]
    if detach:
        argv += ["--pid-file", os.path.join(workdir(), f"{id}.pid")]
    try:
        _run(c, argv + [id], detach, timeout, _pid_file)
    finally:
        if not detach:
            # `runc run` deletes the container when it exits by itself
            shutil.rmtree(bundle, ignore_errors=True)
    return c


RUNNERS = {
    "docker": lambda name, cmd, **kw: run_docker(name, cmd, **kw),
    "containerd": lambda name, cmd, **kw: run_ctr("default", name, cmd, **kw),
    "podman": lambda name, cmd, **kw: run_podman(name, cmd, **kw),
    "runc": lambda name, cmd, **kw: run_runc(name, cmd, **kw),
}


def run(runtime, name, cmd, **kw):
    """run_<runtime>(name, cmd) with defaults (ctr: namespace default)."""
    return RUNNERS[runtime](name, cmd, **kw)


# --------------------------------------------------------------------------
# removal

def _kill_client(c):
    if c.proc is not None and c.proc.poll() is None:
        try:
            c.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            c.proc.kill()
            c.proc.wait(timeout=10)


def _remove_ctr(ns, id):
    _quiet(["ctr", "-n", ns, "task", "kill", "-s", "SIGKILL", id])
    _quiet(["ctr", "-n", ns, "task", "delete", "-f", id])
    _quiet(["ctr", "-n", ns, "container", "delete", id])


def _remove_runc(id):
    _quiet(["runc", "kill", id, "KILL"])
    _quiet(["runc", "delete", "-f", id])


def remove(c):
    """Kill and remove one container, whatever its state; idempotent."""
    if c.proc is None and c.returncode is not None:
        return      # a foreground run that ended: --rm / `runc run` removed it
    if c.runtime == "docker":
        _quiet(["docker", "rm", "-f", c.id or c.name])
    elif c.runtime == "podman":
        _quiet(["podman", "rm", "-f", "-t", "0", c.id or c.name])
    elif c.runtime == "containerd":
        _quiet(["ctr", "-n", c.ns, "task", "kill", "-s", "SIGKILL", c.id])
        _kill_client(c)            # ctr run --rm deletes it on its own
        _remove_ctr(c.ns, c.id)
    elif c.runtime == "runc":
        _quiet(["runc", "kill", c.id, "KILL"])
        _kill_client(c)
        _remove_runc(c.id)
        if c.bundle:
            shutil.rmtree(c.bundle, ignore_errors=True)
    _kill_client(c)
    if c.returncode is None and c.proc is not None:
        c.returncode = c.proc.returncode


def checkpoint():
    """A mark for remove_made_since(): how many containers exist so far."""
    with _lock:
        return len(_made)


def remove_made_since(mark):
    """Remove the containers made after checkpoint() returned mark."""
    with _lock:
        todo = _made[mark:]
    for c in todo:
        remove(c)


def forget_all():
    """Forget every container made so far (they stay where they are), as a
    crashed session would: only their labels can find them then."""
    with _lock:
        _made.clear()


def _runc_session_ids(tag, root="/run/runc"):
    """Bare runc containers whose annotations carry this session's tag."""
    ids = []
    try:
        entries = os.listdir(root)
    except OSError:
        return ids
    for id in entries:
        try:
            with open(os.path.join(root, id, "state.json")) as f:
                labels = json.load(f).get("config", {}).get("labels") or []
        except (OSError, ValueError):
            continue
        if f"{SESSION_LABEL}={tag}" in labels:
            ids.append(id)
    return ids


def session_containers(tag=None):
    """What the runtimes still hold of this session: [(runtime, ns, id)]."""
    tag = tag or SESSION_TAG
    found = []
    label = f"label={SESSION_LABEL}={tag}"
    for tool in ("docker", "podman"):
        if shutil.which(tool):
            cp = _quiet([tool, "ps", "-aq", "--no-trunc", "--filter", label])
            if cp and cp.returncode == 0:
                found += [(tool, "", i) for i in cp.stdout.split()]
    if shutil.which("docker"):
        # conftest's containers carry the tag in their name, not the label
        cp = _quiet(["docker", "ps", "-aq", "--no-trunc", "--filter",
                     f"name={tag}"])
        if cp and cp.returncode == 0:
            found += [("docker", "", i) for i in cp.stdout.split()
                      if ("docker", "", i) not in found]
    if shutil.which("ctr"):
        for ns in CTR_NAMESPACES:
            cp = _quiet(["ctr", "-n", ns, "containers", "list", "-q",
                         f'labels."{SESSION_LABEL}"=={tag}'], timeout=15)
            if cp and cp.returncode == 0:
                found += [("containerd", ns, i) for i in cp.stdout.split()]
    found += [("runc", "", i) for i in _runc_session_ids(tag)]
    return found


def remove_session_containers(tag=None):
    """Remove every container this session made, in every runtime, whether
    this process still knows it or not; then the session's scratch files."""
    global _workdir
    tag = tag or SESSION_TAG
    with _lock:
        made = list(_made)
    for c in made:
        if c.proc is not None and c.proc.poll() is None:
            remove(c)
    for runtime, ns, id in session_containers(tag):
        if runtime == "docker":
            _quiet(["docker", "rm", "-f", id])
        elif runtime == "podman":
            _quiet(["podman", "rm", "-f", "-t", "0", id])
        elif runtime == "containerd":
            _remove_ctr(ns, id)
        elif runtime == "runc":
            _remove_runc(id)
    for c in made:
        _kill_client(c)
    with _lock:
        _made.clear()
        wd, _workdir = _workdir, None
    if wd:
        shutil.rmtree(wd, ignore_errors=True)
    _remove_cgroup_dirs()


def _remove_cgroup_dirs():
    """Empty cgroup directories runc leaves of the kubepods-style parents
    made for the tests (/cactus-test/kubepods/besteffort/pod<uid>), in every
    hierarchy; runc removes only a container's own directory. rmdir fails
    on a cgroup that still has tasks or children, so this is safe; the
    /cactus-test parent itself is kept."""
    try:
        with open("/proc/self/mountinfo") as f:
            mounts = [l.split(" - ")[0].split()[4] for l in f
                      if l.split(" - ")[1].split()[0] in ("cgroup", "cgroup2")]
    except OSError:
        return
    for m in mounts:
        top = os.path.join(m, "cactus-test", "kubepods")
        if not os.path.isdir(top):
            continue
        for root, dirs, _ in os.walk(top, topdown=False):
            for d in dirs:
                try:
                    os.rmdir(os.path.join(root, d))
                except OSError:
                    pass
        try:
            os.rmdir(top)
        except OSError:
            pass


# --------------------------------------------------------------------------
# prerequisites

def problems(runtime):
    """What is missing to run containers under runtime: [] when nothing."""
    p = []
    tools = {"docker": ["docker"], "containerd": ["containerd", "ctr"],
             "podman": ["podman"], "runc": ["runc", "docker"]}[runtime]
    for t in tools:
        if not shutil.which(t):
            p.append(f"{t} is not installed (run scripts/setup.sh)")
    if p:
        return p
    if runtime in ("docker", "runc"):
        cp = _quiet(["docker", "image", "inspect", IMAGE], timeout=30)
        if not cp or cp.returncode != 0:
            p.append(f"docker image {IMAGE} is missing (run scripts/setup.sh)")
    elif runtime == "containerd":
        cp = _quiet(["ctr", "--connect-timeout", "2s", "version"], timeout=30)
        if not cp or cp.returncode != 0:
            p.append("containerd does not answer on "
                     "/run/containerd/containerd.sock (scripts/containerd-up.sh)")
        else:
            for ns in CTR_NAMESPACES:
                cp = _quiet(["ctr", "-n", ns, "images", "list", "-q",
                             f"name=={CTR_IMAGE}"], timeout=30)
                if not cp or CTR_IMAGE not in cp.stdout.split():
                    p.append(f"containerd namespace {ns} lacks {CTR_IMAGE} "
                             "(scripts/test-image.sh)")
    elif runtime == "podman":
        cp = _quiet(["podman", "image", "exists", PODMAN_IMAGE], timeout=30)
        if not cp or cp.returncode != 0:
            p.append(f"podman lacks {PODMAN_IMAGE} (scripts/test-image.sh)")
        cp = _quiet(["podman", "info", "--format",
                     "{{.Host.OCIRuntime.Name}}"], timeout=30)
        if not cp or cp.stdout.strip() != "runc":
            p.append("podman does not use runc (scripts/podman-conf.sh)")
    return p


def pids_of_name(name):
    """Pids whose /proc/<pid>/comm is name (for daemons: dockerd, containerd)."""
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/comm") as f:
                    if f.read().strip() == name:
                        out.append(int(d))
            except OSError:
                pass
    return out


def standalone_containerd_pids():
    """containerd processes that are not docker's (those run with
    --config /var/run/docker/containerd/containerd.toml)."""
    out = []
    for pid in pids_of_name("containerd"):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                argv = f.read().split(b"\0")
        except OSError:
            continue
        if not any(b"/docker/" in a for a in argv):
            out.append(pid)
    return out


def wait_gone(pid, timeout=30):
    deadline = time.monotonic() + timeout
    while os.path.exists(f"/proc/{pid}"):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def stop_daemon(pid, timeout=30):
    """SIGTERM a daemon, SIGKILL it after timeout; True when gone."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return True
    if wait_gone(pid, timeout):
        return True
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return True
    return wait_gone(pid, 10)


def up_script(name):
    """Run scripts/<name> (docker-up.sh, containerd-up.sh); its result."""
    return sh(["bash", str(REPO / "scripts" / name)], check=False,
              timeout=120)

