//! Optional C crypto: digest and signature primitives from the firmware
//! (hardware accelerator, PSA Crypto, mbedTLS) instead of the built-in Rust
//! code.
//!
//! [`FfiCrypto`] implements [`suit_verify::Crypto`]. Each half is optional
//! and falls back to the built-in code when its callbacks are NULL: the
//! digest half needs all of `digest_init`, `digest_update` and
//! `digest_finish`; the signature half is `verify`.
//!
//! The digest state of the C side lives in a [`HashSlot`] inside the
//! caller's `suit_ctx` or `suit_image_verifier` storage, at a fixed address
//! (PSA forbids copying a hash operation), so the Rust hasher holds a pointer
//! to it and may itself be moved freely. One slot serves one hash at a time;
//! a second concurrent request is refused. A failing C primitive is recorded
//! in the slot and turned into `SUIT_RESULT_CRYPTO_BACKEND` at the end of
//! the call, whatever the core made of the (failed) digest.

use core::cell::{Cell, UnsafeCell};
use core::ffi::c_void;
use suit_verify::crypto::{DigestAlg, Hasher, Invalid, MAX_DIGEST, RustHasher, SigAlg};
use suit_verify::{Crypto, KeyType, RustCrypto};

use crate::capacity::HASH_CTX_WORDS;
use crate::{SUIT_PLATFORM_OK, SUIT_VERDICT_ALLOW, SUIT_VERDICT_DENY, ptr as p, suit_verdict};

/// A borrowed byte string (one part of a message).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct suit_bytes {
    /// First byte (never NULL when `len > 0`).
    pub ptr: *const u8,
    /// Length in bytes.
    pub len: usize,
}

/// Optional crypto primitives supplied by the firmware. Pass it to
/// `suit_ctx_set_crypto`; every NULL member falls back to the built-in Rust
/// code. The table is copied; `user` must stay valid until
/// `suit_ctx_deinit` and until every image verifier made from the context is
/// deinitialised.
///
/// Digest callbacks (all three or none): `state` points to
/// `SUIT_VERIFY_HASH_CTX_WORDS * 8` bytes, 8-byte aligned, inside the caller's
/// `suit_ctx` or `suit_image_verifier` storage; its address does not change
/// between `digest_init` and `digest_finish`/`digest_abort`, so a PSA
/// `psa_hash_operation_t` may live there. They return `SUIT_PLATFORM_OK`,
/// `SUIT_PLATFORM_UNSUPPORTED` (from `digest_init`, for an algorithm the
/// backend lacks) or `SUIT_PLATFORM_FAIL`. Before a procedure runs, the
/// library asks the backend about each image-digest algorithm the manifest
/// sets by starting a digest and releasing it at once (`digest_abort`), so
/// an algorithm the backend lacks is refused before anything is fetched or
/// written (`SUIT_RESULT_AUTH_UNSUPPORTED_DIGEST`).
///
/// Callbacks must return normally (no `longjmp`, no C++ exception) and must
/// not call any `suit_*` function on the context or image verifier whose
/// call is running them: such a call returns `SUIT_RESULT_BAD_STATE`,
/// except `suit_ctx_last_error`, which answers.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct suit_crypto {
    /// Passed back to every callback.
    pub user: *mut c_void,
    /// Start a digest with COSE algorithm `cose_alg` (-16 SHA-256, -43
    /// SHA-384, -44 SHA-512) in `state` (`state_size` bytes).
    pub digest_init: Option<
        unsafe extern "C" fn(
            user: *mut c_void,
            state: *mut c_void,
            state_size: usize,
            cose_alg: i32,
        ) -> i32,
    >,
    /// Absorb `len` bytes at `data` (`data` is never NULL when `len > 0`).
    pub digest_update: Option<
        unsafe extern "C" fn(
            user: *mut c_void,
            state: *mut c_void,
            data: *const u8,
            len: usize,
        ) -> i32,
    >,
    /// Write the digest to `out` (`out_size` bytes available, at least 64)
    /// and its length to `*out_len`. Ends the operation.
    pub digest_finish: Option<
        unsafe extern "C" fn(
            user: *mut c_void,
            state: *mut c_void,
            out: *mut u8,
            out_size: usize,
            out_len: *mut usize,
        ) -> i32,
    >,
    /// Optional: release a started operation that will not be finished.
    pub digest_abort: Option<unsafe extern "C" fn(user: *mut c_void, state: *mut c_void)>,
    /// Verify `sig` over the concatenation of the `parts` message parts with
    /// public key `key` of `key_type` (`SUIT_KEY_*`), for COSE algorithm
    /// `cose_alg` (-7 ES256, -9 ESP256: hash with SHA-256 first; -8 EdDSA,
    /// -19 Ed25519: the message itself). Return `SUIT_VERDICT_ALLOW` only
    /// for a valid signature, `SUIT_VERDICT_DENY` for an invalid one or an
    /// algorithm the backend lacks; any other value is a backend failure.
    /// To keep the built-in code for an algorithm the backend lacks, return
    /// `suit_crypto_verify_builtin` with the same arguments.
    pub verify: Option<
        unsafe extern "C" fn(
            user: *mut c_void,
            cose_alg: i32,
            key_type: u32,
            key: *const u8,
            key_len: usize,
            parts: *const suit_bytes,
            part_count: usize,
            sig: *const u8,
            sig_len: usize,
        ) -> suit_verdict,
    >,
}

