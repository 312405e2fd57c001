# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# `make bench`: the benchmark (BENCHMARKS.md).  Not part of `make test`.
# Every bench/*.bpf.c becomes $(BUILD)/bench/NAME.bpf.o and every other
# bench/*.c a program $(BUILD)/bench/NAME; bench/bench.sh runs them.

BENCH_BPF_SRCS := $(wildcard bench/*.bpf.c)
BENCH_C_SRCS   := $(filter-out %.bpf.c,$(wildcard bench/*.c))
BENCH_BPF_OBJS := $(patsubst bench/%.bpf.c,$(BUILD)/bench/%.bpf.o,$(BENCH_BPF_SRCS))
BENCH_BINS     := $(patsubst bench/%.c,$(BUILD)/bench/%,$(BENCH_C_SRCS))

$(BUILD)/bench/%.bpf.o: bench/%.bpf.c $(BPF_HDRS) $(wildcard bench/*.h) | $(DEPS_STAMP)
	@mkdir -p $(BUILD)/bench
	$(call msg,CLANG-BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/bench/%: bench/%.c $(LIBSTAMPEDE) $(BUILD)/stampede.skel.h | $(DEPS_STAMP)
	@mkdir -p $(BUILD)/bench
	$(call msg,CC-LINK,$@)
	$(Q)$(CC) $(USER_CFLAGS) $(DEP_FLAGS) -Ibench -Itesting $< -o $@ $(LIBSTAMPEDE) $(USER_LIBS) -lm $(BENCH_LIBS)

# prog_cost sets the authenticated cases beside OpenSSL's HMAC (libcrypto);
# live signs its authenticated requests with it.
$(BUILD)/bench/prog_cost: BENCH_LIBS := -lcrypto
$(BUILD)/bench/live: BENCH_LIBS := -lcrypto

# The authenticated generator is live_gen.bpf.c built with GEN_AUTH.
$(BUILD)/bench/live_gen_auth.bpf.o: bench/live_gen.bpf.c

.PHONY: bench
bench: test-deps $(BUILD)/stampede $(BUILD)/stampede.bpf.o $(TEST_BINS) $(TEST_BPF_OBJS) $(BENCH_BPF_OBJS) $(BENCH_BINS)
	@BUILD=$(BUILD) bash bench/bench.sh
