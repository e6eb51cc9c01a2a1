//! # suit-verify-ffi: the stable C ABI of suit-verify
//!
//! The only crate of the project with `unsafe`. It builds a static library
//! (`libsuit_verify_ffi.a`) and, through a pinned cbindgen (0.29.4), the
//! committed header `include/suit_verify.h`. Every doc comment on an
//! exported item is written for C readers because it lands in that header.
//!
//! ## Design
//!
//! ```text
//!  C caller storage                        this crate                   core
//!  ───────────────                         ──────────                   ────
//!  suit_ctx {u64 opaque[N]}  ── magic ──►  CtxInner { head, hash slot }
//!  copy buffer (copy mode)   ◄─ copy ───   suit_authenticate ─────────► authenticate
//!                                            keeps a Receipt (digest,     → Authenticated
//!                                            signers, sequence number)     .receipt()
//!  every later call:  bytes ──────────►    reauthenticate(bytes, receipt) ─► Authenticated
//!                                            (hash + constant-time compare,
//!                                             no signature) then the query,
//!  suit_platform {callbacks} ─────────►    CPlatform: Platform ──────► Processor::run
//!  suit_crypto {callbacks}   ─────────►    FfiCrypto: Crypto (optional, else RustCrypto)
//!  suit_image_verifier {u64 opaque[M]} ►   ImageVerifier<FfiHasher> in caller storage
//! ```
//!
//! - **No heap, no globals.** A context lives in a caller-provided
//!   `suit_ctx` (an array of `u64`, size `SUIT_CTX_WORDS` stated by the
//!   header); compile-time assertions check the Rust state fits it on every
//!   target. `suit_ctx_init` takes the caller's `sizeof(suit_ctx)` and
//!   `SUIT_ABI_VERSION` and refuses a mismatch, so a firmware compiled
//!   against a header of other capacities cannot be written past.
//! - **Magic word.** The first word is `MAGIC ^ address`: use before init
//!   (of storage zeroed before first use, as the header asks), after deinit
//!   (the storage is zeroed) or of a copied handle returns
//!   `SUIT_RESULT_BAD_STATE` rather than undefined behaviour.
//! - **Manifest constancy (RFC 9124 REQ.SEC.MFST.CONST).** The core's
//!   `Authenticated<'a>` borrows the envelope and cannot be stored in C
//!   storage. The context stores instead the owned `suit_verify::auth::Receipt`
//!   of the one full authentication, and re-derives `Authenticated` per call
//!   with `suit_verify::auth::reauthenticate`, which hashes the held
//!   manifest again and compares it in constant time with the authenticated
//!   digest before decoding anything (cheap next to a signature). In the
//!   default copy mode the held bytes are the context's own copy in a
//!   buffer the caller sized; in zero-copy mode (envelopes in internal
//!   flash) they are the caller's, and a change is still detected at the
//!   next call.
//! - **Results** are `uint32_t` codes: 0 and the numbers of
//!   `suit_verify::ErrorKind` (see [`result`]). The final decision is a
//!   separate `suit_verdict`: `SUIT_VERDICT_ALLOW` is a 32-bit constant 16
//!   bits away from 0 and from all-ones, at least 12 from every result
//!   code, and 32 bits from `SUIT_VERDICT_DENY`; it is written last, after a second
//!   look, and every output verdict is set to DENY on entry.
//! - **Pointers**: all conversions are in `ptr.rs` (NULL with length 0 is an
//!   empty buffer, NULL with length > 0 is `SUIT_RESULT_NULL_POINTER`).
//! - **Callbacks** (`suit_platform`, `suit_crypto`) are tables of nullable
//!   function pointers plus a `user` pointer; integers, not C enums, cross
//!   the ABI (firmware may build with or without `-fshort-enums`).
//! - **Panics** never unwind into C. Bare-metal builds (`target_os =
//!   "none"`) are `#![no_std]`, use `panic = "abort"` profiles and get one
//!   `#[panic_handler]` (feature `panic-handler`) that calls the integrator
//!   hook `void suit_port_fatal(uint32_t code)` (a weak default traps).
//!   Hosted builds link std; with unwinding (the `dev` profile: the C
//!   tests, fuzzers) they catch a panic at the boundary, returning
//!   `SUIT_RESULT_PANIC` (the release profiles abort instead); the context is idle again and
//!   an image verifier is FAILED with `PANIC` (zeroed if it was in init), so
//!   deinit still works. The core denies panicking constructs, so this is a
//!   second line of defence.
//! - **Reentrancy.** A context is single-threaded. While a call runs
//!   callbacks (platform or crypto: authenticate, the queries, the runs,
//!   image-verifier init), every call on the same context except
//!   `suit_ctx_last_error` returns `SUIT_RESULT_BAD_STATE`; while an image
//!   verifier's call runs the digest callbacks, every call on that verifier
//!   does. Callbacks must return normally (no `longjmp` out of them).
//!
//! ## Capacities
//!
//! Set at build time by environment variables read in `build.rs`:
//! `SUIT_VERIFY_MAX_COMPONENTS` (default 4) and `SUIT_VERIFY_HASH_CTX_WORDS`
//! (default 32: 256 bytes of state for C digest callbacks, inside both
//! storage types). The committed header is the default one; a build with
//! other values uses a header from `ffi/gen-header.sh` run with the same
//! variables (the Zephyr module does this).
#![cfg_attr(target_os = "none", no_std)]
#![deny(unsafe_op_in_unsafe_fn)]
#![deny(clippy::undocumented_unsafe_blocks)]
#![allow(non_camel_case_types)] // C type names
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic,
        clippy::arithmetic_side_effects,
        clippy::as_conversions,
        clippy::cast_possible_truncation,
        clippy::undocumented_unsafe_blocks
    )
)]

