//! A reset is a clean slate: a request that straddles it must not land in the new tally.

use sinch_auth_server::{Fault, LocalServer};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

fn token_request(server: &LocalServer) -> TcpStream {
    let keys = server.keys();
    let basic = base64_basic(&keys.key_id, &keys.key_secret);
    let body = "grant_type=client_credentials";
    let mut s = TcpStream::connect(server.addr()).unwrap();
    write!(
        s,
        "POST /oauth2/token HTTP/1.1\r\nHost: x\r\nAuthorization: Basic {basic}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    s
}

fn base64_basic(user: &str, pass: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"))
}

fn read_all(mut s: TcpStream) -> String {
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

fn wait_until_taken(server: &LocalServer) {
    let start = Instant::now();
    while server.counters().faults_played == 0 {
        assert!(start.elapsed() < Duration::from_secs(5));
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn a_slow_request_that_outlives_a_reset_is_dropped_uncounted() {
    let server = LocalServer::start_default().unwrap();
    // Longer than a reset waits for requests in flight (half a second).
    server.push_fault(Fault::Slow(Duration::from_millis(1500)));
    let abandoned = token_request(&server);
    wait_until_taken(&server);
    server.reset_counters();
    let reply = read_all(abandoned);
    assert!(
        reply.is_empty(),
        "expected a dropped connection, got {reply:?}"
    );
    assert_eq!(server.counters().tokens_issued, 0);
}

#[test]
fn a_reset_lets_a_request_in_flight_finish_first() {
    let server = LocalServer::start_default().unwrap();
    server.push_fault(Fault::Slow(Duration::from_millis(200)));
    let in_flight = token_request(&server);
    wait_until_taken(&server);
    let start = Instant::now();
    server.reset_counters();
    assert!(
        start.elapsed() >= Duration::from_millis(100),
        "the reset did not wait"
    );
    assert!(read_all(in_flight).starts_with("HTTP/1.1 200"));
    // Answered before the reset, so it is not in the new tally.
    assert_eq!(server.counters().tokens_issued, 0);
}

#[test]
fn a_slow_request_without_a_reset_is_answered_and_counted() {
    let server = LocalServer::start_default().unwrap();
    server.push_fault(Fault::Slow(Duration::from_millis(100)));
    let reply = read_all(token_request(&server));
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    assert_eq!(server.counters().tokens_issued, 1);
}
