"""Containers of every runtime (issue 12): docker, containerd (plain `ctr`
and with containerd's CRI annotations), podman, CRI-O (its annotations on a
bare runc bundle) and bare runc, against the agent's lifecycle output.

test_infra_* need no agent: they show that each runtime really runs the
container, that it really does its syscall (its output and exit status),
without network, in the cgroup the agent will see, and that the session
cleanup leaves nothing behind. The other tests run `cactus monitor --output
json` and assert, besides the syscall events, its lifecycle lines:

  {"type": "container_start", "time", identity..., "k8s_sandbox", "existing",
   "init_pid", "pid_ns", "mnt_ns", "cgroup", "cgroup_id"}
  {"type": "container_end", "time", identity..., "exit_code", "exit_signal",
   "events", "drops", "alerts", "kills", "denies", "per_category"}

where identity is container_id, container_name, image, runtime, k8s_namespace,
k8s_pod, k8s_pod_uid, k8s_container (syscall events carry it too). conftest's
Agent keeps lifecycle lines apart: agent.lifecycle(), wait_for_lifecycle().

Container commands start with a short sleep where the test reads the
container's init pid, namespaces and cgroup from /proc before the container
does the syscall the test waits for.
"""

import concurrent.futures
import errno
import json
import os
import re
import subprocess
import threading
import time

import pytest

import runtimes as rt
from conftest import CACTUS, IN_CI, SESSION_TAG, unique, wait_until

IDENTITY = ("container_id", "container_name", "image", "runtime",
            "k8s_namespace", "k8s_pod", "k8s_pod_uid", "k8s_container")
NONEMPTY = object()       # expected value: any non-empty string
LIFECYCLE_TIMEOUT = 20    # seconds for a container_start/container_end line
HEX64 = re.compile(r"[0-9a-f]{64}")
TIME_RE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}(Z|[+-]\d\d:\d\d)")
OPEN_CMD = "sleep 2; cat /mnt/test.txt >/dev/null; exit 3"

_problems = {}


def require(*names):
    """Fail (CI=true) or skip unless every named runtime can run containers."""
    probs = []
    for n in names:
        if n not in _problems:
            _problems[n] = rt.problems(n)
        probs += _problems[n]
    if probs:
        msg = "runtime prerequisites missing: " + "; ".join(probs)
        if IN_CI:
            pytest.fail(msg, pytrace=False)
        pytest.skip(msg)


@pytest.fixture(autouse=True)
def remove_test_containers():
    """Every container a test made is removed when it ends, pass or fail."""
    mark = rt.checkpoint()
    yield
    rt.remove_made_since(mark)


def name(prefix):
    """A container name/id carrying the session tag (runtimes' cleanup)."""
    return unique(prefix)


# --------------------------------------------------------------------------
# what the agent says

def is_start(ev, c):
    return ev.get("type") == "container_start" and ev.get("container_id") == c.id


def is_end(ev, c):
    return ev.get("type") == "container_end" and ev.get("container_id") == c.id


def is_syscall(ev):
    return "syscall" in ev


def is_file(ev, dirname, filename):
    return (is_syscall(ev) and ev.get("dirname") == dirname
            and ev.get("filename") == filename)


def is_open_test_txt(ev, c):
    return (ev.get("container_id") == c.id and ev.get("syscall") == "openat"
            and is_file(ev, "/mnt", "test.txt"))


def expected_identity(c, **over):
    """The identity fields every line about container c must carry."""
    want = {
        "container_id": c.id,
        "container_name": c.name,
        "image": c.image,
        "runtime": c.runtime,
        "k8s_namespace": "", "k8s_pod": "", "k8s_pod_uid": "",
        "k8s_container": "",
    }
    want.update(over)
    return want


def assert_identity(ev, want):
    for k in IDENTITY:
        assert k in ev, f"no {k!r} in {ev}"
        if want[k] is NONEMPTY:
            assert isinstance(ev[k], str) and ev[k], (k, ev)
        else:
            assert ev[k] == want[k], f"{k}: {ev[k]!r} != {want[k]!r} in {ev}"


def assert_int(ev, k):
    assert isinstance(ev.get(k), int) and not isinstance(ev[k], bool), (k, ev)


def assert_start_line(ev, c, want, existing=False, sandbox=False):
    """container_start of a container the test ran in the background (so
    c.pid and c.cgroup were read from /proc while it ran)."""
    assert_identity(ev, want)
    assert TIME_RE.fullmatch(ev.get("time", "")), ev
    assert "syscall" not in ev, ev
    assert ev["existing"] is existing, ev
    assert ev["k8s_sandbox"] is sandbox, ev
    assert ev["init_pid"] == c.pid, (ev, c)
    assert ev["pid_ns"] == c.pid_ns and ev["mnt_ns"] == c.mnt_ns, (ev, c)
    assert ev["cgroup"] == c.cgroup, (ev, c.cgroup)
    assert ev["cgroup_id"] == c.cgroup_id, (ev, c.cgroup_id)


