# ferry build. `make` builds bin/ferry; `make check` runs the unit tests; `make test` installs
# deps, builds and runs every test; `make install` installs the binary and its example files.
# CXX, CXXFLAGS, CPPFLAGS and LDFLAGS from the environment or the command line are honoured.
CXX      ?= g++
CXXSTD   := -std=c++17
# Warnings are errors in a git checkout and in CI, not for a release build; WERROR=0 turns it off.
WERROR   ?= $(if $(or $(wildcard .git),$(filter-out 0 false,$(CI))),1,0)
WARN     := -Wall -Wextra -Wpedantic $(if $(filter 1,$(WERROR)),-Werror)
DEFS     := -DSPDLOG_SHARED_LIB -DSPDLOG_COMPILED_LIB -DSPDLOG_FMT_EXTERNAL
CXXFLAGS ?= -O2 -g
# Test objects are not what is measured or shipped: -O1 with line tables compiles a test file in
# about 60 % of the time -O2 -g takes (4.3 s against 7.3 s for test/cake/clicks_job_test.cpp),
# and a failure still has file:line stacks. The library under test keeps CXXFLAGS.
TEST_CXXFLAGS ?= -O1 -g1
FERRY_CPPFLAGS := -Iinclude -Isrc -Itest $(DEFS) -MMD -MP
LDLIBS   := -lsqlite3 -lfmt -lcctz -lpugixml -lz -ldl -pthread
TEST_LIBS := -larchive -lcrypto -lgmock -lgtest -pthread

# SANITIZE=1: AddressSanitizer and UndefinedBehaviorSanitizer. Objects go to build/san and the
# binaries to bin/san, so a plain and a sanitized build live side by side. FUZZ=1 is the clang
# build `make fuzz` uses (build/fuzz, bin/fuzz).
SANITIZE ?= 0
FUZZ     ?= 0
SANITIZERS := -fno-omit-frame-pointer -fno-sanitize-recover=undefined
ifeq ($(FUZZ),1)
BUILD    := build/fuzz
BIN      := bin/fuzz
CXXFLAGS := -O1 -g
TEST_CXXFLAGS := $(CXXFLAGS)
SAN_FLAGS := -fsanitize=fuzzer-no-link,address,undefined $(SANITIZERS)
else ifneq ($(filter 1 yes true,$(SANITIZE)),)
BUILD    := build/san
BIN      := bin/san
# Line tables (-g1) are all a sanitizer report needs for its file:line stacks; full debug
# information cost this build a third to a half more compile time per file.
CXXFLAGS := -O1 -g1
TEST_CXXFLAGS := $(CXXFLAGS)
SAN_FLAGS := -fsanitize=address,undefined $(SANITIZERS)
else
BUILD    := build
BIN      := bin
SAN_FLAGS :=
endif
# A sanitizer report stops the program with exit code 86 (test/support/process.h: a child
# ferry that exits so fails the test). LeakSanitizer runs at exit.
SAN_ENV := ASAN_OPTIONS=halt_on_error=1:exitcode=86:detect_leaks=1:check_initialization_order=1:strict_init_order=1 \
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:exitcode=86
LIB_SRC  := $(shell find src -name '*.cpp' ! -path src/main.cpp | sort)
LIB_OBJ  := $(LIB_SRC:%.cpp=$(BUILD)/%.o)
TEST_SRC := $(shell find test -name "*.cpp" ! -path "test/node_modules/*" ! -path "test/bench/*" \
              ! -path test/fuzz/driver.cpp | sort)
BENCH_SRC := $(shell find test/bench -name "*.cpp" | sort)
BENCH_OBJ := $(BENCH_SRC:%.cpp=$(BUILD)/%.o)
TEST_OBJ := $(TEST_SRC:%.cpp=$(BUILD)/%.o)
LIB      := $(BUILD)/libferry.a

# Parallel by default, one job per core; an explicit -jN wins. Sub-makes share the top one's jobs.
JOBS     ?= $(shell nproc 2>/dev/null || echo 2)
ifeq ($(MAKELEVEL),0)
MAKEFLAGS += -j$(JOBS)
endif

# make install: DESTDIR stages, PREFIX is where it will live; STRIP names the strip program.
PREFIX   ?= /usr/local
DESTDIR  ?=
STRIP    ?= strip
INSTALL  ?= install

