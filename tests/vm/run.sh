#!/bin/sh
# cactus end-to-end tests under run-kernel's kernels, 6.1 and 5.10 (busybox
# only: no python, no container runtime). A "container" is `unshare -p -m -f
# --mount-proc`. For each attach mode the kernel offers (fentry, kprobe,
# tracepoint, tp_btf, raw_tp): the same script, its events checked field by
# field, a host process must produce none, and every mode's event list must
# equal the tracepoint mode's. Then enforcement: kill rules (a relative path,
# a prefix; refused in BPF-LSM too: a symlink, an exec, io_uring opens,
# CLONE_FILES siblings), cgroup connect deny (a port, a CIDR), BPF-LSM open
# and exec deny, in a container only. Prints ok:/FAIL: lines; exit 1 on
# failure.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=${here%/tests/vm}
cactus=$root/cactus
W=/tmp/cactus-vm
rm -rf "$W"; mkdir -p "$W"; cd "$W" || exit 1
fails=0
ok() { echo "ok: $*"; }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

ip link set lo up
echo cactus-vm > /etc/hostname
host_pidns=$(readlink /proc/self/ns/pid | tr -cd 0-9)
host_mntns=$(readlink /proc/self/ns/mnt | tr -cd 0-9)

# The container's script (the issue's workload), after a go signal so that
# its namespaces can be read first.
SCRIPT='cd /tmp; echo hi > f.txt; cat f.txt; /bin/true arg1; nc 127.0.0.1 1234 </dev/null; sleep 5 & kill -TERM $!'

# JSON Lines -> one tab-separated line per event with the fields asked for.
# cactus's JSON is flat, but argv is an array: values are taken raw.
FIELDS="pid_ns mnt_ns pid host_pid comm syscall category activity dirname filename exe argv family addr port signal target_pid ret"
extract() {
	awk -v fields="$FIELDS" '
	function val(line, k,    i, s, j, c, q, esc, d, out) {
		i = index(line, "\"" k "\":")
		if (!i) return "-"
		s = substr(line, i + length(k) + 3)
		q = 0; esc = 0; d = 0; out = ""
		for (j = 1; j <= length(s); j++) {
			c = substr(s, j, 1)
			if (q) {
				if (esc) esc = 0
				else if (c == "\\") esc = 1
				else if (c == "\"") q = 0
			} else if (c == "\"") q = 1
			else if (c == "[" || c == "{") d++
			else if (c == "]" || c == "}") { if (d == 0) break; d-- }
			else if (c == "," && d == 0) break
			out = out c
		}
		gsub(/^"|"$/, "", out)
		return out
	}
	BEGIN { n = split(fields, f, " ") }
	{ s = val($0, f[1]); for (i = 2; i <= n; i++) s = s "\t" val($0, f[i]); print s }' "$1"
}
# column of a field in extract's output
col() { echo "$FIELDS" | tr ' ' '\n' | grep -n "^$1\$" | cut -d: -f1; }

# these tests are about capture, not rules: no rule set (none is installed here)
norules=
"$cactus" help | grep -q -- --no-default-rules && norules=--no-default-rules
# the syscalls the script makes (and the process ones): under emulation
# fentry verifies one program per traced syscall, minutes on 5.10 for all
SYSCALLS=openat,execve,connect,socket,kill,clone,clone3,fork,vfork,exit_group,unshare,setns

cpid=
# start-up may take minutes: software emulation, and fentry verifies one
# program per traced syscall (up to 600 s here)
start_cactus() { # name args...
	name=$1; shift
	"$cactus" monitor --output json $norules "$@" >"out.$name" 2>"err.$name" &
	cpid=$!
	i=0
	while ! grep -q monitoring "err.$name" 2>/dev/null; do
		if ! kill -0 "$cpid" 2>/dev/null || [ $i -ge 6000 ]; then
			fail "$name: cactus did not start: $(cat "err.$name")"
			kill -INT "$cpid" 2>/dev/null; wait "$cpid"
			return 1
		fi
		sleep 0.1; i=$((i + 1))
	done
	echo "vm-tests: $name: $(grep monitoring "err.$name")"
}
stop_cactus() {
	sleep 1 # the consumer polls every 50 ms; the VM is slow
	kill -INT "$cpid"; wait "$cpid"; echo "vm-tests: cactus exit status $?"
	# cactus leaves a child detaching its programs: let it finish before the
	# next mode attaches to the same functions (once, under qemu's emulation,
	# a kprobe attaching while fentry trampolines were removed crashed 6.1)
	i=0
	while grep -qx cactus /proc/[0-9]*/comm 2>/dev/null && [ $i -lt 600 ]; do
		sleep 0.2; i=$((i + 1))
	done
}

