//! Shared helpers for integration tests.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects,
    clippy::as_conversions,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_possible_wrap,
    unreachable_pub,
    missing_docs,
    clippy::std_instead_of_core,
    dead_code
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

pub mod mock;

use suit_encoder::cbor::Value;
use suit_encoder::cose::{SigningKey, sign};
use suit_encoder::suit::{Command, EnvelopeBuilder, Manifest, Sequence, param};

pub const VENDOR: [u8; 16] = [
    0xfa, 0x6b, 0x4a, 0x53, 0xd5, 0xad, 0x5f, 0xdf, 0xbe, 0x9d, 0xe6, 0x63, 0xe4, 0xd4, 0x1f, 0xfe,
];
pub const CLASS: [u8; 16] = [
    0x14, 0x92, 0xaf, 0x14, 0x25, 0x69, 0x5e, 0x48, 0xbf, 0x42, 0x9b, 0x2d, 0x51, 0xf2, 0xab, 0x45,
];
pub const IMAGE: &[u8] = b"firmware image v1: the exact bytes that were signed";

/// The shared sequence most tests use: vendor, class, digest and size of
/// `image` for component 0, then the vendor and class conditions.
pub fn shared_for(image: &[u8]) -> Sequence {
    Sequence::new(vec![
        Command::override_parameters(vec![
            (1, param::uuid(&VENDOR)),
            (2, param::uuid(&CLASS)),
            (3, param::image_digest_sha256(image)),
            (14, Value::Uint(image.len() as u64)),
        ]),
        Command::vendor_identifier(15),
        Command::class_identifier(15),
    ])
}

/// A one-component manifest for `IMAGE` with validate = image-match.
pub fn manifest(seq: u64) -> Manifest {
    Manifest {
        sequence_number: seq,
        components: vec![vec![vec![0]]],
        shared: Some(shared_for(IMAGE)),
        validate: Some(Sequence::new(vec![Command::image_match(15)])),
        invoke: Some(Sequence::new(vec![Command::invoke(2)])),
        ..Manifest::default()
    }
}

pub fn unsigned(m: Manifest) -> Vec<u8> {
    EnvelopeBuilder::new(m).build().unwrap()
}

pub fn signed_with(m: Manifest, key: &SigningKey) -> Vec<u8> {
    sign(&unsigned(m), key, key.default_alg(), None).unwrap()
}

/// The verifier-side trusted key for an encoder signing key.
pub fn trusted(key: &SigningKey) -> (suit_verify::KeyType, Vec<u8>) {
    let t = match key.key_type() {
        suit_encoder::cose::KeyType::Ed25519 => suit_verify::KeyType::Ed25519,
        suit_encoder::cose::KeyType::P256 => suit_verify::KeyType::P256,
    };
    (t, key.public_raw())
}

/// `TrustedKey::new` then `TrustedKey::validate` of raw key bytes, as an
/// error kind.
pub fn key_check(t: suit_verify::KeyType, key: &[u8]) -> Result<(), suit_verify::ErrorKind> {
    suit_verify::TrustedKey::new(t, key)
        .and_then(|k| k.validate())
        .map_err(|e| e.kind())
}

/// The Ed25519 identity point (y = 1): decodes, but of small order.
pub fn ed25519_identity() -> [u8; 32] {
    let mut k = [0u8; 32];
    k[0] = 1;
    k
}

/// TEST KEY p256_a with its y changed: right length and prefix, off the
/// curve.
pub fn p256_off_curve() -> Vec<u8> {
    let mut k = suit_encoder::test_keys::p256_a().public_raw();
    *k.last_mut().unwrap() ^= 1;
    k
}

/// Authenticate `env` trusting `keys`, returning the error kind on failure.
pub fn auth_kind(
    env: &[u8],
    keys: &[&SigningKey],
    policy: &suit_verify::Policy,
) -> Result<u64, suit_verify::ErrorKind> {
    let raw: Vec<_> = keys.iter().map(|k| trusted(k)).collect();
    let tk: Vec<_> = raw
        .iter()
        .map(|(t, b)| suit_verify::TrustedKey::new(*t, b).unwrap())
        .collect();
    let store = suit_verify::KeyStore::new(&tk).map_err(|e| e.kind())?;
    let e = suit_verify::Envelope::parse(env).map_err(|e| e.kind())?;
    suit_verify::authenticate(&e, &store, policy, &suit_verify::RustCrypto)
        .map(|a| a.sequence_number())
        .map_err(|e| e.kind())
}

/// Split a canonical envelope into (prefix up to the map head, entries as raw byte slices).
pub fn envelope_entries(env: &[u8]) -> Vec<(Vec<u8>, Vec<u8>)> {
    assert_eq!(&env[..2], &[0xd8, 0x6b]);
    let (entries, end) = suit_encoder::cbor::split_map(env, 2).unwrap();
    assert_eq!(end, env.len());
    entries
        .iter()
        .map(|(k, v)| (k.to_vec(), v.to_vec()))
        .collect()
}

/// Re-assemble an envelope from raw entries, in the given order.
pub fn envelope_from(entries: &[(Vec<u8>, Vec<u8>)]) -> Vec<u8> {
    let mut out = vec![0xd8, 0x6b];
    out.extend(suit_encoder::cbor::head(5, entries.len() as u64));
    for (k, v) in entries {
        out.extend(k);
        out.extend(v);
    }
    out
}
