//! `sinch-auth proxy`: a local HTTP proxy that adds Sinch auth to any tool's requests.
//!
//! The HTTP stack is `tiny_http` (server) and `ureq` (upstream), both synchronous, one thread
//! per request. Why not hyper on a private runtime: the core's token provider and signer
//! are blocking, both crates stream bodies both ways (tiny_http's request reader and a
//! `Read`-backed response, chunked or with the upstream's Content-Length; ureq's
//! `SendBody::from_reader` and body reader), ureq is already the core's transport (rustls,
//! verified roots, `*_PROXY`), and a developer's local proxy does not need an event loop to
//! hold its connections. What it costs is measured in `make bench` (latency added per
//! request) and in the tests (512 MiB each way with bounded memory).

mod forward;
mod guard;
mod route;
mod state;

use crate::{CmdResult, Failure};
use forward::{Answer, Incoming};
use guard::Policy;
use route::{NoRoute, Overrides, Upstream};
use state::{Config, State};
use std::io::Read;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(clap::Args)]
pub struct Args {
    /// The upstream of this listener, e.g. https://us.conversation.api.sinch.com: paths pass
    /// through unchanged. Without it, requests say the host: /numbers.api.sinch.com/v1/…, an
    /// absolute URL (curl -x), or a Sinch Host header.
    #[arg(long)]
    upstream: Option<String>,
    /// More listeners, each PORT=UPSTREAM (same rules as --upstream).
    #[arg(long = "listen", value_name = "PORT=UPSTREAM")]
    listen: Vec<String>,
    /// The product whose auth a loopback --upstream takes (a Sinch host says it itself).
    #[arg(long)]
    product: Option<String>,
    /// Port on the bind address (0: any free port, printed).
    #[arg(long, default_value_t = 8787)]
    port: u16,
    /// Bind address; anything but loopback needs --allow-remote and --token-file.
    #[arg(long, default_value = "127.0.0.1")]
    address: String,
    /// Listen on a Unix socket (created 0600) instead of TCP.
    #[arg(long)]
    unix_socket: Option<PathBuf>,
    /// Allow a non-loopback bind address (with --token-file).
    #[arg(long)]
    allow_remote: bool,
    /// Require a proxy token: read from this file, or created there (256 random bits, 0600).
    #[arg(long)]
    token_file: Option<PathBuf>,
    /// Let requests carrying this Origin in (repeatable). By default any Origin is refused.
    #[arg(long)]
    allow_origin: Vec<String>,
    /// Do not require the X-Sinch-Proxy: 1 header (only where no browser can reach the proxy).
    #[arg(long)]
    no_guard_header: bool,
    /// Largest body of an application-signed request (buffered to be signed).
    #[arg(long, default_value_t = 1024 * 1024)]
    max_signed_body: usize,
    /// Send a Sinch host's requests to another origin instead, HOST=URL (a local mock; http://
    /// only on loopback). Repeatable.
    #[arg(long = "override-host", value_name = "HOST=URL")]
    override_host: Vec<String>,
    /// Share tokens with other processes through Redis (or SINCH_AUTH_SHARED_CACHE).
    #[arg(long)]
    shared_cache: Option<String>,
    /// No access log.
    #[arg(long)]
    quiet: bool,
    /// Seconds to let requests in flight finish on shutdown.
    #[arg(long, default_value_t = 10)]
    drain_seconds: u64,
    /// Stop when standard input closes (for test fixtures).
    #[arg(long)]
    exit_on_stdin_close: bool,
    /// Sign with this x-timestamp instead of now (replaying signing vectors in tests).
    #[arg(long, hide = true)]
    fixed_timestamp: Option<String>,
}

/// One listener's upstream (`None`: the request says where).
struct Listener {
    server: tiny_http::Server,
    fixed: Option<Upstream>,
    shown: String,
}

