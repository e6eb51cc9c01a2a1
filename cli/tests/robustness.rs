//! `suit verify` and `suit inspect` never panic, whatever the envelope holds:
//! every single-byte corruption and every truncation of a signed envelope
//! ends with status 0 or 1 and, on rejection, exactly one stderr line.
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

use common::{CLASS, VENDOR, Work};

#[test]
fn corrupted_envelopes_never_crash() {
    let w = Work::with_keys();
    w.write("fw.bin", b"robust");
    let json = format!(
        r#"{{"sequence-number": 1, "vendor-id": "{VENDOR}", "class-id": "{CLASS}",
            "components": [{{"id": ["h'00'"], "image": "fw.bin", "integrated": true}}],
            "text": {{"manifest-description": "x"}}, "sever": ["text"]}}"#
    );
    w.make("fw", &json, &["ed"]);
    let good = w.read("fw.suit");
    // The integrated payload is the envelope's last member: text key
    // "#fw.bin" (1 + 7 bytes) and bstr "robust" (1 + 6 bytes).
    assert!(good.ends_with(b"\x67#fw.bin\x46robust"));
    let payload_start = good.len() - 15;
    // (variant, offset changed or None for a truncation)
    let mut variants: Vec<(Vec<u8>, Option<usize>)> = Vec::new();
    for i in 0..good.len() {
        for x in [0x01u8, 0x80, 0xff] {
            let mut b = good.clone();
            b[i] ^= x;
            variants.push((b, Some(i)));
        }
    }
    for n in (0..good.len()).step_by(7) {
        variants.push((good[..n].to_vec(), None));
    }
    for (i, (v, changed)) in variants.iter().enumerate() {
        w.write("bad.suit", v);
        let out = w.suit(&[
            "verify",
            "--key",
            "ed.pub.pem",
            "--vendor-id",
            VENDOR,
            "--class-id",
            CLASS,
            "--image",
            "0=fw.bin",
            "bad.suit",
        ]);
        match out.code {
            // Everything is signed or digest-checked except the integrated
            // payload, which validate does not read (install checks it).
            0 => assert!(
                changed.is_some_and(|at| at >= payload_start),
                "variant {i} (change at {changed:?}) accepted: {out:?}"
            ),
            1 => {
                assert!(
                    out.stderr.starts_with("rejected: ") && out.stderr.lines().count() == 1,
                    "variant {i}: {out:?}"
                );
                assert!(out.stdout.is_empty());
            }
            _ => panic!("variant {i}: {out:?}"),
        }
        let shown = w.suit(&["inspect", "bad.suit"]);
        assert!(
            shown.code == 0 || shown.code == 1,
            "inspect variant {i}: {shown:?}"
        );
    }
}
