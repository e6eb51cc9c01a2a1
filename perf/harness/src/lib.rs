//! Cortex-M measurement harness: the whole C ABI (`suit-verify-ffi`) plus
//! the regions measured below it, for `perf/firmware/main.c`.
//!
//! Every region is bracketed by two calls, `insn_begin_<name>()` and
//! `insn_end_<name>()`, defined in main.c; the QEMU plugin
//! (`perf/qemu-insn/insnwin.c`) prints the instructions executed between
//! them. Regions here (per algorithm `X` = `eddsa` / `es256`, IETF example
//! 4):
//!
//! - `parse_X`: `Envelope::parse`;
//! - `digest_plain_X`: `sha2::Sha256::digest` of the manifest bstr (baseline);
//! - `digest_ours_X`: step 1 of `authenticate` (decode, hash via `Crypto`,
//!   constant-time compare);
//! - `sig_plain_X`: the crate's verify of the contiguous Sig_structure, key
//!   and signature decoding included (baseline);
//! - `sig_ours_X`: `RustCrypto::verify` over the four Sig_structure parts;
//! - `auth_X`: `authenticate` (digest, COSE, signature, policy, manifest);
//! - `auth_rest_X`: `authenticate` with stub primitives (fixed digest,
//!   every signature valid): the rest, measured directly;
//! - `validate_X`: `Processor::new` + the validate procedure with a platform
//!   that answers `component_digest` from a table (example 4's images have
//!   no pre-image);
//!
//! and for image hashing (4 KiB chunks): `sha_plain_{4k,64k}` (sha2
//! `new`/`update`/`finalize`, baseline) and `image_core_{4k,64k}`
//! (`ImageVerifier` new/update/finish).
#![no_std]
#![allow(
    missing_docs,
    clippy::missing_safety_doc,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::unwrap_used,
    clippy::as_conversions
)]

use core::hint::black_box;
use sha2::Digest;
use suit_verify::cose::{HeaderAlg, Sign1, TbsScratch};
use suit_verify::crypto::{Crypto, DigestAlg, SigAlg};
use suit_verify::digest::SuitDigest;
use suit_verify::limits::Budget;
use suit_verify::manifest::key;
use suit_verify::{
    Envelope, ErrorKind, ImageVerifier, KeyStore, KeyType, Options, Policy, Procedure, Processor,
    RustCrypto, TrustedKey, authenticate,
};
// The whole C ABI goes into this static library.
pub use suit_verify_ffi;

macro_rules! vectors {
    ($($id:literal $name:ident = $file:literal;)*) => {
        $(static $name: [u8; include_bytes!(concat!(env!("OUT_DIR"), "/", $file)).len()] =
            *include_bytes!(concat!(env!("OUT_DIR"), "/", $file));)*
        fn vector(id: u32) -> Option<&'static [u8]> {
            match id {
                $($id => Some(&$name),)*
                _ => None,
            }
        }
    };
}

vectors! {
    0 EX4_EDDSA = "ex4_eddsa.cbor";
    1 EX4_ES256 = "ex4_es256.cbor";
    2 IMG_EDDSA = "img_eddsa.cbor";
    3 IMG_ES256 = "img_es256.cbor";
    4 KEY_ED25519_A = "ed25519_a.key";
    5 KEY_IETF_P256 = "ietf_p256.key";
    6 KEY_P256_A = "p256_a.key";
    7 NEST_EDDSA = "nest_eddsa.cbor";
    8 NEST_ES256 = "nest_es256.cbor";
}

/// Vector `id` (see `vectors!`): its address and length.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn perf_vector(id: u32, ptr: *mut *const u8, len: *mut usize) -> i32 {
    match vector(id) {
        Some(v) => {
            // SAFETY: the caller passes writable pointers (main.c).
            unsafe {
                *ptr = v.as_ptr();
                *len = v.len();
            }
            0
        }
        None => -1,
    }
}

