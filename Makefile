# `make clean` is the main job here: raw/ in, clean/ out. `make distclean` removes outputs.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
RAW    ?= raw
CLEAN  ?= clean
EVAL   ?= ../shared/eval
STAMP  := $(VENV)/.installed-stamp

.PHONY: clean test test-pythons eval train bench review fuzz distclean venv

# Bootstrap the virtual environment from the pinned pyproject.toml (re-run when it changes).
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,eval,dask,train]'
	touch $@

venv: $(STAMP)

clean: $(STAMP)
	$(BIN)/pipeline clean $(RAW) $(CLEAN)

test: $(STAMP)
	$(BIN)/python -m pytest -q

# `make test-pythons`: the test suite under every Python of PYTHONS found on this machine (on PATH,
# or installed by pyenv but not selected), each in its own .venv-<name> (built from pyproject.toml
# like .venv); a Python that is absent, or older than the 3.11 that pyproject.toml requires, is
# skipped with a line saying so. Fails if any found one fails.
PYTHONS ?= python3.11 python3.12 python3.13
test-pythons:
	@status=0; for py in $(PYTHONS); do \
	  exe=$$(command -v $$py 2>/dev/null); \
	  if ! "$$exe" -c '' >/dev/null 2>&1; then \
	    exe=$$(ls -d $$(pyenv root 2>/dev/null)/versions/*/bin/$$py 2>/dev/null | tail -n 1); fi; \
	  if ! "$$exe" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; then \
	    echo "$$py: not found (or older than 3.11), skipped"; continue; fi; \
	  echo "$$py: $$("$$exe" -c 'import platform; print(platform.python_version())') ($$exe)"; \
	  $(MAKE) --no-print-directory test PYTHON="$$exe" VENV=.venv-$$py || status=1; \
	done; exit $$status

# `make eval`: the pipeline and the reference baselines on the corpora in $(EVAL), one table per
# corpus and track, also written to eval-out/eval.json (inputs, outputs and caches stay in eval-out/).
eval: $(STAMP)
	$(BIN)/pipeline eval $(EVAL)

# `make train`: rebuild pipeline/resources/line-model.json from the corpora in $(EVAL): grouped
# cross-validation by page (out-of-fold scores printed per corpus), then the final model. Then the
# dump title ranker, pipeline/resources/title-model.json (after the line model: it sees its kept lines),
# cross-validated by site the same way. Then the HTML block model, pipeline/resources/block-model.json
# (blocks of the scrapinghub and wcxb-dev pages, cross-validated by site; the pages/s comparison with
# trafilatura is `make bench`'s).
train: $(STAMP)
	$(BIN)/pipeline train $(EVAL)
	$(BIN)/python -m pipeline.training.titles $(EVAL)
	$(BIN)/python -m pipeline.training.blocks $(EVAL) --no-speed

# `make bench`: docs/s and MB/s per core, per-stage time, trafilatura alone on the same pages,
# 1 vs 2 workers, peak RSS per worker at BENCH_DOCS and BENCH_SCALE_DOCS documents, and the time of
# a re-run with nothing changed; corpora from $(EVAL), repeated; scratch files in bench-out/.
BENCH_DOCS       ?= 2000
BENCH_SCALE_DOCS ?= 100000
bench: $(STAMP)
	$(BIN)/pipeline bench $(EVAL) --docs $(BENCH_DOCS) --scale-docs $(BENCH_SCALE_DOCS) --out bench-out

# `make review`: what the code in this tree would change in the committed $(CLEAN): a fresh run of
# $(RAW) into a temporary folder, then `pipeline diff` (lines that entered or left the body, with old
# and new reasons, changed metadata, a summary) and the same change as a site to open in a browser,
# $(REVIEW)/index.html (`pipeline report OLD NEW`: the changed documents, old and new side by side),
# whose path it prints last. Like diff(1) it exits 1 when they differ, so a reviewer sees the change
# and a script learns that $(CLEAN) is not current; 2 when a run cannot start or a body in either
# folder disagrees with its sidecar (edited without it: named as an error).
REVIEW ?= review-out
review: $(STAMP)
	@fresh=$$(mktemp -d); trap 'rm -rf "$$fresh"' EXIT; \
	$(BIN)/pipeline clean $(RAW) "$$fresh/clean" >&2; [ $$? -le 1 ] || exit 2; \
	$(BIN)/pipeline diff $(CLEAN) "$$fresh/clean"; status=$$?; [ $$status -le 1 ] || exit 2; \
	$(BIN)/pipeline report $(CLEAN) "$$fresh/clean" --out "$(REVIEW)" >&2 || exit 2; \
	echo "review page: $(REVIEW)/index.html"; exit $$status

# `make fuzz`: FUZZ_COUNT generated, mutated and format-aware hostile inputs per seed of FUZZ_SEEDS
# (0..9, or 3,7,11) through the stages and the runner; crashes are saved with reproducers under
# fuzz-out/seed-N/ and make the target fail. 10 seeds x 100,000 inputs is the 1,000,000-input run.
FUZZ_COUNT ?= 100000
FUZZ_SEEDS ?= 0..9
fuzz: $(STAMP)
	$(BIN)/python -m pipeline.review.fuzz --count $(FUZZ_COUNT) --seed $(FUZZ_SEEDS) --out fuzz-out

distclean:
	rm -rf $(CLEAN)/* eval-out bench-out fuzz-out $(REVIEW) build *.egg-info $(VENV) .venv-python3*
