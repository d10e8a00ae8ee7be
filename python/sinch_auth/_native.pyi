# Hand-written stubs for the Rust extension (checked by `stubtest`).
import os
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, Optional, Union, final

from typing_extensions import disjoint_base

_Headers = Union[
    Mapping[str, Union[str, bytes]],
    Mapping[str, list[str]],
    Iterable[tuple[Union[str, bytes], Union[str, bytes]]],
    Any,
]
_Body = Union[bytes, bytearray, memoryview, str]
_Seconds = Union[int, float, timedelta]
_Now = Union[None, int, float, datetime]

__all__ = [
    "AccessToken",
    "ApplicationCredentials",
    "DEFAULT_CONTENT_TYPE",
    "DEFAULT_REPLAY_CAPACITY",
    "DEFAULT_REPLAY_WINDOW",
    "DEFAULT_TOKEN_URL",
    "DEFAULT_TOLERANCE",
    "Diagnosis",
    "MailgunCredentials",
    "MemoryReplayGuard",
    "ProjectCredentials",
    "ServicePlanCredentials",
    "SharedReplayGuard",
    "TokenProvider",
    "Verified",
    "WebhookReceiver",
    "__version__",
    "_after_fork_in_child",
    "_panic_for_tests",
    "auth_model",
    "base_url",
    "basic_authorization",
    "diagnose",
    "is_expired_token_challenge",
    "product_info",
    "products",
    "run_cli",
    "sign_request",
    "sign_request_details",
    "verify_application_callback",
    "verify_conversation_webhook",
    "verify_mailgun_webhook",
    "verify_numbers_callback",
]

__version__: str
DEFAULT_TOLERANCE: float
DEFAULT_TOKEN_URL: str
DEFAULT_CONTENT_TYPE: str
DEFAULT_REPLAY_CAPACITY: int
DEFAULT_REPLAY_WINDOW: float

def auth_model(product: str) -> str: ...
def products() -> list[str]: ...
def product_info(product: str) -> dict[str, Any]: ...
def base_url(
    product: str, region: Optional[str] = None, auth_model: Optional[str] = None
) -> str: ...
def basic_authorization(user: str, password: str) -> str: ...
def is_expired_token_challenge(status: int, headers: _Headers) -> bool: ...

@final
class Diagnosis:
    @property
    def kind(self) -> str: ...
    @property
    def retryable(self) -> bool: ...
    @property
    def cause(self) -> str: ...
    @property
    def fix(self) -> str: ...

def diagnose(
    product: str,
    status: int,
    headers: _Headers,
    body: Optional[_Body] = None,
    base_url: Optional[str] = None,
) -> Diagnosis: ...
def run_cli(argv: list[str]) -> int: ...

@final
class ProjectCredentials:
    def __new__(cls, project_id: str, key_id: str, key_secret: str) -> ProjectCredentials: ...
    @staticmethod
    def from_env() -> ProjectCredentials: ...
    @property
    def project_id(self) -> str: ...
    @property
    def key_id(self) -> str: ...
    def basic_authorization(self) -> str: ...

@final
class ApplicationCredentials:
    def __new__(cls, app_key: str, app_secret: str) -> ApplicationCredentials: ...
    @staticmethod
    def from_env() -> ApplicationCredentials: ...
    @property
    def app_key(self) -> str: ...
    def basic_authorization(self) -> str: ...

@final
class ServicePlanCredentials:
    def __new__(
        cls, service_plan_id: str, api_token: str, region: str
    ) -> ServicePlanCredentials: ...
    @staticmethod
    def from_env() -> ServicePlanCredentials: ...
    @property
    def service_plan_id(self) -> str: ...
    @property
    def region(self) -> str: ...
    @property
    def base_url(self) -> str: ...
    def authorization(self) -> str: ...

@final
class MailgunCredentials:
    def __new__(cls, api_key: str, domain: str, region: str = "us") -> MailgunCredentials: ...
    @staticmethod
    def from_env() -> MailgunCredentials: ...
    @property
    def domain(self) -> str: ...
    @property
    def region(self) -> str: ...
    @property
    def base_url(self) -> str: ...
    def basic_authorization(self) -> str: ...

@final
class AccessToken:
    @property
    def token(self) -> str: ...
    @property
    def token_type(self) -> str: ...
    @property
    def expires_in(self) -> float: ...
    @property
    def expires_at(self) -> datetime: ...
    @property
    def authorization(self) -> str: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@disjoint_base
