# earlyyears-desktop. `make run` and `make test` are all a new machine needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_VAULT ?= demo-vault
DEMO_PASSPHRASE := demo-only passphrase 2026
SYSTEM_STAMP := $(VENV)/.system-packages
TEST_SYSTEM_STAMP := $(VENV)/.system-packages-test
PACKAGE_SYSTEM_STAMP := $(VENV)/.system-packages-package

.PHONY: run test bench lint screenshots demo clean system-packages package package-smoke \
	package-minimal-root

# Debian packages: Qt's libraries and fonts to run; PostgreSQL, openssl, poppler and faketime
# for the tests too. Installed once (as root, or through sudo), when something is missing.
$(SYSTEM_STAMP):
	@if ! $(PYTHON) -c "import ensurepip, venv" 2>/dev/null \
	    || ! ldconfig -p | grep -q libxkbcommon-x11; then \
	  bash scripts/install-system-packages.sh; fi
	@mkdir -p $(VENV) && touch $@

$(TEST_SYSTEM_STAMP): $(SYSTEM_STAMP)
	@if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || ! command -v pdftotext >/dev/null \
	    || ! command -v openssl >/dev/null || ! command -v faketime >/dev/null; then \
	  bash scripts/install-system-packages.sh test; fi
	@touch $@

$(PACKAGE_SYSTEM_STAMP): $(SYSTEM_STAMP)
	@if ! command -v desktop-file-validate >/dev/null || ! command -v appstreamcli >/dev/null \
	    || ! command -v objdump >/dev/null || ! command -v Xvfb >/dev/null \
	    || ! command -v xdotool >/dev/null || ! command -v xprop >/dev/null \
	    || ! command -v import >/dev/null || ! ldconfig -p | grep -q libwayland-cursor; then \
	  bash scripts/install-system-packages.sh package; fi
	@touch $@

system-packages: $(SYSTEM_STAMP)

$(BIN)/python: | $(SYSTEM_STAMP)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python $(TEST_SYSTEM_STAMP)
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@ $(VENV)/.installed

$(VENV)/.installed-package: pyproject.toml | $(BIN)/python $(PACKAGE_SYSTEM_STAMP)
	$(BIN)/pip install --quiet -e '.[package]'
	@touch $@ $(VENV)/.installed

$(DEMO_VAULT)/keyslots.json: | $(VENV)/.installed
	EARLYYEARS_PASSPHRASE="$(DEMO_PASSPHRASE)" $(BIN)/earlyyears demo $(DEMO_VAULT)

demo: $(DEMO_VAULT)/keyslots.json

run: $(VENV)/.installed $(DEMO_VAULT)/keyslots.json
	@echo
	@echo "  Demo vault: $(DEMO_VAULT)   (fictional families only)"
	@echo "  Demo passphrase: $(DEMO_PASSPHRASE)"
	@echo
	$(BIN)/earlyyears-desktop --vault $(DEMO_VAULT)

# Two workers, each test file whole on one (its module fixtures shared): about half the time.
test: $(VENV)/.installed-dev
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -p no:cacheprovider -n 2 --dist loadfile

bench: $(VENV)/.installed-dev
	$(BIN)/python -m benchmarks.run

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts
	$(BIN)/mypy
	$(BIN)/lint-imports

screenshots: $(VENV)/.installed-dev
	QT_QPA_PLATFORM=offscreen $(BIN)/python scripts/screenshots.py

# The frozen app (PyInstaller, one folder: dist/earlyyears-desktop) and its .deb
# (dist/earlyyears-desktop_<version>_<arch>.deb), both checked by the validators. Then
# `make package-smoke` installs the .deb into a temporary root and runs it (packaging/).
package: $(VENV)/.installed-package
	rm -rf dist/earlyyears-desktop build/pyinstaller
	$(BIN)/pyinstaller --noconfirm --clean --log-level WARN --distpath dist \
	    --workpath build/pyinstaller packaging/earlyyears-desktop.spec
	bash packaging/linux/build-deb.sh

package-smoke: $(PACKAGE_SYSTEM_STAMP)
	bash packaging/smoke-test.sh

# The .deb installed by apt into a minimal Debian root (no Python, no X) and run there: checks
# the package's Depends are enough. Root only, and the Debian mirror: not part of CI.
package-minimal-root: $(PACKAGE_SYSTEM_STAMP)
	bash packaging/linux/minimal-root-test.sh

clean:
	rm -rf --one-file-system $(VENV) build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
