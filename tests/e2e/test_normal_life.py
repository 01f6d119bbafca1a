"""Normal container life raises no alert from the default rules (issue 13).

Under docker, containerd and podman, with the default rules and folding off
(--alert-window 0, so every alert would show): a container whose entrypoint
is a shell script that starts a web server on a loopback port, fetches a
file from it, then execs a long-running program; an exec session of a
non-shell command (`docker exec`, `ctr task exec`, `podman exec`); the
container's stop. The runtime's own set-up (runc init: mounts, device nodes,
pivot_root, sethostname, setns, capset) is printed, marked "phase": "init",
and raises nothing; so does everything else. The test checks that each part
really happened (the server's bind and listen, the fetch's connect, the exec
session's command, set-up events) before it counts the alerts: zero.
"""

import subprocess
import time

import pytest

import runtimes as rt
from conftest import IN_CI, unique

# The entrypoint: a server on loopback, a client of it, then exec.
ENTRYPOINT = ("httpd -f -p 127.0.0.1:8080 -h /mnt & "
              "for i in $(seq 40); do "
              "wget -O /tmp/got http://127.0.0.1:8080/test.txt && break; sleep 0.5; "
              "done; exec sleep 6")


def require(runtime):
    probs = rt.problems(runtime)
    if probs:
        msg = "runtime prerequisites missing: " + "; ".join(probs)
        if IN_CI:
            pytest.fail(msg, pytrace=False)
        pytest.skip(msg)


def exec_session(c, *cmd):
    if c.runtime == "docker":
        argv = ["docker", "exec", c.name, *cmd]
    elif c.runtime == "podman":
        argv = ["podman", "exec", c.name, *cmd]
    else:
        argv = ["ctr", "-n", c.ns, "task", "exec", "--exec-id",
                "x" + unique()[-6:], c.id, *cmd]
    return subprocess.run(argv, capture_output=True, text=True, timeout=60)


def owns(c, e):
    return e.get("container_id") == c.id


def loopback_netns(container):
    """ctr gives a container a network namespace whose loopback is down (no
    CNI here): the containerd run joins the one of a docker container made
    with --network none (loopback up, nothing else), as a pod's containers
    join their sandbox's."""
    name = unique("netns-")
    container(name=name, cmd=("sleep", "120"))
    pid = subprocess.run(["docker", "inspect", "-f", "{{.State.Pid}}", name],
                         capture_output=True, text=True, check=True).stdout.strip()
    return (f"network:/proc/{pid}/ns/net",)


@pytest.mark.parametrize("runtime", ["docker", "containerd", "podman"])
def test_normal_life_no_alerts(runtime, start_agent, container):
    require(runtime)
    kw = {"with_ns": loopback_netns(container)} if runtime == "containerd" else {}
    agent = start_agent("--alert-window", "0")
    c = rt.run(runtime, unique("life-"), ENTRYPOINT, detach=True, **kw)
    try:
        # the server answered the fetch (the file the client saved)
        agent.wait_for(lambda e: owns(c, e) and e.get("syscall") == "execve"
                       and e.get("argv") == ["sleep", "6"],
                       what="the entrypoint's exec of sleep")
        cp = exec_session(c, "cat", "/tmp/got")
        log = open(c.log, errors="replace").read() if c.log else ""
        assert cp.returncode == 0 and cp.stdout.strip() == "cactus test file", (cp, log)
        rc = c.wait(timeout=60)
        assert rc == 0, (rc, c.output())
        agent.wait_for_lifecycle(lambda r: r.get("type") == "container_end"
                                 and r.get("container_id") == c.id,
                                 what="the container's end")
    finally:
        rt.remove(c)
    evs = [e for e in agent.events() if owns(c, e)]

    def seen(what, pred):
        assert any(pred(e) for e in evs), f"no {what} among {len(evs)} events"
    # it all happened, and was seen
    seen("set-up event marked phase init", lambda e: e.get("phase") == "init")
    seen("mount in set-up", lambda e: e.get("syscall") == "mount"
         and e.get("phase") == "init")
    seen("server bind on loopback", lambda e: e.get("syscall") == "bind"
         and e.get("port") == 8080 and e.get("addr") == "127.0.0.1")
    seen("server listen", lambda e: e.get("syscall") == "listen")
    seen("client connect", lambda e: e.get("syscall") == "connect"
         and e.get("port") == 8080)
    seen("the entrypoint marked", lambda e: e.get("entrypoint") is True)
    seen("the exec session's cat", lambda e: e.get("syscall") == "execve"
         and e.get("argv", [])[:1] == ["cat"] and e.get("exec_session") is True)
    alerts = [e for e in evs if e.get("alert")]
    assert not alerts, "normal life alerted:\n" + "\n".join(
        f"  {e['alert']['rule']}: {e['alert']['message']} ({e.get('syscall')}, "
        f"phase {e.get('phase', 'workload')})" for e in alerts)
    reps = [r for r in agent.lifecycle() if r.get("type") == "alert_repeat"
            and r.get("container_id") == c.id]
    assert not reps, reps
