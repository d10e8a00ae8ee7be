//! OAuth2 client credentials for project-scoped products: the request, the response, the
//! retry policy and the cached, single-flight [`TokenProvider`].

mod access_token;
mod challenge;
pub mod events;
mod jwt;
mod provider;
mod random;
mod request;
mod response;
mod retry;
pub mod shared;

pub(crate) use request::redact_url;

pub use access_token::AccessToken;
pub use challenge::is_expired_token_challenge;
#[cfg(feature = "fuzzing")]
pub(crate) use jwt::jwt_exp;
pub use provider::{RefreshPolicy, TokenProvider, TokenProviderBuilder, TokenStats};
pub use random::Random;
#[cfg(feature = "fuzzing")]
pub(crate) use response::parse_token_response;
pub use response::TokenResponse;
#[cfg(feature = "fuzzing")]
pub(crate) use retry::parse_retry_after;
pub use retry::RetryPolicy;
