"""Going around a path rule, end to end (issue 20; the README's evasion matrix).

A kill rule on an exact path protects a file, not a spelling: these are the
ways around it that are not spellings (those are tests/e2e/test_path_dodges.py)
and not io_uring (tests/e2e/test_io_uring.py). Each runs in a real container of
a Debian-based image built from local files (scripts/debian-image.sh), whose
/etc/shadow lives in a lower image layer under another layer, as in any image
that was built in steps:

  * a hard link to it, then a read of the link: the link copies the file up
    to the container's layer (overlayfs), and the read opens the copy;
  * a rename (`mv`) of it, then a read under the new name: the same copy-up;
  * opening it by handle (open_by_handle_at, the "shocker" escape; needs
    CAP_DAC_READ_SEARCH): no path at all.

Each must end in SIGKILL with nothing of the file printed, and an alert of
the rule that names the protected file; the look-alikes (a link to another
file, a handle of another file) run untouched.
"""

import os
import subprocess

from conftest import DEBIAN_IMAGE, docker

KILL_SHADOW = """
- rule: no_shadow_read
  description: reading /etc/shadow kills the reader
  priority: critical
  match:
    syscall: [open, openat, openat2, open_by_handle_at]
    path: /etc/shadow
  action: kill
  output: "%comm opened %path"
"""

KILL_SECRET = """
- rule: no_secret_read
  description: reading /data/secret kills the reader
  priority: critical
  match:
    syscall: [open, openat, openat2, open_by_handle_at]
    path: /data/secret
  action: kill
  output: "%comm opened %path"
"""


def rule_file(tmp_path, text):
    p = tmp_path / "rules.yaml"
    p.write_text(text)
    return str(p)


def sh(c, cmd):
    return c.exec("sh", "-c", cmd, check=False)


def killed_alert(c, rule, dirname, filename):
    def pred(e):
        a = e.get("alert") or {}
        return (c.owns(e) and a.get("rule") == rule and a.get("outcome") == "killed"
                and e.get("killed") is True and e.get("dirname") == dirname
                and e.get("filename") == filename)
    return pred


def debian(container, *opts):
    return container(image=DEBIAN_IMAGE, opts=opts)


def test_lower_layer_file_is_in_a_lower_layer(container):
    """The premise: /etc/shadow of the test image is in a layer below another."""
    c = debian(container)
    layers = docker("image", "inspect", "-f", "{{len .RootFS.Layers}}", DEBIAN_IMAGE)
    assert int(layers.stdout) >= 2, layers.stdout
    # and not yet in the container's own layer
    upper = docker("inspect", "-f", "{{.GraphDriver.Data.UpperDir}}", c.id).stdout.strip()
    assert upper and not os.path.exists(upper + "/etc/shadow"), upper


def test_alias_of_lower_layer_file(tmp_path, start_agent, container):
    c = debian(container)
    agent = start_agent("--rules", rule_file(tmp_path, KILL_SHADOW), "--alert-window", "0")
    pred = killed_alert(c, "no_shadow_read", "/etc", "shadow")
    failed = []
    for name, cmd in [("hard_link", "ln /etc/shadow /tmp/h && cat /tmp/h"),
                      ("rename", "mv /etc/shadow /root/s && cat /root/s"),
                      ("hard_link_again", "ln /root/s /root/s2 && cat /root/s2")]:
        n0 = len([e for e in agent.events() if pred(e)])
        cp = sh(c, cmd)
        if cp.returncode != 137 or "root:" in cp.stdout:
            failed.append((name, cp.returncode, cp.stdout, cp.stderr))
            continue
        ev = agent.wait_for(lambda e: pred(e) and len([x for x in agent.events()
                                                       if pred(x)]) > n0,
                            what=f"a killed alert naming /etc/shadow for {name}")
        # the name used, beside the protected file
        if not ev.get("path_arg", "").startswith(("/tmp/", "/root/")):
            failed.append((name, "path_arg", ev.get("path_arg")))
    # look-alikes: a link to another lower-layer file, a copy under another inode
    for name, cmd in [("link_to_passwd", "ln /etc/passwd /tmp/p && cat /tmp/p"),
                      ("rename_gshadow_other", "mv /etc/gshadow /tmp/g && cat /tmp/g")]:
        cp = sh(c, cmd)
        if cp.returncode != 0:
            failed.append((name, "benign", cp.returncode, cp.stderr))
    assert not failed, failed


def test_open_by_handle(tmp_path, start_agent, container, test_prog):
    """The handle is computed on the host (through /proc/<pid>/root), as an
    attacker would brute-force or precompute it; the container only calls
    open_by_handle_at, which docker's default seccomp allows with
    CAP_DAC_READ_SEARCH."""
    prog = test_prog("handle")
    c = container(image=DEBIAN_IMAGE, opts=("--cap-add", "DAC_READ_SEARCH", "--tmpfs", "/data"),
                  cmd=("sh", "-c", "echo topsecret > /data/secret; echo hello > /data/other; "
                       "exec sleep 3600"))
    docker("cp", str(prog), f"{c.name}:/handle")
    handles = {}
    for f in ("secret", "other"):
        docker("exec", c.name, "sh", "-c", f"test -s /data/{f}")
        out = subprocess.run([str(prog), "name", f"/proc/{c.pid}/root/data/{f}"],
                             capture_output=True, text=True, check=True)
        handles[f] = out.stdout.split()
    agent = start_agent("--rules", rule_file(tmp_path, KILL_SECRET), "--alert-window", "0")
    cp = c.exec("/handle", "open", "/data", *handles["other"], check=False)
    assert cp.returncode == 0 and cp.stdout == "hello\n", cp
    cp = c.exec("/handle", "open", "/data", *handles["secret"], check=False)
    assert cp.returncode == 137 and "topsecret" not in cp.stdout, cp
    ev = agent.wait_for(killed_alert(c, "no_secret_read", "/data", "secret"),
                        what="a killed alert naming /data/secret")
    assert ev["syscall"] == "open_by_handle_at", ev
    assert ev.get("flags") == "O_RDONLY", ev
