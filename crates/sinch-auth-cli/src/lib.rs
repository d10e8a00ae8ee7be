//! `sinch-auth`: the library's answers for curl users and for checking a setup.
//!
//! The command lives in this library so that every distribution runs the same code: the
//! `sinch-auth` binary (`cargo install sinch-auth-cli`), the Python wheel's console script and
//! `python -m sinch_auth`, and the npm package's `bin`. Each of them calls [`run`].
#![forbid(unsafe_code)]

mod api;
mod completions;
mod demo;
mod doctor;
mod output;
mod proxy;
mod serve;
mod sign;
mod token;
mod verify;
mod which;

use clap::{CommandFactory, Parser, Subcommand};
use std::ffi::OsString;

/// Exit codes, as `--help` lists them.
pub mod exit {
    /// The command did what was asked (a webhook verified, every doctor check passed).
    pub const OK: u8 = 0;
    /// A check failed or a request did not succeed: the message says why and what to do.
    pub const FAILED: u8 = 1;
    /// Bad usage or configuration: an unknown flag or product, a missing environment variable.
    pub const USAGE: u8 = 2;
    /// An internal error (a bug): please report it.
    pub const INTERNAL: u8 = 70;
}

const EXIT_CODES: &str = "\
Exit codes:
  0   success (a webhook verified, every doctor check passed)
  1   a check failed or a request did not succeed; the message says why and what to do
  2   bad usage or configuration (unknown flag or product, missing environment variable)
  70  internal error (a bug: please report it)

Commands that print a result take --json for machine-readable output on stdout; messages
and errors always go to stderr. Secrets are never printed, except the token that
`sinch-auth token` exists to print.";

#[derive(Parser)]
#[command(
    name = "sinch-auth",
    version,
    about = "Sinch authentication: which credentials, tokens, signatures, webhook checks",
    after_help = EXIT_CODES
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
    /// A local proxy that adds Sinch auth to any tool's requests (curl, Postman, any language).
    #[command(after_help = proxy::RECIPES)]
    Proxy(proxy::Args),
    /// The whole library at work against an in-process local server.
    Demo(demo::Args),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(completions::Args),
}

/// A failure the command reports: one line, with the fix; `code` is the exit code.
pub(crate) struct Failure {
    pub(crate) message: String,
    pub(crate) code: u8,
}

impl From<sinch_auth::Error> for Failure {
    fn from(e: sinch_auth::Error) -> Self {
        Failure {
            message: e.message().to_owned(),
            code: if e.kind() == sinch_auth::ErrorKind::Config {
                exit::USAGE
            } else {
                exit::FAILED
            },
        }
    }
}

impl Failure {
    pub(crate) fn usage(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            code: exit::USAGE,
        }
    }
    pub(crate) fn failed(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            code: exit::FAILED,
        }
    }
}

pub(crate) type CmdResult = Result<(), Failure>;

/// A secret given on the command line lands in shell history and `ps`: say so.
pub(crate) fn warn_secret_flag(flag: &str, env: &str) {
    eprintln!(
        "warning: a secret passed as {flag} lands in shell history and process listings; prefer the {env} environment variable"
    );
}

/// Runs `sinch-auth` with `args` (the first item is the program name) and returns its exit
/// code. Never exits the process and never panics out: the Python and Node entry points call
/// it inside their interpreters.
pub fn run<I, T>(args: I) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version are "errors" that print to stdout and succeed.
            let _ = e.print();
            return if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            };
        }
    };
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match cli.command {
        Command::Which(a) => which::run(a),
        Command::Doctor(a) => doctor::run(a),
        Command::Token(a) => token::run(a),
        Command::Sign(a) => sign::run(a),
        Command::Verify(a) => verify::run(a),
        Command::Serve(a) => serve::run(a),
        Command::Proxy(a) => proxy::run(a),
        Command::Demo(a) => demo::run(a),
        Command::Completions(a) => completions::run(a, &mut Cli::command()),
    }));
    match outcome {
        Ok(Ok(())) => exit::OK,
        Ok(Err(f)) => {
            if !f.message.is_empty() {
                eprintln!("error: {}", f.message);
            }
            f.code
        }
        // The panic hook already printed what happened (a closed stdout, say).
        Err(_) => exit::INTERNAL,
    }
}
