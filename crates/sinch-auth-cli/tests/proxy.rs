//! `sinch-auth proxy`, as a process, against real servers on loopback: the local Sinch
//! server (whose own verifiers accept or refuse what the proxy sends) and canary upstreams
//! that record every connection and byte they get.

use sinch_auth_server::{Fault, LocalServer, RedisProcess, ServerConfig};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

struct Proxy {
    child: Child,
    port: u16,
    stderr: Arc<Mutex<String>>,
}

impl Proxy {
    fn start(args: &[&str], env: &[(String, String)]) -> Proxy {
        let mut c = Command::new(assert_cmd::cargo::cargo_bin("sinch-auth"));
        c.env_clear()
            .args(["proxy", "--port", "0", "--exit-on-stdin-close"])
            .args(args)
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = c.spawn().unwrap();
        let mut line = String::new();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        out.read_line(&mut line).unwrap();
        std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
        let port = line
            .split("127.0.0.1:")
            .nth(1)
            .and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next())
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no port in {line:?}"));
        let stderr = Arc::new(Mutex::new(String::new()));
        let (sink, mut err) = (stderr.clone(), child.stderr.take().unwrap());
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        Proxy {
            child,
            port,
            stderr,
        }
    }

    /// Closes stdin (graceful stop) and waits for the exit.
    fn stop(mut self) -> String {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
        std::thread::sleep(Duration::from_millis(50));
        let text = self.stderr.lock().unwrap().clone();
        text
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Reads one HTTP response (Content-Length, chunked, or to close).
fn read_reply(stream: impl Read) -> Reply {
    let mut r = BufReader::new(stream);
    let mut line = String::new();
    r.read_line(&mut line).unwrap();
    let status = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        r.read_line(&mut h).unwrap();
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (n, v) = h.split_once(':').unwrap();
        headers.push((n.to_owned(), v.trim().to_owned()));
    }
    let get = |n: &str| {
        headers
            .iter()
            .find(|(k, _): &&(String, String)| k.eq_ignore_ascii_case(n))
            .map(|(_, v)| v.clone())
    };
    let mut body = Vec::new();
    if let Some(n) = get("content-length") {
        body.resize(n.parse().unwrap(), 0);
        r.read_exact(&mut body).unwrap();
    } else if get("transfer-encoding").is_some_and(|t| t.contains("chunked")) {
        loop {
            let mut size = String::new();
            r.read_line(&mut size).unwrap();
            let n = usize::from_str_radix(size.trim(), 16).unwrap();
            let mut chunk = vec![0; n + 2];
            r.read_exact(&mut chunk).unwrap();
            body.extend_from_slice(&chunk[..n]);
            if n == 0 {
                break;
            }
        }
    } else {
        let _ = r.read_to_end(&mut body);
    }
    Reply {
        status,
        headers,
        body,
    }
}

