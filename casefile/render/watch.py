"""`render --watch`: the changes to a case folder that call for rendering its dossier again.

A re-render in a fresh process pays for its imports and its workers' (~1.3 s of the
~2.5 s, see benchmarks/RESULTS.md); a watching process pays once and keeps its workers,
their fonts and parsed stylesheets warm, so after an edit only the changed parts are laid
out, by a warm worker. File events come from watchfiles (inotify and its equivalents),
grouped until the folder is quiet for a moment, as an editor or a casefile command writes
a record in several steps (a temporary file, then a rename).
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from casefile.errors import UserInputError
from casefile.store.lock import LOCK_NAME

# Written by casefile itself and never read by a render: derived caches, the case lock,
# the temporary files of an ingest, and blobs (new ones always come with their record).
IGNORED = (
    (".casefile-cache",),
    (".git",),
    (LOCK_NAME,),
    ("exhibits", "objects"),
)
# watchfiles reports a burst of changes once no new changed path has come for this long (a
# slow write of one file may be seen half done: the render then fails or is redone when
# the write ends, which is itself a change).
QUIET_MS = 50
READY_S = 10.0  # how long to wait for the file watcher to start


def wanted(root: Path, skip: Callable[[Path], bool]) -> Callable[[object, str], bool]:
    """The watchfiles filter: a changed path under ``root`` that may change the dossier,
    and that ``skip`` (the dossier being written, say) does not exclude."""
    from watchfiles import DefaultFilter

    editors = DefaultFilter()  # swap and backup files of editors, version control folders

    def keep(change: object, path: str) -> bool:
        if not editors(change, path):  # type: ignore[arg-type]
            return False
        where = Path(path)
        try:
            parts = where.relative_to(root).parts
        except ValueError:
            return False
        if any(parts[: len(prefix)] == prefix for prefix in IGNORED):
            return False
        return not skip(where)

    return keep


def output_files(output: Path) -> Callable[[Path], bool]:
    """The dossier a watch writes and the temporary files it writes it through
    (``store.atomic.write_atomic``): its own writes are no change to the case."""
    output = output.resolve()
    prefix = f".{output.name}."

    def written(path: Path) -> bool:
        return path == output or (
            path.parent == output.parent and path.name.startswith(prefix) and path.suffix == ".tmp"
        )

    return written


class Watcher:
    """The changes to a case folder, collected by a thread from the moment the watcher
    is entered, so that a change made while a render runs is not missed: it is the next
    thing :meth:`next` returns."""

    def __init__(self, root: Path, skip: Callable[[Path], bool]) -> None:
        self.root = root.resolve()
        self._skip = skip
        self._changes: queue.SimpleQueue[set[Path] | BaseException] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._probe = self.root / ".casefile-cache" / f"watch-{os.getpid()}"
        self._thread = threading.Thread(target=self._run, name="casefile-watch", daemon=True)

    def __enter__(self) -> Watcher:
        self._thread.start()
        # The watcher reports that it has started by seeing a file of its own change.
        waited = 0.0
        try:
            self._probe.parent.mkdir(exist_ok=True)
            while not self._ready.wait(0.05) and waited < READY_S and self._thread.is_alive():
                self._probe.write_bytes(b"")
                waited += 0.05
        except OSError as exc:
            self._stop.set()
            raise UserInputError(f"{self.root}: cannot watch the case ({exc.strerror})") from None
        except BaseException:
            self._stop.set()
            raise
        finally:
            with contextlib.suppress(OSError):  # never in place of the error that stopped it
                self._probe.unlink(missing_ok=True)
        if not self._ready.is_set():
            self._stop.set()
            failed = "" if self._changes.empty() else f": {self._changes.get()}"
            raise UserInputError(f"{self.root}: the file watcher did not start{failed}")
        return self

    def __exit__(
        self, _t: type[BaseException] | None, _e: BaseException | None, _tb: TracebackType | None
    ) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def next(self) -> set[Path]:
        """The changes not yet returned, all the bursts that came while a render ran in
        one (waits for one; Ctrl-C interrupts)."""
        while True:
            try:
                item = self._changes.get(timeout=0.25)
            except queue.Empty:
                continue
            changed: set[Path] = set()
            while True:
                if isinstance(item, BaseException):
                    raise item
                changed |= item
                try:
                    item = self._changes.get_nowait()
                except queue.Empty:
                    return changed

    def _run(self) -> None:
        from watchfiles import watch

        keep = wanted(self.root, self._skip)

        def seen(change: object, path: str) -> bool:
            if Path(path) == self._probe:
                self._ready.set()
                return False
            return keep(change, path)

        try:
            for batch in watch(
                self.root,
                watch_filter=seen,
                step=QUIET_MS,
                debounce=2000,
                stop_event=self._stop,
                raise_interrupt=False,
            ):
                self._changes.put({Path(path) for _change, path in batch})
        except BaseException as exc:  # reported to the watching thread
            self._changes.put(exc)
