//! `sinch-auth doctor [--product P] [--region R] [--offline]`: one line per check.

use crate::api::{self, HeaderPairs};
use crate::output::print_json;
use crate::{CmdResult, Failure};
use serde_json::{json, Value};
use sinch_auth::token::RetryPolicy;
use sinch_auth::*;
use std::time::Duration;

#[derive(clap::Args)]
pub struct Args {
    /// The product to check for (default: every credential set found in the environment).
    #[arg(long)]
    product: Option<String>,
    /// The region (Conversation, Templates, SMS, Mailgun, …).
    #[arg(long)]
    region: Option<String>,
    /// Only check the environment; make no request.
    #[arg(long)]
    offline: bool,
    /// Check this Redis as the fleet's shared token cache (default: SINCH_AUTH_SHARED_CACHE
    /// when set): reachable, the ACL allows the commands, the round trip.
    #[arg(long, value_name = "URL")]
    shared_cache: Option<String>,
    /// Look for a running `sinch-auth proxy` here (default: the proxy's own default,
    /// http://127.0.0.1:8787, reported only when something answers there).
    #[arg(long, value_name = "URL")]
    proxy: Option<String>,
    /// The proxy's token, for a proxy started with --token-file.
    #[arg(long, value_name = "PATH")]
    proxy_token_file: Option<std::path::PathBuf>,
    /// Machine-readable output: {"ok": bool, "sections": [{"title", "auth_model", "checks":
    /// [{"status": "ok"|"warn"|"fail", "message"}]}]}.
    #[arg(long)]
    json: bool,
}

/// The checks so far: printed as they happen, or gathered for `--json`.
#[derive(Default)]
struct Report {
    failed: bool,
    json: bool,
    sections: Vec<Value>,
}

impl Report {
    fn section(&mut self, title: &str, model: AuthModel) {
        if self.json {
            self.sections
                .push(json!({"title": title, "auth_model": model.as_str(), "checks": []}));
        } else {
            println!("— {title}: {} credentials", model.as_str());
        }
    }
    /// A section about something other than one set of credentials.
    fn heading(&mut self, title: &str) {
        if self.json {
            self.sections
                .push(json!({"title": title, "auth_model": null, "checks": []}));
        } else {
            println!("— {title}");
        }
    }
    fn record(&mut self, status: &str, mark: char, message: &str) {
        if !self.json {
            println!("{mark} {message}");
            return;
        }
        let check = json!({"status": status, "message": message});
        match self.sections.last_mut() {
            Some(s) => {
                if let Some(checks) = s["checks"].as_array_mut() {
                    checks.push(check);
                }
            }
            None => self
                .sections
                .push(json!({"title": null, "checks": [check]})),
        }
    }
    fn ok(&mut self, m: impl AsRef<str>) {
        self.record("ok", '✓', m.as_ref());
    }
    fn fail(&mut self, m: impl AsRef<str>) {
        self.failed = true;
        self.record("fail", '✗', m.as_ref());
    }
    fn warn(&mut self, m: impl AsRef<str>) {
        self.record("warn", '!', m.as_ref());
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

fn present(name: &str) -> bool {
    env(name).is_some_and(|v| !v.trim().is_empty())
}

fn looks_like_uuid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| {
            if [8, 13, 18, 23].contains(&i) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        })
}

/// Presence and shape of each variable of `model`. True when the set is usable.
fn check_vars(r: &mut Report, model: AuthModel) -> bool {
    let mut usable = true;
    for v in model.env_vars() {
        match env(v.name) {
            None => {
                if v.required {
                    r.fail(format!("{} is not set ({})", v.name, v.description));
                    usable = false;
                }
            }
            Some(val) if val.trim().is_empty() => {
                r.fail(format!("{} is empty", v.name));
                usable = false;
            }
            Some(val) if val.trim() != val => {
                r.fail(format!(
                    "{} has leading or trailing white space: re-export it without",
                    v.name
                ));
                usable = false;
            }
            Some(val) if val.starts_with(['"', '\'']) || val.ends_with(['"', '\'']) => {
                r.fail(format!(
                    "{} is wrapped in quotes: the quotes became part of the value",
                    v.name
                ));
                usable = false;
            }
            Some(val) => {
                let shown = if v.secret {
                    format!("set ({} characters)", val.chars().count())
                } else {
                    format!("= {val}")
                };
                r.ok(format!("{} {shown}", v.name));
                shape_warnings(r, v.name, &val);
            }
        }
    }
    usable
}

