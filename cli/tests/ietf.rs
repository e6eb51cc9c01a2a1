//! `suit verify --skip-validate` on the drafts' own examples, with the
//! published example key and example vendor/class ids (the image digests in
//! these examples have no known pre-image, so validate cannot run), and
//! `suit inspect` on every vector file.
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

use common::{IETF_CLASS, IETF_VENDOR, ietf_dir, run_in};
use suit_verify::ErrorKind;

fn verify(file: &str, extra: &[&str]) -> common::Out {
    let dir = ietf_dir();
    let mut a = vec![
        "verify",
        "--skip-validate",
        "--key",
        "keys/suit-example-p256-public.pem",
        "--vendor-id",
        IETF_VENDOR,
        "--class-id",
        IETF_CLASS,
    ];
    a.extend_from_slice(extra);
    a.push(file);
    run_in(&dir, &a)
}

#[test]
fn signed_examples_are_accepted() {
    for (file, seq, comps, extra) in [
        ("manifest/example0-signed.cbor", 0, 1, &[][..]),
        ("manifest/example1-signed.cbor", 1, 1, &[]),
        ("manifest/example2-signed-full.cbor", 2, 1, &[]),
        ("manifest/example2-signed-severed.cbor", 2, 1, &[]),
        ("manifest/example3-signed.cbor", 3, 1, &["--slot", "0=0"]),
        ("manifest/example4-signed.cbor", 4, 3, &[]),
        ("manifest/example5-signed.cbor", 5, 2, &[]),
    ] {
        let out = verify(file, extra);
        assert_eq!(
            out.ok(),
            format!(
                "accepted: sequence {seq}, {comps} component(s), shared sequence passed (validate not run), signed by key 1 (ES256)\n"
            ),
            "{file}"
        );
    }
}

#[test]
fn unsigned_and_derived_negative_examples_are_rejected() {
    for (file, kind) in [
        (
            "manifest/example0-unsigned.cbor",
            ErrorKind::AuthNoSignature,
        ),
        (
            "manifest/example1-unsigned.cbor",
            ErrorKind::AuthNoSignature,
        ),
        (
            "manifest/example2-unsigned-severed.cbor",
            ErrorKind::AuthNoSignature,
        ),
        (
            "manifest/example3-unsigned.cbor",
            ErrorKind::AuthNoSignature,
        ),
        (
            "manifest/example4-unsigned.cbor",
            ErrorKind::AuthNoSignature,
        ),
        (
            "manifest/example5-unsigned.cbor",
            ErrorKind::AuthNoSignature,
        ),
        (
            "derived-negative/example0-signed.digest-tampered.cbor",
            ErrorKind::AuthDigestMismatch,
        ),
        (
            "derived-negative/example0-signed.manifest-seq-tampered.cbor",
            ErrorKind::AuthDigestMismatch,
        ),
        (
            "derived-negative/example0-signed.signature-tampered.cbor",
            ErrorKind::AuthSignatureInvalid,
        ),
    ] {
        verify(file, &[]).rejected(kind);
    }
}

#[test]
fn example3_slots_choose_the_alternative() {
    let f = "manifest/example3-signed.cbor";
    verify(f, &["--slot", "0=0"]).ok();
    verify(f, &["--slot", "0=1"]).ok();
    verify(f, &["--slot", "0=2"]).rejected(ErrorKind::TryEachFailed);
    // Without a slot the tool cannot answer component-slot.
    verify(f, &[]).rejected(ErrorKind::PlatformUnsupported);
}

