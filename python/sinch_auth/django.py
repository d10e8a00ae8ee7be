"""Django: ``@sinch_webhook("numbers", secrets="…")`` on a function view.

The decorator reads ``request.body`` (the raw bytes), verifies them, exempts the view from
CSRF (a webhook carries no CSRF token; its signature is the check), and calls the view with
``webhook=`` (a :class:`~sinch_auth._webhooks.Webhook`: raw bytes, parsed JSON, which secret
matched). A delivery that is not genuine gets a 401 with the reason code and the view never
runs. When the view raises or answers 5xx, the replay record is undone so the sender's retry
is accepted.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any, Optional, TypeVar, Union, cast

# Django ships no type information (django-stubs is separate).
from django.http import HttpRequest, HttpResponse, JsonResponse  # type: ignore[import-untyped]
from django.views.decorators.csrf import csrf_exempt  # type: ignore[import-untyped]

from ._native import WebhookReceiver
from ._webhooks import Secret, Webhook, failed, payload, receiver_of, refusal
from .errors import SignatureError

F = TypeVar("F", bound=Callable[..., HttpResponse])

__all__ = ["Webhook", "sinch_webhook"]


def sinch_webhook(
    receiver: Union[WebhookReceiver, str],
    secrets: Optional[Union[Secret, Sequence[Secret]]] = None,
    **options: Any,
) -> Callable[[F], F]:
    """Verifies every request to the decorated view; see the module doc."""
    checker = receiver_of(receiver, secrets, options)

    def decorate(view: F) -> F:
        @csrf_exempt  # type: ignore[untyped-decorator]
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            body = request.body
            try:
                verified = checker.verify(
                    request.method or "POST", request.path, request.headers, body
                )
            except SignatureError as e:
                return JsonResponse(refusal(e), status=401)
            hook = Webhook(body, payload(request.content_type, body), verified)
            try:
                response = view(request, *args, webhook=hook, **kwargs)
            except BaseException:
                checker.forget(verified)
                raise
            if failed(response.status_code):
                checker.forget(verified)
            return response

        return cast(F, wrapper)

    return decorate