class TokenProvider:  # subclassed by sinch_auth._provider.TokenProvider (the async twins)
    def __new__(
        cls,
        credentials: ProjectCredentials,
        token_url: Optional[str] = None,
        *,
        timeout: Optional[_Seconds] = None,
        connect_timeout: Optional[_Seconds] = None,
        max_retries: Optional[int] = None,
        refresh_margin: Optional[_Seconds] = None,
        background_refresh: Optional[bool] = None,
        ca_bundle: Optional[Union[str, os.PathLike[str]]] = None,
        shared_cache: Optional[str] = None,
        shared_cache_strict: Optional[bool] = None,
    ) -> TokenProvider: ...
    def token(self) -> AccessToken: ...
    def _fresh_token(self) -> Optional[AccessToken]: ...
    def authorization(self) -> str: ...
    def invalidate(self, token: Union[AccessToken, str]) -> bool: ...
    def clear(self) -> None: ...
    @property
    def token_url(self) -> str: ...
    def stats(self) -> dict[str, int]: ...
    def shared_cache_status(self) -> Optional[dict[str, Any]]: ...

def sign_request(
    app: ApplicationCredentials,
    method: str,
    path: str,
    body: Optional[_Body] = None,
    content_type: str = ...,  # DEFAULT_CONTENT_TYPE
    timestamp: Optional[str] = None,
    *,
    include_query: bool = False,
    scheme: str = "application",
) -> dict[str, str]: ...
def sign_request_details(
    app: ApplicationCredentials,
    method: str,
    path: str,
    body: Optional[_Body] = None,
    content_type: str = ...,  # DEFAULT_CONTENT_TYPE
    timestamp: Optional[str] = None,
    *,
    include_query: bool = False,
    scheme: str = "application",
) -> dict[str, str]: ...
def verify_application_callback(
    app: ApplicationCredentials,
    method: str,
    path: str,
    headers: _Headers,
    body: _Body,
    *,
    now: _Now = None,
    tolerance: Optional[_Seconds] = ...,
) -> None: ...
def verify_conversation_webhook(
    secret: str,
    headers: _Headers,
    body: _Body,
    *,
    now: _Now = None,
    tolerance: Optional[_Seconds] = ...,
) -> None: ...
def verify_numbers_callback(secret: str, headers: _Headers, body: _Body) -> None: ...

@final
class MemoryReplayGuard:
    def __new__(
        cls,
        capacity: int = ...,
        window: Optional[_Seconds] = None,  # DEFAULT_REPLAY_*
    ) -> MemoryReplayGuard: ...

@final
class SharedReplayGuard:
    def __new__(
        cls,
        url: str,
        *,
        window: Optional[_Seconds] = None,
        on_failure: str = "memory",
    ) -> SharedReplayGuard: ...

def verify_mailgun_webhook(
    signing_key: str,
    timestamp: Union[str, int],
    token: str,
    signature: str,
    *,
    now: _Now = None,
    tolerance: Optional[_Seconds] = ...,
    replay_guard: Optional[Union[MemoryReplayGuard, SharedReplayGuard]] = None,
) -> None: ...

@final
class Verified:
    @property
    def product(self) -> str: ...
    @property
    def secret_index(self) -> int: ...
    @property
    def signed_path(self) -> Optional[str]: ...
    @property
    def public_url(self) -> Optional[str]: ...

_Secret = Union[str, ApplicationCredentials]

@final
class WebhookReceiver:
    def __new__(
        cls,
        product: str,
        secrets: Union[_Secret, Sequence[_Secret]],
        *,
        tolerance: Optional[_Seconds] = ...,
        public_path: Optional[str] = None,
        strip_prefix: Optional[str] = None,
        add_prefix: Optional[str] = None,
        trust_forwarded: bool = False,
        replay_guard: Union[None, bool, MemoryReplayGuard, SharedReplayGuard] = None,
    ) -> WebhookReceiver: ...
    @property
    def product(self) -> str: ...
    def verify(
        self, method: str, path: str, headers: _Headers, body: _Body, *, now: _Now = None
    ) -> Verified: ...
    def is_valid(
        self, method: str, path: str, headers: _Headers, body: _Body, *, now: _Now = None
    ) -> bool: ...
    def forget(self, verified: Verified) -> None: ...

def _after_fork_in_child() -> None: ...
def _panic_for_tests() -> None: ...
