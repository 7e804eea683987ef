# Tsuranai: one container per app process; SQLite in the data volume by default,
# or PostgreSQL through TSURANAI_DATABASE_URL.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    TSURANAI_ENVIRONMENT=production

RUN useradd --create-home --uid 10001 tsuranai
WORKDIR /app

# Dependencies first, so code changes do not reinstall them.
COPY pyproject.toml README.md ./
COPY app/__init__.py app/__init__.py
RUN pip install --upgrade pip && pip install .

COPY . .
# Editable install: templates/, static/ and migrations/ are read from /app.
RUN pip install --no-deps -e . && mkdir -p /app/data && chown -R tsuranai:tsuranai /app/data

USER tsuranai
VOLUME ["/app/data"]
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"

# Migrations, then the server. Behind a TLS proxy, set TSURANAI_SECURE_COOKIES=true.
CMD ["sh", "-c", "tsuranai migrate && exec tsuranai serve --host 0.0.0.0 --port 8000 --proxy-headers --forwarded-allow-ips \"${FORWARDED_ALLOW_IPS:-127.0.0.1}\""]
