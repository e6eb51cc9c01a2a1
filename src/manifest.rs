//! The manifest (draft §8.4), decoded only after authentication.
//!
//! `Manifest::parse_into` is `pub(crate)`: the only way to obtain a [`Manifest`]
//! is [`crate::authenticate`], which calls it after the digest and a
//! signature have passed. It checks the version, records every member as a
//! borrowed slice, checks each bstr-wrapped member holds exactly one
//! well-formed item, and resolves severed members against the envelope
//! (a present severed member must match its digest; an absent one is only an
//! error when a procedure needs it). [`crate::auth::reauthenticate`] parses
//! again bytes whose digest matched an authentication's receipt: those are the
//! bytes that authentication checked, so it skips the one-item checks
//! (`Members::CheckedBefore`), about half the cost of re-opening.

use crate::cbor::{Reader, check_single_item, major};
use crate::crypto::Crypto;
use crate::digest::SuitDigest;
use crate::envelope::Envelope;
use crate::error::{Error, ErrorKind, Result};
use crate::limits::{Budget, MAX_COMPONENT_ID_SEGMENTS};

/// Whether [`Manifest::parse_into`] checks that each bstr-wrapped member holds
/// exactly one well-formed item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Members {
    /// Check them (authentication).
    Check,
    /// An authentication checked these bytes: the manifest digest matched the
    /// [`Receipt`](crate::auth::Receipt) that authentication issued, and each
    /// severed member matches its digest again.
    CheckedBefore,
}

/// Most components a manifest may list (hard ceiling; a processor's own
/// capacity, its const generic, is usually smaller).
pub const MAX_COMPONENTS: usize = 16;

/// Manifest keys (draft §8.4 and companions).
pub mod key {
    /// manifest-version.
    pub const VERSION: i64 = 1;
    /// manifest-sequence-number.
    pub const SEQUENCE_NUMBER: i64 = 2;
    /// common.
    pub const COMMON: i64 = 3;
    /// reference-uri.
    pub const REFERENCE_URI: i64 = 4;
    /// manifest-component-id (trust-domains).
    pub const MANIFEST_COMPONENT_ID: i64 = 5;
    /// set-version (update-management).
    pub const SET_VERSION: i64 = 6;
    /// validate.
    pub const VALIDATE: i64 = 7;
    /// load.
    pub const LOAD: i64 = 8;
    /// invoke.
    pub const INVOKE: i64 = 9;
    /// CoSWID (update-management, severable).
    pub const COSWID: i64 = 14;
    /// dependency-resolution (trust-domains, severable).
    pub const DEPENDENCY_RESOLUTION: i64 = 15;
    /// payload-fetch (severable).
    pub const PAYLOAD_FETCH: i64 = 16;
    /// candidate-verification (trust-domains, severable).
    pub const CANDIDATE_VERIFICATION: i64 = 18;
    /// install (severable).
    pub const INSTALL: i64 = 20;
    /// text (severable).
    pub const TEXT: i64 = 23;
    /// uninstall (trust-domains).
    pub const UNINSTALL: i64 = 24;
}

/// SUIT_Common keys.
pub mod common_key {
    /// dependencies (trust-domains).
    pub const DEPENDENCIES: i64 = 1;
    /// components.
    pub const COMPONENTS: i64 = 2;
    /// shared-sequence.
    pub const SHARED_SEQUENCE: i64 = 4;
}

/// A bstr-wrapped member: its content and the content's absolute offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bstr<'a> {
    /// The content (one CBOR item).
    pub bytes: &'a [u8],
    /// Absolute offset of the content in the envelope.
    pub offset: u32,
}

