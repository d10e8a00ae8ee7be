//! The Rust names against tests/api/names.json: every Rust name of the manifest is checked
//! by the compiler below, and the list below is exactly the manifest's.

use std::collections::BTreeSet;

/// Each name, and a use of it that compiles only while the name exists.
macro_rules! names {
    ($($name:literal => $use:expr),* $(,)?) => {{
        $( let _ = $use; )*
        [$($name),*]
    }};
}

fn checked() -> BTreeSet<&'static str> {
    use sinch_auth::*;
    use std::any::type_name;
    names![
        "ProjectCredentials" => type_name::<ProjectCredentials>(),
        "ProjectCredentials::from_env" => ProjectCredentials::from_env,
        "ApplicationCredentials" => type_name::<ApplicationCredentials>(),
        "ApplicationCredentials::from_env" => ApplicationCredentials::from_env,
        "ServicePlanCredentials" => type_name::<ServicePlanCredentials>(),
        "MailgunCredentials" => type_name::<MailgunCredentials>(),
        "TokenProvider" => type_name::<TokenProvider>(),
        "TokenProvider::token" => TokenProvider::token,
        "TokenProvider::authorization" => TokenProvider::authorization,
        "TokenProvider::invalidate" => TokenProvider::invalidate,
        "TokenProvider::stats" => TokenProvider::stats,
        "AccessToken" => type_name::<AccessToken>(),
        "AccessToken::secret" => AccessToken::secret,
        "AccessToken::expires_in" => AccessToken::expires_in,
        "sign_request" => sign_request,
        "x_timestamp_now" => x_timestamp_now,
        "x_timestamp_at" => x_timestamp_at,
        "webhook::SharedReplayGuard" => type_name::<webhook::SharedReplayGuard>(),
        "TokenProvider::shared_cache_status" => TokenProvider::shared_cache_status,
        "DEFAULT_CONTENT_TYPE" => DEFAULT_CONTENT_TYPE,
        "webhook::DEFAULT_TOLERANCE" => webhook::DEFAULT_TOLERANCE,
        "DEFAULT_TOKEN_URL" => DEFAULT_TOKEN_URL,
        "verify_application_callback" => verify_application_callback,
        "verify_conversation_webhook" => verify_conversation_webhook,
        "verify_numbers_callback" => verify_numbers_callback,
        "verify_mailgun_webhook" => verify_mailgun_webhook,
        "webhook::MemoryReplayGuard" => type_name::<webhook::MemoryReplayGuard>(),
        "webhook::WebhookReceiver" => type_name::<webhook::WebhookReceiver>(),
        "webhook::WebhookReceiver::verify" => webhook::WebhookReceiver::verify,
        "webhook::WebhookReceiver::is_valid" => webhook::WebhookReceiver::is_valid,
        "webhook::WebhookReceiver::forget" => webhook::WebhookReceiver::forget,
        "webhook::Verified" => type_name::<webhook::Verified>(),
        "webhook::WebhookProduct" => type_name::<webhook::WebhookProduct>(),
        "webhook::PublicPath" => type_name::<webhook::PublicPath>(),
        "webhook::raw_body_required" => webhook::raw_body_required,
        "Product::auth_model" => Product::auth_model,
        "Product::all" => Product::all,
        "Product::info" => Product::info,
        "ProductInfo::base_url" => ProductInfo::base_url,
        "endpoint_for_host" => endpoint_for_host,
        "basic_authorization" => basic_authorization,
        "is_expired_token_challenge" => |s: u16| is_expired_token_challenge(s, std::iter::empty()),
        "diagnose" => |s: u16| diagnose(Product::Numbers, s, std::iter::empty(), b"", None),
        "Diagnosis" => type_name::<Diagnosis>(),
        "Error" => type_name::<Error>(),
        "Error::kind" => Error::kind,
        "Error::status" => Error::status,
        "Error::reason" => Error::reason,
        "ErrorKind::Config" => ErrorKind::Config,
        "ErrorKind::Credentials" => ErrorKind::Credentials,
        "ErrorKind::Forbidden" => ErrorKind::Forbidden,
        "ErrorKind::RateLimited" => ErrorKind::RateLimited,
        "ErrorKind::Server" => ErrorKind::Server,
        "ErrorKind::Transport" => ErrorKind::Transport,
        "ErrorKind::InvalidResponse" => ErrorKind::InvalidResponse,
        "ErrorKind::Signature" => ErrorKind::Signature,
    ]
    .into_iter()
    .collect()
}

#[test]
fn the_rust_names_are_the_manifest() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/api/names.json");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let names: BTreeSet<&str> = manifest["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["rust"].as_str())
        .collect();
    let checked = checked();
    let unchecked: Vec<_> = names.difference(&checked).collect();
    let unlisted: Vec<_> = checked.difference(&names).collect();
    assert!(
        unchecked.is_empty() && unlisted.is_empty(),
        "in the manifest, not checked here: {unchecked:?}; checked here, not in the manifest: {unlisted:?}"
    );
}
