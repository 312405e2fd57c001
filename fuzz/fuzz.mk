# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# `make fuzz`: the structure-aware fuzzer of the XDP program (fuzz/),
# a campaign of FUZZ_FRAMES frames from FUZZ_SEED; FUZZING.md records the
# figures.  tests/test_fuzz.sh runs a short one in `make test`.

FUZZ_SRCS   := $(wildcard fuzz/*.c)
FUZZ_BIN    := $(BUILD)/fuzz/stampede-fuzz
FUZZ_FRAMES ?= 10000000
FUZZ_SEED   ?= 15

# testing/: check.h and pktbuild.h, the builders and checks written from the RFCs.
$(FUZZ_BIN): $(FUZZ_SRCS) fuzz/fuzz.h $(wildcard testing/*.h) $(LIBSTAMPEDE) $(BUILD)/stampede.skel.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(call msg,CC-LINK,$@)
	$(Q)$(CC) $(USER_CFLAGS) -Ifuzz -Itesting $(FUZZ_SRCS) -o $@ $(LIBSTAMPEDE) $(USER_LIBS)

.PHONY: fuzz
fuzz: $(FUZZ_BIN)
	$(FUZZ_BIN) --seed $(FUZZ_SEED) --frames $(FUZZ_FRAMES)
