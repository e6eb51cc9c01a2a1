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

/// Example 4's mock device and the crypto without primitives: one file with
/// the Cortex-M harness, so host and Cortex-M measure the same mock.
#[path = "../../perf/example4_device.rs"]
mod device;
#[allow(unused_imports)] // each bench uses its own part
pub use device::{Example4Device, NoPrimitives};
