"""The yes/no twins of the ``verify_*`` functions: ``False`` where ``verify_*`` raises
``SignatureError``; bad arguments still raise ``ConfigError``."""

from __future__ import annotations

from . import _native
from .errors import SignatureError

# No runtime `typing`: `import sinch_auth` imports this module (see _provider.py).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def _twin(verify: Any) -> Any:
    def is_valid(*args: Any, **kwargs: Any) -> bool:
        try:
            verify(*args, **kwargs)
        except SignatureError:
            return False
        return True

    is_valid.__name__ = verify.__name__.replace("verify_", "is_valid_")
    is_valid.__doc__ = f"``{verify.__name__}``'s yes/no twin (same arguments)."
    return is_valid


is_valid_application_callback = _twin(_native.verify_application_callback)
is_valid_conversation_webhook = _twin(_native.verify_conversation_webhook)
is_valid_numbers_callback = _twin(_native.verify_numbers_callback)
is_valid_mailgun_webhook = _twin(_native.verify_mailgun_webhook)
