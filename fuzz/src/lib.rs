//! Shared pieces of the suit-verify fuzz targets: trusted keys, a mock
//! [`Platform`] whose every answer comes from the fuzz input, a driver that
//! runs every procedure, and a structure-aware generator of valid, signed
//! envelopes (used by the `structured` target).
//!
//! The targets themselves live in `fuzz_targets/`; see `fuzz/README.md`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::OnceLock;

use arbitrary::{Result as AResult, Unstructured};
use suit_encoder::cbor::Value;
use suit_encoder::suit::{self, Command, EnvelopeBuilder, Manifest, Sequence, param};
use suit_verify::crypto::{DigestAlg, MAX_DIGEST};
use suit_verify::interp::IdentityPolicy;
use suit_verify::manifest::ComponentId;
use suit_verify::platform::{Component, Directive, PlatformResult, Record, VendorId};
use suit_verify::{
    Authenticated, Envelope, Limits, Options, Outcome, Platform, PlatformError, Policy, Procedure,
    Processor, RustCrypto, TrustedKey,
};

/// The draft's published example P-256 key (manifest-37 App. B): verifies
/// every IETF `manifest/*-signed` vector. A public test key.
pub const IETF_P256_PUBLIC: [u8; 65] = [
    0x04, 0x84, 0x96, 0x81, 0x1a, 0xae, 0x0b, 0xaa, 0xab, 0xd2, 0x61, 0x57, 0x18, 0x9e, 0xec, 0xda,
    0x26, 0xbe, 0xaa, 0x8b, 0xf1, 0x1b, 0x6f, 0x3f, 0xe6, 0xe2, 0xb5, 0x65, 0x9c, 0x85, 0xdb, 0xc0,
    0xad, 0x3b, 0x1f, 0x2a, 0x4b, 0x6c, 0x09, 0x81, 0x31, 0xc0, 0xa3, 0x6d, 0xac, 0xd1, 0xd7, 0x8b,
    0xd3, 0x81, 0xdc, 0xdf, 0xb0, 0x9c, 0x05, 0x2d, 0xb3, 0x39, 0x91, 0xdb, 0x73, 0x38, 0xb4, 0xa8,
    0x96,
];

/// Public halves of the trusted keys, in key-store order:
/// 0 IETF P-256, 1 test ed25519_a, 2 test p256_a (with kid "p256-a").
pub struct KeyBytes {
    /// test ed25519_a public key.
    pub ed_a: [u8; 32],
    /// test p256_a public key (SEC1 uncompressed).
    pub p256_a: Vec<u8>,
}

/// The test keys' public halves (computed once).
pub fn key_bytes() -> &'static KeyBytes {
    static K: OnceLock<KeyBytes> = OnceLock::new();
    K.get_or_init(|| KeyBytes {
        ed_a: suit_encoder::test_keys::ed25519_a()
            .public_raw()
            .try_into()
            .unwrap(),
        p256_a: suit_encoder::test_keys::p256_a().public_raw(),
    })
}

/// The kid the `p256_a` test key is bound to.
pub const P256_A_KID: &[u8] = b"p256-a";

/// Run `f` with the fuzzers' key store.
pub fn with_keys<R>(f: impl FnOnce(&suit_verify::KeyStore<'_>) -> R) -> R {
    let kb = key_bytes();
    let keys = [
        TrustedKey::p256(&IETF_P256_PUBLIC).unwrap(),
        TrustedKey::ed25519(&kb.ed_a),
        TrustedKey::p256(&kb.p256_a).unwrap().with_kid(P256_A_KID),
    ];
    let store = suit_verify::KeyStore::new(&keys).unwrap();
    f(&store)
}

/// A stream of answers taken from the fuzz input. Once it runs dry every
/// question gets the benign default (which also ends read loops).
#[derive(Clone, Debug)]
pub struct Answers<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Answers<'a> {
    /// Answers from `bytes`.
    pub fn new(bytes: &'a [u8]) -> Self {
        Answers { bytes, pos: 0 }
    }

    /// Answer the next question from a place `key` picks: the same
    /// question then gets the same answer, whatever came before it.
    fn rekey(&mut self, key: u64) {
        if let Ok(n) = u64::try_from(self.bytes.len())
            && n > 0
        {
            self.pos = usize::try_from(key % n).unwrap_or(0);
        }
    }

    /// Next byte, `None` once exhausted.
    pub fn next(&mut self) -> Option<u8> {
        let b = self.bytes.get(self.pos).copied();
        if b.is_some() {
            self.pos += 1;
        }
        b
    }

    /// A platform result: mostly `ok`, sometimes each error.
    fn result<T>(&mut self, ok: impl FnOnce(&mut Self, u8) -> T) -> PlatformResult<T> {
        match self.next() {
            None => Ok(ok(self, 0xff)),
            Some(b) => match b % 16 {
                0 => Err(PlatformError::Unsupported),
                1 => Err(PlatformError::Failed),
                2 => Err(PlatformError::Pending),
                _ => Ok(ok(self, b)),
            },
        }
    }
}

/// The size of every mock component's slot.
pub const SLOT_SIZE: u64 = 64 * 1024;

/// One platform call, for comparing two runs (the verdict).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Call {
    /// vendor check.
    Vendor(usize, Vec<u8>),
    /// class check.
    Class(usize, [u8; 16]),
    /// device check.
    Device(usize, [u8; 16]),
    /// slot query.
    Slot(usize),
    /// size query.
    Size(usize),
    /// digest fast path.
    Digest(usize, Option<u64>),
    /// content read.
    Read(usize, u64, usize),
    /// fetch of a URI.
    Fetch(usize, String, Option<Vec<u8>>),
    /// write of data.
    Write(usize, Vec<u8>),
    /// copy.
    Copy(usize, usize),
    /// swap.
    Swap(usize, usize),
    /// invoke.
    Invoke(usize, Option<Vec<u8>>),
    /// custom command.
    Custom(usize, i64, Vec<u8>),
    /// dry-run query.
    Supports(u8, usize),
    /// report record.
    Report(i64, u32, usize, i64, u64, Option<u16>),
}

