"""Rules end to end: alerts, kill and deny enforced for real in containers.

Each enforcement test shows three things: the action happens in the
selected container (exit status 137 for kill, EPERM seen inside for deny),
the same action in a container the rule does not select succeeds, and so
does the same action on the host.
"""

import errno
import random
import socket
import subprocess

import pytest

from conftest import CACTUS, REPO, run, wait_until


def rule_file(tmp_path, text, name="rules.yaml"):
    p = tmp_path / name
    p.write_text(text)
    return str(p)


def alert_of(ev, rule):
    a = ev.get("alert")
    return a if a and a.get("rule") == rule else None


def host_connect(port):
    """connect() to 127.0.0.1:port from the host: the errno (0 on success)."""
    s = socket.socket()
    try:
        return s.connect_ex(("127.0.0.1", port))
    finally:
        s.close()


# --------------------------------------------------------------------------
# kill

def test_kill_rule_kills_selected_container_only(tmp_path, start_agent,
                                                 container):
    target = container()
    other = container()
    rules = rule_file(tmp_path, f"""
- rule: no_hostname_read
  description: reading /etc/hostname kills the reader
  priority: critical
  match:
    syscall: openat
    path: /etc/hostname
    container_name: {target.name}
  action: kill
  output: "%comm opened %path in %container_name"
""")
    agent = start_agent("--rules", rules)
    assert "kill enforced in the kernel" in agent.stderr_text()

    cp = target.exec("cat", "/etc/hostname", check=False)
    assert cp.returncode == 137, (cp.returncode, cp.stdout, cp.stderr)
    ev = agent.wait_for(lambda e: target.owns(e) and alert_of(e, "no_hostname_read"))
    a = ev["alert"]
    assert a["action"] == "kill" and a["outcome"] == "killed", a
    assert a["priority"] == "critical"
    assert ev["killed"] is True and ev["filename"] == "hostname"
    assert "cat opened /etc/hostname in " + target.name == a["message"]

    # not selected: the same read works
    cp = other.exec("cat", "/etc/hostname")
    assert cp.returncode == 0 and cp.stdout.strip()
    # the host is never watched
    assert run(["cat", "/etc/hostname"]).returncode == 0
    ev = agent.wait_for(lambda e: other.owns(e) and e.get("syscall") == "openat"
                        and e.get("filename") == "hostname")
    assert "alert" not in ev and "killed" not in ev


def test_kill_relative_path_cannot_slip_past(tmp_path, start_agent, container):
    target = container()
    rules = rule_file(tmp_path, """
- rule: no_host_files
  description: nothing may be read below /etc/host*
  priority: high
  match:
    syscall: openat
    path: {prefix: /etc/host}
  action: kill
""")
    start_agent("--rules", rules)
    cp = target.exec("cat", "hostname", workdir="/etc", check=False)
    assert cp.returncode == 137, (cp.returncode, cp.stdout, cp.stderr)
    cp = target.exec("cat", "/mnt/test.txt")
    assert cp.returncode == 0


# --------------------------------------------------------------------------
# deny (network): cgroup sock_addr programs

def test_deny_connect_port(tmp_path, start_agent, container):
    target = container()
    other = container()
    port = random.choice([3333, 4444, 5555, 7777])
    rules = rule_file(tmp_path, f"""
- rule: no_miner_port
  description: outbound connections to a mining pool port
  priority: critical
  match:
    syscall: connect
    port: {port}
    container_name: {target.name}
  action: deny
""")
    agent = start_agent("--rules", rules)
    assert "deny enforced by cgroup" in agent.stderr_text()

    cp = target.exec("nc", "-w", "1", "127.0.0.1", str(port), check=False)
    assert cp.returncode != 0
    assert "Operation not permitted" in cp.stderr, cp.stderr
    ev = agent.wait_for(lambda e: target.owns(e) and alert_of(e, "no_miner_port"))
    assert ev["ret"] == -errno.EPERM
    assert ev["alert"]["outcome"] == "denied"
    assert ev["port"] == port and ev["addr"] == "127.0.0.1"

    # another container: refused by the (absent) peer, not by cactus
    cp = other.exec("nc", "-w", "1", "127.0.0.1", str(port), check=False)
    assert "Operation not permitted" not in cp.stderr, cp.stderr
    assert "refused" in cp.stderr, cp.stderr
    # the host: the same
    assert host_connect(port) == errno.ECONNREFUSED


def test_deny_bind_unscoped_spares_host(tmp_path, start_agent, container):
    target = container()
    port = random.randint(40000, 49999)
    rules = rule_file(tmp_path, f"""
- rule: no_listeners
  description: no container may bind this port
  priority: medium
  match:
    syscall: bind
    port: {port}
  action: deny
""")
    start_agent("--rules", rules)
    cp = target.exec("nc", "-l", "-p", str(port), check=False, timeout=20)
    assert "Operation not permitted" in cp.stderr or cp.returncode != 0, cp.stderr
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))     # the host is not affected
    finally:
        s.close()


# --------------------------------------------------------------------------
# deny (file) on a kernel without BPF-LSM: downgraded to kill, and said so

