# govcrawl: the two commands a newcomer runs are `make demo` and `make test`.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
PYWB    := .venv-pywb
PYWB_STAMP := $(PYWB)/.installed
PYTEST_ARGS ?=

.PHONY: venv demo test bench bench-repair bench-extract bench-dedup bench-warc sysdeps pywb clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test,bench,fast]'
	touch $(STAMP)

venv: $(STAMP)

# pywb pins redis==2.10.6 and fakeredis<1, which break scrapy-redis: it lives in its own
# virtual environment and is driven as a program (archive/replay.py).
$(PYWB_STAMP):
	$(PY) -m venv $(PYWB)
	$(PYWB)/bin/pip install -q --upgrade pip
	$(PYWB)/bin/pip install -q 'pywb>=2.8'
	touch $(PYWB_STAMP)

pywb: $(PYWB_STAMP)

# System packages the tests need (a real browser for replay checks). Installed with
# apt-get when missing; when that is impossible the tests that need them fail loudly.
sysdeps:
	@command -v redis-server >/dev/null 2>&1 || \
	  { echo "installing redis-server (apt-get)"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null) || \
	    echo "WARNING: could not install redis-server; the distributed test will fail"; }
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	  { echo "installing chromium (apt-get)"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || \
	    echo "WARNING: could not install chromium; browser replay tests will fail"; }

demo: venv
	$(BIN)/govcrawl demo

test: venv pywb sysdeps
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: bench-repair bench-extract bench-dedup bench-warc

bench-repair: venv
	$(BIN)/python bench/bench_repair.py

bench-extract: venv
	$(BIN)/python bench/bench_extract.py

bench-dedup: venv
	$(BIN)/python bench/bench_dedup.py

bench-warc: venv
	$(BIN)/python bench/bench_warc.py

clean:
	rm -rf data build dist *.egg-info .pytest_cache
