//! Unit tests of the C ABI, called the way C calls it (raw pointers into
//! caller storage, `extern "C"` callbacks), so that Miri checks the unsafe
//! code, misuse included. Signatures are Ed25519 only: P-256 costs 40 s per
//! verification under Miri (the C tests cover it natively).

#![allow(clippy::too_many_lines, unreachable_pub)]

#[path = "../examples/fixture.rs"]
mod fixture;

use crate::*;
use core::ffi::{CStr, c_void};
use core::ptr::{null, null_mut};
use std::boxed::Box;
use std::sync::OnceLock;
use std::vec::Vec;
use suit_verify::ErrorKind;

// ---- fixtures -----------------------------------------------------------------

const IMAGE_LEN: usize = 1000;

struct Vectors {
    image: Vec<u8>,
    envelope: Vec<u8>,
    unsigned: Vec<u8>,
    key: Vec<u8>,
}

fn vectors() -> &'static Vectors {
    static V: OnceLock<Vectors> = OnceLock::new();
    V.get_or_init(|| {
        let image = fixture::image(IMAGE_LEN);
        Vectors {
            envelope: fixture::envelope_ed25519(&image),
            unsigned: fixture::unsigned(&image),
            key: fixture::ed25519_key().public_raw(),
            image,
        }
    })
}

fn key() -> suit_key {
    let k = &vectors().key;
    suit_key {
        key_type: SUIT_KEY_ED25519,
        key: k.as_ptr(),
        key_len: k.len(),
        kid: null(),
        kid_len: 0,
    }
}

/// Caller storage: boxed so its address is stable, and used only through
/// one raw pointer (as C would).
struct Storage<T> {
    ptr: *mut T,
}

impl<T> Storage<T> {
    fn garbage(fill: u8) -> Storage<T> {
        let b: Box<core::mem::MaybeUninit<T>> = Box::new_uninit();
        let ptr = Box::into_raw(b).cast::<T>();
        // SAFETY: fresh allocation of size_of::<T>() bytes.
        unsafe { core::ptr::write_bytes(ptr.cast::<u8>(), fill, core::mem::size_of::<T>()) };
        Storage { ptr }
    }
}

impl<T> Drop for Storage<T> {
    fn drop(&mut self) {
        // SAFETY: allocated by `garbage` as a Box of MaybeUninit<T>.
        drop(unsafe { Box::from_raw(self.ptr.cast::<core::mem::MaybeUninit<T>>()) });
    }
}

const CTX_SIZE: usize = core::mem::size_of::<suit_ctx>();

fn kind(code: suit_result) -> Option<ErrorKind> {
    ErrorKind::from_code(u16::try_from(code).unwrap())
}

#[track_caller]
fn ok(code: suit_result) {
    assert_eq!(code, SUIT_RESULT_OK, "{:?}", kind(code));
}

#[track_caller]
fn err(code: suit_result, want: ErrorKind) {
    assert_eq!(kind(code), Some(want), "code {code:#x}");
}

/// A context in copy mode with a buffer of `cap` bytes.
struct Ctx {
    s: Storage<suit_ctx>,
    _buf: Vec<u8>,
    buf: *mut u8,
}

impl Ctx {
    fn copy_mode(cap: usize) -> Ctx {
        let s = Storage::garbage(0x5A);
        let mut buf = std::vec![0u8; cap];
        let bp = buf.as_mut_ptr();
        // SAFETY: storage and buffer are live for the context's life.
        ok(unsafe { suit_ctx_init(s.ptr, CTX_SIZE, SUIT_ABI_VERSION, bp, cap) });
        Ctx {
            s,
            _buf: buf,
            buf: bp,
        }
    }

    fn zero_copy() -> Ctx {
        let s = Storage::garbage(0x5A);
        // SAFETY: storage live.
        ok(unsafe { suit_ctx_init_zero_copy(s.ptr, CTX_SIZE, SUIT_ABI_VERSION) });
        Ctx {
            s,
            _buf: Vec::new(),
            buf: null_mut(),
        }
    }

    fn p(&self) -> *mut suit_ctx {
        self.s.ptr
    }

    fn auth(&self, env: &[u8], min_seq: u64) -> suit_result {
        let k = key();
        // SAFETY: all pointers live for the call.
        unsafe { suit_authenticate(self.p(), env.as_ptr(), env.len(), &k, 1, min_seq, 0) }
    }

    fn last(&self) -> suit_error_detail {
        let mut d = core::mem::MaybeUninit::<suit_error_detail>::uninit();
        // SAFETY: live context and output.
        ok(unsafe { suit_ctx_last_error(self.p(), d.as_mut_ptr()) });
        // SAFETY: written on success.
        unsafe { d.assume_init() }
    }

    fn seq(&self) -> Result<u64, suit_result> {
        let mut s = 0u64;
        // SAFETY: live context and output.
        let r = unsafe { suit_manifest_sequence_number(self.p(), &mut s) };
        if r == SUIT_RESULT_OK { Ok(s) } else { Err(r) }
    }
}

impl Drop for Ctx {
    fn drop(&mut self) {
        // SAFETY: live storage; deinit of an uninitialised one is refused.
        let _ = unsafe { suit_ctx_deinit(self.p()) };
    }
}

// ---- a device in "C" ------------------------------------------------------------

/// The device behind `suit_platform.user`.
struct Device {
    image: Vec<u8>,
    fail: &'static str,
    calls: Vec<&'static str>,
    fetched: Option<Vec<u8>>,
    ctx: *mut suit_ctx,
    reentry: Option<suit_result>,
    reports: usize,
    /// `supports_component` questions (not in `calls`: not an effect).
    components_asked: usize,
    /// The arguments of each `component_digest` call: component, COSE
    /// algorithm, `*size` (None for NULL) and `out_len`.
    digests_asked: Vec<(u32, i32, Option<u64>, usize)>,
}

/// A heap value used, as C would, only through one raw pointer (so the
/// pointers the library holds stay valid under Stacked Borrows).
struct Raw<T>(*mut T);

impl<T> Raw<T> {
    fn new(v: T) -> Raw<T> {
        Raw(Box::into_raw(Box::new(v)))
    }

    #[allow(clippy::mut_from_ref)]
    fn get(&self) -> &mut T {
        // SAFETY: live allocation; borrows are short and never overlap.
        unsafe { &mut *self.0 }
    }
}

impl<T> Drop for Raw<T> {
    fn drop(&mut self) {
        // SAFETY: from `Box::into_raw`.
        drop(unsafe { Box::from_raw(self.0) });
    }
}

impl Device {
    fn new(image: &[u8]) -> Raw<Device> {
        Raw::new(Device {
            image: image.to_vec(),
            fail: "",
            calls: Vec::new(),
            fetched: None,
            ctx: null_mut(),
            reentry: None,
            reports: 0,
            components_asked: 0,
            digests_asked: Vec::new(),
        })
    }
}

fn dev<'a>(user: *mut c_void) -> &'a mut Device {
    // SAFETY: tests pass a live, exclusively used `Device`.
    unsafe { &mut *user.cast::<Device>() }
}

/// The answer of callback `name`: failure codes by `Device::fail`
/// ("name" fails, "name:wait" waits, "name:unsupported", "name:nomatch",
/// "name:garbage" returns 12345).
fn answer(d: &mut Device, name: &'static str, success: i32) -> i32 {
    d.calls.push(name);
    verdict_of(d, name, success)
}

/// [`answer`] without recording the call.
fn verdict_of(d: &Device, name: &'static str, success: i32) -> i32 {
    match d.fail.split_once(':') {
        Some((n, how)) if n == name => match how {
            "wait" => SUIT_PLATFORM_WAIT,
            "unsupported" => SUIT_PLATFORM_UNSUPPORTED,
            "nomatch" => SUIT_PLATFORM_NO_MATCH,
            "garbage" => 12345,
            _ => SUIT_PLATFORM_FAIL,
        },
        None if d.fail == name => SUIT_PLATFORM_FAIL,
        _ => success,
    }
}

unsafe extern "C" fn check_vendor(
    user: *mut c_void,
    component: u32,
    id: *const u8,
    len: usize,
    is_pen: u32,
) -> i32 {
    let d = dev(user);
    // SAFETY: the library passes `len` live bytes.
    let id = unsafe { core::slice::from_raw_parts(id, len) };
    if component != 0 || is_pen != 0 || id != fixture::vendor() {
        return SUIT_PLATFORM_NO_MATCH;
    }
    if !d.ctx.is_null() {
        let mut s = 0u64;
        // SAFETY: the context is live; the call must be refused.
        d.reentry = Some(unsafe { suit_manifest_sequence_number(d.ctx, &mut s) });
    }
    answer(d, "vendor", SUIT_PLATFORM_MATCH)
}

unsafe extern "C" fn check_class(user: *mut c_void, _component: u32, uuid: *const u8) -> i32 {
    // SAFETY: 16 live bytes.
    let id = unsafe { core::slice::from_raw_parts(uuid, 16) };
    if id != fixture::class() {
        return SUIT_PLATFORM_NO_MATCH;
    }
    answer(dev(user), "class", SUIT_PLATFORM_MATCH)
}

unsafe extern "C" fn read(
    user: *mut c_void,
    _c: u32,
    offset: u64,
    buf: *mut u8,
    len: usize,
    got: *mut usize,
) -> i32 {
    let d = dev(user);
    let rc = answer(d, "read", SUIT_PLATFORM_OK);
    if rc != SUIT_PLATFORM_OK {
        return rc;
    }
    let src = d.fetched.as_ref().unwrap_or(&d.image);
    let off = usize::try_from(offset).unwrap().min(src.len());
    let n = len.min(src.len() - off);
    // SAFETY: `buf` has `len >= n` writable bytes; `got` is writable.
    unsafe {
        core::ptr::copy_nonoverlapping(src[off..].as_ptr(), buf, n);
        *got = n;
    }
    SUIT_PLATFORM_OK
}

unsafe extern "C" fn fetch(
    user: *mut c_void,
    _c: u32,
    uri: *const u8,
    len: usize,
    args: *const u8,
    _alen: usize,
) -> i32 {
    let d = dev(user);
    // SAFETY: `len` live bytes.
    let uri = unsafe { core::slice::from_raw_parts(uri, len) };
    assert_eq!(uri, fixture::IMAGE_URI.as_bytes());
    assert!(args.is_null());
    let rc = answer(d, "fetch", SUIT_PLATFORM_OK);
    if rc == SUIT_PLATFORM_OK {
        d.fetched = Some(d.image.clone());
    }
    rc
}

unsafe extern "C" fn invoke(user: *mut c_void, c: u32, _args: *const u8, _len: usize) -> i32 {
    assert_eq!(c, 0);
    answer(dev(user), "invoke", SUIT_PLATFORM_OK)
}

unsafe extern "C" fn supports_component(
    user: *mut c_void,
    component: u32,
    id: *const u8,
    len: usize,
) -> i32 {
    let d = dev(user);
    // SAFETY: `len` live bytes.
    let id = unsafe { core::slice::from_raw_parts(id, len) };
    assert_eq!(component, 0);
    assert_eq!(id, b"\x82\x45flash\x43app", "the encoded identifier");
    d.components_asked += 1;
    verdict_of(d, "component", SUIT_PLATFORM_MATCH)
}

/// A device that keeps its images' digests: SHA-256 of the first `*size`
/// bytes of what `read` would serve.
unsafe extern "C" fn component_digest(
    user: *mut c_void,
    component: u32,
    cose_alg: i32,
    size: *const u64,
    out: *mut u8,
    out_len: usize,
) -> i32 {
    let d = dev(user);
    // SAFETY: NULL or a live `u64` for the call.
    let size = unsafe { size.as_ref() }.copied();
    d.digests_asked.push((component, cose_alg, size, out_len));
    let rc = answer(d, "digest", SUIT_PLATFORM_OK);
    if rc != SUIT_PLATFORM_OK {
        return rc;
    }
    let src = d.fetched.as_ref().unwrap_or(&d.image);
    let n = size.map_or(src.len(), |s| usize::try_from(s).unwrap().min(src.len()));
    use suit_verify::Crypto;
    use suit_verify::crypto::Hasher;
    let mut h = suit_verify::RustCrypto
        .hasher(suit_verify::crypto::DigestAlg::Sha256)
        .unwrap();
    h.update(&src[..n]);
    let mut digest = [0u8; 64];
    let len = h.finish(&mut digest);
    assert_eq!(out_len, len);
    // SAFETY: `out` has `out_len` writable bytes.
    unsafe { core::ptr::copy_nonoverlapping(digest.as_ptr(), out, out_len) };
    SUIT_PLATFORM_OK
}

unsafe extern "C" fn report(user: *mut c_void, record: *const suit_report_record) {
    // SAFETY: live record for the call.
    let r = unsafe { &*record };
    assert_eq!(r.reserved, 0);
    dev(user).reports += 1;
}

fn platform(d: &Raw<Device>) -> suit_platform {
    suit_platform {
        user: d.0.cast(),
        check_vendor: Some(check_vendor),
        check_class: Some(check_class),
        check_device: None,
        component_slot: None,
        component_size: None,
        read: Some(read),
        fetch: Some(fetch),
        write: None,
        copy: None,
        swap: None,
        invoke: Some(invoke),
        custom: None,
        supports: None,
        report: Some(report),
        supports_component: Some(supports_component),
        component_digest: None,
    }
}

fn run_update(c: &Ctx, p: &suit_platform, flags: u32) -> (suit_result, suit_verdict) {
    let mut v: suit_verdict = 0;
    // SAFETY: live pointers.
    let r = unsafe { suit_run_update(c.p(), p, flags, &mut v) };
    (r, v)
}

fn run_invoke(c: &Ctx, p: &suit_platform) -> (suit_result, suit_verdict, u32) {
    let (mut v, mut b) = (0u32, 77u32);
    // SAFETY: live pointers.
    let r = unsafe { suit_run_invoke(c.p(), p, 0, &mut v, &mut b) };
    (r, v, b)
}

// ---- tables, versions, header ---------------------------------------------------

#[test]
fn result_codes_are_a_bijection_with_error_kinds() {
    assert_eq!(result::COUNT, ErrorKind::ALL.len() + 1);
    assert_eq!(result::CODES[0], 0);
    assert_eq!(result::NAMES.get(0), Some(c"OK"));
    assert_eq!(result::NAMES.get(result::COUNT), None);
    for (i, k) in ErrorKind::ALL.iter().enumerate() {
        assert_eq!(result::CODES[i + 1], k.code());
        assert_eq!(
            result::NAMES.get(i + 1).unwrap().to_str().unwrap(),
            k.name()
        );
    }
    #[cfg(feature = "error-messages")]
    {
        assert_eq!(result::MESSAGES.get(0), Some(c"success"));
        for (i, k) in ErrorKind::ALL.iter().enumerate() {
            let m = result::MESSAGES.get(i + 1).unwrap();
            assert_eq!(m.to_str().unwrap(), k.message());
        }
    }
    let mut codes = result::CODES.to_vec();
    codes.dedup();
    assert_eq!(codes.len(), result::COUNT);
    for k in ErrorKind::ALL {
        let code = u32::from(k.code());
        // SAFETY: static NUL-terminated strings.
        let (name, msg) = unsafe {
            (
                CStr::from_ptr(suit_result_name(code)),
                CStr::from_ptr(suit_result_message(code)),
            )
        };
        assert_eq!(name.to_str().unwrap(), k.name());
        let want = if cfg!(feature = "error-messages") {
            k.message()
        } else {
            k.name()
        };
        assert_eq!(msg.to_str().unwrap(), want);
        assert_eq!(suit_result_band(code), u32::from(k.band()));
    }
    // SAFETY: static strings.
    unsafe {
        assert_eq!(CStr::from_ptr(suit_result_name(0)), c"OK");
        assert_eq!(CStr::from_ptr(suit_result_name(0xdead)), c"UNKNOWN_CODE");
        assert!(!suit_result_message(0xdead).is_null());
    }
    assert_eq!(suit_result_band(0), 0);
    assert_eq!(suit_result_band(0xdead), 255);
    assert_eq!(SUIT_RESULT_PANIC, u32::from(ErrorKind::Panic.code()));
}

