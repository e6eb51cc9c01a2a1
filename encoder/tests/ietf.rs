//! Checks against the IETF vectors (draft-ietf-suit-manifest-37, App. B) and
//! end-to-end signing tests.

use std::path::PathBuf;

use sha2::{Digest, Sha256};
use suit_encoder::cbor::{self, Value};
use suit_encoder::cose::{self, KeyType, SignOptions, SigningKey};
use suit_encoder::suit::{Command, EnvelopeBuilder, Manifest, Sequence, param};
use suit_encoder::{Error, from_hex, test_keys};

fn vectors() -> PathBuf {
    match std::env::var_os("SUIT_IETF_VECTORS") {
        Some(p) => PathBuf::from(p),
        None => PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/vectors/ietf"
        )),
    }
}

fn read(rel: &str) -> Vec<u8> {
    let p = vectors().join(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn read_str(rel: &str) -> String {
    String::from_utf8(read(rel)).unwrap()
}

const D1: &str = "00112233445566778899aabbccddeeff0123456789abcdeffedcba9876543210";

fn example0() -> Manifest {
    let vendor = param::vendor_id_from_domain("arm.com");
    let class = param::class_id_from(&vendor, "suit");
    Manifest {
        sequence_number: 0,
        components: vec![vec![vec![0x00]]],
        shared: Some(Sequence::new(vec![
            Command::override_parameters(vec![
                (param::VENDOR_ID, param::uuid(&vendor)),
                (param::CLASS_ID, param::uuid(&class)),
                (
                    param::IMAGE_DIGEST,
                    param::image_digest(-16, from_hex(D1).unwrap()),
                ),
                (param::IMAGE_SIZE, Value::Uint(34768)),
            ]),
            Command::vendor_identifier(15),
            Command::class_identifier(15),
        ])),
        validate: Some(Sequence::new(vec![Command::image_match(15)])),
        invoke: Some(Sequence::new(vec![Command::invoke(2)])),
        ..Default::default()
    }
}

/// Envelope member `key` (int) of a decoded envelope.
fn member(env: &[u8], key: i64) -> Option<Value> {
    match cbor::decode_all(env).unwrap() {
        Value::Tag(107, m) => m.get_int(key).cloned(),
        other => panic!("not an envelope: {other}"),
    }
}

#[test]
fn every_vector_roundtrips() {
    let mut n = 0;
    let mut dirs = vec![vectors()];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "cbor") {
                let b = std::fs::read(&p).unwrap();
                let (v, used) = cbor::decode(&b).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
                assert_eq!(used, b.len(), "{}", p.display());
                assert_eq!(cbor::try_encode(&v).unwrap(), b, "{}", p.display());
                assert!(cbor::is_canonical(&b));
                n += 1;
            }
        }
    }
    assert!(
        n >= 13,
        "only {n} .cbor files found under {}",
        vectors().display()
    );
}

#[test]
fn example0_manifest_is_byte_exact() {
    let signed = read("manifest/example0-signed.cbor");
    let Some(Value::Bytes(want)) = member(&signed, 3) else {
        panic!("no manifest")
    };
    let b = EnvelopeBuilder::new(example0());
    assert_eq!(b.manifest_bytes().unwrap(), want);
    // The whole unsigned envelope is byte-exact too.
    assert_eq!(b.build().unwrap(), read("manifest/example0-unsigned.cbor"));
    assert_eq!(
        suit_encoder::to_hex(&b.manifest_digest().unwrap()),
        "6658ea560262696dd1f13b782239a064da7c6c5cbaf52fded428a6fc83c7e5af"
    );
}

