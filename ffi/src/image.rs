//! The standalone streaming image verifier: hash an image as it arrives
//! (radio, serial, a flash read loop) in chunks of any size, against the
//! digest and size the authenticated manifest sets for a component.

use core::mem::{MaybeUninit, size_of};
use core::ptr::{self, addr_of, addr_of_mut};
use suit_verify::interp::Procedure;
use suit_verify::{Error, ErrorKind, ImageVerifier, Options};

use crate::crypto::{FfiCrypto, FfiHasher, HashSlot};
use crate::ctx::{Ctx, begin, check_storage, clash, finish_with, overlap, run_processor, suit_ctx};
use crate::platform::suit_platform;
use crate::result::{SUIT_RESULT_OK, suit_result};
use crate::{
    SUIT_IMAGE_VERIFIER_WORDS, SUIT_VERDICT_ALLOW, SUIT_VERDICT_DENY, code, ptr as p, suit_verdict,
};

/// Storage for one streaming image verifier, provided by the caller.
/// `SUIT_IMAGE_VERIFIER_WORDS` 64-bit words, zeroed before first use
/// (`suit_image_verifier v = {0};`). Lifecycle:
/// `suit_image_verifier_init`, any number of `suit_image_verifier_update`,
/// `suit_image_verifier_finish`, then `suit_image_verifier_deinit` (which
/// may also end it early). It is independent of the context after init
/// (it keeps no pointer to it), except for the crypto table's `user`: it
/// stays bound to the manifest the context held at init, whatever the
/// context does later (a failed or new `suit_authenticate`, a deinit). When
/// the manifest is replaced or rejected, deinit its verifiers too.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct suit_image_verifier {
    /// Private; never read or written by the caller.
    pub opaque: [u64; SUIT_IMAGE_VERIFIER_WORDS],
}

/// `remaining` of `suit_image_verifier_progress` when the manifest sets no
/// image-size (the verifier then hashes whatever it is given). An image-size
/// of 2^64 - 1 before any byte reads the same; no image is that big, and
/// `suit_image_verifier_finish` still enforces the size.
pub const SUIT_NO_SIZE: u64 = 0xFFFF_FFFF_FFFF_FFFF;

const MAGIC: u64 = 0x5355_4954_494D_4731; // "SUITIMG1"
const ACTIVE: u32 = 1;
const FAILED: u32 = 2;
const FINISHED: u32 = 3;
/// A call is inside the C digest callbacks: the verifier refuses every
/// other call until it returns (a callback calling back in gets BAD_STATE).
const BUSY: u32 = 4;
/// `iv` is being dropped (a C hash aborted): refused like BUSY, so a call
/// from inside `digest_abort` cannot deinit the storage under it.
const DROPPING: u32 = 5;

#[repr(C)]
struct VerifierInner {
    head: VerifierHead,
    hash: HashSlot,
}

#[repr(C)]
struct VerifierHead {
    magic: u64,
    state: u32,
    /// The sticky result once FAILED.
    error: suit_result,
    /// Initialised while ACTIVE.
    iv: MaybeUninit<ImageVerifier<FfiHasher>>,
}

const _: () = assert!(p::fits::<suit_image_verifier, VerifierInner>());

fn magic_for(v: *const suit_image_verifier) -> u64 {
    MAGIC ^ u64::try_from(v.addr()).unwrap_or(0)
}

/// A validated verifier pointer.
struct Verifier(*mut VerifierInner);

impl Verifier {
    /// # Safety
    /// `v` NULL or `sizeof(suit_image_verifier)` readable, writable bytes.
    unsafe fn get(v: *mut suit_image_verifier) -> Result<Verifier, Error> {
        // SAFETY: forwarded contract.
        if !unsafe { Verifier::set_up(v) }? {
            return Err(ErrorKind::BadState.here());
        }
        let ver = Verifier(p::place(v));
        // Read without a reference: while BUSY, the running call holds a
        // `&mut` to `iv`, which a reference to the whole head would alias.
        if matches!(ver.state(), BUSY | DROPPING) {
            return Err(ErrorKind::BadState.here());
        }
        Ok(ver)
    }

