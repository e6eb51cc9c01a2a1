//! Issue 2: one test per rejection on the way from bytes to an authenticated
//! manifest. Every test names the error it expects.
// Needs envelopes signed with Ed25519 and P-256 test keys: `cargo test --no-default-features` builds this file empty.
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

use common::*;
use suit_encoder::cbor::{Value, encode, head};
use suit_encoder::cose::{SignOptions, sign, sign_with};
use suit_encoder::suit::{Command as C, EnvelopeBuilder, Manifest, Sequence};
use suit_encoder::test_keys;
use suit_verify::crypto::{DigestAlg, Invalid, RustHasher, SigAlg};
use suit_verify::{
    Crypto, Envelope, ErrorKind as K, KeyStore, Policy, RustCrypto, TrustedKey, authenticate,
};

fn ed() -> suit_encoder::cose::SigningKey {
    test_keys::ed25519_a()
}

#[test]
fn accepts_own_envelopes_for_every_algorithm() {
    for key in test_keys::all() {
        for &alg in key.allowed_algs() {
            let env = sign(&unsigned(manifest(9)), &key, alg, None).unwrap();
            assert_eq!(
                auth_kind(&env, &[&key], &Policy::DEFAULT),
                Ok(9),
                "alg {alg}"
            );
        }
    }
}

#[test]
fn bad_digest() {
    // Sign, then change one byte of the manifest (the sequence number).
    let env = signed_with(manifest(3), &ed());
    let parts = envelope_entries(&env);
    let mut tampered = parts.clone();
    let m = &mut tampered[1].1;
    let pos = m.windows(2).position(|w| w == [0x02, 0x03]).unwrap();
    m[pos + 1] = 0x04;
    assert_eq!(
        auth_kind(&envelope_from(&tampered), &[&ed()], &Policy::DEFAULT),
        Err(K::AuthDigestMismatch)
    );
}

#[test]
fn bad_signature() {
    let mut o = SignOptions::new(-19);
    o.corrupt_signature = true;
    let env = sign_with(&unsigned(manifest(1)), &ed(), &o).unwrap();
    assert_eq!(
        auth_kind(&env, &[&ed()], &Policy::DEFAULT),
        Err(K::AuthSignatureInvalid)
    );
}

#[test]
fn wrong_key() {
    let env = signed_with(manifest(1), &test_keys::ed25519_b());
    assert_eq!(
        auth_kind(&env, &[&ed()], &Policy::DEFAULT),
        Err(K::AuthSignatureInvalid)
    );
    let env = signed_with(manifest(1), &test_keys::p256_b());
    assert_eq!(
        auth_kind(&env, &[&test_keys::p256_a()], &Policy::DEFAULT),
        Err(K::AuthSignatureInvalid)
    );
}

#[test]
fn key_of_the_wrong_algorithm_is_never_tried() {
    // ES256 block, only an Ed25519 key trusted: no key of that type.
    let p = test_keys::p256_a();
    let env = sign(&unsigned(manifest(1)), &p, -7, None).unwrap();
    assert_eq!(
        auth_kind(&env, &[&ed()], &Policy::DEFAULT),
        Err(K::AuthUntrustedKey)
    );
    // An Ed25519 signature labelled ES256: the Ed25519 key must not verify it.
    let mut o = SignOptions::new(-7);
    o.protected = Some(Value::int_map(vec![(1, Value::int(-7))]));
    let env = sign_with(&unsigned(manifest(1)), &ed(), &o).unwrap();
    assert_eq!(
        auth_kind(&env, &[&ed()], &Policy::DEFAULT),
        Err(K::AuthUntrustedKey)
    );
    assert_eq!(
        auth_kind(&env, &[&ed(), &p], &Policy::DEFAULT),
        Err(K::AuthSignatureInvalid)
    );
}

#[test]
fn alg_in_the_unprotected_header_only() {
    let mut o = SignOptions::new(-19);
    o.protected = Some(Value::Map(vec![]));
    o.unprotected = Value::int_map(vec![(1, Value::int(-19))]);
    let env = sign_with(&unsigned(manifest(1)), &ed(), &o).unwrap();
    assert_eq!(
        auth_kind(&env, &[&ed()], &Policy::DEFAULT),
        Err(K::AuthUnsupportedAlgorithm)
    );
}

#[test]
fn unknown_algorithm() {
    let mut o = SignOptions::new(-19);
    o.protected = Some(Value::int_map(vec![(1, Value::int(-35))]));
    let env = sign_with(&unsigned(manifest(1)), &ed(), &o).unwrap();
    assert_eq!(
        auth_kind(&env, &[&ed()], &Policy::DEFAULT),
        Err(K::AuthUnsupportedAlgorithm)
    );
}

#[test]
fn attached_payload() {
    let mut o = SignOptions::new(-19);
    o.attached_payload = true;
    let env = sign_with(&unsigned(manifest(1)), &ed(), &o).unwrap();
    assert_eq!(
        auth_kind(&env, &[&ed()], &Policy::DEFAULT),
        Err(K::AuthAttachedPayload)
    );
}

#[test]
fn unknown_critical_header() {
    let mut o = SignOptions::new(-19);
    o.protected = Some(Value::int_map(vec![
        (1, Value::int(-19)),
        (2, Value::Array(vec![Value::int(99)])),
        (99, Value::Uint(1)),
    ]));
    let env = sign_with(&unsigned(manifest(1)), &ed(), &o).unwrap();
    assert_eq!(
        auth_kind(&env, &[&ed()], &Policy::DEFAULT),
        Err(K::AuthUnknownCritical)
    );
    // A critical label we understand (kid) is fine.
    o.protected = Some(Value::int_map(vec![
        (1, Value::int(-19)),
        (2, Value::Array(vec![Value::int(4)])),
        (4, Value::bytes(b"k1".to_vec())),
    ]));
    let env = sign_with(&unsigned(manifest(1)), &ed(), &o).unwrap();
    let (t, raw) = trusted(&ed());
    let keys = [suit_verify::TrustedKey::new(t, &raw)
        .unwrap()
        .with_kid(b"k1")];
    let e = suit_verify::Envelope::parse(&env).unwrap();
    let store = suit_verify::KeyStore::new(&keys).unwrap();
    let r = suit_verify::authenticate(&e, &store, &Policy::DEFAULT, &suit_verify::RustCrypto);
    assert_eq!(r.map(|a| a.sequence_number()).map_err(|e| e.kind()), Ok(1));
}

