# ferry build. `make` builds bin/ferry; `make test` installs deps, builds and runs every test.
CXX      ?= g++
CXXSTD   := -std=c++17
WARN     := -Wall -Wextra -Wpedantic -Werror
DEFS     := -DSPDLOG_SHARED_LIB -DSPDLOG_COMPILED_LIB -DSPDLOG_FMT_EXTERNAL
CXXFLAGS ?= -O2 -g
CPPFLAGS += -Iinclude -Isrc -Itest $(DEFS) -MMD -MP
LDLIBS   := -lSQLiteCpp -lsqlite3 -lspdlog -lfmt -lcctz -lpugixml -lssl -lcrypto -lzip -lz -ldl -pthread
TEST_LIBS := -lgmock -lgtest -pthread

BUILD    := build
LIB_SRC  := $(shell find src -name '*.cpp' ! -path src/main.cpp | sort)
LIB_OBJ  := $(LIB_SRC:%.cpp=$(BUILD)/%.o)
TEST_SRC := $(shell find test -name "*.cpp" ! -path "test/node_modules/*" ! -path "test/bench/*" | sort)
BENCH_SRC := $(shell find test/bench -name "*.cpp" | sort)
BENCH_OBJ := $(BENCH_SRC:%.cpp=$(BUILD)/%.o)
TEST_OBJ := $(TEST_SRC:%.cpp=$(BUILD)/%.o)
LIB      := $(BUILD)/libferry.a
JOBS     ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all deps test unit demo bench format clean
all: bin/ferry

$(BUILD)/%.o: %.cpp
	@mkdir -p $(dir $@)
	$(CXX) $(CXXSTD) $(CXXFLAGS) $(WARN) $(CPPFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

bin/ferry: $(BUILD)/src/main.o $(LIB)
	@mkdir -p bin
	$(CXX) $(CXXFLAGS) -o $@ $^ $(LDLIBS)

bin/ferry_test: $(TEST_OBJ) $(LIB)
	@mkdir -p bin
	$(CXX) $(CXXFLAGS) -o $@ $(TEST_OBJ) $(LIB) $(TEST_LIBS) $(LDLIBS)

bin/ferry_bench: $(BENCH_OBJ) $(LIB)
	@mkdir -p bin
	$(CXX) $(CXXFLAGS) -o $@ $(BENCH_OBJ) $(LIB) $(LDLIBS)

deps:
	@test/scripts/deps.sh

# Every test: unit tests and the end-to-end tests that run bin/ferry on loopback.
test: deps
	@$(MAKE) --no-print-directory -j$(JOBS) bin/ferry bin/ferry_test
	@FERRY_BIN=$(CURDIR)/bin/ferry FERRY_ROOT=$(CURDIR) bin/ferry_test $(TEST_ARGS)

demo: deps
	@$(MAKE) --no-print-directory -j$(JOBS) bin/ferry
	@test/scripts/demo.sh

bench: deps
	@$(MAKE) --no-print-directory -j$(JOBS) bin/ferry $(if $(BENCH_SRC),bin/ferry_bench)
	@test/bench/run.sh

format:
	clang-format -i $$(find src include test -name '*.cpp' -o -name '*.h')

clean:
	rm -rf $(BUILD) bin

-include $(LIB_OBJ:.o=.d) $(TEST_OBJ:.o=.d) $(BENCH_OBJ:.o=.d) $(BUILD)/src/main.d
