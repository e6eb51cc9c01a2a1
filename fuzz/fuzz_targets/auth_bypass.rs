//! Authentication with the signature RESULT bypassed (`--cfg
//! suit_fuzzing_bypass`, see `accept_signature` in src/auth.rs): digests are
//! still checked, so the fuzzer reaches the manifest parser behind the
//! signature. Built in its own target dir (fuzz/target-bypass).
//!
//! Input: `[mode][envelope...]`; an even mode byte recomputes the wrapper's
//! manifest digest first (`fix_digest`), so mutations of the manifest get
//! past the digest check too.
#![no_main]
#[cfg(not(suit_fuzzing_bypass))]
compile_error!(
    "auth_bypass needs RUSTFLAGS=\"--cfg suit_fuzzing_bypass\" and --target-dir fuzz/target-bypass (see scripts/fuzz-smoke.sh)"
);

use libfuzzer_sys::fuzz_target;
use suit_verify::{Envelope, Policy};

fuzz_target!(|data: &[u8]| {
    // Odd first byte: keep the digest as it is (digest-check paths).
    let fixed = match data.first() {
        Some(b) if b % 2 == 0 => suit_verify_fuzz::fix_digest(data.get(1..).unwrap_or(&[])),
        _ => None,
    };
    let bytes = fixed.as_deref().unwrap_or(data.get(1..).unwrap_or(&[]));
    let Ok(env) = Envelope::parse(bytes) else {
        return;
    };
    if suit_verify_fuzz::authenticate(&env, &Policy::DEFAULT).is_ok() {
        // A floor above every sequence number is always a rollback.
        let floor = Policy::min_sequence(u64::MAX);
        let r = suit_verify_fuzz::authenticate(&env, &floor);
        assert!(r.is_err() || r == Ok(u64::MAX));
    }
});
