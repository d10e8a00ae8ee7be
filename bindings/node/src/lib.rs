//! The core crate, translated for Node. No logic lives here: argument conversion, error
//! mapping, and network work on the libuv pool (`AsyncTask`). The JS layer in `node/` gives
//! the typed error classes, option objects and redaction.

pub mod app_handles;
pub mod credentials;
pub mod errors;
mod hot_path;
mod hot_verify;
mod raw;
pub mod token;
pub mod verify;

use errors::guarded;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use sinch_auth as core;

/// Flat `[name, value, name, value, …]` from the JS layer.
pub fn pairs(flat: &[String]) -> Vec<(&str, &str)> {
    flat.chunks(2)
        .filter(|c| c.len() == 2)
        .map(|c| (c[0].as_str(), c[1].as_str()))
        .collect()
}

/// The plain Node-API entry points (see `raw`), next to the `#[napi]` ones.
#[napi(module_exports)]
pub fn register_raw(exports: Object, env: Env) -> Result<()> {
    let entries: [(&str, raw::Callback); 4] = [
        ("signAuthorization", hot_path::sign_authorization),
        (
            "verifyConversationWebhook",
            hot_verify::verify_conversation_webhook,
        ),
        ("verifyNumbersCallback", hot_verify::verify_numbers_callback),
        (
            "verifyApplicationCallback",
            hot_verify::verify_application_callback,
        ),
    ];
    for (name, cb) in entries {
        // SAFETY: Node hands module_exports a live env and exports object.
        unsafe { raw::export(env.raw(), exports.raw(), name, cb) }?;
    }
    Ok(())
}

#[napi]
pub fn auth_model(product: String) -> Result<String> {
    guarded(|| {
        Ok(product
            .parse::<core::Product>()?
            .auth_model()
            .as_str()
            .to_owned())
    })
}

#[napi]
pub fn products() -> Vec<String> {
    core::Product::all().map(|i| i.name.to_owned()).collect()
}

/// The product table row, as JSON (the JS layer parses it).
#[napi]
pub fn product_info_json(product: String) -> Result<String> {
    guarded(|| {
        let info = product.parse::<core::Product>()?.info();
        let models: Vec<_> = info
            .models
            .iter()
            .map(|m| {
                serde_json::json!({
                    "authModel": m.as_str(),
                    "credentials": m.credentials_needed(),
                    "how": m.how(),
                    "envVars": m.env_vars().iter().map(|v| serde_json::json!({"name": v.name, "required": v.required, "secret": v.secret, "description": v.description})).collect::<Vec<_>>(),
                    "baseUrls": info.endpoints.iter().filter(|e| e.model == *m).map(|e| (e.region.to_owned(), serde_json::Value::from(e.url))).collect::<serde_json::Map<_, _>>(),
                })
            })
            .collect();
        Ok(serde_json::json!({
            "product": info.name,
            "displayName": info.display_name,
            "aliases": info.aliases,
            "authModel": info.models[0].as_str(),
            "dashboard": info.dashboard,
            "defaultRegion": info.default_region,
            "gotchas": info.gotchas,
            "models": models,
        })
        .to_string())
    })
}

#[napi]
pub fn base_url(
    product: String,
    region: Option<String>,
    auth_model: Option<String>,
) -> Result<String> {
    guarded(|| {
        let info = product.parse::<core::Product>()?.info();
        let url = match auth_model {
            Some(m) => info.base_url_for(m.parse()?, region.as_deref())?,
            None => info.base_url(region.as_deref())?,
        };
        Ok(url.to_owned())
    })
}

#[napi]
pub fn basic_authorization(user: String, password: String) -> Result<String> {
    guarded(|| core::basic_authorization(&user, &password))
}

#[napi]
pub fn is_expired_token_challenge(status: u32, headers: Vec<String>) -> bool {
    core::is_expired_token_challenge(status.min(u16::MAX as u32) as u16, pairs(&headers))
}

#[napi(object)]
pub struct Diagnosis {
    pub kind: String,
    pub retryable: bool,
    pub cause: String,
    pub fix: String,
}

#[napi]
pub fn diagnose(
    product: String,
    status: u32,
    headers: Vec<String>,
    body: BufferSlice,
    base_url: Option<String>,
) -> Result<Diagnosis> {
    guarded(|| {
        let p: core::Product = product.parse()?;
        let d = core::diagnose(
            p,
            status.min(u16::MAX as u32) as u16,
            pairs(&headers),
            &body,
            base_url.as_deref(),
        );
        Ok(Diagnosis {
            kind: d.kind.as_str().to_owned(),
            retryable: d.retryable,
            cause: d.cause,
            fix: d.fix,
        })
    })
}

/// Test hook: a panic inside Rust becomes a thrown SinchAuthError, not a crash.
#[napi]
pub fn panic_for_tests() -> Result<()> {
    guarded(|| -> core::Result<()> { panic!("panic requested by panicForTests") })
}

/// Test hook: the same on the libuv pool, where `TokenTask` runs (a rejected Promise).
#[napi]
pub fn panic_for_tests_async() -> AsyncTask<PanicTask> {
    AsyncTask::new(PanicTask)
}

pub struct PanicTask;

#[napi]
impl Task for PanicTask {
    type Output = ();
    type JsValue = ();

    fn compute(&mut self) -> Result<()> {
        guarded(|| -> core::Result<()> { panic!("panic requested by panicForTestsAsync") })
    }

    fn resolve(&mut self, _env: Env, _output: ()) -> Result<()> {
        Ok(())
    }
}

/// Runs the `sinch-auth` command (argv[0] is the program name) and returns its exit code:
/// the package's `bin` script calls this, so npm users need no separate binary. It blocks the
/// calling thread, which is what a command does (`serve` runs until Ctrl-C).
#[napi]
pub fn run_cli(argv: Vec<String>) -> u32 {
    u32::from(sinch_auth_cli::run(argv))
}
