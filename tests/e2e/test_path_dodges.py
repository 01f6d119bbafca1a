"""Path rules judge the file actually opened or executed (issue 13).

A kill rule on /etc/shadow holds whatever the spelling: `..`, `.`, `//`,
relative to the cwd or to a dirfd, a symlink, a symlinked directory, a hard
link, /proc/self/root, /proc/self/cwd, /proc/self/fd/N, and paths padded
past the string buffer. Each attempt runs in a real container and must end
in SIGKILL (exit status 137) with the alert telling the file; the benign
look-alikes (another file under a similar spelling, a link to another file)
must run untouched. The same for a kill rule on an executable: judged by the
file executed, not by the name asked for.
"""

from conftest import docker

# (name, shell command run in the container)
SHADOW_DODGES = [
    ("plain", "cat /etc/shadow"),
    ("dotdot", "cat /etc/../etc/shadow"),
    ("slashes", "cat //etc///shadow"),
    ("dot", "cat /etc/./shadow"),
    ("relative_cwd", "cd /; cat etc/shadow"),
    ("relative_in_etc", "cd /etc; cat shadow"),
    ("dirfd", "cd /; exec 4</etc; cat /proc/self/fd/4/shadow"),
    ("symlink", "ln -sf /etc/shadow /tmp/s1; cat /tmp/s1"),
    ("symlinked_dir", "ln -sfn /etc /tmp/d1; cat /tmp/d1/shadow"),
    ("hard_link", "ln -f /etc/shadow /tmp/h1; cat /tmp/h1"),
    ("proc_self_root", "cat /proc/self/root/etc/shadow"),
    ("proc_self_cwd", "cd /etc; cat /proc/self/cwd/shadow"),
    ("proc_self_fd", "exec 3</etc/shadow; cat /proc/self/fd/3"),
    ("padded_dots", "cat /etc" + "/." * 200 + "/shadow"),
    ("padded_slashes", "cat " + "/" * 300 + "etc/shadow"),
]

SHADOW_BENIGN = [
    ("passwd", "cat /etc/passwd"),
    ("symlink_to_passwd", "ln -sf /etc/passwd /tmp/p1; cat /tmp/p1"),
    ("hard_link_to_passwd", "ln -f /etc/passwd /tmp/p2; cat /tmp/p2"),
    ("other_file_named_shadow", "echo x > /tmp/shadow; cat /tmp/shadow"),
    ("dotdot_elsewhere", "cat /etc/../etc/passwd"),
]

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


def rule_file(tmp_path, text):
    p = tmp_path / "rules.yaml"
    p.write_text(text)
    return str(p)


def sh(c, cmd):
    return c.exec("sh", "-c", cmd, check=False)


def killed_alert(c, rule):
    def pred(e):
        a = e.get("alert") or {}
        return (c.owns(e) and a.get("rule") == rule and
                a.get("outcome") == "killed" and e.get("killed") is True)
    return pred


def test_kill_holds_under_every_spelling(tmp_path, start_agent, container):
    c = container()
    agent = start_agent("--rules", rule_file(tmp_path, KILL_SHADOW),
                        "--alert-window", "0")
    pred = killed_alert(c, "no_shadow_read")
    failed = []
    for name, cmd in SHADOW_DODGES:
        n0 = len([e for e in agent.events() if pred(e)])
        cp = sh(c, cmd)
        if cp.returncode != 137 or "root:" in cp.stdout:
            failed.append((name, cp.returncode, cp.stdout, cp.stderr))
            continue
        agent.wait_for(lambda e: len([x for x in agent.events() if pred(x)]) > n0,
                       what=f"a killed alert for {name}")
        ev = [e for e in agent.events() if pred(e)][-1]
        # the file opened, whatever its spelling
        if (ev["dirname"], ev["filename"]) != ("/etc", "shadow"):
            failed.append((name, "alert names", ev["dirname"], ev["filename"]))
    for name, cmd in SHADOW_BENIGN:
        cp = sh(c, cmd)
        if cp.returncode != 0:
            failed.append((name, "benign", cp.returncode, cp.stderr))
    assert not failed, failed


KILL_TOOL = """
- rule: no_tool
  description: running /usr/bin/tool kills it before its first instruction
  priority: critical
  match:
    syscall: [execve, execveat]
    path: /usr/bin/tool
  action: kill
  output: "%comm ran %exe"
"""

TOOL_DODGES = [
    ("plain", "/usr/bin/tool true"),
    ("relative", "cd /usr/bin; ./tool true"),
    ("dotdot", "/usr/bin/../bin/tool true"),
    ("symlink", "ln -sf /usr/bin/tool /tmp/t1; /tmp/t1 true"),
    ("symlinked_dir", "ln -sfn /usr/bin /tmp/ub; /tmp/ub/tool true"),
    ("hard_link", "ln -f /usr/bin/tool /tmp/t2; /tmp/t2 true"),
    ("proc_self_root", "/proc/self/root/usr/bin/tool true"),
    ("fd", "exec 3</usr/bin/tool; /proc/self/fd/3 true"),
]


def test_exec_kill_judges_file_executed(tmp_path, start_agent, container):
    c = container()
    # a copy of busybox under another name: the protected executable
    docker("exec", c.name, "cp", "/bin/busybox", "/usr/bin/tool")
    start_agent("--rules", rule_file(tmp_path, KILL_TOOL), "--alert-window", "0")
    failed = []
    for name, cmd in TOOL_DODGES:
        cp = sh(c, cmd)
        if cp.returncode != 137:
            failed.append((name, cp.returncode, cp.stdout, cp.stderr))
    # busybox itself (another file), a copy (another file again): untouched
    for name, cmd in [("busybox", "/bin/busybox true"),
                      ("copy", "mkdir -p /tmp/x; cp /usr/bin/tool /tmp/x/true; /tmp/x/true")]:
        cp = sh(c, cmd)
        if cp.returncode != 0:
            failed.append((name, "benign", cp.returncode, cp.stderr))
    assert not failed, failed


def test_alert_rule_sees_through_hard_link(start_agent, container):
    """The default read_credential_files (an alert rule on exact paths)
    judges the file: a hard link to /etc/shadow opened under another name
    is reported as /etc/shadow, the name used in path_arg."""
    c = container()
    agent = start_agent("--alert-window", "0")
    cp = c.exec("sh", "-c", "ln -f /etc/shadow /tmp/innocent; cat /tmp/innocent", check=False)
    assert cp.returncode == 0, cp
    ev = agent.wait_for(lambda e: c.owns(e) and e.get("syscall") == "openat"
                        and (e.get("alert") or {}).get("rule") == "read_credential_files",
                        what="read_credential_files through the hard link")
    assert (ev["dirname"], ev["filename"]) == ("/etc", "shadow"), ev
    assert ev.get("path_arg") == "/tmp/innocent", ev
    # a file of the same content, another inode: not a credential file
    cp = c.exec("sh", "-c", "cp /etc/shadow /tmp/copy; cat /tmp/copy", check=False)
    time_copy = agent.wait_for(lambda e: c.owns(e) and e.get("syscall") == "openat"
                               and e.get("filename") == "copy" and e.get("ret", -1) >= 0,
                               what="the copy's open")
    assert not time_copy.get("alert"), time_copy