    /// Whether `v` holds a verifier set up at this address (in any state,
    /// BUSY included: an init in progress).
    ///
    /// # Safety
    /// As [`Verifier::get`].
    unsafe fn set_up(v: *mut suit_image_verifier) -> Result<bool, Error> {
        p::check(v.cast_const())?;
        let inner: *mut VerifierInner = p::place(v);
        // SAFETY: non-NULL, aligned, readable and initialised (contract:
        // zeroed before first use); any u64 is valid.
        let magic = unsafe { ptr::read(addr_of!((*inner).head.magic)) };
        Ok(magic == magic_for(v))
    }

    fn state(&self) -> u32 {
        // SAFETY: validated storage; a field read through the raw pointer.
        unsafe { ptr::read(addr_of!((*self.0).head.state)) }
    }

    fn set_state(&self, state: u32) {
        // SAFETY: validated storage; a field write through the raw pointer
        // (it does not overlap `iv`).
        unsafe { ptr::write(addr_of_mut!((*self.0).head.state), state) }
    }

    #[allow(clippy::mut_from_ref)] // C storage behind a raw pointer
    fn head(&self) -> &mut VerifierHead {
        // SAFETY: validated (initialised head); borrows never overlap: each
        // call takes one and drops it before returning.
        unsafe { &mut *addr_of_mut!((*self.0).head) }
    }

    fn head_ref(&self) -> &VerifierHead {
        // SAFETY: validated (initialised head); read-only access.
        unsafe { &*addr_of!((*self.0).head) }
    }

    fn slot(&self) -> &HashSlot {
        // SAFETY: validated storage; the slot is only ever shared-borrowed.
        unsafe { &*addr_of!((*self.0).hash) }
    }

    /// Drop the inner verifier of an ACTIVE verifier (aborting a C hash)
    /// and leave it FAILED with `e`.
    fn fail(&self, e: &Error) -> suit_result {
        if self.state() == ACTIVE {
            self.drop_verifier();
        }
        self.failed(e)
    }

    /// FAILED with `e`, returned by every later call (`iv` already dropped
    /// or moved out).
    fn failed(&self, e: &Error) -> suit_result {
        let h = self.head();
        h.state = FAILED;
        h.error = code(e);
        h.error
    }

    /// Drop `iv` of an ACTIVE verifier, DROPPING meanwhile: the C
    /// `digest_abort` may run, and a call from inside it is refused.
    fn drop_verifier(&self) {
        self.set_state(DROPPING);
        // SAFETY: it was ACTIVE, so `iv` is initialised; DROPPING keeps it
        // from being read or dropped again, and only this field is
        // borrowed while the callback runs.
        unsafe { (*addr_of_mut!((*self.0).head.iv)).assume_init_drop() };
    }

    /// `e`, or CRYPTO_BACKEND when a C primitive failed.
    fn crypto_checked(&self, r: Result<(), Error>) -> Result<(), Error> {
        if self.slot().failed() {
            return Err(ErrorKind::CryptoBackend.here());
        }
        r
    }
}

/// What a call that made the verifier BUSY leaves behind if a hosted build
/// unwinds from a panic inside it (bare-metal builds abort instead).
#[derive(Clone, Copy)]
#[cfg_attr(target_os = "none", allow(dead_code))]
enum Unwind {
    /// Init: the storage is zeroed, as after a failed init.
    Zero,
    /// Update: `iv` is live; it is dropped and the verifier FAILED with
    /// `SUIT_RESULT_PANIC`.
    DropVerifier,
    /// Finish: `iv` was moved out (the unwinding drops it); FAILED with
    /// `SUIT_RESULT_PANIC`.
    Fail,
}

/// Holds a verifier BUSY for the duration of a call. A normal return sets
/// the next state itself; the guard acts only when it is dropped while the
/// state is still BUSY or DROPPING, that is when a panic unwinds through
/// the call, so the verifier does not stay refused by every call, deinit
/// included, for ever.
#[cfg_attr(target_os = "none", allow(dead_code))]
struct BusyGuard {
    v: *mut suit_image_verifier,
    then: Unwind,
}

