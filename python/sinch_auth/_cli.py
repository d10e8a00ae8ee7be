"""The `sinch-auth` console script: the Rust command, run inside this interpreter."""

from __future__ import annotations

import signal
import sys

from . import _native


def main() -> None:
    """Entry point of the `sinch-auth` script and of `python -m sinch_auth`."""
    # Python's own SIGINT handler only sets a flag that no Python code would check while the
    # command runs in Rust; the default action stops `sinch-auth serve` on Ctrl-C, as the
    # native binary does.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    sys.stdout.flush()
    raise SystemExit(_native.run_cli(["sinch-auth", *sys.argv[1:]]))
