"""Kill a hung embedded engine instead of waiting on it forever.

FalkorDB can deadlock, its main thread and a query thread each waiting for a
lock the other holds (FalkorDB/FalkorDB#2129; seen here once after a kill -9,
in Globals_AddGraph). A caller would then wait forever, and a socket timeout
cannot tell a stuck engine from a long query. So while any call waits on the
engine, one thread PINGs it; when it has neither answered nor used CPU for
`hang_timeout` seconds, it is killed. The waiting caller sees a lost
connection, and the restart-from-snapshot path takes over.

Silent is not yet hung: a write waiting for a long read's graph lock holds
the engine's main thread too, but then a query thread is working. A deadlock
is silent and idle: every thread waits on a lock.
"""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from typing import TYPE_CHECKING

import psutil
import redis

if TYPE_CHECKING:
    from reliefgraph.graph.embedded import EmbeddedServer

# Below this share of one core the engine counts as idle.
BUSY_SHARE = 0.1


class Watchdog:
    def __init__(self, server: "EmbeddedServer", hang_timeout: float):
        self.server = server
        self.hang_timeout = hang_timeout
        self.probe = max(0.2, min(5.0, hang_timeout / 4))
        self._waiting: dict[object, float] = {}
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    @contextmanager
    def watched(self):
        token = object()
        with self._lock:
            self._waiting[token] = time.monotonic()
            if self._thread is None:
                self._thread = threading.Thread(target=self._watch, name="engine-watchdog", daemon=True)
                self._thread.start()
        try:
            yield
        finally:
            with self._lock:
                del self._waiting[token]

    def answers(self, timeout: float) -> bool:
        try:
            with self.server.client(timeout=timeout) as c:
                c.ping()
            return True
        except redis.ResponseError:
            return True             # LOADING and the like: the main thread is serving
        except (redis.ConnectionError, redis.TimeoutError, OSError):
            return False

    def _watch(self) -> None:
        silent_since: float | None = None
        worked = 0.0
        while True:
            time.sleep(self.probe)
            with self._lock:
                if not self._waiting:
                    self._thread = None     # the next watched call starts a new one
                    return
                oldest = min(self._waiting.values())
            now = time.monotonic()
            if now - oldest < self.probe:
                continue            # short calls are never probed
            if self.answers(timeout=self.probe):
                silent_since = None
                continue
            cpu = self._cpu_seconds()
            if silent_since is None or cpu - worked > BUSY_SHARE * (now - silent_since):
                silent_since, worked = now, cpu
            elif now - silent_since + self.probe >= self.hang_timeout:
                self.server.kill_hung(now - silent_since + self.probe)
                silent_since = None

    def _cpu_seconds(self) -> float:
        pid = self.server._live_pid()
        try:
            times = psutil.Process(pid).cpu_times() if pid else None
        except psutil.Error:
            return 0.0
        return times.user + times.system if times else 0.0
