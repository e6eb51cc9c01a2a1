//! Small shared helpers: the tool's error type, file access, UUIDs, hex and
//! component-identifier notation.

use std::fmt;
use std::path::{Path, PathBuf};

/// Exit status: success.
pub(crate) const EXIT_OK: u8 = 0;
/// Exit status: the envelope was examined and refused.
pub(crate) const EXIT_REJECTED: u8 = 1;
/// Exit status: usage, file or key errors.
pub(crate) const EXIT_USAGE: u8 = 2;

/// Why a command did not succeed; carries its exit status and the single
/// line printed on stderr.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Failure {
    /// Usage, file, key or description error: `error: <text>`, exit 2.
    Usage(String),
    /// The verifier rejected the envelope:
    /// `rejected: NAME: message; code 0xNNNN[, envelope byte N]`, exit 1.
    Rejected(suit_verify::Error),
    /// Another command refused its input (not an envelope, digest
    /// mismatch before signing...): `error: <text>`, exit 1.
    Refused(String),
}

impl Failure {
    /// The exit status.
    pub(crate) fn exit_code(&self) -> u8 {
        match self {
            Failure::Usage(_) => EXIT_USAGE,
            Failure::Rejected(_) | Failure::Refused(_) => EXIT_REJECTED,
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Usage(m) | Failure::Refused(m) => write!(f, "error: {m}"),
            Failure::Rejected(e) => {
                write!(f, "rejected: {}", error_kind_text(e.kind()))?;
                match e.offset() {
                    Some(at) => write!(f, ", envelope byte {at}"),
                    None => Ok(()),
                }
            }
        }
    }
}

/// A library error kind as the tool prints it: `NAME: message; code
/// 0xNNNN` (`verify`'s rejected line, `sign`'s refusals).
pub(crate) fn error_kind_text(k: suit_verify::ErrorKind) -> String {
    format!("{}: {}; code {:#06x}", k.name(), k.message(), k.code())
}

/// Result of a command.
pub(crate) type CmdResult<T = ()> = Result<T, Failure>;

/// The library's key type for a key read or made with suit-encoder.
pub(crate) fn library_key_type(k: suit_encoder::cose::KeyType) -> suit_verify::crypto::KeyType {
    match k {
        suit_encoder::cose::KeyType::Ed25519 => suit_verify::crypto::KeyType::Ed25519,
        suit_encoder::cose::KeyType::P256 => suit_verify::crypto::KeyType::P256,
    }
}

/// A key type's name in messages.
pub(crate) fn key_type_name(k: suit_encoder::cose::KeyType) -> &'static str {
    match k {
        suit_encoder::cose::KeyType::Ed25519 => "Ed25519",
        suit_encoder::cose::KeyType::P256 => "P-256",
    }
}

/// A usage error.
pub(crate) fn usage(msg: impl Into<String>) -> Failure {
    Failure::Usage(msg.into())
}

/// Read a whole file; a failure is a usage/file error naming the path.
pub(crate) fn read_file(path: &Path, what: &str) -> CmdResult<Vec<u8>> {
    std::fs::read(path).map_err(|e| usage(format!("cannot read {what} {}: {e}", path.display())))
}

/// Read a command's envelope argument: `-` is standard input (`suit
/// create d.json -o - | suit sign --key k.pem - -o x.suit`); anything else
/// is a path, read by [`read_file`] (a file named `-` is `./-`).
pub(crate) fn read_input(path: &Path, what: &str) -> CmdResult<Vec<u8>> {
    use std::io::Read;
    if path.as_os_str() != "-" {
        return read_file(path, what);
    }
    let mut data = Vec::new();
    std::io::stdin()
        .lock()
        .read_to_end(&mut data)
        .map_err(|e| usage(format!("cannot read {what} from standard input: {e}")))?;
    Ok(data)
}

/// Read a whole text file.
pub(crate) fn read_text(path: &Path, what: &str) -> CmdResult<String> {
    let bytes = read_file(path, what)?;
    String::from_utf8(bytes)
        .map_err(|_| usage(format!("{what} {} is not UTF-8 text", path.display())))
}

/// The early refusal of [`write_file_replacing`] without `replace`, made
/// before the work so that it is the first error (the write checks again,
/// atomically).
pub(crate) fn refuse_existing(path: &Path, replace: bool) -> CmdResult {
    if !replace && would_clobber(path) {
        return Err(exists(path));
    }
    Ok(())
}