#[test]
fn examples_are_rejected_for_other_devices_and_rollback() {
    let f = "manifest/example5-signed.cbor";
    let dir = ietf_dir();
    let key = "keys/suit-example-p256-public.pem";
    verify(f, &["--min-sequence", "5"]).ok();
    // The line names the code and where in the envelope: here the manifest's
    // sequence number (byte 125 of example 5).
    assert_eq!(
        verify(f, &["--min-sequence", "6"]).rejected(ErrorKind::SequenceRollback),
        Some(125)
    );
    run_in(
        &dir,
        &[
            "verify",
            "--skip-validate",
            "--key",
            key,
            "--vendor-id",
            IETF_VENDOR,
            "--class-id",
            IETF_VENDOR,
            f,
        ],
    )
    .rejected(ErrorKind::ClassMismatch);
    run_in(
        &dir,
        &[
            "verify",
            "--skip-validate",
            "--key",
            key,
            "--vendor-id",
            IETF_CLASS,
            "--class-id",
            IETF_CLASS,
            f,
        ],
    )
    .rejected(ErrorKind::VendorMismatch);
    // Another key.
    run_in(
        &dir,
        &[
            "verify",
            "--skip-validate",
            "--key",
            "keys/encryption-dependency-signer-p256-public.pem",
            "--vendor-id",
            IETF_VENDOR,
            "--class-id",
            IETF_CLASS,
            f,
        ],
    )
    .rejected(ErrorKind::AuthSignatureInvalid);
    // Running validate needs the image, whose pre-image nobody knows.
    run_in(
        &dir,
        &[
            "verify",
            "--key",
            key,
            "--vendor-id",
            IETF_VENDOR,
            "--class-id",
            IETF_CLASS,
            "manifest/example0-signed.cbor",
        ],
    )
    .rejected(ErrorKind::ImageDigestMismatch);
}

#[test]
fn inspect_reads_every_example() {
    let dir = ietf_dir();
    let out = run_in(&dir, &["inspect", "manifest/example0-signed.cbor"]);
    let t = out.ok();
    for want in [
        "(237 bytes)",
        "sha-256 6658ea560262696dd1f13b782239a064da7c6c5cbaf52fded428a6fc83c7e5af (matches the manifest)",
        "#1  COSE_Sign1  ES256 (-7)  signature 64 bytes",
        "sequence number   0",
        "#0  [h'00']",
        "vendor-id          fa6b4a53-d5ad-5fdf-be9d-e663e4d41ffe",
        "class-id           1492af14-2569-5e48-bf42-9b2d51f2ab45",
        "image-digest       sha-256 00112233445566778899aabbccddeeff0123456789abcdeffedcba9876543210",
        "image-size         34768",
        "vendor-identifier        policy 15",
        "image-match              policy 15",
        "invoke                   policy 2",
    ] {
        assert!(t.contains(want), "inspect example0 lacks {want:?}:\n{t}");
    }
    let out = run_in(&dir, &["inspect", "manifest/example2-signed-severed.cbor"]);
    assert!(
        out.ok().contains("install  (severed: sha-256 cfa90c5c"),
        "{out:?}"
    );
    assert!(out.stdout.contains("not in this envelope"), "{out:?}");
    let out = run_in(
        &dir,
        &["inspect", "--json", "manifest/example2-signed-full.cbor"],
    );
    let j: serde_json::Value = serde_json::from_str(out.ok()).unwrap();
    assert_eq!(j["reference-uri"], "https://git.io/JJYoj");
    assert_eq!(j["manifest-digest"]["matches"], true);
    assert_eq!(j["signatures"][0]["algorithm"], "ES256");
    assert_eq!(j["text"]["digest-matches"], true);
    let install = j["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "install")
        .unwrap();
    assert_eq!(install["digest-matches"], true);
    assert_eq!(
        install["commands"][0]["parameters"]["uri"],
        "http://example.com/very/long/path/to/file/file.bin"
    );

    // Every envelope in the vector set inspects (text and JSON) without error.
    let mut n = 0;
    for sub in [
        "manifest",
        "derived-negative",
        "trust-domains",
        "encryption",
    ] {
        for e in std::fs::read_dir(dir.join(sub)).unwrap() {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            if !name.ends_with(".cbor")
                || name.starts_with("suit-encryption-info")
                || name.starts_with("a128kw")
            {
                continue;
            }
            let rel = format!("{sub}/{name}");
            run_in(&dir, &["inspect", &rel]).ok();
            let j = run_in(&dir, &["inspect", "--json", &rel]);
            let v: serde_json::Value = serde_json::from_str(j.ok()).unwrap();
            assert!(
                v.get("sequence-number").is_some_and(|s| s.is_u64()),
                "{rel}"
            );
            n += 1;
        }
    }
    assert!(n >= 22, "only {n} envelopes found");
    // A COSE_Encrypt is not an envelope: refused with status 1.
    let o = run_in(
        &dir,
        &[
            "inspect",
            "encryption/suit-encryption-info-aes-kw-aes-gcm.cbor",
        ],
    );
    assert_eq!(o.code, 1, "{o:?}");
    assert!(o.stderr.starts_with("error: not a SUIT envelope"), "{o:?}");
}
