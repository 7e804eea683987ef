# Two commands do all the set-up on a fresh Debian machine with Python 3.11:
#   make run   - virtualenv, install, migrate, demo clinic if empty, serve on :8000
#   make test  - install what the tests need (Chromium included) and run everything

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha256sum | cut -c1-12)
# Debian packages the browser journeys need: the browser and Japanese fonts.
BROWSER_PACKAGES := chromium fonts-noto-cjk

.PHONY: run test lint format bench messages browser clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

run: $(STAMP)
	$(BIN)/tsuranai migrate
	$(BIN)/tsuranai demo --if-empty
	$(BIN)/tsuranai serve --host 127.0.0.1 --port 8000

browser:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "noto sans cjk"; then \
	  echo "Installing $(BROWSER_PACKAGES) for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(BROWSER_PACKAGES); \
	fi

test: $(STAMP) browser
	$(BIN)/ruff check .
	$(BIN)/pytest -n auto

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	@command -v wrk >/dev/null 2>&1 || { if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq wrk; }
	$(BIN)/python -m bench.run

messages: $(STAMP)
	$(BIN)/python -m tests.i18n_check

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts
