# cactus: `make` builds ./cactus, `make test` runs every test (see README).
OUT        := build
CLANG      ?= clang
CC         ?= gcc
BPFTOOL    ?= bpftool
# The kernel side reads syscall arguments from x86-64 pt_regs and the syscall
# table is x86-64's (asm/unistd.h): other architectures are not supported yet.
UNAME_M    := $(shell uname -m)
ifneq ($(UNAME_M),x86_64)
$(error cactus builds for x86_64 only (this machine is $(UNAME_M)): bpf/sysconf.h reads x86-64 pt_regs and src/syscalls.c uses x86-64 syscall numbers)
endif
ARCH       := x86
# Debian's python3-pytest is in /usr/bin/python3, which may not be the first python3
PYTEST     ?= $(shell /usr/bin/python3 -m pytest --version >/dev/null 2>&1 && echo /usr/bin/python3 -m pytest || echo python3 -m pytest)

CFLAGS     ?= -g -O2
CFLAGS     += -Wall -Wextra -Werror -std=gnu11 -MMD -MP -D_GNU_SOURCE
CPPFLAGS   += -Iinclude -Isrc -I$(OUT)
LDLIBS     += -lbpf -lelf -lz -lcurl -ljson-c -lyaml -lmicrohttpd -lm -lpthread
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror \
              -Iinclude -I$(OUT) -Ibpf

SRCS       := $(shell find src -name '*.c')
OBJS       := $(patsubst src/%.c,$(OUT)/src/%.o,$(SRCS))
LIB_OBJS   := $(filter-out $(OUT)/src/main.o,$(OBJS))
UNIT_SRCS  := $(wildcard tests/unit/test_*.c)
UNIT_BINS  := $(patsubst tests/unit/%.c,$(OUT)/tests/%,$(UNIT_SRCS))

.PHONY: all clean test test-unit test-e2e test-vm test-packaging
# a recipe that fails leaves no half-written target behind
.DELETE_ON_ERROR:
all: cactus

$(OUT)/vmlinux.h:
	@mkdir -p $(OUT)
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $@.tmp && mv $@.tmp $@

# header dependencies from the compiler (-MMD), like the user side's; the
# programs twice, with bpf_loop and without (-DCACTUS_NOLOOP: the _noloop
# variants, bpf/compat.h), linked into one object
$(OUT)/cactus.loop.bpf.o: bpf/cactus.bpf.c $(OUT)/vmlinux.h
	$(CLANG) $(BPF_CFLAGS) -MMD -MP -MF $(OUT)/cactus.loop.bpf.d -c $< -o $@

$(OUT)/cactus.noloop.bpf.o: bpf/cactus.bpf.c $(OUT)/vmlinux.h
	$(CLANG) $(BPF_CFLAGS) -DCACTUS_NOLOOP -MMD -MP -MF $(OUT)/cactus.noloop.bpf.d -c $< -o $@

# (the objects only: a build/cactus.bpf.d of an older tree lists headers)
$(OUT)/cactus.bpf.o: $(OUT)/cactus.loop.bpf.o $(OUT)/cactus.noloop.bpf.o
	$(BPFTOOL) gen object $@ $(filter %.bpf.o,$^)

$(OUT)/cactus.skel.h: $(OUT)/cactus.bpf.o
	$(BPFTOOL) gen skeleton $< name cactus_bpf > $@.tmp && mv $@.tmp $@

$(OUT)/src/%.o: src/%.c | $(OUT)/cactus.skel.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

# cactus_build_info{version}: the commit this was built from
VERSION    ?= $(shell git describe --always --tags 2>/dev/null || echo unknown)
$(OUT)/src/monitor/telemetry.o: CPPFLAGS += -DCACTUS_VERSION='"$(VERSION)"'

# the default rule set is built in (src/rules/builtin.c)
$(OUT)/src/rules/builtin.o: rules/default.yaml

cactus: $(OBJS)
	$(CC) $(CFLAGS) $^ $(LDLIBS) -o $@

$(OUT)/tests/%: tests/unit/%.c $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests/unit $(CFLAGS) $< $(LIB_OBJS) $(LDLIBS) -lcmocka -o $@

test-unit: $(UNIT_BINS) cactus
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; $$t; done
	scripts/check-deps $(OUT)

test-e2e: cactus
	$(PYTEST) -v tests/e2e

# under a second kernel (6.1: kprobe, fentry, BPF-LSM), ../shared/vm/run-kernel; see tests/vm/host.sh
test-vm: cactus ; tests/vm/host.sh

# systemd unit, DaemonSet, config, image (with CI=true a missing tool fails)
test-packaging: cactus
	CACTUS_BIN=./cactus tests/packaging/run.sh

test: test-unit test-packaging test-e2e test-vm

clean:
	rm -rf $(OUT) cactus

-include $(shell find $(OUT) -name '*.d' 2>/dev/null)
