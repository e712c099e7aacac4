"""Issue 2 through the command line: every case, incident, evidence, witness, custody and
verify command, their --json shapes, how the case and the actor are found, EXIF, and bad
input (exit 2, one line naming what is wrong, no traceback, the folder byte-for-byte as it
was)."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from casefile.cli.app import app

ACTOR = "tester"
DERIVED = ".casefile-cache"  # derived, deletable: not part of the case's truth


# -- helpers ---------------------------------------------------------------------------------


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    def json(self):  # type: ignore[no-untyped-def]
        return json.loads(self.stdout)


def invoke(*args: str | Path, env: dict[str, str] | None = None) -> Run:
    result = CliRunner().invoke(app, [str(a) for a in args], env=env)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Run(result.exit_code, result.stdout, result.stderr)


def snapshot(root: Path) -> dict[str, bytes | None]:
    """Every file and folder under root with its bytes (None for folders), except the
    derived cache, which DESIGN.md allows any command to rebuild."""
    state: dict[str, bytes | None] = {}
    for folder, dirs, names in os.walk(root):
        if folder == str(root):
            dirs[:] = [d for d in dirs if d != DERIVED]
        for d in dirs:
            state[os.path.relpath(os.path.join(folder, d), root)] = None
        for n in names:
            path = os.path.join(folder, n)
            state[os.path.relpath(path, root)] = Path(path).read_bytes()
    return state


def assert_one_line_error(run: Run, *needles: str) -> None:
    assert run.code == 2, (run.code, run.stdout, run.stderr)
    lines = run.stderr.splitlines()
    assert len(lines) == 1, run.stderr
    assert "Traceback" not in run.stderr + run.stdout
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])


class Case:
    """A case folder in tmp_path, driven through the CLI with --case and --actor."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def __call__(self, *args: str | Path, env: dict[str, str] | None = None) -> Run:
        return invoke("--case", self.root, "--actor", ACTOR, *args, env=env)

    def ok(self, *args: str | Path) -> Run:
        run = self(*args)
        assert run.code == 0, (args, run.stdout, run.stderr)
        return run

    def log(self) -> list[dict]:
        return [json.loads(line) for line in (self.root / "custody.jsonl").read_text().splitlines()]

    def blobs(self) -> list[Path]:
        objects = self.root / "exhibits" / "objects"
        return sorted(p for p in objects.glob("??/*") if p.is_file())


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CASEFILE_CASE", raising=False)
    monkeypatch.delenv("CASEFILE_ACTOR", raising=False)


@pytest.fixture
def case(tmp_path: Path) -> Case:
    root = tmp_path / "case"
    run = invoke("--actor", ACTOR, "init", root, "--title", "Aleppo 2015", "--conflict", "niac")
    assert run.code == 0, run.stderr
    c = Case(root)
    c.ok("incident", "add", "ARIHA-2015-11-29", "--title", "Market strike", "--date", "2015-11-29")
    c.ok("incident", "add", "INC-2", "--title", "Clinic", "--date", "2016-01-03")
    return c


def write_files(folder: Path, count: int, prefix: str = "f") -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        p = folder / f"{prefix}{i:03d}.txt"
        p.write_bytes(f"{prefix} file number {i}\n".encode())
        paths.append(p)
    return paths


def exif_jpeg(path: Path) -> None:
    img = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "Canon"  # Make
    exif[0x0110] = "EOS 5D"  # Model
    exif.get_ifd(0x8769)[0x9003] = "2015:11:29 10:42:07"  # DateTimeOriginal
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (36.0, 12.0, 36.0)  # 36.21
    gps[3] = "E"
    gps[4] = (37.0, 9.0, 0.0)  # 37.15
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif)
    path.write_bytes(buf.getvalue())


# -- init ------------------------------------------------------------------------------------


def test_init_writes_case_and_first_custody_entry(tmp_path: Path) -> None:
    root = tmp_path / "new"
    run = invoke(
        "--actor", "amal", "init", root, "--title", "T", "--standard", "beyond-reasonable-doubt"
    )
    assert run.code == 0, run.stderr
    assert (root / "case.yaml").is_file()
    entries = [json.loads(x) for x in (root / "custody.jsonl").read_text().splitlines()]
    assert [e["action"] for e in entries] == ["case.init"]
    assert (
        entries[0]["actor"] == "amal" and entries[0]["seq"] == 1 and entries[0]["prev"] == "0" * 64
    )
    assert "beyond-reasonable-doubt" in (root / "case.yaml").read_text()