#[test]
fn no_signature() {
    assert_eq!(
        auth_kind(&unsigned(manifest(1)), &[&ed()], &Policy::DEFAULT),
        Err(K::AuthNoSignature)
    );
}

#[test]
fn kid_selects_the_key() {
    let a = ed();
    let b = test_keys::ed25519_b();
    let env = sign(&unsigned(manifest(4)), &b, -19, Some(b"kid-b")).unwrap();
    let (ta, ra) = trusted(&a);
    let (tb, rb) = trusted(&b);
    let check = |keys: &[suit_verify::TrustedKey<'_>]| {
        let e = suit_verify::Envelope::parse(&env).unwrap();
        suit_verify::authenticate(
            &e,
            &suit_verify::KeyStore::new(keys).unwrap(),
            &Policy::DEFAULT,
            &suit_verify::RustCrypto,
        )
        .map(|a| a.signers())
        .map_err(|e| e.kind())
    };
    let ka = suit_verify::TrustedKey::new(ta, &ra).unwrap();
    let kb = suit_verify::TrustedKey::new(tb, &rb).unwrap();
    // Right key under another kid: not tried.
    assert_eq!(
        check(&[ka, kb.with_kid(b"other")]),
        Err(K::AuthUntrustedKey)
    );
    assert_eq!(
        check(&[ka.with_kid(b"kid-b"), kb]),
        Err(K::AuthSignatureInvalid)
    );
    assert_eq!(check(&[ka, kb.with_kid(b"kid-b")]), Ok(0b10));
}

#[test]
fn required_signers_policy() {
    let a = ed();
    let b = test_keys::p256_a();
    let once = signed_with(manifest(2), &a);
    let twice = sign(&once, &b, b.default_alg(), None).unwrap();
    let all = Policy {
        required_signers: 0b11,
        ..Policy::DEFAULT
    };
    assert_eq!(
        auth_kind(&once, &[&a, &b], &all),
        Err(K::AuthRequiredSignerMissing)
    );
    assert_eq!(auth_kind(&twice, &[&a, &b], &all), Ok(2));
    // Default policy: one is enough; an extra block by an unknown key is ignored.
    let extra = sign(&once, &test_keys::ed25519_b(), -19, None).unwrap();
    assert_eq!(auth_kind(&extra, &[&a], &Policy::DEFAULT), Ok(2));
    // Requiring a key the store does not have can never be met: the
    // caller's mistake, reported as such (not as a missing signer).
    for (keys, bits) in [(1, 0b10u32), (2, 0b100), (2, 0x8000_0000)] {
        let policy = Policy {
            required_signers: bits,
            ..Policy::DEFAULT
        };
        assert_eq!(
            auth_kind(&twice, &[&a, &b][..keys], &policy),
            Err(K::InvalidArgument),
            "{keys} keys, required {bits:#b}"
        );
    }
}

#[test]
fn version_2() {
    let m = Manifest {
        version: 2,
        ..manifest(1)
    };
    assert_eq!(
        auth_kind(&signed_with(m, &ed()), &[&ed()], &Policy::DEFAULT),
        Err(K::ManifestVersion)
    );
}

#[test]
fn sequence_below_the_floor() {
    let env = signed_with(manifest(6), &ed());
    assert_eq!(
        auth_kind(&env, &[&ed()], &Policy::min_sequence(7)),
        Err(K::SequenceRollback)
    );
    assert_eq!(auth_kind(&env, &[&ed()], &Policy::min_sequence(6)), Ok(6));
}

#[test]
fn duplicate_key() {
    let env = signed_with(manifest(1), &ed());
    let p = envelope_entries(&env);
    let dup = envelope_from(&[p[0].clone(), p[0].clone(), p[1].clone()]);
    assert_eq!(
        auth_kind(&dup, &[&ed()], &Policy::DEFAULT),
        Err(K::CborDuplicateKey)
    );
}

#[test]
fn unsorted_keys() {
    let env = signed_with(manifest(1), &ed());
    let p = envelope_entries(&env);
    let swapped = envelope_from(&[p[1].clone(), p[0].clone()]);
    assert_eq!(
        auth_kind(&swapped, &[&ed()], &Policy::DEFAULT),
        Err(K::CborUnsortedKeys)
    );
}

#[test]
fn indefinite_length() {
    let env = signed_with(manifest(1), &ed());
    let p = envelope_entries(&env);
    let mut out = vec![0xd8, 0x6b, 0xbf];
    for (k, v) in &p {
        out.extend(k);
        out.extend(v);
    }
    out.push(0xff);
    assert_eq!(
        auth_kind(&out, &[&ed()], &Policy::DEFAULT),
        Err(K::CborIndefiniteLength)
    );
}

#[test]
fn non_shortest_integer() {
    let env = signed_with(manifest(1), &ed());
    let mut p = envelope_entries(&env);
    p[0].0 = vec![0x18, 0x02]; // key 2 in two bytes
    assert_eq!(
        auth_kind(&envelope_from(&p), &[&ed()], &Policy::DEFAULT),
        Err(K::CborNotShortest)
    );
}

