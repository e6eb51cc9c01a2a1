//! The context: caller storage, lifecycle, authentication, queries and
//! procedures.

use core::mem::size_of;
use core::ptr::{self, addr_of, addr_of_mut};
use suit_verify::auth::authenticate_with;
use suit_verify::auth::{Receipt, reauthenticate};
use suit_verify::interp::{IdentityPolicy, Procedure};
use suit_verify::manifest::Severable;
use suit_verify::{
    Authenticated, Envelope, Error, ErrorKind, KeyStore, Options, Policy, Processor, TrustedKey,
};

use crate::capacity::MAX_COMPONENTS;
use crate::crypto::{FfiCrypto, HashSlot, suit_crypto};
use crate::platform::{CPlatform, suit_platform};
use crate::result::{SUIT_RESULT_OK, suit_result};
use crate::{
    SUIT_ABI_VERSION, SUIT_CTX_WORDS, SUIT_VERDICT_ALLOW, SUIT_VERDICT_DENY, code, ptr as p,
    suit_verdict,
};

/// Storage for one context, provided by the caller (static, stack or a
/// struct member; never copied while in use). `SUIT_CTX_WORDS` 64-bit words:
/// see the capacity macros. Start from zeroed storage (`suit_ctx ctx = {0};`),
/// initialise with `suit_ctx_init` or `suit_ctx_init_zero_copy`, and always
/// release with `suit_ctx_deinit`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct suit_ctx {
    /// Private; never read or written by the caller.
    pub opaque: [u64; SUIT_CTX_WORDS],
}

/// A trusted public key.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct suit_key {
    /// `SUIT_KEY_ED25519` or `SUIT_KEY_P256`.
    pub key_type: u32,
    /// Ed25519: 32 raw bytes. P-256: SEC1, 65 bytes `04||X||Y` or 33
    /// compressed.
    pub key: *const u8,
    /// Length of `key` in bytes.
    pub key_len: usize,
    /// COSE key id, or NULL with `kid_len` 0 for none. A signature whose
    /// header carries a kid is checked only with the keys of that kid; one
    /// without a kid, with every key of its algorithm's type.
    pub kid: *const u8,
    /// Length of `kid` in bytes.
    pub kid_len: usize,
}

/// Where the last error of a context happened (`suit_ctx_last_error`).
/// `section` and `command` are 64-bit, as in the manifest, but a section
/// key or a standard command number fits in 32 bits: cast to `long` for a
/// `printf` without 64-bit support (newlib-nano's).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct suit_error_detail {
    /// The result code of the last failed call (`SUIT_RESULT_OK` if none).
    pub result: suit_result,
    /// Byte offset in the envelope where it was detected, or
    /// `SUIT_NO_OFFSET`.
    pub offset: u32,
    /// Manifest key of the section that was running (0 = shared sequence),
    /// or `SUIT_NO_SECTION` when the error did not come from a command.
    pub section: i64,
    /// Number of the command that failed (valid with `section`).
    pub command: i64,
    /// Index of the component the command ran for (or, with
    /// `SUIT_RESULT_COMPONENT_UNSUPPORTED`, the component the device does
    /// not support), or `SUIT_NO_COMPONENT`.
    pub component: u32,
    /// Position of the failing command in its (innermost) command
    /// sequence, from 0 (valid with `section`).
    pub command_index: u32,
}

/// `suit_error_detail.offset` when no byte position applies (UINT32_MAX).
pub const SUIT_NO_OFFSET: u32 = 0xFFFF_FFFF_u32;
/// `suit_error_detail.section` when the error did not come from a command
/// (INT64_MAX).
pub const SUIT_NO_SECTION: i64 = i64::MAX;
/// No component (in `suit_error_detail`, and for manifest-level text):
/// UINT32_MAX.
pub const SUIT_NO_COMPONENT: u32 = 0xFFFF_FFFF_u32;

/// Key type: Ed25519 (verifies COSE -8 EdDSA and -19 Ed25519).
pub const SUIT_KEY_ED25519: u32 = 1;
/// Key type: ECDSA P-256 (verifies COSE -7 ES256 and -9 ESP256).
pub const SUIT_KEY_P256: u32 = 2;

/// Run flag: check every condition and every integrated payload's digest,
/// but only ask `supports` for directives (invoke only with
/// `SUIT_RUN_INVOKE_CALLBACK`), performing none. Conditions see the device
/// as it is now: an image-match after a fetch checks what the slot holds
/// before the fetch, so a dry run predicts a real run only when no
/// directive changes what a later condition reads. Custom commands are
/// called in a dry run too (the library cannot tell a custom condition from
/// a custom directive): a `custom` callback that acts must not act during a
/// run its caller asked to be dry.
pub const SUIT_RUN_DRY_RUN: u32 = 1;
/// Run flag: call the `invoke` callback for the invoke directive. Without
/// it the run names the component to boot (`suit_run_invoke`) and refuses a
/// second invoke directive (`SUIT_RESULT_PLATFORM_UNSUPPORTED`): an invoke
/// transfers execution, and the caller, who does that after the run,
/// cannot come back to perform the second.
pub const SUIT_RUN_INVOKE_CALLBACK: u32 = 2;
/// Run flag: vendor and class must have matched for the very component a
/// directive touches (default: for any component in the section run).
pub const SUIT_RUN_IDENTITY_PER_COMPONENT: u32 = 4;
/// Run flag: no identity requirement before directives (the manifest's own
/// conditions decide). Not with `SUIT_RUN_IDENTITY_PER_COMPONENT`. Without
/// it, a procedure with a section whose directives no vendor and class
/// condition (in it or the shared sequence) could unlock is refused,
/// `SUIT_RESULT_IDENTITY_UNCHECKED`, before anything runs.
pub const SUIT_RUN_IDENTITY_RELAXED: u32 = 8;

/// Section key for `suit_run_section`: the shared sequence alone.
pub const SUIT_SECTION_SHARED: i64 = 0;
/// Section key: validate.
pub const SUIT_SECTION_VALIDATE: i64 = 7;
/// Section key: load.
pub const SUIT_SECTION_LOAD: i64 = 8;
/// Section key: invoke.
pub const SUIT_SECTION_INVOKE: i64 = 9;
/// Section key: payload-fetch.
pub const SUIT_SECTION_PAYLOAD_FETCH: i64 = 16;
/// Section key: install.
pub const SUIT_SECTION_INSTALL: i64 = 20;

/// Procedure for `suit_authenticate_and_run`: the update procedure, as
/// `suit_run_update`. (Negative: no section key is.)
pub const SUIT_PROCEDURE_UPDATE: i64 = -1;
/// Procedure for `suit_authenticate_and_run`: the invocation procedure, as
/// `suit_run_invoke`.
pub const SUIT_PROCEDURE_INVOKE: i64 = -2;

const MAGIC: u64 = 0x5355_4954_4354_5831; // "SUITCTX1"
const MODE_COPY: u32 = 1;
const MODE_ZERO_COPY: u32 = 2;

/// The state behind `suit_ctx`. The caller's storage holds exactly this;
/// `head` and `hash` are only ever borrowed separately (never the whole), so
/// pointers into `hash` stay valid while `head` is borrowed.
#[repr(C)]
pub(crate) struct CtxInner {
    head: CtxHead,
    hash: HashSlot,
}

#[repr(C)]
struct CtxHead {
    /// `MAGIC ^ address`: valid only at the address it was set up at.
    magic: u64,
    mode: u32,
    /// 1 while a call that may reach a callback runs ([`Ctx::busy`]).
    busy: u32,
    copy_buf: *mut u8,
    copy_cap: usize,
    env: *const u8,
    env_len: usize,
    crypto: Option<suit_crypto>,
    /// `Some` once an envelope is authenticated.
    receipt: Option<Receipt>,
    last: suit_error_detail,
}

const _: () = assert!(p::fits::<suit_ctx, CtxInner>());

const NO_DETAIL: suit_error_detail = suit_error_detail {
    result: SUIT_RESULT_OK,
    offset: SUIT_NO_OFFSET,
    section: SUIT_NO_SECTION,
    command: 0,
    component: SUIT_NO_COMPONENT,
    command_index: 0,
};

fn magic_for(p: *const suit_ctx) -> u64 {
    MAGIC ^ u64::try_from(p.addr()).unwrap_or(0)
}

/// Whether `[a, a + alen)` and `[b, b + blen)` overlap. Not inlined: it
/// guards many arguments, none on a hot path.
#[inline(never)]
pub(crate) fn overlap(a: usize, alen: usize, b: usize, blen: usize) -> bool {
    a < b.saturating_add(blen) && b < a.saturating_add(alen)
}

