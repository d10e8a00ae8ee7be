"""A Django receiver for Conversation, Voice and Mailgun webhooks, verified on the raw body,
in one file (settings, URLs and views). Same environment as webhook_flask.py.

Run it: `python webhook_django.py` (serves on PORT, default 8000), then let the local server
test it: `sinch-auth serve --send-webhook mailgun --to http://127.0.0.1:8000/mailgun --sequence`
"""

import os
import sys

import django
from django.conf import settings

settings.configure(
    DEBUG=False,
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY", "example-only"),
    MIDDLEWARE=["django.middleware.csrf.CsrfViewMiddleware"],
)
django.setup()

from django.http import HttpRequest, HttpResponse, JsonResponse  # noqa: E402
from django.urls import path  # noqa: E402

import sinch_auth as sa  # noqa: E402
from sinch_auth.django import Webhook, sinch_webhook  # noqa: E402


def secrets(*names: str) -> list[str]:
    return [os.environ[n] for n in names if os.environ.get(n)]


APPS = [
    sa.ApplicationCredentials(os.environ["SINCH_APP_KEY"], s)
    for s in secrets("SINCH_APP_SECRET", "SINCH_APP_PREVIOUS_SECRET")
]


@sinch_webhook("conversation", secrets("SINCH_WEBHOOK_SECRET", "SINCH_WEBHOOK_PREVIOUS_SECRET"))
def conversation(request: HttpRequest, webhook: Webhook) -> HttpResponse:
    return HttpResponse(status=204)


@sinch_webhook("voice", APPS)
def voice(request: HttpRequest, webhook: Webhook) -> HttpResponse:
    return JsonResponse({"action": {"name": "hangup"}})


@sinch_webhook(
    "mailgun", secrets("MAILGUN_WEBHOOK_SIGNING_KEY", "MAILGUN_WEBHOOK_PREVIOUS_SIGNING_KEY")
)
def mailgun(request: HttpRequest, webhook: Webhook) -> HttpResponse:
    return HttpResponse(status=204)


urlpatterns = [
    path("sinch/conversation", conversation),
    path("sinch/voice", voice),
    path("mailgun", mailgun),
]

if __name__ == "__main__":
    from django.core.management import execute_from_command_line

    port = os.environ.get("PORT", "8000")
    execute_from_command_line([sys.argv[0], "runserver", f"127.0.0.1:{port}", "--noreload"])