#[test]
fn example0_to_be_signed_bytes() {
    let unsigned = EnvelopeBuilder::new(example0()).build().unwrap();
    let want = from_hex(&read_str("manifest/example0-signed.sig_structure.hex")).unwrap();
    let parts = cose::parse_envelope(&unsigned).unwrap();
    assert_eq!(
        cose::sig_structure(&[0xa1, 0x01, 0x26], &parts.digest_payload),
        want
    );

    // The draft's own signature verifies over these bytes with its key.
    let signed = read("manifest/example0-signed.cbor");
    let blocks = cose::sign1_blocks(&signed).unwrap();
    assert_eq!(blocks.len(), 1);
    assert_eq!(blocks[0].to_be_signed, want);
    assert_eq!(blocks[0].alg, Some(-7));
    let (kt, pk) =
        cose::public_key_from_spki_pem(&read_str("keys/suit-example-p256-public.pem")).unwrap();
    assert_eq!(kt, KeyType::P256);
    assert_eq!(
        pk,
        from_hex(&read_str("keys/suit-example-p256-public.uncompressed.hex")).unwrap()
    );
    cose::verify_raw(kt, &pk, &want, &blocks[0].signature).unwrap();

    // Signing our rebuilt envelope with the draft key reproduces the signed
    // vector except for the (randomised in the draft) ECDSA signature.
    let key = SigningKey::from_pkcs8_pem(&read_str("keys/suit-example-p256-private.pem")).unwrap();
    assert_eq!(key.public_raw(), pk);
    let ours = cose::sign(&unsigned, &key, -7, None).unwrap();
    assert_eq!(ours.len(), signed.len());
    let sig = &blocks[0].signature;
    let at = signed
        .windows(64)
        .position(|w| w == sig.as_slice())
        .unwrap();
    assert_eq!(ours[..at], signed[..at]);
    assert_eq!(ours[at + 64..], signed[at + 64..]);
    let our_blocks = cose::sign1_blocks(&ours).unwrap();
    cose::verify_raw(kt, &pk, &want, &our_blocks[0].signature).unwrap();
}

#[test]
fn every_signed_vector_to_be_signed_matches() {
    for n in [
        "example0-signed",
        "example1-signed",
        "example2-signed-full",
        "example2-signed-severed",
        "example3-signed",
        "example4-signed",
        "example5-signed",
    ] {
        let env = read(&format!("manifest/{n}.cbor"));
        let want = from_hex(&read_str(&format!("manifest/{n}.sig_structure.hex"))).unwrap();
        let blocks = cose::sign1_blocks(&env).unwrap();
        assert_eq!(blocks[0].to_be_signed, want, "{n}");
        // Re-signing an already signed vector appends a second block and
        // keeps everything else.
        let twice = cose::sign(&env, &test_keys::ed25519_a(), -19, Some(b"k")).unwrap();
        let b2 = cose::sign1_blocks(&twice).unwrap();
        assert_eq!(b2.len(), 2, "{n}");
        assert_eq!(b2[0], blocks[0]);
        assert!(cbor::is_canonical(&twice));
    }
}

#[test]
fn signatures_verify_with_the_crypto_crates_directly() {
    let unsigned = EnvelopeBuilder::new(example0()).build().unwrap();
    for key in test_keys::all() {
        for &alg in key.allowed_algs() {
            let signed = cose::sign(&unsigned, &key, alg, None).unwrap();
            assert!(cbor::is_canonical(&signed));
            let blocks = cose::sign1_blocks(&signed).unwrap();
            assert_eq!(blocks.len(), 1);
            assert_eq!(blocks[0].alg, Some(i128::from(alg)));
            assert_eq!(
                blocks[0].protected,
                cbor::encode(&Value::int_map(vec![(1, Value::int(alg))]))
            );
            let tbs = &blocks[0].to_be_signed;
            let sig = &blocks[0].signature;
            assert_eq!(sig.len(), 64);
            match &key {
                SigningKey::Ed25519(_) => {
                    let pk = ed25519_compact::PublicKey::from_slice(&key.public_raw()).unwrap();
                    let s = ed25519_compact::Signature::from_slice(sig).unwrap();
                    pk.verify(tbs, &s).unwrap();
                }
                SigningKey::P256(_) => {
                    use p256::ecdsa::signature::Verifier;
                    let vk = p256::ecdsa::VerifyingKey::from_sec1_bytes(&key.public_raw()).unwrap();
                    let s = p256::ecdsa::Signature::from_slice(sig).unwrap();
                    vk.verify(tbs, &s).unwrap();
                    // ECDSA over SHA-256 of the to-be-signed bytes.
                    use p256::ecdsa::signature::hazmat::PrehashVerifier;
                    vk.verify_prehash(&Sha256::digest(tbs), &s).unwrap();
                }
            }
        }
        // Wrong algorithm for the key type is refused.
        let bad = if key.key_type() == KeyType::P256 {
            -19
        } else {
            -7
        };
        assert_eq!(
            cose::sign(&unsigned, &key, bad, None),
            Err(Error::AlgNotAllowed(bad))
        );
    }
}

