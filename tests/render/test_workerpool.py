"""The layout workers: forked from one warm first worker, results and errors come back, a
dead worker breaks the pool instead of hanging it, and no worker outlives its parent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import pytest

from casefile.render.workerpool import ForkedPool

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")

INIT_LOG = "CASEFILE_TEST_INIT_LOG"


def _log_init() -> None:
    with open(os.environ[INIT_LOG], "a", encoding="utf-8") as log:
        log.write(f"{os.getpid()}\n")


def _failing_init() -> None:
    raise ImportError("no WeasyPrint here")


def _pid_after(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def _fail(message: str) -> None:
    raise ValueError(message)


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    # A zombie still answers: it has exited, waiting for its parent to reap it.
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split(")")[-1].split()[0] == "Z"


def _wait_gone(pids: list[int], seconds: float = 10) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if all(_gone(pid) for pid in pids):
            return True
        time.sleep(0.05)
    return False


def test_the_first_worker_warms_up_once_and_forks_the_others(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    log = tmp_path / "init.log"
    monkeypatch.setenv(INIT_LOG, str(log))
    pool = ForkedPool(3, _log_init)
    try:
        # Three at once, each sleeping: they can only overlap on three workers.
        futures = [pool.submit(_pid_after, 0.5) for _ in range(3)]
        pids = {f.result(timeout=30) for f in futures}
        assert len(pids) == 3 and os.getpid() not in pids
        (initialised,) = log.read_text().split()
        assert int(initialised) in pids  # the first worker, which the others were forked from
        with pytest.raises(ValueError, match="bad part"):
            pool.submit(_fail, "bad part").result(timeout=30)
        assert pool.submit(_pid_after, 0).result(timeout=30) in pids  # still usable
    finally:
        pool.close()
    assert _wait_gone(list(pids))


def test_close_stops_busy_workers_at_once(tmp_path) -> None:  # type: ignore[no-untyped-def]
    pool = ForkedPool(2, lambda: None)
    ready = [pool.submit(_pid_after, 0) for _ in range(2)]
    pids = {f.result(timeout=30) for f in ready}
    busy = [pool.submit(_pid_after, 60) for _ in range(3)]  # two running, one queued
    time.sleep(0.3)
    started = time.monotonic()
    pool.close()
    assert time.monotonic() - started < 1.5
    for future in busy:  # none is left pending: whoever waits for one gets an error
        with pytest.raises(BrokenProcessPool):
            future.result(timeout=1)
    with pytest.raises(BrokenProcessPool):
        pool.submit(_pid_after, 0).result(timeout=1)
    assert _wait_gone(list(pids), 2)


def _workers(pool: ForkedPool) -> tuple[int, int]:
    """(the first worker's pid, the forked one's)."""
    pids = {f.result(timeout=30) for f in [pool.submit(_pid_after, 0.3) for _ in range(4)]}
    assert len(pids) == 2
    (forked,) = pool._others
    (first,) = pids - {forked}
    return first, forked


@pytest.mark.parametrize("victim", ["forked", "first"])
def test_a_dead_worker_breaks_the_pool(capfd, victim: str) -> None:  # type: ignore[no-untyped-def]
    """One worker dies while the other lays a part out: what is pending fails (the part
    that later comes back is dropped without a traceback); the survivor is stopped."""
    pool = ForkedPool(2, lambda: None)
    try:
        first, forked = _workers(pool)
        running = [pool.submit(_pid_after, 1.0), pool.submit(_pid_after, 1.0)]
        time.sleep(0.3)
        os.kill(forked if victim == "forked" else first, signal.SIGKILL)
        for future in running:
            with pytest.raises(BrokenProcessPool):
                future.result(timeout=30)
        with pytest.raises(BrokenProcessPool):
            pool.submit(_pid_after, 0).result(timeout=30)
        if victim == "first":  # the forked worker dies with the worker it was forked from
            assert _wait_gone([forked], 2)
        time.sleep(1.0)  # the survivor's part comes back meanwhile
        if victim == "forked":  # its result was dropped, the receiver still listens
            assert pool._receiver.is_alive()
        started = time.monotonic()
    finally:
        pool.close()
    assert time.monotonic() - started < 1.5
    assert _wait_gone([first, forked], 2)
    assert "Traceback" not in capfd.readouterr().err


class _Rebuilt(Exception):
    """An error whose __init__ does not take its args: it pickles, but cannot be rebuilt."""

    def __init__(self, path: str, field: str) -> None:
        super().__init__(f"{path}: {field}")


def _raise_rebuilt() -> None:
    raise _Rebuilt("a.yaml", "date")


def test_an_error_that_cannot_be_rebuilt_arrives_named(capfd) -> None:  # type: ignore[no-untyped-def]
    pool = ForkedPool(2, lambda: None)
    try:
        with pytest.raises(RuntimeError, match="_Rebuilt: a.yaml: date"):
            pool.submit(_raise_rebuilt).result(timeout=30)
        assert pool.submit(_pid_after, 0).result(timeout=30) > 0  # still usable
    finally:
        pool.close()
    assert "Traceback" not in capfd.readouterr().err


def test_a_failing_warm_up_is_reported_not_printed(capfd) -> None:  # type: ignore[no-untyped-def]
    pool = ForkedPool(2, _failing_init)
    try:
        with pytest.raises(BrokenProcessPool, match="no WeasyPrint here"):
            pool.submit(_pid_after, 0).result(timeout=30)
    finally:
        pool.close()
    assert "Traceback" not in capfd.readouterr().err


@pytest.mark.parametrize("when", ["idle", "busy", "warming up"])
def test_no_worker_outlives_a_killed_parent(when: str) -> None:
    """SIGKILL leaves the parent no chance to stop its workers: they die with it, busy or
    not, even while the first one still warms up, without a traceback."""
    script = (
        "import os, sys, time\n"
        "sys.path.insert(0, sys.argv[1])\n"
        "from test_workerpool import _pid_after\n"
        "from casefile.render.workerpool import ForkedPool\n"
        "warming = sys.argv[2] == 'warming up'\n"
        "pool = ForkedPool(2, (lambda: time.sleep(30)) if warming else (lambda: None))\n"
        "if warming:\n"
        "    print(pool._first.pid, flush=True)\n"
        "else:\n"
        "    pids = {f.result() for f in [pool.submit(_pid_after, 0.3) for _ in range(4)]}\n"
        "    print(' '.join(map(str, pids)), flush=True)\n"
        "    if sys.argv[2] == 'busy':\n"
        "        pool.submit(_pid_after, 60), pool.submit(_pid_after, 60)\n"
        "time.sleep(60)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(Path(__file__).parent), when],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None and proc.stderr is not None
        pids = [int(p) for p in proc.stdout.readline().split()]
        assert len(pids) == (1 if when == "warming up" else 2)
        time.sleep(0.3)
        proc.kill()
        proc.wait(timeout=10)
        assert _wait_gone(pids, 3)
        assert "Traceback" not in proc.stderr.read()  # ends once no worker holds it open
    finally:
        proc.kill()


def test_elsewhere_the_workers_are_a_process_pool(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Forking a process that has loaded Pango is not safe on macOS: there (and wherever
    not on Linux) each worker imports WeasyPrint itself, in a ProcessPoolExecutor."""
    from concurrent.futures import ProcessPoolExecutor

    from casefile.render.workerpool import workers

    monkeypatch.setattr(sys, "platform", "darwin")
    with workers(2) as pool:
        assert pool is not None and isinstance(pool.executor, ProcessPoolExecutor)
        assert pool.executor.submit(pow, 2, 5).result(timeout=60) == 32
    monkeypatch.undo()
    with workers(2) as pool:
        assert pool is not None and isinstance(pool.executor, ForkedPool)


def test_a_done_callback_may_submit_more(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Results are handed over outside the pool's lock: a callback that submits more work
    (as a scheduler feeding the pool does) does not deadlock the receiver."""
    pool = ForkedPool(2, lambda: None)
    try:
        chained: list[Any] = []

        def more(_done: Any) -> None:
            if pool._lock.locked():  # handed over under the lock: submitting would deadlock
                chained.append(None)
            else:
                chained.append(pool.submit(_pid_after, 0))

        first = pool.submit(_pid_after, 0)
        first.add_done_callback(more)
        first.result(timeout=30)
        end = time.monotonic() + 30
        while not chained and time.monotonic() < end:
            time.sleep(0.01)
        assert chained[0] is not None and chained[0].result(timeout=30) > 0
    finally:
        pool.close()
