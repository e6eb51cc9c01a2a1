//! Paired ratios: each of our operations against its plain-crate baseline,
//! interleaved sample by sample (A B B A ...), so drift on a shared, noisy
//! machine cancels. Criterion (`benches/image.rs`, `auth.rs`) gives the
//! absolute figures with confidence intervals; this gives the ratios that
//! the targets are stated in.
//!
//! `cargo bench --bench paired` prints one line per pair:
//!
//! ```text
//! paired <name> baseline_ns=<median> ours_ns=<median> ratio=<median of per-round ours/baseline> [p10 p90] rounds=<n>
//! ```
//!
//! and writes the same as JSON to `target/perf/paired.json` (read by
//! `scripts/perf-report.sh`). `PAIRED_ROUNDS` overrides the number of rounds.
//! Never build with `-C target-cpu=native` (PERFORMANCE.md).

#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::as_conversions,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss,
    clippy::std_instead_of_core
)]

mod common;

use sha2::Digest;
use std::fmt::Write as _;
use std::hint::black_box;
use std::time::Instant;
use suit_verify::cose::{Sign1, TbsScratch};
use suit_verify::crypto::{Crypto, DigestAlg, SigAlg};
use suit_verify::digest::SuitDigest;
use suit_verify::limits::Budget;
use suit_verify::{
    Envelope, ErrorKind, ImageVerifier, KeyStore, KeyType, Policy, RustCrypto, TrustedKey,
    authenticate,
};

/// Nanoseconds per call of `f`, timing `iters` calls.
fn time<F: FnMut()>(iters: u32, f: &mut F) -> f64 {
    let t = Instant::now();
    for _ in 0..iters {
        f();
    }
    t.elapsed().as_nanos() as f64 / f64::from(iters)
}

fn pct(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    let i = ((v.len() - 1) as f64 * p).round() as usize;
    v[i]
}

struct Row {
    name: String,
    base: f64,
    ours: f64,
    ratio: f64,
    p10: f64,
    p90: f64,
    rounds: usize,
}

