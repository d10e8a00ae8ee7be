"""A Flask receiver for Conversation, Voice and Mailgun webhooks, verified on the raw body.

Reads the secrets from the environment (the current one, and the previous one while a
rotation lasts): SINCH_WEBHOOK_SECRET (+ SINCH_WEBHOOK_PREVIOUS_SECRET), SINCH_APP_KEY and
SINCH_APP_SECRET (+ SINCH_APP_PREVIOUS_SECRET), MAILGUN_WEBHOOK_SIGNING_KEY (+ …_PREVIOUS_…).
Run it, then let the local server test it (`--sequence`: genuine, replayed, tampered,
stale… deliveries, each answer judged):
`sinch-auth serve --send-webhook conversation --sequence --to URL`, URL being
http://127.0.0.1:8000/sinch/conversation
"""

import os

from flask import Flask

import sinch_auth as sa
from sinch_auth.flask import Webhook, sinch_webhook


def secrets(*names: str) -> list[str]:
    return [os.environ[n] for n in names if os.environ.get(n)]


APPS = [
    sa.ApplicationCredentials(os.environ["SINCH_APP_KEY"], s)
    for s in secrets("SINCH_APP_SECRET", "SINCH_APP_PREVIOUS_SECRET")
]
app = Flask(__name__)


@app.post("/sinch/conversation")
@sinch_webhook("conversation", secrets("SINCH_WEBHOOK_SECRET", "SINCH_WEBHOOK_PREVIOUS_SECRET"))
def conversation(webhook: Webhook) -> tuple[str, int]:
    app.logger.info("conversation event, secret %d", webhook.verified.secret_index)
    return "", 204


@app.post("/sinch/voice")
@sinch_webhook("voice", APPS)
def voice(webhook: Webhook) -> dict[str, object]:
    return {"action": {"name": "hangup"}}


@app.post("/mailgun")
@sinch_webhook(
    "mailgun", secrets("MAILGUN_WEBHOOK_SIGNING_KEY", "MAILGUN_WEBHOOK_PREVIOUS_SIGNING_KEY")
)
def mailgun(webhook: Webhook) -> tuple[str, int]:
    return "", 204


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "8000")))
