//! The C ABI (suit-verify-ffi) called from Rust exactly as C would call it:
//! context init (copy and zero-copy mode, buffers of any size), key check,
//! authentication with real signatures, every query with output buffers of
//! any size (NULL included), every run function with a C platform whose
//! callbacks answer from the input, the streaming image verifier fed in
//! chunks, authentication and a procedure in one call
//! (`suit_authenticate_and_run`), and misuse (NULL pointers, wrong sizes,
//! use after deinit).
//! Three inputs in four also install C crypto callbacks (`suit_ctx_set_crypto`)
//! that compute real digests and signature checks unless the input makes a
//! call fail, lie about the digest or its length, or answer garbage; every
//! started digest must be finished or aborted exactly once, a digest fault
//! or a garbage verdict must fail `suit_authenticate`, and it may succeed
//! only after the backend answered `SUIT_VERDICT_ALLOW`.
//! Every call must return a documented result; `SUIT_RESULT_PANIC` (a
//! panic caught at the boundary) is a crash, and so is any memory error
//! (AddressSanitizer).
//!
//! Input: `[mode][rest]`. Even mode: `rest` drives the structured
//! generator (fuzz/src/lib.rs), so the envelope is valid and signed and the
//! run functions do real work; odd mode: `[n][n answer bytes][envelope]`.
#![no_main]
#[cfg(suit_fuzzing_bypass)]
compile_error!("build `ffi` without --cfg suit_fuzzing_bypass: it checks real signatures");

use core::ffi::c_void;
use core::ptr;

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use suit_verify_ffi::*;

struct User<'a> {
    answers: &'a [u8],
    pos: usize,
    components: u32,
}

impl User<'_> {
    fn next(&mut self) -> Option<u8> {
        let b = self.answers.get(self.pos).copied();
        self.pos += usize::from(b.is_some());
        b
    }
    fn rc(&mut self) -> i32 {
        match self.next().map(|b| b % 8) {
            None | Some(3..=7) => SUIT_PLATFORM_OK,
            Some(0) => SUIT_PLATFORM_FAIL,
            Some(1) => SUIT_PLATFORM_UNSUPPORTED,
            _ => SUIT_PLATFORM_WAIT,
        }
    }
    fn cond(&mut self) -> i32 {
        match self.next().map(|b| b % 8) {
            None | Some(4..=7) => SUIT_PLATFORM_MATCH,
            Some(0) => SUIT_PLATFORM_NO_MATCH,
            Some(1) => SUIT_PLATFORM_UNSUPPORTED,
            Some(2) => SUIT_PLATFORM_WAIT,
            // Anything else a buggy platform might return.
            _ => 0x1234,
        }
    }
}

