# The two commands: `make demo` and `make test`. Everything else is a helper of theirs.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
export MADANG_DATABASE_URL ?= sqlite+aiosqlite:///var/madang.sqlite3

.PHONY: demo test install install-test system-deps lint serve clean messages

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@ $(STAMP)

install: $(STAMP)
install-test: $(TEST_STAMP)

demo: $(STAMP)
	$(BIN)/madang migrate
	$(BIN)/madang demo load --if-empty
	$(BIN)/madang demo logins
	$(BIN)/madang serve

# Debian packages the suite uses: PostgreSQL (its own throwaway server per run) and
# redis-server (streaming across processes), chromium (the browser tests drive /usr/bin/chromium)
# and a Korean font for it (pages at 360 px and the screenshots are laid out in Hangul, not boxes);
# prometheus (a real server scrapes /metrics in tests/ops/metrics); nginx and caddy (the deployment
# examples are validated by them, and nginx runs in front of madang in tests/ops/deploy); pgbouncer
# (madang through it in transaction pooling mode, tests/ops/replica).
system-deps:
	@missing=""; \
	if ! command -v pg_ctl >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then \
		missing="$$missing postgresql"; fi; \
	command -v redis-server >/dev/null 2>&1 || missing="$$missing redis-server"; \
	test -x /usr/bin/chromium || missing="$$missing chromium"; \
	fc-list :lang=ko 2>/dev/null | grep -q . || missing="$$missing fonts-nanum"; \
	command -v prometheus >/dev/null 2>&1 || missing="$$missing prometheus"; \
	command -v nginx >/dev/null 2>&1 || missing="$$missing nginx"; \
	command -v caddy >/dev/null 2>&1 || missing="$$missing caddy"; \
	{ command -v pgbouncer || test -x /usr/sbin/pgbouncer; } >/dev/null 2>&1 || missing="$$missing pgbouncer"; \
	if [ -n "$$missing" ]; then \
		echo "installing$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

lint: $(TEST_STAMP)
	$(BIN)/ruff check --select F,E9 src tests bench
	$(BIN)/lint-imports

# masto.js for the client test (tests/js), from its lockfile; the registry is needed only here.
tests/js/node_modules/.package-lock.json: tests/js/package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "node and npm (Node >= 20) are needed for tests/js"; exit 1; }
	npm ci --prefix tests/js --no-audit --no-fund

# The federation tests run in the TLS lab (../shared/peers/lab, docs/decisions/0038): as root, with
# `unshare -m`, the lab is made once (a CA, certificates for gts.test, madang-a.test, madang-b.test)
# and pytest runs with the lab's hosts file as its /etc/hosts, trusting the lab CA only (env.sh).
# Elsewhere pytest runs as it is and the lab tests skip, saying why. SHARED: where ../shared is
# (GoToSocial and the lab's scripts) when the project sits elsewhere, e.g. in a git worktree.
# ../shared beside the project; in a clone elsewhere (a fresh clone for CI, a worktree), the shared
# folder beside the repository it was cloned from.
SHARED ?= $(shell if [ -d ../shared ]; then echo ../shared; else o=$$(git config --get remote.origin.url 2>/dev/null); \
	if [ -n "$$o" ] && [ -d "$$o/../shared" ]; then echo "$$o/../shared"; else echo ../shared; fi; fi)
LAB_SCRIPTS = $(SHARED)/peers/lab
# LAB_NET: the loopback /24 the lab's servers use (another one lets two labs run at once).
LAB_NET ?= 127.0.0
LAB_HOSTS := gts.test=$(LAB_NET).2 madang-a.test=$(LAB_NET).3 madang-b.test=$(LAB_NET).4

test: system-deps $(TEST_STAMP) tests/js/node_modules/.package-lock.json
	$(BIN)/ruff check --select F,E9 src tests bench
	$(BIN)/lint-imports
	@if [ "$$(id -u)" = 0 ] && [ -x $(LAB_SCRIPTS)/make_ca.sh ] && unshare -m true 2>/dev/null; then \
		lab=$$(mktemp -d "$${TMPDIR:-/tmp}/madang-lab.XXXXXX") && \
		$(LAB_SCRIPTS)/make_ca.sh "$$lab" $(LAB_HOSTS) >/dev/null && \
		echo "federation lab in $$lab" && \
		MADANG_TEST_LAB="$$lab" MADANG_TEST_LAB_NET=$(LAB_NET) MADANG_TEST_SHARED=$(abspath $(SHARED)) $(LAB_SCRIPTS)/in_hosts.sh "$$lab/hosts" \
			sh -c '. "$$MADANG_TEST_LAB/env.sh"; exec $(BIN)/pytest -q'; \
		status=$$?; rm -rf "$$lab"; exit $$status; \
	else \
		echo "no federation lab here (it needs root, unshare -m and $(LAB_SCRIPTS)): its tests skip"; \
		MADANG_TEST_SHARED=$(abspath $(SHARED)) $(BIN)/pytest -q; \
	fi

clean:
	rm -rf $(VENV) var

# The web pages' strings: refresh the template after changing pages; translations live in
# src/madang/web/locale/en/LC_MESSAGES/*.po (tests/web/test_catalog.py finds missing ones).
messages: $(TEST_STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k gettext_ -k _ -k N_ --no-location --omit-header \
		-o src/madang/web/locale/messages.pot .
