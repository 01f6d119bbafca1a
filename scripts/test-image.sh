#!/usr/bin/env bash
# Builds the local test image cactus-busybox:latest from busybox-static
# (no registry is reachable): a rootfs with busybox and its applet links.
set -euo pipefail

IMAGE=${CACTUS_TEST_IMAGE:-cactus-busybox:latest}
if docker image inspect "$IMAGE" >/dev/null 2>&1; then
    exit 0
fi
echo "setup: building $IMAGE" >&2
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,tmp,mnt,proc,sys,dev,root,var/log}
cp /bin/busybox "$root/bin/busybox"
for applet in $("$root/bin/busybox" --list-full); do
    [ "$applet" = bin/busybox ] && continue
    ln -sf /bin/busybox "$root/$applet"
done
echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
echo 'root:x:0:' >"$root/etc/group"
echo 'root:*:19000:0:99999:7:::' >"$root/etc/shadow"
chmod 600 "$root/etc/shadow"
echo 'cactus test file' >"$root/mnt/test.txt"
tar -C "$root" -c . | docker import -c 'CMD ["/bin/sh"]' - "$IMAGE" >/dev/null