/// Sends `head` (request line and headers, without the blank line) and `body` to the proxy.
fn send(port: u16, head: &str, body: &[u8]) -> Reply {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut req = head.replace('\n', "\r\n");
    if !body.is_empty() && !head.to_ascii_lowercase().contains("content-length") {
        req.push_str(&format!("\r\nContent-Length: {}", body.len()));
    }
    req.push_str("\r\nConnection: close\r\n\r\n");
    s.write_all(req.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    read_reply(s)
}

/// The headers a well-behaved client adds.
fn guarded(port: u16) -> String {
    format!("Host: 127.0.0.1:{port}\nX-Sinch-Proxy: 1")
}

/// Environment for the proxy: the local server's credentials and token URL.
fn env_for(server: &LocalServer) -> Vec<(String, String)> {
    server
        .env_vars()
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .filter(|(k, _)| k != "SINCH_API_BASE_URL")
        .collect()
}

/// The local server standing in for the Sinch hosts the tests use.
fn overrides(server: &LocalServer) -> Vec<String> {
    let mut a = Vec::new();
    for host in ["numbers.api.sinch.com", "calling.api.sinch.com"] {
        a.push("--override-host".to_owned());
        a.push(format!("{host}={}", server.url()));
    }
    a
}

/// A canary upstream: counts connections and bytes, records requests, answers `answer`.
struct Canary {
    port: u16,
    connections: Arc<AtomicU64>,
    bytes: Arc<AtomicU64>,
    requests: Arc<Mutex<Vec<String>>>,
}

fn canary(answer: &'static str) -> Canary {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (connections, bytes, requests) = (
        Arc::new(AtomicU64::new(0)),
        Arc::new(AtomicU64::new(0)),
        Arc::new(Mutex::new(Vec::new())),
    );
    let (c, b, r) = (connections.clone(), bytes.clone(), requests.clone());
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            c.fetch_add(1, Ordering::SeqCst);
            let (b, r) = (b.clone(), r.clone());
            std::thread::spawn(move || {
                stream
                    .set_read_timeout(Some(Duration::from_millis(300)))
                    .unwrap();
                let mut got = Vec::new();
                let mut buf = [0u8; 8192];
                // Read the head and a Content-Length body.
                loop {
                    match stream.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => got.extend_from_slice(&buf[..n]),
                    }
                    let text = String::from_utf8_lossy(&got).to_string();
                    if let Some(end) = text.find("\r\n\r\n") {
                        let len = text[..end]
                            .lines()
                            .find_map(|l| {
                                let (k, v) = l.split_once(':')?;
                                k.eq_ignore_ascii_case("content-length")
                                    .then(|| v.trim().parse::<usize>().ok())?
                            })
                            .unwrap_or(0);
                        if got.len() >= end + 4 + len {
                            break;
                        }
                    }
                }
                b.fetch_add(got.len() as u64, Ordering::SeqCst);
                r.lock()
                    .unwrap()
                    .push(String::from_utf8_lossy(&got).into_owned());
                let _ = stream.write_all(answer.as_bytes());
            });
        }
    });
    Canary {
        port,
        connections,
        bytes,
        requests,
    }
}

const OK_EMPTY: &str = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}";