def test_init_twice_is_refused_and_changes_nothing(case: Case) -> None:
    before = snapshot(case.root)
    run = invoke("init", case.root, "--title", "again")
    assert_one_line_error(run, "case.yaml", "already exists")
    assert snapshot(case.root) == before


# -- incidents -------------------------------------------------------------------------------


def test_incident_add_list_show_edit(case: Case) -> None:
    run = case.ok(
        "incident", "add", "I-3", "--title", "Bakery", "--date", "2014-05-01",
        "--place", "Douma", "--lat", "33.57", "--lon", "36.4", "--perpetrator", "Air force",
        "--description", "A *strike*.", "--json",
    )  # fmt: skip
    data = run.json()
    assert data["id"] == "I-3" and data["lat"] == 33.57 and data["description"] == "A *strike*."

    listed = case.ok("incident", "list", "--json").json()
    assert [i["id"] for i in listed] == ["I-3", "ARIHA-2015-11-29", "INC-2"]  # by date

    shown = case.ok("incident", "show", "I-3", "--json").json()
    assert shown["place"] == "Douma" and shown["perpetrator"] == "Air force"
    assert "Bakery" in case.ok("incident", "show", "I-3").stdout

    desc = case.root.parent / "desc.md"
    desc.write_text("From a *file*.\n")
    case.ok("incident", "edit", "I-3", "--title", "Bakery strike", "--description-file", desc)
    shown = case.ok("incident", "show", "I-3", "--json").json()
    assert shown["title"] == "Bakery strike" and shown["description"] == "From a *file*.\n"
    actions = [(e["action"], e.get("object")) for e in case.log()]
    assert actions[-2:] == [("incident.add", "I-3"), ("incident.edit", "I-3")]
    edit = case.log()[-1]
    assert edit["details"]["fields"] == ["description", "title"]
    assert edit["path"] == "incidents/I-3.yaml" and len(edit["sha256"]) == 64


def test_incident_edit_without_change_is_not_logged(case: Case) -> None:
    n = len(case.log())
    case.ok("incident", "edit", "INC-2", "--title", "Clinic")
    assert len(case.log()) == n


# -- evidence --------------------------------------------------------------------------------


def test_evidence_add_file_and_folder_json(case: Case, tmp_path: Path) -> None:
    single = tmp_path / "one.pdf"
    single.write_bytes(b"%PDF-1.4\n% a document\n")
    added = case.ok("evidence", "add", single, "--incident", "INC-2", "--json").json()
    assert added == [
        {
            "id": "E-0001",
            "sha256": added[0]["sha256"],
            "size": single.stat().st_size,
            "new": True,
            "incidents": ["INC-2"],
        }
    ]
    write_files(tmp_path / "photos" / "sub", 3)
    folder = case.ok(
        "evidence", "add", tmp_path / "photos", "--incident", "ARIHA-2015-11-29",
        "--source", "SMM", "--reliability", "B", "--credibility", "2", "--restricted", "--json",
    ).json()  # fmt: skip
    assert [r["id"] for r in folder] == ["E-0002", "E-0003", "E-0004"]
    assert all(r["new"] for r in folder)
    shown = case.ok("evidence", "show", "E-0003", "--json").json()
    assert shown["original_name"] == "f001.txt" and shown["media_type"] == "text/plain"
    assert shown["kind"] == "document" and shown["source"] == "SMM"
    assert shown["reliability"] == "B" and shown["credibility"] == 2 and shown["restricted"]
    assert shown["incidents"] == ["ARIHA-2015-11-29"]
    assert case.ok("evidence", "show", "E-0001", "--json").json()["media_type"] == (
        "application/pdf"
    )
    listed = case.ok("evidence", "list", "--incident", "INC-2", "--json").json()
    assert [e["id"] for e in listed] == ["E-0001"]
    assert len(case.ok("evidence", "list", "--json").json()) == 4
    assert "E-0004" in case.ok("evidence", "list").stdout
    assert "f002.txt" in case.ok("evidence", "show", "E-0004").stdout
    # blobs are read-only and named by their hash
    for blob in case.blobs():
        assert blob.stat().st_mode & 0o222 == 0
        assert blob.parent.name == blob.name[:2]


