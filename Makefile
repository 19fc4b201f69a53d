# Two commands on a fresh machine: `make demo` and `make test`.
# Everything else here is what those two need.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DIR := .casehub/demo-kafka

.PHONY: demo demo-handover test lint typecheck pytest broker-fetch s3proxy-fetch browser bench bench-rigsarkivet clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

broker-fetch:
	$(PYTHON) deploy/local/kafka.py fetch >/dev/null

# The S3-compatible server the document store's tests run against (deploy/local/s3proxy.py).
s3proxy-fetch:
	$(PYTHON) deploy/local/s3proxy.py fetch >/dev/null

# Headless Chromium from Debian's packages for the browser tests (tests/browser.py): playwright
# drives this one (CASEHUB_CHROMIUM, default /usr/bin/chromium), never a browser of its own.
CHROMIUM ?= /usr/bin/chromium
browser:
	@test -x $(CHROMIUM) || { apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium; }

# Starts a throw-away local broker, runs the demo against it, always stops it. The broker is
# the secured one (docs/broker-security.md): the hub and the demo's case system each
# authenticate as their own principal, with the ACLs of `casehub deploy acls`. `make demo KEEP=1`
# leaves everything up until Ctrl-C (the trap lets the recipe stop the broker afterwards).
demo: $(STAMP) broker-fetch
	@rm -rf $(DEMO_DIR) && mkdir -p $(DEMO_DIR)
	@$(BIN)/casehub deploy acls --municipality 101 > $(DEMO_DIR)/acls.json
	@$(BIN)/python deploy/local/kafka.py start --data $(DEMO_DIR) --secure --acls $(DEMO_DIR)/acls.json \
	  --bootstrap-file $(DEMO_DIR)/bootstrap >/dev/null
	@trap 'true' INT; status=0; $(BIN)/casehub demo --bootstrap "$$(cat $(DEMO_DIR)/bootstrap)" \
	  --local-broker $(DEMO_DIR) $(if $(KEEP),--keep) || status=$$?; \
	  $(BIN)/python deploy/local/kafka.py stop --data $(DEMO_DIR); exit $$status

# Two municipalities' hubs (101 hands a case over to 751) on one throw-away secured broker.
demo-handover: $(STAMP) broker-fetch
	@rm -rf $(DEMO_DIR) && mkdir -p $(DEMO_DIR)
	@$(BIN)/casehub deploy acls --municipality 101 --municipality 751 > $(DEMO_DIR)/acls.json
	@$(BIN)/python deploy/local/kafka.py start --data $(DEMO_DIR) --secure --acls $(DEMO_DIR)/acls.json \
	  --bootstrap-file $(DEMO_DIR)/bootstrap >/dev/null
	@status=0; $(BIN)/casehub handover demo --bootstrap "$$(cat $(DEMO_DIR)/bootstrap)" \
	  --local-broker $(DEMO_DIR) || status=$$?; \
	  $(BIN)/python deploy/local/kafka.py stop --data $(DEMO_DIR); exit $$status

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy .

# The test session starts its own broker (tests/broker.py) unless
# CASEHUB_TEST_BOOTSTRAP names one, and S3Proxy when a test needs it (tests/s3.py).
# TEST_WORKERS pytest-xdist workers, each with a broker of its own (a session is per worker);
# whole files go to one worker (--dist loadfile), so a file's module fixtures start once.
# Most real-broker tests wait on the broker, not the CPU, so two workers pay on two cores.
TEST_WORKERS ?= 2
# Each browser test leaves a screenshot of every page it saw in test-artifacts/ (kept, gitignored).
pytest: $(STAMP) broker-fetch s3proxy-fetch browser
	@echo "browser screenshots: $(CURDIR)/test-artifacts/"
	CASEHUB_CHROMIUM=$(CHROMIUM) $(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

test: lint typecheck pytest

# Not part of `make test`: figures, not pass/fail. Starts its own broker.
bench: $(STAMP) broker-fetch
	$(BIN)/python -m benchmarks.pipeline --records $(or $(RECORDS),5000) --rounds $(or $(ROUNDS),3)

# The archival version: 1,000 and 10,000 synthetic cases, pages/s and peak RSS. Needs the
# official XSDs: make bench-rigsarkivet SCHEMAS=DIR (no broker).
bench-rigsarkivet: $(STAMP)
	$(BIN)/python -m adapters.rigsarkivet.benchmark --schemas $(SCHEMAS) --cases $(or $(CASES),1000 10000) --pages $(or $(PAGES),2)

clean:
	rm -rf $(VENV) .casehub .mypy_cache .ruff_cache .pytest_cache