/// Interleave baseline `a` and ours `b`; each sample runs about `target_ns`.
fn pair<A: FnMut(), B: FnMut()>(name: &str, rounds: usize, mut a: A, mut b: B) -> Row {
    // Calibrate: iterations per sample for ~2 ms.
    let one = time(3, &mut a).max(1.0);
    let iters = ((2_000_000.0 / one) as u32).clamp(1, 1_000_000);
    for _ in 0..3 {
        time(iters, &mut a);
        time(iters, &mut b);
    }
    let (mut ta, mut tb, mut r) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..rounds {
        let (x, y) = if i % 2 == 0 {
            let x = time(iters, &mut a);
            (x, time(iters, &mut b))
        } else {
            let y = time(iters, &mut b);
            (time(iters, &mut a), y)
        };
        ta.push(x);
        tb.push(y);
        r.push(y / x);
    }
    let row = Row {
        name: name.to_string(),
        base: pct(&mut ta, 0.5),
        ours: pct(&mut tb, 0.5),
        ratio: pct(&mut r, 0.5),
        p10: pct(&mut r, 0.1),
        p90: pct(&mut r, 0.9),
        rounds,
    };
    println!(
        "paired {} baseline_ns={:.1} ours_ns={:.1} ratio={:.4} [{:.4} {:.4}] rounds={}",
        row.name, row.base, row.ours, row.ratio, row.p10, row.p90, row.rounds
    );
    row
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

fn main() {
    // `cargo bench` passes `--bench`; a filter argument selects pairs.
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let want = |n: &str| filter.as_deref().is_none_or(|f| n.contains(f));
    let rounds: usize = std::env::var("PAIRED_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(41);
    let mut rows = Vec::new();

    // Image verifier vs plain sha2, 4 KiB chunks both.
    for size in [64 * 1024usize, 1024 * 1024] {
        let name = format!("image_{}k", size / 1024);
        if !want(&name) {
            continue;
        }
        let image: Vec<u8> = (0..size).map(|i| (i * 31 % 251) as u8).collect();
        let expected: [u8; 32] = sha2::Sha256::digest(&image).into();
        let d = SuitDigest {
            alg: DigestAlg::Sha256,
            bytes: &expected,
        };
        let img = &image;
        rows.push(pair(
            &name,
            rounds,
            || {
                let mut h = sha2::Sha256::new();
                for c in black_box(img).chunks(4096) {
                    h.update(c);
                }
                black_box(h.finalize());
            },
            || {
                let mut v = ImageVerifier::new(&RustCrypto, &d, Some(img.len() as u64)).unwrap();
                for c in black_box(img).chunks(4096) {
                    v.update(c).unwrap();
                }
                assert!(v.finish().is_ok());
            },
        ));
    }

    for s in [common::example4_eddsa(), common::example4_es256()] {
        let env = Envelope::parse(&s.envelope).unwrap();
        let keys = [TrustedKey::new(s.key_type, &s.key).unwrap()];
        let store = KeyStore::new(&keys).unwrap();
        let (span, block) = env.auth_blocks().next().unwrap();
        let mut budget = Budget::new(1000, ErrorKind::LimitCborItems);
        let sign1 = Sign1::parse(block, span.start(), &mut budget).unwrap();
        let alg = match sign1.alg {
            suit_verify::cose::HeaderAlg::Protected(id) => SigAlg::from_cose(id).unwrap(),
            _ => panic!("no alg"),
        };
        let mut scratch = TbsScratch::default();
        let parts = sign1.tbs_parts(env.wrapper_digest(), &mut scratch);
        let tbs = parts.concat();
        let mbstr = env.manifest_bstr();

        let n = format!("digest_{}", s.name);
        if want(&n) {
            rows.push(pair(
                &n,
                rounds,
                || {
                    black_box(sha2::Sha256::digest(black_box(mbstr)));
                },
                || {
                    let mut b = Budget::new(1000, ErrorKind::LimitCborItems);
                    let e = black_box(&env);
                    let d = SuitDigest::decode(e.wrapper_digest(), 0, &mut b).unwrap();
                    assert!(d.matches(&RustCrypto, &[e.manifest_bstr()]).unwrap());
                },
            ));
        }
        let n = format!("signature_{}", s.name);
        if want(&n) {
            rows.push(pair(
                &n,
                rounds,
                || {
                    assert!(plain_verify(
                        s.key_type,
                        &s.key,
                        black_box(&tbs),
                        sign1.signature
                    ))
                },
                || {
                    assert!(
                        RustCrypto
                            .verify(alg, &s.key, black_box(&parts), sign1.signature)
                            .is_ok()
                    );
                },
            ));
        }
        // authenticate against the two primitives it cannot avoid.
        let n = format!("authenticate_{}", s.name);
        if want(&n) {
            rows.push(pair(
                &n,
                rounds,
                || {
                    black_box(sha2::Sha256::digest(black_box(mbstr)));
                    assert!(plain_verify(
                        s.key_type,
                        &s.key,
                        black_box(&tbs),
                        sign1.signature
                    ));
                },
                || {
                    assert!(
                        authenticate(black_box(&env), &store, &Policy::DEFAULT, &RustCrypto)
                            .is_ok()
                    );
                },
            ));
        }
    }

    let mut json = String::from("[\n");
    for (i, r) in rows.iter().enumerate() {
        let _ = writeln!(
            json,
            "  {{\"name\": \"{}\", \"baseline_ns\": {:.1}, \"ours_ns\": {:.1}, \"ratio\": {:.4}, \"p10\": {:.4}, \"p90\": {:.4}, \"rounds\": {}}}{}",
            r.name,
            r.base,
            r.ours,
            r.ratio,
            r.p10,
            r.p90,
            r.rounds,
            if i + 1 < rows.len() { "," } else { "" }
        );
    }
    json.push_str("]\n");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/perf");
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(dir.join("paired.json"), json);
}