#[test]
fn bearer_and_signed_requests_reach_the_local_server_and_pass_its_checks() {
    let server = LocalServer::start_default().unwrap();
    let k = server.keys();
    let proxy = Proxy::start(
        &overrides(&server)
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
        &env_for(&server),
    );
    let p = proxy.port;
    let path = format!("/v1/projects/{}/activeNumbers", k.project_id);
    // Host-prefixed, a caller's own Authorization replaced.
    let r = send(
        p,
        &format!(
            "GET /numbers.api.sinch.com{path} HTTP/1.1\n{}\nAuthorization: Bearer caller-junk",
            guarded(p)
        ),
        b"",
    );
    assert_eq!(r.status, 200, "{}", r.text());
    // Absolute form, as `curl -x` sends it.
    let r = send(
        p,
        &format!(
            "GET http://numbers.api.sinch.com{path} HTTP/1.1\n{}",
            guarded(p)
        ),
        b"",
    );
    assert_eq!(r.status, 200, "{}", r.text());
    // A Sinch Host header (aws-sigv4-proxy style).
    let r = send(
        p,
        &format!("GET /numbers.api.sinch.com{path} HTTP/1.1\nHost: numbers.api.sinch.com\nX-Sinch-Proxy: 1"),
        b"",
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let c = server.counters();
    assert_eq!((c.api_ok, c.token_requests), (3, 1));

    // Application-signed: the body buffered, signed, the Content-Type sent as signed.
    let body = br#"{"method":"ttsCallout","ttsCallout":{"destination":{"type":"number","endpoint":"+12025550123"}}}"#;
    for ct in ["application/json", "application/json; charset=UTF-8"] {
        let r = send(
            p,
            &format!(
                "POST /calling.api.sinch.com/calling/v1/callouts HTTP/1.1\n{}\nContent-Type: {ct}",
                guarded(p)
            ),
            body,
        );
        assert_eq!(r.status, 200, "{ct}: {}", r.text());
    }
    // Chunked, and over the limit: 413 before anything goes upstream.
    let big = vec![b'x'; 1024 * 1024 + 1];
    let r = send(
        p,
        &format!("POST /calling.api.sinch.com/calling/v1/callouts HTTP/1.1\n{}\nContent-Type: application/json", guarded(p)),
        &big,
    );
    assert_eq!(r.status, 413);
    assert_eq!(r.header("content-type"), Some("application/problem+json"));
    let c = server.counters();
    assert_eq!((c.signed_ok, c.signed_requests), (2, 2));
    let counters = send(
        p,
        &format!("GET /.sinch-auth/counters HTTP/1.1\nHost: 127.0.0.1:{p}"),
        b"",
    );
    let v: serde_json::Value = serde_json::from_slice(&counters.body).unwrap();
    assert_eq!(
        (v["signed"].as_u64(), v["too_large"].as_u64()),
        (Some(2), Some(1))
    );
    // Nothing secret in the access log.
    let log = proxy.stop();
    assert!(
        log.contains(&format!(
            "proxy: GET numbers.api.sinch.com /v1/projects/{}/activeNumbers 200",
            k.project_id
        )),
        "{log}"
    );
    assert!(
        log.contains("proxy: POST calling.api.sinch.com /calling/v1/callouts 413"),
        "{log}"
    );
    for secret in [
        k.key_secret.as_str(),
        k.app_secret.as_str(),
        "Bearer ",
        "Application ",
    ] {
        assert!(!log.contains(secret), "{secret} in {log}");
    }
}

#[test]
fn signing_vectors_are_reproduced_byte_for_byte() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/vectors/application_signing.json"
    ))
    .unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    for case in v["cases"].as_array().unwrap() {
        let id = case["id"].as_str().unwrap();
        let canary = canary(OK_EMPTY);
        let env = vec![
            (
                "SINCH_APP_KEY".to_owned(),
                case["app_key"].as_str().unwrap().to_owned(),
            ),
            (
                "SINCH_APP_SECRET".to_owned(),
                case["app_secret"].as_str().unwrap().to_owned(),
            ),
        ];
        let upstream = format!("http://127.0.0.1:{}", canary.port);
        let proxy = Proxy::start(
            &[
                "--upstream",
                &upstream,
                "--product",
                "voice",
                "--fixed-timestamp",
                case["timestamp"].as_str().unwrap(),
            ],
            &env,
        );
        let p = proxy.port;
        // HTTP methods go upper-case on the wire; the signature covers the upper-cased one.
        let method = case["method"].as_str().unwrap().to_ascii_uppercase();
        let ct = case["content_type"].as_str().unwrap();
        let body = case["body"].as_str().unwrap().as_bytes();
        let head = format!(
            "{method} {} HTTP/1.1\n{}\nContent-Type: {ct}",
            case["path"].as_str().unwrap(),
            guarded(p)
        );
        let head = if body.is_empty() {
            format!("{head}\nContent-Length: 0")
        } else {
            head
        };
        let r = send(p, &head, body);
        assert_eq!(r.status, 200, "{id}: {}", r.text());
        let seen = canary.requests.lock().unwrap().join("");
        let expected = case["expected"]["authorization"].as_str().unwrap();
        assert!(
            seen.contains(&format!("authorization: {expected}\r\n")),
            "{id}: {seen}"
        );
        assert!(
            seen.contains(&format!(
                "x-timestamp: {}\r\n",
                case["timestamp"].as_str().unwrap()
            )),
            "{id}"
        );
        assert!(
            seen.contains(&format!("content-type: {ct}\r\n")),
            "{id}: {seen}"
        );
    }
}

