"""Keep ``time.sleep`` working in a Python process started under libfaketime.

The suite proves that nothing reads the wall clock by passing under Debian's faketime
with the date moved (``make shifted``). It leaves the monotonic clock alone
(FAKETIME_DONT_FAKE_MONOTONIC=1): deadlines and timeouts must keep real time. But
libfaketime 0.9.10 then breaks ``clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME)``, the
call Python 3.11's ``time.sleep`` waits with: it hands the kernel a negative time and
every sleep, even ``sleep(0)``, raises EINVAL (wolfcw/libfaketime#426). The standard
library and our dependencies sleep too (``subprocess.run(timeout=...)`` polls with it,
uvicorn's worker supervisor waits with it), so the fix must be ``time.sleep`` itself.

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


# Never set: waiting on it is a sleep measured on the monotonic clock (a relative
# timeout on a semaphore), which libfaketime leaves intact.
_NEVER = threading.Event()


def _sleep(seconds: float) -> None:
    if seconds < 0:
        raise ValueError("sleep length must be non-negative")
    _NEVER.wait(seconds)


def keep_sleep_working() -> None:
    if under_faketime():
        time.sleep = _sleep


keep_sleep_working()