#[test]
fn kid_and_second_signature() {
    let unsigned = EnvelopeBuilder::new(example0()).build().unwrap();
    let once = cose::sign(&unsigned, &test_keys::p256_a(), -9, Some(b"kid-a")).unwrap();
    let twice = cose::sign(&once, &test_keys::ed25519_b(), -19, None).unwrap();
    let blocks = cose::sign1_blocks(&twice).unwrap();
    assert_eq!(blocks.len(), 2);
    let prot = cbor::decode_all(&blocks[0].protected).unwrap();
    assert_eq!(prot.get_int(4), Some(&Value::bytes(*b"kid-a")));
    cose::verify_raw(
        KeyType::P256,
        &test_keys::p256_a().public_raw(),
        &blocks[0].to_be_signed,
        &blocks[0].signature,
    )
    .unwrap();
    cose::verify_raw(
        KeyType::Ed25519,
        &test_keys::ed25519_b().public_raw(),
        &blocks[1].to_be_signed,
        &blocks[1].signature,
    )
    .unwrap();
    // Manifest untouched.
    assert_eq!(member(&twice, 3), member(&unsigned, 3));
}

#[test]
fn sign_refuses_digest_mismatch() {
    for n in [
        "example0-signed.digest-tampered",
        "example0-signed.manifest-seq-tampered",
    ] {
        let env = read(&format!("derived-negative/{n}.cbor"));
        assert_eq!(
            cose::sign(&env, &test_keys::ed25519_a(), -19, None),
            Err(Error::DigestMismatch),
            "{n}"
        );
    }
    // Flip one byte inside the manifest of a freshly built envelope.
    let mut env = EnvelopeBuilder::new(example0()).build().unwrap();
    let last = env.len() - 1;
    env[last] ^= 1;
    assert_eq!(
        cose::sign(&env, &test_keys::p256_a(), -9, None),
        Err(Error::DigestMismatch)
    );
    // Garbage and non-envelopes are errors, not panics.
    for bad in [
        &[][..],
        &[0xd8, 0x6b],
        &[0xd8, 0x6b, 0xa0],
        &[0xa0],
        &[0xd8, 0x6b, 0xa1, 0x02, 0x40],
    ] {
        assert!(cose::sign(bad, &test_keys::p256_a(), -9, None).is_err());
    }
}

#[test]
fn negative_sign_options() {
    let unsigned = EnvelopeBuilder::new(example0()).build().unwrap();
    let key = test_keys::ed25519_a();
    let mut o = SignOptions::new(-7); // lies about the algorithm
    o.corrupt_signature = true;
    o.attached_payload = true;
    o.unprotected = Value::int_map(vec![(4, Value::bytes(*b"x"))]);
    let env = cose::sign_with(&unsigned, &key, &o).unwrap();
    let b = cose::sign1_blocks(&env).unwrap();
    assert_eq!(b[0].alg, Some(-7));
    assert!(
        cose::verify_raw(
            KeyType::Ed25519,
            &key.public_raw(),
            &b[0].to_be_signed,
            &b[0].signature
        )
        .is_err()
    );
    // Empty protected header is h''.
    o.protected = Some(Value::Map(vec![]));
    o.corrupt_signature = false;
    let env = cose::sign_with(&unsigned, &key, &o).unwrap();
    let b = cose::sign1_blocks(&env).unwrap();
    assert!(b[0].protected.is_empty());
    assert_eq!(b[0].alg, None);
    cose::verify_raw(
        KeyType::Ed25519,
        &key.public_raw(),
        &b[0].to_be_signed,
        &b[0].signature,
    )
    .unwrap();
}

#[test]
fn severing_puts_digests_in_manifest() {
    let mut m = example0();
    m.install = Some(Sequence::new(vec![
        Command::override_parameters(vec![(
            param::URI,
            Value::text("http://example.com/very/long/path/to/file/file.bin"),
        )]),
        Command::fetch(2),
        Command::image_match(15),
    ]));
    m.text = Some(Value::Map(vec![(
        Value::text("en"),
        Value::int_map(vec![(1, Value::text("example manifest"))]),
    )]));
    m.sever = vec![20, 23];
    let env = EnvelopeBuilder::new(m).build().unwrap();
    let Some(Value::Bytes(manifest)) = member(&env, 3) else {
        panic!()
    };
    let manifest = cbor::decode_all(&manifest).unwrap();
    for k in [20, 23] {
        let raw = cbor::encode(&member(&env, k).unwrap());
        let want = Value::Array(vec![
            Value::int(-16),
            Value::bytes(Sha256::digest(&raw).to_vec()),
        ]);
        assert_eq!(manifest.get_int(k), Some(&want), "key {k}");
    }
    // Still signable (wrapper digest over the manifest with digests).
    cose::sign(&env, &test_keys::p256_b(), -7, None).unwrap();
}

