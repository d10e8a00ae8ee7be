"""A FastAPI receiver for Conversation, Voice and Mailgun webhooks, verified on the raw body.

Same environment as webhook_flask.py. Run it (needs uvicorn), then let the local server test
it: `sinch-auth serve --send-webhook voice --to http://127.0.0.1:8000/sinch/voice --sequence`
"""

import os

import uvicorn
from fastapi import Depends, FastAPI, Response

import sinch_auth as sa
from sinch_auth.fastapi import Webhook, sinch_webhook


def secrets(*names: str) -> list[str]:
    return [os.environ[n] for n in names if os.environ.get(n)]


APPS = [
    sa.ApplicationCredentials(os.environ["SINCH_APP_KEY"], s)
    for s in secrets("SINCH_APP_SECRET", "SINCH_APP_PREVIOUS_SECRET")
]
CONVERSATION = Depends(
    sinch_webhook("conversation", secrets("SINCH_WEBHOOK_SECRET", "SINCH_WEBHOOK_PREVIOUS_SECRET"))
)
VOICE = Depends(sinch_webhook("voice", APPS))
MAILGUN = Depends(
    sinch_webhook(
        "mailgun", secrets("MAILGUN_WEBHOOK_SIGNING_KEY", "MAILGUN_WEBHOOK_PREVIOUS_SIGNING_KEY")
    )
)
app = FastAPI()


@app.post("/sinch/conversation", status_code=204)
async def conversation(webhook: Webhook = CONVERSATION) -> Response:
    return Response(status_code=204)


@app.post("/sinch/voice")
async def voice(webhook: Webhook = VOICE) -> dict[str, object]:
    return {"action": {"name": "hangup"}}


@app.post("/mailgun", status_code=204)
async def mailgun(webhook: Webhook = MAILGUN) -> Response:
    return Response(status_code=204)


if __name__ == "__main__":
    uvicorn.run(
        app, host="127.0.0.1", port=int(os.environ.get("PORT", "8000")), log_level="warning"
    )
