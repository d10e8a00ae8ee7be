//! Where a Mailgun delivery carries its signature: the `signature` object of a JSON webhook,
//! or the `timestamp`, `token` and `signature` fields of a form post (urlencoded, or
//! multipart for inbound routes with attachments).

use super::headers::Headers;
use crate::error::{Error, Result, SignatureReason};

/// The three signed fields of one delivery.
#[derive(Debug)]
pub(crate) struct SignatureFields {
    pub(crate) timestamp: String,
    pub(crate) token: String,
    pub(crate) signature: String,
}

fn missing(what: &str) -> Error {
    Error::signature(
        SignatureReason::MissingHeader,
        format!("the Mailgun delivery has no {what}: is this a Mailgun webhook, and is the body the raw one?"),
    )
}

pub(crate) fn signature_fields(headers: &Headers, body: &[u8]) -> Result<SignatureFields> {
    let content_type = match headers.optional("content-type")? {
        Some(_) => headers.one_str("content-type")?,
        None => "",
    };
    let essence = content_type.split(';').next().unwrap_or("").trim();
    match essence.to_ascii_lowercase().as_str() {
        "application/x-www-form-urlencoded" => from_pairs(form_urlencoded::parse(body)),
        "multipart/form-data" => {
            let boundary = content_type
                .split(';')
                .filter_map(|p| {
                    let (k, v) = p.split_once('=')?;
                    k.trim()
                        .eq_ignore_ascii_case("boundary")
                        .then_some(v.trim())
                })
                .next()
                .map(|b| b.trim_matches('"').to_owned())
                .filter(|b| !b.is_empty() && b.len() <= 70)
                .ok_or_else(|| {
                    Error::signature(
                        SignatureReason::MalformedHeader,
                        "the multipart Content-Type has no boundary",
                    )
                })?;
            multipart_fields(body, &boundary)
        }
        _ => from_json(body),
    }
}

fn from_json(body: &[u8]) -> Result<SignatureFields> {
    let v: serde_json::Value = serde_json::from_slice(body).map_err(|_| {
        Error::signature(
            SignatureReason::MalformedHeader,
            "the Mailgun delivery is neither JSON nor a form post (check the Content-Type and that the raw body is passed)",
        )
    })?;
    let sig = v
        .get("signature")
        .ok_or_else(|| missing("\"signature\" object"))?;
    let field = |name: &str| -> Result<String> {
        match sig.get(name) {
            Some(serde_json::Value::String(s)) => Ok(s.clone()),
            Some(serde_json::Value::Number(n)) if name == "timestamp" => Ok(n.to_string()),
            Some(_) => Err(Error::signature(
                SignatureReason::MalformedHeader,
                format!("signature.{name} of the Mailgun delivery is not a string"),
            )),
            None => Err(missing(&format!("signature.{name}"))),
        }
    };
    Ok(SignatureFields {
        timestamp: field("timestamp")?,
        token: field("token")?,
        signature: field("signature")?,
    })
}

fn from_pairs<'a>(
    pairs: impl Iterator<Item = (std::borrow::Cow<'a, str>, std::borrow::Cow<'a, str>)>,
) -> Result<SignatureFields> {
    let (mut timestamp, mut token, mut signature) = (None, None, None);
    for (k, v) in pairs {
        let slot = match k.as_ref() {
            "timestamp" => &mut timestamp,
            "token" => &mut token,
            "signature" => &mut signature,
            _ => continue,
        };
        if slot.replace(v.into_owned()).is_some() {
            return Err(Error::signature(
                SignatureReason::MalformedHeader,
                format!("the Mailgun delivery has the {k} field twice"),
            ));
        }
    }
    Ok(SignatureFields {
        timestamp: timestamp.ok_or_else(|| missing("timestamp field"))?,
        token: token.ok_or_else(|| missing("token field"))?,
        signature: signature.ok_or_else(|| missing("signature field"))?,
    })
}