def assert_end_line(ev, want, exit_code=None, exit_signal=None,
                    min_events=1, file_ops=1):
    assert_identity(ev, want)
    assert TIME_RE.fullmatch(ev.get("time", "")), ev
    assert "syscall" not in ev, ev
    assert ev["exit_code"] == exit_code, ev
    assert ev["exit_signal"] == exit_signal, ev
    for k in ("events", "drops", "alerts", "kills", "denies"):
        assert_int(ev, k)
    assert ev["events"] >= min_events, ev
    assert ev["drops"] == 0 and ev["kills"] == 0 and ev["denies"] == 0, ev
    pc = ev["per_category"]
    assert isinstance(pc, dict), ev
    assert all(isinstance(v, int) and v >= 0 for v in pc.values()), ev
    assert pc.get("File Operation", 0) >= file_ops, ev
    assert sum(pc.values()) == ev["events"], ev


def assert_event(ev, c, want):
    """A syscall event of container c (run in the background)."""
    assert_identity(ev, want)
    assert ev["pid_ns"] == c.pid_ns and ev["mnt_ns"] == c.mnt_ns, (ev, c)


def started(c):
    """Fill in what the agent should report of a background container,
    read from /proc while its init runs."""
    c.pid_ns = rt.ns_inode(c.pid, "pid")
    c.mnt_ns = rt.ns_inode(c.pid, "mnt")
    c.cgroup_id = rt.cgroup_id(c.cgroup)
    assert c.pid_ns and c.mnt_ns and c.cgroup and c.cgroup_id, \
        f"{c} ended before the test could read /proc (too slow?)"
    assert c.pid_ns != rt.ns_inode(os.getpid(), "pid"), c
    return c


def run_open_and_check(agent, c, want, exit_code=3, sandbox=False):
    """c runs OPEN_CMD in the background: its openat event, its start line
    (fields from /proc) and its end line (exit status 3)."""
    started(c)
    ev = agent.wait_for(lambda e: is_open_test_txt(e, c),
                        what=f"openat of /mnt/test.txt in {c}")
    assert_event(ev, c, want)
    assert c.wait() == exit_code, c.output()
    st = agent.wait_for_lifecycle(lambda e: is_start(e, c), timeout=LIFECYCLE_TIMEOUT,
                        what=f"container_start of {c}")
    assert_start_line(st, c, want, sandbox=sandbox)
    end = agent.wait_for_lifecycle(lambda e: is_end(e, c), timeout=LIFECYCLE_TIMEOUT,
                         what=f"container_end of {c}")
    n = sum(1 for e in agent.events()
            if is_syscall(e) and e.get("container_id") == c.id)
    assert_end_line(end, want, exit_code=exit_code, min_events=n)
    assert st["time"] < ev["time"] < end["time"], (st, ev, end)
    return ev, st, end


# --------------------------------------------------------------------------
# infrastructure, no agent

EXPECTED_CGROUP = {
    "docker": lambda c: f"/docker/{c.id}",
    "containerd": lambda c: c.cgroup_path or f"/{c.ns}/{c.id}",
    "podman": lambda c: f"/libpod_parent/libpod-{c.id}",
    "runc": lambda c: c.cgroup_path,
}
PROBE = ("cat /mnt/test.txt; sed -n 's/^0:://p' /proc/self/cgroup; "
         "ls /sys/class/net; readlink /proc/self/ns/net; exit 3")


@pytest.mark.parametrize("runtime", rt.RUNTIMES)
def test_infra_runs_container(runtime):
    """Foreground: the container runs its command (output, exit status 3),
    in the runtime's cgroup, with a network namespace of its own holding
    only a loopback."""
    require(runtime)
    c = rt.run(runtime, name(f"infra-{runtime}-"), PROBE)
    assert c.returncode == 3, c.output()
    lines = c.stdout.splitlines()
    assert lines[0] == "cactus test file", c.output()
    assert lines[1] == EXPECTED_CGROUP[runtime](c), (lines, c)
    assert lines[2:-1] == ["lo"], c.output()
    assert lines[-1] != os.readlink("/proc/self/ns/net"), \
        f"{c} shares the host's network namespace"
    if runtime in ("docker", "podman"):
        assert HEX64.fullmatch(c.id), c
    else:
        assert c.id == c.name and SESSION_TAG in c.id, c
    assert c.t_end - c.t_start < 30, c


@pytest.mark.parametrize("runtime", rt.RUNTIMES)
def test_infra_background_container(runtime):
    """Background: the init pid is known while it runs, its cgroup is the
    runtime's and exists under the cgroup2 mount, the exit status comes back."""
    require(runtime)
    c = rt.run(runtime, name(f"infra-bg-{runtime}-"),
               "sleep 1; cat /mnt/test.txt; exit 4", detach=True)
    started(c)
    assert c.cgroup == EXPECTED_CGROUP[runtime](c), c
    assert os.path.isdir(rt.cgroup2_mount() + c.cgroup), c
    assert c.wait() == 4, c.output()
    assert "cactus test file" in c.stdout, c.output()


