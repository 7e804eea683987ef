# syntax=docker/dockerfile:1
# Tsuranai: one container per app process. SQLite in the /app/data volume by
# default, or PostgreSQL through TSURANAI_DATABASE_URL (compose.yaml).
#
# Base image, pinned by digest so that a rebuild gets the same bytes. To move to a
# newer patch release: docker pull python:3.11-slim-bookworm, then
#   docker inspect --format '{{index .RepoDigests 0}}' python:3.11-slim-bookworm
# and paste the result here (or pass --build-arg PYTHON_IMAGE=...).
ARG PYTHON_IMAGE=python:3.11-slim-bookworm@sha256:2e32f7d302adc1c37428355c1e646897c0c53f4fd60b6a551245fb90ee129f91

# --- builder: the locked dependencies and the app's wheel, in /opt/venv -----------
FROM ${PYTHON_IMAGE} AS builder

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    UV_NO_CACHE=1 \
    UV_PYTHON_DOWNLOADS=never \
    UV_LINK_MODE=copy
WORKDIR /src

# uv itself: the version and hashes that uv.lock pins, checked by pip.
COPY scripts/install_uv.py scripts/
COPY uv.lock pyproject.toml README.md ./
RUN python scripts/install_uv.py uv.lock && python -m venv /opt/venv

# Dependencies first, so a code change does not reinstall them: exported from the
# lock with their hashes, and pip-style hash checking refuses anything else.
RUN uv export --quiet --locked --no-dev --no-emit-project --format requirements-txt \
      --output-file /tmp/requirements.txt \
 && uv pip install --python /opt/venv/bin/python --require-hashes --no-deps \
      -r /tmp/requirements.txt

# The app as a regular wheel: templates, static files and migrations travel inside it.
COPY alembic.ini ./
COPY app/ app/
COPY templates/ templates/
COPY static/ static/
COPY migrations/ migrations/
RUN uv build --wheel --out-dir /tmp/dist \
 && uv pip install --python /opt/venv/bin/python --no-deps /tmp/dist/tsuranai-*.whl \
 && /opt/venv/bin/python -m compileall -q -j 0 /opt/venv/lib

# --- runtime: the virtualenv and nothing else -------------------------------------
FROM ${PYTHON_IMAGE}

ARG VERSION=0.1.0
ARG REVISION=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.title="Tsuranai" \
      org.opencontainers.image.description="Night-time toe cramp self-care plans, reminders and cramp diary for a clinic and its patients." \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.licenses="LicenseRef-Proprietary" \
      org.opencontainers.image.base.name="docker.io/library/python:3.11-slim-bookworm"

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    TSURANAI_ENVIRONMENT=production \
    TSURANAI_PROXY_HEADERS=true

RUN useradd --no-log-init --create-home --uid 10001 --user-group tsuranai
COPY --from=builder /opt/venv /opt/venv
WORKDIR /app
RUN mkdir /app/data && chown tsuranai:tsuranai /app/data

USER 10001:10001
VOLUME ["/app/data"]
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"]

# Migrate (under a database lock, so replicas may start together), then serve.
# Trust X-Forwarded-* only from TSURANAI_FORWARDED_ALLOW_IPS (default 127.0.0.1).
CMD ["tsuranai", "serve", "--migrate", "--host", "0.0.0.0", "--port", "8000"]
