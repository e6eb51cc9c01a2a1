//! The device as C callbacks: [`suit_platform`] and its adapter to
//! [`suit_verify::Platform`].

use core::ffi::c_void;
use suit_verify::PlatformError;
use suit_verify::crypto::{DigestAlg, MAX_DIGEST};
use suit_verify::platform::{Component, Directive, PlatformResult, Record, VendorId};

use crate::result::suit_result;

/// Platform callback answer: done.
pub const SUIT_PLATFORM_OK: i32 = 0;
/// Condition callback answer: the device matches. A hardened value
/// (0x3CA55AC3, 16 bits set), so a callback that returns 0 or a stray value
/// never counts as a match.
pub const SUIT_PLATFORM_MATCH: i32 = 0x3CA5_5AC3;
/// Condition callback answer: the device does not match. It is 1, C's
/// `true`: never return a C comparison (`memcmp(..) == 0`) from a condition
/// callback; map it to `SUIT_PLATFORM_MATCH` / `SUIT_PLATFORM_NO_MATCH`.
pub const SUIT_PLATFORM_NO_MATCH: i32 = 1;
/// Callback answer: tried and failed (also any value not listed here).
pub const SUIT_PLATFORM_FAIL: i32 = 2;
/// Callback answer: the device does not support this (operation or component).
pub const SUIT_PLATFORM_UNSUPPORTED: i32 = 3;
/// Callback answer: not yet (data still arriving); the procedure ends with
/// `SUIT_RESULT_PENDING` and may be run again later, from its first command:
/// directives before this answer run again (see the header's conventions).
pub const SUIT_PLATFORM_WAIT: i32 = 4;

/// `directive` argument of `supports`: fetch.
pub const SUIT_DIRECTIVE_FETCH: u32 = 21;
/// `directive` argument of `supports`: write.
pub const SUIT_DIRECTIVE_WRITE: u32 = 18;
/// `directive` argument of `supports`: copy.
pub const SUIT_DIRECTIVE_COPY: u32 = 22;
/// `directive` argument of `supports`: swap.
pub const SUIT_DIRECTIVE_SWAP: u32 = 31;
/// `directive` argument of `supports`: invoke.
pub const SUIT_DIRECTIVE_INVOKE: u32 = 23;

/// One report record, passed to the `report` callback after every command.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct suit_report_record {
    /// Manifest key of the section being run (0 = shared sequence).
    pub section: i64,
    /// The command number.
    pub command: i64,
    /// The reporting-policy bits from the manifest (0 for flow control).
    pub policy: u64,
    /// Byte offset of the command in the envelope.
    pub offset: u32,
    /// Component index the command ran for.
    pub component: u32,
    /// `SUIT_RESULT_OK`, or why the command failed.
    pub result: suit_result,
    /// Always 0.
    pub reserved: u32,
}

