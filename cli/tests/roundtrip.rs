//! create -> sign -> inspect -> verify round trips: ES256/ESP256, EdDSA/Ed25519,
//! two signers, several components, severed members, integrated payloads.
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

use common::{CLASS, CLASS_B, IETF_CLASS, IETF_VENDOR, VENDOR, Work, one_component};
use suit_verify::ErrorKind;

fn verify_one(w: &Work, keys: &[&str], env: &str) -> common::Out {
    let mut a = vec!["verify"];
    for k in keys {
        a.push("--key");
        a.push(k);
    }
    a.extend_from_slice(&[
        "--vendor-id",
        VENDOR,
        "--class-id",
        CLASS,
        "--image",
        "0=fw.bin",
        env,
    ]);
    w.suit(&a)
}

#[test]
fn every_algorithm_round_trips() {
    for (key, alg, name) in [
        ("p256", None, "ESP256"),
        ("p256", Some("-7"), "ES256"),
        ("p256", Some("ES256"), "ES256"),
        ("p256", Some("-9"), "ESP256"),
        ("ed", None, "Ed25519"),
        ("ed", Some("-8"), "EdDSA"),
        ("ed", Some("eddsa"), "EdDSA"),
        ("ed", Some("-19"), "Ed25519"),
    ] {
        let w = Work::with_keys();
        let json = one_component(&w, 7, "fw.bin", 1500, "");
        w.make("fw", &json, &[]);
        let key_pem = format!("{key}.pem");
        let mut a = vec!["sign", "--key", key_pem.as_str()];
        if let Some(alg) = alg {
            a.extend_from_slice(&["--alg", alg]);
        }
        a.extend_from_slice(&["fw.suit", "-o", "signed.suit"]);
        let out = w.suit(&a);
        // The status line is on stderr: stdout stays free for data (`-o -`).
        assert!(out.ok().is_empty(), "{out:?}");
        assert!(out.stderr.contains(name), "{out:?}");
        let v = verify_one(&w, &[&format!("{key}.pub.pem")], "signed.suit");
        assert_eq!(
            v.ok(),
            format!(
                "accepted: sequence 7, 1 component(s), validate passed, signed by key 1 ({name})\n"
            )
        );
        let shown = w.suit(&["inspect", "signed.suit"]);
        assert!(
            shown.ok().contains(&format!("COSE_Sign1  {name} (")),
            "{shown:?}"
        );
    }
}

#[test]
fn algorithm_must_fit_the_key() {
    let w = Work::with_keys();
    let json = one_component(&w, 1, "fw.bin", 10, "");
    w.make("fw", &json, &[]);
    for (key, alg) in [
        ("p256", "-8"),
        ("p256", "Ed25519"),
        ("ed", "-7"),
        ("ed", "-9"),
        ("ed", "-35"),
        ("ed", "x"),
    ] {
        let e = w.suit(&[
            "sign",
            "--key",
            &format!("{key}.pem"),
            "--alg",
            alg,
            "fw.suit",
            "-o",
            "x.suit",
        ]);
        assert!(e.usage().starts_with("error: --alg"), "{e:?}");
    }
    // A public key cannot sign.
    w.suit(&["sign", "--key", "ed.pub.pem", "fw.suit", "-o", "x.suit"])
        .usage();
    assert!(!w.path("x.suit").exists());
}

