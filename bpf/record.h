/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The record's variable data area: strings stored by slot (enum cactus_str),
 * each NUL-terminated, with offsets the verifier can see are in bounds.
 */
#ifndef CACTUS_BPF_RECORD_H
#define CACTUS_BPF_RECORD_H

#include "base.h"

#define DATA_MASK (CACTUS_DATA_MAX - 1)

/* Masks @off in a way the compiler cannot drop: after a range check clang
 * often removes a plain `& DATA_MASK`, and the verifier then loses the bound. */
static __always_inline __u32 data_off(__u32 off)
{
	asm volatile("%[off] &= %[mask]" : [off] "+r"(off) : [mask] "i"(DATA_MASK));
	return off;
}

/* Records that data[off, end) is string slot @slot and NUL-terminates it. */
static __always_inline void str_set(struct cactus_event *e, int slot, __u32 off, __u32 end)
{
	e->str_off[slot & 3] = off;
	e->str_len[slot & 3] = end - off;
	e->data[data_off(end)] = 0;
	e->data_len = end + 1;
}

/* Pointer to string slot @slot, bounded for the verifier, or NULL. */
static __always_inline const char *record_str(struct cactus_event *e, int slot)
{
	if (!e->str_len[slot & 3])
		return NULL;
	return &e->data[data_off(e->str_off[slot & 3])];
}

/* Empties the record's string area (the fixed fields are the caller's). */
static __always_inline void record_clear_strs(struct cactus_event *e)
{
	e->data_len = 0;
	__builtin_memset(e->str_len, 0, sizeof(e->str_len));
}

/* Appends the user string at @src as slot @slot. 0, or -1 if unreadable. */
static __always_inline int append_user_str(struct cactus_event *e, int slot, const void *src)
{
	__u32 off = e->data_len;
	long n;

	if (!src)
		return 0;
	if (off > CACTUS_DATA_MAX - CACTUS_STR_MAX) {
		e->flags |= EF_TRUNCATED;
		return 0;
	}
	n = bpf_probe_read_user_str(&e->data[data_off(off)], CACTUS_STR_MAX, src);
	if (n <= 0)
		return -1;
	if (n == CACTUS_STR_MAX)
		e->flags |= EF_TRUNCATED;
	str_set(e, slot, off, off + n - 1);
	return 0;
}

/* The same for a kernel string. */
static __always_inline int append_kernel_str(struct cactus_event *e, int slot, const void *src)
{
	__u32 off = e->data_len;
	long n;

	if (!src || off > CACTUS_DATA_MAX - CACTUS_STR_MAX)
		return 0;
	n = bpf_probe_read_kernel_str(&e->data[data_off(off)], CACTUS_STR_MAX, src);
	if (n <= 0)
		return -1;
	str_set(e, slot, off, off + n - 1);
	return 0;
}

#endif
