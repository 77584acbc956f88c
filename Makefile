# hubdesk: terminal onboarding console for messaging hubs.
#   make demo    install missing packages, build, run the console on the sandbox hub
#   make check   install missing packages, build, run every test (plain and sanitized)

PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build
SAN     ?= 0
CC      ?= cc

PKG_CORE := libcurl jansson libsodium libqrencode
PKG_TUI  := ncursesw
PKG_TEST := libmicrohttpd cmocka zbar

# Debian packages behind the pkg-config names above, plus what the tests drive.
DEB_PKGS := build-essential pkg-config gettext libncurses-dev libcurl4-openssl-dev \
	libjansson-dev libsodium-dev libqrencode-dev libmicrohttpd-dev libcmocka-dev \
	libzbar-dev tmux curl python3 procps clang libclang-rt-14-dev locales

CFLAGS_WARN := -std=c11 -Wall -Wextra -Wshadow -Wno-unused-parameter
CFLAGS_OPT  := -O2 -g
ifeq ($(SAN),1)
CFLAGS_OPT  := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS_SAN := -fsanitize=address,undefined
endif
VERSION := 0.1.0
CPPFLAGS_ALL := -D_GNU_SOURCE -DHD_VERSION='"$(VERSION)"' -DHD_LOCALEDIR='"$(PREFIX)/share/locale"' \
	-DHD_DATADIR='"$(PREFIX)/share/hubdesk"' -Icore
pc = $(shell pkg-config --cflags $(1) 2>/dev/null)
pl = $(shell pkg-config --libs $(1) 2>/dev/null)
CFLAGS_ALL := $(CFLAGS_WARN) $(CFLAGS_OPT) $(CFLAGS) $(call pc,$(PKG_CORE) $(PKG_TUI))
LIBS_CORE := $(call pl,$(PKG_CORE)) -lm
LIBS_TUI  := $(call pl,$(PKG_TUI))
LIBS_TEST := $(call pl,$(PKG_TEST))