/// The device, as callbacks. Every member may be NULL: a NULL condition or
/// directive answers `SUIT_PLATFORM_UNSUPPORTED` (a manifest that needs it is
/// rejected); NULL `component_size` means "no intrinsic size"; NULL
/// `supports` means "yes for the directives whose callback is set"; NULL
/// `supports_component` means "yes"; NULL `component_digest` has the library
/// read and hash; NULL `report` reports nothing.
///
/// Conventions: `component` is the index in the manifest's component list
/// (see `suit_manifest_component_id`); conditions (`check_vendor`,
/// `check_class`, `check_device`) answer `SUIT_PLATFORM_MATCH` or
/// `SUIT_PLATFORM_NO_MATCH`; every other callback answers `SUIT_PLATFORM_OK`,
/// `component_slot`, `component_size`, `component_digest` and `read` included (they hand the
/// library a value it compares itself); any of them may answer `SUIT_PLATFORM_FAIL`,
/// `SUIT_PLATFORM_UNSUPPORTED` or `SUIT_PLATFORM_WAIT`. Pointers passed to a
/// callback are valid only during that call; byte strings from the manifest
/// are not NUL-terminated. A callback must return normally (no `longjmp`,
/// no C++ exception) and must not call any `suit_*` function on the context
/// that is running it (such a call returns `SUIT_RESULT_BAD_STATE`), except
/// `suit_ctx_last_error`, which answers.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct suit_platform {
    /// Passed back to every callback.
    pub user: *mut c_void,
    /// vendor-identifier condition: `id` is a 16-byte UUID (`is_pen` 0) or
    /// the relative-OID bytes of an IANA PEN (`is_pen` 1).
    pub check_vendor: Option<
        unsafe extern "C" fn(
            user: *mut c_void,
            component: u32,
            id: *const u8,
            id_len: usize,
            is_pen: u32,
        ) -> i32,
    >,
    /// class-identifier condition: `uuid` points to 16 bytes.
    pub check_class:
        Option<unsafe extern "C" fn(user: *mut c_void, component: u32, uuid: *const u8) -> i32>,
    /// device-identifier condition: `uuid` points to 16 bytes.
    pub check_device:
        Option<unsafe extern "C" fn(user: *mut c_void, component: u32, uuid: *const u8) -> i32>,
    /// The slot the component currently refers to, in `*slot`; answers
    /// `SUIT_PLATFORM_OK` (the library compares the slot, not the callback).
    pub component_slot:
        Option<unsafe extern "C" fn(user: *mut c_void, component: u32, slot: *mut u64) -> i32>,
    /// The length of the component's current content, in `*size`, when it is
    /// intrinsic (a file), answering `SUIT_PLATFORM_OK`;
    /// `SUIT_PLATFORM_UNSUPPORTED` for a slot.
    pub component_size:
        Option<unsafe extern "C" fn(user: *mut c_void, component: u32, size: *mut u64) -> i32>,
    /// Read the component's current content at `offset` into `buf`
    /// (`buf_len` bytes); the bytes read in `*read_len`, 0 at the end;
    /// answers `SUIT_PLATFORM_OK`.
    pub read: Option<
        unsafe extern "C" fn(
            user: *mut c_void,
            component: u32,
            offset: u64,
            buf: *mut u8,
            buf_len: usize,
            read_len: *mut usize,
        ) -> i32,
    >,
    /// fetch directive: fetch `uri` (`uri_len` bytes, not NUL-terminated)
    /// into the component; `args` is NULL when fetch-arguments is unset.
    /// This, `write`, `copy` and `swap` are called only by a library built
    /// with the cargo feature `install` (the default); a boot-only library
    /// answers those directives with `SUIT_RESULT_PLATFORM_UNSUPPORTED`.
    pub fetch: Option<
        unsafe extern "C" fn(
            user: *mut c_void,
            component: u32,
            uri: *const u8,
            uri_len: usize,
            args: *const u8,
            args_len: usize,
        ) -> i32,
    >,
    /// write directive (and a fetch of an integrated payload, after its
    /// digest was checked): write `len` bytes into the component.
    pub write: Option<
        unsafe extern "C" fn(user: *mut c_void, component: u32, data: *const u8, len: usize) -> i32,
    >,
    /// copy directive: copy component `source` into `component`.
    pub copy: Option<unsafe extern "C" fn(user: *mut c_void, component: u32, source: u32) -> i32>,
    /// swap directive: swap the contents of `component` and `source`.
    pub swap: Option<unsafe extern "C" fn(user: *mut c_void, component: u32, source: u32) -> i32>,
    /// invoke directive, only with `SUIT_RUN_INVOKE_CALLBACK`; by default the
    /// invocation procedure returns the component to boot instead.
    /// `args` is NULL when invoke-args is unset. It is called while the
    /// procedure runs, before its result and verdict exist: record the
    /// request and boot after `suit_run_invoke` returned with
    /// `SUIT_VERDICT_ALLOW`, rather than jumping to the image from here.
    pub invoke: Option<
        unsafe extern "C" fn(
            user: *mut c_void,
            component: u32,
            args: *const u8,
            args_len: usize,
        ) -> i32,
    >,
    /// A custom command (number below -256) with its encoded CBOR argument;
    /// answers like a condition.
    pub custom: Option<
        unsafe extern "C" fn(
            user: *mut c_void,
            component: u32,
            command: i64,
            arg: *const u8,
            arg_len: usize,
        ) -> i32,
    >,
    /// Dry runs only (`SUIT_RUN_DRY_RUN`): would `directive`
    /// (`SUIT_DIRECTIVE_*`) be possible for the component? `SUIT_PLATFORM_OK`
    /// means yes. Asked for invoke only with `SUIT_RUN_INVOKE_CALLBACK`, and
    /// for the fetch of an integrated payload as `SUIT_DIRECTIVE_WRITE` (the
    /// `write` callback performs it). NULL: yes exactly for the directives
    /// whose callback is set.
    pub supports:
        Option<unsafe extern "C" fn(user: *mut c_void, directive: u32, component: u32) -> i32>,
    /// Called after every command with its record (valid during the call).
    pub report: Option<unsafe extern "C" fn(user: *mut c_void, record: *const suit_report_record)>,
    /// Does the device have this component? Asked for every component the
    /// manifest lists before a procedure runs anything (the draft excludes a
    /// manifest naming a component the device does not support). `id` is
    /// the identifier as encoded CBOR, `[* bstr]` (e.g. `81 41 00` for
    /// `[h'00']`: compare it with the encodings the device knows). Answers
    /// like a condition: `SUIT_PLATFORM_NO_MATCH` (or `UNSUPPORTED`) rejects
    /// the run with `SUIT_RESULT_COMPONENT_UNSUPPORTED`. NULL: every
    /// component is supported.
    pub supports_component: Option<
        unsafe extern "C" fn(
            user: *mut c_void,
            component: u32,
            id: *const u8,
            id_len: usize,
        ) -> i32,
    >,
    /// image-match fast path, for devices that already know the digest of
    /// a component's content (a secure element, a digest stored when the
    /// image was written): fill `out` with the `out_len` bytes of the
    /// digest (COSE algorithm `cose_alg`: -16 SHA-256, -43 SHA-384, -44
    /// SHA-512) of the component's first `*size` bytes, or of all of it
    /// when `size` is NULL (the manifest sets no image-size). The library
    /// compares it with the manifest's image-digest itself.
    /// `SUIT_PLATFORM_UNSUPPORTED` (or NULL) has the library read the
    /// content through `read` and hash it. Answer only from a digest made
    /// over the current content: drop it on every change (write, fetch,
    /// copy, swap, or anything outside the library), since a stale digest
    /// makes image-match pass on content that changed.
    pub component_digest: Option<
        unsafe extern "C" fn(
            user: *mut c_void,
            component: u32,
            cose_alg: i32,
            size: *const u64,
            out: *mut u8,
            out_len: usize,
        ) -> i32,
    >,
}

