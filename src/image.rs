//! Incremental image verification: a component's image in chunks of any size.
//!
//! An [`ImageVerifier`] owns a copy of the expected digest and size (no
//! borrow of the manifest outlives its creation, which the C ABI relies on),
//! takes the image in chunks from a radio, a flash read loop or a DMA buffer,
//! and ends in a [`Verified`] token or a mismatch error.
//!
//! With image-size set it hashes exactly that many bytes, refuses bytes past
//! it and reports a short image as [`ErrorKind::ImageSizeMismatch`]; without
//! it (IETF example 4, component 1) it hashes everything it is given.

use crate::crypto::{Crypto, DigestAlg, Hasher, MAX_DIGEST, ct_eq};
use crate::digest::{OwnedDigest, SuitDigest};
use crate::error::{ErrorKind, Result};

/// Proof that an image matched its digest and size. Only
/// [`ImageVerifier::finish`] makes one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Verified {
    len: u64,
    alg: DigestAlg,
}

impl Verified {
    /// Bytes hashed.
    #[must_use]
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether the image was empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The digest algorithm used.
    #[must_use]
    pub fn alg(&self) -> DigestAlg {
        self.alg
    }
}

/// Streaming digest-and-size check. See the module docs.
#[derive(Clone)]
pub struct ImageVerifier<H: Hasher> {
    hasher: H,
    expected: OwnedDigest,
    size: Option<u64>,
    seen: u64,
}

impl<H: Hasher> ImageVerifier<H> {
    /// A verifier for `digest` and, when set, `size`.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidParameter`] when `digest.bytes` is not
    /// `digest.alg.output_len()` bytes long (a digest built by hand; one the
    /// manifest carries is checked when read);
    /// [`ErrorKind::AuthUnsupportedDigest`] when the backend lacks the algorithm.
    pub fn new<C: Crypto<Hasher = H>>(
        crypto: &C,
        digest: &SuitDigest<'_>,
        size: Option<u64>,
    ) -> Result<Self> {
        if digest.bytes.len() != digest.alg.output_len() {
            return Err(ErrorKind::InvalidParameter.here());
        }
        Self::from_owned(crypto, OwnedDigest::from_digest(digest), size)
    }

    /// A verifier for an owned digest.
    ///
    /// # Errors
    /// [`ErrorKind::AuthUnsupportedDigest`] when the backend lacks the algorithm.
    pub fn from_owned<C: Crypto<Hasher = H>>(
        crypto: &C,
        expected: OwnedDigest,
        size: Option<u64>,
    ) -> Result<Self> {
        let hasher = crypto
            .hasher(expected.alg)
            .ok_or(ErrorKind::AuthUnsupportedDigest.here())?;
        Ok(ImageVerifier {
            hasher,
            expected,
            size,
            seen: 0,
        })
    }

    /// Feed the next chunk.
    ///
    /// # Errors
    /// [`ErrorKind::ImageSizeMismatch`] when the chunk would go past
    /// image-size; the verifier keeps its state and refuses the chunk.
    pub fn update(&mut self, chunk: &[u8]) -> Result<()> {
        let n = u64::try_from(chunk.len()).map_err(|_| ErrorKind::ImageSizeMismatch.here())?;
        let total = self
            .seen
            .checked_add(n)
            .ok_or(ErrorKind::ImageSizeMismatch.here())?;
        if let Some(size) = self.size
            && total > size
        {
            return Err(ErrorKind::ImageSizeMismatch.here());
        }
        self.hasher.update(chunk);
        self.seen = total;
        Ok(())
    }

    /// Bytes still expected (`None` without image-size).
    #[must_use]
    pub fn remaining(&self) -> Option<u64> {
        self.size.map(|s| s.saturating_sub(self.seen))
    }

    /// Bytes accepted so far.
    #[must_use]
    pub fn seen(&self) -> u64 {
        self.seen
    }

    /// Finish: compare size and digest (constant time).
    ///
    /// # Errors
    /// [`ErrorKind::ImageSizeMismatch`] for a short image,
    /// [`ErrorKind::ImageDigestMismatch`] for a wrong digest.
    pub fn finish(self) -> Result<Verified> {
        if let Some(size) = self.size
            && self.seen != size
        {
            return Err(ErrorKind::ImageSizeMismatch.here());
        }
        let mut out = [0u8; MAX_DIGEST];
        let n = self.hasher.finish(&mut out);
        if !ct_eq(out.get(..n).unwrap_or(&[]), self.expected.as_bytes()) {
            return Err(ErrorKind::ImageDigestMismatch.here());
        }
        Ok(Verified {
            len: self.seen,
            alg: self.expected.alg,
        })
    }
}