# make check: unit tests only. Suites named *E2E or *Integration start servers or bin/ferry and
# are left out; with FERRY_UNIT_ONLY set, a test that starts either anyway fails and says so.
UNIT_FILTER := -*E2E.*:*Integration.*
# Their temp files go to tmpfs when there is one (fsync costs nothing there), unless TMPDIR is set.
CHECK_TMPDIR = $(or $(TMPDIR),$(shell [ -d /dev/shm ] && [ -w /dev/shm ] && echo /dev/shm))

.PHONY: all deps check test fuzz layers demo bench install format clean
all: $(BIN)/ferry

$(BUILD)/%.o: %.cpp
	@mkdir -p $(dir $@)
	$(CXX) $(CXXSTD) $(CXXFLAGS) $(SAN_FLAGS) $(WARN) $(FERRY_CPPFLAGS) $(CPPFLAGS) -c $< -o $@

$(BUILD)/test/%.o: test/%.cpp
	@mkdir -p $(dir $@)
	$(CXX) $(CXXSTD) $(TEST_CXXFLAGS) $(SAN_FLAGS) $(WARN) $(FERRY_CPPFLAGS) $(CPPFLAGS) -c $< -o $@

# Benches time library code through their own loops: built as the library is.
$(BUILD)/test/bench/%.o: test/bench/%.cpp
	@mkdir -p $(dir $@)
	$(CXX) $(CXXSTD) $(CXXFLAGS) $(SAN_FLAGS) $(WARN) $(FERRY_CPPFLAGS) $(CPPFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN)/ferry: $(BUILD)/src/main.o $(LIB)
	@mkdir -p $(BIN)
	$(CXX) $(CXXFLAGS) $(SAN_FLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BIN)/ferry_test: $(TEST_OBJ) $(LIB)
	@mkdir -p $(BIN)
	$(CXX) $(CXXFLAGS) $(SAN_FLAGS) $(LDFLAGS) -o $@ $(TEST_OBJ) $(LIB) $(TEST_LIBS) $(LDLIBS)

$(BIN)/ferry_bench: $(BENCH_OBJ) $(LIB)
	@mkdir -p $(BIN)
	$(CXX) $(CXXFLAGS) $(SAN_FLAGS) $(LDFLAGS) -o $@ $(BENCH_OBJ) $(LIB) -lcrypto $(LDLIBS)

deps:
	@test/scripts/deps.sh

# The layering rules of the README's ARCHITECTURE section, and the script's own test.
layers:
	@test/scripts/check_layers_test.sh
	@test/scripts/check_layers.sh

# Unit tests and the layering check; no dependency install, no servers.
check: layers $(BIN)/ferry_test
	@$(if $(SAN_FLAGS),$(SAN_ENV)) TMPDIR=$(CHECK_TMPDIR) FERRY_UNIT_ONLY=1 FERRY_ROOT=$(CURDIR) $(BIN)/ferry_test --gtest_filter='$(UNIT_FILTER)' $(TEST_ARGS)

# Every test: layering, make install, unit tests and the end-to-end tests that run bin/ferry on
# loopback, in one shard per core side by side (test/scripts/run_tests.sh; FERRY_TEST_SHARDS=1
# for one process); the last line is the summary over all shards. Then the suite again with
# every state on PostgreSQL (FERRY_TEST_STATE=postgresql: a throwaway cluster, a database per
# test state), but for the *Integration suites, which test the servers themselves and ran in
# the first pass; its own summary line follows. With SANITIZE=1, all of it sanitized, but for
# the end-to-end suites (*E2E) in the PostgreSQL pass: the plain build runs them on PostgreSQL,
# the unit tests run the PostgreSQL code itself under the sanitizers (saves CI ~4 minutes).
PG_PASS_FILTER := -*Integration.*$(if $(SAN_FLAGS),:*E2E.*)
test: deps
	@$(MAKE) --no-print-directory $(BIN)/ferry $(BIN)/ferry_test
	@$(MAKE) --no-print-directory layers
	@MAKE='$(MAKE)' test/scripts/install_test.sh
	@$(if $(SAN_FLAGS),$(SAN_ENV)) FERRY_BIN=$(CURDIR)/$(BIN)/ferry FERRY_ROOT=$(CURDIR) \
	  test/scripts/run_tests.sh $(BIN)/ferry_test $(TEST_ARGS)
	@echo "== the suite again, every state on PostgreSQL (FERRY_TEST_STATE=postgresql)"
	@$(if $(SAN_FLAGS),$(SAN_ENV)) FERRY_BIN=$(CURDIR)/$(BIN)/ferry FERRY_ROOT=$(CURDIR) \
	  FERRY_TEST_STATE=postgresql test/scripts/run_tests.sh $(BIN)/ferry_test \
	  --gtest_filter='$(PG_PASS_FILTER)' $(TEST_ARGS)

