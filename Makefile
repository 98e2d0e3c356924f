# `make clean` is the main job here: raw/ in, clean/ out. `make distclean` removes outputs.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
RAW    ?= raw
CLEAN  ?= clean
EVAL   ?= ../shared/eval
STAMP  := $(VENV)/.installed-stamp

.PHONY: clean test eval train bench review fuzz distclean venv

# Bootstrap the virtual environment from the pinned pyproject.toml (re-run when it changes).
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,eval]'
	touch $@

venv: $(STAMP)

clean: $(STAMP)
	$(BIN)/pipeline clean $(RAW) $(CLEAN)

test: $(STAMP)
	$(BIN)/python -m pytest -q

distclean:
	rm -rf $(CLEAN)/* $(CLEAN)/_run.json eval-out bench-out build *.egg-info $(VENV)