def test_infra_cgroup2_mount():
    m = rt.cgroup2_mount()
    assert os.path.isfile(os.path.join(m, "cgroup.procs")), m
    assert m in ("/sys/fs/cgroup", "/sys/fs/cgroup/unified"), m


def test_infra_ctr_cri_pod():
    """A CRI-style pod with ctr: the sandbox's and the app container's
    annotations are in the OCI config runc got; the app container shares
    the sandbox's network namespace; both in the kubepods-style cgroups."""
    require("containerd")
    pod = pod_names()
    sb = rt.run_ctr("k8s.io", pod["sandbox_id"], "sleep 30",
                    annotations=pod["sandbox_ann"], detach=True,
                    cgroup=pod["sandbox_cgroup"])
    app = rt.run_ctr("k8s.io", pod["app_id"], "sleep 1; cat /mnt/test.txt",
                     annotations=pod["app_ann"], detach=True,
                     cgroup=pod["app_cgroup"],
                     with_ns=[f"network:/proc/{sb.pid}/ns/net"])
    for c, ann, cg in ((sb, pod["sandbox_ann"], pod["sandbox_cgroup"]),
                       (app, pod["app_ann"], pod["app_cgroup"])):
        assert c.cgroup == cg, c
        task = f"/run/containerd/io.containerd.runtime.v2.task/k8s.io/{c.id}"
        with open(f"{task}/config.json") as f:
            spec = json.load(f)
        for k, v in ann.items():
            assert spec["annotations"].get(k) == v, (k, spec["annotations"])
        with open(f"/run/containerd/runc/k8s.io/{c.id}/state.json") as f:
            labels = json.load(f)["config"]["labels"]
        for k, v in ann.items():
            assert f"{k}={v}" in labels, (k, labels)
    assert rt.ns_inode(app.pid, "net") == rt.ns_inode(sb.pid, "net")
    assert rt.ns_inode(app.pid, "pid") != rt.ns_inode(sb.pid, "pid")
    assert app.wait() == 0, app.output()
    assert "cactus test file" in app.stdout


def test_infra_runc_crio_annotations():
    """A bare runc bundle with CRI-O's annotations: runc's state carries
    them (that is where the agent can read them)."""
    require("runc")
    pod = pod_names()
    ann = rt.crio_annotations("container", pod["sandbox_id"], pod["app_id"],
                              pod["pod"], pod["namespace"], pod["uid"],
                              container="app", image=pod["image"])
    c = rt.run_runc(pod["app_id"], "sleep 1; cat /mnt/test.txt",
                    annotations=ann, detach=True,
                    cgroup=crio_cgroup(pod["uid"], pod["app_id"]))
    with open(f"/run/runc/{c.id}/state.json") as f:
        labels = json.load(f)["config"]["labels"]
    for k, v in ann.items():
        assert f"{k}={v}" in labels, (k, labels)
    assert f"cactus.session={SESSION_TAG}" in labels, labels
    assert c.cgroup == crio_cgroup(pod["uid"], pod["app_id"]), c
    assert c.wait() == 0, c.output()


def test_infra_bundle_script(tmp_path):
    """scripts/runc-bundle.sh: a bundle runc runs as is, with the command,
    annotations and cgroup of its flags, no terminal, a writable root and
    the spec's own new network namespace."""
    require("runc")
    id = name("bundle-")
    bundle = tmp_path / "b"
    rt.sh(["bash", str(rt.BUNDLE_SCRIPT), "--id", id, "--annotation", "a=b",
           "--annotation", f"cactus.session={SESSION_TAG}",
           "--annotation", "c=d=e", str(bundle), "sh", "-c",
           "touch /tmp/x && sed -n 's/^0:://p' /proc/self/cgroup"])
    spec = json.loads((bundle / "config.json").read_text())
    assert spec["process"]["terminal"] is False
    assert spec["process"]["args"] == [
        "sh", "-c", "touch /tmp/x && sed -n 's/^0:://p' /proc/self/cgroup"]
    assert spec["annotations"] == {"a": "b", "c": "d=e",
                                   "cactus.session": SESSION_TAG}
    assert spec["linux"]["cgroupsPath"] == f"/cactus-test/{id}"
    assert {"type": "network"} in spec["linux"]["namespaces"]
    assert spec["root"]["readonly"] is False
    assert (bundle / "rootfs" / "mnt" / "test.txt").is_file()
    cp = rt.sh(["runc", "run", "--bundle", str(bundle), id], check=False)
    assert cp.returncode == 0, cp.stderr
    assert cp.stdout.strip() == f"/cactus-test/{id}", cp.stdout
    assert (bundle / "rootfs" / "tmp" / "x").is_file()
    assert id not in rt.sh(["runc", "list", "-q"]).stdout.split()


def test_infra_thirty_in_parallel():
    """30 containers of 4 runtimes started at once: each runs, exits 0 and
    creates its own file."""
    require(*rt.RUNTIMES)
    cs = run_mix(MIX_30, "par")
    for c in cs:
        assert c.returncode == 0, (c, c.output())
        assert f"/tmp/{c.name}" in c.stdout, (c, c.output())


