// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "cactus.skel.h"
#include "enforce.h"
#include "log.h"
#include "syscalls.h"

enum how { HOW_KILL, HOW_DENY_NET, HOW_DENY_DOWNGRADED, HOW_DENY_LSM };

struct krule {
	const struct rule *owner;
	enum how how;
	struct kill_rule k;
	char scope[KSPEC_MAX][KSPEC_STR];
	int n_scope;
};

struct drule {
	const struct rule *owner;
	struct deny_rule d;
	char scope[KSPEC_MAX][KSPEC_STR];
	int n_scope;
};

struct enforce {
	struct krule kr[CACTUS_MAX_KRULES];
	int nk;
	struct drule dr[CACTUS_MAX_KRULES];
	int nd;
	bool need[CACTUS_MAX_SYSCALLS];
	int kill_fd, deny_fd, scope_fd, cgroups_fd;
	struct bpf_link *links[4];
	char cgroup2[512];
	__u64 own_cgroup;              /* cactus's own cgroup: a host cgroup */
};

static bool is_net_syscall(int nr)
{
	const struct cactus_syscall *sc = cactus_syscall_by_nr(nr);

	return sc && sc->category == CAT_NET;
}

static void set_bit(struct kill_rule *k, int nr)
{
	k->syscalls[nr / 64] |= 1ULL << (nr % 64);
}

/* Syscalls a kill rule applies to when its match names none. */
static void default_syscalls(const struct kernel_spec *ks, struct kill_rule *k)
{
	for (size_t i = 0; i < cactus_syscalls_count; i++) {
		const struct cactus_syscall *sc = &cactus_syscalls[i];
		bool want;

		if (ks->n_exe)
			want = sc->kind == CK_EXEC;
		else if (ks->n_path)
			want = sc->kind == CK_PATH || sc->kind == CK_EXEC;
		else if (ks->n_ports)
			want = sc->kind == CK_SOCKADDR;
		else
			want = cactus_syscall_default(sc);
		if (want)
			set_bit(k, sc->nr);
	}
}

static int add_kill(struct enforce *ef, const struct rule *r, const struct kernel_spec *ks,
		    enum how how)
{
	int nstr = ks->n_path ? ks->n_path : ks->n_exe, made = 0;
	bool any = false;

	if (ks->n_path && ks->n_exe) {
		log_err("%s:%d: rule %s: kill needs either paths or exe, not both", rule_file(r),
			rule_line(r), rule_name(r));
		return -ENOTSUP;
	}
	if (!r && nstr && strlen(ks->path_prefix[0]) >= sizeof(ef->kr[0].k.str)) {
		log_err("--deny-open %s: longer than %zu bytes", ks->path_prefix[0],
			sizeof(ef->kr[0].k.str) - 1);
		return -ENAMETOOLONG;
	}
	for (int s = 0; s < (nstr ? nstr : 1); s++) {
		struct krule *kr;

		if (ef->nk == CACTUS_MAX_KRULES) {
			log_err("rule %s: more than %d kernel rules", rule_name(r), CACTUS_MAX_KRULES);
			return -E2BIG;
		}
		kr = &ef->kr[ef->nk];
		memset(kr, 0, sizeof(*kr));
		kr->owner = r;
		kr->how = how;
		kr->k.used = 1;
		kr->k.rule_id = ef->nk;
		for (int nr = 0; nr < CACTUS_MAX_SYSCALLS; nr++) {
			if (ks->syscalls[nr]) {
				set_bit(&kr->k, nr);
				any = true;
			}
		}
		if (!any)
			default_syscalls(ks, &kr->k);
		if (nstr) {
			const char *str = ks->n_path ? ks->path_prefix[s] : ks->exe[s];

			if (strlen(str) >= sizeof(kr->k.str)) {
				log_err("%s:%d: rule %s: '%s' is longer than the kernel's %zu bytes",
					r ? rule_file(r) : "-", r ? rule_line(r) : 0,
					r ? rule_name(r) : "--deny-open", str, sizeof(kr->k.str) - 1);
				return -ENAMETOOLONG;
			}
			memcpy(kr->k.str, str, strlen(str) + 1);
			kr->k.str_mode = ks->n_exe || ks->path_exact[s] ? KR_STR_EXACT : KR_STR_PREFIX;
		}
		kr->k.n_ports = ks->n_ports < CACTUS_KRULE_PORTS ? ks->n_ports : CACTUS_KRULE_PORTS;
		for (int p = 0; p < kr->k.n_ports; p++)
			kr->k.ports[p] = ks->ports[p];
		kr->k.scoped = ks->n_containers > 0;
		kr->n_scope = ks->n_containers;
		memcpy(kr->scope, ks->containers, sizeof(kr->scope));
		for (int nr = 0; nr < CACTUS_MAX_SYSCALLS; nr++)
			if (kr->k.syscalls[nr / 64] & (1ULL << (nr % 64)))
				ef->need[nr] = true;
		ef->nk++;
		made++;
	}
	return made ? 0 : -EINVAL;
}

