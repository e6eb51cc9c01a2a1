//! Authentication with REAL signature checks: keys are the draft's example
//! P-256 key and the project's test keys, so the IETF vectors and the
//! envelopes `suit-encoder` makes authenticate; mutations exercise the
//! digest, COSE and policy paths in front of the signature check.
//!
//! Oracle: whatever authenticates must be signed by the keys the policy
//! asks for, as judged independently (`independent_signers`: the encoder's
//! parser and digest, the crates' one-shot verify), and must carry a
//! sequence number no lower than the policy's floor.
#![no_main]
#[cfg(suit_fuzzing_bypass)]
compile_error!("build `auth` without --cfg suit_fuzzing_bypass: it checks real signatures");

use libfuzzer_sys::fuzz_target;
use suit_verify::{Envelope, Policy};

fuzz_target!(|data: &[u8]| {
    let Ok(env) = Envelope::parse(data) else {
        return;
    };
    let signers = || {
        suit_verify_fuzz::independent_signers(data)
            .expect("authenticated, but the independent parser refuses the envelope or its digest")
    };
    if suit_verify_fuzz::authenticate(&env, &Policy::DEFAULT).is_ok() {
        assert_ne!(
            signers(),
            0,
            "authenticated without a valid signature by a trusted key"
        );
    }
    // Multi-signer policy: keys 1 and 2 must both have signed; a floor.
    let policy = Policy {
        required_signers: 0b110,
        min_sequence: (data.len() % 3) as u64,
        ..Policy::DEFAULT
    };
    if let Ok(seq) = suit_verify_fuzz::authenticate(&env, &policy) {
        assert_eq!(
            signers() & 0b110,
            0b110,
            "authenticated without both required signers"
        );
        assert!(seq >= policy.min_sequence, "sequence {seq} below the floor");
    }
});