/// A platform that answers from the fuzz input and records every call.
pub struct MockPlatform<'a> {
    /// Where answers come from.
    pub answers: Answers<'a>,
    /// Every call, in order.
    pub calls: Vec<Call>,
    /// Components the manifest lists (for invariant checks).
    pub components: usize,
    /// The identity policy the processor runs with: every directive (and
    /// dry-run question) must come after vendor and class answers of
    /// `Ok(true)` as it requires (the processor clears its record per
    /// section; this one never does, so it checks a weaker rule).
    pub identity: Option<IdentityPolicy>,
    vendor_ok: Vec<bool>,
    class_ok: Vec<bool>,
    /// The error the first `Err` this platform answered must end the run
    /// with (`Pending`: a pending run).
    pub first_err: Option<suit_verify::ErrorKind>,
    /// A deterministic device ([`MockPlatform::keyed`]).
    keyed: bool,
}

impl<'a> MockPlatform<'a> {
    /// A platform answering from `answers`.
    pub fn new(answers: &'a [u8], components: usize) -> Self {
        MockPlatform {
            answers: Answers::new(answers),
            calls: Vec::new(),
            components,
            identity: None,
            vendor_ok: vec![false; components.max(1)],
            class_ok: vec![false; components.max(1)],
            first_err: None,
            keyed: false,
        }
    }

    /// A deterministic device: each question is answered from a place in
    /// `answers` that the question itself picks (its [`Call`]), so asking
    /// again gets the same answer whatever was asked in between; every
    /// directive succeeds and every dry-run question is answered yes; no
    /// directive changes what the conditions see. On such a device a dry
    /// run must end as the real run does ([`dry_run_predicts_real_run`]).
    pub fn keyed(answers: &'a [u8], components: usize) -> Self {
        MockPlatform {
            keyed: true,
            ..MockPlatform::new(answers, components)
        }
    }

    /// Remember the first error answered.
    fn noted<T>(&mut self, r: PlatformResult<T>) -> PlatformResult<T> {
        if let Err(e) = &r {
            self.first_err.get_or_insert(e.kind());
        }
        r
    }

    /// A directive (or dry-run question, or custom command) on component
    /// `c`: the identity policy must have been met.
    fn gate(&self, c: usize) {
        let any = |v: &[bool]| v.iter().any(|b| *b);
        let ok = match self.identity {
            Some(IdentityPolicy::AnyComponent) => any(&self.vendor_ok) && any(&self.class_ok),
            Some(IdentityPolicy::PerComponent) => {
                self.vendor_ok.get(c) == Some(&true) && self.class_ok.get(c) == Some(&true)
            }
            _ => true,
        };
        assert!(
            ok,
            "directive on component {c} before vendor and class passed ({:?})",
            self.identity
        );
    }

    fn seen(&mut self, c: Call) {
        if self.keyed {
            use std::hash::{Hash, Hasher};
            // Fixed keys: the same call hashes alike in every run.
            let mut h = std::collections::hash_map::DefaultHasher::new();
            c.hash(&mut h);
            self.answers.rekey(h.finish());
        }
        // Keep memory bounded even if a run makes many calls.
        if self.calls.len() < 100_000 {
            self.calls.push(c);
        }
    }

    fn check(&self, c: &Component<'_>) {
        assert!(
            c.index < self.components,
            "component {} of {}",
            c.index,
            self.components
        );
        // Every identifier handed out is a well-formed [* bstr].
        let n = c.id.segments().count();
        assert!(n <= suit_verify::limits::MAX_COMPONENT_ID_SEGMENTS);
    }

    /// A directive's answer: from the input, or success on a keyed device.
    fn directive_result(&mut self) -> PlatformResult<()> {
        if self.keyed {
            return Ok(());
        }
        let r = self.answers.result(|_, _| ());
        self.noted(r)
    }

    fn yes_no(&mut self) -> PlatformResult<bool> {
        self.answers.result(|_, b| b % 16 != 3)
    }
}

fn id_bytes(id: &ComponentId<'_>) -> usize {
    id.encoded().len()
}