# Runs SCRIPT in new pid+mnt namespaces; leaves their inodes in ns.$1.
run_container() {
	rm -f go; mkfifo go
	unshare -p -m -f --mount-proc sh -c "read x < $W/go; $SCRIPT" >"script.$1" 2>&1 &
	upid=$!
	child=
	i=0
	while [ -z "$child" ] && [ $i -lt 100 ]; do
		child=$(cat /proc/$upid/task/$upid/children 2>/dev/null | awk '{print $1}')
		[ -n "$child" ] || sleep 0.1
		i=$((i + 1))
	done
	echo "$(readlink /proc/$child/ns/pid | tr -cd 0-9) $(readlink /proc/$child/ns/mnt | tr -cd 0-9)" >"ns.$1"
	cat /etc/hostname >/dev/null # a host process: must produce no event
	echo go >go
	wait $upid
}

check_mode() {
	m=$1
	start_cactus "$m" --attach "$m" --syscall "$SYSCALLS" || return
	run_container "$m"
	stop_cactus
	read cpidns cmntns <"ns.$m"
	extract "out.$m" >"ev.$m"
	echo "vm-tests: $m: $(wc -l <"out.$m") events, container pid_ns=$cpidns mnt_ns=$cmntns"
	if [ -z "$cpidns" ] || [ "$cpidns" = "$host_pidns" ]; then
		fail "$m: container namespaces not found"; return
	fi
	grep -q "attach=$m" "err.$m" || fail "$m: start-up line does not name the mode"
	# once, that no docker daemon answers
	nd=$(grep -c "source: docker API .*: absent" "err.$m")
	[ "$nd" = 1 ] && ok "$m: said once: $(grep "source: docker API" "err.$m")" \
		|| { fail "$m: 'docker API ... absent' said $nd times on stderr:"; cat "err.$m"; }
	grep -q "warning: this kernel has no" "err.$m" && fail "$m: $(grep "this kernel has no" "err.$m")"
	# the container's own events: its pid namespace
	awk -F'\t' -v p="$cpidns" '$1 == p' "ev.$m" >"own.$m"
	[ -s "own.$m" ] && ok "$m: $(wc -l <"own.$m") events from the container" || fail "$m: no container events"
	awk -F'\t' -v mn="$cmntns" '$2 != mn' "own.$m" | grep -q . && fail "$m: an event with the wrong mnt_ns"
	# kernel-side fields filled on every event: pid, host_pid, comm, syscall, category, activity, ret
	bad=$(awk -F'\t' '$3 == "-" || $4 == "-" || $4 == 0 || $5 == "" || $5 == "-" || $6 == "-" || $6 == "unknown" || $7 == "-" || $8 == "-" || $18 == "-"' "own.$m" | head -3)
	[ -z "$bad" ] && ok "$m: kernel-side fields filled" || fail "$m: unfilled fields: $bad"
	# host processes: none
	awk -F'\t' -v p="$host_pidns" -v mn="$host_mntns" '$1 == p && $2 == mn' "ev.$m" | grep -q . \
		&& fail "$m: an event from a host process"
	awk -F'\t' '$10 == "hostname"' "ev.$m" | grep -q . && fail "$m: the host's cat /etc/hostname was seen" \
		|| ok "$m: no event from the host"
	# openat of f.txt by a relative path, by the shell (pid 1)
	awk -F'\t' '$6 == "openat" && $10 == "f.txt" && $9 == "/tmp" && $3 == 1 && $7 == "File Operation" && $8 == "File Open" && $18 >= 0' "own.$m" | grep -q . \
		&& ok "$m: openat f.txt dirname /tmp" || fail "$m: no openat of /tmp/f.txt: $(awk -F'\t' '$6 == "openat"' "own.$m" | head -5)"
	# dirname/filename: the name asked for; exe ($11): the file executed (busybox here)
	awk -F'\t' '$6 == "execve" && $9 == "/bin" && $10 == "true" && $11 != "" && $12 == "[\"/bin/true\",\"arg1\"]" && $18 == 0 && $7 == "Process Manage" && $3 > 1' "own.$m" | grep -q . \
		&& ok "$m: execve /bin/true arg1" || fail "$m: no execve of /bin/true arg1: $(awk -F'\t' '$6 == "execve"' "own.$m" | head -5)"
	awk -F'\t' '$6 == "connect" && $13 == "AF_INET" && $14 == "127.0.0.1" && $15 == 1234 && $18 == -111 && $7 == "Network Operation"' "own.$m" | grep -q . \
		&& ok "$m: connect 127.0.0.1:1234 refused" || fail "$m: no connect to 127.0.0.1:1234: $(awk -F'\t' '$6 == "connect"' "own.$m" | head -3)"
	awk -F'\t' '$6 == "kill" && $16 == "SIGTERM" && $17 > 1 && $18 == 0 && $3 == 1 && $7 == "Signal Handling"' "own.$m" | grep -q . \
		&& ok "$m: kill SIGTERM" || fail "$m: no kill SIGTERM: $(awk -F'\t' '$6 == "kill"' "own.$m" | head -3)"
	# for the comparison: drop host pids (fields 1, 2, 4, 5: namespaces, host_pid, comm), the
	# killed child (racy: killed before or after its exec) and the child's half of fork/clone
	# (only the tracepoint modes see a child return from a syscall it never entered)
	victim=$(awk -F'\t' '$6 == "kill" {print $17; exit}' "own.$m")
	awk -F'\t' -v v="$victim" 'BEGIN { OFS = "\t" }
		$3 == v { next }
		($6 == "clone" || $6 == "clone3" || $6 == "fork" || $6 == "vfork") && $18 == 0 { next }
		{ print $3, NR, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18 }' "own.$m" |
		sort -n -s -k1,1 | cut -f1,3- >"cmp.$m"
}

