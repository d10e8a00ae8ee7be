//! `sinch-auth token [--header | --json] [--shared-cache URL]`

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
    /// Share the token with every process using the same key through this Redis
    /// (`redis://[user:password@]host[:port][/db]`, `rediss://` for TLS); default
    /// `SINCH_AUTH_SHARED_CACHE`.
    #[arg(long, value_name = "URL")]
    shared_cache: Option<String>,
}

pub fn run(a: Args) -> CmdResult {
    let mut builder = TokenProvider::builder(ProjectCredentials::from_env()?).client("cli");
    if let Some(url) = a.shared_cache {
        builder = builder.shared_cache(url);
    }
    let provider = builder.build()?;
    let token = provider.token()?;
    if a.json {
        print_json(&json!({
            "access_token": token.secret(),
            "token_type": token.token_type(),
            "expires_in": token.expires_in().as_secs(),
            "authorization": token.authorization(),
            "token_url": provider.token_url(),
            "shared_cache": provider.shared_cache_status().map(|s| json!({
                "state": s.state, "store": s.store, "hits": s.hits, "lock_won": s.lock_won,
            })),
        }));
    } else if a.header {
        println!("Authorization: {}", token.authorization());
    } else {
        println!("{}", token.secret());
    }
    Ok(())
}
