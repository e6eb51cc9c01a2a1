//! Output discipline for pipelines: files are replaced whole or not at all,
//! `-o -` is standard output (status lines go to stderr), and a failed write
//! of standard output is an error, not a silent success.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::process::{Command, Stdio};

use common::{Work, one_component};

/// A workspace with an unsigned envelope `fw.suit`.
fn work() -> Work {
    let w = Work::with_keys();
    let json = one_component(&w, 7, "fw.bin", 1500, "");
    w.make("fw", &json, &[]);
    w
}

#[test]
fn sign_in_place_replaces_the_file() {
    let w = work();
    w.suit(&["sign", "--key", "ed.pem", "fw.suit", "-o", "fw.suit"])
        .ok();
    w.suit(&["inspect", "fw.suit"]).ok();
    // Only the envelope is left in the directory: no temporary files.
    let mut names: Vec<_> = std::fs::read_dir(w.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.contains("suit-tmp"))
        .collect();
    names.sort();
    assert!(names.is_empty(), "{names:?}");
}

#[test]
fn sign_in_place_keeps_the_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let w = work();
    let mode = |w: &Work| {
        std::fs::metadata(w.path("fw.suit"))
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    };
    std::fs::set_permissions(w.path("fw.suit"), std::fs::Permissions::from_mode(0o600)).unwrap();
    w.suit(&["sign", "--key", "ed.pem", "fw.suit", "-o", "fw.suit"])
        .ok();
    assert_eq!(mode(&w), 0o600);
}

#[test]
fn a_fifo_is_written_to_not_replaced() {
    // The same path as /dev/null or a terminal: not a file, so it is opened
    // and written, never renamed over (as root, replacing /dev/null would
    // break the machine).
    use std::os::unix::fs::FileTypeExt;
    let w = work();
    let fifo = w.path("out.fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(fifo).unwrap())
    };
    w.suit(&["create", "fw.json", "-o", "out.fifo"]).ok();
    // Checked before joining: a replaced FIFO would leave the reader blocked.
    let t = std::fs::symlink_metadata(&fifo).unwrap().file_type();
    assert!(t.is_fifo(), "{t:?}");
    assert_eq!(reader.join().unwrap(), w.read("fw.unsigned.suit"));
}

#[test]
fn a_failed_write_leaves_the_old_file_whole() {
    // A file-size limit of 0 makes every write fail (EFBIG; SIGXFSZ ignored),
    // as a full disk would: the envelope signed in place must survive.
    let w = work();
    let before = w.read("fw.suit");
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "trap '' XFSZ; ulimit -f 0; exec {} sign --key ed.pem fw.suit -o fw.suit",
            env!("CARGO_BIN_EXE_suit")
        ))
        .current_dir(w.dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(status.status.code(), Some(2), "{status:?}");
    assert!(
        String::from_utf8_lossy(&status.stderr).contains("cannot write envelope"),
        "{status:?}"
    );
    assert_eq!(w.read("fw.suit"), before);
}

#[test]
fn dash_is_standard_output_and_status_lines_go_to_stderr() {
    let w = work();
    let piped = Command::new(env!("CARGO_BIN_EXE_suit"))
        .args(["sign", "--key", "ed.pem", "fw.suit", "-o", "-"])
        .current_dir(w.dir.path())
        .output()
        .unwrap();
    w.suit(&["sign", "--key", "ed.pem", "fw.suit", "-o", "signed.suit"])
        .ok();
    // Ed25519 signatures are deterministic: the same bytes either way.
    assert_eq!(piped.status.code(), Some(0), "{piped:?}");
    assert_eq!(piped.stdout, w.read("signed.suit"));
    assert!(
        String::from_utf8_lossy(&piped.stderr).starts_with("signed - with"),
        "{piped:?}"
    );
    assert!(!w.path("-").exists());
}

#[test]
fn a_failed_write_of_standard_output_is_an_error() {
    let w = work();
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_suit"))
        .args(["inspect", "--json", "fw.suit"])
        .current_dir(w.dir.path())
        .stdout(full)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    assert!(
        String::from_utf8_lossy(&o.stderr).starts_with("error: cannot write to standard output"),
        "{o:?}"
    );
}

#[test]
fn keygen_refuses_a_directory_as_prefix() {
    let w = Work::new();
    std::fs::create_dir(w.path("kd")).unwrap();
    for out in ["kd", "kd/"] {
        let o = w.suit(&["keygen", "--alg", "ed25519", "--out", out]);
        assert!(o.usage().contains("is a directory"), "{o:?}");
    }
    assert_eq!(std::fs::read_dir(w.path("kd")).unwrap().count(), 0);
}