#[test]
fn hostile_requests_reach_nothing_and_fetch_no_token() {
    let server = LocalServer::start_default().unwrap();
    let canary = canary(OK_EMPTY);
    let mut args = overrides(&server);
    args.push("--listen".into());
    args.push(format!("0=http://127.0.0.1:{}", canary.port));
    args.push("--product".into());
    args.push("numbers".into());
    let proxy = Proxy::start(
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
        &env_for(&server),
    );
    let p = proxy.port;
    let path = "/numbers.api.sinch.com/v1/projects/p/activeNumbers";
    let cases = [
        (
            format!("GET {path} HTTP/1.1\nHost: evil.test:{p}\nX-Sinch-Proxy: 1"),
            421,
        ),
        (
            format!(
                "GET {path} HTTP/1.1\n{}\nOrigin: https://evil.test",
                guarded(p)
            ),
            403,
        ),
        (format!("GET {path} HTTP/1.1\nHost: 127.0.0.1:{p}"), 412),
        (
            format!("GET /evil.test/steal HTTP/1.1\n{}", guarded(p)),
            403,
        ),
        (
            format!(
                "GET http://127.0.0.1:{}/steal HTTP/1.1\n{}",
                canary.port,
                guarded(p)
            ),
            403,
        ),
        (
            "CONNECT numbers.api.sinch.com:443 HTTP/1.1\nHost: numbers.api.sinch.com:443"
                .to_owned(),
            405,
        ),
        // A Sinch host dressed up with user info (and a password that must not be logged).
        (
            format!(
                "GET http://numbers.api.sinch.com:PW-userinfo@127.0.0.1:{}/steal HTTP/1.1\n{}",
                canary.port,
                guarded(p)
            ),
            403,
        ),
    ];
    for (head, status) in &cases {
        let r = send(p, head, b"");
        assert_eq!(r.status, *status, "{head}: {} {:?}", r.text(), r.headers);
        assert_eq!(r.header("content-type"), Some("application/problem+json"));
        assert!(r.header("access-control-allow-origin").is_none());
    }
    assert!(send(p, &cases[5].0, b"").text().contains("http://"));
    assert_eq!(canary.connections.load(Ordering::SeqCst), 0);
    assert_eq!(canary.bytes.load(Ordering::SeqCst), 0);
    let c = server.counters();
    assert_eq!((c.token_requests, c.api_requests), (0, 0));
    let log = proxy.stop();
    assert!(log.contains(" 403 "), "{log}");
    assert!(!log.contains("PW-userinfo"), "{log}");
}

#[test]
fn an_upstream_redirect_is_passed_back_not_followed() {
    let server = LocalServer::start_default().unwrap();
    let target = canary(OK_EMPTY);
    let location: &'static str = Box::leak(
        format!(
            "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:{}/steal\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            target.port
        )
        .into_boxed_str(),
    );
    let redirecting = canary(location);
    let env = env_for(&server);
    let up = format!(
        "numbers.api.sinch.com=http://127.0.0.1:{}",
        redirecting.port
    );
    let proxy = Proxy::start(&["--override-host", &up], &env);
    let r = send(
        proxy.port,
        &format!(
            "GET /numbers.api.sinch.com/v1/x HTTP/1.1\n{}",
            guarded(proxy.port)
        ),
        b"",
    );
    assert_eq!(r.status, 302);
    assert_eq!(redirecting.connections.load(Ordering::SeqCst), 1);
    assert_eq!(target.connections.load(Ordering::SeqCst), 0);
}

