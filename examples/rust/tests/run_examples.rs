//! Every example binary, run against the local server with the environment it prints.

use sinch_auth_server::LocalServer;
use std::process::Command;

fn run(bin: &str, server: &LocalServer) -> String {
    let mut cmd = Command::new(bin);
    cmd.env_clear();
    for (k, v) in server.env_vars() {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run the example");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{bin}: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

#[test]
fn numbers_makes_one_token_request_for_eight_threads() {
    let server = LocalServer::start_default().unwrap();
    let out = run(env!("CARGO_BIN_EXE_numbers"), &server);
    assert_eq!(out.matches("Numbers API answered 200").count(), 8, "{out}");
    assert!(out.contains("tokens fetched: 1"), "{out}");
    assert_eq!(server.counters().token_requests, 1);
}

#[test]
fn sign_voice_is_accepted() {
    let server = LocalServer::start_default().unwrap();
    let out = run(env!("CARGO_BIN_EXE_sign_voice"), &server);
    assert!(out.contains("callout answered 200"), "{out}");
    assert_eq!(server.counters().signed_ok, 1);
}
