//! Issue 3: the IETF examples 0-5 produce the expected platform calls for the
//! update and invocation procedures on a device whose vendor and class
//! match, and are rejected when they do not.
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

use common::mock::Mock;
use suit_verify::interp::Boot;
use suit_verify::{
    Envelope, ErrorKind as K, KeyStore, Options, Outcome, Policy, Procedure, Processor, RustCrypto,
    TrustedKey, authenticate,
};

const D1: &str = "00112233445566778899aabbccddeeff0123456789abcdeffedcba9876543210";
const D2: &str = "0123456789abcdeffedcba987654321000112233445566778899aabbccddeeff";

fn d(h: &str) -> Vec<u8> {
    hex::decode(h).unwrap()
}

/// Run `procedure` on IETF example `file` with `mock`; return the outcome.
fn run(file: &str, mock: &mut Mock, procedure: Procedure) -> Result<Outcome<'static>, K> {
    let bytes: &'static [u8] = Box::leak(common::ietf(file).into_boxed_slice());
    let key = common::ietf_p256_key();
    let keys = [TrustedKey::p256(&key).unwrap()];
    let env = Envelope::parse(bytes).unwrap();
    let auth = authenticate(
        &env,
        &KeyStore::new(&keys).unwrap(),
        &Policy::DEFAULT,
        &RustCrypto,
    )
    .unwrap();
    let auth: &'static _ = Box::leak(Box::new(auth));
    let mut p = Processor::<_, _, 4>::new(auth, mock, &RustCrypto, Options::DEFAULT).unwrap();
    p.run(procedure).map_err(|e| e.kind())
}

fn done(boot: Option<usize>) -> Result<Outcome<'static>, K> {
    Ok(Outcome {
        boot: boot.map(|c| Boot {
            component: c,
            args: None,
        }),
    })
}

#[test]
fn example0_boot() {
    let mut m = Mock::ietf();
    m.digests.insert(0, d(D1));
    assert_eq!(
        run("manifest/example0-signed.cbor", &mut m, Procedure::Invoke),
        done(Some(0))
    );
    assert_eq!(
        m.calls(),
        ["vendor 0", "class 0", "digest 0", "vendor 0", "class 0"],
        "validate (shared + image-match), invoke (shared; invoke is the caller's act)"
    );
}

#[test]
fn example0_wrong_image() {
    let mut m = Mock::ietf();
    m.digests.insert(0, d(D2));
    assert_eq!(
        run("manifest/example0-signed.cbor", &mut m, Procedure::Invoke),
        Err(K::ImageDigestMismatch)
    );
}

#[test]
fn example0_invoke_callback_when_asked() {
    let bytes = common::ietf("manifest/example0-signed.cbor");
    let key = common::ietf_p256_key();
    let keys = [TrustedKey::p256(&key).unwrap()];
    let env = Envelope::parse(&bytes).unwrap();
    let auth = authenticate(
        &env,
        &KeyStore::new(&keys).unwrap(),
        &Policy::DEFAULT,
        &RustCrypto,
    )
    .unwrap();
    let mut m = Mock::ietf();
    m.digests.insert(0, d(D1));
    let opts = Options {
        invoke_callback: true,
        ..Options::DEFAULT
    };
    let mut p = Processor::<_, _, 4>::new(&auth, &mut m, &RustCrypto, opts).unwrap();
    assert!(p.run(Procedure::Invoke).is_ok());
    assert!(m.calls().contains(&"invoke 0"));
}

#[test]
fn example1_update() {
    let mut m = Mock::ietf();
    m.digests.insert(0, d(D1));
    assert_eq!(
        run("manifest/example1-signed.cbor", &mut m, Procedure::Update),
        done(None)
    );
    assert_eq!(
        m.calls(),
        [
            "vendor 0",
            "class 0",
            "fetch 0 http://example.com/file.bin",
            "digest 0", // install
            "vendor 0",
            "class 0",
            "digest 0", // validate
        ]
    );
}

#[test]
fn example2_full_and_severed() {
    let mut m = Mock::ietf();
    m.digests.insert(0, d(D1));
    assert_eq!(
        run(
            "manifest/example2-signed-full.cbor",
            &mut m,
            Procedure::Update
        ),
        done(None)
    );
    assert!(
        m.calls()
            .contains(&"fetch 0 http://example.com/very/long/path/to/file/file.bin"),
        "{:?}",
        m.calls
    );
    let mut m = Mock::ietf();
    m.digests.insert(0, d(D1));
    assert_eq!(
        run(
            "manifest/example2-signed-severed.cbor",
            &mut m,
            Procedure::Update
        ),
        Err(K::SeveredMemberMissing)
    );
    assert!(
        m.calls.is_empty(),
        "nothing ran before the missing member was found: {:?}",
        m.calls
    );
    let mut m = Mock::ietf();
    m.digests.insert(0, d(D1));
    assert_eq!(
        run(
            "manifest/example2-signed-severed.cbor",
            &mut m,
            Procedure::Invoke
        ),
        done(Some(0))
    );
    assert_eq!(
        run(
            "manifest/example2-signed-severed.cbor",
            &mut Mock::ietf(),
            Procedure::Section(20)
        ),
        Err(K::SeveredMemberMissing)
    );
}