#[test]
fn never_an_expired_token_and_one_retry_after_an_expired_token_401() {
    let server = LocalServer::start(ServerConfig {
        token_lifetime: Duration::from_secs(2),
        ..ServerConfig::default()
    })
    .unwrap();
    let k = server.keys();
    let proxy = Proxy::start(
        &overrides(&server)
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
        &env_for(&server),
    );
    let p = proxy.port;
    let get = || {
        send(
            p,
            &format!(
                "GET /numbers.api.sinch.com/v1/projects/{}/activeNumbers HTTP/1.1\n{}",
                k.project_id,
                guarded(p)
            ),
            b"",
        )
    };
    // Started without a token; the first readiness probe starts a fetch and says not yet.
    let ready = || {
        send(
            p,
            &format!("GET /.sinch-auth/ready HTTP/1.1\nHost: 127.0.0.1:{p}"),
            b"",
        )
        .status
    };
    assert_eq!(server.counters().token_requests, 0);
    assert_eq!(ready(), 503);
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while ready() != 200 {
        assert!(std::time::Instant::now() < deadline, "never ready");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(get().status, 200);
    assert_eq!(server.counters().token_requests, 1);
    // The upstream says the token expired (it was revoked early): one new token, one retry.
    server.expire_tokens();
    assert_eq!(get().status, 200);
    assert_eq!(server.counters().token_requests, 2);
    assert_eq!(server.counters().api_expired, 1);
    // The token endpoint goes down and the token runs out: 503s, never the expired token.
    server.push_faults(Fault::Status(503), 1000);
    std::thread::sleep(Duration::from_millis(2300));
    let before = server.counters().api_requests;
    for _ in 0..3 {
        let r = get();
        assert_eq!(r.status, 503, "{}", r.text());
        assert_eq!(r.header("content-type"), Some("application/problem+json"));
        assert!(r.text().contains("auth-unavailable"), "{}", r.text());
    }
    assert_eq!(server.counters().api_requests, before);
    assert_eq!(server.counters().api_expired, 1);
}

#[test]
fn bodies_stream_both_ways_with_bounded_memory() {
    const SIZE: u64 = 512 * 1024 * 1024;
    let server = LocalServer::start_default().unwrap();
    // An upstream that sends SIZE bytes down and reads whatever comes up, counting it.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let received = Arc::new(AtomicU64::new(0));
    let got = received.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let got = got.clone();
            std::thread::spawn(move || {
                let mut r = BufReader::new(stream.try_clone().unwrap());
                let mut head = String::new();
                let mut length = 0u64;
                let mut chunked = false;
                loop {
                    let mut l = String::new();
                    if r.read_line(&mut l).unwrap_or(0) == 0 {
                        return;
                    }
                    let lower = l.to_ascii_lowercase();
                    if let Some(v) = lower.strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap();
                    }
                    chunked |= lower.starts_with("transfer-encoding:") && lower.contains("chunked");
                    head.push_str(&l);
                    if l == "\r\n" {
                        break;
                    }
                }
                let mut w = stream;
                if head.starts_with("GET") {
                    write!(w, "HTTP/1.1 200 OK\r\nContent-Length: {SIZE}\r\n\r\n").unwrap();
                    let block = vec![7u8; 64 * 1024];
                    let mut left = SIZE;
                    while left > 0 {
                        let n = left.min(block.len() as u64) as usize;
                        if w.write_all(&block[..n]).is_err() {
                            return;
                        }
                        left -= n as u64;
                    }
                } else {
                    assert!(!chunked);
                    let n =
                        std::io::copy(&mut (&mut r).take(length), &mut std::io::sink()).unwrap();
                    got.fetch_add(n, Ordering::SeqCst);
                    let _ = w.write_all(b"HTTP/1.1 204 No Content\r\n\r\n");
                }
            });
        }
    });
    let up = format!("numbers.api.sinch.com=http://127.0.0.1:{port}");
    let proxy = Proxy::start(&["--override-host", &up, "--quiet"], &env_for(&server));
    let p = proxy.port;
    let rss = |pid: u32| -> u64 {
        let s = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        s.lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
            .unwrap_or(0)
    };
    let pid = proxy.child.id();
    // Warm: one small request (token fetched, threads made).
    let _ = send(
        p,
        &format!(
            "GET /numbers.api.sinch.com/v1/small HTTP/1.1\n{}\nRange: bytes=0-0",
            guarded(p)
        ),
        b"",
    );
    let before = rss(pid);
    // Down: read it all, counting.
    let mut s = TcpStream::connect(("127.0.0.1", p)).unwrap();
    write!(
        s,
        "GET /numbers.api.sinch.com/v1/download HTTP/1.1\r\n{}\r\nConnection: close\r\n\r\n",
        guarded(p).replace('\n', "\r\n")
    )
    .unwrap();
    let mut r = BufReader::new(s);
    let mut length = 0u64;
    loop {
        let mut l = String::new();
        r.read_line(&mut l).unwrap();
        if let Some(v) = l.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().unwrap();
        }
        if l == "\r\n" {
            break;
        }
    }
    assert_eq!(length, SIZE, "Content-Length kept");
    let down = std::io::copy(&mut r, &mut std::io::sink()).unwrap();
    assert_eq!(down, SIZE);
    // Up: SIZE bytes with a Content-Length, streamed.
    let mut s = TcpStream::connect(("127.0.0.1", p)).unwrap();
    write!(s, "POST /numbers.api.sinch.com/v1/upload HTTP/1.1\r\n{}\r\nContent-Length: {SIZE}\r\nConnection: close\r\n\r\n", guarded(p).replace('\n', "\r\n")).unwrap();
    let block = vec![9u8; 64 * 1024];
    let mut left = SIZE;
    while left > 0 {
        let n = left.min(block.len() as u64) as usize;
        s.write_all(&block[..n]).unwrap();
        left -= n as u64;
    }
    let reply = read_reply(s);
    assert_eq!(reply.status, 204);
    assert_eq!(received.load(Ordering::SeqCst), SIZE);
    let growth_kib = rss(pid).saturating_sub(before);
    assert!(
        growth_kib <= 32 * 1024,
        "proxy peak RSS grew by {growth_kib} KiB"
    );
}