static int add_deny_net(struct enforce *ef, const struct rule *r, const struct kernel_spec *ks)
{
	__u8 ops = 0;

	for (int nr = 0; nr < CACTUS_MAX_SYSCALLS; nr++) {
		const struct cactus_syscall *sc = ks->syscalls[nr] ? cactus_syscall_by_nr(nr) : NULL;

		if (sc && !strcmp(sc->name, "connect"))
			ops |= DR_CONNECT;
		if (sc && (!strcmp(sc->name, "bind") || !strcmp(sc->name, "listen")))
			ops |= DR_BIND;
	}
	if (!ops)
		ops = DR_CONNECT | DR_BIND;
	for (int n = 0; n < (ks->n_nets ? ks->n_nets : 1); n++) {
		struct drule *dr;

		if (ef->nd == CACTUS_MAX_KRULES) {
			log_err("rule %s: more than %d deny rules", rule_name(r), CACTUS_MAX_KRULES);
			return -E2BIG;
		}
		dr = &ef->dr[ef->nd];
		memset(dr, 0, sizeof(*dr));
		dr->owner = r;
		dr->d.used = 1;
		dr->d.rule_id = ef->nd;
		dr->d.ops = ops;
		if (ks->n_nets) {
			dr->d.family = ks->nets[n].family;
			dr->d.prefix_len = ks->nets[n].prefix_len;
			memcpy(dr->d.addr, ks->nets[n].addr, 16);
		}
		dr->d.n_ports = ks->n_ports < CACTUS_KRULE_PORTS ? ks->n_ports : CACTUS_KRULE_PORTS;
		for (int p = 0; p < dr->d.n_ports; p++)
			dr->d.ports[p] = ks->ports[p];
		dr->d.scoped = ks->n_containers > 0;
		dr->n_scope = ks->n_containers;
		memcpy(dr->scope, ks->containers, sizeof(dr->scope));
		ef->nd++;
	}
	return 0;
}

static bool spec_is_network(const struct kernel_spec *ks)
{
	bool any = false;

	for (int nr = 0; nr < CACTUS_MAX_SYSCALLS; nr++) {
		if (!ks->syscalls[nr])
			continue;
		any = true;
		if (!is_net_syscall(nr))
			return false;
	}
	return any || ks->n_ports || ks->n_nets;
}

struct enforce *enforce__new(const struct rule_set *rs)
{
	struct enforce *ef = calloc(1, sizeof(*ef));
	struct kernel_spec *ks = malloc(sizeof(*ks));
	char why[256];
	int err = 0;

	if (!ef || !ks)
		goto fail;
	for (size_t i = 0; rs && i < rules__count(rs) && !err; i++) {
		const struct rule *r = rules__get(rs, i);

		if (rule_action(r) == ACT_ALERT)
			continue;
		memset(ks, 0, sizeof(*ks));
		if (rules__kernel_spec(r, ks, why, sizeof(why))) {
			log_err("%s:%d: rule %s: action %s cannot be enforced in the kernel: %s",
				rule_file(r), rule_line(r), rule_name(r),
				rule_action_name(rule_action(r)), why);
			err = -ENOTSUP;
		} else if (rule_action(r) == ACT_KILL) {
			err = add_kill(ef, r, ks, HOW_KILL);
		} else if (spec_is_network(ks)) {
			err = add_deny_net(ef, r, ks);
		} else {
			/* file/exec deny: BPF-LSM is the drop-in when the kernel allows it */
			err = add_kill(ef, r, ks, HOW_DENY_DOWNGRADED);
		}
	}
	if (ef->nd) {
		for (size_t i = 0; i < cactus_syscalls_count; i++)
			if (cactus_syscalls[i].kind == CK_SOCKADDR ||
			    !strcmp(cactus_syscalls[i].name, "listen"))
				ef->need[cactus_syscalls[i].nr] = true;
	}
	free(ks);
	if (err)
		goto fail_ef;
	return ef;
fail:
	free(ks);
fail_ef:
	free(ef);
	return NULL;
}

