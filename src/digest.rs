//! SUIT_Digest (draft §10): `[algorithm-id, digest-bytes, * extensions]`.
//!
//! Used for the manifest digest in the authentication wrapper, for severed
//! members, and for the image-digest parameter. Comparisons are constant
//! time.

use crate::cbor::Reader;
use crate::crypto::{Crypto, DigestAlg, MAX_DIGEST, ct_eq, digest_parts};
use crate::error::{ErrorKind, Result};
use crate::limits::Budget;

/// A decoded SUIT_Digest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SuitDigest<'a> {
    /// The algorithm.
    pub alg: DigestAlg,
    /// The expected digest, exactly `alg.output_len()` bytes.
    pub bytes: &'a [u8],
}

impl<'a> SuitDigest<'a> {
    /// Read a SUIT_Digest array from `r`.
    ///
    /// # Errors
    /// CBOR errors; [`ErrorKind::AuthUnsupportedDigest`] for an unknown
    /// algorithm; [`ErrorKind::InvalidParameter`] for a digest of the wrong
    /// length or an array shorter than two.
    pub fn read(r: &mut Reader<'a, '_>) -> Result<SuitDigest<'a>> {
        let at = r.offset();
        let n = r.array()?;
        if n < 2 {
            return Err(ErrorKind::InvalidParameter.at(at));
        }
        let alg_at = r.offset();
        let id = r.int()?;
        let alg = DigestAlg::from_cose(id).ok_or(ErrorKind::AuthUnsupportedDigest.at(alg_at))?;
        let bytes = r.bytes()?;
        if bytes.len() != alg.output_len() {
            return Err(ErrorKind::InvalidParameter.at(alg_at));
        }
        for _ in 2..n {
            r.skip()?;
        }
        Ok(SuitDigest { alg, bytes })
    }

    /// Decode a buffer that holds exactly one SUIT_Digest.
    ///
    /// # Errors
    /// As [`SuitDigest::read`], plus trailing bytes.
    pub fn decode(bytes: &'a [u8], offset: usize, budget: &mut Budget) -> Result<SuitDigest<'a>> {
        let mut r = Reader::new(bytes, offset, budget);
        let d = SuitDigest::read(&mut r)?;
        r.finish()?;
        Ok(d)
    }

    /// Whether the digest of the concatenated `parts` equals this one.
    ///
    /// # Errors
    /// [`ErrorKind::AuthUnsupportedDigest`] if the backend lacks the algorithm.
    pub fn matches<C: Crypto>(&self, crypto: &C, parts: &[&[u8]]) -> Result<bool> {
        let mut out = [0u8; MAX_DIGEST];
        let n = digest_parts(crypto, self.alg, parts, &mut out)
            .ok_or(ErrorKind::AuthUnsupportedDigest.here())?;
        Ok(ct_eq(out.get(..n).unwrap_or(&[]), self.bytes))
    }
}

/// A digest value owned by value (no borrow of the manifest), for state that
/// must outlive a call, such as the image verifier in a C context.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OwnedDigest {
    /// The algorithm.
    pub alg: DigestAlg,
    bytes: [u8; MAX_DIGEST],
}

impl OwnedDigest {
    /// Copy of `d`, which should have `d.alg.output_len()` bytes (as
    /// [`SuitDigest::read`] guarantees): extra bytes are dropped and missing
    /// ones read as zero. [`crate::ImageVerifier::new`] refuses such a
    /// digest instead.
    #[must_use]
    pub fn from_digest(d: &SuitDigest<'_>) -> OwnedDigest {
        let mut bytes = [0u8; MAX_DIGEST];
        for (o, b) in bytes.iter_mut().zip(d.bytes) {
            *o = *b;
        }
        OwnedDigest { alg: d.alg, bytes }
    }

    /// The digest bytes.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.alg.output_len()).unwrap_or(&[])
    }
}
