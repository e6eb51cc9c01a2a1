//! Authentication (draft §6.2, §8.3): from an untrusted [`Envelope`] to an
//! [`Authenticated`] manifest.
//!
//! The order never changes and no step is skipped:
//!
//! 1. decode the wrapper's SUIT_Digest and compare it, in constant time, with
//!    the digest of the manifest bstr (bstr header included);
//! 2. require at least one authentication block;
//! 3. check each COSE_Sign1 block: algorithm only from the protected header,
//!    payload nil, no unknown critical label, key chosen by `kid` or, without
//!    one, every trusted key of the algorithm's type. Blocks that cannot be
//!    used are ignored, not counted: anyone can append blocks to the
//!    unsigned wrapper;
//! 4. apply the [`Policy`]: one verified block under a trusted key, and every
//!    key of the required set;
//! 5. only then decode the manifest: version 1, sequence number not below
//!    the caller's floor, components bounded, severed members matched.
//!
//! When an envelope is both tampered and malformed inside the manifest, the
//! authentication error is the one reported, because step 5 never runs.

use crate::cose::{HeaderAlg, Sign1, TbsScratch};
use crate::crypto::{Crypto, KeyType, MAX_DIGEST, SigAlg, ct_eq, digest_parts};
use crate::digest::{OwnedDigest, SuitDigest};
use crate::envelope::Envelope;
use crate::error::{ErrorKind, Result};
use crate::limits::{Budget, Limits, MAX_KEYS};
use crate::manifest::{Manifest, Members};

/// A trusted public key, bound to the algorithms of its type.
///
/// Key selection: a signature block whose header carries a `kid` is checked
/// only with the keys of that kid ([`TrustedKey::with_kid`]); a key without
/// a kid is never tried on it. A block without a kid is tried with every key
/// of its algorithm's type. So if the signer sets a kid, give the key the
/// same kid (else: [`ErrorKind::AuthUntrustedKey`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TrustedKey<'k> {
    key_type: KeyType,
    key: &'k [u8],
    kid: Option<&'k [u8]>,
}

impl<'k> TrustedKey<'k> {
    /// An Ed25519 key (32 raw bytes); verifies EdDSA (-8) and Ed25519 (-19).
    #[must_use]
    pub const fn ed25519(key: &'k [u8; 32]) -> TrustedKey<'k> {
        TrustedKey {
            key_type: KeyType::Ed25519,
            key,
            kid: None,
        }
    }

    /// A P-256 key, SEC1 encoded (65 bytes `04||X||Y`, or 33 compressed);
    /// verifies ES256 (-7) and ESP256 (-9).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidKey`] when the length is neither 33 nor 65 or the
    /// prefix byte is wrong. The point itself is checked when used, or
    /// before by [`TrustedKey::validate`].
    pub fn p256(sec1: &'k [u8]) -> Result<TrustedKey<'k>> {
        match (sec1.len(), sec1.first()) {
            (65, Some(4)) | (33, Some(2 | 3)) => Ok(TrustedKey {
                key_type: KeyType::P256,
                key: sec1,
                kid: None,
            }),
            _ => Err(ErrorKind::InvalidKey.here()),
        }
    }

    /// A key of `key_type` from raw bytes.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidKey`] for a wrong length.
    pub fn new(key_type: KeyType, key: &'k [u8]) -> Result<TrustedKey<'k>> {
        match key_type {
            KeyType::Ed25519 => {
                let k: &'k [u8; 32] = key.try_into().map_err(|_| ErrorKind::InvalidKey.here())?;
                Ok(TrustedKey::ed25519(k))
            }
            KeyType::P256 => TrustedKey::p256(key),
        }
    }

    /// The same key, bound to a COSE `kid`: a block that carries a kid is
    /// checked with it only when the kids are equal. A block without a kid
    /// is still tried with it, as with every key of its type (see
    /// [`TrustedKey`]).
    #[must_use]
    pub const fn with_kid(mut self, kid: &'k [u8]) -> TrustedKey<'k> {
        self.kid = Some(kid);
        self
    }

    /// Check the key itself, beyond its length and prefix: an Ed25519 key
    /// must decode to a point that is not of small order, a P-256 key must
    /// be a point on the curve. A key that is not would fail every
    /// signature ([`ErrorKind::AuthSignatureInvalid`], as a wrong key does);
    /// checked at start-up it is named. Costs a point decoding, so
    /// authentication does not repeat it.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidKey`] for a key that is not a valid point. A key
    /// whose type this build has no code for (its feature off: a firmware's
    /// own verify judges it) passes.
    pub fn validate(&self) -> Result<()> {
        match crate::crypto::public_key_valid(self.key_type, self.key) {
            Some(false) => Err(ErrorKind::InvalidKey.here()),
            _ => Ok(()),
        }
    }

    /// The key type.
    #[must_use]
    pub const fn key_type(&self) -> KeyType {
        self.key_type
    }

    /// The raw key bytes.
    #[must_use]
    pub const fn bytes(&self) -> &'k [u8] {
        self.key
    }

    /// The kid, if any.
    #[must_use]
    pub const fn kid(&self) -> Option<&'k [u8]> {
        self.kid
    }
}

/// The caller's trusted keys (at most [`MAX_KEYS`]).
#[derive(Clone, Copy, Debug)]
pub struct KeyStore<'k> {
    keys: &'k [TrustedKey<'k>],
}

