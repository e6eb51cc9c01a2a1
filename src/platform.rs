//! The platform: every effect and every question about the device.
//!
//! The processor ([`crate::interp`]) has no side effects of its own; it asks
//! the device through this trait (the nrfconnect suit-processor model).
//! Every condition and directive defaults to "not supported" and
//! [`Platform::supports`] (the dry-run question) to "no", so a bootloader
//! implements only identity, slot and image reads, and an updater adds fetch
//! and write. Three questions default to the answer that leaves the check to
//! the commands: [`Platform::supports_component`] (every identifier),
//! [`Platform::component_size`] (no intrinsic size) and
//! [`Platform::component_digest`] (no fast path: the processor reads and
//! hashes).
//!
//! Each answer is a [`PlatformResult`]; [`PlatformError::Pending`] ("not yet":
//! data still arriving) stops the procedure with the error
//! [`ErrorKind::Pending`], holding no borrowed
//! state, and the caller runs the procedure again later.

use crate::crypto::{DigestAlg, MAX_DIGEST};
use crate::error::ErrorKind;
use crate::manifest::ComponentId;

/// A component's custom parameters (numbers below -256), stored opaquely
/// for the platform: each value is the parameter's encoded CBOR item.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CustomParameters<'a> {
    pub(crate) entries: [Option<(i64, &'a [u8])>; crate::limits::MAX_CUSTOM_PARAMETERS],
}

impl<'a> CustomParameters<'a> {
    /// The encoded value of custom parameter `key`, if the manifest set it.
    #[must_use]
    pub fn get(&self, key: i64) -> Option<&'a [u8]> {
        self.entries
            .iter()
            .flatten()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| *v)
    }

    /// Every `(key, encoded value)` set.
    pub fn iter(&self) -> impl Iterator<Item = (i64, &'a [u8])> + '_ {
        self.entries.iter().flatten().copied()
    }
}

/// Why the platform did not do what was asked. Non-exhaustive: reasons
/// may be added.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PlatformError {
    /// The device does not support this operation or component.
    Unsupported,
    /// The device tried and failed.
    Failed,
    /// Not yet: data is still arriving; run the procedure again later.
    Pending,
}

impl PlatformError {
    /// The error kind this maps to.
    #[must_use]
    pub const fn kind(self) -> ErrorKind {
        match self {
            PlatformError::Unsupported => ErrorKind::PlatformUnsupported,
            PlatformError::Failed => ErrorKind::PlatformFailed,
            PlatformError::Pending => ErrorKind::Pending,
        }
    }
}

/// A platform answer.
pub type PlatformResult<T> = core::result::Result<T, PlatformError>;

/// A component as the platform sees it: its index in `common.components`
/// and its identifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Component<'a> {
    /// Index in the manifest's component list.
    pub index: usize,
    /// The identifier (`[* bstr]`).
    pub id: ComponentId<'a>,
}

/// A vendor identifier as the manifest gives it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VendorId<'a> {
    /// A 16-byte UUID.
    Uuid(&'a [u8; 16]),
    /// An IANA Private Enterprise Number as CBOR PEN (tag 112): the relative
    /// OID bytes.
    Pen(&'a [u8]),
}

/// The directives a platform may be asked to perform (for dry runs and
/// reports). Non-exhaustive: directives may be added; a platform answers a
/// directive it does not know as unsupported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
#[non_exhaustive]
pub enum Directive {
    /// fetch (21).
    Fetch = 21,
    /// write (18).
    Write = 18,
    /// copy (22).
    Copy = 22,
    /// swap (31).
    Swap = 31,
    /// invoke (23).
    Invoke = 23,
}

/// What the processor reports after each command (the suit-report record
/// fields: section, offset, component, and the outcome).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Record {
    /// Manifest key of the section being run (0 = shared sequence).
    pub section: i64,
    /// Absolute offset of the command in the envelope.
    pub offset: u32,
    /// Component index the command ran for.
    pub component: usize,
    /// The command number.
    pub command: i64,
    /// The reporting policy bits from the manifest (0 for flow control).
    pub policy: u64,
    /// `None` on success, or why it failed.
    pub failure: Option<ErrorKind>,
}

/// The device interface. See the module docs.
pub trait Platform {
    /// Does the device have `component` (its identifier)? Asked for every
    /// component the manifest lists, before a procedure runs anything: a
    /// manifest naming a component the device does not support is excluded
    /// whole (the draft's order of checks, step 7), not rejected halfway
    /// through. `Ok(false)` (or `Err(Unsupported)`) rejects the run with
    /// [`ErrorKind::ComponentUnsupported`]. The default accepts every
    /// identifier, leaving it to the commands that touch the component.
    fn supports_component(&mut self, component: Component<'_>) -> PlatformResult<bool> {
        let _ = component;
        Ok(true)
    }

    /// Does the device match vendor `id` for `component`? A device may match
    /// several vendor ids.
    fn check_vendor(&mut self, component: Component<'_>, id: VendorId<'_>) -> PlatformResult<bool> {
        let _ = (component, id);
        Err(PlatformError::Unsupported)
    }

