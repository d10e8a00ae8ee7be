//! `sinch-auth token [--header]`

use crate::CmdResult;
use sinch_auth::{ProjectCredentials, TokenProvider};

#[derive(clap::Args)]
pub struct Args {
    /// Print the whole `Authorization: Bearer …` line, for `curl -H "$(sinch-auth token --header)"`.
    #[arg(long)]
    header: bool,
}

pub fn run(a: Args) -> CmdResult {
    let provider = TokenProvider::new(ProjectCredentials::from_env()?)?;
    let token = provider.token()?;
    if a.header {
        println!("Authorization: {}", token.authorization());
    } else {
        println!("{}", token.secret());
    }
    Ok(())
}
