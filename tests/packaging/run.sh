#!/usr/bin/env bash
# Validates packaging/: the systemd unit (systemd-analyze verify, with its
# ExecStart binary made to exist, and the hardening it must keep), the
# DaemonSet and config YAML (python3-yaml: parse, and the fields operators
# rely on), both configs through `cactus config check`, the unit's ExecStart
# run for real (root), and the image script (bash -n; built and run when
# docker is up).
# Each check is also run on a broken copy, which must fail.
#
#   tests/packaging/run.sh        from the repository root, after `make`
#
# With CI=true a missing tool (systemd-analyze, python3-yaml, docker) fails
# instead of skipping. Ends with "N passed, N failed"; exit 1 on a failure.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1

pass=0 failed=0 skipped=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
check=tests/packaging/check_manifests.py

ok()   { echo "ok - $1"; pass=$((pass + 1)); }
bad()  { echo "FAIL - $1"; failed=$((failed + 1)); }
skip() {
    if [ "${CI:-}" = true ]; then bad "$1 (CI=true: $2)"; return; fi
    echo "skip - $1 ($2)"; skipped=$((skipped + 1))
}
# expect NAME 0|1 CMD...: the command must succeed (0) or fail (1).
expect() {
    local name=$1 want=$2 out rc
    shift 2
    out=$("$@" 2>&1); rc=$?
    if { [ "$want" = 0 ] && [ $rc = 0 ]; } || { [ "$want" = 1 ] && [ $rc != 0 ]; }; then
        ok "$name"
    else
        bad "$name (exit $rc)"; printf '%s\n' "$out" | sed 's/^/    /'
    fi
}

# systemd-analyze verify prints warnings without failing: any output fails.
verify_unit() {
    local out rc
    out=$(systemd-analyze verify "$1" 2>&1); rc=$?
    printf '%s' "$out"
    [ $rc = 0 ] && [ -z "$out" ]
}

# The unit as installed, but with ExecStart pointing at a copy that exists.
unit_copy() {
    mkdir -p "$tmp/root/usr/local/bin"
    cp -f "${CACTUS_BIN:-./cactus}" "$tmp/root/usr/local/bin/cactus" 2>/dev/null ||
        printf '#!/bin/sh\n' > "$tmp/root/usr/local/bin/cactus"
    chmod +x "$tmp/root/usr/local/bin/cactus"
    sed "s#/usr/local/bin/cactus#$tmp/root/usr/local/bin/cactus#" \
        packaging/systemd/cactus.service > "$tmp/$1"
}

check_unit() {
    expect "unit: hardening and commands" 0 python3 $check unit packaging/systemd/cactus.service
    sed '/^NoNewPrivileges/d; s/ CAP_BPF//' packaging/systemd/cactus.service > "$tmp/weak.service"
    expect "unit: a weakened copy is refused" 1 python3 $check unit "$tmp/weak.service"
    if ! command -v systemd-analyze >/dev/null; then
        skip "unit: systemd-analyze verify" "systemd-analyze not found (package systemd)"
        return
    fi
    unit_copy cactus.service
    expect "unit: systemd-analyze verify" 0 verify_unit "$tmp/cactus.service"
    sed 's#^ExecStart=[^ ]*#ExecStart=/nonexistent/cactus#' "$tmp/cactus.service" > "$tmp/gone.service"
    expect "unit: verify refuses a missing ExecStart binary" 1 verify_unit "$tmp/gone.service"
    sed 's/^ProtectSystem=strict/ProtectSystem=sometimes/' "$tmp/cactus.service" > "$tmp/typo.service"
    expect "unit: verify refuses a bad value" 1 verify_unit "$tmp/typo.service"
}

check_yaml() {
    if ! python3 -c 'import yaml' 2>/dev/null; then
        skip "yaml checks" "python3 yaml module not found (package python3-yaml)"
        return
    fi
    local ds=packaging/kubernetes/daemonset.yaml
    expect "daemonset: parses, has the expected fields" 0 python3 $check daemonset $ds
    expect "config: packaging/cactus.yaml parses" 0 python3 $check config packaging/cactus.yaml
    sed 's/privileged: true/privileged: false/' $ds > "$tmp/a.yaml"
    expect "daemonset: unprivileged copy refused" 1 python3 $check daemonset "$tmp/a.yaml"
    sed 's/mountPropagation: Bidirectional/mountPropagation: None/' $ds > "$tmp/b.yaml"
    expect "daemonset: bpffs without propagation refused" 1 python3 $check daemonset "$tmp/b.yaml"
    sed 's#path: /healthz#path: /#' $ds > "$tmp/c.yaml"
    expect "daemonset: probe off /healthz refused" 1 python3 $check daemonset "$tmp/c.yaml"
    sed '/run-crun/d' $ds > "$tmp/d.yaml"
    expect "daemonset: missing runtime dir refused" 1 python3 $check daemonset "$tmp/d.yaml"
    sed 's/^  cactus.yaml: |/  cactus.yaml: [/' $ds > "$tmp/e.yaml"
    expect "daemonset: malformed YAML refused" 1 python3 $check daemonset "$tmp/e.yaml"
}