/// Whether `path` holds what [`write_file_replacing`] refuses to replace: a
/// file or a symbolic link.
pub(crate) fn would_clobber(path: &Path) -> bool {
    path.as_os_str() != "-"
        && std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file() || m.is_symlink())
}

/// Whether `a` and `b` name the same file (a symbolic link at `b` is not
/// the file it points to: writing `b` replaces the link).
pub(crate) fn same_file(a: &Path, b: &Path) -> bool {
    let (Ok(ma), Ok(mb)) = (std::fs::metadata(a), std::fs::symlink_metadata(b)) else {
        return false;
    };
    if !mb.is_file() {
        return false;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        ma.dev() == mb.dev() && ma.ino() == mb.ino()
    }
    #[cfg(not(unix))]
    {
        let _ = ma;
        matches!(
            (std::fs::canonicalize(a), std::fs::canonicalize(b)),
            (Ok(x), Ok(y)) if x == y
        )
    }
}

/// Write a whole file: `-` is standard output; a path that exists and is
/// not a file or a symbolic link (`/dev/null`, a FIFO, a terminal) is
/// written to, never replaced; anything else is written to a new
/// temporary file beside it, then renamed over it, so a failed write (disk
/// full) never leaves a partial file or destroys the old one (`suit sign
/// x.suit -o x.suit` signs in place, keeping the file's permissions), and a
/// symbolic link at `path` is replaced, not written through. Without
/// `replace`, a file or a symbolic link (even a dangling one) at `path` is
/// refused instead ([`exists`]), atomically, by [`commit_temp_new`].
/// `create`, `sign` and `c-header` pass `replace` from `--force` (and
/// `sign` for signing in place).
pub(crate) fn write_file_replacing(
    path: &Path,
    data: &[u8],
    what: &str,
    replace: bool,
) -> CmdResult {
    use std::io::Write;
    if path.as_os_str() == "-" {
        let mut o = std::io::stdout().lock();
        return o
            .write_all(data)
            .and_then(|()| o.flush())
            .map_err(|e| usage(format!("cannot write {what} to standard output: {e}")));
    }
    let existing = std::fs::symlink_metadata(path).ok();
    if let Some(m) = existing
        .as_ref()
        .filter(|m| !m.is_file() && !m.is_symlink())
    {
        if m.is_dir() {
            return Err(usage(format!(
                "cannot write {what} {}: it is a directory",
                path.display()
            )));
        }
        return std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .and_then(|mut f| f.write_all(data))
            .map_err(|e| write_error(path, what, &e));
    }
    if !replace {
        if existing.is_some() {
            return Err(exists(path));
        }
        let tmp = write_temp(path, data, 0o644, what)?;
        return commit_temp_new(&tmp, path, what);
    }
    let tmp = write_temp(path, data, 0o644, what)?;
    if let Some(m) = existing.filter(std::fs::Metadata::is_file) {
        // Keep the replaced file's permissions (a 0600 envelope stays 0600).
        if let Err(e) = std::fs::set_permissions(&tmp, m.permissions()) {
            let _ = std::fs::remove_file(&tmp);
            return Err(write_error(path, what, &e));
        }
    }
    commit_temp(&tmp, path, what)
}

/// Write `data` to a new file beside `path` (created exclusively, with
/// `mode` on Unix, synced) and return its name; removed again on failure,
/// which is reported as writing `what` at `path`.
pub(crate) fn write_temp(path: &Path, data: &[u8], mode: u32, what: &str) -> CmdResult<PathBuf> {
    use std::io::Write;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    let tmp = dir.join(format!(".{name}.suit-tmp-{}", std::process::id()));
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    let r = opts.open(&tmp).and_then(|mut f| {
        f.write_all(data)?;
        f.sync_all()
    });
    match r {
        Ok(()) => Ok(tmp),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(write_error(path, what, &e))
        }
    }
}

fn write_error(path: &Path, what: &str, e: &std::io::Error) -> Failure {
    usage(format!("cannot write {what} {}: {e}", path.display()))
}

/// Rename a file made by [`write_temp`] over `path`.
pub(crate) fn commit_temp(tmp: &Path, path: &Path, what: &str) -> CmdResult {
    std::fs::rename(tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(tmp);
        write_error(path, what, &e)
    })
}