impl suit_crypto {
    /// Whether the digest half is complete (`Some(true)`), absent
    /// (`Some(false)`) or partial (`None`, a caller error).
    pub(crate) fn digest_callbacks(&self) -> Option<bool> {
        match (
            self.digest_init.is_some(),
            self.digest_update.is_some(),
            self.digest_finish.is_some(),
        ) {
            (true, true, true) => Some(true),
            (false, false, false) if self.digest_abort.is_none() => Some(false),
            _ => None,
        }
    }
}

/// Per-storage state for C hashing: the C state area and two flags.
#[repr(C)]
pub(crate) struct HashSlot {
    busy: Cell<bool>,
    failed: Cell<bool>,
    area: UnsafeCell<[u64; HASH_CTX_WORDS]>,
}

impl HashSlot {
    /// A free slot (the area zeroed).
    pub(crate) const fn new() -> HashSlot {
        HashSlot {
            busy: Cell::new(false),
            failed: Cell::new(false),
            area: UnsafeCell::new([0; HASH_CTX_WORDS]),
        }
    }

    /// Whether a C primitive failed since [`HashSlot::clear_failure`].
    pub(crate) fn failed(&self) -> bool {
        self.failed.get()
    }

    /// Forget an earlier failure (at the start of each API call).
    pub(crate) fn clear_failure(&self) {
        self.failed.set(false);
    }

    pub(crate) fn fail(&self) {
        self.failed.set(true);
    }

    fn area_ptr(&self) -> *mut c_void {
        self.area.get().cast()
    }
}

/// [`suit_verify::Crypto`] over an optional C table and a [`HashSlot`].
pub(crate) struct FfiCrypto {
    table: Option<suit_crypto>,
    slot: *const HashSlot,
}

impl FfiCrypto {
    /// A backend for one call or one image verifier.
    ///
    /// # Safety
    /// `slot` must point to a live [`HashSlot`] for as long as this value and
    /// every hasher it makes are used.
    pub(crate) unsafe fn new(table: Option<suit_crypto>, slot: *const HashSlot) -> FfiCrypto {
        FfiCrypto { table, slot }
    }

    fn slot(&self) -> &HashSlot {
        // SAFETY: `new`'s contract keeps the slot alive while `self` is.
        unsafe { &*self.slot }
    }
}

/// A hash in progress: built-in, or C state in a [`HashSlot`].
pub(crate) enum FfiHasher {
    /// The built-in Rust code.
    Rust(RustHasher),
    /// The firmware's digest callbacks.
    C(CHash),
}

/// A C hash in progress.
pub(crate) struct CHash {
    table: suit_crypto,
    slot: *const HashSlot,
    /// The C operation is in progress (until finish, a failure or drop).
    open: bool,
    /// This hash holds the slot (until drop, or a failure releases it).
    holds: bool,
}

impl CHash {
    fn slot(&self) -> &HashSlot {
        // SAFETY: `FfiCrypto::new`'s contract: the slot outlives the hasher.
        unsafe { &*self.slot }
    }

    /// Stop using the slot: abort the C operation if it is still open, and
    /// release the slot once (a hash closed after a failure may be dropped
    /// after another hash took the slot: that one keeps it).
    fn close(&mut self) {
        if self.open {
            self.open = false;
            if let Some(abort) = self.table.digest_abort {
                let state = self.slot().area_ptr();
                // SAFETY: the callback contract of `suit_crypto`: `state` is
                // the slot's area, where `digest_init` started this operation.
                unsafe { abort(self.table.user, state) };
            }
        }
        if self.holds {
            self.holds = false;
            self.slot().busy.set(false);
        }
    }
}

impl Drop for CHash {
    fn drop(&mut self) {
        self.close();
    }
}