impl<'a> Bstr<'a> {
    /// `bytes` found at absolute `offset` (saturated to `u32::MAX`).
    pub(crate) fn new(bytes: &'a [u8], offset: usize) -> Bstr<'a> {
        Bstr {
            bytes,
            offset: u32::try_from(offset).unwrap_or(u32::MAX),
        }
    }

    /// The offset as `usize`.
    #[must_use]
    pub fn start(&self) -> usize {
        usize::try_from(self.offset).unwrap_or(usize::MAX)
    }
}

/// A severable member: inline, severed and present (digest checked), or
/// severed and absent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severable<'a> {
    /// Not in the manifest.
    Absent,
    /// Available: inline, or severed and matching its digest.
    Present(Bstr<'a>),
    /// Severed and not carried by the envelope.
    Missing,
}

impl<'a> Severable<'a> {
    /// The content if available.
    #[must_use]
    pub fn get(&self) -> Option<Bstr<'a>> {
        match self {
            Severable::Present(b) => Some(*b),
            _ => None,
        }
    }
}

/// A component identifier: `[* bstr]`, kept encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ComponentId<'a> {
    encoded: &'a [u8],
}

impl<'a> ComponentId<'a> {
    /// The encoded CBOR array.
    #[must_use]
    pub fn encoded(&self) -> &'a [u8] {
        self.encoded
    }

    /// The segments (byte strings) of the identifier.
    pub fn segments(&self) -> impl Iterator<Item = &'a [u8]> + 'a {
        let enc = self.encoded;
        let mut budget = Budget::new(
            u32::try_from(MAX_COMPONENT_ID_SEGMENTS)
                .unwrap_or(8)
                .saturating_add(1),
            ErrorKind::LimitCborItems,
        );
        let mut r = Reader::new(enc, 0, &mut budget);
        let n = r.array().unwrap_or(0);
        let pos = r.position();
        SegmentIter {
            bytes: enc,
            pos,
            left: n,
        }
    }
}

struct SegmentIter<'a> {
    bytes: &'a [u8],
    pos: usize,
    left: usize,
}

impl<'a> Iterator for SegmentIter<'a> {
    type Item = &'a [u8];
    fn next(&mut self) -> Option<&'a [u8]> {
        if self.left == 0 {
            return None;
        }
        self.left = self.left.saturating_sub(1);
        let mut budget = Budget::new(1, ErrorKind::LimitCborItems);
        let rest = self.bytes.get(self.pos..)?;
        let mut r = Reader::new(rest, 0, &mut budget);
        let b = r.bytes().ok()?;
        // Within `self.bytes`: a plain sum, as in the reader.
        self.pos = self.pos.wrapping_add(r.position());
        Some(b)
    }
}

/// The authenticated manifest's members, borrowed from the envelope.
#[derive(Clone, Copy, Debug)]
pub struct Manifest<'a> {
    pub(crate) sequence_number: u64,
    pub(crate) components: Bstr<'a>,
    pub(crate) component_count: u8,
    /// Where each identifier starts in `components` (entry `i`) and where
    /// the last ends (entry `component_count`): found while the list is
    /// checked, so a lookup ([`Self::component_id`], each command of the
    /// processor) costs no decoding. `u16` keeps it small (it sits in the
    /// stack frame of `authenticate` while the signature is checked); a
    /// list of 64 KiB or more is refused.
    pub(crate) component_bounds: [u16; MAX_COMPONENTS + 1],
    pub(crate) dependencies: Option<Bstr<'a>>,
    pub(crate) shared: Option<Bstr<'a>>,
    pub(crate) reference_uri: Option<&'a str>,
    pub(crate) manifest_component_id: Option<Bstr<'a>>,
    pub(crate) set_version: Option<Bstr<'a>>,
    pub(crate) validate: Option<Bstr<'a>>,
    pub(crate) load: Option<Bstr<'a>>,
    pub(crate) invoke: Option<Bstr<'a>>,
    pub(crate) uninstall: Option<Bstr<'a>>,
    pub(crate) coswid: Severable<'a>,
    pub(crate) dependency_resolution: Severable<'a>,
    pub(crate) payload_fetch: Severable<'a>,
    pub(crate) candidate_verification: Severable<'a>,
    pub(crate) install: Severable<'a>,
    pub(crate) text: Severable<'a>,
}

