//! Attack-work budgets (src/limits.rs): for every limit, an envelope built
//! with suit-encoder to exceed it is stopped with that limit's own
//! `ErrorKind::Limit*`, and the same shape at the limit is accepted. Also the
//! release-build guard that scripts/fuzz-smoke.sh runs: the signature
//! bypass used by the fuzzers is not in release builds.
// Needs envelopes signed with an Ed25519 test key: `cargo test --no-default-features` builds this file empty.
#![cfg(feature = "ed25519")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects,
    clippy::as_conversions,
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    missing_docs
)]

use suit_encoder::cbor::Value;
use suit_encoder::cose;
use suit_encoder::suit::{Command, EnvelopeBuilder, Manifest, Sequence, param};
use suit_encoder::test_keys;
use suit_verify::limits::{
    MAX_ALTERNATIVES, MAX_AUTH_BLOCKS, MAX_CBOR_DEPTH, MAX_CBOR_ITEMS, MAX_COMMANDS,
    MAX_COMPONENT_ID_SEGMENTS, MAX_CUSTOM_PARAMETERS, MAX_KEYS, MAX_PAYLOADS, MAX_SEQUENCE_DEPTH,
};
use suit_verify::manifest::MAX_COMPONENTS;
use suit_verify::platform::{Component, PlatformResult, VendorId};
use suit_verify::{
    Authenticated, Envelope, ErrorKind, KeyStore, Limits, Options, Platform, Policy, Procedure,
    Processor, RustCrypto, TrustedKey, authenticate,
};

const VENDOR: [u8; 16] = *b"budget-vendor-id";
const CLASS: [u8; 16] = *b"budget-class-id!";

/// A device that matches every vendor and class and accepts custom commands.
struct Yes;

impl Platform for Yes {
    fn check_vendor(&mut self, _: Component<'_>, _: VendorId<'_>) -> PlatformResult<bool> {
        Ok(true)
    }
    fn check_class(&mut self, _: Component<'_>, _: &[u8; 16]) -> PlatformResult<bool> {
        Ok(true)
    }
    fn custom(&mut self, _: Component<'_>, _: i64, _: &[u8]) -> PlatformResult<bool> {
        Ok(true)
    }
}

fn ed_key() -> [u8; 32] {
    test_keys::ed25519_a().public_raw().try_into().unwrap()
}

fn sign(b: &EnvelopeBuilder) -> Vec<u8> {
    cose::sign(&b.build().unwrap(), &test_keys::ed25519_a(), -8, None).unwrap()
}

fn one_component(validate: Vec<Command>) -> Manifest {
    Manifest {
        sequence_number: 1,
        components: vec![vec![b"fw".to_vec()]],
        validate: Some(Sequence::new(validate)),
        ..Default::default()
    }
}

/// Parse and authenticate with the test key under `policy`.
fn auth<'a>(bytes: &'a [u8], policy: &Policy) -> Result<Authenticated<'a>, ErrorKind> {
    let key = ed_key();
    let keys = [TrustedKey::ed25519(&key)];
    let env = Envelope::parse_with(bytes, &policy.limits).map_err(|e| e.kind())?;
    authenticate(&env, &KeyStore::new(&keys).unwrap(), policy, &RustCrypto).map_err(|e| e.kind())
}

/// [`auth`], the error only.
fn auth_kind(bytes: &[u8], policy: &Policy) -> Result<(), ErrorKind> {
    auth(bytes, policy).map(|_| ())
}

/// Authenticate, then run `procedure` with `N` component slots.
fn run<const N: usize>(bytes: &[u8], opts: Options, procedure: Procedure) -> Result<(), ErrorKind> {
    let auth = auth(bytes, &Policy::DEFAULT)?;
    let mut yes = Yes;
    let mut p =
        Processor::<_, _, N>::new(&auth, &mut yes, &RustCrypto, opts).map_err(|e| e.kind())?;
    p.run(procedure).map(|_| ()).map_err(|e| e.kind())
}

fn validate(bytes: &[u8]) -> Result<(), ErrorKind> {
    run::<4>(bytes, Options::DEFAULT, Procedure::Section(7))
}

fn identity() -> Vec<Command> {
    vec![
        Command::override_parameters(vec![
            (param::VENDOR_ID, param::uuid(&VENDOR)),
            (param::CLASS_ID, param::uuid(&CLASS)),
        ]),
        Command::vendor_identifier(15),
        Command::class_identifier(15),
    ]
}

