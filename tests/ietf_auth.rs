//! The drafts' own example envelopes authenticate with their published key;
//! unsigned and tampered ones are rejected with the expected error.
// Needs the drafts' P-256 examples and Ed25519 test envelopes: `cargo test --no-default-features` builds this file empty.
#![cfg(all(feature = "ed25519", feature = "p256"))]
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
    clippy::std_instead_of_core
)]

mod common;

use suit_verify::{Envelope, ErrorKind, KeyStore, Policy, RustCrypto, TrustedKey, authenticate};

fn auth_with(bytes: &[u8], key: &[u8], policy: &Policy) -> Result<u64, ErrorKind> {
    let keys = [TrustedKey::p256(key).unwrap()];
    let env = Envelope::parse(bytes).map_err(|e| e.kind())?;
    let a = authenticate(&env, &KeyStore::new(&keys).unwrap(), policy, &RustCrypto)
        .map_err(|e| e.kind())?;
    Ok(a.sequence_number())
}

fn auth(rel: &str) -> Result<u64, ErrorKind> {
    auth_with(
        &common::ietf(rel),
        &common::ietf_p256_key(),
        &Policy::DEFAULT,
    )
}

#[test]
fn signed_examples_authenticate_with_their_sequence_numbers() {
    for (file, seq) in [
        ("manifest/example0-signed.cbor", 0),
        ("manifest/example1-signed.cbor", 1),
        ("manifest/example2-signed-full.cbor", 2),
        ("manifest/example2-signed-severed.cbor", 2),
        ("manifest/example3-signed.cbor", 3),
        ("manifest/example4-signed.cbor", 4),
        ("manifest/example5-signed.cbor", 5),
    ] {
        assert_eq!(auth(file), Ok(seq), "{file}");
    }
}

#[test]
fn trust_domain_examples_authenticate() {
    for file in [
        "trust-domains/example0_dependent.cbor",
        "trust-domains/example1_process.cbor",
        "trust-domains/example2_integrated.cbor",
        "encryption/suit-manifest-es-ecdh-content.cbor",
        "encryption/suit-manifest-es-ecdh-dependency.integrated-dependency-manifest.cbor",
    ] {
        assert!(auth(file).is_ok(), "{file}: {:?}", auth(file));
    }
    let outer = common::ietf("encryption/suit-manifest-es-ecdh-dependency.cbor");
    assert!(
        auth_with(
            &outer,
            &common::ietf_dependency_signer_key(),
            &Policy::DEFAULT
        )
        .is_ok()
    );
    // ...and not with the other key.
    assert_eq!(
        auth_with(&outer, &common::ietf_p256_key(), &Policy::DEFAULT),
        Err(ErrorKind::AuthSignatureInvalid)
    );
}

#[test]
fn mac0_only_envelopes_are_not_authenticated() {
    // COSE_Mac0 is not supported yet: the only block is ignored.
    assert_eq!(
        auth("encryption/suit-manifest-aes-kw.cbor"),
        Err(ErrorKind::AuthUnsupportedCose)
    );
}

#[test]
fn unsigned_examples_are_rejected() {
    for file in [
        "manifest/example0-unsigned.cbor",
        "manifest/example1-unsigned.cbor",
        "manifest/example2-unsigned-severed.cbor",
        "manifest/example3-unsigned.cbor",
        "manifest/example4-unsigned.cbor",
        "manifest/example5-unsigned.cbor",
    ] {
        assert_eq!(auth(file), Err(ErrorKind::AuthNoSignature), "{file}");
    }
}

#[test]
fn derived_negatives_are_rejected() {
    assert_eq!(
        auth("derived-negative/example0-signed.manifest-seq-tampered.cbor"),
        Err(ErrorKind::AuthDigestMismatch)
    );
    assert_eq!(
        auth("derived-negative/example0-signed.signature-tampered.cbor"),
        Err(ErrorKind::AuthSignatureInvalid)
    );
    assert_eq!(
        auth("derived-negative/example0-signed.digest-tampered.cbor"),
        Err(ErrorKind::AuthDigestMismatch)
    );
}

#[test]
fn rollback_after_example5() {
    let floor = Policy::min_sequence(5);
    let key = common::ietf_p256_key();
    for n in 0..5 {
        let f = format!("manifest/example{n}-signed.cbor");
        let f = if n == 2 {
            "manifest/example2-signed-full.cbor".to_string()
        } else {
            f
        };
        assert_eq!(
            auth_with(&common::ietf(&f), &key, &floor),
            Err(ErrorKind::SequenceRollback),
            "{f}"
        );
    }
    assert_eq!(
        auth_with(&common::ietf("manifest/example5-signed.cbor"), &key, &floor),
        Ok(5)
    );
}

#[test]
fn severed_example_members() {
    let key = common::ietf_p256_key();
    let keys = [TrustedKey::p256(&key).unwrap()];
    let full = common::ietf("manifest/example2-signed-full.cbor");
    let env = Envelope::parse(&full).unwrap();
    let a = authenticate(
        &env,
        &KeyStore::new(&keys).unwrap(),
        &Policy::DEFAULT,
        &RustCrypto,
    )
    .unwrap();
    assert!(a.manifest().section(20).get().is_some());
    assert!(a.manifest().text().get().is_some());
    let sev = common::ietf("manifest/example2-signed-severed.cbor");
    let env = Envelope::parse(&sev).unwrap();
    let a = authenticate(
        &env,
        &KeyStore::new(&keys).unwrap(),
        &Policy::DEFAULT,
        &RustCrypto,
    )
    .unwrap();
    assert_eq!(
        a.manifest().section(20),
        suit_verify::manifest::Severable::Missing
    );
    assert_eq!(a.manifest().reference_uri(), Some("https://git.io/JJYoj"));
}

#[test]
fn every_truncation_of_every_example_is_rejected() {
    let key = common::ietf_p256_key();
    for file in [
        "manifest/example0-signed.cbor",
        "manifest/example2-signed-full.cbor",
        "manifest/example4-signed.cbor",
    ] {
        let bytes = common::ietf(file);
        for n in 0..bytes.len() {
            // Cut in a head: CBOR_TRUNCATED; in a string: LENGTH_EXCEEDS_INPUT.
            let r = auth_with(&bytes[..n], &key, &Policy::DEFAULT);
            assert!(
                matches!(
                    r,
                    Err(ErrorKind::CborTruncated | ErrorKind::CborLengthExceedsInput)
                ),
                "{file} truncated to {n}: {r:?}"
            );
        }
    }
}

#[test]
fn empty_input_is_rejected() {
    assert_eq!(
        Envelope::parse(&[]).map(|_| ()).map_err(|e| e.kind()),
        Err(ErrorKind::CborTruncated)
    );
}