CORE_SRC    := $(wildcard core/*.c)
TUI_SRC     := $(wildcard tui/*.c)
SANDBOX_SRC := $(wildcard tests/sandbox/*.c)
TESTLIB_SRC := $(wildcard tests/lib/*.c)
UNIT_SRC    := $(wildcard tests/unit/test_*.c)
TOOL_SRC    := $(wildcard tests/tools/*.c)
BENCH_SRC   := $(wildcard tests/bench/*.c)

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))
CORE_LIB    := $(BUILD)/libhdcore.a
TESTLIB     := $(BUILD)/libhdtest.a
UNIT_BINS   := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))
TOOL_BINS   := $(patsubst tests/tools/%.c,$(BUILD)/tests/%,$(TOOL_SRC))
BENCH_BINS  := $(patsubst tests/bench/%.c,$(BUILD)/bench/%,$(BENCH_SRC))

.PHONY: all deps demo check test asan install uninstall clean check-layout bench fuzz fuzz-brief pot

# Translations: assets/po/LANG.po, compiled beside the program (BUILD/locale), which is where
# hubdesk looks first, so the build tree runs translated without an install.
LANGS    := es pt_BR
MO_FILES := $(patsubst %,$(BUILD)/locale/%/LC_MESSAGES/hubdesk.mo,$(LANGS))

all: check-layout $(BUILD)/hubdesk $(BUILD)/hubdesk-sandbox $(MO_FILES) $(UNIT_BINS) $(TOOL_BINS)

# core/ must never see curses: the TUI is the only curses user.
check-layout:
	@if grep -lE '#[[:space:]]*include[[:space:]]*[<"][^">]*curses' core/*.c core/*.h 2>/dev/null; then \
		echo "error: the files above under core/ include curses; only tui/ may" >&2; exit 1; fi

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) $(CPPFLAGS) $(CFLAGS_ALL) -MMD -MP -c $< -o $@

$(CORE_LIB): $(call obj,$(CORE_SRC))
	@rm -f $@
	ar rcs $@ $^

$(TESTLIB): $(call obj,$(TESTLIB_SRC))
	@rm -f $@ && mkdir -p $(dir $@)
	$(if $^,ar rcs $@ $^,printf '!<arch>\n' > $@)

$(BUILD)/hubdesk: $(call obj,$(TUI_SRC)) $(CORE_LIB)
	$(CC) $(LDFLAGS_SAN) $(LDFLAGS) -o $@ $^ $(LIBS_TUI) $(LIBS_CORE)

$(BUILD)/locale/%/LC_MESSAGES/hubdesk.mo: assets/po/%.po
	@mkdir -p $(dir $@)
	msgfmt --check -o $@ $<

$(BUILD)/hubdesk-sandbox: $(call obj,$(SANDBOX_SRC)) $(CORE_LIB)
	$(CC) $(LDFLAGS_SAN) $(LDFLAGS) -o $@ $^ $(LIBS_TEST) $(LIBS_CORE) -lpthread

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(TESTLIB) $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_SAN) $(LDFLAGS) -o $@ $^ $(LIBS_TEST) $(LIBS_CORE) -lpthread

$(BUILD)/tests/%: $(BUILD)/obj/tests/tools/%.o $(TESTLIB) $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_SAN) $(LDFLAGS) -o $@ $^ $(LIBS_TEST) $(LIBS_CORE) -lpthread

$(BUILD)/bench/%: $(BUILD)/obj/tests/bench/%.o $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_SAN) $(LDFLAGS) -o $@ $^ $(LIBS_CORE)

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

# Installs the Debian packages that are missing; as non-root, prints the command instead.
deps:
	@missing=""; for p in $(DEB_PKGS); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" != 0 ]; then \
		echo "hubdesk needs these Debian packages:$$missing" >&2; \
		echo "run as root:  apt-get install -y$$missing" >&2; exit 1; fi; \
	echo "installing:$$missing"; \
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing || \
	{ apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; }

demo: deps
	@$(MAKE) --no-print-directory $(BUILD)/hubdesk $(BUILD)/hubdesk-sandbox $(MO_FILES)
	$(BUILD)/hubdesk demo

# The whole suite, in the normal build and again under ASan + UBSan.
check: deps
	@$(MAKE) --no-print-directory test BUILD=build SAN=0
	@$(MAKE) --no-print-directory test BUILD=build/asan SAN=1
	@$(MAKE) --no-print-directory fuzz-brief
	@echo "make check: all suites passed (plain and sanitized)"

test: all
	tests/run.sh $(BUILD)

# Fuzzing (clang's libFuzzer, with ASan + UBSan): `make fuzz` runs each target for
# FUZZ_SECONDS; `make check` runs each for FUZZ_BRIEF_SECONDS. The core is compiled once with
# clang for all targets. For long volume runs, `make fuzz FUZZ_SAN=undefined
# FUZZ_DIR=build/fuzz-ubsan` leaves ASan out (about 8x the executions per second).
# See tests/fuzz/README.md.
FUZZ_SAN     ?= address,undefined
FUZZ_DIR     ?= build/fuzz
FUZZ_SRC     := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS    := $(patsubst tests/fuzz/%.c,$(FUZZ_DIR)/%,$(FUZZ_SRC))
FUZZ_SECONDS ?= 120
FUZZ_BRIEF_SECONDS ?= 30
FUZZ_CFLAGS  := $(CPPFLAGS_ALL) $(CFLAGS_WARN) -g -O1 -fsanitize=$(FUZZ_SAN) \
	-fno-sanitize-recover=undefined $(call pc,$(PKG_CORE))
FUZZ_CORE    := $(FUZZ_DIR)/libfuzzcore.a

$(FUZZ_DIR)/obj/%.o: core/%.c
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

$(FUZZ_CORE): $(patsubst core/%.c,$(FUZZ_DIR)/obj/%.o,$(CORE_SRC))
	@rm -f $@
	ar rcs $@ $^

$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c $(wildcard tests/fuzz/*.h) $(FUZZ_CORE)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_CORE) $(LIBS_CORE)

-include $(shell find $(FUZZ_DIR)/obj -name '*.d' 2>/dev/null)

fuzz: deps $(FUZZ_BINS)
	tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_BINS)

fuzz-brief: $(FUZZ_BINS)
	tests/fuzz/run.sh $(FUZZ_BRIEF_SECONDS) $(FUZZ_BINS)

# Speed and memory, measured (never asserted in tests): see BENCHMARKS.md.
bench: deps
	@$(MAKE) --no-print-directory BUILD=build SAN=0 all $(BENCH_BINS)
	tests/bench/run.sh build

asan:
	@$(MAKE) --no-print-directory all BUILD=build/asan SAN=1

install: $(BUILD)/hubdesk $(BUILD)/hubdesk-sandbox $(MO_FILES)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0755 $(BUILD)/hubdesk $(BUILD)/hubdesk-sandbox $(DESTDIR)$(PREFIX)/bin/
	install -m 0644 assets/hubdesk.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	for l in $(LANGS); do \
		install -d $(DESTDIR)$(PREFIX)/share/locale/$$l/LC_MESSAGES && \
		install -m 0644 $(BUILD)/locale/$$l/LC_MESSAGES/hubdesk.mo \
			$(DESTDIR)$(PREFIX)/share/locale/$$l/LC_MESSAGES/ || exit 1; done

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/hubdesk $(DESTDIR)$(PREFIX)/bin/hubdesk-sandbox \
		$(DESTDIR)$(PREFIX)/share/man/man1/hubdesk.1 \
		$(patsubst %,$(DESTDIR)$(PREFIX)/share/locale/%/LC_MESSAGES/hubdesk.mo,$(LANGS))

clean:
	rm -rf build

# Translation template: every _(), N_(), C_() and ngettext string of core/ and tui/; then
# each catalog takes the new strings (msgmerge) for its translators.
pot:
	xgettext --language=C --keyword=_ --keyword=N_ --keyword=C_:1c,2 --from-code=UTF-8 \
		--add-comments \
		--package-name=hubdesk --package-version=$(VERSION) -o assets/po/hubdesk.pot \
		core/*.c core/*.h tui/*.c tui/*.h
	for l in $(LANGS); do msgmerge --quiet --update --backup=none --no-fuzzy-matching \
		assets/po/$$l.po assets/po/hubdesk.pot && \
		msgattrib --no-obsolete -o assets/po/$$l.po assets/po/$$l.po || exit 1; done
