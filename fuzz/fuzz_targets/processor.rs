//! The processor: every procedure of an envelope whose signature result is
//! bypassed (`--cfg suit_fuzzing_bypass`), against a mock platform whose
//! every answer (identity checks, slot, size, digest fast path, reads,
//! directive results, Pending) comes from the input.
//!
//! Input: `[flags][n][n answer bytes][4 limit bytes][envelope...]`.
//! flags: bits 0-1 identity policy, 2 dry run, 3 invoke callback, 4 use 16
//! component slots, 5 small run-time limits from the limit bytes, 6 also
//! check that a dry run predicts the real run on a deterministic device
//! (`dry_run_predicts_real_run`), 7 keep the manifest digest as it is
//! (otherwise it is recomputed, see `fix_digest`, so mutations of the
//! manifest reach the processor).
#![no_main]
#[cfg(not(suit_fuzzing_bypass))]
compile_error!(
    "processor needs RUSTFLAGS=\"--cfg suit_fuzzing_bypass\" and --target-dir fuzz/target-bypass (see scripts/fuzz-smoke.sh)"
);

use libfuzzer_sys::fuzz_target;
use suit_verify::{Envelope, Policy};
use suit_verify_fuzz as f;

fuzz_target!(|data: &[u8]| {
    let [flags, n, rest @ ..] = data else {
        return;
    };
    let n = usize::from(*n);
    if rest.len() < n + 4 {
        return;
    }
    let (answers, rest) = rest.split_at(n);
    let (limits, envelope) = rest.split_at(4);
    // The manifest digest is recomputed (flag bit 7 keeps it as it is).
    let fixed = if flags & 0x80 == 0 {
        f::fix_digest(envelope)
    } else {
        None
    };
    let envelope = fixed.as_deref().unwrap_or(envelope);
    let Ok(env) = Envelope::parse(envelope) else {
        return;
    };
    let opts = f::options(*flags, limits);
    let _ = f::with_authenticated(&env, &Policy::DEFAULT, |auth| {
        let runs = if flags & 0x10 != 0 {
            f::run_all::<16>(auth, answers, opts)
        } else {
            f::run_all::<4>(auth, answers, opts)
        };
        // Deterministic: the same answers give the same run.
        let again = f::run_one::<4>(auth, answers, opts, f::PROCEDURES[0], false);
        if flags & 0x10 == 0 {
            assert_eq!(runs[0], again);
        }
        if flags & 0x40 != 0 {
            f::dry_run_predicts_real_run::<4>(auth, answers, opts);
        }
    });
});