impl Platform for MockPlatform<'_> {
    /// From the identifier's bytes, not the answer stream (asked for every
    /// component of every run): rarely "no" or "not yet".
    fn supports_component(&mut self, c: Component<'_>) -> PlatformResult<bool> {
        self.check(&c);
        let r = match c.id.encoded().iter().fold(0u8, |a, x| a.wrapping_add(*x)) {
            0x5A => Ok(false),
            0xA5 => Err(PlatformError::Pending),
            0x3C => Err(PlatformError::Failed),
            0xC3 => Err(PlatformError::Unsupported),
            _ => Ok(true),
        };
        if r == Err(PlatformError::Unsupported) {
            // An unsupported component, not an unsupported operation.
            self.first_err
                .get_or_insert(suit_verify::ErrorKind::ComponentUnsupported);
            return r;
        }
        self.noted(r)
    }

    fn check_vendor(&mut self, c: Component<'_>, id: VendorId<'_>) -> PlatformResult<bool> {
        self.check(&c);
        let v = match id {
            VendorId::Uuid(u) => u.to_vec(),
            VendorId::Pen(p) => p.to_vec(),
        };
        self.seen(Call::Vendor(c.index, v));
        let r = self.yes_no();
        if r == Ok(true)
            && let Some(v) = self.vendor_ok.get_mut(c.index)
        {
            *v = true;
        }
        self.noted(r)
    }

    fn check_class(&mut self, c: Component<'_>, id: &[u8; 16]) -> PlatformResult<bool> {
        self.check(&c);
        self.seen(Call::Class(c.index, *id));
        let r = self.yes_no();
        if r == Ok(true)
            && let Some(v) = self.class_ok.get_mut(c.index)
        {
            *v = true;
        }
        self.noted(r)
    }

    fn check_device(&mut self, c: Component<'_>, id: &[u8; 16]) -> PlatformResult<bool> {
        self.check(&c);
        self.seen(Call::Device(c.index, *id));
        let r = self.yes_no();
        self.noted(r)
    }

    fn component_slot(&mut self, c: Component<'_>) -> PlatformResult<u64> {
        self.check(&c);
        self.seen(Call::Slot(c.index));
        let r = self.answers.result(|_, b| u64::from(b % 4));
        self.noted(r)
    }

    fn component_size(&mut self, c: Component<'_>) -> PlatformResult<Option<u64>> {
        self.check(&c);
        self.seen(Call::Size(c.index));
        let r = self.answers.result(|a, b| {
            if b % 4 == 0 {
                None
            } else {
                Some(u64::from(a.next().unwrap_or(0)) + u64::from(b % 2) * 256)
            }
        });
        self.noted(r)
    }

    fn component_digest(
        &mut self,
        c: Component<'_>,
        alg: DigestAlg,
        size: Option<u64>,
        out: &mut [u8; MAX_DIGEST],
    ) -> PlatformResult<Option<usize>> {
        self.check(&c);
        let _ = alg;
        self.seen(Call::Digest(c.index, size));
        let r = self.answers.result(|a, b| {
            if b % 4 != 1 {
                return None;
            }
            for o in out.iter_mut() {
                *o = a.next().unwrap_or(0);
            }
            // A lying platform may claim any length, even past the buffer.
            Some(usize::from(a.next().unwrap_or(32)))
        });
        self.noted(r)
    }

    fn read(&mut self, c: Component<'_>, offset: u64, buf: &mut [u8]) -> PlatformResult<usize> {
        self.check(&c);
        // Every component is a finite slot: past its end a read returns 0,
        // as `Platform::read` asks. (The keyed device answers forever, so
        // without this an image-size of 2^40 hashed 2^40 bytes.)
        if offset >= SLOT_SIZE {
            return Ok(0);
        }
        self.seen(Call::Read(c.index, offset, buf.len()));
        let Some(b) = self.answers.next() else {
            return Ok(0);
        };
        match b % 16 {
            0 => self.noted(Err(PlatformError::Failed)),
            1 => self.noted(Err(PlatformError::Pending)),
            // A lying platform claiming more than it was asked for.
            2 => Ok(buf.len().saturating_add(usize::from(b))),
            _ => {
                let n = usize::from(b / 2).min(buf.len());
                for o in buf.iter_mut().take(n) {
                    *o = self.answers.next().unwrap_or(0);
                }
                Ok(n)
            }
        }
    }

    fn fetch(&mut self, c: Component<'_>, uri: &str, args: Option<&[u8]>) -> PlatformResult<()> {
        self.check(&c);
        self.gate(c.index);
        self.seen(Call::Fetch(c.index, uri.into(), args.map(<[u8]>::to_vec)));
        self.directive_result()
    }

    fn write(&mut self, c: Component<'_>, data: &[u8]) -> PlatformResult<()> {
        self.check(&c);
        self.gate(c.index);
        self.seen(Call::Write(c.index, data.to_vec()));
        self.directive_result()
    }

    fn copy(&mut self, c: Component<'_>, source: Component<'_>) -> PlatformResult<()> {
        self.check(&c);
        self.check(&source);
        self.gate(c.index);
        self.seen(Call::Copy(c.index, source.index));
        self.directive_result()
    }

    fn swap(&mut self, c: Component<'_>, source: Component<'_>) -> PlatformResult<()> {
        self.check(&c);
        self.check(&source);
        self.gate(c.index);
        self.gate(source.index);
        self.seen(Call::Swap(c.index, source.index));
        self.directive_result()
    }

    fn invoke(&mut self, c: Component<'_>, args: Option<&[u8]>) -> PlatformResult<()> {
        self.check(&c);
        self.gate(c.index);
        self.seen(Call::Invoke(c.index, args.map(<[u8]>::to_vec)));
        self.directive_result()
    }

    fn custom(&mut self, c: Component<'_>, command: i64, arg: &[u8]) -> PlatformResult<bool> {
        self.check(&c);
        assert!(command < -256, "custom command {command}");
        self.gate(c.index);
        self.seen(Call::Custom(c.index, command, arg.to_vec()));
        let r = self.yes_no();
        self.noted(r)
    }

    fn custom_with_parameters(
        &mut self,
        c: Component<'_>,
        command: i64,
        arg: &[u8],
        parameters: suit_verify::platform::CustomParameters<'_>,
    ) -> PlatformResult<bool> {
        for (k, v) in parameters.iter() {
            assert!(k < -256, "custom parameter {k}");
            assert_eq!(parameters.get(k), Some(v));
        }
        self.custom(c, command, arg)
    }

    fn supports(&mut self, d: Directive, c: Component<'_>) -> bool {
        self.check(&c);
        let _ = id_bytes(&c.id);
        self.gate(c.index);
        self.seen(Call::Supports(d as u8, c.index));
        self.keyed || self.answers.next().is_none_or(|b| b % 8 != 0)
    }

    fn report(&mut self, r: &Record) {
        assert!(r.component < self.components.max(1));
        self.seen(Call::Report(
            r.section,
            r.offset,
            r.component,
            r.command,
            r.policy,
            r.failure.map(|k| k.code()),
        ));
    }
}

