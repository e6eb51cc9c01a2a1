//! The SUIT envelope (draft §8.2): the untrusted outer layer.
//!
//! [`Envelope::parse`] walks the envelope once and records only what
//! authentication needs: the extents of the authentication wrapper's digest
//! and blocks, of the manifest bstr (header included, because that is what
//! the digest covers), of each severed member and the number of integrated
//! payloads. Nothing inside the manifest is decoded here; that happens only
//! after [`crate::authenticate`] has checked the digest and a signature.
//!
//! Positions are kept as [`Span`]s (offset and length into the envelope), so
//! a caller can later stream a large integrated payload from storage instead
//! of holding it in RAM, and the view stays small and `Copy`.

use crate::cbor::{Reader, major};
use crate::error::{ErrorKind, Result};
use crate::limits::{Budget, Limits, MAX_AUTH_BLOCKS, MAX_PAYLOADS};

/// CBOR tag of a SUIT envelope.
pub const TAG_ENVELOPE: u64 = 107;

/// Envelope keys (draft §8.2, trust-domains, update-management).
pub(crate) mod label {
    pub(crate) const AUTHENTICATION: i64 = 2;
    pub(crate) const MANIFEST: i64 = 3;
}

/// The manifest keys that can be severed into the envelope, in key order:
/// CoSWID (14), dependency-resolution (15), payload-fetch (16),
/// candidate-verification (18), install (20), text (23).
pub const SEVERABLE_KEYS: [i64; 6] = [14, 15, 16, 18, 20, 23];

/// A byte range of the envelope.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Span {
    /// Offset of the first byte.
    pub offset: u32,
    /// Length in bytes.
    pub len: u32,
}

impl Span {
    fn of(offset: usize, len: usize) -> Result<Span> {
        let o = u32::try_from(offset).map_err(|_| ErrorKind::InvalidArgument.here())?;
        let l = u32::try_from(len).map_err(|_| ErrorKind::InvalidArgument.here())?;
        Ok(Span { offset: o, len: l })
    }

    /// The bytes of this span in `bytes` (empty if out of range).
    #[must_use]
    pub fn get<'a>(&self, bytes: &'a [u8]) -> &'a [u8] {
        let start = usize::try_from(self.offset).unwrap_or(usize::MAX);
        let end = start.saturating_add(usize::try_from(self.len).unwrap_or(usize::MAX));
        bytes.get(start..end).unwrap_or(&[])
    }

    /// Start as `usize`.
    #[must_use]
    pub fn start(&self) -> usize {
        usize::try_from(self.offset).unwrap_or(usize::MAX)
    }

    /// Whether the span is empty (used for "absent").
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// A parsed, not yet authenticated, envelope.
#[derive(Clone, Copy, Debug)]
pub struct Envelope<'a> {
    bytes: &'a [u8],
    digest: Span,
    blocks: [Span; MAX_AUTH_BLOCKS],
    block_count: u8,
    manifest: Span,
    manifest_head: u8,
    severed: [Span; SEVERABLE_KEYS.len()],
    payload_count: u8,
}