# make fuzz: each libFuzzer target (test/fuzz/targets.h) for FUZZ_TIME seconds, new inputs
# merged into test/fuzz/corpus/<target>/; fails when one finds a crash. FUZZ_TARGETS=csv runs one.
FUZZ_TIME    ?= 60
FUZZ_TARGETS ?= config_load cake_json s3_xml csv base64 rsa matomo_log log_reader
FUZZ_CXX     ?= clang++
fuzz:
	@test/scripts/deps.sh fuzz
	@$(MAKE) --no-print-directory FUZZ=1 CXX='$(FUZZ_CXX)' $(FUZZ_TARGETS:%=bin/fuzz/%)
	@FUZZ_TIME=$(FUZZ_TIME) test/fuzz/run.sh $(FUZZ_TARGETS)

ifeq ($(FUZZ),1)
# The target bodies go in an archive, so each binary links only what its target needs.
FUZZ_BODIES := $(BUILD)/test/fuzz/targets.o $(BUILD)/test/fuzz/config_target.o \
  $(BUILD)/test/fuzz/matomo_target.o \
  $(BUILD)/test/fuzz/log_reader_target.o
FUZZ_DEPS := $(FUZZ_BODIES) $(FUZZ_TARGETS:%=$(BUILD)/test/fuzz/driver_%.o)
$(BUILD)/libfuzzbodies.a: $(FUZZ_BODIES)
	@rm -f $@
	ar rcs $@ $^
$(BUILD)/test/fuzz/driver_%.o: test/fuzz/driver.cpp
	@mkdir -p $(dir $@)
	$(CXX) $(CXXSTD) $(CXXFLAGS) $(SAN_FLAGS) $(WARN) $(FERRY_CPPFLAGS) $(CPPFLAGS) \
	  -DFERRY_FUZZ_TARGET=fuzz_$* -c $< -o $@
.PRECIOUS: $(BUILD)/test/fuzz/driver_%.o
$(BIN)/%: $(BUILD)/test/fuzz/driver_%.o $(BUILD)/libfuzzbodies.a $(LIB)
	@mkdir -p $(BIN)
	$(CXX) $(CXXFLAGS) -fsanitize=fuzzer,address,undefined $(LDFLAGS) -o $@ $^ -larchive -lcrypto $(LDLIBS)
endif

demo: deps
	@$(MAKE) --no-print-directory bin/ferry
	@test/scripts/demo.sh

bench:
	@test/scripts/deps.sh bench
	@$(MAKE) --no-print-directory bin/ferry $(if $(BENCH_SRC),bin/ferry_bench)
	@test/bench/run.sh

# The stripped binary, the example config, the cron line and the systemd units; nothing from
# tests.
install: $(BIN)/ferry
	$(INSTALL) -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/ferry
	$(INSTALL) -m 755 -s --strip-program=$(STRIP) $(BIN)/ferry $(DESTDIR)$(PREFIX)/bin/ferry
	$(INSTALL) -m 644 config/ferry.example.toml $(DESTDIR)$(PREFIX)/share/ferry/ferry.example.toml
	$(INSTALL) -d $(DESTDIR)$(PREFIX)/share/ferry/crontab
	$(INSTALL) -m 644 crontab/ferry.cron crontab/ferry.service crontab/ferry.timer \
	  $(DESTDIR)$(PREFIX)/share/ferry/crontab/

format:
	clang-format -i $$(find src include test -name '*.cpp' -o -name '*.h')

clean:
	rm -rf $(BUILD) bin

-include $(LIB_OBJ:.o=.d) $(TEST_OBJ:.o=.d) $(BENCH_OBJ:.o=.d) $(BUILD)/src/main.d $(wildcard $(FUZZ_DEPS:.o=.d))