/// Processor options picked by a flag byte.
pub fn options(flags: u8, limit_bytes: &[u8]) -> Options {
    let identity = match flags % 3 {
        0 => IdentityPolicy::AnyComponent,
        1 => IdentityPolicy::PerComponent,
        _ => IdentityPolicy::Relaxed,
    };
    let mut limits = Limits::DEFAULT;
    if flags & 0x20 != 0 {
        // Small run-time limits from the input (clamped by the processor).
        let b = |i: usize| usize::from(limit_bytes.get(i).copied().unwrap_or(0xff));
        limits.commands = u32::from(limit_bytes.first().copied().unwrap_or(0xff)) * 4;
        limits.sequence_depth = b(1) % 8;
        limits.alternatives = b(2) % 12;
        limits.cbor_items = u32::from(limit_bytes.get(3).copied().unwrap_or(0xff)) * 64;
    }
    Options {
        identity,
        dry_run: flags & 0x04 != 0,
        invoke_callback: flags & 0x08 != 0,
        limits,
    }
}

/// Every procedure the processor offers, plus sections that do not exist.
pub const PROCEDURES: [Procedure; 11] = [
    Procedure::Update,
    Procedure::Invoke,
    Procedure::Shared,
    Procedure::Section(7),
    Procedure::Section(8),
    Procedure::Section(9),
    Procedure::Section(16),
    Procedure::Section(20),
    Procedure::Section(23),
    Procedure::Section(15),
    Procedure::Section(-1),
];

/// What one procedure did: its result and every platform call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    /// The result (error code on failure; boot component and args on success).
    pub result: Result<Option<(usize, Option<Vec<u8>>)>, u16>,
    /// Pending instead of complete.
    pub pending: bool,
    /// Platform calls.
    pub calls: Vec<Call>,
}

/// Run `procedure` on `auth` with a fresh platform answering from `answers`
/// (a [`MockPlatform::keyed`] one when `keyed`), checking the processor's
/// invariants.
pub fn run_one<const N: usize>(
    auth: &Authenticated<'_>,
    answers: &[u8],
    opts: Options,
    procedure: Procedure,
    keyed: bool,
) -> Run {
    let count = auth.manifest().component_count();
    let mut platform = if keyed {
        MockPlatform::keyed(answers, count)
    } else {
        MockPlatform::new(answers, count)
    };
    platform.identity = Some(opts.identity);
    // What the check before the run says, on a processor of its own: it
    // must make no platform call, and the run must agree with it.
    let checked = Processor::<_, _, N>::new(auth, &mut platform, &RustCrypto, opts)
        .ok()
        .map(|mut p| p.check(procedure).map_err(|e| e.kind()));
    assert!(platform.calls.is_empty(), "check() called the platform");
    let result;
    let mut pending = false;
    {
        let mut p = match Processor::<_, _, N>::new(auth, &mut platform, &RustCrypto, opts) {
            Ok(p) => p,
            Err(e) => {
                assert_eq!(e.kind(), suit_verify::ErrorKind::LimitComponents);
                assert!(count > N);
                return Run {
                    result: Err(e.kind().code()),
                    pending: false,
                    calls: Vec::new(),
                };
            }
        };
        result = match p.run(procedure) {
            Ok(Outcome { boot }) => {
                if let Some(b) = boot {
                    assert!(b.component < count);
                }
                Ok(boot.map(|b| (b.component, b.args.map(<[u8]>::to_vec))))
            }
            Err(e) if e.kind() == suit_verify::ErrorKind::Pending => {
                pending = true;
                Ok(None)
            }
            Err(e) => {
                // Every error has a kind of a known band and an offset inside
                // the envelope (or none).
                let len = auth.envelope().as_unverified_bytes().len();
                if let Some(off) = e.offset() {
                    assert!(
                        (off as usize) <= len,
                        "{e:?} offset past the envelope ({len})"
                    );
                }
                assert!((1..=7).contains(&e.kind().band()));
                Err(e.kind().code())
            }
        };
        // An image verifier for every component (after the last run).
        for c in 0..=count {
            if let Ok(mut v) = p.image_verifier(c) {
                assert!(c < count);
                let _ = v.update(b"suit");
                let _ = v.finish();
            }
        }
    }
    // The check and the run agree: what the check refuses, the run refuses
    // alike before any platform call; what it accepts, the run never
    // refuses for its encoding or structure.
    match checked {
        Some(Err(k)) => {
            assert_eq!(result, Err(k.code()), "check said {k:?}");
            assert!(platform.calls.is_empty(), "{k:?} after platform calls");
        }
        Some(Ok(())) => {
            use suit_verify::ErrorKind as K;
            if let Err(code) = result {
                let structural = [
                    K::UnknownCommand,
                    K::UnknownParameter,
                    K::UnsupportedExtension,
                    K::SequenceMalformed,
                    K::TryEachTooFew,
                    K::SoftFailureMisplaced,
                    K::CustomInSharedSequence,
                    K::DirectiveInSharedSequence,
                    K::SectionAbsent,
                    K::SeveredMemberMissing,
                    // Judged whole by the check too: the nesting, the
                    // alternatives, the selection that starts a sequence,
                    // the custom parameter numbers of the procedure, the
                    // depth of an override as the run skips it.
                    K::LimitCborDepth,
                    K::LimitSequenceDepth,
                    K::LimitAlternatives,
                    K::ComponentNotSelected,
                    K::LimitCustomParameters,
                ];
                assert!(
                    !structural.iter().any(|k| k.code() == code) && code >> 8 != 1,
                    "the check passed, the run failed {code:#06x}"
                );
            }
        }
        None => {}
    }
    // Fail closed: the first error the platform answered ends the run with
    // that error (nothing absorbs it: not try-each, not soft-failure).
    if let Some(k) = platform.first_err {
        if k == suit_verify::ErrorKind::Pending {
            assert!(pending, "Pending answered, run gave {result:?}");
        } else {
            assert_eq!(result, Err(k.code()), "an answer meaning {k:?}");
        }
    }
    // Dry runs ask instead of acting; invoke is called only when asked for.
    let acts = |c: &Call| {
        matches!(
            c,
            Call::Fetch(..) | Call::Write(..) | Call::Copy(..) | Call::Swap(..) | Call::Invoke(..)
        )
    };
    if opts.dry_run {
        assert!(!platform.calls.iter().any(acts), "a dry run acted");
    } else {
        assert!(
            !platform
                .calls
                .iter()
                .any(|c| matches!(c, Call::Supports(..)))
        );
    }
    if !opts.invoke_callback {
        assert!(!platform.calls.iter().any(|c| matches!(c, Call::Invoke(..))));
    }
    let reports = platform
        .calls
        .iter()
        .filter(|c| matches!(c, Call::Report(..)))
        .count();
    // Each report is one executed command (per component): bounded by the budget.
    assert!(reports <= opts.limits.clamped().commands as usize + 1);
    Run {
        result,
        pending,
        calls: platform.calls,
    }
}