impl<'a> Manifest<'a> {
    /// A manifest with no member, for [`Self::parse_into`] to fill.
    pub(crate) const EMPTY: Manifest<'static> = Manifest {
        sequence_number: 0,
        components: Bstr {
            bytes: &[],
            offset: 0,
        },
        component_count: 0,
        component_bounds: [0; MAX_COMPONENTS + 1],
        dependencies: None,
        shared: None,
        reference_uri: None,
        manifest_component_id: None,
        set_version: None,
        validate: None,
        load: None,
        invoke: None,
        uninstall: None,
        coswid: Severable::Absent,
        dependency_resolution: Severable::Absent,
        payload_fetch: Severable::Absent,
        candidate_verification: Severable::Absent,
        install: Severable::Absent,
        text: Severable::Absent,
    };

    /// Decode the manifest of an envelope whose digest and signature have
    /// passed into `m` (which must be [`Self::EMPTY`]), in place: the
    /// caller's manifest is not built elsewhere and moved (256 bytes on
    /// Cortex-M, copied in part byte by byte). Crate-private: see the
    /// module docs. On error `m` holds what was decoded before it.
    pub(crate) fn parse_into<C: Crypto>(
        m: &mut Manifest<'a>,
        env: &Envelope<'a>,
        crypto: &C,
        budget: &mut Budget,
        members: Members,
    ) -> Result<()> {
        let span = env.manifest_content_span();
        let bytes = span.get(env.as_unverified_bytes());
        let base = span.start();
        let mut r = Reader::new(bytes, base, budget);
        let n = r.map()?;
        let mut prev = None;
        let mut have = [false; 3];
        for _ in 0..n {
            let key_at = r.offset();
            let k = r.int_key(&mut prev)?;
            match k {
                key::VERSION => {
                    let v_at = r.offset();
                    if r.uint()? != 1 {
                        return Err(ErrorKind::ManifestVersion.at(v_at));
                    }
                    have[0] = true;
                }
                key::SEQUENCE_NUMBER => {
                    m.sequence_number = r.uint()?;
                    have[1] = true;
                }
                key::COMMON => {
                    let (_, c, off) = r.bytes_with_head()?;
                    parse_common(m, c, off, r.budget(), members)?;
                    have[2] = true;
                }
                key::REFERENCE_URI => m.reference_uri = Some(r.text()?),
                key::MANIFEST_COMPONENT_ID => {
                    let start = r.position();
                    let at = r.offset();
                    r.skip()?;
                    m.manifest_component_id = Some(Bstr::new(r.slice(start, r.position()), at));
                }
                key::SET_VERSION => m.set_version = Some(wrapped(&mut r, members)?),
                key::VALIDATE => m.validate = Some(wrapped(&mut r, members)?),
                key::LOAD => m.load = Some(wrapped(&mut r, members)?),
                key::INVOKE => m.invoke = Some(wrapped(&mut r, members)?),
                key::UNINSTALL => m.uninstall = Some(wrapped(&mut r, members)?),
                key::COSWID => m.coswid = severable(&mut r, env, k, crypto, members)?,
                key::DEPENDENCY_RESOLUTION => {
                    m.dependency_resolution = severable(&mut r, env, k, crypto, members)?
                }
                key::PAYLOAD_FETCH => m.payload_fetch = severable(&mut r, env, k, crypto, members)?,
                key::CANDIDATE_VERIFICATION => {
                    m.candidate_verification = severable(&mut r, env, k, crypto, members)?
                }
                key::INSTALL => m.install = severable(&mut r, env, k, crypto, members)?,
                key::TEXT => m.text = severable(&mut r, env, k, crypto, members)?,
                _ => return Err(ErrorKind::ManifestUnknownKey.at(key_at)),
            }
            if k == key::VERSION || have[0] {
                continue;
            }
            // Version is key 1 and therefore first; anything before it means
            // the version is absent.
            return Err(ErrorKind::ManifestMissingMember.at(key_at));
        }
        r.finish()?;
        if have.iter().any(|h| !h) {
            return Err(ErrorKind::ManifestMissingMember.at(base));
        }
        // Every severed member in the envelope must be declared severed.
        for (k, s) in env.severed_members() {
            if m.section(k) == Severable::Absent {
                return Err(ErrorKind::SeveredMemberUnexpected.at(s.start()));
            }
        }
        Ok(())
    }

    /// The sequence number (anti-rollback).
    #[must_use]
    pub fn sequence_number(&self) -> u64 {
        self.sequence_number
    }

    /// Number of components in `common.components`.
    #[must_use]
    pub fn component_count(&self) -> usize {
        usize::from(self.component_count)
    }

    /// Component identifier `i`.
    #[must_use]
    pub fn component_id(&self, i: usize) -> Option<ComponentId<'a>> {
        self.component_id_at(i).map(|(id, _)| id)
    }

    /// Component identifier `i` and its absolute offset in the envelope.
    pub(crate) fn component_id_at(&self, i: usize) -> Option<(ComponentId<'a>, usize)> {
        if i >= self.component_count() {
            return None;
        }
        let start = usize::from(*self.component_bounds.get(i)?);
        let end = usize::from(*self.component_bounds.get(i.saturating_add(1))?);
        let encoded = self.components.bytes.get(start..end)?;
        Some((
            ComponentId { encoded },
            // An offset into the envelope: a plain sum, as in the reader.
            self.components.start().wrapping_add(start),
        ))
    }

    /// The shared sequence, if any.
    #[must_use]
    pub fn shared_sequence(&self) -> Option<Bstr<'a>> {
        self.shared
    }

    /// reference-uri, if any.
    #[must_use]
    pub fn reference_uri(&self) -> Option<&'a str> {
        self.reference_uri
    }

    /// The text member (a SUIT_Text_Map), if present and available.
    #[must_use]
    pub fn text(&self) -> Severable<'a> {
        self.text
    }

    /// The raw encoded `common.dependencies` map (trust-domains), if any.
    #[must_use]
    pub fn dependencies(&self) -> Option<Bstr<'a>> {
        self.dependencies
    }

    /// A section by manifest key: the command sequences (7, 8, 9, 15, 16, 18,
    /// 20, 24), and the severable text (23) and CoSWID (14) members.
    #[must_use]
    pub fn section(&self, k: i64) -> Severable<'a> {
        let inline = |o: Option<Bstr<'a>>| o.map_or(Severable::Absent, Severable::Present);
        match k {
            key::VALIDATE => inline(self.validate),
            key::LOAD => inline(self.load),
            key::INVOKE => inline(self.invoke),
            key::UNINSTALL => inline(self.uninstall),
            key::DEPENDENCY_RESOLUTION => self.dependency_resolution,
            key::PAYLOAD_FETCH => self.payload_fetch,
            key::CANDIDATE_VERIFICATION => self.candidate_verification,
            key::INSTALL => self.install,
            key::COSWID => self.coswid,
            key::TEXT => self.text,
            _ => Severable::Absent,
        }
    }

    /// The first companion-draft member this manifest uses, if any:
    /// dependencies (common 1), manifest-component-id (5), set-version (6),
    /// uninstall (24), dependency-resolution (15), candidate-verification
    /// (18), CoSWID (14). Update-management says a recipient that meets one
    /// it does not implement MUST reject the manifest; CoSWID is among them
    /// (this crate checks a severed CoSWID's digest but does not interpret it).
    #[must_use]
    pub fn first_extension(&self) -> Option<Error> {
        // (A chain, not a loop over an array of the members: that array was
        // built, i.e. copied, on every run.)
        let member = self
            .dependencies
            .or(self.manifest_component_id)
            .or(self.set_version)
            .or(self.uninstall);
        if let Some(b) = member {
            return Some(ErrorKind::UnsupportedExtension.at(b.start()));
        }
        let severable = |s: Severable<'_>| match s {
            Severable::Present(b) => Some(ErrorKind::UnsupportedExtension.at(b.start())),
            Severable::Missing => Some(ErrorKind::UnsupportedExtension.here()),
            Severable::Absent => None,
        };
        severable(self.dependency_resolution)
            .or_else(|| severable(self.candidate_verification))
            .or_else(|| severable(self.coswid))
    }
}

