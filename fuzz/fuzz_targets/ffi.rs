//! The C ABI (suit-verify-ffi) called from Rust exactly as C would call it:
//! context init (copy and zero-copy mode, buffers of any size), key check,
//! authentication with real signatures, every query with output buffers of
//! any size (NULL included), every run function with a C platform whose
//! callbacks answer from the input, the streaming image verifier fed in
//! chunks, and misuse (NULL pointers, wrong sizes, use after deinit).
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
    let rc = unsafe {
        if zero_copy {
            suit_ctx_init_zero_copy(&mut *ctx, size, SUIT_ABI_VERSION)
        } else {
            let len = if mode & 4 != 0 {
                envelope.len() / 2
            } else {
                buf.len()
            };
            suit_ctx_init(&mut *ctx, size, SUIT_ABI_VERSION, buf.as_mut_ptr(), len)
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
    let required = u32::from(mode >> 5 & 1) << 1;
    let floor = u64::from(mode >> 6 & 1) * 1000;
    let rc = unsafe {
        suit_authenticate(
            &mut *ctx,
            envelope.as_ptr(),
            envelope.len(),
            keys.as_ptr(),
            keys.len(),
            floor,
            required,
        )
    };
    ok_or(rc, &[]);
    let mut detail: suit_error_detail = unsafe { core::mem::zeroed() };
    ok_or(unsafe { suit_ctx_last_error(&*ctx, &mut detail) }, &[]);
    assert_eq!(detail.result, rc);

    // ---- queries -------------------------------------------------------------------
    let mut out = vec![0u8; usize::from(mode) % 48];
    let mut n = 0usize;
    let mut seq = 0u64;
    let mut count = 0u32;
    let authenticated = rc == SUIT_RESULT_OK;
    let q = |r: suit_result| {
        assert_ne!(r, SUIT_RESULT_PANIC);
        if !authenticated {
            assert_eq!(r, SUIT_RESULT_BAD_STATE, "query before authentication");
        }
    };
    q(unsafe { suit_manifest_sequence_number(&mut *ctx, &mut seq) });
    q(unsafe { suit_manifest_component_count(&mut *ctx, &mut count) });
    if authenticated {
        assert!(seq >= floor);
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
    // NULL outputs are refused, never written.
    if authenticated {
        ok_or(
            unsafe { suit_manifest_sequence_number(&mut *ctx, ptr::null_mut()) },
            &[SUIT_RESULT_NULL_POINTER],
        );
    }

    // ---- procedures through the C platform --------------------------------------------
    let mut user_state = User {
        answers,
        pos: 0,
        components: count.max(1),
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
    };
    let mut v: suit_verdict = 0;
    let rc = unsafe { suit_run_update(&mut *ctx, &platform, flags, &mut v) };
    check_run(&ctx, rc, v);
    let mut boot = 0u32;
    rewind();
    let rc = unsafe { suit_run_invoke(&mut *ctx, &platform, flags, &mut v, &mut boot) };
    check_run(&ctx, rc, v);
    if rc == SUIT_RESULT_OK {
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

    // ---- release -------------------------------------------------------------------------
    ok_or(unsafe { suit_ctx_deinit(&mut *ctx) }, &[]);
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
