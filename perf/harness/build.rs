//! Writes the measurement vectors into `OUT_DIR` (host side, deterministic:
//! Ed25519 and RFC 6979 ECDSA signatures, fixed TEST KEYS, fixed image
//! pattern), so the instruction counts are the same on every machine:
//!
//! - `ex4_es256.cbor`: IETF example 4 exactly as published (ES256, the
//!   draft's P-256 key `ietf_p256.key`);
//! - `ex4_eddsa.cbor`: IETF example 4's unsigned envelope signed with EdDSA
//!   (-8) by TEST KEY `ed25519_a` (`ed25519_a.key`);
//! - `img_eddsa.cbor` / `img_es256.cbor`: a two-component manifest whose
//!   validate section checks two real images (4 KiB and 64 KiB of the
//!   pattern `i * 31 % 251`), signed by `ed25519_a` / TEST KEY `p256_a`
//!   (`p256_a.key`): the C ABI path that hashes through the platform;
//! - `nest_eddsa.cbor` / `nest_es256.cbor`: the same components and shared
//!   sequence, with a validate section nested as deep as the processor allows
//!   (`MAX_SEQUENCE_DEPTH` = 4 try-each levels, image-match in the innermost),
//!   for the worst-case stack of `suit_run_section`.
//!
//! The IETF vectors come from `$SUIT_IETF_VECTORS` or
//! `../../../shared/vectors/ietf` (beside the checkout).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use suit_encoder::cbor::Value;
use suit_encoder::suit::{Command, EnvelopeBuilder, Manifest, Sequence, param};

const VENDOR: [u8; 16] = [
    0xfa, 0x6b, 0x4a, 0x53, 0xd5, 0xad, 0x5f, 0xdf, 0xbe, 0x9d, 0xe6, 0x63, 0xe4, 0xd4, 0x1f, 0xfe,
];
const CLASS: [u8; 16] = [
    0x14, 0x92, 0xaf, 0x14, 0x25, 0x69, 0x5e, 0x48, 0xbf, 0x42, 0x9b, 0x2d, 0x51, 0xf2, 0xab, 0x45,
];

fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 % 251) as u8).collect()
}

fn hex(s: &str) -> Vec<u8> {
    let s = s.trim();
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=SUIT_IETF_VECTORS");
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap());
    let ietf = std::env::var_os("SUIT_IETF_VECTORS")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest_dir.join("../../../shared/vectors/ietf"));
    let read = |rel: &str| {
        let p = ietf.join(rel);
        println!("cargo:rerun-if-changed={}", p.display());
        std::fs::read(&p).unwrap_or_else(|e| {
            panic!(
                "{}: {e} (set SUIT_IETF_VECTORS to the IETF vectors folder)",
                p.display()
            )
        })
    };
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap());
    let write = |name: &str, bytes: &[u8]| std::fs::write(out.join(name), bytes).unwrap();

    let ed = suit_encoder::test_keys::ed25519_a();
    let ec = suit_encoder::test_keys::p256_a();

    // IETF example 4, both algorithms.
    write("ex4_es256.cbor", &read("manifest/example4-signed.cbor"));
    let ietf_key =
        String::from_utf8(read("keys/suit-example-p256-public.uncompressed.hex")).unwrap();
    write("ietf_p256.key", &hex(&ietf_key));
    let unsigned = read("manifest/example4-unsigned.cbor");
    write(
        "ex4_eddsa.cbor",
        &suit_encoder::cose::sign(&unsigned, &ed, -8, None).unwrap(),
    );
    write("ed25519_a.key", &ed.public_raw());
    write("p256_a.key", &ec.public_raw());

    // Two components with real images: 4 KiB and 64 KiB of the pattern.
    let image = pattern(64 * 1024);
    let (small, large) = (&image[..4096], &image[..]);
    let params = |img: &[u8]| {
        Command::override_parameters(vec![
            (1, param::uuid(&VENDOR)),
            (2, param::uuid(&CLASS)),
            (3, param::image_digest_sha256(img)),
            (14, Value::Uint(img.len() as u64)),
        ])
    };
    let m = Manifest {
        sequence_number: 7,
        components: vec![vec![b"small".to_vec()], vec![b"large".to_vec()]],
        shared: Some(Sequence::new(vec![
            Command::set_component_index(0),
            params(small),
            Command::vendor_identifier(15),
            Command::class_identifier(15),
            Command::set_component_index(1),
            params(large),
        ])),
        validate: Some(Sequence::new(vec![
            Command::set_component_index_all(),
            Command::image_match(15),
        ])),
        ..Manifest::default()
    };
    // `<stem>_eddsa.cbor` and `<stem>_es256.cbor`: the manifest signed by each test key.
    let sign_both = |stem: &str, m: Manifest| {
        let unsigned = EnvelopeBuilder::new(m).build().unwrap();
        for (alg, key, cose_alg) in [("eddsa", &ed, -8), ("es256", &ec, -7)] {
            let signed = suit_encoder::cose::sign(&unsigned, key, cose_alg, None).unwrap();
            write(&format!("{stem}_{alg}.cbor"), &signed);
        }
    };
    sign_both("img", m.clone());

    // The deepest nesting the processor accepts (suit_verify::limits::MAX_SEQUENCE_DEPTH):
    // every component, then four try-each levels whose first alternative goes one level
    // deeper and whose second is a plain image-match; image-match at the bottom.
    const DEPTH: usize = 4;
    let mut inner = Sequence::new(vec![Command::image_match(15)]);
    for _ in 0..DEPTH {
        inner = Sequence::new(vec![Command::try_each(
            vec![inner, Sequence::new(vec![Command::image_match(15)])],
            false,
        )]);
    }
    let mut validate = inner;
    validate.0.insert(0, Command::set_component_index_all());
    let nested = Manifest {
        validate: Some(validate),
        ..m
    };
    sign_both("nest", nested);
}
