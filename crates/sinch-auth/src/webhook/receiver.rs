//! One receiver shape for every product's inbound deliveries: the product, its secret(s),
//! and how the path Sinch signed is found behind a proxy. The framework integrations of
//! every language are thin glue over [`WebhookReceiver::verify`]: the rules (rotation,
//! proxies, Mailgun's body forms, replays, helpful refusals) live here once.

use super::freshness::VerifyOptions;
use super::headers::Headers;
use super::mailgun::{MemoryReplayGuard, ReplayGuard};
use super::{
    verify_application_callback, verify_conversation_webhook, verify_mailgun_webhook,
    verify_numbers_callback,
};
use crate::credentials::ApplicationCredentials;
use crate::error::{Error, Result, SignatureReason};
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// The products whose deliveries a [`WebhookReceiver`] checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WebhookProduct {
    /// Voice callbacks (application signing, spec §3.1).
    Voice,
    /// Verification callbacks (application signing, spec §3.1).
    Verification,
    /// Conversation API webhooks (spec §3.2).
    Conversation,
    /// SMS callbacks signed like Conversation webhooks (spec §3.3).
    Sms,
    /// Numbers API callbacks (`X-Sinch-Signature`, spec §3.4).
    Numbers,
    /// Mailgun webhooks (the `signature` object, spec §3.6).
    Mailgun,
}

impl WebhookProduct {
    /// Every product, in the order the names are listed to users.
    pub const ALL: [WebhookProduct; 6] = [
        WebhookProduct::Voice,
        WebhookProduct::Verification,
        WebhookProduct::Conversation,
        WebhookProduct::Sms,
        WebhookProduct::Numbers,
        WebhookProduct::Mailgun,
    ];

    /// The lower-case name every language uses (`"voice"`, …, `"mailgun"`).
    pub fn as_str(self) -> &'static str {
        match self {
            WebhookProduct::Voice => "voice",
            WebhookProduct::Verification => "verification",
            WebhookProduct::Conversation => "conversation",
            WebhookProduct::Sms => "sms",
            WebhookProduct::Numbers => "numbers",
            WebhookProduct::Mailgun => "mailgun",
        }
    }

    fn application_signed(self) -> bool {
        matches!(self, WebhookProduct::Voice | WebhookProduct::Verification)
    }

    /// What its secret is called where the user finds it.
    fn secret_name(self) -> &'static str {
        match self {
            WebhookProduct::Voice | WebhookProduct::Verification => {
                "the application key and secret (ApplicationCredentials)"
            }
            WebhookProduct::Conversation => "the secret set on the Conversation app's webhook",
            WebhookProduct::Sms => "the secret set on the SMS callback",
            WebhookProduct::Numbers => {
                "the hmacSecret of the project's Numbers callback configuration"
            }
            WebhookProduct::Mailgun => {
                "the HTTP webhook signing key (Mailgun > Settings > Webhooks), not the API key"
            }
        }
    }
}

impl fmt::Display for WebhookProduct {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for WebhookProduct {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let wanted = s.trim();
        WebhookProduct::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(wanted))
            .ok_or_else(|| {
                Error::config(format!(
                    "unknown webhook product {:?}; expected one of voice, verification, conversation, sms, numbers, mailgun",
                    wanted.chars().take(40).collect::<String>()
                ))
            })
    }
}

/// How the path Sinch signed (application-signed products only) is found from the path the
/// application sees.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum PublicPath {
    /// The path as received (no proxy rewrites it).
    #[default]
    AsReceived,
    /// Always this path: the receiver serves one URL, whatever a proxy made of it.
    Fixed(String),
    /// A proxy removed `add` in front of the path (and maybe put `strip` there instead):
    /// `strip` is taken off the received path when present, then `add` is put in front.
    Prefix {
        /// What the proxy put in front (`""` when nothing).
        strip: String,
        /// What the proxy took off (`"/sinch"` for `/sinch/voice` → `/voice`).
        add: String,
    },
}

/// A delivery as the application received it: the method and path of the request line
/// (a query string is allowed), the headers, and the raw body bytes.
#[derive(Debug, Clone, Copy)]
pub struct Delivery<'a> {
    /// The request method (`POST`).
    pub method: &'a str,
    /// The path the application saw (`/voice?x=1`).
    pub path: &'a str,
    /// The request headers.
    pub headers: &'a Headers,
    /// The body exactly as received.
    pub body: &'a [u8],
}

