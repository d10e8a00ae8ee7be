//! Base64 helpers. Encoding is standard and padded; decoding of application secrets is
//! lenient in exactly the ways the official SDKs are (spec §2.2): standard or URL-safe
//! alphabet, padding optional, non-zero trailing bits ignored. Anything else is an error.

use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::engine::DecodePaddingMode;
use base64::Engine;
use zeroize::Zeroizing;

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
    /// The input is empty.
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

/// The `base64` crate's decoder, made as lenient as the SDKs: padding optional, non-zero
/// trailing bits ignored. The URL-safe alphabet is mapped onto the standard one first,
/// because the SDKs accept a mix of the two in one secret and an engine has one alphabet.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Decodes an application secret as the official SDKs do: either alphabet, padding optional,
/// non-zero trailing bits ignored. The error never carries the input.
pub fn decode_lenient(input: &str) -> Result<Vec<u8>, DecodeError> {
    if input.is_empty() {
        return Err(DecodeError::Empty);
    }
    let standard: Zeroizing<Vec<u8>> = Zeroizing::new(
        input
            .bytes()
            .map(|c| match c {
                b'-' => b'+',
                b'_' => b'/',
                c => c,
            })
            .collect(),
    );
    LENIENT.decode(&*standard).map_err(|e| match e {
        base64::DecodeError::InvalidByte(_, b'=') | base64::DecodeError::InvalidPadding => {
            DecodeError::MisplacedPadding
        }
        base64::DecodeError::InvalidByte(at, _) => DecodeError::InvalidCharacter(at),
        base64::DecodeError::InvalidLength(_) | base64::DecodeError::InvalidLastSymbol(..) => {
            DecodeError::Truncated
        }
    })
}

pub(crate) fn hex_lower(bytes: &[u8]) -> String {
    hex::encode(bytes)
}

/// Decodes hex of either case; `None` for odd length or a non-hex character.
pub(crate) fn hex_decode(s: &[u8]) -> Option<Vec<u8>> {
    hex::decode(s).ok()
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