#[cfg(not(target_os = "none"))]
impl Drop for BusyGuard {
    fn drop(&mut self) {
        let ver = Verifier(p::place(self.v));
        let state = ver.state();
        if !matches!(state, BUSY | DROPPING) {
            return;
        }
        let panic = ErrorKind::Panic.here();
        match self.then {
            Unwind::Zero => {
                // SAFETY: the storage was checked at init; the unwinding
                // dropped the processor and its hashers, and `iv` was never
                // written.
                unsafe {
                    ptr::write_bytes(self.v.cast::<u8>(), 0, size_of::<suit_image_verifier>())
                };
            }
            // `iv` is live: drop it now.
            Unwind::DropVerifier if state == BUSY => {
                ver.set_state(ACTIVE);
                let _ = ver.fail(&panic);
            }
            // `iv` was moved out (finish), or the panic was in its drop
            // (DROPPING): never drop it again.
            Unwind::DropVerifier | Unwind::Fail => {
                let _ = ver.failed(&panic);
            }
        }
    }
}

/// Start verifying component `component`'s image: run the shared sequence
/// of the context's authenticated manifest with `platform` (its conditions
/// call the callbacks, e.g. vendor and class checks) and take the
/// image-digest and image-size it sets for that component. A vendor and a
/// class condition must have passed in the shared sequence (as the run
/// functions require before a directive), else
/// `SUIT_RESULT_IDENTITY_UNCHECKED`: the verdict gates installing an image,
/// which must not pass for another device. Every section the manifest
/// carries is checked first, as for `suit_run_update`: a command this
/// library would have to reject (a use-before or an encryption-info in
/// install, say) refuses the manifest here too.
///
/// `v_size` must be `sizeof(suit_image_verifier)`, `abi_version`
/// `SUIT_ABI_VERSION`. On failure the verifier is left uninitialised (and,
/// for every failure after the verifier storage and the context were
/// found usable, the context's last error names the cause), except that an
/// already initialised verifier stays as it was (`SUIT_RESULT_BAD_STATE`).
///
/// # Safety
/// `v` NULL or `v_size` writable, initialised bytes (a
/// `suit_image_verifier` zeroed before first use, or left by a deinit; init
/// reads its first word), not moved until deinit; `ctx` as for `suit_ctx_deinit`; `platform` as for
/// `suit_run_update`.
///
/// # Errors
/// `SUIT_RESULT_NULL_POINTER`, `SUIT_RESULT_ABI_MISMATCH`,
/// `SUIT_RESULT_INVALID_ARGUMENT` (a misaligned pointer, or `v` inside the
/// context or the envelope it holds: nothing is written),
/// `SUIT_RESULT_BAD_STATE` (verifier already initialised, context not
/// authenticated or busy), `SUIT_RESULT_COMPONENT_INDEX_OUT_OF_RANGE`,
/// `SUIT_RESULT_IDENTITY_UNCHECKED`,
/// `SUIT_RESULT_PARAMETER_UNSET` (no image-digest for the component),
/// `SUIT_RESULT_AUTH_UNSUPPORTED_DIGEST`, `SUIT_RESULT_CRYPTO_BACKEND` (a
/// C digest callback failed), and every error of
/// `suit_run_section(SUIT_SECTION_SHARED)` (the held envelope changed, the
/// checks before anything runs, `SUIT_RESULT_PENDING`, any error of the
/// shared sequence).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn suit_image_verifier_init(
    v: *mut suit_image_verifier,
    v_size: usize,
    abi_version: u32,
    ctx: *mut suit_ctx,
    platform: *const suit_platform,
    component: u32,
) -> suit_result {
    crate::boundary(|| {
        try_code!(check_storage(
            v.cast_const(),
            v_size,
            size_of::<suit_image_verifier>(),
            abi_version
        ));
        // The verifier's storage is read and written below (and zeroed on
        // failure): it may not lie in the context (checked by address before
        // anything is read) or in the envelope the context holds (below).
        if clash(v, ctx) {
            return code(&ErrorKind::InvalidArgument.here());
        }
        // SAFETY: forwarded contract.
        if try_code!(unsafe { Verifier::set_up(v) }) {
            return code(&ErrorKind::BadState.here());
        }
        // SAFETY: forwarded contract.
        let c = try_code!(unsafe { Ctx::get_idle(ctx) });
        begin(&c);
        let (env, env_len) = c.held();
        if overlap(v.addr(), size_of::<suit_image_verifier>(), env, env_len) {
            return finish_with(&c, Err(ErrorKind::InvalidArgument.here()), None);
        }
        let inner: *mut VerifierInner = p::place(v);
        // SAFETY: `v` is non-NULL, aligned and large enough (checked above,
        // compile-time assertions); the writes do not read old bytes.
        unsafe {
            ptr::write(
                addr_of_mut!((*inner).head),
                // Set up and BUSY while the shared sequence runs: a callback
                // calling any verifier function on `v` gets BAD_STATE.
                VerifierHead {
                    magic: magic_for(v),
                    state: BUSY,
                    error: SUIT_RESULT_OK,
                    iv: MaybeUninit::uninit(),
                },
            );
            ptr::write(addr_of_mut!((*inner).hash), HashSlot::new());
        }
        let _busy = BusyGuard {
            v,
            then: Unwind::Zero,
        };
        // SAFETY: the slot was just written and lives in the caller's
        // verifier storage until deinit (contract: not moved).
        let crypto = unsafe { FfiCrypto::new(c.crypto_table(), addr_of!((*inner).hash)) };
        let mut detail = None;
        let r = (|| {
            // SAFETY: forwarded contract; copied at once, no reference kept
            // while the callbacks run.
            let table = *unsafe { p::get(platform) }?;
            let index = usize::try_from(component)
                .map_err(|_| ErrorKind::ComponentIndexOutOfRange.here())?;
            let (r, d) = run_processor(&c, &crypto, table, Options::DEFAULT, |proc| {
                let _ = proc.run(Procedure::Shared)?;
                proc.image_verifier(index)
            });
            detail = d;
            r
        })();
        // SAFETY: the slot was written above.
        let failed = unsafe { &*addr_of!((*inner).hash) }.failed();
        let r = if failed {
            // A verifier made despite the failure (a failed C call inside a
            // try-each alternative the next one recovered from) is dropped
            // now, aborting its C hash, before the storage is zeroed below;
            // the context is busy meanwhile (the abort is a callback).
            let busy = c.busy();
            drop(r);
            drop(busy);
            Err(ErrorKind::CryptoBackend.here())
        } else {
            r
        };
        match r {
            Ok(iv) => {
                // SAFETY: as above; `iv` moves into the storage, its C hash
                // state stays in the slot (it holds only a pointer to it).
                unsafe {
                    let h = &mut *addr_of_mut!((*inner).head);
                    h.iv.write(iv);
                    h.state = ACTIVE;
                }
                finish_with(&c, Ok(()), None)
            }
            Err(e) => {
                // SAFETY: nothing in the storage needs dropping (the
                // processor dropped its hashers, and a verifier it returned
                // was dropped above); `v_size` bytes writable.
                unsafe { ptr::write_bytes(v.cast::<u8>(), 0, size_of::<suit_image_verifier>()) };
                finish_with(&c, Err(e), detail)
            }
        }
    })
}

