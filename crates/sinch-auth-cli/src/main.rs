//! The `sinch-auth` binary: everything lives in the library, so the Python wheel and the npm
//! package can run the very same command from their own entry points.

use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(sinch_auth_cli::run(std::env::args_os()))
}