@pytest.fixture(params=["loaded", "listed"])
def exhibit_index(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ingest reads the exhibits already in a case one by one, or, when there are many
    (more than ingest.BULK), from their listing: both ways must find the same bytes."""
    from casefile.store import ingest

    if request.param == "listed":
        monkeypatch.setattr(ingest, "BULK", -1)


def test_evidence_add_same_bytes_links_existing_exhibit(
    case: Case, tmp_path: Path, exhibit_index: None
) -> None:
    a = tmp_path / "a.txt"
    a.write_bytes(b"the same bytes\n")
    first = case.ok("evidence", "add", a, "--incident", "ARIHA-2015-11-29", "--json").json()
    copy = tmp_path / "renamed copy.txt"
    copy.write_bytes(a.read_bytes())
    second = case.ok("evidence", "add", copy, "--incident", "INC-2", "--json").json()
    assert second == [
        {
            "id": first[0]["id"],
            "sha256": first[0]["sha256"],
            "size": first[0]["size"],
            "new": False,
            "incidents": ["ARIHA-2015-11-29", "INC-2"],
        }
    ]
    assert len(case.blobs()) == 1
    assert case.ok("evidence", "list", "--json").json()[0]["incidents"] == [
        "ARIHA-2015-11-29",
        "INC-2",
    ]
    assert case.log()[-1]["action"] == "evidence.link"
    # and a third add for an incident already linked changes nothing and logs nothing
    n = len(case.log())
    again = case.ok("evidence", "add", a, "--incident", "INC-2", "--json").json()
    assert again[0]["new"] is False and len(case.log()) == n
    assert "already stored" in case.ok("evidence", "add", a, "--incident", "INC-2").stdout


def test_evidence_same_bytes_twice_in_one_folder(
    case: Case, tmp_path: Path, exhibit_index: None
) -> None:
    folder = tmp_path / "dup"
    folder.mkdir()
    (folder / "a.txt").write_bytes(b"twin\n")
    (folder / "b.txt").write_bytes(b"twin\n")
    out = case.ok("evidence", "add", folder, "--incident", "INC-2", "--json").json()
    assert [(r["id"], r["new"]) for r in out] == [("E-0001", True), ("E-0001", False)]
    assert len(case.blobs()) == 1


def test_evidence_edit_and_verify(case: Case, tmp_path: Path) -> None:
    write_files(tmp_path / "in", 2)
    case.ok("evidence", "add", tmp_path / "in", "--incident", "INC-2")
    case.ok(
        "evidence", "edit", "E-0002", "--description", "Crater", "--verification", "verified",
        "--reliability", "A", "--add-incident", "ARIHA-2015-11-29", "--not-restricted",
    )  # fmt: skip
    e = case.ok("evidence", "show", "E-0002", "--json").json()
    assert e["description"] == "Crater" and e["verification"] == "verified"
    assert e["incidents"] == ["INC-2", "ARIHA-2015-11-29"] and e["reliability"] == "A"
    assert case.log()[-1]["action"] == "evidence.edit"
    run = case.ok("evidence", "verify", "--json")
    assert run.json() == {"ok": True, "problems": []}
    assert case.ok("evidence", "verify", "E-0001").code == 0
    assert_one_line_error(case("evidence", "verify", "E-0099"), "E-0099")


def test_exif_capture_time_camera_and_gps(case: Case, tmp_path: Path) -> None:
    photo = tmp_path / "IMG_0001.JPG"
    exif_jpeg(photo)
    case.ok("evidence", "add", photo, "--incident", "ARIHA-2015-11-29")
    e = case.ok("evidence", "show", "E-0001", "--json").json()
    assert e["media_type"] == "image/jpeg" and e["kind"] == "photo"
    assert e["captured_at"] == "2015-11-29T10:42:07"
    assert e["image"]["camera"] == "Canon EOS 5D"
    assert (e["image"]["width"], e["image"]["height"]) == (64, 48)
    assert e["image"]["lat"] == pytest.approx(36.21) and e["image"]["lon"] == pytest.approx(37.15)
    # a capture time given by the user wins over the file's claim
    other = tmp_path / "IMG_0002.JPG"
    exif_jpeg(other)
    other.write_bytes(other.read_bytes() + b"\0")  # different bytes, same EXIF
    case.ok("evidence", "add", other, "--incident", "INC-2", "--captured-at", "2015-11-28T09:00:00")
    assert case.ok("evidence", "show", "E-0002", "--json").json()["captured_at"] == (
        "2015-11-28T09:00:00"
    )


# -- witnesses -------------------------------------------------------------------------------


def test_witness_add_list_show_edit_identity_apart(case: Case, tmp_path: Path) -> None:
    real_name = "Khaled Al-Realname"
    statement = tmp_path / "s.md"
    statement.write_text("I saw the strike near [[the shop of Abu Khaled]].\n")
    case.ok(
        "witness", "add", "W-001", "--incident", "ARIHA-2015-11-29", "--statement", statement,
        "--pseudonym", "Witness A", "--name", real_name, "--role", "medic",
        "--interviewed-on", "2016-02-01", "--language", "ar", "--consent", "public,court",
    )  # fmt: skip
    listed = case.ok("witness", "list", "--json").json()
    assert listed[0]["id"] == "W-001" and listed[0]["pseudonym"] == "Witness A"
    assert listed[0]["consent"] == ["public", "court"]
    shown = case.ok("witness", "show", "W-001", "--json").json()
    assert shown["body"].startswith("I saw the strike") and "identity" not in shown
    assert real_name not in case.ok("witness", "show", "W-001").stdout
    with_id = case.ok("witness", "show", "W-001", "--identity", "--json").json()
    assert with_id["identity"]["name"] == real_name

    new_text = tmp_path / "s2.md"
    new_text.write_text("Corrected account.\n")
    case.ok("witness", "edit", "W-001", "--role", "nurse", "--statement", new_text,
            "--incident", "INC-2", "--consent", "internal")  # fmt: skip
    shown = case.ok("witness", "show", "W-001", "--json").json()
    assert shown["meta"]["role"] == "nurse" and shown["body"] == "Corrected account.\n"
    assert shown["meta"]["incidents"] == ["INC-2"] and shown["meta"]["consent"] == ["internal"]

    # the real name lives in identities/ and nowhere else in the case
    holders = [
        rel for rel, data in snapshot(case.root).items() if data and real_name.encode() in data
    ]
    assert holders == [os.path.join("identities", "W-001.yaml")]
    assert [e["action"] for e in case.log()][-3:] == ["witness.add", "identity.add", "witness.edit"]

    # the identity is edited the same way; the log names the fields, not the name
    case.ok("witness", "edit", "W-001", "--name", "Khaled Al-Newname",
            "--other-name", "Abu Khaled", "--other-name", "خالد")  # fmt: skip
    identity = case.ok("witness", "show", "W-001", "--identity", "--json").json()["identity"]
    assert identity["name"] == "Khaled Al-Newname"
    assert identity["other_names"] == ["Abu Khaled", "خالد"]
    assert case.log()[-1]["action"] == "identity.edit"
    assert case.log()[-1]["details"] == {"fields": ["name", "other_names"]}
    log = (case.root / "custody.jsonl").read_bytes()
    assert b"Newname" not in log and b"Abu Khaled" not in log
    # a form is added to those kept, never dropping one unasked; --no-other-names clears
    case.ok("witness", "edit", "W-001", "--other-name", "Umm Sami", "--other-name", "خالد")
    identity = case.ok("witness", "show", "W-001", "--identity", "--json").json()["identity"]
    assert identity["other_names"] == ["Abu Khaled", "خالد", "Umm Sami"]
    case.ok("witness", "edit", "W-001", "--no-other-names", "--other-name", "Abu K")
    identity = case.ok("witness", "show", "W-001", "--identity", "--json").json()["identity"]
    assert identity["other_names"] == ["Abu K"]
    case.ok("witness", "edit", "W-001", "--no-other-names")
    identity = case.ok("witness", "show", "W-001", "--identity", "--json").json()["identity"]
    assert "other_names" not in identity and identity["name"] == "Khaled Al-Newname"
    n = len(case.log())
    case.ok("witness", "edit", "W-001", "--no-other-names")  # nothing changed: nothing logged
    assert len(case.log()) == n


def test_witness_front_matter_with_name_is_refused(case: Case, tmp_path: Path) -> None:
    statement = tmp_path / "s.md"
    statement.write_text("---\nname: Real Person\n---\nText\n")
    before = snapshot(case.root)
    run = case("witness", "add", "W-001", "--incident", "INC-2", "--statement", statement)
    assert_one_line_error(run, "name", "identities")
    assert snapshot(case.root) == before


# -- custody and verify ----------------------------------------------------------------------


def test_custody_log_and_verify(case: Case, tmp_path: Path) -> None:
    write_files(tmp_path / "in", 2)
    case.ok("evidence", "add", tmp_path / "in", "--incident", "INC-2")
    log = case.ok("custody", "log", "--json").json()
    assert [e["seq"] for e in log] == list(range(1, len(log) + 1))
    assert [e["action"] for e in log] == [
        "case.init",
        "incident.add",
        "incident.add",
        "evidence.add",
        "evidence.add",
    ]
    assert all(e["actor"] == ACTOR and e["time"].endswith("Z") for e in log)
    assert (
        log[3]["details"]["blob_sha256"]
        == case.ok("evidence", "show", "E-0001", "--json").json()["sha256"]
    )
    only = case.ok("custody", "log", "--object", "E-0002", "--json").json()
    assert [e["object"] for e in only] == ["E-0002"]
    assert "evidence.add" in case.ok("custody", "log").stdout
    assert case.ok("custody", "verify", "--json").json() == {"ok": True, "problems": []}
    assert "5 entries chained" in case.ok("custody", "verify").stdout
    result = case.ok("verify", "--json").json()
    assert result == {"ok": True, "problems": []}
    assert "OK" in case.ok("verify").stdout


# -- finding the case and the actor ----------------------------------------------------------


def test_case_from_env_and_from_subfolder(
    case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = invoke("incident", "list", "--json", env={"CASEFILE_CASE": str(case.root)})
    assert run.code == 0 and len(run.json()) == 2
    sub = case.root / "incidents"
    monkeypatch.chdir(sub)
    run = invoke("incident", "show", "INC-2", "--json")
    assert run.code == 0 and run.json()["title"] == "Clinic"
    # --case wins over the environment
    run = invoke("--case", case.root, "incident", "list", "--json", env={"CASEFILE_CASE": "/nope"})
    assert run.code == 0
    # no case anywhere: one line, exit 2
    monkeypatch.chdir(tmp_path)
    assert_one_line_error(invoke("incident", "list"), "case.yaml")
    assert_one_line_error(invoke("--case", tmp_path / "nowhere", "incident", "list"), "nowhere")


def test_actor_from_option_and_env(case: Case) -> None:
    run = invoke("--case", case.root, "incident", "add", "X1", "--title", "t", "--date",
                 "2015-01-01", env={"CASEFILE_ACTOR": "from-env"})  # fmt: skip
    assert run.code == 0
    run = invoke("--case", case.root, "--actor", "from-option", "incident", "edit", "X1",
                 "--title", "u", env={"CASEFILE_ACTOR": "from-env"})  # fmt: skip
    assert run.code == 0
    assert [e["actor"] for e in case.log()[-2:]] == ["from-env", "from-option"]


# -- bad input: exit 2, one line, nothing changed ----------------------------------------------


def _prepare(case: Case, tmp_path: Path) -> None:
    (tmp_path / "ok.txt").write_bytes(b"fine\n")
    (tmp_path / "s.md").write_text("statement\n")
    case.ok("evidence", "add", tmp_path / "ok.txt", "--incident", "INC-2")
    case.ok("witness", "add", "W-001", "--incident", "INC-2", "--statement", tmp_path / "s.md")


BAD_INPUT = {
    "id-with-slash": (["incident", "add", "a/b", "--title", "t", "--date", "2015-01-01"], ["a/b"]),
    "id-with-dotdot": (["incident", "add", "..", "--title", "t", "--date", "2015-01-01"], [".."]),
    "id-dotdot-inside": (
        ["incident", "add", "x..y", "--title", "t", "--date", "2015-01-01"],
        ["x..y"],
    ),
    "id-trailing-newline": (
        ["incident", "add", "INC-9\n", "--title", "t", "--date", "2015-01-01"],
        ["INC-9"],
    ),
    "show-traversal": (["incident", "show", "../case"], ["../case"]),
    "witness-id-traversal": (
        ["witness", "add", "../W-001", "--incident", "INC-2", "--statement", "{tmp}/s.md"],
        ["../W-001"],
    ),
    "unknown-incident-evidence": (
        ["evidence", "add", "{tmp}/new.txt", "--incident", "NOPE"],
        ["NOPE"],
    ),
    "unknown-incident-witness": (
        ["witness", "add", "W-002", "--incident", "NOPE", "--statement", "{tmp}/s.md"],
        ["NOPE"],
    ),
    "unknown-incident-edit": (["incident", "edit", "NOPE", "--title", "x"], ["NOPE"]),
    "unknown-incident-link": (["evidence", "edit", "E-0001", "--add-incident", "NOPE"], ["NOPE"]),
    "unknown-exhibit": (["evidence", "show", "E-0042"], ["E-0042"]),
    "unknown-statement": (["witness", "show", "W-042"], ["W-042"]),
    "impossible-date": (
        ["incident", "add", "I9", "--title", "t", "--date", "2015-02-30"],
        ["--date", "2015-02-30"],
    ),
    "impossible-date-edit": (["incident", "edit", "INC-2", "--date", "2015-13-01"], ["--date"]),
    "impossible-interview-date": (
        ["witness", "edit", "W-001", "--interviewed-on", "2016-02-31"],
        ["--interviewed-on"],
    ),
    "impossible-captured-at": (
        ["evidence", "add", "{tmp}/new.txt", "--incident", "INC-2", "--captured-at", "2015-99-1"],
        ["--captured-at"],
    ),
    "missing-file": (
        ["evidence", "add", "{tmp}/missing.jpg", "--incident", "INC-2"],
        ["missing.jpg"],
    ),
    "missing-file-among-good": (
        ["evidence", "add", "{tmp}/new.txt", "{tmp}/missing.jpg", "--incident", "INC-2"],
        ["missing.jpg"],
    ),
    "missing-statement": (
        ["witness", "add", "W-002", "--incident", "INC-2", "--statement", "{tmp}/none.md"],
        ["none.md"],
    ),
    "missing-description-file": (
        ["incident", "edit", "INC-2", "--description-file", "{tmp}/none.md"],
        ["none.md"],
    ),
    "duplicate-incident": (
        ["incident", "add", "INC-2", "--title", "t", "--date", "2015-01-01"],
        ["INC-2", "already exists"],
    ),
    "duplicate-statement": (
        ["witness", "add", "W-001", "--incident", "INC-2", "--statement", "{tmp}/s.md"],
        ["W-001", "already exists"],
    ),
    "bad-statement-id": (
        ["witness", "add", "X-1", "--incident", "INC-2", "--statement", "{tmp}/s.md"],
        ["X-1"],
    ),
    "reliability-G": (
        ["evidence", "add", "{tmp}/new.txt", "--incident", "INC-2", "--reliability", "G"],
        ["--reliability"],
    ),
    "reliability-edit": (["evidence", "edit", "E-0001", "--reliability", "Z"], ["--reliability"]),
    "credibility-7": (
        ["evidence", "add", "{tmp}/new.txt", "--incident", "INC-2", "--credibility", "7"],
        ["credibility"],
    ),
    "credibility-0-edit": (["evidence", "edit", "E-0001", "--credibility", "0"], ["credibility"]),
    "bad-consent": (["witness", "edit", "W-001", "--consent", "everyone"], ["consent"]),
    "bad-consent-with-a-name": (
        ["witness", "edit", "W-001", "--name", "New Name", "--consent", "everyone"],
        ["consent"],
    ),
    "other-name-without-identity": (
        ["witness", "edit", "W-001", "--other-name", "Abu Test"],
        ["W-001", "no identity", "--name"],
    ),
    "other-name-too-short": (
        ["witness", "edit", "W-001", "--name", "Test Name", "--other-name", "Al"],
        ["other_names", "3 characters"],
    ),
    "blank-name": (["witness", "edit", "W-001", "--name", "  "], ["name", "blank"]),
    "other-name-two-letters-and-a-space": (
        ["witness", "edit", "W-001", "--name", "Test Name", "--other-name", "A B"],
        ["other_names", "3 characters"],
    ),
    "other-name-at-add-without-name": (
        [
            "witness",
            "add",
            "W-002",
            "--incident",
            "INC-2",
            "--statement",
            "{tmp}/s.md",
            "--other-name",
            "Abu Test",
        ],
        ["--other-name", "--name"],
    ),  # fmt: skip
    "lat-without-lon": (
        ["incident", "add", "I9", "--title", "t", "--date", "2015-01-01", "--lat", "3"],
        ["lat"],
    ),
    "lat-out-of-range": (["incident", "edit", "INC-2", "--lat", "91", "--lon", "1"], ["lat"]),
    "empty-title": (["incident", "edit", "INC-2", "--title", ""], ["title"]),
    "nothing-to-change": (["incident", "edit", "INC-2"], ["nothing to change"]),
    "bad-kind": (
        ["evidence", "add", "{tmp}/new.txt", "--incident", "INC-2", "--kind", "x"],
        ["--kind"],
    ),
    "empty-folder": (["evidence", "add", "{tmp}/empty", "--incident", "INC-2"], ["no files"]),
    "fifo-in-folder": (["evidence", "add", "{tmp}/withfifo", "--incident", "INC-2"], ["pipe"]),
    "unknown-option": (["incident", "list", "--frobnicate"], ["--frobnicate"]),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUT))
def test_bad_input_is_one_line_exit_2_and_changes_nothing(
    case: Case, tmp_path: Path, name: str
) -> None:
    _prepare(case, tmp_path)
    (tmp_path / "new.txt").write_bytes(b"new bytes\n")
    (tmp_path / "empty").mkdir()
    (tmp_path / "withfifo").mkdir()
    (tmp_path / "withfifo" / "a.txt").write_bytes(b"a regular file before the pipe\n")
    os.mkfifo(tmp_path / "withfifo" / "pipe")
    args, needles = BAD_INPUT[name]
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    before = snapshot(case.root)
    run = case(*args)
    assert_one_line_error(run, *needles)
    assert snapshot(case.root) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file(case: Case, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"x")
    secret.chmod(0)
    before = snapshot(case.root)
    assert_one_line_error(case("evidence", "add", secret, "--incident", "INC-2"), "secret.txt")
    assert snapshot(case.root) == before


def test_unreadable_file_in_folder_is_named(case: Case, tmp_path: Path) -> None:
    """As root, chmod 000 does not stop reading: a dangling link stands in for a file that
    cannot be opened; the whole ingest is refused before anything is stored."""
    folder = tmp_path / "mixed"
    write_files(folder, 3)
    (folder / "gone.jpg").symlink_to(tmp_path / "does-not-exist.jpg")
    before = snapshot(case.root)
    assert_one_line_error(case("evidence", "add", folder, "--incident", "INC-2"), "gone.jpg")
    assert snapshot(case.root) == before


def test_hand_edited_malformed_yaml_named_with_line(case: Case) -> None:
    path = case.root / "incidents" / "INC-2.yaml"
    path.write_text(path.read_text() + "place: [unclosed\n")
    before = snapshot(case.root)
    run = case("incident", "list")
    assert_one_line_error(run, "incidents/INC-2.yaml", "line ", "malformed YAML")
    assert_one_line_error(case("incident", "show", "INC-2", "--json"), "incidents/INC-2.yaml")
    # a mutating command refuses too, and writes nothing
    assert_one_line_error(case("incident", "edit", "INC-2", "--title", "x"), "INC-2.yaml")
    assert snapshot(case.root) == before
    # verify names it as a problem (exit 1)
    run = case("verify", "--json")
    assert run.code == 1
    codes = {(p["code"], p["id"]) for p in run.json()["problems"]}
    assert ("record-invalid", "INC-2") in codes


def test_hand_edited_unknown_field_named(case: Case) -> None:
    path = case.root / "incidents" / "INC-2.yaml"
    path.write_text(path.read_text() + "casualties_typo: 3\n")
    before = snapshot(case.root)
    assert_one_line_error(case("incident", "list"), "incidents/INC-2.yaml", "casualties_typo",
                          "unknown field")  # fmt: skip
    assert snapshot(case.root) == before


def test_hand_broken_exhibit_record_stops_ingest_before_storing(
    case: Case, tmp_path: Path, exhibit_index: None
) -> None:
    (tmp_path / "a.txt").write_bytes(b"a\n")
    case.ok("evidence", "add", tmp_path / "a.txt", "--incident", "INC-2")
    record = case.root / "exhibits" / "E-0001.yaml"
    record.write_text(record.read_text().replace("reliability: F", "reliability: Q"))
    write_files(tmp_path / "more", 3)
    before = snapshot(case.root)
    run = case("evidence", "add", tmp_path / "more", "--incident", "INC-2")
    assert_one_line_error(run, "exhibits/E-0001.yaml", "reliability")
    assert snapshot(case.root) == before


def test_hand_edited_statement_and_identity_errors(case: Case, tmp_path: Path) -> None:
    (tmp_path / "s.md").write_text("text\n")
    case.ok("witness", "add", "W-001", "--incident", "INC-2", "--statement", tmp_path / "s.md",
            "--name", "Real")  # fmt: skip
    st = case.root / "statements" / "W-001.md"
    st.write_text(st.read_text().replace("language: en", "language: en\nfavourite: x"))
    before = snapshot(case.root)
    assert_one_line_error(case("witness", "list"), "statements/W-001.md", "favourite")
    assert snapshot(case.root) == before


# -- real processes --------------------------------------------------------------------------


def test_python_dash_m_and_console_script(case: Case, tmp_path: Path) -> None:
    env = {**os.environ, "CASEFILE_ACTOR": "proc"}
    env.pop("CASEFILE_CASE", None)
    run = subprocess.run(
        [sys.executable, "-m", "casefile", "incident", "list", "--json"],
        cwd=case.root / "incidents",
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert {i["id"] for i in json.loads(run.stdout)} == {"ARIHA-2015-11-29", "INC-2"}
    script = Path(sys.executable).parent / "casefile"
    if not script.exists():
        pytest.skip("console script not installed next to the interpreter")
    run = subprocess.run(
        [str(script), "incident", "add", "a/../b", "--title", "t", "--date", "2015-01-01"],
        cwd=case.root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and "a/../b" in run.stderr and "Traceback" not in run.stderr
    run = subprocess.run(
        [str(script), "--help"], env=env, capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0 and "evidence" in run.stdout


@pytest.mark.parametrize(
    "command",
    [
        [], ["init"], ["incident"], ["incident", "add"], ["incident", "list"], ["incident", "show"],
        ["incident", "edit"], ["evidence", "add"], ["evidence", "list"], ["evidence", "show"],
        ["evidence", "edit"], ["evidence", "verify"], ["witness", "add"], ["witness", "list"],
        ["witness", "show"], ["witness", "edit"], ["custody", "log"], ["custody", "verify"],
        ["verify"],
    ],
)  # fmt: skip
def test_every_command_has_help(command: list[str]) -> None:
    run = invoke(*command, "--help")
    assert run.code == 0 and "Usage" in run.stdout


# -- render: bad options are refused before any work ------------------------------------------


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--incident", "NOPE"], "NOPE"),
        (["--format", "docx"], "--format"),
        (["--audience", "press"], "--audience"),
        (["--format", "html", "--attach-evidence"], "--attach-evidence"),
    ],
)
def test_render_bad_options(case: Case, tmp_path: Path, args: list[str], needle: str) -> None:
    before = snapshot(case.root)
    out = tmp_path / "out.pdf"
    run = case("render", "-o", out, *args)
    assert_one_line_error(run, needle)
    assert not out.exists()
    assert snapshot(case.root) == before


def test_render_into_missing_folder_creates_nothing(case: Case, tmp_path: Path) -> None:
    before = snapshot(case.root)
    target = tmp_path / "missing" / "dossier.pdf"
    run = case("render", "-o", target)
    assert_one_line_error(run, "does not exist")
    assert not target.parent.exists()
    assert snapshot(case.root) == before


def test_render_html_is_logged_with_its_hash(case: Case, tmp_path: Path) -> None:
    out = tmp_path / "dossier.html"
    case.ok("render", "--format", "html", "--audience", "public", "-o", out)
    entry = case.log()[-1]
    assert entry["action"] == "dossier.render"
    assert entry["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert entry["details"]["audience"] == "public"