/// Verify an image held in NOR flash through `embedded-storage`, reading it
/// in chunks of up to `buf.len()` bytes starting at `offset`.
///
/// Needs `size` (flash has no intrinsic image length). Reads honour the
/// flash's `READ_SIZE`: `offset` must be a multiple of it, each read is a
/// whole number of units (the last one may run up to `READ_SIZE - 1` bytes
/// past the image, which are read but not hashed), and `buf` must hold at
/// least one unit.
///
/// # Errors
/// [`ErrorKind::InvalidArgument`] for a verifier without a size, an
/// unaligned `offset`, or an image (its reads rounded up to whole units)
/// that runs past the 32-bit address space, refused before that read;
/// [`ErrorKind::BufferTooSmall`] when `buf` is shorter than `READ_SIZE`;
/// [`ErrorKind::PlatformFailed`] for a flash read error; mismatch errors
/// from [`ImageVerifier::finish`].
#[cfg(feature = "embedded-storage")]
pub fn verify_flash<H: Hasher, F: embedded_storage::nor_flash::ReadNorFlash>(
    mut verifier: ImageVerifier<H>,
    flash: &mut F,
    offset: u32,
    buf: &mut [u8],
) -> Result<Verified> {
    if verifier.remaining().is_none() {
        return Err(ErrorKind::InvalidArgument.here());
    }
    let unit = F::READ_SIZE.max(1);
    if !usize::try_from(offset).is_ok_and(|o| o.is_multiple_of(unit)) {
        return Err(ErrorKind::InvalidArgument.here());
    }
    // The largest whole number of units that fits the buffer.
    let usable = buf
        .len()
        .checked_rem(unit)
        .map_or(0, |r| buf.len().saturating_sub(r));
    if usable == 0 {
        return Err(ErrorKind::BufferTooSmall.here());
    }
    // The next read's address, as u64: an image may end at the very top of
    // the 32-bit address space, where the address after it is 2^32.
    let mut pos = u64::from(offset);
    // Each pass hashes at least one byte, so this ends after `size` bytes.
    while let Some(left) = verifier.remaining().filter(|l| *l > 0) {
        let want = usize::try_from(left).unwrap_or(usize::MAX).min(usable);
        // Round up to whole units; at most `usable`, itself whole units.
        let read = want
            .checked_next_multiple_of(unit)
            .unwrap_or(usable)
            .min(usable);
        let chunk = buf
            .get_mut(..read)
            .ok_or(ErrorKind::BufferTooSmall.here())?;
        let next = u64::try_from(read)
            .ok()
            .and_then(|r| pos.checked_add(r))
            .filter(|end| *end <= 1 << 32)
            .ok_or(ErrorKind::InvalidArgument.here())?;
        let at = u32::try_from(pos).map_err(|_| ErrorKind::InvalidArgument.here())?;
        flash
            .read(at, chunk)
            .map_err(|_| ErrorKind::PlatformFailed.here())?;
        verifier.update(chunk.get(..want).unwrap_or(&[]))?;
        pos = next;
    }
    verifier.finish()
}

#[cfg(all(test, feature = "embedded-storage"))]
mod flash_tests {
    use super::*;
    use crate::crypto::{DigestAlg, RustCrypto};
    use embedded_storage::nor_flash::{ErrorType, NorFlashError, NorFlashErrorKind, ReadNorFlash};
    use sha2::Digest;

    /// Flash that reads whole units of `R` bytes only, as NOR parts with
    /// `READ_SIZE` > 1 (QSPI) do.
    struct Flash<const R: usize> {
        mem: [u8; 300],
        fail: bool,
    }
    #[derive(Debug)]
    struct E;
    impl NorFlashError for E {
        fn kind(&self) -> NorFlashErrorKind {
            NorFlashErrorKind::Other
        }
    }
    impl<const R: usize> ErrorType for Flash<R> {
        type Error = E;
    }
    impl<const R: usize> ReadNorFlash for Flash<R> {
        const READ_SIZE: usize = R;
        fn read(&mut self, offset: u32, bytes: &mut [u8]) -> core::result::Result<(), E> {
            if self.fail || !(offset as usize).is_multiple_of(R) || !bytes.len().is_multiple_of(R) {
                return Err(E);
            }
            let o = offset as usize;
            bytes.copy_from_slice(&self.mem[o..o + bytes.len()]);
            Ok(())
        }
        fn capacity(&self) -> usize {
            self.mem.len()
        }
    }

