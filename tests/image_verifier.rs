//! Issue 3: the incremental image verifier gives the same verdict for every
//! way of cutting an image into chunks, and rejects any single-byte change
//! and any length change.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects,
    clippy::as_conversions,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_possible_wrap,
    unreachable_pub,
    missing_docs,
    clippy::std_instead_of_core
)]

use proptest::prelude::*;
use sha2::Digest;
use suit_verify::crypto::{DigestAlg, RustHasher};
use suit_verify::digest::SuitDigest;
use suit_verify::{ErrorKind as K, ImageVerifier, RustCrypto};

fn verifier(expected: &[u8; 32], size: Option<u64>) -> ImageVerifier<RustHasher> {
    let d = SuitDigest {
        alg: DigestAlg::Sha256,
        bytes: expected,
    };
    ImageVerifier::new(&RustCrypto, &d, size).unwrap()
}

/// Feed `image` cut at `cuts` (sorted positions); the verdict.
fn verdict(expected: &[u8; 32], size: Option<u64>, image: &[u8], cuts: &[usize]) -> Result<u64, K> {
    let mut v = verifier(expected, size);
    let mut start = 0;
    for &c in cuts.iter().chain(core::iter::once(&image.len())) {
        let c = c.clamp(start, image.len());
        v.update(&image[start..c]).map_err(|e| e.kind())?;
        start = c;
    }
    v.finish().map(|ok| ok.len()).map_err(|e| e.kind())
}

fn sha(image: &[u8]) -> [u8; 32] {
    sha2::Sha256::digest(image).into()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_chunking_gives_the_same_verdict(image in proptest::collection::vec(any::<u8>(), 0..3000),
                                           mut cuts in proptest::collection::vec(0usize..3000, 0..20),
                                           sized in any::<bool>()) {
        cuts.sort_unstable();
        let size = sized.then_some(image.len() as u64);
        prop_assert_eq!(verdict(&sha(&image), size, &image, &cuts), Ok(image.len() as u64));
    }

    #[test]
    fn any_single_byte_change_is_rejected(image in proptest::collection::vec(any::<u8>(), 1..2000),
                                          pos in any::<prop::sample::Index>(), delta in 1u8..=255,
                                          mut cuts in proptest::collection::vec(0usize..2000, 0..8)) {
        cuts.sort_unstable();
        let expected = sha(&image);
        let mut bad = image.clone();
        let i = pos.index(bad.len());
        bad[i] = bad[i].wrapping_add(delta);
        prop_assert_eq!(verdict(&expected, Some(image.len() as u64), &bad, &cuts), Err(K::ImageDigestMismatch));
        prop_assert_eq!(verdict(&expected, None, &bad, &cuts), Err(K::ImageDigestMismatch));
    }

    #[test]
    fn any_length_change_is_rejected(image in proptest::collection::vec(any::<u8>(), 1..2000),
                                     cut in any::<prop::sample::Index>(), extra in proptest::collection::vec(any::<u8>(), 1..64)) {
        let expected = sha(&image);
        let size = Some(image.len() as u64);
        let short = &image[..cut.index(image.len())];
        prop_assert_eq!(verdict(&expected, size, short, &[]), Err(K::ImageSizeMismatch));
        let mut long = image.clone();
        long.extend(&extra);
        prop_assert_eq!(verdict(&expected, size, &long, &[image.len()]), Err(K::ImageSizeMismatch));
        // Without image-size, a length change is caught by the digest.
        prop_assert_eq!(verdict(&expected, None, short, &[]), Err(K::ImageDigestMismatch));
        prop_assert_eq!(verdict(&expected, None, &long, &[]), Err(K::ImageDigestMismatch));
    }
}

#[test]
fn bytes_past_image_size_are_refused_and_state_is_kept() {
    let image = b"0123456789";
    let mut v = verifier(&sha(image), Some(10));
    v.update(&image[..8]).unwrap();
    assert_eq!(
        v.update(b"89X").map_err(|e| e.kind()),
        Err(K::ImageSizeMismatch)
    );
    assert_eq!(v.remaining(), Some(2));
    v.update(&image[8..]).unwrap();
    assert_eq!(v.finish().map(|ok| ok.len()), Ok(10));
}

#[test]
fn without_image_size_everything_given_is_hashed() {
    let image = vec![0x5a; 70_000];
    let mut v = verifier(&sha(&image), None);
    assert_eq!(v.remaining(), None);
    for c in image.chunks(4096) {
        v.update(c).unwrap();
    }
    assert_eq!(v.finish().map(|ok| ok.len()), Ok(70_000));
}

#[test]
fn unsupported_digest_algorithm() {
    let d = SuitDigest {
        alg: DigestAlg::Sha512,
        bytes: &[0u8; 64],
    };
    let r = ImageVerifier::new(&RustCrypto, &d, None)
        .map(|_| ())
        .map_err(|e| e.kind());
    if cfg!(feature = "sha512") {
        assert_eq!(r, Ok(()));
    } else {
        assert_eq!(r, Err(K::AuthUnsupportedDigest));
    }
}

#[test]
fn a_digest_of_the_wrong_length_is_refused() {
    // A SuitDigest built by hand whose bytes do not fit its algorithm: the
    // verifier used to drop the extra bytes (or pad with zeros) and accept.
    let image = b"image bytes";
    let good = sha(image);
    let long = [good.as_slice(), &[0xaa; 32]].concat();
    for bytes in [&long[..], &good[..31], &[][..]] {
        let d = SuitDigest {
            alg: DigestAlg::Sha256,
            bytes,
        };
        let r = ImageVerifier::new(&RustCrypto, &d, None)
            .map(|_| ())
            .map_err(|e| e.kind());
        assert_eq!(r, Err(K::InvalidParameter), "{} bytes", bytes.len());
    }
}