pub fn run(a: Args) -> CmdResult {
    let overrides = Overrides::parse(&a.override_host).map_err(Failure::usage)?;
    let token = match &a.token_file {
        Some(path) => Some(proxy_token(path)?),
        None => None,
    };
    let loopback = route::is_loopback(route::host_of(&a.address))
        || a.address == "127.0.0.1"
        || a.address == "::1";
    if !loopback && a.unix_socket.is_none() {
        if !a.allow_remote || token.is_none() {
            return Err(Failure::usage(format!(
                "refusing to listen on {}: a non-loopback address needs --allow-remote and --token-file (anyone who reaches it could use your credentials)",
                a.address
            )));
        }
        eprintln!(
            "warning: listening on {} (not loopback): every client needs the proxy token",
            a.address
        );
    }
    let policy = Policy {
        token,
        allow_origins: a.allow_origin.clone(),
        require_guard_header: !a.no_guard_header,
    };
    let state = Arc::new(State::new(Config {
        max_signed_body: a.max_signed_body,
        fixed_timestamp: a.fixed_timestamp.clone(),
        shared_cache: a.shared_cache.clone(),
        access_log: !a.quiet,
    }));
    let mut listeners = Vec::new();
    let first = match &a.upstream {
        Some(u) => Some(fixed_upstream(u, a.product.as_deref(), &overrides)?),
        None => None,
    };
    listeners.push(bind(&a, a.port, first)?);
    for l in &a.listen {
        let (port, upstream) = l
            .split_once('=')
            .ok_or_else(|| Failure::usage(format!("--listen takes PORT=UPSTREAM, not {l:?}")))?;
        let port: u16 = port
            .parse()
            .map_err(|_| Failure::usage(format!("--listen {l:?}: {port:?} is not a port")))?;
        let up = fixed_upstream(upstream, a.product.as_deref(), &overrides)?;
        listeners.push(bind(&a, port, Some(up))?);
    }
    // A closed stdout (a test fixture that read the first line) must not stop the proxy.
    use std::io::Write;
    let mut out = std::io::stdout();
    for l in &listeners {
        let _ = writeln!(out, "sinch-auth proxy on {}", l.shown);
    }
    let _ = out.flush();

    let stop = Arc::new(AtomicBool::new(false));
    #[cfg(unix)]
    for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(sig, stop.clone())
            .map_err(|e| Failure::failed(format!("cannot handle signals: {e}")))?;
    }
    if a.exit_on_stdin_close {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let _ = std::io::copy(&mut std::io::stdin(), &mut std::io::sink());
            stop.store(true, Ordering::SeqCst);
        });
    }
    let listeners: Vec<Arc<Listener>> = listeners.into_iter().map(Arc::new).collect();
    let mut accept = Vec::new();
    for l in &listeners {
        let (l, state, policy, overrides) =
            (l.clone(), state.clone(), policy.clone(), overrides.clone());
        accept.push(std::thread::spawn(move || {
            for request in l.server.incoming_requests() {
                let (l, state, policy, overrides) =
                    (l.clone(), state.clone(), policy.clone(), overrides.clone());
                state.in_flight.fetch_add(1, Ordering::SeqCst);
                let spawned = std::thread::Builder::new()
                    .name("sinch-auth-proxy".into())
                    .spawn(move || {
                        handle(&state, &policy, &overrides, l.fixed.as_ref(), request);
                        state.in_flight.fetch_sub(1, Ordering::SeqCst);
                    });
                if spawned.is_err() {
                    // Out of threads: the request was moved into the failed closure and
                    // dropped (the client sees the connection close).
                }
            }
        }));
    }
    while !stop.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(50));
    }
    // Graceful: stop accepting, let what is in flight finish (up to --drain-seconds).
    for l in &listeners {
        l.server.unblock();
    }
    let deadline = Instant::now() + Duration::from_secs(a.drain_seconds);
    while state.in_flight.load(Ordering::SeqCst) > 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    if let Some(path) = &a.unix_socket {
        let _ = std::fs::remove_file(path);
    }
    let left = state.in_flight.load(Ordering::SeqCst);
    if left > 0 {
        eprintln!(
            "proxy: stopped with {left} request(s) still in flight after {} s",
            a.drain_seconds
        );
    }
    Ok(())
}