#[cfg(unix)]
#[test]
fn keygen_without_force_refuses_a_dangling_symbolic_link_and_leaves_no_half_pair() {
    let w = Work::new();
    // A link to nothing is still a name in use: without --force it stays.
    std::os::unix::fs::symlink(w.path("nowhere"), w.path("k.pem")).unwrap();
    let o = w.suit(&["keygen", "--alg", "ed25519", "--out", "k"]);
    assert!(o.usage().contains("k.pem exists; use --force"), "{o:?}");
    let meta = std::fs::symlink_metadata(w.path("k.pem")).unwrap();
    assert!(meta.file_type().is_symlink());
    assert!(!w.path("nowhere").exists());
    assert!(!w.path("k.pub.pem").exists());
    // An existing public key alone: no private key is left behind.
    w.write("p.pub.pem", b"keep me");
    let o = w.suit(&["keygen", "--alg", "ed25519", "--out", "p"]);
    assert!(o.usage().contains("p.pub.pem exists"), "{o:?}");
    assert!(!w.path("p.pem").exists());
    assert_eq!(w.read("p.pub.pem"), b"keep me");
    // No temporary file is left either.
    let names: Vec<_> = std::fs::read_dir(w.path(""))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.contains("suit-tmp"))
        .collect();
    assert!(names.is_empty(), "{names:?}");
}

#[cfg(unix)]
#[test]
fn keygen_replaces_a_symbolic_link_instead_of_writing_through_it() {
    let w = Work::new();
    w.write("victim", b"keep me");
    std::os::unix::fs::symlink(w.path("victim"), w.path("k.pem")).unwrap();
    w.suit(&["keygen", "--alg", "ed25519", "--out", "k", "--force"])
        .ok();
    assert_eq!(w.read("victim"), b"keep me");
    let meta = std::fs::symlink_metadata(w.path("k.pem")).unwrap();
    assert!(meta.file_type().is_file());
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
}

#[test]
fn create_does_not_replace_an_existing_file_without_force() {
    let w = work();
    w.write("out.suit", b"keep me");
    let o = w.suit(&["create", "fw.json", "-o", "out.suit"]);
    assert!(o.usage().contains("out.suit exists; use --force"), "{o:?}");
    assert_eq!(w.read("out.suit"), b"keep me");
    w.suit(&["create", "fw.json", "-o", "out.suit", "--force"])
        .ok();
    assert_eq!(w.read("out.suit"), w.read("fw.unsigned.suit"));
    // A new name, and standard output, need no --force.
    w.suit(&["create", "fw.json", "-o", "new.suit"]).ok();
    assert_eq!(w.suit(&["create", "fw.json", "-o", "-"]).code, 0);
}

#[test]
fn sign_replaces_only_its_input_without_force() {
    let w = work();
    // Another existing file: refused before anything is signed, and kept.
    w.write("other.suit", b"keep me");
    let o = w.suit(&["sign", "--key", "ed.pem", "fw.suit", "-o", "other.suit"]);
    assert!(
        o.usage().contains("other.suit exists; use --force"),
        "{o:?}"
    );
    assert_eq!(w.read("other.suit"), b"keep me");
    w.suit(&[
        "sign",
        "--key",
        "ed.pem",
        "fw.suit",
        "-o",
        "other.suit",
        "--force",
    ])
    .ok();
    w.suit(&["inspect", "other.suit"]).ok();
    // The input itself, under another spelling of its path: in place.
    let before = w.read("fw.suit");
    w.suit(&["sign", "--key", "ed.pem", "fw.suit", "-o", "./fw.suit"])
        .ok();
    assert_ne!(w.read("fw.suit"), before);
    assert_eq!(w.read("fw.suit"), w.read("other.suit"));
    // Standard output and a new name need no --force.
    assert_eq!(
        w.suit(&["sign", "--key", "p256.pem", "fw.suit", "-o", "-"])
            .code,
        0
    );
    w.suit(&["sign", "--key", "p256.pem", "fw.suit", "-o", "new.suit"])
        .ok();
}

#[cfg(unix)]
#[test]
fn sign_without_force_refuses_a_symbolic_link_even_to_its_input() {
    // Writing -o replaces a link there (it does not write through it), so a
    // link to the input is another name in use, not signing in place.
    let w = work();
    std::os::unix::fs::symlink(w.path("fw.suit"), w.path("link.suit")).unwrap();
    std::os::unix::fs::symlink(w.path("nowhere"), w.path("dangling.suit")).unwrap();
    for out in ["link.suit", "dangling.suit"] {
        let o = w.suit(&["sign", "--key", "ed.pem", "fw.suit", "-o", out]);
        assert!(o.usage().contains("exists; use --force"), "{o:?}");
        let meta = std::fs::symlink_metadata(w.path(out)).unwrap();
        assert!(meta.file_type().is_symlink(), "{out}");
    }
    assert!(!w.path("nowhere").exists());
    let o = w.suit(&["create", "fw.json", "-o", "dangling.suit"]);
    assert!(o.usage().contains("exists; use --force"), "{o:?}");
    assert!(!w.path("nowhere").exists());
}