fn shape_warnings(r: &mut Report, name: &str, val: &str) {
    match name {
        "SINCH_PROJECT_ID" | "SINCH_KEY_ID" | "SINCH_APP_KEY" if !looks_like_uuid(val) => {
            r.warn(format!("{name} does not look like a Sinch ID (a UUID); fine for a local test server"));
        }
        "SINCH_APP_SECRET" => match decode_base64_secret(val) {
            Err(e) => r.fail(format!(
                "SINCH_APP_SECRET is not Base64 ({e}): is it a project Key Secret? Voice/Verification need the Application Secret from Voice > Apps"
            )),
            Ok(b) if b.len() != 16 => r.warn(format!(
                "SINCH_APP_SECRET decodes to {} bytes; dashboard secrets decode to 16",
                b.len()
            )),
            Ok(_) => {}
        },
        "MAILGUN_API_KEY" if val.len() < 16 => {
            r.warn("MAILGUN_API_KEY is shorter than Mailgun keys usually are");
        }
        _ => {}
    }
}

fn mixed_up_sets(r: &mut Report, model: AuthModel) {
    let project = ["SINCH_PROJECT_ID", "SINCH_KEY_ID", "SINCH_KEY_SECRET"]
        .iter()
        .any(|v| present(v));
    let app = ["SINCH_APP_KEY", "SINCH_APP_SECRET"]
        .iter()
        .any(|v| present(v));
    if model == AuthModel::Application && !app && project {
        r.fail("only project Access Keys are set, but this product uses application credentials (SINCH_APP_KEY, SINCH_APP_SECRET from Voice > Apps or Verification > Apps); they are a separate set, never interchangeable");
    }
    if model == AuthModel::Project && !project && app {
        r.fail("only application keys are set, but this product uses project Access Keys (SINCH_PROJECT_ID, SINCH_KEY_ID, SINCH_KEY_SECRET from Settings > Access Keys)");
    }
    for (a, b) in [
        ("SINCH_APP_KEY", "SINCH_KEY_ID"),
        ("SINCH_APP_SECRET", "SINCH_KEY_SECRET"),
    ] {
        if present(a) && env(a) == env(b) {
            r.fail(format!(
                "{a} and {b} hold the same value: one credential set was pasted into the other"
            ));
        }
    }
}

fn model_for(product: Product) -> AuthModel {
    if product == Product::Sms && present("SINCH_SERVICE_PLAN_ID") {
        AuthModel::ServicePlan
    } else {
        product.auth_model()
    }
}

fn region_for(a: &Args, model: AuthModel) -> Option<String> {
    a.region.clone().or_else(|| match model {
        AuthModel::ServicePlan => env("SINCH_SMS_REGION"),
        AuthModel::ApiKey => env("MAILGUN_REGION"),
        _ => None,
    })
}

