# The two commands of the README: `make run` and `make test`. Everything else is their set-up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 0.0.0.0
PORT ?= 8000

.PHONY: run test install install-test translations init lint chromium browser-tools messages clean

run: install translations init
	$(BIN)/coursesite serve --host $(HOST) --port $(PORT)

test: install-test translations chromium browser-tools
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall when pyproject.toml changes; the marker files record what was installed.
$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

translations: | $(BIN)/activate
	$(BIN)/pybabel compile -d coursesite/translations

init: install
	$(BIN)/coursesite init

# Debian's chromium: Playwright's own browser download cannot work on the lab's machines.
# strace lets the durability test see that a step is on the disk before the page says so.
chromium:
	@if command -v chromium >/dev/null 2>&1 && command -v strace >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core strace >/dev/null; \
	else echo "Browser tests need Chromium (sudo apt-get install chromium strace) or CHROMIUM=/path/to/chromium"; fi

# axe-core (accessibility) and html-validate, pinned in package-lock.json; nothing here is served.
browser-tools: node_modules/.installed
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Refresh the French catalogue after adding interface text (then translate the new entries).
# No line numbers and sorted by message: entries stay put when code moves, and parallel work merges.
messages: | $(BIN)/activate
	$(BIN)/pybabel extract --no-location --sort-output -F babel.cfg -k _l -k lazy_gettext -k N_ -o coursesite/translations/messages.pot .
	$(BIN)/pybabel update --ignore-obsolete --no-fuzzy-matching -i coursesite/translations/messages.pot -d coursesite/translations

lint:
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) node_modules instance .pytest_cache