impl Hasher for FfiHasher {
    fn update(&mut self, data: &[u8]) {
        #[cfg(test)]
        crate::tests::fault::point(crate::tests::fault::Point::Update);
        match self {
            FfiHasher::Rust(h) => h.update(data),
            FfiHasher::C(c) => {
                if !c.open || data.is_empty() {
                    return;
                }
                let ok = match c.table.digest_update {
                    Some(f) => {
                        let state = c.slot().area_ptr();
                        // SAFETY: `data` is a live slice; `state` is the
                        // slot's area holding the operation `digest_init`
                        // started.
                        let rc = unsafe { f(c.table.user, state, data.as_ptr(), data.len()) };
                        rc == SUIT_PLATFORM_OK
                    }
                    None => false,
                };
                if !ok {
                    c.slot().fail();
                    c.close();
                }
            }
        }
    }

    fn finish(self, out: &mut [u8; MAX_DIGEST]) -> usize {
        #[cfg(test)]
        crate::tests::fault::point(crate::tests::fault::Point::Finish);
        match self {
            FfiHasher::Rust(h) => h.finish(out),
            FfiHasher::C(mut c) => {
                if !c.open {
                    return 0;
                }
                let mut len: usize = 0;
                let rc = match c.table.digest_finish {
                    // SAFETY: `out` is a live 64-byte buffer, `len` a live
                    // local; `state` as in `update`.
                    Some(f) => unsafe {
                        f(
                            c.table.user,
                            c.slot().area_ptr(),
                            out.as_mut_ptr(),
                            out.len(),
                            &mut len,
                        )
                    },
                    None => -1,
                };
                // The operation is over whether or not it succeeded.
                c.open = false;
                if rc != SUIT_PLATFORM_OK || len > MAX_DIGEST {
                    c.slot().fail();
                    return 0;
                }
                len
            }
        }
    }
}

impl Crypto for FfiCrypto {
    type Hasher = FfiHasher;

    fn hasher(&self, alg: DigestAlg) -> Option<FfiHasher> {
        #[cfg(test)]
        crate::tests::fault::point(crate::tests::fault::Point::Hasher);
        let Some(table) = self.table.filter(|t| t.digest_callbacks() == Some(true)) else {
            return RustCrypto.hasher(alg).map(FfiHasher::Rust);
        };
        let slot = self.slot();
        if slot.busy.get() || HASH_CTX_WORDS == 0 {
            return None;
        }
        let init = table.digest_init?;
        let cose = i32::try_from(alg.cose_id()).ok()?;
        let size = core::mem::size_of::<[u64; HASH_CTX_WORDS]>();
        // SAFETY: `state` is the slot's area of `size` bytes, 8-aligned and
        // not in use (busy is false); the table's contract covers the rest.
        let rc = unsafe { init(table.user, slot.area_ptr(), size, cose) };
        if rc != SUIT_PLATFORM_OK {
            if rc != crate::SUIT_PLATFORM_UNSUPPORTED {
                slot.fail();
            }
            return None;
        }
        slot.busy.set(true);
        Some(FfiHasher::C(CHash {
            table,
            slot: self.slot,
            open: true,
            holds: true,
        }))
    }

    fn supports_digest(&self, alg: DigestAlg) -> bool {
        if self.table.and_then(|t| t.digest_callbacks()) != Some(true) {
            return RustCrypto.supports_digest(alg);
        }
        // The C backend answers at `digest_init`: start a digest and end it
        // at once. A slot in use cannot be asked; the hash's own
        // `digest_init` answers then, when it is first used.
        if self.slot().busy.get() {
            return true;
        }
        // Dropping the hasher aborts it (or, without `digest_abort`, drops
        // it as any unfinished operation is).
        self.hasher(alg).is_some()
    }

    fn supports(&self, alg: SigAlg) -> bool {
        if self.table.is_some_and(|t| t.verify.is_some()) {
            return true;
        }
        RustCrypto.supports(alg)
    }