#[test]
fn verdict_values_are_far_from_everything_else() {
    let d = |a: u32, b: u32| (a ^ b).count_ones();
    assert_eq!(d(SUIT_VERDICT_ALLOW, SUIT_VERDICT_DENY), 32);
    assert_eq!(d(SUIT_VERDICT_ALLOW, 0), 16);
    assert_eq!(d(SUIT_VERDICT_ALLOW, u32::MAX), 16);
    for code in result::CODES {
        assert!(d(SUIT_VERDICT_ALLOW, u32::from(code)) >= 12, "{code:#x}");
    }
    let m = u32::try_from(SUIT_PLATFORM_MATCH).unwrap();
    assert!(d(m, 0) >= 16 && d(m, u32::MAX) >= 16);
    for v in [
        SUIT_PLATFORM_OK,
        SUIT_PLATFORM_NO_MATCH,
        SUIT_PLATFORM_FAIL,
        SUIT_PLATFORM_UNSUPPORTED,
        SUIT_PLATFORM_WAIT,
    ] {
        assert!(d(m, u32::try_from(v).unwrap()) >= 14);
    }
}

#[test]
fn versions_match_the_crate() {
    let v = |s: &str| s.parse::<u32>().unwrap();
    assert_eq!(SUIT_VERSION_MAJOR, v(env!("CARGO_PKG_VERSION_MAJOR")));
    assert_eq!(SUIT_VERSION_MINOR, v(env!("CARGO_PKG_VERSION_MINOR")));
    assert_eq!(SUIT_VERSION_PATCH, v(env!("CARGO_PKG_VERSION_PATCH")));
    // SAFETY: static string.
    let s = unsafe { CStr::from_ptr(suit_version_string()) };
    assert_eq!(s.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
    assert_eq!(
        suit_version(),
        (SUIT_VERSION_MAJOR << 16) | (SUIT_VERSION_MINOR << 8) | SUIT_VERSION_PATCH
    );
    assert_eq!(suit_abi_version(), SUIT_ABI_VERSION);
    assert_eq!(suit_ctx_size(), CTX_SIZE);
    assert_eq!(
        suit_image_verifier_size(),
        core::mem::size_of::<suit_image_verifier>()
    );
    assert!(SUIT_MAX_KEYS as usize <= suit_verify::limits::MAX_KEYS);
}

/// The committed header states this build's numbers (default capacities).
#[test]
#[cfg_attr(miri, ignore)] // reads a file
fn committed_header_matches_the_rust_side() {
    if crate::capacity::MAX_COMPONENTS != 4 || crate::capacity::HASH_CTX_WORDS != 32 {
        return; // not the default configuration: the header is regenerated
    }
    let h = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../include/suit_verify.h"
    ))
    .unwrap();
    let define = |name: &str| -> std::string::String {
        let pre = std::format!("#define {name} ");
        h.lines()
            .find_map(|l| l.strip_prefix(pre.as_str()))
            .unwrap_or_else(|| panic!("{name}"))
            .trim()
            .into()
    };
    assert_eq!(define("SUIT_VERIFY_MAX_COMPONENTS"), "4");
    assert_eq!(define("SUIT_VERIFY_HASH_CTX_WORDS"), "32");
    assert_eq!(
        define("SUIT_CTX_WORDS"),
        std::format!("({CTX_BASE_WORDS} + SUIT_VERIFY_HASH_CTX_WORDS)")
    );
    assert_eq!(
        define("SUIT_IMAGE_VERIFIER_WORDS"),
        std::format!("({VERIFIER_BASE_WORDS} + SUIT_VERIFY_HASH_CTX_WORDS)")
    );
    assert_eq!(define("SUIT_VERSION_MAJOR"), SUIT_VERSION_MAJOR.to_string());
    assert_eq!(
        define("SUIT_ABI_VERSION"),
        std::format!("{SUIT_ABI_VERSION}u")
    );
    assert_eq!(
        SUIT_ABI_VERSION >> 8,
        4,
        "SUIT_VERIFY_MAX_COMPONENTS in the second byte"
    );
    // Unsigned 32-bit constants carry a `u` suffix, so that in C they are
    // unsigned int like `suit_verdict` (an unsuffixed 2781035610 would be a
    // long long on 32-bit Arm, and ~DENY would not equal ALLOW).
    for (name, v) in [
        ("SUIT_VERDICT_ALLOW", SUIT_VERDICT_ALLOW),
        ("SUIT_VERDICT_DENY", SUIT_VERDICT_DENY),
        ("SUIT_NO_OFFSET", SUIT_NO_OFFSET),
        ("SUIT_NO_COMPONENT", SUIT_NO_COMPONENT),
    ] {
        assert_eq!(define(name), std::format!("{v}u"), "{name}");
    }
    // Result codes too (unsigned like `suit_result`: an int constant trips
    // -Wsign-conversion and C++ overload resolution).
    for (i, code) in result::CODES.iter().enumerate() {
        let name = result::NAMES.get(i).unwrap();
        let n = std::format!("SUIT_RESULT_{}", name.to_str().unwrap());
        assert_eq!(define(&n), std::format!("{code:#06x}u"), "{n}");
    }
}

#[test]
fn the_boundary_turns_a_panic_into_a_code() {
    #[allow(clippy::panic)]
    let r = crate::boundary(|| panic!("test panic"));
    assert_eq!(r, SUIT_RESULT_PANIC);
}

/// Fault injection: a panic at a chosen point inside the library, to test
/// what the panic boundary leaves behind (no input reaches a panic, so the
/// clean-up is otherwise unreachable). Armed per test thread.
pub(crate) mod fault {
    use core::cell::Cell;

    #[derive(Clone, Copy, PartialEq, Eq, Debug)]
    pub(crate) enum Point {
        /// `FfiCrypto::hasher`: a hasher is made.
        Hasher,
        /// `FfiHasher::update`.
        Update,
        /// `FfiHasher::finish`.
        Finish,
    }

    std::thread_local! {
        static ARMED: Cell<Option<Point>> = const { Cell::new(None) };
    }

    /// The next time this thread reaches `at`, panic (once).
    pub(crate) fn arm(at: Point) {
        ARMED.with(|a| a.set(Some(at)));
    }

    /// Called by the library at each point (test builds only).
    pub(crate) fn point(here: Point) {
        if ARMED.with(|a| a.get()) == Some(here) {
            ARMED.with(|a| a.set(None));
            panic!("injected panic at {here:?}");
        }
    }
}

/// A panic inside a verifier call (hosted builds catch it) leaves the
/// verifier usable: FAILED with `PANIC` (sticky, like any failure) or, in
/// init, zeroed; never BUSY, which every call, deinit included, refuses.
#[test]
fn a_panic_does_not_leave_the_verifier_busy() {
    let v = vectors();
    let c = Ctx::copy_mode(2048);
    ok(c.auth(&v.envelope, 0));
    let d = Device::new(&v.image);
    let p = platform(&d);
    let s = Storage::<suit_image_verifier>::garbage(0x11);
    let init = || {
        // SAFETY: live storage, context and platform.
        unsafe { suit_image_verifier_init(s.ptr, VER_SIZE, SUIT_ABI_VERSION, c.p(), &p, 0) }
    };
    // SAFETY: live storage and buffers.
    unsafe {
        // In init: the storage is zeroed, so it can be initialised again.
        fault::arm(fault::Point::Hasher);
        err(init(), ErrorKind::Panic);
        err(
            suit_image_verifier_update(s.ptr, v.image.as_ptr(), 1),
            ErrorKind::BadState,
        );
        ok(init());
        // In update: FAILED with PANIC from then on, and deinit works.
        fault::arm(fault::Point::Update);
        err(
            suit_image_verifier_update(s.ptr, v.image.as_ptr(), 1),
            ErrorKind::Panic,
        );
        refused(s.ptr, ErrorKind::Panic);
        ok(suit_image_verifier_deinit(s.ptr));
        // In finish: FAILED with PANIC, DENY, and deinit works.
        ok(init());
        ok(suit_image_verifier_update(
            s.ptr,
            v.image.as_ptr(),
            v.image.len(),
        ));
        fault::arm(fault::Point::Finish);
        let mut verdict = SUIT_VERDICT_ALLOW;
        err(
            suit_image_verifier_finish(s.ptr, &mut verdict),
            ErrorKind::Panic,
        );
        assert_eq!(verdict, SUIT_VERDICT_DENY);
        refused(s.ptr, ErrorKind::Panic);
        ok(suit_image_verifier_deinit(s.ptr));
        // The context was not left busy either.
        assert_eq!(c.seq(), Ok(fixture::SEQUENCE));
    }
}

// ---- lifecycle misuse --------------------------------------------------------------

#[test]
fn init_refuses_bad_arguments() {
    let s = Storage::<suit_ctx>::garbage(0);
    let mut buf = [0u8; 16];
    // SAFETY: every call gets live or NULL pointers.
    unsafe {
        err(
            suit_ctx_init(null_mut(), CTX_SIZE, SUIT_ABI_VERSION, null_mut(), 0),
            ErrorKind::NullPointer,
        );
        err(
            suit_ctx_init_zero_copy(null_mut(), CTX_SIZE, SUIT_ABI_VERSION),
            ErrorKind::NullPointer,
        );
        err(
            suit_ctx_init(s.ptr, CTX_SIZE - 8, SUIT_ABI_VERSION, null_mut(), 0),
            ErrorKind::AbiMismatch,
        );
        err(
            suit_ctx_init(s.ptr, CTX_SIZE + 8, SUIT_ABI_VERSION, null_mut(), 0),
            ErrorKind::AbiMismatch,
        );
        err(
            suit_ctx_init(s.ptr, CTX_SIZE, SUIT_ABI_VERSION + 1, null_mut(), 0),
            ErrorKind::AbiMismatch,
        );
        err(
            suit_ctx_init_zero_copy(s.ptr, CTX_SIZE, 0),
            ErrorKind::AbiMismatch,
        );
        // A header generated for another SUIT_VERIFY_MAX_COMPONENTS (same sizes).
        let eight = (SUIT_ABI_VERSION & 0xff) | (8 << 8);
        err(
            suit_ctx_init(s.ptr, CTX_SIZE, eight, null_mut(), 0),
            ErrorKind::AbiMismatch,
        );
        err(
            suit_ctx_init(s.ptr, CTX_SIZE, SUIT_ABI_VERSION, null_mut(), 16),
            ErrorKind::NullPointer,
        );
        // The copy buffer may not overlap the context.
        let inside = s.ptr.cast::<u8>().add(8);
        err(
            suit_ctx_init(s.ptr, CTX_SIZE, SUIT_ABI_VERSION, inside, 16),
            ErrorKind::InvalidArgument,
        );
        // Misaligned storage.
        let odd = s.ptr.cast::<u8>().add(4).cast::<suit_ctx>();
        err(
            suit_ctx_init_zero_copy(odd, CTX_SIZE, SUIT_ABI_VERSION),
            ErrorKind::InvalidArgument,
        );
        // NULL buffer of length 0 is an empty buffer: init works, authenticate
        // then finds it too small.
        ok(suit_ctx_init(
            s.ptr,
            CTX_SIZE,
            SUIT_ABI_VERSION,
            null_mut(),
            0,
        ));
        let k = key();
        let env = &vectors().envelope;
        err(
            suit_authenticate(s.ptr, env.as_ptr(), env.len(), &k, 1, 0, 0),
            ErrorKind::BufferTooSmall,
        );
        // Init twice without deinit.
        err(
            suit_ctx_init(
                s.ptr,
                CTX_SIZE,
                SUIT_ABI_VERSION,
                buf.as_mut_ptr(),
                buf.len(),
            ),
            ErrorKind::BadState,
        );
        ok(suit_ctx_deinit(s.ptr));
        ok(suit_ctx_init(
            s.ptr,
            CTX_SIZE,
            SUIT_ABI_VERSION,
            buf.as_mut_ptr(),
            buf.len(),
        ));
        ok(suit_ctx_deinit(s.ptr));
    }
}

#[test]
fn use_before_init_after_deinit_and_of_a_moved_copy_is_bad_state() {
    let s = Storage::<suit_ctx>::garbage(0xA5);
    let k = key();
    let env = &vectors().envelope;
    let plat = suit_platform {
        user: null_mut(),
        check_vendor: None,
        check_class: None,
        check_device: None,
        component_slot: None,
        component_size: None,
        read: None,
        fetch: None,
        write: None,
        copy: None,
        swap: None,
        invoke: None,
        custom: None,
        supports: None,
        report: None,
        supports_component: None,
        component_digest: None,
    };
    let check_all = |ctx: *mut suit_ctx| {
        let (mut u64v, mut u32v, mut n) = (0u64, 0u32, 0usize);
        let mut v: suit_verdict = 1;
        let mut d = core::mem::MaybeUninit::<suit_error_detail>::uninit();
        let mut buf = [0u8; 8];
        let ver = Storage::<suit_image_verifier>::garbage(0);
        // SAFETY: every pointer is live; the context is not initialised.
        unsafe {
            err(suit_ctx_deinit(ctx), ErrorKind::BadState);
            err(suit_ctx_set_crypto(ctx, null()), ErrorKind::BadState);
            err(
                suit_authenticate(ctx, env.as_ptr(), env.len(), &k, 1, 0, 0),
                ErrorKind::BadState,
            );
            err(
                suit_manifest_sequence_number(ctx, &mut u64v),
                ErrorKind::BadState,
            );
            err(
                suit_manifest_component_count(ctx, &mut u32v),
                ErrorKind::BadState,
            );
            err(
                suit_manifest_component_id(ctx, 0, buf.as_mut_ptr(), 8, &mut n),
                ErrorKind::BadState,
            );
            err(
                suit_manifest_text(
                    ctx,
                    null(),
                    SUIT_NO_COMPONENT,
                    1,
                    buf.as_mut_ptr(),
                    8,
                    &mut n,
                ),
                ErrorKind::BadState,
            );
            err(
                suit_ctx_last_error(ctx, d.as_mut_ptr()),
                ErrorKind::BadState,
            );
            err(suit_run_update(ctx, &plat, 0, &mut v), ErrorKind::BadState);
            assert_eq!(v, SUIT_VERDICT_DENY);
            let mut b = 0;
            v = SUIT_VERDICT_ALLOW;
            err(
                suit_run_invoke(ctx, &plat, 0, &mut v, &mut b),
                ErrorKind::BadState,
            );
            assert_eq!((v, b), (SUIT_VERDICT_DENY, SUIT_NO_COMPONENT));
            err(
                suit_run_section(ctx, 7, &plat, 0, &mut v),
                ErrorKind::BadState,
            );
            let sz = core::mem::size_of::<suit_image_verifier>();
            err(
                suit_image_verifier_init(ver.ptr, sz, SUIT_ABI_VERSION, ctx, &plat, 0),
                ErrorKind::BadState,
            );
        }
    };
    check_all(s.ptr);
    // After init and deinit.
    let mut buf = std::vec![0u8; 512];
    // SAFETY: live storage and buffer.
    unsafe {
        ok(suit_ctx_init(
            s.ptr,
            CTX_SIZE,
            SUIT_ABI_VERSION,
            buf.as_mut_ptr(),
            buf.len(),
        ));
        ok(suit_ctx_deinit(s.ptr));
        err(suit_ctx_deinit(s.ptr), ErrorKind::BadState);
    }
    check_all(s.ptr);
    // A byte copy of a live context is not a context.
    let c = Ctx::copy_mode(512);
    ok(c.auth(env, 0));
    let copy = Storage::<suit_ctx>::garbage(0);
    // SAFETY: both live, same size.
    unsafe { core::ptr::copy_nonoverlapping(c.p(), copy.ptr, 1) };
    check_all(copy.ptr);
    assert_eq!(c.seq(), Ok(fixture::SEQUENCE));
}

