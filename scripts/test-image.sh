#!/usr/bin/env bash
# Builds the local test image cactus-busybox:latest from busybox-static
# (no registry is reachable): a rootfs with busybox and its applet links.
# Then makes the same image available to the other runtimes the e2e tests
# use: containerd (namespaces k8s.io and default, as
# docker.io/library/cactus-busybox:latest) and podman
# (localhost/cactus-busybox:latest). Idempotent: an import is redone only
# when the docker image changed (containerd images carry the docker image
# id in a label, podman's image id is docker's).
set -euo pipefail

IMAGE=${CACTUS_TEST_IMAGE:-cactus-busybox:latest}
CTR_IMAGE=docker.io/library/$IMAGE      # how containerd names a docker save'd name:tag
PODMAN_IMAGE=localhost/$IMAGE           # how podman load names it
CTR_NAMESPACES="k8s.io default"
LABEL=cactus.docker-id

build() {
    echo "setup: building $IMAGE" >&2
    local root
    root=$(mktemp -d)
    # shellcheck disable=SC2064
    trap "rm -rf '$root'" RETURN
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
}

if ! docker image inspect "$IMAGE" >/dev/null 2>&1; then
    build
fi
id=$(docker image inspect -f '{{.Id}}' "$IMAGE")

# containerd: `ctr images ls` prints a LABELS column: key=value,...
for ns in $CTR_NAMESPACES; do
    if ctr -n "$ns" images ls "name==$CTR_IMAGE" 2>/dev/null |
            grep -q "$LABEL=$id"; then
        continue
    fi
    echo "setup: importing $IMAGE into containerd namespace $ns" >&2
    docker save "$IMAGE" | ctr -n "$ns" images import - >/dev/null
    ctr -n "$ns" images label "$CTR_IMAGE" "$LABEL=$id" >/dev/null
done

if [ "$(podman image inspect -f '{{.Id}}' "$PODMAN_IMAGE" 2>/dev/null)" != "${id#sha256:}" ]; then
    echo "setup: loading $IMAGE into podman" >&2
    docker save "$IMAGE" | podman load -q >/dev/null
fi