#[test]
fn trailing_byte() {
    let mut env = signed_with(manifest(1), &ed());
    env.push(0x00);
    assert_eq!(
        auth_kind(&env, &[&ed()], &Policy::DEFAULT),
        Err(K::CborTrailingBytes)
    );
}

#[test]
fn truncated_at_every_length() {
    // A cut inside an item's head is CBOR_TRUNCATED; a cut inside a string's
    // content, CBOR_LENGTH_EXCEEDS_INPUT. Nothing else (not a signature or
    // digest failure: the bytes are never reached).
    let env = signed_with(manifest(1), &ed());
    let mut seen = [false; 2];
    for n in 0..env.len() {
        match auth_kind(&env[..n], &[&ed()], &Policy::DEFAULT) {
            Err(K::CborTruncated) => seen[0] = true,
            Err(K::CborLengthExceedsInput) => seen[1] = true,
            other => panic!("prefix of {n} bytes: {other:?}"),
        }
    }
    assert_eq!(seen, [true, true], "both truncation errors occur");
}

#[test]
fn nesting_beyond_the_limit() {
    // A deeply nested value in the (unauthenticated) unprotected header.
    let mut v = Value::Uint(0);
    for _ in 0..suit_verify::limits::MAX_CBOR_DEPTH + 1 {
        v = Value::Array(vec![v]);
    }
    let mut o = SignOptions::new(-19);
    o.unprotected = Value::int_map(vec![(99, v)]);
    let env = sign_with(&unsigned(manifest(1)), &ed(), &o).unwrap();
    assert_eq!(
        auth_kind(&env, &[&ed()], &Policy::DEFAULT),
        Err(K::LimitCborDepth)
    );
}

#[test]
fn huge_declared_length() {
    // An integrated payload whose bstr claims 2^64-1 bytes.
    let mut out = vec![0xd8, 0x6b, 0xa1, 0x61, b'x', 0x5b];
    out.extend([0xff; 8]);
    out.extend([0u8; 16]);
    let r = suit_verify::Envelope::parse(&out)
        .map(|_| ())
        .map_err(|e| e.kind());
    assert_eq!(r, Err(K::CborLengthExceedsInput));
    // And a manifest bstr that claims more than is there.
    let env = signed_with(manifest(1), &ed());
    let mut p = envelope_entries(&env);
    let len = p[1].1.len();
    let mut v = head(2, 1 << 40);
    v.extend(&p[1].1[3..len]);
    p[1].1 = v;
    assert_eq!(
        auth_kind(&envelope_from(&p), &[&ed()], &Policy::DEFAULT),
        Err(K::CborLengthExceedsInput)
    );
}

#[test]
fn missing_tag() {
    let env = signed_with(manifest(1), &ed());
    assert_eq!(
        auth_kind(&env[2..], &[&ed()], &Policy::DEFAULT),
        Err(K::EnvelopeMissingTag)
    );
    let mut other = env.clone();
    other[1] = 0x6c; // tag 108
    assert_eq!(
        auth_kind(&other, &[&ed()], &Policy::DEFAULT),
        Err(K::EnvelopeMissingTag)
    );
}

#[test]
fn unknown_envelope_key() {
    let mut b = EnvelopeBuilder::new(manifest(1));
    b.extra_envelope
        .push((Value::Uint(5), Value::bytes(vec![0x01])));
    let env = sign(&b.build().unwrap(), &ed(), -19, None).unwrap();
    assert_eq!(
        auth_kind(&env, &[&ed()], &Policy::DEFAULT),
        Err(K::EnvelopeUnknownKey)
    );
}

#[test]
fn delegation_chain_is_refused() {
    // Envelope member 1 (suit-delegation, trust domains) is not supported:
    // refused, never skipped (a chain could vouch for the signing key).
    let mut b = EnvelopeBuilder::new(manifest(1));
    b.extra_envelope
        .push((Value::Uint(1), Value::bytes(vec![0x80])));
    let env = sign(&b.build().unwrap(), &ed(), -19, None).unwrap();
    assert_eq!(
        auth_kind(&env, &[&ed()], &Policy::DEFAULT),
        Err(K::EnvelopeUnknownKey)
    );
}

#[test]
fn missing_wrapper_or_manifest() {
    let env = signed_with(manifest(1), &ed());
    let p = envelope_entries(&env);
    assert_eq!(
        auth_kind(&envelope_from(&p[1..]), &[&ed()], &Policy::DEFAULT),
        Err(K::EnvelopeMissingAuth)
    );
    assert_eq!(
        auth_kind(&envelope_from(&p[..1]), &[&ed()], &Policy::DEFAULT),
        Err(K::EnvelopeMissingManifest)
    );
}

fn with_text() -> Manifest {
    let text = Value::Map(vec![(
        Value::text("en"),
        Value::int_map(vec![(
            1,
            Value::text("a manifest with a description long enough to sever"),
        )]),
    )]);
    Manifest {
        text: Some(text),
        sever: vec![23],
        ..manifest(5)
    }
}

#[test]
fn severed_member_whose_digest_differs() {
    let env = signed_with(with_text(), &ed());
    assert_eq!(auth_kind(&env, &[&ed()], &Policy::DEFAULT), Ok(5));
    let mut p = envelope_entries(&env);
    let t = p.iter_mut().find(|(k, _)| k == &[0x17]).unwrap();
    let last = t.1.len() - 1;
    t.1[last] ^= 0x20; // still valid UTF-8 text, different bytes
    assert_eq!(
        auth_kind(&envelope_from(&p), &[&ed()], &Policy::DEFAULT),
        Err(K::SeveredDigestMismatch)
    );
}

#[test]
fn severed_member_absent_is_not_an_error_yet() {
    let env = signed_with(with_text(), &ed());
    let p: Vec<_> = envelope_entries(&env)
        .into_iter()
        .filter(|(k, _)| k != &[0x17])
        .collect();
    assert_eq!(
        auth_kind(&envelope_from(&p), &[&ed()], &Policy::DEFAULT),
        Ok(5)
    );
}

