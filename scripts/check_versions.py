"""One version everywhere: the Cargo workspace, pyproject.toml, package.json, every npm platform
package, the main package's optionalDependencies pins, and a CHANGELOG.md entry."""

from __future__ import annotations

import json
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    cargo = tomllib.loads((ROOT / "Cargo.toml").read_text())["workspace"]["package"]["version"]
    found = {
        "Cargo.toml [workspace.package]": cargo,
        "pyproject.toml": tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
            "version"
        ],
    }
    package = json.loads((ROOT / "package.json").read_text())
    found["package.json"] = package["version"]
    for name, pin in package["optionalDependencies"].items():
        found[f"package.json optionalDependencies {name}"] = pin
    platforms = sorted((ROOT / "npm").glob("*/package.json"))
    assert platforms, "no npm/<platform>/package.json"
    pinned = set(package["optionalDependencies"])
    for p in platforms:
        meta = json.loads(p.read_text())
        found[str(p.relative_to(ROOT))] = meta["version"]
        assert meta["name"] in pinned, f"{meta['name']} is not in optionalDependencies"
    for crate in ("sinch-auth", "sinch-auth-server", "sinch-auth-cli"):
        manifest = tomllib.loads((ROOT / "crates" / crate / "Cargo.toml").read_text())
        assert manifest["package"]["version"] == {"workspace": True}, crate
    deps = tomllib.loads((ROOT / "Cargo.toml").read_text())["workspace"]["dependencies"]
    for name, spec in deps.items():
        if isinstance(spec, dict) and "path" in spec:
            found[f"Cargo.toml workspace dependency {name}"] = spec.get("version", "(none)")
    changelog = (ROOT / "CHANGELOG.md").read_text()
    if not re.search(rf"^## \[{re.escape(cargo)}\]", changelog, re.M):
        found["CHANGELOG.md"] = "(no entry)"
    wrong = {k: v for k, v in found.items() if v != cargo}
    if wrong:
        for k, v in wrong.items():
            print(f"{k}: {v} (the workspace says {cargo})", file=sys.stderr)
        sys.exit(1)
    print(f"version {cargo} in all {len(found)} places")


if __name__ == "__main__":
    main()
