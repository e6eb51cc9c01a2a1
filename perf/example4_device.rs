//! IETF example 4's device and a crypto backend without primitives, shared
//! by the host benches (`benches/common/mod.rs`) and the Cortex-M harness
//! (`perf/harness`), both of which include this file with `#[path]`. It is
//! `no_std` and allocation-free so both measure the same mock.

use core::hint::black_box;
use suit_verify::crypto::{Crypto, DigestAlg, Hasher, Invalid, MAX_DIGEST, SigAlg};
use suit_verify::platform::{Component, Platform, PlatformError, PlatformResult, VendorId};

/// Example 4's vendor-id.
pub const VENDOR: [u8; 16] = [
    0xfa, 0x6b, 0x4a, 0x53, 0xd5, 0xad, 0x5f, 0xdf, 0xbe, 0x9d, 0xe6, 0x63, 0xe4, 0xd4, 0x1f, 0xfe,
];
/// Example 4's class-id.
pub const CLASS: [u8; 16] = [
    0x14, 0x92, 0xaf, 0x14, 0x25, 0x69, 0x5e, 0x48, 0xbf, 0x42, 0x9b, 0x2d, 0x51, 0xf2, 0xab, 0x45,
];
/// The image digest example 4 names for components 0 and 1.
pub const D1: [u8; 32] = [
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
    0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10,
];
/// The image digest example 4 names for component 2.
pub const D2: [u8; 32] = [
    0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10,
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
];

/// A device matching example 4's vendor and class, whose components report
/// their digests through the fast path (`component_digest`, so no image
/// bytes are hashed), and which accepts fetch and copy. No recording.
pub struct Example4Device;

impl Platform for Example4Device {
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

/// A [`Crypto`] without primitives: hashing absorbs nothing and returns
/// `digest`, every signature "verifies". `authenticate` with it measures
/// everything except the digest and signature primitives directly (no
/// subtraction of two noisy or large figures).
#[derive(Clone, Copy)]
pub struct NoPrimitives {
    /// What every hash returns (the manifest digest the envelope carries).
    pub digest: [u8; 32],
}

/// [`NoPrimitives`]' hasher.
pub struct FixedHasher([u8; 32]);

impl Hasher for FixedHasher {
    fn update(&mut self, data: &[u8]) {
        black_box(data);
    }
    fn finish(self, out: &mut [u8; MAX_DIGEST]) -> usize {
        out[..32].copy_from_slice(&self.0);
        32
    }
}

impl Crypto for NoPrimitives {
    type Hasher = FixedHasher;
    fn hasher(&self, alg: DigestAlg) -> Option<FixedHasher> {
        (alg == DigestAlg::Sha256).then_some(FixedHasher(self.digest))
    }
    fn supports(&self, _alg: SigAlg) -> bool {
        true
    }
    fn verify(&self, _a: SigAlg, key: &[u8], msg: &[&[u8]], sig: &[u8]) -> Result<(), Invalid> {
        black_box((key, msg, sig));
        Ok(())
    }
}
