"""List the project's active numbers with requests: one cached bearer token for every call.

Needs SINCH_PROJECT_ID, SINCH_KEY_ID, SINCH_KEY_SECRET (and, for the local server,
SINCH_API_BASE_URL and SINCH_AUTH_URL).
"""

import os

import requests

import sinch_auth as sa
from sinch_auth.requests import SinchAuth

creds = sa.ProjectCredentials.from_env()
provider = sa.TokenProvider(creds)  # one per key: share it across threads and requests
base = os.environ.get("SINCH_API_BASE_URL") or sa.base_url("numbers")

with requests.Session() as session:
    session.auth = SinchAuth("numbers", provider=provider)  # retries once after an expired 401
    for _ in range(3):
        resp = session.get(f"{base}/v1/projects/{creds.project_id}/activeNumbers")
        resp.raise_for_status()
print(f"3 calls answered {resp.status_code}, {provider.stats()['fetched']} token fetched")
