//! `suit verify`: authenticate an envelope and run its validate section
//! against a device described on the command line.
//!
//! One block verified by any `--key` authenticates; with
//! `--require-all-keys` each key given must have verified one
//! (`Policy::required_signers`, AUTH_REQUIRED_SIGNER_MISSING).
//!
//! The device ([`HostPlatform`]) answers the processor's questions:
//!
//! - vendor-identifier / class-identifier / device-identifier: from the
//!   `--vendor-id` / `--class-id` / `--device-id` lists; an id prefixed
//!   `INDEX=` applies to that component only; when no id of the kind was
//!   given, the condition fails (VENDOR_MISMATCH, CLASS_MISMATCH,
//!   DEVICE_MISMATCH);
//! - component-slot: from `--slot INDEX=N`; a component without `--slot`
//!   cannot answer, so the processor stops with PLATFORM_UNSUPPORTED
//!   (a hard error, even inside try-each);
//! - image-match: each `--image INDEX=FILE` is that component's whole
//!   current content; a length different from a set image-size is
//!   IMAGE_SIZE_MISMATCH; a component without a file has no content that
//!   could match, so image-match fails with IMAGE_DIGEST_MISMATCH;
//! - check-content on a component without a file fails (CONTENT_MISMATCH).
//!
//! Before the run, every command section the envelope carries is checked
//! (`Processor::check`), so a manifest that any device would reject when
//! it installs or boots is rejected here too.
//!
//! After the run, unless `--allow-unchecked-identity`, a vendor-identifier
//! and a class-identifier condition must have passed (IDENTITY_UNCHECKED).
//!
//! With `--install`, the install section then runs as a dry run
//! ([`dry_run_install`]): each integrated payload is checked against its
//! digest, every directive is asked of [`HostPlatform`] (which supports
//! them all); a manifest without install has nothing to check.

use std::collections::BTreeMap;
use std::path::PathBuf;

use clap::Args;
use suit_verify::crypto::{DigestAlg, MAX_DIGEST};
use suit_verify::interp::IdentityPolicy;
use suit_verify::manifest::Severable;
use suit_verify::platform::{Component, Directive, PlatformResult, VendorId};
use suit_verify::{
    Envelope, ErrorKind, KeyStore, KeyType, Options, Platform, PlatformError, Policy, Procedure,
    Processor, RustCrypto, TrustedKey, authenticate,
};

use crate::util::{CmdResult, Failure, parse_uuid, read_file, read_input, read_key_pem, usage};

/// Components the processor is sized for (the manifest limit).
const CAPACITY: usize = suit_verify::manifest::MAX_COMPONENTS;