def test_infra_sequential_ns_reuse():
    """Containers run one after another get namespace inode numbers the
    kernel has handed out before (what the agent must not be fooled by)."""
    require(*rt.RUNTIMES)
    cs = run_sequence(2, "seq-infra")
    seen = {}
    for c in cs:
        assert c.returncode == 0, (c, c.output())
        pid_ns, mnt_ns = c.stdout.split()[-2:]
        seen.setdefault(pid_ns, []).append(c.name)
        seen.setdefault(mnt_ns, []).append(c.name)
    assert any(len(v) > 1 for v in seen.values()), seen


def test_infra_session_cleanup():
    """remove_session_containers() removes what a session left running in
    every runtime, even containers this process no longer tracks."""
    require(*rt.RUNTIMES)
    tag = f"{SESSION_TAG}-cleanup"
    rt.set_session_tag(tag)
    try:
        cs = [rt.run(r, f"{tag}-{r}", "sleep 300", detach=True)
              for r in rt.RUNTIMES]
        pod = pod_names(prefix=tag)
        cs.append(rt.run_ctr("k8s.io", pod["sandbox_id"], "sleep 300",
                             annotations=pod["sandbox_ann"], detach=True,
                             cgroup=pod["sandbox_cgroup"]))
        pids = [c.pid for c in cs]
        assert len(rt.session_containers(tag)) == len(cs), \
            rt.session_containers(tag)
        rt.forget_all()           # as after a crash: only the labels remain
        rt.remove_session_containers(tag)
        assert rt.session_containers(tag) == []
        for pid in pids:
            assert rt.wait_gone(pid, 10), f"pid {pid} still runs"
        for c in cs:
            if c.proc is not None:
                c.proc.wait(timeout=20)
        assert not os.path.exists(rt.cgroup2_mount() + pod["sandbox_cgroup"])
    finally:
        rt.set_session_tag(SESSION_TAG)


# --------------------------------------------------------------------------
# pods

def pod_names(prefix=None):
    """Names, ids, annotations and cgroups of one pod: a sandbox and an app
    container, as kubelet + containerd's CRI plugin would make them
    (64-hex ids, cgroupfs driver's /kubepods/besteffort/pod<uid>/<id>,
    under /cactus-test so that nothing else is touched)."""
    pod = f"{prefix or SESSION_TAG}-pod-{os.urandom(3).hex()}"
    uid = rt.pod_uid()
    sandbox_id, app_id = rt.hex_id(), rt.hex_id()
    image = "cactus.example/fig12/app:v1"   # not the ctr image: its source shows
    base = f"/cactus-test/kubepods/besteffort/pod{uid}"
    return {
        "pod": pod, "namespace": "default", "uid": uid, "image": image,
        "sandbox_id": sandbox_id, "app_id": app_id,
        "sandbox_cgroup": f"{base}/{sandbox_id}",
        "app_cgroup": f"{base}/{app_id}",
        "sandbox_ann": rt.cri_containerd_annotations(
            "sandbox", sandbox_id, pod, "default", uid),
        "app_ann": rt.cri_containerd_annotations(
            "container", sandbox_id, pod, "default", uid,
            container="ubuntu-container1", image=image),
    }


def crio_cgroup(uid, id):
    """CRI-O's cgroupfs layout (systemd would say crio-<id>.scope)."""
    return f"/cactus-test/kubepods/besteffort/pod{uid}/crio-{id}"


# --------------------------------------------------------------------------
# one container per runtime

def test_containerd_cri_pod_fig12(start_agent):
    """The paper's Fig 12 under containerd's CRI: the app container of a pod
    opens /mnt/test.txt; its events and lines carry the pod's metadata from
    the CRI annotations; the sandbox is reported as a sandbox and its end
    by SIGKILL."""
    require("containerd")
    agent = start_agent()
    pod = pod_names()
    sb = rt.run_ctr("k8s.io", pod["sandbox_id"], "sleep 60",
                    annotations=pod["sandbox_ann"], detach=True,
                    cgroup=pod["sandbox_cgroup"])
    app = rt.run_ctr("k8s.io", pod["app_id"], OPEN_CMD,
                     annotations=pod["app_ann"], detach=True,
                     cgroup=pod["app_cgroup"],
                     with_ns=[f"network:/proc/{sb.pid}/ns/net"])
    k8s = {"k8s_namespace": "default", "k8s_pod": pod["pod"],
           "k8s_pod_uid": pod["uid"]}
    want_app = expected_identity(app, container_name=NONEMPTY,
                                 image=pod["image"],
                                 k8s_container="ubuntu-container1", **k8s)
    ev, _, _ = run_open_and_check(agent, app, want_app)
    assert ev["runtime"] == "containerd" and ev["container_id"] == app.id

    started(sb)
    want_sb = expected_identity(sb, container_name=NONEMPTY, image=NONEMPTY,
                                **k8s)
    st = agent.wait_for_lifecycle(lambda e: is_start(e, sb), timeout=LIFECYCLE_TIMEOUT,
                        what="container_start of the sandbox")
    assert_start_line(st, sb, want_sb, sandbox=True)
    rt.remove(sb)
    end = agent.wait_for_lifecycle(lambda e: is_end(e, sb), timeout=LIFECYCLE_TIMEOUT,
                         what="container_end of the sandbox")
    assert_identity(end, want_sb)
    assert end["exit_code"] is None and end["exit_signal"] == "SIGKILL", end


