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
# the io_uring helper of the kill tests (run.sh), static: the VM has busybox only
uring=build/tests/vm/uring_test
mkdir -p "$(dirname "$uring")"
${CC:-cc} -static -O2 -Wall -Wextra -Werror -o "$uring" tests/vm/uring_test.c
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# One boot running tests/vm/run.sh, its console in $log. Under software
# emulation the guest kernel itself sometimes wedges (seen on 5.10 while BPF
# trampolines were being detached: "soft lockup" on both vCPUs, nothing in
# the guest can finish): then the VM is stopped at once, exit status 200,
# instead of waiting for the time-out.
kill_tree() { # pid: its descendants first (qemu runs under timeout, its own group)
	for c in $(pgrep -P "$1"); do kill_tree "$c"; done
	kill -TERM "$1" 2>/dev/null || true
}
boot() { # kernel
	"$run_kernel" --kernel "$1" --timeout 2400 --add ./cactus --add tests/vm --add "$uring" -- \
		"$root/tests/vm/run.sh" >"$log" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		if grep -q "watchdog: BUG: soft lockup" "$log"; then
			kill_tree "$pid"
			wait "$pid" 2>/dev/null || true
			return 200
		fi
		sleep 2
	done
	wait "$pid"
}

status=0
for kernel in ${VM_KERNELS:-6.1 5.10}; do
	# the console is long; show the test lines, all of it on failure
	start=$(date +%s)
	rc=0
	boot "$kernel" || rc=$?
	if [ "$rc" = 200 ]; then
		# said, with the console up to the lockup, then one more boot
		tr -d '\r' <"$log" | grep -E '^(ok|FAIL|vm-tests|run-kernel):|soft lockup' | head -60
		echo "test-vm: $kernel: the emulated kernel locked up (above); booting it once more"
		rc=0
		boot "$kernel" || rc=$?
	fi
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