/// Whether the `T` at `a` and the `U` at `b` share a byte (addresses only:
/// nothing is read). The library refuses an output or an input it reads
/// throughout a call that lies in storage the call writes.
pub(crate) fn clash<T, U>(a: *const T, b: *const U) -> bool {
    overlap(a.addr(), size_of::<T>(), b.addr(), size_of::<U>())
}

/// Check `size`/`abi` and the pointer for an init call.
pub(crate) fn check_storage<T>(
    p: *const T,
    size: usize,
    want: usize,
    abi: u32,
) -> Result<(), Error> {
    p::check(p)?;
    if size != want || abi != SUIT_ABI_VERSION {
        return Err(ErrorKind::AbiMismatch.here());
    }
    Ok(())
}

/// A validated context pointer.
#[derive(Clone, Copy)]
pub(crate) struct Ctx(*mut CtxInner);

impl Ctx {
    /// The context storage's address.
    pub(crate) fn addr(&self) -> usize {
        self.0.addr()
    }

    /// Validate a context pointer: non-NULL, aligned, initialised here.
    ///
    /// # Safety
    /// `ctx` must be NULL or point to `sizeof(suit_ctx)` bytes of readable
    /// and writable memory.
    pub(crate) unsafe fn get(ctx: *mut suit_ctx) -> Result<Ctx, Error> {
        p::check(ctx.cast_const())?;
        let inner: *mut CtxInner = p::place(ctx);
        // SAFETY: non-NULL, aligned, readable and initialised (contract:
        // zeroed before first use); a u64 of any bit pattern is valid, so
        // the leftovers of a deinit or of other data are fine.
        let magic = unsafe { ptr::read(addr_of!((*inner).head.magic)) };
        if magic != magic_for(ctx) {
            return Err(ErrorKind::BadState.here());
        }
        Ok(Ctx(inner))
    }

    /// As [`Ctx::get`], and not running a procedure.
    ///
    /// # Safety
    /// As [`Ctx::get`].
    pub(crate) unsafe fn get_idle(ctx: *mut suit_ctx) -> Result<Ctx, Error> {
        // SAFETY: forwarded contract.
        let c = unsafe { Ctx::get(ctx) }?;
        if c.head().busy != 0 {
            return Err(ErrorKind::BadState.here());
        }
        Ok(c)
    }

    fn head(&self) -> &CtxHead {
        // SAFETY: validated by `get` (initialised `CtxInner`); no `&mut` to
        // the head is held across calls that could reach here (callbacks are
        // refused while busy).
        unsafe { &*addr_of!((*self.0).head) }
    }

    #[allow(clippy::mut_from_ref)] // the context is C storage behind a raw pointer
    fn head_mut(&self) -> &mut CtxHead {
        // SAFETY: as `head`; every caller drops this borrow before calling
        // into C or taking another one.
        unsafe { &mut *addr_of_mut!((*self.0).head) }
    }

    pub(crate) fn hash_slot(&self) -> *const HashSlot {
        // SAFETY: in bounds of the validated storage; no reference is made.
        unsafe { addr_of!((*self.0).hash) }
    }

    /// Record `e` (with optional command detail) as the last error.
    fn set_error(&self, e: &Error, detail: Option<suit_verify::interp::FailureDetail>) {
        let mut d = NO_DETAIL;
        d.result = u32::from(e.kind().code());
        d.offset = e.offset().unwrap_or(SUIT_NO_OFFSET);
        if let Some(f) = detail {
            // Command 0: no command ran (a component the device lacks).
            if f.command != 0 {
                d.section = f.section;
                d.command = f.command;
                d.command_index = f.index;
            }
            d.component = f
                .component
                .and_then(|c| u32::try_from(c).ok())
                .unwrap_or(SUIT_NO_COMPONENT);
        }
        self.head_mut().last = d;
    }

    fn clear_error(&self) {
        self.head_mut().last = NO_DETAIL;
    }

    /// The crypto backend for one call, hashing in this context's slot.
    pub(crate) fn crypto(&self) -> FfiCrypto {
        // SAFETY: the slot lives in the validated storage for the call.
        unsafe { FfiCrypto::new(self.head().crypto, self.hash_slot()) }
    }

    pub(crate) fn crypto_table(&self) -> Option<suit_crypto> {
        self.head().crypto
    }

    fn set_busy(&self, busy: bool) {
        self.head_mut().busy = u32::from(busy);
    }

    /// Mark the context busy for as long as the guard lives: every call
    /// that may reach a C callback (platform or crypto) holds one, so a
    /// callback calling back into this context gets `BAD_STATE` instead of
    /// changing the state under the running call. Dropping the guard clears
    /// it, also when a hosted build unwinds from a panic.
    pub(crate) fn busy(&self) -> BusyGuard<'_> {
        self.set_busy(true);
        BusyGuard(self)
    }

    /// The authenticated envelope bytes and receipt.
    ///
    /// The returned slice borrows caller memory (the copy buffer or the
    /// zero-copy envelope), which the init/authenticate contract keeps
    /// valid and unmodified until deinit or the next authenticate.
    pub(crate) fn authenticated<'a>(&self) -> Result<(&'a [u8], Receipt), Error> {
        let h = self.head();
        let receipt = h.receipt.ok_or(ErrorKind::BadState.here())?;
        // SAFETY: `env`/`env_len` were checked at authenticate time; the
        // contract keeps them valid (see above).
        let bytes = unsafe { p::bytes(h.env, h.env_len) }?;
        Ok((bytes, receipt))
    }

    /// Forget the authenticated envelope (the start of every
    /// authentication).
    fn forget(&self) {
        let h = self.head_mut();
        h.receipt = None;
        h.env = ptr::null();
        h.env_len = 0;
    }

    /// The copy buffer's address and length: where an authentication in
    /// copy mode writes (0, 0 in zero-copy mode).
    fn copy_buffer(&self) -> (usize, usize) {
        let h = self.head();
        if h.mode == MODE_COPY {
            (h.copy_buf.addr(), h.copy_cap)
        } else {
            (0, 0)
        }
    }

    /// The held envelope's address and length (0, 0 before authentication).
    pub(crate) fn held(&self) -> (usize, usize) {
        let h = self.head();
        (h.env.addr(), h.env_len)
    }

    /// Run `f` on the re-opened authenticated manifest (digest re-checked,
    /// no signature), mapping crypto callback failures.
    pub(crate) fn with_auth<R>(
        &self,
        crypto: &FfiCrypto,
        f: impl FnOnce(&Authenticated<'_>) -> Result<R, Error>,
    ) -> Result<R, Error> {
        let (bytes, receipt) = self.authenticated()?;
        let env = Envelope::parse(bytes)?;
        // Borrowed where it was made, not moved out of its Result (a copy).
        match &reauthenticate(&env, &receipt, crypto) {
            Ok(auth) => f(auth),
            Err(e) => Err(*e),
        }
    }
}

/// See [`Ctx::busy`].
pub(crate) struct BusyGuard<'c>(&'c Ctx);

impl Drop for BusyGuard<'_> {
    fn drop(&mut self) {
        self.0.set_busy(false);
    }
}

/// Turn the result of a call into a code, recording failures in the context
/// and turning anything after a failed C crypto primitive into
/// `SUIT_RESULT_CRYPTO_BACKEND`.
pub(crate) fn finish_with(
    c: &Ctx,
    r: Result<(), Error>,
    detail: Option<suit_verify::interp::FailureDetail>,
) -> suit_result {
    // SAFETY: the slot is in the validated storage.
    let failed = unsafe { &*c.hash_slot() }.failed();
    let r = match r {
        Err(e) if failed => Err(match e.offset().and_then(|o| usize::try_from(o).ok()) {
            Some(o) => ErrorKind::CryptoBackend.at(o),
            None => ErrorKind::CryptoBackend.here(),
        }),
        Ok(()) if failed => Err(ErrorKind::CryptoBackend.here()),
        other => other,
    };
    match r {
        Ok(()) => {
            c.clear_error();
            SUIT_RESULT_OK
        }
        Err(e) => {
            c.set_error(&e, detail);
            code(&e)
        }
    }
}

/// Start of every call on a validated context: forget earlier crypto failures.
pub(crate) fn begin(c: &Ctx) {
    // SAFETY: the slot is in the validated storage.
    unsafe { &*c.hash_slot() }.clear_failure();
}

