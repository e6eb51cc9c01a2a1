//! Helpers for the integration tests: run the built `suit` binary in a
//! temporary directory and check its exit status and output.
#![allow(
    dead_code,
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::as_conversions,
    clippy::cast_possible_truncation,
    clippy::arithmetic_side_effects
)]

use std::path::{Path, PathBuf};
use std::process::Command;

use suit_verify::ErrorKind;

/// IETF example vendor id: UUID5(DNS, "arm.com").
pub const IETF_VENDOR: &str = "fa6b4a53-d5ad-5fdf-be9d-e663e4d41ffe";
/// IETF example class id: UUID5(vendor, "suit").
pub const IETF_CLASS: &str = "1492af14-2569-5e48-bf42-9b2d51f2ab45";
/// Other ids for tests.
pub const VENDOR: &str = "0b3e2b7a-5c3d-5e0f-9a1b-2c3d4e5f6a7b";
pub const CLASS: &str = "1c4f3c8b-6d4e-5f10-8b2c-3d4e5f6a7b8c";
pub const CLASS_B: &str = "2d503d9c-7e5f-5021-9c3d-4e5f6a7b8c9d";
pub const DEVICE: &str = "3e614ead-8f60-5132-ad4e-5f6a7b8c9dae";

/// Where the IETF vectors are: `$SUIT_IETF_VECTORS` or `../../shared/vectors/ietf`
/// from this crate. Tests FAIL when they are missing.
pub fn ietf_dir() -> PathBuf {
    let dir = std::env::var_os("SUIT_IETF_VECTORS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../shared/vectors/ietf"
            ))
        });
    assert!(
        dir.join("README.md").is_file(),
        "IETF vectors not found at {} (set SUIT_IETF_VECTORS)",
        dir.display()
    );
    dir
}

/// What a run printed and returned.
#[derive(Debug)]
pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    /// Exit 0; returns stdout.
    #[track_caller]
    pub fn ok(&self) -> &str {
        assert_eq!(self.code, 0, "expected success: {self:#?}");
        &self.stdout
    }

    /// Exit 1 with exactly one line `rejected: NAME: message; code 0xNNNN`
    /// (then `, envelope byte N` when the error has a position) on stderr
    /// and nothing on stdout. Returns the byte offset, if any.
    #[track_caller]
    pub fn rejected(&self, kind: ErrorKind) -> Option<u32> {
        let head = format!(
            "rejected: {}: {}; code {:#06x}",
            kind.name(),
            kind.message(),
            kind.code()
        );
        assert_eq!((self.code, self.stdout.as_str()), (1, ""), "{self:#?}");
        let rest = self
            .stderr
            .strip_prefix(head.as_str())
            .and_then(|r| r.strip_suffix('\n'))
            .unwrap_or_else(|| panic!("expected {head}...: {self:#?}"));
        if rest.is_empty() {
            return None;
        }
        let at = rest
            .strip_prefix(", envelope byte ")
            .and_then(|n| n.parse().ok());
        assert!(at.is_some(), "{self:#?}");
        at
    }

    /// Exit 2 (usage, key or file error); returns stderr.
    #[track_caller]
    pub fn usage(&self) -> &str {
        assert_eq!(self.code, 2, "expected a usage error: {self:#?}");
        assert!(!self.stderr.is_empty(), "{self:#?}");
        &self.stderr
    }
}

/// A temporary working directory with keys.
pub struct Work {
    pub dir: tempfile::TempDir,
}

impl Work {
    /// An empty directory.
    pub fn new() -> Work {
        Work {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// A directory with keys `p256` / `p256b` (ES256) and `ed` / `edb` (Ed25519).
    pub fn with_keys() -> Work {
        let w = Work::new();
        for (alg, name) in [
            ("es256", "p256"),
            ("es256", "p256b"),
            ("ed25519", "ed"),
            ("ed25519", "edb"),
        ] {
            w.suit(&["keygen", "--alg", alg, "--out", name]).ok();
        }
        w
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn write(&self, name: &str, data: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, data).unwrap();
        p
    }

    pub fn read(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.path(name)).unwrap()
    }

    /// Run `suit ARGS` in this directory.
    pub fn suit(&self, args: &[&str]) -> Out {
        run_in(self.dir.path(), args)
    }

    /// Run `suit ARGS` in this directory with `input` on standard input.
    pub fn suit_stdin(&self, args: &[&str], input: &[u8]) -> Out {
        run_with_stdin(self.dir.path(), args, input)
    }

    /// Create `name` from a JSON description and sign it with `keys`
    /// (file stems; algorithm by default).
    pub fn make(&self, name: &str, json: &str, keys: &[&str]) -> PathBuf {
        self.write(&format!("{name}.json"), json);
        let unsigned = format!("{name}.unsigned.suit");
        self.suit(&["create", &format!("{name}.json"), "-o", &unsigned])
            .ok();
        let out = format!("{name}.suit");
        std::fs::copy(self.path(&unsigned), self.path(&out)).unwrap();
        for k in keys {
            self.suit(&["sign", "--key", &format!("{k}.pem"), &out, "-o", &out])
                .ok();
        }
        self.path(&out)
    }
}

/// Run the built binary with `args` in `dir`.
pub fn run_in(dir: &Path, args: &[&str]) -> Out {
    let o = Command::new(env!("CARGO_BIN_EXE_suit"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    out(&o)
}

/// Run the built binary with `args` in `dir`, `input` on its standard input.
pub fn run_with_stdin(dir: &Path, args: &[&str], input: &[u8]) -> Out {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_suit"))
        .args(args)
        .current_dir(dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // A command that exits before reading all of it closes the pipe: fine.
    let _ = stdin.write_all(input);
    drop(stdin);
    out(&child.wait_with_output().unwrap())
}

fn out(o: &std::process::Output) -> Out {
    Out {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

/// One component with an image file `name` of `size` bytes (written), ids
/// VENDOR/CLASS, plus `extra` JSON members for the component.
pub fn one_component(w: &Work, seq: u64, image: &str, size: usize, extra: &str) -> String {
    let data: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
    w.write(image, data);
    format!(
        r#"{{"sequence-number": {seq}, "vendor-id": "{VENDOR}", "class-id": "{CLASS}",
            "components": [{{"id": ["h'00'"], "image": "{image}"{extra}}}]}}"#
    )
}