#[test]
fn null_outputs_and_arguments_are_refused() {
    let c = Ctx::copy_mode(1024);
    let env = &vectors().envelope;
    let k = key();
    // SAFETY: NULL or live pointers only.
    unsafe {
        err(
            suit_authenticate(c.p(), null(), 5, &k, 1, 0, 0),
            ErrorKind::NullPointer,
        );
        err(
            suit_authenticate(c.p(), env.as_ptr(), env.len(), null(), 1, 0, 0),
            ErrorKind::NullPointer,
        );
        // NULL with length 0 is an empty envelope: a CBOR error, not NULL.
        err(
            suit_authenticate(c.p(), null(), 0, &k, 1, 0, 0),
            ErrorKind::CborTruncated,
        );
        // No keys at all: nothing verifies.
        err(
            suit_authenticate(c.p(), env.as_ptr(), env.len(), null(), 0, 0, 0),
            ErrorKind::AuthUntrustedKey,
        );
        ok(c.auth(env, 0));
        err(
            suit_manifest_sequence_number(c.p(), null_mut()),
            ErrorKind::NullPointer,
        );
        err(
            suit_manifest_component_count(c.p(), null_mut()),
            ErrorKind::NullPointer,
        );
        let mut n = 0usize;
        err(
            suit_manifest_component_id(c.p(), 0, null_mut(), 0, null_mut()),
            ErrorKind::NullPointer,
        );
        err(
            suit_manifest_component_id(c.p(), 0, null_mut(), 4, &mut n),
            ErrorKind::NullPointer,
        );
        err(
            suit_ctx_last_error(c.p(), null_mut()),
            ErrorKind::NullPointer,
        );
        let mut v = SUIT_VERDICT_ALLOW;
        err(
            suit_run_update(c.p(), null(), 0, &mut v),
            ErrorKind::NullPointer,
        );
        assert_eq!(v, SUIT_VERDICT_DENY);
        let d = Device::new(&vectors().image);
        let p = platform(&d);
        err(
            suit_run_update(c.p(), &p, 0, null_mut()),
            ErrorKind::NullPointer,
        );
        err(
            suit_run_invoke(c.p(), &p, 0, &mut v, null_mut()),
            ErrorKind::NullPointer,
        );
        err(
            suit_run_update(c.p(), &p, 0x100, &mut v),
            ErrorKind::InvalidArgument,
        );
        err(
            suit_run_update(
                c.p(),
                &p,
                SUIT_RUN_IDENTITY_PER_COMPONENT | SUIT_RUN_IDENTITY_RELAXED,
                &mut v,
            ),
            ErrorKind::InvalidArgument,
        );
        // The manifest is still there after all these refusals.
        assert_eq!(c.seq(), Ok(fixture::SEQUENCE));
    }
}

#[test]
fn keys_are_checked() {
    let k = key();
    let short = suit_key { key_len: 31, ..k };
    let bad_type = suit_key { key_type: 9, ..k };
    let null_key = suit_key { key: null(), ..k };
    let kid = *b"kid-1";
    let with_kid = suit_key {
        kid: kid.as_ptr(),
        kid_len: kid.len(),
        ..k
    };
    let many = [k; SUIT_MAX_KEYS as usize + 1];
    // SAFETY: live arrays.
    unsafe {
        ok(suit_keys_check(&k, 1));
        ok(suit_keys_check(null(), 0));
        ok(suit_keys_check(&with_kid, 1));
        ok(suit_keys_check(many.as_ptr(), SUIT_MAX_KEYS as usize));
        err(
            suit_keys_check(many.as_ptr(), SUIT_MAX_KEYS as usize + 1),
            ErrorKind::LimitKeys,
        );
        err(suit_keys_check(&short, 1), ErrorKind::InvalidKey);
        err(suit_keys_check(&bad_type, 1), ErrorKind::InvalidKey);
        // Right lengths and prefixes, but not valid points: the Ed25519
        // identity (small order), and the P-256 test key with its y changed
        // (off the curve). Each is named wherever it is in the array.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        let weak = suit_key {
            key: identity.as_ptr(),
            ..k
        };
        err(
            suit_keys_check([k, weak].as_ptr(), 2),
            ErrorKind::InvalidKey,
        );
        let p256 = |b: &[u8]| suit_key {
            key_type: SUIT_KEY_P256,
            key: b.as_ptr(),
            key_len: b.len(),
            ..k
        };
        let mut off = fixture::p256_key().public_raw();
        ok(suit_keys_check(&p256(&off), 1));
        *off.last_mut().unwrap() ^= 1;
        if cfg!(feature = "p256") {
            err(suit_keys_check(&p256(&off), 1), ErrorKind::InvalidKey);
        } else {
            // Without the built-in P-256 code the point is left to the
            // firmware's `verify` callback (documented).
            ok(suit_keys_check(&p256(&off), 1));
        }
        err(suit_keys_check(&null_key, 1), ErrorKind::NullPointer);
        err(suit_keys_check(null(), 1), ErrorKind::NullPointer);
    }
    // The envelope's block carries no kid: every key of its type is tried,
    // those with a kid included.
    let c = Ctx::copy_mode(1024);
    let env = &vectors().envelope;
    // SAFETY: live pointers.
    unsafe {
        ok(suit_authenticate(
            c.p(),
            env.as_ptr(),
            env.len(),
            &with_kid,
            1,
            0,
            0,
        ));
        // A key of the other type is not tried at all.
        let point = [4u8; 65];
        let p256 = suit_key {
            key_type: SUIT_KEY_P256,
            key: point.as_ptr(),
            key_len: 65,
            kid: null(),
            kid_len: 0,
        };
        err(
            suit_authenticate(c.p(), env.as_ptr(), env.len(), &p256, 1, 0, 0),
            ErrorKind::AuthUntrustedKey,
        );
    }
}

// ---- authentication and the held manifest ----------------------------------------

#[test]
fn copy_mode_authenticates_the_copy_and_detects_changes_to_it() {
    let v = vectors();
    let c = Ctx::copy_mode(v.envelope.len() - 1);
    err(c.auth(&v.envelope, 0), ErrorKind::BufferTooSmall);
    drop(c);

    let c = Ctx::copy_mode(v.envelope.len());
    assert_eq!(c.seq().map_err(kind), Err(Some(ErrorKind::BadState)));
    let mut env = v.envelope.clone();
    ok(c.auth(&env, fixture::SEQUENCE));
    assert_eq!(c.last().result, SUIT_RESULT_OK);
    // The caller's bytes are not used after the call.
    env.iter_mut().for_each(|b| *b = 0);
    assert_eq!(c.seq(), Ok(fixture::SEQUENCE));
    // A change to the held copy itself is caught before use.
    let at = v
        .envelope
        .windows(VENDOR_NAME_LEN)
        .position(|w| w == fixture::VENDOR_NAME.as_bytes())
        .unwrap();
    // SAFETY: inside the live copy buffer.
    unsafe { *c.buf.add(at) ^= 0x20 };
    assert_eq!(
        c.seq().map_err(kind),
        Err(Some(ErrorKind::AuthDigestMismatch))
    );
    let d = c.last();
    assert_eq!(d.result, u32::from(ErrorKind::AuthDigestMismatch.code()));
    assert_ne!(d.offset, SUIT_NO_OFFSET);
    assert_eq!(d.section, SUIT_NO_SECTION);
    // SAFETY: as above.
    unsafe { *c.buf.add(at) ^= 0x20 };
    assert_eq!(c.seq(), Ok(fixture::SEQUENCE));

    // Rollback, and a failed authentication forgets the earlier one.
    err(
        c.auth(&v.envelope, fixture::SEQUENCE + 1),
        ErrorKind::SequenceRollback,
    );
    assert_eq!(
        c.last().result,
        u32::from(ErrorKind::SequenceRollback.code())
    );
    assert_eq!(c.seq().map_err(kind), Err(Some(ErrorKind::BadState)));
    err(c.auth(&v.unsigned, 0), ErrorKind::AuthNoSignature);
}

const VENDOR_NAME_LEN: usize = fixture::VENDOR_NAME.len();

#[test]
fn copy_mode_accepts_the_envelope_received_in_its_own_buffer() {
    let v = vectors();
    let c = Ctx::copy_mode(2048);
    // SAFETY: the buffer holds 2048 bytes.
    unsafe { core::ptr::copy_nonoverlapping(v.envelope.as_ptr(), c.buf, v.envelope.len()) };
    let k = key();
    // SAFETY: live pointers; the envelope is the context's own buffer.
    ok(unsafe { suit_authenticate(c.p(), c.buf, v.envelope.len(), &k, 1, 0, 0) });
    assert_eq!(c.seq(), Ok(fixture::SEQUENCE));
    // Starting elsewhere inside the buffer is refused, overlapping the copy
    // or not (the header says so).
    for at in [1, 1024] {
        // SAFETY: the buffer holds 2048 bytes; the envelope fits at 1024.
        unsafe { core::ptr::copy(c.buf, c.buf.add(at), v.envelope.len()) };
        // SAFETY: as above.
        err(
            unsafe { suit_authenticate(c.p(), c.buf.add(at), v.envelope.len(), &k, 1, 0, 0) },
            ErrorKind::InvalidArgument,
        );
        // SAFETY: as above; put the envelope back at the start.
        unsafe { core::ptr::copy(c.buf.add(at), c.buf, v.envelope.len()) };
    }
}

#[test]
fn zero_copy_mode_reads_the_callers_bytes_and_detects_changes() {
    let v = vectors();
    let c = Ctx::zero_copy();
    let at = v
        .envelope
        .windows(VENDOR_NAME_LEN)
        .position(|w| w == fixture::VENDOR_NAME.as_bytes())
        .unwrap();
    let env = Raw::new(v.envelope.clone());
    let (ep, len) = (env.get().as_mut_ptr(), v.envelope.len());
    let k = key();
    // SAFETY: the envelope stays live and is only accessed through `ep`.
    unsafe {
        ok(suit_authenticate(c.p(), ep, len, &k, 1, 0, 0));
        assert_eq!(c.seq(), Ok(fixture::SEQUENCE));
        *ep.add(at) ^= 0x20;
        assert_eq!(
            c.seq().map_err(kind),
            Err(Some(ErrorKind::AuthDigestMismatch))
        );
        *ep.add(at) ^= 0x20;
    }
    assert_eq!(c.seq(), Ok(fixture::SEQUENCE));
    drop(c);
}

#[test]
fn queries_copy_out_with_size_checks() {
    let v = vectors();
    let c = Ctx::copy_mode(2048);
    ok(c.auth(&v.envelope, 0));
    let mut n = 0usize;
    let mut count = 0u32;
    let mut buf = [0u8; 64];
    // SAFETY: live pointers and sizes.
    unsafe {
        ok(suit_manifest_component_count(c.p(), &mut count));
        assert_eq!(count, 1);
        // Size query with NULL/0, then too small, then exact.
        err(
            suit_manifest_component_id(c.p(), 0, null_mut(), 0, &mut n),
            ErrorKind::BufferTooSmall,
        );
        let id_len = n;
        assert_eq!(id_len, 1 + 1 + 5 + 1 + 3);
        err(
            suit_manifest_component_id(c.p(), 0, buf.as_mut_ptr(), id_len - 1, &mut n),
            ErrorKind::BufferTooSmall,
        );
        ok(suit_manifest_component_id(
            c.p(),
            0,
            buf.as_mut_ptr(),
            id_len,
            &mut n,
        ));
        assert_eq!(&buf[..n], b"\x82\x45flash\x43app");
        err(
            suit_manifest_component_id(c.p(), 1, buf.as_mut_ptr(), 64, &mut n),
            ErrorKind::ComponentIndexOutOfRange,
        );
        ok(suit_manifest_component_segment_count(c.p(), 0, &mut count));
        assert_eq!(count, 2);
        ok(suit_manifest_component_segment(
            c.p(),
            0,
            1,
            buf.as_mut_ptr(),
            64,
            &mut n,
        ));
        assert_eq!(&buf[..n], b"app");
        err(
            suit_manifest_component_segment(c.p(), 0, 2, buf.as_mut_ptr(), 64, &mut n),
            ErrorKind::InvalidArgument,
        );

        // Text: NUL-terminated, needs len + 1.
        let want = fixture::MANIFEST_DESCRIPTION;
        err(
            suit_manifest_text(
                c.p(),
                null(),
                SUIT_NO_COMPONENT,
                1,
                buf.as_mut_ptr(),
                want.len(),
                &mut n,
            ),
            ErrorKind::BufferTooSmall,
        );
        assert_eq!(n, want.len());
        ok(suit_manifest_text(
            c.p(),
            null(),
            SUIT_NO_COMPONENT,
            1,
            buf.as_mut_ptr(),
            want.len() + 1,
            &mut n,
        ));
        assert_eq!(
            CStr::from_bytes_with_nul(&buf[..=n])
                .unwrap()
                .to_str()
                .unwrap(),
            want
        );
        ok(suit_manifest_text(
            c.p(),
            c"en".as_ptr(),
            0,
            6,
            buf.as_mut_ptr(),
            64,
            &mut n,
        ));
        assert_eq!(&buf[..n], fixture::COMPONENT_VERSION.as_bytes());
        ok(suit_manifest_text(
            c.p(),
            c"en".as_ptr(),
            0,
            1,
            buf.as_mut_ptr(),
            64,
            &mut n,
        ));
        assert_eq!(&buf[..n], fixture::VENDOR_NAME.as_bytes());
        err(
            suit_manifest_text(c.p(), c"de".as_ptr(), 0, 1, buf.as_mut_ptr(), 64, &mut n),
            ErrorKind::SectionAbsent,
        );
        err(
            suit_manifest_text(c.p(), null(), 0, 3, buf.as_mut_ptr(), 64, &mut n),
            ErrorKind::SectionAbsent,
        );
        err(
            suit_manifest_text(c.p(), null(), 5, 1, buf.as_mut_ptr(), 64, &mut n),
            ErrorKind::ComponentIndexOutOfRange,
        );
        ok(suit_manifest_reference_uri(
            c.p(),
            buf.as_mut_ptr(),
            64,
            &mut n,
        ));
        assert_eq!(&buf[..n], fixture::REFERENCE_URI.as_bytes());
        assert_eq!(buf[n], 0);
    }
}

