"""The Python names against tests/api/names.json: the module exports exactly the manifest's
top-level Python names, and every dotted name resolves."""

from __future__ import annotations

import json
from typing import Any

import sinch_auth as sa
from conftest import REPO

ROWS: list[dict[str, Any]] = json.loads((REPO / "tests" / "api" / "names.json").read_text())["rows"]


def resolve(dotted: str) -> object:
    owner_name, _, member = dotted.partition(".")
    owner = getattr(sa, owner_name)
    if not member:
        return owner
    if hasattr(owner, member):
        return getattr(owner, member)
    # Instance attributes (the error classes set theirs in __init__).
    assert isinstance(owner, type) and issubclass(owner, Exception), dotted
    return getattr(owner("message"), member)


def test_exports_are_the_manifest() -> None:
    names = {r["python"] for r in ROWS if r["python"] and "." not in r["python"]}
    assert set(sa.__all__) == names, (
        f"exported, not in the manifest: {sorted(set(sa.__all__) - names)}; "
        f"in the manifest, not exported: {sorted(names - set(sa.__all__))}"
    )


def test_every_python_name_resolves() -> None:
    missing = []
    for row in ROWS:
        if row["python"]:
            try:
                resolve(row["python"])
            except AttributeError:
                missing.append(row["python"])
    assert not missing, missing


def test_every_row_names_the_concept_in_each_language_or_says_why_not() -> None:
    for row in ROWS:
        for lang in ("rust", "python", "node"):
            assert lang in row, row
            if row[lang] is None:
                assert row.get("note"), f"{row['concept']}: no {lang} name and no note"
