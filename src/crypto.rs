//! Crypto behind two small capabilities: hashing and signature verification.
//!
//! The processor never names a crypto crate. It asks a [`Crypto`] value for a
//! [`Hasher`] by [`DigestAlg`] and to verify a signature by [`SigAlg`], so a C
//! platform can plug in hardware crypto or PSA (the C ABI's crypto callbacks)
//! and a build can drop an algorithm it does not need. [`RustCrypto`] is the
//! default backend: SHA-256 always (`sha2`), SHA-384/512 with feature
//! `sha512`, Ed25519 with feature `ed25519` (`ed25519-compact`), ECDSA P-256
//! with feature `p256`.
//!
//! A verification failure is one opaque [`Invalid`]: no reason codes leak
//! (RustCrypto's `signature::Error` rationale).

/// COSE algorithm identifiers used by SUIT (IANA COSE Algorithms registry).
pub mod alg {
    /// SHA-256 (SUIT_Digest).
    pub const SHA256: i64 = -16;
    /// SHA-384 (SUIT_Digest).
    pub const SHA384: i64 = -43;
    /// SHA-512 (SUIT_Digest).
    pub const SHA512: i64 = -44;
    /// ECDSA with SHA-256, curve from the key (manifest-37 examples).
    pub const ES256: i64 = -7;
    /// ECDSA P-256 with SHA-256, fully specified (suit-mti).
    pub const ESP256: i64 = -9;
    /// EdDSA, polymorphic (legacy).
    pub const EDDSA: i64 = -8;
    /// Ed25519, fully specified (suit-mti).
    pub const ED25519: i64 = -19;
}

/// Largest digest any supported algorithm produces (SHA-512).
pub const MAX_DIGEST: usize = 64;

/// A SUIT_Digest algorithm. Non-exhaustive: algorithms may be added.
///
/// The discriminants start at 1 so that 0 is free: an absent digest
/// (`Option<SuitDigest>`, in each component's parameters) is then zero, as
/// every other absent parameter is, and clearing a processor's parameters
/// stores one value (measured: -72 B of flash on Cortex-M, see
/// PERFORMANCE.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DigestAlg {
    /// SHA-256 (-16), mandatory.
    Sha256 = 1,
    /// SHA-384 (-43), feature `sha512` in the default backend.
    Sha384 = 2,
    /// SHA-512 (-44), feature `sha512` in the default backend.
    Sha512 = 3,
}

impl DigestAlg {
    /// From a COSE algorithm id; `None` for ids SUIT does not allow here.
    #[must_use]
    pub const fn from_cose(id: i64) -> Option<DigestAlg> {
        match id {
            alg::SHA256 => Some(DigestAlg::Sha256),
            alg::SHA384 => Some(DigestAlg::Sha384),
            alg::SHA512 => Some(DigestAlg::Sha512),
            _ => None,
        }
    }

    /// The COSE id.
    #[must_use]
    pub const fn cose_id(self) -> i64 {
        match self {
            DigestAlg::Sha256 => alg::SHA256,
            DigestAlg::Sha384 => alg::SHA384,
            DigestAlg::Sha512 => alg::SHA512,
        }
    }

    /// Output length in bytes.
    #[must_use]
    pub const fn output_len(self) -> usize {
        match self {
            DigestAlg::Sha256 => 32,
            DigestAlg::Sha384 => 48,
            DigestAlg::Sha512 => 64,
        }
    }
}

/// A COSE signature algorithm this crate can check. Non-exhaustive:
/// algorithms may be added.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SigAlg {
    /// ES256 (-7).
    Es256,
    /// ESP256 (-9).
    Esp256,
    /// EdDSA (-8).
    EdDsa,
    /// Ed25519 (-19).
    Ed25519,
}

impl SigAlg {
    /// From a COSE algorithm id.
    #[must_use]
    pub const fn from_cose(id: i64) -> Option<SigAlg> {
        match id {
            alg::ES256 => Some(SigAlg::Es256),
            alg::ESP256 => Some(SigAlg::Esp256),
            alg::EDDSA => Some(SigAlg::EdDsa),
            alg::ED25519 => Some(SigAlg::Ed25519),
            _ => None,
        }
    }

    /// The COSE id.
    #[must_use]
    pub const fn cose_id(self) -> i64 {
        match self {
            SigAlg::Es256 => alg::ES256,
            SigAlg::Esp256 => alg::ESP256,
            SigAlg::EdDsa => alg::EDDSA,
            SigAlg::Ed25519 => alg::ED25519,
        }
    }