impl<'a> Envelope<'a> {
    /// Parse with the default [`Limits`].
    ///
    /// # Errors
    /// Any CBOR error; [`ErrorKind::EnvelopeMissingTag`],
    /// [`ErrorKind::EnvelopeUnknownKey`], [`ErrorKind::EnvelopeMissingAuth`],
    /// [`ErrorKind::EnvelopeMissingManifest`]; limit errors;
    /// [`ErrorKind::InvalidArgument`] for input of 4 GiB or more (offsets
    /// are `u32`).
    pub fn parse(bytes: &'a [u8]) -> Result<Envelope<'a>> {
        Envelope::parse_with(bytes, &Limits::DEFAULT)
    }

    /// Parse with caller limits.
    ///
    /// # Errors
    /// As [`Envelope::parse`].
    pub fn parse_with(bytes: &'a [u8], limits: &Limits) -> Result<Envelope<'a>> {
        if u32::try_from(bytes.len()).is_err() {
            return Err(ErrorKind::InvalidArgument.here());
        }
        let limits = limits.clamped();
        let mut budget = Budget::new(limits.cbor_items, ErrorKind::LimitCborItems);
        let mut r = Reader::new(bytes, 0, &mut budget);
        if r.peek_major()? != major::TAG || r.tag()? != TAG_ENVELOPE {
            return Err(ErrorKind::EnvelopeMissingTag.at(0));
        }
        let mut env = Envelope {
            bytes,
            digest: Span::default(),
            blocks: [Span::default(); MAX_AUTH_BLOCKS],
            block_count: 0,
            manifest: Span::default(),
            manifest_head: 0,
            severed: [Span::default(); SEVERABLE_KEYS.len()],
            payload_count: 0,
        };
        let mut have_auth = false;
        let entries = r.map()?;
        let mut prev = None;
        for _ in 0..entries {
            let key_start = r.position();
            let key_at = r.offset();
            match r.peek_major()? {
                major::TEXT => {
                    r.text()?;
                    r.check_key_order(&mut prev, key_start, key_at)?;
                    r.bytes()?;
                    env.payload_count = env.payload_count.saturating_add(1);
                    if usize::from(env.payload_count) > MAX_PAYLOADS {
                        return Err(ErrorKind::LimitPayloads.at(key_at));
                    }
                }
                major::UINT | major::NINT => {
                    let key = r.int()?;
                    r.check_key_order(&mut prev, key_start, key_at)?;
                    let value_start = r.position();
                    let (whole, content, content_off) = r.bytes_with_head()?;
                    // Offsets into one envelope: plain sums, as in the reader.
                    let head_len = content_off.saturating_sub(r.base().wrapping_add(value_start));
                    match key {
                        label::AUTHENTICATION => {
                            parse_wrapper(&mut env, content, content_off, &limits, r.budget())?;
                            have_auth = true;
                        }
                        label::MANIFEST => {
                            env.manifest = Span::of(value_start, whole.len())?;
                            env.manifest_head = u8::try_from(head_len).unwrap_or(u8::MAX);
                        }
                        k => {
                            let i = SEVERABLE_KEYS
                                .iter()
                                .position(|s| *s == k)
                                .ok_or_else(|| ErrorKind::EnvelopeUnknownKey.at(key_at))?;
                            if let Some(slot) = env.severed.get_mut(i) {
                                *slot = Span::of(value_start, whole.len())?;
                            }
                        }
                    }
                }
                _ => return Err(ErrorKind::EnvelopeUnknownKey.at(key_at)),
            }
        }
        r.finish()?;
        if !have_auth {
            return Err(ErrorKind::EnvelopeMissingAuth.at(0));
        }
        if env.manifest.is_empty() {
            return Err(ErrorKind::EnvelopeMissingManifest.at(0));
        }
        Ok(env)
    }

    /// The whole envelope.
    #[must_use]
    pub fn as_unverified_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The encoded SUIT_Digest from the wrapper (the COSE detached payload).
    #[must_use]
    pub fn wrapper_digest(&self) -> &'a [u8] {
        self.digest.get(self.bytes)
    }

    /// Extent of the wrapper's digest item.
    #[must_use]
    pub fn wrapper_digest_span(&self) -> Span {
        self.digest
    }

    /// The authentication blocks (each the content of its bstr).
    pub fn auth_blocks(&self) -> impl Iterator<Item = (Span, &'a [u8])> + '_ {
        self.blocks
            .iter()
            .take(usize::from(self.block_count))
            .map(|s| (*s, s.get(self.bytes)))
    }

    /// Number of authentication blocks.
    #[must_use]
    pub fn auth_block_count(&self) -> usize {
        usize::from(self.block_count)
    }

    /// The manifest bstr, header included (what the digest covers).
    #[must_use]
    pub fn manifest_bstr(&self) -> &'a [u8] {
        self.manifest.get(self.bytes)
    }

    /// Extent of the manifest bstr (header included).
    #[must_use]
    pub fn manifest_span(&self) -> Span {
        self.manifest
    }

    /// Extent of the manifest content (without the bstr header).
    #[must_use]
    pub fn manifest_content_span(&self) -> Span {
        let head = u32::from(self.manifest_head);
        Span {
            offset: self.manifest.offset.saturating_add(head),
            len: self.manifest.len.saturating_sub(head),
        }
    }

    /// The severed member for manifest key `key` (bstr with header), if the
    /// envelope carries it.
    #[must_use]
    pub fn severed_member(&self, key: i64) -> Option<Span> {
        self.severed_members()
            .find(|(k, _)| *k == key)
            .map(|(_, s)| s)
    }

    /// The severed members the envelope carries, with their manifest keys.
    pub(crate) fn severed_members(&self) -> impl Iterator<Item = (i64, Span)> + '_ {
        SEVERABLE_KEYS
            .iter()
            .zip(self.severed.iter())
            .filter(|(_, s)| !s.is_empty())
            .map(|(k, s)| (*k, *s))
    }