#[test]
fn dash_is_standard_input_for_the_envelope() {
    let w = work();
    let unsigned = w.read("fw.suit");
    // inspect: the same model as from the file.
    let from_file = w.suit(&["inspect", "--json", "fw.suit"]);
    let from_stdin = w.suit_stdin(&["inspect", "--json", "-"], &unsigned);
    assert_eq!(from_stdin.ok(), from_file.ok());
    let shown = w.suit_stdin(&["inspect", "-"], &unsigned);
    assert!(
        shown.ok().starts_with("SUIT envelope (standard input) ("),
        "{shown:?}"
    );
    // sign: the same bytes as from the file (Ed25519 is deterministic); an
    // existing -o is not "in place" when the input is standard input.
    w.suit(&["sign", "--key", "ed.pem", "fw.suit", "-o", "a.suit"])
        .ok();
    w.suit_stdin(&["sign", "--key", "ed.pem", "-", "-o", "b.suit"], &unsigned)
        .ok();
    assert_eq!(w.read("a.suit"), w.read("b.suit"));
    let o = w.suit_stdin(
        &["sign", "--key", "ed.pem", "-", "-o", "fw.suit"],
        &unsigned,
    );
    assert!(o.usage().contains("fw.suit exists"), "{o:?}");
    assert_eq!(w.read("fw.suit"), unsigned);
    // verify: accepted from standard input; nothing there is an empty envelope.
    let args = [
        "verify",
        "--key",
        "ed.pub.pem",
        "--vendor-id",
        common::VENDOR,
        "--class-id",
        common::CLASS,
        "--image",
        "0=fw.bin",
        "-",
    ];
    assert!(
        w.suit_stdin(&args, &w.read("a.suit"))
            .ok()
            .starts_with("accepted: sequence 7")
    );
    w.suit_stdin(&args, b"")
        .rejected(suit_verify::ErrorKind::CborTruncated);
    // A file named `-` is `./-`.
    w.write("-", w.read("a.suit"));
    let mut named = args;
    named[9] = "./-";
    w.suit(&named).ok();
}

#[test]
fn keygen_force_keeps_the_old_pair_when_a_target_is_a_directory() {
    let w = Work::new();
    w.suit(&["keygen", "--alg", "es256", "--out", "k"]).ok();
    let private = w.read("k.pem");
    // The public key's name is a directory: refused before either file is
    // replaced, so the old private key survives (it used to be deleted).
    std::fs::remove_file(w.path("k.pub.pem")).unwrap();
    std::fs::create_dir(w.path("k.pub.pem")).unwrap();
    let o = w.suit(&["keygen", "--alg", "es256", "--out", "k", "--force"]);
    assert!(
        o.usage()
            .contains("cannot write public key k.pub.pem: it is a directory"),
        "{o:?}"
    );
    assert_eq!(w.read("k.pem"), private);
    // The same for the private key's name, with or without --force.
    std::fs::create_dir(w.path("d.pem")).unwrap();
    for force in [false, true] {
        let mut a = vec!["keygen", "--alg", "ed25519", "--out", "d"];
        if force {
            a.push("--force");
        }
        let o = w.suit(&a);
        assert!(
            o.usage()
                .contains("cannot write private key d.pem: it is a directory"),
            "{o:?}"
        );
        assert!(!w.path("d.pub.pem").exists());
    }
    let names: Vec<_> = std::fs::read_dir(w.path(""))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.contains("suit-"))
        .collect();
    assert!(names.is_empty(), "{names:?}");
}

#[test]
fn keygen_out_with_a_pem_suffix_names_the_prefix() {
    let w = Work::new();
    let o = w.suit(&["keygen", "--alg", "es256", "--out", "k1.pem"]);
    o.ok();
    assert!(
        o.stderr.starts_with("wrote k1.pem (private P-256 key"),
        "{o:?}"
    );
    assert!(w.path("k1.pem").is_file() && w.path("k1.pub.pem").is_file());
    assert!(!w.path("k1.pem.pem").exists() && !w.path("k1.pem.pub.pem").exists());
    w.suit(&["keygen", "--alg", "ed25519", "--out", "k2.pub.pem"])
        .ok();
    assert!(w.path("k2.pem").is_file() && w.path("k2.pub.pem").is_file());
    // The stripped name is what --force and the overwrite check see.
    w.suit(&["keygen", "--alg", "ed25519", "--out", "k1"])
        .usage();
    assert_eq!(std::fs::read_dir(w.path("")).unwrap().count(), 4);
}