/// [`suit_verify::Platform`] over a copy of the caller's table.
pub(crate) struct CPlatform {
    t: suit_platform,
}

impl CPlatform {
    pub(crate) fn new(t: suit_platform) -> CPlatform {
        CPlatform { t }
    }
}

fn index(c: Component<'_>) -> PlatformResult<u32> {
    u32::try_from(c.index).map_err(|_| PlatformError::Failed)
}

fn status(rc: i32) -> PlatformResult<()> {
    match rc {
        SUIT_PLATFORM_OK => Ok(()),
        SUIT_PLATFORM_UNSUPPORTED => Err(PlatformError::Unsupported),
        SUIT_PLATFORM_WAIT => Err(PlatformError::Pending),
        _ => Err(PlatformError::Failed),
    }
}

fn condition(rc: i32) -> PlatformResult<bool> {
    match rc {
        SUIT_PLATFORM_MATCH => Ok(true),
        SUIT_PLATFORM_NO_MATCH => Ok(false),
        SUIT_PLATFORM_UNSUPPORTED => Err(PlatformError::Unsupported),
        SUIT_PLATFORM_WAIT => Err(PlatformError::Pending),
        _ => Err(PlatformError::Failed),
    }
}

/// (pointer, length) of an optional byte string; NULL for `None`.
fn opt(b: Option<&[u8]>) -> (*const u8, usize) {
    b.map_or((core::ptr::null(), 0), |b| (b.as_ptr(), b.len()))
}