pub fn run(a: Args) -> CmdResult {
    let mut r = Report {
        json: a.json,
        ..Report::default()
    };
    let targets: Vec<(Option<Product>, AuthModel)> = match &a.product {
        Some(p) => {
            let product: Product = p.parse()?;
            vec![(Some(product), model_for(product))]
        }
        None => {
            let found: Vec<_> = AuthModel::ALL
                .into_iter()
                .filter(|m| m.env_vars().iter().any(|v| present(v.name)))
                .map(|m| (None, m))
                .collect();
            if found.is_empty() {
                r.fail("no Sinch credentials in the environment: set SINCH_PROJECT_ID/SINCH_KEY_ID/SINCH_KEY_SECRET (project APIs), SINCH_APP_KEY/SINCH_APP_SECRET (Voice, Verification), SINCH_SERVICE_PLAN_ID/SINCH_SMS_API_TOKEN/SINCH_SMS_REGION (SMS service plan) or MAILGUN_API_KEY/MAILGUN_DOMAIN; `sinch-auth which <product>` says which");
            }
            found
        }
    };
    for (product, model) in targets {
        let name = product
            .map(|p| p.info().display_name)
            .unwrap_or(model.credentials_needed());
        r.section(name, model);
        if let Some(p) = product {
            let region = region_for(&a, model);
            match p.info().base_url_for(model, region.as_deref()) {
                Ok(default) => {
                    let used = api::base_url(default);
                    if used == default.trim_end_matches('/') {
                        r.ok(format!("base URL {used}"));
                    } else {
                        r.warn(format!(
                            "base URL {used} (from SINCH_API_BASE_URL; the product's own is {default})"
                        ));
                    }
                }
                Err(e) => r.fail(e.message()),
            }
        }
        mixed_up_sets(&mut r, model);
        if !check_vars(&mut r, model) || a.offline || r.failed {
            continue;
        }
        online(&mut r, product, model);
    }
    let shared = a.shared_cache.clone().or_else(|| {
        std::env::var(sinch_auth::token::shared::SHARED_CACHE_ENV)
            .ok()
            .filter(|v| !v.trim().is_empty())
    });
    if let (Some(url), false) = (shared, a.offline) {
        check_shared_cache(&mut r, url.trim());
    }
    if a.proxy.is_some() || !a.offline {
        let token = match &a.proxy_token_file {
            Some(path) => Some(
                std::fs::read_to_string(path)
                    .map_err(|e| Failure::usage(format!("cannot read {}: {e}", path.display())))?
                    .trim()
                    .to_owned(),
            ),
            None => None,
        };
        check_proxy(&mut r, a.proxy.as_deref(), token.as_deref());
    }
    if r.json {
        print_json(&json!({"ok": !r.failed, "sections": r.sections}));
    }
    if r.failed {
        Err(Failure::failed(""))
    } else {
        Ok(())
    }
}

