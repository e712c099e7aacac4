"""`casefile check`: each code triggered by a case built for it, and the exit codes."""

from __future__ import annotations

import json
import os
import re

import pytest

from casefile.assess.checks import CODES

SEEN: set[str] = set()


def check(case, *args, code=None):
    """Run check --json; return (exit code, problems)."""
    result = case.run("check", "--json", *args)
    assert result.exit_code in (0, 1), result.output
    data = json.loads(result.stdout)
    assert data["ok"] is (result.exit_code == 0)
    for p in data["problems"]:
        assert set(p) == {"code", "id", "message", "severity"}
        assert p["code"] in CODES
        SEEN.add(p["code"])
    return result.exit_code, data["problems"]


def codes(problems):
    return {(p["code"], p["id"], p["severity"]) for p in problems}


def assess_all(case, criterion="distinction", evidence="E-0001", reviewer="bob"):
    for element in ("attack", "civilian_object", "no_military_objective", "intent"):
        case.ok(
            "assess",
            "set",
            "ARIHA",
            criterion,
            element,
            "--finding",
            "established",
            "--evidence",
            evidence,
        )
    case.ok("review", "ARIHA", criterion, "--approve", actor=reviewer)


def test_fresh_case_only_warns_that_nothing_is_assessed(case):
    rc, problems = check(case)
    assert rc == 0
    assert codes(problems) == {("incident-not-assessed", "ARIHA", "warning")}


def test_clean_case_is_ok(case):
    assess_all(case)
    rc, problems = check(case)
    assert (rc, problems) == (0, [])
    assert "OK" in case.ok("check").stdout


def test_warnings_alone_exit_0_errors_exit_1(case):
    case.ok("assess", "set", "ARIHA", "distinction", "attack", "--finding", "insufficient")
    rc, problems = check(case)
    assert rc == 0
    assert codes(problems) == {("review-pending", "ARIHA/distinction/attack", "warning")}
    case.ok("assess", "set", "ARIHA", "distinction", "intent", "--finding", "established")
    rc, problems = check(case)
    assert rc == 1
    assert ("finding-without-evidence", "ARIHA/distinction/intent", "error") in codes(problems)
    result = case.run("check")
    assert result.exit_code == 1
    assert "FAILED" in result.stdout


def test_check_changes_nothing(case):
    case.ok("assess", "set", "ARIHA", "distinction", "intent", "--finding", "established")
    before = case.snapshot()
    check(case)
    assert case.snapshot() == before


def test_review_challenged(case):
    assess_all(case)
    case.ok(
        "review",
        "ARIHA",
        "distinction",
        "intent",
        "--challenge",
        "--comment",
        "why?",
        actor="carol",
    )
    rc, problems = check(case)
    assert rc == 1
    assert codes(problems) == {("review-challenged", "ARIHA/distinction/intent", "error")}
    assert "why?" in problems[0]["message"]


def test_criterion_not_applicable_in_niac(case):
    case.ok("assess", "set", "ARIHA", "rs-8-2-b-iv", "attack", "--finding", "insufficient")
    rc, problems = check(case)
    assert rc == 1
    assert ("criterion-not-applicable", "ARIHA/rs-8-2-b-iv", "error") in codes(problems)


def test_niac_set_in_iac_case_and_unknown_conflict(make_case):
    iac = make_case("iac")
    iac.ok("assess", "set", "ARIHA", "rs-8-2-e-i", "attack", "--finding", "insufficient")
    iac.ok("assess", "set", "ARIHA", "rs-8-2-b-iv", "attack", "--finding", "insufficient")
    _, problems = check(iac)
    found = codes(problems)
    assert ("criterion-not-applicable", "ARIHA/rs-8-2-e-i", "error") in found
    assert not any(c[1] == "ARIHA/rs-8-2-b-iv" and c[0].startswith("criterion") for c in found)

    unknown = make_case("unknown")
    unknown.ok("assess", "set", "ARIHA", "rs-8-2-b-iv", "attack", "--finding", "insufficient")
    unknown.ok("assess", "set", "ARIHA", "distinction", "attack", "--finding", "insufficient")
    rc, problems = check(unknown)
    assert rc == 0
    found = codes(problems)
    assert ("conflict-unclassified", "ARIHA/rs-8-2-b-iv", "warning") in found
    assert not any(c[1] == "ARIHA/distinction" for c in found)