/// Arguments of `suit verify`.
#[derive(Args, Debug)]
#[command(
    about = "Authenticate an envelope and run its validate section for a described device",
    long_about = "Authenticate an envelope with the given public keys (one block verified by \
        any of them suffices; with --require-all-keys every key given must have verified \
        one, else AUTH_REQUIRED_SIGNER_MISSING: multi-party approval), require a sequence \
        number of at least --min-sequence, check every command section the envelope carries \
        as a device checks a section before running it (unknown commands or parameters, \
        malformed sequences or arguments are rejected even in a section verify does not \
        run), then run the shared sequence and the validate section (or, with \
        --skip-validate, the shared sequence alone) for a device described by the flags.\n\n\
        Identity conditions are answered from --vendor-id, --class-id and --device-id: an ID \
        is a UUID, or pen:NUMBER for the PEN form of a vendor id, optionally prefixed INDEX= \
        to apply to one component. The flags repeat: a device may match several ids. A \
        condition whose kind of id was not given fails. Unless --allow-unchecked-identity, a \
        manifest in which no vendor-identifier and class-identifier condition passed is \
        rejected (IDENTITY_UNCHECKED).\n\n\
        component-slot is answered from --slot (a component without one makes the check \
        fail with PLATFORM_UNSUPPORTED). image-match reads --image files, each the \
        component's whole current content; a component without a file fails image-match \
        (IMAGE_DIGEST_MISMATCH), a file whose length differs from the image-size fails with \
        IMAGE_SIZE_MISMATCH.\n\n\
        With --install, the install section then runs as a dry run (nothing is fetched or \
        written): each integrated payload a fetch names (#name) is checked against its \
        image-digest and image-size (IMAGE_DIGEST_MISMATCH, IMAGE_SIZE_MISMATCH; a missing one \
        is PAYLOAD_MISSING), a severed install section the envelope does not carry is \
        SEVERED_MEMBER_MISSING, and install's conditions run too: an image-match after a \
        fetch reads the --image file, as validate's does. A manifest without an install \
        section has nothing to check (the summary says \"no install section\").\n\n\
        ENVELOPE `-` reads the envelope from standard input.\n\n\
        Exit status: 0 accepted (one summary line on stdout); 1 rejected (one line on stderr: \
        `rejected: <ERROR_NAME>: <message>; code <0xNNNN>[, envelope byte <N>]`, the stable \
        code of the library's error and where in the envelope it was found, when known); 2 \
        usage, key or file error."
)]
pub(crate) struct VerifyArgs {
    /// Trusted public key, SubjectPublicKeyInfo PEM (P-256 or Ed25519). Repeatable.
    #[arg(long = "key", value_name = "PEM", required = true)]
    keys: Vec<PathBuf>,
    /// Every --key must have signed (multi-party approval), not just one of them.
    #[arg(long)]
    require_all_keys: bool,
    /// A vendor id the device matches: UUID or pen:NUMBER, optionally INDEX=ID. Repeatable.
    #[arg(long = "vendor-id", value_name = "ID")]
    vendor_ids: Vec<String>,
    /// A class id the device matches: UUID, optionally INDEX=UUID. Repeatable.
    #[arg(long = "class-id", value_name = "ID")]
    class_ids: Vec<String>,
    /// A device id the device matches: UUID, optionally INDEX=UUID. Repeatable.
    #[arg(long = "device-id", value_name = "ID")]
    device_ids: Vec<String>,
    /// Lowest acceptable sequence number (anti-rollback).
    #[arg(long = "min-sequence", value_name = "N", default_value_t = 0)]
    min_sequence: u64,
    /// The slot component INDEX currently refers to (component-slot). Repeatable.
    #[arg(long = "slot", value_name = "INDEX=N")]
    slots: Vec<String>,
    /// FILE is the whole current content of component INDEX (image-match). Repeatable.
    #[arg(long = "image", value_name = "INDEX=FILE")]
    images: Vec<String>,
    /// Run the shared sequence only, not the validate section.
    #[arg(long)]
    skip_validate: bool,
    /// Also dry-run the install section: integrated payloads (`#name`) are checked against their digests.
    #[arg(long)]
    install: bool,
    /// Accept a manifest in which no vendor and class identifier condition passed.
    #[arg(long)]
    allow_unchecked_identity: bool,
    /// The envelope to verify (`-`: standard input).
    #[arg(value_name = "ENVELOPE")]
    envelope: PathBuf,
}

/// An id, for every component or for one.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Scoped<T> {
    index: Option<usize>,
    id: T,
}

impl<T> Scoped<T> {
    fn applies(&self, component: usize) -> bool {
        self.index.is_none_or(|i| i == component)
    }
}

/// A vendor id given on the command line.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Vendor {
    Uuid([u8; 16]),
    /// Relative OID bytes of the PEN.
    Pen(Vec<u8>),
}

/// Split an optional `INDEX=` prefix.
fn split_index<'s>(s: &'s str, flag: &str) -> CmdResult<(Option<usize>, &'s str)> {
    match s.split_once('=') {
        Some((i, rest)) => {
            let index = i
                .parse::<usize>()
                .map_err(|_| usage(format!("{flag} {s}: {i:?} is not a component index")))?;
            Ok((Some(index), rest))
        }
        None => Ok((None, s)),
    }
}

fn parse_vendor_arg(s: &str) -> CmdResult<Scoped<Vendor>> {
    let (index, id) = split_index(s, "--vendor-id")?;
    let vendor = if let Some(n) = id.strip_prefix("pen:") {
        let pen = n
            .parse::<u64>()
            .map_err(|_| usage(format!("--vendor-id {s}: {n:?} is not a PEN number")))?;
        Vendor::Pen(suit_encoder::suit::param::pen_oid_bytes(pen))
    } else {
        Vendor::Uuid(
            parse_uuid(id)
                .ok_or_else(|| usage(format!("--vendor-id {s}: expected a UUID or pen:NUMBER")))?,
        )
    };
    Ok(Scoped { index, id: vendor })
}