for m in fentry kprobe tracepoint tp_btf raw_tp; do
	check_mode $m
done
for m in fentry kprobe tp_btf raw_tp; do
	if [ -s cmp.$m ] && [ -s cmp.tracepoint ] && cmp -s cmp.$m cmp.tracepoint; then
		ok "$m and tracepoint: same $(wc -l <cmp.$m) container events, field by field"
	else
		fail "$m and tracepoint differ:"
		diff cmp.tracepoint cmp.$m | head -20
	fi
done

# io_uring: an IORING_OP_OPENAT in a container is an openat event (via
# io_uring) of the ring's owner, inline and in an io-wq worker. 6.0+: at
# completion, the file opened and the fd; 5.x (no request in
# io_uring_complete): at submission, ret null, the path as spelled.
echo uring-data >/tmp/uring.txt
if start_cactus uring --attach tracepoint --syscall "$SYSCALLS"; then
	unshare -p -m -f --mount-proc sh -c "cd /tmp; $root/build/tests/vm/uring_test read uring.txt;
		$root/build/tests/vm/uring_test -a read /tmp/uring.txt" >uring.ct 2>&1
	stop_cactus
	grep -q uring-data uring.ct || fail "uring: the helper did not read: $(cat uring.ct)"
	grep '"via":"io_uring"' out.uring | grep '"syscall":"openat"' | grep '"uring_op":"OPENAT"' |
		grep '"exe":"[^"]*/uring_test"' | grep '"filename":"uring.txt"' >uring.ev
	if grep -q 'reported at submission' err.uring; then
		[ "$(grep -c '"ret":null' uring.ev)" = 2 ] \
			&& ok "uring: 2 io_uring opens reported at submission (5.x: no request at completion)" \
			|| fail "uring: want 2 io_uring openat events (ret null): $(grep io_uring out.uring | head -3)"
	else
		grep -q '"ret":[0-9]' uring.ev && grep '"uring_thread":"worker"' uring.ev |
			grep '"dirname":"/tmp"' | grep -q '"ret":[0-9]' && grep '"uring_thread":"inline"' uring.ev |
			grep -q '"path_arg":"uring.txt"' \
			&& ok "uring: io_uring opens inline and in a worker: openat events with the file opened and the fd" \
			|| fail "uring: want openat events via io_uring with their results: $(grep io_uring out.uring | head -3)"
	fi
fi

