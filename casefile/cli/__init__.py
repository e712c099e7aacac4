"""The command line: one module per noun, under a root command in :mod:`casefile.cli.app`."""

import gc
import sys

# Python's defaults are (700, 10, 10); on 3.14, whose collector is incremental, the numbers
# mean other things, and these are as harmless.
GC_THRESHOLDS = (10_000, 50, 50)


def tune_gc() -> None:
    """Set the collector for a casefile command (layout workers forked later inherit it).

    A command makes many small container objects and keeps most of them to its end:
    pydantic records and YAML nodes, a layout's boxes and styles. With the defaults the
    collector walks them again and again, and each full collection walks everything
    alive; here young objects are collected every 10,000 allocations instead of 700, and
    older ones more rarely. Measured in ad-hoc runs on the development VM: a clean render
    of the benchmark in one process made 2,502 collections taking 3.3-3.6 s of ~45 s, and
    ~150 taking 1.5-2.0 s with these, same bytes, its peak ~200-212 MB against ~180 MB;
    `check` of the large case took 3.7, 5.7 and 3.9 s against 4.9, 5.9 and 5.5 s in three
    alternated pairs. Nothing is switched off: garbage is collected, later (a watch also
    collects whenever it waits for the next change).
    """
    gc.set_threshold(*GC_THRESHOLDS)


def main() -> None:
    """The ``casefile`` console script. Ctrl-C while Python still loads the command line
    (Typer, ~50 ms) ends as it does once a command runs, in one line with exit 130, not
    in a traceback."""
    tune_gc()
    try:
        from casefile.cli.app import main as run
    except KeyboardInterrupt:
        sys.stderr.write("casefile: error: interrupted\n")
        sys.exit(130)
    run()
