"""`casefile review`: four-eyes sign-off, challenges, and reset when a finding changes."""

from __future__ import annotations

import pytest


@pytest.fixture
def assessed(case):
    """alice has set two elements of distinction for ARIHA."""
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
    case.ok(
        "assess",
        "set",
        "ARIHA",
        "distinction",
        "civilian_object",
        "--finding",
        "established",
        "--evidence",
        "W-001",
    )
    return case


def _element(case, element_id, criterion="distinction"):
    data = case.json("assess", "show", "ARIHA")
    crit = next(c for c in data["criteria"] if c["id"] == criterion)
    return next(e for e in crit["elements"] if e["id"] == element_id)


def test_four_eyes_refuses_own_finding_and_changes_nothing(assessed):
    before = assessed.snapshot()
    result = assessed.fails(2, "review", "ARIHA", "distinction", "attack", "--approve")
    assert "four-eyes" in result.stderr and "alice" in result.stderr
    assert result.stderr.count("\n") == 1
    assessed.fails(2, "review", "ARIHA", "distinction", "--approve")
    assessed.fails(2, "review", "ARIHA", "distinction", "attack", "--approve", actor=" Alice ")
    assert assessed.snapshot() == before


def test_criterion_wide_approval_is_all_or_nothing(assessed):
    assessed.ok(
        "assess", "set", "ARIHA", "distinction", "intent", "--finding", "insufficient", actor="bob"
    )
    before = assessed.snapshot()
    result = assessed.fails(2, "review", "ARIHA", "distinction", "--approve", actor="bob")
    assert "intent" in result.stderr
    assert assessed.snapshot() == before


def test_approval_by_another_actor(assessed):
    out = assessed.ok("review", "ARIHA", "distinction", "attack", "--approve", actor="bob").stdout
    assert "Approved" in out
    attack = _element(assessed, "attack")
    assert attack["review_status"] == "approved"
    assert attack["reviews"][0]["reviewer"] == "bob"
    assert attack["reviews"][0]["verdict"] == "approve"
    assert attack["reviews"][0]["time"]
    assert _element(assessed, "civilian_object")["review_status"] == "pending"
    entry = assessed.custody_actions()[-1]
    assert (entry["action"], entry["actor"]) == ("review.approve", "bob")
    assert entry["details"]["elements"] == ["attack"]


def test_approve_all_assessed_elements_of_a_criterion(assessed):
    assessed.ok("review", "ARIHA", "distinction", "--approve", actor="bob")
    assert _element(assessed, "attack")["review_status"] == "approved"
    assert _element(assessed, "civilian_object")["review_status"] == "approved"
    assert _element(assessed, "intent")["review_status"] is None  # no finding, no review
    summary = assessed.json("assess", "show", "ARIHA")["criteria"][0]["review_summary"]
    assert summary == {"approved": 2, "challenged": 0, "pending": 0, "open": 2}
    assert (
        "Reviews: 2 approved, 0 challenged, 0 pending"
        in assessed.ok("assess", "show", "ARIHA").stdout
    )


def test_challenge_needs_a_comment(assessed):
    before = assessed.snapshot()
    result = assessed.fails(
        2, "review", "ARIHA", "distinction", "attack", "--challenge", actor="bob"
    )
    assert "--comment" in result.stderr
    assessed.fails(
        2, "review", "ARIHA", "distinction", "attack", "--challenge", "--comment", "  ", actor="bob"
    )
    assert assessed.snapshot() == before
    assessed.ok(
        "review",
        "ARIHA",
        "distinction",
        "attack",
        "--challenge",
        "--comment",
        "Which munition?",
        actor="bob",
    )
    attack = _element(assessed, "attack")
    assert attack["review_status"] == "challenged"
    assert attack["reviews"][-1]["comment"] == "Which munition?"
    assert assessed.custody_actions()[-1]["action"] == "review.challenge"


def test_author_may_challenge_but_not_approve(assessed):
    assessed.ok(
        "review", "ARIHA", "distinction", "attack", "--challenge", "--comment", "second thoughts"
    )
    assert _element(assessed, "attack")["review_status"] == "challenged"


def test_exactly_one_verdict(assessed):
    assessed.fails(2, "review", "ARIHA", "distinction", "attack", actor="bob")
    assessed.fails(
        2,
        "review",
        "ARIHA",
        "distinction",
        "attack",
        "--approve",
        "--challenge",
        "--comment",
        "x",
        actor="bob",
    )


def test_reviewing_nothing_is_exit_2(assessed):
    before = assessed.snapshot()
    result = assessed.fails(2, "review", "ARIHA", "distinction", "intent", "--approve", actor="bob")
    assert "no finding" in result.stderr
    assessed.fails(2, "review", "ARIHA", "proportionality", "--approve", actor="bob")
    assessed.fails(2, "review", "ARIHA", "distinction", "nope", "--approve", actor="bob")
    assessed.fails(2, "review", "ARIHA", "nope", "--approve", actor="bob")
    assessed.fails(2, "review", "NOPE", "distinction", "--approve", actor="bob")
    assert assessed.snapshot() == before


def test_changed_finding_goes_back_to_pending(assessed):
    assessed.ok("review", "ARIHA", "distinction", "attack", "--approve", actor="bob")
    out = assessed.ok(
        "assess", "set", "ARIHA", "distinction", "attack", "--finding", "insufficient"
    ).stdout
    assert "back to pending" in out
    attack = _element(assessed, "attack")
    assert attack["review_status"] == "pending"
    assert attack["reviews"] == []
    entries = assessed.custody_actions()
    assert [e["action"] for e in entries[-2:]] == ["assess.set", "review.reset"]
    assert entries[-1]["details"]["cleared"][0]["reviewer"] == "bob"


def test_changed_reasoning_also_resets_review(assessed):
    assessed.ok("review", "ARIHA", "distinction", "attack", "--approve", actor="bob")
    assessed.ok(
        "assess",
        "set",
        "ARIHA",
        "distinction",
        "attack",
        "--finding",
        "established",
        "--reasoning",
        "new reasoning",
        actor="carol",
    )
    attack = _element(assessed, "attack")
    assert attack["review_status"] == "pending"
    assert attack["set_by"] == "carol"
    # carol now authored the finding: she may not approve it, alice may.
    assessed.fails(2, "review", "ARIHA", "distinction", "attack", "--approve", actor="carol")
    assessed.ok("review", "ARIHA", "distinction", "attack", "--approve", actor="alice")


def test_unchanged_finding_keeps_its_approval(assessed):
    assessed.ok("review", "ARIHA", "distinction", "attack", "--approve", actor="bob")
    assessed.ok("assess", "set", "ARIHA", "distinction", "attack", "--finding", "established")
    assert _element(assessed, "attack")["review_status"] == "approved"