int enforce__add_deny_open(struct enforce *ef, const char *path)
{
	static const char *const sys[] = { "open", "openat", "openat2", "execve", "execveat" };
	struct kernel_spec *ks = calloc(1, sizeof(*ks));
	int err;

	if (!ks)
		return -ENOMEM;
	for (size_t i = 0; i < sizeof(sys) / sizeof(sys[0]); i++)
		ks->syscalls[cactus_syscall_by_name(sys[i])->nr] = true;
	snprintf(ks->path_prefix[0], sizeof(ks->path_prefix[0]), "%s", path);
	ks->path_exact[0] = true;
	ks->n_path = 1;
	err = add_kill(ef, NULL, ks, HOW_DENY_DOWNGRADED);
	free(ks);
	return err;
}

void enforce__free(struct enforce *ef)
{
	if (!ef)
		return;
	for (int i = 0; i < 4; i++)
		bpf_link__destroy(ef->links[i]);
	free(ef);
}

bool enforce__has_file_deny(const struct enforce *ef)
{
	for (int i = 0; ef && i < ef->nk; i++) {
		if (ef->kr[i].how == HOW_DENY_DOWNGRADED)
			return true;
	}
	return false;
}

bool enforce__needs_syscall(const struct enforce *ef, int nr)
{
	return ef && nr >= 0 && nr < CACTUS_MAX_SYSCALLS && ef->need[nr];
}

void enforce__setup(struct enforce *ef, struct cactus_bpf *skel)
{
	bool deny = ef && ef->nd > 0;

	skel->rodata->n_kill_rules = ef ? ef->nk : 0;
	skel->rodata->n_deny_rules = ef ? ef->nd : 0;
	bpf_program__set_autoload(skel->progs.cactus_deny_connect4, deny);
	bpf_program__set_autoload(skel->progs.cactus_deny_connect6, deny);
	bpf_program__set_autoload(skel->progs.cactus_deny_bind4, deny);
	bpf_program__set_autoload(skel->progs.cactus_deny_bind6, deny);
}

/* The cgroup v2 mount: /sys/fs/cgroup on pure v2, /sys/fs/cgroup/unified on hybrid. */
static int find_cgroup2(char *out, size_t len)
{
	char line[1024];
	FILE *f = fopen("/proc/self/mountinfo", "r");
	int err = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char *sep = strstr(line, " - ");
		char mnt[512];

		/* fields: id parent major:minor root mountpoint ... - fstype source opts */
		if (!sep || strncmp(sep, " - cgroup2 ", 11))
			continue;
		if (sscanf(line, "%*s %*s %*s %*s %511s", mnt) == 1) {
			snprintf(out, len, "%s", mnt);
			err = 0;
			break;
		}
	}
	fclose(f);
	return err;
}

static int attach_deny(struct enforce *ef, struct cactus_bpf *skel)
{
	struct bpf_program *progs[4] = {
		skel->progs.cactus_deny_connect4, skel->progs.cactus_deny_connect6,
		skel->progs.cactus_deny_bind4, skel->progs.cactus_deny_bind6,
	};
	int fd, err = find_cgroup2(ef->cgroup2, sizeof(ef->cgroup2));

	if (err) {
		log_err("deny rules need a cgroup v2 mount; none in /proc/self/mountinfo");
		return err;
	}
	fd = open(ef->cgroup2, O_RDONLY | O_DIRECTORY);
	if (fd < 0) {
		err = -errno;
		log_err("cannot open %s: %s", ef->cgroup2, strerror(-err));
		return err;
	}
	for (int i = 0; i < 4; i++) {
		ef->links[i] = bpf_program__attach_cgroup(progs[i], fd);
		if (!ef->links[i]) {
			err = -errno;
			log_err("cannot attach %s at %s: %s", bpf_program__name(progs[i]),
				ef->cgroup2, strerror(-err));
			break;
		}
	}
	close(fd);
	return err;
}