fn parse_uuid_arg(s: &str, flag: &str) -> CmdResult<Scoped<[u8; 16]>> {
    let (index, id) = split_index(s, flag)?;
    let uuid = parse_uuid(id).ok_or_else(|| usage(format!("{flag} {s}: expected a UUID")))?;
    Ok(Scoped { index, id: uuid })
}

/// `INDEX=VALUE` with a required index, no index twice.
fn indexed<'s>(list: &'s [String], flag: &str) -> CmdResult<BTreeMap<usize, &'s str>> {
    let mut out = BTreeMap::new();
    for s in list {
        let (index, value) = split_index(s, flag)?;
        let index = index.ok_or_else(|| usage(format!("{flag} {s}: expected INDEX=VALUE")))?;
        if value.is_empty() {
            return Err(usage(format!("{flag} {s}: empty value")));
        }
        if out.insert(index, value).is_some() {
            return Err(usage(format!("{flag}: component {index} given twice")));
        }
    }
    Ok(out)
}

/// The device as the command line describes it.
#[derive(Debug, Default)]
struct HostPlatform {
    vendors: Vec<Scoped<Vendor>>,
    classes: Vec<Scoped<[u8; 16]>>,
    devices: Vec<Scoped<[u8; 16]>>,
    slots: BTreeMap<usize, u64>,
    images: BTreeMap<usize, Vec<u8>>,
    vendor_passed: bool,
    class_passed: bool,
}

impl Platform for HostPlatform {
    fn check_vendor(&mut self, component: Component<'_>, id: VendorId<'_>) -> PlatformResult<bool> {
        let ok = self.vendors.iter().any(|v| {
            v.applies(component.index)
                && match (&v.id, id) {
                    (Vendor::Uuid(a), VendorId::Uuid(b)) => a == b,
                    (Vendor::Pen(a), VendorId::Pen(b)) => a.as_slice() == b,
                    _ => false,
                }
        });
        self.vendor_passed |= ok;
        Ok(ok)
    }

    fn check_class(&mut self, component: Component<'_>, id: &[u8; 16]) -> PlatformResult<bool> {
        let ok = self
            .classes
            .iter()
            .any(|c| c.applies(component.index) && &c.id == id);
        self.class_passed |= ok;
        Ok(ok)
    }

    fn check_device(&mut self, component: Component<'_>, id: &[u8; 16]) -> PlatformResult<bool> {
        Ok(self
            .devices
            .iter()
            .any(|d| d.applies(component.index) && &d.id == id))
    }

    fn component_slot(&mut self, component: Component<'_>) -> PlatformResult<u64> {
        self.slots
            .get(&component.index)
            .copied()
            .ok_or(PlatformError::Unsupported)
    }

    fn component_size(&mut self, component: Component<'_>) -> PlatformResult<Option<u64>> {
        Ok(self
            .images
            .get(&component.index)
            .and_then(|d| u64::try_from(d.len()).ok()))
    }

    fn component_digest(
        &mut self,
        component: Component<'_>,
        _alg: DigestAlg,
        _size: Option<u64>,
        _out: &mut [u8; MAX_DIGEST],
    ) -> PlatformResult<Option<usize>> {
        if self.images.contains_key(&component.index) {
            // Let the processor read and hash the file.
            Ok(None)
        } else {
            // No content: an empty digest, which never equals a SUIT_Digest
            // (those are 32 bytes or more), so image-match fails.
            Ok(Some(0))
        }
    }

    /// Asked only in `--install`'s dry run: the described device can do
    /// what the install section asks (a device that cannot is not
    /// described by these flags).
    fn supports(&mut self, _directive: Directive, _component: Component<'_>) -> bool {
        true
    }

