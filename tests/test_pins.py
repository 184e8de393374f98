"""The pins are what installs: every package in the environment is in constraints.txt at the installed
version, and every pin is installed (`make setup` installs with `-c constraints.txt`, pip included)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

CONSTRAINTS = Path(__file__).resolve().parents[1] / "constraints.txt"
# The project itself (installed editable) and the packaging tools a venv is born with are not pinned.
UNPINNED = {"duban", "setuptools", "wheel"}


def _name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins() -> dict[str, str]:
    pins: dict[str, str] = {}
    for number, line in enumerate(CONSTRAINTS.read_text().splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        name, separator, version = line.partition("==")
        assert separator, f"constraints.txt:{number}: expected name==version, got {line!r}"
        assert _name(name) not in pins, f"constraints.txt:{number}: {name} is pinned twice"
        pins[_name(name)] = version.strip()
    return pins


def test_installed_packages_are_the_pinned_ones() -> None:
    frozen = subprocess.run([sys.executable, "-m", "pip", "freeze", "--all", "--exclude-editable"],
                            capture_output=True, text=True, check=True, timeout=120).stdout
    installed = {}
    for line in frozen.splitlines():
        name, separator, version = line.partition("==")
        assert separator, f"pip freeze: {line!r} is not installed from a release"
        installed[_name(name)] = version
    pins = _pins()
    hint = " (make clean setup reinstalls from constraints.txt)"
    differing = {name: (pins[name], version) for name, version in installed.items()
                 if name in pins and pins[name] != version}
    assert not differing, f"installed ≠ pinned (pin, installed): {differing}{hint}"
    unpinned = sorted(set(installed) - set(pins) - UNPINNED)
    assert not unpinned, f"installed but not in constraints.txt: {unpinned}{hint}"
    missing = sorted(set(pins) - set(installed))
    assert not missing, f"pinned but not installed: {missing}{hint}"