/// `--upstream`: a Sinch host (its product from the table, through an override if any), or
/// a loopback origin with `--product`.
fn fixed_upstream(
    url: &str,
    product: Option<&str>,
    overrides: &Overrides,
) -> Result<Upstream, Failure> {
    route::check_origin(url).map_err(Failure::usage)?;
    let url = url.trim_end_matches('/');
    let authority = url.split_once("://").map_or("", |(_, r)| r);
    let host = route::host_of(authority);
    if let Ok(up) = route::sinch_upstream(host, overrides) {
        return Ok(
            if url.starts_with("https://") && authority.eq_ignore_ascii_case(host) {
                up
            } else {
                Upstream {
                    origin: url.to_owned(),
                    ..up
                }
            },
        );
    }
    if !route::is_loopback(host) {
        return Err(Failure::usage(format!(
            "{url} is not a Sinch host of the product table (`sinch-auth which PRODUCT` lists them)"
        )));
    }
    let product: sinch_auth::Product = product
        .ok_or_else(|| {
            Failure::usage(format!(
                "{url} is a loopback upstream: say whose auth it takes with --product (numbers, voice, sms, …)"
            ))
        })?
        .parse()?;
    Ok(Upstream {
        origin: url.to_owned(),
        sinch_host: host.to_owned(),
        product,
        model: product.auth_model(),
    })
}

fn bind(a: &Args, port: u16, fixed: Option<Upstream>) -> Result<Listener, Failure> {
    let cannot = |what: String, e: &dyn std::fmt::Display| {
        Failure::failed(format!("cannot listen on {what}: {e}"))
    };
    #[cfg(unix)]
    if let Some(path) = &a.unix_socket {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::remove_file(path);
        let server = tiny_http::Server::http_unix(path)
            .map_err(|e| cannot(path.display().to_string(), &e))?;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
            .map_err(|e| cannot(path.display().to_string(), &e))?;
        return Ok(Listener {
            server,
            fixed,
            shown: format!("unix:{}", path.display()),
        });
    }
    let addr = if a.address.contains(':') {
        format!("[{}]:{port}", a.address.trim_matches(['[', ']']))
    } else {
        format!("{}:{port}", a.address)
    };
    let server = tiny_http::Server::http(&addr).map_err(|e| cannot(addr.clone(), &e))?;
    let bound = server
        .server_addr()
        .to_ip()
        .map_or(addr.clone(), |s| s.to_string());
    let shown = match &fixed {
        Some(up) => format!("http://{bound} -> {}", up.origin),
        None => format!("http://{bound}"),
    };
    Ok(Listener {
        server,
        fixed,
        shown,
    })
}

/// The token in `path`, or a new one written there (0600).
fn proxy_token(path: &std::path::Path) -> Result<String, Failure> {
    if let Ok(text) = std::fs::read_to_string(path) {
        let t = text.trim().to_owned();
        if t.len() < 32 {
            return Err(Failure::usage(format!(
                "{}: a proxy token must be at least 32 characters",
                path.display()
            )));
        }
        return Ok(t);
    }
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| Failure::failed(format!("no randomness for a proxy token: {e}")))?;
    let token = hex::encode(bytes);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    use std::io::Write;
    options
        .open(path)
        .and_then(|mut f| f.write_all(token.as_bytes()))
        .map_err(|e| {
            Failure::failed(format!(
                "cannot write the proxy token to {}: {e}",
                path.display()
            ))
        })?;
    eprintln!("proxy: a new proxy token is in {}", path.display());
    Ok(token)
}