#[test]
fn two_signers() {
    let w = Work::with_keys();
    let json = one_component(&w, 9, "fw.bin", 700, "");
    w.make("fw", &json, &["p256", "ed"]);
    let shown = w.suit(&["inspect", "fw.suit"]);
    let text = shown.ok();
    assert!(text.contains("signatures        2"), "{text}");
    assert!(
        text.contains("#1  COSE_Sign1  ESP256 (-9)")
            && text.contains("#2  COSE_Sign1  Ed25519 (-19)"),
        "{text}"
    );
    // Either key alone authenticates; both are named when both are given.
    verify_one(&w, &["p256.pub.pem"], "fw.suit").ok();
    verify_one(&w, &["ed.pub.pem"], "fw.suit").ok();
    assert!(
        verify_one(&w, &["ed.pub.pem", "p256.pub.pem"], "fw.suit")
            .ok()
            .ends_with("signed by key 1 (Ed25519), key 2 (ESP256)\n")
    );
    verify_one(&w, &["edb.pub.pem", "p256b.pub.pem"], "fw.suit")
        .rejected(ErrorKind::AuthSignatureInvalid);
    // A third and fourth block are fine, a fifth is refused (suit-verify's limit).
    w.suit(&[
        "sign",
        "--key",
        "p256b.pem",
        "--alg",
        "-7",
        "fw.suit",
        "-o",
        "fw.suit",
    ])
    .ok();
    w.suit(&["sign", "--key", "edb.pem", "fw.suit", "-o", "fw.suit"])
        .ok();
    verify_one(&w, &["edb.pub.pem"], "fw.suit").ok();
    // (ed.pem with EdDSA: a key that signed already, with another algorithm.)
    let e = w.suit(&[
        "sign",
        "--key",
        "ed.pem",
        "--alg",
        "-8",
        "fw.suit",
        "-o",
        "five.suit",
    ]);
    assert_eq!(e.code, 1, "{e:?}");
    assert!(e.stderr.contains("4 authentication blocks"), "{e:?}");
}

#[test]
fn signing_checks_the_digest_first() {
    let w = Work::with_keys();
    let json = one_component(&w, 1, "fw.bin", 10, "");
    w.make("fw", &json, &[]);
    let mut bytes = w.read("fw.suit");
    // Flip the sequence number inside the manifest: the wrapper's digest no longer matches.
    let n = bytes.len();
    let pos = bytes
        .windows(4)
        .position(|x| x == [0x01, 0x01, 0x02, 0x01])
        .unwrap()
        + 3;
    assert!(pos < n);
    bytes[pos] = 0x02;
    w.write("bad.suit", &bytes);
    let e = w.suit(&["sign", "--key", "p256.pem", "bad.suit", "-o", "out.suit"]);
    assert_eq!(e.code, 1, "{e:?}");
    assert!(e.stderr.starts_with("error: refusing to sign"), "{e:?}");
    assert!(!w.path("out.suit").exists());
    // Not an envelope.
    w.write("junk.suit", b"junk");
    assert_eq!(
        w.suit(&["sign", "--key", "p256.pem", "junk.suit", "-o", "out.suit"])
            .code,
        1
    );
}

