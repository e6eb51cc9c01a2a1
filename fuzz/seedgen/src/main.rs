//! Writes the seed corpora of every fuzz target into `<out>/<target>/`:
//!
//! - every `.cbor` file of the IETF vectors (`$SUIT_IETF_VECTORS`, default
//!   `../shared/vectors/ietf` beside the checkout), and each IETF envelope
//!   re-signed by a test key in place of its own blocks (unsigned and
//!   COSE_Mac0 examples included);
//! - envelopes built and signed by `suit-encoder`: hand-written ones that
//!   cover each feature, and many drawn from the structured generator of
//!   the fuzz crate (`fuzz/src/lib.rs`, included here as a module);
//! - for `cbor`, every bstr-wrapped item nested in those envelopes;
//! - target-specific framings for `processor` and `image`.
//!
//! Usage: `suit-fuzz-seedgen <out-dir>`. Deterministic: the same inputs give
//! the same files. Each seed is named by its content's SHA-256 prefix.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../../src/lib.rs"]
#[allow(dead_code)]
mod generator;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use sha2::Digest;
use suit_encoder::cbor::{Value, decode_all, encode};
use suit_encoder::cose;
use suit_encoder::suit::{Command, EnvelopeBuilder, Manifest, Sequence, param};
use suit_encoder::test_keys;

struct Out {
    root: PathBuf,
    count: std::collections::BTreeMap<String, usize>,
}

impl Out {
    fn put(&mut self, target: &str, data: &[u8]) {
        let dir = self.root.join(target);
        std::fs::create_dir_all(&dir).unwrap();
        let name = sha2::Sha256::digest(data)
            .iter()
            .take(10)
            .map(|b| format!("{b:02x}"))
            .collect::<String>();
        let p = dir.join(format!("seed-{name}"));
        if !p.exists() {
            std::fs::write(&p, data).unwrap();
            *self.count.entry(target.to_string()).or_default() += 1;
        }
    }
}

fn ietf_dir() -> PathBuf {
    std::env::var_os("SUIT_IETF_VECTORS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/vectors/ietf")
        })
}

fn cbor_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = rd.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            cbor_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "cbor") {
            out.push(p);
        }
    }
}