#[test]
fn query_outputs_may_not_overlap_the_held_envelope_or_the_context() {
    let v = vectors();
    let len = v.envelope.len();
    let mut n = 0usize;
    let mut seq = 0u64;
    let mut uri = [0u8; 64];

    // Copy mode: the held envelope is the front of the copy buffer.
    let c = Ctx::copy_mode(len + 64);
    ok(c.auth(&v.envelope, 0));
    let before = v.envelope.clone();
    // An aligned u64 inside the envelope (a misaligned one is refused anyway).
    let seq_at = c.buf.wrapping_add(c.buf.align_offset(8)).cast::<u64>();
    let ctx_out = c.p().cast::<u8>();
    // SAFETY: every pointer is inside live storage (the buffer holds len +
    // 64 bytes, the context CTX_SIZE); overlapping ones are refused before
    // anything is written.
    unsafe {
        for (what, r) in [
            (
                "uri into the envelope",
                suit_manifest_reference_uri(c.p(), c.buf.add(8), 64, &mut n),
            ),
            (
                "out_len into the envelope",
                suit_manifest_reference_uri(c.p(), uri.as_mut_ptr(), 64, c.buf.cast()),
            ),
            (
                "uri ending in the envelope's last byte",
                suit_manifest_reference_uri(c.p(), c.buf.add(len - 1), 64, &mut n),
            ),
            (
                "uri into the context",
                suit_manifest_reference_uri(c.p(), ctx_out.add(16), 64, &mut n),
            ),
            ("sequence number into the envelope", {
                suit_manifest_sequence_number(c.p(), seq_at)
            }),
        ] {
            assert_eq!(kind(r), Some(ErrorKind::InvalidArgument), "{what}");
            assert_eq!(c.last().result, r, "{what}");
        }
        assert_eq!(core::slice::from_raw_parts(c.buf, len), &before[..]);
        // The buffer's spare bytes after the envelope are the caller's.
        ok(suit_manifest_reference_uri(
            c.p(),
            c.buf.add(len),
            64,
            &mut n,
        ));
        assert_eq!(
            core::slice::from_raw_parts(c.buf.add(len), n),
            fixture::REFERENCE_URI.as_bytes()
        );
    }
    assert_eq!(c.seq(), Ok(fixture::SEQUENCE));
    drop(c);

    // Zero-copy mode: the held envelope is the caller's.
    let c = Ctx::zero_copy();
    let env = Raw::new(v.envelope.clone());
    let ep = env.get().as_mut_ptr();
    let k = key();
    // SAFETY: the envelope stays live and is only accessed through `ep`.
    unsafe {
        ok(suit_authenticate(c.p(), ep, len, &k, 1, 0, 0));
        err(
            suit_manifest_sequence_number(c.p(), ep.add(ep.align_offset(8)).cast()),
            ErrorKind::InvalidArgument,
        );
        err(
            suit_manifest_component_id(c.p(), 0, ep, 64, &mut n),
            ErrorKind::InvalidArgument,
        );
        ok(suit_manifest_sequence_number(c.p(), &mut seq));
    }
    assert_eq!(seq, fixture::SEQUENCE);

    // A buffer over its own *out_len: refused before either is written.
    let mut scratch = [u64::MAX; 12];
    let sp = scratch.as_mut_ptr();
    // SAFETY: `sp` points to 96 writable bytes; the length lies at byte 32
    // (8-aligned); only the accepted call writes.
    unsafe {
        let at32 = sp.add(4).cast::<usize>();
        err(
            suit_manifest_reference_uri(c.p(), sp.cast(), 64, at32),
            ErrorKind::InvalidArgument,
        );
        assert_eq!(c.last().result, SUIT_RESULT_INVALID_ARGUMENT);
        assert!(scratch.iter().all(|w| *w == u64::MAX));
        // Right next to it is fine (the URI is 31 bytes + NUL).
        ok(suit_manifest_reference_uri(c.p(), sp.cast(), 32, at32));
        assert_eq!(*at32, fixture::REFERENCE_URI.len());
    }
}

/// Every 4-aligned address inside the context as a `T` pointer (under Miri,
/// where each check takes seconds, the first words, where the mode, busy
/// flag and held envelope are, a word of the last error, and the last word).
fn inside_ctx<T>(c: &Ctx) -> impl Iterator<Item = *mut T> + '_ {
    let offsets: Vec<usize> = if cfg!(miri) {
        std::vec![0, 8, 12, 16, 32, 200, CTX_SIZE - 4]
    } else {
        (0..CTX_SIZE).step_by(4).collect()
    };
    offsets
        .into_iter()
        .map(|o| c.p().cast::<u8>().wrapping_add(o).cast::<T>())
}

/// The context still works: its manifest re-opens and updates.
fn still_works(c: &Ctx, p: &suit_platform, what: &str) {
    assert_eq!(c.seq(), Ok(fixture::SEQUENCE), "{what}");
    let (r, verdict) = run_update(c, p, 0);
    assert_eq!((r, verdict), (SUIT_RESULT_OK, SUIT_VERDICT_ALLOW), "{what}");
}

#[test]
fn run_outputs_inside_the_context_or_the_held_envelope_are_refused_unwritten() {
    let v = vectors();
    let d = Device::new(&v.image);
    let p = platform(&d);
    let c = Ctx::copy_mode(v.envelope.len() + 64);
    ok(c.auth(&v.envelope, 0));
    let (mut verdict, mut boot) = (0u32, 0u32);
    for out in inside_ctx::<u32>(&c) {
        // SAFETY: `out` is inside the live context storage; refused before
        // anything is written.
        unsafe {
            err(
                suit_run_update(c.p(), &p, 0, out),
                ErrorKind::InvalidArgument,
            );
            err(
                suit_run_invoke(c.p(), &p, 0, out, &mut boot),
                ErrorKind::InvalidArgument,
            );
            err(
                suit_run_invoke(c.p(), &p, 0, &mut verdict, out),
                ErrorKind::InvalidArgument,
            );
            err(
                suit_ctx_last_error(c.p(), out.cast()),
                ErrorKind::InvalidArgument,
            );
        }
        still_works(&c, &p, "an output inside the context");
    }
    // The verdict and the boot component on one another.
    // SAFETY: live locals.
    unsafe {
        err(
            suit_run_invoke(c.p(), &p, 0, &mut verdict, &mut verdict),
            ErrorKind::InvalidArgument,
        );
    }
    // Inside the held envelope (the front of the copy buffer).
    let in_env = c.buf.wrapping_add(c.buf.align_offset(4) + 8).cast::<u32>();
    // SAFETY: inside the live copy buffer; refused (the early DENY write
    // changes the copy, which the re-opening would refuse anyway).
    unsafe {
        err(
            suit_run_update(c.p(), &p, 0, in_env),
            ErrorKind::InvalidArgument,
        );
        err(
            suit_run_invoke(c.p(), &p, 0, &mut verdict, in_env),
            ErrorKind::InvalidArgument,
        );
    }
    // The spare bytes after the envelope are the caller's.
    let spare = c.buf.wrapping_add(v.envelope.len());
    let spare = spare.wrapping_add(spare.align_offset(4)).cast::<u32>();
    // SAFETY: inside the buffer's 64 spare bytes.
    unsafe {
        ok(suit_run_update(c.p(), &p, 0, spare));
        assert_eq!(*spare, SUIT_VERDICT_ALLOW);
    }
}

#[test]
fn an_image_verifier_inside_the_context_or_the_held_envelope_is_refused() {
    let v = vectors();
    let d = Device::new(&v.image);
    let p = platform(&d);
    let c = Ctx::copy_mode(v.envelope.len() + VER_SIZE + 16);
    ok(c.auth(&v.envelope, 0));
    let in_env = c
        .buf
        .wrapping_add(c.buf.align_offset(8))
        .cast::<suit_image_verifier>();
    for (what, at) in [
        ("on the context", c.p().cast::<suit_image_verifier>()),
        (
            "inside the context",
            c.p().cast::<u8>().wrapping_add(64).cast(),
        ),
        ("on the held envelope", in_env),
    ] {
        // SAFETY: `at` is inside live storage; refused before anything is
        // written (on the envelope, its first word is read first).
        let r = unsafe { suit_image_verifier_init(at, VER_SIZE, SUIT_ABI_VERSION, c.p(), &p, 0) };
        err(r, ErrorKind::InvalidArgument);
        still_works(&c, &p, what);
    }
}

#[test]
fn image_verifier_arguments_inside_the_verifier_are_refused() {
    let v = vectors();
    let d = Device::new(&v.image);
    let p = platform(&d);
    let c = Ctx::copy_mode(2048);
    ok(c.auth(&v.envelope, 0));
    let s = Storage::<suit_image_verifier>::garbage(0xEE);
    let base = s.ptr.cast::<u8>();
    // SAFETY: live storage, context and platform; the pointers inside the
    // verifier storage are refused before anything is read or written.
    unsafe {
        ok(suit_image_verifier_init(
            s.ptr,
            VER_SIZE,
            SUIT_ABI_VERSION,
            c.p(),
            &p,
            0,
        ));
        for o in (0..VER_SIZE).step_by(8) {
            let at = base.add(o);
            err(
                suit_image_verifier_update(s.ptr, at, 8),
                ErrorKind::InvalidArgument,
            );
            err(
                suit_image_verifier_finish(s.ptr, at.cast()),
                ErrorKind::InvalidArgument,
            );
            err(
                suit_image_verifier_progress(s.ptr, at.cast(), null_mut()),
                ErrorKind::InvalidArgument,
            );
            err(
                suit_image_verifier_progress(s.ptr, null_mut(), at.cast()),
                ErrorKind::InvalidArgument,
            );
        }
        let mut both = 0u64;
        err(
            suit_image_verifier_progress(s.ptr, &mut both, &mut both),
            ErrorKind::InvalidArgument,
        );
        // Nothing was changed: the image still verifies.
        finish_allowed(s.ptr, &v.image);
    }
}

/// A trusted key in the copy buffer would be overwritten by the envelope
/// before any signature is checked (an envelope carrying another key at
/// that place would then verify against the key it brought): refused, as
/// are keys, key tables and a zero-copy envelope inside the context.
#[test]
fn keys_and_envelopes_in_storage_the_call_writes_are_refused() {
    let v = vectors();
    let len = v.envelope.len();
    let c = Ctx::copy_mode(len + 256);
    let at = len + 64;
    let mut k = key();
    // SAFETY: the key is copied into the buffer's spare bytes, all live.
    unsafe {
        core::ptr::copy_nonoverlapping(k.key, c.buf.add(at), k.key_len);
    }
    let inside = |off: usize| c.buf.wrapping_add(off).cast_const();
    let cases: [(&str, suit_key); 3] = [
        (
            "the key after the envelope",
            suit_key {
                key: inside(at),
                ..k
            },
        ),
        (
            "the key at the envelope's place",
            suit_key {
                key: inside(0),
                ..k
            },
        ),
        (
            "a kid in the buffer",
            suit_key {
                kid: inside(at),
                kid_len: 4,
                ..k
            },
        ),
    ];
    for (what, key) in cases {
        // SAFETY: every pointer is inside live storage; refused before the copy.
        let r = unsafe { suit_authenticate(c.p(), v.envelope.as_ptr(), len, &key, 1, 0, 0) };
        err(r, ErrorKind::InvalidArgument);
        assert_eq!(c.seq(), Err(code(&ErrorKind::BadState.here())), "{what}");
    }
    // The key table itself in the buffer.
    let table = c.buf.wrapping_add(len + 128);
    let table = table.wrapping_add(table.align_offset(8)).cast::<suit_key>();
    // SAFETY: `table` is inside the buffer's spare bytes, aligned.
    unsafe {
        table.write(k);
        err(
            suit_authenticate(c.p(), v.envelope.as_ptr(), len, table, 1, 0, 0),
            ErrorKind::InvalidArgument,
        );
    }
    // A key inside the context.
    k.key = c.p().cast::<u8>().wrapping_add(32).cast_const();
    // SAFETY: inside the live context storage; refused before it is read.
    unsafe {
        err(
            suit_authenticate(c.p(), v.envelope.as_ptr(), len, &k, 1, 0, 0),
            ErrorKind::InvalidArgument,
        );
    }
    // Held elsewhere, the same key authenticates.
    ok(c.auth(&v.envelope, 0));
    drop(c);

    // Zero-copy: an envelope inside the context is refused.
    let z = Ctx::zero_copy();
    let k = key();
    // SAFETY: points inside the live context storage; refused before it is read.
    unsafe {
        err(
            suit_authenticate(z.p(), z.p().cast::<u8>().add(8), 64, &k, 1, 0, 0),
            ErrorKind::InvalidArgument,
        );
    }
}

// ---- procedures -------------------------------------------------------------------

#[test]
fn update_and_invoke_through_callbacks() {
    let v = vectors();
    let c = Ctx::copy_mode(2048);
    ok(c.auth(&v.envelope, 0));
    let d = Device::new(&v.image);
    let p = platform(&d);
    let (r, verdict) = run_update(&c, &p, 0);
    ok(r);
    assert_eq!(verdict, SUIT_VERDICT_ALLOW);
    let mut calls = d.get().calls.clone();
    calls.dedup();
    assert_eq!(
        calls,
        [
            "vendor", "class", "fetch", "read", "vendor", "class", "read"
        ]
    );
    assert!(d.get().reports >= 8);

    d.get().calls.clear();
    let (r, verdict, boot) = run_invoke(&c, &p);
    ok(r);
    assert_eq!((verdict, boot), (SUIT_VERDICT_ALLOW, 0));
    // invoke is not called without SUIT_RUN_INVOKE_CALLBACK...
    assert!(!d.get().calls.contains(&"invoke"));
    // ...and is with it.
    let (mut vv, mut b) = (0, 0);
    // SAFETY: live pointers.
    ok(unsafe { suit_run_invoke(c.p(), &p, SUIT_RUN_INVOKE_CALLBACK, &mut vv, &mut b) });
    assert!(d.get().calls.contains(&"invoke"));
    // One section; the shared sequence alone; an absent section.
    // SAFETY: live pointers.
    unsafe {
        ok(suit_run_section(
            c.p(),
            SUIT_SECTION_VALIDATE,
            &p,
            0,
            &mut vv,
        ));
        assert_eq!(vv, SUIT_VERDICT_ALLOW);
        ok(suit_run_section(c.p(), SUIT_SECTION_SHARED, &p, 0, &mut vv));
        err(
            suit_run_section(c.p(), SUIT_SECTION_LOAD, &p, 0, &mut vv),
            ErrorKind::SectionAbsent,
        );
        assert_eq!(vv, SUIT_VERDICT_DENY);
        // A dry run asks `supports` instead of fetching; NULL `supports`
        // answers yes for the directives whose callback is set.
        assert!(p.supports.is_none() && p.fetch.is_some());
        d.get().calls.clear();
        d.get().fetched = None;
        ok(suit_run_update(c.p(), &p, SUIT_RUN_DRY_RUN, &mut vv));
        assert!(!d.get().calls.contains(&"fetch"));
        // Without a fetch callback the dry run refuses the fetch, as the
        // real run would (it used to approve it).
        let no_fetch = suit_platform { fetch: None, ..p };
        err(
            suit_run_update(c.p(), &no_fetch, SUIT_RUN_DRY_RUN, &mut vv),
            ErrorKind::PlatformUnsupported,
        );
        assert_eq!(vv, SUIT_VERDICT_DENY);
    }
}

#[test]
fn every_callback_failure_denies() {
    let v = vectors();
    let c = Ctx::copy_mode(2048);
    ok(c.auth(&v.envelope, 0));
    for (fail, want, section, command) in [
        ("vendor", ErrorKind::PlatformFailed, 0, 1),
        ("vendor:nomatch", ErrorKind::VendorMismatch, 0, 1),
        ("vendor:unsupported", ErrorKind::PlatformUnsupported, 0, 1),
        ("vendor:garbage", ErrorKind::PlatformFailed, 0, 1),
        ("class", ErrorKind::PlatformFailed, 0, 2),
        ("class:nomatch", ErrorKind::ClassMismatch, 0, 2),
        ("fetch", ErrorKind::PlatformFailed, 20, 21),
        ("fetch:unsupported", ErrorKind::PlatformUnsupported, 20, 21),
        ("fetch:wait", ErrorKind::Pending, 20, 21),
        ("read", ErrorKind::PlatformFailed, 20, 3),
        ("read:wait", ErrorKind::Pending, 20, 3),
    ] {
        let d = Device::new(&v.image);
        d.get().fail = fail;
        let p = platform(&d);
        let (r, verdict) = run_update(&c, &p, 0);
        err(r, want);
        assert_eq!(verdict, SUIT_VERDICT_DENY, "{fail}");
        let det = c.last();
        assert_eq!(det.result, r);
        if want != ErrorKind::Pending {
            assert_eq!(
                (det.section, det.command, det.component),
                (section, command, 0),
                "{fail}"
            );
        }
    }
    // A tampered image fails image-match in validate (after a good fetch the
    // device serves the tampered bytes).
    let mut bad = v.image.clone();
    bad[500] ^= 1;
    let d = Device::new(&bad);
    let p = platform(&d);
    let (r, verdict, boot) = run_invoke(&c, &p);
    err(r, ErrorKind::ImageDigestMismatch);
    assert_eq!((verdict, boot), (SUIT_VERDICT_DENY, SUIT_NO_COMPONENT));
    let det = c.last();
    assert_eq!(
        (det.section, det.command, det.component),
        (SUIT_SECTION_VALIDATE, 3, 0)
    );
    // The invoke callback failing (with SUIT_RUN_INVOKE_CALLBACK).
    let d = Device::new(&v.image);
    d.get().fail = "invoke";
    let p = platform(&d);
    let (mut vv, mut b) = (0, 0);
    // SAFETY: live pointers.
    err(
        unsafe { suit_run_invoke(c.p(), &p, SUIT_RUN_INVOKE_CALLBACK, &mut vv, &mut b) },
        ErrorKind::PlatformFailed,
    );
    assert_eq!(vv, SUIT_VERDICT_DENY);
    // All-NULL table: the first condition is unsupported.
    let d = Device::new(&v.image);
    let mut p = platform(&d);
    p.check_vendor = None;
    err(run_update(&c, &p, 0).0, ErrorKind::PlatformUnsupported);
}

