//! `sinch-auth`: the library's answers for curl users and for checking a setup.

mod api;
mod demo;
mod doctor;
mod serve;
mod sign;
mod token;
mod verify;
mod which;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "sinch-auth",
    version,
    about = "Sinch authentication: which credentials, tokens, signatures, webhook checks"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// The auth model, credentials, env vars, dashboard page and base URLs of a product.
    Which(which::Args),
    /// Check the env vars for a product, then try the real flow.
    Doctor(doctor::Args),
    /// Print a bearer token from the project credentials in the environment.
    Token(token::Args),
    /// Print the headers of an application-signed (Voice/Verification) request.
    Sign(sign::Args),
    /// Check a saved callback or webhook and say why it fails.
    Verify(verify::Args),
    /// Run the local Sinch-compatible server, or send a signed test webhook.
    Serve(serve::Args),
    /// The whole library at work against an in-process local server.
    Demo(demo::Args),
}

/// A failure the command reports: one line, with the fix; `code` is the exit code.
pub struct Failure {
    pub message: String,
    pub code: u8,
}

impl From<sinch_auth::Error> for Failure {
    fn from(e: sinch_auth::Error) -> Self {
        Failure {
            message: e.message().to_owned(),
            code: if e.kind() == sinch_auth::ErrorKind::Config {
                2
            } else {
                1
            },
        }
    }
}

impl Failure {
    pub fn usage(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            code: 2,
        }
    }
    pub fn failed(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            code: 1,
        }
    }
}

pub type CmdResult = Result<(), Failure>;

/// A secret given on the command line lands in shell history and `ps`: say so.
pub fn warn_secret_flag(flag: &str, env: &str) {
    eprintln!(
        "warning: a secret passed as {flag} lands in shell history and process listings; prefer the {env} environment variable"
    );
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Which(a) => which::run(a),
        Command::Doctor(a) => doctor::run(a),
        Command::Token(a) => token::run(a),
        Command::Sign(a) => sign::run(a),
        Command::Verify(a) => verify::run(a),
        Command::Serve(a) => serve::run(a),
        Command::Demo(a) => demo::run(a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            if !f.message.is_empty() {
                eprintln!("error: {}", f.message);
            }
            ExitCode::from(f.code)
        }
    }
}
