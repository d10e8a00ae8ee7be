//! sinch-auth: Sinch authentication done once, correctly.
//!
//! - [`Product`] / [`AuthModel`]: which credentials a product needs and where it lives.
//! - [`ProjectCredentials`] and friends: credentials from arguments or the environment.
//! - [`TokenProvider`]: cached, single-flight OAuth2 client-credentials tokens.
//! - [`sign_request`]: Voice / Verification application-signed requests (the header alone,
//!   without allocating: [`sign_authorization_into`], [`with_authorization`]).
//! - `verify_*`: inbound callback and webhook verification.
//! - [`diagnose()`]: an HTTP failure explained, with the fix.
//!
//! Which credentials does a product take?
//!
//! ```
//! use sinch_auth::{AuthModel, Product};
//!
//! let voice: Product = "voice".parse()?;
//! assert_eq!(voice.auth_model(), AuthModel::Application); // SINCH_APP_KEY, SINCH_APP_SECRET
//! let numbers: Product = "numbers".parse()?;
//! assert_eq!(numbers.auth_model(), AuthModel::Project); // OAuth2 bearer tokens
//! assert_eq!(numbers.info().base_url(None)?, "https://numbers.api.sinch.com");
//! # Ok::<(), sinch_auth::Error>(())
//! ```
//!
//! A failed response, explained:
//!
//! ```
//! use sinch_auth::{diagnose, Product};
//!
//! let headers = [("www-authenticate", r#"Bearer error="invalid_token""#)];
//! let d = diagnose(Product::Numbers, 401, headers, b"", None);
//! println!("{}: {}", d.cause, d.fix);
//! ```
#![forbid(unsafe_code)]
#![warn(unreachable_pub, missing_docs)]

mod b64;
pub mod clock;
mod credentials;
mod crypto;
mod diagnose;
mod error;
mod product;
mod secret;
pub mod signing;
mod timestamp;
pub mod token;
pub mod transport;
pub mod webhook;

pub use b64::{decode_lenient as decode_base64_secret, DecodeError};
pub use credentials::{
    basic_authorization, ApplicationCredentials, MailgunCredentials, ProjectCredentials,
    ServicePlanCredentials,
};
pub use diagnose::{diagnose, Diagnosis};
pub use error::{Error, ErrorKind, OAuthErrorBody, Result, SignatureReason};
pub use product::{
    endpoint_for_host, AuthModel, Endpoint, EnvVar, Product, ProductInfo, DEFAULT_TOKEN_URL,
    TOKEN_URL_ENV,
};
pub use secret::{Secret, SecretBytes};
pub use signing::{
    sign_authorization_into, sign_request, sign_request_at, with_authorization, x_timestamp_at,
    x_timestamp_now, SignRequest, SignedRequest, SigningScheme, DEFAULT_CONTENT_TYPE,
};
pub use token::{is_expired_token_challenge, AccessToken, TokenProvider, TokenProviderBuilder};
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
/// The internal parsers, for the fuzz targets only (feature `fuzzing`); not a stable API.
pub mod fuzzing {
    use std::time::{Duration, SystemTime};

    /// An `x-timestamp` as seconds and nanoseconds since the epoch.
    pub fn parse_iso8601(s: &str) -> Option<(i64, u32)> {
        crate::timestamp::parse_iso8601(s)
    }
    /// The `exp` claim of a JWT-shaped token.
    pub fn jwt_exp(token: &str) -> Option<f64> {
        crate::token::jwt_exp(token)
    }
    /// A `Retry-After` value as a wait.
    pub fn parse_retry_after(value: Option<&str>, now: SystemTime) -> Option<Duration> {
        crate::token::parse_retry_after(value, now)
    }
    /// The token endpoint's answer.
    pub fn parse_token_response(
        resp: &crate::transport::HttpResponse,
        token_url: &str,
    ) -> crate::Result<crate::token::TokenResponse> {
        crate::token::parse_token_response(resp, token_url)
    }
}

pub use webhook::{
    verify_application_callback, verify_conversation_webhook, verify_mailgun_webhook,
    verify_numbers_callback, Headers, VerifyOptions,
};
