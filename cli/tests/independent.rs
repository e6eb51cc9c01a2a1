//! Envelopes made by `suit create` / `suit sign` checked by code that is not
//! ours: ciborium decodes them (deterministic encoding, map keys in order),
//! sha2 recomputes the digests, and p256 / ed25519-compact verify the
//! signatures directly from the Sig_structure built here. Keys from
//! `suit keygen` are read by p256 / ed25519-compact (and openssl when present),
//! and keys made by openssl sign and verify with `suit`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::as_conversions,
    clippy::cast_possible_truncation,
    clippy::arithmetic_side_effects
)]

mod common;

use ciborium::value::{Integer, Value};
use common::{CLASS, CLASS_B, VENDOR, Work};
use sha2::{Digest, Sha256};

fn decode(bytes: &[u8]) -> Value {
    let mut r = bytes;
    let v: Value = ciborium::de::from_reader(&mut r).expect("ciborium decodes it");
    assert!(r.is_empty(), "trailing bytes after the CBOR item");
    v
}

fn encode(v: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    ciborium::ser::into_writer(v, &mut out).unwrap();
    out
}

/// Every map's keys are in bytewise order of their encodings, with no
/// duplicates, at every depth.
fn assert_sorted(v: &Value, at: &str) {
    match v {
        Value::Map(entries) => {
            let keys: Vec<Vec<u8>> = entries.iter().map(|(k, _)| encode(k)).collect();
            for w in keys.windows(2) {
                assert!(
                    w[0] < w[1],
                    "{at}: map keys out of order: {:02x?} then {:02x?}",
                    w[0],
                    w[1]
                );
            }
            for (_, val) in entries {
                assert_sorted(val, at);
            }
        }
        Value::Array(items) => items.iter().for_each(|i| assert_sorted(i, at)),
        Value::Tag(_, inner) => assert_sorted(inner, at),
        _ => {}
    }
}

/// Decode `bytes` and check deterministic encoding: ciborium re-encodes the
/// same bytes (shortest forms, definite lengths) and keys are sorted.
fn deterministic(bytes: &[u8], at: &str) -> Value {
    let v = decode(bytes);
    assert_eq!(encode(&v), bytes, "{at}: not in preferred serialization");
    assert_sorted(&v, at);
    v
}

fn int(i: i64) -> Value {
    Value::Integer(Integer::from(i))
}

fn get<'a>(map: &'a Value, key: &Value) -> Option<&'a Value> {
    map.as_map()?.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

fn bytes(v: &Value) -> &[u8] {
    v.as_bytes().expect("a byte string").as_slice()
}

fn as_i64(v: &Value) -> i64 {
    i64::try_from(v.as_integer().expect("an integer")).unwrap()
}

/// Walk a command sequence: every bstr-wrapped part is deterministic too.
fn check_sequence(seq_bstr: &[u8], at: &str) {
    let seq = deterministic(seq_bstr, at);
    let items = seq.as_array().expect("a sequence is an array");
    assert!(
        !items.is_empty() && items.len().is_multiple_of(2),
        "{at}: pairs"
    );
    for pair in items.chunks(2) {
        if as_i64(&pair[0]) == 20
            && let Some(d) = get(&pair[1], &int(3))
        {
            let digest = deterministic(bytes(d), &format!("{at} image-digest"));
            let a = digest.as_array().unwrap();
            assert_eq!(as_i64(&a[0]), -16);
            assert_eq!(bytes(&a[1]).len(), 32);
        }
    }
}

/// Independently verify one COSE_Sign1 block over `payload` with the PEM keys.
fn verify_block(block: &Value, payload: &[u8], keys: &[(&str, String)]) -> (i64, String) {
    let Value::Tag(18, body) = block else {
        panic!("not a COSE_Sign1: {block:?}")
    };
    let items = body.as_array().unwrap();
    assert_eq!(items.len(), 4);
    let protected = bytes(&items[0]);
    let header = deterministic(protected, "protected header");
    let alg = as_i64(get(&header, &int(1)).expect("alg in the protected header"));
    assert_eq!(items[1], Value::Map(vec![]), "empty unprotected header");
    assert_eq!(items[2], Value::Null, "detached payload");
    let signature = bytes(&items[3]);
    assert_eq!(signature.len(), 64);
    let tbs = encode(&Value::Array(vec![
        Value::Text("Signature1".into()),
        Value::Bytes(protected.to_vec()),
        Value::Bytes(vec![]),
        Value::Bytes(payload.to_vec()),
    ]));
    for (name, pem) in keys {
        match alg {
            -7 | -9 => {
                use p256::ecdsa::signature::Verifier;
                use p256::pkcs8::DecodePublicKey;
                let Ok(vk) = p256::ecdsa::VerifyingKey::from_public_key_pem(pem) else {
                    continue;
                };
                let sig = p256::ecdsa::Signature::from_slice(signature).unwrap();
                if vk.verify(&tbs, &sig).is_ok() {
                    return (alg, (*name).to_owned());
                }
            }
            -8 | -19 => {
                let Ok(pk) = ed25519_compact::PublicKey::from_pem(pem) else {
                    continue;
                };
                let sig = ed25519_compact::Signature::from_slice(signature).unwrap();
                if pk.verify(&tbs, &sig).is_ok() {
                    return (alg, (*name).to_owned());
                }
            }
            other => panic!("unexpected algorithm {other}"),
        }
    }
    panic!("block with alg {alg} verifies with no key");
}