    /// The key type this algorithm needs.
    #[must_use]
    pub const fn key_type(self) -> KeyType {
        match self {
            SigAlg::Es256 | SigAlg::Esp256 => KeyType::P256,
            SigAlg::EdDsa | SigAlg::Ed25519 => KeyType::Ed25519,
        }
    }
}

/// The type of a trusted public key; each type is bound to its algorithms.
/// Non-exhaustive: key types may be added.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
#[non_exhaustive]
pub enum KeyType {
    /// Ed25519, 32 raw bytes; verifies -8 and -19 only.
    Ed25519 = 1,
    /// P-256, SEC1 encoded (65 bytes uncompressed or 33 compressed); verifies -7 and -9 only.
    P256 = 2,
}

/// A signature did not verify (deliberately without a reason).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Invalid;

/// Incremental hashing.
pub trait Hasher {
    /// Absorb `data`.
    fn update(&mut self, data: &[u8]);
    /// Write the digest into `out` and return its length (at most [`MAX_DIGEST`]).
    fn finish(self, out: &mut [u8; MAX_DIGEST]) -> usize;
}

/// The crypto a verifier needs. Implement it to use other backends. A
/// backend with some algorithms only (P-256 in hardware, say) answers the
/// others with [`RustCrypto`]'s `verify`, as the C ABI's
/// `suit_crypto_verify_builtin` lets a C callback do.
pub trait Crypto {
    /// The streaming hasher type.
    type Hasher: Hasher;

    /// A fresh hasher, or `None` if the algorithm is not available.
    fn hasher(&self, alg: DigestAlg) -> Option<Self::Hasher>;

    /// Whether `alg` is available in this build.
    fn supports(&self, alg: SigAlg) -> bool;

    /// Whether digest `alg` can be computed ([`Crypto::hasher`] would give
    /// one). The processor asks before anything runs, so an image-digest of
    /// an algorithm the device lacks rejects the manifest before a payload
    /// is fetched. The default asks `hasher` for one and drops it; override
    /// it when making a hasher has a cost or a side effect (a hardware
    /// operation started and aborted).
    fn supports_digest(&self, alg: DigestAlg) -> bool {
        self.hasher(alg).is_some()
    }

    /// Verify `signature` over the concatenation of `message` parts with
    /// public key `key` (already checked to be of `alg.key_type()`).
    ///
    /// Formats: `key` is the raw public key of [`crate::TrustedKey`]: 32
    /// bytes for Ed25519; an SEC1 point for P-256, uncompressed (65 bytes,
    /// `04 || x || y`) or compressed (33 bytes, `02`/`03 || x`), so a
    /// backend that imports only uncompressed points must decompress (or
    /// refuse with [`Invalid`]). `signature` is as COSE carries it: 64 bytes
    /// `R || S` for EdDSA, 64 bytes `r || s` (not DER) for ES256/ESP256.
    /// EdDSA (-8) and Ed25519 (-19) are pure Ed25519 over the message;
    /// ES256 (-7) and ESP256 (-9) hash the message with SHA-256 first.
    ///
    /// # Errors
    /// [`Invalid`] for a bad key encoding, bad signature encoding or a
    /// signature that does not verify.
    fn verify(
        &self,
        alg: SigAlg,
        key: &[u8],
        message: &[&[u8]],
        signature: &[u8],
    ) -> Result<(), Invalid>;
}

/// The default backend: RustCrypto `sha2`, `ed25519-compact` and `p256`.
#[derive(Clone, Copy, Debug, Default)]
pub struct RustCrypto;

/// [`RustCrypto`]'s hasher.
#[derive(Clone)]
pub enum RustHasher {
    /// SHA-256.
    Sha256(sha2::Sha256),
    /// SHA-384.
    #[cfg(feature = "sha512")]
    Sha384(sha2::Sha384),
    /// SHA-512.
    #[cfg(feature = "sha512")]
    Sha512(sha2::Sha512),
}

impl Hasher for RustHasher {
    fn update(&mut self, data: &[u8]) {
        use sha2::Digest;
        match self {
            RustHasher::Sha256(h) => h.update(data),
            #[cfg(feature = "sha512")]
            RustHasher::Sha384(h) => h.update(data),
            #[cfg(feature = "sha512")]
            RustHasher::Sha512(h) => h.update(data),
        }
    }