// ---- lifecycle --------------------------------------------------------------

unsafe fn init(
    ctx: *mut suit_ctx,
    ctx_size: usize,
    abi: u32,
    mode: u32,
    buf: *mut u8,
    cap: usize,
) -> Result<(), Error> {
    check_storage(ctx.cast_const(), ctx_size, size_of::<suit_ctx>(), abi)?;
    // SAFETY: non-NULL, aligned, `sizeof(suit_ctx)` bytes (contract).
    if unsafe { Ctx::get(ctx) }.is_ok() {
        // Already initialised at this address: deinit first.
        return Err(ErrorKind::BadState.here());
    }
    if cap > 0 {
        // SAFETY: only validated here (NULL with cap > 0, length range).
        unsafe { p::bytes_mut(buf, cap) }?;
        if overlap(buf.addr(), cap, ctx.addr(), size_of::<suit_ctx>()) {
            return Err(ErrorKind::InvalidArgument.here());
        }
    }
    let inner = CtxInner {
        head: CtxHead {
            magic: magic_for(ctx),
            mode,
            busy: 0,
            copy_buf: buf,
            copy_cap: cap,
            env: ptr::null(),
            env_len: 0,
            crypto: None,
            receipt: None,
            last: NO_DETAIL,
        },
        hash: HashSlot::new(),
    };
    // SAFETY: the storage is large and aligned enough (compile-time
    // assertions) and writable (contract); `write` does not read the old
    // bytes.
    unsafe { ptr::write(p::place::<suit_ctx, CtxInner>(ctx), inner) };
    Ok(())
}

/// Initialise a context in copy mode: `suit_authenticate` copies the
/// envelope into `copy_buf` (`copy_buf_len` bytes, chosen by the caller: at
/// least the largest envelope you accept, any alignment; a longer envelope
/// is `SUIT_RESULT_BUFFER_TOO_SMALL`) and
/// every later call reads that copy, so the manifest cannot change between
/// its check and its use (RFC 9124 REQ.SEC.MFST.CONST).
///
/// `ctx_size` must be `sizeof(suit_ctx)` and `abi_version`
/// `SUIT_ABI_VERSION`: a firmware built against a header of other
/// capacities is refused (`SUIT_RESULT_ABI_MISMATCH`) instead of being
/// written past.
///
/// # Safety
/// `ctx` must be NULL or point to writable, initialised storage of
/// `ctx_size` bytes (normally a `suit_ctx`): zeroed before first use
/// (`suit_ctx ctx = {0};`, a static) or left by `suit_ctx_deinit`. Init
/// reads its first word to refuse a context already in use. `copy_buf`
/// must be NULL with `copy_buf_len` 0, or point to `copy_buf_len` writable
/// bytes that stay valid until `suit_ctx_deinit` and that nothing else
/// writes while a `suit_*` call on this context runs. Between calls the buffer may be written, e.g. to
/// receive the next envelope (every call is then refused,
/// `SUIT_RESULT_AUTH_DIGEST_MISMATCH` or the envelope or CBOR error the
/// changed bytes cause, while the buffer's envelope differs from the
/// authenticated one; the next `suit_authenticate` replaces it):
/// pass the buffer's start to `suit_authenticate` to authenticate it in
/// place. An envelope that starts elsewhere inside the buffer is refused
/// (`SUIT_RESULT_INVALID_ARGUMENT`).
///
/// # Errors
/// `SUIT_RESULT_NULL_POINTER`, `SUIT_RESULT_ABI_MISMATCH`,
/// `SUIT_RESULT_INVALID_ARGUMENT` (misaligned, or the buffer overlaps the
/// context), `SUIT_RESULT_BAD_STATE` (already initialised: deinit first).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn suit_ctx_init(
    ctx: *mut suit_ctx,
    ctx_size: usize,
    abi_version: u32,
    copy_buf: *mut u8,
    copy_buf_len: usize,
) -> suit_result {
    crate::guard(|| {
        // SAFETY: forwarded contract.
        unsafe {
            init(
                ctx,
                ctx_size,
                abi_version,
                MODE_COPY,
                copy_buf,
                copy_buf_len,
            )
        }
    })
}

/// Initialise a context in zero-copy mode, for envelopes held in immutable
/// memory (internal flash, a read-only mapping): `suit_authenticate` keeps a
/// pointer to the caller's envelope instead of copying it. Every later call
/// hashes the manifest again and compares it with the authenticated digest
/// before using it, so a change is detected (`SUIT_RESULT_AUTH_DIGEST_MISMATCH`,
/// or the envelope or CBOR error the changed bytes cause), but only memory that cannot change *during* a call (flash that is not
/// being written) gives the full guarantee of copy mode.
///
/// # Safety
/// `ctx` as for `suit_ctx_init`.
///
/// # Errors
/// As `suit_ctx_init`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn suit_ctx_init_zero_copy(
    ctx: *mut suit_ctx,
    ctx_size: usize,
    abi_version: u32,
) -> suit_result {
    crate::guard(|| {
        // SAFETY: forwarded contract.
        unsafe {
            init(
                ctx,
                ctx_size,
                abi_version,
                MODE_ZERO_COPY,
                ptr::null_mut(),
                0,
            )
        }
    })
}

/// Release a context: its storage is zeroed, so any later use (including a
/// second deinit) returns `SUIT_RESULT_BAD_STATE`. The copy buffer, the
/// envelope and the crypto table are the caller's again.
///
/// # Safety
/// `ctx` must be NULL or point to `sizeof(suit_ctx)` readable and writable
/// bytes.
///
/// # Errors
/// `SUIT_RESULT_NULL_POINTER`, `SUIT_RESULT_BAD_STATE` (not initialised,
/// already released, or called from one of its own callbacks).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn suit_ctx_deinit(ctx: *mut suit_ctx) -> suit_result {
    crate::guard(|| {
        // SAFETY: forwarded contract.
        let _ = unsafe { Ctx::get_idle(ctx) }?;
        // SAFETY: validated storage of `sizeof(suit_ctx)` writable bytes; no
        // reference into it is live.
        unsafe { ptr::write_bytes(ctx.cast::<u8>(), 0, size_of::<suit_ctx>()) };
        Ok(())
    })
}

/// Use the firmware's crypto primitives (see `suit_crypto`) for this
/// context and the image verifiers made from it from now on (a verifier
/// keeps the table it was made with); NULL returns to the built-in Rust
/// code. The table is copied; its `user` pointer must stay
/// valid until `suit_ctx_deinit` and the deinit of those verifiers.
///
/// # Safety
/// `ctx` as for `suit_ctx_deinit`; `crypto` NULL or pointing to a
/// `suit_crypto`.
///
/// # Errors
/// `SUIT_RESULT_NULL_POINTER`, `SUIT_RESULT_BAD_STATE`,
/// `SUIT_RESULT_INVALID_ARGUMENT` (only some of the three digest callbacks,
/// or `digest_abort` without them), `SUIT_RESULT_BUFFER_TOO_SMALL` (digest
/// callbacks in a build with `SUIT_VERIFY_HASH_CTX_WORDS` 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn suit_ctx_set_crypto(
    ctx: *mut suit_ctx,
    crypto: *const suit_crypto,
) -> suit_result {
    crate::boundary(|| {
        // SAFETY: forwarded contract.
        let c = try_code!(unsafe { Ctx::get_idle(ctx) });
        let r = (|| {
            let table = if crypto.is_null() {
                None
            } else {
                // SAFETY: non-NULL, points to a `suit_crypto` (contract);
                // copied at once.
                let t = *unsafe { p::get(crypto) }?;
                match t.digest_callbacks() {
                    None => return Err(ErrorKind::InvalidArgument.here()),
                    Some(true) if crate::capacity::HASH_CTX_WORDS == 0 => {
                        return Err(ErrorKind::BufferTooSmall.here());
                    }
                    Some(_) => Some(t),
                }
            };
            c.head_mut().crypto = table;
            Ok(())
        })();
        finish_with(&c, r, None)
    })
}

// ---- keys and authentication ------------------------------------------------

static NO_KEY: [u8; 32] = [0; 32];

/// `SUIT_MAX_KEYS` as a length.
#[allow(clippy::as_conversions)] // u32 -> usize, 8, in a const
const MAX_KEYS: usize = crate::SUIT_MAX_KEYS as usize;