/// Run every procedure (each with fresh answers) and return what happened.
pub fn run_all<const N: usize>(
    auth: &Authenticated<'_>,
    answers: &[u8],
    opts: Options,
) -> Vec<Run> {
    PROCEDURES
        .iter()
        .map(|p| run_one::<N>(auth, answers, opts, *p, false))
        .collect()
}

/// On a deterministic device ([`MockPlatform::keyed`]), a dry run of every
/// procedure ends as the real run does: the same error, the same component
/// to boot, pending alike. A dry run that approves what the real run
/// refuses (or the reverse) is a dry run that misleads an updater.
pub fn dry_run_predicts_real_run<const N: usize>(
    auth: &Authenticated<'_>,
    answers: &[u8],
    opts: Options,
) {
    let (real_run, dry_run) = (
        Options {
            dry_run: false,
            ..opts
        },
        Options {
            dry_run: true,
            ..opts
        },
    );
    for p in PROCEDURES {
        let real = run_one::<N>(auth, answers, real_run, p, true);
        let dry = run_one::<N>(auth, answers, dry_run, p, true);
        assert_eq!(
            (&dry.result, dry.pending),
            (&real.result, real.pending),
            "{p:?}: the dry run (left) did not predict the real run (right)"
        );
    }
}

/// Exercise every accessor of an authenticated manifest.
pub fn walk_manifest(auth: &Authenticated<'_>) {
    let m = auth.manifest();
    let n = m.component_count();
    assert!((1..=suit_verify::manifest::MAX_COMPONENTS).contains(&n));
    for i in 0..=n {
        let id = m.component_id(i);
        assert_eq!(id.is_some(), i < n);
        if let Some(id) = id {
            assert!(id.segments().count() <= suit_verify::limits::MAX_COMPONENT_ID_SEGMENTS);
        }
    }
    for k in [7, 8, 9, 14, 15, 16, 18, 20, 23, 24, 0, -1] {
        let _ = m.section(k);
    }
    let _ = (
        m.reference_uri(),
        m.text(),
        m.dependencies(),
        m.shared_sequence(),
    );
    let _ = m.first_extension();
}

/// Authenticate `data` with the fuzzers' key store.
pub fn authenticate(env: &Envelope<'_>, policy: &Policy) -> suit_verify::Result<u64> {
    with_keys(|keys| {
        suit_verify::authenticate(env, keys, policy, &RustCrypto).map(|a| {
            walk_manifest(&a);
            a.sequence_number()
        })
    })
}

/// The keys of [`with_keys`] (bit `i` = key `i`) that signed `data`, judged
/// independently of suit-verify: `suit-encoder`'s own CBOR parser splits
/// the envelope and checks the wrapper's digest of the manifest, and each
/// tagged COSE_Sign1 block with a detached payload is checked with the
/// crates' one-shot verify over a Sig_structure built by the encoder, with
/// every key (kid and algorithm ignored: a superset of what the library
/// accepts). `None` when the encoder refuses the envelope or its digest.
pub fn independent_signers(data: &[u8]) -> Option<u8> {
    use suit_encoder::cbor;
    use suit_encoder::cose::{self, KeyType as K};
    let parts = cose::parse_envelope(data).ok()?;
    let kb = key_bytes();
    let keys: [(K, &[u8]); 3] = [
        (K::P256, &IETF_P256_PUBLIC),
        (K::Ed25519, &kb.ed_a),
        (K::P256, &kb.p256_a),
    ];
    let mut signed = 0u8;
    for element in parts.auth_elements.iter().skip(1) {
        let Ok(Value::Bytes(block)) = cbor::decode_all(element) else {
            continue;
        };
        let Ok(Value::Tag(18, sign1)) = cbor::decode_all(&block) else {
            continue;
        };
        let Some([Value::Bytes(protected), _, Value::Null, Value::Bytes(sig)]) = sign1.as_array()
        else {
            continue;
        };
        let tbs = cose::sig_structure(protected, &parts.digest_payload);
        for (i, (kt, pk)) in keys.iter().enumerate() {
            if cose::verify_raw(*kt, pk, &tbs, sig).is_ok() {
                signed |= 1 << i;
            }
        }
    }
    Some(signed)
}