/// What a successful check found.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Verified {
    /// The product checked.
    pub product: WebhookProduct,
    /// Which of the receiver's secrets matched (0 is the first given): after a rotation,
    /// the old secret is unused once no delivery reports its index.
    pub secret_index: usize,
    /// The path the signature covered (application-signed products), after proxy rules.
    pub signed_path: Option<String>,
    /// The public URL the delivery was sent to, from trusted proxy headers (`Forwarded`,
    /// `X-Forwarded-Proto`/`-Host`/`-Prefix`) and `Host`; `None` unless the proxy is trusted.
    pub public_url: Option<String>,
    /// What the replay guard recorded, so [`WebhookReceiver::forget`] can undo it when the
    /// handler fails and the sender will retry.
    pub replay_key: Option<String>,
}

/// Checks one product's deliveries against one or more secrets. Build with
/// [`WebhookReceiver::builder`].
pub struct WebhookReceiver {
    product: WebhookProduct,
    apps: Vec<ApplicationCredentials>,
    secrets: Vec<crate::secret::Secret>,
    tolerance: Option<Duration>,
    public_path: PublicPath,
    trust_forwarded: bool,
    replay: Option<Arc<dyn ReplayGuard>>,
}

impl fmt::Debug for WebhookReceiver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookReceiver")
            .field("product", &self.product)
            .field("secrets", &(self.apps.len() + self.secrets.len()))
            .field("tolerance", &self.tolerance)
            .field("public_path", &self.public_path)
            .field("trust_forwarded", &self.trust_forwarded)
            .field("replay_guard", &self.replay.is_some())
            .finish()
    }
}

/// Builds a [`WebhookReceiver`]; every mistake is reported by [`build`](Self::build).
#[derive(Default)]
pub struct WebhookReceiverBuilder {
    product: Option<WebhookProduct>,
    apps: Vec<ApplicationCredentials>,
    secrets: Vec<String>,
    tolerance: Option<Option<Duration>>,
    public_path: PublicPath,
    trust_forwarded: bool,
    replay: Option<Option<Arc<dyn ReplayGuard>>>,
}

impl fmt::Debug for WebhookReceiverBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookReceiverBuilder")
            .field("product", &self.product)
            .field("secrets", &(self.apps.len() + self.secrets.len()))
            .finish_non_exhaustive()
    }
}

impl WebhookReceiverBuilder {
    /// Adds application credentials (Voice, Verification); several for a rotation.
    pub fn application(mut self, app: ApplicationCredentials) -> Self {
        self.apps.push(app);
        self
    }

    /// Adds a secret (Conversation, SMS, Numbers, Mailgun); several for a rotation, the
    /// current one first.
    pub fn secret(mut self, secret: impl Into<String>) -> Self {
        self.secrets.push(secret.into());
        self
    }

    /// How far a timestamp may be from now (default [`super::DEFAULT_TOLERANCE`]); `None`
    /// turns the freshness check off.
    pub fn tolerance(mut self, tolerance: Option<Duration>) -> Self {
        self.tolerance = Some(tolerance);
        self
    }

    /// How the signed path is found behind a proxy (application-signed products).
    pub fn public_path(mut self, rule: PublicPath) -> Self {
        self.public_path = rule;
        self
    }

    /// Honour `Forwarded`, `X-Forwarded-Proto`, `-Host` and `-Prefix`: only when every
    /// request reaches the application through a proxy that sets (and overwrites) them.
    pub fn trust_forwarded(mut self, trust: bool) -> Self {
        self.trust_forwarded = trust;
        self
    }

    /// The replay guard (default: an in-memory guard for Mailgun, none for the others);
    /// `None` turns it off.
    pub fn replay_guard(mut self, guard: Option<Arc<dyn ReplayGuard>>) -> Self {
        self.replay = Some(guard);
        self
    }