/// Convert C keys, checking each.
fn trusted_keys<'k>(
    keys: &'k [suit_key],
    out: &mut [TrustedKey<'k>; MAX_KEYS],
) -> Result<usize, Error> {
    if keys.len() > MAX_KEYS {
        return Err(ErrorKind::LimitKeys.here());
    }
    for (k, slot) in keys.iter().zip(out.iter_mut()) {
        let Some(key_type) = crate::crypto::key_type_of(k.key_type) else {
            return Err(ErrorKind::InvalidKey.here());
        };
        // SAFETY: the `suit_key` contract: `key`/`kid` valid for their
        // lengths for the call.
        let bytes = unsafe { p::bytes(k.key, k.key_len) }?;
        // SAFETY: as above.
        let kid = unsafe { p::bytes(k.kid, k.kid_len) }?;
        let t = TrustedKey::new(key_type, bytes)?;
        *slot = if kid.is_empty() { t } else { t.with_kid(kid) };
    }
    Ok(keys.len())
}

/// Check trusted keys before use (firmware start-up): types, lengths,
/// encodings (an SEC1 prefix for P-256), count (at most `SUIT_MAX_KEYS`)
/// and the points themselves: an Ed25519 key must decode to a point not of
/// small order, a P-256 key must be on the curve. Such a key would fail
/// every signature check (`SUIT_RESULT_AUTH_SIGNATURE_INVALID`, as a wrong
/// key does); here it is named. The point check costs a point decoding per
/// key and needs the key type's built-in code (feature `ed25519` / `p256`);
/// without it the point is left to your `verify` callback.
/// `suit_authenticate` checks everything but the points again.
///
/// # Safety
/// `keys` must be NULL with `key_count` 0, or point to `key_count`
/// `suit_key`s whose `key`/`kid` pointers are valid for their lengths.
///
/// # Errors
/// `SUIT_RESULT_NULL_POINTER`, `SUIT_RESULT_INVALID_KEY`,
/// `SUIT_RESULT_LIMIT_KEYS`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn suit_keys_check(keys: *const suit_key, key_count: usize) -> suit_result {
    crate::guard(|| {
        // SAFETY: forwarded contract.
        let keys = unsafe { p::array(keys, key_count) }?;
        let mut tk = [TrustedKey::ed25519(&NO_KEY); MAX_KEYS];
        let n = trusted_keys(keys, &mut tk)?;
        tk.get(..n)
            .unwrap_or(&[])
            .iter()
            .try_for_each(TrustedKey::validate)
    })
}

/// Authenticate an envelope: parse it, check the manifest digest, verify the
/// signatures against `keys`, apply the policy (`min_sequence`: lowest
/// acceptable sequence number, anti-rollback; `required_signers`: bit `i`
/// set = key `i` must have signed, 0 = any one trusted key; a bit at or above
/// `key_count` is `SUIT_RESULT_INVALID_ARGUMENT`), then decode the
/// manifest. On success the context holds the authenticated manifest for the
/// query and run functions; on failure it holds nothing (an earlier
/// authentication is forgotten either way).
///
/// Copy mode copies `envelope` into the context's buffer first (it may be
/// that buffer itself) and authenticates the copy; the caller's `envelope`
/// is not used after the call. Zero-copy mode keeps using `envelope`.
///
/// # Safety
/// `ctx` as for `suit_ctx_deinit`. `envelope` must be NULL with
/// `envelope_len` 0, or point to `envelope_len` readable bytes (in
/// zero-copy mode: that stay valid and unmodified until `suit_ctx_deinit` or
/// the next `suit_authenticate`). `keys` as for `suit_keys_check`, for the
/// call only.
///
/// # Errors
/// Misuse: `SUIT_RESULT_NULL_POINTER`, `SUIT_RESULT_BAD_STATE`,
/// `SUIT_RESULT_BUFFER_TOO_SMALL` (envelope larger than the copy buffer),
/// `SUIT_RESULT_INVALID_ARGUMENT` (a misaligned `keys`; the envelope
/// overlapping the copy buffer other than at its start, or the context; a
/// key, kid or the key table inside the copy buffer or the context, where
/// the call writes: the envelope copied over a key could bring the key it
/// is then checked with), `SUIT_RESULT_INVALID_KEY`,
/// `SUIT_RESULT_LIMIT_KEYS`. Input: any CBOR, envelope, `AUTH_*` or manifest
/// code, `SUIT_RESULT_SEQUENCE_ROLLBACK`; `SUIT_RESULT_CRYPTO_BACKEND` when a
/// crypto callback failed. `suit_ctx_last_error` has the byte offset.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn suit_authenticate(
    ctx: *mut suit_ctx,
    envelope: *const u8,
    envelope_len: usize,
    keys: *const suit_key,
    key_count: usize,
    min_sequence: u64,
    required_signers: u32,
) -> suit_result {
    crate::boundary(|| {
        // SAFETY: forwarded contract.
        let c = try_code!(unsafe { Ctx::get_idle(ctx) });
        begin(&c);
        c.forget();
        let busy = c.busy(); // the digest and verify callbacks run below
        let args = AuthArgs {
            envelope,
            envelope_len,
            keys,
            key_count,
            min_sequence,
            required_signers,
        };
        // A body of its own, not `None`: with one body for the shared
        // function to call, LTO turned the indirect call into a direct one
        // and linked the whole processor into firmware that only
        // authenticates (+13.7 KB, flash.auth.ed25519).
        let nothing: Then<'_> = &mut |_, _| Ok(());
        // SAFETY: forwarded contract for `keys` and `envelope`.
        let r = unsafe { authenticate_inner(&c, &args, nothing) };
        drop(busy);
        finish_with(&c, r, None)
    })
}

/// Whether a key, a kid, the key table or the envelope lies where
/// `suit_authenticate` writes: the context, and in copy mode the copy buffer
/// (`copy` bytes at `buf`; the envelope goes there before any signature is
/// checked, so a key there could be overwritten by what it is meant to
/// judge). The envelope may be the copy buffer, not the context. Not inlined,
/// so that its frame is gone before the signature check's.
#[inline(never)]
fn in_written_storage(
    keys: &[suit_key],
    envelope: usize,
    envelope_len: usize,
    ctx: usize,
    buf: usize,
    copy: usize,
) -> bool {
    let ctx_len = size_of::<suit_ctx>();
    let written =
        |a: usize, n: usize| n > 0 && (overlap(a, n, ctx, ctx_len) || overlap(a, n, buf, copy));
    written(keys.as_ptr().addr(), size_of_val(keys))
        || keys
            .iter()
            .any(|k| written(k.key.addr(), k.key_len) || written(k.kid.addr(), k.kid_len))
        || (envelope_len > 0 && overlap(envelope, envelope_len, ctx, ctx_len))
}

