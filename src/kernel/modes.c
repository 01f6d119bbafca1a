// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Names of the attach modes (kernel.h), for the command line and messages;
 * which variant of a program is loaded. */
#include <stdio.h>
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

/* The program @base of the loaded variant: `_bl` (loops of a constant bound)
 * where the kernel has no bpf_loop. */
struct bpf_program *kernel_prog(const struct kernel *k, const char *base)
{
	char name[64];

	snprintf(name, sizeof(name), "%s%s", base, k->feat.loop ? "" : "_bl");
	return bpf_object__find_program_by_name(k->skel->obj, name);
}