# ---- the shipped configs through the real CLI ----

cactus_bin() { printf '%s' "${CACTUS_BIN:-./cactus}"; }

# The DaemonSet's ConfigMap cactus.yaml, into $1.
configmap_to() {
    python3 -c 'import sys, yaml
for d in yaml.safe_load_all(open(sys.argv[1])):
    if d and d.get("kind") == "ConfigMap":
        sys.stdout.write(d["data"]["cactus.yaml"])' packaging/kubernetes/daemonset.yaml > "$1"
}

# The ExecStart of unit $1, the example config in place of /etc/cactus/cactus.yaml,
# with its output file and metrics address moved to the test's own: the
# agent must start, say /healthz ok, and stop with status 0 on SIGTERM.
unit_runs() {
    local port cmd pid ok=1 tries=60
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    # pins on bpffs are the test's own, removed after (cactus detach)
    pin=/sys/fs/bpf/cactus-packaging-$$
    sed -e "s#^output-file: .*#output-file: $tmp/events.log#" \
        -e "s#^metrics-addr: .*#metrics-addr: 127.0.0.1:$port#" \
        -e "s#^pin-path: .*#pin-path: $pin#" \
        packaging/cactus.yaml > "$tmp/run.yaml"
    cmd=$(sed -n 's/^ExecStart=//p' "$1")
    cmd=${cmd/\/usr\/local\/bin\/cactus/$(cactus_bin)}
    cmd=${cmd/\/etc\/cactus\/cactus.yaml/$tmp/run.yaml}
    # shellcheck disable=SC2086 # the unit's words, split as systemd does
    $cmd 2> "$tmp/run.err" & pid=$!
    while [ $tries -gt 0 ]; do
        tries=$((tries - 1))
        if curl -sf "http://127.0.0.1:$port/healthz" 2>/dev/null | grep -qx ok; then
            ok=0; break
        fi
        kill -0 $pid 2>/dev/null || break
        sleep 0.5
    done
    kill -TERM $pid 2>/dev/null
    wait $pid || ok=1
    # SIGTERM left the programs pinned for a restart: the test's stop is final
    "$(cactus_bin)" detach --pin-path "$pin" 2>/dev/null || ok=1
    [ ! -e "$pin" ] || ok=1
    if [ $ok != 0 ] || [ ! -f "$tmp/events.log" ]; then
        cat "$tmp/run.err"
        return 1
    fi
}

check_cli() {
    if [ ! -x "$(cactus_bin)" ]; then
        skip "configs through cactus config check" "no ./cactus (run make)"
        return
    fi
    expect "config: cactus config check packaging/cactus.yaml" 0 \
        "$(cactus_bin)" config check packaging/cactus.yaml
    sed 's/^ring-size: 16/ring-size: 3/' packaging/cactus.yaml > "$tmp/bad.yaml"
    expect "config: a copy with a bad value is refused" 1 "$(cactus_bin)" config check "$tmp/bad.yaml"
    if python3 -c 'import yaml' 2>/dev/null; then
        configmap_to "$tmp/configmap.yaml"
        expect "daemonset: its config passes cactus config check" 0 \
            "$(cactus_bin)" config check "$tmp/configmap.yaml"
    fi
    if [ "$(id -u)" != 0 ]; then
        skip "unit: its ExecStart runs the agent" "not root"
    elif ! command -v curl >/dev/null; then
        skip "unit: its ExecStart runs the agent" "curl not found"
    else
        expect "unit: its ExecStart runs the agent (/healthz ok, exit 0 on SIGTERM)" 0 \
            unit_runs packaging/systemd/cactus.service
        sed 's#^ExecStart=.*#& --ring-size 3#' packaging/systemd/cactus.service > "$tmp/opt.service"
        expect "unit: an ExecStart the CLI refuses fails" 1 unit_runs "$tmp/opt.service"
    fi
}

# Builds under a throw-away tag and runs `cactus help` from the image.
image_smoke() {
    local tag=cactus-agent:packaging-test-$$ rc=0
    packaging/image/build.sh "$tag" >/dev/null || return 1
    docker run --rm --network none --entrypoint /usr/local/bin/cactus "$tag" help \
        | grep -q '^Usage: cactus' || rc=1
    [ "$(docker image inspect "$tag" --format '{{json .Config.Entrypoint}}')" = \
      '["/usr/local/bin/cactus","monitor"]' ] || rc=1
    docker image rm -f "$tag" >/dev/null
    return $rc
}

check_image() {
    expect "image: build.sh is valid bash" 0 bash -n packaging/image/build.sh
    if command -v shellcheck >/dev/null; then
        expect "scripts: shellcheck" 0 shellcheck packaging/image/build.sh tests/packaging/run.sh
    fi
    if ! docker info >/dev/null 2>&1; then
        skip "image: build and run" "no docker daemon"
    elif [ ! -x "${CACTUS_BIN:-./cactus}" ]; then
        skip "image: build and run" "no ./cactus (run make)"
    else
        expect "image: built offline, cactus runs from it" 0 image_smoke
    fi
}

check_unit
check_yaml
check_cli
check_image
echo "$pass passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