/// Move a file made by [`write_temp`] to `path` only if nothing is there,
/// not even a dangling symbolic link: a hard link fails atomically when the
/// name exists, so a file made after an earlier check is not replaced
/// either. Where the file system has no hard links, a check then a rename.
pub(crate) fn commit_temp_new(tmp: &Path, path: &Path, what: &str) -> CmdResult {
    let linked = std::fs::hard_link(tmp, path);
    let r = match linked {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(exists(path)),
        Err(_) if std::fs::symlink_metadata(path).is_ok() => Err(exists(path)),
        Err(_) => return commit_temp(tmp, path, what),
    };
    let _ = std::fs::remove_file(tmp);
    r
}

/// Whether anything is at `path`, a dangling symbolic link included.
pub(crate) fn occupied(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok()
}

/// The usage error for an existing output without `--force`.
pub(crate) fn exists(path: &Path) -> Failure {
    usage(format!(
        "{} exists; use --force to overwrite it",
        path.display()
    ))
}

/// Set when writing standard output failed (other than a closed pipe);
/// `main` then exits with status 2, so a CI job never records an empty
/// output file as a success.
static STDOUT_FAILED: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

/// Print `text` on stdout. A closed pipe (`suit inspect x | head`) is not
/// an error: output stops quietly. Any other failure (disk full) is
/// remembered for [`stdout_failure`].
pub(crate) fn out(text: &str) {
    use std::io::Write;
    let mut o = std::io::stdout().lock();
    if let Err(e) = o.write_all(text.as_bytes()).and_then(|()| o.flush())
        && e.kind() != std::io::ErrorKind::BrokenPipe
        && let Ok(mut f) = STDOUT_FAILED.lock()
    {
        f.get_or_insert_with(|| e.to_string());
    }
}

/// The first failure to write standard output, if any.
pub(crate) fn stdout_failure() -> Option<String> {
    STDOUT_FAILED.lock().ok().and_then(|f| f.clone())
}

/// Print one line on stderr, never panicking.
pub(crate) fn err_line(text: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

/// Read a PEM key file: one nobody could use gets its own one-line error
/// (exit 2) instead of the parser's: an empty file, and (`private`: for
/// signing) an encrypted private key, which this tool cannot decrypt.
pub(crate) fn read_key_pem(path: &Path, what: &str, private: bool) -> CmdResult<String> {
    let pem = read_text(path, what)?;
    if pem.trim().is_empty() {
        return Err(usage(format!("key file {} is empty", path.display())));
    }
    if private && pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") {
        return Err(usage(format!(
            "{p} is an encrypted private key; decrypt it first, e.g. openssl pkcs8 -in {p} -out plain.pem",
            p = path.display()
        )));
    }
    if private && pem.contains("Proc-Type: 4,ENCRYPTED") {
        return Err(usage(format!(
            "{p} is an encrypted private key; decrypt it first, e.g. openssl ec -in {p} -out plain.pem",
            p = path.display()
        )));
    }
    Ok(pem)
}

/// Lowercase hex.
pub(crate) fn hex(b: &[u8]) -> String {
    suit_encoder::to_hex(b)
}

/// Parse a UUID in its canonical form `8-4-4-4-12` hex digits (either case),
/// or as 32 hex digits without hyphens.
pub(crate) fn parse_uuid(s: &str) -> Option<[u8; 16]> {
    let compact: String = if s.len() == 36 {
        let dashes_ok = s
            .char_indices()
            .all(|(i, c)| matches!(i, 8 | 13 | 18 | 23) == (c == '-'));
        if !dashes_ok {
            return None;
        }
        s.chars().filter(|c| *c != '-').collect()
    } else {
        s.to_owned()
    };
    if compact.len() != 32 || !compact.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let bytes = suit_encoder::from_hex(&compact).ok()?;
    <[u8; 16]>::try_from(bytes.as_slice()).ok()
}

/// A UUID `create` may put in a manifest: the draft (section 8.4.8.5) wants
/// RFC 4122 UUIDs of version 3, 4 or 5. The error names what the UUID is
/// instead.
pub(crate) fn conformant_uuid(u: [u8; 16], what: &str) -> CmdResult<[u8; 16]> {
    let version = u[6] >> 4;
    if u[8] >> 6 != 0b10 {
        return Err(usage(format!(
            "{what} {}: not an RFC 4122 UUID (variant bits {:02b}); SUIT needs an RFC 4122 UUID of version 3, 4 or 5",
            uuid_string(&u),
            u[8] >> 6
        )));
    }
    if !matches!(version, 3..=5) {
        return Err(usage(format!(
            "{what} {}: a version {version} UUID; SUIT needs version 3, 4 or 5 (suit uuid derives version 5 ones)",
            uuid_string(&u)
        )));
    }
    Ok(u)
}