/// Run `f` on the authenticated envelope, if it authenticates.
pub fn with_authenticated<R>(
    env: &Envelope<'_>,
    policy: &Policy,
    f: impl FnOnce(&Authenticated<'_>) -> R,
) -> suit_verify::Result<R> {
    with_keys(|keys| suit_verify::authenticate(env, keys, policy, &RustCrypto).map(|a| f(&a)))
}

/// Check the envelope view's invariants.
pub fn walk_envelope(env: &Envelope<'_>) {
    let bytes = env.as_unverified_bytes();
    let inside = |s: suit_verify::envelope::Span| {
        assert!(s.offset as usize + s.len as usize <= bytes.len(), "{s:?}");
    };
    inside(env.wrapper_digest_span());
    inside(env.manifest_span());
    inside(env.manifest_content_span());
    assert!(!env.manifest_bstr().is_empty());
    assert!(env.auth_block_count() <= suit_verify::limits::MAX_AUTH_BLOCKS);
    assert_eq!(env.auth_blocks().count(), env.auth_block_count());
    for (s, b) in env.auth_blocks() {
        inside(s);
        assert_eq!(b.len(), s.len as usize);
        let mut budget = suit_verify::limits::Budget::new(
            suit_verify::limits::MAX_CBOR_ITEMS,
            suit_verify::ErrorKind::LimitCborItems,
        );
        let _ = suit_verify::cose::Sign1::parse(b, s.start(), &mut budget);
    }
    for k in suit_verify::envelope::SEVERABLE_KEYS {
        if let Some(s) = env.severed_member(k) {
            inside(s);
        }
    }
    assert!(env.payload_count() <= suit_verify::limits::MAX_PAYLOADS);
    let mut n = 0;
    for (name, s) in env.payloads() {
        inside(s);
        assert_eq!(env.payload(name).is_some(), true);
        n += 1;
    }
    assert_eq!(n, env.payload_count());
    let mut budget = suit_verify::limits::Budget::new(
        suit_verify::limits::MAX_CBOR_ITEMS,
        suit_verify::ErrorKind::LimitCborItems,
    );
    let _ = suit_verify::digest::SuitDigest::decode(
        env.wrapper_digest(),
        env.wrapper_digest_span().start(),
        &mut budget,
    );
}

// ---------------------------------------------------------------------------
// Structure-aware generation (the `structured` target).

/// The vendor and class every generated manifest checks.
pub const VENDOR: [u8; 16] = *b"suit-fuzz-vendor";
/// See [`VENDOR`].
pub const CLASS: [u8; 16] = *b"suit-fuzz-class!";

/// A generated envelope: the builder and how to sign it.
#[derive(Debug)]
pub struct Generated {
    /// The unsigned envelope.
    pub builder: EnvelopeBuilder,
    /// Severed members to leave out of the envelope.
    pub drop_severed: Vec<i64>,
    /// Signers, in order: 0 ed25519_a (trusted), 1 ed25519_b (untrusted),
    /// 2 p256_a with kid (trusted).
    pub signers: Vec<u8>,
}

struct G<'u, 'd> {
    u: &'u mut Unstructured<'d>,
    components: usize,
    payloads: Vec<(String, Vec<u8>)>,
    budget: usize,
}

impl G<'_, '_> {
    fn small(&mut self, max: u64) -> AResult<u64> {
        self.u.int_in_range(0..=max)
    }

    fn bytes(&mut self, max: usize) -> AResult<Vec<u8>> {
        let n = self.u.int_in_range(0..=max)?;
        let mut v = vec![0u8; n];
        self.u.fill_buffer(&mut v)?;
        Ok(v)
    }

    fn param(&mut self, shared: bool) -> AResult<Vec<(i64, Value)>> {
        let mut ps: Vec<(i64, Value)> = Vec::new();
        let n = self.u.int_in_range(1..=3)?;
        for _ in 0..n {
            let k = self.u.choose_index(14)?;
            let p = match k {
                0 => {
                    // A PEN vendor id (tag 112) now and then, as the draft allows.
                    let v = if self.u.ratio(1, 4)? {
                        param::vendor_pen(self.u.int_in_range(1..=70_000)?)
                    } else {
                        param::uuid(&VENDOR)
                    };
                    (param::VENDOR_ID, v)
                }
                1 => (param::CLASS_ID, param::uuid(&CLASS)),
                2 => (
                    param::DEVICE_ID,
                    Value::Bytes(
                        self.bytes(16)?
                            .into_iter()
                            .chain([0u8; 16])
                            .take(16)
                            .collect(),
                    ),
                ),
                3 => {
                    let d = self.bytes(8)?;
                    let digest = if self.u.ratio(1, 4)? {
                        use sha2::Digest as _;
                        param::image_digest(suit::alg::SHA384, sha2::Sha384::digest(&d).to_vec())
                    } else {
                        param::image_digest_sha256(&d)
                    };
                    (param::IMAGE_DIGEST, digest)
                }
                4 => (param::IMAGE_SIZE, Value::Uint(self.small(300)?)),
                5 => (param::COMPONENT_SLOT, Value::Uint(self.small(3)?)),
                6 => (param::CONTENT, Value::Bytes(self.bytes(80)?)),
                7 => {
                    // An integrated payload always comes with its digest:
                    // the envelope's copy is not signed.
                    let i = self.u.choose_index(2)?;
                    let name = format!("#p{i}");
                    let data = self.payloads[i].1.clone();
                    let d = if self.u.ratio(7, 8)? {
                        data
                    } else {
                        self.bytes(4)?
                    };
                    ps.retain(|(k, _)| *k != param::IMAGE_DIGEST);
                    ps.push((param::IMAGE_DIGEST, param::image_digest_sha256(&d)));
                    (param::URI, Value::Text(name))
                }
                8 => (param::URI, Value::Text("coaps://fw.example/app.bin".into())),
                9 => (
                    param::SOURCE_COMPONENT,
                    Value::Uint(self.small(self.components as u64)?),
                ),
                10 => (param::INVOKE_ARGS, Value::Bytes(self.bytes(4)?)),
                11 => (param::FETCH_ARGUMENTS, Value::Bytes(self.bytes(4)?)),
                12 if !shared => (-257 - self.small(3)? as i64, Value::Uint(self.small(9)?)),
                12 => (param::STRICT_ORDER, Value::Bool(self.u.arbitrary()?)),
                _ => (param::SOFT_FAILURE, Value::Bool(self.u.arbitrary()?)),
            };
            ps.retain(|(k, _)| *k != p.0);
            ps.push(p);
        }
        Ok(ps)
    }

    fn command(&mut self, depth: usize, shared: bool) -> AResult<Command> {
        let c = self.components as u64;
        let k = self.u.choose_index(if shared { 12 } else { 20 })?;
        let policy = self.small(15)?;
        Ok(match k {
            0 => {
                let past_end = u64::from(self.u.ratio(1, 16)?);
                Command::set_component_index(self.small(c.saturating_sub(1) + past_end)?)
            }
            1 => Command::set_component_index_all(),
            2 => {
                let n = self.u.int_in_range(1..=3)?;
                let list: Vec<u64> = (0..n).map(|_| self.small(c - 1)).collect::<AResult<_>>()?;
                Command::set_component_index_list(&list)
            }
            3 => Command::override_parameters(self.param(shared)?),
            4 => Command::vendor_identifier(policy),
            5 => Command::class_identifier(policy),
            6 => Command::device_identifier(policy),
            7 => Command::image_match(policy),
            8 => Command::component_slot(policy),
            9 => Command::check_content(policy),
            10 if depth < 5 && self.budget > 0 => {
                self.budget -= 1;
                let n = if self.u.ratio(1, 32)? {
                    9
                } else {
                    self.u.int_in_range(2..=3)?
                };
                let alts = (0..n)
                    .map(|_| self.sequence(depth + 1, shared))
                    .collect::<AResult<_>>()?;
                Command::try_each(alts, self.u.arbitrary()?)
            }
            11 if depth < 5 && self.budget > 0 => {
                self.budget -= 1;
                Command::run_sequence(self.sequence(depth + 1, shared)?)
            }
            10 | 11 | 12 => Command::abort(policy),
            13 => Command::fetch(policy),
            14 => Command::write(policy),
            15 => Command::copy(policy),
            16 => Command::swap(policy),
            17 => Command::invoke(policy),
            18 => Command::custom(-257 - self.small(3)? as i64, Value::Bytes(self.bytes(3)?)),
            // An unknown standard command (rejects the manifest, even inside try-each).
            _ => Command::custom(30, Value::Uint(policy)),
        })
    }

    fn sequence(&mut self, depth: usize, shared: bool) -> AResult<Sequence> {
        let n = self.u.int_in_range(1..=if depth == 0 { 8 } else { 4 })?;
        let mut cmds = Vec::new();
        if depth == 0 && !shared && self.u.ratio(3, 4)? {
            // The usual preamble: identity first.
            if self.components > 1 {
                cmds.push(Command::set_component_index_all());
            }
            cmds.push(Command::override_parameters(vec![
                (param::VENDOR_ID, param::uuid(&VENDOR)),
                (param::CLASS_ID, param::uuid(&CLASS)),
            ]));
            cmds.push(Command::vendor_identifier(15));
            cmds.push(Command::class_identifier(15));
        }
        for _ in 0..n {
            cmds.push(self.command(depth, shared)?);
        }
        Ok(Sequence::new(cmds))
    }

    fn opt_sequence(&mut self) -> AResult<Option<Sequence>> {
        if self.u.ratio(1, 2)? {
            Ok(Some(self.sequence(0, false)?))
        } else {
            Ok(None)
        }
    }
}

/// Generate a valid envelope (it always authenticates once signed by a
/// trusted key) from unstructured fuzz bytes.
pub fn generate(u: &mut Unstructured<'_>) -> AResult<Generated> {
    let components = if u.ratio(1, 32)? {
        5
    } else {
        u.int_in_range(1..=4)?
    };
    let mut ids = Vec::new();
    for i in 0..components {
        let segs = if u.ratio(1, 64)? {
            9
        } else {
            u.int_in_range(1..=3)?
        };
        let mut id: Vec<Vec<u8>> = (0..segs).map(|s| vec![i as u8, s as u8]).collect();
        if u.arbitrary()? {
            id[0] = b"fw".to_vec();
            id.push(vec![i as u8]);
            id.truncate(segs.max(2));
        }
        ids.push(id);
    }
    let payloads: Vec<(String, Vec<u8>)> = (0..2)
        .map(|i| {
            let n = u.int_in_range(0..=64)?;
            let mut v = vec![0u8; n];
            u.fill_buffer(&mut v)?;
            Ok((format!("#p{i}"), v))
        })
        .collect::<AResult<_>>()?;
    let mut g = G {
        u,
        components,
        payloads: payloads.clone(),
        budget: 6,
    };
    let shared = if g.u.ratio(2, 3)? {
        Some(g.sequence(0, true)?)
    } else {
        None
    };
    let mut m = Manifest {
        sequence_number: g.u.int_in_range(0..=1_000_000)?,
        components: ids,
        shared,
        validate: g.opt_sequence()?,
        load: g.opt_sequence()?,
        invoke: g.opt_sequence()?,
        payload_fetch: g.opt_sequence()?,
        install: g.opt_sequence()?,
        ..Default::default()
    };
    if g.u.ratio(1, 4)? {
        m.text = Some(Value::int_map(vec![(
            suit::key::text::MANIFEST_DESCRIPTION,
            Value::Text("fuzz".into()),
        )]));
    }
    if g.u.ratio(1, 8)? {
        m.reference_uri = Some("https://example.invalid/m.suit".into());
    }
    let mut drop_severed = Vec::new();
    for (k, present) in [
        (
            suit::key::manifest::PAYLOAD_FETCH,
            m.payload_fetch.is_some(),
        ),
        (suit::key::manifest::INSTALL, m.install.is_some()),
        (suit::key::manifest::TEXT, m.text.is_some()),
    ] {
        if present && g.u.ratio(1, 3)? {
            m.sever.push(k);
            if g.u.ratio(1, 4)? {
                drop_severed.push(k);
            }
        }
    }
    let mut builder = EnvelopeBuilder::new(m);
    let np = g.u.int_in_range(0..=2)?;
    builder.integrated = payloads.into_iter().take(np).collect();
    let mut signers = vec![0u8];
    if g.u.ratio(1, 4)? {
        signers.insert(0, 1);
    }
    if g.u.ratio(1, 16)? {
        signers.push(2);
    }
    Ok(Generated {
        builder,
        drop_severed,
        signers,
    })
}

/// Sign and encode a generated envelope.
pub fn encode(g: &Generated) -> Option<Vec<u8>> {
    let mut env = g.builder.build().ok()?;
    for s in &g.signers {
        env = match s {
            0 => suit_encoder::cose::sign(&env, &suit_encoder::test_keys::ed25519_a(), -8, None),
            1 => suit_encoder::cose::sign(&env, &suit_encoder::test_keys::ed25519_b(), -19, None),
            _ => suit_encoder::cose::sign(
                &env,
                &suit_encoder::test_keys::p256_a(),
                -9,
                Some(P256_A_KID),
            ),
        }
        .ok()?;
    }
    if !g.drop_severed.is_empty() {
        env = drop_members(&env, &g.drop_severed)?;
    }
    Some(env)
}

/// Remove envelope members with integer keys `keys` (severed members the
/// distributor left out).
pub fn drop_members(env: &[u8], keys: &[i64]) -> Option<Vec<u8>> {
    let Value::Tag(107, body) = suit_encoder::cbor::decode_all(env).ok()? else {
        return None;
    };
    let Value::Map(entries) = *body else {
        return None;
    };
    let kept = entries
        .into_iter()
        .filter(|(k, _)| !keys.iter().any(|d| *k == Value::int(*d)))
        .collect();
    suit_encoder::cbor::try_encode(&Value::Tag(107, Box::new(Value::Map(kept)))).ok()
}

/// The verdict of the verifier on an envelope: authentication, then every
/// procedure with a platform answering from `answers`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Rejected before any procedure ran.
    Rejected(u16),
    /// Authenticated (sequence number, signers) and each procedure's run.
    Accepted(u64, u32, Vec<Run>),
}

