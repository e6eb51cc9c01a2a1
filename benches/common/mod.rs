//! Shared inputs for the host benches: the IETF example 4 manifest
//! (three components), signed with ES256 (the draft's own bytes and key) and
//! with EdDSA (re-signed with the fixed test key `ed25519_a`), and a mock
//! platform that answers every question from fixed tables without
//! allocating, so the processor's own cost is what is measured.

#![allow(
    dead_code,
    unreachable_pub,
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::std_instead_of_core
)]

use std::path::PathBuf;
use suit_verify::crypto::{DigestAlg, MAX_DIGEST};
use suit_verify::platform::{Component, PlatformResult, VendorId};
use suit_verify::{Platform, PlatformError};

/// `$SUIT_IETF_VECTORS`, or `../shared/vectors/ietf` beside the checkout.
pub fn ietf_dir() -> PathBuf {
    let dir = std::env::var_os("SUIT_IETF_VECTORS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/vectors/ietf")
        });
    assert!(
        dir.join("README.md").is_file(),
        "IETF vectors not found at {} (set SUIT_IETF_VECTORS)",
        dir.display()
    );
    dir
}

pub fn ietf(rel: &str) -> Vec<u8> {
    let p = ietf_dir().join(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// One signed envelope and the key that verifies it.
pub struct Signed {
    pub name: &'static str,
    pub envelope: Vec<u8>,
    pub key_type: suit_verify::KeyType,
    pub key: Vec<u8>,
}

/// IETF example 4 exactly as published (ES256, the draft's P-256 key).
pub fn example4_es256() -> Signed {
    let hex = String::from_utf8(ietf("keys/suit-example-p256-public.uncompressed.hex")).unwrap();
    Signed {
        name: "es256",
        envelope: ietf("manifest/example4-signed.cbor"),
        key_type: suit_verify::KeyType::P256,
        key: hex::decode(hex.trim()).unwrap(),
    }
}

/// IETF example 4's unsigned envelope signed with EdDSA (-8) by TEST KEY
/// `ed25519_a` (deterministic: Ed25519 signatures are).
pub fn example4_eddsa() -> Signed {
    let key = suit_encoder::test_keys::ed25519_a();
    let unsigned = ietf("manifest/example4-unsigned.cbor");
    let envelope = suit_encoder::cose::sign(&unsigned, &key, -8, None).unwrap();
    Signed {
        name: "eddsa",
        envelope,
        key_type: suit_verify::KeyType::Ed25519,
        key: key.public_raw(),
    }
}

pub const VENDOR: [u8; 16] = [
    0xfa, 0x6b, 0x4a, 0x53, 0xd5, 0xad, 0x5f, 0xdf, 0xbe, 0x9d, 0xe6, 0x63, 0xe4, 0xd4, 0x1f, 0xfe,
];
pub const CLASS: [u8; 16] = [
    0x14, 0x92, 0xaf, 0x14, 0x25, 0x69, 0x5e, 0x48, 0xbf, 0x42, 0x9b, 0x2d, 0x51, 0xf2, 0xab, 0x45,
];
/// The image digests IETF example 4 names for components 0/1 and 2.
pub const D1: [u8; 32] = [
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
    0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10,
];
pub const D2: [u8; 32] = [
    0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10,
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
];

/// A device matching the IETF examples' vendor and class, whose components
/// report their digests through the fast path (`component_digest`), and
/// which accepts every directive. No allocation, no recording.
pub struct BenchPlatform;

impl Platform for BenchPlatform {
    fn check_vendor(&mut self, _c: Component<'_>, id: VendorId<'_>) -> PlatformResult<bool> {
        Ok(matches!(id, VendorId::Uuid(u) if *u == VENDOR))
    }
    fn check_class(&mut self, _c: Component<'_>, id: &[u8; 16]) -> PlatformResult<bool> {
        Ok(*id == CLASS)
    }
    fn component_digest(
        &mut self,
        c: Component<'_>,
        _alg: DigestAlg,
        _size: Option<u64>,
        out: &mut [u8; MAX_DIGEST],
    ) -> PlatformResult<Option<usize>> {
        let d = match c.index {
            0 | 1 => &D1,
            2 => &D2,
            _ => return Err(PlatformError::Unsupported),
        };
        out[..32].copy_from_slice(d);
        Ok(Some(32))
    }
    fn fetch(&mut self, _c: Component<'_>, _uri: &str, _a: Option<&[u8]>) -> PlatformResult<()> {
        Ok(())
    }
    fn copy(&mut self, _c: Component<'_>, _s: Component<'_>) -> PlatformResult<()> {
        Ok(())
    }
}

/// A [`Crypto`](suit_verify::Crypto) without primitives: hashing absorbs
/// nothing and returns a fixed digest, every signature "verifies". Running
/// `authenticate` with it measures everything except the digest and
/// signature primitives directly (no subtraction of two noisy figures).
#[derive(Clone, Copy)]
pub struct NoPrimitives {
    pub digest: [u8; 32],
}

/// [`NoPrimitives`]' hasher.
pub struct FixedHasher([u8; 32]);

impl suit_verify::crypto::Hasher for FixedHasher {
    fn update(&mut self, data: &[u8]) {
        std::hint::black_box(data);
    }
    fn finish(self, out: &mut [u8; MAX_DIGEST]) -> usize {
        out[..32].copy_from_slice(&self.0);
        32
    }
}

impl suit_verify::Crypto for NoPrimitives {
    type Hasher = FixedHasher;
    fn hasher(&self, alg: DigestAlg) -> Option<FixedHasher> {
        (alg == DigestAlg::Sha256).then_some(FixedHasher(self.digest))
    }
    fn supports(&self, _alg: suit_verify::crypto::SigAlg) -> bool {
        true
    }
    fn verify(
        &self,
        _alg: suit_verify::crypto::SigAlg,
        key: &[u8],
        message: &[&[u8]],
        signature: &[u8],
    ) -> Result<(), suit_verify::crypto::Invalid> {
        std::hint::black_box((key, message, signature));
        Ok(())
    }
}