impl<'k> KeyStore<'k> {
    /// A store over `keys`.
    ///
    /// # Errors
    /// [`ErrorKind::LimitKeys`] for more than [`MAX_KEYS`] keys.
    pub fn new(keys: &'k [TrustedKey<'k>]) -> Result<KeyStore<'k>> {
        if keys.len() > MAX_KEYS {
            return Err(ErrorKind::LimitKeys.here());
        }
        Ok(KeyStore { keys })
    }

    /// The keys.
    #[must_use]
    pub fn keys(&self) -> &'k [TrustedKey<'k>] {
        self.keys
    }
}

/// The caller's acceptance policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    /// Lowest acceptable sequence number. A device passes its current number
    /// plus one for an update, and its current number when it re-validates
    /// the installed manifest at boot.
    pub min_sequence: u64,
    /// Bit `i` set: key `i` of the key store must have verified a block
    /// (multi-party approval). 0: any one trusted key suffices. A bit at or
    /// above the number of keys is [`ErrorKind::InvalidArgument`].
    pub required_signers: u32,
    /// Work limits.
    pub limits: Limits,
}

impl Policy {
    /// Any trusted key, no sequence floor, default limits.
    ///
    /// Without a floor any authentic manifest passes, however old: fine for
    /// tools and tests, not for a device. A device uses
    /// [`Policy::min_sequence`] (rollback protection, draft §8.4.2).
    pub const DEFAULT: Policy = Policy {
        min_sequence: 0,
        required_signers: 0,
        limits: Limits::DEFAULT,
    };

    /// [`Policy::DEFAULT`] with a sequence floor.
    #[must_use]
    pub const fn min_sequence(floor: u64) -> Policy {
        Policy {
            min_sequence: floor,
            required_signers: 0,
            limits: Limits::DEFAULT,
        }
    }
}

impl Default for Policy {
    fn default() -> Self {
        Policy::DEFAULT
    }
}

/// An envelope whose manifest passed authentication and policy. Only
/// [`authenticate`] makes one.
#[derive(Clone, Copy, Debug)]
pub struct Authenticated<'a> {
    envelope: Envelope<'a>,
    manifest: Manifest<'a>,
    signers: u32,
    digest: OwnedDigest,
}

impl<'a> Authenticated<'a> {
    /// The envelope it came from.
    #[must_use]
    pub fn envelope(&self) -> &Envelope<'a> {
        &self.envelope
    }

    /// The authenticated manifest.
    #[must_use]
    pub fn manifest(&self) -> &Manifest<'a> {
        &self.manifest
    }

    /// Bit `i` set: key `i` of the key store verified a block.
    #[must_use]
    pub fn signers(&self) -> u32 {
        self.signers
    }

    /// The sequence number.
    #[must_use]
    pub fn sequence_number(&self) -> u64 {
        self.manifest.sequence_number()
    }

    /// An owned record of this authentication (no borrow), for callers that
    /// must keep it across calls, such as the C ABI. See [`reauthenticate`].
    #[must_use]
    pub fn receipt(&self) -> Receipt {
        Receipt {
            digest: self.digest,
            signers: self.signers,
            sequence_number: self.manifest.sequence_number(),
        }
    }
}

