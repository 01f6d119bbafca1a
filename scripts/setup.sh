#!/usr/bin/env bash
# Prepares a Debian 12 machine for building and testing cactus:
# packages, tracefs, running docker and containerd daemons, podman's
# configuration and the local busybox test image in every runtime.
# Idempotent: safe to run again.
set -euo pipefail

PKGS="clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev make gcc pkg-config
      libcurl4-openssl-dev libjson-c-dev libyaml-dev libcmocka-dev
      docker.io busybox-static python3 python3-pytest bpftrace
      containerd runc podman
      libmicrohttpd-dev prometheus systemd python3-yaml curl debootstrap
      chromium time"

need_pkgs() {
    local p
    for p in $PKGS; do
        dpkg -s "$p" >/dev/null 2>&1 || return 0
    done
    return 1
}

if need_pkgs; then
    echo "setup: installing packages" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq $PKGS >/dev/null
fi

if ! mountpoint -q /sys/kernel/tracing 2>/dev/null; then
    mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null || true
fi
# bpffs: where --pin-path leaves programs and maps for the next agent
if ! mountpoint -q /sys/fs/bpf 2>/dev/null; then
    mount -t bpf bpf /sys/fs/bpf 2>/dev/null || true
fi

"$(dirname "$0")/docker-up.sh"
"$(dirname "$0")/containerd-up.sh"
"$(dirname "$0")/test-image.sh"
"$(dirname "$0")/debian-image.sh"
"$(dirname "$0")/podman-conf.sh"
