//! Structure-aware fuzzing: the input drives a generator of VALID manifests
//! (components, parameters, sequences with try-each and run-sequence
//! nesting, severed members, integrated payloads, several signers), which
//! suit-encoder encodes and signs with the test keys. The envelope must
//! authenticate with real signatures, then every procedure runs against a
//! mock platform answering from the input. Finally one bit chosen by the
//! input is flipped: the verifier must reject the result or reach the same
//! verdict (the flip hit an unauthenticated part it ignores).
//!
//! Libfuzzer's byte mutations of the input are mutations of the manifest
//! model; no signature bypass is needed.
#![no_main]
#[cfg(suit_fuzzing_bypass)]
compile_error!("build `structured` without --cfg suit_fuzzing_bypass: it checks real signatures");

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use suit_verify_fuzz as f;

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(g) = f::generate(&mut u) else {
        return;
    };
    let Ok(flags) = u.arbitrary::<u8>() else {
        return;
    };
    let Ok(flip) = u.arbitrary::<u32>() else {
        return;
    };
    let answers = u.take_rest();
    let Some(bytes) = f::encode(&g) else {
        return;
    };
    let opts = f::options(flags & !0x20, &[]);
    let original = f::verdict(&bytes, answers, opts);
    match &original {
        f::Verdict::Accepted(seq, signers, _) => {
            assert_eq!(*seq, g.builder.manifest.sequence_number);
            assert!(*signers & 0b010 != 0, "trusted ed25519_a did not verify");
        }
        f::Verdict::Rejected(code) => {
            // Only the deliberately oversized shapes may be refused.
            let k = suit_verify::ErrorKind::from_code(*code).unwrap();
            assert!(
                matches!(k, suit_verify::ErrorKind::LimitComponentIdSegments),
                "valid generated envelope rejected: {k:?}\n{g:#?}"
            );
        }
    }
    let bit = flip as usize % (bytes.len() * 8);
    let mut flipped = bytes.clone();
    flipped[bit / 8] ^= 1 << (bit % 8);
    let after = f::verdict(&flipped, answers, opts);
    assert!(
        f::flip_is_safe(&original, &after),
        "bit {bit} flip accepted with a different verdict:\n{original:?}\n{after:?}"
    );
});
