"""Send write statements from a background thread.

While the engine executes one batch, the loader normalises and serialises
the next; on two cores that overlap is most of the difference between the
loader's rate and the engine's own. Order is kept (one thread, FIFO), and
`flush()` waits for everything sent so far — the loader calls it before
each read, so a lookup always sees the writes that precede it.
"""
from __future__ import annotations

import queue
import threading

from collections.abc import Callable


class BackgroundWriter:
    # Writes waiting, at most. A chunk of an extract gives one write per
    # statement of its mapping (9 for the household register), and the
    # large ones come first. A short queue stops the loader behind the first
    # large one; then, once the chunk is sent, the writer drains the queue
    # and waits while the loader reads the next chunk. The loader must be
    # able to run a whole chunk ahead: the 300 k register alone loaded in
    # 5.5 s at depth 2, 4.1 s at 16, 3.8 s at 64 (medians of 3). What waits
    # is bounded by depth x chunk rows.
    def __init__(self, depth: int = 64):
        self._queue: queue.Queue = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="graph-writer", daemon=True)
        self._thread.start()

    def submit(self, write: Callable[[], object]) -> None:
        self._raise()
        self._queue.put(write)

    def flush(self) -> None:
        self._queue.join()
        self._raise()

    def close(self) -> None:
        try:
            self.flush()
        finally:
            self._queue.put(None)
            self._thread.join()

    def _raise(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            try:
                if item is None:
                    return
                if self._error is None:  # after a failure, drain without writing
                    item()
            except BaseException as exc:  # re-raised in the loader's thread
                self._error = exc
            finally:
                self._queue.task_done()