/// The small text parts named `timestamp`, `token` and `signature` of a multipart body.
/// Hand-written rather than a multipart crate: the well-kept ones are async stream parsers,
/// and only three short named fields are read here (attachments are skipped, not decoded).
fn multipart_fields(body: &[u8], boundary: &str) -> Result<SignatureFields> {
    let delimiter = format!("--{boundary}");
    let text = String::from_utf8_lossy(body);
    let mut pairs = Vec::new();
    for part in text.split(delimiter.as_str()).skip(1) {
        if part.starts_with("--") {
            break;
        }
        let part = part.strip_prefix("\r\n").unwrap_or(part);
        let Some((head, value)) = part.split_once("\r\n\r\n") else {
            continue;
        };
        let name = head.lines().find_map(|line| {
            let (h, v) = line.split_once(':')?;
            if !h.trim().eq_ignore_ascii_case("content-disposition") {
                return None;
            }
            v.split(';')
                .filter_map(|p| p.trim().strip_prefix("name="))
                .next()
                .map(|n| n.trim_matches('"').to_owned())
        });
        if let Some(name) =
            name.filter(|n| matches!(n.as_str(), "timestamp" | "token" | "signature"))
        {
            let value = value.strip_suffix("\r\n").unwrap_or(value);
            pairs.push((name.into(), value.to_owned().into()));
        }
    }
    from_pairs(pairs.into_iter())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(ct: &str) -> Headers {
        Headers::from_pairs([("Content-Type", ct)])
    }

    #[test]
    fn json_form_and_multipart_give_the_same_fields() {
        let json = br#"{"signature":{"timestamp":1770920772,"token":"t","signature":"s"},"event-data":{}}"#;
        let f = signature_fields(&headers("application/json"), json).unwrap();
        assert_eq!(
            (f.timestamp.as_str(), f.token.as_str(), f.signature.as_str()),
            ("1770920772", "t", "s")
        );
        let form = b"token=t&timestamp=1770920772&signature=s&body-plain=hi+there";
        let f = signature_fields(&headers("application/x-www-form-urlencoded"), form).unwrap();
        assert_eq!(
            (f.timestamp.as_str(), f.token.as_str(), f.signature.as_str()),
            ("1770920772", "t", "s")
        );
        let multi = "--XX\r\nContent-Disposition: form-data; name=\"timestamp\"\r\n\r\n1770920772\r\n--XX\r\nContent-Disposition: form-data; name=\"token\"\r\n\r\nt\r\n--XX\r\nContent-Disposition: form-data; name=\"attachment-1\"; filename=\"a.bin\"\r\n\r\n\x00\x01\r\n--XX\r\nContent-Disposition: form-data; name=\"signature\"\r\n\r\ns\r\n--XX--\r\n";
        let f = signature_fields(
            &headers("multipart/form-data; boundary=XX"),
            multi.as_bytes(),
        )
        .unwrap();
        assert_eq!(
            (f.timestamp.as_str(), f.token.as_str(), f.signature.as_str()),
            ("1770920772", "t", "s")
        );
    }

    #[test]
    fn missing_repeated_and_garbled_fields_are_refused_with_a_reason() {
        for (ct, body, reason) in [
            (
                "application/json",
                &b"{\"event-data\":{}}"[..],
                SignatureReason::MissingHeader,
            ),
            (
                "application/json",
                b"not json",
                SignatureReason::MalformedHeader,
            ),
            (
                "application/json",
                b"{\"signature\":{\"timestamp\":[],\"token\":\"t\",\"signature\":\"s\"}}",
                SignatureReason::MalformedHeader,
            ),
            (
                "application/x-www-form-urlencoded",
                b"token=a&token=b&timestamp=1&signature=s",
                SignatureReason::MalformedHeader,
            ),
            (
                "application/x-www-form-urlencoded",
                b"token=a&timestamp=1",
                SignatureReason::MissingHeader,
            ),
            ("multipart/form-data", b"", SignatureReason::MalformedHeader),
        ] {
            let e = signature_fields(&headers(ct), body).unwrap_err();
            assert_eq!(
                e.reason(),
                Some(reason),
                "{ct} {:?}: {}",
                String::from_utf8_lossy(body),
                e.message()
            );
        }
    }
}
