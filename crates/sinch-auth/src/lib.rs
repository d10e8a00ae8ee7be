//! sinch-auth: Sinch authentication done once, correctly.
//!
//! - [`Product`] / [`AuthModel`]: which credentials a product needs and where it lives.
//! - [`ProjectCredentials`] and friends: credentials from arguments or the environment.
//! - [`TokenProvider`]: cached, single-flight OAuth2 client-credentials tokens.
//! - [`sign_request`]: Voice / Verification application-signed requests (the header alone,
//!   without allocating: [`sign_authorization_into`], [`with_authorization`]).
//! - `verify_*`: inbound callback and webhook verification.
//! - [`diagnose()`]: an HTTP failure explained, with the fix.

mod b64;
pub mod clock;
mod credentials;
mod crypto;
mod diagnose;
mod error;
mod product;
mod secret;
pub mod signing;
pub mod timestamp;
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
    AuthModel, Endpoint, EnvVar, Product, ProductInfo, DEFAULT_TOKEN_URL, TOKEN_URL_ENV,
};
pub use secret::{Secret, SecretBytes};
pub use signing::{
    sign_authorization_into, sign_request, sign_request_at, with_authorization, SignRequest,
    SignedRequest, SigningScheme,
};
pub use token::{is_expired_token_challenge, AccessToken, TokenProvider, TokenProviderBuilder};
pub use webhook::{
    verify_application_callback, verify_conversation_webhook, verify_mailgun_webhook,
    verify_numbers_callback, Headers, VerifyOptions,
};