/// A manifest whose (severable) text member holds `v`: the verifier checks
/// it is one well-formed item, so its size and depth cost CBOR budget.
fn with_text(v: Value) -> Vec<u8> {
    let mut m = one_component(vec![Command::abort(0)]);
    m.text = Some(v);
    sign(&EnvelopeBuilder::new(m))
}

// ---- CBOR items ---------------------------------------------------------------

#[test]
fn cbor_items_budget_stops_a_wide_member() {
    let wide = |n: usize| with_text(Value::Array(vec![Value::Uint(0); n]));
    // The budget covers everything authenticate reads (wrapper, COSE,
    // manifest), so a member of MAX_CBOR_ITEMS items alone is over it.
    assert_eq!(
        auth_kind(&wide(MAX_CBOR_ITEMS as usize), &Policy::DEFAULT),
        Err(ErrorKind::LimitCborItems)
    );
    assert_eq!(
        auth_kind(&wide(MAX_CBOR_ITEMS as usize - 200), &Policy::DEFAULT),
        Ok(())
    );
    // A caller can lower it at run time.
    let low = Policy {
        limits: Limits {
            cbor_items: 100,
            ..Limits::DEFAULT
        },
        ..Policy::DEFAULT
    };
    assert_eq!(auth_kind(&wide(100), &low), Err(ErrorKind::LimitCborItems));
    assert_eq!(auth_kind(&wide(10), &low), Ok(()));
}

#[test]
fn cbor_items_budget_covers_the_processor() {
    // An argument the processor must walk: a custom parameter of 200 items.
    let mut cmds = identity();
    cmds.push(Command::override_parameters(vec![(
        -257,
        Value::Array(vec![Value::Uint(1); 200]),
    )]));
    let env = sign(&EnvelopeBuilder::new(one_component(cmds)));
    assert_eq!(validate(&env), Ok(()));
    let low = Options {
        limits: Limits {
            cbor_items: 150,
            ..Limits::DEFAULT
        },
        ..Options::DEFAULT
    };
    assert_eq!(
        run::<4>(&env, low, Procedure::Section(7)),
        Err(ErrorKind::LimitCborItems)
    );
}

// ---- CBOR depth ---------------------------------------------------------------

fn nested(depth: usize) -> Value {
    let mut v = Value::Uint(0);
    for _ in 0..depth {
        v = Value::Array(vec![v]);
    }
    v
}

#[test]
fn cbor_depth_limit_stops_deep_nesting() {
    // MAX_CBOR_DEPTH nested containers pass, one more is refused.
    assert_eq!(
        auth_kind(&with_text(nested(MAX_CBOR_DEPTH)), &Policy::DEFAULT),
        Ok(())
    );
    assert_eq!(
        auth_kind(&with_text(nested(MAX_CBOR_DEPTH + 1)), &Policy::DEFAULT),
        Err(ErrorKind::LimitCborDepth)
    );
    // Deep nesting costs no stack: a thousand levels are refused just the same.
    assert_eq!(
        auth_kind(&with_text(nested(1000)), &Policy::DEFAULT),
        Err(ErrorKind::LimitCborDepth)
    );
}

// ---- authentication blocks ---------------------------------------------------

#[test]
fn auth_block_limit_stops_extra_signatures() {
    let unsigned = EnvelopeBuilder::new(one_component(vec![Command::abort(0)]))
        .build()
        .unwrap();
    let mut env = unsigned;
    for _ in 0..MAX_AUTH_BLOCKS {
        env = cose::sign(&env, &test_keys::ed25519_b(), -8, None).unwrap();
    }
    // MAX_AUTH_BLOCKS blocks are parsed (none verifies: key b is untrusted).
    assert_eq!(
        auth_kind(&env, &Policy::DEFAULT),
        Err(ErrorKind::AuthSignatureInvalid)
    );
    let over = cose::sign(&env, &test_keys::ed25519_a(), -8, None).unwrap();
    assert_eq!(
        Envelope::parse(&over).map(|_| ()).map_err(|e| e.kind()),
        Err(ErrorKind::LimitAuthBlocks)
    );
    // Lowered at run time: one block only.
    let one = Policy {
        limits: Limits {
            auth_blocks: 1,
            ..Limits::DEFAULT
        },
        ..Policy::DEFAULT
    };
    let two = cose::sign(
        &sign(&EnvelopeBuilder::new(one_component(vec![Command::abort(
            0,
        )]))),
        &test_keys::ed25519_b(),
        -8,
        None,
    )
    .unwrap();
    assert_eq!(auth_kind(&two, &one), Err(ErrorKind::LimitAuthBlocks));
    assert_eq!(auth_kind(&two, &Policy::DEFAULT), Ok(()));
}

