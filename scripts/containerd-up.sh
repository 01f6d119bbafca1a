#!/usr/bin/env bash
# Starts a standalone containerd if none answers on /run/containerd/containerd.sock
# (docker's own containerd is a different one, on /run/docker/containerd/).
# The e2e tests run containers with `ctr` in the namespaces k8s.io and default.
# CACTUS_CONTAINERD_ROOT=DIR: use DIR/containerd.sock, DIR/root and DIR/state
# instead of the standard paths (to try this script beside a running one).
set -euo pipefail

args=()
sock=/run/containerd/containerd.sock
log=/var/log/cactus-containerd.log
if [ -n "${CACTUS_CONTAINERD_ROOT:-}" ]; then
    d=$CACTUS_CONTAINERD_ROOT
    sock=$d/containerd.sock
    log=$d/containerd.log
    args=(--address "$sock" --root "$d/root" --state "$d/state")
    mkdir -p "$d"
fi

answers() {
    ctr --address "$sock" --connect-timeout 1s --timeout 2s version >/dev/null 2>&1
}

if answers; then
    exit 0
fi
echo "setup: starting containerd" >&2
mkdir -p "$(dirname "$log")"
nohup containerd "${args[@]+"${args[@]}"}" >"$log" 2>&1 </dev/null &
for _ in $(seq 1 60); do
    if answers; then
        exit 0
    fi
    sleep 0.5
done
echo "setup: containerd did not come up; see $log" >&2
tail -20 "$log" >&2 || true
exit 1