    /// The image-digest a test expects: SHA-256 `expected`.
    fn sha256(expected: &[u8; 32]) -> SuitDigest<'_> {
        SuitDigest {
            alg: DigestAlg::Sha256,
            bytes: expected,
        }
    }

    /// Flash whose byte `i` is `i as u8`, and the SHA-256 of `range` of it.
    fn patterned<const R: usize>(range: core::ops::Range<usize>) -> (Flash<R>, [u8; 32]) {
        let mut f = Flash::<R> {
            mem: [0; 300],
            fail: false,
        };
        for (i, b) in f.mem.iter_mut().enumerate() {
            *b = i as u8;
        }
        let digest = sha2::Sha256::digest(&f.mem[range]).into();
        (f, digest)
    }

    #[test]
    fn verifies_an_image_in_flash() {
        let (mut f, expected) = patterned::<1>(20..220);
        let d = sha256(&expected);
        let mut buf = [0u8; 33];
        let v = ImageVerifier::new(&RustCrypto, &d, Some(200)).unwrap();
        assert_eq!(
            verify_flash(v, &mut f, 20, &mut buf).map(|v| v.len()),
            Ok(200)
        );
        let v = ImageVerifier::new(&RustCrypto, &d, Some(200)).unwrap();
        assert_eq!(
            verify_flash(v, &mut f, 21, &mut buf).map_err(|e| e.kind()),
            Err(ErrorKind::ImageDigestMismatch)
        );
        let v = ImageVerifier::new(&RustCrypto, &d, None).unwrap();
        assert_eq!(
            verify_flash(v, &mut f, 20, &mut buf).map_err(|e| e.kind()),
            Err(ErrorKind::InvalidArgument)
        );
        f.fail = true;
        let v = ImageVerifier::new(&RustCrypto, &d, Some(200)).unwrap();
        assert_eq!(
            verify_flash(v, &mut f, 20, &mut buf).map_err(|e| e.kind()),
            Err(ErrorKind::PlatformFailed)
        );
    }

    /// A flash filling the whole 32-bit address space, every byte 0xA5; a
    /// read that would cross 2^32 fails (it would wrap on a real part).
    struct Top;
    impl ErrorType for Top {
        type Error = E;
    }
    impl ReadNorFlash for Top {
        const READ_SIZE: usize = 4;
        fn read(&mut self, offset: u32, bytes: &mut [u8]) -> core::result::Result<(), E> {
            if u64::from(offset) + bytes.len() as u64 > 1 << 32 {
                return Err(E);
            }
            bytes.fill(0xA5);
            Ok(())
        }
        fn capacity(&self) -> usize {
            usize::MAX
        }
    }

    #[test]
    fn an_image_may_end_at_the_top_of_the_address_space_and_not_past_it() {
        let expected: [u8; 32] = sha2::Sha256::digest([0xA5u8; 70]).into();
        let d = sha256(&expected);
        let mut buf = [0u8; 32];
        // 70 bytes read as 3 chunks; the last unit ends at 2^32 exactly
        // (72 bytes read, 70 hashed).
        let v = ImageVerifier::new(&RustCrypto, &d, Some(70)).unwrap();
        assert_eq!(
            verify_flash(v, &mut Top, u32::MAX - 71, &mut buf).map(|v| v.len()),
            Ok(70)
        );
        // Four bytes higher the last read would cross 2^32: refused before
        // it is asked of the flash (whose error would be PlatformFailed).
        let v = ImageVerifier::new(&RustCrypto, &d, Some(70)).unwrap();
        assert_eq!(
            verify_flash(v, &mut Top, u32::MAX - 67, &mut buf).map_err(|e| e.kind()),
            Err(ErrorKind::InvalidArgument)
        );
    }

    #[test]
    fn reads_whole_units_of_the_flash_read_size() {
        // 201 bytes: not a multiple of 4; the 34-byte buffer holds 8 units.
        let (mut f, expected) = patterned::<4>(20..221);
        let d = sha256(&expected);
        let mut buf = [0u8; 34];
        let v = ImageVerifier::new(&RustCrypto, &d, Some(201)).unwrap();
        assert_eq!(
            verify_flash(v, &mut f, 20, &mut buf).map(|v| v.len()),
            Ok(201)
        );
        let v = ImageVerifier::new(&RustCrypto, &d, Some(201)).unwrap();
        assert_eq!(
            verify_flash(v, &mut f, 22, &mut buf).map_err(|e| e.kind()),
            Err(ErrorKind::InvalidArgument),
            "unaligned start"
        );
        let v = ImageVerifier::new(&RustCrypto, &d, Some(201)).unwrap();
        assert_eq!(
            verify_flash(v, &mut f, 20, &mut buf[..3]).map_err(|e| e.kind()),
            Err(ErrorKind::BufferTooSmall),
            "less than one unit"
        );
    }
}