/// What one successful [`authenticate`] established, owned and `Copy`: the
/// authenticated manifest digest, the signers mask and the sequence number.
///
/// Only [`Authenticated::receipt`] makes one, so holding a receipt proves a
/// full authentication (digest, signature, policy) happened. It lets a caller
/// that cannot keep the borrowing [`Authenticated`] (the C ABI keeps its state
/// in caller storage between calls) get it back with [`reauthenticate`]
/// without verifying a signature again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Receipt {
    digest: OwnedDigest,
    signers: u32,
    sequence_number: u64,
}

impl Receipt {
    /// The sequence number of the authenticated manifest.
    #[must_use]
    pub fn sequence_number(&self) -> u64 {
        self.sequence_number
    }

    /// Bit `i` set: key `i` of the key store verified a block.
    #[must_use]
    pub fn signers(&self) -> u32 {
        self.signers
    }
}

/// Re-open an envelope that an earlier [`authenticate`] accepted: hash its
/// manifest bstr again and compare it, in constant time, with the digest the
/// `receipt` remembers, then decode the manifest. No signature is verified;
/// the signature verified at the first authentication covers this digest.
///
/// This serves callers whose manifest bytes live in storage they re-read on
/// every call (RFC 9124 REQ.SEC.MFST.CONST): if the bytes changed since the
/// check, the digest differs and nothing inside the manifest is decoded.
///
/// The manifest is parsed again under the default item budget
/// ([`Limits::DEFAULT`]), whatever limits the original call used. The check
/// that each bstr-wrapped member holds exactly one well-formed item is not
/// repeated: the digest proves these are the bytes the receipt's
/// authentication checked (a severed member's digest is checked again). That
/// check was half the cost of re-opening.
///
/// # Errors
/// [`ErrorKind::AuthDigestMismatch`] when the manifest is not the one the
/// receipt was issued for; [`ErrorKind::AuthUnsupportedDigest`] when the
/// backend lacks the algorithm; manifest errors as in [`authenticate`].
pub fn reauthenticate<'a, C: Crypto>(
    envelope: &Envelope<'a>,
    receipt: &Receipt,
    crypto: &C,
) -> Result<Authenticated<'a>> {
    let mut out = [0u8; MAX_DIGEST];
    let n = digest_parts(
        crypto,
        receipt.digest.alg,
        &[envelope.manifest_bstr()],
        &mut out,
    )
    .ok_or(ErrorKind::AuthUnsupportedDigest.here())?;
    if !ct_eq(out.get(..n).unwrap_or(&[]), receipt.digest.as_bytes()) {
        return Err(ErrorKind::AuthDigestMismatch.at(envelope.manifest_span().start()));
    }
    let limits = Limits::DEFAULT;
    let mut budget = Budget::new(limits.cbor_items, ErrorKind::LimitCborItems);
    // These are the bytes the receipt's authentication checked.
    // Decoded in place (a manifest moved costs ~800 instructions on
    // Cortex-M4).
    let mut auth = Authenticated {
        envelope: *envelope,
        manifest: Manifest::EMPTY,
        signers: receipt.signers,
        digest: receipt.digest,
    };
    Manifest::parse_into(
        &mut auth.manifest,
        envelope,
        crypto,
        &mut budget,
        Members::CheckedBefore,
    )?;
    if auth.manifest.sequence_number() != receipt.sequence_number {
        return Err(ErrorKind::AuthDigestMismatch.at(envelope.manifest_content_span().start()));
    }
    Ok(auth)
}

