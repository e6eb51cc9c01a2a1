//! CBOR: a strict, borrowing reader for signed SUIT content.
//!
//! A thin layer over minicbor's borrowing [`minicbor::Decoder`]: each item is
//! decoded once, and the layer refuses everything SUIT's deterministic
//! encoding (RFC 8949 §4.2.1, draft §8.1) rules out. The heads nearly every
//! manifest item has (one byte, or two for arguments 24-255) are decoded by
//! the layer itself for speed; every other head goes through minicbor, which
//! also reports every error (a test pins both paths to RFC 8949):
//!
//! - indefinite lengths, non-shortest integers, lengths and tags;
//! - floats, `undefined` and unassigned simple values;
//! - lengths larger than the rest of the input (a byte string that claims
//!   2^64 bytes is [`ErrorKind::CborLengthExceedsInput`], never an allocation);
//! - map keys out of bytewise order or repeated;
//! - nesting deeper than [`crate::limits::MAX_CBOR_DEPTH`],
//!   and more items than the envelope's [`Budget`].
//!
//! Results borrow from the input (`&'a [u8]`), not from the reader. Skipping
//! an item ([`Reader::skip`]) is iterative with a fixed-size stack: no
//! recursion is driven by input. Error offsets are absolute positions in the
//! envelope (each reader knows the offset of its slice).

use crate::error::{Error, ErrorKind, Result};
use crate::limits::{Budget, MAX_CBOR_DEPTH};
use minicbor::Decoder;

/// CBOR major types.
pub(crate) mod major {
    pub(crate) const UINT: u8 = 0;
    pub(crate) const NINT: u8 = 1;
    pub(crate) const BYTES: u8 = 2;
    pub(crate) const TEXT: u8 = 3;
    pub(crate) const ARRAY: u8 = 4;
    pub(crate) const MAP: u8 = 5;
    pub(crate) const TAG: u8 = 6;
    pub(crate) const SIMPLE: u8 = 7;
}

/// A strict CBOR reader over one slice of the envelope.
///
/// Every item is decoded once: [`Reader::initial`] checks its initial byte
/// (reserved values, indefinite lengths, floats and simple values); a one-
/// or two-byte head of an integer, byte string, array or map is then read in
/// place (always the shortest form), and any other goes to minicbor's
/// borrowing [`Decoder`], after which the bytes it used are compared with
/// the shortest encoding of the value. Counts are compared with the rest of
/// the input either way.
pub struct Reader<'a, 'b> {
    d: Decoder<'a>,
    base: usize,
    budget: &'b mut Budget,
}

/// The length of the shortest head for argument `arg`.
#[inline(always)]
const fn head_len(arg: u64) -> usize {
    if arg < 24 {
        1
    } else if arg <= 0xff {
        2
    } else if arg <= 0xffff {
        3
    } else if arg <= 0xffff_ffff {
        5
    } else {
        9
    }
}

impl<'a, 'b> Reader<'a, 'b> {
    /// A reader over `bytes`, which start at absolute offset `base` in the
    /// envelope. Every item read spends one unit of `budget`.
    pub fn new(bytes: &'a [u8], base: usize, budget: &'b mut Budget) -> Self {
        Reader {
            d: Decoder::new(bytes),
            base,
            budget,
        }
    }

