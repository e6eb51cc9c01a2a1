//! Each signature algorithm is there exactly when its cargo feature is: a
//! build without `p256` rejects ES256 envelopes (and without `ed25519`
//! Ed25519 ones) as an unsupported algorithm, never as a verified one.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    unreachable_pub,
    missing_docs,
    clippy::std_instead_of_core
)]

mod common;

use suit_encoder::test_keys;
use suit_verify::{ErrorKind as K, Policy};

#[test]
fn es256_is_there_exactly_with_the_p256_feature() {
    let key = test_keys::p256_a();
    let env = common::signed_with(common::manifest(3), &key);
    let want = if cfg!(feature = "p256") {
        Ok(3)
    } else {
        Err(K::AuthUnsupportedAlgorithm)
    };
    assert_eq!(common::auth_kind(&env, &[&key], &Policy::DEFAULT), want);
    // The draft's own ES256 example too.
    let ietf = common::ietf("manifest/example0-signed.cbor");
    let raw = common::ietf_p256_key();
    let keys = [suit_verify::TrustedKey::p256(&raw).unwrap()];
    let e = suit_verify::Envelope::parse(&ietf).unwrap();
    let r = suit_verify::authenticate(
        &e,
        &suit_verify::KeyStore::new(&keys).unwrap(),
        &Policy::DEFAULT,
        &suit_verify::RustCrypto,
    );
    assert_eq!(
        r.map(|a| a.sequence_number()).map_err(|e| e.kind()),
        want.map(|_| 0)
    );
}

#[test]
fn ed25519_is_there_exactly_with_the_ed25519_feature() {
    let key = test_keys::ed25519_a();
    let env = common::signed_with(common::manifest(4), &key);
    let want = if cfg!(feature = "ed25519") {
        Ok(4)
    } else {
        Err(K::AuthUnsupportedAlgorithm)
    };
    assert_eq!(common::auth_kind(&env, &[&key], &Policy::DEFAULT), want);
}

#[test]
fn key_points_are_checked_exactly_with_their_algorithms_feature() {
    use suit_verify::KeyType;
    // The Ed25519 identity (small order) and the P-256 test key with its y
    // changed (off the curve): named by `validate` when the build has the
    // type's code, left to the firmware's own verify when it has not.
    let want = |on: bool| if on { Err(K::InvalidKey) } else { Ok(()) };
    assert_eq!(
        common::key_check(KeyType::Ed25519, &common::ed25519_identity()),
        want(cfg!(feature = "ed25519"))
    );
    assert_eq!(
        common::key_check(KeyType::P256, &common::p256_off_curve()),
        want(cfg!(feature = "p256"))
    );
}
