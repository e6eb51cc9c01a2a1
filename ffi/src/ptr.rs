//! Pointer discipline: every raw pointer from C becomes a Rust value here,
//! and nowhere else.
//!
//! Rules (the header repeats them for C readers):
//!
//! - `(NULL, 0)` is an empty buffer; `(NULL, n > 0)` is
//!   `SUIT_RESULT_NULL_POINTER` (`slice::from_raw_parts(NULL, 0)` would be
//!   undefined behaviour, so an empty slice is made without the pointer);
//! - a length above `isize::MAX` is `SUIT_RESULT_INVALID_ARGUMENT`;
//! - a required pointer (object, output) that is NULL is
//!   `SUIT_RESULT_NULL_POINTER`; one that is not aligned for its type is
//!   `SUIT_RESULT_INVALID_ARGUMENT`;
//! - outputs are written with `ptr::write`, never through a reference, so
//!   they may point at uninitialised memory.

use core::ptr;
use suit_verify::{Error, ErrorKind};

/// A readable buffer from C.
///
/// # Safety
/// Unless `p` is NULL or `len` is 0, `p` must point to `len` readable bytes
/// that nothing writes to during `'a`.
pub(crate) unsafe fn bytes<'a>(p: *const u8, len: usize) -> Result<&'a [u8], Error> {
    if len == 0 {
        return Ok(&[]);
    }
    if p.is_null() {
        return Err(ErrorKind::NullPointer.here());
    }
    if isize::try_from(len).is_err() {
        return Err(ErrorKind::InvalidArgument.here());
    }
    // SAFETY: non-NULL, `len` in range for a slice; validity and the absence
    // of writers are the caller's contract.
    Ok(unsafe { core::slice::from_raw_parts(p, len) })
}

/// A writable buffer from C.
///
/// # Safety
/// Unless `p` is NULL or `len` is 0, `p` must point to `len` writable bytes
/// that nothing else accesses during `'a`.
pub(crate) unsafe fn bytes_mut<'a>(p: *mut u8, len: usize) -> Result<&'a mut [u8], Error> {
    if len == 0 {
        return Ok(&mut []);
    }
    if p.is_null() {
        return Err(ErrorKind::NullPointer.here());
    }
    if isize::try_from(len).is_err() {
        return Err(ErrorKind::InvalidArgument.here());
    }
    // SAFETY: non-NULL, `len` in range; exclusivity is the caller's contract.
    Ok(unsafe { core::slice::from_raw_parts_mut(p, len) })
}

/// A C array of `n` values of `T`, with the same NULL rules as [`bytes`].
///
/// # Safety
/// Unless `p` is NULL or `n` is 0, `p` must point to `n` initialised `T`
/// that nothing writes to during `'a`.
pub(crate) unsafe fn array<'a, T>(p: *const T, n: usize) -> Result<&'a [T], Error> {
    if n == 0 {
        return Ok(&[]);
    }
    if p.is_null() {
        return Err(ErrorKind::NullPointer.here());
    }
    if !p.is_aligned() {
        return Err(ErrorKind::InvalidArgument.here());
    }
    match n.checked_mul(core::mem::size_of::<T>()) {
        Some(total) if isize::try_from(total).is_ok() => {}
        _ => return Err(ErrorKind::InvalidArgument.here()),
    }
    // SAFETY: non-NULL, aligned, size in range; the rest is the contract.
    Ok(unsafe { core::slice::from_raw_parts(p, n) })
}

/// Where the state `T` lives inside caller storage at `p`: `p` rounded up to
/// `T`'s alignment. C guarantees the storage (an array of `uint64_t`) only
/// 8-byte alignment; on hosts where the state needs 16 (a `u128` inside
/// SHA-512), it starts 8 bytes in, and the storage has room for that
/// (see [`fits`]). The result depends only on the address, so it is the
/// same in every call.
pub(crate) fn place<S, T>(p: *mut S) -> *mut T {
    let addr = p.addr();
    let align = core::mem::align_of::<T>();
    let pad = addr.wrapping_neg() & align.wrapping_sub(1);
    p.cast::<u8>().wrapping_add(pad).cast::<T>()
}

