"""Declared dependencies (issue 12, point 11): every package the code imports is
declared, and no declared floor lets pip install a release with a published advisory.

pip-audit cannot judge floors offline (it asks an online advisory service about
installed versions; ``make audit`` runs it where that service is reachable), so the
first release without a known advisory is kept below, with the advisory that sets it.
When an advisory is published, raise the floor in setup.cfg and the row here.
"""

import ast
import configparser
import os
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from tests.helpers.servers import free_port

ROOT = Path(__file__).resolve().parent.parent

# Package: (first release without a published advisory, the latest advisory fixed).
FIRST_FIXED = {
    "flask": ("3.1.3", "GHSA-68rp-wp8r-4726"),
    "werkzeug": ("3.1.6", "CVE-2026-27199"),
    "jinja2": ("3.1.6", "CVE-2025-27516"),
    "sqlalchemy": ("1.3.0", "CVE-2019-7164"),
    "babel": ("2.9.1", "CVE-2021-42771"),
    "weasyprint": ("70.0", "CVE-2026-55073"),
    "lxml": ("6.1.3", "CVE-2026-49825"),
    "gunicorn": ("23.0.0", "CVE-2024-6827"),
    "redis": ("4.5.4", "CVE-2023-28859"),
    "pytest": ("9.0.3", "CVE-2025-71176"),
    "pypdf": ("6.16.1", "CVE-2026-84311"),
    "pillow": ("12.3.0", "PYSEC-2026-2257"),
    "setuptools": ("83.0.0", "PYSEC-2026-3447"),
}


def declared() -> dict[str, list[Requirement]]:
    """Every requirement in setup.cfg (install_requires and each extra) and the build
    requirements in pyproject.toml, by where they are declared."""
    setup = configparser.ConfigParser(interpolation=None)
    setup.read(ROOT / "setup.cfg")
    groups = {"install_requires": setup["options"]["install_requires"]}
    groups.update(setup["options.extras_require"])
    found = {
        group: [Requirement(line) for line in text.splitlines() if line.strip()]
        for group, text in groups.items()
    }
    build = tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"]
    found["build-system"] = [Requirement(line) for line in build["requires"]]
    return found


def floor(requirement: Requirement) -> Version | None:
    """The lowest version the requirement allows, or None if it has no lower bound."""
    bounds = [
        Version(spec.version)
        for spec in requirement.specifier
        if spec.operator in (">=", "==", "~=", "===")
    ]
    bounds += [
        Version(spec.version) for spec in requirement.specifier if spec.operator == ">"
    ]
    return max(bounds) if bounds else None


def test_no_declared_floor_allows_a_release_with_a_published_advisory():
    too_low = []
    for group, requirements in declared().items():
        for requirement in requirements:
            name = canonicalize_name(requirement.name)
            if name in FIRST_FIXED:
                fixed, advisory = FIRST_FIXED[name]
                lowest = floor(requirement)
                if lowest is None or lowest < Version(fixed):
                    too_low.append(
                        f"{group}: {requirement} allows < {fixed} ({advisory})"
                    )
    assert too_low == []


def test_every_declared_requirement_has_a_floor():
    unbounded = [
        f"{group}: {requirement}"
        for group, requirements in declared().items()
        for requirement in requirements
        if floor(requirement) is None
    ]
    assert unbounded == []


def imported_packages() -> set[str]:
    """The top-level third-party modules the app's code imports."""
    modules = set()
    for path in (ROOT / "villagetracker").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                modules.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    return modules - set(sys.stdlib_module_names) - {"villagetracker"}


def test_every_package_the_code_imports_is_declared():
    """A direct import is a direct dependency: its floor must be ours to set, not
    whatever another package happens to require (Werkzeug's came from Flask's)."""
    distributions = packages_distributions()
    runtime = {canonicalize_name(r.name) for r in declared()["install_requires"]}
    undeclared = sorted(
        f"{module} ({', '.join(distributions.get(module, ['not installed']))})"
        for module in imported_packages()
        if not {canonicalize_name(d) for d in distributions.get(module, [])} & runtime
    )
    assert undeclared == []


def test_the_audit_says_plainly_when_the_advisory_database_cannot_be_reached():
    """``make audit`` must never pass having looked nothing up."""
    nowhere = f"http://127.0.0.1:{free_port()}"  # a proxy that refuses connections
    environment = {
        **os.environ,
        "VENV_BIN": str(Path(sys.executable).parent),
        "HTTPS_PROXY": nowhere,
        "https_proxy": nowhere,
        "NO_PROXY": "",
        "no_proxy": "",
    }
    result = subprocess.run(
        [ROOT / ".ci" / "audit"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert "nothing was audited" in result.stderr
    assert "pypi.org" in result.stderr