/// What to do with a manifest just authenticated, before the call returns
/// (`suit_authenticate_and_run`: no re-opening, the `Authenticated` is used
/// where it was made; `suit_authenticate`: nothing).
type Then<'t> = &'t mut dyn FnMut(&Authenticated<'_>, &FfiCrypto) -> Result<(), Error>;

/// # Safety
/// The contract of `suit_authenticate`.
unsafe fn authenticate_inner(c: &Ctx, a: &AuthArgs, then: Then<'_>) -> Result<(), Error> {
    let AuthArgs {
        envelope,
        envelope_len,
        keys,
        key_count,
        min_sequence,
        required_signers,
    } = *a;
    // SAFETY: forwarded contract.
    let keys = unsafe { p::array(keys, key_count) }?;
    let (mode, buf, cap) = {
        let h = c.head();
        (h.mode, h.copy_buf, h.copy_cap)
    };
    let copy = if mode == MODE_COPY { cap } else { 0 };
    if in_written_storage(
        keys,
        envelope.addr(),
        envelope_len,
        c.addr(),
        buf.addr(),
        copy,
    ) {
        return Err(ErrorKind::InvalidArgument.here());
    }
    let mut tk = [TrustedKey::ed25519(&NO_KEY); MAX_KEYS];
    let n = trusted_keys(keys, &mut tk)?;
    let store = KeyStore::new(tk.get(..n).unwrap_or(&[]))?;
    // SAFETY: forwarded contract.
    let input = unsafe { p::bytes(envelope, envelope_len) }?;
    let (ptr, len) = if mode == MODE_COPY {
        if envelope_len > cap {
            return Err(ErrorKind::BufferTooSmall.here());
        }
        if envelope_len > 0 && envelope != buf.cast_const() {
            if overlap(buf.addr(), cap, envelope.addr(), envelope_len) {
                return Err(ErrorKind::InvalidArgument.here());
            }
            // SAFETY: `input` is `envelope_len` readable bytes, the buffer
            // `cap >= envelope_len` writable bytes (init contract), and they
            // do not overlap (checked).
            unsafe { ptr::copy_nonoverlapping(input.as_ptr(), buf, envelope_len) };
        }
        (buf.cast_const(), envelope_len)
    } else {
        (envelope, envelope_len)
    };
    // SAFETY: the copy (or, in zero-copy mode, the caller's envelope) is
    // readable for `len` bytes.
    let bytes = unsafe { p::bytes(ptr, len) }?;
    let crypto = c.crypto();
    let env = Envelope::parse(bytes)?;
    let policy = Policy {
        min_sequence,
        required_signers,
        ..Policy::DEFAULT
    };
    // Used where it was made (`authenticate_with`): not moved out of a
    // Result, and off the stack while the signatures are checked.
    authenticate_with(&env, &store, &policy, &crypto, |auth| {
        // SAFETY: the slot is in the validated storage.
        if unsafe { &*c.hash_slot() }.failed() {
            return Err(ErrorKind::CryptoBackend.here());
        }
        let h = c.head_mut();
        h.env = ptr;
        h.env_len = len;
        h.receipt = Some(auth.receipt());
        then(auth, &crypto)
    })
}

// ---- queries ----------------------------------------------------------------

/// Copy `src` out: `*out_len` = `src.len()` always; the buffer must hold
/// `src.len()` bytes, plus a NUL when `nul`.
///
/// # Safety
/// `out` NULL with `out_size` 0 or `out_size` writable bytes; `out_len` NULL
/// or writable.
unsafe fn copy_out(
    src: &[u8],
    out: *mut u8,
    out_size: usize,
    out_len: *mut usize,
    nul: bool,
) -> Result<(), Error> {
    // SAFETY: forwarded contract.
    unsafe { p::write(out_len, src.len()) }?;
    // SAFETY: forwarded contract.
    let dst = unsafe { p::bytes_mut(out, out_size) }?;
    let need = src.len().saturating_add(usize::from(nul));
    let dst = dst
        .get_mut(..need)
        .ok_or(ErrorKind::BufferTooSmall.here())?;
    let (body, tail) = dst.split_at_mut(src.len());
    body.copy_from_slice(src);
    tail.fill(0);
    Ok(())
}

/// The regions `copy_out` writes.
fn copy_regions(out: *mut u8, out_size: usize, out_len: *mut usize) -> [(usize, usize); 2] {
    [(out.addr(), out_size), (out_len.addr(), size_of::<usize>())]
}

/// A query on the authenticated manifest, recording errors in the context.
///
/// One copy for every query (`f` behind `dyn`, not a generic): the
/// boundary, the re-check of the held manifest and the error recording
/// are the bulk of each query function (flash on Cortex-M).
///
/// `outs` are the regions `f` writes (address, length). None may overlap
/// the held envelope, which `f` reads while it writes, the context, or
/// another of them (a buffer over its own `*out_len` would overwrite the
/// length): `SUIT_RESULT_INVALID_ARGUMENT` before anything is read.
///
/// # Safety
/// `ctx` as for `suit_ctx_deinit`.
#[inline(never)]
unsafe fn query(
    ctx: *mut suit_ctx,
    outs: &[(usize, usize)],
    f: &mut dyn FnMut(&Authenticated<'_>) -> Result<(), Error>,
) -> suit_result {
    crate::boundary(|| {
        // SAFETY: forwarded contract.
        let c = try_code!(unsafe { Ctx::get_idle(ctx) });
        begin(&c);
        let (env, env_len) = (c.head().env.addr(), c.head().env_len);
        let clash = outs.iter().enumerate().any(|(i, &(a, n))| {
            overlap(a, n, env, env_len)
                || overlap(a, n, ctx.addr(), size_of::<suit_ctx>())
                || outs
                    .iter()
                    .skip(i.saturating_add(1))
                    .any(|&(b, m)| n > 0 && m > 0 && overlap(a, n, b, m))
        });
        if clash {
            return finish_with(&c, Err(ErrorKind::InvalidArgument.here()), None);
        }
        let crypto = c.crypto();
        let busy = c.busy(); // the digest re-check calls the digest callbacks
        let r = c.with_auth(&crypto, |a| f(a));
        drop(busy);
        finish_with(&c, r, None)
    })
}

/// The authenticated manifest's sequence number.
///
/// Every query re-reads the authenticated copy (or the zero-copy envelope)
/// and checks its digest first. Queries are allowed only after a successful
/// `suit_authenticate` (else `SUIT_RESULT_BAD_STATE`).
///
/// # Safety
/// `ctx` as for `suit_ctx_deinit`; `out` NULL or writable.
///
/// # Errors
/// `SUIT_RESULT_NULL_POINTER`, `SUIT_RESULT_BAD_STATE`,
/// `SUIT_RESULT_INVALID_ARGUMENT` (misaligned `out`), and as every query:
/// `SUIT_RESULT_INVALID_ARGUMENT` when an output (`out`, `out_len`)
/// overlaps the held envelope (the copy buffer's envelope, or the caller's
/// in zero-copy mode), the context or the other output, checked before
/// anything is written;
/// `SUIT_RESULT_AUTH_DIGEST_MISMATCH` (the held envelope changed; also
/// reported as the envelope or CBOR error its changed bytes cause) and `SUIT_RESULT_CRYPTO_BACKEND` (a C digest callback failed).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn suit_manifest_sequence_number(
    ctx: *mut suit_ctx,
    out: *mut u64,
) -> suit_result {
    let mut f = |a: &Authenticated<'_>| {
        // SAFETY: forwarded contract.
        unsafe { p::write(out, a.sequence_number()) }
    };
    // SAFETY: forwarded contract.
    unsafe { query(ctx, &[(out.addr(), size_of::<u64>())], &mut f) }
}

/// The number of components in the authenticated manifest.
///
/// # Safety
/// As `suit_manifest_sequence_number`.
///
/// # Errors
/// As `suit_manifest_sequence_number`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn suit_manifest_component_count(
    ctx: *mut suit_ctx,
    out: *mut u32,
) -> suit_result {
    let mut f = |a: &Authenticated<'_>| {
        let n = u32::try_from(a.manifest().component_count())
            .map_err(|_| ErrorKind::LimitComponents.here())?;
        // SAFETY: forwarded contract.
        unsafe { p::write(out, n) }
    };
    // SAFETY: forwarded contract.
    unsafe { query(ctx, &[(out.addr(), size_of::<u32>())], &mut f) }
}

/// Component `component`'s identifier, as its encoded CBOR array
/// (`[* bstr]`), copied to `out` (`out_size` bytes). `*out_len` receives
/// the length even when the buffer is too small (pass NULL/0 to ask).
///
/// # Safety
/// `ctx` as for `suit_ctx_deinit`; `out` NULL with `out_size` 0 or
/// `out_size` writable bytes; `out_len` writable.
///
/// # Errors
/// `SUIT_RESULT_COMPONENT_INDEX_OUT_OF_RANGE`, `SUIT_RESULT_BUFFER_TOO_SMALL`,
/// and as `suit_manifest_sequence_number`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn suit_manifest_component_id(
    ctx: *mut suit_ctx,
    component: u32,
    out: *mut u8,
    out_size: usize,
    out_len: *mut usize,
) -> suit_result {
    let mut f = |a: &Authenticated<'_>| {
        let id = component_id(a, component)?;
        // SAFETY: forwarded contract.
        unsafe { copy_out(id.encoded(), out, out_size, out_len, false) }
    };
    // SAFETY: forwarded contract.
    unsafe { query(ctx, &copy_regions(out, out_size, out_len), &mut f) }
}

fn component_id<'a>(
    a: &Authenticated<'a>,
    component: u32,
) -> Result<suit_verify::manifest::ComponentId<'a>, Error> {
    usize::try_from(component)
        .ok()
        .and_then(|i| a.manifest().component_id(i))
        .ok_or(ErrorKind::ComponentIndexOutOfRange.here())
}

/// The number of byte-string segments in component `component`'s identifier.
///
/// # Safety
/// As `suit_manifest_sequence_number`.
///
/// # Errors
/// `SUIT_RESULT_COMPONENT_INDEX_OUT_OF_RANGE`, and as
/// `suit_manifest_sequence_number`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn suit_manifest_component_segment_count(
    ctx: *mut suit_ctx,
    component: u32,
    out: *mut u32,
) -> suit_result {
    let mut f = |a: &Authenticated<'_>| {
        let n = component_id(a, component)?.segments().count();
        let n = u32::try_from(n).map_err(|_| ErrorKind::LimitComponentIdSegments.here())?;
        // SAFETY: forwarded contract.
        unsafe { p::write(out, n) }
    };
    // SAFETY: forwarded contract.
    unsafe { query(ctx, &[(out.addr(), size_of::<u32>())], &mut f) }
}