/// Every byte string nested in `v` that itself holds one CBOR item.
fn nested_items(v: &Value, out: &mut BTreeSet<Vec<u8>>) {
    match v {
        Value::Bytes(b) => {
            if let Ok(inner) = decode_all(b) {
                if out.insert(b.clone()) {
                    nested_items(&inner, out);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| nested_items(x, out)),
        Value::Map(m) => m.iter().for_each(|(k, x)| {
            nested_items(k, out);
            nested_items(x, out);
        }),
        Value::Tag(_, b) => nested_items(b, out),
        _ => {}
    }
}

const VENDOR: [u8; 16] = generator::VENDOR;
const CLASS: [u8; 16] = generator::CLASS;

fn identity() -> Vec<Command> {
    vec![
        Command::override_parameters(vec![
            (param::VENDOR_ID, param::uuid(&VENDOR)),
            (param::CLASS_ID, param::uuid(&CLASS)),
        ]),
        Command::vendor_identifier(15),
        Command::class_identifier(15),
    ]
}

fn sign_ed(env: Vec<u8>) -> Vec<u8> {
    cose::sign(&env, &test_keys::ed25519_a(), -8, None).unwrap()
}

/// `env` (an IETF example) with its authentication blocks dropped and one
/// Ed25519 signature by test key A added: the unsigned and COSE_Mac0
/// examples (and the signed ones, for the targets that trust only the test
/// keys) then authenticate, so their manifests reach the processor. `None`
/// when the encoder cannot split the envelope or its digest is wrong.
fn resign(env: &[u8]) -> Option<Vec<u8>> {
    use suit_encoder::cbor::head;
    let parts = cose::parse_envelope(env).ok()?;
    let digest = parts.auth_elements.first()?;
    let content = [head(4, 1), digest.clone()].concat();
    let wrapper = [head(2, content.len() as u64), content].concat();
    let auth_key = encode(&Value::int(2));
    let mut out = vec![0xd8, 0x6b];
    out.extend(head(5, parts.members.len() as u64));
    for (k, v) in &parts.members {
        out.extend(k);
        out.extend(if *k == auth_key { &wrapper } else { v });
    }
    cose::sign(&out, &test_keys::ed25519_a(), -8, None).ok()
}

/// Hand-written envelopes, one per feature.
fn handmade() -> Vec<Vec<u8>> {
    let image = b"suit fuzz image, 32 bytes long!!".to_vec();
    let mut out = Vec::new();

    // 1. One component; validate checks identity and the image.
    let mut shared = identity();
    shared.push(Command::override_parameters(vec![
        (param::IMAGE_DIGEST, param::image_digest_sha256(&image)),
        (param::IMAGE_SIZE, Value::Uint(image.len() as u64)),
    ]));
    let m1 = Manifest {
        sequence_number: 1,
        components: vec![vec![b"fw".to_vec()]],
        shared: Some(Sequence::new(shared.clone())),
        validate: Some(Sequence::new(vec![Command::image_match(15)])),
        invoke: Some(Sequence::new(vec![Command::invoke(15)])),
        ..Default::default()
    };
    let env1 = EnvelopeBuilder::new(m1.clone()).build().unwrap();
    out.push(sign_ed(env1.clone()));
    // ... signed with P-256 (kid) and with an untrusted extra block.
    let e = cose::sign(&env1, &test_keys::p256_a(), -9, Some(generator::P256_A_KID)).unwrap();
    out.push(e.clone());
    out.push(sign_ed(
        cose::sign(&env1, &test_keys::ed25519_b(), -19, None).unwrap(),
    ));
    out.push(sign_ed(e));

    // 2. Update with an integrated payload, severed members and text.
    let mut fetch = identity();
    fetch.push(Command::override_parameters(vec![
        (param::IMAGE_DIGEST, param::image_digest_sha256(&image)),
        (param::URI, Value::Text("#image".into())),
    ]));
    fetch.push(Command::fetch(2));
    let m2 = Manifest {
        sequence_number: 2,
        components: vec![vec![b"fw".to_vec()]],
        shared: Some(Sequence::new(shared.clone())),
        payload_fetch: Some(Sequence::new(fetch)),
        install: Some(Sequence::new(vec![
            Command::set_component_index(0),
            Command::image_match(15),
        ])),
        validate: Some(Sequence::new(vec![Command::image_match(15)])),
        text: Some(Value::int_map(vec![(1, Value::Text("fuzz seed".into()))])),
        sever: vec![16, 20, 23],
        ..Default::default()
    };
    let mut b2 = EnvelopeBuilder::new(m2);
    b2.integrated = vec![("#image".into(), image.clone())];
    let env2 = sign_ed(b2.build().unwrap());
    out.push(generator::drop_members(&env2, &[20]).unwrap());
    out.push(env2);

    // 3. Three components: index lists, try-each, run-sequence, copy/swap,
    //    custom commands and parameters, dry-run-able directives.
    let three = vec![
        vec![b"fw".to_vec(), vec![0]],
        vec![b"fw".to_vec(), vec![1]],
        vec![b"ram".to_vec()],
    ];
    let mut shared3 = vec![Command::set_component_index_all()];
    shared3.extend(identity());
    shared3.push(Command::try_each(
        vec![
            Sequence::new(vec![
                Command::override_parameters(vec![(param::COMPONENT_SLOT, Value::Uint(0))]),
                Command::component_slot(15),
            ]),
            Sequence::new(vec![Command::override_parameters(vec![(
                param::COMPONENT_SLOT,
                Value::Uint(1),
            )])]),
        ],
        true,
    ));
    let install3 = vec![
        Command::set_component_index(2),
        Command::override_parameters(vec![
            (param::SOURCE_COMPONENT, Value::Uint(0)),
            (-257, Value::Uint(7)),
        ]),
        Command::copy(15),
        Command::set_component_index_list(&[0, 1]),
        Command::run_sequence(Sequence::new(vec![
            Command::override_parameters(vec![(param::SOFT_FAILURE, Value::Bool(true))]),
            Command::check_content(15),
            Command::custom(-258, Value::Bytes(vec![1, 2])),
        ])),
        Command::set_component_index(1),
        Command::override_parameters(vec![
            (param::SOURCE_COMPONENT, Value::Uint(0)),
            (param::URI, Value::Text("coaps://fw.example/b".into())),
            (param::FETCH_ARGUMENTS, Value::Bytes(vec![9])),
            (param::CONTENT, Value::Bytes(b"suit".to_vec())),
        ]),
        Command::fetch(15),
        Command::write(15),
        Command::swap(15),
    ];
    let m3 = Manifest {
        sequence_number: 3,
        components: three,
        shared: Some(Sequence::new(shared3)),
        install: Some(Sequence::new(install3)),
        validate: Some(Sequence::new(vec![
            Command::set_component_index(0),
            Command::override_parameters(vec![
                (param::IMAGE_DIGEST, param::image_digest_sha256(&image)),
                (param::IMAGE_SIZE, Value::Uint(32)),
                (param::DEVICE_ID, param::uuid(&[7; 16])),
            ]),
            Command::device_identifier(15),
            Command::image_match(15),
        ])),
        load: Some(Sequence::new(vec![
            Command::set_component_index(2),
            Command::override_parameters(vec![(param::SOURCE_COMPONENT, Value::Uint(0))]),
            Command::copy(2),
        ])),
        invoke: Some(Sequence::new(vec![
            Command::set_component_index(2),
            Command::override_parameters(vec![(param::INVOKE_ARGS, Value::Bytes(vec![1]))]),
            Command::invoke(15),
        ])),
        reference_uri: Some("https://example.invalid/m3.suit".into()),
        ..Default::default()
    };
    out.push(sign_ed(EnvelopeBuilder::new(m3).build().unwrap()));

    // 4. PEN vendor id, abort inside try-each, a nested try-each.
    let m4 = Manifest {
        sequence_number: 4,
        components: vec![vec![vec![0]]],
        validate: Some(Sequence::new(vec![
            Command::override_parameters(vec![
                (param::VENDOR_ID, param::vendor_pen(4128)),
                (param::CLASS_ID, param::uuid(&CLASS)),
            ]),
            Command::vendor_identifier(15),
            Command::class_identifier(15),
            Command::try_each(
                vec![
                    Sequence::new(vec![Command::abort(0)]),
                    Sequence::new(vec![Command::try_each(
                        vec![
                            Sequence::new(vec![Command::custom(30, Value::Uint(0))]),
                            Sequence::new(vec![Command::invoke(0)]),
                        ],
                        false,
                    )]),
                ],
                false,
            ),
        ])),
        ..Default::default()
    };
    out.push(sign_ed(EnvelopeBuilder::new(m4).build().unwrap()));
    out
}

/// A tiny deterministic generator for seed bytes.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

fn main() {
    let root = PathBuf::from(
        std::env::args()
            .nth(1)
            .expect("usage: suit-fuzz-seedgen <out-dir>"),
    );
    let mut out = Out {
        root,
        count: Default::default(),
    };

    // IETF vectors.
    let dir = ietf_dir();
    let mut files = Vec::new();
    cbor_files(&dir, &mut files);
    if files.is_empty() {
        eprintln!(
            "error: no IETF vectors under {} (set SUIT_IETF_VECTORS)",
            dir.display()
        );
        std::process::exit(1);
    }
    let mut envelopes: Vec<Vec<u8>> = Vec::new();
    let mut items: BTreeSet<Vec<u8>> = BTreeSet::new();
    for f in &files {
        let b = std::fs::read(f).unwrap();
        if b.starts_with(&[0xd8, 0x6b]) {
            envelopes.push(b.clone());
            envelopes.extend(resign(&b));
        }
        items.insert(b);
    }

    // Envelopes from suit-encoder.
    envelopes.extend(handmade());
    let mut rng = Rng(0x5eed_5u64);
    let mut structured_seeds = Vec::new();
    let mut made = 0;
    while made < 48 {
        let len = 64 + (rng.next() % 448) as usize;
        let raw = rng.bytes(len);
        let mut u = arbitrary::Unstructured::new(&raw);
        let Ok(g) = generator::generate(&mut u) else {
            continue;
        };
        let Some(env) = generator::encode(&g) else {
            continue;
        };
        structured_seeds.push(raw);
        envelopes.push(env);
        made += 1;
    }

    for env in &envelopes {
        for t in ["envelope", "auth"] {
            out.put(t, env);
        }
        // ffi: [mode][n][answers][envelope]; odd mode = raw envelope
        // (1 copy mode, 3 zero-copy).
        for mode in [1u8, 3] {
            let mut b = vec![mode, 0];
            b.extend(env);
            out.put("ffi", &b);
        }
        // auth_bypass: [mode][envelope], mode 0 recomputes the digest.
        let mut b = vec![0u8];
        b.extend(env);
        out.put("auth_bypass", &b);
        items.insert(env.clone());
        // Processor framing: [flags][n][answers][4 limit bytes][envelope].
        for (flags, answers) in [
            (0u8, vec![]),
            (0x02, vec![0xff; 8]),
            (0x04, vec![3, 0xff, 5, 0xff, 0xff]),
            (0x19, (0..32u8).map(|i| i.wrapping_mul(37)).collect()),
            // A dry run against the real run on a deterministic device.
            (0x42, (0..48u8).map(|i| i.wrapping_mul(29) | 0x0c).collect()),
        ] {
            let mut p = vec![flags, answers.len() as u8];
            p.extend(&answers);
            p.extend([64, 3, 4, 32]);
            p.extend(env);
            out.put("processor", &p);
        }
    }
    for s in &structured_seeds {
        out.put("structured", s);
        // ffi, even mode: the same generator.
        let mut b = vec![0u8];
        b.extend(s);
        out.put("ffi", &b);
    }

    // CBOR: whole files and every bstr-wrapped item inside them.
    let mut nested = BTreeSet::new();
    for it in &items {
        if let Ok(v) = decode_all(it) {
            nested_items(&v, &mut nested);
        }
    }
    for it in items.iter().chain(nested.iter()) {
        out.put("cbor", it);
    }
    out.put(
        "cbor",
        &encode(&Value::Array(vec![Value::Null, Value::Bool(true)])),
    );

    // Image: [alg][mode][size lo][size hi][k][k chunk sizes][image].
    for (alg, mode, k) in [(0u8, 2u8, 3u8), (0, 0, 1), (1, 3, 2), (2, 4, 5), (0, 6, 0)] {
        let mut p = vec![alg, mode, 40, 0, k];
        p.extend(rng.bytes(usize::from(k)));
        p.extend(rng.bytes(40));
        out.put("image", &p);
    }

    for (t, n) in &out.count {
        println!("{t}: {n} new seeds");
    }
}
