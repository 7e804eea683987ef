"""Static files for phones on slow networks: compressed, and kept for a year when the
URL names the file's content.

Pages link every asset as ``/static/x.css?v=<content hash>`` (templating.static), so
an asset at such a URL never changes: it is cached as immutable and a repeat visit
fetches only the page. Any other URL (an old hash, none at all) is revalidated with
its ETag. Text assets go out gzip-compressed when the browser accepts it, compressed
once per file version and kept in memory. Pages are compressed by app/compression.py,
which leaves these alone (they already say Content-Encoding).
"""

from __future__ import annotations

import gzip
import hashlib
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qs

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
COMPRESSIBLE = frozenset({".css", ".js", ".mjs", ".svg", ".json", ".webmanifest", ".txt", ".map"})


@lru_cache(maxsize=512)
def fingerprint(directory: Path, relative: str) -> str:
    """The content hash that names this version of a static file in its URL.

    Read once per process: files change with a deploy, which restarts the app. (In
    development an edited file keeps its old hash until a restart; its URL then
    counts as stale and is served fresh, revalidated, never cached for a year.)
    """
    return hashlib.sha256((directory / relative).read_bytes()).hexdigest()[:12]


@lru_cache(maxsize=256)
def _gzipped(path: Path, mtime_ns: int) -> bytes:
    return gzip.compress(path.read_bytes(), compresslevel=9, mtime=0)


class StaticAssets(StaticFiles):
    def __init__(self, *, directory: Path) -> None:
        super().__init__(directory=directory)
        self.root = Path(directory)

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code not in (200, 304):
            return response
        wanted = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("v", [""])[0]
        full_path = self.root / path
        current = wanted and fingerprint(self.root, path) == wanted
        response.headers["Cache-Control"] = IMMUTABLE if current else REVALIDATE
        if response.status_code == 200 and self._gzip_wanted(full_path, scope):
            return self._compressed(full_path, response)
        return response

    @staticmethod
    def _gzip_wanted(path: Path, scope: Scope) -> bool:
        headers = Headers(scope=scope)
        accepts = "gzip" in headers.get("accept-encoding", "").lower()
        return accepts and "range" not in headers and path.suffix in COMPRESSIBLE

    @staticmethod
    def _compressed(path: Path, original: Response) -> Response:
        body = _gzipped(path, path.stat().st_mtime_ns)
        headers = MutableHeaders(raw=list(original.raw_headers))
        del headers["content-length"]
        headers["Content-Encoding"] = "gzip"
        headers["Vary"] = "Accept-Encoding"
        # Weak: the same ETag names the plain and the compressed bytes.
        if (etag := headers.get("etag")) and not etag.startswith("W/"):
            headers["ETag"] = f"W/{etag}"
        return Response(body, status_code=200, headers=dict(headers))