/// Segment `segment` of component `component`'s identifier (the bytes of
/// that bstr), copied like `suit_manifest_component_id`.
///
/// # Safety
/// As `suit_manifest_component_id`.
///
/// # Errors
/// `SUIT_RESULT_INVALID_ARGUMENT` (no such segment), and as
/// `suit_manifest_component_id`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn suit_manifest_component_segment(
    ctx: *mut suit_ctx,
    component: u32,
    segment: u32,
    out: *mut u8,
    out_size: usize,
    out_len: *mut usize,
) -> suit_result {
    let mut f = |a: &Authenticated<'_>| {
        let id = component_id(a, component)?;
        let seg = usize::try_from(segment)
            .ok()
            .and_then(|s| id.segments().nth(s))
            .ok_or(ErrorKind::InvalidArgument.here())?;
        // SAFETY: forwarded contract.
        unsafe { copy_out(seg, out, out_size, out_len, false) }
    };
    // SAFETY: forwarded contract.
    unsafe { query(ctx, &copy_regions(out, out_size, out_len), &mut f) }
}

/// The manifest's reference-uri, copied to `out` with a terminating NUL:
/// `out_size` must be its length plus one. `*out_len` is set to the length
/// (without the NUL) on success and with `SUIT_RESULT_BUFFER_TOO_SMALL`, so
/// a first call with `out` NULL and `out_size` 0 tells the size to use.
///
/// # Safety
/// As `suit_manifest_component_id`.
///
/// # Errors
/// `SUIT_RESULT_SECTION_ABSENT` (no reference-uri),
/// `SUIT_RESULT_BUFFER_TOO_SMALL`, and as `suit_manifest_sequence_number`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn suit_manifest_reference_uri(
    ctx: *mut suit_ctx,
    out: *mut u8,
    out_size: usize,
    out_len: *mut usize,
) -> suit_result {
    let mut f = |a: &Authenticated<'_>| {
        let uri = a
            .manifest()
            .reference_uri()
            .ok_or(ErrorKind::SectionAbsent.here())?;
        // SAFETY: forwarded contract.
        unsafe { copy_out(uri.as_bytes(), out, out_size, out_len, true) }
    };
    // SAFETY: forwarded contract.
    unsafe { query(ctx, &copy_regions(out, out_size, out_len), &mut f) }
}

/// A text string from the manifest's text member (SUIT_Text_Map): for
/// language `lang` (NUL-terminated, e.g. "en"; NULL = the first language),
/// manifest-level key `key` when `component` is `SUIT_NO_COMPONENT`
/// (1 manifest description, 2 update description, ...), or component-level
/// key `key` of component `component` (1 vendor name, 2 model name,
/// 3 vendor domain, 4 model info, 5 description, 6 version). Copied to
/// `out` with a terminating NUL: `out_size` must be its length plus one
/// (ask as for `suit_manifest_reference_uri`).
///
/// # Safety
/// As `suit_manifest_component_id`; `lang` NULL or NUL-terminated.
///
/// # Errors
/// `SUIT_RESULT_SECTION_ABSENT` (no text member, language or key),
/// `SUIT_RESULT_SEVERED_MEMBER_MISSING` (text severed and not in the
/// envelope), `SUIT_RESULT_COMPONENT_INDEX_OUT_OF_RANGE`,
/// `SUIT_RESULT_BUFFER_TOO_SMALL`, CBOR codes for a malformed text map, and
/// as `suit_manifest_sequence_number`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn suit_manifest_text(
    ctx: *mut suit_ctx,
    lang: *const core::ffi::c_char,
    component: u32,
    key: i64,
    out: *mut u8,
    out_size: usize,
    out_len: *mut usize,
) -> suit_result {
    let mut f = |a: &Authenticated<'_>| {
        let lang = if lang.is_null() {
            None
        } else {
            // SAFETY: non-NULL and NUL-terminated (contract).
            Some(unsafe { core::ffi::CStr::from_ptr(lang) }.to_bytes())
        };
        let text = text_lookup(a, lang, component, key)?;
        // SAFETY: forwarded contract.
        unsafe { copy_out(text.as_bytes(), out, out_size, out_len, true) }
    };
    // SAFETY: forwarded contract.
    unsafe { query(ctx, &copy_regions(out, out_size, out_len), &mut f) }
}

fn text_lookup<'a>(
    a: &Authenticated<'a>,
    lang: Option<&[u8]>,
    component: u32,
    key: i64,
) -> Result<&'a str, Error> {
    use suit_verify::cbor::Reader;
    /// CBOR major type 4 (array).
    const MAJOR_ARRAY: u8 = 4;
    use suit_verify::limits::{Budget, MAX_CBOR_ITEMS};
    let text = match a.manifest().text() {
        Severable::Present(b) => b,
        Severable::Missing => return Err(ErrorKind::SeveredMemberMissing.here()),
        Severable::Absent => return Err(ErrorKind::SectionAbsent.here()),
    };
    let want_id = if component == SUIT_NO_COMPONENT {
        None
    } else {
        Some(component_id(a, component)?.encoded())
    };
    let mut budget = Budget::new(MAX_CBOR_ITEMS, ErrorKind::LimitCborItems);
    let mut r = Reader::new(text.bytes, text.start(), &mut budget);
    let langs = r.map()?;
    for _ in 0..langs {
        let l = r.text()?;
        let hit = lang.is_none_or(|want| want == l.as_bytes());
        if !hit {
            r.skip()?;
            continue;
        }
        let entries = r.map()?;
        for _ in 0..entries {
            if r.peek_major()? == MAJOR_ARRAY {
                let id = r.skip()?;
                if want_id == Some(id) {
                    let n = r.map()?;
                    for _ in 0..n {
                        let k = r.int()?;
                        if k == key {
                            return r.text();
                        }
                        r.skip()?;
                    }
                    return Err(ErrorKind::SectionAbsent.here());
                }
                r.skip()?;
            } else {
                let k = r.int()?;
                if want_id.is_none() && k == key {
                    return r.text();
                }
                r.skip()?;
            }
        }
        return Err(ErrorKind::SectionAbsent.here());
    }
    Err(ErrorKind::SectionAbsent.here())
}

/// The last error recorded by a call on `ctx` (each failing call overwrites
/// it, each successful one resets it to `SUIT_RESULT_OK`, except a call
/// refused before it could use the context: NULL, not initialised, or busy
/// running another call's callbacks, which leaves the running call's
/// record). Allowed at any time on an initialised context, also from its
/// callbacks.
///
/// # Safety
/// `ctx` as for `suit_ctx_deinit`; `out` NULL or writable.
///
/// # Errors
/// `SUIT_RESULT_NULL_POINTER`, `SUIT_RESULT_BAD_STATE`,
/// `SUIT_RESULT_INVALID_ARGUMENT` (`out` misaligned or inside the context;
/// not written).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn suit_ctx_last_error(
    ctx: *const suit_ctx,
    out: *mut suit_error_detail,
) -> suit_result {
    crate::guard(|| {
        // SAFETY: forwarded contract; only read here.
        let c = unsafe { Ctx::get(ctx.cast_mut()) }?;
        if clash(out, ctx) {
            return Err(ErrorKind::InvalidArgument.here());
        }
        // Through a local the optimiser may not look into: a direct copy
        // between two raw pointers that might overlap becomes a call of
        // `memmove` (1.5 KB of flash on Cortex-M, for this one copy).
        let d = core::hint::black_box(c.head().last);
        // SAFETY: forwarded contract.
        unsafe { p::write(out, d) }
    })
}

// ---- procedures -------------------------------------------------------------

fn options(flags: u32) -> Result<Options, Error> {
    let known = SUIT_RUN_DRY_RUN
        | SUIT_RUN_INVOKE_CALLBACK
        | SUIT_RUN_IDENTITY_PER_COMPONENT
        | SUIT_RUN_IDENTITY_RELAXED;
    if flags & !known != 0 {
        return Err(ErrorKind::InvalidArgument.here());
    }
    let identity = match (
        flags & SUIT_RUN_IDENTITY_PER_COMPONENT != 0,
        flags & SUIT_RUN_IDENTITY_RELAXED != 0,
    ) {
        (false, false) => IdentityPolicy::AnyComponent,
        (true, false) => IdentityPolicy::PerComponent,
        (false, true) => IdentityPolicy::Relaxed,
        (true, true) => return Err(ErrorKind::InvalidArgument.here()),
    };
    Ok(Options {
        identity,
        dry_run: flags & SUIT_RUN_DRY_RUN != 0,
        invoke_callback: flags & SUIT_RUN_INVOKE_CALLBACK != 0,
        ..Options::DEFAULT
    })
}

