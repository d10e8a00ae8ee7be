"""The Python side of scripts/test-cross-language.sh (see crates/sinch-auth/examples/
cross_language.rs for the Rust side): `sign INPUTS` or `verify INPUTS RESULTS`, JSON out."""

from __future__ import annotations

import json
import sys
from typing import Any

import sinch_auth as sa


def body(case: dict[str, Any]) -> str:
    if "body_repeat" in case:
        text, times = case["body_repeat"]
        return str(text) * int(times)
    return str(case["body"])


def main() -> None:
    mode, inputs_path = sys.argv[1], sys.argv[2]
    with open(inputs_path, encoding="utf-8") as f:
        inputs = json.load(f)
    app = sa.ApplicationCredentials(inputs["app_key"], inputs["app_secret"])
    out: dict[str, Any] = {}
    if mode == "sign":
        for c in inputs["cases"]:
            # Keywords, and a str body, as users call it.
            h = sa.sign_request(
                app,
                c["method"],
                c["path"],
                body=body(c),
                content_type=c["content_type"],
                timestamp=c["timestamp"],
                scheme=c["scheme"],
            )
            d = sa.sign_request_details(
                app,
                c["method"],
                c["path"],
                body(c).encode(),
                c["content_type"],
                c["timestamp"],
                scheme=c["scheme"],
            )
            assert h["Authorization"] == d["authorization"], c["id"]
            out[c["id"]] = {"authorization": h["Authorization"], "x_timestamp": h["x-timestamp"]}
    else:
        with open(sys.argv[3], encoding="utf-8") as f:
            results = json.load(f)
        for c in inputs["cases"]:
            if c["scheme"].lower() == "service":
                continue
            r = results[c["id"]]
            headers = {
                "Authorization": r["authorization"],
                "x-timestamp": r["x_timestamp"],
                "Content-Type": c["content_type"],
            }
            try:
                sa.verify_application_callback(
                    app, c["method"], c["path"], headers, body(c), now=inputs["now"], tolerance=None
                )
                out[c["id"]] = True
            except sa.SignatureError:
                out[c["id"]] = False
    print(json.dumps(out, sort_keys=True))


if __name__ == "__main__":
    main()
