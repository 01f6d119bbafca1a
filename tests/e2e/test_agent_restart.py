"""Restart without loss (issue 16 item 4): --pin-path and `cactus detach`.

A container opens a file at a steady ~10k calls/s, counting its calls. Agent
A watches it with --pin-path; SIGTERM leaves A's programs attached and its
maps and ring pinned; for a gap nothing reads the ring; agent B starts with
the same --pin-path, adopts A's programs (flips the generation, removes the
old pins) and reads from where A stopped. Then:

  sent == events A printed + events B printed + drops counted

(the drops: ring full or a container over its budget, in the pinned
counters B reports), no event twice, and 0 drops when the gap's records fit
in the ring. `cactus detach` removes what B left pinned: then no program of
cactus is attached (bpftool-free check: the pin directory is gone and a new
agent starts afresh, generation 1).
"""

import os
import re
import shutil
import signal
import subprocess
import time

import pytest

from conftest import CACTUS, IN_CI, REPO, docker, unique, wait_until

LOOP_C = r"""
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

/* flood RATE SECONDS: openat+close of /mnt/test.txt RATE times a second for
 * SECONDS, in batches of 100; prints the number of openat calls made. */
int main(int argc, char **argv)
{
	long rate = atol(argv[1]), secs = atol(argv[2]), n = 0;
	struct timespec t0, now;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		double el;

		clock_gettime(CLOCK_MONOTONIC, &now);
		el = (now.tv_sec - t0.tv_sec) + (now.tv_nsec - t0.tv_nsec) / 1e9;
		if (el >= secs)
			break;
		if (n < el * rate) {
			for (int i = 0; i < 100; i++) {
				int fd = syscall(SYS_openat, AT_FDCWD, "/mnt/test.txt", O_RDONLY);
				n++;
				if (fd >= 0)
					close(fd);
			}
		} else {
			usleep(1000);
		}
	}
	printf("openat=%ld\n", n);
	return 0;
}
"""

BPFFS = "/sys/fs/bpf"


@pytest.fixture(scope="module")
def flood_bin(tmp_path_factory):
    gcc = shutil.which("gcc")
    if not gcc:
        msg = "gcc is needed to build the flood helper"
        if IN_CI:
            pytest.fail(msg)
        pytest.skip(msg)
    d = tmp_path_factory.mktemp("flood")
    (d / "flood.c").write_text(LOOP_C)
    subprocess.run([gcc, "-static", "-O2", "-o", str(d / "flood"), str(d / "flood.c")],
                   check=True)
    return d / "flood"


@pytest.fixture
def pin_dir():
    """A pin directory on bpffs (mounted if it is not), removed afterwards."""
    if subprocess.run(["mountpoint", "-q", BPFFS]).returncode != 0:
        subprocess.run(["mount", "-t", "bpf", "bpf", BPFFS], check=True)
    d = os.path.join(BPFFS, unique("pin-"))
    yield d
    subprocess.run([str(CACTUS), "detach", "--pin-path", d], capture_output=True)
    shutil.rmtree(d, ignore_errors=True)


def agent(pin, cname, out, *extra):
    err = open(out + ".err", "w")
    p = subprocess.Popen([str(CACTUS), "monitor", "--output", "json", "--pin-path", pin,
                          "--syscall", "openat", "--container", cname, *extra],
                         stdout=open(out, "w"), stderr=err, cwd=REPO)
    wait_until(lambda: "monitoring (" in open(out + ".err").read() or p.poll() is not None,
               timeout=60, what="agent ready")
    assert p.poll() is None, open(out + ".err").read()
    return p


def stop(p, out, sig=signal.SIGTERM):
    p.send_signal(sig)
    assert p.wait(timeout=60) == 0, open(out + ".err").read()
    return open(out + ".err").read()


def flood_events(out, cid):
    evs = []
    with open(out) as f:
        for line in f:
            if '"openat"' in line and cid in line and "test.txt" in line:
                evs.append(line)
    return evs


def counted_losses(err):
    m = re.search(r"(\d+) drops \(ring buffer full\).*?(\d+) throttled", err)
    assert m, err
    return int(m.group(1)) + int(m.group(2))


def run_restart(tmp_path, flood_bin, pin, gap_s, ring_mib):
    name = unique("restart-")
    cid = docker("run", "-d", "--network", "none", "--name", name,
                 "cactus-busybox:latest", "sleep", "600").stdout.strip()
    try:
        docker("cp", str(flood_bin), f"{name}:/flood")
        a_out, b_out = str(tmp_path / "a.json"), str(tmp_path / "b.json")
        a = agent(pin, name, a_out, "--ring-size", str(ring_mib))
        flood = subprocess.Popen(["docker", "exec", name, "/flood", "10000", str(6 + gap_s)],
                                 stdout=subprocess.PIPE, text=True)
        wait_until(lambda: len(flood_events(a_out, cid)) > 5000, timeout=30,
                   what="agent A sees the flood")
        err_a = stop(a, a_out)
        assert "pinned under" in err_a, err_a
        assert os.path.isdir(os.path.join(pin, "links")), err_a
        time.sleep(gap_s)                       # nobody reads the ring
        b = agent(pin, name, b_out, "--ring-size", str(ring_mib))
        sent = int(re.search(r"openat=(\d+)", flood.communicate(timeout=60)[0]).group(1))
        time.sleep(1)
        err_b = stop(b, b_out, signal.SIGINT)
        assert "adopted the pinned programs" in err_b, err_b
        got_a, got_b = flood_events(a_out, cid), flood_events(b_out, cid)
        return sent, got_a, got_b, counted_losses(err_b), err_b
    finally:
        subprocess.run(["docker", "rm", "-f", name], capture_output=True)


def test_restart_gap_fits_in_ring(tmp_path, flood_bin, pin_dir):
    sent, got_a, got_b, lost, err = run_restart(tmp_path, flood_bin, pin_dir, 2, 64)
    assert got_a and got_b, (len(got_a), len(got_b))
    # each event once: the time and thread of a syscall tell it apart
    keys = [re.search(r'"time":"([^"]+)".*"host_tid":(\d+)', e).groups()
            for e in got_a + got_b]
    assert len(set(keys)) == len(keys), "an event printed by both agents"
    assert lost == 0, err
    assert sent == len(got_a) + len(got_b), (sent, len(got_a), len(got_b), err)


def test_restart_gap_overflows_ring_counted(tmp_path, flood_bin, pin_dir):
    # a 1 MiB ring holds a few thousand records: a 3 s gap at 10k/s does not fit
    sent, got_a, got_b, lost, err = run_restart(tmp_path, flood_bin, pin_dir, 3, 1)
    assert lost > 0, err
    assert sent == len(got_a) + len(got_b) + lost, (sent, len(got_a), len(got_b), lost, err)


def test_detach_removes_pins(tmp_path, pin_dir):
    name = unique("detach-")
    out = str(tmp_path / "a.json")
    a = agent(pin_dir, name, out)
    stop(a, out)
    assert os.path.isdir(os.path.join(pin_dir, "links"))
    cp = subprocess.run([str(CACTUS), "detach", "--pin-path", pin_dir],
                        capture_output=True, text=True)
    assert cp.returncode == 0 and "removed" in cp.stderr, cp
    assert not os.path.exists(pin_dir)
    # a new agent starts afresh: nothing to adopt
    b = agent(pin_dir, name, out)
    err = stop(b, out, signal.SIGINT)
    assert "adopted" not in err, err
    cp = subprocess.run([str(CACTUS), "detach", "--pin-path", pin_dir],
                        capture_output=True, text=True)
    assert cp.returncode == 0, cp