    fn finish(self, out: &mut [u8; MAX_DIGEST]) -> usize {
        use sha2::Digest;
        fn put(out: &mut [u8; MAX_DIGEST], d: &[u8]) -> usize {
            for (o, b) in out.iter_mut().zip(d) {
                *o = *b;
            }
            d.len().min(MAX_DIGEST)
        }
        match self {
            RustHasher::Sha256(h) => put(out, &h.finalize()),
            #[cfg(feature = "sha512")]
            RustHasher::Sha384(h) => put(out, &h.finalize()),
            #[cfg(feature = "sha512")]
            RustHasher::Sha512(h) => put(out, &h.finalize()),
        }
    }
}

impl Crypto for RustCrypto {
    type Hasher = RustHasher;

    fn hasher(&self, alg: DigestAlg) -> Option<RustHasher> {
        use sha2::Digest;
        match alg {
            DigestAlg::Sha256 => Some(RustHasher::Sha256(sha2::Sha256::new())),
            #[cfg(feature = "sha512")]
            DigestAlg::Sha384 => Some(RustHasher::Sha384(sha2::Sha384::new())),
            #[cfg(feature = "sha512")]
            DigestAlg::Sha512 => Some(RustHasher::Sha512(sha2::Sha512::new())),
            #[cfg(not(feature = "sha512"))]
            DigestAlg::Sha384 | DigestAlg::Sha512 => None,
        }
    }

    fn supports_digest(&self, alg: DigestAlg) -> bool {
        alg == DigestAlg::Sha256 || cfg!(feature = "sha512")
    }

    fn supports(&self, alg: SigAlg) -> bool {
        match alg.key_type() {
            KeyType::Ed25519 => cfg!(feature = "ed25519"),
            KeyType::P256 => cfg!(feature = "p256"),
        }
    }

    #[allow(unused_variables)]
    #[inline(always)]
    fn verify(
        &self,
        alg: SigAlg,
        key: &[u8],
        message: &[&[u8]],
        signature: &[u8],
    ) -> Result<(), Invalid> {
        // One function per algorithm, never inlined: the caller's frame
        // then holds one algorithm's state at a time, not both (the
        // deepest stack of the whole verification path is here).
        match alg.key_type() {
            #[cfg(feature = "ed25519")]
            KeyType::Ed25519 => verify_ed25519(key, message, signature),
            #[cfg(feature = "p256")]
            KeyType::P256 => verify_p256(key, message, signature),
            #[allow(unreachable_patterns)]
            _ => Err(Invalid),
        }
    }
}

/// Ed25519 over the concatenated `message` parts (incremental, no copy).
///
/// The final check (the scalar multiplications, the largest frame) is a
/// function of its own, never inlined here: inlined, as LTO does in a
/// firmware's library (one call site), its locals were on the stack while
/// `verify_incremental` decoded the key below them, +1.8 KB of peak stack on
/// Cortex-M4 (PERFORMANCE.md, thirteenth revision).
#[cfg(feature = "ed25519")]
#[inline(never)]
fn verify_ed25519(key: &[u8], message: &[&[u8]], signature: &[u8]) -> Result<(), Invalid> {
    let pk = ed25519_compact::PublicKey::from_slice(key).map_err(|_| Invalid)?;
    let sig = ed25519_compact::Signature::from_slice(signature).map_err(|_| Invalid)?;
    let mut st = pk.verify_incremental(&sig).map_err(|_| Invalid)?;
    for part in message {
        st.absorb(part);
    }
    ed25519_finish(st)
}

/// The final check of an incremental Ed25519 verification.
#[cfg(feature = "ed25519")]
#[inline(never)]
fn ed25519_finish(st: ed25519_compact::VerifyingState) -> Result<(), Invalid> {
    st.verify().map_err(|_| Invalid)
}

/// ECDSA P-256 with SHA-256 over the concatenated `message` parts.
#[cfg(feature = "p256")]
#[inline(never)]
fn verify_p256(key: &[u8], message: &[&[u8]], signature: &[u8]) -> Result<(), Invalid> {
    use p256::ecdsa::signature::hazmat::PrehashVerifier;
    use sha2::Digest;
    let vk = p256::ecdsa::VerifyingKey::from_sec1_bytes(key).map_err(|_| Invalid)?;
    let sig = p256::ecdsa::Signature::from_slice(signature).map_err(|_| Invalid)?;
    let mut h = sha2::Sha256::new();
    for part in message {
        h.update(part);
    }
    let digest = h.finalize();
    vk.verify_prehash(&digest, &sig).map_err(|_| Invalid)
}

