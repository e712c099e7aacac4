"""Worker processes forked from one warm process: the dossier's layout workers.

Why not ``ProcessPoolExecutor``: each of its workers is forked from this process and
imports WeasyPrint itself (~0.55 s of CPU each). A re-render after one edit is a fixed
cost of about 1.5 s on two cores, and the second import, competing for those cores with
this process reading the case, was 0.2 s of it. Here one process (the first worker)
imports WeasyPrint and loads its fonts, then forks the others from itself: they start
warm, at the same moment, and the import is paid once.

The protocol is one pipe per worker: this process sends ``(function, args)`` to an idle
worker and a thread here receives ``(kind, value)`` back. No worker outlives this
process: on Linux each dies with its parent (``PR_SET_PDEATHSIG``), elsewhere an idle one
exits when its pipe closes. As with ``ProcessPoolExecutor``, a worker that dies breaks
the pool: every pending layout then fails with ``BrokenProcessPool``, none hangs. On
Linux the workers also die with the *thread* that made the pool: make it on one that
lives as long as the pool (casefile makes it on the main thread).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from casefile.render.typeset import layout_part, leave_signals_to_parent, warm_up

if TYPE_CHECKING:
    from casefile.render.parallel import Part

STOP_TIMEOUT = 2.0  # seconds for the first worker to stop the others and exit on SIGTERM


@dataclass
class Workers:
    executor: Any  # a ForkedPool, or a ProcessPoolExecutor where processes cannot fork
    jobs: int
    # Kept from one render to the next (``render --watch``): once, each worker lays out a
    # part in the background, so that the first edit finds them warm (fonts, stylesheet).
    kept: bool = False
    rehearsed: bool = False

    def rehearse(
        self, parts: list[Part], laid_out: bool, case_root: Path, template_dirs: list[Path]
    ) -> None:
        """After a kept pool's first render: unless it ``laid_out`` parts already, each
        worker lays out the largest of ``parts`` (an incident, given those)."""
        if not self.kept or self.rehearsed:
            return
        self.rehearsed = True
        if laid_out or not parts:
            return
        part = max(parts, key=lambda p: len(p.html))
        for _ in range(self.jobs):  # each idle worker takes one
            self.executor.submit(
                layout_part, part.html, part.css, str(case_root), [str(d) for d in template_dirs]
            )


@contextlib.contextmanager
def workers(jobs: int, *, kept: bool = False) -> Iterator[Workers | None]:
    """``jobs`` worker processes (none for ``jobs`` 1), started at once: on Linux, the
    first imports WeasyPrint (~0.55 s) while this process reads the case and makes the
    parts' HTML, then forks the others warm (:mod:`casefile.render.workerpool`; forking a
    process that has loaded Pango is not safe on macOS, and elsewhere each worker imports
    WeasyPrint itself, in a ``ProcessPoolExecutor``).
    This process never imports WeasyPrint, so a re-render whose changed parts all go to
    the workers does not pay for it twice. (The ``forkserver`` start method was tried
    twice: it starts a fresh interpreter, which must import what this process already
    has, and re-renders came out slower.)"""
    if jobs <= 1:
        yield None
        return
    import multiprocessing

    if sys.platform.startswith("linux"):
        from casefile.render.workerpool import ForkedPool

        forked = ForkedPool(jobs, warm_up)
        try:
            yield Workers(forked, jobs, kept)
        finally:
            # Whatever the workers still do is not needed: their WeasyPrint import when
            # the render failed (bad input, mostly, found while reading the case) or found
            # every part in the cache, a part pass B no longer needs. Stop them rather
            # than wait (~0.5 s for the import). They write nothing: the cache is this
            # process's.
            forked.close()
        return
    from concurrent.futures import ProcessPoolExecutor

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    pool = ProcessPoolExecutor(
        jobs, mp_context=multiprocessing.get_context(method), initializer=warm_up
    )
    try:
        for _ in range(jobs):  # the executor otherwise starts them one per submit
            pool.submit(int)
        yield Workers(pool, jobs, kept)
    finally:
        stop = getattr(pool, "terminate_workers", None)  # Python 3.14+
        if stop is not None:
            stop()
        else:
            for process in list((getattr(pool, "_processes", None) or {}).values()):
                process.terminate()
        pool.shutdown(wait=False, cancel_futures=True)


def default_jobs() -> int:
    """``render --jobs`` unless given: the CPUs this process may use (a container's or
    ``taskset``'s limit included), at most 2, the most measured (benchmarks/RESULTS.md).
    One worker more than there are cores only adds its WeasyPrint import."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        cpus = os.cpu_count() or 1
    return max(1, min(2, cpus))


class ForkedPool:
    """``jobs`` workers, the first running ``initializer`` and then forking the rest."""

    def __init__(self, jobs: int, initializer: Callable[[], None]) -> None:
        import multiprocessing

        context = multiprocessing.get_context("fork")
        pairs = [context.Pipe() for _ in range(jobs)]
        self._conns = [mine for mine, _theirs in pairs]
        self._first = context.Process(
            target=_first_worker,
            args=([theirs for _mine, theirs in pairs], self._conns, initializer, os.getpid()),
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
            if self._closed or self._broken is not None:
                future.set_exception(BrokenProcessPool(self._broken or "the workers are stopped"))
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
            except OSError:  # the worker is gone: _receive sees its pipe close
                pass
            except Exception as error:  # noqa: BLE001 - work that does not pickle: nothing sent
                del self._busy[conn]
                self._idle.append(conn)
                future.set_exception(error)

    def _receive(self) -> None:
        """The receiver thread: results in, idle workers fed. Whatever goes wrong here
        breaks the pool (every pending future fails) rather than leave one pending."""
        from multiprocessing.connection import wait

        live = list(self._conns)
        try:
            while live:
                for conn in wait(live):
                    try:
                        message = conn.recv()
                    except (EOFError, OSError):
                        live.remove(conn)
                        self._break("a layout worker process ended unexpectedly")
                        continue
                    self._handle(conn, message)
        except BaseException as error:  # noqa: BLE001 - reported through the futures
            self._break(f"the layout workers' results could not be read: {error!r}")

    def _handle(self, conn: Any, message: tuple[str, Any]) -> None:
        kind, value = message
        future: Future[Any] | None = None
        with self._lock:
            if kind == "ready":  # the first worker's value: the pids it forked
                self._others.extend(value)
                self._idle.append(conn)
            elif kind == "failed":  # the initializer failed: nothing will run
                self._broken = value
            else:
                future = self._busy.pop(conn, None)  # None: the pool broke meanwhile
                if self._broken is None:
                    self._idle.append(conn)
            self._dispatch()
        # Outside the lock: a waiter woken, or a done-callback, may submit more work.
        if future is not None and kind == "result":
            future.set_result(value)
        elif future is not None:
            future.set_exception(value)

    def _break(self, reason: str) -> None:
        with self._lock:
            self._broken = self._broken or reason
            self._fail_pending(BrokenProcessPool(self._broken))

    def _fail_pending(self, error: BaseException) -> None:
        """Fail every future not done (the lock held)."""
        for future in self._busy.values():
            if not future.done():
                future.set_exception(error)
        self._busy.clear()
        while self._queue:
            future, _fn, _args = self._queue.popleft()
            if future.set_running_or_notify_cancel():
                future.set_exception(error)

    def close(self) -> None:
        """Stop every worker now, whatever it is doing, and fail what is pending: the
        results are no longer wanted (a render that failed, or one that is done)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._broken = self._broken or "the layout workers were stopped"
            self._fail_pending(BrokenProcessPool(self._broken))
            others = list(self._others)
        first = self._first
        if first.exitcode is None:
            first.terminate()  # it stops the others it forked and waits for them
            first.join(STOP_TIMEOUT)
        if first.exitcode is None:
            for pid in others:  # still its children, not reaped: the pids are theirs
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            first.kill()
            first.join()
        # The workers are gone, so every pipe has closed: the receiver ends. Only then are
        # the pipes closed (their numbers could otherwise go to another pool's meanwhile).
        self._receiver.join(STOP_TIMEOUT)
        if not self._receiver.is_alive():
            for conn in self._conns:
                conn.close()


def _die_with_parent(parent: int) -> None:
    """On Linux, be killed when the parent dies, even by SIGKILL (elsewhere an idle worker
    exits when its pipe closes, a busy one after its part)."""
    with contextlib.suppress(AttributeError, OSError):
        import ctypes

        prctl = ctypes.CDLL(None, use_errno=True).prctl
        prctl.argtypes = [ctypes.c_int, *[ctypes.c_ulong] * 4]
        prctl.restype = ctypes.c_int
        prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG; on failure, as elsewhere
    if os.getppid() != parent:  # it died before the line above
        os._exit(0)


def _send_or_exit(conn: Any, message: tuple[str, Any]) -> None:
    """Send to the parent; if it is gone, leave quietly (no traceback on its terminal)."""
    try:
        conn.send(message)
    except OSError:
        os._exit(0)


def _first_worker(
    conns: list[Any], parent_ends: list[Any], initializer: Callable[[], None], parent: int
) -> None:
    """The first worker: import (``initializer``), fork the others, then work as one."""
    leave_signals_to_parent()  # first: Ctrl-C may come before the initializer runs
    for end in parent_ends:  # its copies of the parent's ends: EOF must reach the others
        end.close()
    _die_with_parent(parent)
    try:
        initializer()
    except BaseException as error:  # noqa: BLE001 - reported to the parent, not printed
        _send_or_exit(conns[0], ("failed", f"the layout workers could not start: {error!r}"))
        os._exit(1)
    others: list[int] = []

    def stop(_signum: int, _frame: Any) -> None:
        for pid in others:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGTERM)
        for pid in others:
            with contextlib.suppress(OSError):
                os.waitpid(pid, 0)
        os._exit(128 + signal.SIGTERM)

    # SIGTERM waits until every fork is done and known to stop(), so none is left behind.
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    signal.signal(signal.SIGTERM, stop)
    me = os.getpid()
    for n in range(1, len(conns)):
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
            for k, conn in enumerate(conns):
                if k != n:
                    conn.close()
            _die_with_parent(me)
            _send_or_exit(conns[n], ("ready", []))
            _serve(conns[n])
        conns[n].close()
        others.append(pid)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
    _send_or_exit(conns[0], ("ready", others))
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
            reply = ("error", _portable(error))
        try:
            conn.send(reply)
        except OSError:  # the parent is gone
            os._exit(0)
        except Exception as error:  # noqa: BLE001 - a result that does not pickle
            _send_or_exit(conn, ("error", RuntimeError(f"{type(error).__name__}: {error}")))


def _portable(error: Exception) -> Exception:
    """``error``, or a RuntimeError naming it if it would not arrive whole: an exception
    class whose ``__init__`` takes other arguments than its ``args`` pickles here but
    cannot be rebuilt there."""
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:  # noqa: BLE001
        return RuntimeError(f"{type(error).__name__}: {error}")
    return error
