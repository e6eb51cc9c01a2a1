//! The image verifier fed in chunks whose sizes come from the input: the
//! verdict never depends on the chunking, a chunk past image-size is refused
//! without changing the state, and the result agrees with a one-shot
//! reference computation.
//!
//! Input: `[alg][mode][size lo][size hi][k][k chunk sizes][image...]`.
#![no_main]
#[cfg(suit_fuzzing_bypass)]
compile_error!("build `image` without --cfg suit_fuzzing_bypass (see scripts/fuzz-smoke.sh)");

use libfuzzer_sys::fuzz_target;
use sha2::Digest;
use suit_encoder::cbor::{Value, encode};
use suit_verify::digest::SuitDigest;
use suit_verify::limits::Budget;
use suit_verify::{ErrorKind, ImageVerifier, RustCrypto};

fuzz_target!(|data: &[u8]| {
    let [alg, mode, lo, hi, k, rest @ ..] = data else {
        return;
    };
    let k = usize::from(*k % 32);
    if rest.len() < k {
        return;
    }
    let (sizes, image) = rest.split_at(k);
    let (alg_id, reference): (i64, Vec<u8>) = match alg % 3 {
        0 => (-16, sha2::Sha256::digest(image).to_vec()),
        1 => (-43, sha2::Sha384::digest(image).to_vec()),
        _ => (-44, sha2::Sha512::digest(image).to_vec()),
    };
    let mut expected = reference.clone();
    if mode & 1 != 0 {
        if let Some(b) = expected.get_mut(usize::from(*mode >> 1) % reference.len()) {
            *b ^= 0x80;
        }
    }
    let declared = u64::from(u16::from_le_bytes([*lo, *hi]));
    let size = match mode & 6 {
        0 => None,
        2 => Some(image.len() as u64),
        _ => Some(declared % 600),
    };
    let encoded = encode(&Value::Array(vec![
        Value::int(alg_id),
        Value::Bytes(expected.clone()),
    ]));
    let mut budget = Budget::new(16, ErrorKind::LimitCborItems);
    let sd = SuitDigest::decode(&encoded, 0, &mut budget).unwrap();

    // Reference verdict.
    let want_len = size.map_or(image.len() as u64, |s| s);
    let whole_ok = (image.len() as u64) == want_len && expected == reference;

    // Chunked.
    let mut v = ImageVerifier::new(&RustCrypto, &sd, size).unwrap();
    let mut pos = 0usize;
    let mut refused = false;
    let mut i = 0usize;
    while pos < image.len() {
        let step = sizes
            .get(i % sizes.len().max(1))
            .map_or(image.len(), |s| usize::from(*s));
        i += 1;
        let end = (pos + step).min(image.len());
        let before = (v.seen(), v.remaining());
        match v.update(&image[pos..end]) {
            Ok(()) => {
                assert_eq!(v.seen(), end as u64);
                pos = end;
            }
            Err(e) => {
                assert_eq!(e.kind(), ErrorKind::ImageSizeMismatch);
                assert!(end as u64 > size.unwrap());
                assert_eq!(
                    (v.seen(), v.remaining()),
                    before,
                    "state changed by a refused chunk"
                );
                refused = true;
                break;
            }
        }
        if i > 10_000 {
            break;
        }
    }
    if refused {
        assert!(image.len() as u64 > size.unwrap());
    }
    let r = v.finish();
    if !refused && pos == image.len() {
        match &r {
            Ok(ok) => {
                assert!(whole_ok);
                assert_eq!(ok.len(), image.len() as u64);
            }
            Err(e) => {
                assert!(!whole_ok, "{e:?}");
                let size_ok = (image.len() as u64) == want_len;
                let kind = if size_ok {
                    ErrorKind::ImageDigestMismatch
                } else {
                    ErrorKind::ImageSizeMismatch
                };
                assert_eq!(e.kind(), kind);
            }
        }
    } else {
        assert!(r.is_err() || image.len() as u64 > want_len || pos < image.len());
    }
});