#[test]
fn several_components_severed_text_and_integrated_payloads() {
    let w = Work::with_keys();
    w.write("app.bin", vec![0xa5; 4096]);
    w.write("radio.cfg", b"channel=11\n");
    w.write("boot.bin", vec![0x5a; 300]);
    let json = format!(
        r##"{{
        "sequence-number": 12,
        "vendor-id": "{VENDOR}",
        "class-id": "{CLASS}",
        "reference-uri": "https://updates.example.com/12.suit",
        "components": [
          {{"id": ["h'00'"], "image": "app.bin", "uri": "https://updates.example.com/app.bin",
            "text": {{"component-description": "application", "component-version": "12.0"}}}},
          {{"id": ["config", "radio"], "class-id": "{CLASS_B}", "image": "radio.cfg", "integrated": true}},
          {{"id": ["h'02'"], "image": "boot.bin", "integrated": "#boot", "invoke": true}}
        ],
        "text": {{"manifest-description": "Release 12", "update-description": "Fixes"}},
        "sever": ["text", "install"]
        }}"##
    );
    w.make("multi", &json, &["p256", "ed"]);
    let class_b = format!("1={CLASS_B}");
    let base = |extra: &[&str]| {
        let mut a = vec![
            "verify",
            "--key",
            "ed.pub.pem",
            "--vendor-id",
            VENDOR,
            "--class-id",
            CLASS,
            "--class-id",
            &class_b,
        ];
        a.extend_from_slice(extra);
        a.push("multi.suit");
        w.suit(&a)
    };
    let ok = base(&[
        "--image",
        "0=app.bin",
        "--image",
        "1=radio.cfg",
        "--image",
        "2=boot.bin",
    ]);
    assert_eq!(
        ok.ok(),
        "accepted: sequence 12, 3 component(s), validate passed, signed by key 1 (Ed25519)\n"
    );
    // Component 1 must be class B; component 0 must not be.
    w.suit(&[
        "verify",
        "--key",
        "ed.pub.pem",
        "--vendor-id",
        VENDOR,
        "--class-id",
        CLASS,
        "--skip-validate",
        "multi.suit",
    ])
    .rejected(ErrorKind::ClassMismatch);
    // Files swapped between components.
    base(&[
        "--image",
        "0=app.bin",
        "--image",
        "1=boot.bin",
        "--image",
        "2=radio.cfg",
    ])
    .rejected(ErrorKind::ImageSizeMismatch);
    // Component 2 missing.
    base(&["--image", "0=app.bin", "--image", "1=radio.cfg"])
        .rejected(ErrorKind::ImageDigestMismatch);

    let text = w.suit(&["inspect", "multi.suit"]);
    let t = text.ok();
    for want in [
        "sequence number   12",
        "reference uri     https://updates.example.com/12.suit",
        "#0  [h'00']",
        "#1  [\"config\", \"radio\"]",
        "#2  [h'02']",
        "install  (severed: sha-256 ",
        "text  (severed: sha-256 ",
        "carried by the envelope, digest matches",
        "manifest-description   Release 12",
        "component-version      12.0",
        "uri                #radio.cfg",
        "uri                #boot",
        "Severed members in the envelope: install, text",
        "\"#boot\"  300 bytes",
        "\"#radio.cfg\"  11 bytes",
    ] {
        assert!(t.contains(want), "inspect lacks {want:?}:\n{t}");
    }
    // Invoke names component 2 only.
    let inv = t.split("  invoke\n").nth(1).unwrap();
    assert!(
        inv.starts_with("    set-component-index      2\n    invoke                   policy 2\n"),
        "{inv}"
    );

    // Severing keeps the signature valid: without the severed members the
    // envelope still authenticates and validates.
    {
        use suit_encoder::cbor::{self, Value};
        let bytes = w.read("multi.suit");
        let (_, _, _, pos) = cbor::read_head(&bytes, 0).unwrap();
        let (entries, _) = cbor::split_map(&bytes, pos).unwrap();
        let kept: Vec<(Value, Value)> = entries
            .into_iter()
            .filter(|(k, _)| *k != [0x14] && *k != [0x17])
            .map(|(k, v)| (Value::Raw(k.to_vec()), Value::Raw(v.to_vec())))
            .collect();
        assert_eq!(kept.len(), 4, "wrapper, manifest and two payloads remain");
        w.write(
            "stripped.suit",
            cbor::encode(&Value::Tag(107, Box::new(Value::Map(kept)))),
        );
    }
    let ok2 = w.suit(&[
        "verify",
        "--key",
        "p256.pub.pem",
        "--vendor-id",
        VENDOR,
        "--class-id",
        CLASS,
        "--class-id",
        &format!("1={CLASS_B}"),
        "--image",
        "0=app.bin",
        "--image",
        "1=radio.cfg",
        "--image",
        "2=boot.bin",
        "stripped.suit",
    ]);
    assert!(
        ok2.ok()
            .starts_with("accepted: sequence 12, 3 component(s), validate passed"),
        "{ok2:?}"
    );
    let shown = w.suit(&["inspect", "stripped.suit"]);
    assert!(shown.ok().contains("not in this envelope"), "{shown:?}");
    let j = w.suit(&["inspect", "--json", "multi.suit"]);
    let model: serde_json::Value = serde_json::from_str(j.ok()).unwrap();
    assert_eq!(model["sequence-number"], 12);
    assert_eq!(
        model["severed-members-in-envelope"],
        serde_json::json!(["install", "text"])
    );
    assert_eq!(model["text"]["severed"], true);
    assert_eq!(
        model["text"]["content"]["en"]["manifest-description"],
        "Release 12"
    );
    assert_eq!(
        model["components"][1],
        serde_json::json!(["config", "radio"])
    );
    assert_eq!(model["signatures"].as_array().unwrap().len(), 2);
}