static int mark_enforced(struct enforce *ef, struct cactus_bpf *skel)
{
	int fd = bpf_map__fd(skel->maps.syscall_conf);

	for (__u32 nr = 0; nr < CACTUS_MAX_SYSCALLS; nr++) {
		const struct cactus_syscall *sc = cactus_syscall_by_nr(nr);
		struct syscall_conf conf;
		bool kill = false;

		if (!sc || !ef->need[nr])
			continue;
		for (int i = 0; i < ef->nk; i++)
			kill |= !!(ef->kr[i].k.syscalls[nr / 64] & (1ULL << (nr % 64)));
		if (bpf_map_lookup_elem(fd, &nr, &conf))
			cactus_syscall_conf(sc, true, &conf);
		conf.flags |= SC_TRACED | (kill ? SC_ENFORCE : 0);
		if (bpf_map_update_elem(fd, &nr, &conf, BPF_ANY))
			return -errno;
	}
	return 0;
}

/* cgroup v2 id of a process: the inode of its cgroup directory. */
static __u64 cgroup_id_of(const struct enforce *ef, int pid)
{
	char path[1100], line[512], *rel = NULL;
	struct stat st;
	FILE *f;

	if (pid <= 0 || !ef->cgroup2[0])
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/cgroup", pid);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "0::", 3)) {
			line[strcspn(line, "\n")] = 0;
			rel = line + 3;
			break;
		}
	}
	if (f)
		fclose(f);
	if (!rel)
		return 0;
	snprintf(path, sizeof(path), "%s%s", ef->cgroup2, rel);
	return stat(path, &st) ? 0 : st.st_ino;
}

/*
 * Where BPF-LSM loaded, a file/exec deny on exact paths becomes an entry of
 * deny_paths (the open or exec fails with EPERM) instead of a kill; its kill
 * rule is emptied so it never fires.
 */
static int use_lsm(struct enforce *ef, struct cactus_bpf *skel)
{
	int fd = bpf_map__fd(skel->maps.deny_paths);

	for (int i = 0; i < ef->nk; i++) {
		struct krule *kr = &ef->kr[i];
		char key[256] = "";
		__u8 one = 1;

		if (kr->how != HOW_DENY_DOWNGRADED || kr->k.str_mode != KR_STR_EXACT)
			continue;
		memcpy(key, kr->k.str, strlen(kr->k.str));
		if (bpf_map_update_elem(fd, key, &one, BPF_ANY))
			return -errno;
		kr->how = HOW_DENY_LSM;
		memset(kr->k.syscalls, 0, sizeof(kr->k.syscalls));
	}
	return 0;
}

int enforce__start(struct enforce *ef, struct cactus_bpf *skel, bool lsm)
{
	int err;

	if (!ef)
		return 0;
	if (lsm) {
		err = use_lsm(ef, skel);
		if (err)
			return err;
	}
	ef->kill_fd = bpf_map__fd(skel->maps.kill_rules);
	ef->deny_fd = bpf_map__fd(skel->maps.deny_rules);
	ef->scope_fd = bpf_map__fd(skel->maps.rule_scope);
	ef->cgroups_fd = bpf_map__fd(skel->maps.container_cgroups);
	for (__u32 i = 0; i < (__u32)ef->nk; i++) {
		if (bpf_map_update_elem(ef->kill_fd, &i, &ef->kr[i].k, BPF_ANY))
			return -errno;
	}
	for (__u32 i = 0; i < (__u32)ef->nd; i++) {
		if (bpf_map_update_elem(ef->deny_fd, &i, &ef->dr[i].d, BPF_ANY))
			return -errno;
	}
	err = mark_enforced(ef, skel);
	if (!err && ef->nd)
		err = attach_deny(ef, skel);
	if (!err && ef->nd) {
		__u32 allow = 0;

		ef->own_cgroup = cgroup_id_of(ef, getpid());
		/* pin "allow" for our own cgroup so nothing can learn it otherwise */
		if (ef->own_cgroup)
			bpf_map_update_elem(ef->cgroups_fd, &ef->own_cgroup, &allow, BPF_ANY);
	}
	return err;
}

