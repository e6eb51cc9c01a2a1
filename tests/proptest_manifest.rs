//! Property tests on generated, signed SUIT envelopes.
//!
//! A proptest strategy generates manifests (1-4 components with 1-3
//! segments, every standard parameter, conditions, directives, custom and
//! unknown commands, try-each and run-sequence nested up to three deep,
//! text, reference URI, severed members, some of them left out of the
//! envelope, integrated payloads), encodes them with suit-encoder and signs
//! them with the test keys. Half the cases draw from every command, so most
//! are refused before or early in a run; the other half only from commands
//! that pass the check before the run, after a preamble that sets every
//! parameter as the recording device answers it, so that about half their
//! procedure runs complete and a third reach a directive (1 in 512 did
//! before). Properties:
//!
//! - `parse(encode(m)) == m`: the verifier's own reader recovers the model;
//! - every procedure runs against a recording mock platform without panics
//!   and without CBOR-level errors, within the command budget;
//! - any single-bit flip of a signed envelope is rejected, or (when it hits
//!   a part the verifier does not authenticate and ignores) leaves the
//!   verdict unchanged; it never panics;
//! - truncation at every length is rejected;
//! - unknown and unimplemented-extension parameters are refused, never
//!   skipped.
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
    clippy::cast_sign_loss,
    missing_docs
)]

use proptest::collection::vec;
use proptest::prelude::*;
use suit_encoder::cbor::{Value, decode_all};
use suit_encoder::cose;
use suit_encoder::suit::{Command, EnvelopeBuilder, Manifest, Sequence, cmd, param};
use suit_encoder::test_keys;
use suit_verify::cbor::Reader;
use suit_verify::crypto::{DigestAlg, MAX_DIGEST};
use suit_verify::limits::{Budget, MAX_COMMANDS};
use suit_verify::manifest::Severable;
use suit_verify::platform::{Component, Directive, PlatformResult, Record, VendorId};
use suit_verify::{
    Authenticated, Envelope, ErrorKind, KeyStore, Options, Outcome, Platform, Policy, Procedure,
    Processor, RustCrypto, TrustedKey, authenticate,
};

const VENDOR: [u8; 16] = *b"proptest-vendor!";
const CLASS: [u8; 16] = *b"proptest-class!!";

// ---- the generator --------------------------------------------------------------

/// A generated envelope: the manifest, its integrated payloads, the severed
/// members the distributor left out, and whether an untrusted signature
/// block comes first.
#[derive(Clone, Debug)]
struct Case {
    manifest: Manifest,
    payloads: Vec<(String, Vec<u8>)>,
    dropped: Vec<i64>,
    untrusted_block: bool,
}

fn param_value(components: u64) -> impl Strategy<Value = (i64, Value)> {
    prop_oneof![
        Just((param::VENDOR_ID, param::uuid(&VENDOR))),
        Just((param::VENDOR_ID, param::vendor_pen(4128))),
        Just((param::CLASS_ID, param::uuid(&CLASS))),
        any::<[u8; 16]>().prop_map(|d| (param::DEVICE_ID, param::uuid(&d))),
        vec(any::<u8>(), 0..8).prop_map(|d| (param::IMAGE_DIGEST, param::image_digest_sha256(&d))),
        (0u64..300).prop_map(|n| (param::IMAGE_SIZE, Value::Uint(n))),
        (0u64..4).prop_map(|n| (param::COMPONENT_SLOT, Value::Uint(n))),
        vec(any::<u8>(), 0..16).prop_map(|c| (param::CONTENT, Value::Bytes(c))),
        "[a-z]{1,8}".prop_map(|s| (param::URI, Value::Text(format!("coaps://fw.example/{s}")))),
        (0..components).prop_map(|n| (param::SOURCE_COMPONENT, Value::Uint(n))),
        vec(any::<u8>(), 0..4).prop_map(|a| (param::INVOKE_ARGS, Value::Bytes(a))),
        vec(any::<u8>(), 0..4).prop_map(|a| (param::FETCH_ARGUMENTS, Value::Bytes(a))),
        any::<bool>().prop_map(|b| (param::SOFT_FAILURE, Value::Bool(b))),
        any::<bool>().prop_map(|b| (param::STRICT_ORDER, Value::Bool(b))),
        (-260i64..=-257, 0u64..10).prop_map(|(k, v)| (k, Value::Uint(v))),
    ]
}

