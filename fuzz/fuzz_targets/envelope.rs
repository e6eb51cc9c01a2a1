//! The envelope parser on arbitrary bytes; every accessor of a parsed
//! envelope stays inside the input, and the COSE blocks and the wrapper
//! digest parse without panicking.
#![no_main]
#[cfg(suit_fuzzing_bypass)]
compile_error!("build `envelope` without --cfg suit_fuzzing_bypass (see scripts/fuzz-smoke.sh)");

use libfuzzer_sys::fuzz_target;
use suit_verify::{Envelope, Limits};

fuzz_target!(|data: &[u8]| {
    if let Ok(env) = Envelope::parse(data) {
        suit_verify_fuzz::walk_envelope(&env);
    }
    // Lowered run-time limits take the same paths with smaller bounds.
    let limits = Limits {
        cbor_items: 64,
        auth_blocks: 1,
        ..Limits::DEFAULT
    };
    if let Ok(env) = Envelope::parse_with(data, &limits) {
        assert!(env.auth_block_count() <= 1);
        suit_verify_fuzz::walk_envelope(&env);
    }
});