def test_containerd_plain_ctr(start_agent):
    """`ctr -n default run` with no annotations: the image comes from
    containerd's API, the name is the ctr id."""
    require("containerd")
    agent = start_agent()
    c = rt.run_ctr("default", name("ctr-"), OPEN_CMD, detach=True)
    want = expected_identity(c, image=rt.CTR_IMAGE, runtime="containerd")
    assert want["container_name"] == c.id
    run_open_and_check(agent, c, want)


def test_podman_named(start_agent):
    require("podman")
    agent = start_agent()
    c = rt.run_podman(name("podman-"), OPEN_CMD, detach=True)
    assert HEX64.fullmatch(c.id), c
    want = expected_identity(c, image="localhost/" + rt.IMAGE,
                             runtime="podman")
    run_open_and_check(agent, c, want)


def test_runc_crio_annotations(start_agent):
    """A bare runc bundle carrying CRI-O's annotations stands for CRI-O."""
    require("runc")
    agent = start_agent()
    pod = pod_names()
    ann = rt.crio_annotations("container", pod["sandbox_id"], pod["app_id"],
                              pod["pod"], pod["namespace"], pod["uid"],
                              container="app", image=pod["image"])
    c = rt.run_runc(pod["app_id"], OPEN_CMD, annotations=ann, detach=True,
                    cgroup=crio_cgroup(pod["uid"], pod["app_id"]))
    want = expected_identity(c, runtime="cri-o", container_name=NONEMPTY,
                             image=pod["image"], k8s_namespace="default",
                             k8s_pod=pod["pod"], k8s_pod_uid=pod["uid"],
                             k8s_container="app")
    run_open_and_check(agent, c, want)


def test_runc_bare(start_agent):
    require("runc")
    agent = start_agent()
    c = rt.run_runc(name("runc-"), OPEN_CMD, detach=True)
    want = expected_identity(c, image="", runtime="runc")
    assert want["container_name"] == c.id
    run_open_and_check(agent, c, want)


def test_docker_named(start_agent):
    require("docker")
    agent = start_agent()
    c = rt.run_docker(name("docker-"), OPEN_CMD, detach=True)
    assert HEX64.fullmatch(c.id), c
    want = expected_identity(c, image=rt.IMAGE, runtime="docker")
    run_open_and_check(agent, c, want)


def test_existing_containers_found_at_start(start_agent):
    """Containers already running when the agent starts: one
    container_start each with existing: true; killed, they end by SIGKILL."""
    require(*rt.RUNTIMES)
    cs = [started(rt.run(r, name(f"pre-{r}-"), "sleep 120", detach=True))
          for r in rt.RUNTIMES]
    agent = start_agent()
    wants = {c.id: expected_identity(c) for c in cs}
    for c in cs:
        st = agent.wait_for_lifecycle(lambda e: is_start(e, c),
                            timeout=LIFECYCLE_TIMEOUT,
                            what=f"container_start of {c}")
        assert_start_line(st, c, wants[c.id], existing=True)
    for c in cs:
        rt.remove(c)
    for c in cs:
        end = agent.wait_for_lifecycle(lambda e: is_end(e, c),
                             timeout=LIFECYCLE_TIMEOUT,
                             what=f"container_end of {c}")
        assert_identity(end, wants[c.id])
        assert end["exit_code"] is None, end
        assert end["exit_signal"] == "SIGKILL", end


# --------------------------------------------------------------------------
# many containers

def touch_cmd(own, delay=0.1):
    """Live ~delay s, read the test file, create /tmp/<own name>."""
    return (f"sleep {delay}; cat /mnt/test.txt >/dev/null; touch /tmp/{own}"
            f" && ls /tmp/{own}")


MIX_30 = ["docker"] * 8 + ["containerd"] * 8 + ["podman"] * 7 + ["runc"] * 7


def run_mix(runtimes, label):
    """One container per entry, all started at once (threads); each touches
    /tmp/<its name>. Returns the Containers once all have exited."""
    names = [name(f"{label}{i}-{r[:4]}-") for i, r in enumerate(runtimes)]
    with concurrent.futures.ThreadPoolExecutor(len(runtimes)) as ex:
        futs = [ex.submit(rt.run, r, n, touch_cmd(n))
                for r, n in zip(runtimes, names)]
        return [f.result() for f in futs]


