#!/usr/bin/env bash
# Starts a docker daemon if none answers on /var/run/docker.sock.
# No bridge and no iptables: test containers run with --network none.
set -euo pipefail

if docker info >/dev/null 2>&1; then
    exit 0
fi
echo "setup: starting dockerd" >&2
mkdir -p /var/log
nohup dockerd --bridge=none --iptables=false >/var/log/cactus-dockerd.log 2>&1 &
for _ in $(seq 1 60); do
    if docker info >/dev/null 2>&1; then
        exit 0
    fi
    sleep 0.5
done
echo "setup: dockerd did not come up; see /var/log/cactus-dockerd.log" >&2
tail -20 /var/log/cactus-dockerd.log >&2 || true
exit 1