#[test]
fn a_non_loopback_bind_needs_allow_remote_and_a_token() {
    let run = |args: &[&str]| {
        Command::new(assert_cmd::cargo::cargo_bin("sinch-auth"))
            .args(["proxy", "--port", "0"])
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    for args in [
        &["--address", "0.0.0.0"][..],
        &["--address", "0.0.0.0", "--allow-remote"],
    ] {
        let o = run(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&o.stderr).contains("--allow-remote and --token-file"));
    }
}

#[test]
fn unix_socket_is_0600_and_the_token_is_required() {
    let dir = std::env::temp_dir().join(format!("sinch-auth-proxy-sock-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sock = dir.join("p.sock");
    let token_file = dir.join("token");
    let mut c = Command::new(assert_cmd::cargo::cargo_bin("sinch-auth"));
    c.args([
        "proxy",
        "--exit-on-stdin-close",
        "--unix-socket",
        sock.to_str().unwrap(),
    ])
    .args(["--token-file", token_file.to_str().unwrap()])
    .stdin(Stdio::piped())
    .stdout(Stdio::piped())
    .stderr(Stdio::null());
    let mut child = c.spawn().unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(line.contains("unix:"), "{line}");
    // The token file did not exist: 256 random bits were written there, readable by the
    // owner only.
    let token = std::fs::read_to_string(&token_file).unwrap();
    assert_eq!(token.trim().len(), 64);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&token_file).unwrap().permissions().mode() & 0o777,
            0o600
        );
        use std::os::unix::net::UnixStream;
        assert_eq!(
            std::fs::metadata(&sock).unwrap().permissions().mode() & 0o777,
            0o600
        );
        let ask = |extra: &str| {
            let mut s = UnixStream::connect(&sock).unwrap();
            write!(s, "GET /.sinch-auth/health HTTP/1.1\r\nHost: localhost\r\n{extra}Connection: close\r\n\r\n").unwrap();
            read_reply(s).status
        };
        assert_eq!(ask(""), 407);
        assert_eq!(
            ask(&format!("Proxy-Authorization: Bearer {}\r\n", token.trim())),
            200
        );
        assert_eq!(
            ask(&format!("X-Sinch-Proxy-Token: {}\r\n", token.trim())),
            200
        );
    }
    drop(child.stdin.take());
    let _ = child.wait();
    assert!(!sock.exists(), "the socket is removed on exit");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn shutdown_lets_a_request_in_flight_finish() {
    let server = LocalServer::start_default().unwrap();
    // An upstream that answers after 800 ms.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for mut s in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                let _ = s.read(&mut buf);
                std::thread::sleep(Duration::from_millis(800));
                let _ = s.write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\nConnection: close\r\n\r\nslow",
                );
            });
        }
    });
    let up = format!("numbers.api.sinch.com=http://127.0.0.1:{port}");
    let proxy = Proxy::start(&["--override-host", &up], &env_for(&server));
    let p = proxy.port;
    let slow = std::thread::spawn(move || {
        send(
            p,
            &format!(
                "GET /numbers.api.sinch.com/v1/slow HTTP/1.1\n{}",
                guarded(p)
            ),
            b"",
        )
    });
    std::thread::sleep(Duration::from_millis(300));
    let log = proxy.stop();
    let r = slow.join().unwrap();
    assert_eq!((r.status, r.text().as_str()), (200, "slow"), "{log}");
}

