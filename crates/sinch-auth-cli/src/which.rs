//! `sinch-auth which <product>`

use crate::output::print_json;
use crate::CmdResult;
use serde_json::json;
use sinch_auth::Product;

#[derive(clap::Args)]
pub struct Args {
    /// conversation, templates, numbers, sms, fax, elastic-sip-trunking, 10dlc, number-lookup,
    /// provisioning, voice, verification, in-app-calling, mailgun (aliases such as est, lookup)
    product: String,
    /// Machine-readable output.
    #[arg(long)]
    json: bool,
}

pub fn run(a: Args) -> CmdResult {
    let product: Product = a.product.parse()?;
    let info = product.info();
    if a.json {
        let models: Vec<_> = info
            .models
            .iter()
            .map(|m| {
                json!({
                    "auth_model": m.as_str(),
                    "credentials": m.credentials_needed(),
                    "how": m.how(),
                    "env_vars": m.env_vars().iter().map(|v| json!({"name": v.name, "required": v.required, "secret": v.secret, "description": v.description})).collect::<Vec<_>>(),
                    "base_urls": info.endpoints.iter().filter(|e| e.model == *m).map(|e| json!({"region": e.region, "url": e.url, "note": e.note})).collect::<Vec<_>>(),
                })
            })
            .collect();
        let out = json!({
            "product": info.name,
            "display_name": info.display_name,
            "auth_model": product.auth_model().as_str(),
            "dashboard": info.dashboard,
            "default_region": info.default_region,
            "models": models,
            "gotchas": info.gotchas,
        });
        print_json(&out);
        return Ok(());
    }
    println!("{} ({})", info.display_name, info.name);
    for (i, m) in info.models.iter().enumerate() {
        let label = if i == 0 { "auth model" } else { "also" };
        println!("  {label}: {} — {}", m.as_str(), m.credentials_needed());
        println!("    {}", m.how());
        println!("    env vars:");
        for v in m.env_vars() {
            println!(
                "      {}{}  {}",
                v.name,
                if v.required { "" } else { " (optional)" },
                v.description
            );
        }
        println!("    base URLs:");
        for e in info.endpoints.iter().filter(|e| e.model == *m) {
            let note = if e.note.is_empty() {
                String::new()
            } else {
                format!("  ({})", e.note)
            };
            println!("      {:<10} {}{note}", e.region, e.url);
        }
    }
    match info.default_region {
        Some(r) => println!("  default region: {r}"),
        None => println!("  region: required (no default)"),
    }
    println!("  credentials from: {}", info.dashboard);
    println!("  gotchas:");
    for g in info.gotchas {
        println!("    - {g}");
    }
    Ok(())
}
