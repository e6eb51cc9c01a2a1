//! The command-sequence processor (draft §6, §8.4.6-§8.4.10).
//!
//! A [`Processor`] runs the SUIT procedures on an [`Authenticated`] manifest:
//! the update procedure (payload-fetch, install, validate), the invocation
//! procedure (validate, load, invoke), or one section on request. A
//! procedure starts with no parameters set; each of its sections runs the
//! shared sequence, then the section, and parameters persist from one
//! section to the next (the draft does not clear them). The processor has
//! no side effects of its own; every effect and question goes through
//! [`Platform`].
//!
//! Semantics that are easy to get wrong, and how this processor does them:
//!
//! - parameters are per component (strict-order and soft-failure are
//!   processor-wide); override always writes; a condition whose parameter
//!   is unset fails;
//! - a condition failure ends the current sequence: inside a try-each
//!   alternative (soft-failure defaults to true there) the next alternative
//!   runs; inside run-sequence (soft-failure defaults to false) run-sequence
//!   fails, or ends quietly if the author set soft-failure; at the top it
//!   rejects. A failing directive always aborts. Setting soft-failure
//!   anywhere but directly in a try-each alternative or run-sequence aborts;
//! - an unknown command, or one of a companion draft this processor does
//!   not implement, rejects the manifest: it is not a failed condition, so
//!   neither try-each nor soft-failure skips it ("reject, never skip");
//!   an unknown standard parameter rejects too; custom numbers are below
//!   -256 (-1..=-256 are reserved) and never allowed in the shared sequence;
//! - with index `true` or an array, every command (try-each and
//!   run-sequence included) runs once per selected component, in order;
//!   nested sequences see that one component, and the index in force before
//!   the command is restored after it;
//! - an index out of range rejects before any parameter is touched; with
//!   more than one component the shared sequence and every section start
//!   with set-component-index (checked before anything runs);
//! - the shared sequence may only check conditions, select components, set
//!   parameters, and use try-each or run-sequence that obey the same rule;
//! - before anything runs, the shared sequence and every section the
//!   manifest carries (only the one requested, for a section run alone) are
//!   checked whole, every try-each alternative and
//!   run-sequence body included, reached or not: structure, command and
//!   parameter numbers, parameter values, component indices, reporting
//!   policies, and the count of custom parameter numbers
//!   ([`MAX_CUSTOM_PARAMETERS`], all components together, for the
//!   sequences the procedure runs). So no directive runs for a manifest the
//!   run would reject later for its encoding or a full table, an
//!   alternative a run never enters cannot hide an unknown command, and
//!   neither can a section the procedure does not run: the update procedure
//!   does not install what invocation would refuse, and the shared sequence
//!   alone (where [`Processor::image_verifier`] starts) does not pass a
//!   manifest whose install uses a companion draft's condition or
//!   encryption;
//! - by default ([`IdentityPolicy::AnyComponent`]) a vendor and a class
//!   condition must have passed in the current section run before its first
//!   directive with side effects (fetch, write, copy, swap, invoke, custom);
//!   a section with such a directive but no vendor or no class condition (in
//!   it or in the shared sequence, reached or not) is refused before
//!   anything of the procedure runs, since its gate could never open.
//!
//! Nesting of try-each and run-sequence is bounded by
//! [`Limits::sequence_depth`] (at most [`MAX_SEQUENCE_DEPTH`]). The
//! processor does not recurse: a nested sequence is a level on a fixed-size
//! stack inside the running call, so the machine stack is the same for a
//! flat manifest and for the deepest nesting.

use crate::auth::Authenticated;
use crate::cbor::{Reader, major};
use crate::crypto::{Crypto, MAX_DIGEST, ct_eq};
use crate::digest::{OwnedDigest, SuitDigest};
use crate::error::{Error, ErrorKind, NO_OFFSET, Result};
use crate::image::ImageVerifier;
use crate::limits::{Budget, Limits, MAX_CBOR_DEPTH, MAX_CUSTOM_PARAMETERS, MAX_SEQUENCE_DEPTH};
use crate::manifest::{Bstr, Manifest, Severable, key};
use crate::platform::{
    Component, CustomParameters, Directive, Platform, PlatformError, Record, VendorId,
};

/// Command numbers (draft §8.4.9, §8.4.10).
pub mod cmd {
    /// condition vendor-identifier.
    pub const VENDOR_IDENTIFIER: i64 = 1;
    /// condition class-identifier.
    pub const CLASS_IDENTIFIER: i64 = 2;
    /// condition image-match.
    pub const IMAGE_MATCH: i64 = 3;
    /// condition component-slot.
    pub const COMPONENT_SLOT: i64 = 5;
    /// condition check-content.
    pub const CHECK_CONTENT: i64 = 6;
    /// directive set-component-index.
    pub const SET_COMPONENT_INDEX: i64 = 12;
    /// condition abort.
    pub const ABORT: i64 = 14;
    /// directive try-each.
    pub const TRY_EACH: i64 = 15;
    /// directive write.
    pub const WRITE: i64 = 18;
    /// directive override-parameters.
    pub const OVERRIDE_PARAMETERS: i64 = 20;
    /// directive fetch.
    pub const FETCH: i64 = 21;
    /// directive copy.
    pub const COPY: i64 = 22;
    /// directive invoke.
    pub const INVOKE: i64 = 23;
    /// condition device-identifier.
    pub const DEVICE_IDENTIFIER: i64 = 24;
    /// directive swap.
    pub const SWAP: i64 = 31;
    /// directive run-sequence.
    pub const RUN_SEQUENCE: i64 = 32;
    /// Custom commands and parameters are numbered below this.
    pub const CUSTOM_BELOW: i64 = -256;

    /// Whether `command` belongs to a companion draft this processor does
    /// not implement: use-before (4), image-not-match (25), minimum-battery
    /// (26), update-authorized (27), version (28), wait (29),
    /// override-multiple (34), copy-params (35) of update-management;
    /// dependency-integrity (7), is-dependency (8), process-dependency (11),
    /// set-parameters (19), unlink (33) of trust-domains. Such a command
    /// rejects the manifest (`UnsupportedExtension`): update-management says
    /// a recipient that meets one it does not implement MUST reject.
    #[must_use]
    pub const fn is_extension(command: i64) -> bool {
        matches!(command, 4 | 7 | 8 | 11 | 19 | 25..=29 | 33..=35)
    }
}

/// Parameter numbers (draft §8.4.8).
pub mod param {
    /// vendor-id.
    pub const VENDOR_ID: i64 = 1;
    /// class-id.
    pub const CLASS_ID: i64 = 2;
    /// image-digest.
    pub const IMAGE_DIGEST: i64 = 3;
    /// use-before (update-management).
    pub const USE_BEFORE: i64 = 4;
    /// component-slot.
    pub const COMPONENT_SLOT: i64 = 5;
    /// strict-order.
    pub const STRICT_ORDER: i64 = 12;
    /// soft-failure.
    pub const SOFT_FAILURE: i64 = 13;
    /// image-size.
    pub const IMAGE_SIZE: i64 = 14;
    /// content.
    pub const CONTENT: i64 = 18;
    /// encryption-info (firmware-encryption).
    pub const ENCRYPTION_INFO: i64 = 19;
    /// uri.
    pub const URI: i64 = 21;
    /// source-component.
    pub const SOURCE_COMPONENT: i64 = 22;
    /// invoke-args.
    pub const INVOKE_ARGS: i64 = 23;
    /// device-id.
    pub const DEVICE_ID: i64 = 24;
    /// fetch-arguments.
    pub const FETCH_ARGUMENTS: i64 = 25;
}

/// CBOR tag of a PEN vendor id.
const TAG_PEN: u64 = 112;

/// When directives with side effects are allowed. Under either gate, a
/// section whose directives no vendor and class condition (in it or in the
/// shared sequence) could unlock is refused before the procedure runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum IdentityPolicy {
    /// Default: a vendor and a class condition have passed (for any
    /// component) in the current section run.
    AnyComponent = 0,
    /// Strict: both have passed for the very component the directive touches.
    PerComponent = 1,
    /// Relaxed: no requirement (the manifest's own checks decide).
    Relaxed = 2,
}

/// Processor options.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// See [`IdentityPolicy`].
    pub identity: IdentityPolicy,
    /// Run every condition and check every integrated payload's digest,
    /// but only ask [`Platform::supports`] for directives (an invoke only
    /// with `invoke_callback`), performing none. Conditions see the device
    /// as it is: an image-match after a fetch checks the slot's content
    /// from before the fetch. Custom commands are called as in a real run
    /// (the processor cannot tell a custom condition from a custom
    /// directive): a [`Platform::custom`] that acts must not act during a
    /// dry run its caller asked for.
    pub dry_run: bool,
    /// Call [`Platform::invoke`] for the invoke directive (default: return
    /// the component to boot in [`Outcome::boot`] instead; a second invoke
    /// in one run is then refused with [`ErrorKind::PlatformUnsupported`]:
    /// the caller transfers execution after the run and cannot come back
    /// to perform it).
    pub invoke_callback: bool,
    /// Work limits.
    pub limits: Limits,
}

impl Options {
    /// Defaults: identity checked for any component, real run, no invoke callback.
    pub const DEFAULT: Options = Options {
        identity: IdentityPolicy::AnyComponent,
        dry_run: false,
        invoke_callback: false,
        limits: Limits::DEFAULT,
    };
}

