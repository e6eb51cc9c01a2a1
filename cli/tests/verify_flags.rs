//! Every flag of `suit verify`, with the exit status and the stderr line of
//! each rejection, on envelopes made by `suit create` / `suit sign`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::as_conversions,
    clippy::cast_possible_truncation,
    clippy::arithmetic_side_effects
)]

mod common;

use common::{CLASS, CLASS_B, DEVICE, VENDOR, Work, one_component};
use suit_verify::ErrorKind;

/// keys, a one-component envelope `fw.suit` (sequence 5) for `fw.bin`.
fn simple() -> Work {
    let w = Work::with_keys();
    let json = one_component(&w, 5, "fw.bin", 3000, "");
    w.make("fw", &json, &["p256"]);
    w
}

fn verify(w: &Work, extra: &[&str]) -> common::Out {
    let mut args = vec![
        "verify",
        "--key",
        "p256.pub.pem",
        "--vendor-id",
        VENDOR,
        "--class-id",
        CLASS,
    ];
    args.extend_from_slice(extra);
    w.suit(&args)
}

#[test]
fn accepts_and_prints_one_summary_line() {
    let w = simple();
    let out = verify(&w, &["--image", "0=fw.bin", "fw.suit"]);
    assert_eq!(
        out.ok(),
        "accepted: sequence 5, 1 component(s), validate passed, signed by key 1 (ESP256)\n"
    );
    assert_eq!(out.stderr, "");
}

#[test]
fn key_flag() {
    let w = simple();
    let base = [
        "--vendor-id",
        VENDOR,
        "--class-id",
        CLASS,
        "--image",
        "0=fw.bin",
        "fw.suit",
    ];
    // Another P-256 key: the signature does not verify.
    let mut a = vec!["verify", "--key", "p256b.pub.pem"];
    a.extend_from_slice(&base);
    w.suit(&a).rejected(ErrorKind::AuthSignatureInvalid);
    // An Ed25519 key cannot check an ESP256 block: no trusted key for it.
    let mut a = vec!["verify", "--key", "ed.pub.pem"];
    a.extend_from_slice(&base);
    w.suit(&a).rejected(ErrorKind::AuthUntrustedKey);
    // Several keys: any one that verifies is enough; the summary names it.
    let mut a = vec![
        "verify",
        "--key",
        "ed.pub.pem",
        "--key",
        "p256b.pub.pem",
        "--key",
        "p256.pub.pem",
    ];
    a.extend_from_slice(&base);
    assert!(w.suit(&a).ok().ends_with("signed by key 3 (ESP256)\n"));
    // --key is required; a private key, a missing file or garbage are usage errors.
    let mut a = vec!["verify"];
    a.extend_from_slice(&base);
    w.suit(&a).usage();
    for bad in ["p256.pem", "nope.pem", "fw.bin"] {
        let mut a = vec!["verify", "--key", bad];
        a.extend_from_slice(&base);
        let e = w.suit(&a);
        assert!(e.usage().starts_with("error: "), "{e:?}");
    }
}

#[test]
fn require_all_keys_flag() {
    let w = Work::with_keys();
    let json = one_component(&w, 5, "fw.bin", 3000, "");
    w.make("fw", &json, &["p256", "ed"]);
    let run = |keys: &[&str], all: bool| {
        let mut a = vec!["verify"];
        for k in keys {
            a.extend_from_slice(&["--key", k]);
        }
        if all {
            a.push("--require-all-keys");
        }
        a.extend_from_slice(&[
            "--vendor-id",
            VENDOR,
            "--class-id",
            CLASS,
            "--image",
            "0=fw.bin",
            "fw.suit",
        ]);
        w.suit(&a)
    };
    // Both signers given, both signed: accepted, both named.
    assert!(
        run(&["p256.pub.pem", "ed.pub.pem"], true)
            .ok()
            .ends_with("signed by key 1 (ESP256), key 2 (Ed25519)\n")
    );
    // A key that did not sign: one signer is enough without the flag, not with it.
    run(&["p256.pub.pem", "edb.pub.pem"], false).ok();
    run(&["p256.pub.pem", "edb.pub.pem"], true).rejected(ErrorKind::AuthRequiredSignerMissing);
    run(&["edb.pub.pem", "ed.pub.pem", "p256.pub.pem"], true)
        .rejected(ErrorKind::AuthRequiredSignerMissing);
    // One key: the same as without the flag.
    run(&["ed.pub.pem"], true).ok();
    // The most keys the library takes (32): every bit of the mask is required.
    let mut many = vec!["p256.pub.pem", "ed.pub.pem"];
    many.extend(core::iter::repeat_n("edb.pub.pem", 30));
    run(&many, false).ok();
    run(&many, true).rejected(ErrorKind::AuthRequiredSignerMissing);
}