/// Authenticate `envelope` against `keys` under `policy`.
///
/// # Errors
/// [`ErrorKind::InvalidArgument`] first when `policy.required_signers` names
/// a key the store does not have; CBOR errors and
/// [`ErrorKind::LimitCborItems`] for malformed or oversized content (a
/// malformed signature block is an error, not an ignored block: the
/// envelope's CBOR must be deterministic, its authentication blocks
/// included, so a block with unsorted keys or a non-shortest length rejects
/// the envelope even beside a block that verifies);
/// [`ErrorKind::InvalidParameter`] for a wrapper digest of the wrong length;
/// [`ErrorKind::AuthDigestMismatch`], [`ErrorKind::AuthUnsupportedDigest`],
/// [`ErrorKind::AuthNoSignature`]; when no block verifies, the reason of the
/// first block ([`ErrorKind::AuthSignatureInvalid`],
/// [`ErrorKind::AuthUntrustedKey`], [`ErrorKind::AuthUnsupportedAlgorithm`],
/// [`ErrorKind::AuthUnknownCritical`], [`ErrorKind::AuthAttachedPayload`],
/// [`ErrorKind::AuthUnsupportedCose`], [`ErrorKind::AuthCoseMalformed`]);
/// [`ErrorKind::AuthRequiredSignerMissing`]; then manifest errors
/// ([`ErrorKind::ManifestVersion`], [`ErrorKind::SequenceRollback`], ...).
pub fn authenticate<'a, C: Crypto>(
    envelope: &Envelope<'a>,
    keys: &KeyStore<'_>,
    policy: &Policy,
    crypto: &C,
) -> Result<Authenticated<'a>> {
    let (mut budget, digest, signers) = verify_envelope(envelope, keys, policy, crypto)?;
    let mut auth = Authenticated {
        envelope: *envelope,
        manifest: Manifest::EMPTY,
        signers,
        // Made in place: an `OwnedDigest` moved is copied byte by byte.
        digest: OwnedDigest::from_digest(&digest),
    };
    open_authenticated(&mut auth, envelope, policy, crypto, &mut budget)?;
    Ok(auth)
}

/// [`authenticate`], then `f` on the [`Authenticated`] where it was made
/// instead of returning it: the same checks in the same order, for a caller
/// that uses the manifest once (authenticate and run a procedure at boot).
/// It saves moving the `Authenticated` (some 440 bytes on a 32-bit target)
/// and keeps it off the stack while the signatures are checked.
///
/// # Errors
/// Those of [`authenticate`], then those of `f`.
pub fn authenticate_with<'a, C: Crypto, R>(
    envelope: &Envelope<'a>,
    keys: &KeyStore<'_>,
    policy: &Policy,
    crypto: &C,
    f: impl FnOnce(&Authenticated<'a>) -> Result<R>,
) -> Result<R> {
    let (mut budget, digest, signers) = verify_envelope(envelope, keys, policy, crypto)?;
    let mut auth = Authenticated {
        envelope: *envelope,
        manifest: Manifest::EMPTY,
        signers,
        // Made in place: an `OwnedDigest` moved is copied byte by byte.
        digest: OwnedDigest::from_digest(&digest),
    };
    open_authenticated(&mut auth, envelope, policy, crypto, &mut budget)?;
    f(&auth)
}

/// Steps 0-4 of [`authenticate`]: the policy's sanity, the manifest digest,
/// every authentication block, the signers the policy requires. Returns the
/// CBOR item budget left, the manifest digest (in the envelope) and the
/// signers' mask.
/// Inlined into both callers: out of line, its tuple goes through memory
/// (measured: +490 instructions on Cortex-M4 for IETF example 4).
#[inline(always)]
fn verify_envelope<'a, C: Crypto>(
    envelope: &Envelope<'a>,
    keys: &KeyStore<'_>,
    policy: &Policy,
    crypto: &C,
) -> Result<(Budget, SuitDigest<'a>, u32)> {
    // 0. A policy no envelope can meet is the caller's mistake, not the
    //    envelope's: requiring key i when there are fewer keys.
    let key_count = u32::try_from(keys.keys().len()).unwrap_or(u32::MAX);
    if policy.required_signers.checked_shr(key_count).unwrap_or(0) != 0 {
        return Err(ErrorKind::InvalidArgument.here());
    }
    let limits = policy.limits.clamped();
    let mut budget = Budget::new(limits.cbor_items, ErrorKind::LimitCborItems);

    // 1. The manifest digest.
    let payload = envelope.wrapper_digest();
    let dspan = envelope.wrapper_digest_span();
    let digest = SuitDigest::decode(payload, dspan.start(), &mut budget)?;
    if !digest.matches(crypto, &[envelope.manifest_bstr()])? {
        return Err(ErrorKind::AuthDigestMismatch.at(envelope.manifest_span().start()));
    }

    // 2. At least one block.
    if envelope.auth_block_count() == 0 {
        return Err(ErrorKind::AuthNoSignature.at(dspan.start()));
    }

    // 3. Each block.
    let mut signers: u32 = 0;
    let mut first_reason = None;
    for (span, block) in envelope.auth_blocks() {
        match check_block(block, span.start(), payload, keys, crypto, &mut budget)? {
            Ok(mask) => signers |= mask,
            Err(kind) => {
                first_reason = first_reason.or(Some(kind.at(span.start())));
            }
        }
    }

    // 4. Policy.
    if signers == 0 {
        return Err(first_reason.unwrap_or(ErrorKind::AuthSignatureInvalid.here()));
    }
    if policy.required_signers & !signers != 0 {
        return Err(ErrorKind::AuthRequiredSignerMissing.at(dspan.start()));
    }
    Ok((budget, digest, signers))
}