fn override_params(components: u64) -> impl Strategy<Value = Command> {
    vec(param_value(components), 1..4).prop_map(override_of)
}

/// override-parameters with one value per key (the last one wins, as a map
/// would have it).
fn override_of(mut ps: Vec<(i64, Value)>) -> Command {
    let mut seen = Vec::new();
    ps.reverse();
    ps.retain(|(k, _)| {
        let new = !seen.contains(k);
        seen.push(*k);
        new
    });
    Command::override_parameters(ps)
}

/// `leaf` commands and try-each / run-sequence of them, nested up to
/// `depth` deep.
fn nested(leaf: BoxedStrategy<Command>, depth: u32) -> BoxedStrategy<Command> {
    leaf.prop_recursive(depth, 8 * depth, 3, |inner| {
        let seq = vec(inner, 1..4).prop_map(Sequence::new);
        prop_oneof![
            seq.clone().prop_map(Command::run_sequence),
            (vec(seq, 2..4), any::<bool>()).prop_map(|(alts, null)| Command::try_each(alts, null)),
        ]
    })
    .boxed()
}

fn leaf(components: u64) -> impl Strategy<Value = Command> {
    let policy = 0u64..16;
    prop_oneof![
        1 => (0..components).prop_map(Command::set_component_index),
        1 => Just(Command::set_component_index_all()),
        1 => vec(0..components, 1..3).prop_map(|l| Command::set_component_index_list(&l)),
        2 => override_params(components),
        6 => condition(),
        1 => policy.clone().prop_map(Command::abort),
        1 => policy.clone().prop_map(Command::fetch),
        1 => policy.clone().prop_map(Command::write),
        1 => policy.clone().prop_map(Command::copy),
        1 => policy.clone().prop_map(Command::swap),
        1 => policy.clone().prop_map(Command::invoke),
        1 => (-260i64..=-257, vec(any::<u8>(), 0..3))
            .prop_map(|(c, a)| Command::custom(c, Value::Bytes(a))),
        // An unknown standard command: rejects the manifest, even inside try-each.
        1 => policy.prop_map(|p| Command::custom(30, Value::Uint(p))),
    ]
}

/// One of the conditions the recording device answers (vendor, class,
/// device, image-match, component-slot, check-content).
fn condition() -> BoxedStrategy<Command> {
    let policy = 0u64..16;
    prop_oneof![
        policy.clone().prop_map(Command::vendor_identifier),
        policy.clone().prop_map(Command::class_identifier),
        policy.clone().prop_map(Command::device_identifier),
        policy.clone().prop_map(Command::image_match),
        policy.clone().prop_map(Command::component_slot),
        policy.prop_map(Command::check_content),
    ]
    .boxed()
}

fn command(components: u64) -> impl Strategy<Value = Command> {
    nested(leaf(components).boxed(), 3)
}

/// A command the shared sequence may hold: component selection, parameters
/// (no custom ones) and conditions; with `section`, also directives and
/// custom commands. Never an unknown command: manifests built from these
/// pass the check before the run, so the run itself gets exercised.
fn runnable_leaf(components: u64, section: bool) -> BoxedStrategy<Command> {
    let policy = 0u64..16;
    let std_params = vec(
        param_value(components).prop_filter("no custom parameter", |(k, _)| *k > -257),
        1..4,
    )
    .prop_map(override_of)
    .boxed();
    let shared = prop_oneof![
        1 => (0..components).prop_map(Command::set_component_index),
        1 => Just(Command::set_component_index_all()),
        2 => std_params,
        6 => condition(),
    ];
    if !section {
        return shared.boxed();
    }
    prop_oneof![
        4 => shared,
        1 => override_params(components),
        // An integrated payload: #p0 holds component 0's content (see case_of).
        1 => Just(Command::override_parameters(vec![(
            param::URI,
            Value::Text("#p0".into())
        )])),
        1 => policy.clone().prop_map(Command::fetch),
        1 => policy.clone().prop_map(Command::write),
        1 => policy.clone().prop_map(Command::copy),
        1 => policy.clone().prop_map(Command::swap),
        1 => policy.prop_map(Command::invoke),
        1 => (-260i64..=-257, vec(any::<u8>(), 0..3))
            .prop_map(|(c, a)| Command::custom(c, Value::Bytes(a))),
    ]
    .boxed()
}

