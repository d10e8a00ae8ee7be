"""A Flask receiver for Conversation API webhooks, verified on the raw body.

Needs SINCH_WEBHOOK_SECRET (the secret set on the webhook in the dashboard). Run it, then
send it a signed test webhook: `sinch-auth serve --send-webhook conversation --to
http://127.0.0.1:8000/sinch/conversation`.
"""

import os

from flask import Flask, request

import sinch_auth as sa

SECRET = os.environ["SINCH_WEBHOOK_SECRET"]
app = Flask(__name__)


@app.post("/sinch/conversation")
def conversation_webhook() -> tuple[object, int]:
    try:
        # get_data(): the bytes as received; never re-serialize request.json to verify.
        sa.verify_conversation_webhook(SECRET, request.headers, request.get_data())
    except sa.SignatureError as e:
        return {"error": e.reason}, 401
    event = request.get_json()
    app.logger.info("verified %s", ", ".join(sorted(event)))
    return "", 204


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "8000")))
