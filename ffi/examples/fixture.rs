//! Test vectors shared by the ffi unit tests, the C tests and the example
//! firmware: one deterministic image and envelopes describing it, signed
//! with the encoder's fixed TEST KEYS (never trust them in a product).
//!
//! Manifest (sequence number 7, one component `["flash", "app"]`):
//! - shared: vendor, class, image digest and size; vendor and class checks;
//! - install: uri, fetch, image-match;
//! - validate: image-match;
//! - invoke: invoke;
//! - text (`"en"`): manifest description, and vendor name / version for the
//!   component; reference-uri.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::as_conversions
)]

use suit_encoder::cbor::Value;
use suit_encoder::cose::{SigningKey, sign};
use suit_encoder::suit::{Command, EnvelopeBuilder, Manifest, Sequence, param};

/// Vendor UUID (UUID5 of DNS "example.invalid").
pub(crate) fn vendor() -> [u8; 16] {
    param::vendor_id_from_domain("example.invalid")
}

/// Class UUID (UUID5 of the vendor and "demo-board").
pub(crate) fn class() -> [u8; 16] {
    param::class_id_from(&vendor(), "demo-board")
}

/// The component identifier.
pub(crate) fn component_id() -> Vec<Vec<u8>> {
    vec![b"flash".to_vec(), b"app".to_vec()]
}

pub(crate) const SEQUENCE: u64 = 7;
pub(crate) const MANIFEST_DESCRIPTION: &str = "suit-verify example firmware";
pub(crate) const VENDOR_NAME: &str = "Example Vendor";
pub(crate) const COMPONENT_VERSION: &str = "1.2.3";
pub(crate) const REFERENCE_URI: &str = "https://example.invalid/fw.suit";
pub(crate) const IMAGE_URI: &str = "https://example.invalid/fw.bin";

/// A deterministic image of `len` bytes.
pub(crate) fn image(len: usize) -> Vec<u8> {
    let mut x: u32 = 0x1234_5678;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 24) as u8
        })
        .collect()
}

pub(crate) fn manifest(image: &[u8]) -> Manifest {
    let id = component_id();
    let comp_key = Value::Array(id.iter().map(|s| Value::bytes(s.clone())).collect());
    let text = Value::Map(vec![(
        Value::text("en"),
        Value::Map(vec![
            (Value::int(1), Value::text(MANIFEST_DESCRIPTION)),
            (
                comp_key,
                Value::Map(vec![
                    (Value::int(1), Value::text(VENDOR_NAME)),
                    (Value::int(6), Value::text(COMPONENT_VERSION)),
                ]),
            ),
        ]),
    )]);
    Manifest {
        sequence_number: SEQUENCE,
        components: vec![id],
        shared: Some(Sequence::new(vec![
            Command::override_parameters(vec![
                (param::VENDOR_ID, param::uuid(&vendor())),
                (param::CLASS_ID, param::uuid(&class())),
                (param::IMAGE_DIGEST, param::image_digest_sha256(image)),
                (param::IMAGE_SIZE, Value::Uint(image.len() as u64)),
            ]),
            Command::vendor_identifier(15),
            Command::class_identifier(15),
        ])),
        install: Some(Sequence::new(vec![
            Command::override_parameters(vec![(param::URI, Value::text(IMAGE_URI))]),
            Command::fetch(2),
            Command::image_match(15),
        ])),
        validate: Some(Sequence::new(vec![Command::image_match(15)])),
        invoke: Some(Sequence::new(vec![Command::invoke(2)])),
        text: Some(text),
        reference_uri: Some(REFERENCE_URI.to_string()),
        ..Manifest::default()
    }
}

/// The unsigned envelope for `image`.
pub(crate) fn unsigned(image: &[u8]) -> Vec<u8> {
    EnvelopeBuilder::new(manifest(image)).build().unwrap()
}

pub(crate) fn ed25519_key() -> SigningKey {
    suit_encoder::test_keys::ed25519_a()
}

pub(crate) fn p256_key() -> SigningKey {
    suit_encoder::test_keys::p256_a()
}

/// Signed with TEST KEY ed25519_a (EdDSA).
pub(crate) fn envelope_ed25519(image: &[u8]) -> Vec<u8> {
    signed_ed25519(manifest(image))
}

/// `man` (a variant of [`manifest`]) as an envelope signed with TEST KEY
/// ed25519_a (EdDSA).
pub(crate) fn signed_ed25519(man: Manifest) -> Vec<u8> {
    let k = ed25519_key();
    let unsigned = EnvelopeBuilder::new(man).build().unwrap();
    sign(&unsigned, &k, k.default_alg(), None).unwrap()
}

/// Signed with TEST KEY p256_a (ES256, deterministic RFC 6979).
pub(crate) fn envelope_p256(image: &[u8]) -> Vec<u8> {
    let k = p256_key();
    sign(&unsigned(image), &k, k.default_alg(), None).unwrap()
}

/// Signed with both (two COSE_Sign1 blocks: Ed25519 first).
pub(crate) fn envelope_both(image: &[u8]) -> Vec<u8> {
    let (e, p) = (ed25519_key(), p256_key());
    let once = sign(&unsigned(image), &e, e.default_alg(), None).unwrap();
    sign(&once, &p, p.default_alg(), None).unwrap()
}
