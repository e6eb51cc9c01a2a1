//! A device's side of an update, end to end, in Rust:
//!
//! 1. (host side, for the demo) build and sign an envelope with a test key;
//! 2. authenticate it against the device's trusted key and its last sequence number;
//! 3. run the update procedure: the platform is asked to fetch the image; the
//!    first time it answers "not yet" (the radio is still receiving), so the
//!    procedure ends `Pending` and is simply run again later;
//! 4. hash the image as it arrives, chunk by chunk, with `ImageVerifier`;
//! 5. before booting, run the invocation procedure and jump only on its verdict.
//!
//! Run: `cargo run --example update_flow`

// Host demo code: the library's no-panic lints are relaxed here.
#![allow(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::expect_used,
    clippy::as_conversions,
    clippy::cast_possible_truncation,
    clippy::std_instead_of_core
)]

use suit_encoder::cbor::Value;
use suit_encoder::suit::{Command, EnvelopeBuilder, Manifest, Sequence, param};
use suit_verify::platform::{Component, PlatformError, PlatformResult, VendorId};
use suit_verify::{
    Envelope, ErrorKind, KeyStore, Options, Platform, Policy, Procedure, Processor, RustCrypto,
    TrustedKey, authenticate,
};

const VENDOR: [u8; 16] = *b"example-vendor-1";
const CLASS: [u8; 16] = *b"thermostat-hw-v2";

/// The device: its identity and one flash slot, filled by the "radio".
struct Device {
    slot: Vec<u8>,
    receiving: bool,
}

impl Platform for Device {
    fn check_vendor(&mut self, _: Component<'_>, id: VendorId<'_>) -> PlatformResult<bool> {
        Ok(matches!(id, VendorId::Uuid(u) if *u == VENDOR))
    }
    fn check_class(&mut self, _: Component<'_>, id: &[u8; 16]) -> PlatformResult<bool> {
        Ok(*id == CLASS)
    }
    fn fetch(&mut self, _: Component<'_>, uri: &str, _: Option<&[u8]>) -> PlatformResult<()> {
        if self.receiving {
            println!("  fetch {uri}: not yet (still receiving)");
            return Err(PlatformError::Pending);
        }
        println!("  fetch {uri}: image is in the slot");
        Ok(())
    }
    fn read(&mut self, _: Component<'_>, offset: u64, buf: &mut [u8]) -> PlatformResult<usize> {
        let start = usize::try_from(offset)
            .map_err(|_| PlatformError::Failed)?
            .min(self.slot.len());
        let n = buf.len().min(self.slot.len() - start);
        buf[..n].copy_from_slice(&self.slot[start..start + n]);
        Ok(n)
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // 1. The release pipeline's side (normally the `suit` tool).
    let image: Vec<u8> = (0..10_000u32).map(|i| (i % 251) as u8).collect();
    let signer = suit_encoder::test_keys::ed25519_a(); // a TEST KEY, never trust it in a product
    let manifest = Manifest {
        sequence_number: 8,
        components: vec![vec![b"app".to_vec()]],
        shared: Some(Sequence::new(vec![
            Command::override_parameters(vec![
                (1, param::uuid(&VENDOR)),
                (2, param::uuid(&CLASS)),
                (3, param::image_digest_sha256(&image)),
                (14, Value::Uint(image.len() as u64)),
            ]),
            Command::vendor_identifier(15),
            Command::class_identifier(15),
        ])),
        install: Some(Sequence::new(vec![
            Command::override_parameters(vec![(
                21,
                Value::text("https://updates.example/app-8.bin"),
            )]),
            Command::fetch(2),
            Command::image_match(15),
        ])),
        validate: Some(Sequence::new(vec![Command::image_match(15)])),
        invoke: Some(Sequence::new(vec![Command::invoke(2)])),
        ..Manifest::default()
    };
    let unsigned = EnvelopeBuilder::new(manifest).build()?;
    let envelope_bytes = suit_encoder::cose::sign(&unsigned, &signer, -19, None)?;
    let device_key: [u8; 32] = signer.public_raw().as_slice().try_into()?;

    // 2. The device: authenticate against its trusted key and rollback floor.
    let keys = [TrustedKey::ed25519(&device_key)];
    let store = KeyStore::new(&keys)?;
    let installed_sequence = 7;
    let envelope = Envelope::parse(&envelope_bytes)?;
    let auth = authenticate(
        &envelope,
        &store,
        &Policy::min_sequence(installed_sequence + 1),
        &RustCrypto,
    )?;
    println!("authenticated: sequence {}", auth.sequence_number());

    // 3. The update procedure; "not yet" ends it with the error Pending.
    let mut device = Device {
        slot: Vec::new(),
        receiving: true,
    };
    let first = Processor::<_, _, 1>::new(&auth, &mut device, &RustCrypto, Options::DEFAULT)?
        .run(Procedure::Update)
        .map_err(|e| e.kind());
    assert_eq!(first, Err(ErrorKind::Pending));
    println!("update: pending, will run again when the image is in");

    // 4. Meanwhile the radio delivers the image in 97-byte packets, hashed as they arrive.
    let mut p = Processor::<_, _, 1>::new(&auth, &mut device, &RustCrypto, Options::DEFAULT)?;
    // The shared sequence decides the digest and size (and checks vendor and
    // class first): only a complete run gives a verifier.
    let _ = p.run(Procedure::Shared)?;
    let mut verifier = p.image_verifier(0)?;
    let mut received = Vec::new();
    for packet in image.chunks(97) {
        verifier.update(packet)?;
        received.extend_from_slice(packet);
    }
    let verified = verifier.finish()?;
    println!(
        "image: {} bytes hashed as they arrived, digest matches",
        verified.len()
    );
    device.slot = received;
    device.receiving = false;

    // The rerun completes (fetch now succeeds, image-match reads the slot).
    let done = Processor::<_, _, 1>::new(&auth, &mut device, &RustCrypto, Options::DEFAULT)?
        .run(Procedure::Update)?;
    println!("update: {done:?}");

    // 5. At boot: validate and get the component to boot; jump only on an
    //    Outcome (every failure, "not yet" included, is an Err).
    let outcome = Processor::<_, _, 1>::new(&auth, &mut device, &RustCrypto, Options::DEFAULT)?
        .run(Procedure::Invoke)?;
    match outcome.boot {
        Some(b) => println!("boot: component {} may be invoked", b.component),
        None => return Err("not bootable: the manifest invokes nothing".into()),
    }

    // A tampered slot is refused.
    device.slot[5000] ^= 1;
    let err = Processor::<_, _, 1>::new(&auth, &mut device, &RustCrypto, Options::DEFAULT)?
        .run(Procedure::Invoke)
        .expect_err("a tampered image must not boot");
    println!(
        "tampered slot: rejected: {}: {}",
        err.kind().name(),
        err.kind().message()
    );
    Ok(())
}