/// Compute the verdict on `bytes`.
pub fn verdict(bytes: &[u8], answers: &[u8], opts: Options) -> Verdict {
    let env = match Envelope::parse(bytes) {
        Ok(e) => e,
        Err(e) => return Verdict::Rejected(e.kind().code()),
    };
    walk_envelope(&env);
    let r = with_keys(|keys| {
        suit_verify::authenticate(&env, keys, &Policy::DEFAULT, &RustCrypto).map(|a| {
            walk_manifest(&a);
            Verdict::Accepted(
                a.sequence_number(),
                a.signers(),
                run_all::<4>(&a, answers, opts),
            )
        })
    });
    r.unwrap_or_else(|e| Verdict::Rejected(e.kind().code()))
}

/// The bit-flip property: the flipped verdict is a rejection, or equals the
/// original, or differs only by procedures that now fail. A flip may knock
/// out one of several signatures (the verdict still stands on the others)
/// but can never add a signer.
pub fn flip_is_safe(original: &Verdict, flipped: &Verdict) -> bool {
    match (original, flipped) {
        (_, Verdict::Rejected(_)) => true,
        (Verdict::Accepted(s0, g0, r0), Verdict::Accepted(s1, g1, r1)) => {
            s0 == s1
                && g1 & !g0 == 0
                && *g1 != 0
                && r0.len() == r1.len()
                && r0.iter().zip(r1).all(|(a, b)| a == b || b.result.is_err())
        }
        (Verdict::Rejected(_), Verdict::Accepted(..)) => false,
    }
}

