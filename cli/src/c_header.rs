//! `suit c-header`: the trusted public keys and the device's vendor and
//! class ids as a C header, for firmware that calls the C library.
//!
//! Each key becomes the raw bytes `suit_key` takes (Ed25519: 32 bytes;
//! P-256: SEC1 uncompressed, 65 bytes), checked as `suit_keys_check`
//! checks it (an Ed25519 point of small order is refused), and a
//! `suit_key` array points at them; `--kid` adds key ids. `--vendor-id` /
//! `--domain` and `--class-id` / `--model` give the 16-byte ids, derived as
//! `suit uuid` derives them. The initializers are positional (C89 to C17 and
//! C++ read them) and follow `struct suit_key` in `include/suit_verify.h`:
//! key_type, key, key_len, kid, kid_len.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use clap::Args;
use suit_verify::{KeyType, TrustedKey};

use crate::util::{CmdResult, refuse_existing, usage, uuid_string, write_file_replacing};
use crate::verify::{PublicKey, load_key};

/// The C library's header, whose names the generated ones must not take.
const SUIT_VERIFY_H: &str = include_str!("../../include/suit_verify.h");

/// `SUIT_MAX_KEYS` of `include/suit_verify.h`: the most keys one
/// `suit_authenticate` call takes (a unit test checks the header agrees).
const C_MAX_KEYS: usize = 8;

/// The default `--name`.
const DEFAULT_PREFIX: &str = "SUIT_TRUST";

/// Bytes per line of a generated array.
const BYTES_PER_LINE: usize = 12;

/// Arguments of `suit c-header`.
#[derive(Args, Debug)]
#[command(
    about = "Write trusted public keys and vendor/class ids as a C header for firmware",
    long_about = "Write a self-contained C header with the trusted public keys and the \
        device's vendor and class ids, as a firmware calling the C library \
        (include/suit_verify.h) needs them: for each --key (a P-256 or Ed25519 public key, \
        SubjectPublicKeyInfo PEM as `suit keygen` writes NAME.pub.pem) an array \
        PREFIX_KEY_<i> of the raw bytes suit_key takes (Ed25519 32, P-256 SEC1 65), the \
        array `static const suit_key PREFIX_KEYS[]` and PREFIX_KEY_COUNT, to pass to \
        suit_keys_check and suit_authenticate; with --kid (one per key, in order; the text's \
        bytes; \"\" for a key without one) PREFIX_KID_<i> arrays the keys point to; with \
        --vendor-id or --domain, PREFIX_VENDOR_ID[16]; with --class-id or --model, \
        PREFIX_CLASS_ID[16] (--domain and --model derive the UUID5 ids exactly as `suit uuid` \
        and `suit create` do).\n\n\
        A private key, a key of another algorithm, an Ed25519 key suit_keys_check would \
        refuse (a point of small order) and more than SUIT_MAX_KEYS (8) keys are refused \
        (exit 2). The header defines its arrays `static const`: include it in one C file. \
        Without -o, or with -o -, it goes to standard output; an existing OUT.h is not \
        replaced without --force."
)]
pub(crate) struct CHeaderArgs {
    /// A trusted public key (SPKI PEM, e.g. NAME.pub.pem from `suit keygen`); repeat for more, at most 8.
    #[arg(long = "key", value_name = "NAME.pub.pem", required = true)]
    keys: Vec<PathBuf>,
    /// A COSE key id for the key of the same position (its text as bytes; "" for none); give one per --key.
    #[arg(long = "kid", value_name = "ID")]
    kids: Vec<String>,
    /// The vendor id, a UUID.
    #[arg(long = "vendor-id", value_name = "UUID", conflicts_with = "domain")]
    vendor_id: Option<String>,
    /// The vendor's domain name: the vendor id is UUID5(DNS namespace, DOMAIN), as `suit uuid --domain`.
    #[arg(long, value_name = "DOMAIN")]
    domain: Option<String>,
    /// The class id, a UUID.
    #[arg(long = "class-id", value_name = "UUID", conflicts_with = "model")]
    class_id: Option<String>,
    /// Model information: the class id is UUID5(vendor-id, MODEL), as `suit uuid --model` (needs --vendor-id or --domain).
    #[arg(long, value_name = "MODEL")]
    model: Option<String>,
    /// Prefix of the generated names and the include guard (a C identifier; uppercased).
    #[arg(long = "name", value_name = "PREFIX", default_value = DEFAULT_PREFIX)]
    name: String,
    /// Where to write the header (`-`, or no -o: standard output). An existing file is not replaced without --force.
    #[arg(short, long, value_name = "OUT.h")]
    out: Option<PathBuf>,
    /// Replace an existing OUT.h.
    #[arg(long)]
    force: bool,
}

