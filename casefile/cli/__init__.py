"""The command line: one module per noun, under a root command in :mod:`casefile.cli.app`."""

import gc
import sys

# The collector, for a command: young objects collected every 10,000 allocations instead
# of 700, older generations more rarely (Python's defaults are (700, 10, 10)). A command
# makes many small container objects and keeps most of them to its end: pydantic records
# and YAML nodes, a layout's boxes and styles. By default the collector walks them over and
# over, and every full collection walks everything alive. A clean render of the benchmark
# in one process: 2,502 collections, 3.3-3.6 s of ~45 s, against ~150, 1.5-2.0 s; `check`
# of the large case: 4.9-5.9 s against 3.7-5.7 s. Nothing is switched off: garbage is
# collected, later (that render's peak: ~200-212 MB against ~180 MB). The layout workers
# inherit this; they also freeze what their start-up made (`typeset.warm_up`).
GC_THRESHOLDS = (10_000, 50, 50)


def main() -> None:
    """The ``casefile`` console script. Ctrl-C while Python still loads the command line
    (Typer, ~50 ms) ends as it does once a command runs, in one line with exit 130, not
    in a traceback."""
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        from casefile.cli.app import main as run
    except KeyboardInterrupt:
        sys.stderr.write("casefile: error: interrupted\n")
        sys.exit(130)
    run()
