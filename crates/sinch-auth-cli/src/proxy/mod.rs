//! `sinch-auth proxy`: a local HTTP proxy that adds Sinch auth to any tool's requests.
//!
//! The caller's side is a small HTTP/1.1 server on std sockets (`http1`, `serve`: why not a
//! server crate is written there), the upstream side is `ureq`; both synchronous, one thread
//! per connection. Why not hyper on a private runtime: the core's token provider and signer
//! are blocking, ureq is already the core's transport (rustls, verified roots, `*_PROXY`)
//! and streams bodies both ways (`SendBody::from_reader`, its body reader), and a
//! developer's local proxy does not need an event loop to hold its connections. What it
//! costs is measured in `make bench` (latency added per request, throughput next to a bare
//! relay) and in the tests (512 MiB each way with bounded memory).

mod forward;
mod guard;
mod http1;
mod logger;
pub mod probe;
mod read_ahead;
mod respond;
mod route;
mod serve;
mod state;

use crate::{CmdResult, Failure};
use forward::{Answer, Incoming};
use guard::Policy;
use http1::{BodyFraming, Head, RequestBody};
use route::{NoRoute, Overrides, Upstream};
use serve::Socket;
use state::{Config, State};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The port a proxy listens on without `--port` (where `doctor` looks for one).
pub const DEFAULT_PORT: u16 = 8787;

/// The end of `sinch-auth proxy --help`.
pub const RECIPES: &str = "\
Recipes:
  curl, the Sinch host first in the path:
    curl -H 'X-Sinch-Proxy: 1' http://127.0.0.1:8787/numbers.api.sinch.com/v1/projects/$SINCH_PROJECT_ID/activeNumbers
  curl with the proxy as a forward proxy (http:// URLs: the proxy speaks HTTPS upstream):
    curl -x http://127.0.0.1:8787 -H 'X-Sinch-Proxy: 1' http://calling.api.sinch.com/calling/v1/callouts -d @callout.json
  A tool that only takes a base URL:
    sinch-auth proxy --upstream https://us.conversation.api.sinch.com --port 8788
  Postman: on the collection, Authorization \"No Auth\", a header X-Sinch-Proxy: 1 and a
  variable baseUrl = http://127.0.0.1:8787/numbers.api.sinch.com; requests to
  {{baseUrl}}/v1/projects/{{projectId}}/activeNumbers. (Or Settings > Proxy > custom proxy
  127.0.0.1:8787 for HTTP, with http:// request URLs.)
  Running, ready, refusing requests?  sinch-auth doctor --proxy http://127.0.0.1:8787";

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
    #[arg(long, default_value_t = DEFAULT_PORT)]
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
    /// No access log; only warnings (a token refresh failing, the shared cache down).
    #[arg(long, conflicts_with = "verbose")]
    quiet: bool,
    /// Also each request's route and credential kind, and every token event (requests
    /// started, shared-cache hits). Never a secret, token, signature or body.
    #[arg(long, short = 'v')]
    verbose: bool,
    /// Seconds to let requests in flight finish on shutdown.
    #[arg(long, default_value_t = 10)]
    drain_seconds: u64,
    /// Most caller connections open at once (each is a thread); more are answered 503.
    #[arg(long, default_value_t = 512, value_parser = clap::value_parser!(u64).range(1..))]
    max_connections: u64,
    /// Stop when standard input closes (for test fixtures).
    #[arg(long)]
    exit_on_stdin_close: bool,
    /// Sign with this x-timestamp instead of now (replaying signing vectors in tests).
    #[arg(long, hide = true)]
    fixed_timestamp: Option<String>,
}

/// One listener's upstream (`None`: the request says where).
struct Listener {
    socket: Socket,
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
        token: token.map(sinch_auth::Secret::new),
        allow_origins: a.allow_origin.clone(),
        require_guard_header: !a.no_guard_header,
    };
    logger::install(if a.quiet {
        log::LevelFilter::Warn
    } else if a.verbose {
        log::LevelFilter::Debug
    } else {
        log::LevelFilter::Info
    });
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
    let shared = Arc::new(Shared {
        state: state.clone(),
        admin_policy: Policy {
            require_guard_header: false,
            ..policy.clone()
        },
        policy,
        overrides,
    });
    let max_connections = a.max_connections;
    for l in &listeners {
        let (l, shared, stop) = (l.clone(), shared.clone(), stop.clone());
        std::thread::spawn(move || loop {
            let conn = l.socket.accept();
            if stop.load(Ordering::SeqCst) {
                return;
            }
            let Ok(conn) = conn else {
                // Out of file descriptors, a connection reset before accept: go on.
                std::thread::sleep(Duration::from_millis(10));
                continue;
            };
            let Some(open) = OpenConnection::take(&shared.state, max_connections) else {
                turn_away(&shared.state, conn, max_connections);
                continue;
            };
            let proxy = Proxy {
                shared: shared.clone(),
                listener: l.clone(),
            };
            let stop = stop.clone();
            // Out of threads: the connection is dropped (the caller sees it close), and with
            // the closure, `open`.
            let _ = std::thread::Builder::new()
                .name("sinch-auth-proxy".into())
                .spawn(move || {
                    let _open = open;
                    serve::connection(conn, &proxy, &|| stop.load(Ordering::SeqCst));
                });
        });
    }
    while !stop.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(50));
    }
    // Graceful: stop accepting, let what is in flight finish (up to --drain-seconds).
    for l in &listeners {
        l.socket.wake();
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
        let socket = match bind_unix_0600(path) {
            Ok(s) => s,
            // A directory the proxy cannot create in, or a path at the length limit: bind in
            // place, then narrow the mode.
            Err(_) => std::os::unix::net::UnixListener::bind(path)
                .map_err(|e| cannot(path.display().to_string(), &e))?,
        };
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
            .map_err(|e| cannot(path.display().to_string(), &e))?;
        return Ok(Listener {
            socket: Socket::Unix(socket, path.clone()),
            fixed,
            shown: format!("unix:{}", path.display()),
        });
    }
    let addr = if a.address.contains(':') {
        format!("[{}]:{port}", a.address.trim_matches(['[', ']']))
    } else {
        format!("{}:{port}", a.address)
    };
    let socket =
        Socket::Tcp(std::net::TcpListener::bind(&addr).map_err(|e| cannot(addr.clone(), &e))?);
    let bound = socket.tcp_addr().map_or(addr.clone(), |s| s.to_string());
    let shown = match &fixed {
        Some(up) => format!("http://{bound} -> {}", up.origin),
        None => format!("http://{bound}"),
    };
    Ok(Listener {
        socket,
        fixed,
        shown,
    })
}