#[test]
fn envelope_member_the_manifest_did_not_sever() {
    let env = signed_with(manifest(5), &ed());
    // Every severable key: coswid, dependency-resolution, payload-fetch,
    // candidate-verification, install, text.
    for key in [0x0e, 0x0f, 0x10, 0x12, 0x14, 0x17] {
        let mut p = envelope_entries(&env);
        p.push((vec![key], encode(&Value::bytes(vec![0xa0]))));
        assert_eq!(
            auth_kind(&envelope_from(&p), &[&ed()], &Policy::DEFAULT),
            Err(K::SeveredMemberUnexpected),
            "key {key}"
        );
    }
}

#[test]
fn authentication_error_wins_over_a_malformed_manifest() {
    // Replace the manifest with malformed CBOR (a reserved additional-info
    // byte) of the same length: the digest no longer matches, and that is
    // what must be reported, not the CBOR error inside.
    let env = signed_with(manifest(1), &ed());
    let mut p = envelope_entries(&env);
    let m = &mut p[1].1;
    let hl = if m[0] == 0x58 { 2 } else { 3 };
    for b in &mut m[hl..] {
        *b = 0x1c;
    }
    assert_eq!(
        auth_kind(&envelope_from(&p), &[&ed()], &Policy::DEFAULT),
        Err(K::AuthDigestMismatch)
    );
}

#[test]
fn malformed_inside_an_authentic_manifest_is_reported_after_authentication() {
    // A manifest member the core does not define, correctly signed.
    let mut m = manifest(1);
    m.extra_manifest.push((99, Value::Uint(1)));
    assert_eq!(
        auth_kind(&signed_with(m, &ed()), &[&ed()], &Policy::DEFAULT),
        Err(K::ManifestUnknownKey)
    );
    let mut m = manifest(1);
    m.extra_common.push((3, Value::Uint(1)));
    assert_eq!(
        auth_kind(&signed_with(m, &ed()), &[&ed()], &Policy::DEFAULT),
        Err(K::ManifestUnknownKey)
    );
    let m = Manifest {
        components: vec![],
        ..manifest(1)
    };
    assert_eq!(
        auth_kind(&signed_with(m, &ed()), &[&ed()], &Policy::DEFAULT),
        Err(K::ManifestMissingMember)
    );
}

#[test]
fn ed25519_non_canonical_s_is_rejected() {
    // S' = S + L has the same value mod L but is not canonical.
    const L: [u8; 32] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde,
        0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ];
    let env = signed_with(manifest(1), &ed());
    let blocks = suit_encoder::cose::sign1_blocks(&env).unwrap();
    let sig = &blocks[0].signature;
    let mut s = [0u8; 32];
    let mut carry = 0u16;
    for i in 0..32 {
        let v = u16::from(sig[32 + i]) + u16::from(L[i]) + carry;
        s[i] = v as u8;
        carry = v >> 8;
    }
    assert_eq!(carry, 0);
    let pos = env.windows(64).position(|w| w == sig.as_slice()).unwrap();
    let mut bad = env.clone();
    bad[pos + 32..pos + 64].copy_from_slice(&s);
    assert_eq!(
        auth_kind(&bad, &[&ed()], &Policy::DEFAULT),
        Err(K::AuthSignatureInvalid)
    );
}

#[test]
fn too_many_blocks() {
    let mut env = signed_with(manifest(1), &ed());
    for _ in 0..suit_verify::limits::MAX_AUTH_BLOCKS {
        env = sign(&env, &ed(), -19, None).unwrap();
    }
    assert_eq!(
        auth_kind(&env, &[&ed()], &Policy::DEFAULT),
        Err(K::LimitAuthBlocks)
    );
}

#[test]
fn bad_trusted_keys() {
    assert_eq!(
        suit_verify::TrustedKey::p256(&[4u8; 64])
            .map(|_| ())
            .map_err(|e| e.kind()),
        Err(K::InvalidKey)
    );
    assert_eq!(
        suit_verify::TrustedKey::new(suit_verify::KeyType::Ed25519, &[0u8; 31])
            .map(|_| ())
            .map_err(|e| e.kind()),
        Err(K::InvalidKey)
    );
    let k = [suit_verify::TrustedKey::ed25519(&[0u8; 32]); suit_verify::limits::MAX_KEYS + 1];
    assert_eq!(
        suit_verify::KeyStore::new(&k)
            .map(|_| ())
            .map_err(|e| e.kind()),
        Err(K::LimitKeys)
    );
}

#[test]
fn trusted_keys_that_are_not_points_fail_validate() {
    use suit_verify::KeyType;
    // The test keys themselves are valid.
    assert_eq!(key_check(KeyType::Ed25519, &ed().public_raw()), Ok(()));
    let p256 = test_keys::p256_a().public_raw();
    assert_eq!(key_check(KeyType::P256, &p256), Ok(()));
    // Ed25519: y = 2 has no x on the curve; y = 1 is the identity (small
    // order, which every signature would verify against).
    let mut y2 = [0u8; 32];
    y2[0] = 2;
    assert_eq!(key_check(KeyType::Ed25519, &y2), Err(K::InvalidKey));
    assert_eq!(
        key_check(KeyType::Ed25519, &ed25519_identity()),
        Err(K::InvalidKey)
    );
    // P-256: the test key with its y changed is off the curve; x = 1 has no
    // y (x^3 - 3x + b is not a square).
    assert_eq!(
        key_check(KeyType::P256, &p256_off_curve()),
        Err(K::InvalidKey)
    );
    let mut x1 = [0u8; 33];
    x1[0] = 2;
    x1[32] = 1;
    assert_eq!(key_check(KeyType::P256, &x1), Err(K::InvalidKey));
}

