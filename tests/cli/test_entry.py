"""Ctrl-C while Python still loads the command line ends in one line, not a traceback."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path


def test_ctrl_c_while_the_command_line_loads(tmp_path: Path) -> None:
    # Deterministic stand-in for the key pressed during the ~50 ms of imports: the import
    # of Typer, which the command line needs first, is interrupted.
    script = textwrap.dedent(
        """
        import sys

        class Interrupted:
            def find_spec(self, name, path=None, target=None):
                if name == "typer":
                    raise KeyboardInterrupt
                return None

        sys.meta_path.insert(0, Interrupted())
        sys.argv = ["casefile", "--help"]
        from casefile.cli import main
        main()
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path
    )
    assert result.returncode == 130
    assert result.stderr == "casefile: error: interrupted\n"
    assert result.stdout == ""


def test_the_console_script_and_python_m_are_the_same_entry() -> None:
    import tomllib

    project = Path(__file__).resolve().parents[2] / "pyproject.toml"
    scripts = tomllib.loads(project.read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts == {"casefile": "casefile.cli:main"}
    main_module = (project.parent / "casefile" / "__main__.py").read_text(encoding="utf-8")
    assert "from casefile.cli import main" in main_module