#[test]
fn a_device_that_knows_its_digests_answers_image_match_without_reads() {
    let v = vectors();
    let c = Ctx::copy_mode(2048);
    ok(c.auth(&v.envelope, 0));
    let with_digests = |image: &[u8], fail: &'static str| {
        let d = Device::new(image);
        d.get().fail = fail;
        let p = suit_platform {
            component_digest: Some(component_digest),
            ..platform(&d)
        };
        let (r, verdict, boot) = run_invoke(&c, &p);
        (d, r, verdict, boot)
    };
    // The digest answers image-match: nothing is read.
    let (d, r, verdict, boot) = with_digests(&v.image, "");
    ok(r);
    assert_eq!((verdict, boot), (SUIT_VERDICT_ALLOW, 0));
    let size = u64::try_from(v.image.len()).unwrap();
    assert_eq!(d.get().digests_asked, [(0, -16, Some(size), 32)]);
    assert!(!d.get().calls.contains(&"read"), "{:?}", d.get().calls);
    // The library compares: the digest of other content fails image-match.
    let mut bad = v.image.clone();
    bad[500] ^= 1;
    let (d, r, verdict, boot) = with_digests(&bad, "");
    err(r, ErrorKind::ImageDigestMismatch);
    assert_eq!((verdict, boot), (SUIT_VERDICT_DENY, SUIT_NO_COMPONENT));
    assert!(!d.get().calls.contains(&"read"));
    // UNSUPPORTED: the library reads and hashes, as with a NULL callback.
    let (d, r, verdict, _) = with_digests(&v.image, "digest:unsupported");
    ok(r);
    assert_eq!(verdict, SUIT_VERDICT_ALLOW);
    assert!(d.get().calls.contains(&"read"));
    let (d, r, _, _) = with_digests(&bad, "digest:unsupported");
    err(r, ErrorKind::ImageDigestMismatch);
    assert!(d.get().calls.contains(&"read"));
    // Failures deny, like every other callback's.
    for (fail, want) in [
        ("digest", ErrorKind::PlatformFailed),
        ("digest:garbage", ErrorKind::PlatformFailed),
        ("digest:wait", ErrorKind::Pending),
    ] {
        let (d, r, verdict, boot) = with_digests(&v.image, fail);
        err(r, want);
        assert_eq!(
            (verdict, boot),
            (SUIT_VERDICT_DENY, SUIT_NO_COMPONENT),
            "{fail}"
        );
        assert!(!d.get().calls.contains(&"read"), "{fail}");
    }
}

#[test]
fn a_component_the_device_lacks_rejects_before_any_other_callback() {
    let v = vectors();
    let c = Ctx::copy_mode(2048);
    ok(c.auth(&v.envelope, 0));
    for (fail, want) in [
        ("component:nomatch", ErrorKind::ComponentUnsupported),
        ("component:unsupported", ErrorKind::ComponentUnsupported),
        ("component", ErrorKind::PlatformFailed),
        ("component:garbage", ErrorKind::PlatformFailed),
        ("component:wait", ErrorKind::Pending),
    ] {
        let d = Device::new(&v.image);
        d.get().fail = fail;
        let p = platform(&d);
        let (r, verdict) = run_update(&c, &p, 0);
        err(r, want);
        assert_eq!(verdict, SUIT_VERDICT_DENY, "{fail}");
        assert!(d.get().calls.is_empty(), "{fail}: {:?}", d.get().calls);
        assert_eq!(
            (d.get().reports, d.get().components_asked),
            (0, 1),
            "{fail}"
        );
        if want != ErrorKind::Pending {
            // No command ran; the detail names the component.
            let det = c.last();
            assert_eq!(
                (det.section, det.command, det.component),
                (SUIT_NO_SECTION, 0, 0),
                "{fail}"
            );
            assert_ne!(det.offset, SUIT_NO_OFFSET, "{fail}");
        }
    }
    // Supported: asked once per run, before the commands.
    let d = Device::new(&v.image);
    let p = platform(&d);
    ok(run_update(&c, &p, 0).0);
    assert_eq!(d.get().components_asked, 1);
}

#[test]
fn callbacks_cannot_reenter_their_context() {
    let v = vectors();
    let c = Ctx::copy_mode(2048);
    ok(c.auth(&v.envelope, 0));
    let d = Device::new(&v.image);
    d.get().ctx = c.p();
    let p = platform(&d);
    ok(run_update(&c, &p, 0).0);
    err(d.get().reentry.unwrap(), ErrorKind::BadState);
    // And the context works normally afterwards.
    assert_eq!(c.seq(), Ok(fixture::SEQUENCE));
}

// ---- one call: authenticate and run ----------------------------------------------------

/// `suit_authenticate_and_run` of `env` with one trusted key and no
/// required signer.
///
/// # Safety
/// The function's contract: `ctx`, `platform`, `verdict` and `boot` NULL or
/// live for the call.
#[allow(clippy::too_many_arguments)] // the C function's, less three
unsafe fn one_call(
    ctx: *mut suit_ctx,
    env: &[u8],
    key: &suit_key,
    min_seq: u64,
    procedure: i64,
    platform: *const suit_platform,
    flags: u32,
    verdict: *mut suit_verdict,
    boot: *mut u32,
) -> suit_result {
    // SAFETY: forwarded contract; `env` and `key` are live.
    unsafe {
        suit_authenticate_and_run(
            ctx,
            env.as_ptr(),
            env.len(),
            key,
            1,
            min_seq,
            0,
            procedure,
            platform,
            flags,
            verdict,
            boot,
        )
    }
}

/// `suit_authenticate_and_run` with the fixture's key: the result, the
/// verdict and the boot component (the outputs start at 0 and 77).
fn auth_run(
    c: &Ctx,
    env: &[u8],
    min_seq: u64,
    procedure: i64,
    p: *const suit_platform,
    flags: u32,
) -> (suit_result, suit_verdict, u32) {
    let k = key();
    let (mut v, mut b) = (0u32, 77u32);
    // SAFETY: all pointers live for the call (`p` NULL or live).
    let r = unsafe { one_call(c.p(), env, &k, min_seq, procedure, p, flags, &mut v, &mut b) };
    (r, v, b)
}

#[test]
fn one_call_authenticates_and_runs_each_procedure() {
    let v = vectors();
    for (mode, c) in [
        ("copy", Ctx::copy_mode(2048)),
        ("zero-copy", Ctx::zero_copy()),
    ] {
        // The update procedure calls back exactly as the two calls do.
        let two = Ctx::copy_mode(2048);
        ok(two.auth(&v.envelope, 0));
        let d2 = Device::new(&v.image);
        ok(run_update(&two, &platform(&d2), 0).0);
        let d = Device::new(&v.image);
        let p = platform(&d);
        let r = auth_run(&c, &v.envelope, 0, SUIT_PROCEDURE_UPDATE, &p, 0);
        assert_eq!(r, (SUIT_RESULT_OK, SUIT_VERDICT_ALLOW, 77), "{mode}");
        assert_eq!(d.get().calls, d2.get().calls, "{mode}");
        assert_eq!(d.get().reports, d2.get().reports, "{mode}");
        // The context holds the manifest: queries and runs work.
        still_works(&c, &p, mode);
        // Invoke names the boot component.
        let r = auth_run(&c, &v.envelope, 0, SUIT_PROCEDURE_INVOKE, &p, 0);
        assert_eq!(r, (SUIT_RESULT_OK, SUIT_VERDICT_ALLOW, 0), "{mode}");
        // A section, and the shared sequence alone.
        for section in [SUIT_SECTION_VALIDATE, SUIT_SECTION_SHARED] {
            let r = auth_run(&c, &v.envelope, 0, section, &p, 0);
            assert_eq!(r, (SUIT_RESULT_OK, SUIT_VERDICT_ALLOW, 77), "{mode}");
        }
        // With a NULL boot component when the procedure names none.
        let k = key();
        let mut verdict = 0;
        // SAFETY: live pointers; `boot_component` unused.
        ok(unsafe {
            one_call(
                c.p(),
                &v.envelope,
                &k,
                0,
                SUIT_PROCEDURE_UPDATE,
                &p,
                SUIT_RUN_DRY_RUN,
                &mut verdict,
                null_mut(),
            )
        });
        assert_eq!(verdict, SUIT_VERDICT_ALLOW);
        assert_eq!(c.last().result, SUIT_RESULT_OK);
    }
}

#[test]
fn one_call_refuses_bad_arguments_before_reading_the_envelope() {
    let v = vectors();
    let cd = Raw::new(CryptoDev::default());
    let table = crypto_table(&cd);
    let c = Ctx::copy_mode(2048);
    // SAFETY: live pointers.
    ok(unsafe { suit_ctx_set_crypto(c.p(), &table) });
    let d = Device::new(&v.image);
    let p = platform(&d);
    let both = SUIT_RUN_IDENTITY_PER_COMPONENT | SUIT_RUN_IDENTITY_RELAXED;
    for (what, procedure, plat, flags, want) in [
        (
            "procedure -3",
            -3,
            &raw const p,
            0,
            ErrorKind::InvalidArgument,
        ),
        (
            "procedure MIN",
            i64::MIN,
            &raw const p,
            0,
            ErrorKind::InvalidArgument,
        ),
        (
            "unknown flag",
            SUIT_PROCEDURE_UPDATE,
            &raw const p,
            0x100,
            ErrorKind::InvalidArgument,
        ),
        (
            "both identity flags",
            SUIT_PROCEDURE_UPDATE,
            &raw const p,
            both,
            ErrorKind::InvalidArgument,
        ),
        (
            "NULL platform",
            SUIT_PROCEDURE_INVOKE,
            null(),
            0,
            ErrorKind::NullPointer,
        ),
    ] {
        ok(c.auth(&v.envelope, 0));
        let before = (cdev(table.user).inits, cdev(table.user).verifies);
        let (r, verdict, _) = auth_run(&c, &v.envelope, 0, procedure, plat, flags);
        err(r, want);
        assert_eq!(verdict, SUIT_VERDICT_DENY, "{what}");
        // Nothing hashed or verified, no callback, and the earlier
        // authentication is forgotten.
        assert_eq!(
            (cdev(table.user).inits, cdev(table.user).verifies),
            before,
            "{what}"
        );
        assert!(d.get().calls.is_empty(), "{what}");
        assert_eq!(c.last().result, u32::from(want.code()), "{what}");
        assert_eq!(
            c.seq().map_err(kind),
            Err(Some(ErrorKind::BadState)),
            "{what}"
        );
    }
    // NULL outputs.
    let verified = cdev(table.user).verifies;
    let k = key();
    let mut verdict = 0;
    // SAFETY: live pointers; the NULL outputs are refused.
    unsafe {
        err(
            one_call(
                c.p(),
                &v.envelope,
                &k,
                0,
                SUIT_PROCEDURE_UPDATE,
                &p,
                0,
                null_mut(),
                null_mut(),
            ),
            ErrorKind::NullPointer,
        );
        err(
            one_call(
                c.p(),
                &v.envelope,
                &k,
                0,
                SUIT_PROCEDURE_INVOKE,
                &p,
                0,
                &mut verdict,
                null_mut(),
            ),
            ErrorKind::NullPointer,
        );
        assert_eq!(verdict, SUIT_VERDICT_DENY);
        err(
            one_call(
                null_mut(),
                &v.envelope,
                &k,
                0,
                SUIT_PROCEDURE_UPDATE,
                &p,
                0,
                &mut verdict,
                null_mut(),
            ),
            ErrorKind::NullPointer,
        );
    }
    assert_eq!(cdev(table.user).verifies, verified);
    assert!(d.get().calls.is_empty());
}

#[test]
fn one_call_runs_nothing_when_authentication_fails() {
    let v = vectors();
    let mut tampered = v.envelope.clone();
    let last = tampered.len() - 1; // inside the last member
    tampered[last] ^= 1;
    let other = fixture::p256_key().public_raw();
    let untrusted = suit_key {
        key_type: SUIT_KEY_P256,
        key: other.as_ptr(),
        key_len: other.len(),
        kid: null(),
        kid_len: 0,
    };
    let seq = fixture::SEQUENCE;
    let ed = key();
    for (what, env, min_seq, cap, k, want) in [
        (
            "tampered",
            &tampered,
            0,
            2048,
            ed,
            ErrorKind::AuthDigestMismatch,
        ),
        (
            "rollback",
            &v.envelope,
            seq + 1,
            2048,
            ed,
            ErrorKind::SequenceRollback,
        ),
        (
            "unsigned",
            &v.unsigned,
            0,
            2048,
            ed,
            ErrorKind::AuthNoSignature,
        ),
        (
            "too long",
            &v.envelope,
            0,
            16,
            ed,
            ErrorKind::BufferTooSmall,
        ),
        (
            "untrusted key",
            &v.envelope,
            0,
            2048,
            untrusted,
            ErrorKind::AuthUntrustedKey,
        ),
    ] {
        let c = Ctx::copy_mode(cap);
        let d = Device::new(&v.image);
        let p = platform(&d);
        let (mut verdict, mut boot) = (0u32, 77u32);
        // SAFETY: live pointers.
        let r = unsafe {
            one_call(
                c.p(),
                env,
                &k,
                min_seq,
                SUIT_PROCEDURE_INVOKE,
                &p,
                0,
                &mut verdict,
                &mut boot,
            )
        };
        err(r, want);
        // suit_authenticate refuses it the same way.
        let c2 = Ctx::copy_mode(cap);
        // SAFETY: live pointers.
        let alone =
            unsafe { suit_authenticate(c2.p(), env.as_ptr(), env.len(), &k, 1, min_seq, 0) };
        assert_eq!(r, alone, "{what}");
        assert_eq!(c.last(), c2.last(), "{what}");
        assert_eq!(
            (verdict, boot),
            (SUIT_VERDICT_DENY, SUIT_NO_COMPONENT),
            "{what}"
        );
        assert!(d.get().calls.is_empty(), "{what}: no callback");
        assert_eq!(
            c.seq().map_err(kind),
            Err(Some(ErrorKind::BadState)),
            "{what}"
        );
    }
}

