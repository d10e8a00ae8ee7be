//! Inbound verification, one module per product family. Every function takes the raw body
//! bytes as received, looks headers up case-insensitively, compares in constant time, and
//! fails with a signature error carrying a [`SignatureReason`](crate::SignatureReason).

mod application;
mod conversation;
mod freshness;
mod headers;
mod mailgun;
mod mailgun_body;
mod numbers;
mod receiver;
mod shared_replay;

pub use application::verify_application_callback;
pub use conversation::{conversation_signature, verify_conversation_webhook};
pub use freshness::{
    duration_from_seconds, now_from_epoch_seconds, VerifyOptions, DEFAULT_TOLERANCE,
};
pub use headers::Headers;
pub use mailgun::{mailgun_signature, verify_mailgun_webhook, MemoryReplayGuard, ReplayGuard};
pub use numbers::{numbers_signature, verify_numbers_callback};
pub use receiver::{
    raw_body_required, Delivery, PublicPath, Verified, WebhookProduct, WebhookReceiver,
    WebhookReceiverBuilder,
};
pub use shared_replay::{ReplayStoreFailure, SharedReplayGuard};