impl Default for Options {
    fn default() -> Self {
        Options::DEFAULT
    }
}

/// What to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Procedure {
    /// payload-fetch, install, validate (absent sections are skipped; with
    /// none of the three, [`ErrorKind::SectionAbsent`]).
    Update,
    /// validate, load, invoke (absent sections are skipped; with none of
    /// the three, [`ErrorKind::SectionAbsent`]).
    Invoke,
    /// One section by manifest key (7, 8, 9, 16, 20); it must be present.
    /// It runs alone: the invoke section (9) on its own chooses a component
    /// to boot without validate's image-match having run. It is checked
    /// alone too: the manifest's other sections are not judged.
    Section(i64),
    /// The shared sequence alone (every section present is still checked
    /// before it runs: see [`Processor::run`]). Where the streaming image
    /// verifier starts ([`Processor::image_verifier`]).
    Shared,
}

/// The component the invocation procedure chose to boot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Boot<'a> {
    /// Component index.
    pub component: usize,
    /// invoke-args, if set.
    pub args: Option<&'a [u8]>,
}

/// A procedure that ran to the end: every section of it completed.
///
/// Everything else is the `Err` side, including a platform's "not yet"
/// ([`ErrorKind::Pending`]: run the procedure again later), so neither
/// `run(..).is_ok()` nor `?` can take an unfinished procedure for a
/// finished one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[must_use = "an Outcome says which component to boot"]
pub struct Outcome<'a> {
    /// The component to boot, if an invoke directive ran.
    pub boot: Option<Boot<'a>>,
}

/// Where the last failure happened (for reports and the C ABI).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FailureDetail {
    /// Manifest key of the section (0 = shared sequence): the one running,
    /// or, for a refusal before anything ran, the one the check refused.
    pub section: i64,
    /// Command number; 0 when no command was running (a refusal before
    /// anything ran, or a component the device does not support).
    pub command: i64,
    /// Component index, if one was selected (or the component the device
    /// does not support, with [`ErrorKind::ComponentUnsupported`] and no
    /// command).
    pub component: Option<usize>,
    /// Position of the command in its (innermost) sequence, from 0.
    pub index: u32,
}

/// A vendor-id parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum VendorParam<'a> {
    Uuid(&'a [u8; 16]),
    Pen(&'a [u8]),
}

/// One component's parameters, borrowed from the manifest.
#[derive(Clone, Copy, Debug, Default)]
struct Params<'a> {
    vendor: Option<VendorParam<'a>>,
    class: Option<&'a [u8; 16]>,
    device: Option<&'a [u8; 16]>,
    /// Decoded once, when set.
    digest: Option<SuitDigest<'a>>,
    slot: Option<u64>,
    size: Option<u64>,
    content: Option<&'a [u8]>,
    uri: Option<&'a str>,
    source: Option<u64>,
    invoke_args: Option<&'a [u8]>,
    fetch_args: Option<&'a [u8]>,
    custom: [Option<(i64, &'a [u8])>; MAX_CUSTOM_PARAMETERS],
}

/// What [`Processor::check_sequence`] found in a sequence, nested ones
/// included, for the identity gate (bits).
mod seen {
    /// A vendor-identifier condition.
    pub(super) const VENDOR: u8 = 1;
    /// A class-identifier condition.
    pub(super) const CLASS: u8 = 2;
    /// A command the gate stands before (directive or custom command).
    pub(super) const GATED: u8 = 4;
}

/// The [`seen`] bit of a command that takes a reporting policy.
fn seen_of(command: i64) -> u8 {
    match command {
        cmd::VENDOR_IDENTIFIER => seen::VENDOR,
        cmd::CLASS_IDENTIFIER => seen::CLASS,
        cmd::FETCH | cmd::WRITE | cmd::COPY | cmd::SWAP | cmd::INVOKE => seen::GATED,
        _ => 0,
    }
}

/// The component index in force.
#[derive(Clone, Copy, Debug)]
enum Index<'a> {
    Unset,
    One(usize),
    All,
    List(&'a [u8]),
}

/// Why a command did not complete.
#[derive(Clone, Copy, Debug)]
enum Fail {
    /// A condition failed (soft-failure may absorb it).
    Condition(Error),
    /// Abort: a directive failed, malformed input, a limit, or "not yet".
    Hard(Error),
}

impl From<Error> for Fail {
    fn from(e: Error) -> Fail {
        Fail::Hard(e)
    }
}

type Step = core::result::Result<(), Fail>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FrameKind {
    Top,
    TryEachAlternative,
    RunSequence,
}

#[derive(Clone, Copy, Debug)]
struct Frame {
    kind: FrameKind,
    soft_failure: bool,
    shared: bool,
    depth: usize,
}

/// An argument item: its encoded bytes and absolute offset.
#[derive(Clone, Copy, Debug)]
struct Item<'a> {
    bytes: &'a [u8],
    offset: usize,
}

impl Frame {
    /// The frame of a sequence nested in this one: soft-failure starts true
    /// in a try-each alternative and false in a run-sequence body.
    fn inner(&self, kind: FrameKind) -> Frame {
        Frame {
            kind,
            soft_failure: kind == FrameKind::TryEachAlternative,
            shared: self.shared,
            depth: self.depth.saturating_add(1),
        }
    }
}

/// A command sequence being run: where it is, and the command it is
/// running (kept here while a sequence nested in that command runs).
#[derive(Clone, Copy, Debug)]
struct Level<'a> {
    seq: Bstr<'a>,
    /// Position of the next command in `seq.bytes`.
    pos: usize,
    /// Command pairs in the sequence, and how many have started.
    pairs: usize,
    started: usize,
    frame: Frame,
    run: Running<'a>,
}

/// A command running over its selected components.
#[derive(Clone, Copy, Debug)]
struct Running<'a> {
    command: i64,
    /// Offset of the command in the envelope.
    at: usize,
    arg: Item<'a>,
    /// The index in force before the command, restored after it.
    saved: Index<'a>,
    /// The components still to run it for.
    rest: Selection,
    /// The component it runs for now.
    c: usize,
    /// It has run for a component already: each further one counts as a
    /// command of its own against the budget.
    repeated: bool,
    /// try-each: the next alternative's position in `arg.bytes`, how many
    /// are left, and whether a null ends the list.
    alt_pos: usize,
    alts_left: usize,
    trailing_null: bool,
}

impl Running<'_> {
    const IDLE: Running<'static> = Running {
        command: 0,
        at: 0,
        arg: Item {
            bytes: &[],
            offset: 0,
        },
        saved: Index::Unset,
        rest: Selection::None,
        c: 0,
        repeated: false,
        alt_pos: 0,
        alts_left: 0,
        trailing_null: false,
    };
}

/// The components a running command has still to run for.
#[derive(Clone, Copy, Debug)]
enum Selection {
    /// None.
    None,
    /// Component `c` (a single index).
    One(usize),
    /// Components `next..count` (index `true`).
    All { next: usize },
    /// The `left` entries from `pos` of the index array (the command's
    /// saved index).
    List { pos: usize, left: usize },
}

/// What one step of the running level leads to.
enum Next<'a> {
    /// The level's command is started (or resumed): run it for its
    /// remaining components.
    Components,
    /// Run this sequence nested in the level's command (a try-each
    /// alternative or a run-sequence body), then resume the command.
    Enter(Bstr<'a>),
    /// The level's command finished.
    Command(Step),
    /// The level's sequence ended.
    End(Step),
}

/// A try-each or run-sequence on one component: enter a sequence, or done.
enum Alt<'a> {
    /// Run this sequence (the body, or the next alternative).
    Enter(Bstr<'a>),
    /// The command finished on this component.
    Done(Step),
}

/// A command of a sequence in `frame` finished with `r`: `None` to go on
/// with the next command, or how the sequence ends. A failed condition ends
/// the sequence: a try-each alternative fails softly (or aborts when the
/// author cleared soft-failure), a run-sequence body with soft-failure set
/// ends quietly, anything else passes the failure up.
fn after_command(frame: Frame, r: Step) -> Option<Step> {
    match r {
        Ok(()) => None,
        Err(Fail::Hard(e)) => Some(Err(Fail::Hard(e))),
        Err(Fail::Condition(e)) => Some(match (frame.kind, frame.soft_failure) {
            (FrameKind::TryEachAlternative, true) => Err(Fail::Condition(e)),
            (FrameKind::TryEachAlternative, false) => Err(Fail::Hard(e)),
            (FrameKind::RunSequence, true) => Ok(()),
            _ => Err(Fail::Condition(e)),
        }),
    }
}

/// A sequence being checked by `Processor::check_sequence`: where its next
/// command is, and a cursor over the nested sequences (bstrs from
/// `nested_pos` in `nested`) of its current command still to check.
#[derive(Clone, Copy, Debug)]
struct CheckLevel<'a> {
    seq: Bstr<'a>,
    pos: usize,
    pairs_left: usize,
    depth: usize,
    /// The next command is the first of a top-level sequence.
    first: bool,
    nested: Item<'a>,
    nested_pos: usize,
    nested_left: usize,
}

/// Runs procedures on one authenticated manifest for at most `N` components.
pub struct Processor<
    'a,
    'p,
    P: Platform,
    C: Crypto,
    const N: usize = { crate::limits::DEFAULT_COMPONENTS },