    fn read(
        &mut self,
        component: Component<'_>,
        offset: u64,
        buf: &mut [u8],
    ) -> PlatformResult<usize> {
        let Some(data) = self.images.get(&component.index) else {
            return Ok(0);
        };
        let start = usize::try_from(offset).map_err(|_| PlatformError::Failed)?;
        let rest = data.get(start..).unwrap_or(&[]);
        let n = rest.len().min(buf.len());
        let (src, dst) = (rest.get(..n), buf.get_mut(..n));
        match (src, dst) {
            (Some(s), Some(d)) => {
                d.copy_from_slice(s);
                Ok(n)
            }
            _ => Err(PlatformError::Failed),
        }
    }
}

fn rejected(e: suit_verify::Error) -> Failure {
    Failure::Rejected(e)
}

/// A public key read from a PEM file.
pub(crate) struct PublicKey {
    /// Its type.
    pub(crate) kind: KeyType,
    /// The raw bytes the library takes: Ed25519 32 bytes, P-256 SEC1
    /// uncompressed (65 bytes).
    pub(crate) raw: Vec<u8>,
}

/// Read a P-256 or Ed25519 public key (SubjectPublicKeyInfo PEM). A private
/// key is refused, `{path} is a private key; {private_hint}`; so is a key
/// of another algorithm (exit 2 both).
pub(crate) fn load_key(path: &std::path::Path, private_hint: &str) -> CmdResult<PublicKey> {
    let pem = read_key_pem(path, "key", false)?;
    if pem.contains("PRIVATE KEY-----") {
        return Err(usage(format!(
            "{} is a private key; {private_hint}",
            path.display()
        )));
    }
    let (kt, raw) = suit_encoder::cose::public_key_from_spki_pem(&pem).map_err(|e| {
        usage(format!(
            "{}: not a P-256 or Ed25519 public key PEM ({e})",
            path.display()
        ))
    })?;
    Ok(PublicKey {
        kind: crate::util::library_key_type(kt),
        raw,
    })
}

/// Everything from the command line, read and checked.
struct Request {
    keys: Vec<PublicKey>,
    platform: HostPlatform,
    envelope: Vec<u8>,
}

fn prepare(args: &VerifyArgs) -> CmdResult<Request> {
    if args.keys.len() > suit_verify::limits::MAX_KEYS {
        return Err(usage(format!(
            "{} keys; at most {} are supported",
            args.keys.len(),
            suit_verify::limits::MAX_KEYS
        )));
    }
    let keys = args
        .keys
        .iter()
        .map(|p| load_key(p, "verify with the public key (NAME.pub.pem)"))
        .collect::<CmdResult<Vec<_>>>()?;
    let vendors = args
        .vendor_ids
        .iter()
        .map(|s| parse_vendor_arg(s))
        .collect::<CmdResult<Vec<_>>>()?;
    let classes = args
        .class_ids
        .iter()
        .map(|s| parse_uuid_arg(s, "--class-id"))
        .collect::<CmdResult<Vec<_>>>()?;
    let devices = args
        .device_ids
        .iter()
        .map(|s| parse_uuid_arg(s, "--device-id"))
        .collect::<CmdResult<Vec<_>>>()?;
    let mut slots = BTreeMap::new();
    for (i, v) in indexed(&args.slots, "--slot")? {
        let n = v
            .parse::<u64>()
            .map_err(|_| usage(format!("--slot {i}={v}: {v:?} is not a slot number")))?;
        slots.insert(i, n);
    }
    let mut images = BTreeMap::new();
    for (i, f) in indexed(&args.images, "--image")? {
        images.insert(i, read_file(std::path::Path::new(f), "image")?);
    }
    let envelope = read_input(&args.envelope, "envelope")?;
    Ok(Request {
        keys,
        platform: HostPlatform {
            vendors,
            classes,
            devices,
            slots,
            images,
            vendor_passed: false,
            class_passed: false,
        },
        envelope,
    })
}