use core::ffi::{CStr, c_char};
use suit_verify::Error;

/// Return the code of an `Err` from the enclosing `-> suit_result` closure.
macro_rules! try_code {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(e) => return $crate::code(&e),
        }
    };
}

mod capacity {
    include!(concat!(env!("OUT_DIR"), "/capacity.rs"));
}
mod crypto;
mod ctx;
mod image;
mod platform;
mod ptr;
pub mod result;

#[cfg(test)]
mod tests;

pub use crypto::{suit_bytes, suit_crypto, suit_crypto_verify_builtin};
pub use ctx::*;
pub use image::*;
pub use platform::*;
pub use result::*;

/// Major version of this library (also the crate version).
pub const SUIT_VERSION_MAJOR: u32 = 0;
/// Minor version of this library.
pub const SUIT_VERSION_MINOR: u32 = 1;
/// Patch version of this library.
pub const SUIT_VERSION_PATCH: u32 = 0;
/// The ABI revision: it changes whenever a struct layout, a function
/// signature or a meaning changes incompatibly (gen-header.sh reads it).
const ABI_REVISION: u32 = 3;
/// The ABI version: pass it to `suit_ctx_init` and
/// `suit_image_verifier_init`. Low byte: [`ABI_REVISION`]; second byte: the
/// `SUIT_VERIFY_MAX_COMPONENTS` the library was built with, so a header and a
/// library of different capacities are refused (`sizeof` covers the
/// others). The header defines it (see `ffi/cbindgen.toml`).
pub const SUIT_ABI_VERSION: u32 = ABI_REVISION | capacity::ABI_CAPACITY;
/// Most trusted keys one `suit_authenticate` call takes (the keys are
/// converted on the stack; the core itself allows 32).
pub const SUIT_MAX_KEYS: u32 = 8;

/// Words of `suit_ctx` besides the C digest state.
const CTX_BASE_WORDS: usize = 40;
/// `suit_ctx` size in 64-bit words (the header's `SUIT_CTX_WORDS`).
const SUIT_CTX_WORDS: usize = CTX_BASE_WORDS + capacity::HASH_CTX_WORDS;
/// Words of `suit_image_verifier` besides the C digest state.
const VERIFIER_BASE_WORDS: usize = 56;
/// `suit_image_verifier` size in 64-bit words.
const SUIT_IMAGE_VERIFIER_WORDS: usize = VERIFIER_BASE_WORDS + capacity::HASH_CTX_WORDS;

/// The final security decision of a run or an image check: install or
/// boot only when it equals `SUIT_VERDICT_ALLOW`; any other value (including
/// `SUIT_VERDICT_DENY`, 0 and garbage) means no. Not a result code.
pub type suit_verdict = u32;
/// Allowed: 0x5A3CC3A5. 16 bits set; Hamming distance 32 from
/// `SUIT_VERDICT_DENY`, 16 from 0 and all-ones, at least 12 from every
/// result code.
pub const SUIT_VERDICT_ALLOW: suit_verdict = 0x5A3C_C3A5_u32;
/// Denied: 0xA5C33C5A, the bitwise complement of `SUIT_VERDICT_ALLOW`.
pub const SUIT_VERDICT_DENY: suit_verdict = 0xA5C3_3C5A_u32;

/// The code of an error.
pub(crate) fn code(e: &Error) -> suit_result {
    u32::from(e.kind().code())
}

/// The panic boundary: hosted builds catch a panic and return
/// `SUIT_RESULT_PANIC`; bare-metal builds abort through the panic handler.
#[inline]
pub(crate) fn boundary(f: impl FnOnce() -> suit_result) -> suit_result {
    boundary_or(SUIT_RESULT_PANIC, f)
}

/// [`boundary`] with the value a caught panic returns.
#[inline]
pub(crate) fn boundary_or<T>(on_panic: T, f: impl FnOnce() -> T) -> T {
    #[cfg(not(target_os = "none"))]
    {
        std::panic::catch_unwind(core::panic::AssertUnwindSafe(f)).unwrap_or(on_panic)
    }
    #[cfg(target_os = "none")]
    {
        let _ = on_panic;
        f()
    }
}

/// [`boundary`] for a body that returns `Result`.
#[inline]
pub(crate) fn guard(f: impl FnOnce() -> Result<(), Error>) -> suit_result {
    boundary(|| match f() {
        Ok(()) => SUIT_RESULT_OK,
        Err(e) => code(&e),
    })
}