> {
    auth: &'p Authenticated<'a>,
    platform: &'p mut P,
    crypto: &'p C,
    options: Options,
    params: [Params<'a>; N],
    count: usize,
    index: Index<'a>,
    commands: Budget,
    items: Budget,
    vendor_ok: u32,
    class_ok: u32,
    strict_order: bool,
    section: i64,
    boot: Option<Boot<'a>>,
    detail: FailureDetail,
    /// The last run ended `Complete`: only then do its parameters count.
    complete: bool,
}

impl<'a, 'p, P: Platform, C: Crypto, const N: usize> Processor<'a, 'p, P, C, N> {
    /// A processor for `auth`.
    ///
    /// # Errors
    /// [`ErrorKind::LimitComponents`] when the manifest lists more than `N`
    /// (or 32) components.
    pub fn new(
        auth: &'p Authenticated<'a>,
        platform: &'p mut P,
        crypto: &'p C,
        options: Options,
    ) -> Result<Self> {
        let count = auth.manifest().component_count();
        if count > N || count > 32 {
            return Err(ErrorKind::LimitComponents.here());
        }
        let limits = options.limits.clamped();
        Ok(Processor {
            auth,
            platform,
            crypto,
            options: Options { limits, ..options },
            params: [Params::default(); N],
            count,
            index: Index::Unset,
            commands: Budget::new(limits.commands, ErrorKind::LimitCommands),
            items: Budget::new(limits.cbor_items, ErrorKind::LimitCborItems),
            vendor_ok: 0,
            class_ok: 0,
            strict_order: true,
            section: 0,
            boot: None,
            detail: FailureDetail::default(),
            complete: false,
        })
    }

    /// Where the last failure happened.
    #[must_use]
    pub fn failure_detail(&self) -> FailureDetail {
        self.detail
    }

    /// Run `procedure`. Budgets restart with each call.
    ///
    /// # Errors
    /// [`ErrorKind::UnsupportedExtension`] before anything runs when the
    /// manifest uses a companion-draft member; the errors of the structural
    /// check (unknown command or parameter, malformed sequence, index out of
    /// range, ...) before anything runs too, for every section the manifest
    /// carries (for [`Procedure::Section`], that section only), whether the
    /// procedure runs it or not ([`Self::failure_detail`] names it);
    /// [`ErrorKind::SectionAbsent`] when the procedure has none of its
    /// sections (or the requested section
    /// is absent, or [`Procedure::Shared`] of a manifest without a shared
    /// sequence); [`ErrorKind::Pending`] when the platform answered "not
    /// yet" (run the procedure again later); any command's error.
    pub fn run(&mut self, procedure: Procedure) -> Result<Outcome<'a>> {
        self.boot = None;
        // Whatever happens below, the last run is this one: an earlier
        // complete run no longer vouches for the parameters.
        self.complete = false;
        let keys = self.prepare(procedure)?;
        // Borrow through the `&'p Authenticated` (a copy of the manifest
        // view cost a 150-byte memcpy per run on Cortex-M).
        let auth = self.auth;
        let m = auth.manifest();
        // Parameters live for one procedure (draft: not cleared between
        // sequences): what install sets, validate still sees; the next run
        // starts from none. Only the manifest's components have any.
        for p in self.params.iter_mut().take(self.count) {
            *p = Params::default();
        }
        let r = self.components_supported().and_then(|()| {
            if keys.is_empty() {
                self.section(m, 0, None)
            } else {
                self.sections(m, keys)
            }
        });
        self.complete = r.is_ok();
        r.map(|()| Outcome { boot: self.boot })
    }

    /// Check `procedure` as [`Self::run`] does before anything runs, without
    /// running it: no [`Platform`] call, no parameter changes (the budgets
    /// and [`Self::failure_detail`] restart, as for a run). For tools that
    /// vet an envelope for every procedure a device may run (the `suit`
    /// CLI checks every section present this way).
    ///
    /// # Errors
    /// The errors `run` gives before anything runs:
    /// [`ErrorKind::UnsupportedExtension`], [`ErrorKind::SeveredMemberMissing`],
    /// [`ErrorKind::SectionAbsent`], and those of the structural check
    /// (unknown command or parameter, malformed sequence, index out of
    /// range, ...).
    pub fn check(&mut self, procedure: Procedure) -> Result<()> {
        self.prepare(procedure).map(|_| ())
    }

    /// Restart the budgets and the failure detail, then everything a run
    /// does before it runs anything: the manifest's extensions, the shared
    /// sequence and every section (of `procedure` alone for a section run
    /// alone), checked whole. The procedure's section keys (none for the
    /// shared sequence alone).
    fn prepare(&mut self, procedure: Procedure) -> Result<&'static [i64]> {
        self.commands = Budget::new(self.options.limits.commands, ErrorKind::LimitCommands);
        self.items = Budget::new(self.options.limits.cbor_items, ErrorKind::LimitCborItems);
        self.detail = FailureDetail::default();
        let auth = self.auth;
        let m = auth.manifest();
        if let Some(e) = m.first_extension() {
            return Err(e);
        }
        // The custom parameters the procedure's sequences set, in one table
        // as a component's: at most `MAX_CUSTOM_PARAMETERS` numbers, so no
        // component's table can overflow while the procedure runs
        // (parameters do not outlive a run).
        let mut custom = [None; MAX_CUSTOM_PARAMETERS];
        let mut in_shared = 0;
        if let Some(shared) = m.shared_sequence() {
            in_shared = self.check_section(0, shared, &mut custom)?;
        }
        let keys = procedure_keys(procedure)?;
        if keys.is_empty() {
            // The shared sequence alone: without one, nothing would check
            // the manifest applies here (as for a procedure below).
            if m.shared_sequence().is_none() {
                return Err(ErrorKind::SectionAbsent.here());
            }
        } else {
            // A procedure that needs an absent severed member fails before
            // any of its sections runs.
            if keys.iter().any(|&k| m.section(k) == Severable::Missing) {
                return Err(ErrorKind::SeveredMemberMissing.here());
            }
            // With none of its sections, not even the shared sequence would
            // run (it runs before each section): nothing would have checked
            // the manifest applies here, so there is nothing to allow.
            if keys.iter().all(|&k| m.section(k) == Severable::Absent) {
                return Err(ErrorKind::SectionAbsent.here());
            }
        }
        // Every section is checked whole before the first one runs: a
        // structural error in validate must not surface after
        // payload-fetch and install have fetched and written. The sections
        // the procedure does not run are checked too (but not for a section
        // run alone): a command or parameter this processor would have to
        // reject anywhere rejects the manifest ("reject, never skip"). So
        // the update procedure does not install what invocation would
        // refuse, and the shared sequence alone, which feeds
        // `image_verifier` (whose verdict decides an install), does not pass
        // a manifest whose install uses a companion draft's condition or
        // encryption.
        let judged: &[i64] = match procedure {
            Procedure::Section(_) => keys,
            _ => &SECTIONS,
        };
        for &k in judged {
            if let Severable::Present(seq) = m.section(k) {
                // A section this procedure does not run has a custom table
                // of its own: it never runs with this procedure's.
                let runs = keys.contains(&k);
                let mut own = [None; MAX_CUSTOM_PARAMETERS];
                let table = if runs { &mut custom } else { &mut own };
                let found = self.check_section(k, seq, table)? | in_shared;
                // A directive that no vendor and class condition of this
                // section run (the shared sequence runs first) could have
                // unlocked would fail at the identity gate: refused now,
                // not after an earlier section fetched.
                if runs
                    && found & seen::GATED != 0
                    && found & (seen::VENDOR | seen::CLASS) != seen::VENDOR | seen::CLASS
                    && self.options.identity != IdentityPolicy::Relaxed
                {
                    self.detail.section = k;
                    return Err(ErrorKind::IdentityUnchecked.at(seq.start()));
                }
            }
        }
        Ok(keys)
    }

    /// An image verifier for component `c` from the parameters the last run
    /// left (typically after [`Procedure::Shared`]). Only a run that returned
    /// an [`Outcome`] counts: after a failed or pending one (say, a
    /// class check that failed after override-parameters set the digest) the
    /// parameters are not the manifest's verdict for this device. And the
    /// run must have checked vendor and class as [`Options::identity`]
    /// requires before a directive: the verifier gates installing an image,
    /// so an image for another device must not pass because its manifest's
    /// identity checks were elsewhere (say, only in install).
    ///
    /// # Errors
    /// [`ErrorKind::BadState`] when no run completed, or the last did not;
    /// [`ErrorKind::ComponentIndexOutOfRange`];
    /// [`ErrorKind::IdentityUnchecked`] when the run did not check vendor
    /// and class; [`ErrorKind::ParameterUnset`] when no image-digest is set
    /// for `c`; [`ErrorKind::AuthUnsupportedDigest`].
    pub fn image_verifier(&mut self, c: usize) -> Result<ImageVerifier<C::Hasher>> {
        if !self.complete {
            return Err(ErrorKind::BadState.here());
        }
        if c < self.count && !self.identity_checked(c) {
            return Err(ErrorKind::IdentityUnchecked.here());
        }
        let p = self
            .params
            .get(c)
            .filter(|_| c < self.count)
            .ok_or(ErrorKind::ComponentIndexOutOfRange.here())?;
        let (digest, size) = (p.digest, p.size);
        let sd = digest.ok_or(ErrorKind::ParameterUnset.here())?;
        ImageVerifier::from_owned(self.crypto, OwnedDigest::from_digest(&sd), size)
    }

    /// [`Self::check_sequence`] for section `k` (0: the shared sequence),
    /// which [`Self::failure_detail`] names when it fails.
    fn check_section(
        &mut self,
        k: i64,
        seq: Bstr<'a>,
        custom: &mut [Option<(i64, &'a [u8])>; MAX_CUSTOM_PARAMETERS],
    ) -> Result<u8> {
        let r = self.check_sequence(seq, k == 0, custom);
        if r.is_err() {
            self.detail.section = k;
        }
        r
    }

    /// Check a command sequence whole before any of it runs: its structure,
    /// every command known (or custom), every parameter known and its value
    /// of the right type, the arguments the processor can judge without
    /// running (component index, reporting policy, try-each alternatives),
    /// in every try-each alternative and run-sequence body, reached or not.
    /// So a malformed part, or a command this processor would have to
    /// reject, is found before an earlier directive fetches or writes
    /// anything ("reject, never skip" includes the alternatives a run would
    /// not reach). In the shared sequence (`shared`), directives with side
    /// effects and custom commands or parameters are refused too. `custom`
    /// is one custom-parameter table for every sequence checked for one
    /// procedure, filled as a component's is: one number more than it holds
    /// rejects. Returns what the identity gate needs to know of the
    /// sequence ([`seen`] bits).
    ///
    /// Depth-first without recursion: the sequences being checked are levels
    /// of a stack bounded by [`MAX_SEQUENCE_DEPTH`]; each level keeps a
    /// cursor over the nested sequences of its current command until they
    /// are checked. Not inlined: its levels must not stay on the stack while
    /// the procedure runs.
    #[inline(never)]
    fn check_sequence(
        &mut self,
        seq: Bstr<'a>,
        shared: bool,
        custom: &mut [Option<(i64, &'a [u8])>; MAX_CUSTOM_PARAMETERS],
    ) -> Result<u8> {
        let mut found = 0;
        let mut levels: heapless::Vec<CheckLevel<'a>, { MAX_SEQUENCE_DEPTH + 1 }> =
            heapless::Vec::new();
        let mut enter = Some((seq, 0usize));
        loop {
            if let Some((seq, depth)) = enter.take() {
                let base = seq.start();
                if depth > self.options.limits.sequence_depth {
                    return Err(ErrorKind::LimitSequenceDepth.at(base));
                }
                let (pos, pairs) = self.enter(seq).map_err(unwrap_fail)?;
                let level = CheckLevel {
                    seq,
                    pos,
                    pairs_left: pairs,
                    depth,
                    first: depth == 0,
                    nested: Item {
                        bytes: &[],
                        offset: 0,
                    },
                    nested_pos: 0,
                    nested_left: 0,
                };
                levels
                    .push(level)
                    .map_err(|_| ErrorKind::LimitSequenceDepth.at(base))?;
            }
            let Some(level) = levels.last_mut() else {
                return Ok(found);
            };
            // The nested sequences of the command just read come first.
            if level.nested_left > 0 {
                level.nested_left = level.nested_left.saturating_sub(1);
                let n = level.nested;
                let mut r = Reader::new(
                    n.bytes.get(level.nested_pos..).unwrap_or(&[]),
                    n.offset.wrapping_add(level.nested_pos),
                    &mut self.items,
                );
                let (_, content, off) = r
                    .bytes_with_head()
                    .map_err(|e| unwrap_fail(malformed(e, n.offset)))?;
                level.nested_pos = level.nested_pos.wrapping_add(r.position());
                enter = Some((Bstr::new(content, off), level.depth.saturating_add(1)));
                continue;
            }
            let base = level.seq.start();
            if level.pairs_left == 0 {
                if level.pos != level.seq.bytes.len() {
                    return Err(ErrorKind::CborTrailingBytes.at(base.wrapping_add(level.pos)));
                }
                levels.pop();
                continue;
            }
            level.pairs_left = level.pairs_left.saturating_sub(1);
            let rest = level.seq.bytes.get(level.pos..).unwrap_or(&[]);
            let mut r = Reader::new(rest, base.wrapping_add(level.pos), &mut self.items);
            let cmd_at = r.offset();
            let command = r.int().map_err(|e| unwrap_fail(malformed(e, cmd_at)))?;
            // With more than one component, every sequence starts by
            // selecting (nested ones inherit an integer index).
            if core::mem::take(&mut level.first)
                && self.count > 1
                && command != cmd::SET_COMPONENT_INDEX
            {
                return Err(ErrorKind::ComponentNotSelected.at(cmd_at));
            }
            // Each argument is read once, by the check that judges it.
            let arg_start = r.position();
            let arg_at = r.offset();
            match command {
                cmd::FETCH | cmd::WRITE | cmd::COPY | cmd::SWAP | cmd::INVOKE if shared => {
                    return Err(ErrorKind::DirectiveInSharedSequence.at(cmd_at));
                }
                c if c < cmd::CUSTOM_BELOW => {
                    if shared {
                        return Err(ErrorKind::CustomInSharedSequence.at(cmd_at));
                    }
                    found |= seen::GATED;
                    r.skip()?;
                }
                cmd::SET_COMPONENT_INDEX => {
                    index_arg(&mut r, self.count, arg_at).map_err(unwrap_fail)?;
                }
                cmd::OVERRIDE_PARAMETERS => {
                    let mut scratch = Params {
                        custom: *custom,
                        ..Params::default()
                    };
                    let (mut strict, mut soft) = (true, false);
                    let top = level.depth == 0;
                    read_parameters(&mut r, shared, top, &mut scratch, &mut strict, &mut soft)?;
                    // An image-digest this device cannot compute rejects now,
                    // not after a fetch.
                    if let Some(d) = scratch.digest
                        && !self.crypto.supports_digest(d.alg)
                    {
                        return Err(ErrorKind::AuthUnsupportedDigest.at(arg_at));
                    }
                    // A source-component no component has can never be used.
                    if scratch
                        .source
                        .is_some_and(|s| usize::try_from(s).map_or(true, |s| s >= self.count))
                    {
                        return Err(ErrorKind::ComponentIndexOutOfRange.at(arg_at));
                    }
                    *custom = scratch.custom;
                }
                cmd::RUN_SEQUENCE => {
                    let (_, content, off) = r
                        .bytes_with_head()
                        .map_err(|e| unwrap_fail(malformed(e, arg_at)))?;
                    enter = Some((Bstr::new(content, off), level.depth.saturating_add(1)));
                }
                cmd::TRY_EACH => {
                    let limit = self.options.limits.alternatives;
                    let (pos, n, _) = alternatives(&mut r, arg_at, limit).map_err(unwrap_fail)?;
                    level.nested = Item {
                        bytes: r.slice(arg_start, r.position()),
                        offset: arg_at,
                    };
                    level.nested_pos = pos.saturating_sub(arg_start);
                    level.nested_left = n;
                }
                c if takes_policy(c) => {
                    if r.peek_major()? != major::UINT {
                        return Err(ErrorKind::InvalidParameter.at(arg_at));
                    }
                    r.uint()?;
                    found |= seen_of(c);
                }
                c => return Err(unknown_command(c, cmd_at)),
            }
            level.pos = level.pos.wrapping_add(r.position());
        }
    }

    /// Ask the platform whether it has every component the manifest lists
    /// (the draft's order of checks, step 7), before anything runs. Not in
    /// `prepare`: [`Self::check`] makes no platform call.
    fn components_supported(&mut self) -> Result<()> {
        for c in 0..self.count {
            let (comp, at) = self
                .component_at(c)
                .ok_or(ErrorKind::ComponentIndexOutOfRange.here())?;
            let fail = match self.platform.supports_component(comp) {
                Ok(true) => continue,
                Ok(false) | Err(PlatformError::Unsupported) => ErrorKind::ComponentUnsupported,
                Err(e) => e.kind(),
            };
            self.detail.component = Some(c);
            return Err(fail.at(at));
        }
        Ok(())
    }

    /// Run the present sections of `keys` in order (`prepare` checked them).
    fn sections(&mut self, m: &Manifest<'a>, keys: &[i64]) -> Result<()> {
        for &k in keys {
            if let Severable::Present(seq) = m.section(k) {
                self.section(m, k, Some(seq))?;
            }
        }
        Ok(())
    }

    /// Reset the selection and identity checks, run the shared sequence,
    /// then `seq` (parameters persist: [`Processor::run`] clears them).
    fn section(&mut self, m: &Manifest<'a>, k: i64, seq: Option<Bstr<'a>>) -> Result<()> {
        self.index = if self.count == 1 {
            Index::One(0)
        } else {
            Index::Unset
        };
        self.vendor_ok = 0;
        self.class_ok = 0;
        self.strict_order = true;
        if let Some(shared) = m.shared_sequence() {
            self.section = 0;
            let top = Frame {
                kind: FrameKind::Top,
                soft_failure: false,
                shared: true,
                depth: 0,
            };
            self.sequence(shared, top).map_err(unwrap_fail)?;
        }
        if let Some(seq) = seq {
            self.section = k;
            self.index = if self.count == 1 {
                Index::One(0)
            } else {
                Index::Unset
            };
            let top = Frame {
                kind: FrameKind::Top,
                soft_failure: false,
                shared: false,
                depth: 0,
            };
            self.sequence(seq, top).map_err(unwrap_fail)?;
        }
        Ok(())
    }

    /// Run one command sequence and every sequence nested in it.
    ///
    /// No recursion: a try-each alternative or run-sequence body becomes a
    /// new [`Level`] on a stack bounded by [`MAX_SEQUENCE_DEPTH`], and the
    /// command that entered it resumes when it ends, so the machine stack is
    /// the same at every nesting depth.
    fn sequence(&mut self, seq: Bstr<'a>, frame: Frame) -> Step {
        let mut levels: heapless::Vec<Level<'a>, { MAX_SEQUENCE_DEPTH + 1 }> = heapless::Vec::new();
        // A sequence to enter, and the frame it runs in.
        let mut enter = Some((seq, frame));
        // The result of the nested sequence that just ended, for its parent.
        let mut ended: Option<Step> = None;
        loop {
            if let Some((seq, frame)) = enter.take() {
                let pushed = self.enter(seq).and_then(|(pos, pairs)| {
                    let level = Level {
                        seq,
                        pos,
                        pairs,
                        started: 0,
                        frame,
                        run: Running::IDLE,
                    };
                    levels
                        .push(level)
                        .map_err(|_| Fail::Hard(ErrorKind::LimitSequenceDepth.at(seq.start())))
                });
                if let Err(f) = pushed {
                    if levels.is_empty() {
                        return Err(f);
                    }
                    ended = Some(Err(f));
                }
            }
            let Some(level) = levels.last_mut() else {
                return Ok(());
            };
            let mut next = match ended.take() {
                Some(r) => self.resume(level, r),
                None => self.step(level),
            };
            if let Next::Components = next {
                next = self.components(level);
            }
            let end = match next {
                // (`components` never answers this.)
                Next::Components => continue,
                Next::Enter(seq) => {
                    let kind = if level.run.command == cmd::TRY_EACH {
                        FrameKind::TryEachAlternative
                    } else {
                        FrameKind::RunSequence
                    };
                    enter = Some((seq, level.frame.inner(kind)));
                    continue;
                }
                Next::Command(r) => match after_command(level.frame, r) {
                    Some(end) => end,
                    None => continue,
                },
                Next::End(r) => r,
            };
            levels.pop();
            if levels.is_empty() {
                return end;
            }
            ended = Some(end);
        }
    }

    /// Read the array head of `seq` and check its command count: the
    /// position of the first command and the number of command pairs.
    fn enter(&mut self, seq: Bstr<'a>) -> core::result::Result<(usize, usize), Fail> {
        let base = seq.start();
        let mut r = Reader::new(seq.bytes, base, &mut self.items);
        let at = r.offset();
        let n = r.array().map_err(|e| malformed(e, at))?;
        if n == 0 || !n.is_multiple_of(2) {
            return Err(Fail::Hard(ErrorKind::SequenceMalformed.at(base)));
        }
        Ok((r.position(), n / 2))
    }

    /// Read the level's next command and start it, or end the level.
    /// Not inlined, like [`Self::resume`]: their frames are not on the
    /// stack while the command runs.
    #[inline(never)]
    fn step(&mut self, level: &mut Level<'a>) -> Next<'a> {
        let base = level.seq.start();
        if level.started >= level.pairs {
            return Next::End(if level.pos == level.seq.bytes.len() {
                Ok(())
            } else {
                Err(Fail::Hard(
                    ErrorKind::CborTrailingBytes.at(base.wrapping_add(level.pos)),
                ))
            });
        }
        let at = base.wrapping_add(level.pos);
        let read = {
            let rest = level.seq.bytes.get(level.pos..).unwrap_or(&[]);
            let mut r = Reader::new(rest, at, &mut self.items);
            r.int().map_err(|e| malformed(e, at)).and_then(|command| {
                let arg_at = r.offset();
                let arg = r.skip()?;
                let arg = Item {
                    bytes: arg,
                    offset: arg_at,
                };
                Ok((command, arg, r.position()))
            })
        };
        let (command, arg, used) = match read {
            Ok(read) => read,
            Err(f) => return Next::End(Err(f)),
        };
        level.pos = level.pos.wrapping_add(used);
        let index = u32::try_from(level.started).unwrap_or(u32::MAX);
        level.started = level.started.saturating_add(1);
        self.start_command(level, command, index, at, arg)
    }

    /// Start a command: select its components (run by [`Self::components`]).
    fn start_command(
        &mut self,
        level: &mut Level<'a>,
        command: i64,
        index: u32,
        at: usize,
        arg: Item<'a>,
    ) -> Next<'a> {
        if let Err(e) = self.commands.spend(at) {
            return Next::Command(Err(e.into()));
        }
        self.detail = FailureDetail {
            section: self.section,
            command,
            index,
            component: None,
        };
        if command == cmd::SET_COMPONENT_INDEX {
            return Next::Command(self.set_index(arg));
        }
        // Only what every command needs; `c` and the try-each fields are
        // written where they are used.
        level.run.command = command;
        level.run.at = at;
        level.run.arg = arg;
        level.run.saved = self.index;
        level.run.repeated = false;
        level.run.rest = match self.index {
            Index::Unset => {
                let e = ErrorKind::ComponentNotSelected.at(at);
                return self.end_command(level, Err(Fail::Hard(e)));
            }
            Index::One(c) => Selection::One(c),
            Index::All => Selection::All { next: 0 },
            Index::List(list) => {
                let head = {
                    let mut r = Reader::new(list, 0, &mut self.items);
                    r.array().map(|n| (n, r.position()))
                };
                match head {
                    Ok((left, pos)) => Selection::List { pos, left },
                    Err(e) => return self.end_command(level, Err(e.into())),
                }
            }
        };
        Next::Components
    }

    /// Run the level's command for each of its remaining components, until
    /// it enters a nested sequence, fails, or is done. A loop, never a
    /// chain of calls: the stack does not grow with the component count.
    fn components(&mut self, level: &mut Level<'a>) -> Next<'a> {
        loop {
            let c = match self.next_selected(level) {
                Ok(Some(c)) => c,
                Ok(None) => return self.end_command(level, Ok(())),
                Err(f) => return self.end_command(level, Err(f)),
            };
            match self.on_component(level, c) {
                Ok(None) => {}
                Ok(Some(seq)) => return Next::Enter(seq),
                Err(f) => return self.end_command(level, Err(f)),
            }
        }
    }

    /// The next component the level's command runs for, with the index in
    /// force while it runs; `None` when every selected one has run.
    fn next_selected(
        &mut self,
        level: &mut Level<'a>,
    ) -> core::result::Result<Option<usize>, Fail> {
        match level.run.rest {
            Selection::None => Ok(None),
            Selection::One(c) => {
                level.run.rest = Selection::None;
                Ok(Some(c))
            }
            Selection::All { next } => {
                if next >= self.count {
                    return Ok(None);
                }
                level.run.rest = Selection::All {
                    next: next.saturating_add(1),
                };
                self.index = Index::All;
                Ok(Some(next))
            }
            Selection::List { pos, left } => {
                let Index::List(list) = level.run.saved else {
                    return Ok(None);
                };
                if left == 0 {
                    return Ok(None);
                }
                let (c, used) = {
                    let mut r = Reader::new(list.get(pos..).unwrap_or(&[]), 0, &mut self.items);
                    (r.uint()?, r.position())
                };
                let c = usize::try_from(c).map_err(|_| {
                    Fail::Hard(ErrorKind::ComponentIndexOutOfRange.at(level.run.at))
                })?;
                level.run.rest = Selection::List {
                    pos: pos.wrapping_add(used),
                    left: left.saturating_sub(1),
                };
                self.index = Index::List(list);
                Ok(Some(c))
            }
        }
    }

    /// The level's command is done (for every component, or failed):
    /// restore the index in force before it.
    fn end_command(&mut self, level: &Level<'a>, r: Step) -> Next<'a> {
        self.index = level.run.saved;
        Next::Command(r)
    }

    /// Run the level's command on component `c`: `Ok(None)` when it is
    /// done there, `Ok(Some(seq))` when it enters the nested sequence `seq`.
    fn on_component(
        &mut self,
        level: &mut Level<'a>,
        c: usize,
    ) -> core::result::Result<Option<Bstr<'a>>, Fail> {
        let Running {
            command, at, arg, ..
        } = level.run;
        self.detail.component = Some(c);
        // Every iteration after the first counts as a command (whichever
        // component it is for: a list may name one component many times).
        if core::mem::replace(&mut level.run.repeated, true) {
            self.commands.spend(at)?;
        }
        level.run.c = c;
        let (r, policy) = match command {
            cmd::OVERRIDE_PARAMETERS => (self.override_parameters(arg, c, &mut level.frame), 0),
            cmd::TRY_EACH | cmd::RUN_SEQUENCE => match self.nested(level) {
                Alt::Enter(seq) => return Ok(Some(seq)),
                Alt::Done(r) => (r, 0),
            },
            _ => {
                // Core conditions and directives take a reporting policy
                // (uint); custom and unknown commands may take anything.
                let policy = match (reporting_policy(arg), takes_policy(command)) {
                    (Some(p), _) => p,
                    (None, false) => 0,
                    (None, true) => {
                        return Err(Fail::Hard(ErrorKind::InvalidParameter.at(arg.offset)));
                    }
                };
                (self.simple(command, at, arg, &level.frame, c), policy)
            }
        };
        self.report(level, r, policy)?;
        Ok(None)
    }

    /// Report the level's command on its current component, which ended
    /// with `r`; return `r`.
    fn report(&mut self, level: &Level<'a>, r: Step, policy: u64) -> Step {
        let failure = match r {
            Ok(()) => None,
            Err(Fail::Condition(e) | Fail::Hard(e)) => Some(e.kind()),
        };
        let record = Record {
            section: self.section,
            offset: u32::try_from(level.run.at).unwrap_or(NO_OFFSET),
            component: level.run.c,
            command: level.run.command,
            policy,
            failure,
        };
        self.platform.report(&record);
        r
    }

    /// Start try-each or run-sequence on the current component: enter its
    /// (first) sequence, or fail.
    fn nested(&mut self, level: &mut Level<'a>) -> Alt<'a> {
        let Running {
            command, arg, c, ..
        } = level.run;
        let at = arg.offset;
        if level.frame.depth >= self.options.limits.sequence_depth {
            return Alt::Done(Err(Fail::Hard(ErrorKind::LimitSequenceDepth.at(at))));
        }
        self.index = Index::One(c);
        if command == cmd::RUN_SEQUENCE {
            let mut r = Reader::new(arg.bytes, at, &mut self.items);
            return match r.bytes_with_head() {
                Ok((_, content, off)) => Alt::Enter(Bstr::new(content, off)),
                Err(e) => Alt::Done(Err(malformed(e, at))),
            };
        }
        let limit = self.options.limits.alternatives;
        let mut r = Reader::new(arg.bytes, at, &mut self.items);
        match alternatives(&mut r, at, limit) {
            Ok((pos, n, trailing_null)) => {
                level.run.alt_pos = pos;
                level.run.alts_left = n;
                level.run.trailing_null = trailing_null;
                self.next_alternative(level)
            }
            Err(f) => Alt::Done(Err(f)),
        }
    }

    /// The current try-each's next alternative; when none is left, the
    /// try-each fails (or passes, with a trailing null).
    fn next_alternative(&mut self, level: &mut Level<'a>) -> Alt<'a> {
        let Running {
            arg,
            c,
            alt_pos,
            alts_left,
            trailing_null,
            ..
        } = level.run;
        let at = arg.offset;
        if alts_left == 0 {
            return Alt::Done(if trailing_null {
                Ok(())
            } else {
                Err(Fail::Condition(ErrorKind::TryEachFailed.at(at)))
            });
        }
        let read = {
            let mut r = Reader::new(
                arg.bytes.get(alt_pos..).unwrap_or(&[]),
                at.wrapping_add(alt_pos),
                &mut self.items,
            );
            r.bytes_with_head()
                .map(|(_, content, off)| (Bstr::new(content, off), r.position()))
        };
        let (seq, used) = match read {
            Ok(read) => read,
            Err(e) => return Alt::Done(Err(e.into())),
        };
        level.run.alt_pos = alt_pos.wrapping_add(used);
        level.run.alts_left = alts_left.saturating_sub(1);
        self.index = Index::One(c);
        Alt::Enter(seq)
    }

    /// The sequence the level's command entered ended with `r`: a failed
    /// try-each alternative moves to the next; otherwise the command is
    /// done on this component and goes on with the next.
    #[inline(never)]
    fn resume(&mut self, level: &mut Level<'a>, r: Step) -> Next<'a> {
        let r = if level.run.command == cmd::TRY_EACH && matches!(r, Err(Fail::Condition(_))) {
            match self.next_alternative(level) {
                Alt::Enter(seq) => return Next::Enter(seq),
                Alt::Done(r) => r,
            }
        } else {
            r
        };
        match self.report(level, r, 0) {
            Ok(()) => Next::Components,
            Err(f) => self.end_command(level, Err(f)),
        }
    }

    fn component(&self, c: usize) -> core::result::Result<Component<'a>, Fail> {
        self.component_at(c)
            .map(|(comp, _)| comp)
            .ok_or(Fail::Hard(ErrorKind::ComponentIndexOutOfRange.here()))
    }

    /// Component `c` and the absolute offset of its identifier.
    fn component_at(&self, c: usize) -> Option<(Component<'a>, usize)> {
        let (id, at) = self.auth.manifest().component_id_at(c)?;
        Some((Component { index: c, id }, at))
    }

    fn params(&self, c: usize) -> core::result::Result<&Params<'a>, Fail> {
        self.params
            .get(c)
            .ok_or(Fail::Hard(ErrorKind::ComponentIndexOutOfRange.here()))
    }

    fn set_index(&mut self, arg: Item<'a>) -> Step {
        let mut r = Reader::new(arg.bytes, arg.offset, &mut self.items);
        self.index = index_arg(&mut r, self.count, arg.offset)?;
        Ok(())
    }

    /// Read the argument straight into component `c`'s parameters: a
    /// failure part-way leaves some set, but every failure here aborts the
    /// run, and only a completed run's parameters are used (no 144-byte
    /// copy in and out per command).
    fn override_parameters(&mut self, arg: Item<'a>, c: usize, frame: &mut Frame) -> Step {
        let at = arg.offset;
        let p = self
            .params
            .get_mut(c)
            .ok_or(Fail::Hard(ErrorKind::ComponentIndexOutOfRange.at(at)))?;
        let mut r = Reader::new(arg.bytes, at, &mut self.items);
        let top = frame.kind == FrameKind::Top;
        let (strict, soft) = (&mut self.strict_order, &mut frame.soft_failure);
        read_parameters(&mut r, frame.shared, top, p, strict, soft)?;
        r.finish()?;
        Ok(())
    }

    /// Conditions, directives and custom commands on component `c`.
    fn simple(&mut self, command: i64, at: usize, arg: Item<'a>, frame: &Frame, c: usize) -> Step {
        let comp = self.component(c)?;
        // Borrowed, not copied: each arm copies out the field it needs
        // before the platform is called (a copy of the whole `Params` per
        // condition was a memcpy on every command).
        let p = self.params(c)?;
        let cond = |k: ErrorKind| Fail::Condition(k.at(at));
        let unset = Fail::Condition(ErrorKind::ParameterUnset.at(at));
        match command {
            cmd::VENDOR_IDENTIFIER => {
                let id = match p.vendor.ok_or(unset)? {
                    VendorParam::Uuid(u) => VendorId::Uuid(u),
                    VendorParam::Pen(b) => VendorId::Pen(b),
                };
                if !self
                    .platform
                    .check_vendor(comp, id)
                    .map_err(|e| plat(e, at))?
                {
                    return Err(cond(ErrorKind::VendorMismatch));
                }
                self.vendor_ok |= bit(c);
                Ok(())
            }
            cmd::CLASS_IDENTIFIER => {
                let id = p.class.ok_or(unset)?;
                if !self
                    .platform
                    .check_class(comp, id)
                    .map_err(|e| plat(e, at))?
                {
                    return Err(cond(ErrorKind::ClassMismatch));
                }
                self.class_ok |= bit(c);
                Ok(())
            }
            cmd::DEVICE_IDENTIFIER => {
                let id = p.device.ok_or(unset)?;
                if !self
                    .platform
                    .check_device(comp, id)
                    .map_err(|e| plat(e, at))?
                {
                    return Err(cond(ErrorKind::DeviceMismatch));
                }
                Ok(())
            }
            cmd::IMAGE_MATCH => {
                let d = p.digest.ok_or(unset)?;
                self.image_match(comp, d, p.size, at)
            }
            cmd::COMPONENT_SLOT => {
                let want = p.slot.ok_or(unset)?;
                let have = self
                    .platform
                    .component_slot(comp)
                    .map_err(|e| plat(e, at))?;
                if have == want {
                    Ok(())
                } else {
                    Err(cond(ErrorKind::SlotMismatch))
                }
            }
            cmd::CHECK_CONTENT => {
                let content = p.content.ok_or(unset)?;
                self.check_content(comp, content, at)
            }
            cmd::ABORT => Err(cond(ErrorKind::Aborted)),
            cmd::FETCH | cmd::WRITE | cmd::COPY | cmd::SWAP | cmd::INVOKE => {
                let p = *p;
                self.directive(command, at, frame, comp, &p)
            }
            k if k < cmd::CUSTOM_BELOW => {
                if frame.shared {
                    return Err(Fail::Hard(ErrorKind::CustomInSharedSequence.at(at)));
                }
                let entries = p.custom;
                self.identity_gate(c, at)?;
                let ok = self
                    .platform
                    .custom_with_parameters(comp, k, arg.bytes, CustomParameters { entries })
                    .map_err(|e| plat(e, at))?;
                if ok {
                    Ok(())
                } else {
                    Err(cond(ErrorKind::CustomConditionFailed))
                }
            }
            _ => Err(Fail::Hard(unknown_command(command, at))),
        }
    }

    fn identity_gate(&self, c: usize, at: usize) -> Step {
        if self.identity_checked(c) {
            Ok(())
        } else {
            Err(Fail::Hard(ErrorKind::IdentityUnchecked.at(at)))
        }
    }

    /// Have vendor and class conditions passed in the section run so far,
    /// as [`Options::identity`] requires for component `c`?
    fn identity_checked(&self, c: usize) -> bool {
        match self.options.identity {
            IdentityPolicy::Relaxed => true,
            IdentityPolicy::AnyComponent => self.vendor_ok != 0 && self.class_ok != 0,
            IdentityPolicy::PerComponent => self.vendor_ok & self.class_ok & bit(c) != 0,
        }
    }

    fn directive(
        &mut self,
        command: i64,
        at: usize,
        frame: &Frame,
        comp: Component<'a>,
        p: &Params<'a>,
    ) -> Step {
        if frame.shared {
            return Err(Fail::Hard(ErrorKind::DirectiveInSharedSequence.at(at)));
        }
        self.identity_gate(comp.index, at)?;
        // Without the `install` feature only invoke is built: a bootloader
        // that validates and boots carries no payload-writing code. The
        // manifest was still checked whole; only running these fails.
        if !cfg!(feature = "install") && command != cmd::INVOKE {
            return Err(Fail::Hard(ErrorKind::PlatformUnsupported.at(at)));
        }
        let hard_unset = Fail::Hard(ErrorKind::ParameterUnset.at(at));
        let (directive, source) = match command {
            cmd::FETCH => (Directive::Fetch, None),
            cmd::WRITE => (Directive::Write, None),
            cmd::INVOKE => {
                // An invoke transfers execution. Without the callback the
                // caller does that after the run: it cannot come back from
                // a first invoke to perform a second.
                if !self.options.invoke_callback && self.boot.is_some() {
                    return Err(Fail::Hard(ErrorKind::PlatformUnsupported.at(at)));
                }
                (Directive::Invoke, None)
            }
            cmd::COPY | cmd::SWAP => {
                let s = p.source.ok_or(hard_unset)?;
                let s = usize::try_from(s)
                    .ok()
                    .filter(|s| *s < self.count)
                    .ok_or(Fail::Hard(ErrorKind::ComponentIndexOutOfRange.at(at)))?;
                let d = if command == cmd::COPY {
                    Directive::Copy
                } else {
                    // A swap writes its source too: the identity gate
                    // covers both components.
                    self.identity_gate(s, at)?;
                    Directive::Swap
                };
                (d, Some(self.component(s)?))
            }
            _ => return Err(Fail::Hard(unknown_command(command, at))),
        };
        if self.options.dry_run {
            // Everything a real run checks without the platform is checked
            // (an integrated payload's digest); the platform is asked only
            // about what it would do: an integrated payload is written, so
            // its fetch is asked as a write; an invoke without the callback
            // asks nothing (the run only names the component to boot).
            let mut asked = directive;
            if directive == Directive::Write {
                p.content.ok_or(hard_unset)?;
            }
            if directive == Directive::Fetch {
                let uri = p.uri.ok_or(hard_unset)?;
                if uri.starts_with('#') {
                    self.integrated_payload(uri, p, at)?;
                    asked = Directive::Write;
                }
            }
            let asks = directive != Directive::Invoke || self.options.invoke_callback;
            if asks && !self.platform.supports(asked, comp) {
                return Err(Fail::Hard(ErrorKind::PlatformUnsupported.at(at)));
            }
            if directive == Directive::Invoke {
                self.boot = Some(Boot {
                    component: comp.index,
                    args: p.invoke_args,
                });
            }
            return Ok(());
        }
        let r = match (directive, source) {
            (Directive::Fetch, _) => {
                let uri = p.uri.ok_or(hard_unset)?;
                if uri.starts_with('#') {
                    let data = self.integrated_payload(uri, p, at)?;
                    return self.platform.write(comp, data).map_err(|e| plat(e, at));
                }
                self.platform.fetch(comp, uri, p.fetch_args)
            }
            (Directive::Write, _) => {
                let content = p.content.ok_or(hard_unset)?;
                self.platform.write(comp, content)
            }
            (Directive::Copy, Some(src)) => self.platform.copy(comp, src),
            (Directive::Swap, Some(src)) => self.platform.swap(comp, src),
            (Directive::Invoke, _) => {
                self.boot = Some(Boot {
                    component: comp.index,
                    args: p.invoke_args,
                });
                if self.options.invoke_callback {
                    self.platform.invoke(comp, p.invoke_args)
                } else {
                    Ok(())
                }
            }
            _ => Err(PlatformError::Unsupported),
        };
        r.map_err(|e| plat(e, at))
    }

    /// The integrated payload a fetch's `uri` names, served from the
    /// envelope once it matched image-digest (its only integrity, so it is
    /// required): the real run writes it, a dry run only checks it.
    fn integrated_payload(&self, uri: &str, p: &Params<'a>, at: usize) -> Result<&'a [u8], Fail> {
        let env = self.auth.envelope();
        let span = env
            .payload(uri)
            .ok_or(Fail::Hard(ErrorKind::PayloadMissing.at(at)))?;
        let data = span.get(env.as_unverified_bytes());
        // The payload is outside the signature: image-digest is its only
        // integrity, so without one nothing is written.
        let sd = p
            .digest
            .ok_or(Fail::Hard(ErrorKind::ParameterUnset.at(at)))?;
        let mut v = ImageVerifier::new(self.crypto, &sd, p.size)?;
        v.update(data).map_err(|e| Fail::Hard(e.kind().at(at)))?;
        v.finish().map_err(|e| Fail::Hard(e.kind().at(at)))?;
        Ok(data)
    }

    fn image_match(
        &mut self,
        comp: Component<'a>,
        sd: SuitDigest<'a>,
        size: Option<u64>,
        at: usize,
    ) -> Step {
        let cond = |k: ErrorKind| Fail::Condition(k.at(at));
        if let (Some(len), Some(size)) = (
            self.platform
                .component_size(comp)
                .map_err(|e| plat(e, at))?,
            size,
        ) && len != size
        {
            return Err(cond(ErrorKind::ImageSizeMismatch));
        }
        let mut out = [0u8; MAX_DIGEST];
        if let Some(n) = self
            .platform
            .component_digest(comp, sd.alg, size, &mut out)
            .map_err(|e| plat(e, at))?
        {
            return if ct_eq(out.get(..n).unwrap_or(&[]), sd.bytes) {
                Ok(())
            } else {
                Err(cond(ErrorKind::ImageDigestMismatch))
            };
        }
        let mut v = ImageVerifier::new(self.crypto, &sd, size)?;
        let mut buf = [0u8; 512];
        let mut offset: u64 = 0;
        loop {
            let want = match v.remaining() {
                Some(0) => break,
                Some(left) => usize::try_from(left).unwrap_or(usize::MAX).min(buf.len()),
                None => buf.len(),
            };
            let chunk = buf.get_mut(..want).unwrap_or(&mut []);
            let got = self
                .platform
                .read(comp, offset, chunk)
                .map_err(|e| plat(e, at))?;
            if got == 0 {
                break;
            }
            let data = chunk
                .get(..got)
                .ok_or(Fail::Hard(ErrorKind::PlatformFailed.at(at)))?;
            v.update(data).map_err(|e| cond(e.kind()))?;
            offset = offset.saturating_add(u64::try_from(got).unwrap_or(u64::MAX));
        }
        v.finish().map(|_| ()).map_err(|e| cond(e.kind()))
    }

    /// check-content: constant-time comparison of the component's content
    /// with `content`. A component of known length (a file) must have
    /// exactly that length, as image-match requires of image-size; a slot
    /// (no intrinsic length) is compared over `content.len()` bytes.
    fn check_content(&mut self, comp: Component<'a>, content: &[u8], at: usize) -> Step {
        let size = self
            .platform
            .component_size(comp)
            .map_err(|e| plat(e, at))?;
        if size.is_some_and(|n| usize::try_from(n).ok() != Some(content.len())) {
            return Err(Fail::Condition(ErrorKind::ContentMismatch.at(at)));
        }
        let mut buf = [0u8; 64];
        let mut diff: u8 = 0;
        let mut done = 0usize;
        while done < content.len() {
            let want = content.len().saturating_sub(done).min(buf.len());
            let chunk = buf.get_mut(..want).unwrap_or(&mut []);
            let off = u64::try_from(done).unwrap_or(u64::MAX);
            let got = self
                .platform
                .read(comp, off, chunk)
                .map_err(|e| plat(e, at))?;
            if got == 0 {
                return Err(Fail::Condition(ErrorKind::ContentMismatch.at(at)));
            }
            // A platform that claims more bytes than it was asked for is
            // broken; trusting the claim would compare nothing.
            let have = chunk
                .get(..got)
                .ok_or(Fail::Hard(ErrorKind::PlatformFailed.at(at)))?;
            let expect = content.get(done..done.saturating_add(got)).unwrap_or(&[]);
            if have.len() != expect.len() {
                return Err(Fail::Condition(ErrorKind::ContentMismatch.at(at)));
            }
            if !ct_eq(have, expect) {
                diff |= 1;
            }
            done = done.saturating_add(got);
        }
        if core::hint::black_box(diff) == 0 {
            Ok(())
        } else {
            Err(Fail::Condition(ErrorKind::ContentMismatch.at(at)))
        }
    }
}

/// A set-component-index argument (the next item of `r`, at `at`): `true`,
/// an index, or a non-empty array of indices, each below `count`.
fn index_arg<'a>(
    r: &mut Reader<'a, '_>,
    count: usize,
    at: usize,
) -> core::result::Result<Index<'a>, Fail> {
    let check = |v: u64| -> core::result::Result<usize, Fail> {
        usize::try_from(v)
            .ok()
            .filter(|v| *v < count)
            .ok_or(Fail::Hard(ErrorKind::ComponentIndexOutOfRange.at(at)))
    };
    let start = r.position();
    Ok(match r.peek_major()? {
        major::UINT => Index::One(check(r.uint()?)?),
        major::SIMPLE if r.bool()? => Index::All,
        major::ARRAY => {
            let n = r.array()?;
            if n == 0 {
                return Err(Fail::Hard(ErrorKind::InvalidParameter.at(at)));
            }
            for _ in 0..n {
                check(r.uint()?)?;
            }
            Index::List(r.slice(start, r.position()))
        }
        _ => return Err(Fail::Hard(ErrorKind::InvalidParameter.at(at))),
    })
}

/// A try-each argument (the next item of `r`, at `at`), `[2* bstr, ? null]`
/// with at most `limit` alternatives: the first alternative's position in
/// `r`, the count, whether a null ends it.
fn alternatives(
    r: &mut Reader<'_, '_>,
    at: usize,
    limit: usize,
) -> core::result::Result<(usize, usize, bool), Fail> {
    let n = r.array().map_err(|e| malformed(e, at))?;
    let pos = r.position();
    let mut count = 0usize;
    let mut trailing_null = false;
    for i in 0..n {
        if r.next_is_null() && i.saturating_add(1) == n {
            trailing_null = true;
            r.null()?;
        } else if r.peek_major()? == major::BYTES {
            r.bytes()?;
            count = count.saturating_add(1);
        } else {
            return Err(Fail::Hard(ErrorKind::SequenceMalformed.at(r.offset())));
        }
    }
    if count < 2 {
        return Err(Fail::Hard(ErrorKind::TryEachTooFew.at(at)));
    }
    if count > limit {
        return Err(Fail::Hard(ErrorKind::LimitAlternatives.at(at)));
    }
    Ok((pos, count, trailing_null))
}

/// An override-parameters argument (the next item of `r`) read into `p`:
/// a non-empty map of known parameters (or, outside the `shared` sequence,
/// custom ones), each value of its parameter's type; strict-order goes to
/// `strict`, soft-failure to `soft` (refused at the `top` of a section).
/// The run reads into the component's parameters, `Processor::check_sequence` into
/// scratch ones (with one custom table for the whole procedure): both judge
/// a manifest by the same code.
fn read_parameters<'a>(
    r: &mut Reader<'a, '_>,
    shared: bool,
    top: bool,
    p: &mut Params<'a>,
    strict: &mut bool,
    soft: &mut bool,
) -> Result<()> {
    let at = r.offset();
    let n = r.map().map_err(|e| unwrap_fail(malformed(e, at)))?;
    if n == 0 {
        return Err(ErrorKind::InvalidParameter.at(at));
    }
    let mut prev = None;
    for _ in 0..n {
        let key_at = r.offset();
        let k = r.int_key(&mut prev)?;
        // Extensions, unknown numbers, custom ones in the shared sequence.
        param_key(k, shared, key_at)?;
        let bad = ErrorKind::InvalidParameter.at(key_at);
        match k {
            param::VENDOR_ID => {
                p.vendor = Some(match r.peek_major()? {
                    major::BYTES => VendorParam::Uuid(r.bytes()?.try_into().map_err(|_| bad)?),
                    major::TAG if r.tag()? == TAG_PEN => VendorParam::Pen(r.bytes()?),
                    _ => return Err(bad),
                });
            }
            param::IMAGE_DIGEST => {
                let (_, content, off) = r.bytes_with_head()?;
                p.digest = Some(SuitDigest::decode(content, off, r.budget())?);
            }
            // One read per argument type, not one inlined copy per parameter.
            param::CLASS_ID
            | param::DEVICE_ID
            | param::CONTENT
            | param::INVOKE_ARGS
            | param::FETCH_ARGUMENTS => {
                let b = r.bytes()?;
                match k {
                    param::CLASS_ID => p.class = Some(b.try_into().map_err(|_| bad)?),
                    param::DEVICE_ID => p.device = Some(b.try_into().map_err(|_| bad)?),
                    param::CONTENT => p.content = Some(b),
                    param::INVOKE_ARGS => p.invoke_args = Some(b),
                    _ => p.fetch_args = Some(b),
                }
            }
            param::COMPONENT_SLOT | param::IMAGE_SIZE | param::SOURCE_COMPONENT => {
                let v = Some(r.uint()?);
                match k {
                    param::COMPONENT_SLOT => p.slot = v,
                    param::IMAGE_SIZE => p.size = v,
                    _ => p.source = v,
                }
            }
            param::STRICT_ORDER | param::SOFT_FAILURE => {
                let v = r.bool()?;
                if k == param::STRICT_ORDER {
                    *strict = v;
                } else if top {
                    return Err(ErrorKind::SoftFailureMisplaced.at(key_at));
                } else {
                    *soft = v;
                }
            }
            param::URI => p.uri = Some(r.text()?),
            // Custom (`param_key` let nothing else through). The run skips
            // the whole argument before reading it (`step`), so the map is a
            // level of that skip: the value gets one level less, here too,
            // or the check would pass a value the run refuses after a fetch.
            _ => {
                let v = r.skip_within(MAX_CBOR_DEPTH.saturating_sub(1))?;
                let slot = p
                    .custom
                    .iter()
                    .position(|s| matches!(s, Some((ck, _)) if *ck == k))
                    .or_else(|| p.custom.iter().position(Option::is_none))
                    .ok_or(ErrorKind::LimitCustomParameters.at(key_at))?;
                if let Some(s) = p.custom.get_mut(slot) {
                    *s = Some((k, v));
                }
            }
        }
    }
    Ok(())
}

/// Whether `command` is a core condition or directive whose argument is a
/// reporting policy.
fn takes_policy(command: i64) -> bool {
    matches!(
        command,
        cmd::VENDOR_IDENTIFIER
            | cmd::CLASS_IDENTIFIER
            | cmd::IMAGE_MATCH
            | cmd::COMPONENT_SLOT
            | cmd::CHECK_CONTENT
            | cmd::ABORT
            | cmd::DEVICE_IDENTIFIER
            | cmd::WRITE
            | cmd::FETCH
            | cmd::COPY
            | cmd::INVOKE
            | cmd::SWAP
    )
}

/// Whether parameter `k` may be set: a standard parameter this processor
/// implements, or (outside the shared sequence) a custom one. A companion
/// draft's parameter is an unsupported extension.
fn param_key(k: i64, shared: bool, at: usize) -> Result<()> {
    match k {
        param::VENDOR_ID
        | param::CLASS_ID
        | param::IMAGE_DIGEST
        | param::COMPONENT_SLOT
        | param::STRICT_ORDER
        | param::SOFT_FAILURE
        | param::IMAGE_SIZE
        | param::CONTENT
        | param::URI
        | param::SOURCE_COMPONENT
        | param::INVOKE_ARGS
        | param::DEVICE_ID
        | param::FETCH_ARGUMENTS => Ok(()),
        param::USE_BEFORE | param::ENCRYPTION_INFO | 26..=30 => {
            Err(ErrorKind::UnsupportedExtension.at(at))
        }
        k if k < cmd::CUSTOM_BELOW && !shared => Ok(()),
        k if k < cmd::CUSTOM_BELOW => Err(ErrorKind::CustomInSharedSequence.at(at)),
        _ => Err(ErrorKind::UnknownParameter.at(at)),
    }
}

/// The command sections; a section run alone is a one-key slice of it.
const SECTIONS: [i64; 5] = [
    key::VALIDATE,
    key::LOAD,
    key::INVOKE,
    key::PAYLOAD_FETCH,
    key::INSTALL,
];

/// The section keys `procedure` runs, in order; none for the shared
/// sequence alone. A key that names no command section is
/// [`ErrorKind::SectionAbsent`].
fn procedure_keys(procedure: Procedure) -> Result<&'static [i64]> {
    Ok(match procedure {
        Procedure::Update => &[key::PAYLOAD_FETCH, key::INSTALL, key::VALIDATE],
        Procedure::Invoke => &[key::VALIDATE, key::LOAD, key::INVOKE],
        Procedure::Section(k) => SECTIONS
            .iter()
            .position(|&s| s == k)
            .and_then(|i| SECTIONS.get(i..=i))
            .ok_or(ErrorKind::SectionAbsent.here())?,
        Procedure::Shared => &[],
    })
}

fn bit(c: usize) -> u32 {
    u32::try_from(c)
        .ok()
        .and_then(|c| 1u32.checked_shl(c))
        .unwrap_or(0)
}

/// The error for a command number this processor does not run: a
/// companion draft's command is an unsupported extension, anything else
/// unknown. Either rejects the manifest, whatever soft-failure says.
fn unknown_command(command: i64, at: usize) -> Error {
    if cmd::is_extension(command) {
        ErrorKind::UnsupportedExtension.at(at)
    } else {
        ErrorKind::UnknownCommand.at(at)
    }
}

fn plat(e: PlatformError, at: usize) -> Fail {
    Fail::Hard(e.kind().at(at))
}

/// A CBOR type error where a sequence or argument was expected.
fn malformed(e: Error, at: usize) -> Fail {
    if e.kind() == ErrorKind::CborUnexpectedType {
        Fail::Hard(ErrorKind::SequenceMalformed.at(at))
    } else {
        Fail::Hard(e)
    }
}

fn unwrap_fail(f: Fail) -> Error {
    match f {
        Fail::Condition(e) | Fail::Hard(e) => e,
    }
}

/// A reporting policy argument (uint), if the argument is one.
fn reporting_policy(arg: Item<'_>) -> Option<u64> {
    let mut b = Budget::new(1, ErrorKind::LimitCborItems);
    let mut r = Reader::new(arg.bytes, arg.offset, &mut b);
    r.uint().ok()
}