/// Replace the authentication wrapper's blocks with `blocks` (raw COSE items).
fn with_blocks(env: &[u8], blocks: &[Vec<u8>]) -> Vec<u8> {
    let mut p = envelope_entries(env);
    let (wrapper, _) = suit_encoder::cbor::decode(&p[0].1).unwrap();
    let inner = wrapper.as_bytes().unwrap();
    let elems = suit_encoder::cbor::split_array(inner).unwrap();
    let mut items = vec![Value::bytes(elems[0][..].to_vec())];
    // elems[0] is the encoded bstr of the digest; keep it as raw.
    items[0] = Value::Raw(elems[0].to_vec());
    items.extend(blocks.iter().map(|b| Value::bytes(b.clone())));
    p[0].1 = encode(&Value::bytes(encode(&Value::Array(items))));
    envelope_from(&p)
}

#[test]
fn cose_structure_that_is_not_sign1() {
    let env = unsigned(manifest(1));
    // Not a tag; a tag 18 with three elements; an unknown tag.
    for block in [
        encode(&Value::Array(vec![])),
        encode(&Value::Tag(
            18,
            Box::new(Value::Array(vec![
                Value::bytes(vec![]),
                Value::Map(vec![]),
                Value::Null,
            ])),
        )),
        encode(&Value::Tag(99, Box::new(Value::Array(vec![])))),
    ] {
        let e = with_blocks(&env, &[block]);
        assert_eq!(
            auth_kind(&e, &[&ed()], &Policy::DEFAULT),
            Err(K::AuthCoseMalformed)
        );
    }
    // COSE_Mac0 (not supported yet) is ignored, a valid Sign1 beside it counts.
    let mac0 = encode(&Value::Tag(
        17,
        Box::new(Value::Array(vec![
            Value::bytes(vec![0xa1, 0x01, 0x05]),
            Value::Map(vec![]),
            Value::Null,
            Value::bytes(vec![0; 32]),
        ])),
    ));
    let e = with_blocks(&env, std::slice::from_ref(&mac0));
    assert_eq!(
        auth_kind(&e, &[&ed()], &Policy::DEFAULT),
        Err(K::AuthUnsupportedCose)
    );
    let signed = sign(&e, &ed(), -19, None).unwrap();
    assert_eq!(auth_kind(&signed, &[&ed()], &Policy::DEFAULT), Ok(1));
}

/// The first authentication block of `env` (the content of its bstr).
fn first_block(env: &[u8]) -> Vec<u8> {
    let p = envelope_entries(env);
    let (wrapper, _) = suit_encoder::cbor::decode(&p[0].1).unwrap();
    let elems = suit_encoder::cbor::split_array(wrapper.as_bytes().unwrap()).unwrap();
    let (good, _) = suit_encoder::cbor::decode(elems[1]).unwrap();
    good.as_bytes().unwrap().to_vec()
}

#[test]
fn extra_blocks_beside_a_valid_one() {
    // An appended block that is well-formed CBOR but no COSE_Sign1 (not
    // even in its item types) is ignored, like one no trusted key verifies
    // (spec digest §4.2: no failure for an extra unknown block); one that is not even
    // well-formed CBOR rejects the envelope (strict CBOR everywhere; see
    // docs/threat-model.md).
    let env = signed_with(manifest(1), &ed());
    let good = first_block(&env);
    let with = |extra: Vec<u8>| {
        let e = with_blocks(&env, &[good.clone(), extra]);
        auth_kind(&e, &[&ed()], &Policy::DEFAULT)
    };
    assert_eq!(with(encode(&Value::Array(vec![]))), Ok(1));
    // COSE_Sign1 in shape, with an item of the wrong type: a kid that is
    // text, a signature that is text, an alg that is a byte string.
    let sign1 = |protected: Value, unprotected: Value, signature: Value| {
        encode(&Value::Tag(
            18,
            Box::new(Value::Array(vec![
                Value::bytes(encode(&protected)),
                unprotected,
                Value::Null,
                signature,
            ])),
        ))
    };
    let alg = || Value::int_map(vec![(1, Value::int(-8))]);
    let mistyped = [
        sign1(
            alg(),
            Value::int_map(vec![(4, Value::text("k"))]),
            Value::bytes(vec![0; 64]),
        ),
        sign1(alg(), Value::Map(vec![]), Value::text("sig")),
        sign1(
            Value::int_map(vec![(1, Value::bytes(vec![1]))]),
            Value::Map(vec![]),
            Value::bytes(vec![0; 64]),
        ),
    ];
    for (i, block) in mistyped.iter().enumerate() {
        assert_eq!(
            with(block.clone()),
            Ok(1),
            "mistyped block {i} beside a valid one"
        );
        // Alone, it is the reason no block verified.
        let alone = with_blocks(&env, std::slice::from_ref(block));
        assert_eq!(
            auth_kind(&alone, &[&ed()], &Policy::DEFAULT),
            Err(K::AuthCoseMalformed),
            "mistyped block {i} alone"
        );
    }
    assert_eq!(with(vec![0x1c]), Err(K::CborMalformed));
    // Well-formed but not deterministic: rejects too (every map of the
    // envelope must be canonical, its authentication blocks included).
    let header = [0xd2, 0x84, 0x43, 0xa1, 0x01, 0x27]; // 18([<<{1: -8}>>,
    let mut unsorted = header.to_vec();
    unsorted.extend_from_slice(&[0xa2, 0x18, 0x21, 0x00, 0x04, 0x41, 0x6b]); // {33: 0, 4: h'6b'}
    unsorted.extend_from_slice(&[0xf6, 0x58, 0x40]); // nil, 64-byte signature
    unsorted.extend_from_slice(&[0; 64]);
    assert_eq!(with(unsorted), Err(K::CborUnsortedKeys));
    let mut long_length = header.to_vec();
    long_length.extend_from_slice(&[0xa0, 0xf6, 0x59, 0x00, 0x40]); // {}, nil, length in 2 bytes
    long_length.extend_from_slice(&[0; 64]);
    assert_eq!(with(long_length), Err(K::CborNotShortest));
}