def test_consent_against_audience(case):
    # W-001 consents to public, W-002 only to internal use.
    _, problems = check(case, "--audience", "internal")
    assert not any(p["code"] == "consent-not-covered" for p in problems)
    rc, problems = check(case, "--audience", "court")
    assert rc == 0
    assert ("consent-not-covered", "W-002", "warning") in codes(problems)
    assert not any(p["id"] == "W-001" for p in problems)  # public consent covers court
    case.ok(
        "assess",
        "set",
        "ARIHA",
        "distinction",
        "attack",
        "--finding",
        "established",
        "--evidence",
        "W-002",
    )
    rc, problems = check(case, "--audience", "public")
    assert rc == 1
    assert ("consent-not-covered", "W-002", "error") in codes(problems)


def test_default_audience_comes_from_case(case):
    case.edit_yaml("case.yaml", lambda d: d.update(default_audience="public"))
    _, problems = check(case)
    assert ("consent-not-covered", "W-002", "warning") in codes(problems)


def test_cited_exhibit_failing_its_hash(case):
    case.ok(
        "assess",
        "set",
        "ARIHA",
        "distinction",
        "attack",
        "--finding",
        "established",
        "--evidence",
        "E-0001",
    )
    sha = case.sha256("E-0001")
    blob = case.root / "exhibits" / "objects" / sha[:2] / sha
    os.chmod(blob, 0o644)
    blob.write_bytes(b"tampered")
    rc, problems = check(case)
    assert rc == 1
    assert ("cited-exhibit-corrupt", "E-0001", "error") in codes(problems)
    assert "ARIHA/distinction/attack" in next(
        p["message"] for p in problems if p["code"] == "cited-exhibit-corrupt"
    )


def test_dangling_ids_in_a_hand_edited_assessment(case):
    case.ok(
        "assess",
        "set",
        "ARIHA",
        "distinction",
        "attack",
        "--finding",
        "established",
        "--evidence",
        "E-0001",
    )

    def dangle(data):
        attack = data["criteria"]["distinction"]["elements"]["attack"]
        attack["supporting"] = ["E-0099", "W-099"]
        data["criteria"]["distinction"]["elements"]["no_such_element"] = dict(attack)
        data["criteria"]["no-such-criterion"] = {"elements": {"x": dict(attack)}}

    case.edit_yaml("assessments/ARIHA.yaml", dangle)
    rc, problems = check(case)
    assert rc == 1
    found = codes(problems)
    assert ("unknown-exhibit", "ARIHA/distinction/attack", "error") in found
    assert ("unknown-statement", "ARIHA/distinction/attack", "error") in found
    assert ("unknown-element", "ARIHA/distinction/no_such_element", "error") in found
    assert ("unknown-criterion", "ARIHA/no-such-criterion", "error") in found
    # show still works, and check does not stop at the first problem
    case.ok("assess", "show", "ARIHA")


def test_assessment_of_unknown_incident(case):
    case.ok("assess", "set", "ARIHA", "distinction", "attack", "--finding", "insufficient")
    text = (case.root / "assessments" / "ARIHA.yaml").read_text()
    (case.root / "assessments" / "GHOST.yaml").write_text(text.replace("ARIHA", "GHOST"))
    rc, problems = check(case)
    assert rc == 1
    assert ("unknown-incident", "assessments/GHOST.yaml", "error") in codes(problems)


def test_exhibit_and_statement_links(case):
    case.edit_yaml("exhibits/E-0002.yaml", lambda d: d.update(incidents=[]))
    case.edit_yaml("exhibits/E-0001.yaml", lambda d: d.update(incidents=["ARIHA", "GHOST"]))
    path = case.root / "statements" / "W-002.md"
    path.write_text(path.read_text().replace("incidents:\n- ARIHA\n", "incidents: []\n"))
    rc, problems = check(case)
    found = codes(problems)
    assert ("exhibit-unlinked", "E-0002", "warning") in found
    assert ("statement-unlinked", "W-002", "warning") in found
    assert ("unknown-incident", "E-0001", "error") in found
    assert rc == 1


def test_identity_without_statement(case):
    (case.root / "identities").mkdir(exist_ok=True)
    (case.root / "identities" / "W-077.yaml").write_text("id: W-077\nname: Someone Hidden\n")
    case.ok("incident", "edit", "ARIHA", "--description", "Hidden ran.")
    _, problems = check(case)
    assert ("unknown-statement", "identities/W-077.yaml", "error") in codes(problems)
    # Its name is withheld from dossiers all the same, so its parts are looked for too.
    assert ("name-part-shown", "ARIHA", "warning") in codes(problems)