/// Run a processor on the context's manifest with callbacks, marking the
/// context busy meanwhile. Returns the outcome's boot component and the
/// failure detail.
pub(crate) fn run_processor<R>(
    c: &Ctx,
    crypto: &FfiCrypto,
    platform: suit_platform,
    options: Options,
    f: impl FnOnce(&mut Processor<'_, '_, CPlatform, FfiCrypto, MAX_COMPONENTS>) -> Result<R, Error>,
) -> (Result<R, Error>, Option<suit_verify::interp::FailureDetail>) {
    let mut detail = None;
    let busy = c.busy();
    let r = c.with_auth(crypto, |auth| {
        process(auth, crypto, platform, options, &mut detail, f)
    });
    drop(busy);
    (r, detail)
}

/// Make a processor on `auth` with a C platform, run `f` on it and record
/// its failure detail in `detail`.
fn process<R>(
    auth: &Authenticated<'_>,
    crypto: &FfiCrypto,
    platform: suit_platform,
    options: Options,
    detail: &mut Option<suit_verify::interp::FailureDetail>,
    f: impl FnOnce(&mut Processor<'_, '_, CPlatform, FfiCrypto, MAX_COMPONENTS>) -> Result<R, Error>,
) -> Result<R, Error> {
    let mut plat = CPlatform::new(platform);
    let mut made =
        Processor::<CPlatform, FfiCrypto, MAX_COMPONENTS>::new(auth, &mut plat, crypto, options);
    // Used where it was made: moving it out of the Result copies its
    // ~700 bytes (measured: 2 k instructions and its size in stack).
    let proc = match &mut made {
        Ok(p) => p,
        Err(e) => return Err(*e),
    };
    let r = f(proc);
    *detail = Some(proc.failure_detail());
    r
}

/// Which procedure.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Run {
    Update,
    Invoke,
    Section(i64),
}

impl Run {
    /// A `procedure` argument of `suit_authenticate_and_run`.
    fn from_c(procedure: i64) -> Option<Run> {
        match procedure {
            SUIT_PROCEDURE_UPDATE => Some(Run::Update),
            SUIT_PROCEDURE_INVOKE => Some(Run::Invoke),
            k if k >= 0 => Some(Run::Section(k)),
            _ => None,
        }
    }
}

/// `body` on the context's manifest, re-opened. Not inlined: the re-opened
/// manifest's frame is not needed under the authentication of
/// `suit_authenticate_and_run`, whose signature check is the deepest call.
#[inline(never)]
fn reopened(c: &Ctx, body: Then<'_>) -> Result<(), Error> {
    let crypto = c.crypto();
    c.with_auth(&crypto, |a| body(a, &crypto))
}

/// The arguments of `suit_authenticate` (and of `suit_authenticate_and_run`).
#[derive(Clone, Copy)]
struct AuthArgs {
    envelope: *const u8,
    envelope_len: usize,
    keys: *const suit_key,
    key_count: usize,
    min_sequence: u64,
    required_signers: u32,
}

/// Run a procedure, on the manifest the context holds (`auth` None: it is
/// re-opened) or on the envelope `auth` names, authenticated first.
///
/// # Safety
/// The contracts of the exported run functions, and with `auth` the
/// contract of `suit_authenticate` for its arguments.
unsafe fn run(
    ctx: *mut suit_ctx,
    which: Option<Run>,
    auth: Option<&AuthArgs>,
    platform: *const suit_platform,
    flags: u32,
    verdict: *mut suit_verdict,
    boot: *mut u32,
) -> suit_result {
    // Outputs inside the context, inside the envelope it holds (or is about
    // to hold: the caller's envelope, and in copy mode the whole copy
    // buffer), or on each other are refused and not written: a write there
    // would change what this call (and every later one) relies on.
    let invoke = which == Some(Run::Invoke);
    // SAFETY: forwarded contract; only validated and read here.
    let (env, env_len) = match (unsafe { Ctx::get(ctx) }, auth) {
        (Ok(c), None) => c.held(),
        (Ok(c), Some(_)) => c.copy_buffer(),
        (Err(_), _) => (0, 0),
    };
    let (arg, arg_len) = auth.map_or((0, 0), |a| (a.envelope.addr(), a.envelope_len));
    let misplaced = |out: usize, n: usize| {
        overlap(out, n, ctx.addr(), size_of::<suit_ctx>())
            || overlap(out, n, env, env_len)
            || overlap(out, n, arg, arg_len)
    };
    let misplaced = misplaced(verdict.addr(), size_of::<suit_verdict>())
        || (invoke && (misplaced(boot.addr(), size_of::<u32>()) || clash(boot, verdict)));
    // The verdict is DENY from the first instruction that can write it.
    let verdict_ok = if misplaced {
        Err(ErrorKind::InvalidArgument.here())
    } else {
        // SAFETY: forwarded contract (NULL is refused, not written).
        unsafe { p::write(verdict, SUIT_VERDICT_DENY) }
    };
    let boot_ok = if invoke && !misplaced {
        // SAFETY: forwarded contract.
        unsafe { p::write(boot, SUIT_NO_COMPONENT) }
    } else {
        Ok(())
    };
    crate::boundary(|| {
        // SAFETY: forwarded contract.
        let c = try_code!(unsafe { Ctx::get_idle(ctx) });
        begin(&c);
        if auth.is_some() {
            // An earlier authentication is forgotten whatever happens.
            c.forget();
        }
        let mut detail = None;
        let mut booted = None;
        let r = (|| {
            verdict_ok?;
            boot_ok?;
            let which = which.ok_or(ErrorKind::InvalidArgument.here())?;
            // Checked now, copied where the run starts (not held in this
            // frame under the authentication's signature check).
            p::check(platform)?;
            let options = options(flags)?;
            let procedure = match which {
                Run::Update => Procedure::Update,
                Run::Invoke => Procedure::Invoke,
                Run::Section(SUIT_SECTION_SHARED) => Procedure::Shared,
                Run::Section(k) => Procedure::Section(k),
            };
            let go = |proc: &mut Processor<'_, '_, CPlatform, FfiCrypto, MAX_COMPONENTS>| {
                proc.run(procedure).map(|o| o.boot.map(|b| b.component))
            };
            let mut b = None;
            {
                // One copy of the run, behind `dyn`, for both sources.
                let body: Then<'_> = &mut |auth, crypto| {
                    // SAFETY: forwarded contract (checked above); copied at
                    // once, no reference kept while the callbacks run.
                    let table = *unsafe { p::get(platform) }?;
                    b = process(auth, crypto, table, options, &mut detail, go)?;
                    Ok(())
                };
                let _busy = c.busy(); // the callbacks run below
                match auth {
                    None => reopened(&c, body)?,
                    // SAFETY: forwarded contract.
                    Some(a) => unsafe { authenticate_inner(&c, a, body) }?,
                }
            }
            if which == Run::Invoke {
                let b = b.ok_or(ErrorKind::SectionAbsent.here())?;
                let b = u32::try_from(b).map_err(|_| ErrorKind::ComponentIndexOutOfRange.here())?;
                booted = Some(b);
            }
            Ok(())
        })();
        let result = finish_with(&c, r, detail);
        // Written only at the very end, and only after a second look.
        if core::hint::black_box(result) == SUIT_RESULT_OK {
            if let Some(b) = booted {
                // SAFETY: checked writable above (the write of
                // SUIT_NO_COMPONENT succeeded on this path).
                let _ = unsafe { p::write(boot, b) };
            }
            if core::hint::black_box(result) == SUIT_RESULT_OK {
                // SAFETY: checked writable above (`verdict_ok`).
                let _ = unsafe { p::write(verdict, SUIT_VERDICT_ALLOW) };
            }
        }
        result
    })
}

