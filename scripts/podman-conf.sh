#!/usr/bin/env bash
# Configures podman for the e2e tests, in a drop-in of its own (podman 4.3
# reads /etc/containers/containers.conf.d/*.conf after containers.conf, so
# an existing containers.conf keeps its other settings):
#   runtime runc: crun 1.8 refuses hybrid cgroup hosts ("cgroups in hybrid
#     mode not supported"); runc puts the container in a cgroup v2 directory
#     too, under /sys/fs/cgroup/unified, which is what cactus keys on;
#   ulimits 1024: podman's defaults (nofile 1048576, nproc from the host)
#     exceed what a sandboxed root may set (runc then fails with EPERM).
# Then checks that a container of the test image really runs.
set -euo pipefail

IMAGE=${CACTUS_PODMAN_IMAGE:-localhost/cactus-busybox:latest}
DROPIN=/etc/containers/containers.conf.d/cactus.conf
WANT='# written by cactus scripts/podman-conf.sh (e2e tests)
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]

[engine]
runtime = "runc"'

if [ "$(cat "$DROPIN" 2>/dev/null)" != "$WANT" ]; then
    echo "setup: writing $DROPIN" >&2
    mkdir -p "$(dirname "$DROPIN")"
    printf '%s\n' "$WANT" >"$DROPIN.tmp"
    mv "$DROPIN.tmp" "$DROPIN"
fi

runtime=$(podman info --format '{{.Host.OCIRuntime.Name}}')
if [ "$runtime" != runc ]; then
    echo "setup: podman uses OCI runtime '$runtime', not runc, despite $DROPIN" >&2
    exit 1
fi

# the image is loaded by test-image.sh (setup.sh runs this script after it)
if ! out=$(podman run --rm --network none "$IMAGE" true 2>&1); then
    echo "setup: podman cannot run a container:" >&2
    echo "$out" >&2
    exit 1
fi