#[test]
fn created_envelopes_decode_and_verify_independently() {
    let w = Work::with_keys();
    w.write(
        "app.bin",
        (0..5000u32)
            .map(|i| (i * 7 % 256) as u8)
            .collect::<Vec<_>>(),
    );
    w.write("cfg.bin", b"key=value");
    let json = format!(
        r##"{{"sequence-number": 1234567,
            "vendor-id": "{VENDOR}", "class-id": "{CLASS}",
            "components": [
              {{"id": ["h'00'"], "image": "app.bin", "uri": "https://example.com/app.bin", "slot": 0,
                "text": {{"model-name": "m"}}}},
              {{"id": ["cfg", "h'01'"], "class-id": "{CLASS_B}", "image": "cfg.bin", "integrated": "#cfg"}}
            ],
            "text": {{"manifest-description": "independent check"}},
            "sever": ["install", "text"]}}"##
    );
    w.make("env", &json, &["p256"]);
    w.suit(&["sign", "--key", "ed.pem", "env.suit", "-o", "env.suit"])
        .ok();
    w.suit(&[
        "sign", "--key", "p256.pem", "--alg", "-7", "env.suit", "-o", "env.suit",
    ])
    .ok();
    w.suit(&[
        "sign", "--key", "ed.pem", "--alg", "-8", "env.suit", "-o", "env.suit",
    ])
    .ok();
    let keys: Vec<(&str, String)> = ["p256", "ed", "p256b", "edb"]
        .iter()
        .map(|k| {
            (
                *k,
                String::from_utf8(w.read(&format!("{k}.pub.pem"))).unwrap(),
            )
        })
        .collect();

    for file in ["env.unsigned.suit", "env.suit"] {
        let raw = w.read(file);
        let env = deterministic(&raw, file);
        let Value::Tag(107, body) = &env else {
            panic!("{file}: not tagged 107")
        };
        let members = body.as_map().unwrap();
        let keys_seen: Vec<Value> = members.iter().map(|(k, _)| k.clone()).collect();
        assert_eq!(
            keys_seen,
            vec![int(2), int(3), int(20), int(23), Value::Text("#cfg".into())],
            "{file}: envelope members"
        );

        // The manifest digest, recomputed over the manifest bstr (header included).
        let manifest_bstr = encode(get(body, &int(3)).unwrap());
        let wrapper = deterministic(bytes(get(body, &int(2)).unwrap()), "wrapper");
        let wrapper = wrapper.as_array().unwrap();
        let payload = bytes(&wrapper[0]);
        let digest = deterministic(payload, "SUIT_Digest");
        let d = digest.as_array().unwrap();
        assert_eq!(as_i64(&d[0]), -16);
        assert_eq!(bytes(&d[1]), Sha256::digest(&manifest_bstr).as_slice());

        // Signatures.
        let found: Vec<(i64, String)> = wrapper[1..]
            .iter()
            .map(|b| verify_block(&deterministic(bytes(b), "COSE_Sign1"), payload, &keys))
            .collect();
        if file == "env.suit" {
            let want: Vec<(i64, String)> = [(-9, "p256"), (-19, "ed"), (-7, "p256"), (-8, "ed")]
                .iter()
                .map(|(a, k)| (*a, (*k).to_owned()))
                .collect();
            assert_eq!(found, want);
        } else {
            assert!(found.is_empty());
        }

        // The manifest and everything wrapped inside it.
        let manifest = deterministic(bytes(get(body, &int(3)).unwrap()), "manifest");
        let mkeys: Vec<i64> = manifest
            .as_map()
            .unwrap()
            .iter()
            .map(|(k, _)| as_i64(k))
            .collect();
        assert_eq!(mkeys, vec![1, 2, 3, 7, 9, 20, 23]);
        assert_eq!(as_i64(get(&manifest, &int(1)).unwrap()), 1);
        assert_eq!(as_i64(get(&manifest, &int(2)).unwrap()), 1_234_567);
        let common = deterministic(bytes(get(&manifest, &int(3)).unwrap()), "common");
        let comps = get(&common, &int(2)).unwrap().as_array().unwrap();
        assert_eq!(comps[0], Value::Array(vec![Value::Bytes(vec![0])]));
        assert_eq!(
            comps[1],
            Value::Array(vec![Value::Bytes(b"cfg".to_vec()), Value::Bytes(vec![1])])
        );
        check_sequence(bytes(get(&common, &int(4)).unwrap()), "shared sequence");
        check_sequence(bytes(get(&manifest, &int(7)).unwrap()), "validate");
        check_sequence(bytes(get(&manifest, &int(9)).unwrap()), "invoke");

        // Severed members: the digest in the manifest covers the envelope's bstr.
        for k in [20, 23] {
            let severed_digest = get(&manifest, &int(k)).unwrap().as_array().unwrap();
            let member = get(body, &int(k)).unwrap();
            assert_eq!(
                bytes(&severed_digest[1]),
                Sha256::digest(encode(member)).as_slice()
            );
            if k == 20 {
                check_sequence(bytes(member), "install");
            } else {
                let text = deterministic(bytes(member), "text");
                let en = get(&text, &Value::Text("en".into())).unwrap();
                assert_eq!(
                    get(en, &int(1)),
                    Some(&Value::Text("independent check".into()))
                );
            }
        }
        // The integrated payload is the file, byte for byte.
        assert_eq!(
            bytes(get(body, &Value::Text("#cfg".into())).unwrap()),
            b"key=value"
        );
    }
}