def run_sequence(per_runtime, label, delay=0.1):
    """per_runtime containers of each runtime, one after another, runtimes
    alternating; each prints its pid and mnt namespace inodes last."""
    cs = []
    for i in range(per_runtime):
        for r in rt.RUNTIMES:
            n = name(f"{label}{i}-{r[:4]}-")
            cs.append(rt.run(r, n, touch_cmd(n, delay)
                             + "; stat -L -c %i /proc/self/ns/pid"
                             " /proc/self/ns/mnt"))
    return cs


def assert_own_identity(agent, cs, lifecycle=True):
    """Every file event naming /tmp/<name> comes from that container and
    carries its id, name, runtime and image (empty only for bare runc);
    each container has such an event, a start and an end line; and every
    other event with one of their ids carries the same name (this last
    check also covers the runtime's own init stages, e.g. comm
    runc:[1:CHILD], which run in the container's namespaces and cgroup)."""
    by_id = {c.id: c for c in cs}
    by_name = {c.name: c for c in cs}
    evs = agent.events()
    seen = set()
    for ev in evs:
        if (is_syscall(ev) and ev.get("dirname") == "/tmp"
                and ev.get("filename") in by_name):
            c = by_name[ev["filename"]]
            want = {"container_id": c.id, "container_name": c.name,
                    "runtime": c.runtime, "image": c.image}
            for k, v in want.items():
                assert ev.get(k) == v, f"{k} of an event of {c}: {ev}"
            seen.add(c.id)
    missing = [c for c in cs if c.id not in seen]
    assert not missing, f"no event for /tmp/<name> of {missing}"
    if lifecycle:
        for c in cs:
            for kind in ("container_start", "container_end"):
                ev = agent.wait_for_lifecycle(
                    lambda e: e.get("type") == kind
                    and e.get("container_id") == c.id,
                    timeout=LIFECYCLE_TIMEOUT, what=f"{kind} of {c}")
                assert ev["container_name"] == c.name, (c, ev)
                assert ev["runtime"] == c.runtime, (c, ev)
    for ev in evs:
        c = by_id.get(ev.get("container_id"))
        if c is None or not is_syscall(ev):
            continue
        assert (ev["container_name"], ev["runtime"]) == (c.name, c.runtime), \
            f"an event of {ev.get('comm')} in {c} names another: {ev}"
    return evs


def wait_file_events(agent, cs, timeout=LIFECYCLE_TIMEOUT):
    names = {c.name for c in cs}
    wait_until(lambda: names <= {e.get("filename") for e in agent.events()
                                 if is_syscall(e)
                                 and e.get("dirname") == "/tmp"},
               timeout=timeout, what="a /tmp/<name> event of every container")


def test_thirty_containers_at_once(start_agent):
    require(*rt.RUNTIMES)
    agent = start_agent()
    cs = run_mix(MIX_30, "par")
    for c in cs:
        assert c.returncode == 0, (c, c.output())
    wait_file_events(agent, cs)
    assert_own_identity(agent, cs)


@pytest.mark.parametrize("filters", [
    [], ["--syscall", "openat,execve"], ["--category", "file"]],
    ids=["all", "syscall-openat-execve", "category-file"])
def test_sequential_containers_reuse_namespaces(start_agent, filters):
    """Containers one after another (the kernel reuses namespace inode
    numbers): each event still names its own container."""
    require(*rt.RUNTIMES)
    agent = start_agent(*filters)
    cs = run_sequence(4, "seq")
    for c in cs:
        assert c.returncode == 0, (c, c.output())
    wait_file_events(agent, cs)
    evs = assert_own_identity(agent, cs, lifecycle=not filters)
    # the run really exercised reuse: two containers, one namespace inode
    ns_of = {}
    for ev in evs:
        if is_syscall(ev) and ev.get("container_id") in {c.id for c in cs}:
            ns_of.setdefault(("pid", ev["pid_ns"]), set()).add(
                ev["container_id"])
            ns_of.setdefault(("mnt", ev["mnt_ns"]), set()).add(
                ev["container_id"])
    assert any(len(ids) > 1 for ids in ns_of.values()), ns_of
    if filters and filters[0] == "--syscall":
        assert {e["syscall"] for e in evs if is_syscall(e)} <= \
            {"openat", "execve"}
    if filters and filters[0] == "--category":
        assert {e["category"] for e in evs if is_syscall(e)} == \
            {"File Operation"}


# --------------------------------------------------------------------------
# churn past the kernel's table sizes

MAX_CONTAINERS = 64
CHURN = 200
CROWD = 80            # alive at once, more than MAX_CONTAINERS
CROWD_SLEEP = 12      # seconds: longer than starting all of them takes
RSS_LIMIT_KB = 100 * 1024      # 4 MiB ring (x2 mappings) + ~35 MiB + slack
RSS_GROWTH_KB = 16 * 1024      # between the 100th and the 200th container
# per-container kernel tables, sized by --max-containers; rule_scope is
# keyed by (cgroup, rule) and may hold up to SCOPE_FACTOR entries per container
TABLES = ("cgroup_watch", "container_cgroups", "rule_scope", "drops_by_cgroup")
SCOPE_FACTOR = 2


