//! Base64 helpers. Encoding is standard and padded; decoding of application secrets is
//! lenient in exactly the ways the official SDKs are (spec §2.2): standard or URL-safe
//! alphabet, padding optional, non-zero trailing bits ignored. Anything else is an error.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

pub(crate) fn encode(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// Encodes into `out`, returning the length written. Panics if `out` is too short (callers
/// size it for a fixed digest).
pub(crate) fn encode_to_slice(bytes: &[u8], out: &mut [u8]) -> usize {
    STANDARD
        .encode_slice(bytes, out)
        .expect("the output fits the digest's Base64")
}

/// Why a string is not usable as a Base64 secret. Never carries the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecodeError {
    Empty,
    /// A character outside both alphabets, at this byte offset.
    InvalidCharacter(usize),
    /// `=` somewhere other than the end, or more than two of them.
    MisplacedPadding,
    /// One lone character in the last group: it cannot make a byte.
    Truncated,
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeError::Empty => f.write_str("it is empty"),
            DecodeError::InvalidCharacter(i) => {
                write!(f, "it has a character that is not Base64 at position {i}")
            }
            DecodeError::MisplacedPadding => f.write_str("its '=' padding is misplaced"),
            DecodeError::Truncated => f.write_str("its length is not a valid Base64 length"),
        }
    }
}

fn sextet(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' | b'-' => Some(62),
        b'/' | b'_' => Some(63),
        _ => None,
    }
}

pub fn decode_lenient(input: &str) -> Result<Vec<u8>, DecodeError> {
    let bytes = input.as_bytes();
    let data_len = bytes.iter().rposition(|&c| c != b'=').map_or(0, |i| i + 1);
    let padding = bytes.len() - data_len;
    if data_len == 0 {
        return Err(if bytes.is_empty() {
            DecodeError::Empty
        } else {
            DecodeError::MisplacedPadding
        });
    }
    if padding > 2 || (padding > 0 && (data_len + padding) % 4 != 0) {
        return Err(DecodeError::MisplacedPadding);
    }
    let mut out = Vec::with_capacity(data_len * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    for (i, &c) in bytes[..data_len].iter().enumerate() {
        let v = match sextet(c) {
            Some(v) => v,
            None if c == b'=' => return Err(DecodeError::MisplacedPadding),
            None => return Err(DecodeError::InvalidCharacter(i)),
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    if data_len % 4 == 1 {
        return Err(DecodeError::Truncated);
    }
    Ok(out)
}

pub(crate) fn hex_lower(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(HEX[(b >> 4) as usize] as char);
        s.push(HEX[(b & 15) as usize] as char);
    }
    s
}

/// Decodes hex of either case; `None` for odd length or a non-hex character.
pub(crate) fn hex_decode(s: &[u8]) -> Option<Vec<u8>> {
    if s.len() % 2 != 0 {
        return None;
    }
    fn nib(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            b'A'..=b'F' => Some(c - b'A' + 10),
            _ => None,
        }
    }
    s.chunks(2)
        .map(|p| Some(nib(p[0])? << 4 | nib(p[1])?))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> String {
        hex_lower(&decode_lenient(s).unwrap())
    }

    #[test]
    fn lenient_decoding_matches_the_sdk_vectors() {
        // Spec §5.G: the two non-canonical secrets used by SDK tests.
        assert_eq!(hex("app-secret"), "6a9a7eb1e72b7a");
        assert_eq!(hex("app+secreg=="), "6a9a7eb1e72b7a");
        assert_eq!(hex("9876543210"), "f7cefae78df6d7");
        assert_eq!(hex("987654321w=="), "f7cefae78df6d7");
        assert_eq!(
            hex("BeIukql3pTKJ8RGL5zo0DA=="),
            "05e22e92a977a53289f1118be73a340c"
        );
        assert_eq!(
            hex("BeIukql3pTKJ8RGL5zo0DA"),
            "05e22e92a977a53289f1118be73a340c"
        );
        assert_eq!(
            decode_lenient("bXkta2V5LXNlY3JldA==").unwrap(),
            b"my-key-secret"
        );
    }

    #[test]
    fn rejects_what_is_not_base64() {
        assert_eq!(decode_lenient(""), Err(DecodeError::Empty));
        assert_eq!(
            decode_lenient("ab cd"),
            Err(DecodeError::InvalidCharacter(2))
        );
        assert_eq!(
            decode_lenient("abc!"),
            Err(DecodeError::InvalidCharacter(3))
        );
        assert_eq!(decode_lenient("ab=cd"), Err(DecodeError::MisplacedPadding));
        assert_eq!(decode_lenient("===="), Err(DecodeError::MisplacedPadding));
        assert_eq!(decode_lenient("abc=="), Err(DecodeError::MisplacedPadding));
        assert_eq!(decode_lenient("abcde"), Err(DecodeError::Truncated));
        assert_eq!(decode_lenient("é"), Err(DecodeError::InvalidCharacter(0)));
    }

    #[test]
    fn hex_round_trip_either_case() {
        assert_eq!(hex_decode(b"0aFf").unwrap(), vec![0x0a, 0xff]);
        assert_eq!(hex_decode(b"0g"), None);
        assert_eq!(hex_decode(b"abc"), None);
        assert_eq!(hex_lower(&[0x0a, 0xff]), "0aff");
    }
}
