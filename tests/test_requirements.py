"""Runtime and development dependencies are pinned apart (issue 9): production installs
requirements/runtime.txt alone, so no test, lint or type tool may sit in it, and every dependency
pyproject.toml declares is pinned to one exact version in the file of its kind."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _name(requirement: str) -> str:
    return re.split(r"[<>=\[ ;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith(("#", "-r ")):
            continue
        assert "==" in line, f"{path.name}: {line!r} is not pinned to one version"
        name, version = line.split("==")
        pins[_name(name)] = version
    return pins


def _declared() -> tuple[list[str], list[str]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [_name(d) for d in project["dependencies"]], [_name(d) for d in project["optional-dependencies"]["dev"]]


def test_every_declared_dependency_is_pinned_in_its_file():
    runtime, dev = _declared()
    runtime_pins = _pins(ROOT / "requirements" / "runtime.txt")
    dev_pins = _pins(ROOT / "requirements" / "dev.txt")
    assert [d for d in runtime if d not in runtime_pins] == []
    assert [d for d in dev if d not in dev_pins] == []
    assert set(runtime_pins) & set(dev_pins) == set(), "a package pinned in both files"


def test_no_development_tool_in_the_runtime_file():
    runtime_pins = _pins(ROOT / "requirements" / "runtime.txt")
    tools = {"pytest", "pytest-django", "pytest-xdist", "ruff", "mypy", "playwright", "schemathesis", "factory-boy"}
    assert tools & set(runtime_pins) == set()
    assert "-r runtime.txt" in (ROOT / "requirements" / "dev.txt").read_text()