    /// The receiver, or a `config` error naming what is missing or wrong.
    pub fn build(self) -> Result<WebhookReceiver> {
        let product = self
            .product
            .ok_or_else(|| Error::config("a webhook receiver needs a product"))?;
        if product.application_signed() {
            if !self.secrets.is_empty() {
                return Err(Error::config(format!(
                    "{product} callbacks are signed with {}: pass ApplicationCredentials, not a secret string",
                    product.secret_name()
                )));
            }
            if self.apps.is_empty() {
                return Err(Error::config(format!(
                    "a {product} receiver needs {}",
                    product.secret_name()
                )));
            }
        } else {
            if !self.apps.is_empty() {
                return Err(Error::config(format!(
                    "{product} deliveries are signed with {}, not with application credentials",
                    product.secret_name()
                )));
            }
            if self.secrets.is_empty() || self.secrets.iter().any(|s| s.trim().is_empty()) {
                return Err(Error::config(format!(
                    "a {product} receiver needs {} (an empty secret was given or none)",
                    product.secret_name()
                )));
            }
            if product == WebhookProduct::Mailgun {
                if let Some(i) = self
                    .secrets
                    .iter()
                    .position(|s| looks_like_mailgun_api_key(s))
                {
                    return Err(Error::config(format!(
                        "secret {i} looks like a Mailgun API key (hex-xxxxxxxx-xxxxxxxx); Mailgun signs webhooks with {}",
                        product.secret_name()
                    )));
                }
            }
        }
        let replay = match self.replay {
            Some(guard) => guard,
            None if product == WebhookProduct::Mailgun => {
                Some(Arc::new(MemoryReplayGuard::default()) as Arc<dyn ReplayGuard>)
            }
            None => None,
        };
        if replay.is_some() && product == WebhookProduct::Numbers {
            return Err(Error::config(
                "Numbers callbacks carry no nonce or timestamp, so a replay guard cannot tell a replay from a retry: leave it off",
            ));
        }
        Ok(WebhookReceiver {
            product,
            apps: self.apps,
            secrets: self
                .secrets
                .into_iter()
                .map(crate::secret::Secret::new)
                .collect(),
            tolerance: self.tolerance.unwrap_or(Some(super::DEFAULT_TOLERANCE)),
            public_path: self.public_path,
            trust_forwarded: self.trust_forwarded,
            replay,
        })
    }
}

/// Mailgun's private API keys since 2019: 32 hex, a dash, 8 hex, a dash, 8 hex. (Older
/// accounts' `key-…` values were also their signing keys, so that shape is not refused.)
fn looks_like_mailgun_api_key(s: &str) -> bool {
    let parts: Vec<&str> = s.trim().split('-').collect();
    parts.len() == 3
        && [32, 8, 8]
            .iter()
            .zip(&parts)
            .all(|(n, p)| p.len() == *n && p.bytes().all(|b| b.is_ascii_hexdigit()))
}

impl WebhookReceiver {
    /// A builder for `product`'s deliveries.
    pub fn builder(product: WebhookProduct) -> WebhookReceiverBuilder {
        WebhookReceiverBuilder {
            product: Some(product),
            ..WebhookReceiverBuilder::default()
        }
    }

    /// The product this receiver checks.
    pub fn product(&self) -> WebhookProduct {
        self.product
    }

    /// Whether deliveries are checked against a replay guard.
    pub fn has_replay_guard(&self) -> bool {
        self.replay.is_some()
    }

    /// Checks `delivery` at `now` (the system clock when `None`): the signature against
    /// every secret (the first that matches wins), the timestamp, then the replay guard.
    pub fn verify(&self, delivery: &Delivery<'_>, now: Option<SystemTime>) -> Result<Verified> {
        let opts = VerifyOptions {
            now,
            tolerance: self.tolerance,
        };
        let signed_path = if self.product.application_signed() {
            Some(self.signed_path(delivery)?)
        } else {
            None
        };
        let (secret_index, replay_key) = self
            .check_signature(delivery, &opts, signed_path.as_deref())
            .map_err(|e| match e.reason() {
                Some(SignatureReason::MissingHeader) => self.with_sender_hint(e, delivery.headers),
                _ => e,
            })?;
        let replay_key = match (&self.replay, replay_key) {
            (Some(guard), Some(key)) => {
                let key = format!("{}:{key}", self.product);
                if !guard.check_and_remember(&key, now.unwrap_or_else(SystemTime::now)) {
                    return Err(Error::signature(
                        SignatureReason::Replayed,
                        format!(
                            "this {} delivery was already accepted: a replay",
                            self.product
                        ),
                    ));
                }
                Some(key)
            }
            _ => None,
        };
        let public_url = self.public_url(delivery, signed_path.as_deref());
        Ok(Verified {
            product: self.product,
            secret_index,
            signed_path,
            public_url,
            replay_key,
        })
    }