#[test]
fn a_hundred_proxies_share_one_token_through_redis() {
    let server = LocalServer::start_default().unwrap();
    let redis = RedisProcess::start().unwrap();
    let k = server.keys();
    let mut env = env_for(&server);
    env.push(("SINCH_AUTH_SHARED_CACHE".into(), redis.url()));
    server.push_fault(Fault::Slow(Duration::from_millis(300)));
    let args = overrides(&server);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let proxies: Vec<Proxy> = (0..100).map(|_| Proxy::start(&args, &env)).collect();
    let ports: Vec<u16> = proxies.iter().map(|p| p.port).collect();
    let path = format!(
        "/numbers.api.sinch.com/v1/projects/{}/activeNumbers",
        k.project_id
    );
    let handles: Vec<_> = ports
        .into_iter()
        .map(|p| {
            let path = path.clone();
            std::thread::spawn(move || {
                send(p, &format!("GET {path} HTTP/1.1\n{}", guarded(p)), b"").status
            })
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), 200);
    }
    assert_eq!(server.counters().token_requests, 1);
    assert_eq!(server.counters().api_ok, 100);
}

#[test]
fn sms_and_mailgun_hosts_get_their_own_credentials_and_no_proxy_headers_leave() {
    let server = LocalServer::start_default().unwrap();
    let k = server.keys();
    let canary = canary(OK_EMPTY);
    let c = format!("http://127.0.0.1:{}", canary.port);
    let sms = format!("us.sms.api.sinch.com={c}");
    let mailgun = format!("api.mailgun.net={c}");
    let proxy = Proxy::start(
        &["--override-host", &sms, "--override-host", &mailgun],
        &env_for(&server),
    );
    let p = proxy.port;
    let extra = "Proxy-Authorization: Basic Zm9vOmJhcg==\nProxy-Connection: keep-alive\nAuthorization: Bearer caller-junk\nX-Custom: kept";
    let r = send(
        p,
        &format!("POST /us.sms.api.sinch.com/xms/v1/{}/batches HTTP/1.1\n{}\n{extra}\nContent-Type: application/json", k.service_plan_id, guarded(p)),
        br#"{"to":["12025550123"],"body":"hi"}"#,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let r = send(
        p,
        &format!(
            "GET /api.mailgun.net/v3/domains HTTP/1.1\n{}\n{extra}",
            guarded(p)
        ),
        b"",
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let seen = canary.requests.lock().unwrap().clone();
    assert_eq!(seen.len(), 2);
    let lower: Vec<String> = seen.iter().map(|s| s.to_ascii_lowercase()).collect();
    assert!(
        lower[0].contains(&format!(
            "authorization: bearer {}\r\n",
            k.sms_api_token.to_ascii_lowercase()
        )),
        "{}",
        seen[0]
    );
    let basic = sinch_auth::basic_authorization("api", &k.mailgun_api_key)
        .unwrap()
        .to_ascii_lowercase();
    assert!(
        lower[1].contains(&format!("authorization: {basic}\r\n")),
        "{}",
        seen[1]
    );
    for s in &lower {
        for gone in [
            "proxy-authorization",
            "proxy-connection",
            "x-sinch-proxy",
            "caller-junk",
        ] {
            assert!(!s.contains(gone), "{gone} was forwarded: {s}");
        }
        assert!(s.contains("x-custom: kept"), "{s}");
    }
    // The body went up byte for byte with its Content-Length.
    assert!(
        seen[0].ends_with(r#"{"to":["12025550123"],"body":"hi"}"#),
        "{}",
        seen[0]
    );
}