macro_rules! regions {
    ($($name:ident),* $(,)?) => {
        unsafe extern "C" {
            $(fn $name();)*
        }
    };
}
regions!(
    insn_begin_parse_eddsa,
    insn_end_parse_eddsa,
    insn_begin_digest_plain_eddsa,
    insn_end_digest_plain_eddsa,
    insn_begin_digest_ours_eddsa,
    insn_end_digest_ours_eddsa,
    insn_begin_sig_plain_eddsa,
    insn_end_sig_plain_eddsa,
    insn_begin_sig_ours_eddsa,
    insn_end_sig_ours_eddsa,
    insn_begin_auth_eddsa,
    insn_end_auth_eddsa,
    insn_begin_auth_rest_eddsa,
    insn_end_auth_rest_eddsa,
    insn_begin_validate_eddsa,
    insn_end_validate_eddsa,
    insn_begin_parse_es256,
    insn_end_parse_es256,
    insn_begin_digest_plain_es256,
    insn_end_digest_plain_es256,
    insn_begin_digest_ours_es256,
    insn_end_digest_ours_es256,
    insn_begin_sig_plain_es256,
    insn_end_sig_plain_es256,
    insn_begin_sig_ours_es256,
    insn_end_sig_ours_es256,
    insn_begin_auth_es256,
    insn_end_auth_es256,
    insn_begin_auth_rest_es256,
    insn_end_auth_rest_es256,
    insn_begin_validate_es256,
    insn_end_validate_es256,
    insn_begin_sha_plain_4k,
    insn_end_sha_plain_4k,
    insn_begin_sha_plain_64k,
    insn_end_sha_plain_64k,
    insn_begin_image_core_4k,
    insn_end_image_core_4k,
    insn_begin_image_core_64k,
    insn_end_image_core_64k,
);

/// Run `f` between two markers (plain function pointers: the markers are
/// opaque calls, so nothing moves across them).
#[inline(always)]
fn region<T>(
    begin: unsafe extern "C" fn(),
    end: unsafe extern "C" fn(),
    f: impl FnOnce() -> T,
) -> T {
    // SAFETY: the markers are empty C functions in main.c.
    unsafe { begin() };
    let r = black_box(f());
    // SAFETY: as above.
    unsafe { end() };
    r
}

#[path = "../../example4_device.rs"]
mod device;
use device::{Example4Device, NoPrimitives};

/// The plain crate's verify of a contiguous message (key and signature
/// decoding included), as a firmware without this library would call it.
#[inline(never)]
fn plain_verify(kt: KeyType, key: &[u8], msg: &[u8], sig: &[u8]) -> bool {
    match kt {
        #[cfg(feature = "ed25519")]
        KeyType::Ed25519 => {
            let (Ok(pk), Ok(sig)) = (
                ed25519_compact::PublicKey::from_slice(key),
                ed25519_compact::Signature::from_slice(sig),
            ) else {
                return false;
            };
            pk.verify(msg, &sig).is_ok()
        }
        #[cfg(feature = "p256")]
        KeyType::P256 => {
            use p256::ecdsa::signature::hazmat::PrehashVerifier;
            let (Ok(vk), Ok(sig)) = (
                p256::ecdsa::VerifyingKey::from_sec1_bytes(key),
                p256::ecdsa::Signature::from_slice(sig),
            ) else {
                return false;
            };
            let digest = sha2::Sha256::digest(msg);
            vk.verify_prehash(&digest, &sig).is_ok()
        }
        #[allow(unreachable_patterns)]
        _ => false,
    }
}

struct Case {
    env: &'static [u8],
    kt: KeyType,
    key: &'static [u8],
}

fn case(alg: u32) -> Option<Case> {
    match alg {
        0 => Some(Case {
            env: &EX4_EDDSA,
            kt: KeyType::Ed25519,
            key: &KEY_ED25519_A,
        }),
        1 => Some(Case {
            env: &EX4_ES256,
            kt: KeyType::P256,
            key: &KEY_IETF_P256,
        }),
        _ => None,
    }
}

/// The contiguous Sig_structure of the first block (at most 128 bytes).
fn tbs(env: &Envelope<'static>, buf: &mut [u8; 128]) -> Option<(usize, &'static [u8], SigAlg)> {
    let (span, block) = env.auth_blocks().next()?;
    let mut budget = Budget::new(1000, ErrorKind::LimitCborItems);
    let sign1 = Sign1::parse(block, span.start(), &mut budget).ok()?;
    let HeaderAlg::Protected(id) = sign1.alg else {
        return None;
    };
    let mut scratch = TbsScratch::default();
    let mut n = 0;
    for p in sign1.tbs_parts(env.wrapper_digest(), &mut scratch) {
        buf.get_mut(n..n + p.len())?.copy_from_slice(p);
        n += p.len();
    }
    Some((n, sign1.signature, SigAlg::from_cose(id)?))
}