/// One key as the header carries it.
struct Entry {
    /// The file it was read from, as given.
    source: PathBuf,
    key: PublicKey,
    /// Its `SUIT_KEY_*` constant.
    type_macro: &'static str,
    kid: Vec<u8>,
}

/// Run `suit c-header`.
pub(crate) fn run(args: &CHeaderArgs) -> CmdResult {
    let prefix = c_prefix(&args.name)?;
    if args.keys.len() > C_MAX_KEYS {
        return Err(usage(format!(
            "{} keys; a firmware takes at most {C_MAX_KEYS} (SUIT_MAX_KEYS in suit_verify.h)",
            args.keys.len()
        )));
    }
    if !args.kids.is_empty() && args.kids.len() != args.keys.len() {
        return Err(usage(format!(
            "{} --kid for {} --key; give one --kid per --key, in order (\"\" for a key without a kid)",
            args.kids.len(),
            args.keys.len()
        )));
    }
    let out = args.out.as_deref().filter(|o| o.as_os_str() != "-");
    if let Some(o) = out {
        refuse_existing(o, args.force)?;
    }
    check_names(&prefix, args.keys.len())?;
    let mut entries = Vec::with_capacity(args.keys.len());
    for (i, path) in args.keys.iter().enumerate() {
        let key = load_key(
            path,
            "a firmware trusts the public key (NAME.pub.pem); never put a private key in it",
        )?;
        let type_macro = check_key(path, &key)?;
        let kid = args
            .kids
            .get(i)
            .map(|k| k.as_bytes().to_vec())
            .unwrap_or_default();
        entries.push(Entry {
            source: path.clone(),
            key,
            type_macro,
            kid,
        });
    }
    let ids = identity(args)?;
    let text = header(&prefix, &entries, &ids);
    match out {
        None => crate::util::out(&text),
        Some(o) => {
            write_file_replacing(o, text.as_bytes(), "header", args.force)?;
            let mut what = format!("{} key(s)", entries.len());
            for (id, name) in [(&ids.vendor, "vendor id"), (&ids.class, "class id")] {
                if id.is_some() {
                    what.push_str(", ");
                    what.push_str(name);
                }
            }
            crate::util::err_line(&format!("wrote {} ({what}; names {prefix}_*)", o.display()));
        }
    }
    Ok(())
}

/// `--name` as the generated names' prefix: a C identifier, uppercased,
/// not starting with `_` (reserved names with a capital after it).
fn c_prefix(name: &str) -> CmdResult<String> {
    let upper = name.to_ascii_uppercase();
    let mut chars = upper.chars();
    let ok = chars.next().is_some_and(|c| c.is_ascii_uppercase())
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(upper)
    } else {
        Err(usage(format!(
            "--name {name:?}: not a C identifier prefix (a letter, then letters, digits or _)"
        )))
    }
}

/// Every identifier `suit_verify.h` uses.
fn header_names() -> BTreeSet<&'static str> {
    SUIT_VERIFY_H
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect()
}

/// The generated names (for `count` keys) must not be names of
/// `suit_verify.h` (`--name SUIT_VERIFY` would make its include guard
/// `SUIT_VERIFY_H`, hiding the library's header).
fn check_names(prefix: &str, count: usize) -> CmdResult {
    let taken = header_names();
    let mut names: Vec<String> = ["H", "KEYS", "KEY_COUNT", "VENDOR_ID", "CLASS_ID"]
        .iter()
        .map(|s| format!("{prefix}_{s}"))
        .collect();
    for i in 0..count {
        names.push(format!("{prefix}_KEY_{i}"));
        names.push(format!("{prefix}_KID_{i}"));
    }
    match names.iter().find(|n| taken.contains(n.as_str())) {
        Some(n) => Err(usage(format!(
            "--name {prefix}: {n} is a name of suit_verify.h; choose another prefix"
        ))),
        None => Ok(()),
    }
}