@pytest.mark.parametrize(
    ("rel", "content", "record_id"),
    [
        ("incidents/ARIHA.yaml", None, "ARIHA"),
        ("exhibits/E-0001.yaml", None, "E-0001"),
        ("assessments/ARIHA.yaml", "incident: ARIHA\ncriteria: [oops]\n", "assessments/ARIHA.yaml"),
        ("criteria/mine.yaml", "id: mine\nversion: 1\n", "criteria/mine.yaml"),
        ("statements/W-001.md", "no front matter\n", "W-001"),
        ("case.yaml", "title: ''\n", "case.yaml"),
    ],
)
def test_invalid_records(case, rel, content, record_id):
    path = case.root / rel
    path.parent.mkdir(exist_ok=True)
    if content is None:
        path.write_text(path.read_text() + "surprise: field\n")
    else:
        path.write_text(content)
    rc, problems = check(case)
    assert rc == 1
    invalid = [p for p in problems if p["code"] == "record-invalid"]
    assert [p["id"] for p in invalid] == [record_id]
    assert "\n" not in invalid[0]["message"]


def test_a_part_of_a_withheld_name_left_in_text_the_audience_reads(case, tmp_path):
    """W-003's identity may not be shown to the public or a court. The dossier withholds
    its name and recorded other form wherever written; a part of the name left on its own
    ("Khalil's shop") is named, where it is, for a person to judge. Internal dossiers
    show identities: nothing to say there."""
    statement = tmp_path / "w3.md"
    statement.write_text("The baker's shop was hit.\n")
    case.ok("witness", "add", "W-003", "--incident", "ARIHA", "--statement", str(statement),
            "--pseudonym", "Baker", "--name", "Ahmad Khalil", "--other-name", "Umm Yusuf",
            "--consent", "public,court")  # fmt: skip
    text = "Ahmad  Khalil and umm yusuf saw it. Khalil's shop burned; [[Yusuf]] ran. Abu Bakr came."
    case.ok("incident", "edit", "ARIHA", "--description", text)
    for audience, words in [("public", ["Khalil"]), ("court", ["Khalil", "Yusuf"])]:
        _, problems = check(case, "--audience", audience)
        shown = [p for p in problems if p["code"] == "name-part-shown"]
        assert {(p["id"], p["severity"]) for p in shown} == {("ARIHA", "warning")}
        assert len(shown) == 1  # one per record and witness
        assert re.findall(r"'(\w+)'", shown[0]["message"]) == words  # a court reads spans
        assert "W-003" in shown[0]["message"] and "identities/W-003.yaml" in shown[0]["message"]
    _, problems = check(case, "--audience", "internal")
    assert "name-part-shown" not in {p["code"] for p in problems}
    # A span around a whole name: the court reads it withheld, as the dossier has it.
    case.ok("incident", "edit", "ARIHA", "--description", "[[Ahmad Khalil]] came.")
    _, problems = check(case, "--audience", "court")
    assert "name-part-shown" not in {p["code"] for p in problems}
    # In a span the public never reads it; a court does.
    case.ok("incident", "edit", "ARIHA", "--description", "The [[Khalil]] family.")
    _, problems = check(case, "--audience", "public")
    assert "name-part-shown" not in {p["code"] for p in problems}
    _, problems = check(case, "--audience", "court")
    assert [p["id"] for p in problems if p["code"] == "name-part-shown"] == ["ARIHA"]


def test_other_names_need_a_name_and_three_characters(case, tmp_path):
    statement = tmp_path / "w3.md"
    statement.write_text("text\n")
    before = sorted((p, p.read_bytes()) for p in case.root.rglob("*") if p.is_file())
    args = ["witness", "add", "W-003", "--incident", "ARIHA", "--statement", str(statement)]
    for extra, expected in [
        (["--other-name", "Abu Yusuf"], "--other-name needs --name"),
        (["--name", "Ahmad Khalil", "--other-name", "Al"], "at least 3 characters"),
    ]:
        result = case.run(*args, *extra)
        assert result.exit_code == 2
        assert expected in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert sorted((p, p.read_bytes()) for p in case.root.rglob("*") if p.is_file()) == before


def test_every_code_is_exercised(request):
    """Runs last in this module: every code check can report was triggered above."""
    module = request.module
    selected = {i.originalname for i in request.session.items if i.module is module}
    if selected != {name for name in vars(module) if name.startswith("test_")}:
        pytest.skip("only part of this module was selected")
    assert set(CODES) - SEEN == set()
