"""Checks the wheel and sdist in a dist folder: the tags a user's pip needs, the files the
package needs, the `sinch-auth` console script, and auditwheel's verdict (manylinux2014)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path


def main(dist: Path) -> None:
    wheels = sorted(dist.glob("sinch_auth-*.whl"))
    sdists = sorted(dist.glob("sinch_auth-*.tar.gz"))
    assert len(wheels) == 1, f"expected one wheel in {dist}, found {wheels}"
    assert len(sdists) == 1, f"expected one sdist in {dist}, found {sdists}"
    wheel = wheels[0]
    tags = wheel.name.removesuffix(".whl").split("-")[-3:]
    assert tags[1] == "abi3", f"not an abi3 wheel: {wheel.name}"
    assert "manylinux2014_x86_64" in tags[2] or "manylinux_2_17_x86_64" in tags[2], wheel.name
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        for want in (
            "sinch_auth/__init__.py",
            "sinch_auth/__main__.py",
            "sinch_auth/testing.py",
            "sinch_auth/py.typed",
            "sinch_auth/_native.pyi",
            "sinch_auth/_native.abi3.so",
        ):
            assert want in names, f"{want} missing from {wheel.name}"
        meta = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
        entry_points = z.read(meta).decode()
    flat_entry_points = entry_points.replace(" ", "")
    assert "sinch-auth=sinch_auth._cli:main" in flat_entry_points, entry_points
    assert "sinch_auth=sinch_auth.testing" in flat_entry_points, entry_points
    shown = subprocess.run(
        [sys.executable, "-m", "auditwheel", "show", str(wheel)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    flat = " ".join(shown.split())
    assert 'consistent with the following platform tag: "manylinux_2_17_x86_64"' in flat, shown
    print(f"{wheel.name}: {wheel.stat().st_size // 1024} KiB, auditwheel: manylinux_2_17_x86_64")
    print(f"{sdists[0].name}: {sdists[0].stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
