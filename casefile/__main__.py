"""`python -m casefile`: the same program as the `casefile` console script."""

from casefile.cli import main

if __name__ == "__main__":
    main()