/// `t.suit`, signed with p256, its text severed; `t2.suit`, the same with
/// one byte of the severed text changed (at the returned offset).
fn severed_text_tampered(w: &Work) -> usize {
    w.write("fw.bin", vec![1u8; 64]);
    let json = format!(
        r#"{{"sequence-number": 1, "vendor-id": "{VENDOR}", "class-id": "{CLASS}",
            "components": [{{"id": ["h'00'"], "image": "fw.bin"}}],
            "text": {{"manifest-description": "Tamper target"}}, "sever": ["text"]}}"#
    );
    w.make("t", &json, &["p256"]);
    let mut bytes = w.read("t.suit");
    let pos = bytes.windows(6).position(|x| x == b"Tamper").unwrap();
    bytes[pos] = b'D';
    w.write("t2.suit", &bytes);
    pos
}

#[test]
fn severed_member_tampering_is_rejected() {
    let w = Work::with_keys();
    severed_text_tampered(&w);
    let args = |f: &'static str| {
        [
            "verify",
            "--key",
            "p256.pub.pem",
            "--vendor-id",
            VENDOR,
            "--class-id",
            CLASS,
            "--image",
            "0=fw.bin",
            f,
        ]
    };
    w.suit(&args("t.suit")).ok();
    w.suit(&args("t2.suit"))
        .rejected(ErrorKind::SeveredDigestMismatch);
    let shown = w.suit(&["inspect", "t2.suit"]);
    assert!(shown.ok().contains("DIGEST DOES NOT MATCH"), "{shown:?}");
}

#[test]
fn sign_refuses_what_a_device_would_reject() {
    // A signed envelope whose severed text was altered afterwards: its
    // digest no longer matches (a second signer must not bless it).
    let w = Work::with_keys();
    let pos = severed_text_tampered(&w);
    let e = w.suit(&["sign", "--key", "ed.pem", "t2.suit", "-o", "out.suit"]);
    assert_eq!(e.code, 1, "{e:?}");
    // The error as verify names it: name, message and numbered code.
    let kind = ErrorKind::SeveredDigestMismatch;
    let head = format!(
        "error: refusing to sign: a device would reject this envelope: {}: {}; code {:#06x}, input byte ",
        kind.name(),
        kind.message(),
        kind.code()
    );
    assert!(e.stderr.starts_with(&head), "{e:?}");
    // The offset is in the input: the severed text member starts there.
    let at: usize = e
        .stderr
        .trim_end()
        .rsplit(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(at <= pos && pos < at + 40, "{at} vs {pos}: {e:?}");
    assert!(!w.path("out.suit").exists());
    // The untouched one signs, once: a second signature by the same key is
    // refused (a re-run pipeline step would otherwise fill the block limit).
    w.suit(&["sign", "--key", "ed.pem", "t.suit", "-o", "out.suit"])
        .ok();
    let again = w.suit(&["sign", "--key", "ed.pem", "out.suit", "-o", "out2.suit"]);
    assert_eq!(again.code, 1, "{again:?}");
    assert!(
        again
            .stderr
            .contains("already carries a signature by this key with Ed25519"),
        "{again:?}"
    );
    assert!(!w.path("out2.suit").exists());
}

#[test]
fn domain_and_model_names_give_the_drafts_uuid5_ids() {
    let w = Work::with_keys();
    w.write("fw.bin", b"x");
    let json = r#"{"sequence-number": 0, "vendor-id": {"domain": "arm.com"}, "class-id": {"model": "suit"},
        "components": [{"id": ["h'00'"], "image": "fw.bin"}]}"#;
    w.make("ids", json, &["p256"]);
    let shown = w.suit(&["inspect", "ids.suit"]);
    let t = shown.ok();
    assert!(
        t.contains(&format!("vendor-id          {IETF_VENDOR}")),
        "{t}"
    );
    assert!(
        t.contains(&format!("class-id           {IETF_CLASS}")),
        "{t}"
    );
    w.suit(&[
        "verify",
        "--key",
        "p256.pub.pem",
        "--vendor-id",
        IETF_VENDOR,
        "--class-id",
        IETF_CLASS,
        "--image",
        "0=fw.bin",
        "ids.suit",
    ])
    .ok();
}