/// Step 5 of [`authenticate`]: the manifest, now authenticated, decoded
/// into `auth` (whose envelope is set) and held to the policy's minimum
/// sequence number.
#[inline(always)]
fn open_authenticated<'a, C: Crypto>(
    auth: &mut Authenticated<'a>,
    envelope: &Envelope<'a>,
    policy: &Policy,
    crypto: &C,
    budget: &mut Budget,
) -> Result<()> {
    Manifest::parse_into(&mut auth.manifest, envelope, crypto, budget, Members::Check)?;
    if auth.manifest.sequence_number() < policy.min_sequence {
        return Err(ErrorKind::SequenceRollback.at(envelope.manifest_content_span().start()));
    }
    Ok(())
}

/// Check one block. The outer `Result` carries hard errors (malformed CBOR);
/// the inner one says whether the block counts (mask of keys that verified
/// it) or why it is ignored.
fn check_block<C: Crypto>(
    block: &[u8],
    offset: usize,
    payload: &[u8],
    keys: &KeyStore<'_>,
    crypto: &C,
    budget: &mut Budget,
) -> Result<core::result::Result<u32, ErrorKind>> {
    let sign1 = match Sign1::parse(block, offset, budget) {
        Ok(s) => s,
        Err(e)
            if e.kind() == ErrorKind::AuthUnsupportedCose
                || e.kind() == ErrorKind::AuthCoseMalformed =>
        {
            // The parse stopped where the block stopped being a COSE_Sign1;
            // the rest must still be deterministic CBOR, as every byte of
            // the envelope (an ignored block is no exception).
            crate::cbor::check_single_item(block, offset, budget)?;
            return Ok(Err(e.kind()));
        }
        Err(e) => return Err(e),
    };
    if let Some(defect) = sign1.defect {
        return Ok(Err(defect));
    }
    let alg = match sign1.alg {
        HeaderAlg::Protected(id) => match SigAlg::from_cose(id) {
            Some(a) if crypto.supports(a) => a,
            _ => return Ok(Err(ErrorKind::AuthUnsupportedAlgorithm)),
        },
        HeaderAlg::Missing | HeaderAlg::Text => {
            return Ok(Err(ErrorKind::AuthUnsupportedAlgorithm));
        }
    };
    let mut scratch = TbsScratch::default();
    let parts = sign1.tbs_parts(payload, &mut scratch);
    let mut tried = false;
    for (i, key) in keys.keys().iter().enumerate() {
        if key.key_type() != alg.key_type() {
            continue;
        }
        if let Some(kid) = sign1.kid
            && key.kid() != Some(kid)
        {
            continue;
        }
        tried = true;
        let verified = crypto
            .verify(alg, key.bytes(), &parts, sign1.signature)
            .is_ok();
        if accept_signature(verified) {
            let bit = u32::try_from(i)
                .ok()
                .and_then(|i| 1u32.checked_shl(i))
                .unwrap_or(0);
            return Ok(Ok(bit));
        }
    }
    Ok(Err(if tried {
        ErrorKind::AuthSignatureInvalid
    } else {
        ErrorKind::AuthUntrustedKey
    }))
}

// The bypass below is for cargo-fuzz builds only (they set `--cfg fuzzing`):
// a stray `--cfg suit_fuzzing_bypass` in any other build would accept every
// signature, so it does not compile.
#[cfg(all(suit_fuzzing_bypass, not(fuzzing)))]
compile_error!(
    "--cfg suit_fuzzing_bypass turns signature checks off; it is for cargo fuzz builds only"
);

