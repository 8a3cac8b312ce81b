"""pyproject lists its packages explicitly (patterns/ and sample_logs/ live outside src/): every
package directory of the source tree must be listed, or `pip install .` silently drops it."""
from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).parent.parent


def test_every_source_package_is_listed():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    found = {".".join(p.parent.relative_to(ROOT / "src").parts) for p in (ROOT / "src").rglob("__init__.py")}
    assert found - listed == set(), f"add to pyproject packages: {sorted(found - listed)}"
    for name, folder in config["package-dir"].items():
        if name:
            assert name in listed and (ROOT / folder / "__init__.py").is_file(), name
