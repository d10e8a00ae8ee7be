//! Corporate networks, end to end through the `sinch-auth` command and its environment: a
//! token endpoint behind TLS signed by a private CA (refused without the CA, accepted with it,
//! refused with another one), and an HTTPS proxy that speaks CONNECT. All real servers on
//! loopback: the local Sinch server, a TLS front for it, and a CONNECT proxy.

use assert_cmd::Command;
use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
use sinch_auth_server::LocalServer;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// A CA: its PEM certificate and what it needs to sign a server certificate.
struct Ca {
    pem: String,
    params: CertificateParams,
    key: KeyPair,
}

fn private_ca(name: &str) -> Ca {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, name);
    let pem = params.self_signed(&key).unwrap().pem();
    Ca { pem, params, key }
}

/// Serves TLS on loopback with a certificate for 127.0.0.1 signed by `ca`, handing each
/// request to `backend` (one request per connection).
fn tls_front(ca: &Ca, backend: SocketAddr) -> u16 {
    let key = KeyPair::generate().unwrap();
    let params = CertificateParams::new(vec!["127.0.0.1".to_owned()]).unwrap();
    let issuer = Issuer::from_params(&ca.params, &ca.key);
    let cert = params.signed_by(&key, &issuer).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(
        vec![cert.der().clone()],
        rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()),
    )
    .unwrap();
    let config = Arc::new(config);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let config = config.clone();
            std::thread::spawn(move || {
                let conn = rustls::ServerConnection::new(config).unwrap();
                let mut tls = rustls::StreamOwned::new(conn, stream);
                let Some(request) = read_request(&mut tls) else {
                    return; // the client refused our certificate
                };
                let mut upstream = TcpStream::connect(backend).unwrap();
                upstream.write_all(&request).unwrap();
                let mut response = Vec::new();
                let _ = upstream.read_to_end(&mut response);
                let _ = tls.write_all(&response);
                tls.conn.send_close_notify();
                let _ = tls.flush();
            });
        }
    });
    port
}

/// One HTTP request (head and Content-Length body), sent on with `Connection: close`.
fn read_request(stream: &mut impl Read) -> Option<Vec<u8>> {
    let mut reader = BufReader::new(stream);
    let mut head = Vec::new();
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        if line == "\r\n" {
            break;
        }
        let lower = line.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("content-length:") {
            length = v.trim().parse().ok()?;
        }
        if !lower.starts_with("connection:") {
            head.extend_from_slice(line.as_bytes());
        }
    }
    head.extend_from_slice(b"Connection: close\r\n\r\n");
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    head.extend_from_slice(&body);
    Some(head)
}

/// A forward proxy that only speaks CONNECT; records each CONNECT target.
fn connect_proxy() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let log = log.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(client.try_clone().unwrap());
                let mut first = String::new();
                reader.read_line(&mut first).unwrap();
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap() == 0 || line == "\r\n" {
                        break;
                    }
                }
                let mut client = client;
                let Some(target) = first
                    .strip_prefix("CONNECT ")
                    .and_then(|r| r.split(' ').next())
                else {
                    let _ = client.write_all(b"HTTP/1.1 405 Method Not Allowed\r\n\r\n");
                    return;
                };
                log.lock().unwrap().push(target.to_owned());
                let upstream = TcpStream::connect(target).unwrap();
                client
                    .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                    .unwrap();
                let (mut up_read, mut up_write) = (upstream.try_clone().unwrap(), upstream);
                let mut client_write = client.try_clone().unwrap();
                let to_client = std::thread::spawn(move || {
                    let _ = std::io::copy(&mut up_read, &mut client_write);
                });
                let _ = std::io::copy(&mut reader, &mut up_write);
                let _ = up_write.shutdown(std::net::Shutdown::Write);
                let _ = to_client.join();
            });
        }
    });
    (port, seen)
}