/// A key the firmware's `suit_keys_check` would refuse is refused here;
/// the key's `SUIT_KEY_*` constant.
fn check_key(path: &Path, key: &PublicKey) -> CmdResult<&'static str> {
    let type_macro = match key.kind {
        KeyType::Ed25519 => "SUIT_KEY_ED25519",
        KeyType::P256 => "SUIT_KEY_P256",
        _ => {
            return Err(usage(format!(
                "{}: not a P-256 or Ed25519 public key",
                path.display()
            )));
        }
    };
    let valid = TrustedKey::new(key.kind, &key.raw).and_then(|k| k.validate());
    valid.map_err(|_| {
        usage(format!(
            "{}: not a usable {} public key (suit_keys_check refuses it: {})",
            path.display(),
            type_name(key.kind),
            match key.kind {
                KeyType::Ed25519 => "a point of small order",
                _ => "not a valid point",
            }
        ))
    })?;
    Ok(type_macro)
}

fn type_name(kind: KeyType) -> &'static str {
    match kind {
        KeyType::Ed25519 => "Ed25519",
        KeyType::P256 => "P-256",
        _ => "other",
    }
}

/// The vendor and class ids asked for, each with how it was made.
struct Ids {
    vendor: Option<([u8; 16], String)>,
    class: Option<([u8; 16], String)>,
}

fn identity(args: &CHeaderArgs) -> CmdResult<Ids> {
    let vendor = match (&args.vendor_id, &args.domain) {
        (Some(v), _) => Some((crate::uuid::uuid_arg(v, "--vendor-id")?, String::new())),
        (None, Some(d)) => {
            let id = crate::uuid::vendor_id_from_domain(d)
                .ok_or_else(|| usage("--domain: the domain name is empty"))?;
            Some((id, format!("UUID5(DNS namespace, {})", c_string(d))))
        }
        (None, None) => None,
    };
    let class = match (&args.class_id, &args.model) {
        (Some(c), _) => Some((crate::uuid::uuid_arg(c, "--class-id")?, String::new())),
        (None, Some(m)) => {
            let (v, _) = vendor.as_ref().ok_or_else(|| {
                usage("--model needs --vendor-id or --domain (the class id is UUID5(vendor-id, MODEL))")
            })?;
            Some((
                crate::uuid::class_id_from_model(v, m),
                format!("UUID5(vendor id, {})", c_string(m)),
            ))
        }
        (None, None) => None,
    };
    Ok(Ids { vendor, class })
}

/// Text from the command line as it appears inside a C comment: quoted,
/// escaped to printable ASCII, and never closing or opening a comment or
/// forming a trigraph.
fn c_string(s: &str) -> String {
    let mut quoted = format!("\"{}\"", s.escape_default())
        .replace("*/", "*\\/")
        .replace("/*", "/\\*");
    while quoted.contains("??") {
        quoted = quoted.replace("??", "?\\?");
    }
    quoted
}

/// `static const uint8_t NAME[N] = { ... };`, 12 bytes a line.
fn byte_array(out: &mut String, name: &str, bytes: &[u8]) {
    let _ = writeln!(out, "static const uint8_t {name}[{}] = {{", bytes.len());
    let lines: Vec<String> = bytes
        .chunks(BYTES_PER_LINE)
        .map(|line| {
            let cells: Vec<String> = line.iter().map(|b| format!("0x{b:02x}")).collect();
            format!("  {}", cells.join(", "))
        })
        .collect();
    let _ = writeln!(out, "{}\n}};", lines.join(",\n"));
}

