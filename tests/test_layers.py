"""The layers hold (docs/architecture.md): `core`, `regions`, `accounts`, `geo`, `workcalendar` and the case
engine `cases` import no app above them, and no two apps import each other in a circle. The contracts are
import-linter's, in pyproject.toml ([tool.importlinter]), checked on grimp's graph of the whole package;
`lint-imports` prints the same report by hand. A new app must be named in a layer (`exhaustive`)."""

from __future__ import annotations

from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent


def test_the_import_contracts_are_kept(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True)
    report = capsys.readouterr().out
    assert result == 0, report
    assert "Contracts: 2 kept, 0 broken." in report
