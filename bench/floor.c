/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * bench/floor MODE: attach the empty programs of bench/floor.bpf.c for MODE,
 * print "attached", wait for SIGINT/SIGTERM, detach.
 *   tp      tracepoint/syscalls/sys_enter_reboot (never fires: slow-path floor)
 *   tp_traced  tracepoint sys_enter_ and sys_exit_ of openat, close, connect,
 *           socket (the hook itself, for syscalls cactus traces)
 *   tp_btf  tp_btf/sys_enter + tp_btf/sys_exit
 *   raw_tp  raw_tp/sys_enter + raw_tp/sys_exit
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "floor.skel.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	struct floor_bpf *skel;
	static const char *const traced[] = { "openat", "close", "connect", "socket" };
	struct bpf_program *want[2] = { NULL, NULL };
	struct bpf_link *links[2 * 4] = { NULL };
	int err = 1, nlinks = 0;

	if (argc != 2 || (strcmp(argv[1], "tp") && strcmp(argv[1], "tp_traced") &&
			  strcmp(argv[1], "tp_btf") && strcmp(argv[1], "raw_tp"))) {
		fprintf(stderr, "usage: %s tp|tp_traced|tp_btf|raw_tp\n", argv[0]);
		return 2;
	}
	skel = floor_bpf__open();
	if (!skel) {
		fprintf(stderr, "floor: open failed\n");
		return 1;
	}
	if (!strcmp(argv[1], "tp")) {
		want[0] = skel->progs.floor_tp_reboot;
	} else if (!strcmp(argv[1], "tp_traced")) {
		want[0] = skel->progs.floor_tp_traced;
	} else if (!strcmp(argv[1], "tp_btf")) {
		want[0] = skel->progs.floor_btf_enter;
		want[1] = skel->progs.floor_btf_exit;
	} else {
		want[0] = skel->progs.floor_raw_enter;
		want[1] = skel->progs.floor_raw_exit;
	}
	struct bpf_program *p;
	bpf_object__for_each_program(p, skel->obj)
		bpf_program__set_autoload(p, p == want[0] || p == want[1]);
	if (floor_bpf__load(skel)) {
		fprintf(stderr, "floor: load failed\n");
		goto out;
	}
	if (want[0] == skel->progs.floor_tp_traced) {
		for (int i = 0; i < 4; i++) {
			for (int dir = 0; dir < 2; dir++) {
				char tp[64];

				snprintf(tp, sizeof(tp), "sys_%s_%s", dir ? "exit" : "enter", traced[i]);
				links[nlinks] = bpf_program__attach_tracepoint(want[0], "syscalls", tp);
				if (!links[nlinks]) {
					fprintf(stderr, "floor: attach %s failed\n", tp);
					goto out;
				}
				nlinks++;
			}
		}
	} else {
		for (int i = 0; i < 2 && want[i]; i++) {
			links[nlinks] = bpf_program__attach(want[i]);
			if (!links[nlinks]) {
				fprintf(stderr, "floor: attach %s failed\n", bpf_program__name(want[i]));
				goto out;
			}
			nlinks++;
		}
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	printf("attached %s\n", argv[1]);
	fflush(stdout);
	while (!stop)
		pause();
	err = 0;
out:
	for (int i = 0; i < nlinks; i++)
		bpf_link__destroy(links[i]);
	floor_bpf__destroy(skel);
	return err;
}
