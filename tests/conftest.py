from __future__ import annotations

import os
from pathlib import Path

import pytest

import tonecheck

ROOT = Path(__file__).resolve().parent.parent
# Tests never touch the user's own state or cache folders.
os.environ.setdefault("TONECHECK_STATE_DIR", str(ROOT / ".pytest_cache" / "state"))


@pytest.fixture(scope="session")
def rules_linter() -> tonecheck.Linter:
    """Rules only: no model, no grammar. Loaded once for the whole run."""
    return tonecheck.Linter(model=False, grammar=False)


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    return ROOT / "examples"
