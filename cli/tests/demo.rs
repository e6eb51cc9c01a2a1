//! The README's main job, `scripts/demo.sh`, run with the built binary: every
//! step has its expected outcome; and a tool that gets things wrong makes the
//! demo fail.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::PathBuf;
use std::process::Command;

fn script() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/demo.sh"))
}

fn run_demo(bin: &str) -> (i32, String) {
    let o = Command::new("bash")
        .arg(script())
        .env("SUIT_BIN", bin)
        .env_remove("KEEP")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    (o.status.code().unwrap_or(-1), text)
}

#[test]
fn demo_runs_end_to_end() {
    let (code, out) = run_demo(env!("CARGO_BIN_EXE_suit"));
    assert_eq!(code, 0, "{out}");
    for want in [
        "-> accepted, as expected",
        "rejected: IMAGE_DIGEST_MISMATCH: image digest does not match",
        "rejected: AUTH_SIGNATURE_INVALID: signature does not verify",
        "rejected: SEQUENCE_ROLLBACK: ",
        "rejected: CLASS_MISMATCH: ",
        "Demo complete: all 12 steps had the expected outcome.",
    ] {
        assert!(out.contains(want), "demo output lacks {want:?}:\n{out}");
    }
    assert!(!out.contains("!!"), "{out}");
}

#[test]
fn demo_fails_when_an_outcome_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("suit");
    std::fs::write(&fake, "#!/bin/sh\necho accepted: everything\nexit 0\n").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let (code, out) = run_demo(fake.to_str().unwrap());
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("Demo FAILED: 4 of 12 steps"), "{out}");
}