#[test]
fn one_call_run_failures_keep_the_authentication() {
    let v = vectors();
    let c = Ctx::copy_mode(2048);
    for (fail, procedure, want, section, command) in [
        (
            "vendor:nomatch",
            SUIT_PROCEDURE_UPDATE,
            ErrorKind::VendorMismatch,
            0,
            1,
        ),
        (
            "fetch:wait",
            SUIT_PROCEDURE_UPDATE,
            ErrorKind::Pending,
            20,
            21,
        ),
        (
            "",
            SUIT_SECTION_LOAD,
            ErrorKind::SectionAbsent,
            SUIT_NO_SECTION,
            0,
        ),
    ] {
        let d = Device::new(&v.image);
        d.get().fail = fail;
        let p = platform(&d);
        let (r, verdict, _) = auth_run(&c, &v.envelope, 0, procedure, &p, 0);
        err(r, want);
        assert_eq!(verdict, SUIT_VERDICT_DENY, "{fail}");
        let last = c.last();
        assert_eq!(
            (last.result, last.section, last.command),
            (u32::from(want.code()), section, command),
            "{fail}"
        );
        // Authenticated all the same: a second run needs no second call.
        d.get().fail = "";
        still_works(&c, &p, fail);
    }
}

#[test]
fn one_call_outputs_where_it_writes_are_refused_unwritten() {
    let v = vectors();
    let d = Device::new(&v.image);
    let p = platform(&d);
    let k = key();
    let call = |c: &Ctx, env: &[u8], procedure: i64, verdict: *mut u32, boot: *mut u32| {
        // SAFETY: live pointers; outputs in caller storage.
        unsafe { one_call(c.p(), env, &k, 0, procedure, &p, 0, verdict, boot) }
    };
    let c = Ctx::copy_mode(v.envelope.len() + 64);
    let mut boot = 0u32;
    for out in inside_ctx::<u32>(&c) {
        err(
            call(&c, &v.envelope, SUIT_PROCEDURE_UPDATE, out, null_mut()),
            ErrorKind::InvalidArgument,
        );
        err(
            call(&c, &v.envelope, SUIT_PROCEDURE_INVOKE, &mut boot, out),
            ErrorKind::InvalidArgument,
        );
    }
    still_works_after_auth(&c, &p);
    // Anywhere in the copy buffer, past the envelope's end too: the copy
    // goes there.
    for at in [0, v.envelope.len() + 4] {
        let out = c.buf.wrapping_add(at);
        let out = out.wrapping_add(out.align_offset(4)).cast::<u32>();
        // SAFETY: inside the live copy buffer.
        unsafe { out.write(0xA5A5_A5A5) };
        err(
            call(&c, &v.envelope, SUIT_PROCEDURE_UPDATE, out, null_mut()),
            ErrorKind::InvalidArgument,
        );
        // SAFETY: as above.
        assert_eq!(unsafe { out.read() }, 0xA5A5_A5A5, "unwritten");
    }
    // On each other.
    let mut verdict = 0x5A5A_5A5Au32;
    err(
        call(
            &c,
            &v.envelope,
            SUIT_PROCEDURE_INVOKE,
            &mut verdict,
            &mut verdict,
        ),
        ErrorKind::InvalidArgument,
    );
    assert_eq!(verdict, 0x5A5A_5A5A, "unwritten");
    // Inside the caller's envelope (zero-copy: the held one).
    let z = Ctx::zero_copy();
    d.get().calls.clear();
    let mut env = v.envelope.clone();
    let out = env.as_mut_ptr();
    let out = out.wrapping_add(out.align_offset(4) + 8).cast::<u32>();
    // SAFETY: `out` is inside `env`; refused before anything is written or
    // read (the envelope is read through the same pointer's allocation).
    let r = unsafe {
        let (ep, el) = (env.as_ptr(), env.len());
        suit_authenticate_and_run(
            z.p(),
            ep,
            el,
            &k,
            1,
            0,
            0,
            SUIT_PROCEDURE_UPDATE,
            &p,
            0,
            out,
            null_mut(),
        )
    };
    err(r, ErrorKind::InvalidArgument);
    assert_eq!(env, v.envelope, "unwritten");
    assert!(d.get().calls.is_empty());
    // A boot component the procedure does not write may lie anywhere.
    let mut verdict = 0u32;
    ok(call(
        &z,
        &v.envelope,
        SUIT_PROCEDURE_UPDATE,
        &mut verdict,
        c.p().cast(),
    ));
    assert_eq!(verdict, SUIT_VERDICT_ALLOW);
}

/// Authenticates again and runs: a refused call left the context usable.
fn still_works_after_auth(c: &Ctx, p: &suit_platform) {
    let r = auth_run(c, &vectors().envelope, 0, SUIT_PROCEDURE_UPDATE, p, 0);
    assert_eq!(r, (SUIT_RESULT_OK, SUIT_VERDICT_ALLOW, 77));
}

#[test]
fn one_call_callbacks_cannot_reenter_and_crypto_failures_deny() {
    let v = vectors();
    let c = Ctx::copy_mode(2048);
    let d = Device::new(&v.image);
    d.get().ctx = c.p();
    let p = platform(&d);
    ok(auth_run(&c, &v.envelope, 0, SUIT_PROCEDURE_UPDATE, &p, 0).0);
    err(d.get().reentry.unwrap(), ErrorKind::BadState);
    d.get().ctx = null_mut();

    let cd = Raw::new(CryptoDev::default());
    let table = crypto_table(&cd);
    // SAFETY: live pointers.
    ok(unsafe { suit_ctx_set_crypto(c.p(), &table) });
    for (fail, want) in [
        ("update", ErrorKind::CryptoBackend),
        ("verify", ErrorKind::CryptoBackend),
        ("verify:deny", ErrorKind::AuthSignatureInvalid),
    ] {
        cdev(table.user).fail = fail;
        d.get().calls.clear();
        let (r, verdict, _) = auth_run(&c, &v.envelope, 0, SUIT_PROCEDURE_UPDATE, &p, 0);
        err(r, want);
        assert_eq!(verdict, SUIT_VERDICT_DENY, "{fail}");
        assert!(d.get().calls.is_empty(), "{fail}: no callback");
    }
    cdev(table.user).fail = "";
    ok(auth_run(&c, &v.envelope, 0, SUIT_PROCEDURE_UPDATE, &p, 0).0);
}

// ---- the streaming image verifier ------------------------------------------------------

const VER_SIZE: usize = core::mem::size_of::<suit_image_verifier>();

/// Update and finish on verifier `v` are both refused with `kind`, and the
/// verdict is DENY.
fn refused(v: *mut suit_image_verifier, kind: ErrorKind) {
    let mut verdict = SUIT_VERDICT_ALLOW;
    // SAFETY: `v` is live storage (or NULL), the chunk and verdict locals.
    unsafe {
        err(suit_image_verifier_update(v, [0u8].as_ptr(), 1), kind);
        err(suit_image_verifier_finish(v, &mut verdict), kind);
    }
    assert_eq!(verdict, SUIT_VERDICT_DENY);
}

/// Feed `rest` of the image to `v`, finish with ALLOW and release `v`.
///
/// # Safety
/// `v` is a live, initialised verifier.
unsafe fn finish_allowed(v: *mut suit_image_verifier, rest: &[u8]) {
    // SAFETY: forwarded contract; `rest` and the verdict are live.
    unsafe {
        ok(suit_image_verifier_update(v, rest.as_ptr(), rest.len()));
        let mut verdict = SUIT_VERDICT_DENY;
        ok(suit_image_verifier_finish(v, &mut verdict));
        assert_eq!(verdict, SUIT_VERDICT_ALLOW);
        ok(suit_image_verifier_deinit(v));
    }
}

fn verify_image(c: &Ctx, image: &[u8], chunk: usize) -> (suit_result, suit_verdict) {
    let v = Storage::<suit_image_verifier>::garbage(0xEE);
    let d = Device::new(&vectors().image);
    let p = platform(&d);
    // SAFETY: live storage, context and platform.
    unsafe {
        ok(suit_image_verifier_init(
            v.ptr,
            VER_SIZE,
            SUIT_ABI_VERSION,
            c.p(),
            &p,
            0,
        ));
        let mut r = SUIT_RESULT_OK;
        for part in image.chunks(chunk) {
            r = suit_image_verifier_update(v.ptr, part.as_ptr(), part.len());
            if r != SUIT_RESULT_OK {
                break;
            }
        }
        let mut verdict = SUIT_VERDICT_ALLOW;
        let f = suit_image_verifier_finish(v.ptr, &mut verdict);
        if r == SUIT_RESULT_OK {
            r = f;
        } else {
            assert_eq!(f, r, "errors are sticky");
        }
        ok(suit_image_verifier_deinit(v.ptr));
        err(suit_image_verifier_deinit(v.ptr), ErrorKind::BadState);
        (r, verdict)
    }
}

#[test]
fn streaming_verifier_with_every_chunk_size() {
    let v = vectors();
    let c = Ctx::copy_mode(2048);
    ok(c.auth(&v.envelope, 0));
    for chunk in [1, 7, 64, 4096] {
        let (r, verdict) = verify_image(&c, &v.image, chunk);
        ok(r);
        assert_eq!(verdict, SUIT_VERDICT_ALLOW, "chunk {chunk}");
    }
    let mut bad = v.image.clone();
    bad[IMAGE_LEN - 1] ^= 0x80;
    for chunk in [1, 64] {
        let (r, verdict) = verify_image(&c, &bad, chunk);
        err(r, ErrorKind::ImageDigestMismatch);
        assert_eq!(verdict, SUIT_VERDICT_DENY);
    }
    let (r, verdict) = verify_image(&c, &v.image[..IMAGE_LEN - 1], 64);
    err(r, ErrorKind::ImageSizeMismatch);
    assert_eq!(verdict, SUIT_VERDICT_DENY);
    let mut long = v.image.clone();
    long.push(0);
    let (r, verdict) = verify_image(&c, &long, 7);
    err(r, ErrorKind::ImageSizeMismatch);
    assert_eq!(verdict, SUIT_VERDICT_DENY);
}

#[test]
fn streaming_verifier_misuse() {
    let v = vectors();
    let c = Ctx::copy_mode(2048);
    let d = Device::new(&v.image);
    let p = platform(&d);
    let s = Storage::<suit_image_verifier>::garbage(0x11);
    let mut verdict = SUIT_VERDICT_ALLOW;
    let (mut seen, mut left) = (0u64, 0u64);
    // SAFETY: live or NULL pointers.
    unsafe {
        // Not initialised.
        refused(s.ptr, ErrorKind::BadState);
        err(suit_image_verifier_deinit(s.ptr), ErrorKind::BadState);
        err(
            suit_image_verifier_progress(s.ptr, &mut seen, &mut left),
            ErrorKind::BadState,
        );
        err(
            suit_image_verifier_update(null_mut(), v.image.as_ptr(), 1),
            ErrorKind::NullPointer,
        );
        // Context not authenticated yet.
        err(
            suit_image_verifier_init(s.ptr, VER_SIZE, SUIT_ABI_VERSION, c.p(), &p, 0),
            ErrorKind::BadState,
        );
        ok(c.auth(&v.envelope, 0));
        err(
            suit_image_verifier_init(null_mut(), VER_SIZE, SUIT_ABI_VERSION, c.p(), &p, 0),
            ErrorKind::NullPointer,
        );
        err(
            suit_image_verifier_init(s.ptr, VER_SIZE - 8, SUIT_ABI_VERSION, c.p(), &p, 0),
            ErrorKind::AbiMismatch,
        );
        err(
            suit_image_verifier_init(s.ptr, VER_SIZE, 99, c.p(), &p, 0),
            ErrorKind::AbiMismatch,
        );
        err(
            suit_image_verifier_init(s.ptr, VER_SIZE, SUIT_ABI_VERSION, null_mut(), &p, 0),
            ErrorKind::NullPointer,
        );
        err(
            suit_image_verifier_init(s.ptr, VER_SIZE, SUIT_ABI_VERSION, c.p(), null(), 0),
            ErrorKind::NullPointer,
        );
        err(
            suit_image_verifier_init(s.ptr, VER_SIZE, SUIT_ABI_VERSION, c.p(), &p, 1),
            ErrorKind::ComponentIndexOutOfRange,
        );
        // A failing vendor check in the shared sequence: no verifier.
        d.get().fail = "vendor";
        err(
            suit_image_verifier_init(s.ptr, VER_SIZE, SUIT_ABI_VERSION, c.p(), &p, 0),
            ErrorKind::PlatformFailed,
        );
        err(
            suit_image_verifier_update(s.ptr, null(), 0),
            ErrorKind::BadState,
        );
        d.get().fail = "";
        ok(suit_image_verifier_init(
            s.ptr,
            VER_SIZE,
            SUIT_ABI_VERSION,
            c.p(),
            &p,
            0,
        ));
        err(
            suit_image_verifier_init(s.ptr, VER_SIZE, SUIT_ABI_VERSION, c.p(), &p, 0),
            ErrorKind::BadState,
        );
        err(
            suit_image_verifier_update(s.ptr, null(), 3),
            ErrorKind::NullPointer,
        );
        ok(suit_image_verifier_update(s.ptr, null(), 0));
        ok(suit_image_verifier_update(s.ptr, v.image.as_ptr(), 10));
        ok(suit_image_verifier_progress(s.ptr, &mut seen, &mut left));
        assert_eq!((seen, left), (10, (IMAGE_LEN - 10) as u64));
        ok(suit_image_verifier_progress(s.ptr, null_mut(), null_mut()));
        // A misaligned output: refused, and the other one is not written.
        let mut words = [0u64; 2];
        let misaligned = words
            .as_mut_ptr()
            .cast::<u8>()
            .wrapping_add(1)
            .cast::<u64>();
        seen = 777;
        err(
            suit_image_verifier_progress(s.ptr, &mut seen, misaligned),
            ErrorKind::InvalidArgument,
        );
        assert_eq!(seen, 777);
        err(
            suit_image_verifier_finish(s.ptr, null_mut()),
            ErrorKind::NullPointer,
        );
        ok(suit_image_verifier_update(
            s.ptr,
            v.image[10..].as_ptr(),
            IMAGE_LEN - 10,
        ));
        ok(suit_image_verifier_finish(s.ptr, &mut verdict));
        assert_eq!(verdict, SUIT_VERDICT_ALLOW);
        // Finished: no more data, no second verdict.
        refused(s.ptr, ErrorKind::BadState);
        // The context is independent of the verifier: deinit it first.
        ok(suit_ctx_deinit(c.p()));
        ok(suit_image_verifier_deinit(s.ptr));
        // Deinit of an active verifier.
        ok(c.copy_init_again());
        ok(c.auth(&v.envelope, 0));
        ok(suit_image_verifier_init(
            s.ptr,
            VER_SIZE,
            SUIT_ABI_VERSION,
            c.p(),
            &p,
            0,
        ));
        ok(suit_image_verifier_update(s.ptr, v.image.as_ptr(), 100));
        ok(suit_image_verifier_deinit(s.ptr));
    }
}

impl Ctx {
    fn copy_init_again(&self) -> suit_result {
        // SAFETY: live storage and buffer (2048 bytes, as created).
        unsafe { suit_ctx_init(self.p(), CTX_SIZE, SUIT_ABI_VERSION, self.buf, 2048) }
    }
}

// ---- C crypto callbacks -------------------------------------------------------------

/// The crypto device behind `suit_crypto.user`.
#[derive(Default)]
struct CryptoDev {
    fail: &'static str,
    inits: usize,
    /// `digest_init` calls answered `SUIT_PLATFORM_UNSUPPORTED` (no hash
    /// started: nothing to end).
    unsupported: usize,
    finishes: usize,
    aborts: usize,
    verifies: usize,
    /// `verify` calls handed to `suit_crypto_verify_builtin`.
    delegated: usize,
    updates: usize,
    /// Call back into this context / verifier from inside the callbacks
    /// and record what each call returned.
    reenter_ctx: Option<*mut suit_ctx>,
    reenter_verifier: Option<*mut suit_image_verifier>,
    reentries: Vec<suit_result>,
    /// `digest_abort` calls that found the state zeroed (not the hash that
    /// `digest_init` set up there).
    zeroed_aborts: usize,
}