impl suit_verify::Platform for CPlatform {
    fn supports_component(&mut self, component: Component<'_>) -> PlatformResult<bool> {
        let Some(f) = self.t.supports_component else {
            return Ok(true);
        };
        let id = component.id.encoded();
        // SAFETY: `id` points to `id.len()` live bytes for the call.
        condition(unsafe { f(self.t.user, index(component)?, id.as_ptr(), id.len()) })
    }

    fn check_vendor(&mut self, component: Component<'_>, id: VendorId<'_>) -> PlatformResult<bool> {
        let f = self.t.check_vendor.ok_or(PlatformError::Unsupported)?;
        let (p, n, pen) = match id {
            VendorId::Uuid(u) => (u.as_ptr(), u.len(), 0),
            VendorId::Pen(b) => (b.as_ptr(), b.len(), 1),
        };
        // SAFETY: `p` points to `n` live bytes for the call; the callback
        // contract of `suit_platform` covers the rest.
        condition(unsafe { f(self.t.user, index(component)?, p, n, pen) })
    }

    fn check_class(&mut self, component: Component<'_>, id: &[u8; 16]) -> PlatformResult<bool> {
        let f = self.t.check_class.ok_or(PlatformError::Unsupported)?;
        // SAFETY: `id` is 16 live bytes for the call.
        condition(unsafe { f(self.t.user, index(component)?, id.as_ptr()) })
    }

    fn check_device(&mut self, component: Component<'_>, id: &[u8; 16]) -> PlatformResult<bool> {
        let f = self.t.check_device.ok_or(PlatformError::Unsupported)?;
        // SAFETY: `id` is 16 live bytes for the call.
        condition(unsafe { f(self.t.user, index(component)?, id.as_ptr()) })
    }

    fn component_slot(&mut self, component: Component<'_>) -> PlatformResult<u64> {
        let f = self.t.component_slot.ok_or(PlatformError::Unsupported)?;
        let mut slot: u64 = 0;
        // SAFETY: `slot` is a live local for the call.
        status(unsafe { f(self.t.user, index(component)?, &mut slot) })?;
        Ok(slot)
    }