    /// Does the device match class UUID `id` for `component`?
    fn check_class(&mut self, component: Component<'_>, id: &[u8; 16]) -> PlatformResult<bool> {
        let _ = (component, id);
        Err(PlatformError::Unsupported)
    }

    /// Does the device match device UUID `id` for `component`?
    fn check_device(&mut self, component: Component<'_>, id: &[u8; 16]) -> PlatformResult<bool> {
        let _ = (component, id);
        Err(PlatformError::Unsupported)
    }

    /// The slot the component currently refers to.
    fn component_slot(&mut self, component: Component<'_>) -> PlatformResult<u64> {
        let _ = component;
        Err(PlatformError::Unsupported)
    }

    /// The length of the component's current content when it is intrinsic
    /// (a file), or `None` for a slot larger than its image.
    fn component_size(&mut self, component: Component<'_>) -> PlatformResult<Option<u64>> {
        let _ = component;
        Ok(None)
    }

    /// Fast path: the digest of the component's first `size` bytes (or all
    /// of it), if the device already knows it (hardware, a cache). Write it
    /// into `out` and return its length, or `Ok(None)` to have the
    /// processor read and hash the content itself. A cache must be dropped
    /// on every change to the component (write, fetch, copy, swap, or
    /// anything outside the processor): a stale digest would make
    /// image-match pass on content that changed.
    fn component_digest(
        &mut self,
        component: Component<'_>,
        alg: DigestAlg,
        size: Option<u64>,
        out: &mut [u8; MAX_DIGEST],
    ) -> PlatformResult<Option<usize>> {
        let _ = (component, alg, size, out);
        Ok(None)
    }

    /// Read the component's content at `offset` into `buf`; return the bytes
    /// read, 0 at the end. Without an image-size the processor hashes until
    /// this returns 0, so the end must come (the slot's end at the latest).
    fn read(
        &mut self,
        component: Component<'_>,
        offset: u64,
        buf: &mut [u8],
    ) -> PlatformResult<usize> {
        let _ = (component, offset, buf);
        Err(PlatformError::Unsupported)
    }

    /// Fetch `uri` into `component`. This and [`write`](Self::write),
    /// [`copy`](Self::copy) and [`swap`](Self::swap) are called only in
    /// builds with the `install` feature (default on).
    fn fetch(
        &mut self,
        component: Component<'_>,
        uri: &str,
        args: Option<&[u8]>,
    ) -> PlatformResult<()> {
        let _ = (component, uri, args);
        Err(PlatformError::Unsupported)
    }

    /// Write `data` (content parameter or an integrated payload) into `component`.
    fn write(&mut self, component: Component<'_>, data: &[u8]) -> PlatformResult<()> {
        let _ = (component, data);
        Err(PlatformError::Unsupported)
    }

    /// Copy `source` into `component`.
    fn copy(&mut self, component: Component<'_>, source: Component<'_>) -> PlatformResult<()> {
        let _ = (component, source);
        Err(PlatformError::Unsupported)
    }

    /// Swap the contents of `component` and `source`.
    fn swap(&mut self, component: Component<'_>, source: Component<'_>) -> PlatformResult<()> {
        let _ = (component, source);
        Err(PlatformError::Unsupported)
    }

    /// Transfer execution to `component`. Called only when the caller asked
    /// for it ([`crate::interp::Options::invoke_callback`]); by default the
    /// invocation procedure returns the component to boot instead.
    fn invoke(&mut self, component: Component<'_>, args: Option<&[u8]>) -> PlatformResult<()> {
        let _ = (component, args);
        Err(PlatformError::Unsupported)
    }

    /// A custom command (number below -256) with its encoded argument.
    /// `Ok(true)` passes, `Ok(false)` fails like a condition.
    fn custom(
        &mut self,
        component: Component<'_>,
        command: i64,
        arg: &[u8],
    ) -> PlatformResult<bool> {
        let _ = (component, command, arg);
        Err(PlatformError::Unsupported)
    }

    /// A custom command, with the component's custom (private-use)
    /// parameters as the manifest set them. The default forwards to
    /// [`Platform::custom`].
    fn custom_with_parameters(
        &mut self,
        component: Component<'_>,
        command: i64,
        arg: &[u8],
        parameters: CustomParameters<'_>,
    ) -> PlatformResult<bool> {
        let _ = parameters;
        self.custom(component, command, arg)
    }

    /// Would `directive` be possible for `component`? Asked instead of
    /// performing it in a dry run ([`crate::Options::dry_run`]; an invoke
    /// only with [`crate::Options::invoke_callback`]; the fetch of an
    /// integrated payload as [`Directive::Write`], which is what performs it). The default says no,
    /// so a dry run never approves what this platform cannot do: answer
    /// yes for the directives you implement.
    fn supports(&mut self, directive: Directive, component: Component<'_>) -> bool {
        let _ = (directive, component);
        false
    }

    /// Reporting hook: called after every command.
    fn report(&mut self, record: &Record) {
        let _ = record;
    }
}