#[test]
fn vendor_and_class_flags() {
    let w = simple();
    let run = |args: &[&str]| {
        let mut a = vec!["verify", "--key", "p256.pub.pem", "--image", "0=fw.bin"];
        a.extend_from_slice(args);
        a.push("fw.suit");
        w.suit(&a)
    };
    // Not given at all: the condition fails.
    run(&["--class-id", CLASS]).rejected(ErrorKind::VendorMismatch);
    run(&["--vendor-id", VENDOR]).rejected(ErrorKind::ClassMismatch);
    // Wrong.
    run(&["--vendor-id", CLASS, "--class-id", CLASS]).rejected(ErrorKind::VendorMismatch);
    run(&["--vendor-id", VENDOR, "--class-id", CLASS_B]).rejected(ErrorKind::ClassMismatch);
    // A device may match several ids: one matching is enough.
    run(&[
        "--vendor-id",
        CLASS,
        "--vendor-id",
        VENDOR,
        "--class-id",
        CLASS_B,
        "--class-id",
        CLASS,
    ])
    .ok();
    // INDEX= scopes an id to one component.
    run(&[
        "--vendor-id",
        &format!("0={VENDOR}"),
        "--class-id",
        &format!("0={CLASS}"),
    ])
    .ok();
    // Hyphen-less and upper-case UUIDs are the same ids.
    let upper = CLASS.replace('-', "").to_uppercase();
    run(&["--vendor-id", VENDOR, "--class-id", &upper]).ok();
    // A PEN is not a UUID vendor id.
    run(&["--vendor-id", "pen:4128", "--class-id", CLASS]).rejected(ErrorKind::VendorMismatch);
    // Malformed ids and indices beyond the manifest are usage errors.
    for bad in [
        ["--vendor-id", "not-a-uuid"],
        ["--vendor-id", "pen:x"],
        ["--class-id", "pen:4128"],
        ["--class-id", "x=1c4f3c8b-6d4e-5f10-8b2c-3d4e5f6a7b8c"],
        ["--class-id", "1=1c4f3c8b-6d4e-5f10-8b2c-3d4e5f6a7b8c"],
    ] {
        run(&bad).usage();
    }
}

#[test]
fn pen_vendor_ids() {
    let w = Work::with_keys();
    w.write("fw.bin", b"pen firmware");
    let json = format!(
        r#"{{"sequence-number": 1, "vendor-id": {{"pen": 4128}}, "class-id": "{CLASS}",
            "components": [{{"id": ["h'00'"], "image": "fw.bin"}}]}}"#
    );
    w.make("pen", &json, &["ed"]);
    let run = |vendor: &str| {
        w.suit(&[
            "verify",
            "--key",
            "ed.pub.pem",
            "--vendor-id",
            vendor,
            "--class-id",
            CLASS,
            "--image",
            "0=fw.bin",
            "pen.suit",
        ])
    };
    assert!(run("pen:4128").ok().contains("signed by key 1 (Ed25519)"));
    run("0=pen:4128").ok();
    run("pen:4129").rejected(ErrorKind::VendorMismatch);
    run(VENDOR).rejected(ErrorKind::VendorMismatch);
    let shown = w.suit(&["inspect", "pen.suit"]);
    assert!(
        shown.ok().contains("vendor-id          pen:4128"),
        "{shown:?}"
    );
}