# BPF-LSM: open (and exec) of a denied path fail inside the container only
echo secret >/tmp/secret.txt
mkdir -p /tmp/denied; cp /bin/busybox /tmp/denied/true # busybox runs applet "true"
if start_cactus lsm --attach tracepoint --syscall "$SYSCALLS" --deny-open /tmp/secret.txt \
	--deny-open /tmp/denied/true; then
	grep -q "BPF-LSM unavailable" err.lsm && fail "lsm: $(grep BPF-LSM err.lsm)"
	unshare -p -m -f --mount-proc sh -c 'cat /tmp/secret.txt' >lsm.cat 2>&1
	rc=$?
	grep -q "Operation not permitted" lsm.cat && [ $rc != 0 ] \
		&& ok "lsm: container cat /tmp/secret.txt: $(cat lsm.cat)" || fail "lsm: container read it (rc $rc): $(cat lsm.cat)"
	unshare -p -m -f --mount-proc sh -c '/tmp/denied/true' >lsm.exec 2>&1
	rc=$?
	grep -q "Operation not permitted" lsm.exec && [ $rc != 0 ] \
		&& ok "lsm: container exec of /tmp/denied/true: $(cat lsm.exec)" \
		|| fail "lsm: container executed /tmp/denied/true (rc $rc): $(cat lsm.exec)"
	[ "$(cat /tmp/secret.txt)" = secret ] && ok "lsm: the host reads /tmp/secret.txt" || fail "lsm: the host cannot read it"
	/tmp/denied/true && ok "lsm: the host executes /tmp/denied/true" || fail "lsm: the host cannot exec it"
	stop_cactus
	extract out.lsm >ev.lsm
	awk -F'\t' '$6 == "openat" && $9 == "/tmp" && $10 == "secret.txt" && $18 == -1' ev.lsm | grep -q . \
		&& ok "lsm: the denied open is an event with ret -1 (EPERM)" || fail "lsm: no openat event with ret -1: $(grep secret ev.lsm | head -3)"
fi

# Kill rules and cgroup deny rules, in a container whose cgroup is named as
# docker names one (the deny programs learn container cgroups by name)
cat >rules.yaml <<'EOF'
- rule: kill_on_open
  description: opening /tmp/killme.txt kills the process
  priority: critical
  match: {syscall: [open, openat], path: /tmp/killme.txt}
  action: kill
- rule: kill_prefix
  description: opening anything under /tmp/kdir/ kills
  priority: critical
  match: {syscall: [open, openat], path: {prefix: /tmp/kdir/}}
  action: kill
- rule: kill_exec
  description: running /tmp/kexec/true kills it
  priority: critical
  match: {syscall: [execve, execveat], path: /tmp/kexec/true}
  action: kill
- rule: deny_port
  description: connect to port 4444 is denied
  priority: critical
  match: {syscall: connect, port: 4444}
  action: deny
- rule: deny_net
  description: connect to 10.1.0.0/16 is denied
  priority: critical
  match: {syscall: connect, addr: {cidr: [10.1.0.0/16]}}
  action: deny
EOF
mkdir -p /tmp/kdir; echo KILLME-SECRET >/tmp/killme.txt; echo KDIR-SECRET >/tmp/kdir/x
echo ok >/tmp/ok.txt; echo LOOKALIKE-OK >/tmp/killme.txt.bak; ln -sf /tmp/killme.txt /tmp/kl
mkdir -p /tmp/kexec; cp /bin/busybox /tmp/kexec/true; ln -sf /tmp/kexec/true /tmp/kx
CG=/sys/fs/cgroup/docker-$(printf '%064d' 0 | tr 0 a).scope
mkdir -p "$CG"
# Where BPF-LSM loads (both kernels here), a kill rule on a path refuses the
# file too (bpf/deny.h): a symlink to it, io_uring opens (inline, SQ thread,
# io-wq worker) and a clone(CLONE_FILES) sibling waiting for the fd get
# nothing of it; an exec by a symlink is refused. In the container after the
# lines above: "case=status", the io_uring helper's stdout in $2.<case>.out.
cat >lsm_kill_cases.sh <<'EOF'
H=$1 P=$2
u() { c=$1; shift; "$H" "$@" >"$P.$c.out" 2>"$P.$c.err"; echo "$c=$?"; }
cat /tmp/kl >/dev/null 2>&1; echo kill_symlink=$?
/tmp/kexec/true 2>/dev/null; echo kill_exec=$?
/tmp/kx 2>/dev/null; echo kill_exec_symlink=$?
u uring_inline read /tmp/killme.txt
u uring_sqpoll -s read /tmp/killme.txt
u uring_iowq -a read /tmp/kdir/x
u uring_files filesshare /tmp/killme.txt
u uring_files_sqpoll -s filesshare /tmp/kdir/x
u sys_files sysfilesshare /tmp/killme.txt
u uring_lookalike read /tmp/killme.txt.bak
# a CLONE_FILES child outlives its killed parent: its output, before pid 1 ends
sleep 1
EOF
LSM_WANT="kill_symlink=137 kill_exec=137 kill_exec_symlink=137 uring_inline=137 uring_sqpoll=137 uring_iowq=137 uring_files=137
	uring_files_sqpoll=137 sys_files=137 uring_lookalike=0"