/// The Sig_structure, signature and key of one example-4 case, prepared
/// by `perf_plain_prepare` so that `perf_plain_verify` runs nothing else.
struct Prepared {
    kt: KeyType,
    key: &'static [u8],
    sig: &'static [u8],
    msg: [u8; 128],
    len: usize,
}

static mut PREPARED: Option<Prepared> = None;

/// Prepare `perf_plain_verify` for example 4 signed with `alg` (0 EdDSA,
/// 1 ES256). Returns 0 on success.
#[unsafe(no_mangle)]
pub extern "C" fn perf_plain_prepare(alg: u32) -> u32 {
    let Some(c) = case(alg) else { return 1 };
    let Ok(env) = Envelope::parse(c.env) else {
        return 1;
    };
    let mut msg = [0u8; 128];
    let Some((len, sig, _)) = tbs(&env, &mut msg) else {
        return 1;
    };
    // SAFETY: single-threaded firmware; nothing else touches PREPARED.
    unsafe {
        PREPARED = Some(Prepared {
            kt: c.kt,
            key: c.key,
            sig,
            msg,
            len,
        });
    }
    0
}

/// The plain crate's signature check of the prepared case, and nothing
/// else: the deepest crypto call, for stack painting. 0 when it verifies.
#[unsafe(no_mangle)]
pub extern "C" fn perf_plain_verify() -> u32 {
    // SAFETY: as above.
    let p = unsafe { (&raw const PREPARED).as_ref() }.and_then(Option::as_ref);
    match p {
        Some(p) => u32::from(!plain_verify(p.kt, p.key, &p.msg[..p.len], p.sig)),
        None => 1,
    }
}

/// Plain SHA-256 of `len` bytes at `data` into the 32 bytes at `out` (the
/// hashing half of the flash floor, see `scripts/perf-lib.sh`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn perf_sha256(data: *const u8, len: usize, out: *mut u8) {
    if data.is_null() || out.is_null() {
        return;
    }
    // SAFETY: the caller passes `len` readable bytes and 32 writable ones.
    let (data, out) = unsafe {
        (
            core::slice::from_raw_parts(data, len),
            core::slice::from_raw_parts_mut(out, 32),
        )
    };
    let mut h = sha2::Sha256::new();
    for c in data.chunks(4096) {
        h.update(c);
    }
    out.copy_from_slice(&h.finalize());
}

macro_rules! core_regions {
    ($c:expr, $parse:ident/$parse_e:ident, $dp:ident/$dp_e:ident, $do:ident/$do_e:ident,
     $sp:ident/$sp_e:ident, $so:ident/$so_e:ident, $au:ident/$au_e:ident,
     $ar:ident/$ar_e:ident, $va:ident/$va_e:ident) => {{
        let c = $c;
        let mut fails = 0u32;
        let env = region($parse, $parse_e, || Envelope::parse(black_box(c.env)));
        let Ok(env) = env else { return 100 };
        let keys = [match TrustedKey::new(c.kt, c.key) {
            Ok(k) => k,
            Err(_) => return 101,
        }];
        let Ok(store) = KeyStore::new(&keys) else {
            return 102;
        };
        let mbstr = env.manifest_bstr();
        let plain: [u8; 32] = region($dp, $dp_e, || sha2::Sha256::digest(black_box(mbstr)).into());
        let ours = region($do, $do_e, || {
            let mut b = Budget::new(1000, ErrorKind::LimitCborItems);
            let e = black_box(&env);
            SuitDigest::decode(e.wrapper_digest(), 0, &mut b)
                .and_then(|d| d.matches(&RustCrypto, &[e.manifest_bstr()]))
        });
        fails += u32::from(ours != Ok(true));
        let mut buf = [0u8; 128];
        let Some((n, sig, alg)) = tbs(&env, &mut buf) else {
            return 103;
        };
        let ok = region($sp, $sp_e, || {
            plain_verify(c.kt, c.key, black_box(&buf[..n]), sig)
        });
        fails += u32::from(!ok);
        {
            let (span, block) = match env.auth_blocks().next() {
                Some(b) => b,
                None => return 104,
            };
            let mut budget = Budget::new(1000, ErrorKind::LimitCborItems);
            let Ok(sign1) = Sign1::parse(block, span.start(), &mut budget) else {
                return 105;
            };
            let mut scratch = TbsScratch::default();
            let parts = sign1.tbs_parts(env.wrapper_digest(), &mut scratch);
            let ok = region($so, $so_e, || {
                RustCrypto
                    .verify(alg, c.key, black_box(&parts), sign1.signature)
                    .is_ok()
            });
            fails += u32::from(!ok);
        }
        let auth = region($au, $au_e, || {
            authenticate(black_box(&env), &store, &Policy::DEFAULT, &RustCrypto)
        });
        let Ok(auth) = auth else { return 106 };
        let stub = NoPrimitives { digest: plain };
        let rest = region($ar, $ar_e, || {
            authenticate(black_box(&env), &store, &Policy::DEFAULT, &stub).is_ok()
        });
        fails += u32::from(!rest);
        let mut platform = Example4Device;
        let ok = region($va, $va_e, || {
            match Processor::<_, _, 4>::new(
                black_box(&auth),
                &mut platform,
                &RustCrypto,
                Options::DEFAULT,
            ) {
                Ok(mut p) => p.run(Procedure::Section(key::VALIDATE)).is_ok(),
                Err(_) => false,
            }
        });
        fails += u32::from(!ok);
        fails
    }};
}

