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
# and a Korean font for it (pages at 360 px and the screenshots are laid out in Hangul, not boxes).
system-deps:
	@missing=""; \
	if ! command -v pg_ctl >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then \
		missing="$$missing postgresql"; fi; \
	command -v redis-server >/dev/null 2>&1 || missing="$$missing redis-server"; \
	test -x /usr/bin/chromium || missing="$$missing chromium"; \
	fc-list :lang=ko 2>/dev/null | grep -q . || missing="$$missing fonts-nanum"; \
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

test: system-deps $(TEST_STAMP) tests/js/node_modules/.package-lock.json
	$(BIN)/ruff check --select F,E9 src tests bench
	$(BIN)/lint-imports
	$(BIN)/pytest -q

clean:
	rm -rf $(VENV) var

# The web pages' strings: refresh the template after changing pages; translations live in
# src/madang/web/locale/en/LC_MESSAGES/*.po (tests/web/test_catalog.py finds missing ones).
messages: $(TEST_STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k gettext_ -k _ -k N_ --no-location --omit-header \
		-o src/madang/web/locale/messages.pot .