#[test]
fn per_component_ids() {
    let w = Work::with_keys();
    w.write("a.bin", b"component a");
    w.write("b.bin", b"component b, longer");
    let json = format!(
        r#"{{"sequence-number": 2, "vendor-id": "{VENDOR}",
            "components": [
              {{"id": ["a"], "class-id": "{CLASS}", "image": "a.bin"}},
              {{"id": ["b"], "class-id": "{CLASS_B}", "image": "b.bin"}}]}}"#
    );
    w.make("two", &json, &["p256"]);
    let run = |classes: &[&str]| {
        let mut a = vec![
            "verify",
            "--key",
            "p256.pub.pem",
            "--vendor-id",
            VENDOR,
            "--image",
            "0=a.bin",
            "--image",
            "1=b.bin",
        ];
        for c in classes {
            a.push("--class-id");
            a.push(c);
        }
        a.push("two.suit");
        w.suit(&a)
    };
    assert!(
        run(&[&format!("0={CLASS}"), &format!("1={CLASS_B}")])
            .ok()
            .contains("2 component(s)")
    );
    run(&[CLASS, CLASS_B]).ok();
    run(&[&format!("0={CLASS_B}"), &format!("1={CLASS}")]).rejected(ErrorKind::ClassMismatch);
    run(&[&format!("0={CLASS}")]).rejected(ErrorKind::ClassMismatch);
    run(&[&format!("2={CLASS}")]).usage();
}