/// Feed the next `len` bytes of the image (any chunk size, including 0).
/// After the first error about the image (its size, a failed digest
/// callback) every `update` and `finish` returns that error and the image
/// is rejected (`progress` is then `SUIT_RESULT_BAD_STATE`);
/// bytes beyond the manifest's image-size are such an error
/// (`SUIT_RESULT_IMAGE_SIZE_MISMATCH`). Misuse (`NULL` with `len` > 0) is
/// returned without changing the verifier's state.
///
/// # Safety
/// `v` NULL or an initialised verifier's storage; `chunk` NULL with `len` 0,
/// or `len` readable bytes.
///
/// # Errors
/// `SUIT_RESULT_NULL_POINTER`, `SUIT_RESULT_INVALID_ARGUMENT` (misaligned
/// `v`, `len` above `PTRDIFF_MAX`, or a chunk overlapping `v`'s storage;
/// the state is unchanged), `SUIT_RESULT_BAD_STATE` (not
/// initialised or finished), `SUIT_RESULT_IMAGE_SIZE_MISMATCH`,
/// `SUIT_RESULT_CRYPTO_BACKEND`, or the earlier error.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn suit_image_verifier_update(
    v: *mut suit_image_verifier,
    chunk: *const u8,
    len: usize,
) -> suit_result {
    crate::boundary(|| {
        // SAFETY: forwarded contract.
        let ver = try_code!(unsafe { Verifier::get(v) });
        match ver.head().state {
            ACTIVE => {}
            FAILED => return ver.head().error,
            _ => return code(&ErrorKind::BadState.here()),
        }
        // SAFETY: forwarded contract.
        let data = match unsafe { p::bytes(chunk, len) } {
            Ok(d) => d,
            Err(e) => return code(&e),
        };
        // The chunk is read while the hash state in `v` is written.
        if overlap(
            data.as_ptr().addr(),
            data.len(),
            v.addr(),
            size_of::<suit_image_verifier>(),
        ) {
            return code(&ErrorKind::InvalidArgument.here());
        }
        ver.set_state(BUSY);
        let _busy = BusyGuard {
            v,
            then: Unwind::DropVerifier,
        };
        // SAFETY: it was ACTIVE, so `iv` is initialised; only this field is
        // borrowed while the C digest callbacks run (the state is BUSY, so a
        // call from inside them is refused before it makes a reference).
        let iv = unsafe { (*addr_of_mut!((*ver.0).head.iv)).assume_init_mut() };
        let r = iv.update(data);
        ver.set_state(ACTIVE);
        match ver.crypto_checked(r) {
            Ok(()) => SUIT_RESULT_OK,
            Err(e) => ver.fail(&e),
        }
    })
}