/// The whole header.
fn header(prefix: &str, entries: &[Entry], ids: &Ids) -> String {
    let mut h = String::new();
    let guard = format!("{prefix}_H");
    h.push_str("/*\n * Trusted public keys");
    if ids.vendor.is_some() || ids.class.is_some() {
        h.push_str(" and device identity");
    }
    h.push_str(" for suit-verify (include/suit_verify.h).\n");
    h.push_str(" *\n * GENERATED by `suit c-header` from:\n");
    for e in entries {
        let _ = writeln!(
            h,
            " *   {} ({} public key)",
            c_string(&e.source.display().to_string()),
            type_name(e.key.kind)
        );
    }
    h.push_str(
        " * Do not edit; regenerate it. The arrays are `static const`: include\n \
         * this header in one C file only.\n */\n\n",
    );
    let _ = writeln!(h, "#ifndef {guard}\n#define {guard}\n");
    h.push_str("#include <stdint.h>\n#include \"suit_verify.h\"\n");
    for (i, e) in entries.iter().enumerate() {
        let what = match e.key.kind {
            KeyType::P256 => "P-256 public key, SEC1 uncompressed (04 || X || Y)",
            _ => "Ed25519 public key",
        };
        let _ = writeln!(
            h,
            "\n/* Key {i}: {}, {what}. */",
            c_string(&e.source.display().to_string())
        );
        byte_array(&mut h, &format!("{prefix}_KEY_{i}"), &e.key.raw);
        if !e.kid.is_empty() {
            let kid = String::from_utf8_lossy(&e.kid);
            let _ = writeln!(h, "/* Key {i}'s kid: {}. */", c_string(&kid));
            byte_array(&mut h, &format!("{prefix}_KID_{i}"), &e.kid);
        }
    }
    let _ = writeln!(
        h,
        "\n/* For suit_keys_check({prefix}_KEYS, {prefix}_KEY_COUNT) and suit_authenticate. */"
    );
    let _ = writeln!(h, "static const suit_key {prefix}_KEYS[] = {{");
    let rows: Vec<String> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let key = format!("{prefix}_KEY_{i}");
            let kid = if e.kid.is_empty() {
                "NULL, 0".to_owned()
            } else {
                format!("{prefix}_KID_{i}, sizeof {prefix}_KID_{i}")
            };
            format!("  {{ {}, {key}, sizeof {key}, {kid} }}", e.type_macro)
        })
        .collect();
    let _ = writeln!(h, "{}\n}};", rows.join(",\n"));
    let _ = writeln!(h, "#define {prefix}_KEY_COUNT {}", entries.len());
    for (id, name, what) in [
        (&ids.vendor, "VENDOR_ID", "Vendor id"),
        (&ids.class, "CLASS_ID", "Class id"),
    ] {
        if let Some((u, how)) = id {
            let how = if how.is_empty() {
                String::new()
            } else {
                format!(" = {how}")
            };
            let _ = writeln!(h, "\n/* {what} {}{how}. */", uuid_string(u));
            byte_array(&mut h, &format!("{prefix}_{name}"), u);
        }
    }
    let _ = writeln!(h, "\n#endif /* {guard} */");
    h
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn max_keys_is_the_headers() {
        let line = SUIT_VERIFY_H
            .lines()
            .find_map(|l| l.strip_prefix("#define SUIT_MAX_KEYS "))
            .unwrap();
        assert_eq!(line.trim().parse::<usize>().unwrap(), C_MAX_KEYS);
        // The field order the initializers follow.
        let fields: Vec<&str> = SUIT_VERIFY_H
            .split("typedef struct suit_key {")
            .nth(1)
            .unwrap()
            .split("} suit_key;")
            .next()
            .unwrap()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('*') && !l.starts_with("/*"))
            .collect();
        assert_eq!(
            fields,
            [
                "uint32_t key_type;",
                "const uint8_t *key;",
                "size_t key_len;",
                "const uint8_t *kid;",
                "size_t kid_len;"
            ]
        );
    }

    #[test]
    fn prefixes() {
        assert_eq!(c_prefix("trust").unwrap(), "TRUST");
        assert_eq!(c_prefix("My_Keys2").unwrap(), "MY_KEYS2");
        for bad in ["", "_X", "2KEYS", "my-keys", "a b", "é"] {
            assert!(c_prefix(bad).is_err(), "{bad:?}");
        }
        assert!(check_names("SUIT_TRUST", 8).is_ok());
        assert!(check_names("SUIT_VERIFY", 1).is_err());
    }

    #[test]
    fn comment_text_stays_a_comment() {
        assert_eq!(c_string("a.pem"), "\"a.pem\"");
        let s = c_string("x*/y/*z???/\né");
        assert!(!s.contains("*/") && !s.contains("/*") && !s.contains("??"));
        assert!(s.is_ascii() && !s.contains('\n'), "{s}");
    }
}