#[test]
fn keygen_keys_are_standard_pkcs8_and_spki() {
    use p256::pkcs8::{DecodePrivateKey, DecodePublicKey};
    let w = Work::with_keys();
    let pem = |n: &str| String::from_utf8(w.read(n)).unwrap();
    let sk = p256::ecdsa::SigningKey::from_pkcs8_pem(&pem("p256.pem")).unwrap();
    let vk = p256::ecdsa::VerifyingKey::from_public_key_pem(&pem("p256.pub.pem")).unwrap();
    assert_eq!(sk.verifying_key(), &vk);
    let kp = ed25519_compact::KeyPair::from_pem(&pem("ed.pem")).unwrap();
    let pk = ed25519_compact::PublicKey::from_pem(&pem("ed.pub.pem")).unwrap();
    assert_eq!(kp.pk, pk);
    // Two keygens give different keys.
    assert_ne!(pem("ed.pem"), pem("edb.pem"));
    assert_ne!(pem("p256.pem"), pem("p256b.pem"));
}

/// openssl reads our keys, and keys made by openssl sign and verify with `suit`.
#[test]
fn openssl_interoperates() {
    let w = Work::with_keys();
    let openssl = |args: &[&str]| {
        std::process::Command::new("openssl")
            .args(args)
            .current_dir(w.dir.path())
            .output()
    };
    // scripts/setup.sh installs openssl; a missing one fails the test
    // rather than passing it unchecked, unless skipping is asked for.
    let Ok(probe) = openssl(&["version"]) else {
        assert!(
            std::env::var_os("SUIT_SKIP_OPENSSL").is_some(),
            "openssl not found: install it (scripts/setup.sh does) or set SUIT_SKIP_OPENSSL=1"
        );
        eprintln!("SUIT_SKIP_OPENSSL set: interoperability with openssl not checked");
        return;
    };
    assert!(probe.status.success());
    for (private, public) in [("p256.pem", "p256.pub.pem"), ("ed.pem", "ed.pub.pem")] {
        let derived = openssl(&["pkey", "-in", private, "-pubout"]).unwrap();
        assert!(derived.status.success(), "openssl reads {private}");
        assert_eq!(
            String::from_utf8(derived.stdout).unwrap(),
            String::from_utf8(w.read(public)).unwrap()
        );
    }
    assert!(
        openssl(&["genpkey", "-algorithm", "ed25519", "-out", "ossl-ed.pem"])
            .unwrap()
            .status
            .success()
    );
    assert!(
        openssl(&[
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-out",
            "ossl-ec.pem"
        ])
        .unwrap()
        .status
        .success()
    );
    // The SEC1 file of `openssl ecparam -genkey`: an EC PARAMETERS block,
    // then the EC PRIVATE KEY.
    assert!(
        openssl(&[
            "ecparam",
            "-name",
            "prime256v1",
            "-genkey",
            "-out",
            "ossl-sec1.pem"
        ])
        .unwrap()
        .status
        .success()
    );
    assert!(
        String::from_utf8(w.read("ossl-sec1.pem"))
            .unwrap()
            .contains("BEGIN EC PARAMETERS")
    );
    for k in ["ossl-ed", "ossl-ec", "ossl-sec1"] {
        let o = openssl(&[
            "pkey",
            "-in",
            &format!("{k}.pem"),
            "-pubout",
            "-out",
            &format!("{k}.pub.pem"),
        ])
        .unwrap();
        assert!(o.status.success());
    }
    let json = common::one_component(&w, 3, "fw.bin", 100, "");
    w.make("o", &json, &["ossl-ed", "ossl-ec", "ossl-sec1"]);
    for k in ["ossl-ed", "ossl-ec", "ossl-sec1"] {
        w.suit(&[
            "verify",
            "--key",
            &format!("{k}.pub.pem"),
            "--vendor-id",
            VENDOR,
            "--class-id",
            CLASS,
            "--image",
            "0=fw.bin",
            "o.suit",
        ])
        .ok();
    }
}
