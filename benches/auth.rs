//! Envelope parse and authentication, split into digest, signature and the
//! rest, each next to its plain-crate baseline in the same process.
//!
//! `cargo bench --bench auth` (or `scripts/perf-report.sh`, which also
//! computes the ratios). Input: IETF example 4 (3 components), ES256 as
//! published and EdDSA re-signed with TEST KEY `ed25519_a`.
//!
//! Per algorithm (`auth_es256/*`, `auth_eddsa/*`):
//! - `digest_plain`: `sha2::Sha256::digest` of the manifest bstr (baseline);
//! - `digest_ours`: step 1 of `authenticate` (decode the SUIT_Digest, hash
//!   through the `Crypto` trait, constant-time compare);
//! - `sig_plain`: the crate's own verify of the contiguous Sig_structure,
//!   key and signature decoding included (`ed25519_compact::PublicKey::
//!   from_slice` + `verify`; `p256` `from_sec1_bytes` + SHA-256 +
//!   `verify_prehash`) (baseline);
//! - `sig_ours`: `RustCrypto::verify` over the four Sig_structure parts;
//! - `authenticate`: the whole call (digest, COSE parse, signature, policy,
//!   manifest decode). "The rest" = authenticate - digest_plain - sig_plain;
//! - `rest_direct`: `authenticate` with a `Crypto` whose hash and verify are
//!   stubs (fixed digest, always valid): the rest measured directly.
//!
//! Never build with `-C target-cpu=native` (PERFORMANCE.md).

#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::std_instead_of_core
)]

mod common;

use common::Signed;
use criterion::{Criterion, criterion_group, criterion_main};
use sha2::Digest;
use std::hint::black_box;
use std::time::Duration;
use suit_verify::cose::{HeaderAlg, Sign1, TbsScratch};
use suit_verify::crypto::{Crypto, SigAlg};
use suit_verify::digest::SuitDigest;
use suit_verify::limits::Budget;
use suit_verify::{
    Envelope, ErrorKind, KeyStore, KeyType, Policy, RustCrypto, TrustedKey, authenticate,
};

fn parse(c: &mut Criterion) {
    let mut g = c.benchmark_group("parse");
    for s in [common::example4_es256(), common::example4_eddsa()] {
        let bytes = s.envelope.clone();
        g.bench_function(s.name, |b| {
            b.iter(|| black_box(Envelope::parse(black_box(&bytes)).is_ok()))
        });
    }
    g.finish();
}

/// The contiguous Sig_structure of the envelope's first block, its
/// algorithm and signature.
fn sig_structure(env: &Envelope<'_>) -> (Vec<u8>, SigAlg, Vec<u8>) {
    let (span, block) = env.auth_blocks().next().unwrap();
    let mut budget = Budget::new(1000, ErrorKind::LimitCborItems);
    let sign1 = Sign1::parse(block, span.start(), &mut budget).unwrap();
    let HeaderAlg::Protected(id) = sign1.alg else {
        panic!("no alg")
    };
    let mut scratch = TbsScratch::default();
    let tbs = sign1.tbs_parts(env.wrapper_digest(), &mut scratch).concat();
    (
        tbs,
        SigAlg::from_cose(id).unwrap(),
        sign1.signature.to_vec(),
    )
}

fn plain_verify(kt: KeyType, key: &[u8], tbs: &[u8], sig: &[u8]) -> bool {
    match kt {
        KeyType::Ed25519 => {
            let pk = ed25519_compact::PublicKey::from_slice(key).unwrap();
            let sig = ed25519_compact::Signature::from_slice(sig).unwrap();
            pk.verify(tbs, &sig).is_ok()
        }
        KeyType::P256 => {
            use p256::ecdsa::signature::hazmat::PrehashVerifier;
            let vk = p256::ecdsa::VerifyingKey::from_sec1_bytes(key).unwrap();
            let sig = p256::ecdsa::Signature::from_slice(sig).unwrap();
            let digest = sha2::Sha256::digest(tbs);
            vk.verify_prehash(&digest, &sig).is_ok()
        }
        other => panic!("no plain baseline for {other:?}"),
    }
}

fn auth_one(c: &mut Criterion, s: &Signed) {
    let env = Envelope::parse(&s.envelope).unwrap();
    let keys = [TrustedKey::new(s.key_type, &s.key).unwrap()];
    let store = KeyStore::new(&keys).unwrap();
    let (tbs, alg, sig) = sig_structure(&env);
    assert!(plain_verify(s.key_type, &s.key, &tbs, &sig));
    assert!(authenticate(&env, &store, &Policy::DEFAULT, &RustCrypto).is_ok());

    let mut g = c.benchmark_group(format!("auth_{}", s.name));
    g.bench_function("digest_plain", |b| {
        b.iter(|| black_box(sha2::Sha256::digest(black_box(env.manifest_bstr()))))
    });
    g.bench_function("digest_ours", |b| {
        b.iter(|| {
            let mut budget = Budget::new(1000, ErrorKind::LimitCborItems);
            let e = black_box(&env);
            let d = SuitDigest::decode(e.wrapper_digest(), 0, &mut budget).unwrap();
            black_box(d.matches(&RustCrypto, &[e.manifest_bstr()]).unwrap())
        })
    });
    g.bench_function("sig_plain", |b| {
        b.iter(|| black_box(plain_verify(s.key_type, &s.key, black_box(&tbs), &sig)))
    });
    g.bench_function("sig_ours", |b| {
        let (span, block) = env.auth_blocks().next().unwrap();
        let mut budget = Budget::new(1000, ErrorKind::LimitCborItems);
        let sign1 = Sign1::parse(block, span.start(), &mut budget).unwrap();
        let mut scratch = TbsScratch::default();
        let parts = sign1.tbs_parts(env.wrapper_digest(), &mut scratch);
        b.iter(|| {
            black_box(
                RustCrypto
                    .verify(alg, &s.key, black_box(&parts), sign1.signature)
                    .is_ok(),
            )
        })
    });
    let stub = common::NoPrimitives {
        digest: sha2::Sha256::digest(env.manifest_bstr()).into(),
    };
    assert!(authenticate(&env, &store, &Policy::DEFAULT, &stub).is_ok());
    g.bench_function("rest_direct", |b| {
        b.iter(|| black_box(authenticate(black_box(&env), &store, &Policy::DEFAULT, &stub).is_ok()))
    });
    g.bench_function("authenticate", |b| {
        b.iter(|| {
            black_box(authenticate(black_box(&env), &store, &Policy::DEFAULT, &RustCrypto).is_ok())
        })
    });
    g.finish();
}

fn auth(c: &mut Criterion) {
    auth_one(c, &common::example4_es256());
    auth_one(c, &common::example4_eddsa());
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(60)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = config();
    targets = parse, auth
}
criterion_main!(benches);