    /// The index of the secret that matched, and what the replay guard would record.
    fn check_signature(
        &self,
        delivery: &Delivery<'_>,
        opts: &VerifyOptions,
        signed_path: Option<&str>,
    ) -> Result<(usize, Option<String>)> {
        let opts = *opts;
        Ok(match self.product {
            WebhookProduct::Voice | WebhookProduct::Verification => {
                let path = signed_path.unwrap_or(delivery.path);
                let i = first_match(self.product, self.apps.len(), |i| {
                    verify_application_callback(
                        &self.apps[i],
                        delivery.method,
                        path,
                        delivery.headers,
                        delivery.body,
                        &opts,
                    )
                })?;
                // Application signatures differ per delivery (they cover x-timestamp);
                // Basic credentials are the same on every callback, so never a replay key.
                let auth = delivery.headers.one_str("authorization")?;
                let signed = !auth
                    .get(..6)
                    .is_some_and(|s| s.eq_ignore_ascii_case("basic "));
                let key = delivery
                    .headers
                    .one_str("x-timestamp")
                    .ok()
                    .filter(|_| signed);
                (i, key.map(|ts| format!("{ts}:{auth}")))
            }
            WebhookProduct::Conversation | WebhookProduct::Sms => {
                let i = first_match(self.product, self.secrets.len(), |i| {
                    verify_conversation_webhook(
                        self.secrets[i].expose(),
                        delivery.headers,
                        delivery.body,
                        &opts,
                    )
                })?;
                let nonce = delivery.headers.one(super::conversation::NONCE)?;
                (i, Some(String::from_utf8_lossy(nonce).into_owned()))
            }
            WebhookProduct::Numbers => {
                let i = first_match(self.product, self.secrets.len(), |i| {
                    verify_numbers_callback(
                        self.secrets[i].expose(),
                        delivery.headers,
                        delivery.body,
                    )
                })?;
                (i, None)
            }
            WebhookProduct::Mailgun => {
                let fields =
                    super::mailgun_body::signature_fields(delivery.headers, delivery.body)?;
                let i = first_match(self.product, self.secrets.len(), |i| {
                    verify_mailgun_webhook(
                        self.secrets[i].expose(),
                        &fields.timestamp,
                        &fields.token,
                        &fields.signature,
                        &opts,
                        None,
                    )
                })?;
                (i, Some(fields.token))
            }
        })
    }

    /// A missing signature header often means the URL gets another product's deliveries:
    /// say which one the headers belong to.
    fn with_sender_hint(&self, e: Error, h: &Headers) -> Error {
        let has = |n: &str| h.get_all(n).next().is_some();
        let application = h
            .get_all("authorization")
            .next()
            .is_some_and(|v| v.len() > 12 && v[..12].eq_ignore_ascii_case(b"application "));
        let sender = if has(super::conversation::SIGNATURE) {
            Some((
                "a Conversation API or SMS webhook",
                [WebhookProduct::Conversation, WebhookProduct::Sms],
            ))
        } else if has("x-sinch-signature") {
            Some(("a Numbers callback", [WebhookProduct::Numbers; 2]))
        } else if application {
            Some((
                "a Voice or Verification callback",
                [WebhookProduct::Voice, WebhookProduct::Verification],
            ))
        } else {
            None
        };
        match sender {
            Some((what, products)) if !products.contains(&self.product) => e.with_note(&format!(
                "its headers are those of {what}, not of a {} delivery: check which receiver this URL is for",
                self.product
            )),
            _ => e,
        }
    }

    /// `verify`'s yes/no twin.
    pub fn is_valid(&self, delivery: &Delivery<'_>, now: Option<SystemTime>) -> bool {
        self.verify(delivery, now).is_ok()
    }

    /// Undoes the replay guard's record of `verified` (the handler failed, the sender will
    /// retry the same delivery, and the retry must not be refused as a replay).
    pub fn forget(&self, verified: &Verified) {
        if let Some(key) = &verified.replay_key {
            self.forget_key(key);
        }
    }

    /// [`forget`](Self::forget) by the `replay_key` of a [`Verified`] (for bindings that
    /// hand the result over as a plain object).
    pub fn forget_key(&self, replay_key: &str) {
        if let Some(guard) = &self.replay {
            guard.forget(replay_key);
        }
    }

    /// The path the sender signed, from the received one and the proxy rules.
    fn signed_path(&self, d: &Delivery<'_>) -> Result<String> {
        let received = d.path;
        if !received.starts_with('/') {
            return Err(Error::config(format!(
                "the request path must start with '/' (got {:?}): pass the path of the request line",
                received.chars().take(80).collect::<String>()
            )));
        }
        let mut path = received.to_owned();
        if self.trust_forwarded {
            if let Some(prefix) = forwarded_prefix(d.headers)? {
                path = join(&prefix, &path);
            }
        }
        Ok(match &self.public_path {
            PublicPath::AsReceived => path,
            PublicPath::Fixed(p) => p.clone(),
            PublicPath::Prefix { strip, add } => {
                let rest = strip_segment_prefix(&path, strip).unwrap_or(&path);
                join(add, rest)
            }
        })
    }