/// The single place a signature result is turned into a decision.
///
/// # Fuzzing
/// Built with `--cfg suit_fuzzing_bypass` (only the `auth_bypass` and
/// `processor` fuzz targets set it, in their own target dir, never a release
/// artifact; `scripts/fuzz-smoke.sh` checks), every tried signature counts as
/// verified, so the fuzzer can reach the manifest parser and processor.
/// Digest checks are not bypassed.
#[inline(always)]
fn accept_signature(verified: bool) -> bool {
    #[cfg(suit_fuzzing_bypass)]
    {
        let _ = verified;
        true
    }
    #[cfg(not(suit_fuzzing_bypass))]
    {
        verified
    }
}

#[cfg(all(test, feature = "ed25519"))]
mod tests {
    use super::*;
    use crate::crypto::RustCrypto;
    use std::format;
    use std::vec;
    use std::vec::Vec;
    use suit_encoder::cbor::Value;
    use suit_encoder::suit::{Command, EnvelopeBuilder, Manifest as M, Sequence};

    fn signed(seq: u64) -> (Vec<u8>, [u8; 32]) {
        signed_manifest(M {
            sequence_number: seq,
            components: vec![vec![vec![0]]],
            validate: Some(Sequence::new(vec![Command::abort(0)])),
            ..M::default()
        })
    }

    fn signed_manifest(m: M) -> (Vec<u8>, [u8; 32]) {
        let key = suit_encoder::test_keys::ed25519_a();
        let env = EnvelopeBuilder::new(m).build().unwrap();
        let env = suit_encoder::cose::sign(&env, &key, key.default_alg(), None).unwrap();
        (env, key.public_raw().try_into().unwrap())
    }

    fn auth_kind(env: &[u8], pk: &[u8; 32]) -> core::result::Result<(), ErrorKind> {
        let keys = [TrustedKey::ed25519(pk)];
        let store = KeyStore::new(&keys).unwrap();
        let env = Envelope::parse(env).map_err(|e| e.kind())?;
        authenticate(&env, &store, &Policy::DEFAULT, &RustCrypto)
            .map(|_| ())
            .map_err(|e| e.kind())
    }

    /// Re-opening skips the one-item checks of the bstr-wrapped members (the
    /// receipt's authentication made them), so authentication must make them:
    /// a validate member holding two items is refused there.
    #[test]
    fn a_wrapped_member_holding_two_items_is_refused_at_authentication() {
        let with_validate = |raw: Vec<u8>| {
            signed_manifest(M {
                components: vec![vec![vec![0]]],
                extra_manifest: vec![(crate::manifest::key::VALIDATE, Value::Bytes(raw))],
                ..M::default()
            })
        };
        // [3, 15]: image-match, policy 15.
        let (one, pk) = with_validate(vec![0x82, 0x03, 0x0f]);
        assert_eq!(auth_kind(&one, &pk), Ok(()));
        // The same, then a stray 0.
        let (two, pk) = with_validate(vec![0x82, 0x03, 0x0f, 0x00]);
        assert_eq!(auth_kind(&two, &pk), Err(ErrorKind::CborTrailingBytes));
        // Truncated: not one well-formed item.
        let (cut, pk) = with_validate(vec![0x82, 0x03]);
        assert_eq!(auth_kind(&cut, &pk), Err(ErrorKind::CborLengthExceedsInput));
    }

    /// Re-opening decodes the same manifest authentication decoded, severed
    /// members included.
    #[test]
    fn reopening_gives_the_manifest_authentication_gave() {
        let (plain, pk) = signed(5);
        let (severed, _) = signed_manifest(M {
            sequence_number: 6,
            components: vec![vec![vec![0]]],
            shared: Some(Sequence::new(vec![Command::set_component_index(0)])),
            validate: Some(Sequence::new(vec![Command::abort(0)])),
            install: Some(Sequence::new(vec![Command::abort(0)])),
            text: Some(Value::int_map(vec![(1, Value::text("severed text"))])),
            sever: vec![crate::manifest::key::INSTALL, crate::manifest::key::TEXT],
            ..M::default()
        });
        let keys = [TrustedKey::ed25519(&pk)];
        let store = KeyStore::new(&keys).unwrap();
        for (bytes, has_install) in [(&plain, false), (&severed, true)] {
            let env = Envelope::parse(bytes).unwrap();
            let auth = authenticate(&env, &store, &Policy::DEFAULT, &RustCrypto).unwrap();
            let again = reauthenticate(&env, &auth.receipt(), &RustCrypto).unwrap();
            assert_eq!(
                format!("{:?}", again.manifest()),
                format!("{:?}", auth.manifest())
            );
            let install = again.manifest().section(crate::manifest::key::INSTALL);
            assert_eq!(install.get().is_some(), has_install);
        }
    }