/// A running `sinch-auth proxy` at `asked` (or at its default address, said only when
/// something answers there): whether it is one, ready, and what its counters point at.
fn check_proxy(r: &mut Report, asked: Option<&str>, token: Option<&str>) {
    use crate::proxy::probe::{default_url, probe, Found};
    let default = default_url();
    let url = asked.unwrap_or(&default).trim_end_matches('/');
    let found = probe(url, token);
    if asked.is_none() && matches!(found, Found::Nothing) {
        return;
    }
    r.heading(&format!("Proxy at {url}"));
    // What the user asked about is a failure when it is not there; at the default address,
    // only a warning.
    let problem = |r: &mut Report, m: String| {
        if asked.is_some() {
            r.fail(m)
        } else {
            r.warn(m)
        }
    };
    let (version, ready, counters) = match found {
        Found::Nothing => {
            return r.fail(format!(
                "nothing listens at {url}: start one with `sinch-auth proxy` (--port to choose the port)"
            ))
        }
        Found::Unreachable(why) => return problem(r, format!("{url} did not answer: {why}")),
        Found::Other(what) => {
            return problem(
                r,
                format!("{url} is not a sinch-auth proxy ({what}); `sinch-auth proxy --port` another port"),
            )
        }
        Found::NeedsToken if token.is_some() => {
            return r.fail(format!(
                "a sinch-auth proxy runs at {url} and refuses this proxy token: use the one in its --token-file"
            ))
        }
        Found::NeedsToken => {
            r.ok(format!("a sinch-auth proxy runs at {url}"));
            return r.warn(
                "it wants its proxy token: --proxy-token-file PATH (its --token-file) shows its state",
            );
        }
        Found::Proxy {
            version,
            ready,
            counters,
        } => (version, ready, counters),
    };
    r.ok(format!("a sinch-auth proxy {version} runs at {url}"));
    if version != env!("CARGO_PKG_VERSION") {
        r.warn(format!(
            "this sinch-auth is {}, the proxy {version}: restart the proxy with this one",
            env!("CARGO_PKG_VERSION")
        ));
    }
    if ready {
        r.ok("ready: it holds a valid credential");
    } else {
        r.warn("not ready yet: no valid token (the first /.sinch-auth/ready starts the fetch); if it stays so, check the credentials in the proxy's environment and its log");
    }
    let n = |name: &str| counters.get(name).copied().unwrap_or(0);
    r.ok(format!(
        "{} requests proxied, {} signed; {} connections open, this check's included",
        n("proxied"),
        n("signed"),
        n("open_connections")
    ));
    // (counter, what it counts, what went wrong and what to do)
    let hints: [(&str, &str, &str); 8] = [
        ("auth_unavailable", "request", "answered 503 auth-unavailable: the proxy could not get a token (the credentials in its environment, or the token endpoint; its log says which)"),
        ("rejected_guard", "request", "refused without the X-Sinch-Proxy: 1 header: add it to the client (curl -H 'X-Sinch-Proxy: 1')"),
        ("rejected_host", "request", "refused for a Host that is neither loopback nor a Sinch host: call the proxy by 127.0.0.1 or localhost"),
        ("rejected_origin", "request", "refused for an Origin header (a browser page): --allow-origin lets one origin in"),
        ("rejected_token", "request", "refused without the proxy token: Proxy-Authorization: Bearer <token> or X-Sinch-Proxy-Token"),
        ("rejected_upstream", "request", "refused for a host that is not a Sinch host of the product table"),
        ("upstream_errors", "request", "that could not reach the upstream (502): the network, or an --override-host that is down"),
        ("connections_refused", "connection", "turned away over --max-connections: clients holding idle connections?"),
    ];
    for (counter, noun, hint) in hints {
        match n(counter) {
            0 => {}
            1 => r.warn(format!("1 {noun} {hint}")),
            more => r.warn(format!("{more} {noun}s {hint}")),
        }
    }
}

/// The commands the shared cache uses, on a probe key under its prefix, timed.
fn check_shared_cache(r: &mut Report, url: &str) {
    use sinch_auth::token::shared::{RedisStore, SharedCacheOptions, SharedStore};
    r.section("Shared token cache", AuthModel::Project);
    let store = match RedisStore::open(url, SharedCacheOptions::default().timeout) {
        Ok(s) => s,
        Err(e) => return r.fail(e.message()),
    };
    let key = format!("sinch-auth:v1:doctor:{}", std::process::id());
    let ttl = Duration::from_secs(10);
    let started = std::time::Instant::now();
    let steps: [(&str, &dyn Fn() -> Result<bool>); 4] = [
        ("SET NX PX", &|| store.set_if_absent(&key, b"probe", ttl)),
        ("EVAL (GET + PTTL)", &|| Ok(store.get(&key)?.is_some())),
        ("EVAL (compare-and-expire)", &|| {
            store.expire_if_equal(&key, b"probe", ttl)
        }),
        ("EVAL (compare-and-delete)", &|| {
            store.delete_if_equal(&key, b"probe")
        }),
    ];
    for (what, step) in steps {
        match step() {
            Ok(true) => {}
            Ok(false) => {
                return r.fail(format!(
                    "{what} on {key} did not do what it should: another client is using the probe key, or the server is not a Redis"
                ))
            }
            Err(e) => {
                return r.fail(format!(
                    "{what} failed: {}. Check the URL, the network, and that the ACL user may run get set del pttl pexpire eval evalsha on ~sinch-auth:*",
                    e.message()
                ))
            }
        }
    }
    r.ok(format!(
        "{}: reachable, the commands are allowed, 4 round trips in {} ms",
        store.describe(),
        started.elapsed().as_millis()
    ));
}

