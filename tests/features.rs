//! Each signature algorithm is there exactly when its cargo feature is: a
//! build without `p256` rejects ES256 envelopes (and without `ed25519`
//! Ed25519 ones) as an unsupported algorithm, never as a verified one.
//! The install directives are there exactly with the `install` feature: a
//! boot-only build refuses to run them, by name, and still validates and
//! invokes.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    unreachable_pub,
    missing_docs,
    clippy::std_instead_of_core
)]

mod common;

use suit_encoder::test_keys;
use suit_verify::{ErrorKind as K, Policy};

#[test]
fn es256_is_there_exactly_with_the_p256_feature() {
    let key = test_keys::p256_a();
    let env = common::signed_with(common::manifest(3), &key);
    let want = if cfg!(feature = "p256") {
        Ok(3)
    } else {
        Err(K::AuthUnsupportedAlgorithm)
    };
    assert_eq!(common::auth_kind(&env, &[&key], &Policy::DEFAULT), want);
    // The draft's own ES256 example too.
    let ietf = common::ietf("manifest/example0-signed.cbor");
    let raw = common::ietf_p256_key();
    let keys = [suit_verify::TrustedKey::p256(&raw).unwrap()];
    let e = suit_verify::Envelope::parse(&ietf).unwrap();
    let r = suit_verify::authenticate(
        &e,
        &suit_verify::KeyStore::new(&keys).unwrap(),
        &Policy::DEFAULT,
        &suit_verify::RustCrypto,
    );
    assert_eq!(
        r.map(|a| a.sequence_number()).map_err(|e| e.kind()),
        want.map(|_| 0)
    );
}

#[test]
fn ed25519_is_there_exactly_with_the_ed25519_feature() {
    let key = test_keys::ed25519_a();
    let env = common::signed_with(common::manifest(4), &key);
    let want = if cfg!(feature = "ed25519") {
        Ok(4)
    } else {
        Err(K::AuthUnsupportedAlgorithm)
    };
    assert_eq!(common::auth_kind(&env, &[&key], &Policy::DEFAULT), want);
}

#[test]
fn key_points_are_checked_exactly_with_their_algorithms_feature() {
    use suit_verify::KeyType;
    // The Ed25519 identity (small order) and the P-256 test key with its y
    // changed (off the curve): named by `validate` when the build has the
    // type's code, left to the firmware's own verify when it has not.
    let want = |on: bool| if on { Err(K::InvalidKey) } else { Ok(()) };
    assert_eq!(
        common::key_check(KeyType::Ed25519, &common::ed25519_identity()),
        want(cfg!(feature = "ed25519"))
    );
    assert_eq!(
        common::key_check(KeyType::P256, &common::p256_off_curve()),
        want(cfg!(feature = "p256"))
    );
}

/// Run `procedure` of an Ed25519-signed `man` on `m`.
#[cfg(feature = "ed25519")]
fn run_on(
    man: suit_encoder::suit::Manifest,
    m: &mut common::mock::Mock,
    procedure: suit_verify::Procedure,
    opts: suit_verify::Options,
) -> Result<Option<usize>, K> {
    let env = common::signed_with(man, &test_keys::ed25519_a());
    let e = suit_verify::Envelope::parse(&env).map_err(|e| e.kind())?;
    let (t, raw) = common::trusted(&test_keys::ed25519_a());
    let keys = [suit_verify::TrustedKey::new(t, &raw).map_err(|e| e.kind())?];
    let store = suit_verify::KeyStore::new(&keys).map_err(|e| e.kind())?;
    let a = suit_verify::authenticate(&e, &store, &Policy::DEFAULT, &suit_verify::RustCrypto)
        .map_err(|e| e.kind())?;
    let mut p = suit_verify::Processor::<_, _, 4>::new(&a, m, &suit_verify::RustCrypto, opts)
        .map_err(|e| e.kind())?;
    p.run(procedure)
        .map(|o| o.boot.map(|b| b.component))
        .map_err(|e| e.kind())
}

#[test]
#[cfg(feature = "ed25519")]
fn install_directives_are_there_exactly_with_the_install_feature() {
    use suit_encoder::cbor::Value;
    use suit_encoder::suit::{Command as C, Sequence, param};
    use suit_verify::{Options, Procedure};
    let on = cfg!(feature = "install");
    let index0 = || C::set_component_index(0);
    // Two components (copy and swap need a source); the shared sequence
    // selects and identifies component 0.
    let shared = Sequence::new(vec![
        index0(),
        C::override_parameters(vec![
            (1, param::uuid(&common::VENDOR)),
            (2, param::uuid(&common::CLASS)),
            (3, param::image_digest_sha256(common::IMAGE)),
            (14, Value::Uint(u64::try_from(common::IMAGE.len()).unwrap())),
        ]),
        C::vendor_identifier(15),
        C::class_identifier(15),
    ]);
    let install = |cmds: Vec<C>| suit_encoder::suit::Manifest {
        components: vec![vec![vec![0]], vec![vec![1]]],
        shared: Some(shared.clone()),
        install: Some(Sequence::new(cmds)),
        validate: Some(Sequence::new(vec![index0(), C::image_match(15)])),
        invoke: Some(Sequence::new(vec![index0(), C::invoke(2)])),
        ..common::manifest(1)
    };
    let fetch = install(vec![
        index0(),
        C::override_parameters(vec![(21, Value::text("coap://example.invalid/fw"))]),
        C::fetch(2),
    ]);
    let write = install(vec![
        index0(),
        C::override_parameters(vec![(18, Value::Bytes(common::IMAGE.to_vec()))]),
        C::write(2),
    ]);
    let copy = install(vec![
        index0(),
        C::override_parameters(vec![(22, Value::Uint(1))]),
        C::copy(2),
    ]);
    let swap = install(vec![
        index0(),
        C::override_parameters(vec![(22, Value::Uint(1))]),
        C::swap(2),
    ]);
    let dry = Options {
        dry_run: true,
        ..Options::DEFAULT
    };
    for (name, man, call) in [
        ("fetch", fetch, "fetch 0"),
        ("write", write, "write 0"),
        ("copy", copy, "copy 0 <- 1"),
        ("swap", swap, "swap 0 <-> 1"),
    ] {
        for opts in [Options::DEFAULT, dry] {
            let mut m = common::mock::Mock::ietf();
            let r = run_on(man.clone(), &mut m, Procedure::Section(20), opts);
            if on {
                assert_eq!(r, Ok(None), "{name}, dry run {}", opts.dry_run);
            } else {
                assert_eq!(
                    r,
                    Err(K::PlatformUnsupported),
                    "{name}, dry run {}",
                    opts.dry_run
                );
            }
            // Without the feature the platform is never asked to do it.
            let asked = m.calls().iter().any(|c| c.starts_with(call));
            assert_eq!(asked, on && !opts.dry_run, "{name}: {:?}", m.calls());
        }
        // A boot-only build still validates and boots from a manifest that
        // carries an install section it cannot run.
        let mut m = common::mock::Mock::ietf();
        m.contents.insert(0, common::IMAGE.to_vec());
        assert_eq!(
            run_on(man, &mut m, Procedure::Invoke, Options::DEFAULT),
            Ok(Some(0)),
            "{name}: invoke"
        );
    }
}
