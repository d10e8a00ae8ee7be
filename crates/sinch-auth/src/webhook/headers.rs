//! A case-insensitive view of received headers. Values are bytes: nothing a client sends
//! can make a lookup fail to compile or panic.

use crate::error::{Error, SignatureReason};

/// Values longer than this are treated as malformed (no signature header is this long).
const MAX_VALUE: usize = 8 * 1024;

#[derive(Debug, Clone, Default)]
/// Request headers for the verifiers: names case-insensitive, values as bytes, repeats kept.
pub struct Headers {
    entries: Vec<(String, Vec<u8>)>,
}

impl Headers {
    /// No headers.
    pub fn new() -> Self {
        Headers::default()
    }

    /// Headers from `(name, value)` pairs.
    pub fn from_pairs<I, N, V>(pairs: I) -> Self
    where
        I: IntoIterator<Item = (N, V)>,
        N: AsRef<str>,
        V: AsRef<[u8]>,
    {
        let mut h = Headers::new();
        for (n, v) in pairs {
            h.insert(n, v);
        }
        h
    }

    /// Adds a header (repeats are kept; a verifier refuses an ambiguous repeat).
    pub fn insert(&mut self, name: impl AsRef<str>, value: impl AsRef<[u8]>) {
        self.entries.push((
            name.as_ref().trim().to_ascii_lowercase(),
            value.as_ref().to_vec(),
        ));
    }

    /// Every value of the header `name`, in order.
    pub fn get_all<'a, 'n>(&'a self, name: &'n str) -> impl Iterator<Item = &'a [u8]> + 'n
    where
        'a: 'n,
    {
        // Stored names are lowercase; comparing without case spares lowercasing `name`.
        self.entries
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_slice())
    }

    /// The one value of `name`, trimmed. Missing → `missing_header`; several different
    /// values, or an absurdly long one → `malformed_header`.
    pub fn one(&self, name: &str) -> Result<&[u8], Error> {
        let mut values = self.get_all(name).map(trim);
        let first = values.next().ok_or_else(|| {
            Error::signature(
                SignatureReason::MissingHeader,
                format!("the {name} header is missing"),
            )
        })?;
        if values.any(|v| v != first) {
            return Err(Error::signature(
                SignatureReason::MalformedHeader,
                format!("the {name} header appears more than once with different values"),
            ));
        }
        if first.len() > MAX_VALUE {
            return Err(Error::signature(
                SignatureReason::MalformedHeader,
                format!("the {name} header is too long"),
            ));
        }
        Ok(first)
    }

    /// Like [`one`](Self::one), but absent is `Ok(None)`.
    pub fn optional(&self, name: &str) -> Result<Option<&[u8]>, Error> {
        if self.get_all(name).next().is_none() {
            return Ok(None);
        }
        self.one(name).map(Some)
    }

    /// [`one`](Self::one) as UTF-8.
    pub fn one_str(&self, name: &str) -> Result<&str, Error> {
        std::str::from_utf8(self.one(name)?).map_err(|_| {
            Error::signature(
                SignatureReason::MalformedHeader,
                format!("the {name} header is not valid UTF-8"),
            )
        })
    }
}

fn trim(v: &[u8]) -> &[u8] {
    let start = v
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t'))
        .unwrap_or(v.len());
    let end = v
        .iter()
        .rposition(|b| !matches!(b, b' ' | b'\t'))
        .map_or(start, |i| i + 1);
    &v[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_insensitive_and_duplicate_aware() {
        let h = Headers::from_pairs([
            ("X-Sinch-Signature", &b" abc "[..]),
            ("x-other", b"1"),
            ("X-OTHER", b"2"),
        ]);
        assert_eq!(h.one("x-sinch-signature").unwrap(), b"abc");
        assert_eq!(
            h.one("x-other").unwrap_err().reason(),
            Some(SignatureReason::MalformedHeader)
        );
        assert_eq!(
            h.one("nope").unwrap_err().reason(),
            Some(SignatureReason::MissingHeader)
        );
        assert_eq!(h.optional("nope").unwrap(), None);
        assert_eq!(h.optional("X-Sinch-SIGNATURE").unwrap(), Some(&b"abc"[..]));
        assert_eq!(
            h.optional("x-other").unwrap_err().reason(),
            Some(SignatureReason::MalformedHeader)
        );
        let h = Headers::from_pairs([("a", "x"), ("A", "x")]);
        assert_eq!(h.one("a").unwrap(), b"x");
        let h = Headers::from_pairs([("a", &[0xff, 0xfe][..])]);
        assert_eq!(
            h.one_str("a").unwrap_err().reason(),
            Some(SignatureReason::MalformedHeader)
        );
        let h = Headers::from_pairs([("a", vec![b'x'; 9000])]);
        assert_eq!(
            h.one("a").unwrap_err().reason(),
            Some(SignatureReason::MalformedHeader)
        );
    }
}