def table_limit(name, max_containers):
    return max_containers * (SCOPE_FACTOR if name.startswith("rule_scope")
                             else 1)


def agent_maps(pid):
    """{map name: (id, max_entries)} of the maps process pid holds open
    (its fds' fdinfo says map_id; other agents on the machine have maps of
    the same names); names as the kernel keeps them (15 characters)."""
    ids = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            if os.readlink(f"/proc/{pid}/fd/{fd}") != "anon_inode:bpf-map":
                continue
            with open(f"/proc/{pid}/fdinfo/{fd}") as f:
                for line in f:
                    if line.startswith("map_id:"):
                        ids.add(int(line.split()[1]))
        except OSError:
            continue
    maps = {}
    for i in sorted(ids):
        cp = subprocess.run(["bpftool", "-j", "map", "show", "id", str(i)],
                            capture_output=True, text=True, timeout=30)
        assert cp.returncode == 0, cp.stderr
        m = json.loads(cp.stdout)
        maps[m.get("name", "")] = (m["id"], m["max_entries"])
    return maps


def map_entries(map_id):
    cp = subprocess.run(["bpftool", "-j", "map", "dump", "id", str(map_id)],
                        capture_output=True, text=True, timeout=30)
    assert cp.returncode == 0, cp.stderr
    return len(json.loads(cp.stdout or "[]"))


def vm_rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError(f"no VmRSS for pid {pid}")


def test_max_containers_option(start_agent):
    """--max-containers: 16 is the smallest table size, 15 a usage error."""
    cp = subprocess.run([str(CACTUS), "monitor", "--max-containers", "15"],
                        capture_output=True, text=True, timeout=30)
    assert cp.returncode == 2, (cp.returncode, cp.stderr)
    assert "max-containers" in cp.stderr, cp.stderr
    agent = start_agent("--max-containers", "16")
    maps = agent_maps(agent.proc.pid)
    for n in TABLES:
        assert n[:15] in maps, (n, maps)
        assert 16 <= maps[n[:15]][1] <= table_limit(n, 16), (n, maps[n[:15]])