/// For the signature-bypass targets: rewrite the wrapper's manifest digest
/// so that it matches the (mutated) manifest, the way network fuzzers fix
/// up checksums. Without it almost every mutation of the manifest would
/// stop at the digest check, because the bypass skips only the signature
/// result. Returns `None` when the envelope does not parse or carries a
/// digest this can't recompute.
pub fn fix_digest(data: &[u8]) -> Option<Vec<u8>> {
    use sha2::Digest as _;
    let env = Envelope::parse(data).ok()?;
    let mut budget = suit_verify::limits::Budget::new(64, suit_verify::ErrorKind::LimitCborItems);
    let span = env.wrapper_digest_span();
    let d =
        suit_verify::digest::SuitDigest::decode(env.wrapper_digest(), span.start(), &mut budget)
            .ok()?;
    let m = env.manifest_bstr();
    let fresh: Vec<u8> = match d.alg {
        DigestAlg::Sha256 => sha2::Sha256::digest(m).to_vec(),
        DigestAlg::Sha384 => sha2::Sha384::digest(m).to_vec(),
        DigestAlg::Sha512 => sha2::Sha512::digest(m).to_vec(),
        #[allow(unreachable_patterns)]
        _ => return None,
    };
    let at = (d.bytes.as_ptr() as usize).checked_sub(data.as_ptr() as usize)?;
    let mut out = data.to_vec();
    out.get_mut(at..at + fresh.len())?.copy_from_slice(&fresh);
    Some(out)
}