impl CryptoDev {
    /// Try every kind of call on the context and the verifier under test.
    fn reenter(&mut self) {
        if let Some(ctx) = self.reenter_ctx {
            let mut seq = 0u64;
            // SAFETY: the test passes a live context.
            unsafe {
                self.reentries
                    .push(suit_manifest_sequence_number(ctx, &mut seq));
                self.reentries
                    .push(suit_authenticate(ctx, null(), 0, null(), 0, 0, 0));
                self.reentries.push(suit_ctx_deinit(ctx));
            }
        }
        if let Some(v) = self.reenter_verifier {
            let (mut seen, mut verdict) = (0u64, 0);
            // SAFETY: the test passes live verifier storage.
            unsafe {
                self.reentries
                    .push(suit_image_verifier_update(v, null(), 0));
                self.reentries
                    .push(suit_image_verifier_progress(v, &mut seen, null_mut()));
                self.reentries
                    .push(suit_image_verifier_finish(v, &mut verdict));
                self.reentries.push(suit_image_verifier_deinit(v));
            }
        }
    }
}

fn cdev<'a>(user: *mut c_void) -> &'a mut CryptoDev {
    // SAFETY: tests pass a live `CryptoDev`.
    unsafe { &mut *user.cast::<CryptoDev>() }
}

type Sha = suit_verify::crypto::RustHasher;

/// Written by `c_init` after the hasher in the state area, checked by
/// `c_abort`: an abort must get the state its init set up, not a wiped one.
const MARKER: u64 = 0x5355_4954_4841_5348;
const MARKER_AT: usize = size_of::<Sha>().next_multiple_of(8);

unsafe extern "C" fn c_init(user: *mut c_void, state: *mut c_void, size: usize, alg: i32) -> i32 {
    let d = cdev(user);
    d.inits += 1;
    if d.fail == "init" {
        return SUIT_PLATFORM_FAIL;
    }
    if alg != -16 {
        d.unsupported += 1;
        return SUIT_PLATFORM_UNSUPPORTED;
    }
    assert!(size >= MARKER_AT + 8 && state.cast::<Sha>().is_aligned());
    // SAFETY: in the area (asserted), 8-aligned (the area is).
    unsafe {
        state
            .cast::<u8>()
            .add(MARKER_AT)
            .cast::<u64>()
            .write(MARKER)
    };
    use suit_verify::Crypto;
    let h = suit_verify::RustCrypto
        .hasher(suit_verify::crypto::DigestAlg::Sha256)
        .unwrap();
    // SAFETY: the state area is large and aligned enough (asserted).
    unsafe { state.cast::<Sha>().write(h) };
    SUIT_PLATFORM_OK
}

unsafe extern "C" fn c_update(
    user: *mut c_void,
    state: *mut c_void,
    data: *const u8,
    len: usize,
) -> i32 {
    let d = cdev(user);
    d.updates += 1;
    // "update" fails every update; "update:2" the second of the call only.
    if d.fail == "update" || (d.fail == "update:2" && d.updates == 2) {
        return SUIT_PLATFORM_FAIL;
    }
    cdev(user).reenter();
    use suit_verify::crypto::Hasher;
    // SAFETY: `c_init` put a hasher there; `data` has `len` bytes.
    unsafe { (*state.cast::<Sha>()).update(core::slice::from_raw_parts(data, len)) };
    SUIT_PLATFORM_OK
}

unsafe extern "C" fn c_finish(
    user: *mut c_void,
    state: *mut c_void,
    out: *mut u8,
    size: usize,
    len: *mut usize,
) -> i32 {
    let d = cdev(user);
    d.finishes += 1;
    use suit_verify::crypto::Hasher;
    // SAFETY: `c_init` put a hasher there; it is moved out once.
    let h = unsafe { state.cast::<Sha>().read() };
    let mut buf = [0u8; 64];
    let n = h.finish(&mut buf);
    if d.fail == "finish" {
        return SUIT_PLATFORM_FAIL;
    }
    assert!(size >= n);
    // SAFETY: `out` has `size >= n` bytes, `len` is writable.
    unsafe {
        core::ptr::copy_nonoverlapping(buf.as_ptr(), out, n);
        *len = if d.fail == "finish:long" { 65 } else { n };
    }
    SUIT_PLATFORM_OK
}

unsafe extern "C" fn c_abort(user: *mut c_void, state: *mut c_void) {
    cdev(user).aborts += 1;
    cdev(user).reenter();
    // SAFETY: `c_init` wrote the marker there (the area is large enough).
    if unsafe { state.cast::<u8>().add(MARKER_AT).cast::<u64>().read() } != MARKER {
        cdev(user).zeroed_aborts += 1;
        return;
    }
    // SAFETY: `c_init` put a hasher there; dropped once.
    drop(unsafe { state.cast::<Sha>().read() });
}

unsafe extern "C" fn c_verify(
    user: *mut c_void,
    alg: i32,
    key_type: u32,
    key: *const u8,
    key_len: usize,
    parts: *const suit_bytes,
    n: usize,
    sig: *const u8,
    sig_len: usize,
) -> suit_verdict {
    let d = cdev(user);
    d.verifies += 1;
    d.reenter();
    match d.fail {
        "verify" => return 0x1234,
        "verify:deny" => return SUIT_VERDICT_DENY,
        _ => {}
    }
    assert_eq!(key_type, SUIT_KEY_ED25519);
    let alg = suit_verify::crypto::SigAlg::from_cose(i64::from(alg)).unwrap();
    // SAFETY: the library passes live slices for the call.
    let (key, msg, sig) = unsafe { c_verify_args(key, key_len, parts, n, sig, sig_len) };
    use suit_verify::Crypto;
    match suit_verify::RustCrypto.verify(alg, key, &msg, sig) {
        Ok(()) => SUIT_VERDICT_ALLOW,
        Err(_) => SUIT_VERDICT_DENY,
    }
}

/// The key, message parts and signature of a `verify` callback's call.
///
/// # Safety
/// Each pointer is valid for its length (the library's calls are).
unsafe fn c_verify_args<'a>(
    key: *const u8,
    key_len: usize,
    parts: *const suit_bytes,
    n: usize,
    sig: *const u8,
    sig_len: usize,
) -> (&'a [u8], Vec<&'a [u8]>, &'a [u8]) {
    // SAFETY: the caller's contract.
    unsafe {
        let parts = core::slice::from_raw_parts(parts, n);
        (
            core::slice::from_raw_parts(key, key_len),
            parts
                .iter()
                .map(|p| core::slice::from_raw_parts(p.ptr, p.len))
                .collect(),
            core::slice::from_raw_parts(sig, sig_len),
        )
    }
}

/// A firmware backend with P-256 only, as a CryptoCell-310 is: it verifies
/// ES256 and ESP256 itself (here with the encoder's P-256, not the library's) and
/// hands every other algorithm to `suit_crypto_verify_builtin`.
unsafe extern "C" fn p256_only_verify(
    user: *mut c_void,
    alg: i32,
    key_type: u32,
    key: *const u8,
    key_len: usize,
    parts: *const suit_bytes,
    n: usize,
    sig: *const u8,
    sig_len: usize,
) -> suit_verdict {
    let d = cdev(user);
    if alg != -7 && alg != -9 {
        d.delegated += 1;
        // "flip" changes a bit of the signature handed on.
        let mut flipped = [0u8; 64];
        let sig = if d.fail == "flip" && sig_len == flipped.len() {
            // SAFETY: the library passes `sig_len` bytes at `sig`.
            flipped.copy_from_slice(unsafe { core::slice::from_raw_parts(sig, sig_len) });
            flipped[10] ^= 0x04;
            flipped.as_ptr()
        } else {
            sig
        };
        // SAFETY: the library's arguments (or a live copy of the signature),
        // forwarded within its call.
        return unsafe {
            suit_crypto_verify_builtin(user, alg, key_type, key, key_len, parts, n, sig, sig_len)
        };
    }
    d.verifies += 1;
    assert_eq!(key_type, SUIT_KEY_P256);
    // SAFETY: the library passes live slices for the call.
    let (key, msg, sig) = unsafe { c_verify_args(key, key_len, parts, n, sig, sig_len) };
    let kt = suit_encoder::cose::KeyType::P256;
    match suit_encoder::cose::verify_raw(kt, key, &msg.concat(), sig) {
        Ok(()) => SUIT_VERDICT_ALLOW,
        Err(_) => SUIT_VERDICT_DENY,
    }
}

fn crypto_table(d: &Raw<CryptoDev>) -> suit_crypto {
    suit_crypto {
        user: d.0.cast(),
        digest_init: Some(c_init),
        digest_update: Some(c_update),
        digest_finish: Some(c_finish),
        digest_abort: Some(c_abort),
        verify: Some(c_verify),
    }
}

/// A C hash whose update failed releases the slot at once; dropped later,
/// it must not release it again while another hash holds it (a third would
/// then start in the area of the second).
#[test]
fn a_failed_c_hash_releases_its_slot_once() {
    use crate::crypto::{FfiCrypto, HashSlot};
    use suit_verify::crypto::{Crypto, DigestAlg, Hasher};
    let cd = Raw::new(CryptoDev {
        fail: "update:2",
        ..CryptoDev::default()
    });
    let slot = HashSlot::new();
    // SAFETY: `slot` outlives the backend and every hasher made below.
    let crypto = unsafe { FfiCrypto::new(Some(crypto_table(&cd)), &slot) };
    let mut a = crypto.hasher(DigestAlg::Sha256).unwrap();
    assert!(
        crypto.hasher(DigestAlg::Sha256).is_none(),
        "the slot is held"
    );
    a.update(b"one");
    a.update(b"two"); // fails: the slot is released
    let b = crypto.hasher(DigestAlg::Sha256).unwrap();
    drop(a);
    assert!(
        crypto.hasher(DigestAlg::Sha256).is_none(),
        "the slot is still held by the second hash"
    );
    drop(b);
    assert!(crypto.hasher(DigestAlg::Sha256).is_some());
}

#[test]
fn c_crypto_callbacks_are_used_and_their_failures_deny() {
    let v = vectors();
    let cd = Raw::new(CryptoDev::default());
    let table = crypto_table(&cd);
    let c = Ctx::copy_mode(2048);
    // SAFETY: live pointers.
    unsafe {
        ok(suit_ctx_set_crypto(c.p(), &table));
        ok(c.auth(&v.envelope, 0));
        assert_eq!(cdev(table.user).verifies, 1);
        assert!(cdev(table.user).inits >= 1);
        assert_eq!(c.seq(), Ok(fixture::SEQUENCE));
        let d = Device::new(&v.image);
        let p = platform(&d);
        let (r, verdict) = run_update(&c, &p, 0);
        ok(r);
        assert_eq!(verdict, SUIT_VERDICT_ALLOW);
        let (r, verdict) = verify_image(&c, &v.image, 64);
        ok(r);
        assert_eq!(verdict, SUIT_VERDICT_ALLOW);
        let dev = cdev(table.user);
        assert_eq!(dev.inits, dev.finishes + dev.aborts, "every C hash ended");
        // An active verifier released early aborts its C hash.
        let before = dev.aborts;
        let s = Storage::<suit_image_verifier>::garbage(0);
        ok(suit_image_verifier_init(
            s.ptr,
            VER_SIZE,
            SUIT_ABI_VERSION,
            c.p(),
            &p,
            0,
        ));
        ok(suit_image_verifier_update(s.ptr, v.image.as_ptr(), 5));
        ok(suit_image_verifier_deinit(s.ptr));
        // Two aborts: init's question about the image-digest algorithm,
        // and the deinit's of the verifier's hash.
        assert_eq!(cdev(table.user).aborts, before + 2);

        for (fail, want) in [
            ("init", ErrorKind::CryptoBackend),
            ("update", ErrorKind::CryptoBackend),
            ("finish", ErrorKind::CryptoBackend),
            ("finish:long", ErrorKind::CryptoBackend),
            ("verify", ErrorKind::CryptoBackend),
            ("verify:deny", ErrorKind::AuthSignatureInvalid),
        ] {
            cdev(table.user).fail = fail;
            err(c.auth(&v.envelope, 0), want);
            assert_eq!(c.last().result, u32::from(want.code()), "{fail}");
        }
        // A digest failure after authentication: queries, runs and the
        // image verifier report it.
        cdev(table.user).fail = "";
        ok(c.auth(&v.envelope, 0));
        cdev(table.user).fail = "update";
        assert_eq!(c.seq().map_err(kind), Err(Some(ErrorKind::CryptoBackend)));
        let (r, verdict) = run_update(&c, &p, 0);
        err(r, ErrorKind::CryptoBackend);
        assert_eq!(verdict, SUIT_VERDICT_DENY);
        let s = Storage::<suit_image_verifier>::garbage(0);
        err(
            suit_image_verifier_init(s.ptr, VER_SIZE, SUIT_ABI_VERSION, c.p(), &p, 0),
            ErrorKind::CryptoBackend,
        );
        cdev(table.user).fail = "";
        ok(suit_image_verifier_init(
            s.ptr,
            VER_SIZE,
            SUIT_ABI_VERSION,
            c.p(),
            &p,
            0,
        ));
        cdev(table.user).fail = "update";
        err(
            suit_image_verifier_update(s.ptr, v.image.as_ptr(), 5),
            ErrorKind::CryptoBackend,
        );
        refused(s.ptr, ErrorKind::CryptoBackend);
        ok(suit_image_verifier_deinit(s.ptr));
        cdev(table.user).fail = "";

        // Partial tables are refused; NULL returns to the built-in code.
        let partial = suit_crypto {
            digest_update: None,
            ..table
        };
        err(
            suit_ctx_set_crypto(c.p(), &partial),
            ErrorKind::InvalidArgument,
        );
        let abort_only = suit_crypto {
            digest_init: None,
            digest_update: None,
            digest_finish: None,
            ..table
        };
        err(
            suit_ctx_set_crypto(c.p(), &abort_only),
            ErrorKind::InvalidArgument,
        );
        let verify_only = suit_crypto {
            digest_abort: None,
            ..abort_only
        };
        ok(suit_ctx_set_crypto(c.p(), &verify_only));
        ok(suit_ctx_set_crypto(c.p(), null()));
        ok(c.auth(&v.envelope, 0));
    }
    drop(cd);
}

#[test]
#[cfg_attr(miri, ignore)] // P-256 signing and verification: minutes under Miri
fn a_verify_callback_hands_the_algorithms_it_lacks_to_the_builtin_check() {
    // Signed with Ed25519 and P-256; both keys required. The callback
    // verifies P-256 and delegates Ed25519, in any feature build that has
    // the Ed25519 code (the CI's ed25519-only build: P-256 in "hardware").
    let image = fixture::image(IMAGE_LEN);
    let env = fixture::envelope_both(&image);
    let p256 = fixture::p256_key().public_raw();
    let keys = [
        key(),
        suit_key {
            key_type: SUIT_KEY_P256,
            key: p256.as_ptr(),
            key_len: p256.len(),
            ..key()
        },
    ];
    let cd = Raw::new(CryptoDev::default());
    let table = suit_crypto {
        user: cd.0.cast(),
        digest_init: None,
        digest_update: None,
        digest_finish: None,
        digest_abort: None,
        verify: Some(p256_only_verify),
    };
    let c = Ctx::copy_mode(2048);
    // SAFETY: live pointers.
    unsafe {
        ok(suit_ctx_set_crypto(c.p(), &table));
        let auth = |env: &[u8]| {
            suit_authenticate(c.p(), env.as_ptr(), env.len(), keys.as_ptr(), 2, 0, 0b11)
        };
        ok(auth(&env));
        assert_eq!((cd.get().verifies, cd.get().delegated), (1, 1));
        // A changed Ed25519 signature: the built-in check denies it, so the
        // required Ed25519 signer has not signed.
        cd.get().fail = "flip";
        err(auth(&env), ErrorKind::AuthRequiredSignerMissing);
        assert_eq!((cd.get().verifies, cd.get().delegated), (2, 2));
    }
    drop(cd);
}

