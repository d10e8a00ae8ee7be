//! `sinch-auth completions <shell>`: a completion script on stdout.

use crate::CmdResult;
use clap_complete::Shell;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// bash, zsh, fish, elvish or powershell.
    shell: Shell,
}

pub(crate) fn run(a: Args, cmd: &mut clap::Command) -> CmdResult {
    clap_complete::generate(a.shell, cmd, "sinch-auth", &mut std::io::stdout());
    Ok(())
}