#[test]
fn example2_full_is_rebuilt_exactly() {
    // Rebuild example 2 from its decoded parts: reference-uri, severed
    // install (20) and text (23).
    let want = read("manifest/example2-signed-full.cbor");
    let Some(Value::Bytes(mbytes)) = member(&want, 3) else {
        panic!()
    };
    let orig = cbor::decode_all(&mbytes).unwrap();
    let Some(Value::Bytes(install)) = member(&want, 20) else {
        panic!()
    };
    let Some(Value::Bytes(text)) = member(&want, 23) else {
        panic!()
    };
    let install = cbor::decode_all(&install).unwrap();
    let text = cbor::decode_all(&text).unwrap();
    let mut m = example0();
    m.sequence_number = 2;
    m.reference_uri = orig.get_int(4).and_then(Value::as_text).map(str::to_owned);
    // Install sequence from its decoded command pairs.
    let cmds = install.as_array().unwrap();
    let mut seq = Sequence::default();
    for pair in cmds.chunks(2) {
        seq.push(Command::custom(
            pair[0].as_int().unwrap() as i64,
            pair[1].clone(),
        ));
    }
    m.install = Some(seq);
    m.text = Some(text);
    m.sever = vec![20, 23];
    let got = EnvelopeBuilder::new(m).build().unwrap();
    assert_eq!(member(&got, 3), member(&want, 3));
    assert_eq!(member(&got, 20), member(&want, 20));
    assert_eq!(member(&got, 23), member(&want, 23));
    assert_eq!(
        cose::parse_envelope(&got).unwrap().digest_payload,
        cose::parse_envelope(&want).unwrap().digest_payload
    );
}

#[test]
fn integrated_payload_and_text_keys_sort_last() {
    let mut b = EnvelopeBuilder::new(example0());
    b.integrated.push(("#image".into(), vec![1, 2, 3]));
    let env = b.build().unwrap();
    assert!(cbor::is_canonical(&env));
    let signed = cose::sign(&env, &test_keys::ed25519_a(), -8, None).unwrap();
    let parts = cose::parse_envelope(&signed).unwrap();
    let keys: Vec<Value> = parts
        .members
        .iter()
        .map(|(k, _)| cbor::decode_all(k).unwrap())
        .collect();
    assert_eq!(
        keys,
        vec![Value::int(2), Value::int(3), Value::text("#image")]
    );
    // Duplicate integrated name is an error.
    b.integrated.push(("#image".into(), vec![4]));
    assert_eq!(b.build(), Err(Error::DuplicateKey));
}

#[test]
fn key_pem_roundtrips() {
    for kt in [KeyType::Ed25519, KeyType::P256] {
        let k = SigningKey::generate(kt).unwrap();
        assert_eq!(k.key_type(), kt);
        let pem = k.to_pkcs8_pem().unwrap();
        assert!(pem.contains("BEGIN PRIVATE KEY"));
        let k2 = SigningKey::from_pkcs8_pem(&pem).unwrap();
        assert_eq!(k2.public_raw(), k.public_raw());
        let (kt2, raw) = cose::public_key_from_spki_pem(&k.public_spki_pem().unwrap()).unwrap();
        assert_eq!((kt2, raw), (kt, k.public_raw()));
    }
    assert_eq!(test_keys::ed25519_a().default_alg(), -19);
    assert_eq!(test_keys::p256_a().default_alg(), -9);
    // SEC1 "EC PRIVATE KEY" PEM from the encryption draft.
    let k = SigningKey::from_pkcs8_pem(&read_str(
        "keys/encryption-dependency-signer-p256-private.pem",
    ))
    .unwrap();
    assert_eq!(
        k.public_raw(),
        from_hex(&read_str(
            "keys/encryption-dependency-signer-p256-public.uncompressed.hex"
        ))
        .unwrap()
    );
    assert!(SigningKey::from_pkcs8_pem("garbage").is_err());
    assert!(cose::public_key_from_spki_pem("garbage").is_err());
}

#[test]
fn mutated_and_truncated_inputs_never_panic() {
    let env = read("manifest/example2-signed-full.cbor");
    let key = test_keys::ed25519_a();
    for i in 0..env.len() {
        for x in [0x01u8, 0x20, 0x80, 0xff] {
            let mut m = env.clone();
            m[i] ^= x;
            let _ = cbor::decode(&m);
            let _ = cose::parse_envelope(&m);
            let _ = cose::sign1_blocks(&m);
        }
        let _ = cose::sign(&env[..i], &key, -19, None);
        let _ = cbor::decode(&env[i..]);
    }
}