// ---- keys --------------------------------------------------------------------

#[test]
fn key_store_limit() {
    let key = ed_key();
    let keys = vec![TrustedKey::ed25519(&key); MAX_KEYS + 1];
    assert!(KeyStore::new(&keys[..MAX_KEYS]).is_ok());
    assert_eq!(
        KeyStore::new(&keys).map(|_| ()).map_err(|e| e.kind()),
        Err(ErrorKind::LimitKeys)
    );
}

// ---- components ----------------------------------------------------------------

fn components(n: usize) -> Vec<u8> {
    // Validate selects its components too: every section is checked, run or
    // not, and with several components each must start by selecting some.
    let mut m = one_component(vec![Command::set_component_index_all(), Command::abort(0)]);
    m.components = (0..n).map(|i| vec![vec![i as u8]]).collect();
    m.shared = Some(Sequence::new(vec![Command::set_component_index_all()]));
    sign(&EnvelopeBuilder::new(m))
}

#[test]
fn component_limit_in_the_manifest_and_the_processor() {
    // The manifest's hard ceiling.
    assert_eq!(
        auth_kind(&components(MAX_COMPONENTS), &Policy::DEFAULT),
        Ok(())
    );
    assert_eq!(
        auth_kind(&components(MAX_COMPONENTS + 1), &Policy::DEFAULT),
        Err(ErrorKind::LimitComponents)
    );
    // The processor's capacity (its const generic, 4 by default).
    let five = components(5);
    assert_eq!(
        run::<4>(&five, Options::DEFAULT, Procedure::Shared),
        Err(ErrorKind::LimitComponents)
    );
    assert_eq!(run::<5>(&five, Options::DEFAULT, Procedure::Shared), Ok(()));
}

#[test]
fn component_list_of_64_kib_or_more() {
    // The identifiers' offsets are kept as u16: a list of 64 KiB or more is
    // refused, one a little shorter accepted (and its last identifier found).
    let list = |segment: usize| {
        let mut m = one_component(vec![Command::abort(0)]);
        m.components = vec![vec![vec![1]], vec![vec![7u8; segment]]];
        sign(&EnvelopeBuilder::new(m))
    };
    // [h'01'] is 3 bytes, the array head 1, the second id's heads 1 + 5.
    let fits = list(65_535 - 10);
    let a = auth(&fits, &Policy::DEFAULT).unwrap();
    let ids: Vec<Vec<&[u8]>> = (0..2)
        .map(|i| a.manifest().component_id(i).unwrap().segments().collect())
        .collect();
    assert_eq!(ids, [vec![&[1u8][..]], vec![&[7u8; 65_525][..]]]);
    assert_eq!(
        auth_kind(&list(65_536), &Policy::DEFAULT),
        Err(ErrorKind::LimitComponents)
    );
}

// ---- component-id segments ---------------------------------------------------------

#[test]
fn component_id_segment_limit() {
    let id = |n: usize| {
        let mut m = one_component(vec![Command::abort(0)]);
        m.components = vec![(0..n).map(|i| vec![i as u8]).collect()];
        sign(&EnvelopeBuilder::new(m))
    };
    assert_eq!(
        auth_kind(&id(MAX_COMPONENT_ID_SEGMENTS), &Policy::DEFAULT),
        Ok(())
    );
    assert_eq!(
        auth_kind(&id(MAX_COMPONENT_ID_SEGMENTS + 1), &Policy::DEFAULT),
        Err(ErrorKind::LimitComponentIdSegments)
    );
}

// ---- commands executed ---------------------------------------------------------------

#[test]
fn command_budget_stops_long_sequences() {
    let seq = |n: usize| {
        let mut cmds = identity();
        cmds.extend((0..n).map(|_| Command::set_component_index(0)));
        sign(&EnvelopeBuilder::new(one_component(cmds)))
    };
    let max = MAX_COMMANDS as usize;
    assert_eq!(validate(&seq(max - 3)), Ok(()));
    assert_eq!(validate(&seq(max - 2)), Err(ErrorKind::LimitCommands));
}