#[test]
fn an_ignored_block_is_still_strict_cbor() {
    // A block that stops being a COSE_Sign1 early (another tag, an array of
    // another length, an item of the wrong type) is ignored, but its bytes
    // must still be one deterministic CBOR item, as everywhere in the
    // envelope. Before, the reader stopped at the first thing it disliked,
    // and everything after it was accepted unread beside a valid block.
    let env = signed_with(manifest(1), &ed());
    let good = first_block(&env);
    let with = |extra: &[u8]| {
        let e = with_blocks(&env, &[good.clone(), extra.to_vec()]);
        auth_kind(&e, &[&ed()], &Policy::DEFAULT)
    };
    let cases: [(&str, &[u8], K); 6] = [
        (
            "tag 17, then a reserved byte",
            &[0xd1, 0x1c],
            K::CborMalformed,
        ),
        (
            "tag 98, indefinite array",
            &[0xd8, 0x62, 0x9f, 0x01, 0xff],
            K::CborIndefiniteLength,
        ),
        (
            "tag 99, non-shortest integer",
            &[0xd8, 0x63, 0x18, 0x01],
            K::CborNotShortest,
        ),
        (
            "tag 18, array of 3 reserved bytes",
            &[0xd2, 0x83, 0x1c, 0x1c, 0x1c],
            K::CborMalformed,
        ),
        (
            "tag 18, a text protected header, then a duplicate key",
            &[0xd2, 0x84, 0x60, 0xa2, 0x04, 0x00, 0x04, 0x00, 0xf6, 0x40],
            K::CborDuplicateKey,
        ),
        (
            "tag 17 with trailing bytes",
            &[0xd1, 0x80, 0x00],
            K::CborTrailingBytes,
        ),
    ];
    for (what, block, kind) in cases {
        assert_eq!(with(block), Err(kind), "{what}");
    }
    // The same shapes, well-formed, are ignored beside the valid block.
    for block in [
        &[0xd1, 0x80][..],
        &[0xd8, 0x62, 0x81, 0x01],
        &[0xd2, 0x83, 0x01, 0x02, 0x03],
    ] {
        assert_eq!(with(block), Ok(1), "{block:02x?}");
    }
}

#[test]
fn a_header_label_in_both_buckets_makes_the_block_unusable() {
    // RFC 9052 §3: the protected and unprotected buckets SHOULD not share a
    // label. For the two this reader takes (alg, kid), a second value in the
    // unprotected bucket makes the block unusable instead of being
    // silently outvoted by the protected one.
    let (t, raw) = trusted(&ed());
    let key = TrustedKey::new(t, &raw).unwrap();
    let keys = [key.with_kid(b"a")];
    let check = |o: &SignOptions, keys: &[TrustedKey<'_>]| {
        let env = sign_with(&unsigned(manifest(1)), &ed(), o).unwrap();
        let e = Envelope::parse(&env).unwrap();
        authenticate(
            &e,
            &KeyStore::new(keys).unwrap(),
            &Policy::DEFAULT,
            &RustCrypto,
        )
        .map(|a| a.signers())
        .map_err(|e| e.kind())
    };
    let mut kid_twice = SignOptions::new(-19);
    kid_twice.kid = Some(b"a".to_vec());
    assert_eq!(check(&kid_twice, &keys), Ok(1));
    kid_twice.unprotected = Value::int_map(vec![(4, Value::bytes(b"b".to_vec()))]);
    assert_eq!(check(&kid_twice, &keys), Err(K::AuthCoseMalformed));
    let mut alg_twice = SignOptions::new(-19);
    alg_twice.unprotected = Value::int_map(vec![(1, Value::int(-7))]);
    assert_eq!(check(&alg_twice, &[key]), Err(K::AuthCoseMalformed));
    // A label only in the unprotected bucket is fine.
    let mut kid_unprotected = SignOptions::new(-19);
    kid_unprotected.unprotected = Value::int_map(vec![(4, Value::bytes(b"a".to_vec()))]);
    assert_eq!(check(&kid_unprotected, &keys), Ok(1));
}

#[test]
fn component_identifiers_must_be_arrays_of_bstr() {
    for comps in [
        Value::Array(vec![]),
        Value::Array(vec![Value::Uint(0)]),
        Value::Array(vec![Value::Array(vec![Value::text("a")])]),
    ] {
        let mut m = Manifest {
            components: vec![],
            ..manifest(1)
        };
        m.extra_common.push((2, comps));
        assert_eq!(
            auth_kind(&signed_with(m, &ed()), &[&ed()], &Policy::DEFAULT),
            Err(K::ComponentIdInvalid)
        );
    }
    let long = vec![vec![0u8]; suit_verify::limits::MAX_COMPONENT_ID_SEGMENTS + 1];
    let m = Manifest {
        components: vec![long],
        ..manifest(1)
    };
    assert_eq!(
        auth_kind(&signed_with(m, &ed()), &[&ed()], &Policy::DEFAULT),
        Err(K::LimitComponentIdSegments)
    );
    let m = Manifest {
        components: vec![vec![vec![0]]; suit_verify::manifest::MAX_COMPONENTS + 1],
        ..manifest(1)
    };
    assert_eq!(
        auth_kind(&signed_with(m, &ed()), &[&ed()], &Policy::DEFAULT),
        Err(K::LimitComponents)
    );
}