def test_churn_past_table_sizes(tmp_path, start_agent):
    """200 short runc containers come and go under --max-containers 64,
    then 80 live at once: every one is reported and named, the kernel
    tables stay within their sizes and empty out, the agent's memory stays
    bounded, and a deny rule scoped to the newest container still works
    (and spares another one)."""
    require("runc")
    newest = name("churn-newest-")
    rules = tmp_path / "deny.yaml"
    rules.write_text(f"""
- rule: deny_discard_newest
  description: the newest container may not connect to port 9
  priority: high
  match:
    syscall: connect
    port: 9
    container_name: {newest}
  action: deny
""")
    agent = start_agent("--max-containers", str(MAX_CONTAINERS),
                        "--ring-size", "4", "--rules", str(rules))
    pid = agent.proc.pid
    maps = agent_maps(pid)
    short = {n[:15] for n in TABLES}
    assert short <= set(maps), (short, maps)
    for n in short:
        assert maps[n][1] <= table_limit(n, MAX_CONTAINERS), (n, maps[n])

    ids = [name(f"churn{i}-") for i in range(CHURN)]
    rss = []
    peak = {n: 0 for n in short}     # entries seen while containers churn
    done = threading.Event()

    def sample():
        while not done.wait(0.5):
            for n in short:
                peak[n] = max(peak[n], map_entries(maps[n][0]))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    t0 = time.monotonic()
    try:
        with concurrent.futures.ThreadPoolExecutor(16) as ex:
            for half in (ids[:CHURN // 2], ids[CHURN // 2:]):
                cs = list(ex.map(lambda i: rt.run_runc(
                    i, "cat /mnt/test.txt >/dev/null; sleep 0.3"), half))
                for c in cs:
                    assert c.returncode == 0, (c, c.output())
                rss.append(vm_rss_kb(pid))
    finally:
        done.set()
        sampler.join(timeout=30)
    churn_s = time.monotonic() - t0
    print(f"churn: {CHURN} containers in {churn_s:.1f}s, VmRSS {rss} kB, "
          f"peak entries {peak}")
    # the churn really went through the tables (else nothing was tested)
    assert peak["cgroup_watch"] >= 8, peak

    # more containers at once than the tables hold: each still named
    crowd = [name(f"crowd{i}-") for i in range(CROWD)]
    with concurrent.futures.ThreadPoolExecutor(16) as ex:
        cs = list(ex.map(lambda i: rt.run_runc(
            i, f"sleep {CROWD_SLEEP}; cat /mnt/test.txt >/dev/null",
            detach=True), crowd))
    alive = sum(1 for c in cs if os.path.exists(f"/proc/{c.pid}"))
    entries = {n: map_entries(maps[n][0]) for n in short}
    for c in cs:
        assert c.wait(timeout=60) == 0, (c, c.output())
    print(f"crowd: {alive} of {CROWD} alive at once, entries {entries}")
    assert alive > MAX_CONTAINERS, alive
    for n in short:
        assert entries[n] <= table_limit(n, MAX_CONTAINERS), (n, entries)
    wait_until(lambda: set(crowd) <= {e.get("container_id")
                                      for e in agent.events()
                                      if is_syscall(e)
                                      and e.get("filename") == "test.txt"},
               timeout=LIFECYCLE_TIMEOUT, what="the crowd's openat events")
    for ev in agent.events():
        if is_syscall(ev) and ev.get("container_id") in crowd:
            assert ev["container_name"] == ev["container_id"], ev
            assert ev["runtime"] == "runc", ev
    rss.append(vm_rss_kb(pid))
    ids += crowd

    ended = lambda: {e["container_id"] for e in agent.lifecycle()
                     if e.get("type") == "container_end"}
    wait_until(lambda: set(ids) <= ended(), timeout=60,
               what=f"container_end of all {CHURN} containers")
    for n in short:
        id_, max_entries = agent_maps(pid)[n]
        assert max_entries <= table_limit(n, MAX_CONTAINERS), n
        wait_until(lambda: map_entries(id_) <= MAX_CONTAINERS // 4,
                   timeout=20, what=f"map {n} to empty out after the churn")
    print("entries after:", {n: map_entries(agent_maps(pid)[n][0])
                             for n in short})
    assert max(rss) < RSS_LIMIT_KB, rss
    assert rss[1] - rss[0] < RSS_GROWTH_KB, rss

    nc = ("sleep 1; for i in 1 2 3; do nc -w 1 127.0.0.1 9 </dev/null; "
          "echo rc=$?; sleep 0.5; done")
    older = rt.run_runc(name("churn-older-"), nc)
    last = rt.run_runc(newest, nc)
    assert "Connection refused" in older.output(), older.output()
    assert "Operation not permitted" not in older.output(), older.output()
    tail = last.output().strip().splitlines()[-2:]
    assert "Operation not permitted" in tail[0], (last.output(), churn_s)
    ev = agent.wait_for(lambda e: e.get("container_id") == newest
                        and e.get("syscall") == "connect"
                        and e.get("ret") == -errno.EPERM,
                        what="the denied connect of the newest container")
    assert ev["container_name"] == newest and ev["runtime"] == "runc", ev



# --------------------------------------------------------------------------
# the agent before the daemons (runs last: see the marker in conftest.py)

RESTART_DAEMONS = IN_CI or os.environ.get("CACTUS_E2E_RESTART_DAEMONS") == "1"


def _daemons_answer():
    docker = subprocess.run(["docker", "info"], capture_output=True,
                            timeout=30).returncode == 0
    ctd = subprocess.run(["ctr", "--connect-timeout", "1s", "version"],
                         capture_output=True, timeout=30).returncode == 0
    return docker, ctd


@pytest.fixture
def daemons_down():
    """dockerd and the standalone containerd stopped; both started again
    (scripts/docker-up.sh, scripts/containerd-up.sh) when the test ends,
    pass or fail, and docker checked to run a container again."""
    if not RESTART_DAEMONS:
        pytest.skip("stops dockerd and containerd for every user of this "
                    "machine: runs under CI=true or "
                    "CACTUS_E2E_RESTART_DAEMONS=1")
    require("docker", "containerd")
    try:
        for pid in rt.standalone_containerd_pids() + rt.pids_of_name("dockerd"):
            assert rt.stop_daemon(pid, timeout=40), f"daemon {pid} still runs"
        assert _daemons_answer() == (False, False), "a daemon still answers"
        yield
    finally:
        errors = []
        for script in ("containerd-up.sh", "docker-up.sh"):
            cp = rt.up_script(script)
            if cp.returncode != 0:
                errors.append(f"{script}: {cp.stderr}")
        cp = subprocess.run(["docker", "run", "--rm", "--network", "none",
                             rt.IMAGE, "true"], capture_output=True,
                            text=True, timeout=120)
        if cp.returncode != 0:
            errors.append(f"docker cannot run a container again: {cp.stderr}")
        if errors:
            pytest.fail("restoring the daemons: " + "; ".join(errors),
                        pytrace=False)


@pytest.mark.restarts_daemons
def test_agent_started_before_daemons(daemons_down, start_agent):
    """cactus starts with neither dockerd nor containerd running; once they
    are up, a container of each is named (docker's name and image, ctr's
    image from containerd's API)."""
    agent = start_agent()
    for script in ("containerd-up.sh", "docker-up.sh"):
        cp = rt.up_script(script)
        assert cp.returncode == 0, (script, cp.stderr)
    assert _daemons_answer() == (True, True)
    d = rt.run_docker(name("late-docker-"), OPEN_CMD, detach=True)
    c = rt.run_ctr("default", name("late-ctr-"), OPEN_CMD, detach=True)
    run_open_and_check(agent, d, expected_identity(d))
    run_open_and_check(agent, c, expected_identity(c))