#[test]
fn digest_and_size_without_the_image() {
    let w = Work::with_keys();
    let image = b"known only by digest";
    w.write("fw.bin", image);
    let digest = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(image))
    };
    let json = format!(
        r#"{{"sequence-number": 4, "vendor-id": "{VENDOR}", "class-id": "{CLASS}",
            "components": [{{"id": ["h'00'"], "digest": "{digest}", "size": {}}}]}}"#,
        image.len()
    );
    w.make("d", &json, &["ed"]);
    w.suit(&[
        "verify",
        "--key",
        "ed.pub.pem",
        "--vendor-id",
        VENDOR,
        "--class-id",
        CLASS,
        "--image",
        "0=fw.bin",
        "d.suit",
    ])
    .ok();
}

#[test]
fn description_errors_exit_2() {
    let w = Work::new();
    w.write("fw.bin", b"x");
    for (json, want) in [
        ("{", "EOF"),
        (
            r#"{"sequence-number": 1, "components": [{"id": ["h'00'"], "image": "fw.bin"}]}"#,
            "no vendor-id",
        ),
        (
            r#"{"sequence-number": 1, "vendor-id": "x", "components": []}"#,
            "at least one",
        ),
        (
            r#"{"sequence-number": 1, "vendor-id": {"domain": "a.com"}, "class-id": {"model": "m"}, "components": [{"id": ["h'00'"], "image": "missing.bin"}]}"#,
            "missing.bin",
        ),
        (
            r#"{"sequence-number": 1, "vendor-id": {"domain": "a.com"}, "class-id": {"model": "m"}, "components": [{"id": ["h'00'"], "image": "fw.bin", "colour": 1}]}"#,
            "unknown field",
        ),
        // UUIDs must be RFC 4122 version 3, 4 or 5 (draft section 8.4.8.5).
        (
            r#"{"sequence-number": 1, "vendor-id": "c232ab00-9414-11ec-b3c8-9f6bdeced846", "class-id": {"model": "m"}, "components": [{"id": ["h'00'"], "image": "fw.bin"}]}"#,
            "vendor-id c232ab00-9414-11ec-b3c8-9f6bdeced846: a version 1 UUID",
        ),
        (
            r#"{"sequence-number": 1, "vendor-id": {"domain": "a.com"}, "class-id": "00000000-0000-0000-0000-000000000000", "components": [{"id": ["h'00'"], "image": "fw.bin"}]}"#,
            "class-id 00000000-0000-0000-0000-000000000000: not an RFC 4122 UUID",
        ),
        (
            r#"{"sequence-number": 1, "vendor-id": {"domain": "a.com"}, "class-id": {"model": "m"}, "components": [{"id": ["h'00'"], "image": "fw.bin", "device-id": "c232ab00-9414-11ec-b3c8-9f6bdeced846"}]}"#,
            "component 0: device-id c232ab00-9414-11ec-b3c8-9f6bdeced846: a version 1 UUID",
        ),
    ] {
        w.write("d.json", json);
        let e = w.suit(&["create", "d.json", "-o", "d.suit"]);
        assert!(e.usage().contains(want), "{json}: {e:?}");
        assert!(e.stderr.starts_with("error: d.json: "), "{e:?}");
    }
    w.suit(&["create", "nope.json", "-o", "d.suit"]).usage();
    assert!(!w.path("d.suit").exists());
    let help = w.suit(&["create", "--help"]);
    let h = help.ok();
    for want in [
        "DESCRIPTION FORMAT",
        "\"sequence-number\"",
        "\"integrated\"",
        "\"sever\"",
        "{\"domain\"",
        "{\"model\"",
    ] {
        assert!(h.contains(want), "create --help lacks {want}");
    }
}