/// Format 16 bytes as a UUID.
pub(crate) fn uuid_string(u: &[u8; 16]) -> String {
    suit_encoder::suit::param::uuid_to_string(u)
}

/// Decode a base-128 relative OID of a single arc (a PEN) into its number.
/// `None` when the bytes are not exactly one minimal arc that fits in u64.
pub(crate) fn pen_from_oid(bytes: &[u8]) -> Option<u64> {
    let (last, rest) = bytes.split_last()?;
    if last & 0x80 != 0 || rest.first() == Some(&0x80) {
        return None;
    }
    let mut n: u64 = 0;
    for b in rest {
        if b & 0x80 == 0 {
            return None;
        }
        n = n.checked_mul(128)?.checked_add(u64::from(b & 0x7f))?;
    }
    n.checked_mul(128)?.checked_add(u64::from(*last))
}

/// One segment of a component identifier in the tool's notation: printable
/// ASCII as itself, anything else as `h'<hex>'` (CBOR diagnostic notation).
pub(crate) fn segment_string(seg: &[u8]) -> String {
    let printable = !seg.is_empty()
        && seg.iter().all(|b| (0x20..0x7f).contains(b))
        && !(seg.starts_with(b"h'") && seg.ends_with(b"'"));
    if printable {
        String::from_utf8_lossy(seg).into_owned()
    } else {
        format!("h'{}'", hex(seg))
    }
}

/// Parse a segment written in the tool's notation: `h'<hex>'` is bytes,
/// anything else is UTF-8 text.
pub(crate) fn parse_segment(s: &str) -> CmdResult<Vec<u8>> {
    match s.strip_prefix("h'").and_then(|r| r.strip_suffix('\'')) {
        Some(h) => suit_encoder::from_hex(h)
            .map_err(|_| usage(format!("component id segment {s:?}: invalid hex"))),
        None => Ok(s.as_bytes().to_vec()),
    }
}