/// `sinch-auth token --json` against `token_url` with `env`; (exit code, stdout, stderr).
fn token(server: &LocalServer, token_url: &str, env: &[(&str, &str)]) -> (i32, String, String) {
    let k = server.keys();
    let mut c = Command::cargo_bin("sinch-auth").unwrap();
    c.env_clear()
        .env("SINCH_PROJECT_ID", &k.project_id)
        .env("SINCH_KEY_ID", &k.key_id)
        .env("SINCH_KEY_SECRET", &k.key_secret)
        .env("SINCH_AUTH_URL", token_url)
        .args(["token", "--json"]);
    for (n, v) in env {
        c.env(n, v);
    }
    let o = c.output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn write(dir: &std::path::Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn a_private_ca_is_trusted_only_when_given() {
    let server = LocalServer::start_default().unwrap();
    let ca = private_ca("sinch-auth test CA");
    let port = tls_front(&ca, server.addr());
    let url = format!("https://127.0.0.1:{port}/oauth2/token");
    let dir = std::env::temp_dir().join(format!("sinch-auth-ca-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = write(&dir, "ca.pem", &ca.pem);
    let wrong = write(&dir, "other.pem", &private_ca("another CA").pem);
    let empty = write(&dir, "empty.pem", "no certificates here\n");

    // The bundled web PKI roots do not know the private CA.
    let (code, _, err) = token(&server, &url, &[]);
    assert_ne!(code, 0);
    assert!(err.contains("TLS handshake with 127.0.0.1"), "{err}");
    assert!(err.contains("SINCH_AUTH_CA_BUNDLE"), "{err}");
    // With it (either variable), a token; with another CA, refused again.
    for var in ["SINCH_AUTH_CA_BUNDLE", "SSL_CERT_FILE"] {
        let (code, out, err) = token(&server, &url, &[(var, &good)]);
        assert_eq!(code, 0, "{var}: {out}{err}");
    }
    let (code, _, err) = token(&server, &url, &[("SINCH_AUTH_CA_BUNDLE", &wrong)]);
    assert_ne!(code, 0);
    assert!(err.contains("TLS handshake"), "{err}");
    assert!(err.contains("does not hold the CA"), "{err}");
    // A bundle that cannot be used says so, before any request.
    let (code, _, err) = token(&server, &url, &[("SINCH_AUTH_CA_BUNDLE", &empty)]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("holds no PEM certificate"), "{err}");
    let missing = dir.join("missing.pem");
    let (code, _, err) = token(
        &server,
        &url,
        &[("SINCH_AUTH_CA_BUNDLE", &missing.to_string_lossy())],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("cannot read the CA bundle"), "{err}");
    assert_eq!(server.counters().token_requests, 2);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn https_proxy_tunnels_the_token_request_with_connect() {
    let server = LocalServer::start_default().unwrap();
    let ca = private_ca("sinch-auth proxy test CA");
    let port = tls_front(&ca, server.addr());
    let (proxy, seen) = connect_proxy();
    let dir = std::env::temp_dir().join(format!("sinch-auth-proxy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = write(&dir, "ca.pem", &ca.pem);
    let url = format!("https://127.0.0.1:{port}/oauth2/token");
    let proxy_url = format!("http://127.0.0.1:{proxy}");
    let (code, out, err) = token(
        &server,
        &url,
        &[("SINCH_AUTH_CA_BUNDLE", &good), ("HTTPS_PROXY", &proxy_url)],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(*seen.lock().unwrap(), [format!("127.0.0.1:{port}")]);
    assert_eq!(server.counters().token_requests, 1);
    // NO_PROXY sends it direct.
    let (code, out, err) = token(
        &server,
        &url,
        &[
            ("SINCH_AUTH_CA_BUNDLE", &good),
            ("HTTPS_PROXY", &proxy_url),
            ("NO_PROXY", "127.0.0.1"),
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(seen.lock().unwrap().len(), 1);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_password_in_the_token_url_never_reaches_the_output() {
    let server = LocalServer::start_default().unwrap();
    let url = server
        .token_url()
        .replace("http://", "http://gw-user:PW-s3cret@");
    let (code, out, err) = token(&server, &url, &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        !out.contains("PW-s3cret") && !err.contains("PW-s3cret"),
        "{out}{err}"
    );
    // doctor names the URL it called; a refused one is named in the failure.
    let k = server.keys();
    for url in [
        url.clone(),
        "http://gw-user:PW-s3cret@127.0.0.1:1/oauth2/token".to_owned(),
    ] {
        let o = Command::cargo_bin("sinch-auth")
            .unwrap()
            .env_clear()
            .env("SINCH_PROJECT_ID", &k.project_id)
            .env("SINCH_KEY_ID", &k.key_id)
            .env("SINCH_KEY_SECRET", &k.key_secret)
            .env("SINCH_AUTH_URL", &url)
            .env("SINCH_API_BASE_URL", server.url())
            .args(["doctor", "--product", "numbers"])
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(!text.contains("PW-s3cret"), "{text}");
        assert!(text.contains("127.0.0.1"), "{text}");
    }
}

#[test]
fn doctor_checks_the_shared_cache_and_token_shares_through_it() {
    use sinch_auth_server::RedisProcess;
    let server = LocalServer::start_default().unwrap();
    let redis = RedisProcess::start().unwrap();
    let url = redis.url().replace("redis://", "redis://default:PW-redis@");
    // requirepass so the password in the URL is needed (and must not be shown).
    redis
        .command(&["CONFIG", "SET", "requirepass", "PW-redis"])
        .unwrap();
    let k = server.keys();
    let doctor = |url: &str| {
        let o = Command::cargo_bin("sinch-auth")
            .unwrap()
            .env_clear()
            .env("SINCH_PROJECT_ID", &k.project_id)
            .env("SINCH_KEY_ID", &k.key_id)
            .env("SINCH_KEY_SECRET", &k.key_secret)
            .env("SINCH_AUTH_URL", server.token_url())
            .env("SINCH_API_BASE_URL", server.url())
            .args(["doctor", "--product", "numbers", "--shared-cache", url])
            .output()
            .unwrap();
        (
            o.status.code().unwrap_or(-1),
            format!(
                "{}{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            ),
        )
    };
    let (_, text) = doctor(&url);
    assert!(
        text.contains("reachable, the commands are allowed"),
        "{text}"
    );
    assert!(!text.contains("PW-redis"), "{text}");
    let (code, text) = doctor(&redis.url());
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("ACL"), "{text}");
    // Sixteen `sinch-auth token` processes at once: one token request.
    let before = server.counters().token_requests;
    let children: Vec<_> = (0..16)
        .map(|_| {
            std::process::Command::new(assert_cmd::cargo::cargo_bin("sinch-auth"))
                .env_clear()
                .env("SINCH_PROJECT_ID", &k.project_id)
                .env("SINCH_KEY_ID", &k.key_id)
                .env("SINCH_KEY_SECRET", &k.key_secret)
                .env("SINCH_AUTH_URL", server.token_url())
                .args(["token", "--shared-cache", &url])
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let tokens: std::collections::HashSet<_> = children
        .into_iter()
        .map(|c| {
            let o = c.wait_with_output().unwrap();
            assert!(o.status.success());
            String::from_utf8(o.stdout).unwrap()
        })
        .collect();
    assert_eq!(tokens.len(), 1);
    assert_eq!(server.counters().token_requests, before + 1);
}

#[test]
fn a_tls_redis_signed_by_a_private_ca_is_shared_once_the_ca_is_given() {
    use sinch_auth_server::RedisProcess;
    let server = LocalServer::start_default().unwrap();
    let ca = private_ca("sinch-auth redis CA");
    let dir = std::env::temp_dir().join(format!("sinch-auth-rediss-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let key = KeyPair::generate().unwrap();
    let params = CertificateParams::new(vec!["127.0.0.1".to_owned()]).unwrap();
    let cert = params
        .signed_by(&key, &Issuer::from_params(&ca.params, &ca.key))
        .unwrap();
    let cert_file = write(&dir, "redis.crt", &cert.pem());
    let key_file = write(&dir, "redis.key", &key.serialize_pem());
    let ca_file = write(&dir, "ca.pem", &ca.pem);
    let other_ca = write(&dir, "other.pem", &private_ca("another CA").pem);
    let redis =
        RedisProcess::start_tls(cert_file.as_ref(), key_file.as_ref(), ca_file.as_ref()).unwrap();
    redis
        .command(&["CONFIG", "SET", "requirepass", "PW-redis"])
        .unwrap();
    let url = redis
        .tls_url()
        .unwrap()
        .replace("rediss://", "rediss://default:PW-redis@");
    let k = server.keys();
    let run = |args: &[&str], ca: &str| {
        let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("sinch-auth"));
        c.env_clear()
            .env("SINCH_PROJECT_ID", &k.project_id)
            .env("SINCH_KEY_ID", &k.key_id)
            .env("SINCH_KEY_SECRET", &k.key_secret)
            .env("SINCH_AUTH_URL", server.token_url())
            .env("SINCH_API_BASE_URL", server.url())
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        if !ca.is_empty() {
            c.env("SINCH_AUTH_CA_BUNDLE", ca);
        }
        c
    };
    let doctor = |ca: &str| {
        let o = run(
            &["doctor", "--product", "numbers", "--shared-cache", &url],
            ca,
        )
        .output()
        .unwrap();
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    };
    // The web PKI roots and another CA do not trust it; the CA that signed it does.
    for ca in ["", other_ca.as_str()] {
        let text = doctor(ca);
        eprintln!("DOCTOR {text}");
        assert!(
            !text.contains("reachable, the commands are allowed"),
            "{text}"
        );
        assert!(text.contains("rediss://127.0.0.1"), "{text}");
        assert!(!text.contains("PW-redis"), "{text}");
    }
    let text = doctor(&ca_file);
    assert!(
        text.contains("reachable, the commands are allowed"),
        "{text}"
    );
    assert!(!text.contains("PW-redis"), "{text}");
    // Eight `sinch-auth token` processes over TLS: one token request.
    let before = server.counters().token_requests;
    let children: Vec<_> = (0..8)
        .map(|_| {
            run(&["token", "--shared-cache", &url], &ca_file)
                .spawn()
                .unwrap()
        })
        .collect();
    let tokens: std::collections::HashSet<_> = children
        .into_iter()
        .map(|c| {
            let o = c.wait_with_output().unwrap();
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            String::from_utf8(o.stdout).unwrap()
        })
        .collect();
    assert_eq!(tokens.len(), 1);
    assert_eq!(server.counters().token_requests, before + 1);
    let _ = std::fs::remove_dir_all(&dir);
}