/// Whether `key` (raw bytes of `key_type`, of the right length) is a public
/// key the built-in primitives can verify with: for Ed25519 a point that
/// decodes and is not of small order, for P-256 a point on the curve.
/// `None` when this build has no code for `key_type` (its feature is off).
/// One point decoding (Ed25519) or decompression (compressed P-256): for
/// start-up and provisioning checks, not every authentication.
#[must_use]
pub fn public_key_valid(key_type: KeyType, key: &[u8]) -> Option<bool> {
    match key_type {
        #[cfg(feature = "ed25519")]
        KeyType::Ed25519 => Some(ed25519_key_valid(key)),
        #[cfg(feature = "p256")]
        KeyType::P256 => Some(p256::ecdsa::VerifyingKey::from_sec1_bytes(key).is_ok()),
        #[allow(unreachable_patterns)]
        _ => {
            let _ = key;
            None
        }
    }
}

/// A signature whose set-up fails only for the key: `R` is the base point's
/// encoding (it decodes and is not of small order), `s` is zero
/// (canonical).
#[cfg(feature = "ed25519")]
const PROBE_SIGNATURE: [u8; 64] = [
    0x58, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
    0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
];

#[cfg(feature = "ed25519")]
fn ed25519_key_valid(key: &[u8]) -> bool {
    use ed25519_compact::{Error, PublicKey, Signature};
    let Ok(pk) = PublicKey::from_slice(key) else {
        return false;
    };
    // ed25519-compact decodes the key when a verification starts and names
    // a key that does not decode or has small order.
    !matches!(
        pk.verify_incremental(&Signature::new(PROBE_SIGNATURE)),
        Err(Error::InvalidPublicKey | Error::WeakPublicKey)
    )
}

/// Constant-time equality of two byte strings of public, equal length.
/// Different lengths compare unequal (lengths are not secret).
#[must_use]
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    // Four bytes at a time (a digest is 32 or 64 bytes), then the rest.
    let (wa, ta) = a.as_chunks::<4>();
    let (wb, tb) = b.as_chunks::<4>();
    let mut acc: u32 = 0;
    for (x, y) in wa.iter().zip(wb) {
        acc |= u32::from_ne_bytes(*x) ^ u32::from_ne_bytes(*y);
    }
    for (x, y) in ta.iter().zip(tb) {
        acc |= u32::from(x ^ y);
    }
    // Keep the compiler from turning the fold into an early exit.
    core::hint::black_box(acc) == 0
}

/// Hash `parts` with `alg`, writing into `out`.
///
/// # Errors
/// `None` if the backend lacks `alg`.
pub(crate) fn digest_parts<C: Crypto>(
    crypto: &C,
    alg: DigestAlg,
    parts: &[&[u8]],
    out: &mut [u8; MAX_DIGEST],
) -> Option<usize> {
    let mut h = crypto.hasher(alg)?;
    for p in parts {
        h.update(p);
    }
    Some(h.finish(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ct_eq_basics() {
        assert!(ct_eq(b"abc", b"abc"));
        assert!(!ct_eq(b"abc", b"abd"));
        assert!(!ct_eq(b"abc", b"ab"));
        assert!(ct_eq(b"", b""));
    }

    /// A difference in any byte or bit is seen, in the four-byte words and
    /// in the tail after them.
    #[test]
    fn ct_eq_sees_every_byte_and_bit() {
        let a: [u8; 37] = core::array::from_fn(|i| i as u8);
        assert!(ct_eq(&a, &a));
        for i in 0..a.len() {
            for bit in 0..8 {
                let mut b = a;
                b[i] ^= 1 << bit;
                assert!(!ct_eq(&a, &b), "byte {i} bit {bit}");
            }
        }
    }

    #[test]
    fn sha256_abc() {
        let mut out = [0u8; MAX_DIGEST];
        let n = digest_parts(&RustCrypto, DigestAlg::Sha256, &[b"a", b"bc"], &mut out);
        assert_eq!(n, Some(32));
        assert_eq!(out[..4], [0xba, 0x78, 0x16, 0xbf]);
    }

    #[test]
    fn key_types_bind_algorithms() {
        assert_eq!(SigAlg::Es256.key_type(), KeyType::P256);
        assert_eq!(SigAlg::Esp256.key_type(), KeyType::P256);
        assert_eq!(SigAlg::EdDsa.key_type(), KeyType::Ed25519);
        assert_eq!(SigAlg::Ed25519.key_type(), KeyType::Ed25519);
        assert_eq!(SigAlg::from_cose(-35), None);
    }
}
