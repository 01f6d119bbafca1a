"""Nothing forged, nothing lost silently on output (issue 14).

A container names a file so that, written raw, it would read as a second
event of another container: text and block output keep it one record.
`cactus monitor | head -1` ends at once; stdout on a full filesystem ends
the agent with a message and a non-zero status.
"""

import os
import subprocess
import tempfile
import time

import pytest

from conftest import CACTUS, REPO, parse_blocks, run

# a file name cannot hold '/': the fake line uses U+2215 (DIVISION SLASH)
FORGED = ("x\n2026-01-01T00:00:00.000000000Z prod_db pid=1(host 1) ppid=0(host 0) "
          "uid=0 cat openat [File Operation\u2215File Open] ret=3 dirname=\u2215etc "
          "filename=shadow")


def forge(c):
    """The container creates and opens a file whose name holds a fake line."""
    c.exec("sh", "-c", 'cd /tmp && touch "$(printf "%b" "$0")" && cat -- "$(printf "%b" "$0")"',
           FORGED.replace("\n", "\\n"))


def test_text_cannot_forge_an_event(container, start_agent):
    c = container()
    agent = start_agent("--syscall", "openat", output="text")
    forge(c)
    line = agent.wait_for_line(lambda l: "prod_db" in l, what="the forged name")
    agent.stop()
    lines = agent.stdout_lines()
    # the forged name is inside one line of the real container, escaped
    assert c.name in line, line
    assert "\\n2026-01-01" in line, line
    assert not any(l.startswith("2026-01-01T00:00:00") for l in lines), lines
    assert not any(" prod_db " in l and c.name not in l for l in lines), lines


def test_block_cannot_forge_an_event(container, start_agent):
    c = container()
    agent = start_agent("--syscall", "openat", output="block")
    forge(c)
    agent.wait_for_line(lambda l: "prod_db" in l, what="the forged name")
    agent.stop()
    blocks = parse_blocks(agent.stdout_lines())
    forged = [b for b in blocks if "prod_db" in b.get("Filename", "")]
    assert forged, blocks
    for b in forged:
        assert b.get("ContainerName") == c.name, b
        assert "\\n" in b["Filename"], b
    # no block was made of the forged text
    assert not any(b.get("Time", "").startswith("2026-01-01T00:00:00") for b in blocks)


def test_head_ends_the_agent(container):
    """`cactus monitor | head -1`: the reader goes away, the agent stops at
    once with status 0 and one line on stderr."""
    c = container()
    with tempfile.TemporaryFile() as err:
        p = subprocess.Popen(f"{CACTUS} monitor --output json --syscall openat | head -1",
                             shell=True, cwd=REPO, stdout=subprocess.PIPE, stderr=err)
        # events flow until head has its line
        deadline = time.monotonic() + 30
        while p.poll() is None and time.monotonic() < deadline:
            c.exec("cat", "/mnt/test.txt")
            time.sleep(0.2)
        rc = p.wait(timeout=5)
        out = p.stdout.read().decode()
        err.seek(0)
        stderr = err.read().decode()
    assert rc == 0, (rc, stderr)
    assert len(out.splitlines()) == 1 and out.startswith("{"), out
    assert "output closed by its reader" in stderr, stderr


@pytest.fixture
def full_tmpfs():
    d = tempfile.mkdtemp(prefix="cactus-full-")
    run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", d])
    try:
        yield d
    finally:
        subprocess.run(["umount", "-l", d], capture_output=True)
        os.rmdir(d)


def test_full_disk_ends_with_an_error(container, full_tmpfs):
    """stdout on a full filesystem: a message, a non-zero status, the summary
    counts what was written (not more), and the file is not longer than its
    limit."""
    c = container()
    path = os.path.join(full_tmpfs, "out.json")
    with open(path, "wb") as out:
        p = subprocess.Popen([str(CACTUS), "monitor", "--output", "json", "--syscall", "openat"],
                             cwd=REPO, stdout=out, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while p.poll() is None and time.monotonic() < deadline:
            c.exec("sh", "-c", "for i in $(seq 1 200); do cat /mnt/test.txt >/dev/null; done")
        rc = p.wait(timeout=30)
        stderr = p.stderr.read().decode()
    assert rc == 1, (rc, stderr)
    assert "cannot write events to stdout" in stderr and "No space left" in stderr, stderr
    with open(path, "rb") as f:
        data = f.read()
    complete = data.count(b"\n")
    summary = [l for l in stderr.splitlines() if "summary:" in l]
    assert summary, stderr
    printed = int(summary[0].split(" printed")[0].rsplit(" ", 1)[1])
    lifecycle = int(summary[0].split(" lifecycle records")[0].rsplit(" ", 1)[1])
    # every record counted as written is whole in the file
    assert printed + lifecycle == complete, (printed, lifecycle, complete)
