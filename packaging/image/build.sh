#!/usr/bin/env bash
# Builds the agent's container image, cactus-agent:latest, offline: a rootfs
# made of this machine's cactus binary, the shared libraries it loads (as
# ldd lists them), the default rules and an example config, imported with
# `docker import` (no base image, no registry).
#
#   packaging/image/build.sh [TAG]       (after `make`; run from anywhere)
#
# Environment: CACTUS_BIN (default ./cactus of this repository).
# The image has no CA certificates: for an https webhook-url, mount the
# host's bundle at /etc/ssl/certs/ca-certificates.crt.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
bin=${CACTUS_BIN:-$repo/cactus}
tag=${1:-cactus-agent:latest}

if [ ! -x "$bin" ]; then
    echo "build.sh: no cactus binary at $bin (run make first)" >&2
    exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rootfs=$work/rootfs

# Every library the binary loads, and the dynamic loader itself: ldd prints
# "name => /path (addr)" for libraries and "/path (addr)" for the loader.
libraries() {
    ldd "$1" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'
}

mkdir -p "$rootfs"/{usr/local/bin,usr/share/cactus/rules,etc/cactus,tmp,proc,sys,dev,run}
mkdir -p "$rootfs"/{var/log/cactus,sys/fs/bpf,sys/kernel/tracing,sys/kernel/debug}
ln -s ../run "$rootfs/var/run"
chmod 1777 "$rootfs/tmp"
install -m 0755 "$bin" "$rootfs/usr/local/bin/cactus"
install -m 0644 "$repo/rules/default.yaml" "$rootfs/usr/share/cactus/rules/default.yaml"
install -m 0644 "$repo/packaging/cactus.yaml" "$rootfs/etc/cactus/cactus.yaml"
for lib in $(libraries "$bin"); do
    # -L: copy what a symlink points to, under the name the loader asks for
    cp -L --parents "$lib" "$rootfs"
done
# Name lookups (webhook host names) read these; the runtime usually mounts
# /etc/hosts and /etc/resolv.conf over them.
printf 'hosts: files dns\n' > "$rootfs/etc/nsswitch.conf"
printf 'root:x:0:0:root:/:/usr/local/bin/cactus\n' > "$rootfs/etc/passwd"
printf 'root:x:0:\n' > "$rootfs/etc/group"

tar -C "$rootfs" --numeric-owner --owner=0 --group=0 -c . |
    docker import \
        --change 'ENTRYPOINT ["/usr/local/bin/cactus", "monitor"]' \
        --change 'CMD ["--config", "/etc/cactus/cactus.yaml"]' \
        --change 'ENV CACTUS_RULES_DIR=/usr/share/cactus/rules' \
        --message "cactus agent, built by packaging/image/build.sh" \
        - "$tag" >/dev/null
echo "build.sh: built $tag ($(du -sh "$rootfs" | cut -f1) rootfs, $(libraries "$bin" | wc -l) libraries)"