    fn verify(
        &self,
        alg: SigAlg,
        key: &[u8],
        message: &[&[u8]],
        signature: &[u8],
    ) -> Result<(), Invalid> {
        let Some(f) = self.table.and_then(|t| t.verify) else {
            return RustCrypto.verify(alg, key, message, signature);
        };
        let user = self.table.map_or(core::ptr::null_mut(), |t| t.user);
        let mut parts = [suit_bytes {
            ptr: core::ptr::null(),
            len: 0,
        }; MAX_PARTS];
        if message.len() > parts.len() {
            return Err(Invalid);
        }
        for (p, m) in parts.iter_mut().zip(message) {
            *p = suit_bytes {
                ptr: m.as_ptr(),
                len: m.len(),
            };
        }
        let cose = i32::try_from(alg.cose_id()).map_err(|_| Invalid)?;
        let key_type = match alg.key_type() {
            KeyType::Ed25519 => crate::SUIT_KEY_ED25519,
            KeyType::P256 => crate::SUIT_KEY_P256,
            // A key type this ABI has no number for yet: no callback can
            // verify it.
            _ => return Err(Invalid),
        };
        // SAFETY: every pointer is to a live slice or local for the call;
        // `parts` holds `message.len()` initialised entries.
        let v = unsafe {
            f(
                user,
                cose,
                key_type,
                key.as_ptr(),
                key.len(),
                parts.as_ptr(),
                message.len(),
                signature.as_ptr(),
                signature.len(),
            )
        };
        if v == SUIT_VERDICT_ALLOW {
            Ok(())
        } else {
            if v != SUIT_VERDICT_DENY {
                self.slot().fail();
            }
            Err(Invalid)
        }
    }
}

/// The most message parts a `verify` callback is given (the Sig_structure
/// has four) and [`suit_crypto_verify_builtin`] takes.
const MAX_PARTS: usize = 8;

/// The key type of a `SUIT_KEY_*` number.
pub(crate) fn key_type_of(number: u32) -> Option<KeyType> {
    match number {
        crate::SUIT_KEY_ED25519 => Some(KeyType::Ed25519),
        crate::SUIT_KEY_P256 => Some(KeyType::P256),
        _ => None,
    }
}

/// The built-in signature check, with the arguments of the `verify`
/// callback of `suit_crypto`, so that a firmware's callback can hand it
/// the algorithms its own backend lacks: P-256 in a CryptoCell or PSA, say,
/// and Ed25519 here. (A NULL `verify` sends every algorithm here; a
/// callback takes them all.) `user` is not used.
///
/// Returns `SUIT_VERDICT_ALLOW` only for a valid signature; otherwise
/// `SUIT_VERDICT_DENY`: an invalid signature or key, an algorithm this
/// build has no code for (feature `ed25519` / `p256`), a `key_type` that is
/// not the algorithm's, more than 8 `parts`, or a NULL pointer with a
/// nonzero length.
///
/// # Safety
/// `parts` must be NULL with `part_count` 0 or point to `part_count`
/// `suit_bytes`; `key`, `sig` and each part must be NULL with length 0 or
/// point to that many readable bytes; all for the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn suit_crypto_verify_builtin(
    user: *mut c_void,
    cose_alg: i32,
    key_type: u32,
    key: *const u8,
    key_len: usize,
    parts: *const suit_bytes,
    part_count: usize,
    sig: *const u8,
    sig_len: usize,
) -> suit_verdict {
    let _ = user;
    crate::boundary_or(SUIT_VERDICT_DENY, || {
        // SAFETY: forwarded contract.
        let r = unsafe {
            verify_builtin(
                cose_alg, key_type, key, key_len, parts, part_count, sig, sig_len,
            )
        };
        if r.is_ok() {
            SUIT_VERDICT_ALLOW
        } else {
            SUIT_VERDICT_DENY
        }
    })
}

/// [`suit_crypto_verify_builtin`]'s check.
///
/// # Safety
/// As for [`suit_crypto_verify_builtin`].
#[allow(clippy::too_many_arguments)]
unsafe fn verify_builtin(
    cose_alg: i32,
    key_type: u32,
    key: *const u8,
    key_len: usize,
    parts: *const suit_bytes,
    part_count: usize,
    sig: *const u8,
    sig_len: usize,
) -> Result<(), Invalid> {
    let alg = SigAlg::from_cose(i64::from(cose_alg)).ok_or(Invalid)?;
    if key_type_of(key_type) != Some(alg.key_type()) {
        return Err(Invalid);
    }
    // SAFETY: the caller's contract for each pointer and its length.
    let key = unsafe { p::bytes(key, key_len) }.map_err(|_| Invalid)?;
    // SAFETY: as above.
    let sig = unsafe { p::bytes(sig, sig_len) }.map_err(|_| Invalid)?;
    // SAFETY: as above.
    let parts = unsafe { p::array(parts, part_count) }.map_err(|_| Invalid)?;
    let mut message: [&[u8]; MAX_PARTS] = [&[]; MAX_PARTS];
    if parts.len() > message.len() {
        return Err(Invalid);
    }
    for (m, part) in message.iter_mut().zip(parts) {
        // SAFETY: as above.
        *m = unsafe { p::bytes(part.ptr, part.len) }.map_err(|_| Invalid)?;
    }
    let message = message.get(..parts.len()).ok_or(Invalid)?;
    RustCrypto.verify(alg, key, message, sig)
}