/// Finish: compare the size and (in constant time) the digest. `*verdict`
/// is set to `SUIT_VERDICT_DENY` first of all and to `SUIT_VERDICT_ALLOW`
/// only when the image matches. Call `suit_image_verifier_deinit` after.
///
/// # Safety
/// `v` as for `suit_image_verifier_update`; `verdict` NULL or writable.
///
/// # Errors
/// `SUIT_RESULT_IMAGE_DIGEST_MISMATCH`, `SUIT_RESULT_IMAGE_SIZE_MISMATCH`
/// (short image), `SUIT_RESULT_CRYPTO_BACKEND`, `SUIT_RESULT_NULL_POINTER`,
/// `SUIT_RESULT_INVALID_ARGUMENT` (`verdict` misaligned or inside `v`'s
/// storage: not written, the verifier unchanged),
/// `SUIT_RESULT_BAD_STATE` (not initialised or already finished), or the
/// error of an earlier update.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn suit_image_verifier_finish(
    v: *mut suit_image_verifier,
    verdict: *mut suit_verdict,
) -> suit_result {
    // A verdict inside the verifier is refused and not written.
    let verdict_ok = if clash(verdict, v) {
        Err(ErrorKind::InvalidArgument.here())
    } else {
        // SAFETY: forwarded contract (NULL is refused, not written).
        unsafe { p::write(verdict, SUIT_VERDICT_DENY) }
    };
    crate::boundary(|| {
        // SAFETY: forwarded contract.
        let ver = try_code!(unsafe { Verifier::get(v) });
        if let Err(e) = verdict_ok {
            return code(&e);
        }
        match ver.head().state {
            ACTIVE => {}
            FAILED => return ver.head().error,
            _ => return code(&ErrorKind::BadState.here()),
        }
        ver.set_state(BUSY);
        let _busy = BusyGuard {
            v,
            then: Unwind::Fail,
        };
        // SAFETY: it was ACTIVE, so `iv` is initialised; the state is no
        // longer ACTIVE, so it is not read or dropped again.
        let iv = unsafe { ver.head().iv.assume_init_read() };
        // The C digest callbacks run here; the state is BUSY meanwhile, so a
        // deinit from inside them cannot zero the hash state in use.
        let r = iv.finish().map(|_| ());
        ver.set_state(FINISHED);
        match ver.crypto_checked(r) {
            Ok(()) => {
                if core::hint::black_box(ver.head().state) == FINISHED {
                    // SAFETY: checked writable (`verdict_ok`).
                    let _ = unsafe { p::write(verdict, SUIT_VERDICT_ALLOW) };
                }
                SUIT_RESULT_OK
            }
            Err(e) => ver.failed(&e),
        }
    })
}