#[test]
fn example3_picks_the_slot_the_device_reports() {
    for (slot, digest, uri) in [(0, D1, "file1"), (1, D2, "file2")] {
        let mut m = Mock::ietf();
        m.slots.insert(0, slot);
        m.digests.insert(0, d(digest));
        assert_eq!(
            run("manifest/example3-signed.cbor", &mut m, Procedure::Update),
            done(None),
            "slot {slot}"
        );
        let fetch = format!("fetch 0 http://example.com/{uri}.bin");
        assert!(m.calls.contains(&fetch), "{:?}", m.calls);
        // The image of the other slot is rejected.
        let mut m = Mock::ietf();
        m.slots.insert(0, slot);
        m.digests.insert(0, d(if slot == 0 { D2 } else { D1 }));
        assert_eq!(
            run(
                "manifest/example3-signed.cbor",
                &mut m,
                Procedure::Section(7)
            ),
            Err(K::ImageDigestMismatch)
        );
    }
    // A slot neither alternative accepts.
    let mut m = Mock::ietf();
    m.slots.insert(0, 7);
    assert_eq!(
        run(
            "manifest/example3-signed.cbor",
            &mut m,
            Procedure::Section(7)
        ),
        Err(K::TryEachFailed)
    );
}

#[test]
fn example4_fetch_install_load_invoke() {
    let mut m = Mock::ietf();
    m.digests.insert(0, d(D1));
    m.digests.insert(1, d(D1));
    m.digests.insert(2, d(D2));
    assert_eq!(
        run("manifest/example4-signed.cbor", &mut m, Procedure::Update),
        done(None)
    );
    assert_eq!(
        m.calls(),
        [
            "vendor 0",
            "class 0",
            "fetch 1 http://example.com/file.bin",
            "digest 1", // payload-fetch
            "vendor 0",
            "class 0",
            "copy 0 <- 1",
            "digest 0", // install
            "vendor 0",
            "class 0",
            "digest 0", // validate
        ]
    );
    let mut m = Mock::ietf();
    m.digests.insert(0, d(D1));
    m.digests.insert(2, d(D2));
    assert_eq!(
        run("manifest/example4-signed.cbor", &mut m, Procedure::Invoke),
        done(Some(2))
    );
    assert_eq!(
        m.calls(),
        [
            "vendor 0",
            "class 0",
            "digest 0", // validate
            "vendor 0",
            "class 0",
            "copy 2 <- 0",
            "digest 2", // load
            "vendor 0",
            "class 0", // invoke
        ]
    );
}

#[test]
fn example5_two_images() {
    let mut m = Mock::ietf();
    m.digests.insert(0, d(D1));
    m.digests.insert(1, d(D2));
    assert_eq!(
        run("manifest/example5-signed.cbor", &mut m, Procedure::Update),
        done(None)
    );
    assert_eq!(
        m.calls(),
        [
            "vendor 0",
            "class 0",
            "fetch 0 http://example.com/file1.bin",
            "digest 0",
            "fetch 1 http://example.com/file2.bin",
            "digest 1",
            "vendor 0",
            "class 0",
            "digest 0",
            "digest 1",
        ]
    );
    assert_eq!(
        run("manifest/example5-signed.cbor", &mut m, Procedure::Invoke),
        done(Some(0))
    );
}

#[test]
fn every_example_is_rejected_on_another_device() {
    let other = [0x11u8; 16];
    for (file, first) in [
        ("manifest/example0-signed.cbor", Procedure::Invoke),
        ("manifest/example1-signed.cbor", Procedure::Update),
        ("manifest/example2-signed-full.cbor", Procedure::Update),
        ("manifest/example3-signed.cbor", Procedure::Update),
        ("manifest/example4-signed.cbor", Procedure::Update),
        ("manifest/example5-signed.cbor", Procedure::Update),
    ] {
        let mut wrong_vendor = Mock {
            vendors: vec![other],
            classes: vec![common::CLASS],
            ..Mock::default()
        };
        wrong_vendor.slots.insert(0, 0);
        assert_eq!(
            run(file, &mut wrong_vendor, first),
            Err(K::VendorMismatch),
            "{file}"
        );
        assert!(
            !wrong_vendor
                .calls
                .iter()
                .any(|c| c.starts_with("fetch") || c.starts_with("copy")),
            "{file}"
        );
        let mut wrong_class = Mock {
            vendors: vec![common::VENDOR],
            classes: vec![other],
            ..Mock::default()
        };
        wrong_class.slots.insert(0, 0);
        assert_eq!(
            run(file, &mut wrong_class, first),
            Err(K::ClassMismatch),
            "{file}"
        );
    }
}

#[test]
fn trust_domain_members_are_unsupported_here() {
    for file in [
        "trust-domains/example1_process.cbor",
        "trust-domains/example2_integrated.cbor",
    ] {
        let mut m = Mock::ietf();
        assert_eq!(
            run(file, &mut m, Procedure::Update),
            Err(K::UnsupportedExtension),
            "{file}"
        );
        assert!(m.calls.is_empty(), "nothing ran: {:?}", m.calls);
    }
}
