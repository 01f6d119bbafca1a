// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Names of the attach modes (kernel.h), for the command line and messages;
 * each mode's programs, in the variant this kernel loads. */
#include <string.h>
#include "kernel/internal.h"

static const char *const mode_names[ATTACH_NMODES] = {
	[ATTACH_AUTO] = "auto",
	[ATTACH_TRACEPOINT] = "tracepoint",
	[ATTACH_TP_BTF] = "tp_btf",
	[ATTACH_RAW_TP] = "raw_tp",
	[ATTACH_FENTRY] = "fentry",
	[ATTACH_KPROBE] = "kprobe",
};

int attach_mode_parse(const char *name)
{
	for (int i = 0; i < ATTACH_NMODES; i++) {
		if (!strcmp(name, mode_names[i]))
			return i;
	}
	return -1;
}

const char *attach_mode_name(enum attach_mode mode)
{
	return (unsigned)mode < ATTACH_NMODES ? mode_names[mode] : "?";
}

/* As help and errors list them: auto, then the order auto tries (load_auto). */
static const enum attach_mode listed[ATTACH_NMODES] = {
	ATTACH_AUTO, ATTACH_FENTRY, ATTACH_KPROBE, ATTACH_TRACEPOINT, ATTACH_TP_BTF, ATTACH_RAW_TP,
};

const char *attach_mode_listed(int i)
{
	return i >= 0 && i < ATTACH_NMODES ? mode_names[listed[i]] : NULL;
}

/* A program in its two variants: with bpf_loop, and without (bpf/compat.h). */
struct prog_pair {
	struct bpf_program *loop, *noloop;
};

#define PAIR(skel, name) { (skel)->progs.name, (skel)->progs.name##_noloop }

static struct bpf_program *pick(struct prog_pair p, bool loop)
{
	return loop ? p.loop : p.noloop;
}

void progs_select(struct kernel *k)
{
	struct cactus_bpf *s = k->skel;
	const struct {
		enum attach_mode mode;
		struct prog_pair enter, exit;
	} modes[] = {
		{ ATTACH_TRACEPOINT, PAIR(s, cactus_enter_tp), PAIR(s, cactus_exit_tp) },
		{ ATTACH_TP_BTF, PAIR(s, cactus_enter_btf), PAIR(s, cactus_exit_btf) },
		{ ATTACH_RAW_TP, PAIR(s, cactus_enter_raw), PAIR(s, cactus_exit_raw) },
		{ ATTACH_FENTRY, PAIR(s, cactus_enter_fentry), PAIR(s, cactus_exit_fexit) },
		{ ATTACH_KPROBE, PAIR(s, cactus_enter_kp), PAIR(s, cactus_exit_kp) },
	};
	const struct prog_pair exec = PAIR(s, cactus_task_exec);
	const struct prog_pair sock[4] = {
		PAIR(s, cactus_deny_connect4), PAIR(s, cactus_deny_connect6),
		PAIR(s, cactus_deny_bind4), PAIR(s, cactus_deny_bind6),
	};
	struct kprogs *p = &k->progs;

	memset(p, 0, sizeof(*p));
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		p->enter[modes[i].mode] = pick(modes[i].enter, k->feat.loop);
		p->exit[modes[i].mode] = pick(modes[i].exit, k->feat.loop);
	}
	p->task_exec = pick(exec, k->feat.loop);
	p->uring_submit = pick((struct prog_pair)PAIR(s, cactus_uring_submit), k->feat.loop);
	p->uring_submit_old = pick((struct prog_pair)PAIR(s, cactus_uring_submit_old), k->feat.loop);
	p->uring_complete = pick((struct prog_pair)PAIR(s, cactus_uring_complete), k->feat.loop);
	p->uring_complete_res = pick((struct prog_pair)PAIR(s, cactus_uring_complete_res),
				     k->feat.loop);
	for (int i = 0; i < 4; i++)
		p->deny_sock[i] = pick(sock[i], k->feat.loop_sock);
}