unsafe fn user<'a>(u: *mut c_void, component: u32) -> &'a mut User<'a> {
    // SAFETY: every callback gets the `User` this target passed as `user`.
    let u = unsafe { &mut *(u as *mut User<'a>) };
    assert!(
        component < u.components,
        "component {component} of {}",
        u.components
    );
    u
}

unsafe fn bytes<'a>(p: *const u8, n: usize) -> &'a [u8] {
    if n == 0 {
        &[]
    } else {
        assert!(!p.is_null());
        // SAFETY: the library passes valid (pointer, length) pairs.
        unsafe { core::slice::from_raw_parts(p, n) }
    }
}

/// Read every byte (AddressSanitizer checks the range is valid).
fn touch(b: &[u8]) {
    std::hint::black_box(b.iter().fold(0u8, |a, x| a.wrapping_add(*x)));
}

unsafe extern "C" fn check_vendor(
    u: *mut c_void,
    c: u32,
    id: *const u8,
    n: usize,
    pen: u32,
) -> i32 {
    touch(unsafe { bytes(id, n) });
    assert!(pen <= 1);
    unsafe { user(u, c) }.cond()
}
unsafe extern "C" fn check_uuid(u: *mut c_void, c: u32, id: *const u8) -> i32 {
    touch(unsafe { bytes(id, 16) });
    unsafe { user(u, c) }.cond()
}
/// From the identifier's bytes, not the answer stream (asked for every
/// component of every run): rarely "no" or "not yet".
unsafe extern "C" fn supports_component(u: *mut c_void, c: u32, id: *const u8, n: usize) -> i32 {
    let _ = unsafe { user(u, c) };
    let id = unsafe { bytes(id, n) };
    assert!(id.first().is_some_and(|b| b >> 5 == 4), "an encoded array");
    match id.iter().fold(0u8, |a, x| a.wrapping_add(*x)) {
        0x5A => SUIT_PLATFORM_NO_MATCH,
        0xA5 => SUIT_PLATFORM_WAIT,
        0x3C => SUIT_PLATFORM_FAIL,
        0xC3 => SUIT_PLATFORM_UNSUPPORTED,
        _ => SUIT_PLATFORM_MATCH,
    }
}
unsafe extern "C" fn slot(u: *mut c_void, c: u32, out: *mut u64) -> i32 {
    let u = unsafe { user(u, c) };
    unsafe { *out = u64::from(u.next().unwrap_or(0) % 3) };
    u.rc()
}
unsafe extern "C" fn intrinsic_size(u: *mut c_void, c: u32, out: *mut u64) -> i32 {
    let u = unsafe { user(u, c) };
    unsafe { *out = u64::from(u.next().unwrap_or(0)) };
    u.rc()
}
unsafe extern "C" fn read(
    u: *mut c_void,
    c: u32,
    _off: u64,
    buf: *mut u8,
    len: usize,
    got: *mut usize,
) -> i32 {
    let u = unsafe { user(u, c) };
    let Some(b) = u.next() else {
        unsafe { *got = 0 };
        return SUIT_PLATFORM_OK;
    };
    // Possibly more than asked for: the library must not trust it.
    let n = if b % 7 == 0 {
        len + usize::from(b)
    } else {
        usize::from(b / 2).min(len)
    };
    for i in 0..n.min(len) {
        unsafe { *buf.add(i) = u.next().unwrap_or(0) };
    }
    unsafe { *got = n };
    u.rc()
}
/// From the answer stream: often "not known" (the library reads), else a
/// digest of answer bytes (rarely the manifest's) and an answer.
unsafe extern "C" fn component_digest(
    u: *mut c_void,
    c: u32,
    alg: i32,
    size: *const u64,
    out: *mut u8,
    n: usize,
) -> i32 {
    let u = unsafe { user(u, c) };
    assert!(matches!((alg, n), (-16, 32) | (-43, 48) | (-44, 64)), "{alg} {n}");
    if !size.is_null() {
        std::hint::black_box(unsafe { *size });
    }
    if u.next().unwrap_or(0) % 2 == 0 {
        return SUIT_PLATFORM_UNSUPPORTED;
    }
    for i in 0..n {
        unsafe { *out.add(i) = u.next().unwrap_or(0) };
    }
    u.rc()
}
unsafe extern "C" fn fetch(
    u: *mut c_void,
    c: u32,
    uri: *const u8,
    n: usize,
    args: *const u8,
    an: usize,
) -> i32 {
    touch(unsafe { bytes(uri, n) });
    touch(unsafe { bytes(args, an) });
    unsafe { user(u, c) }.rc()
}
unsafe extern "C" fn write(u: *mut c_void, c: u32, d: *const u8, n: usize) -> i32 {
    touch(unsafe { bytes(d, n) });
    unsafe { user(u, c) }.rc()
}
unsafe extern "C" fn copy(u: *mut c_void, c: u32, s: u32) -> i32 {
    let u = unsafe { user(u, c) };
    assert!(s < u.components);
    u.rc()
}
unsafe extern "C" fn invoke(u: *mut c_void, c: u32, a: *const u8, n: usize) -> i32 {
    touch(unsafe { bytes(a, n) });
    unsafe { user(u, c) }.rc()
}
unsafe extern "C" fn custom(u: *mut c_void, c: u32, cmd: i64, a: *const u8, n: usize) -> i32 {
    assert!(cmd < -256);
    touch(unsafe { bytes(a, n) });
    unsafe { user(u, c) }.cond()
}
unsafe extern "C" fn supports(u: *mut c_void, _d: u32, c: u32) -> i32 {
    unsafe { user(u, c) }.rc()
}
unsafe extern "C" fn report(u: *mut c_void, r: *const suit_report_record) {
    let r = unsafe { &*r };
    let u = unsafe { &mut *(u as *mut User<'_>) };
    assert!(r.component < u.components || r.component == SUIT_NO_COMPONENT);
}

/// The firmware's crypto backend, driven by the input read from its end
/// (past the end: behave). Digests are real SHA-256 kept in the library's
/// state area; signature checks are the built-in ones unless the input says
/// otherwise.
struct FuzzCrypto<'a> {
    answers: &'a [u8],
    pos: usize,
    /// State areas of the digests started and not yet finished or aborted.
    open: Vec<usize>,
    /// A callback failed (a digest call's error, a digest length over 64, a
    /// garbage verdict) since the reset: the library must fail the call.
    backend_failed: bool,
    /// A digest callback misbehaved in any way (failed, refused, gave a wrong
    /// digest or length) since the reset.
    digest_fault: bool,
    /// `verify` answered ALLOW since the reset.
    allowed: bool,
    /// `digest_abort` is installed: every started digest must end.
    aborts: bool,
}

impl FuzzCrypto<'_> {
    fn next(&mut self) -> u8 {
        let n = self.answers.len();
        let b = if self.pos < n {
            self.answers[n - 1 - self.pos]
        } else {
            0
        };
        self.pos = self.pos.saturating_add(1);
        b % 16
    }
    fn fail(&mut self) {
        self.backend_failed = true;
        self.digest_fault = true;
    }
    fn reset(&mut self) {
        self.backend_failed = false;
        self.digest_fault = false;
        self.allowed = false;
    }
    /// A call that returned `rc` after the callbacks since the reset; then reset.
    /// `digest_decides`: a wrong digest must fail the call too (authentication,
    /// queries, the image verifier), not only a failing backend (runs, where
    /// a failed image-match may be a try-each alternative).
    fn judge(&mut self, rc: suit_result, digest_decides: bool, what: &str) {
        if rc == SUIT_RESULT_OK {
            assert!(
                !self.backend_failed,
                "{what} succeeded despite a failing crypto backend"
            );
            assert!(
                !(digest_decides && self.digest_fault),
                "{what} succeeded despite a failed or wrong digest"
            );
        }
        self.reset();
    }
}

unsafe fn fuzz_crypto<'a>(u: *mut c_void) -> &'a mut FuzzCrypto<'a> {
    // SAFETY: every crypto callback gets the `FuzzCrypto` this target
    // passed as `user`.
    unsafe { &mut *(u as *mut FuzzCrypto<'a>) }
}

type Sha = sha2::Sha256;

unsafe extern "C" fn c_digest_init(
    u: *mut c_void,
    state: *mut c_void,
    size: usize,
    alg: i32,
) -> i32 {
    let c = unsafe { fuzz_crypto(u) };
    assert!(
        !state.is_null() && state as usize % 8 == 0,
        "state area not 8-aligned"
    );
    if let Some(at) = c.open.iter().position(|&p| p == state as usize) {
        // Without digest_abort a failed operation is simply dropped.
        assert!(
            !c.aborts,
            "digest_init on a started operation (never finished or aborted)"
        );
        c.open.swap_remove(at);
    }
    let answer = c.next();
    if alg != -16 || size < core::mem::size_of::<Sha>() || answer == 13 {
        c.digest_fault = true;
        return SUIT_PLATFORM_UNSUPPORTED;
    }
    match answer {
        12 => {
            c.fail();
            SUIT_PLATFORM_FAIL
        }
        14 => {
            c.fail();
            0x77
        }
        _ => {
            // SAFETY: `state` is `size` >= size_of::<Sha>() bytes, 8-aligned
            // (Sha's alignment is at most 8), owned by this operation.
            unsafe { (state as *mut Sha).write(<Sha as sha2::Digest>::new()) };
            c.open.push(state as usize);
            SUIT_PLATFORM_OK
        }
    }
}

unsafe extern "C" fn c_digest_update(
    u: *mut c_void,
    state: *mut c_void,
    d: *const u8,
    n: usize,
) -> i32 {
    let c = unsafe { fuzz_crypto(u) };
    assert!(
        c.open.contains(&(state as usize)),
        "digest_update without digest_init"
    );
    if c.next() == 12 {
        c.fail();
        return SUIT_PLATFORM_FAIL;
    }
    // SAFETY: started by c_digest_init (checked above); `d` has `n` bytes.
    unsafe { sha2::Digest::update(&mut *(state as *mut Sha), bytes(d, n)) };
    SUIT_PLATFORM_OK
}

unsafe extern "C" fn c_digest_finish(
    u: *mut c_void,
    state: *mut c_void,
    out: *mut u8,
    size: usize,
    len: *mut usize,
) -> i32 {
    let c = unsafe { fuzz_crypto(u) };
    let at = c.open.iter().position(|&p| p == state as usize);
    let at = at.expect("digest_finish without digest_init");
    c.open.swap_remove(at);
    assert!(size >= 64 && !out.is_null() && !len.is_null());
    // SAFETY: started by c_digest_init; the operation ends here.
    let h = unsafe { (state as *mut Sha).read() };
    let digest = sha2::Digest::finalize(h);
    // SAFETY: `out` has `size` >= 64 writable bytes, `len` is writable.
    let (out, len) = unsafe { (core::slice::from_raw_parts_mut(out, size), &mut *len) };
    out[..32].copy_from_slice(&digest);
    *len = 32;
    match c.next() {
        12 => {
            c.fail();
            return SUIT_PLATFORM_FAIL;
        }
        13 => *len = 0,
        14 => {
            *len = size + 1;
            c.fail();
        }
        15 => out[usize::from(c.next())] ^= 1,
        _ => return SUIT_PLATFORM_OK,
    }
    c.digest_fault = true;
    SUIT_PLATFORM_OK
}

unsafe extern "C" fn c_digest_abort(u: *mut c_void, state: *mut c_void) {
    let c = unsafe { fuzz_crypto(u) };
    let at = c.open.iter().position(|&p| p == state as usize);
    let at = at.expect("digest_abort on an operation not started, finished or already aborted");
    c.open.swap_remove(at);
    // SAFETY: started by c_digest_init; dropped once, here.
    unsafe { core::ptr::drop_in_place(state as *mut Sha) };
}

unsafe extern "C" fn c_verify(
    u: *mut c_void,
    alg: i32,
    key_type: u32,
    key: *const u8,
    key_len: usize,
    parts: *const suit_bytes,
    part_count: usize,
    sig: *const u8,
    sig_len: usize,
) -> suit_verdict {
    let c = unsafe { fuzz_crypto(u) };
    let cose = alg;
    let alg =
        suit_verify::crypto::SigAlg::from_cose(i64::from(alg)).expect("verify: unknown algorithm");
    let want_type = match alg.key_type() {
        suit_verify::KeyType::Ed25519 => SUIT_KEY_ED25519,
        _ => SUIT_KEY_P256,
    };
    assert_eq!(
        key_type, want_type,
        "verify: key type does not match the algorithm"
    );
    let parts = unsafe { core::slice::from_raw_parts(parts, part_count) };
    let message: Vec<&[u8]> = parts
        .iter()
        .map(|p| unsafe { bytes(p.ptr, p.len) })
        .collect();
    let v = match c.next() {
        12 => SUIT_VERDICT_ALLOW, // a backend that accepts anything
        13 => SUIT_VERDICT_DENY,
        14 => 0,
        15 => 0x1234,
        // The built-in check through the C ABI, as a callback hands it an
        // algorithm its backend lacks; it must agree with the Rust API.
        _ => {
            let real = suit_verify::Crypto::verify(
                &suit_verify::RustCrypto,
                alg,
                unsafe { bytes(key, key_len) },
                &message,
                unsafe { bytes(sig, sig_len) },
            );
            let builtin = unsafe {
                suit_crypto_verify_builtin(
                    u, cose, key_type, key, key_len, parts.as_ptr(), part_count, sig, sig_len,
                )
            };
            let want = if real.is_ok() {
                SUIT_VERDICT_ALLOW
            } else {
                SUIT_VERDICT_DENY
            };
            assert_eq!(builtin, want, "suit_crypto_verify_builtin disagrees with RustCrypto");
            builtin
        }
    };
    c.allowed |= v == SUIT_VERDICT_ALLOW;
    c.backend_failed |= v != SUIT_VERDICT_ALLOW && v != SUIT_VERDICT_DENY;
    v
}

fn ok_or(rc: suit_result, allowed: &[suit_result]) {
    assert_ne!(rc, SUIT_RESULT_PANIC, "panic caught at the C boundary");
    // Every result is a named code (band 255: unknown).
    assert_ne!(suit_result_band(rc), 255, "unnamed result {rc:#x}");
    if rc != SUIT_RESULT_OK && !allowed.is_empty() {
        assert!(
            allowed.contains(&rc),
            "unexpected result {rc:#x} (allowed {allowed:x?})"
        );
    }
}

fn run(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let generated;
    let (answers, envelope): (&[u8], &[u8]) = if mode % 2 == 0 {
        let mut u = Unstructured::new(rest);
        let Ok(g) = suit_verify_fuzz::generate(&mut u) else {
            return;
        };
        let Some(e) = suit_verify_fuzz::encode(&g) else {
            return;
        };
        generated = e;
        (u.take_rest(), &generated)
    } else {
        let Some((&n, rest)) = rest.split_first() else {
            return;
        };
        let n = usize::from(n).min(rest.len());
        rest.split_at(n)
    };

    // ---- context -------------------------------------------------------------
    let mut ctx: Box<suit_ctx> = Box::new(unsafe { core::mem::zeroed() });
    let size = core::mem::size_of::<suit_ctx>();
    let zero_copy = mode & 2 != 0;
    let mut buf = vec![0u8; envelope.len() + usize::from(mode >> 4)];
    // The library keeps this pointer; the harness writes through it too
    // (never through a new borrow of `buf`) while the context lives.
    let buf_ptr = buf.as_mut_ptr();
    let rc = unsafe {
        if zero_copy {
            suit_ctx_init_zero_copy(&mut *ctx, size, SUIT_ABI_VERSION)
        } else {
            let len = if mode & 4 != 0 {
                envelope.len() / 2
            } else {
                buf.len()
            };
            suit_ctx_init(&mut *ctx, size, SUIT_ABI_VERSION, buf_ptr, len)
        }
    };
    ok_or(rc, &[]);
    assert_eq!(rc, SUIT_RESULT_OK);
    // Initialising twice, or with the wrong size or version, is refused.
    ok_or(
        unsafe { suit_ctx_init_zero_copy(&mut *ctx, size, SUIT_ABI_VERSION) },
        &[SUIT_RESULT_BAD_STATE],
    );
    let mut other: Box<suit_ctx> = Box::new(unsafe { core::mem::zeroed() });
    ok_or(
        unsafe { suit_ctx_init_zero_copy(&mut *other, size - 8, SUIT_ABI_VERSION) },
        &[SUIT_RESULT_ABI_MISMATCH],
    );
    ok_or(
        unsafe { suit_ctx_init_zero_copy(&mut *other, size, SUIT_ABI_VERSION + 1) },
        &[SUIT_RESULT_ABI_MISMATCH],
    );
    ok_or(
        unsafe { suit_ctx_init_zero_copy(ptr::null_mut(), size, SUIT_ABI_VERSION) },
        &[SUIT_RESULT_NULL_POINTER],
    );

    // ---- C crypto callbacks ---------------------------------------------------------
    // Mode bit 0 chose the envelope; the crypto choice comes from the last
    // answer byte: bit 0 digest callbacks, bit 1 verify, bit 2 no abort.
    let choice = answers.last().copied().unwrap_or(0);
    let digests = choice & 1 != 0;
    let verifies = choice & 2 != 0;
    let aborts = digests && choice & 4 == 0;
    let mut fuzz_c = FuzzCrypto {
        answers,
        pos: 1,
        open: Vec::new(),
        backend_failed: false,
        digest_fault: false,
        allowed: false,
        aborts,
    };
    let fc: *mut FuzzCrypto<'_> = &mut fuzz_c;
    if digests || verifies {
        let table = suit_crypto {
            user: fc as *mut c_void,
            digest_init: if digests { Some(c_digest_init) } else { None },
            digest_update: if digests { Some(c_digest_update) } else { None },
            digest_finish: if digests { Some(c_digest_finish) } else { None },
            digest_abort: if aborts { Some(c_digest_abort) } else { None },
            verify: if verifies { Some(c_verify) } else { None },
        };
        // Only some of the digest callbacks is refused and changes nothing.
        if digests {
            let half = suit_crypto {
                digest_finish: None,
                ..table
            };
            assert_eq!(
                unsafe { suit_ctx_set_crypto(&mut *ctx, &half) },
                SUIT_RESULT_INVALID_ARGUMENT
            );
        }
        assert_eq!(
            unsafe { suit_ctx_set_crypto(&mut *ctx, &table) },
            SUIT_RESULT_OK
        );
    }

    // ---- keys and authentication -------------------------------------------------
    let kb = suit_verify_fuzz::key_bytes();
    let key = |t: u32, k: &[u8], kid: &[u8]| suit_key {
        key_type: t,
        key: k.as_ptr(),
        key_len: k.len(),
        kid: if kid.is_empty() {
            ptr::null()
        } else {
            kid.as_ptr()
        },
        kid_len: kid.len(),
    };
    let keys = [
        key(SUIT_KEY_P256, &suit_verify_fuzz::IETF_P256_PUBLIC, b""),
        key(SUIT_KEY_ED25519, &kb.ed_a, b""),
        key(SUIT_KEY_P256, &kb.p256_a, suit_verify_fuzz::P256_A_KID),
    ];
    ok_or(unsafe { suit_keys_check(keys.as_ptr(), keys.len()) }, &[]);
    let bad = [key(SUIT_KEY_ED25519, &kb.ed_a[..31], b"")];
    ok_or(
        unsafe { suit_keys_check(bad.as_ptr(), 1) },
        &[SUIT_RESULT_INVALID_KEY],
    );
    // The caller's envelope (zero-copy mode reads it on every call); the
    // tamper checks below write it between calls.
    let mut held = envelope.to_vec();
    let held_ptr = held.as_mut_ptr();
    let required = u32::from(mode >> 5 & 1) << 1;
    let floor = u64::from(mode >> 6 & 1) * 1000;
    let rc = unsafe {
        suit_authenticate(
            &mut *ctx,
            held_ptr,
            envelope.len(),
            keys.as_ptr(),
            keys.len(),
            floor,
            required,
        )
    };
    ok_or(rc, &[]);
    {
        // SAFETY: no library call is running, so no callback holds `fc`.
        let c = unsafe { &mut *fc };
        if rc == SUIT_RESULT_OK && verifies {
            assert!(
                c.allowed,
                "authenticated without the verify callback's ALLOW"
            );
        }
        if aborts {
            assert!(
                c.open.is_empty(),
                "digest left open after suit_authenticate"
            );
        }
        c.judge(rc, true, "suit_authenticate");
    }
    let mut detail: suit_error_detail = unsafe { core::mem::zeroed() };
    ok_or(unsafe { suit_ctx_last_error(&*ctx, &mut detail) }, &[]);
    assert_eq!(detail.result, rc);

    // ---- queries -------------------------------------------------------------------
    let mut out = vec![0u8; usize::from(mode) % 48];
    let mut n = 0usize;
    let mut seq = 0u64;
    let mut count = 0u32;
    let authenticated = rc == SUIT_RESULT_OK;
    // Each query re-authenticates the held envelope (its digest, through the
    // C callbacks when installed): it fails when they do.
    let q = |r: suit_result| {
        assert_ne!(r, SUIT_RESULT_PANIC);
        if !authenticated {
            assert_eq!(r, SUIT_RESULT_BAD_STATE, "query before authentication");
        }
        // SAFETY: the query has returned; no callback holds `fc`.
        unsafe { (*fc).judge(r, true, "a manifest query") };
        r
    };
    if q(unsafe { suit_manifest_sequence_number(&mut *ctx, &mut seq) }) == SUIT_RESULT_OK {
        assert!(seq >= floor);
    }
    let count_known =
        q(unsafe { suit_manifest_component_count(&mut *ctx, &mut count) }) == SUIT_RESULT_OK;
    if count_known {
        assert!((1..=16).contains(&count));
    }
    for c in 0..=count {
        q(
            unsafe {
                suit_manifest_component_id(&mut *ctx, c, out.as_mut_ptr(), out.len(), &mut n)
            },
        );
        q(unsafe { suit_manifest_component_id(&mut *ctx, c, ptr::null_mut(), 0, &mut n) });
        let mut segs = 0u32;
        q(unsafe { suit_manifest_component_segment_count(&mut *ctx, c, &mut segs) });
        for s in 0..=segs.min(9) {
            q(unsafe {
                suit_manifest_component_segment(
                    &mut *ctx,
                    c,
                    s,
                    out.as_mut_ptr(),
                    out.len(),
                    &mut n,
                )
            });
        }
    }
    q(unsafe { suit_manifest_reference_uri(&mut *ctx, out.as_mut_ptr(), out.len(), &mut n) });
    for (lang, comp, k) in [
        (ptr::null(), SUIT_NO_COMPONENT, 1i64),
        (c"en".as_ptr(), 0, 1),
        (ptr::null(), 0, 5),
    ] {
        q(unsafe {
            suit_manifest_text(
                &mut *ctx,
                lang,
                comp,
                k,
                out.as_mut_ptr(),
                out.len(),
                &mut n,
            )
        });
    }
    // NULL outputs are refused, never written (after the re-authentication,
    // which a faulty digest backend fails first).
    if authenticated {
        let rc = unsafe { suit_manifest_sequence_number(&mut *ctx, ptr::null_mut()) };
        // SAFETY: no library call is running.
        let faulted = unsafe { (*fc).digest_fault };
        ok_or(rc, &[]);
        assert!(
            rc == SUIT_RESULT_NULL_POINTER || (faulted && rc != SUIT_RESULT_OK),
            "NULL output: {rc:#x}"
        );
        // SAFETY: as above.
        unsafe { (*fc).reset() };
    }

    // ---- procedures through the C platform --------------------------------------------
    let mut user_state = User {
        answers,
        pos: 0,
        // Unknown when the count query failed (a faulty digest backend):
        // then any index passes the callbacks' range check.
        components: if count_known { count.max(1) } else { u32::MAX },
    };
    let u: *mut User<'_> = &mut user_state;
    let rewind = || unsafe { (*u).pos = 0 };
    let platform = suit_platform {
        user: u as *mut c_void,
        check_vendor: Some(check_vendor),
        check_class: Some(check_uuid),
        check_device: Some(check_uuid),
        component_slot: Some(slot),
        component_size: if mode & 8 != 0 {
            Some(intrinsic_size)
        } else {
            None
        },
        read: Some(read),
        fetch: Some(fetch),
        write: Some(write),
        copy: Some(copy),
        swap: Some(copy),
        invoke: Some(invoke),
        custom: Some(custom),
        supports: Some(supports),
        report: Some(report),
        supports_component: Some(supports_component),
        component_digest: Some(component_digest),
    };
    // Any combination of the four SUIT_RUN_* bits.
    let flags = u32::from(answers.first().copied().unwrap_or(0) & 0x0f);
    let check_verdict = |rc: suit_result, v: suit_verdict| {
        assert_ne!(rc, SUIT_RESULT_PANIC);
        assert_ne!(suit_result_band(rc), 255, "unnamed result {rc:#x}");
        if rc == SUIT_RESULT_OK {
            assert_eq!(v, SUIT_VERDICT_ALLOW);
        } else {
            assert_eq!(v, SUIT_VERDICT_DENY);
        }
        if !authenticated {
            assert_ne!(rc, SUIT_RESULT_OK);
        }
    };
    // A run's result is also the context's last error (OK clears it).
    let check_run = |ctx: &suit_ctx, rc: suit_result, v: suit_verdict| {
        check_verdict(rc, v);
        let mut d = core::mem::MaybeUninit::<suit_error_detail>::uninit();
        ok_or(unsafe { suit_ctx_last_error(ctx, d.as_mut_ptr()) }, &[]);
        let d = unsafe { d.assume_init() };
        assert_eq!(d.result, rc, "last error");
        // SAFETY: the run has returned; no callback holds `fc`.
        unsafe { (*fc).judge(rc, false, "a run") };
    };
    let mut v: suit_verdict = 0;
    let rc = unsafe { suit_run_update(&mut *ctx, &platform, flags, &mut v) };
    check_run(&ctx, rc, v);
    let rc_update = rc;
    let mut boot = 0u32;
    rewind();
    let rc = unsafe { suit_run_invoke(&mut *ctx, &platform, flags, &mut v, &mut boot) };
    check_run(&ctx, rc, v);
    if rc == SUIT_RESULT_OK && count_known {
        assert!(boot < count || boot == SUIT_NO_COMPONENT);
    }
    for k in [7i64, 8, 9, 16, 20, 0, 3] {
        rewind();
        let rc = unsafe { suit_run_section(&mut *ctx, k, &platform, flags, &mut v) };
        check_run(&ctx, rc, v);
    }
    ok_or(
        unsafe { suit_run_update(&mut *ctx, &platform, 0x8000_0000, &mut v) },
        &[SUIT_RESULT_INVALID_ARGUMENT, SUIT_RESULT_BAD_STATE],
    );

    // ---- the image verifier ------------------------------------------------------------
    for c in 0..count.min(2) {
        let mut iv: Box<suit_image_verifier> = Box::new(unsafe { core::mem::zeroed() });
        let ivs = core::mem::size_of::<suit_image_verifier>();
        rewind();
        // SAFETY: no library call is running.
        unsafe { (*fc).reset() };
        let rc = unsafe {
            suit_image_verifier_init(&mut *iv, ivs, SUIT_ABI_VERSION, &mut *ctx, &platform, c)
        };
        ok_or(rc, &[]);
        if rc == SUIT_RESULT_OK {
            let mut pos = 0;
            let image = answers;
            let mut step = 1 + usize::from(mode % 13);
            while pos < image.len() {
                let end = (pos + step).min(image.len());
                let r = unsafe {
                    suit_image_verifier_update(&mut *iv, image[pos..].as_ptr(), end - pos)
                };
                ok_or(r, &[]);
                if r != SUIT_RESULT_OK {
                    break;
                }
                pos = end;
                step = step * 3 % 17 + 1;
            }
            let (mut seen, mut left) = (0u64, 0u64);
            ok_or(
                unsafe { suit_image_verifier_progress(&*iv, &mut seen, &mut left) },
                &[],
            );
            let rc = unsafe { suit_image_verifier_finish(&mut *iv, &mut v) };
            check_verdict(rc, v);
            // SAFETY: no library call is running.
            unsafe { (*fc).judge(rc, true, "the image verifier") };
            // Finished: further updates are refused, or (after a failure)
            // keep returning that failure.
            let again = unsafe { suit_image_verifier_update(&mut *iv, b"x".as_ptr(), 1) };
            let want = if rc == SUIT_RESULT_OK {
                SUIT_RESULT_BAD_STATE
            } else {
                rc
            };
            assert_eq!(again, want);
        }
        ok_or(
            unsafe { suit_image_verifier_deinit(&mut *iv) },
            &[SUIT_RESULT_BAD_STATE],
        );
        ok_or(
            unsafe { suit_image_verifier_deinit(&mut *iv) },
            &[SUIT_RESULT_BAD_STATE],
        );
    }

    // ---- the held envelope changed between calls -----------------------------------------
    // Copy mode: the copy at the start of the caller's buffer may be written
    // between calls (documented) and the held manifest is then refused.
    // Zero-copy mode forbids the write, but the per-call re-authentication
    // must refuse it all the same. Any byte of the manifest bstr, chosen by
    // the input: the next query fails; restored: it answers as before.
    if authenticated {
        if let Ok(e) = suit_verify::Envelope::parse(envelope) {
            let span = e.manifest_span();
            let pick = usize::from(answers.get(1).copied().unwrap_or(0));
            let at = span.offset as usize + pick * 7 % (span.len as usize).max(1);
            let target = if zero_copy { held_ptr } else { buf_ptr };
            let before = unsafe { suit_manifest_sequence_number(&mut *ctx, &mut seq) };
            // SAFETY: `at` is inside the envelope, which both buffers hold
            // whole; no library call is running.
            unsafe { *target.add(at) ^= 0x01 << (pick % 8) };
            let rc = unsafe { suit_manifest_sequence_number(&mut *ctx, &mut seq) };
            ok_or(rc, &[]);
            assert_ne!(
                rc, SUIT_RESULT_OK,
                "a changed manifest byte ({at}) was not noticed"
            );
            // SAFETY: as above.
            unsafe { *target.add(at) ^= 0x01 << (pick % 8) };
            let after = unsafe { suit_manifest_sequence_number(&mut *ctx, &mut seq) };
            if !digests {
                assert_eq!(after, before, "the restored envelope answers differently");
            }
            // SAFETY: no library call is running.
            unsafe { (*fc).reset() };
        }
    }

    // ---- authentication and a procedure in one call ------------------------------------
    // The same envelope, keys and policy again, with a procedure the input
    // picks (an unknown negative one included). The verdict follows the
    // result; a success leaves the manifest authenticated; without C crypto
    // callbacks (whose faults the input places per call) the update
    // procedure ends as the two calls above ended.
    {
        let pick = answers.get(2).copied().unwrap_or(0);
        let procedures = [SUIT_PROCEDURE_UPDATE, SUIT_PROCEDURE_INVOKE, 7, 0, 9, -3];
        let procedure = procedures[usize::from(pick) % procedures.len()];
        rewind();
        // SAFETY: no library call is running.
        unsafe { (*fc).reset() };
        let (mut v1, mut b1) = (0u32, 0u32);
        let rc = unsafe {
            suit_authenticate_and_run(
                &mut *ctx,
                held_ptr,
                envelope.len(),
                keys.as_ptr(),
                keys.len(),
                floor,
                required,
                procedure,
                &platform,
                flags,
                &mut v1,
                &mut b1,
            )
        };
        assert_ne!(rc, SUIT_RESULT_PANIC);
        assert_ne!(suit_result_band(rc), 255, "unnamed result {rc:#x}");
        if rc == SUIT_RESULT_OK {
            assert_eq!(v1, SUIT_VERDICT_ALLOW);
        } else {
            assert_eq!(v1, SUIT_VERDICT_DENY);
        }
        if procedure == -3 {
            assert_eq!(rc, SUIT_RESULT_INVALID_ARGUMENT);
        }
        let plain = !digests && !verifies;
        if plain && authenticated && procedure == SUIT_PROCEDURE_UPDATE {
            assert_eq!(rc, rc_update, "one call and two calls disagree");
        }
        if plain && !authenticated {
            assert_ne!(rc, SUIT_RESULT_OK, "one call authenticated what one call refused");
        }
        // SAFETY: the call has returned; no callback holds `fc`.
        unsafe { (*fc).judge(rc, true, "suit_authenticate_and_run") };
        if rc == SUIT_RESULT_OK && !digests {
            assert_eq!(
                unsafe { suit_manifest_sequence_number(&mut *ctx, &mut seq) },
                SUIT_RESULT_OK
            );
        }
    }

    // ---- release -------------------------------------------------------------------------
    ok_or(unsafe { suit_ctx_deinit(&mut *ctx) }, &[]);
    if aborts {
        // SAFETY: the context is released; no callback can run.
        let open = unsafe { &(*fc).open };
        assert!(
            open.is_empty(),
            "{} digest operation(s) never finished or aborted",
            open.len()
        );
    }
    assert_eq!(unsafe { suit_ctx_deinit(&mut *ctx) }, SUIT_RESULT_BAD_STATE);
    assert_eq!(
        unsafe { suit_manifest_sequence_number(&mut *ctx, &mut seq) },
        SUIT_RESULT_BAD_STATE
    );
    assert_eq!(
        unsafe { suit_run_update(&mut *ctx, &platform, 0, &mut v) },
        SUIT_RESULT_BAD_STATE
    );
    assert_eq!(v, SUIT_VERDICT_DENY);
    drop(buf);
}

fuzz_target!(|data: &[u8]| run(data));
