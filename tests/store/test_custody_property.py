"""Property: any single change to a custody line that has an entry after it, any deleted line
but the last, any inserted copy and any swap of two lines is caught by `custody verify`,
which names the first entry where the chain breaks (the changed line or the one after it)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .kit import Case, errors, new_case, write_files


@pytest.fixture(scope="module")
def logged(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Case, bytes]]:
    tmp = tmp_path_factory.mktemp("custody-property")
    case = new_case(tmp / "case")
    write_files(tmp / "in", 5)
    case.ok("evidence", "add", tmp / "in", "--incident", "INC-1")
    case.ok("incident", "edit", "INC-2", "--place", "Douma")
    (tmp / "s.md").write_text("statement\n")
    case.ok("witness", "add", "W-001", "--incident", "INC-2", "--statement", tmp / "s.md")
    original = case.log_path.read_bytes()
    assert len(original.splitlines()) >= 10
    yield case, original
    case.log_path.write_bytes(original)


def _first_break(case: Case, lines: list[bytes]) -> int:
    case.log_path.write_bytes(b"".join(lines))
    run = case("custody", "verify", "--json")
    assert run.code == 1, lines
    problems = errors(run.json())
    assert problems[0]["code"] == "custody-broken"
    return int(problems[0]["id"].rsplit(":", 1)[1])


SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@SETTINGS
@given(data=st.data())
def test_changed_byte_is_caught(logged: tuple[Case, bytes], data: st.DataObject) -> None:
    case, original = logged
    lines = original.splitlines(keepends=True)
    i = data.draw(st.integers(0, len(lines) - 2), label="line")  # a line with one after it
    body = lines[i][:-1]
    pos = data.draw(st.integers(0, len(body) - 1), label="byte")
    new = data.draw(st.integers(0, 255).filter(lambda b: b != body[pos]), label="value")
    lines[i] = body[:pos] + bytes([new]) + body[pos + 1 :] + b"\n"
    assert _first_break(case, lines) in (i + 1, i + 2)


@SETTINGS
@given(data=st.data())
def test_deleted_line_is_caught(logged: tuple[Case, bytes], data: st.DataObject) -> None:
    case, original = logged
    lines = original.splitlines(keepends=True)
    i = data.draw(st.integers(0, len(lines) - 2))
    del lines[i]
    assert _first_break(case, lines) == i + 1


@SETTINGS
@given(data=st.data())
def test_inserted_copy_is_caught(logged: tuple[Case, bytes], data: st.DataObject) -> None:
    case, original = logged
    lines = original.splitlines(keepends=True)
    copy = lines[data.draw(st.integers(0, len(lines) - 1))]
    at = data.draw(st.integers(0, len(lines)))
    lines.insert(at, copy)
    assert _first_break(case, lines) in (at + 1, at + 2)


@SETTINGS
@given(data=st.data())
def test_swapped_lines_are_caught(logged: tuple[Case, bytes], data: st.DataObject) -> None:
    case, original = logged
    lines = original.splitlines(keepends=True)
    i = data.draw(st.integers(0, len(lines) - 2))
    j = data.draw(st.integers(i + 1, len(lines) - 1))
    lines[i], lines[j] = lines[j], lines[i]
    assert _first_break(case, lines) == i + 1


def test_last_entry_is_only_as_safe_as_the_records_it_names(logged: tuple[Case, bytes]) -> None:
    """Known limit of a hash chain with no outside anchor: the last line has no successor, so
    an edit of it that keeps it canonical is not a chain break. What it recorded can still
    be checked against the record it names: verify warns that the record is unlogged."""
    import json

    case, original = logged
    lines = original.splitlines(keepends=True)
    last = json.loads(lines[-1])
    last["sha256"] = "0" * 64
    lines[-1] = json.dumps(last, sort_keys=True, separators=(",", ":")).encode() + b"\n"
    case.log_path.write_bytes(b"".join(lines))
    code, report = case.verify()
    assert code == 0
    assert [p["code"] for p in report["problems"]] == ["record-unlogged"]
    case.log_path.write_bytes(original)