static bool in_scope(char (*scope)[KSPEC_STR], int n, const struct container *c)
{
	for (int i = 0; i < n; i++) {
		if (c->id[0] && (!strcmp(scope[i], c->name) || !strcmp(scope[i], c->image)))
			return true;
	}
	return false;
}

void enforce__container(struct enforce *ef, const struct container *c)
{
	__u64 cgroup_id;
	struct scope_key sk = { .ns = { .pid_ns = c->pid_ns, .mnt_ns = c->mnt_ns } };
	__u32 mask = 0;
	__u8 one = 1;

	/* only real containers: a runtime process in a container's namespaces
	 * but a host cgroup resolves to a record without an id */
	if (!ef || (!ef->nk && !ef->nd) || !c->pid_ns || !c->id[0])
		return;
	for (int i = 0; i < ef->nk; i++) {
		if (!ef->kr[i].k.scoped)
			continue;
		sk.idx = i;
		if (in_scope(ef->kr[i].scope, ef->kr[i].n_scope, c))
			bpf_map_update_elem(ef->scope_fd, &sk, &one, BPF_ANY);
		else
			bpf_map_delete_elem(ef->scope_fd, &sk);
	}
	for (int i = 0; i < ef->nd; i++) {
		bool on = !ef->dr[i].d.scoped || in_scope(ef->dr[i].scope, ef->dr[i].n_scope, c);

		sk.idx = 0x10000 + i;
		if (on)
			mask |= 1U << i;
		if (ef->dr[i].d.scoped && on)
			bpf_map_update_elem(ef->scope_fd, &sk, &one, BPF_ANY);
	}
	if (!ef->nd)
		return;
	cgroup_id = cgroup_id_of(ef, c->init_pid);
	/* never the host's own cgroup (all of the host, on a flat hierarchy) */
	if (cgroup_id && cgroup_id != ef->own_cgroup)
		bpf_map_update_elem(ef->cgroups_fd, &cgroup_id, &mask, BPF_ANY);
}

const char *enforce__outcome(const struct enforce *ef, const struct rule *r,
			     const struct cactus_event *e)
{
	bool killed_by_r = false;

	if (rule_action(r) == ACT_ALERT)
		return "alerted";
	if (ef && (e->flags & EF_KILLED) && e->kill_rule >= 1 && e->kill_rule <= (__u32)ef->nk)
		killed_by_r = ef->kr[e->kill_rule - 1].owner == r;
	if (rule_action(r) == ACT_KILL)
		return killed_by_r ? "killed" : "not enforced";
	for (int i = 0; ef && i < ef->nd; i++) {
		if (ef->dr[i].owner == r)
			return e->ret == -EPERM ? "denied" : "not enforced";
	}
	for (int i = 0; ef && i < ef->nk; i++) {
		if (ef->kr[i].owner == r && ef->kr[i].how == HOW_DENY_LSM)
			return e->ret == -EPERM ? "denied" : "not enforced";
	}
	return killed_by_r ? "killed (deny downgraded to kill: no BPF-LSM)" : "not enforced";
}

void enforce__describe(const struct enforce *ef)
{
	const struct rule *last = NULL;

	for (int i = 0; ef && i < ef->nk; i++) {
		if (i && ef->kr[i].owner == last && last)
			continue;
		last = ef->kr[i].owner;
		if (ef->kr[i].how == HOW_DENY_LSM)
			log_info("%s %s: deny enforced by BPF-LSM (file_open, bprm_check_security: "
				 "EPERM)", last ? "rule" : "--deny-open",
				 last ? rule_name(last) : ef->kr[i].k.str);
		else if (ef->kr[i].how == HOW_DENY_DOWNGRADED)
			log_info("%s %s: deny downgraded to kill (BPF-LSM unavailable or path not "
				 "exact): SIGKILL at syscall entry", last ? "rule" : "--deny-open",
				 last ? rule_name(last) : ef->kr[i].k.str);
		else
			log_info("rule %s: kill enforced in the kernel (SIGKILL at syscall entry)",
				 rule_name(last));
	}
	last = NULL;
	for (int i = 0; ef && i < ef->nd; i++) {
		if (ef->dr[i].owner == last)
			continue;
		last = ef->dr[i].owner;
		log_info("rule %s: deny enforced by cgroup/connect+bind programs at %s (EPERM)",
			 rule_name(last), ef->cgroup2[0] ? ef->cgroup2 : "the cgroup v2 root");
	}
}