/// A Unix socket at `path` that is 0600 from the start: made in a new directory only the owner
/// can enter, set 0600 there, then renamed into place (bind-then-chmod leaves a moment in
/// which the umask's mode lets other local users connect).
#[cfg(unix)]
fn bind_unix_0600(path: &std::path::Path) -> std::io::Result<std::os::unix::net::UnixListener> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let mut random = [0u8; 4];
    getrandom::fill(&mut random).map_err(std::io::Error::other)?;
    // Short: a socket path has a length limit (108 bytes on Linux).
    let private = parent.join(format!(".sa{}", hex::encode(random)));
    std::fs::DirBuilder::new().mode(0o700).create(&private)?;
    let inner = private.join("s");
    let bound = std::os::unix::net::UnixListener::bind(&inner).and_then(|l| {
        std::fs::set_permissions(&inner, std::fs::Permissions::from_mode(0o600))?;
        std::fs::rename(&inner, path)?;
        Ok(l)
    });
    let _ = std::fs::remove_file(&inner);
    let _ = std::fs::remove_dir(&private);
    bound
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

/// One of the `--max-connections` places, held by a connection's thread while it lives.
struct OpenConnection(Arc<State>);

impl OpenConnection {
    fn take(state: &Arc<State>, max: u64) -> Option<OpenConnection> {
        state
            .open_connections
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n < max).then_some(n + 1)
            })
            .ok()
            .map(|_| OpenConnection(state.clone()))
    }
}

