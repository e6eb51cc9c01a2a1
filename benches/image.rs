//! The image verifier against plain sha2 over the same buffer, in one run.
//!
//! `cargo bench --bench image` — criterion prints both medians; the ratio
//! (ours / plain) is the verifier's overhead. Never build with
//! `-C target-cpu=native` (it makes sha2's SHA-NI path ~150x slower on this
//! toolchain; see PERFORMANCE.md).

#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::panic,
    clippy::unreachable,
    clippy::arithmetic_side_effects,
    clippy::as_conversions,
    clippy::cast_possible_truncation,
    clippy::std_instead_of_core
)]

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use sha2::Digest;
use std::hint::black_box;
use suit_verify::crypto::DigestAlg;
use suit_verify::digest::SuitDigest;
use suit_verify::{ImageVerifier, RustCrypto};

fn image_hashing(c: &mut Criterion) {
    let mut g = c.benchmark_group("image");
    for size in [64 * 1024usize, 1024 * 1024] {
        let image: Vec<u8> = (0..size).map(|i| (i * 31 % 251) as u8).collect();
        let expected: [u8; 32] = sha2::Sha256::digest(&image).into();
        g.throughput(Throughput::Bytes(size as u64));
        g.bench_with_input(BenchmarkId::new("plain_sha2", size), &image, |b, img| {
            b.iter(|| {
                let mut h = sha2::Sha256::new();
                for chunk in img.chunks(4096) {
                    h.update(chunk);
                }
                black_box(h.finalize())
            })
        });
        g.bench_with_input(
            BenchmarkId::new("image_verifier", size),
            &image,
            |b, img| {
                b.iter(|| {
                    let d = SuitDigest {
                        alg: DigestAlg::Sha256,
                        bytes: &expected,
                    };
                    let mut v = ImageVerifier::new(&RustCrypto, &d, Some(img.len() as u64))
                        .unwrap_or_else(|_| unreachable!());
                    for chunk in img.chunks(4096) {
                        let _ = v.update(chunk);
                    }
                    black_box(v.finish().is_ok())
                })
            },
        );
    }
    g.finish();
}

criterion_group!(benches, image_hashing);
criterion_main!(benches);