#[test]
fn command_budget_counts_every_component_iteration() {
    // 16 components, index `true`: each command runs 16 times.
    let per_command = 16;
    let build =
        |n: usize| {
            let mut cmds = vec![Command::set_component_index_all()];
            cmds.extend(identity());
            cmds.extend((0..n).map(|_| {
                Command::override_parameters(vec![(param::COMPONENT_SLOT, Value::Uint(0))])
            }));
            let mut m = one_component(cmds);
            m.components = (0..per_command).map(|i| vec![vec![i as u8]]).collect();
            sign(&EnvelopeBuilder::new(m))
        };
    let max = MAX_COMMANDS as usize;
    // 1 (set index) + 3 * 16 (identity) + n * 16 commands.
    let fits = (max - 1 - 3 * per_command) / per_command;
    let run16 = |b: &[u8]| run::<16>(b, Options::DEFAULT, Procedure::Section(7));
    assert_eq!(run16(&build(fits)), Ok(()));
    assert_eq!(run16(&build(fits + 1)), Err(ErrorKind::LimitCommands));
}

#[test]
fn command_budget_counts_iterations_not_component_numbers() {
    // Two components. The same work costs the same whichever component it is
    // for, and a list naming component 0 eight times runs (and costs) each
    // command eight times.
    let two = |validate: Vec<Command>| {
        let mut cmds = vec![Command::set_component_index_all()];
        cmds.extend(identity());
        let mut m = one_component(vec![]);
        m.components = vec![vec![vec![0]], vec![vec![1]]];
        m.shared = Some(Sequence::new(cmds));
        m.validate = Some(Sequence::new(validate));
        sign(&EnvelopeBuilder::new(m))
    };
    let slot = || Command::override_parameters(vec![(param::COMPONENT_SLOT, Value::Uint(0))]);
    let with = |limit: u32| Options {
        limits: Limits {
            commands: limit,
            ..Limits::DEFAULT
        },
        ..Options::DEFAULT
    };
    // The shared sequence: 1 + 3 * 2 = 7 commands; validate: 1 + 5.
    for c in [0, 1] {
        let mut v = vec![Command::set_component_index(c)];
        v.extend((0..5).map(|_| slot()));
        let b = two(v);
        let run = |limit| run::<4>(&b, with(limit), Procedure::Section(7));
        assert_eq!(run(13), Ok(()), "component {c}");
        assert_eq!(run(12), Err(ErrorKind::LimitCommands), "component {c}");
    }
    // validate: 1 + 8 + 8 executions.
    let b = two(vec![
        Command::set_component_index_list(&[0; 8]),
        slot(),
        slot(),
    ]);
    let run = |limit| run::<4>(&b, with(limit), Procedure::Section(7));
    assert_eq!(run(7 + 17), Ok(()));
    assert_eq!(run(7 + 16), Err(ErrorKind::LimitCommands));
}

#[test]
fn command_budget_covers_try_each_retries() {
    // try-each alternatives that each run many commands and then fail: the
    // budget counts the work of every alternative tried.
    let failing = |n: usize| {
        let mut cmds: Vec<Command> = (0..n).map(|_| Command::set_component_index(0)).collect();
        cmds.push(Command::abort(0));
        Sequence::new(cmds)
    };
    let build = |n: usize| {
        let mut cmds = identity();
        cmds.push(Command::try_each(
            (0..MAX_ALTERNATIVES).map(|_| failing(n)).collect(),
            true,
        ));
        sign(&EnvelopeBuilder::new(one_component(cmds)))
    };
    assert_eq!(validate(&build(100)), Ok(()));
    assert_eq!(validate(&build(200)), Err(ErrorKind::LimitCommands));
}

// ---- sequence nesting ------------------------------------------------------------------