impl Drop for OpenConnection {
    fn drop(&mut self) {
        self.0.open_connections.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A connection over `--max-connections`: a 503 on the accepting thread, then closed.
fn turn_away(state: &State, conn: http1::Conn, max: u64) {
    state.count("connections_refused");
    let mut answer = Answer::problem(
        503,
        "too-many-connections",
        &format!("the proxy already has {max} connections open (--max-connections): close idle ones or retry"),
    );
    answer
        .headers
        .push(("Retry-After".to_owned(), b"1".to_vec()));
    state.access_log(
        "-",
        "-",
        "-",
        503,
        answer.length.map(|n| n as u64),
        Duration::ZERO,
    );
    serve::turn_away(conn, answer);
}

/// What every connection shares, made once.
struct Shared {
    state: Arc<State>,
    policy: Policy,
    /// The policy of the reserved admin paths: no guard header needed.
    admin_policy: Policy,
    overrides: Overrides,
}

/// What one connection's requests share.
struct Proxy {
    shared: Arc<Shared>,
    listener: Arc<Listener>,
}

/// What the access log says of a request: method, host, path, when it started.
struct Logged {
    method: String,
    host: String,
    path: String,
    started: Instant,
}

impl serve::Handler for Proxy {
    type Note = Logged;

    fn handle(&self, head: &Head, body: &mut RequestBody<'_>) -> (Answer, Logged) {
        self.shared.state.in_flight.fetch_add(1, Ordering::SeqCst);
        let mut logged = Logged {
            method: head.method.clone(),
            // The upstream host and path once routed, else what came in.
            host: head.header("host").unwrap_or("").to_owned(),
            path: route::without_userinfo(&head.target),
            started: Instant::now(),
        };
        let answer = self.answer(head, body, &mut logged);
        (answer, logged)
    }

    fn answered(&self, l: Logged, status: u16, sent: Option<u64>) {
        if sent.is_none() {
            self.shared.state.count("answers_cut_short");
        }
        self.shared.state.access_log(
            &l.method,
            &l.host,
            &l.path,
            status,
            sent,
            l.started.elapsed(),
        );
        self.shared.state.in_flight.fetch_sub(1, Ordering::SeqCst);
    }

    fn refused(&self, status: u16, length: Option<u64>) {
        self.shared.state.count("bad_requests");
        self.shared
            .state
            .access_log("-", "-", "-", status, length, Duration::ZERO);
    }
}

impl Proxy {
    fn answer(&self, head: &Head, body: &mut RequestBody<'_>, logged: &mut Logged) -> Answer {
        let Shared {
            state,
            policy,
            admin_policy,
            overrides,
        } = &*self.shared;
        let (method, target) = (head.method.as_str(), head.target.as_str());
        let header = |n: &str| head.header(n);
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
        let checked = if reserved.is_some() {
            admin_policy
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
        let (up, path) = match route::route(target, self.listener.fixed.as_ref(), overrides) {
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
        logged.host.clone_from(&up.sinch_host);
        logged.path.clone_from(&path);
        let (length, chunked) = match head.framing {
            BodyFraming::Length(n) if header("content-length").is_some() => {
                (Some(usize::try_from(n).unwrap_or(usize::MAX)), false)
            }
            BodyFraming::Length(_) => (None, false),
            BodyFraming::Chunked => (None, true),
        };
        forward::forward(
            state,
            &up,
            Incoming {
                method: &head.method,
                path,
                headers: &head.headers,
                length,
                chunked,
                body,
            },
        )
    }
}

/// `/.sinch-auth/health` (the process answers), `/ready` (a credential is valid now, no
/// fetch), `/counters`.
fn admin(state: &State, what: &str) -> Answer {
    match what.split('?').next().unwrap_or("") {
        // Names the service, so `doctor` can tell this proxy from anything else on the port.
        "health" => Answer::json(
            200,
            "application/json",
            serde_json::json!({
                "status": "ok",
                "service": probe::SERVICE,
                "version": env!("CARGO_PKG_VERSION"),
            }),
        ),
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
