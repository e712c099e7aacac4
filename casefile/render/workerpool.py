"""Worker processes forked from one warm process: the dossier's layout workers.

Why not ``ProcessPoolExecutor``: each of its workers is forked from this process and
imports WeasyPrint itself (~0.55 s of CPU each). A re-render after one edit is a fixed
cost of about 1.5 s on two cores, and the second import, competing for those cores with
this process reading the case, was 0.2 s of it. Here one process (the first worker)
imports WeasyPrint and loads its fonts, then forks the others from itself: they start
warm, at the same moment, and the import is paid once.

The protocol is one pipe per worker: this process sends ``(function, args)`` to an idle
worker and a thread here receives ``(ok, value)`` back. A worker exits when its pipe
closes, so none outlives this process, even one killed with SIGKILL. As with
``ProcessPoolExecutor``, a worker that dies breaks the pool: every pending layout then
fails with ``BrokenProcessPool``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from typing import Any

STOP_TIMEOUT = 2.0  # seconds for the first worker to stop the others and exit on SIGTERM


class ForkedPool:
    """``jobs`` workers, the first running ``initializer`` and then forking the rest."""

    def __init__(self, jobs: int, initializer: Callable[[], None]) -> None:
        import multiprocessing

        context = multiprocessing.get_context("fork")
        pairs = [context.Pipe() for _ in range(jobs)]
        self._conns = [mine for mine, _theirs in pairs]
        self._first = context.Process(
            target=_first_worker,
            args=([theirs for _mine, theirs in pairs], self._conns, initializer),
            name="casefile-layout",
        )
        self._first.start()
        for _mine, theirs in pairs:
            theirs.close()
        self._lock = threading.Lock()
        self._queue: deque[tuple[Future[Any], Callable[..., Any], tuple[Any, ...]]] = deque()
        self._idle: list[Any] = []
        self._busy: dict[Any, Future[Any]] = {}
        self._others: list[int] = []  # pids of the workers forked by the first
        self._broken: str | None = None
        self._closed = False
        self._receiver = threading.Thread(target=self._receive, name="casefile-layout", daemon=True)
        self._receiver.start()

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        future: Future[Any] = Future()
        with self._lock:
            if self._broken is not None:
                future.set_exception(BrokenProcessPool(self._broken))
                return future
            self._queue.append((future, fn, args))
            self._dispatch()
        return future

    def _dispatch(self) -> None:
        """Send queued work to idle workers (the lock held)."""
        while self._idle and self._queue:
            future, fn, args = self._queue.popleft()
            if not future.set_running_or_notify_cancel():
                continue  # cancelled while queued
            conn = self._idle.pop()
            self._busy[conn] = future
            try:
                conn.send((fn, args))
            except (OSError, ValueError):  # the worker is gone: _receive sees its pipe close
                pass

    def _receive(self) -> None:
        from multiprocessing.connection import wait

        live = list(self._conns)
        while live:
            for conn in wait(live):
                try:
                    message = conn.recv()
                except (EOFError, OSError):
                    live.remove(conn)
                    self._break("a layout worker process ended unexpectedly")
                    continue
                with self._lock:
                    kind, value = message
                    if kind == "ready":  # the first worker's value: the pids it forked
                        self._others.extend(value)
                        self._idle.append(conn)
                    elif kind == "failed":  # the initializer failed: nothing will run
                        self._broken = value
                    else:
                        future = self._busy.pop(conn)
                        if kind == "result":
                            future.set_result(value)
                        else:
                            future.set_exception(value)
                        self._idle.append(conn)
                    self._dispatch()

    def _break(self, reason: str) -> None:
        with self._lock:
            if self._closed:
                return
            self._broken = self._broken or reason
            error = BrokenProcessPool(self._broken)
            for future in self._busy.values():
                if not future.done():
                    future.set_exception(error)
            self._busy.clear()
            while self._queue:
                future, _fn, _args = self._queue.popleft()
                if future.set_running_or_notify_cancel():
                    future.set_exception(error)

    def close(self) -> None:
        """Stop every worker now, whatever it is doing, and drop what is queued: their
        results are no longer wanted (a render that failed, or one that is done)."""
        with self._lock:
            self._closed = True
            while self._queue:
                self._queue.popleft()[0].cancel()
            others = list(self._others)
        first = self._first
        if first.pid is not None and first.exitcode is None:
            first.terminate()  # it stops the others it forked, and waits for them
            first.join(STOP_TIMEOUT)
            if first.exitcode is None:
                for pid in others:  # still its children, not reaped: the pids are theirs
                    with contextlib.suppress(OSError):
                        os.kill(pid, signal.SIGKILL)
                first.kill()
                first.join()
        # The workers are gone, so every pipe has closed: the receiver ends.
        self._receiver.join(STOP_TIMEOUT)
        for conn in self._conns:
            conn.close()


def _first_worker(
    conns: list[Any], parent_ends: list[Any], initializer: Callable[[], None]
) -> None:
    """The first worker: import (``initializer``), fork the others, then work as one."""
    for end in parent_ends:  # this process's copies of the parent's ends: EOF must reach
        end.close()
    try:
        initializer()
    except BaseException as error:  # noqa: BLE001 - reported to the parent, not printed
        conns[0].send(("failed", f"the layout workers could not start: {error!r}"))
        os._exit(1)
    others: list[int] = []
    for n in range(1, len(conns)):
        pid = os.fork()
        if pid == 0:
            for k, conn in enumerate(conns):
                if k != n:
                    conn.close()
            conns[n].send(("ready", []))
            _serve(conns[n])
        conns[n].close()
        others.append(pid)

    def stop(_signum: int, _frame: Any) -> None:
        for pid in others:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGTERM)
        for pid in others:
            with contextlib.suppress(OSError):
                os.waitpid(pid, 0)
        os._exit(128 + signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    conns[0].send(("ready", others))
    _serve(conns[0])


def _serve(conn: Any) -> None:
    """Run what the parent sends until its end of the pipe closes; never returns."""
    while True:
        try:
            fn, args = conn.recv()
        except (EOFError, OSError):
            os._exit(0)
        try:
            reply: tuple[str, Any] = ("result", fn(*args))
        except Exception as error:  # noqa: BLE001 - raised again in the parent
            reply = ("error", error)
        try:
            conn.send(reply)
        except OSError:  # the parent is gone
            os._exit(0)
        except Exception as error:  # noqa: BLE001 - a value that does not pickle
            conn.send(("error", RuntimeError(f"{type(error).__name__}: {error}")))