/// A sequence of [`runnable_leaf`] commands (try-each and run-sequence
/// nested up to two deep) after [`device_preamble`].
fn runnable_sequence(components: u64, section: bool) -> BoxedStrategy<Sequence> {
    vec(nested(runnable_leaf(components, section), 2), 1..5)
        .prop_map(move |cmds| {
            let mut all = device_preamble(components);
            all.extend(cmds);
            Sequence::new(all)
        })
        .boxed()
}

/// Every component's parameters as the [`Recorder`] device answers them
/// (its content is 100 bytes of its index, its slot the index modulo 2, a
/// device id with an even first byte matches), then every component
/// selected and vendor and class checked: the conditions that follow pass
/// unless a later override changes a value, and every directive has what
/// it needs.
fn device_preamble(components: u64) -> Vec<Command> {
    let mut all = Vec::new();
    for i in 0..components {
        let content = vec![i as u8; 100];
        all.push(Command::set_component_index(i));
        all.push(Command::override_parameters(vec![
            (param::VENDOR_ID, param::uuid(&VENDOR)),
            (param::CLASS_ID, param::uuid(&CLASS)),
            (param::IMAGE_DIGEST, param::image_digest_sha256(&content)),
            (param::IMAGE_SIZE, Value::Uint(100)),
            (param::COMPONENT_SLOT, Value::Uint(i % 2)),
            (param::CONTENT, Value::Bytes(content)),
            (param::URI, Value::Text(format!("coaps://fw.example/{i}"))),
            (param::SOURCE_COMPONENT, Value::Uint(0)),
            (param::DEVICE_ID, param::uuid(&[0; 16])),
        ]));
    }
    if components > 1 {
        all.push(Command::set_component_index_all());
    }
    all.push(Command::vendor_identifier(15));
    all.push(Command::class_identifier(15));
    all
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

fn sequence(components: u64) -> BoxedStrategy<Sequence> {
    (any::<bool>(), vec(command(components), 1..5))
        .prop_map(move |(preamble, cmds)| {
            let mut all = Vec::new();
            if preamble {
                if components > 1 {
                    all.push(Command::set_component_index_all());
                }
                all.extend(identity());
            }
            all.extend(cmds);
            Sequence::new(all)
        })
        .boxed()
}

/// Half the cases from every command (most of them refused before or early
/// in a run: an unknown command anywhere, a directive in the shared
/// sequence, a section without set-component-index), half from
/// [`runnable_sequence`], which pass the check and run.
fn case() -> impl Strategy<Value = Case> {
    prop_oneof![case_of(false), case_of(true)]
}

fn case_of(runnable: bool) -> impl Strategy<Value = Case> {
    (1u64..=4)
        .prop_flat_map(move |n| {
            let ids = vec(vec(vec(any::<u8>(), 0..4), 1..4), n as usize);
            let (shared, seq) = if runnable {
                (runnable_sequence(n, false), runnable_sequence(n, true))
            } else {
                (sequence(n), sequence(n))
            };
            let seq = proptest::option::of(seq);
            (
                ids,
                any::<u64>(),
                (
                    proptest::option::of(shared),
                    seq.clone(),
                    seq.clone(),
                    seq.clone(),
                    seq.clone(),
                    seq,
                ),
                proptest::option::of("[ -~]{0,12}"),
                proptest::option::of("[a-z]{1,6}"),
                (any::<u8>(), any::<u8>()),
                vec(vec(any::<u8>(), 0..24), 0..3),
                any::<bool>(),
            )
        })
        .prop_map(
            move |(
                ids,
                seqno,
                (shared, validate, load, invoke, fetch, install),
                text,
                uri,
                masks,
                data,
                untrusted,
            )| {
                let mut m = Manifest {
                    sequence_number: seqno,
                    components: ids,
                    shared,
                    validate,
                    load,
                    invoke,
                    payload_fetch: fetch,
                    install,
                    text: text.map(|t| Value::int_map(vec![(1, Value::Text(t))])),
                    reference_uri: uri.map(|u| format!("https://{u}.example/m")),
                    ..Default::default()
                };
                let (sever_mask, drop_mask) = masks;
                let mut dropped = Vec::new();
                for (i, (k, present)) in [
                    (16, m.payload_fetch.is_some()),
                    (20, m.install.is_some()),
                    (23, m.text.is_some()),
                ]
                .into_iter()
                .enumerate()
                {
                    if present && sever_mask & (1 << i) != 0 {
                        m.sever.push(k);
                        if drop_mask & (1 << i) != 0 {
                            dropped.push(k);
                        }
                    }
                }
                let mut data = data;
                if runnable {
                    // Component 0's content, as the preamble's digest has it.
                    data.insert(0, vec![0; 100]);
                }
                let payloads = data
                    .into_iter()
                    .enumerate()
                    .map(|(i, d)| (format!("#p{i}"), d))
                    .collect();
                Case {
                    manifest: m,
                    payloads,
                    dropped,
                    untrusted_block: untrusted,
                }
            },
        )
}

/// Encode and sign: ed25519_a (trusted), after an untrusted block if asked.
fn encode(c: &Case) -> Vec<u8> {
    let mut b = EnvelopeBuilder::new(c.manifest.clone());
    b.integrated = c.payloads.clone();
    let mut env = b.build().unwrap();
    if c.untrusted_block {
        env = cose::sign(&env, &test_keys::ed25519_b(), -19, None).unwrap();
    }
    env = cose::sign(&env, &test_keys::ed25519_a(), -8, None).unwrap();
    if !c.dropped.is_empty() {
        let Value::Tag(107, body) = decode_all(&env).unwrap() else {
            panic!("not an envelope")
        };
        let Value::Map(entries) = *body else {
            panic!("not a map")
        };
        let kept = entries
            .into_iter()
            .filter(|(k, _)| !c.dropped.iter().any(|d| *k == Value::int(*d)))
            .collect();
        env = suit_encoder::cbor::encode(&Value::Tag(107, Box::new(Value::Map(kept))));
    }
    env
}

fn with_auth<R>(bytes: &[u8], f: impl FnOnce(&Authenticated<'_>) -> R) -> Result<R, ErrorKind> {
    let key: [u8; 32] = test_keys::ed25519_a().public_raw().try_into().unwrap();
    let keys = [TrustedKey::ed25519(&key)];
    let env = Envelope::parse(bytes).map_err(|e| e.kind())?;
    let a = authenticate(
        &env,
        &KeyStore::new(&keys).unwrap(),
        &Policy::DEFAULT,
        &RustCrypto,
    )
    .map_err(|e| e.kind())?;
    Ok(f(&a))
}

// ---- parse(encode(m)) == m ----------------------------------------------------------

/// Decode a command sequence with the verifier's reader.
fn read_sequence(bytes: &[u8]) -> Sequence {
    let mut budget = Budget::new(u32::MAX, ErrorKind::LimitCborItems);
    let mut r = Reader::new(bytes, 0, &mut budget);
    let n = r.array().unwrap();
    assert_eq!(n % 2, 0);
    let mut cmds = Vec::new();
    for _ in 0..n / 2 {
        let c = r.int().unwrap();
        let arg = r.skip().unwrap();
        cmds.push(Command::custom(c, decode_all(arg).unwrap()));
    }
    r.finish().unwrap();
    Sequence::new(cmds)
}

/// The manifest as the verifier sees it, rebuilt as the encoder's model.
fn rebuild(a: &Authenticated<'_>, original: &Case) -> Manifest {
    let m = a.manifest();
    let components = (0..m.component_count())
        .map(|i| {
            m.component_id(i)
                .unwrap()
                .segments()
                .map(<[u8]>::to_vec)
                .collect()
        })
        .collect();
    let section = |k: i64, orig: &Option<Sequence>| match m.section(k) {
        Severable::Present(b) => Some(read_sequence(b.bytes)),
        Severable::Missing => {
            assert!(original.dropped.contains(&k), "section {k} missing");
            orig.clone()
        }
        Severable::Absent => None,
    };
    let o = &original.manifest;
    let text = match m.text() {
        Severable::Present(b) => Some(decode_all(b.bytes).unwrap()),
        Severable::Missing => {
            assert!(original.dropped.contains(&23), "text missing");
            o.text.clone()
        }
        Severable::Absent => None,
    };
    // And the other way round: every member the envelope left out reads
    // Missing (not Absent, not Present).
    for &k in &original.dropped {
        let got = if k == 23 { m.text() } else { m.section(k) };
        assert_eq!(got, Severable::Missing, "dropped member {k}");
    }
    Manifest {
        version: 1,
        sequence_number: m.sequence_number(),
        components,
        shared: m.shared_sequence().map(|b| read_sequence(b.bytes)),
        validate: section(7, &o.validate),
        load: section(8, &o.load),
        invoke: section(9, &o.invoke),
        payload_fetch: section(16, &o.payload_fetch),
        install: section(20, &o.install),
        text,
        reference_uri: m.reference_uri().map(str::to_string),
        // Not visible through the API (`Present` is inline or severed and
        // matching its digest); what severing changes is checked above.
        sever: o.sever.clone(),
        ..Default::default()
    }
}

/// Commands compare by number and argument in canonical form (map entries
/// sorted, as the encoder writes them).
fn normalise(m: &Manifest) -> Manifest {
    let norm = |s: &Option<Sequence>| {
        s.as_ref().map(|s| {
            Sequence::new(
                s.0.iter()
                    .map(|c| {
                        let canonical = decode_all(&suit_encoder::cbor::encode(&c.arg)).unwrap();
                        Command::custom(c.cmd, canonical)
                    })
                    .collect(),
            )
        })
    };
    Manifest {
        shared: norm(&m.shared),
        validate: norm(&m.validate),
        load: norm(&m.load),
        invoke: norm(&m.invoke),
        payload_fetch: norm(&m.payload_fetch),
        install: norm(&m.install),
        ..m.clone()
    }
}

// ---- processing against a recording platform ----------------------------------------

#[derive(Default)]
struct Recorder {
    calls: Vec<String>,
    components: usize,
}

impl Recorder {
    fn log(&mut self, c: &Component<'_>, what: String) {
        assert!(c.index < self.components);
        self.calls.push(format!("{} {what}", c.index));
    }
}

impl Platform for Recorder {
    fn check_vendor(&mut self, c: Component<'_>, id: VendorId<'_>) -> PlatformResult<bool> {
        self.log(&c, format!("vendor {id:?}"));
        Ok(matches!(id, VendorId::Uuid(u) if *u == VENDOR))
    }
    fn check_class(&mut self, c: Component<'_>, id: &[u8; 16]) -> PlatformResult<bool> {
        self.log(&c, "class".into());
        Ok(*id == CLASS)
    }
    fn check_device(&mut self, c: Component<'_>, id: &[u8; 16]) -> PlatformResult<bool> {
        self.log(&c, format!("device {id:02x?}"));
        Ok(id[0].is_multiple_of(2))
    }
    fn component_slot(&mut self, c: Component<'_>) -> PlatformResult<u64> {
        self.log(&c, "slot".into());
        Ok(c.index as u64 % 2)
    }
    fn component_digest(
        &mut self,
        c: Component<'_>,
        _: DigestAlg,
        size: Option<u64>,
        _: &mut [u8; MAX_DIGEST],
    ) -> PlatformResult<Option<usize>> {
        self.log(&c, format!("digest {size:?}"));
        Ok(None)
    }
    fn read(&mut self, c: Component<'_>, offset: u64, buf: &mut [u8]) -> PlatformResult<usize> {
        self.log(&c, format!("read {offset} {}", buf.len()));
        // Every component holds 100 bytes of its index.
        let n = 100u64.saturating_sub(offset).min(buf.len() as u64) as usize;
        buf[..n].fill(c.index as u8);
        Ok(n)
    }
    fn fetch(&mut self, c: Component<'_>, uri: &str, args: Option<&[u8]>) -> PlatformResult<()> {
        self.log(&c, format!("fetch {uri} {args:?}"));
        Ok(())
    }
    fn write(&mut self, c: Component<'_>, data: &[u8]) -> PlatformResult<()> {
        self.log(&c, format!("write {data:02x?}"));
        Ok(())
    }
    fn copy(&mut self, c: Component<'_>, s: Component<'_>) -> PlatformResult<()> {
        self.log(&c, format!("copy {}", s.index));
        Ok(())
    }
    fn swap(&mut self, c: Component<'_>, s: Component<'_>) -> PlatformResult<()> {
        self.log(&c, format!("swap {}", s.index));
        Ok(())
    }
    fn invoke(&mut self, c: Component<'_>, args: Option<&[u8]>) -> PlatformResult<()> {
        self.log(&c, format!("invoke {args:?}"));
        Ok(())
    }
    fn custom(&mut self, c: Component<'_>, command: i64, arg: &[u8]) -> PlatformResult<bool> {
        self.log(&c, format!("custom {command} {arg:02x?}"));
        Ok(command % 2 == 0)
    }
    fn supports(&mut self, d: Directive, c: Component<'_>) -> bool {
        self.log(&c, format!("supports {d:?}"));
        true
    }
    fn report(&mut self, r: &Record) {
        self.calls.push(format!("report {r:?}"));
    }
}

const PROCEDURES: [Procedure; 8] = [
    Procedure::Update,
    Procedure::Invoke,
    Procedure::Shared,
    Procedure::Section(7),
    Procedure::Section(8),
    Procedure::Section(9),
    Procedure::Section(16),
    Procedure::Section(20),
];

/// Errors about a manifest's encoding, which no platform answer can cause.
const ENCODING_ERRORS: [ErrorKind; 12] = [
    ErrorKind::SequenceMalformed,
    ErrorKind::CborTrailingBytes,
    ErrorKind::UnknownCommand,
    ErrorKind::UnsupportedExtension,
    ErrorKind::UnknownParameter,
    ErrorKind::InvalidParameter,
    ErrorKind::SoftFailureMisplaced,
    ErrorKind::TryEachTooFew,
    ErrorKind::LimitAlternatives,
    ErrorKind::LimitSequenceDepth,
    ErrorKind::CustomInSharedSequence,
    ErrorKind::DirectiveInSharedSequence,
];

/// What the verifier decided about an envelope.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Verdict {
    Rejected(ErrorKind),
    /// Sequence number and, per procedure, the result and the platform calls.
    Accepted(u64, Vec<(Result<String, ErrorKind>, Vec<String>)>),
}

fn run_procedures(
    a: &Authenticated<'_>,
    opts: Options,
) -> Vec<(Result<String, ErrorKind>, Vec<String>)> {
    PROCEDURES
        .iter()
        .map(|proc| {
            let mut rec = Recorder {
                components: a.manifest().component_count(),
                ..Default::default()
            };
            let r = {
                match Processor::<_, _, 4>::new(a, &mut rec, &RustCrypto, opts) {
                    Err(e) => Err(e.kind()),
                    Ok(mut p) => match p.run(*proc) {
                        Ok(Outcome { boot }) => Ok(format!("{boot:?}")),
                        Err(e) if e.kind() == ErrorKind::Pending => Ok("pending".into()),
                        Err(e) => Err(e.kind()),
                    },
                }
            };
            let reports = rec.calls.iter().filter(|c| c.starts_with("report")).count();
            assert!(reports <= MAX_COMMANDS as usize);
            (r, rec.calls)
        })
        .collect()
}

fn verdict(bytes: &[u8]) -> Verdict {
    match with_auth(bytes, |a| {
        Verdict::Accepted(a.sequence_number(), run_procedures(a, Options::DEFAULT))
    }) {
        Ok(v) => v,
        Err(k) => Verdict::Rejected(k),
    }
}

/// A flip is safe when it is rejected, or accepted with the same verdict,
/// where a procedure may now fail (a flipped integrated payload no longer
/// matches its digest) but never succeed differently.
fn flip_is_safe(orig: &Verdict, flipped: &Verdict) -> bool {
    match (orig, flipped) {
        (_, Verdict::Rejected(_)) => true,
        (Verdict::Accepted(s0, r0), Verdict::Accepted(s1, r1)) => {
            s0 == s1 && r0.iter().zip(r1).all(|(a, b)| a == b || b.0.is_err())
        }
        (Verdict::Rejected(_), Verdict::Accepted(..)) => false,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn parse_of_encode_is_identity(c in case()) {
        let bytes = encode(&c);
        let rebuilt = with_auth(&bytes, |a| rebuild(a, &c)).unwrap();
        prop_assert_eq!(normalise(&rebuilt), normalise(&c.manifest));
        // Integrated payloads come back byte for byte.
        let env = Envelope::parse(&bytes).unwrap();
        let got: Vec<(String, Vec<u8>)> = env
            .payloads()
            .map(|(k, s)| (k.to_string(), s.get(&bytes).to_vec()))
            .collect();
        prop_assert_eq!(got, c.payloads.clone());
    }

    #[test]
    fn every_procedure_runs_without_structural_errors(c in case(), dry in any::<bool>()) {
        let bytes = encode(&c);
        let opts = Options { dry_run: dry, ..Options::DEFAULT };
        let runs = with_auth(&bytes, |a| run_procedures(a, opts)).unwrap();
        for (r, _) in runs {
            if let Err(k) = r {
                // Generated manifests are well-formed: no CBOR-level error,
                // no malformed sequence, whatever the commands decide.
                prop_assert_ne!(k.band(), 1, "{:?}", k);
                prop_assert_ne!(k, ErrorKind::SequenceMalformed);
                prop_assert_ne!(k, ErrorKind::LimitCommands);
            }
        }
    }

    #[test]
    fn a_dry_run_predicts_the_real_run(c in case()) {
        // On a device whose directives all succeed and whose content no
        // directive changes (Recorder), a dry run ends as the real run does:
        // everything a run decides without the platform's effects (parameters
        // set, integrated payloads' digests, conditions) is decided by both.
        let bytes = encode(&c);
        let dry = Options { dry_run: true, ..Options::DEFAULT };
        let real = with_auth(&bytes, |a| run_procedures(a, Options::DEFAULT)).unwrap();
        let predicted = with_auth(&bytes, |a| run_procedures(a, dry)).unwrap();
        for (proc, ((r, _), (d, _))) in PROCEDURES.iter().zip(real.iter().zip(predicted.iter())) {
            prop_assert_eq!(d, r, "{:?}", proc);
        }
    }

    #[test]
    fn an_encoding_error_is_found_before_any_platform_call(c in case()) {
        // The processor checks every sequence of a procedure whole before it
        // runs any: a run that fails for the manifest's encoding (not for
        // what the device answered) has asked the platform nothing.
        let bytes = encode(&c);
        let runs = with_auth(&bytes, |a| run_procedures(a, Options::DEFAULT)).unwrap();
        for (proc, (r, calls)) in PROCEDURES.iter().zip(runs) {
            if let Err(k) = r
                && ENCODING_ERRORS.contains(&k)
            {
                prop_assert!(calls.is_empty(), "{:?} failed {:?} after {:?}", proc, k, calls);
            }
        }
    }

    #[test]
    fn an_encoding_error_never_comes_from_a_running_command(c in case()) {
        // The converse: the check before the run finds every encoding error
        // the run could meet, so none surfaces from a command (which would
        // have recorded where it failed).
        let bytes = encode(&c);
        let late = with_auth(&bytes, |a| {
            let mut late = Vec::new();
            for proc in PROCEDURES {
                let mut rec = Recorder {
                    components: a.manifest().component_count(),
                    ..Default::default()
                };
                let Ok(mut p) = Processor::<_, _, 4>::new(a, &mut rec, &RustCrypto, Options::DEFAULT) else {
                    continue;
                };
                if let Err(e) = p.run(proc)
                    && ENCODING_ERRORS.contains(&e.kind())
                    && p.failure_detail().command != 0
                {
                    late.push((proc, e.kind(), p.failure_detail()));
                }
            }
            late
        })
        .unwrap();
        prop_assert!(late.is_empty(), "found while running: {:?}", late);
    }

    #[test]
    fn a_single_bit_flip_is_rejected_or_ignored(c in case(), flips in vec(any::<prop::sample::Index>(), 8)) {
        let bytes = encode(&c);
        let original = verdict(&bytes);
        prop_assert!(matches!(original, Verdict::Accepted(..)));
        for i in flips {
            let bit = i.index(bytes.len() * 8);
            let mut f = bytes.clone();
            f[bit / 8] ^= 1 << (bit % 8);
            let after = verdict(&f);
            prop_assert!(flip_is_safe(&original, &after), "bit {}: {:?} -> {:?}", bit, original, after);
        }
    }

    #[test]
    fn truncation_at_every_length_is_rejected(c in case()) {
        let bytes = encode(&c);
        for n in 0..bytes.len() {
            // Cut in a head: CBOR_TRUNCATED; in a string: LENGTH_EXCEEDS_INPUT.
            let r = with_auth(&bytes[..n], |_| ());
            prop_assert!(
                matches!(r, Err(ErrorKind::CborTruncated | ErrorKind::CborLengthExceedsInput)),
                "{}-byte prefix: {:?}", n, r
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Unknown standard parameters and parameters of companion drafts this
    /// processor does not implement (use-before, encryption-info, the
    /// update-management ones) reject the manifest: never skipped, and no
    /// directive after them runs.
    #[test]
    fn unknown_and_extension_parameters_are_refused_never_skipped(
        k in prop_oneof![
            Just(4i64), Just(19), 26i64..=30,
            6i64..=11, 15i64..=17, Just(20), 31i64..=1000, -256i64..=-1,
        ],
        value in prop_oneof![Just(Value::Uint(1)), Just(Value::Bytes(vec![0; 4]))],
    ) {
        let mut cmds = identity();
        cmds.push(Command::override_parameters(vec![(k, value)]));
        cmds.push(Command::override_parameters(vec![(param::CONTENT, Value::Bytes(vec![1]))]));
        cmds.push(Command::write(15));
        let c = Case {
            manifest: Manifest {
                components: vec![vec![b"fw".to_vec()]],
                validate: Some(Sequence::new(cmds)),
                ..Default::default()
            },
            payloads: vec![],
            dropped: vec![],
            untrusted_block: false,
        };
        let want = if matches!(k, 4 | 19 | 26..=30) {
            ErrorKind::UnsupportedExtension
        } else {
            ErrorKind::UnknownParameter
        };
        let (r, calls) = with_auth(&encode(&c), |a| {
            let mut rec = Recorder { components: 1, ..Default::default() };
            let r = Processor::<_, _, 4>::new(a, &mut rec, &RustCrypto, Options::DEFAULT)
                .unwrap()
                .run(Procedure::Section(7))
                .map(|_| ())
                .map_err(|e| e.kind());
            (r, rec.calls)
        })
        .unwrap();
        prop_assert_eq!(r, Err(want));
        prop_assert!(!calls.iter().any(|c| c.contains("write")), "{:?}", calls);
    }
}

/// Every bit of one envelope with everything an attacker could try to bend:
/// two signature blocks (one untrusted), a severed member, an integrated
/// payload checked by image-digest, text.
#[test]
fn every_single_bit_flip_of_one_envelope() {
    let image = b"an image of thirty-two bytes....".to_vec();
    let mut fetch = identity();
    fetch.push(Command::override_parameters(vec![
        (param::IMAGE_DIGEST, param::image_digest_sha256(&image)),
        (param::URI, Value::Text("#img".into())),
    ]));
    fetch.push(Command::fetch(15));
    let c = Case {
        manifest: Manifest {
            sequence_number: 7,
            components: vec![vec![b"fw".to_vec()]],
            payload_fetch: Some(Sequence::new(fetch)),
            validate: Some(Sequence::new(
                identity()
                    .into_iter()
                    .chain([
                        // Component 0 holds zeros (see Recorder::read).
                        Command::override_parameters(vec![(
                            param::CONTENT,
                            Value::Bytes(vec![0; 4]),
                        )]),
                        Command::check_content(0),
                    ])
                    .collect(),
            )),
            text: Some(Value::int_map(vec![(1, Value::Text("t".into()))])),
            sever: vec![23],
            ..Default::default()
        },
        payloads: vec![("#img".into(), image)],
        dropped: vec![],
        untrusted_block: true,
    };
    let bytes = encode(&c);
    let original = verdict(&bytes);
    let Verdict::Accepted(_, runs) = &original else {
        panic!("{original:?}")
    };
    assert!(runs[0].0.is_ok(), "update: {:?}", runs[0]);
    let mut ignored = 0;
    for bit in 0..bytes.len() * 8 {
        let mut f = bytes.clone();
        f[bit / 8] ^= 1 << (bit % 8);
        let after = verdict(&f);
        assert!(flip_is_safe(&original, &after), "bit {bit}: {after:?}");
        if after == original {
            ignored += 1;
        }
    }
    // The untrusted block is the only part whose flips leave the verdict
    // unchanged; everything else is authenticated.
    assert!(
        ignored > 0 && ignored < bytes.len() * 8 / 2,
        "{ignored} ignored flips"
    );
}

#[test]
fn generated_commands_use_the_standard_numbers() {
    // The generator and the verifier agree on the numbers (a sanity check
    // of the strategy, not of the verifier).
    assert_eq!(cmd::TRY_EACH, suit_verify::interp::cmd::TRY_EACH);
    assert_eq!(cmd::RUN_SEQUENCE, suit_verify::interp::cmd::RUN_SEQUENCE);
    assert_eq!(
        param::SOFT_FAILURE,
        suit_verify::interp::param::SOFT_FAILURE
    );
}
