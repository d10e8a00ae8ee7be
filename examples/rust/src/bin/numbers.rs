//! List the project's active numbers from eight threads that share one `TokenProvider`: one
//! token request serves every call.
//!
//! Needs SINCH_PROJECT_ID, SINCH_KEY_ID, SINCH_KEY_SECRET (and, for the local server,
//! SINCH_API_BASE_URL and SINCH_AUTH_URL).

use sinch_auth::{Product, ProjectCredentials, TokenProvider};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let creds = ProjectCredentials::from_env()?;
    let provider = TokenProvider::new(creds.clone())?; // cheap to clone, one cache
    let base = match std::env::var("SINCH_API_BASE_URL") {
        Ok(url) if !url.is_empty() => url,
        _ => Product::Numbers.info().base_url(None)?.to_owned(),
    };
    let url = format!("{base}/v1/projects/{}/activeNumbers", creds.project_id());
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let (provider, url) = (provider.clone(), url.clone());
            std::thread::spawn(move || -> Result<u16, String> {
                let auth = provider.authorization().map_err(|e| e.to_string())?;
                let resp = ureq::get(&url)
                    .header("Authorization", &auth)
                    .call()
                    .map_err(|e| e.to_string())?;
                Ok(resp.status().as_u16())
            })
        })
        .collect();
    for t in threads {
        let status = t.join().map_err(|_| "a thread panicked")??;
        println!("Numbers API answered {status}");
    }
    println!("tokens fetched: {}", provider.stats().fetched);
    Ok(())
}