/// Bytes accepted so far (`*seen`) and still expected (`*remaining`, or
/// `SUIT_NO_SIZE` when the manifest sets no image-size). Either output may
/// be NULL.
///
/// # Safety
/// `v` as for `suit_image_verifier_update`; `seen`/`remaining` NULL or
/// writable.
///
/// # Errors
/// `SUIT_RESULT_NULL_POINTER`, `SUIT_RESULT_BAD_STATE` (not active: not
/// initialised, finished, or failed), `SUIT_RESULT_INVALID_ARGUMENT` (a
/// misaligned output, one inside `v`'s storage, or both on one another;
/// neither is written then).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn suit_image_verifier_progress(
    v: *const suit_image_verifier,
    seen: *mut u64,
    remaining: *mut u64,
) -> suit_result {
    crate::guard(|| {
        // SAFETY: forwarded contract; only read here.
        let ver = unsafe { Verifier::get(v.cast_mut()) }?;
        let h = ver.head_ref();
        if h.state != ACTIVE {
            return Err(ErrorKind::BadState.here());
        }
        // SAFETY: ACTIVE means `iv` is initialised.
        let iv = unsafe { h.iv.assume_init_ref() };
        let (s, r) = (iv.seen(), iv.remaining().unwrap_or(SUIT_NO_SIZE));
        // Outputs are written only on success: both are checked first, and
        // neither may lie in the verifier or on the other.
        for out in [seen, remaining] {
            if !out.is_null() {
                p::check(out.cast_const())?;
                if clash(out, v) {
                    return Err(ErrorKind::InvalidArgument.here());
                }
            }
        }
        if !seen.is_null() && clash(seen, remaining) {
            return Err(ErrorKind::InvalidArgument.here());
        }
        if !seen.is_null() {
            // SAFETY: forwarded contract.
            unsafe { p::write(seen, s) }?;
        }
        if !remaining.is_null() {
            // SAFETY: forwarded contract.
            unsafe { p::write(remaining, r) }?;
        }
        Ok(())
    })
}

/// Release a verifier in any state (an unfinished C hash is aborted); the
/// storage is zeroed, so a second deinit returns `SUIT_RESULT_BAD_STATE`.
///
/// # Safety
/// `v` NULL or `sizeof(suit_image_verifier)` readable, writable bytes.
///
/// # Errors
/// `SUIT_RESULT_NULL_POINTER`, `SUIT_RESULT_BAD_STATE`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn suit_image_verifier_deinit(v: *mut suit_image_verifier) -> suit_result {
    crate::guard(|| {
        // SAFETY: forwarded contract.
        let ver = unsafe { Verifier::get(v) }?;
        if ver.state() == ACTIVE {
            let _busy = BusyGuard {
                v,
                then: Unwind::Zero,
            };
            ver.drop_verifier();
            ver.set_state(FINISHED);
        }
        // SAFETY: validated storage, no reference into it is live.
        unsafe { ptr::write_bytes(v.cast::<u8>(), 0, size_of::<suit_image_verifier>()) };
        Ok(())
    })
}