    /// The whole slice this reader walks.
    #[must_use]
    pub fn input(&self) -> &'a [u8] {
        self.d.input()
    }

    /// Current position, relative to the slice.
    #[must_use]
    pub fn position(&self) -> usize {
        self.d.position()
    }

    /// Current position, absolute in the envelope.
    ///
    /// A plain (wrapping) sum of `base` and the position: for a `base` that
    /// is an offset into the same envelope it cannot overflow (a saturating
    /// sum cost a compare in each inlined copy); any other `base` gives a
    /// wrong offset in an error, never a panic.
    #[must_use]
    pub fn offset(&self) -> usize {
        self.at(self.position())
    }

    /// The absolute offset of position `pos` of this reader's slice (a plain
    /// sum, as in [`Self::offset`]).
    #[inline(always)]
    fn at(&self, pos: usize) -> usize {
        self.base.wrapping_add(pos)
    }

    /// Absolute offset of the slice start.
    #[must_use]
    pub fn base(&self) -> usize {
        self.base
    }

    /// Whether every byte has been read.
    #[must_use]
    pub fn at_end(&self) -> bool {
        self.position() >= self.input().len()
    }

    /// Bytes not yet read.
    #[must_use]
    pub fn remaining(&self) -> usize {
        self.input().len().saturating_sub(self.position())
    }

    /// The budget, for a nested reader over a sub-slice.
    pub fn budget(&mut self) -> &mut Budget {
        self.budget
    }

    /// An error of `kind` at the current position.
    #[must_use]
    pub fn err(&self, kind: ErrorKind) -> Error {
        kind.at(self.offset())
    }

    /// Fail unless every byte has been read.
    ///
    /// # Errors
    /// [`ErrorKind::CborTrailingBytes`].
    pub fn finish(&self) -> Result<()> {
        if self.at_end() {
            Ok(())
        } else {
            Err(self.err(ErrorKind::CborTrailingBytes))
        }
    }

    /// The slice `[start, end)` of this reader's input.
    #[must_use]
    pub fn slice(&self, start: usize, end: usize) -> &'a [u8] {
        self.input().get(start..end).unwrap_or(&[])
    }

    /// Check the initial byte of the next item without consuming it and
    /// return its major type.
    ///
    /// # Errors
    /// Truncation, reserved additional information, indefinite lengths,
    /// floats and simple values other than false, true and null.
    #[inline(always)]
    pub fn initial(&self) -> Result<u8> {
        let ib = *self
            .input()
            .get(self.position())
            .ok_or_else(|| self.err(ErrorKind::CborTruncated))?;
        let major = ib >> 5;
        match (major, ib & 0x1f) {
            (major::BYTES | major::TEXT | major::ARRAY | major::MAP, 31) => {
                Err(self.err(ErrorKind::CborIndefiniteLength))
            }
            (_, 28..=31) => Err(self.err(ErrorKind::CborMalformed)),
            (major::SIMPLE, 20..=22) => Ok(major),
            (major::SIMPLE, _) => Err(self.err(ErrorKind::CborUnsupportedSimple)),
            _ => Ok(major),
        }
    }

    /// The major type of the next item (its initial byte checked).
    ///
    /// # Errors
    /// As [`Self::initial`].
    pub fn peek_major(&self) -> Result<u8> {
        self.initial()
    }

    /// Whether the next item is `null`.
    #[must_use]
    pub fn next_is_null(&self) -> bool {
        self.input().get(self.position()) == Some(&0xf6)
    }

    /// The argument and head length of the item at relative `start` when
    /// its head is one byte (argument below 24) or two (argument 24-255,
    /// shortest): the heads of nearly every item in a manifest, decoded
    /// without a call into minicbor. `None` sends the caller to the general
    /// path through minicbor, which also reports every error. Call after
    /// [`Self::initial`] accepted the byte at `start`.
    ///
    /// Used by the reads a manifest makes most (integers, byte strings,
    /// arrays, maps). Tags and text strings are rare and keep the general
    /// path (a text short path would link a second UTF-8 check). Inlined:
    /// out of line it gives back most of what it saves. The figures are in
    /// PERFORMANCE.md (twentieth revision).
    #[inline(always)]
    fn short_head(&self, start: usize) -> Option<(u8, usize)> {
        let input = self.input();
        let ai = *input.get(start)? & 0x1f;
        if ai < 24 {
            return Some((ai, 1));
        }
        if ai == 24 {
            let b = *input.get(start.wrapping_add(1))?;
            if b >= 24 {
                return Some((b, 2));
            }
        }
        None
    }

    /// Check the initial byte, require `major`, spend budget; return the
    /// item's start position.
    #[inline(always)]
    fn begin(&mut self, want: u8) -> Result<usize> {
        if self.initial()? != want {
            return Err(self.err(ErrorKind::CborUnexpectedType));
        }
        self.budget.spend(self.offset())?;
        Ok(self.position())
    }

    /// A minicbor error at `start`: the input ended, or something minicbor
    /// refused that [`Self::initial`] did not catch.
    fn mc(&self, start: usize, e: &minicbor::decode::Error) -> Error {
        let at = self.at(start);
        // A complete string head whose length runs past the input (or past
        // `usize` on a 32-bit target) is not a truncated item but a lie
        // about its size.
        let full_head = match self.input().get(start).map(|b| b & 0x1f) {
            Some(0..=23) => 1,
            Some(24) => 2,
            Some(25) => 3,
            Some(26) => 5,
            _ => 9,
        };
        let major = self.input().get(start).map_or(0, |b| b >> 5);
        if matches!(major, major::BYTES | major::TEXT)
            && self.input().len().saturating_sub(start) >= full_head
        {
            ErrorKind::CborLengthExceedsInput.at(at)
        } else if e.is_end_of_input() {
            ErrorKind::CborTruncated.at(at)
        } else {
            ErrorKind::CborMalformed.at(at)
        }
    }

    /// The head minicbor just read (from `start`) must be the shortest for
    /// `arg`. Out of line: the general path that needs it is rare (see
    /// [`Self::short_head`]).
    #[inline(never)]
    fn shortest(&self, start: usize, used: usize, arg: u64) -> Result<()> {
        if used == head_len(arg) {
            Ok(())
        } else {
            Err(ErrorKind::CborNotShortest.at(self.at(start)))
        }
    }

    /// A count of `n` items (each at least one byte) must fit the rest.
    #[inline(always)]
    fn fits(&self, start: usize, n: u64) -> Result<usize> {
        let left = u64::try_from(self.remaining()).unwrap_or(u64::MAX);
        if n > left {
            return Err(ErrorKind::CborLengthExceedsInput.at(self.at(start)));
        }
        usize::try_from(n).map_err(|_| ErrorKind::CborLengthExceedsInput.at(self.at(start)))
    }

    /// An unsigned integer.
    ///
    /// # Errors
    /// Wrong type or malformed input.
    pub fn uint(&mut self) -> Result<u64> {
        let start = self.begin(major::UINT)?;
        if let Some((v, h)) = self.short_head(start) {
            self.d.set_position(start.wrapping_add(h));
            return Ok(u64::from(v));
        }
        let v = self.d.u64().map_err(|e| self.mc(start, &e))?;
        self.shortest(start, self.position().saturating_sub(start), v)?;
        Ok(v)
    }

    /// An integer (major 0 or 1) that fits an `i64`.
    ///
    /// # Errors
    /// Wrong type, [`ErrorKind::CborIntegerRange`], malformed input.
    pub fn int(&mut self) -> Result<i64> {
        let start = self.position();
        let major = self.initial()?;
        if major != major::UINT && major != major::NINT {
            return Err(self.err(ErrorKind::CborUnexpectedType));
        }
        self.budget.spend(self.offset())?;
        // Most integers in a manifest (keys, command numbers, small values)
        // sit in the initial byte: no minicbor call, and always shortest.
        if let Some((a, h)) = self.short_head(start) {
            self.d.set_position(start.wrapping_add(h));
            // Major 1 encodes -1 - a; `a` < 256, so the difference fits.
            let a = i64::from(a);
            return Ok(if major == major::NINT {
                (-1i64).wrapping_sub(a)
            } else {
                a
            });
        }
        self.int_general(start)
    }

    /// [`Self::int`] for heads of three bytes or more, through minicbor.
    /// Out of line, so that the common path needs no frame for it.
    #[inline(never)]
    fn int_general(&mut self, start: usize) -> Result<i64> {
        // minicbor refuses values beyond i64 (which need a 9-byte head, so
        // they cannot be non-shortest anyway).
        let v = self.d.i64().map_err(|e| {
            if e.is_end_of_input() {
                self.mc(start, &e)
            } else {
                ErrorKind::CborIntegerRange.at(self.at(start))
            }
        })?;
        // The argument is v for major 0 and -1 - v for major 1.
        let arg = if v < 0 { (-1i64).saturating_sub(v) } else { v };
        self.shortest(
            start,
            self.position().saturating_sub(start),
            u64::try_from(arg).unwrap_or(u64::MAX),
        )?;
        Ok(v)
    }

    /// A definite byte string, borrowed from the input.
    ///
    /// # Errors
    /// Wrong type, truncation.
    pub fn bytes(&mut self) -> Result<&'a [u8]> {
        self.bytes_with_head().map(|(_, content, _)| content)
    }

    /// A byte string together with its absolute offset and the absolute
    /// offset of its content: `(whole item incl. head, content, content offset)`.
    ///
    /// # Errors
    /// As [`Self::bytes`].
    pub fn bytes_with_head(&mut self) -> Result<(&'a [u8], &'a [u8], usize)> {
        let start = self.begin(major::BYTES)?;
        if let Some((len, h)) = self.short_head(start) {
            // `from` is within the input: no overflow.
            let from = start.wrapping_add(h);
            let end = from.wrapping_add(usize::from(len));
            if let Some(content) = self.input().get(from..end) {
                self.d.set_position(end);
                return Ok((self.slice(start, end), content, self.at(from)));
            }
        }
        self.bytes_general(start)
    }

    /// [`Self::bytes_with_head`] for longer heads, through minicbor. Out of
    /// line, so that the common path needs no frame for it.
    #[inline(never)]
    fn bytes_general(&mut self, start: usize) -> Result<(&'a [u8], &'a [u8], usize)> {
        let content = self.d.bytes().map_err(|e| self.mc(start, &e))?;
        let end = self.position();
        let head = end.saturating_sub(start).saturating_sub(content.len());
        self.shortest(
            start,
            head,
            u64::try_from(content.len()).unwrap_or(u64::MAX),
        )?;
        let content_off = self.at(start).wrapping_add(head);
        Ok((self.slice(start, end), content, content_off))
    }

    /// A definite text string (valid UTF-8), borrowed from the input.
    ///
    /// # Errors
    /// Wrong type, truncation, [`ErrorKind::CborInvalidUtf8`].
    pub fn text(&mut self) -> Result<&'a str> {
        let start = self.begin(major::TEXT)?;
        let t = self.d.str().map_err(|e| {
            if e.is_end_of_input() {
                self.mc(start, &e)
            } else {
                ErrorKind::CborInvalidUtf8.at(self.at(start))
            }
        })?;
        let head = self
            .position()
            .saturating_sub(start)
            .saturating_sub(t.len());
        self.shortest(start, head, u64::try_from(t.len()).unwrap_or(u64::MAX))?;
        Ok(t)
    }

    /// The count of a definite array.
    ///
    /// # Errors
    /// Wrong type or malformed input.
    pub fn array(&mut self) -> Result<usize> {
        let start = self.begin(major::ARRAY)?;
        if let Some((n, h)) = self.short_head(start) {
            self.d.set_position(start.wrapping_add(h));
            return self.fits(start, u64::from(n));
        }
        let n = self.count_general(start, false)?;
        self.fits(start, n)
    }

    /// The count of an array or (`map`) a map with a longer head, through
    /// minicbor. Out of line and shared, so that the common paths need no
    /// frame for it.
    #[inline(never)]
    fn count_general(&mut self, start: usize, map: bool) -> Result<u64> {
        let n = if map { self.d.map() } else { self.d.array() }
            .map_err(|e| self.mc(start, &e))?
            .unwrap_or(u64::MAX);
        self.shortest(start, self.position().saturating_sub(start), n)?;
        Ok(n)
    }

    /// The entry count of a definite map.
    ///
    /// # Errors
    /// Wrong type or malformed input.
    pub fn map(&mut self) -> Result<usize> {
        let start = self.begin(major::MAP)?;
        if let Some((n, h)) = self.short_head(start) {
            self.d.set_position(start.wrapping_add(h));
            self.fits(start, u64::from(n).saturating_mul(2))?;
            return Ok(usize::from(n));
        }
        let n = self.count_general(start, true)?;
        self.fits(start, n.saturating_mul(2))?;
        usize::try_from(n).map_err(|_| self.err(ErrorKind::CborLengthExceedsInput))
    }

    /// A tag number.
    ///
    /// # Errors
    /// Wrong type or malformed input.
    pub fn tag(&mut self) -> Result<u64> {
        let start = self.begin(major::TAG)?;
        let t = self.d.tag().map_err(|e| self.mc(start, &e))?.as_u64();
        self.shortest(start, self.position().saturating_sub(start), t)?;
        Ok(t)
    }

    /// A boolean.
    ///
    /// # Errors
    /// Wrong type.
    pub fn bool(&mut self) -> Result<bool> {
        if self.next_is_null() {
            return Err(self.err(ErrorKind::CborUnexpectedType));
        }
        let start = self.begin(major::SIMPLE)?;
        self.d.bool().map_err(|e| self.mc(start, &e))
    }

    /// `null`.
    ///
    /// # Errors
    /// Wrong type.
    pub fn null(&mut self) -> Result<()> {
        if !self.next_is_null() {
            return Err(self.err(ErrorKind::CborUnexpectedType));
        }
        let start = self.begin(major::SIMPLE)?;
        self.d.null().map_err(|e| self.mc(start, &e))
    }

    /// Read a map key that must be an integer, checking that its encoding
    /// sorts strictly after `prev` (the previous key's byte range).
    ///
    /// # Errors
    /// Type, order and duplicate errors.
    pub fn int_key(&mut self, prev: &mut Option<(usize, usize)>) -> Result<i64> {
        let start = self.position();
        let key_at = self.offset();
        let k = self.int()?;
        self.check_key_order(prev, start, key_at)?;
        Ok(k)
    }

    /// Check that the key just read (from relative `start` to the current
    /// position) sorts strictly after `prev`, then make it `prev`.
    ///
    /// # Errors
    /// [`ErrorKind::CborUnsortedKeys`], [`ErrorKind::CborDuplicateKey`].
    pub fn check_key_order(
        &self,
        prev: &mut Option<(usize, usize)>,
        start: usize,
        key_at: usize,
    ) -> Result<()> {
        let end = self.position();
        if let Some((ps, pe)) = *prev {
            let (was, key) = (self.slice(ps, pe), self.slice(start, end));
            // One-byte keys (every SUIT and COSE key but custom ones) compare
            // without a `memcmp` call; the order is the same bytewise one.
            let order = match (was, key) {
                ([a], [b]) => a.cmp(b),
                _ => was.cmp(key),
            };
            match order {
                core::cmp::Ordering::Less => {}
                core::cmp::Ordering::Equal => return Err(ErrorKind::CborDuplicateKey.at(key_at)),
                core::cmp::Ordering::Greater => return Err(ErrorKind::CborUnsortedKeys.at(key_at)),
            }
        }
        *prev = Some((start, end));
        Ok(())
    }

    /// Skip one item of any type, checking it as strictly as the typed reads
    /// (including map key order inside it). Iterative, depth-bounded.
    ///
    /// Returns the skipped item's bytes.
    ///
    /// # Errors
    /// Any CBOR error, [`ErrorKind::LimitCborDepth`], budget errors.
    pub fn skip(&mut self) -> Result<&'a [u8]> {
        self.skip_within(MAX_CBOR_DEPTH)
    }

    /// [`Reader::skip`] with at most `depth` levels (at most
    /// [`MAX_CBOR_DEPTH`]): for an item that another skip of an enclosing
    /// item also walks, so both accept the same items.
    ///
    /// # Errors
    /// As [`Reader::skip`].
    pub fn skip_within(&mut self, depth: usize) -> Result<&'a [u8]> {
        let item_start = self.position();
        // A scalar (the common case: an integer or a byte string) needs no
        // stack of levels.
        let (major, children) = self.item()?;
        if children == 0 {
            return Ok(self.slice(item_start, self.position()));
        }
        // The open containers, innermost last. A `heapless::Vec` leaves
        // its unused levels uninitialised: zeroing a fixed array of 16
        // levels cost ~100 instructions per container skipped (Cortex-M4).
        let mut open: heapless::Vec<Level, MAX_CBOR_DEPTH> = heapless::Vec::new();
        if depth == 0 {
            return Err(self.err(ErrorKind::LimitCborDepth));
        }
        open.push(Level::new(major, children))
            .map_err(|_| self.err(ErrorKind::LimitCborDepth))?;
        loop {
            let Some(top) = open.last_mut() else {
                return Ok(self.slice(item_start, self.position()));
            };
            if top.remaining == 0 {
                open.pop();
                // The closed container was an item of its parent (if none
                // is left, the loop ends at the top).
                if let Some(parent) = open.last_mut() {
                    self.item_done(parent)?;
                }
                continue;
            }
            // In a map (2n items), an even count left means a key is next.
            if top.map && top.remaining.is_multiple_of(2) {
                top.key_start = self.position();
            }
            top.remaining = top.remaining.saturating_sub(1);
            let (major, children) = self.item()?;
            if children == 0 {
                self.item_done(top)?;
            } else if open.len() >= depth {
                return Err(self.err(ErrorKind::LimitCborDepth));
            } else {
                open.push(Level::new(major, children))
                    .map_err(|_| self.err(ErrorKind::LimitCborDepth))?;
            }
        }
    }

    /// Read one item's head (and a string's content) with the same checks
    /// as the typed reads; return its major type and how many child items
    /// follow it.
    #[inline(always)]
    fn item(&mut self) -> Result<(u8, usize)> {
        let major = self.initial()?;
        let children = match major {
            major::UINT | major::NINT => {
                self.int().map(|_| ()).or_else(|e| {
                    // Integers beyond i64 are well-formed CBOR: skip them.
                    if e.kind() == ErrorKind::CborIntegerRange {
                        Ok(())
                    } else {
                        Err(e)
                    }
                })?;
                0
            }
            major::BYTES => {
                self.bytes()?;
                0
            }
            major::TEXT => {
                self.text()?;
                0
            }
            major::ARRAY => self.array()?,
            major::MAP => self.map()?.saturating_mul(2),
            major::TAG => {
                self.tag()?;
                1
            }
            _ => {
                if self.next_is_null() {
                    self.null()?;
                } else {
                    self.bool()?;
                }
                0
            }
        };
        Ok((major, children))
    }

    /// Bookkeeping when an item of `level` completed: in a map, a
    /// completed key (an odd count left) must sort after the previous key.
    #[inline(always)]
    fn item_done(&self, level: &mut Level) -> Result<()> {
        if !level.map || level.remaining.is_multiple_of(2) {
            return Ok(());
        }
        self.key_done(level)
    }

    /// A map key of `level` completed: check its order.
    fn key_done(&self, level: &mut Level) -> Result<()> {
        let key_at = self.at(level.key_start);
        self.check_key_order(&mut level.prev, level.key_start, key_at)
    }
}

