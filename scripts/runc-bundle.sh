#!/usr/bin/env bash
# Writes an OCI bundle for a bare `runc run --bundle DIR ID` of the test image:
#   runc-bundle.sh [--id ID] [--cgroup PATH] [--annotation K=V]... DIR [--] CMD [ARG...]
# DIR/rootfs: the image's filesystem (a copy per bundle, so it is writable;
#   the image is exported once with `docker export` into a cache keyed by
#   the image id, /var/cache/cactus-test/rootfs-<id>);
# DIR/config.json: `runc spec`, then: no terminal, args = CMD..., writable
#   root, annotations from --annotation; the namespaces of `runc spec`
#   stay as they are: pid, ipc, uts, mount and a new network namespace,
#   which runc gives only a loopback interface (like docker --network none);
#   linux.cgroupsPath: PATH when --cgroup is given, else /cactus-test/ID
#   when --id is given (a parent of our own, so that leftovers are easy to
#   find), else unset, which makes runc use <runc's own cgroup>/<ID>.
#   On a hybrid host runc 1.1 creates the path in every v1 hierarchy and in
#   the cgroup2 one (/sys/fs/cgroup/unified<path>).
set -euo pipefail

IMAGE=${CACTUS_TEST_IMAGE:-cactus-busybox:latest}
CACHE=/var/cache/cactus-test

usage() {
    echo "usage: $0 [--id ID] [--cgroup PATH] [--annotation K=V]... DIR [--] CMD [ARG...]" >&2
    exit 2
}

id="" cgroup="" annotations=()
while [ $# -gt 0 ]; do
    case "$1" in
    --id) [ $# -ge 2 ] || usage; id=$2; shift 2 ;;
    --cgroup) [ $# -ge 2 ] || usage; cgroup=$2; shift 2 ;;
    --annotation) [ $# -ge 2 ] || usage
        case "$2" in *=*) ;; *) usage ;; esac
        annotations+=("$2"); shift 2 ;;
    --) shift; break ;;
    -*) usage ;;
    *) break ;;
    esac
done
[ $# -ge 2 ] || usage
dir=$1
shift
[ "${1:-}" = -- ] && shift
[ $# -ge 1 ] || usage
if [ -z "$cgroup" ] && [ -n "$id" ]; then
    cgroup=/cactus-test/$id
fi

# the image's rootfs, exported once per image id (safe when run in parallel:
# each caller exports into its own temporary directory, the first rename wins)
image_id=$(docker image inspect -f '{{.Id}}' "$IMAGE")
cached=$CACHE/rootfs-${image_id#sha256:}
if [ ! -d "$cached" ]; then
    mkdir -p "$CACHE"
    tmp=$(mktemp -d "$CACHE/.export.XXXXXX")
    cid=$(docker create "$IMAGE" true)
    if ! docker export "$cid" | tar -C "$tmp" -x; then
        docker rm -f "$cid" >/dev/null 2>&1 || true
        rm -rf "$tmp"
        echo "$0: docker export of $IMAGE failed" >&2
        exit 1
    fi
    docker rm -f "$cid" >/dev/null
    mv -T "$tmp" "$cached" 2>/dev/null || rm -rf "$tmp"
fi

mkdir -p "$dir"
rm -rf "$dir/rootfs" "$dir/config.json"
cp -a "$cached" "$dir/rootfs"
(cd "$dir" && runc spec)

python3 - "$dir/config.json" "$cgroup" "${#annotations[@]}" \
    "${annotations[@]+"${annotations[@]}"}" "$@" <<'PY'
import json, sys
path, cgroup, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
annotations = dict(a.split("=", 1) for a in sys.argv[4:4 + n])
args = sys.argv[4 + n:]
with open(path) as f:
    spec = json.load(f)
spec["process"]["terminal"] = False
spec["process"]["args"] = args
spec["process"]["env"] = [e for e in spec["process"]["env"]
                          if not e.startswith("TERM=")]
spec["root"]["readonly"] = False
if annotations:
    spec["annotations"] = annotations
if cgroup:
    spec["linux"]["cgroupsPath"] = cgroup
with open(path, "w") as f:
    json.dump(spec, f, indent=2)
PY
