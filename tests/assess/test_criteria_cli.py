"""`casefile criteria list|show`."""

from __future__ import annotations


def test_list(case):
    data = case.json("criteria", "list")
    ids = [c["id"] for c in data]
    assert ids[:5] == ["distinction", "indiscriminate", "proportionality", "precautions", "medical"]
    assert "rs-8-2-e-i" in ids
    first = data[0]
    assert first["applies_to"] == ["iac", "niac"] and first["source"] == "shipped"
    assert "distinction" in case.ok("criteria", "list").stdout


def test_show_json(case):
    data = case.json("criteria", "show", "medical")
    assert data["rule_text"] == "1 and 2 and (3 or 4)"
    assert {"instrument": "GC I", "provision": "art. 19"} in [
        {k: c[k] for k in ("instrument", "provision")} for c in data["legal_basis"]
    ]
    assert data["elements"][0]["question"]
    assert data["elements"][0]["guidance"]


def test_show_text(case):
    out = " ".join(case.ok("criteria", "show", "indiscriminate").stdout.split())
    assert "Legal basis" in out and "CIHL rule 11" in out
    assert "violation indicated if (1 or 2 or 3) and 4 are established" in out
    assert "evidence:" in out


def test_case_criterion_extends_library(case):
    folder = case.root / "criteria"
    folder.mkdir()
    (folder / "siege.yaml").write_text(
        "id: siege\nversion: 1\ntitle: Starvation\nkind: ihl-rule\nsummary: s\n"
        "legal_basis: [{instrument: CIHL, provision: rule 53}]\napplies_to: [niac]\n"
        "violation_label: a violation\nelements:\n"
        "  - {id: one, question: q?, guidance: g}\nrule: one\n"
    )
    data = case.json("criteria", "list")
    assert data[-1]["id"] == "siege" and data[-1]["source"] == "case"
    out = case.ok(
        "assess", "set", "ARIHA", "siege", "one", "--finding", "established", "--evidence", "E-0001"
    ).stdout
    assert "violation-indicated" in out


def test_unknown_criterion(case):
    result = case.fails(2, "criteria", "show", "nope")
    assert "unknown criterion 'nope'" in result.stderr
    assert result.stderr.count("\n") == 1
