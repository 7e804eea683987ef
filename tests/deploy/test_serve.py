"""`tsuranai serve` keeps an idle connection open longer than its clients do.

A client (a proxy, an HTTP library, a phone's browser) reuses an idle connection
until its own keep-alive expires; if the server closed it first, a request sent at
that moment gets no answer, and a POST is not resent. These run the real command.
"""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import threading
import time
from contextlib import contextmanager

import httpx2
import pytest

from tests.deploy.conftest import TSURANAI
from tests.reliability.served import free_port

START_S = 60


@contextmanager
def serving(env: dict[str, str], cwd, *options: str):
    port = free_port()
    process = subprocess.Popen(
        [TSURANAI, "serve", "--migrate", "--port", str(port), *options],
        env=env,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + START_S
        while True:
            assert process.poll() is None, "serve exited at start"
            try:
                if httpx2.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                    break
            except httpx2.HTTPError:
                pass
            assert time.monotonic() < deadline, "serve did not start"
            threading.Event().wait(0.1)  # not time.sleep: a shifted-clock run mends it
        yield port
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(30)


def healthz_again_after(port: int, idle_s: float) -> int:
    """Ask, stay idle for idle_s on the same connection, ask again: the status."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", "/healthz")
        first = connection.getresponse()
        first.read()
        assert first.status == 200
        used = connection.sock
        threading.Event().wait(idle_s)
        connection.request("GET", "/healthz")
        again = connection.getresponse()
        again.read()
        assert connection.sock is used  # the same connection, not a new one
        return again.status
    finally:
        connection.close()


def test_an_idle_connection_outlives_an_http_librarys_keep_alive(operator_env, tmp_path):
    # 5 s is the keep-alive of common HTTP libraries, and was uvicorn's own.
    with serving(operator_env, tmp_path) as port:
        assert healthz_again_after(port, idle_s=6) == 200


def test_the_keep_alive_can_be_set_for_what_stands_in_front(operator_env, tmp_path):
    operator_env["TSURANAI_KEEP_ALIVE_SECONDS"] = "1"
    with (
        serving(operator_env, tmp_path) as port,
        pytest.raises((http.client.RemoteDisconnected, ConnectionError)),
    ):
        healthz_again_after(port, idle_s=3)