def test_deny_file_downgraded_to_kill(tmp_path, start_agent, container):
    try:
        with open("/sys/kernel/security/lsm") as f:
            lsm = f.read()
    except OSError:
        lsm = ""
    target = container()
    rules = rule_file(tmp_path, f"""
- rule: no_shadow
  description: /etc/shadow must not be read
  priority: critical
  match:
    syscall: openat
    path: /etc/shadow
    container_name: {target.name}
  action: deny
""")
    agent = start_agent("--rules", rules)
    cp = target.exec("cat", "/etc/shadow", check=False)
    ev = agent.wait_for(lambda e: target.owns(e) and alert_of(e, "no_shadow"))
    if "downgraded" in agent.stderr_text():
        assert cp.returncode == 137, (cp.returncode, cp.stderr)
        assert "downgraded" in ev["alert"]["outcome"]
    else:
        assert "bpf" in lsm
        assert "Operation not permitted" in cp.stderr, cp.stderr
        assert ev["alert"]["outcome"] == "denied"


# --------------------------------------------------------------------------
# alerts, --alerts-only, rules check

def test_alert_and_alerts_only(tmp_path, start_agent, container):
    c = container()
    rules = rule_file(tmp_path, """
- list: readers
  items: [cat, head]
- rule: test_file_read
  description: somebody read the test file
  priority: low
  match:
    syscall: openat
    filename: test.txt
    comm: {in: readers}
  output: "%comm read %path"
""")
    agent = start_agent("--rules", rules, "--alerts-only")
    c.exec("cat", "/mnt/test.txt")
    c.exec("ls", "/mnt")
    ev = agent.wait_for(lambda e: c.owns(e) and alert_of(e, "test_file_read"))
    assert ev["alert"] == {"rule": "test_file_read", "priority": "low",
                           "action": "alert", "outcome": "alerted",
                           "message": "cat read /mnt/test.txt"}
    agent.stop()
    assert all("alert" in e for e in agent.events()), \
        "--alerts-only printed an event without an alert"


def test_bad_rule_file_stops_monitor(tmp_path):
    bad = rule_file(tmp_path, """
- rule: broken
  description: x
  priority: urgent
  match:
    syscal: openat
""")
    cp = subprocess.run([str(CACTUS), "monitor", "--rules", bad], cwd=REPO,
                        capture_output=True, text=True, timeout=30)
    assert cp.returncode == 2, cp
    assert cp.stdout == ""
    assert f"{bad}:" in cp.stderr
    cp = subprocess.run([str(CACTUS), "rules", "check", bad], cwd=REPO,
                        capture_output=True, text=True, timeout=30)
    assert cp.returncode != 0
    lines = [l for l in cp.stderr.splitlines() if l.startswith(bad + ":")]
    assert len(lines) >= 2, cp.stderr      # every error, not only the first


def test_rules_check_and_list_default(tmp_path):
    cp = subprocess.run([str(CACTUS), "rules", "check", str(REPO / "rules")],
                        cwd=REPO, capture_output=True, text=True, timeout=30)
    assert cp.returncode == 0, cp.stderr
    cp = subprocess.run([str(CACTUS), "rules", "list"], cwd=REPO,
                        capture_output=True, text=True, timeout=30)
    assert cp.returncode == 0, cp.stderr
    names = [l.split()[0] for l in cp.stdout.splitlines()[1:] if l.strip()]
    assert len(names) >= 25, cp.stdout


# --------------------------------------------------------------------------
# noise: repeats of one alert within --alert-window are folded, not lost

FOLD_RULE = """
- rule: test_file_read
  description: somebody read the test file
  priority: low
  match:
    syscall: openat
    filename: test.txt
  output: "%comm read %path"
"""


def test_repeated_alert_folded_and_counted(tmp_path, start_agent, container):
    a, b = container(), container()
    agent = start_agent("--rules", rule_file(tmp_path, FOLD_RULE),
                        "--alert-window", "30")
    a.exec("sh", "-c", "for i in $(seq 20); do cat /mnt/test.txt; done")
    b.exec("cat", "/mnt/test.txt")
    agent.wait_for(lambda e: b.owns(e) and alert_of(e, "test_file_read"))
    agent.wait_for(lambda e: a.owns(e) and e.get("syscall") == "openat"
                   and e.get("filename") == "test.txt" and "alert" not in e,
                   what="a's repeated read printed without its alert")
    agent.stop()
    agent.check_clean_exit()
    alerts = [e for e in agent.events() if alert_of(e, "test_file_read")]
    assert len([e for e in alerts if a.owns(e)]) == 1, alerts
    assert len([e for e in alerts if b.owns(e)]) == 1, alerts
    reps = [r for r in agent.lifecycle() if r["type"] == "alert_repeat"]
    assert len(reps) == 1, reps
    r = reps[0]
    assert a.owns(r) and r["rule"] == "test_file_read"
    assert r["count"] == 19 and r["message"] == "cat read /mnt/test.txt"
    assert r["time_first"] <= r["time"]
    assert "19 alerts folded" in agent.stderr_text()


def test_alert_window_zero_prints_every_alert(tmp_path, start_agent, container):
    a = container()
    agent = start_agent("--rules", rule_file(tmp_path, FOLD_RULE),
                        "--alert-window", "0")
    a.exec("sh", "-c", "for i in $(seq 5); do cat /mnt/test.txt; done")
    wait_until(lambda: len([e for e in agent.events() if a.owns(e)
                            and alert_of(e, "test_file_read")]) == 5,
               what="5 alerts")
    agent.stop()
    assert not [r for r in agent.lifecycle() if r["type"] == "alert_repeat"]