/// Whether state `T` fits storage `S` wherever [`place`] puts it, given
/// that the storage is at least 8-byte aligned.
#[allow(dead_code)] // used only in `const _` assertions, which Rust 1.88 (the MSRV) counts as unused
pub(crate) const fn fits<S, T>() -> bool {
    let (st, sa) = (core::mem::size_of::<S>(), core::mem::align_of::<S>());
    let (tt, ta) = (core::mem::size_of::<T>(), core::mem::align_of::<T>());
    let slack = ta.saturating_sub(sa);
    sa >= 8 && tt.saturating_add(slack) <= st
}

/// Check a required pointer: non-NULL and aligned for `T`.
pub(crate) fn check<T>(p: *const T) -> Result<(), Error> {
    if p.is_null() {
        return Err(ErrorKind::NullPointer.here());
    }
    if !p.is_aligned() {
        return Err(ErrorKind::InvalidArgument.here());
    }
    Ok(())
}

/// Write an output value.
///
/// # Safety
/// `p` must be NULL or valid for a write of `T`.
pub(crate) unsafe fn write<T>(p: *mut T, value: T) -> Result<(), Error> {
    check(p.cast_const())?;
    // SAFETY: non-NULL and aligned (checked), valid for writes (contract).
    unsafe { ptr::write(p, value) };
    Ok(())
}

/// A `#[repr(C)]` plain-data struct (a table of callbacks) by reference,
/// for a caller that copies it at once (`*get(p)?`). Not by value: a large
/// `T` inside a `Result` was staged and copied with its padding by an
/// unaligned `memcpy` on Cortex-M (the 64-byte platform table: ~430
/// instructions per run call, measured).
///
/// # Safety
/// `p` must be NULL or point to an initialised `T` that is not written
/// while the reference lives.
pub(crate) unsafe fn get<'a, T>(p: *const T) -> Result<&'a T, Error> {
    check(p)?;
    // SAFETY: non-NULL and aligned (checked), initialised and not written
    // while borrowed (contract).
    Ok(unsafe { &*p })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_rules() {
        // SAFETY: NULL with length 0 and NULL with length > 0 are both
        // handled without dereferencing.
        unsafe {
            assert_eq!(bytes(ptr::null(), 0), Ok(&[][..]));
            assert_eq!(
                bytes(ptr::null(), 1).map_err(|e| e.kind()),
                Err(ErrorKind::NullPointer)
            );
            assert!(bytes_mut(ptr::null_mut(), 0).is_ok());
            assert_eq!(
                bytes_mut(ptr::null_mut(), 3).map_err(|e| e.kind()),
                Err(ErrorKind::NullPointer)
            );
            assert_eq!(array::<u32>(ptr::null(), 0), Ok(&[][..]));
            assert_eq!(
                array::<u32>(ptr::null(), 2).map_err(|e| e.kind()),
                Err(ErrorKind::NullPointer)
            );
            assert_eq!(
                write::<u32>(ptr::null_mut(), 1).map_err(|e| e.kind()),
                Err(ErrorKind::NullPointer)
            );
            assert_eq!(
                get::<u32>(ptr::null()).copied().map_err(|e| e.kind()),
                Err(ErrorKind::NullPointer)
            );
        }
    }

    #[test]
    fn huge_lengths_and_misalignment_are_refused() {
        let b = [0u8; 4];
        let words = [0u32; 2];
        // SAFETY: the oversize length is refused before any slice is made;
        // the misaligned pointer is refused before it is read.
        unsafe {
            assert_eq!(
                bytes(b.as_ptr(), usize::MAX).map_err(|e| e.kind()),
                Err(ErrorKind::InvalidArgument)
            );
            assert_eq!(
                array::<u32>(words.as_ptr(), usize::MAX / 2).map_err(|e| e.kind()),
                Err(ErrorKind::InvalidArgument)
            );
            let odd = words.as_ptr().cast::<u8>().wrapping_add(1).cast::<u32>();
            assert_eq!(
                get::<u32>(odd).copied().map_err(|e| e.kind()),
                Err(ErrorKind::InvalidArgument)
            );
        }
    }
}