/// A component identifier as people read it, e.g. `[h'00']` or `["usr", "bin"]`.
pub(crate) fn component_id_string(segments: &[Vec<u8>]) -> String {
    let parts: Vec<String> = segments
        .iter()
        .map(|s| {
            let t = segment_string(s);
            if t.starts_with("h'") {
                t
            } else {
                format!("{t:?}")
            }
        })
        .collect();
    format!("[{}]", parts.join(", "))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn commit_new_never_replaces_a_name_made_after_the_check() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("k.pem");
        // A file, or a dangling symbolic link, made after keygen's check.
        let mut squatters = vec!["file"];
        if cfg!(unix) {
            squatters.push("dangling link");
        }
        for squatter in squatters {
            let tmp = write_temp(&target, b"new key", 0o600, "private key").unwrap();
            if squatter == "file" {
                std::fs::write(&target, b"old").unwrap();
            } else {
                #[cfg(unix)]
                std::os::unix::fs::symlink(dir.path().join("nowhere"), &target).unwrap();
            }
            match commit_temp_new(&tmp, &target, "private key") {
                Err(Failure::Usage(m)) => assert!(m.contains("exists; use --force"), "{m}"),
                other => panic!("{squatter}: {other:?}"),
            }
            assert!(!tmp.exists(), "{squatter}: temporary file left");
            assert!(!dir.path().join("nowhere").exists(), "{squatter}");
            if squatter == "file" {
                assert_eq!(std::fs::read(&target).unwrap(), b"old");
            }
            std::fs::remove_file(&target).unwrap();
        }
        let tmp = write_temp(&target, b"new key", 0o600, "private key").unwrap();
        commit_temp_new(&tmp, &target, "private key").unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"new key");
        assert!(!tmp.exists());
    }

    #[test]
    fn write_new_refuses_what_is_there_and_writes_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.suit");
        write_file_replacing(&target, b"first", "envelope", false).unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"first");
        assert!(would_clobber(&target));
        match write_file_replacing(&target, b"second", "envelope", false) {
            Err(Failure::Usage(m)) => assert!(m.contains("exists; use --force"), "{m}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(std::fs::read(&target).unwrap(), b"first");
        write_file_replacing(&target, b"second", "envelope", true).unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"second");
        assert!(!would_clobber(Path::new("-")));
        assert!(!would_clobber(&dir.path().join("absent")));
        // Not a file: written to, as with replace (here /dev/null).
        #[cfg(unix)]
        {
            assert!(!would_clobber(Path::new("/dev/null")));
            write_file_replacing(Path::new("/dev/null"), b"x", "envelope", false).unwrap();
        }
        assert!(same_file(&target, &dir.path().join(".").join("out.suit")));
        assert!(!same_file(&target, &dir.path().join("absent")));
    }

    #[test]
    fn uuids() {
        let u = parse_uuid("fa6b4a53-d5ad-5fdf-be9d-e663e4d41ffe").unwrap();
        assert_eq!(uuid_string(&u), "fa6b4a53-d5ad-5fdf-be9d-e663e4d41ffe");
        assert_eq!(parse_uuid("FA6B4A53D5AD5FDFBE9DE663E4D41FFE"), Some(u));
        assert_eq!(parse_uuid("fa6b4a53d-5ad-5fdf-be9d-e663e4d41ffe"), None);
        assert_eq!(parse_uuid("fa6b4a53-d5ad-5fdf-be9d-e663e4d41ff"), None);
        assert_eq!(parse_uuid("xa6b4a53-d5ad-5fdf-be9d-e663e4d41ffe"), None);
        assert_eq!(parse_uuid(""), None);
        assert_eq!(parse_uuid("é".repeat(18).as_str()), None);
    }

    #[test]
    fn uuid_versions() {
        let v5 = parse_uuid("fa6b4a53-d5ad-5fdf-be9d-e663e4d41ffe").unwrap();
        assert_eq!(conformant_uuid(v5, "vendor-id").ok(), Some(v5));
        let v4 = parse_uuid("8d82573a-926d-4754-9353-32dc29997f74").unwrap();
        assert_eq!(conformant_uuid(v4, "class-id").ok(), Some(v4));
        let v3 = parse_uuid("a3bb189e-8bf9-3888-9912-ace4e6543002").unwrap();
        assert_eq!(conformant_uuid(v3, "class-id").ok(), Some(v3));
        // Version 1 (time-based): refused, naming the version.
        let v1 = parse_uuid("c232ab00-9414-11ec-b3c8-9f6bdeced846").unwrap();
        let Err(Failure::Usage(m)) = conformant_uuid(v1, "device-id") else {
            panic!("version 1 accepted");
        };
        assert!(
            m.contains("device-id c232ab00-9414-11ec-b3c8-9f6bdeced846: a version 1 UUID"),
            "{m}"
        );
        // The nil UUID and a non-RFC-4122 variant (Microsoft GUID bits 110).
        for (s, want) in [
            ("00000000-0000-0000-0000-000000000000", "variant bits 00"),
            ("fa6b4a53-d5ad-5fdf-de9d-e663e4d41ffe", "variant bits 11"),
        ] {
            let Err(Failure::Usage(m)) = conformant_uuid(parse_uuid(s).unwrap(), "class-id") else {
                panic!("{s} accepted");
            };
            assert!(m.contains(want), "{m}");
        }
    }

    #[test]
    fn pens() {
        use suit_encoder::suit::param::pen_oid_bytes;
        for n in [0u64, 1, 127, 128, 4128, 32473, u64::MAX] {
            assert_eq!(pen_from_oid(&pen_oid_bytes(n)), Some(n), "{n}");
        }
        assert_eq!(pen_from_oid(&[]), None);
        assert_eq!(pen_from_oid(&[0x81]), None);
        assert_eq!(pen_from_oid(&[0x80, 0x01]), None);
        assert_eq!(pen_from_oid(&[0x01, 0x01]), None);
        assert_eq!(pen_from_oid(&[0xff; 11]), None);
    }

    #[test]
    fn segments() {
        assert_eq!(segment_string(&[0]), "h'00'");
        assert_eq!(segment_string(b"usr"), "usr");
        assert_eq!(segment_string(b""), "h''");
        assert_eq!(segment_string(b"h'00'"), "h'6827303027'");
        assert_eq!(parse_segment("h'00'").unwrap(), vec![0]);
        assert_eq!(parse_segment("usr").unwrap(), b"usr".to_vec());
        assert!(parse_segment("h'0'").is_err());
        for s in [vec![0u8], b"app".to_vec(), b"h'1'".to_vec(), vec![]] {
            assert_eq!(parse_segment(&segment_string(&s)).unwrap(), s);
        }
        assert_eq!(
            component_id_string(&[b"usr".to_vec(), vec![1]]),
            "[\"usr\", h'01']"
        );
    }
}