for m in tracepoint kprobe fentry; do
	start_cactus "enf.$m" --attach "$m" --syscall "$SYSCALLS" --rules rules.yaml || continue
	unshare -p -m -f --mount-proc sh -c "echo \$\$ > $CG/cgroup.procs; cd /tmp
		cat killme.txt >/dev/null 2>&1; echo kill_rel=\$?
		cat /tmp/kdir/x >/dev/null 2>&1; echo kill_prefix=\$?
		cat /tmp/ok.txt >/dev/null 2>&1; echo open_ok=\$?
		nc 127.0.0.1 4444 </dev/null 2>&1 | grep -q 'not permitted'; echo deny_port=\$?
		nc 127.0.0.1 4445 </dev/null 2>&1 | grep -q 'refused'; echo other_refused=\$?
		nc 10.1.2.3 80 </dev/null 2>&1 | grep -q 'not permitted'; echo deny_cidr=\$?
		sh $W/lsm_kill_cases.sh $root/build/tests/vm/uring_test $W/u.$m" >"enf.$m.ct" 2>&1
	for want in kill_rel=137 kill_prefix=137 open_ok=0 deny_port=0 other_refused=0 deny_cidr=0 \
		$LSM_WANT; do
		got=$(grep "^${want%=*}=" "enf.$m.ct" | cut -d= -f2)
		[ "$got" = "${want#*=}" ] && ok "enforce $m: $want" \
			|| fail "enforce $m: ${want%=*} is '$got', want ${want#*=} ($(tr '\n' ' ' <"enf.$m.ct"))"
	done
	cat /tmp/killme.txt >/dev/null && ok "enforce $m: the host opens killme.txt" \
		|| fail "enforce $m: the host was stopped"
	nc 127.0.0.1 4444 </dev/null 2>&1 | grep -q refused && ok "enforce $m: the host's connect is not denied" \
		|| fail "enforce $m: the host's connect to 4444 was denied"
	leaked=$(cat u.$m.*.out | grep SECRET)
	[ -z "$leaked" ] && ok "enforce $m: io_uring and CLONE_FILES siblings read nothing of the killed files" \
		|| fail "enforce $m: leaked: $leaked ($(cat u.$m.*.err | tr '\n' ' '))"
	grep -q LOOKALIKE-OK u.$m.uring_lookalike.out && ok "enforce $m: io_uring reads the look-alike" \
		|| fail "enforce $m: look-alike not read: $(cat u.$m.uring_lookalike.*)"
	grep -q "rule kill_on_open: kill enforced by BPF-LSM file_open (EPERM + SIGKILL) and at syscall entry" \
		"err.enf.$m" && grep -q "rule kill_exec: kill enforced by BPF-LSM bprm_check_security (EPERM" \
		"err.enf.$m" && ok "enforce $m: start-up lines say BPF-LSM kills" \
		|| fail "enforce $m: no BPF-LSM kill lines: $(grep 'rule kill' "err.enf.$m")"
	stop_cactus
	# the symlink's open: refused in BPF-LSM, its record names the file and the rule
	grep '"syscall":"openat"' "out.enf.$m" | grep '"ret":-1' | grep '"filename":"killme.txt"' |
		grep '"path_arg":"/tmp/kl"' | grep '"killed":true' | grep -q '"outcome":"killed"' \
		&& ok "enforce $m: the symlink's openat: ret -1, killed, alert outcome killed" \
		|| fail "enforce $m: no killed openat of /tmp/kl: $(grep '/tmp/kl' "out.enf.$m" | head -3)"
	# the exec by a symlink: refused (ret -1), not killed after it ran
	grep '"syscall":"execve"' "out.enf.$m" | grep '"filename":"kx"' | grep '"ret":-1' |
		grep -q '"killed":true' && ok "enforce $m: the exec of /tmp/kx: refused (ret -1), killed" \
		|| fail "enforce $m: no refused execve of /tmp/kx: $(grep '"kx"' "out.enf.$m" | head -3)"
	# one count per process killed (11), none twice (at entry and in BPF-LSM)
	kills=$(grep -o '[0-9]* killed,' "err.enf.$m" | cut -d' ' -f1)
	[ "$kills" = 11 ] && ok "enforce $m: 11 kills counted" \
		|| fail "enforce $m: $kills kills counted, want 11: $(grep 'summary:' "err.enf.$m")"
done
rmdir "$CG" 2>/dev/null

echo "vm-tests: $fails failure(s)"
[ $fails = 0 ]