/// Run the update procedure (payload-fetch, install, validate; absent
/// sections are skipped) with `platform`. `*verdict` is
/// `SUIT_VERDICT_ALLOW` only when the result is `SUIT_RESULT_OK`:
/// install allowed. It is set to `SUIT_VERDICT_DENY` first of all, unless
/// it lies inside the context or the envelope the context holds: the call
/// would change what it relies on, so it is refused
/// (`SUIT_RESULT_INVALID_ARGUMENT`) and nothing is written.
///
/// `flags`: `SUIT_RUN_*` bits (0 for the defaults).
///
/// # Safety
/// `ctx` as for `suit_ctx_deinit`; `platform` NULL or pointing to a
/// `suit_platform` whose callbacks honour its contract, for the call;
/// `verdict` NULL or writable.
///
/// # Errors
/// `SUIT_RESULT_PENDING` (a callback answered `SUIT_PLATFORM_WAIT`: run
/// again later; the run restarts from the first command, so directive
/// callbacks must be idempotent), `SUIT_RESULT_BAD_STATE` (not authenticated, or called
/// from a callback), `SUIT_RESULT_NULL_POINTER`,
/// `SUIT_RESULT_INVALID_ARGUMENT` (unknown flags, both identity flags, a
/// misaligned pointer, or an output inside the context or the held
/// envelope); as every query, `SUIT_RESULT_AUTH_DIGEST_MISMATCH`
/// (the held envelope changed) and `SUIT_RESULT_CRYPTO_BACKEND`; before
/// anything runs, `SUIT_RESULT_UNSUPPORTED_EXTENSION`,
/// `SUIT_RESULT_LIMIT_COMPONENTS` (more components than
/// `SUIT_VERIFY_MAX_COMPONENTS`), `SUIT_RESULT_SEVERED_MEMBER_MISSING` and
/// `SUIT_RESULT_SECTION_ABSENT` (none of the three sections: nothing would
/// check that the manifest applies), the errors of the check of every
/// command sequence the manifest carries, run by this procedure or not
/// (`SUIT_RESULT_UNKNOWN_COMMAND`, `SUIT_RESULT_UNKNOWN_PARAMETER`,
/// `SUIT_RESULT_INVALID_PARAMETER`, `SUIT_RESULT_SEQUENCE_MALFORMED`, ...:
/// a manifest that fails for its encoding fails before any `platform`
/// callback is called; `suit_ctx_last_error` names the section), and
/// `SUIT_RESULT_IDENTITY_UNCHECKED` (a section with a directive but no
/// vendor or no class condition); then any
/// command's error (`suit_ctx_last_error` names the section, command and
/// component).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn suit_run_update(
    ctx: *mut suit_ctx,
    platform: *const suit_platform,
    flags: u32,
    verdict: *mut suit_verdict,
) -> suit_result {
    // SAFETY: forwarded contract.
    unsafe {
        run(
            ctx,
            Some(Run::Update),
            None,
            platform,
            flags,
            verdict,
            ptr::null_mut(),
        )
    }
}

/// Run the invocation procedure (validate, load, invoke). On success
/// `*verdict` is `SUIT_VERDICT_ALLOW` and `*boot_component` the component
/// the invoke directive chose; the firmware then boots it itself, after
/// checking the verdict again (see the example). Both outputs are set to
/// DENY / `SUIT_NO_COMPONENT` first of all; they may not lie on each other
/// (nor, as for `suit_run_update`, inside the context or the held envelope):
/// `SUIT_RESULT_INVALID_ARGUMENT`, nothing written.
///
/// # Safety
/// As `suit_run_update`; `boot_component` NULL or writable.
///
/// # Errors
/// `SUIT_RESULT_SECTION_ABSENT` when no invoke directive ran (or none of
/// the three sections is present), and as `suit_run_update`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn suit_run_invoke(
    ctx: *mut suit_ctx,
    platform: *const suit_platform,
    flags: u32,
    verdict: *mut suit_verdict,
    boot_component: *mut u32,
) -> suit_result {
    // SAFETY: forwarded contract.
    unsafe {
        run(
            ctx,
            Some(Run::Invoke),
            None,
            platform,
            flags,
            verdict,
            boot_component,
        )
    }
}

/// Run one section (`SUIT_SECTION_*`: validate, load, invoke,
/// payload-fetch, install; or `SUIT_SECTION_SHARED` for the shared sequence
/// alone). The shared sequence runs first, as for every section.
///
/// The verdict covers that section only: `SUIT_SECTION_INVOKE` alone
/// checks no image (validate does), so its ALLOW is no permission to boot.
/// Decide installs with `suit_run_update` and boots with `suit_run_invoke`
/// (validate, load and invoke in one run); use this function for steps a
/// device runs apart, each checked by the procedure around it.
///
/// Before it runs, the section is checked with the shared sequence, but the
/// manifest's other sections are not; `SUIT_SECTION_SHARED`, which stands
/// for any procedure (`suit_image_verifier_init` starts from it), checks
/// every section present.
///
/// # Safety
/// As `suit_run_update`.
///
/// # Errors
/// `SUIT_RESULT_SECTION_ABSENT` (the section is absent; for
/// `SUIT_SECTION_SHARED`, the manifest has no shared sequence: nothing
/// would check that it applies here), `SUIT_RESULT_SEVERED_MEMBER_MISSING`, and
/// as `suit_run_update`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn suit_run_section(
    ctx: *mut suit_ctx,
    section: i64,
    platform: *const suit_platform,
    flags: u32,
    verdict: *mut suit_verdict,
) -> suit_result {
    // SAFETY: forwarded contract.
    unsafe {
        run(
            ctx,
            Some(Run::Section(section)),
            None,
            platform,
            flags,
            verdict,
            ptr::null_mut(),
        )
    }
}

/// Authenticate an envelope and run a procedure on it in one call: what
/// `suit_authenticate` and then `suit_run_update`, `suit_run_invoke` or
/// `suit_run_section` do, without the second call's re-opening (the
/// manifest's digest computed again and the envelope decoded again), for a
/// device that decides an envelope as soon as it has it: a bootloader's
/// `SUIT_PROCEDURE_INVOKE` at start-up, an updater's
/// `SUIT_PROCEDURE_UPDATE`. On Cortex-M4 it saves about 9,000 instructions
/// over the two calls (PERFORMANCE.md); the signature check is the same.
///
/// `procedure`: `SUIT_PROCEDURE_UPDATE`, `SUIT_PROCEDURE_INVOKE`, or a
/// section key (`SUIT_SECTION_*`) to run as `suit_run_section` does.
/// `boot_component` is written only for `SUIT_PROCEDURE_INVOKE` and may be
/// NULL otherwise. The other arguments are those of `suit_authenticate`
/// and of the run functions.
///
/// The context ends as after `suit_authenticate`: holding the
/// authenticated manifest when authentication succeeded, even when the run
/// then failed (queries and further runs work), and nothing otherwise (an
/// earlier authentication is forgotten either way). `*verdict` is
/// `SUIT_VERDICT_ALLOW` only when the result is `SUIT_RESULT_OK`; it is set
/// to `SUIT_VERDICT_DENY` (and `*boot_component` to `SUIT_NO_COMPONENT`)
/// first of all, unless an output lies inside the context, the envelope,
/// the copy buffer (copy mode) or the other output: then the call is
/// refused (`SUIT_RESULT_INVALID_ARGUMENT`) and nothing is written. The
/// arguments (outputs, `procedure`, `platform`, `flags`) are checked before
/// the envelope is read.
///
/// # Safety
/// As `suit_authenticate` for `ctx`, `envelope` and `keys`; as
/// `suit_run_update` for `platform` and `verdict`; `boot_component` NULL or
/// writable.
///
/// # Errors
/// Those of `suit_authenticate`, then those of the run function the
/// procedure names; `SUIT_RESULT_INVALID_ARGUMENT` for a negative
/// `procedure` other than the two above. A result from the run leaves the
/// manifest authenticated; `suit_ctx_last_error` tells which (a command's
/// error names its section).
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)] // flat, as suit_authenticate's and the run functions'
pub unsafe extern "C" fn suit_authenticate_and_run(
    ctx: *mut suit_ctx,
    envelope: *const u8,
    envelope_len: usize,
    keys: *const suit_key,
    key_count: usize,
    min_sequence: u64,
    required_signers: u32,
    procedure: i64,
    platform: *const suit_platform,
    flags: u32,
    verdict: *mut suit_verdict,
    boot_component: *mut u32,
) -> suit_result {
    let auth = AuthArgs {
        envelope,
        envelope_len,
        keys,
        key_count,
        min_sequence,
        required_signers,
    };
    // SAFETY: forwarded contract.
    unsafe {
        run(
            ctx,
            Run::from_c(procedure),
            Some(&auth),
            platform,
            flags,
            verdict,
            boot_component,
        )
    }
}