#[test]
fn sequence_depth_limit_for_run_sequence_and_try_each() {
    let deep_run = |d: usize| {
        let mut s = Sequence::new(vec![Command::set_component_index(0)]);
        for _ in 0..d {
            s = Sequence::new(vec![Command::run_sequence(s)]);
        }
        let mut cmds = identity();
        cmds.extend(s.0);
        sign(&EnvelopeBuilder::new(one_component(cmds)))
    };
    assert_eq!(validate(&deep_run(MAX_SEQUENCE_DEPTH)), Ok(()));
    assert_eq!(
        validate(&deep_run(MAX_SEQUENCE_DEPTH + 1)),
        Err(ErrorKind::LimitSequenceDepth)
    );
    let deep_try = |d: usize| {
        let mut s = Sequence::new(vec![Command::set_component_index(0)]);
        for _ in 0..d {
            s = Sequence::new(vec![Command::try_each(vec![s.clone(), s], false)]);
        }
        let mut cmds = identity();
        cmds.extend(s.0);
        sign(&EnvelopeBuilder::new(one_component(cmds)))
    };
    assert_eq!(validate(&deep_try(MAX_SEQUENCE_DEPTH)), Ok(()));
    assert_eq!(
        validate(&deep_try(MAX_SEQUENCE_DEPTH + 1)),
        Err(ErrorKind::LimitSequenceDepth)
    );
}

// ---- try-each alternatives ---------------------------------------------------------------

#[test]
fn alternatives_limit() {
    let build = |n: usize| {
        let mut cmds = identity();
        let alt = Sequence::new(vec![Command::abort(0)]);
        cmds.push(Command::try_each(vec![alt; n], true));
        sign(&EnvelopeBuilder::new(one_component(cmds)))
    };
    assert_eq!(validate(&build(MAX_ALTERNATIVES)), Ok(()));
    assert_eq!(
        validate(&build(MAX_ALTERNATIVES + 1)),
        Err(ErrorKind::LimitAlternatives)
    );
    let low = Options {
        limits: Limits {
            alternatives: 2,
            ..Limits::DEFAULT
        },
        ..Options::DEFAULT
    };
    assert_eq!(
        run::<4>(&build(3), low, Procedure::Section(7)),
        Err(ErrorKind::LimitAlternatives)
    );
}

// ---- integrated payloads -----------------------------------------------------------------

#[test]
fn integrated_payload_limit() {
    let build = |n: usize| {
        let mut b = EnvelopeBuilder::new(one_component(vec![Command::abort(0)]));
        b.integrated = (0..n)
            .map(|i| (format!("#p{i}"), vec![i as u8; 4]))
            .collect();
        sign(&b)
    };
    assert_eq!(auth_kind(&build(MAX_PAYLOADS), &Policy::DEFAULT), Ok(()));
    assert_eq!(
        Envelope::parse(&build(MAX_PAYLOADS + 1))
            .map(|_| ())
            .map_err(|e| e.kind()),
        Err(ErrorKind::LimitPayloads)
    );
}

// ---- custom parameters -------------------------------------------------------------------

#[test]
fn custom_parameter_limit() {
    let build = |n: usize| {
        let mut cmds = identity();
        cmds.push(Command::override_parameters(
            (0..n).map(|i| (-257 - i as i64, Value::Uint(1))).collect(),
        ));
        sign(&EnvelopeBuilder::new(one_component(cmds)))
    };
    assert_eq!(validate(&build(MAX_CUSTOM_PARAMETERS)), Ok(()));
    assert_eq!(
        validate(&build(MAX_CUSTOM_PARAMETERS + 1)),
        Err(ErrorKind::LimitCustomParameters)
    );
}

// ---- release-build guard ---------------------------------------------------------------------

/// Run by scripts/fuzz-smoke.sh as `cargo test --release` with RUSTFLAGS
/// cleared: the release profile (the one artifacts are built with) must
/// check signatures, i.e. `--cfg suit_fuzzing_bypass` is not in effect.
#[test]
fn release_build_rejects_tampered_signatures() {
    const { assert!(!cfg!(suit_fuzzing_bypass)) };
    let good = sign(&EnvelopeBuilder::new(one_component(vec![Command::abort(
        0,
    )])));
    assert_eq!(auth_kind(&good, &Policy::DEFAULT), Ok(()));
    let mut opts = cose::SignOptions::new(-8);
    opts.corrupt_signature = true;
    let unsigned = EnvelopeBuilder::new(one_component(vec![Command::abort(0)]))
        .build()
        .unwrap();
    let bad = cose::sign_with(&unsigned, &test_keys::ed25519_a(), &opts).unwrap();
    assert_eq!(
        auth_kind(&bad, &Policy::DEFAULT),
        Err(ErrorKind::AuthSignatureInvalid)
    );
    // Signed by a key the device does not trust.
    let other = cose::sign(&unsigned, &test_keys::ed25519_b(), -8, None).unwrap();
    assert_eq!(
        auth_kind(&other, &Policy::DEFAULT),
        Err(ErrorKind::AuthSignatureInvalid)
    );
}
