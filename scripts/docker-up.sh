#!/usr/bin/env bash
# Starts a docker daemon if none answers on /var/run/docker.sock.
# No bridge and no iptables: test containers run with --network none.
set -euo pipefail

if docker info >/dev/null 2>&1; then
    exit 0
fi
echo "setup: starting dockerd" >&2
# dockerd uses a system containerd whenever its socket file exists; a socket
# left behind by a containerd that is gone makes dockerd wait for nothing and
# fail. Remove it: then dockerd runs its own, and containerd-up.sh starts ours.
csock=/run/containerd/containerd.sock
if [ -S "$csock" ] &&
   ! ctr --address "$csock" --connect-timeout 1s --timeout 2s version >/dev/null 2>&1; then
    echo "setup: removing stale $csock" >&2
    rm -f "$csock" "$csock.ttrpc"
fi
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
