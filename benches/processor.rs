//! The processor running IETF example 4 (three components) with a mock
//! platform that answers `component_digest` from a table.
//!
//! `cargo bench --bench processor`:
//! - `processor/validate`: `Processor::new` + the validate procedure
//!   (shared sequence, then the validate section: vendor, class,
//!   image-match on component 0);
//! - `processor/invoke`: the invocation procedure (validate, load, invoke);
//! - `processor/full_path_eddsa`: parse + authenticate (EdDSA) + validate,
//!   what a bootloader does on every boot, for scale.
//!
//! Baseline: none exists for the procedure itself; PERFORMANCE.md compares
//! it with one signature verification (`auth_eddsa/sig_plain`).

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

use common::Example4Device;
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::Duration;
use suit_verify::manifest::key;
use suit_verify::{
    Envelope, KeyStore, Options, Policy, Procedure, Processor, RustCrypto, TrustedKey, authenticate,
};

fn processor(c: &mut Criterion) {
    let s = common::example4_eddsa();
    let keys = [TrustedKey::new(s.key_type, &s.key).unwrap()];
    let store = KeyStore::new(&keys).unwrap();
    let env = Envelope::parse(&s.envelope).unwrap();
    let auth = authenticate(&env, &store, &Policy::DEFAULT, &RustCrypto).unwrap();

    let mut g = c.benchmark_group("processor");
    for (name, procedure) in [
        ("validate", Procedure::Section(key::VALIDATE)),
        ("invoke", Procedure::Invoke),
    ] {
        let mut platform = Example4Device;
        {
            let mut p =
                Processor::<_, _, 4>::new(&auth, &mut platform, &RustCrypto, Options::DEFAULT)
                    .unwrap();
            assert!(p.run(procedure).is_ok(), "{name}");
        }
        g.bench_function(name, |b| {
            b.iter(|| {
                let mut p = Processor::<_, _, 4>::new(
                    black_box(&auth),
                    &mut platform,
                    &RustCrypto,
                    Options::DEFAULT,
                )
                .unwrap();
                black_box(p.run(black_box(procedure)).is_ok())
            })
        });
    }
    g.bench_function("full_path_eddsa", |b| {
        let mut platform = Example4Device;
        b.iter(|| {
            let env = Envelope::parse(black_box(&s.envelope)).unwrap();
            let auth = authenticate(&env, &store, &Policy::DEFAULT, &RustCrypto).unwrap();
            let mut p =
                Processor::<_, _, 4>::new(&auth, &mut platform, &RustCrypto, Options::DEFAULT)
                    .unwrap();
            black_box(p.run(Procedure::Section(key::VALIDATE)).is_ok())
        })
    });
    g.finish();
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
    targets = processor
}
criterion_main!(benches);