    /// `signed_path`: the path already worked out for an application-signed product.
    fn public_url(&self, d: &Delivery<'_>, signed_path: Option<&str>) -> Option<String> {
        if !self.trust_forwarded {
            return None;
        }
        let h = d.headers;
        let forwarded = first_value(h, "forwarded")
            .map(parse_forwarded)
            .unwrap_or_default();
        let proto = forwarded
            .proto
            .or_else(|| first_value(h, "x-forwarded-proto"))
            .unwrap_or_else(|| "http".to_owned());
        let host = forwarded
            .host
            .or_else(|| first_value(h, "x-forwarded-host"))
            .or_else(|| first_value(h, "host"))?;
        let path = match signed_path {
            Some(p) => p.to_owned(),
            None => self.signed_path(d).unwrap_or_else(|_| d.path.to_owned()),
        };
        Some(format!("{}://{host}{path}", proto.to_ascii_lowercase()))
    }
}

/// The refusal for a body that is not the raw bytes (`got` names what was passed: a dict, a
/// parsed object), with how to get the raw body in `language`'s frameworks (`"python"`,
/// `"node"`).
pub fn raw_body_required(got: &str, language: &str) -> Error {
    let how = match language {
        "python" => "Flask: request.get_data(); FastAPI/Starlette: await request.body(); Django: request.body; or the sinch_auth.flask, sinch_auth.fastapi and sinch_auth.django integrations, which do it for you",
        "node" => "Express: express.raw({ type: '*/*' }) on the route, or the sinchWebhook middleware (it keeps the raw body even after express.json()); Fastify: the sinchWebhook preParsing hook; fetch handlers: await request.arrayBuffer()",
        _ => "read the request body as bytes before anything parses it",
    };
    Error::config(format!(
        "the body must be the raw bytes (or text) exactly as received, not {got}: a parsed body re-serialized never has the signed bytes. {how}"
    ))
}

/// Runs `check` for each secret index until one passes. A bad signature or another app's
/// key moves on to the next secret; any other failure (a missing header, a stale timestamp
/// under a matching secret) is the answer at once.
fn first_match(
    product: WebhookProduct,
    n: usize,
    check: impl Fn(usize) -> Result<()>,
) -> Result<usize> {
    let mut last = None;
    for i in 0..n {
        match check(i) {
            Ok(()) => return Ok(i),
            Err(e)
                if matches!(
                    e.reason(),
                    Some(SignatureReason::BadSignature | SignatureReason::KeyMismatch)
                ) =>
            {
                last = Some(e)
            }
            Err(e) => return Err(e),
        }
    }
    let e = last.unwrap_or_else(|| Error::config("no secret configured"));
    if n > 1 && e.reason() == Some(SignatureReason::BadSignature) {
        return Err(e.with_note(&format!(
            "none of the {n} configured {product} secrets matched"
        )));
    }
    Err(e)
}

fn first_value(h: &Headers, name: &str) -> Option<String> {
    let v = h.get_all(name).next()?;
    let v = std::str::from_utf8(v).ok()?;
    let first = v.split(',').next()?.trim();
    (!first.is_empty() && first.len() <= 512 && !first.chars().any(char::is_control))
        .then(|| first.to_owned())
}

fn forwarded_prefix(h: &Headers) -> Result<Option<String>> {
    let Some(prefix) = first_value(h, "x-forwarded-prefix") else {
        return Ok(None);
    };
    let prefix = prefix.trim_end_matches('/');
    if prefix.is_empty() {
        return Ok(None);
    }
    if !prefix.starts_with('/') || prefix.contains("//") || prefix.contains('?') {
        return Err(Error::signature(
            SignatureReason::MalformedHeader,
            "the X-Forwarded-Prefix header is not a path (it must start with '/')",
        ));
    }
    Ok(Some(prefix.to_owned()))
}

#[derive(Default)]
struct Forwarded {
    proto: Option<String>,
    host: Option<String>,
}