#[test]
fn keygen_files_and_overwrite() {
    let w = Work::new();
    w.suit(&["keygen", "--alg", "es256", "--out", "k"]).ok();
    let private = String::from_utf8(w.read("k.pem")).unwrap();
    let public = String::from_utf8(w.read("k.pub.pem")).unwrap();
    assert!(
        private.starts_with("-----BEGIN PRIVATE KEY-----"),
        "{private}"
    );
    assert!(public.starts_with("-----BEGIN PUBLIC KEY-----"), "{public}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(w.path("k.pem"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // No silent overwrite.
    w.suit(&["keygen", "--alg", "ed25519", "--out", "k"])
        .usage();
    assert_eq!(String::from_utf8(w.read("k.pem")).unwrap(), private);
    w.suit(&["keygen", "--alg", "ed25519", "--out", "k", "--force"])
        .ok();
    assert_ne!(String::from_utf8(w.read("k.pem")).unwrap(), private);
    w.suit(&["keygen", "--alg", "rsa", "--out", "r"]).usage();
}

/// An Ed25519 test key, PKCS#8 encrypted with the password "test".
const ENCRYPTED_PKCS8: &str = "-----BEGIN ENCRYPTED PRIVATE KEY-----
MIGbMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAjfpweLa87bZQICCAAw
DAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEN+L0Ah8trWqCR27u/Va3awEQJGh
+tDo1/9XDYrpSkguNFL1P3We4bVtYImsZr2pKRWZ/griICiPWnWSOFN87RwSFXfm
pWHiSlGmreZIQyFS/eE=
-----END ENCRYPTED PRIVATE KEY-----
";

/// A P-256 test key, SEC1 PEM encrypted (AES-256-CBC) with the password "test".
const ENCRYPTED_SEC1: &str = "-----BEGIN EC PRIVATE KEY-----
Proc-Type: 4,ENCRYPTED
DEK-Info: AES-256-CBC,CDA4B9AC1424889AF5D31AC5AF621E1A

Lv0OGhONoY6yLyMxt1NmAX+aG+u6Kd7j1yJMfyMOgk0D+sP+Zh4j7kUjR8saU0EO
ZY+PMLjjGBWCzI5ZYQGmlI79owS8Opr7dVaCJqFPfMksOLTobYl3bu/p9JAoDBJj
jQjKnsiWcFiTdiiP3KAT8KZUFjRgtJfVSx3GETPuXFA=
-----END EC PRIVATE KEY-----
";

#[test]
fn unusable_key_files_get_a_clear_error() {
    let w = Work::with_keys();
    let json = one_component(&w, 1, "fw.bin", 10, "");
    w.make("fw", &json, &["p256"]);
    w.write("empty.pem", b"");
    w.write("blank.pem", b"\n  \n");
    w.write("enc.pem", ENCRYPTED_PKCS8);
    w.write("sec1.pem", ENCRYPTED_SEC1);
    let sign = |key: &str| w.suit(&["sign", "--key", key, "fw.suit", "-o", "out.suit"]);
    let verify = |key: &str| {
        w.suit(&[
            "verify",
            "--key",
            key,
            "--vendor-id",
            VENDOR,
            "--class-id",
            CLASS,
            "fw.suit",
        ])
    };
    for key in ["empty.pem", "blank.pem"] {
        let want = format!("error: key file {key} is empty\n");
        assert_eq!(sign(key).usage(), want);
        assert_eq!(verify(key).usage(), want);
    }
    assert_eq!(
        sign("enc.pem").usage(),
        "error: enc.pem is an encrypted private key; decrypt it first, e.g. openssl pkcs8 -in enc.pem -out plain.pem\n"
    );
    assert_eq!(
        sign("sec1.pem").usage(),
        "error: sec1.pem is an encrypted private key; decrypt it first, e.g. openssl ec -in sec1.pem -out plain.pem\n"
    );
    // verify wants the public key in any case.
    for key in ["enc.pem", "sec1.pem"] {
        assert!(
            verify(key)
                .usage()
                .contains("is a private key; verify with the public key"),
            "{key}"
        );
    }
    assert!(!w.path("out.suit").exists());
}
