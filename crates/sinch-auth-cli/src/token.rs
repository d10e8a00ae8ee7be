//! `sinch-auth token [--header]`

use crate::output::print_json;
use crate::CmdResult;
use serde_json::json;
use sinch_auth::{ProjectCredentials, TokenProvider};

#[derive(clap::Args)]
pub struct Args {
    /// Print the whole `Authorization: Bearer …` line, for `curl -H "$(sinch-auth token --header)"`.
    #[arg(long)]
    header: bool,
    /// Machine-readable output: {"access_token", "token_type", "expires_in", "authorization",
    /// "token_url"}.
    #[arg(long, conflicts_with = "header")]
    json: bool,
}

pub fn run(a: Args) -> CmdResult {
    let provider = TokenProvider::builder(ProjectCredentials::from_env()?)
        .client("cli")
        .build()?;
    let token = provider.token()?;
    if a.json {
        print_json(&json!({
            "access_token": token.secret(),
            "token_type": token.token_type(),
            "expires_in": token.expires_in().as_secs(),
            "authorization": token.authorization(),
            "token_url": provider.token_url(),
        }));
    } else if a.header {
        println!("Authorization: {}", token.authorization());
    } else {
        println!("{}", token.secret());
    }
    Ok(())
}