/// The core regions for IETF example 4 signed with `alg` (0 EdDSA, 1
/// ES256). Returns the number of failed checks (0 expected).
#[unsafe(no_mangle)]
pub extern "C" fn perf_core(alg: u32) -> u32 {
    let Some(c) = case(alg) else { return 1 };
    if alg == 0 {
        core_regions!(
            c,
            insn_begin_parse_eddsa / insn_end_parse_eddsa,
            insn_begin_digest_plain_eddsa / insn_end_digest_plain_eddsa,
            insn_begin_digest_ours_eddsa / insn_end_digest_ours_eddsa,
            insn_begin_sig_plain_eddsa / insn_end_sig_plain_eddsa,
            insn_begin_sig_ours_eddsa / insn_end_sig_ours_eddsa,
            insn_begin_auth_eddsa / insn_end_auth_eddsa,
            insn_begin_auth_rest_eddsa / insn_end_auth_rest_eddsa,
            insn_begin_validate_eddsa / insn_end_validate_eddsa
        )
    } else {
        core_regions!(
            c,
            insn_begin_parse_es256 / insn_end_parse_es256,
            insn_begin_digest_plain_es256 / insn_end_digest_plain_es256,
            insn_begin_digest_ours_es256 / insn_end_digest_ours_es256,
            insn_begin_sig_plain_es256 / insn_end_sig_plain_es256,
            insn_begin_sig_ours_es256 / insn_end_sig_ours_es256,
            insn_begin_auth_es256 / insn_end_auth_es256,
            insn_begin_auth_rest_es256 / insn_end_auth_rest_es256,
            insn_begin_validate_es256 / insn_end_validate_es256
        )
    }
}

/// Image hashing in 4 KiB chunks over the first 4 KiB and 64 KiB of
/// `image` (which must hold 64 KiB): plain sha2 and the core verifier.
/// Returns the number of failed checks.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn perf_image_core(image: *const u8, len: usize) -> u32 {
    if image.is_null() || len < 64 * 1024 {
        return 1;
    }
    // SAFETY: main.c passes its 64 KiB image buffer.
    let image = unsafe { core::slice::from_raw_parts(image, 64 * 1024) };
    let mut fails = 0;
    for (n, (b, e), (vb, ve)) in [
        (
            4096usize,
            (
                insn_begin_sha_plain_4k as unsafe extern "C" fn(),
                insn_end_sha_plain_4k as unsafe extern "C" fn(),
            ),
            (
                insn_begin_image_core_4k as unsafe extern "C" fn(),
                insn_end_image_core_4k as unsafe extern "C" fn(),
            ),
        ),
        (
            65536,
            (insn_begin_sha_plain_64k, insn_end_sha_plain_64k),
            (insn_begin_image_core_64k, insn_end_image_core_64k),
        ),
    ] {
        let img = &image[..n];
        let digest: [u8; 32] = region(b, e, || {
            let mut h = sha2::Sha256::new();
            for c in black_box(img).chunks(4096) {
                h.update(c);
            }
            h.finalize().into()
        });
        let d = SuitDigest {
            alg: DigestAlg::Sha256,
            bytes: &digest,
        };
        let ok = region(vb, ve, || {
            let Ok(mut v) = ImageVerifier::new(&RustCrypto, &d, Some(n as u64)) else {
                return false;
            };
            for c in black_box(img).chunks(4096) {
                if v.update(c).is_err() {
                    return false;
                }
            }
            v.finish().is_ok()
        });
        fails += u32::from(!ok);
    }
    fails
}
