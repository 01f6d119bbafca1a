"""Nothing is lost silently: a stalled consumer makes counted drops.

The agent is stopped (SIGSTOP) with a 1 MiB ring while a shell in a container
opens a file N times (a redirection: one openat per iteration, no fork). Every
record the ring could not take must be counted, in total and for that
container: received + dropped == sent.
"""

import re
import signal
import time

from conftest import run

N = 20000


def parse_summary(stderr, name):
    total = re.search(r"cactus: kernel: (\d+) events written, (\d+) drops", stderr)
    assert total, stderr
    per = re.search(r"drops in " + re.escape(name) + r" \(cgroup \d+\): (\d+)",
                    stderr)
    return int(total.group(2)), int(per.group(1)) if per else 0


def test_stalled_consumer_drops_are_counted(start_agent, container):
    c = container()
    agent = start_agent("--ring-size", "1", "--syscall", "openat",
                        "--no-default-rules")
    agent.proc.send_signal(signal.SIGSTOP)
    try:
        c.exec("sh", "-c", f"i=0; while [ $i -lt {N} ]; do : < /mnt/test.txt; "
               "i=$((i+1)); done", timeout=120)
    finally:
        agent.proc.send_signal(signal.SIGCONT)
    time.sleep(1.0)
    agent.check_clean_exit()
    loop = [e for e in agent.events()
            if c.owns(e) and e.get("syscall") == "openat"
            and e.get("filename") == "test.txt" and e.get("comm") == "sh"]
    drops, drops_c = parse_summary(agent.stderr, c.name)
    assert drops > 0, "a 1 MiB ring cannot hold 20000 records: drops expected\n" + agent.stderr
    assert drops_c > 0 and drops_c <= drops
    # the loop is the only thing running in the container during the stall;
    # the few records around it (exec, exit) may be dropped too
    assert N <= len(loop) + drops_c <= N + 10, (len(loop), drops_c, agent.stderr)
    assert "drops (ring buffer full)" in agent.stderr