    /// Number of integrated payloads (text keys).
    #[must_use]
    pub fn payload_count(&self) -> usize {
        usize::from(self.payload_count)
    }

    /// The integrated payload stored under text key `name` (exact match,
    /// leading `#` included), as the extent of its content. The envelope is
    /// re-walked (bounded by [`MAX_PAYLOADS`] text keys), so no table is kept.
    #[must_use]
    pub fn payload(&self, name: &str) -> Option<Span> {
        self.payloads().find(|(k, _)| *k == name).map(|(_, s)| s)
    }

    /// Every integrated payload: `(name, extent of content)`.
    pub fn payloads(&self) -> impl Iterator<Item = (&'a str, Span)> + 'a {
        PayloadIter::new(self.bytes, self.payload_count)
    }
}

/// Walks the envelope map again for its text keys. The envelope was fully
/// checked by `parse`, so errors here simply end the iteration.
struct PayloadIter<'a> {
    bytes: &'a [u8],
    pos: usize,
    left_entries: usize,
    left_payloads: u8,
}

impl<'a> PayloadIter<'a> {
    fn new(bytes: &'a [u8], count: u8) -> Self {
        let mut budget = Budget::new(4, ErrorKind::LimitCborItems);
        let mut r = Reader::new(bytes, 0, &mut budget);
        let entries = r.tag().and_then(|_| r.map()).unwrap_or(0);
        PayloadIter {
            bytes,
            pos: r.position(),
            left_entries: entries,
            left_payloads: count,
        }
    }
}

impl<'a> Iterator for PayloadIter<'a> {
    type Item = (&'a str, Span);

    fn next(&mut self) -> Option<Self::Item> {
        while self.left_entries > 0 && self.left_payloads > 0 {
            self.left_entries = self.left_entries.saturating_sub(1);
            let mut budget = Budget::new(u32::MAX, ErrorKind::LimitCborItems);
            let rest = self.bytes.get(self.pos..)?;
            let mut r = Reader::new(rest, self.pos, &mut budget);
            let is_text = r.peek_major().ok()? == major::TEXT;
            let key = if is_text {
                Some(r.text().ok()?)
            } else {
                r.skip().ok().map(|_| "")
            };
            let (_, content, off) = r.bytes_with_head().ok()?;
            // Within `self.bytes`: a plain sum, as in the reader.
            self.pos = self.pos.wrapping_add(r.position());
            if let (true, Some(k)) = (is_text, key) {
                self.left_payloads = self.left_payloads.saturating_sub(1);
                return Some((k, Span::of(off, content.len()).ok()?));
            }
        }
        None
    }
}

/// Parse the authentication wrapper content: `[bstr(SUIT_Digest), *bstr(COSE)]`.
fn parse_wrapper(
    env: &mut Envelope<'_>,
    content: &[u8],
    content_off: usize,
    limits: &Limits,
    budget: &mut Budget,
) -> Result<()> {
    let mut w = Reader::new(content, content_off, budget);
    let n = w.array()?;
    if n == 0 {
        return Err(w.err(ErrorKind::AuthCoseMalformed));
    }
    let blocks = n.saturating_sub(1);
    if blocks > limits.auth_blocks {
        return Err(ErrorKind::LimitAuthBlocks.at(content_off));
    }
    for i in 0..n {
        let (_, inner, inner_off) = w.bytes_with_head()?;
        let span = Span::of(inner_off, inner.len())?;
        if i == 0 {
            env.digest = span;
        } else if let Some(slot) = env.blocks.get_mut(i.saturating_sub(1)) {
            *slot = span;
        }
    }
    w.finish()?;
    env.block_count = u8::try_from(blocks).unwrap_or(u8::MAX);
    Ok(())
}
