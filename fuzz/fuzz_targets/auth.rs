//! Authentication with REAL signature checks: keys are the draft's example
//! P-256 key and the project's test keys, so the IETF vectors and the
//! envelopes `suit-encoder` makes authenticate; mutations exercise the
//! digest, COSE and policy paths in front of the signature check.
#![no_main]
#[cfg(suit_fuzzing_bypass)]
compile_error!("build `auth` without --cfg suit_fuzzing_bypass: it checks real signatures");

use libfuzzer_sys::fuzz_target;
use suit_verify::{Envelope, Policy};

fuzz_target!(|data: &[u8]| {
    let Ok(env) = Envelope::parse(data) else {
        return;
    };
    let _ = suit_verify_fuzz::authenticate(&env, &Policy::DEFAULT);
    // Multi-signer policy: keys 1 and 2 must both have signed.
    let policy = Policy {
        required_signers: 0b110,
        ..Policy::DEFAULT
    };
    if let Ok(seq) = suit_verify_fuzz::authenticate(&env, &policy) {
        let _ = seq;
    }
});