fn report_api(
    r: &mut Report,
    what: &str,
    product: Product,
    base: &str,
    answer: Result<api::Answer>,
) {
    let what = format!("{what} at {base}");
    match answer {
        Ok(ans) if (200..300).contains(&ans.status) => r.ok(format!("{what}: {} OK", ans.status)),
        Ok(ans) => {
            let d = diagnose(
                product,
                ans.status,
                ans.header_pairs(),
                &ans.body,
                Some(base),
            );
            r.fail(format!("{what}: {}", d));
        }
        Err(e) => r.fail(format!("{what}: {}", e.message())),
    }
}

fn online(r: &mut Report, product: Option<Product>, model: AuthModel) {
    let result = (|| -> Result<()> {
        match model {
            AuthModel::Project => {
                let creds = ProjectCredentials::from_env()?;
                let provider = TokenProvider::builder(creds.clone())
                    .client("cli")
                    .timeout(Duration::from_secs(10))
                    .retry_policy(RetryPolicy {
                        max_retries: 1,
                        ..RetryPolicy::default()
                    })
                    .build()?;
                match provider.token() {
                    Ok(t) => r.ok(format!(
                        "token request to {}: got a bearer token, valid for {} s",
                        provider.token_url(),
                        t.expires_in().as_secs()
                    )),
                    Err(e) => {
                        r.fail(format!(
                            "token request to {}: {}",
                            provider.token_url(),
                            e.message()
                        ));
                        return Ok(());
                    }
                }
                let base = api::base_url(Product::Numbers.info().base_url(None)?);
                let url = format!(
                    "{base}/v1/projects/{}/activeNumbers?pageSize=1",
                    creds.project_id()
                );
                let auth = provider.authorization()?;
                report_api(
                    r,
                    "project access (Numbers API)",
                    product.unwrap_or(Product::Numbers),
                    &base,
                    api::call("GET", &url, &[("Authorization", &auth)], b""),
                );
            }
            AuthModel::Application => {
                let app = ApplicationCredentials::from_env()?;
                let base = api::base_url(Product::Voice.info().base_url(Some("management"))?);
                let path = "/v1/configuration/numbers";
                let s = sign_request(&app, &SignRequest::new("GET", path).content_type(""))?;
                report_api(
                    r,
                    "signed request (GET /v1/configuration/numbers)",
                    product.unwrap_or(Product::Voice),
                    &base,
                    api::call(
                        "GET",
                        &format!("{base}{path}"),
                        &[
                            ("Authorization", &s.authorization),
                            ("x-timestamp", &s.timestamp),
                        ],
                        b"",
                    ),
                );
            }
            AuthModel::ServicePlan => {
                let c = ServicePlanCredentials::from_env()?;
                let base = api::base_url(c.base_url());
                let url = format!("{base}/xms/v1/{}/batches?page_size=1", c.service_plan_id());
                report_api(
                    r,
                    "service plan (GET batches)",
                    Product::Sms,
                    &base,
                    api::call("GET", &url, &[("Authorization", &c.authorization())], b""),
                );
            }
            AuthModel::ApiKey => {
                let c = MailgunCredentials::from_env()?;
                let base = api::base_url(c.base_url());
                let url = format!("{base}/v3/domains/{}", c.domain());
                report_api(
                    r,
                    "Mailgun API key (GET domain)",
                    Product::Mailgun,
                    &base,
                    api::call(
                        "GET",
                        &url,
                        &[("Authorization", &c.basic_authorization())],
                        b"",
                    ),
                );
            }
        }
        Ok(())
    })();
    if let Err(e) = result {
        r.fail(e.message());
    }
}