/// One container [`Reader::skip`] has open.
struct Level {
    /// Items still to read (a map of n entries has 2n).
    remaining: usize,
    /// Where the current key started, in a map.
    key_start: usize,
    /// The previous key's byte range, in a map.
    prev: Option<(usize, usize)>,
    map: bool,
}

impl Level {
    fn new(major: u8, children: usize) -> Level {
        Level {
            remaining: children,
            key_start: 0,
            prev: None,
            map: major == major::MAP,
        }
    }
}

/// Check that `bytes` (at absolute `base`) hold exactly one well-formed,
/// deterministically encoded item and nothing after it.
///
/// # Errors
/// Any CBOR error, [`ErrorKind::CborTrailingBytes`].
pub fn check_single_item(bytes: &[u8], base: usize, budget: &mut Budget) -> Result<()> {
    let mut r = Reader::new(bytes, base, budget);
    r.skip()?;
    r.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::MAX_CBOR_ITEMS;

    fn budget() -> Budget {
        Budget::new(MAX_CBOR_ITEMS, ErrorKind::LimitCborItems)
    }

    fn skip(bytes: &[u8]) -> core::result::Result<usize, ErrorKind> {
        let mut b = budget();
        let mut r = Reader::new(bytes, 0, &mut b);
        r.skip().map(|s| s.len()).map_err(|e| e.kind())
    }

    fn single(bytes: &[u8]) -> core::result::Result<(), ErrorKind> {
        check_single_item(bytes, 0, &mut budget()).map_err(|e| e.kind())
    }

    #[test]
    fn well_formed_items_from_rfc8949_appendix_a() {
        for hex in [
            &[0x00][..],
            &[0x17],
            &[0x18, 0x18],
            &[0x19, 0x03, 0xe8],
            &[0x1a, 0x00, 0x0f, 0x42, 0x40],
            &[0x1b, 0x00, 0x00, 0x00, 0xe8, 0xd4, 0xa5, 0x10, 0x00],
            &[0x20],
            &[0x38, 0x63],
            &[0x40],
            &[0x44, 1, 2, 3, 4],
            &[0x60],
            &[0x62, 0xc3, 0xbc],
            &[0x80],
            &[0x83, 0x01, 0x82, 0x02, 0x03, 0x82, 0x04, 0x05],
            &[0xa0],
            &[0xa2, 0x01, 0x02, 0x03, 0x04],
            &[0xa2, 0x61, 0x61, 0x01, 0x61, 0x62, 0x82, 0x02, 0x03],
            &[0xc1, 0x1a, 0x51, 0x4b, 0x67, 0xb0],
            &[0xf4],
            &[0xf5],
            &[0xf6],
        ] {
            assert_eq!(single(hex), Ok(()), "{hex:02x?}");
        }
    }

    #[test]
    fn malformed_heads() {
        // Reserved additional information 28..30, and a lone break.
        for b in [0x1c, 0x3d, 0x5e, 0xff] {
            assert_eq!(
                skip(&[b, 0, 0, 0, 0, 0, 0, 0, 0]),
                Err(ErrorKind::CborMalformed),
                "{b:02x}"
            );
        }
        // Indefinite integers and tags are malformed, indefinite strings and containers are refused.
        assert_eq!(skip(&[0x1f]), Err(ErrorKind::CborMalformed));
        for b in [0x5f, 0x7f, 0x9f, 0xbf] {
            assert_eq!(
                skip(&[b, 0xff]),
                Err(ErrorKind::CborIndefiniteLength),
                "{b:02x}"
            );
        }
    }

    #[test]
    fn non_shortest_forms() {
        for bytes in [
            &[0x18, 0x17][..],
            &[0x19, 0x00, 0xff],
            &[0x1a, 0x00, 0x00, 0xff, 0xff],
            &[0x1b, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff],
            &[0x38, 0x00],
            &[0x58, 0x01, 0xaa],
            &[0x78, 0x00],
            &[0x98, 0x00],
            &[0xb8, 0x00],
            &[0xd8, 0x01, 0x00],
        ] {
            assert_eq!(skip(bytes), Err(ErrorKind::CborNotShortest), "{bytes:02x?}");
        }
    }

    #[test]
    fn lengths_beyond_the_input() {
        assert_eq!(
            skip(&[0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
            Err(ErrorKind::CborLengthExceedsInput)
        );
        assert_eq!(skip(&[0x62, 0x61]), Err(ErrorKind::CborLengthExceedsInput));
        assert_eq!(skip(&[0x82, 0x01]), Err(ErrorKind::CborLengthExceedsInput));
        assert_eq!(skip(&[0xa1, 0x01]), Err(ErrorKind::CborLengthExceedsInput));
        assert_eq!(
            skip(&[0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
            Err(ErrorKind::CborLengthExceedsInput)
        );
        assert_eq!(skip(&[]), Err(ErrorKind::CborTruncated));
        assert_eq!(skip(&[0x19, 0x01]), Err(ErrorKind::CborTruncated));
        assert_eq!(skip(&[0x81]), Err(ErrorKind::CborLengthExceedsInput));
    }

    #[test]
    fn simple_values_other_than_false_true_null() {
        for bytes in [
            &[0xf7][..],
            &[0xf0],
            &[0xf8, 0x20],
            &[0xf9, 0x3c, 0x00],
            &[0xfa, 0, 0, 0, 0],
            &[0xfb, 0, 0, 0, 0, 0, 0, 0, 0],
        ] {
            assert_eq!(
                skip(bytes),
                Err(ErrorKind::CborUnsupportedSimple),
                "{bytes:02x?}"
            );
        }
    }

    #[test]
    fn invalid_utf8() {
        assert_eq!(skip(&[0x62, 0xc3, 0x28]), Err(ErrorKind::CborInvalidUtf8));
        let mut b = budget();
        let mut r = Reader::new(&[0x61, 0xff], 0, &mut b);
        assert_eq!(
            r.text().map_err(|e| e.kind()),
            Err(ErrorKind::CborInvalidUtf8)
        );
    }

    #[test]
    fn integer_range_and_types() {
        let mut b = budget();
        let mut r = Reader::new(&[0x1b, 0x80, 0, 0, 0, 0, 0, 0, 0], 0, &mut b);
        assert_eq!(
            r.int().map_err(|e| e.kind()),
            Err(ErrorKind::CborIntegerRange)
        );
        let mut b = budget();
        let mut r = Reader::new(
            &[0x3b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
            0,
            &mut b,
        );
        assert_eq!(
            r.int().map_err(|e| e.kind()),
            Err(ErrorKind::CborIntegerRange)
        );
        let mut b = budget();
        let mut r = Reader::new(
            &[0x3b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
            0,
            &mut b,
        );
        assert_eq!(r.int().map_err(|e| e.kind()), Ok(i64::MIN));
        let mut b = budget();
        let mut r = Reader::new(&[0x41, 0x00], 0, &mut b);
        assert_eq!(
            r.uint().map_err(|e| e.kind()),
            Err(ErrorKind::CborUnexpectedType)
        );
        assert_eq!(
            r.map().map_err(|e| e.kind()),
            Err(ErrorKind::CborUnexpectedType)
        );
        assert_eq!(r.bytes().map(<[u8]>::len), Ok(1));
    }

    #[test]
    fn map_keys_in_skipped_items_are_checked() {
        assert_eq!(
            single(&[0xa2, 0x02, 0x00, 0x01, 0x00]),
            Err(ErrorKind::CborUnsortedKeys)
        );
        assert_eq!(
            single(&[0xa2, 0x01, 0x00, 0x01, 0x00]),
            Err(ErrorKind::CborDuplicateKey)
        );
        // Bytewise order: 0x18 0x18 (24) sorts before 0x20 (-1); text after integers.
        assert_eq!(
            single(&[0xa3, 0x18, 0x18, 0x00, 0x20, 0x00, 0x61, 0x61, 0x00]),
            Ok(())
        );
        // Array keys (as in SUIT text maps) are ordered by their encoding too.
        assert_eq!(
            single(&[0xa2, 0x81, 0x02, 0x00, 0x81, 0x01, 0x00]),
            Err(ErrorKind::CborUnsortedKeys)
        );
        // Nested maps are checked at their own level.
        assert_eq!(
            single(&[0x81, 0xa2, 0x05, 0x00, 0x04, 0x00]),
            Err(ErrorKind::CborUnsortedKeys)
        );
        // A key after a nested map is compared with its own level's previous
        // key, not with the inner map's keys.
        assert_eq!(single(&[0xa2, 0x01, 0xa1, 0x05, 0x00, 0x02, 0x00]), Ok(()));
        assert_eq!(single(&[0xa2, 0x01, 0xa1, 0x01, 0x00, 0x02, 0x00]), Ok(()));
        assert_eq!(
            single(&[0xa2, 0x02, 0xa1, 0x01, 0x00, 0x01, 0x00]),
            Err(ErrorKind::CborUnsortedKeys)
        );
        assert_eq!(
            single(&[0xa2, 0x02, 0xa1, 0x03, 0x00, 0x02, 0x00]),
            Err(ErrorKind::CborDuplicateKey)
        );
    }

    #[test]
    fn depth_and_item_budget() {
        // MAX_CBOR_DEPTH nested arrays are accepted, one more is not.
        let mut deep = [0x81u8; MAX_CBOR_DEPTH + 2];
        deep[MAX_CBOR_DEPTH + 1] = 0x00;
        assert_eq!(single(&deep[1..]), Ok(()));
        assert_eq!(single(&deep), Err(ErrorKind::LimitCborDepth));
        let items = [0x83, 0x01, 0x02, 0x03];
        let mut b = Budget::new(3, ErrorKind::LimitCborItems);
        assert_eq!(
            check_single_item(&items, 0, &mut b).map_err(|e| e.kind()),
            Err(ErrorKind::LimitCborItems)
        );
    }

    #[test]
    fn skip_within_a_depth() {
        // `levels` nested arrays around a 0.
        let nested = |levels: usize| {
            let mut v = [0x81u8; MAX_CBOR_DEPTH + 1];
            v[levels] = 0x00;
            v
        };
        let within = |bytes: &[u8], depth: usize| {
            let mut b = budget();
            Reader::new(bytes, 0, &mut b)
                .skip_within(depth)
                .map(<[u8]>::len)
                .map_err(|e| e.kind())
        };
        for depth in [0, 1, 5, MAX_CBOR_DEPTH - 1, MAX_CBOR_DEPTH] {
            let fits = nested(depth);
            assert_eq!(within(&fits, depth), Ok(depth + 1), "depth {depth}");
            if depth < MAX_CBOR_DEPTH {
                let deeper = nested(depth + 1);
                assert_eq!(
                    within(&deeper, depth),
                    Err(ErrorKind::LimitCborDepth),
                    "depth {depth}"
                );
            }
        }
        assert_eq!(skip(&nested(MAX_CBOR_DEPTH)), Ok(MAX_CBOR_DEPTH + 1));
    }

    #[test]
    fn trailing_bytes_and_offsets() {
        assert_eq!(single(&[0x01, 0x02]), Err(ErrorKind::CborTrailingBytes));
        let e = check_single_item(&[0x01, 0x02], 100, &mut budget()).unwrap_err();
        assert_eq!(e.offset(), Some(101));
    }

    /// What a typed read of the item at the start of `input` must give, for
    /// heads of one or two bytes (additional information up to 24), from
    /// RFC 8949 directly: `Ok((value, end))`, or the error kind.
    fn expected(want: u8, input: &[u8]) -> core::result::Result<(i128, usize), ErrorKind> {
        let ib = input[0];
        let (major, ai) = (ib >> 5, ib & 0x1f);
        // `int` (asked as major 1) takes either sign.
        if major != want && !(want == major::NINT && major == major::UINT) {
            return Err(ErrorKind::CborUnexpectedType);
        }
        let (arg, hl) = match ai {
            0..=23 => (usize::from(ai), 1),
            _ => match input.get(1) {
                None => return Err(ErrorKind::CborTruncated),
                Some(&b) => (usize::from(b), 2),
            },
        };
        let left = input.len() - hl;
        let string = matches!(major, major::BYTES | major::TEXT);
        // A string's content is taken (and a text's UTF-8 judged) before
        // its head is.
        if string && arg > left {
            // A whole head that claims more than the input holds.
            return Err(ErrorKind::CborLengthExceedsInput);
        }
        if major == major::TEXT && core::str::from_utf8(&input[hl..hl + arg]).is_err() {
            return Err(ErrorKind::CborInvalidUtf8);
        }
        if hl == 2 && arg < 24 {
            return Err(ErrorKind::CborNotShortest);
        }
        match major {
            major::UINT | major::TAG => Ok((arg as i128, hl)),
            major::NINT => Ok((-1 - arg as i128, hl)),
            major::BYTES | major::TEXT => Ok((arg as i128, hl + arg)),
            major::ARRAY if arg > left => Err(ErrorKind::CborLengthExceedsInput),
            major::MAP if 2 * arg > left => Err(ErrorKind::CborLengthExceedsInput),
            _ => Ok((arg as i128, hl)),
        }
    }

    /// Every one- and two-byte head of majors 0-6, with no content, short
    /// content, long content and content that is not UTF-8: each typed read
    /// gives what RFC 8949 says (the reads decode these heads themselves,
    /// others through minicbor; this pins the two paths to one behaviour).
    #[test]
    fn short_heads_read_as_rfc8949_says() {
        type Read = fn(&mut Reader<'_, '_>) -> Result<i128>;
        let reads: [(u8, Read); 7] = [
            (major::UINT, |r| r.uint().map(i128::from)),
            (major::NINT, |r| r.int().map(i128::from)),
            (major::BYTES, |r| {
                let (whole, content, off) = r.bytes_with_head()?;
                assert_eq!(whole.len(), r.position());
                assert_eq!(off + content.len(), r.position());
                Ok(content.len() as i128)
            }),
            (major::TEXT, |r| r.text().map(|t| t.len() as i128)),
            (major::ARRAY, |r| r.array().map(|n| n as i128)),
            (major::MAP, |r| r.map().map(|n| n as i128)),
            (major::TAG, |r| r.tag().map(i128::from)),
        ];
        let mut checked = 0u32;
        for ib in 0..=0xdfu8 {
            if ib & 0x1f > 24 {
                continue;
            }
            for b in 0..=255u8 {
                for tail in [&[][..], &[b'a'; 30][..], &[b'a'; 300][..], &[0xff; 300][..]] {
                    let mut buf = [0u8; 302];
                    buf[0] = ib;
                    buf[1] = b;
                    buf[2..2 + tail.len()].copy_from_slice(tail);
                    // With no tail and `b` = 0: the head alone, one byte.
                    let len = if tail.is_empty() && b == 0 {
                        1
                    } else {
                        2 + tail.len()
                    };
                    let input = &buf[..len];
                    for (want, read) in reads {
                        let mut bud = budget();
                        let mut r = Reader::new(input, 0, &mut bud);
                        let got = read(&mut r)
                            .map(|v| (v, r.position()))
                            .map_err(|e| e.kind());
                        assert_eq!(
                            got,
                            expected(want, input),
                            "{input:02x?} read as major {want}"
                        );
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 200_000);
    }
}