/// A member that must be a bstr holding exactly one item.
fn wrapped<'a>(r: &mut Reader<'a, '_>, members: Members) -> Result<Bstr<'a>> {
    let (_, c, off) = r.bytes_with_head()?;
    if members == Members::Check {
        check_single_item(c, off, r.budget())?;
    }
    Ok(Bstr::new(c, off))
}

/// A severable member: bstr inline, or SUIT_Digest (array) when severed.
fn severable<'a, C: Crypto>(
    r: &mut Reader<'a, '_>,
    env: &Envelope<'a>,
    k: i64,
    crypto: &C,
    members: Members,
) -> Result<Severable<'a>> {
    let at = r.offset();
    match r.peek_major()? {
        major::BYTES => {
            if let Some(s) = env.severed_member(k) {
                return Err(ErrorKind::SeveredMemberUnexpected.at(s.start()));
            }
            Ok(Severable::Present(wrapped(r, members)?))
        }
        major::ARRAY => {
            let d = SuitDigest::read(r)?;
            let Some(span) = env.severed_member(k) else {
                return Ok(Severable::Missing);
            };
            let whole = span.get(env.as_unverified_bytes());
            if !d.matches(crypto, &[whole])? {
                return Err(ErrorKind::SeveredDigestMismatch.at(span.start()));
            }
            // The envelope member is a bstr: re-read it for its content.
            let mut b = Budget::new(1, ErrorKind::LimitCborItems);
            let mut er = Reader::new(whole, span.start(), &mut b);
            let (_, content, off) = er.bytes_with_head()?;
            if members == Members::Check {
                check_single_item(content, off, r.budget())?;
            }
            Ok(Severable::Present(Bstr::new(content, off)))
        }
        _ => Err(ErrorKind::CborUnexpectedType.at(at)),
    }
}