/// Every `INDEX=` given must name a component of the manifest.
fn check_indices(p: &HostPlatform, count: usize) -> CmdResult {
    let given = p
        .vendors
        .iter()
        .filter_map(|v| v.index.map(|i| ("--vendor-id", i)))
        .chain(
            p.classes
                .iter()
                .filter_map(|c| c.index.map(|i| ("--class-id", i))),
        )
        .chain(
            p.devices
                .iter()
                .filter_map(|d| d.index.map(|i| ("--device-id", i))),
        )
        .chain(p.slots.keys().map(|i| ("--slot", *i)))
        .chain(p.images.keys().map(|i| ("--image", *i)));
    for (flag, i) in given {
        if i >= count {
            return Err(usage(format!(
                "{flag}: component {i} does not exist (the manifest has {count} component(s), numbered from 0)"
            )));
        }
    }
    Ok(())
}

/// Run `suit verify`; the summary line on success.
pub(crate) fn run(args: &VerifyArgs) -> CmdResult {
    let line = verify(args)?;
    crate::util::out(&format!("{line}\n"));
    Ok(())
}

/// The command sections `verify` checks (the order a device meets them).
const COMMAND_SECTIONS: [i64; 5] = {
    use suit_verify::manifest::key;
    [
        key::PAYLOAD_FETCH,
        key::INSTALL,
        key::VALIDATE,
        key::LOAD,
        key::INVOKE,
    ]
};

fn verify(args: &VerifyArgs) -> CmdResult<String> {
    let mut req = prepare(args)?;
    let trusted = req
        .keys
        .iter()
        .map(|k| TrustedKey::new(k.kind, &k.raw))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| usage("a key has an unexpected length"))?;
    let store = KeyStore::new(&trusted).map_err(|_| usage("too many keys"))?;
    let env = Envelope::parse(&req.envelope).map_err(rejected)?;
    let policy = Policy {
        min_sequence: args.min_sequence,
        required_signers: if args.require_all_keys {
            all_keys(req.keys.len())
        } else {
            0
        },
        ..Policy::DEFAULT
    };
    let auth = authenticate(&env, &store, &policy, &RustCrypto).map_err(rejected)?;
    let count = auth.manifest().component_count();
    check_indices(&req.platform, count)?;

    let options = Options {
        identity: if args.allow_unchecked_identity {
            IdentityPolicy::Relaxed
        } else {
            IdentityPolicy::AnyComponent
        },
        ..Options::DEFAULT
    };
    let procedure = if args.skip_validate {
        Procedure::Shared
    } else {
        Procedure::Section(suit_verify::manifest::key::VALIDATE)
    };
    {
        let mut processor =
            Processor::<_, _, CAPACITY>::new(&auth, &mut req.platform, &RustCrypto, options)
                .map_err(rejected)?;
        // Every section the envelope carries is checked as a device checks
        // it before running it (the shared sequence with each), not only
        // validate: a release gate must not pass a manifest every device
        // would reject when it installs.
        for k in COMMAND_SECTIONS {
            if let Severable::Present(_) = auth.manifest().section(k) {
                processor.check(Procedure::Section(k)).map_err(rejected)?;
            }
        }
        // With validate skipped and no shared sequence there is nothing to
        // run (the library refuses the shared procedure of a manifest
        // without one: SECTION_ABSENT); the identity rule below still
        // applies. Any failure of a run, a pending one included, is an Err.
        if !(args.skip_validate && auth.manifest().shared_sequence().is_none()) {
            let _ = processor.run(procedure).map_err(rejected)?;
        }
    }
    // Judged on the run above alone: a condition the install dry run below
    // passes does not make validate (or the shared sequence) check identity.
    let identity_checked = req.platform.vendor_passed && req.platform.class_passed;
    if !args.allow_unchecked_identity && !identity_checked {
        return Err(Failure::Rejected(ErrorKind::IdentityUnchecked.here()));
    }
    let installed = if args.install {
        dry_run_install(&auth, &mut req.platform, options)?
    } else {
        ""
    };

    let what = if args.skip_validate {
        "shared sequence passed (validate not run)"
    } else {
        "validate passed"
    };
    Ok(format!(
        "accepted: sequence {}, {count} component(s), {what}{installed}, signed by {}",
        auth.sequence_number(),
        signers(&req.envelope, &req.keys, auth.signers())
    ))
}