/// The first element of an RFC 7239 `Forwarded` header (the proxy nearest the client).
fn parse_forwarded(v: String) -> Forwarded {
    let mut f = Forwarded::default();
    for pair in v.split(';') {
        if let Some((k, val)) = pair.split_once('=') {
            let val = val.trim().trim_matches('"').to_owned();
            match k.trim().to_ascii_lowercase().as_str() {
                "proto"
                    if val.eq_ignore_ascii_case("http") || val.eq_ignore_ascii_case("https") =>
                {
                    f.proto = Some(val)
                }
                "host" if !val.is_empty() => f.host = Some(val),
                _ => {}
            }
        }
    }
    f
}

/// `path` without `prefix` when `prefix` is a whole leading segment sequence of it.
fn strip_segment_prefix<'p>(path: &'p str, prefix: &str) -> Option<&'p str> {
    let prefix = prefix.trim_end_matches('/');
    if prefix.is_empty() {
        return None;
    }
    let rest = path.strip_prefix(prefix)?;
    (rest.is_empty() || rest.starts_with('/') || rest.starts_with('?'))
        .then_some(if rest.is_empty() { "/" } else { rest })
}

fn join(prefix: &str, path: &str) -> String {
    let prefix = prefix.trim_end_matches('/');
    if prefix.is_empty() {
        return path.to_owned();
    }
    if path == "/" {
        return prefix.to_owned();
    }
    format!("{prefix}{path}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_are_whole_segments() {
        assert_eq!(strip_segment_prefix("/api/voice", "/api"), Some("/voice"));
        assert_eq!(strip_segment_prefix("/apix/voice", "/api"), None);
        assert_eq!(strip_segment_prefix("/api", "/api/"), Some("/"));
        assert_eq!(join("/sinch/", "/voice?x=1"), "/sinch/voice?x=1");
        assert_eq!(join("", "/voice"), "/voice");
    }

    #[test]
    fn mailgun_api_keys_are_recognised_signing_keys_are_not() {
        assert!(looks_like_mailgun_api_key(&format!(
            "{}-{}-{}",
            "a".repeat(32),
            "1".repeat(8),
            "f".repeat(8)
        )));
        assert!(!looks_like_mailgun_api_key("key-abc123"));
        assert!(!looks_like_mailgun_api_key(&"a".repeat(32)));
    }

    #[test]
    fn a_delivery_for_another_product_says_whose_headers_it_has() {
        let r = WebhookReceiver::builder(WebhookProduct::Numbers)
            .secret("s")
            .build()
            .unwrap();
        let h = Headers::from_pairs([("x-sinch-webhook-signature", "x")]);
        let d = Delivery {
            method: "POST",
            path: "/n",
            headers: &h,
            body: b"{}",
        };
        let e = r.verify(&d, None).unwrap_err();
        assert_eq!(e.reason(), Some(SignatureReason::MissingHeader));
        assert!(e.message().contains("x-sinch-signature"), "{}", e.message());
        assert!(
            e.message().contains("Conversation API or SMS webhook"),
            "{}",
            e.message()
        );
        // The right product's missing header: no hint.
        let r = WebhookReceiver::builder(WebhookProduct::Sms)
            .secret("s")
            .build()
            .unwrap();
        let e = r.verify(&d, None).unwrap_err();
        assert!(
            !e.message().contains("receiver this URL"),
            "{}",
            e.message()
        );
    }

    #[test]
    fn forget_lets_the_same_delivery_in_again() {
        let r = WebhookReceiver::builder(WebhookProduct::Mailgun)
            .secret("k")
            .build()
            .unwrap();
        let ts = "1770920772";
        let sig = super::super::mailgun_signature("k", ts, "tok");
        let body = format!("timestamp={ts}&token=tok&signature={sig}");
        let h = Headers::from_pairs([("content-type", "application/x-www-form-urlencoded")]);
        let d = Delivery {
            method: "POST",
            path: "/m",
            headers: &h,
            body: body.as_bytes(),
        };
        let now = Some(std::time::UNIX_EPOCH + Duration::from_secs(1770920772));
        let v = r.verify(&d, now).unwrap();
        assert_eq!(
            r.verify(&d, now).unwrap_err().reason(),
            Some(SignatureReason::Replayed)
        );
        r.forget(&v);
        r.verify(&d, now).unwrap();
    }

    #[test]
    fn product_names_round_trip() {
        for p in WebhookProduct::ALL {
            assert_eq!(
                p.as_str().to_uppercase().parse::<WebhookProduct>().unwrap(),
                p
            );
        }
        let e = "fax".parse::<WebhookProduct>().unwrap_err();
        assert!(
            e.message().contains("voice, verification"),
            "{}",
            e.message()
        );
    }
}