#[test]
fn device_id_flag() {
    let w = Work::with_keys();
    let json = one_component(
        &w,
        1,
        "fw.bin",
        100,
        &format!(r#", "device-id": "{DEVICE}""#),
    );
    w.make("dev", &json, &["p256"]);
    let run = |extra: &[&str]| {
        let mut a = vec![
            "verify",
            "--key",
            "p256.pub.pem",
            "--vendor-id",
            VENDOR,
            "--class-id",
            CLASS,
            "--image",
            "0=fw.bin",
        ];
        a.extend_from_slice(extra);
        a.push("dev.suit");
        w.suit(&a)
    };
    run(&[]).rejected(ErrorKind::DeviceMismatch);
    run(&["--device-id", CLASS]).rejected(ErrorKind::DeviceMismatch);
    run(&["--device-id", CLASS, "--device-id", DEVICE]).ok();
    run(&["--device-id", &format!("0={DEVICE}")]).ok();
    run(&["--device-id", "pen:1"]).usage();
    // A manifest without a device condition ignores --device-id.
    let w2 = simple();
    verify(
        &w2,
        &["--device-id", DEVICE, "--image", "0=fw.bin", "fw.suit"],
    )
    .ok();
}

#[test]
fn min_sequence_flag() {
    let w = simple();
    verify(
        &w,
        &["--min-sequence", "5", "--image", "0=fw.bin", "fw.suit"],
    )
    .ok();
    verify(
        &w,
        &["--min-sequence", "0", "--image", "0=fw.bin", "fw.suit"],
    )
    .ok();
    verify(
        &w,
        &["--min-sequence", "6", "--image", "0=fw.bin", "fw.suit"],
    )
    .rejected(ErrorKind::SequenceRollback);
    verify(&w, &["--min-sequence", "18446744073709551615", "fw.suit"])
        .rejected(ErrorKind::SequenceRollback);
    verify(&w, &["--min-sequence", "-1", "fw.suit"]).usage();
    verify(&w, &["--min-sequence", "x", "fw.suit"]).usage();
}

#[test]
fn slot_flag() {
    let w = Work::with_keys();
    let json = one_component(&w, 1, "fw.bin", 64, r#", "slot": 1"#);
    w.make("slot", &json, &["p256"]);
    let run = |extra: &[&str]| {
        let mut a = vec![
            "verify",
            "--key",
            "p256.pub.pem",
            "--vendor-id",
            VENDOR,
            "--class-id",
            CLASS,
            "--image",
            "0=fw.bin",
        ];
        a.extend_from_slice(extra);
        a.push("slot.suit");
        w.suit(&a)
    };
    run(&["--slot", "0=1"]).ok();
    run(&["--slot", "0=0"]).rejected(ErrorKind::SlotMismatch);
    // Without --slot the tool cannot answer component-slot.
    run(&[]).rejected(ErrorKind::PlatformUnsupported);
    for bad in [
        &["--slot", "1"][..],
        &["--slot", "0=x"],
        &["--slot", "0=1", "--slot", "0=1"],
        &["--slot", "1=1"],
    ] {
        run(bad).usage();
    }
}

#[test]
fn image_flag() {
    let w = simple();
    verify(&w, &["--image", "0=fw.bin", "fw.suit"]).ok();
    // Same length, one byte changed.
    let mut tampered = w.read("fw.bin");
    tampered[1000] ^= 0x40;
    w.write("tampered.bin", &tampered);
    verify(&w, &["--image", "0=tampered.bin", "fw.suit"]).rejected(ErrorKind::ImageDigestMismatch);
    // Longer and shorter files: size mismatch.
    let mut longer = w.read("fw.bin");
    longer.push(0);
    w.write("longer.bin", &longer);
    verify(&w, &["--image", "0=longer.bin", "fw.suit"]).rejected(ErrorKind::ImageSizeMismatch);
    w.write("short.bin", &w.read("fw.bin")[..2999]);
    verify(&w, &["--image", "0=short.bin", "fw.suit"]).rejected(ErrorKind::ImageSizeMismatch);
    w.write("empty.bin", b"");
    verify(&w, &["--image", "0=empty.bin", "fw.suit"]).rejected(ErrorKind::ImageSizeMismatch);
    // No file for the component: image-match fails.
    verify(&w, &["fw.suit"]).rejected(ErrorKind::ImageDigestMismatch);
    // Usage errors.
    for bad in [
        &["--image", "fw.bin"][..],
        &["--image", "0=missing.bin"],
        &["--image", "1=fw.bin"],
        &["--image", "0=fw.bin", "--image", "0=fw.bin"],
    ] {
        let mut a = bad.to_vec();
        a.push("fw.suit");
        verify(&w, &a).usage();
    }
}

#[test]
fn skip_validate_flag() {
    let w = simple();
    let out = verify(&w, &["--skip-validate", "fw.suit"]);
    assert_eq!(
        out.ok(),
        "accepted: sequence 5, 1 component(s), shared sequence passed (validate not run), signed by key 1 (ESP256)\n"
    );
    // The shared sequence still checks identity.
    w.suit(&[
        "verify",
        "--skip-validate",
        "--key",
        "p256.pub.pem",
        "--vendor-id",
        VENDOR,
        "--class-id",
        CLASS_B,
        "fw.suit",
    ])
    .rejected(ErrorKind::ClassMismatch);
}

/// `bytes` (an envelope) without its member `key`, re-encoded (the
/// envelope is deterministic CBOR, so only that member's bytes go).
fn without_member(bytes: &[u8], key: &ciborium::value::Value) -> Vec<u8> {
    use ciborium::value::Value;
    let mut r = bytes;
    let v: Value = ciborium::de::from_reader(&mut r).unwrap();
    let Value::Tag(107, inner) = v else {
        panic!("not a tagged envelope")
    };
    let Value::Map(mut entries) = *inner else {
        panic!("not a map")
    };
    let n = entries.len();
    entries.retain(|(k, _)| k != key);
    assert_eq!(entries.len(), n - 1, "no member {key:?}");
    let mut out = Vec::new();
    ciborium::ser::into_writer(&Value::Tag(107, Box::new(Value::Map(entries))), &mut out).unwrap();
    out
}

#[test]
fn install_flag() {
    // An integrated payload that was replaced or removed after signing:
    // validate does not read it, the install dry run checks it.
    let w = Work::with_keys();
    let json = one_component(&w, 5, "fw.bin", 3000, r#", "integrated": true"#);
    w.make("fw", &json, &["p256"]);
    let good = w.read("fw.suit");
    let run = |env: &str, extra: &[&str]| {
        let mut a = vec!["--image", "0=fw.bin"];
        a.extend_from_slice(extra);
        a.push(env);
        verify(&w, &a)
    };
    assert_eq!(
        run("fw.suit", &["--install"]).ok(),
        "accepted: sequence 5, 1 component(s), validate passed, install passed (dry run), signed by key 1 (ESP256)\n"
    );
    // One payload byte replaced.
    let image = w.read("fw.bin");
    let at = good.windows(image.len()).position(|x| x == image).unwrap();
    let mut replaced = good.clone();
    replaced[at + 1000] ^= 0x01;
    w.write("replaced.suit", &replaced);
    assert!(
        run("replaced.suit", &[])
            .ok()
            .contains("validate passed, signed by")
    );
    let e = run("replaced.suit", &["--install"]).rejected(ErrorKind::ImageDigestMismatch);
    assert!(e.is_some_and(|e| (e as usize) < at), "{e:?}");
    // The payload removed.
    let removed = without_member(&good, &ciborium::value::Value::Text("#fw.bin".into()));
    w.write("removed.suit", &removed);
    run("removed.suit", &[]).ok();
    run("removed.suit", &["--install"]).rejected(ErrorKind::PayloadMissing);
    // A payload of another length.
    let mut longer = good.clone();
    longer.truncate(at - 3);
    let mut payload = image.clone();
    payload.push(0);
    longer.extend_from_slice(&[0x59, (payload.len() >> 8) as u8, payload.len() as u8]);
    longer.extend_from_slice(&payload);
    assert_eq!(&good[at - 3..at], &[0x59, 0x0b, 0xb8]);
    w.write("longer.suit", &longer);
    run("longer.suit", &[]).ok();
    run("longer.suit", &["--install"]).rejected(ErrorKind::ImageSizeMismatch);
    // Install's image-match after the fetch sees the --image file, as
    // validate's does: without one it fails.
    verify(&w, &["--skip-validate", "--install", "fw.suit"])
        .rejected(ErrorKind::ImageDigestMismatch);
    // A severed install section the envelope does not carry.
    let json = format!(
        r#"{{"sequence-number": 6, "vendor-id": "{VENDOR}", "class-id": "{CLASS}",
            "components": [{{"id": ["h'00'"], "image": "fw.bin", "uri": "https://example.com/fw.bin"}}],
            "sever": ["install"]}}"#
    );
    w.make("sev", &json, &["p256"]);
    run("sev.suit", &["--install"]).ok();
    let install = ciborium::value::Value::from(suit_verify::manifest::key::INSTALL);
    let missing = without_member(&w.read("sev.suit"), &install);
    w.write("missing.suit", &missing);
    run("missing.suit", &[]).ok();
    run("missing.suit", &["--install"]).rejected(ErrorKind::SeveredMemberMissing);
    // No install section: nothing to check, and the summary says so.
    w.make(
        "plain",
        &one_component(&w, 7, "fw.bin", 3000, ""),
        &["p256"],
    );
    assert!(
        run("plain.suit", &["--install"])
            .ok()
            .contains("validate passed, no install section, signed by")
    );
}

#[test]
fn every_section_is_checked_not_only_validate() {
    // install (which verify does not run) holds an unknown command; every
    // device would reject the manifest when it installs, so verify does too,
    // and names where. Without it the same envelope is accepted.
    use suit_encoder::cbor::Value;
    use suit_encoder::suit::{Command, EnvelopeBuilder, Manifest, Sequence};
    let w = Work::with_keys();
    let make = |name: &str, install: Vec<Command>| {
        let m = Manifest {
            sequence_number: 1,
            components: vec![vec![vec![0]]],
            validate: Some(Sequence::new(vec![Command::abort(0)])),
            install: Some(Sequence::new(install)),
            ..Manifest::default()
        };
        let unsigned = format!("{name}.unsigned.suit");
        w.write(&unsigned, EnvelopeBuilder::new(m).build().unwrap());
        let out = format!("{name}.suit");
        w.suit(&["sign", "--key", "p256.pem", &unsigned, "-o", &out])
            .ok();
        out
    };
    let args = |env: &str| {
        w.suit(&[
            "verify",
            "--skip-validate",
            "--allow-unchecked-identity",
            "--key",
            "p256.pub.pem",
            env,
        ])
    };
    let good = make("good", vec![Command::abort(0)]);
    assert!(args(&good).ok().starts_with("accepted: sequence 1"));
    let unknown = Command {
        cmd: 77,
        arg: Value::Uint(15),
    };
    let bad = make("bad", vec![Command::abort(0), unknown]);
    let at = args(&bad).rejected(ErrorKind::UnknownCommand);
    assert!(at.is_some_and(|at| at > 0));
}

#[test]
fn allow_unchecked_identity_flag() {
    use suit_encoder::suit::{Command, EnvelopeBuilder, Manifest, Sequence, param};
    let w = Work::with_keys();
    let image = b"no identity checks here".to_vec();
    w.write("fw.bin", &image);
    // A manifest that never checks vendor or class.
    let shared = Sequence::new(vec![Command::override_parameters(vec![
        (param::IMAGE_DIGEST, param::image_digest_sha256(&image)),
        (
            param::IMAGE_SIZE,
            suit_encoder::cbor::Value::Uint(image.len() as u64),
        ),
    ])]);
    let manifest = Manifest {
        sequence_number: 1,
        components: vec![vec![vec![0]]],
        shared: Some(shared),
        validate: Some(Sequence::new(vec![Command::image_match(15)])),
        ..Manifest::default()
    };
    w.write("raw.suit", EnvelopeBuilder::new(manifest).build().unwrap());
    w.suit(&["sign", "--key", "p256.pem", "raw.suit", "-o", "raw.suit"])
        .ok();
    let run = |extra: &[&str]| {
        let mut a = vec![
            "verify",
            "--key",
            "p256.pub.pem",
            "--vendor-id",
            VENDOR,
            "--class-id",
            CLASS,
            "--image",
            "0=fw.bin",
        ];
        a.extend_from_slice(extra);
        a.push("raw.suit");
        w.suit(&a)
    };
    run(&[]).rejected(ErrorKind::IdentityUnchecked);
    run(&["--skip-validate"]).rejected(ErrorKind::IdentityUnchecked);
    run(&["--allow-unchecked-identity"]).ok();
    run(&["--allow-unchecked-identity", "--skip-validate"]).ok();

    // Checking only the vendor is not enough either.
    let image2 = image.clone();
    let shared = Sequence::new(vec![
        Command::override_parameters(vec![
            (
                param::VENDOR_ID,
                param::uuid(&suit_encoder::suit::param::uuid_from_str(VENDOR).unwrap()),
            ),
            (param::IMAGE_DIGEST, param::image_digest_sha256(&image2)),
            (
                param::IMAGE_SIZE,
                suit_encoder::cbor::Value::Uint(image2.len() as u64),
            ),
        ]),
        Command::vendor_identifier(15),
    ]);
    let manifest = Manifest {
        sequence_number: 1,
        components: vec![vec![vec![0]]],
        shared: Some(shared),
        validate: Some(Sequence::new(vec![Command::image_match(15)])),
        ..Manifest::default()
    };
    w.write("raw.suit", EnvelopeBuilder::new(manifest).build().unwrap());
    w.suit(&["sign", "--key", "p256.pem", "raw.suit", "-o", "raw.suit"])
        .ok();
    run(&[]).rejected(ErrorKind::IdentityUnchecked);
    run(&["--allow-unchecked-identity"]).ok();
}

#[test]
fn envelope_argument_errors() {
    let w = simple();
    // Missing file: usage/file error.
    verify(&w, &["missing.suit"]).usage();
    // No envelope argument, unknown flag.
    verify(&w, &[]).usage();
    verify(&w, &["--frobnicate", "fw.suit"]).usage();
    // Not an envelope at all: rejected, not a usage error.
    w.write("map.suit", [0xa0]);
    verify(&w, &["map.suit"]).rejected(ErrorKind::EnvelopeMissingTag);
    w.write("junk.suit", b"hello");
    verify(&w, &["junk.suit"]).rejected(ErrorKind::EnvelopeMissingTag);
    w.write(
        "long.suit",
        [
            0xd8, 0x6b, 0xa1, 0x02, 0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        ],
    );
    verify(&w, &["long.suit"]).rejected(ErrorKind::CborLengthExceedsInput);
    w.write("empty.suit", b"");
    verify(&w, &["empty.suit"]).rejected(ErrorKind::CborTruncated);
    // The unsigned envelope: no signature.
    verify(&w, &["fw.unsigned.suit"]).rejected(ErrorKind::AuthNoSignature);
}

#[test]
fn help_documents_the_interface() {
    let w = Work::new();
    let help = w.suit(&["verify", "--help"]);
    let text = help.ok();
    for flag in [
        "--key",
        "--require-all-keys",
        "--vendor-id",
        "--class-id",
        "--device-id",
        "--min-sequence",
        "--slot",
        "--image",
        "--skip-validate",
        "--install",
        "--allow-unchecked-identity",
        "pen:NUMBER",
        "INDEX=",
    ] {
        assert!(text.contains(flag), "verify --help lacks {flag}");
    }
    // The rejected line as it really is (clap wraps lines at spaces).
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("`rejected: <ERROR_NAME>: <message>; code <0xNNNN>[, envelope byte <N>]`"),
        "{text}"
    );
}
