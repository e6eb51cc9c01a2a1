//! `suit-encoder`: host-side (std) builder and signer for IETF SUIT envelopes
//! (draft-ietf-suit-manifest-37).
//!
//! * [`cbor`]: deterministic CBOR encoding and a small strict decoder.
//! * [`suit`]: constants, command sequences, manifests and unsigned envelopes.
//! * [`cose`]: keys and COSE_Sign1 signing of envelopes ([`cose::sign`]).
//! * [`test_keys`]: fixed, PUBLIC test keys (never trust them in a product).
//!
//! Everything returns [`Result`] on bad input; nothing is meant to panic.
//! This crate must not depend on `suit-verify` (the verifier dev-depends on it).

#![warn(missing_docs)]

pub mod cbor;
pub mod cose;
pub mod suit;
pub mod test_keys;

use std::fmt;

/// Errors returned by this crate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// Input ended inside a CBOR item (or a length does not fit the input).
    Truncated,
    /// Bytes follow the single expected CBOR item.
    TrailingBytes,
    /// CBOR is not well-formed, or has the wrong shape; the text says what.
    Malformed(&'static str),
    /// Well-formed CBOR this crate does not handle (floats, indefinite lengths...).
    Unsupported(&'static str),
    /// A map holds the same key twice.
    DuplicateKey,
    /// Nesting deeper than [`cbor::MAX_DEPTH`].
    DepthLimit,
    /// Not a SUIT envelope (tag 107 map with keys 2 and 3); the text says what.
    NotEnvelope(&'static str),
    /// The authentication wrapper's SUIT_Digest does not match the manifest.
    DigestMismatch,
    /// A digest algorithm id this crate cannot compute.
    UnsupportedDigestAlg(i128),
    /// The COSE algorithm is not usable with this key.
    AlgNotAllowed(i64),
    /// A `sever` entry names a manifest member that is not present.
    NothingToSever(i64),
    /// Key parsing, generation or encoding failed; the text says why.
    Key(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Truncated => f.write_str("CBOR input truncated"),
            Error::TrailingBytes => f.write_str("trailing bytes after CBOR item"),
            Error::Malformed(w) => write!(f, "malformed CBOR: {w}"),
            Error::Unsupported(w) => write!(f, "unsupported CBOR: {w}"),
            Error::DuplicateKey => f.write_str("duplicate map key"),
            Error::DepthLimit => write!(f, "CBOR nesting deeper than {}", cbor::MAX_DEPTH),
            Error::NotEnvelope(w) => write!(f, "not a SUIT envelope: {w}"),
            Error::DigestMismatch => f.write_str(
                "manifest digest in the authentication wrapper does not match the manifest",
            ),
            Error::UnsupportedDigestAlg(a) => write!(f, "unsupported digest algorithm {a}"),
            Error::AlgNotAllowed(a) => write!(f, "COSE algorithm {a} not allowed for this key"),
            Error::NothingToSever(k) => write!(f, "manifest member {k} is absent, cannot sever it"),
            Error::Key(w) => write!(f, "key error: {w}"),
        }
    }
}

impl std::error::Error for Error {}

/// Result type of this crate.
pub type Result<T> = std::result::Result<T, Error>;

/// Lowercase hex of `b` (small helper for tools and tests).
pub fn to_hex(b: &[u8]) -> String {
    let mut s = String::with_capacity(b.len().saturating_mul(2));
    for x in b {
        s.push_str(&format!("{x:02x}"));
    }
    s
}

/// Parse hex (upper or lower case; ASCII whitespace is skipped).
pub fn from_hex(s: &str) -> Result<Vec<u8>> {
    let digits: Vec<u8> = s.bytes().filter(|c| !c.is_ascii_whitespace()).collect();
    if !digits.len().is_multiple_of(2) {
        return Err(Error::Malformed("odd number of hex digits"));
    }
    let val = |c: u8| -> Result<u8> {
        match c {
            b'0'..=b'9' => Ok(c - b'0'),
            b'a'..=b'f' => Ok(c - b'a' + 10),
            b'A'..=b'F' => Ok(c - b'A' + 10),
            _ => Err(Error::Malformed("invalid hex digit")),
        }
    };
    digits
        .chunks(2)
        .map(|p| match p {
            [h, l] => Ok((val(*h)? << 4) | val(*l)?),
            _ => Err(Error::Malformed("odd number of hex digits")),
        })
        .collect()
}
