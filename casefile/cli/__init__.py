"""The command line: one module per noun, under a root command in :mod:`casefile.cli.app`."""

import sys


def main() -> None:
    """The ``casefile`` console script. Ctrl-C while Python still loads the command line
    (Typer, ~50 ms) ends as it does once a command runs, in one line with exit 130, not
    in a traceback."""
    try:
        from casefile.cli.app import main as run
    except KeyboardInterrupt:
        sys.stderr.write("casefile: error: interrupted\n")
        sys.exit(130)
    run()
