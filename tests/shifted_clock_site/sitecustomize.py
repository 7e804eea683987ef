"""Keep sleeps and thread switches working in a Python process under libfaketime.

The suite proves that nothing reads the wall clock by passing under Debian's faketime
with the date moved (``make shifted``). It leaves the monotonic clock alone
(FAKETIME_DONT_FAKE_MONOTONIC=1): deadlines and timeouts must keep real time. Two bugs
of libfaketime 0.9.10 (fixed upstream after it) then break Python 3.11 itself:

- ``time.sleep`` waits with ``clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME)``, which
  libfaketime hands to the kernel as a negative time: every sleep, even ``sleep(0)``,
  raises EINVAL (wolfcw/libfaketime#426). The standard library and our dependencies
  sleep too (``subprocess.run(timeout=...)`` polls with it, so does uvicorn's worker
  supervisor), so ``time.sleep`` itself is replaced by a wait on an Event (a relative
  timeout on a semaphore, which libfaketime leaves intact).
- ``pthread_cond_timedwait`` on a CLOCK_MONOTONIC condition, which is how a thread
  waits its 5 ms turn for the GIL, gets its deadline rebased on the faked clock (the
  "forced monotonic fix", on by default with glibc >= 2.30; wolfcw/libfaketime#503):
  the GIL changes hands several times more slowly and a busy threaded server answers
  up to 20 times slower (128 requests at once time out; uvicorn's supervisor kills a
  worker that misses its 5 s health check). With the monotonic clock real, the
  deadline is right as it is: FAKETIME_FORCE_MONOTONIC_FIX=0 tells libfaketime so. It
  reads the variable on every wait, so setting it here is enough.

This file is the ``sitecustomize`` of every Python process a shifted run starts (the
pytest plugin in tests/shifted_clock.py puts this directory first on PYTHONPATH), and
that plugin calls the same function in the test processes. Without libfaketime in
LD_PRELOAD it changes nothing.
"""

from __future__ import annotations

import os
import threading
import time


def under_faketime() -> bool:
    return "faketime" in os.environ.get("LD_PRELOAD", "")


# Never set: waiting on it is a sleep measured on the monotonic clock.
_NEVER = threading.Event()


def _sleep(seconds: float) -> None:
    if seconds < 0:
        raise ValueError("sleep length must be non-negative")
    _NEVER.wait(seconds)


def mend_libfaketime() -> None:
    if not under_faketime():
        return
    time.sleep = _sleep
    if os.environ.get("FAKETIME_DONT_FAKE_MONOTONIC") == "1":
        os.environ.setdefault("FAKETIME_FORCE_MONOTONIC_FIX", "0")


mend_libfaketime()
