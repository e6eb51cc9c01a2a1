//! Shared helpers for integration tests.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::PathBuf;

/// Where the IETF vectors live: `$SUIT_IETF_VECTORS`, or `../shared/vectors/ietf`
/// beside the checkout. Tests fail (not skip) when the folder is missing.
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

/// The draft's example P-256 public key (uncompressed SEC1).
pub fn ietf_p256_key() -> Vec<u8> {
    let hex = String::from_utf8(ietf("keys/suit-example-p256-public.uncompressed.hex")).unwrap();
    hex::decode(hex.trim()).unwrap()
}

pub fn ietf_dependency_signer_key() -> Vec<u8> {
    let hex = String::from_utf8(ietf(
        "keys/encryption-dependency-signer-p256-public.uncompressed.hex",
    ))
    .unwrap();
    hex::decode(hex.trim()).unwrap()
}
