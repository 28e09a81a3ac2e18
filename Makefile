# argmap: `make run` sets everything up and serves the seeded map; `make test` runs ruff,
# pyright and every test, on SQLite and (those that touch the database) on a throwaway
# PostgreSQL server that the tests start themselves.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

# Debian/Ubuntu packages: Graphviz, fonts with Latin and Hangul coverage, Node.js for the
# front-end files.
APT_PACKAGES := graphviz fonts-dejavu-core fonts-nanum nodejs npm
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test bench setup system-deps browser-deps postgres-deps bench-deps lint clean

run: setup
	$(BIN)/argmap init
	@echo "argmap: open http://$(HOST):$(PORT)/ in your browser"
	$(BIN)/argmap serve --host $(HOST) --port $(PORT)

# The SQLite and PostgreSQL halves run at the same time, two pytest processes each
# (pytest-xdist), with pyright beside them: much of a test's time is spent waiting (for `dot`,
# Chromium, the PostgreSQL server), so four processes keep two cores busy. The PostgreSQL half
# repeats only the tests that touch the database; its report and pyright's follow the SQLite
# half's. The time is printed at the end, pass or fail.
TEST_WORKERS ?= 2
test: setup browser-deps postgres-deps
	@start=$$(date +%s); logs=$$(mktemp -d); \
	$(BIN)/ruff check argmap tests bench; lint=$$?; \
	$(BIN)/pyright > $$logs/pyright.log 2>&1 & types=$$!; \
	$(BIN)/pytest -n $(TEST_WORKERS) --db=postgresql --basetemp=$$logs/pg-tmp \
	  > $$logs/postgresql.log 2>&1 & pg=$$!; \
	$(BIN)/pytest -n $(TEST_WORKERS) --basetemp=$$logs/sqlite-tmp; sqlite=$$?; \
	wait $$pg; postgresql=$$?; wait $$types; pyright=$$?; \
	echo "--- the PostgreSQL half ---"; cat $$logs/postgresql.log; \
	echo "--- pyright ---"; cat $$logs/pyright.log; rm -rf $$logs; \
	status=0; for part in $$lint $$pyright $$sqlite $$postgresql; do \
	  [ $$part = 0 ] || status=1; done; \
	echo "argmap: ruff $$lint, pyright $$pyright, SQLite half $$sqlite, PostgreSQL half" \
	  "$$postgresql (0 = passed)"; \
	echo "argmap: make test took $$(( $$(date +%s) - start )) s (status $$status)"; \
	exit $$status

# Figures, not pass/fail (except lost writes): one table, see bench/run.py.
bench: setup postgres-deps bench-deps
	$(BIN)/python bench/run.py

lint: setup
	$(BIN)/ruff check argmap tests bench
	$(BIN)/pyright

VENDOR := static/vendor/htmx.min.js static/vendor/svg-pan-zoom.min.js static/vendor/d3.min.js \
	static/vendor/d3-graphviz.min.js

setup: system-deps $(BIN)/.installed $(VENDOR)

# Installs only what is missing; on systems without apt-get it says what to install instead.
system-deps:
	@missing=""; \
	command -v dot >/dev/null || missing="$$missing graphviz"; \
	fc-list 2>/dev/null | grep -qi 'DejaVu Sans' || missing="$$missing fonts-dejavu-core"; \
	fc-list ':lang=ko' 2>/dev/null | grep -q . || missing="$$missing fonts-nanum"; \
	command -v npm >/dev/null || missing="$$missing nodejs npm"; \
	$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || missing="$$missing python3-venv"; \
	if [ -n "$$missing" ]; then \
	  if command -v apt-get >/dev/null; then \
	    echo "argmap: installing system packages:$$missing"; \
	    $(SUDO) apt-get update -qq && \
	    $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null || exit 1; \
	  else \
	    echo "argmap: missing system packages:$$missing"; \
	    echo "  Install Graphviz (https://graphviz.org/download/; 'brew install graphviz' on macOS),"; \
	    echo "  a font covering Hangul (e.g. Noto Sans CJK or Nanum Gothic), Node.js with npm,"; \
	    echo "  and Python 3.11+ with venv; then run make again."; \
	    exit 1; \
	  fi; \
	fi

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# The browser tests drive Debian's chromium through Playwright's executable_path
# (`playwright install` cannot download browsers here).
browser-deps:
	@[ -n "$$ARGMAP_CHROMIUM" ] || command -v chromium >/dev/null || { \
	  if command -v apt-get >/dev/null; then \
	    echo "argmap: installing chromium for the browser tests"; \
	    $(SUDO) apt-get update -qq && \
	    $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "argmap: the browser tests need Chromium; install it, or set ARGMAP_CHROMIUM"; \
	    echo "  to its path, then run make test again."; exit 1; \
	  fi; }

# The PostgreSQL run (and P5) `initdb` a throwaway server: they need PostgreSQL's server
# programs, and, as root, the 'postgres' user that Debian's package creates.
postgres-deps:
	@[ -n "$$ARGMAP_PG_BIN" ] || command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  if command -v apt-get >/dev/null; then \
	    echo "argmap: installing PostgreSQL for the PostgreSQL test run"; \
	    $(SUDO) apt-get update -qq && \
	    $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	  else \
	    echo "argmap: the PostgreSQL test run needs PostgreSQL's server programs (initdb,"; \
	    echo "  pg_ctl); install PostgreSQL or set ARGMAP_PG_BIN to their folder."; exit 1; \
	  fi; }

# P4 loads gunicorn with wrk (loopback only).
bench-deps:
	@command -v wrk >/dev/null || { \
	  if command -v apt-get >/dev/null; then \
	    echo "argmap: installing wrk for the load figure (P4)"; \
	    $(SUDO) apt-get update -qq && \
	    $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	  else \
	    echo "argmap: P4 needs wrk; install it, or read P4 as not measured."; \
	  fi; }

$(VENDOR) &: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js
	cp node_modules/svg-pan-zoom/dist/svg-pan-zoom.min.js static/vendor/svg-pan-zoom.min.js
	# d3-graphviz's build carries Graphviz as WebAssembly (@hpcc-js/wasm) inside it.
	cp node_modules/d3/dist/d3.min.js static/vendor/d3.min.js
	cp node_modules/d3-graphviz/build/d3-graphviz.min.js static/vendor/d3-graphviz.min.js

clean:
	rm -rf $(VENV) node_modules static/vendor