#[test]
fn too_many_integrated_payloads() {
    let mut b = EnvelopeBuilder::new(manifest(1));
    for i in 0..=suit_verify::limits::MAX_PAYLOADS {
        b.integrated.push((format!("#p{i}"), vec![i as u8]));
    }
    let env = sign(&b.build().unwrap(), &ed(), -19, None).unwrap();
    assert_eq!(
        auth_kind(&env, &[&ed()], &Policy::DEFAULT),
        Err(K::LimitPayloads)
    );
}

#[test]
fn unsupported_digest_algorithm_in_the_wrapper() {
    // A wrapper digest of SHA-1 (-14): not a SUIT digest algorithm.
    let env = unsigned(manifest(1));
    let mut p = envelope_entries(&env);
    let digest = encode(&Value::Array(vec![
        Value::int(-14),
        Value::bytes(vec![0; 20]),
    ]));
    p[0].1 = encode(&Value::bytes(encode(&Value::Array(vec![Value::bytes(
        digest,
    )]))));
    assert_eq!(
        auth_kind(&envelope_from(&p), &[&ed()], &Policy::DEFAULT),
        Err(K::AuthUnsupportedDigest)
    );
}

// ---- COSE header rules, wrapper and manifest members, keys, receipts ----------

fn with_protected(protected: Value, unprotected: Value) -> Vec<u8> {
    let mut o = SignOptions::new(-19);
    o.protected = Some(protected);
    o.unprotected = unprotected;
    sign_with(&unsigned(manifest(1)), &ed(), &o).unwrap()
}

fn empty_map() -> Value {
    Value::Map(vec![])
}

#[test]
fn a_text_label_in_crit_is_an_unknown_critical_header() {
    let env = with_protected(
        Value::int_map(vec![
            (1, Value::int(-19)),
            (2, Value::Array(vec![Value::text("x")])),
        ]),
        empty_map(),
    );
    assert_eq!(
        auth_kind(&env, &[&ed()], &Policy::DEFAULT),
        Err(K::AuthUnknownCritical)
    );
}

#[test]
fn an_empty_crit_array_makes_the_block_unusable() {
    let env = with_protected(
        Value::int_map(vec![(1, Value::int(-19)), (2, Value::Array(vec![]))]),
        empty_map(),
    );
    assert_eq!(
        auth_kind(&env, &[&ed()], &Policy::DEFAULT),
        Err(K::AuthCoseMalformed)
    );
}

#[test]
fn crit_in_the_unprotected_header_makes_the_block_unusable() {
    let env = with_protected(
        Value::int_map(vec![(1, Value::int(-19))]),
        Value::int_map(vec![(2, Value::Array(vec![Value::int(4)]))]),
    );
    assert_eq!(
        auth_kind(&env, &[&ed()], &Policy::DEFAULT),
        Err(K::AuthCoseMalformed)
    );
}

#[test]
fn a_text_alg_is_unsupported() {
    let env = with_protected(Value::int_map(vec![(1, Value::text("EdDSA"))]), empty_map());
    assert_eq!(
        auth_kind(&env, &[&ed()], &Policy::DEFAULT),
        Err(K::AuthUnsupportedAlgorithm)
    );
}

#[test]
fn bytes_after_the_protected_header_map_reject() {
    let mut prot = encode(&Value::int_map(vec![(1, Value::int(-19))]));
    let ok = with_protected(Value::Bytes(prot.clone()), empty_map());
    assert_eq!(auth_kind(&ok, &[&ed()], &Policy::DEFAULT), Ok(1));
    prot.push(0x00);
    let env = with_protected(Value::Bytes(prot), empty_map());
    assert_eq!(
        auth_kind(&env, &[&ed()], &Policy::DEFAULT),
        Err(K::CborTrailingBytes)
    );
}

#[test]
fn an_untagged_sign1_with_a_valid_signature_is_not_used() {
    let b = &suit_encoder::cose::sign1_blocks(&signed_with(manifest(1), &ed())).unwrap()[0];
    let body = Value::Array(vec![
        Value::bytes(b.protected.clone()),
        empty_map(),
        Value::Null,
        Value::bytes(b.signature.clone()),
    ]);
    let env = unsigned(manifest(1));
    let tagged = encode(&Value::Tag(18, Box::new(body.clone())));
    assert_eq!(
        auth_kind(&with_blocks(&env, &[tagged]), &[&ed()], &Policy::DEFAULT),
        Ok(1)
    );
    let untagged = encode(&body);
    assert_eq!(
        auth_kind(&with_blocks(&env, &[untagged]), &[&ed()], &Policy::DEFAULT),
        Err(K::AuthCoseMalformed)
    );
}

#[test]
fn an_empty_authentication_wrapper_is_malformed() {
    let mut p = envelope_entries(&signed_with(manifest(1), &ed()));
    p[0].1 = encode(&Value::bytes(encode(&Value::Array(vec![]))));
    assert_eq!(
        auth_kind(&envelope_from(&p), &[&ed()], &Policy::DEFAULT),
        Err(K::AuthCoseMalformed)
    );
}

#[test]
fn a_one_element_wrapper_digest_is_invalid() {
    let mut p = envelope_entries(&signed_with(manifest(1), &ed()));
    let (wrapper, _) = suit_encoder::cbor::decode(&p[0].1).unwrap();
    let elems = suit_encoder::cbor::split_array(wrapper.as_bytes().unwrap()).unwrap();
    let mut items = vec![Value::bytes(encode(&Value::Array(vec![Value::int(-16)])))];
    items.extend(elems[1..].iter().map(|e| Value::Raw(e.to_vec())));
    p[0].1 = encode(&Value::bytes(encode(&Value::Array(items))));
    assert_eq!(
        auth_kind(&envelope_from(&p), &[&ed()], &Policy::DEFAULT),
        Err(K::InvalidParameter)
    );
}