/// `--install`: the install section as a dry run (the shared sequence, then
/// install; nothing is fetched or written), with a processor of its own. The
/// library checks each integrated payload a fetch names (`#name`) against
/// its image-digest and size (IMAGE_DIGEST_MISMATCH, IMAGE_SIZE_MISMATCH,
/// PAYLOAD_MISSING) and asks [`Platform::supports`] about each directive;
/// conditions run as in a real run, and an image-match sees the `--image`
/// files (the content a device has after the fetch). A severed install
/// section the envelope does not carry is SEVERED_MEMBER_MISSING. The
/// summary's words, or "no install section" when the manifest has none.
fn dry_run_install(
    auth: &suit_verify::Authenticated<'_>,
    platform: &mut HostPlatform,
    options: Options,
) -> CmdResult<&'static str> {
    use suit_verify::manifest::key::INSTALL;
    if auth.manifest().section(INSTALL) == Severable::Absent {
        return Ok(", no install section");
    }
    let options = Options {
        dry_run: true,
        ..options
    };
    let mut processor =
        Processor::<_, _, CAPACITY>::new(auth, platform, &RustCrypto, options).map_err(rejected)?;
    let _ = processor
        .run(Procedure::Section(INSTALL))
        .map_err(rejected)?;
    Ok(", install passed (dry run)")
}

/// The key store mask naming each of `n` keys (bits 0 to n-1); `n` is at
/// most `MAX_KEYS` (32, checked in [`prepare`]), so every bit fits.
fn all_keys(n: usize) -> u32 {
    (0..n)
        .filter_map(|i| u32::try_from(i).ok().and_then(|i| 1u32.checked_shl(i)))
        .fold(0, |mask, bit| mask | bit)
}

/// "key 1 (ES256), key 2 (Ed25519)": the keys that verified a block, with
/// the algorithm of the block each verified.
fn signers(envelope: &[u8], keys: &[PublicKey], mask: u32) -> String {
    let blocks = suit_encoder::cose::sign1_blocks(envelope).unwrap_or_default();
    let mut out = Vec::new();
    for (i, k) in keys.iter().enumerate() {
        let bit = u32::try_from(i).ok().and_then(|i| 1u32.checked_shl(i));
        if bit.is_none_or(|b| mask & b == 0) {
            continue;
        }
        let kt = match k.kind {
            KeyType::Ed25519 => suit_encoder::cose::KeyType::Ed25519,
            KeyType::P256 => suit_encoder::cose::KeyType::P256,
            _ => continue, // a key type this tool cannot name
        };
        let alg = blocks
            .iter()
            .find(|b| {
                suit_encoder::cose::verify_raw(kt, &k.raw, &b.to_be_signed, &b.signature).is_ok()
            })
            .and_then(|b| b.alg)
            .and_then(crate::sign::alg_name)
            .unwrap_or(match k.kind {
                KeyType::Ed25519 => "Ed25519 key",
                KeyType::P256 => "P-256 key",
                _ => "key",
            });
        out.push(format!("key {} ({alg})", i.saturating_add(1)));
    }
    if out.is_empty() {
        "a trusted key".to_owned()
    } else {
        out.join(", ")
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn id_arguments() {
        let v = parse_vendor_arg("1=pen:4128").unwrap();
        assert_eq!(v.index, Some(1));
        assert_eq!(v.id, Vendor::Pen(vec![0xa0, 0x20]));
        let v = parse_vendor_arg("fa6b4a53-d5ad-5fdf-be9d-e663e4d41ffe").unwrap();
        assert_eq!(v.index, None);
        assert!(parse_vendor_arg("pen:x").is_err());
        assert!(parse_vendor_arg("x=fa6b4a53-d5ad-5fdf-be9d-e663e4d41ffe").is_err());
        assert!(parse_uuid_arg("pen:1", "--class-id").is_err());
        assert!(indexed(&["0=1".into(), "0=2".into()], "--slot").is_err());
        assert!(indexed(&["1".into()], "--slot").is_err());
        assert!(indexed(&["1=".into()], "--slot").is_err());
    }

    #[test]
    fn all_keys_mask() {
        assert_eq!(all_keys(0), 0);
        assert_eq!(all_keys(1), 1);
        assert_eq!(all_keys(3), 0b111);
        assert_eq!(all_keys(32), u32::MAX);
    }
}