    /// `authenticate_with` gives `f` what `authenticate` returns, and
    /// refuses what it refuses without calling `f`.
    #[test]
    fn authenticate_with_is_authenticate_in_place() {
        let (env_bytes, pk) = signed(5);
        let keys = [TrustedKey::ed25519(&pk)];
        let store = KeyStore::new(&keys).unwrap();
        let env = Envelope::parse(&env_bytes).unwrap();
        let auth = authenticate(&env, &store, &Policy::DEFAULT, &RustCrypto).unwrap();
        let seen = authenticate_with(&env, &store, &Policy::DEFAULT, &RustCrypto, |a| {
            Ok((a.receipt(), format!("{:?}", a.manifest())))
        })
        .unwrap();
        assert_eq!(seen, (auth.receipt(), format!("{:?}", auth.manifest())));
        // `f`'s error is the call's.
        let r = authenticate_with(&env, &store, &Policy::DEFAULT, &RustCrypto, |_| {
            Err::<(), _>(ErrorKind::PlatformFailed.here())
        });
        assert_eq!(r.map_err(|e| e.kind()), Err(ErrorKind::PlatformFailed));
        // Refusals: `f` is not called, the error is `authenticate`'s.
        let mut changed = env_bytes.clone();
        let at = env.manifest_content_span().start() + 4; // the sequence number value
        changed[at] ^= 0x01;
        let changed = Envelope::parse(&changed).unwrap();
        for (e, policy, want) in [
            (&changed, Policy::DEFAULT, ErrorKind::AuthDigestMismatch),
            (&env, Policy::min_sequence(6), ErrorKind::SequenceRollback),
        ] {
            let mut called = false;
            let r = authenticate_with(e, &store, &policy, &RustCrypto, |_| {
                called = true;
                Ok(())
            });
            assert_eq!(r.map_err(|e| e.kind()), Err(want));
            let alone = authenticate(e, &store, &policy, &RustCrypto);
            assert_eq!(alone.map(|_| ()).map_err(|e| e.kind()), Err(want));
            assert!(!called, "{want:?}");
        }
    }

    #[test]
    fn reauthenticate_accepts_the_same_manifest_only() {
        let (a, pk) = signed(3);
        let (b, _) = signed(4);
        let keys = [TrustedKey::ed25519(&pk)];
        let store = KeyStore::new(&keys).unwrap();
        let env = Envelope::parse(&a).unwrap();
        let auth = authenticate(&env, &store, &Policy::DEFAULT, &RustCrypto).unwrap();
        let receipt = auth.receipt();
        assert_eq!(receipt.sequence_number(), 3);
        assert_eq!(receipt.signers(), 1);

        // The same bytes (here: a copy) re-open without a signature check.
        let copy = a.clone();
        let again =
            reauthenticate(&Envelope::parse(&copy).unwrap(), &receipt, &RustCrypto).unwrap();
        assert_eq!(again.sequence_number(), 3);
        assert_eq!(again.signers(), 1);
        assert_eq!(again.receipt(), receipt);

        // Another validly signed manifest is not the one the receipt covers.
        let other = Envelope::parse(&b).unwrap();
        assert_eq!(
            reauthenticate(&other, &receipt, &RustCrypto)
                .map(|_| ())
                .map_err(|e| e.kind()),
            Err(ErrorKind::AuthDigestMismatch)
        );

        // A manifest changed after the check is refused before it is decoded.
        let mut changed = a.clone();
        let at = env.manifest_content_span().start() + 4; // the sequence number value
        assert_eq!(changed[at], 0x03);
        changed[at] ^= 0x01;
        let e = Envelope::parse(&changed).unwrap();
        assert_eq!(
            reauthenticate(&e, &receipt, &RustCrypto)
                .map(|_| ())
                .map_err(|e| e.kind()),
            Err(ErrorKind::AuthDigestMismatch)
        );
    }
}