#[test]
fn a_p256_key_with_a_wrong_prefix_is_invalid() {
    let p = test_keys::all()
        .into_iter()
        .find(|k| k.key_type() == suit_encoder::cose::KeyType::P256)
        .unwrap()
        .public_raw();
    assert_eq!(p.len(), 65);
    assert!(TrustedKey::p256(&p).is_ok());
    for prefix in [0x00, 0x02, 0x03, 0x05] {
        let mut bad = p.clone();
        bad[0] = prefix;
        assert_eq!(
            TrustedKey::p256(&bad).map(|_| ()).map_err(|e| e.kind()),
            Err(K::InvalidKey)
        );
    }
    let mut compressed = p[..33].to_vec();
    compressed[0] = 0x04;
    assert_eq!(
        TrustedKey::p256(&compressed)
            .map(|_| ())
            .map_err(|e| e.kind()),
        Err(K::InvalidKey)
    );
}

/// A backend that verifies like `RustCrypto` but says it lacks Ed25519 (-19).
struct NoEd25519;
impl Crypto for NoEd25519 {
    type Hasher = RustHasher;
    fn hasher(&self, alg: DigestAlg) -> Option<RustHasher> {
        RustCrypto.hasher(alg)
    }
    fn supports(&self, alg: SigAlg) -> bool {
        alg != SigAlg::Ed25519 && RustCrypto.supports(alg)
    }
    fn verify(&self, alg: SigAlg, key: &[u8], m: &[&[u8]], s: &[u8]) -> Result<(), Invalid> {
        RustCrypto.verify(alg, key, m, s)
    }
}

#[test]
fn an_algorithm_the_backend_lacks_is_unsupported() {
    let env = signed_with(manifest(1), &ed());
    let (t, raw) = trusted(&ed());
    let keys = [TrustedKey::new(t, &raw).unwrap()];
    let store = KeyStore::new(&keys).unwrap();
    let e = Envelope::parse(&env).unwrap();
    assert!(authenticate(&e, &store, &Policy::DEFAULT, &RustCrypto).is_ok());
    assert_eq!(
        authenticate(&e, &store, &Policy::DEFAULT, &NoEd25519)
            .map(|_| ())
            .map_err(|e| e.kind()),
        Err(K::AuthUnsupportedAlgorithm)
    );
}

/// An envelope around the manifest map `m`, signed with ed25519_a.
fn signed_raw_manifest(m: &Value) -> Vec<u8> {
    let mbstr = encode(&Value::bytes(encode(m)));
    let d = suit_encoder::cose::digest(-16, &mbstr).unwrap();
    let sd = encode(&Value::Array(vec![Value::int(-16), Value::bytes(d)]));
    let wrapper = encode(&Value::Array(vec![Value::bytes(sd)]));
    let env = encode(&Value::Tag(
        107,
        Box::new(Value::int_map(vec![
            (2, Value::bytes(wrapper)),
            (3, Value::Raw(mbstr)),
        ])),
    ));
    sign(&env, &ed(), -19, None).unwrap()
}

#[test]
fn a_manifest_without_sequence_number_or_common_is_refused() {
    let common = Value::bytes(encode(&Value::int_map(vec![(
        2,
        Value::Array(vec![Value::Array(vec![Value::bytes(vec![0])])]),
    )])));
    let whole = Value::int_map(vec![
        (1, Value::Uint(1)),
        (2, Value::Uint(1)),
        (3, common.clone()),
    ]);
    assert_eq!(
        auth_kind(&signed_raw_manifest(&whole), &[&ed()], &Policy::DEFAULT),
        Ok(1)
    );
    let no_seq = Value::int_map(vec![(1, Value::Uint(1)), (3, common)]);
    assert_eq!(
        auth_kind(&signed_raw_manifest(&no_seq), &[&ed()], &Policy::DEFAULT),
        Err(K::ManifestMissingMember)
    );
    let no_common = Value::int_map(vec![(1, Value::Uint(1)), (2, Value::Uint(1))]);
    assert_eq!(
        auth_kind(&signed_raw_manifest(&no_common), &[&ed()], &Policy::DEFAULT),
        Err(K::ManifestMissingMember)
    );
}

#[test]
fn a_member_both_inline_and_in_the_envelope_is_unexpected() {
    let m = Manifest {
        install: Some(Sequence::new(vec![C::image_match(15)])),
        ..manifest(5)
    };
    let env = signed_with(m, &ed());
    assert_eq!(auth_kind(&env, &[&ed()], &Policy::DEFAULT), Ok(5));
    let mut p = envelope_entries(&env);
    p.push((
        vec![0x14],
        encode(&Value::bytes(encode(&Value::Array(vec![])))),
    ));
    assert_eq!(
        auth_kind(&envelope_from(&p), &[&ed()], &Policy::DEFAULT),
        Err(K::SeveredMemberUnexpected)
    );
}

#[test]
fn a_receipt_does_not_cover_another_manifest_with_the_same_sequence_number() {
    // Only the digest comparison tells the two manifests apart (a changed
    // sequence number would also be caught by the receipt's number).
    let a = signed_with(manifest(3), &ed());
    let b = signed_with(
        Manifest {
            components: vec![vec![vec![1]]],
            ..manifest(3)
        },
        &ed(),
    );
    let (t, raw) = trusted(&ed());
    let keys = [TrustedKey::new(t, &raw).unwrap()];
    let store = KeyStore::new(&keys).unwrap();
    let ea = Envelope::parse(&a).unwrap();
    let receipt = authenticate(&ea, &store, &Policy::DEFAULT, &RustCrypto)
        .unwrap()
        .receipt();
    assert!(suit_verify::auth::reauthenticate(&ea, &receipt, &RustCrypto).is_ok());
    let eb = Envelope::parse(&b).unwrap();
    assert_eq!(
        suit_verify::auth::reauthenticate(&eb, &receipt, &RustCrypto)
            .map(|_| ())
            .map_err(|e| e.kind()),
        Err(K::AuthDigestMismatch)
    );
}