    fn component_size(&mut self, component: Component<'_>) -> PlatformResult<Option<u64>> {
        let Some(f) = self.t.component_size else {
            return Ok(None);
        };
        let mut size: u64 = 0;
        // SAFETY: `size` is a live local for the call.
        match status(unsafe { f(self.t.user, index(component)?, &mut size) }) {
            Ok(()) => Ok(Some(size)),
            Err(PlatformError::Unsupported) => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn component_digest(
        &mut self,
        component: Component<'_>,
        alg: DigestAlg,
        size: Option<u64>,
        out: &mut [u8; MAX_DIGEST],
    ) -> PlatformResult<Option<usize>> {
        let Some(f) = self.t.component_digest else {
            return Ok(None);
        };
        let cose = i32::try_from(alg.cose_id()).map_err(|_| PlatformError::Failed)?;
        let n = alg.output_len();
        let digest = out.get_mut(..n).ok_or(PlatformError::Failed)?;
        let size = size.as_ref().map_or(core::ptr::null(), core::ptr::from_ref);
        // SAFETY: `digest` is live and writable for `n` bytes, `size` NULL
        // or a live local, for the call.
        let rc = unsafe {
            f(
                self.t.user,
                index(component)?,
                cose,
                size,
                digest.as_mut_ptr(),
                n,
            )
        };
        match status(rc) {
            Ok(()) => Ok(Some(n)),
            Err(PlatformError::Unsupported) => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn read(
        &mut self,
        component: Component<'_>,
        offset: u64,
        buf: &mut [u8],
    ) -> PlatformResult<usize> {
        let f = self.t.read.ok_or(PlatformError::Unsupported)?;
        let mut got: usize = 0;
        // SAFETY: `buf` is live and writable for `buf.len()` bytes, `got` a
        // live local, for the call.
        status(unsafe {
            f(
                self.t.user,
                index(component)?,
                offset,
                buf.as_mut_ptr(),
                buf.len(),
                &mut got,
            )
        })?;
        if got > buf.len() {
            return Err(PlatformError::Failed);
        }
        Ok(got)
    }

    fn fetch(
        &mut self,
        component: Component<'_>,
        uri: &str,
        args: Option<&[u8]>,
    ) -> PlatformResult<()> {
        let f = self.t.fetch.ok_or(PlatformError::Unsupported)?;
        let (ap, an) = opt(args);
        // SAFETY: `uri` and `args` are live for the call.
        status(unsafe {
            f(
                self.t.user,
                index(component)?,
                uri.as_ptr(),
                uri.len(),
                ap,
                an,
            )
        })
    }

    fn write(&mut self, component: Component<'_>, data: &[u8]) -> PlatformResult<()> {
        let f = self.t.write.ok_or(PlatformError::Unsupported)?;
        // SAFETY: `data` is live for the call.
        status(unsafe { f(self.t.user, index(component)?, data.as_ptr(), data.len()) })
    }

    fn copy(&mut self, component: Component<'_>, source: Component<'_>) -> PlatformResult<()> {
        let f = self.t.copy.ok_or(PlatformError::Unsupported)?;
        // SAFETY: plain integers and the caller's user pointer.
        status(unsafe { f(self.t.user, index(component)?, index(source)?) })
    }

    fn swap(&mut self, component: Component<'_>, source: Component<'_>) -> PlatformResult<()> {
        let f = self.t.swap.ok_or(PlatformError::Unsupported)?;
        // SAFETY: plain integers and the caller's user pointer.
        status(unsafe { f(self.t.user, index(component)?, index(source)?) })
    }

    fn invoke(&mut self, component: Component<'_>, args: Option<&[u8]>) -> PlatformResult<()> {
        let f = self.t.invoke.ok_or(PlatformError::Unsupported)?;
        let (ap, an) = opt(args);
        // SAFETY: `args` is live for the call.
        status(unsafe { f(self.t.user, index(component)?, ap, an) })
    }

    fn custom(
        &mut self,
        component: Component<'_>,
        command: i64,
        arg: &[u8],
    ) -> PlatformResult<bool> {
        let f = self.t.custom.ok_or(PlatformError::Unsupported)?;
        // SAFETY: `arg` is live for the call.
        condition(unsafe {
            f(
                self.t.user,
                index(component)?,
                command,
                arg.as_ptr(),
                arg.len(),
            )
        })
    }

    fn supports(&mut self, directive: Directive, component: Component<'_>) -> bool {
        let Some(f) = self.t.supports else {
            // No question callback: the directive's own callback decides
            // (a NULL one answers UNSUPPORTED in a real run).
            return match directive {
                Directive::Fetch => self.t.fetch.is_some(),
                Directive::Write => self.t.write.is_some(),
                Directive::Copy => self.t.copy.is_some(),
                Directive::Swap => self.t.swap.is_some(),
                Directive::Invoke => self.t.invoke.is_some(),
                _ => false,
            };
        };
        let d = match directive {
            Directive::Fetch => SUIT_DIRECTIVE_FETCH,
            Directive::Write => SUIT_DIRECTIVE_WRITE,
            Directive::Copy => SUIT_DIRECTIVE_COPY,
            Directive::Swap => SUIT_DIRECTIVE_SWAP,
            Directive::Invoke => SUIT_DIRECTIVE_INVOKE,
            // A directive this ABI has no number for yet: not supported.
            _ => return false,
        };
        let Ok(c) = index(component) else {
            return false;
        };
        // SAFETY: plain integers and the caller's user pointer.
        unsafe { f(self.t.user, d, c) == SUIT_PLATFORM_OK }
    }

    fn report(&mut self, record: &Record) {
        let Some(f) = self.t.report else {
            return;
        };
        let r = suit_report_record {
            section: record.section,
            command: record.command,
            policy: record.policy,
            offset: record.offset,
            component: u32::try_from(record.component).unwrap_or(u32::MAX),
            result: record
                .failure
                .map_or(crate::SUIT_RESULT_OK, |k| u32::from(k.code())),
            reserved: 0,
        };
        // SAFETY: `r` is a live local for the call.
        unsafe { f(self.t.user, &r) };
    }
}