/// A C buffer: pointer and length.
type CBuf = (*const u8, usize);

#[test]
fn the_builtin_check_allows_only_a_valid_signature_it_has_the_code_for() {
    let sk = fixture::ed25519_key();
    let pk = sk.public_raw();
    let msg: [&[u8]; 9] = [
        b"Signature1",
        b"",
        b"\xa1\x01\x27",
        b"",
        b"payload",
        b"",
        b"",
        b"",
        b".",
    ];
    let sig = sk.sign_raw(&msg[..8].concat()).unwrap();
    let parts = |m: &[&[u8]]| -> Vec<suit_bytes> {
        m.iter()
            .map(|p| suit_bytes {
                ptr: if p.is_empty() { null() } else { p.as_ptr() },
                len: p.len(),
            })
            .collect()
    };
    let eight = parts(&msg[..8]);
    // SAFETY: every pointer is live for its length or NULL with length 0,
    // except where a case says otherwise (the function must refuse it).
    let check = |alg: i32, kt: u32, key: CBuf, p: &[suit_bytes], sig: CBuf| unsafe {
        suit_crypto_verify_builtin(
            null_mut(),
            alg,
            kt,
            key.0,
            key.1,
            p.as_ptr(),
            p.len(),
            sig.0,
            sig.1,
        )
    };
    let key = (pk.as_ptr(), pk.len());
    let good = (sig.as_ptr(), sig.len());
    for alg in [-8, -19] {
        assert_eq!(
            check(alg, SUIT_KEY_ED25519, key, &eight, good),
            SUIT_VERDICT_ALLOW,
            "{alg}"
        );
    }
    // Eight parts joined differently are the same message.
    let whole = msg[..8].concat();
    let joined = parts(&[&whole]);
    assert_eq!(
        check(-8, SUIT_KEY_ED25519, key, &joined, good),
        SUIT_VERDICT_ALLOW
    );

    let mut bad = sig.clone();
    bad[0] ^= 1;
    let null_part = [suit_bytes {
        ptr: null(),
        len: 1,
    }];
    let nine = parts(&msg);
    let ed = SUIT_KEY_ED25519;
    let denied = [
        (
            "signature changed",
            check(-8, ed, key, &eight, (bad.as_ptr(), bad.len())),
        ),
        ("message changed", check(-8, ed, key, &eight[..4], good)),
        ("nine parts", check(-8, ed, key, &nine, good)),
        (
            "key type not the algorithm's",
            check(-8, SUIT_KEY_P256, key, &eight, good),
        ),
        (
            "ES256 with an Ed25519 key",
            check(-7, ed, key, &eight, good),
        ),
        ("unknown algorithm", check(0, ed, key, &eight, good)),
        ("NULL key", check(-8, ed, (null(), pk.len()), &eight, good)),
        (
            "NULL signature",
            check(-8, ed, key, &eight, (null(), sig.len())),
        ),
        ("NULL part", check(-8, ed, key, &null_part, good)),
    ];
    for (case, verdict) in denied {
        assert_eq!(verdict, SUIT_VERDICT_DENY, "{case}");
    }
    // A NULL parts array with a count.
    // SAFETY: the function must refuse the NULL array without reading it.
    let v = unsafe {
        suit_crypto_verify_builtin(
            null_mut(),
            -8,
            SUIT_KEY_ED25519,
            key.0,
            key.1,
            null(),
            1,
            good.0,
            good.1,
        )
    };
    assert_eq!(v, SUIT_VERDICT_DENY);

    // ES256: allowed exactly when the build has the P-256 code (slow under
    // Miri, which runs the rest).
    #[cfg(not(miri))]
    {
        let sk = fixture::p256_key();
        let pk = sk.public_raw();
        let sig = sk.sign_raw(&msg[..8].concat()).unwrap();
        let want = if cfg!(feature = "p256") {
            SUIT_VERDICT_ALLOW
        } else {
            SUIT_VERDICT_DENY
        };
        let v = check(
            -7,
            SUIT_KEY_P256,
            (pk.as_ptr(), pk.len()),
            &eight,
            (sig.as_ptr(), sig.len()),
        );
        assert_eq!(v, want);
    }
}

#[test]
fn crypto_callbacks_cannot_reenter_their_context_or_verifier() {
    let v = vectors();
    let cd = Raw::new(CryptoDev::default());
    let table = crypto_table(&cd);
    let c = Ctx::copy_mode(2048);
    let d = Device::new(&v.image);
    let p = platform(&d);
    let s = Storage::<suit_image_verifier>::garbage(0);
    let bad = u32::from(ErrorKind::BadState.code());
    // SAFETY: live pointers throughout.
    unsafe {
        ok(suit_ctx_set_crypto(c.p(), &table));
        // From the digest and verify callbacks of authenticate, the digest
        // re-check of a query, a run, and the image verifier's init.
        cdev(table.user).reenter_ctx = Some(c.p());
        ok(c.auth(&v.envelope, 0));
        assert_eq!(c.seq(), Ok(fixture::SEQUENCE));
        ok(run_update(&c, &p, 0).0);
        // The verifier's own init, too: it is BUSY while its shared sequence runs.
        cdev(table.user).reenter_verifier = Some(s.ptr);
        ok(suit_image_verifier_init(
            s.ptr,
            VER_SIZE,
            SUIT_ABI_VERSION,
            c.p(),
            &p,
            0,
        ));
        cdev(table.user).reenter_ctx = None;
        // From the digest callbacks of the verifier's update and finish.
        finish_allowed(s.ptr, &v.image);
        let dev = cdev(table.user);
        assert!(dev.reentries.len() > 20, "{:?}", dev.reentries);
        assert!(
            dev.reentries.iter().all(|&r| r == bad),
            "{:?}",
            dev.reentries
        );
        assert_eq!(dev.inits, dev.finishes + dev.aborts, "every C hash ended");
        // From `digest_abort`: a deinit of an active verifier, and a failure
        // (data past image-size) both abort its C hash; the verifier is
        // refused meanwhile (a deinit from there wiped the state the abort
        // was using, and the library then crashed).
        dev.reentries.clear();
        let aborts = dev.aborts;
        for past_the_end in [false, true] {
            ok(suit_image_verifier_init(
                s.ptr,
                VER_SIZE,
                SUIT_ABI_VERSION,
                c.p(),
                &p,
                0,
            ));
            if past_the_end {
                let mut long = v.image.clone();
                long.push(0);
                err(
                    suit_image_verifier_update(s.ptr, long.as_ptr(), long.len()),
                    ErrorKind::ImageSizeMismatch,
                );
                refused(s.ptr, ErrorKind::ImageSizeMismatch);
            } else {
                ok(suit_image_verifier_update(s.ptr, v.image.as_ptr(), 100));
            }
            ok(suit_image_verifier_deinit(s.ptr));
        }
        let dev = cdev(table.user);
        // Per init, its question about the image-digest algorithm; then
        // the deinit's abort and the failure's.
        assert_eq!(dev.aborts, aborts + 4);
        let from_aborts = dev.reentries.len();
        assert!(from_aborts >= 8, "{:?}", dev.reentries);
        assert!(
            dev.reentries.iter().all(|&r| r == bad),
            "{:?}",
            dev.reentries
        );
        dev.reenter_verifier = None;
        // Nothing was disturbed: the context still answers.
        assert_eq!(c.seq(), Ok(fixture::SEQUENCE));
    }
    drop(cd);
}

#[test]
fn a_verifier_made_despite_a_failed_c_hash_is_aborted_before_its_storage_is_zeroed() {
    // The shared sequence's first try-each alternative fails its image-match
    // because a C digest update failed; the second passes, so the processor
    // returns a verifier (with a live C hash) although the call must fail.
    use suit_encoder::suit::{Command, Sequence};
    let v = vectors();
    let mut man = fixture::manifest(&v.image);
    let mut shared = man.shared.take().unwrap().0;
    shared.push(Command::try_each(
        vec![
            Sequence::new(vec![Command::image_match(15)]),
            Sequence::new(vec![Command::vendor_identifier(15)]),
        ],
        false,
    ));
    man.shared = Some(Sequence::new(shared));
    let env = fixture::signed_ed25519(man);
    let cd = Raw::new(CryptoDev::default());
    let table = crypto_table(&cd);
    let c = Ctx::copy_mode(4096);
    let d = Device::new(&v.image);
    let p = platform(&d);
    let s = Storage::<suit_image_verifier>::garbage(0);
    // SAFETY: live pointers throughout.
    unsafe {
        ok(suit_ctx_set_crypto(c.p(), &table));
        ok(c.auth(&env, 0));
        // The first update re-checks the manifest's digest; the second is
        // the image-match's.
        // The context is busy while the abort runs (a call back in is
        // refused), and so is the verifier.
        *cdev(table.user) = CryptoDev {
            fail: "update:2",
            reenter_ctx: Some(c.p()),
            reenter_verifier: Some(s.ptr),
            ..CryptoDev::default()
        };
        err(
            suit_image_verifier_init(s.ptr, VER_SIZE, SUIT_ABI_VERSION, c.p(), &p, 0),
            ErrorKind::CryptoBackend,
        );
        let dev = cdev(table.user);
        let bad = u32::from(ErrorKind::BadState.code());
        assert!(!dev.reentries.is_empty());
        assert!(
            dev.reentries.iter().all(|&r| r == bad),
            "{:?}",
            dev.reentries
        );
        assert_eq!(
            dev.inits, 4,
            "manifest, the image-digest algorithm's question, image-match, the verifier's hash"
        );
        assert_eq!(
            dev.zeroed_aborts, 0,
            "a C hash was aborted after its state was wiped"
        );
        assert_eq!(dev.inits, dev.finishes + dev.aborts, "every C hash ended");
        // Nothing is left initialised.
        err(suit_image_verifier_deinit(s.ptr), ErrorKind::BadState);
    }
    drop(cd);
}

#[test]
fn the_image_verifier_needs_the_identity_checked_in_the_shared_sequence() {
    // The fixture's shared sequence without its vendor and class checks:
    // init refuses (the streamed image could be for another device).
    use suit_encoder::suit::Sequence;
    let c = fixture_ctx(|man| {
        let shared = man.shared.take().unwrap().0;
        let checks = |c: &suit_encoder::suit::Command| c.cmd == 1 || c.cmd == 2;
        assert_eq!(shared.iter().filter(|c| checks(c)).count(), 2);
        man.shared = Some(Sequence::new(
            shared.into_iter().filter(|c| !checks(c)).collect(),
        ));
    });
    let d = Device::new(&vectors().image);
    let p = platform(&d);
    let s = Storage::<suit_image_verifier>::garbage(0x33);
    // SAFETY: live pointers throughout.
    unsafe {
        err(
            suit_image_verifier_init(s.ptr, VER_SIZE, SUIT_ABI_VERSION, c.p(), &p, 0),
            ErrorKind::IdentityUnchecked,
        );
        assert_eq!(
            c.last().result,
            u32::from(ErrorKind::IdentityUnchecked.code())
        );
        // Nothing is left initialised.
        refused(s.ptr, ErrorKind::BadState);
    }
}

/// A copy-mode context holding the fixture manifest, changed by `edit`,
/// signed with the Ed25519 test key and authenticated.
fn fixture_ctx(edit: impl FnOnce(&mut suit_encoder::suit::Manifest)) -> Ctx {
    let mut man = fixture::manifest(&vectors().image);
    edit(&mut man);
    let env = fixture::signed_ed25519(man);
    let c = Ctx::copy_mode(4096);
    ok(c.auth(&env, 0));
    c
}

#[test]
fn the_streaming_verifier_refuses_a_manifest_whose_install_the_update_would() {
    // Install carries a use-before condition (update management, not
    // implemented): the update refuses it, and so does the image verifier,
    // which starts from the shared sequence alone. Before, init succeeded
    // and the streamed image got an ALLOW.
    use suit_encoder::cbor::Value;
    use suit_encoder::suit::{Command, Sequence};
    let c = fixture_ctx(|man| {
        man.install = Some(Sequence::new(vec![
            Command::override_parameters(vec![(4, Value::Uint(1))]),
            Command {
                cmd: 4,
                arg: Value::Uint(15),
            },
        ]));
    });
    let d = Device::new(&vectors().image);
    let p = platform(&d);
    err(run_update(&c, &p, 0).0, ErrorKind::UnsupportedExtension);
    let s = Storage::<suit_image_verifier>::garbage(0x33);
    // SAFETY: live pointers throughout.
    unsafe {
        err(
            suit_image_verifier_init(s.ptr, VER_SIZE, SUIT_ABI_VERSION, c.p(), &p, 0),
            ErrorKind::UnsupportedExtension,
        );
        // Nothing is left initialised, and no callback ran.
        refused(s.ptr, ErrorKind::BadState);
    }
    assert!(d.get().calls.is_empty(), "{:?}", d.get().calls);
}

#[test]
fn a_manifest_failing_for_its_encoding_calls_no_platform_callback() {
    // validate ends with an unknown command; install would fetch first. The
    // whole procedure is checked before it runs, so no callback (not even
    // the vendor check or a report) is called.
    use suit_encoder::cbor::Value;
    use suit_encoder::suit::{Command, Sequence};
    let c = fixture_ctx(|man| {
        man.validate = Some(Sequence::new(vec![
            Command::image_match(15),
            Command {
                cmd: 77,
                arg: Value::Uint(15),
            },
        ]));
    });
    let d = Device::new(&vectors().image);
    let p = platform(&d);
    let (r, verdict) = run_update(&c, &p, 0);
    err(r, ErrorKind::UnknownCommand);
    assert_eq!(verdict, SUIT_VERDICT_DENY);
    assert!(d.get().calls.is_empty(), "{:?}", d.get().calls);
    assert_eq!(d.get().reports, 0);
}

#[test]
fn an_image_digest_the_c_backend_lacks_is_refused_before_anything_is_fetched() {
    // The C backend computes SHA-256 only (`c_init`); install sets a SHA-384
    // image-digest before its fetch. The backend is asked before the run,
    // so nothing is fetched; each question's hash is aborted (or, without
    // `digest_abort`, dropped).
    use suit_encoder::suit::{Command, Sequence, param};
    let v = vectors();
    let mut man = fixture::manifest(&v.image);
    let mut install = man.install.take().unwrap().0;
    install.insert(
        0,
        Command::override_parameters(vec![(
            param::IMAGE_DIGEST,
            param::image_digest(-43, vec![0xAB; 48]),
        )]),
    );
    man.install = Some(Sequence::new(install));
    let env = fixture::signed_ed25519(man);
    for with_abort in [true, false] {
        let cd = Raw::new(CryptoDev::default());
        let mut table = crypto_table(&cd);
        if !with_abort {
            table.digest_abort = None;
        }
        let c = Ctx::copy_mode(4096);
        let d = Device::new(&v.image);
        let p = platform(&d);
        // SAFETY: live pointers throughout.
        unsafe {
            ok(suit_ctx_set_crypto(c.p(), &table));
            ok(c.auth(&env, 0));
            let before = cdev(table.user).inits;
            let (r, verdict) = run_update(&c, &p, 0);
            err(r, ErrorKind::AuthUnsupportedDigest);
            assert_eq!(verdict, SUIT_VERDICT_DENY);
            assert!(d.get().calls.is_empty(), "{:?}", d.get().calls);
            let dev = cdev(table.user);
            assert!(dev.inits >= before + 2, "asked about SHA-256 and SHA-384");
            assert_eq!(dev.unsupported, 1, "asked about SHA-384 once");
            if with_abort {
                assert_eq!(
                    dev.inits,
                    dev.finishes + dev.aborts + dev.unsupported,
                    "every C hash started was ended"
                );
            }
        }
        drop(cd);
    }
}