/// The library version as `(major << 16) | (minor << 8) | patch`.
#[unsafe(no_mangle)]
pub extern "C" fn suit_version() -> u32 {
    (SUIT_VERSION_MAJOR << 16) | (SUIT_VERSION_MINOR << 8) | SUIT_VERSION_PATCH
}

const VERSION: &CStr =
    match CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
        Ok(v) => v,
        Err(_) => c"?",
    };

/// The library version as a static NUL-terminated string, e.g. "0.1.0".
#[unsafe(no_mangle)]
pub extern "C" fn suit_version_string() -> *const c_char {
    VERSION.as_ptr()
}

/// The ABI version this library implements (`SUIT_ABI_VERSION` of its
/// header).
#[unsafe(no_mangle)]
pub extern "C" fn suit_abi_version() -> u32 {
    SUIT_ABI_VERSION
}

/// `sizeof(suit_ctx)` as this library was built (to diagnose
/// `SUIT_RESULT_ABI_MISMATCH`).
#[unsafe(no_mangle)]
pub extern "C" fn suit_ctx_size() -> usize {
    core::mem::size_of::<suit_ctx>()
}

/// `sizeof(suit_image_verifier)` as this library was built.
#[unsafe(no_mangle)]
pub extern "C" fn suit_image_verifier_size() -> usize {
    core::mem::size_of::<suit_image_verifier>()
}

/// The row of `code` in the result tables.
fn row(code: suit_result) -> Option<usize> {
    let code = u16::try_from(code).ok()?;
    result::CODES.iter().position(|c| *c == code)
}

/// The name of a result code without the `SUIT_RESULT_` prefix ("OK",
/// "AUTH_SIGNATURE_INVALID", ...): a static NUL-terminated string, never
/// NULL. Unknown codes give "UNKNOWN_CODE".
#[unsafe(no_mangle)]
pub extern "C" fn suit_result_name(code: suit_result) -> *const c_char {
    row(code)
        .and_then(|i| result::NAMES.ptr(i))
        .unwrap_or(c"UNKNOWN_CODE".as_ptr())
}

/// A one-line English description of a result code: a static
/// NUL-terminated string, never NULL. A library built without the
/// `error-messages` feature gives the name instead (see `suit_result_name`).
#[unsafe(no_mangle)]
pub extern "C" fn suit_result_message(code: suit_result) -> *const c_char {
    #[cfg(feature = "error-messages")]
    let table = &result::MESSAGES;
    #[cfg(not(feature = "error-messages"))]
    let table = &result::NAMES;
    row(code)
        .and_then(|i| table.ptr(i))
        .unwrap_or(c"unknown result code".as_ptr())
}

/// The band of a result code: 0 OK, 1 CBOR, 2 COSE/authentication,
/// 3 envelope/manifest/command structure, 4 policy (rollback, identity,
/// image mismatch), 5 a limit exceeded, 6 platform/crypto callbacks,
/// 7 API misuse; 255 for an unknown code.
#[unsafe(no_mangle)]
pub extern "C" fn suit_result_band(code: suit_result) -> u32 {
    match row(code) {
        Some(_) => code >> 8,
        None => 255,
    }
}

// ---- panics on bare metal ---------------------------------------------------

#[cfg(all(target_os = "none", feature = "panic-handler", not(test)))]
mod panic {
    unsafe extern "C" {
        /// Integrator hook, called once on an (unreachable by design) panic
        /// with `SUIT_RESULT_PANIC`, on bare-metal builds with the
        /// `panic-handler` feature. Define it to log and reset; it must not
        /// return (if it does, the library spins forever). A weak default
        /// (a trap instruction) exists for Arm Thumb and RISC-V; on other
        /// bare-metal targets the firmware must define it.
        fn suit_port_fatal(code: u32);
    }

    #[panic_handler]
    fn panic(_info: &core::panic::PanicInfo<'_>) -> ! {
        // SAFETY: a plain C function taking an integer; the weak default
        // below or the integrator's definition.
        unsafe { suit_port_fatal(crate::SUIT_RESULT_PANIC) };
        loop {
            core::hint::spin_loop();
        }
    }

    // A weak default for `suit_port_fatal`: trap (HardFault / debugger). A
    // strong definition in the firmware replaces it at link time.
    #[cfg(all(target_arch = "arm", suit_thumb))]
    core::arch::global_asm!(
        ".section .text.suit_port_fatal,\"ax\",%progbits",
        ".weak suit_port_fatal",
        ".type suit_port_fatal,%function",
        ".thumb_func",
        "suit_port_fatal:",
        "udf #0xfe",
        "b suit_port_fatal",
        ".size suit_port_fatal, . - suit_port_fatal",
    );
    #[cfg(any(target_arch = "riscv32", target_arch = "riscv64"))]
    core::arch::global_asm!(
        ".section .text.suit_port_fatal,\"ax\",@progbits",
        ".weak suit_port_fatal",
        ".type suit_port_fatal,@function",
        "suit_port_fatal:",
        "unimp",
        "j suit_port_fatal",
        ".size suit_port_fatal, . - suit_port_fatal",
    );
}
