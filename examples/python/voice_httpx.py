"""Place a text-to-speech callout with httpx: the request is signed with the application key.

Needs SINCH_APP_KEY and SINCH_APP_SECRET (and, for the local server, SINCH_API_BASE_URL).
"""

import json
import os

import httpx

import sinch_auth as sa
from sinch_auth.httpx import SinchAuth

app = sa.ApplicationCredentials.from_env()
base = os.environ.get("SINCH_API_BASE_URL") or sa.base_url("voice")
callout = {
    "method": "ttsCallout",
    "ttsCallout": {
        "destination": {"type": "number", "endpoint": "+12025550123"},
        "text": "Hello from sinch-auth",
    },
}

with httpx.Client(auth=SinchAuth("voice", app)) as client:
    resp = client.post(
        f"{base}/calling/v1/callouts",
        content=json.dumps(callout).encode(),
        headers={"Content-Type": "application/json"},
    )
print(f"callout answered {resp.status_code}")
resp.raise_for_status()
