#!/bin/sh
# `make test-vm`: runs tests/vm/run.sh under two more kernels (Debian 12's
# 6.1 and Debian 11's 5.10, where kprobes, fentry/fexit and BPF-LSM work;
# 5.10 takes the fallbacks of bpf/compat.h) with ../shared/vm/run-kernel.
# Without run-kernel: skipped, or a failure when CI=true.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
# ../shared beside the checkout; a clone elsewhere (CI) finds it at /work/shared
run_kernel=${RUN_KERNEL:-$root/../shared/vm/run-kernel}
if [ ! -x "$run_kernel" ] && [ -z "${RUN_KERNEL:-}" ] && [ -x /work/shared/vm/run-kernel ]; then
	run_kernel=/work/shared/vm/run-kernel
fi
if [ ! -x "$run_kernel" ]; then
	if [ "${CI:-}" = true ]; then
		echo "test-vm: FAIL: $run_kernel not found (CI=true)" >&2
		exit 1
	fi
	echo "test-vm: skipped: $run_kernel not found (set RUN_KERNEL)"
	exit 0
fi
cd "$root"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
for kernel in ${VM_KERNELS:-6.1 5.10}; do
	# the console is long; show the test lines, all of it on failure
	rc=0
	start=$(date +%s)
	"$run_kernel" --kernel "$kernel" --timeout 2400 --add ./cactus --add tests/vm -- \
		"$root/tests/vm/run.sh" >"$log" 2>&1 || rc=$?
	if [ "$rc" = 0 ]; then
		tr -d '\r' <"$log" | grep -E '^(ok|FAIL|vm-tests|run-kernel):' || true
		echo "test-vm: $kernel passed in $(($(date +%s) - start)) s"
		continue
	fi
	tr -d '\r' <"$log"
	echo "test-vm: $kernel FAIL (exit status $rc)" >&2
	status=1
done
exit $status
