#!/usr/bin/env bash
# Builds cactus-debian:latest, a Debian 12 image from local files (no
# registry is reachable): debootstrap's minbase from the Debian mirror
# apt uses, imported as the image's first layer, and a second layer made
# with `docker commit` on top of it. Files of the first layer (/etc/shadow,
# /usr/bin/*) are then in a lower layer under another one, as in a real
# image: the evasion tests (tests/e2e/test_evasion.py) alias them there.
# Idempotent: nothing is done when the image exists.
set -euo pipefail

IMAGE=${CACTUS_DEBIAN_IMAGE:-cactus-debian:latest}
MIRROR=${CACTUS_DEBIAN_MIRROR:-http://deb.debian.org/debian}

if docker image inspect "$IMAGE" >/dev/null 2>&1; then
    exit 0
fi
echo "setup: building $IMAGE (debootstrap minbase bookworm from $MIRROR)" >&2
root=$(mktemp -d)
name=cactus-debian-build-$$
# shellcheck disable=SC2064
trap "rm -rf '$root'; docker rm -f $name >/dev/null 2>&1 || true" EXIT
debootstrap --variant=minbase bookworm "$root" "$MIRROR" >/dev/null
tar -C "$root" -c . | docker import -c 'CMD ["/bin/bash"]' - "$IMAGE-base" >/dev/null
docker run --name "$name" --network none "$IMAGE-base" \
    sh -c 'echo "cactus test layer" > /etc/cactus-layer' >/dev/null
docker commit "$name" "$IMAGE" >/dev/null
docker rmi "$IMAGE-base" >/dev/null 2>&1 || true