fn parse_common<'a>(
    m: &mut Manifest<'a>,
    c: &'a [u8],
    off: usize,
    budget: &mut Budget,
    members: Members,
) -> Result<()> {
    let mut r = Reader::new(c, off, budget);
    let n = r.map()?;
    let mut prev = None;
    for _ in 0..n {
        let key_at = r.offset();
        match r.int_key(&mut prev)? {
            common_key::DEPENDENCIES => {
                let start = r.position();
                let at = r.offset();
                r.skip()?;
                m.dependencies = Some(Bstr::new(r.slice(start, r.position()), at));
            }
            common_key::COMPONENTS => {
                let start = r.position();
                let at = r.offset();
                let count = r.array()?;
                if count == 0 {
                    return Err(ErrorKind::ComponentIdInvalid.at(at));
                }
                if count > MAX_COMPONENTS {
                    return Err(ErrorKind::LimitComponents.at(at));
                }
                let bound = |r: &Reader<'_, '_>| {
                    u16::try_from(r.position().saturating_sub(start))
                        .map_err(|_| ErrorKind::LimitComponents.at(at))
                };
                for slot in m.component_bounds.iter_mut().take(count) {
                    *slot = bound(&r)?;
                    let id_at = r.offset();
                    let segs = r.array().map_err(|e| {
                        if e.kind() == ErrorKind::CborUnexpectedType {
                            ErrorKind::ComponentIdInvalid.at(id_at)
                        } else {
                            e
                        }
                    })?;
                    if segs > MAX_COMPONENT_ID_SEGMENTS {
                        return Err(ErrorKind::LimitComponentIdSegments.at(id_at));
                    }
                    for _ in 0..segs {
                        if r.peek_major()? != major::BYTES {
                            return Err(ErrorKind::ComponentIdInvalid.at(r.offset()));
                        }
                        r.bytes()?;
                    }
                }
                if let Some(end) = m.component_bounds.get_mut(count) {
                    *end = bound(&r)?;
                }
                m.components = Bstr::new(r.slice(start, r.position()), at);
                m.component_count = u8::try_from(count).unwrap_or(u8::MAX);
            }
            common_key::SHARED_SEQUENCE => m.shared = Some(wrapped(&mut r, members)?),
            _ => return Err(ErrorKind::ManifestUnknownKey.at(key_at)),
        }
    }
    r.finish()?;
    if m.component_count == 0 {
        return Err(ErrorKind::ManifestMissingMember.at(off));
    }
    Ok(())
}
