"""Flask: ``@sinch_webhook("conversation", secrets=[new, old])`` on a view.

The decorator reads the raw body (``request.get_data(cache=True)``, so ``request.form`` and
``request.get_json()`` still work afterwards), verifies it, and calls the view with
``webhook=`` (a :class:`~sinch_auth._webhooks.Webhook`: raw bytes, parsed JSON, which secret
matched). A delivery that is not genuine gets a 401 with the reason code and the view never
runs. When the view raises or answers 5xx, the replay record is undone so the sender's retry
is accepted.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any, Optional, TypeVar, Union, cast

from flask import Response, jsonify, make_response, request

from ._native import WebhookReceiver
from ._webhooks import Secret, Webhook, failed, payload, receiver_of, refusal
from .errors import SignatureError

F = TypeVar("F", bound=Callable[..., Any])

__all__ = ["Webhook", "sinch_webhook"]


def sinch_webhook(
    receiver: Union[WebhookReceiver, str],
    secrets: Optional[Union[Secret, Sequence[Secret]]] = None,
    **options: Any,
) -> Callable[[F], F]:
    """Verifies every request to the decorated view; see the module doc."""
    checker = receiver_of(receiver, secrets, options)

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            body = request.get_data(cache=True)
            try:
                verified = checker.verify(request.method, request.path, request.headers, body)
            except SignatureError as e:
                return make_response(jsonify(refusal(e)), 401)
            hook = Webhook(body, payload(request.content_type, body), verified)
            try:
                result = view(*args, webhook=hook, **kwargs)
            except BaseException:
                checker.forget(verified)
                raise
            response: Response = make_response(result)
            if failed(response.status_code):
                checker.forget(verified)
            return response

        return cast(F, wrapper)

    return decorate