/// One request, start to answer.
fn handle(
    state: &Arc<State>,
    policy: &Policy,
    overrides: &Overrides,
    fixed: Option<&Upstream>,
    mut request: tiny_http::Request,
) {
    let started = Instant::now();
    let method = request.method().as_str().to_owned();
    let target = request.url().to_owned();
    let headers: Vec<(String, String)> = request
        .headers()
        .iter()
        .map(|h| {
            (
                h.field.as_str().as_str().to_ascii_lowercase(),
                h.value.as_str().to_owned(),
            )
        })
        .collect();
    let header = |n: &str| {
        headers
            .iter()
            .find(|(k, _)| k == n)
            .map(|(_, v)| v.as_str())
    };
    // What the access log names: the upstream host and path once routed, else what came in.
    let mut logged = (
        header("host").unwrap_or("").to_owned(),
        route::without_userinfo(&target),
    );

    let answer = (|| -> Answer {
        if method.eq_ignore_ascii_case("CONNECT") {
            return Answer::problem(
                405,
                "connect-not-supported",
                "CONNECT (https:// through the proxy) is not supported: send http://HOST/… through it (curl -x http://127.0.0.1:8787 http://numbers.api.sinch.com/…), the proxy speaks HTTPS upstream",
            );
        }
        // The reserved GET paths have no side effect and no secret: no guard header needed
        // (a health probe), the Host, Origin and token checks still apply.
        let reserved = target
            .strip_prefix("/.sinch-auth/")
            .filter(|_| method == "GET");
        let admin_policy = Policy {
            require_guard_header: false,
            ..policy.clone()
        };
        let checked = if reserved.is_some() {
            &admin_policy
        } else {
            policy
        };
        if let Err(r) = guard::check(checked, header) {
            state.count(r.counter);
            return Answer::problem(r.status, r.counter, &r.message);
        }
        if let Some(reserved) = reserved {
            return admin(state, reserved);
        }
        let (up, path) = match route::route(&target, fixed, overrides) {
            Ok(r) => r,
            Err(NoRoute::Forbidden(h)) => {
                state.count("rejected_upstream");
                return Answer::problem(
                    403,
                    "host-not-allowed",
                    &format!(
                        "{:?} is not a Sinch host of the product table: the proxy sends credentials only there",
                        h.chars().take(80).collect::<String>()
                    ),
                );
            }
            Err(NoRoute::Unknown) => {
                return Answer::problem(
                    404,
                    "no-upstream",
                    "this listener has no --upstream: put the Sinch host first in the path (/numbers.api.sinch.com/v1/…) or use the proxy as a forward proxy (curl -x)",
                )
            }
        };
        logged = (up.sinch_host.clone(), path.clone());
        let length = request.body_length();
        let chunked =
            header("transfer-encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
        let body: &mut dyn Read = request.as_reader();
        forward::forward(
            state,
            &up,
            Incoming {
                method: method.clone(),
                path,
                headers: headers.clone(),
                length,
                chunked,
                body,
            },
        )
    })();

    let status = answer.status;
    let length = answer.length;
    let mut response = tiny_http::Response::new(
        tiny_http::StatusCode(status),
        Vec::new(),
        answer.body,
        length,
        None,
    )
    // Keep the upstream's Content-Length whatever its size (tiny_http chunks above 32 KiB).
    .with_chunked_threshold(usize::MAX);
    for (n, v) in &answer.headers {
        if let Ok(h) = tiny_http::Header::from_bytes(n.as_bytes(), v.as_slice()) {
            response.add_header(h);
        }
    }
    let _ = request.respond(response);
    state.access_log(
        &method,
        &logged.0,
        &logged.1,
        status,
        length,
        started.elapsed(),
    );
}

/// `/.sinch-auth/health` (the process answers), `/ready` (a credential is valid now, no
/// fetch), `/counters`.
fn admin(state: &State, what: &str) -> Answer {
    match what.split('?').next().unwrap_or("") {
        "health" => Answer::json(200, "application/json", serde_json::json!({"status": "ok"})),
        "ready" => {
            let ready = state.ready();
            Answer::json(
                if ready { 200 } else { 503 },
                "application/json",
                serde_json::json!({"ready": ready}),
            )
        }
        "counters" => Answer::json(200, "application/json", serde_json::json!(state.counters())),
        _ => Answer::problem(
            404,
            "not-found",
            "reserved: /.sinch-auth/health, /.sinch-auth/ready, /.sinch-auth/counters",
        ),
    }
}
