# The two commands of the README, plus lint, bench and the desktop helpers.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint bench screenshots install-desktop clean

$(PY):
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the project's metadata changes; the install is editable,
# so source edits need nothing.
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,dev]'
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m viewer open

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m tests.bench

# The README's pictures, through the real window: `open --screenshot` renders offscreen.
SHOT_TARGET := seven-thousand-cadres-conference\#outcomes-and-impact
BOOK := ../shared/corpora/rust-by-example
# A throwaway ENCYCLOPEDIA_HOME: screenshots neither read nor change your bookmarks or index.
SHOT_HOME := $(shell mktemp -d 2>/dev/null || echo /tmp/encyclopedia-shots)
screenshots: $(STAMP)
	mkdir -p docs
	ENCYCLOPEDIA_HOME=$(SHOT_HOME) $(PY) -m viewer open --search "Deng Xiaoping decentralization" --theme light --size 1200x800 --screenshot docs/screenshot-light.png
	ENCYCLOPEDIA_HOME=$(SHOT_HOME) $(PY) -m viewer open $(SHOT_TARGET) --theme dark --size 1200x800 --screenshot docs/screenshot-dark.png
	# A real mdBook, when the shared corpora are beside this checkout (copied: they are read-only).
	if [ -d $(BOOK) ]; then cp -r $(BOOK) $(SHOT_HOME)/book && chmod -R u+w $(SHOT_HOME)/book && \
	  ENCYCLOPEDIA_HOME=$(SHOT_HOME) $(PY) -m viewer open std/box --content $(SHOT_HOME)/book \
	    --theme dark --size 1200x800 --screenshot docs/screenshot-book.png; fi
	rm -rf $(SHOT_HOME)

# The menu entry and icon, for this user only; Exec points at this checkout's venv.
DATA_HOME ?= $(or $(XDG_DATA_HOME),$(HOME)/.local/share)
install-desktop:
	install -d $(DATA_HOME)/applications $(DATA_HOME)/icons/hicolor/scalable/apps
	sed -e 's|^Exec=encyclopedia|Exec=$(abspath $(VENV))/bin/encyclopedia|' \
	    -e 's|^TryExec=encyclopedia|TryExec=$(abspath $(VENV))/bin/encyclopedia|' \
	    viewer/resources/encyclopedia.desktop > $(DATA_HOME)/applications/encyclopedia.desktop
	install -m 644 viewer/resources/encyclopedia.svg \
	    $(DATA_HOME)/icons/hicolor/scalable/apps/encyclopedia.svg
	-update-desktop-database -q $(DATA_HOME)/applications 2>/dev/null
	-gtk-update-icon-cache -q -t $(DATA_HOME)/icons/hicolor 2>/dev/null
	@echo "installed: $(DATA_HOME)/applications/encyclopedia.desktop"

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
