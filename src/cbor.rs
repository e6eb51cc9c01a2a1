//! CBOR: a strict, borrowing reader for signed SUIT content.
//!
//! It decodes each head once ([`Reader::peek`]) and refuses everything
//! SUIT's deterministic encoding (RFC 8949 §4.2.1, draft §8.1) rules out:
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

/// The head of a CBOR item: major type and argument, already checked for
/// shortest form and against the remaining input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Head {
    /// Major type, 0..=7.
    pub major: u8,
    /// The argument: value, length, count or tag number. For major type 7 it
    /// is the simple value (20 false, 21 true, 22 null).
    pub arg: u64,
    /// Bytes the head occupies.
    pub len: usize,
}

/// A strict CBOR reader over one slice of the envelope.
pub struct Reader<'a, 'b> {
    input: &'a [u8],
    pos: usize,
    base: usize,
    budget: &'b mut Budget,
}

impl<'a, 'b> Reader<'a, 'b> {
    /// A reader over `bytes`, which start at absolute offset `base` in the
    /// envelope. Every item read spends one unit of `budget`.
    pub fn new(bytes: &'a [u8], base: usize, budget: &'b mut Budget) -> Self {
        Reader {
            input: bytes,
            pos: 0,
            base,
            budget,
        }
    }

    /// The whole slice this reader walks.
    #[must_use]
    pub fn input(&self) -> &'a [u8] {
        self.input
    }

    /// Current position, relative to the slice.
    #[must_use]
    pub fn position(&self) -> usize {
        self.pos
    }

    /// Current position, absolute in the envelope.
    #[must_use]
    pub fn offset(&self) -> usize {
        self.base.saturating_add(self.position())
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

    /// Decode and check the head at the current position without consuming it.
    ///
    /// # Errors
    /// Truncation, reserved values, indefinite lengths, non-shortest forms,
    /// unsupported simple values and lengths beyond the input.
    pub fn peek(&self) -> Result<Head> {
        let input = self.input();
        let pos = self.position();
        let at = |k: ErrorKind| k.at(self.offset());
        let rest = input.get(pos..).unwrap_or(&[]);
        let (&ib, tail) = rest
            .split_first()
            .ok_or_else(|| at(ErrorKind::CborTruncated))?;
        let major = ib >> 5;
        let info = ib & 0x1f;
        let (arg, extra): (u64, usize) = match info {
            0..=23 => (u64::from(info), 0),
            24..=27 => {
                let n: usize = match info {
                    24 => 1,
                    25 => 2,
                    26 => 4,
                    _ => 8,
                };
                let bytes = tail.get(..n).ok_or_else(|| at(ErrorKind::CborTruncated))?;
                let mut v: u64 = 0;
                for &b in bytes {
                    v = (v << 8) | u64::from(b);
                }
                let min = match n {
                    1 => 24,
                    2 => 0x100,
                    4 => 0x1_0000,
                    _ => 0x1_0000_0000,
                };
                // Major 7 with a 1-byte argument is a simple value (must be
                // >= 32); floats (info 25..27) are refused below anyway.
                if v < min && major != major::SIMPLE {
                    return Err(at(ErrorKind::CborNotShortest));
                }
                (v, n)
            }
            31 => {
                return Err(at(match major {
                    major::BYTES | major::TEXT | major::ARRAY | major::MAP => {
                        ErrorKind::CborIndefiniteLength
                    }
                    _ => ErrorKind::CborMalformed,
                }));
            }
            _ => return Err(at(ErrorKind::CborMalformed)),
        };
        let len = 1usize.saturating_add(extra);
        let after = u64::try_from(rest.len().saturating_sub(len)).unwrap_or(u64::MAX);
        match major {
            major::BYTES | major::TEXT | major::ARRAY if arg > after => {
                return Err(at(ErrorKind::CborLengthExceedsInput));
            }
            major::MAP if arg.saturating_mul(2) > after => {
                return Err(at(ErrorKind::CborLengthExceedsInput));
            }
            major::SIMPLE => match (info, arg) {
                (20..=22, _) => {}
                _ => return Err(at(ErrorKind::CborUnsupportedSimple)),
            },
            _ => {}
        }
        Ok(Head { major, arg, len })
    }

    /// Check and consume the head of the next item (spending budget);
    /// for strings this leaves the payload unread, see [`Self::bytes`].
    #[inline(always)]
    fn head(&mut self) -> Result<Head> {
        let h = self.peek()?;
        self.budget.spend(self.offset())?;
        Ok(h)
    }

    #[inline(always)]
    fn expect(&mut self, major: u8) -> Result<Head> {
        let h = self.peek()?;
        if h.major != major {
            return Err(self.err(ErrorKind::CborUnexpectedType));
        }
        self.budget.spend(self.offset())?;
        Ok(h)
    }

    // The helpers below take a head's fields, not a `Head`: at opt-level
    // "z" passing the struct made LLVM copy it through `memcpy` on every
    // item (measured on Cortex-M4: a third of the manifest decode).

    /// Move past a head of `head_len` bytes (checked by [`Self::peek`] at
    /// the current position).
    fn past_head(&mut self, head_len: usize) {
        self.pos = self.pos.saturating_add(head_len).min(self.input.len());
    }

    /// Move past the head of a byte or text string (`head_len` bytes,
    /// argument `arg`) and its content, returning the content.
    /// [`Self::peek`] checked that the content fits the input.
    fn past_string(&mut self, head_len: usize, arg: u64) -> &'a [u8] {
        let start = self.pos.saturating_add(head_len);
        let len = usize::try_from(arg).unwrap_or(usize::MAX);
        let end = start.saturating_add(len).min(self.input.len());
        self.pos = end;
        self.input.get(start..end).unwrap_or(&[])
    }

    /// The content of a text string (item at absolute `at`).
    fn past_text(&mut self, head_len: usize, arg: u64, at: usize) -> Result<&'a str> {
        core::str::from_utf8(self.past_string(head_len, arg))
            .map_err(|_| ErrorKind::CborInvalidUtf8.at(at))
    }

    /// The major type of the next item (checked head).
    ///
    /// # Errors
    /// As [`Self::peek`].
    pub fn peek_major(&self) -> Result<u8> {
        self.peek().map(|h| h.major)
    }

    /// Whether the next item is `null`.
    #[must_use]
    pub fn next_is_null(&self) -> bool {
        matches!(
            self.peek(),
            Ok(Head {
                major: major::SIMPLE,
                arg: 22,
                ..
            })
        )
    }

    /// An unsigned integer.
    ///
    /// # Errors
    /// Wrong type or malformed input.
    pub fn uint(&mut self) -> Result<u64> {
        let h = self.expect(major::UINT)?;
        self.past_head(h.len);
        Ok(h.arg)
    }

    /// An integer (major 0 or 1) that fits an `i64`.
    ///
    /// # Errors
    /// Wrong type, [`ErrorKind::CborIntegerRange`], malformed input.
    pub fn int(&mut self) -> Result<i64> {
        let h = self.peek()?;
        if h.major != major::UINT && h.major != major::NINT {
            return Err(self.err(ErrorKind::CborUnexpectedType));
        }
        let at = self.offset();
        self.budget.spend(at)?;
        self.past_head(h.len);
        // Major 1 encodes -1 - arg.
        i64::try_from(h.arg)
            .ok()
            .and_then(|v| {
                if h.major == major::NINT {
                    (-1i64).checked_sub(v)
                } else {
                    Some(v)
                }
            })
            .ok_or(ErrorKind::CborIntegerRange.at(at))
    }

    /// A definite byte string, borrowed from the input.
    ///
    /// # Errors
    /// Wrong type, truncation.
    pub fn bytes(&mut self) -> Result<&'a [u8]> {
        let h = self.expect(major::BYTES)?;
        Ok(self.past_string(h.len, h.arg))
    }

    /// A byte string together with its absolute offset and the absolute
    /// offset of its content: `(whole item incl. head, content, content offset)`.
    ///
    /// # Errors
    /// As [`Self::bytes`].
    pub fn bytes_with_head(&mut self) -> Result<(&'a [u8], &'a [u8], usize)> {
        let start = self.position();
        let h = self.expect(major::BYTES)?;
        let content = self.past_string(h.len, h.arg);
        let end = self.position();
        let content_off = self.base.saturating_add(start).saturating_add(h.len);
        Ok((self.slice(start, end), content, content_off))
    }

    /// A definite text string (valid UTF-8), borrowed from the input.
    ///
    /// # Errors
    /// Wrong type, truncation, [`ErrorKind::CborInvalidUtf8`].
    pub fn text(&mut self) -> Result<&'a str> {
        let h = self.expect(major::TEXT)?;
        let at = self.offset();
        self.past_text(h.len, h.arg, at)
    }

    /// The count of a definite array.
    ///
    /// # Errors
    /// Wrong type or malformed input.
    pub fn array(&mut self) -> Result<usize> {
        let h = self.expect(major::ARRAY)?;
        self.past_head(h.len);
        usize::try_from(h.arg).map_err(|_| self.err(ErrorKind::CborLengthExceedsInput))
    }

    /// The entry count of a definite map.
    ///
    /// # Errors
    /// Wrong type or malformed input.
    pub fn map(&mut self) -> Result<usize> {
        let h = self.expect(major::MAP)?;
        self.past_head(h.len);
        usize::try_from(h.arg).map_err(|_| self.err(ErrorKind::CborLengthExceedsInput))
    }

    /// A tag number.
    ///
    /// # Errors
    /// Wrong type or malformed input.
    pub fn tag(&mut self) -> Result<u64> {
        let h = self.expect(major::TAG)?;
        self.past_head(h.len);
        Ok(h.arg)
    }

    /// A boolean.
    ///
    /// # Errors
    /// Wrong type.
    pub fn bool(&mut self) -> Result<bool> {
        let h = self.expect(major::SIMPLE)?;
        match h.arg {
            20 | 21 => {
                self.past_head(h.len);
                Ok(h.arg == 21)
            }
            _ => Err(self.err(ErrorKind::CborUnexpectedType)),
        }
    }

    /// `null`.
    ///
    /// # Errors
    /// Wrong type.
    pub fn null(&mut self) -> Result<()> {
        let h = self.expect(major::SIMPLE)?;
        if h.arg != 22 {
            return Err(self.err(ErrorKind::CborUnexpectedType));
        }
        self.past_head(h.len);
        Ok(())
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
            match self.slice(ps, pe).cmp(self.slice(start, end)) {
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
        let item_start = self.position();
        // A scalar (the common case: an integer or a byte string) needs no
        // stack of levels.
        let Head { major, arg, len } = self.head()?;
        let children = self.past_item_head(major, arg, len)?;
        if children == 0 {
            return Ok(self.slice(item_start, self.position()));
        }
        let mut st = SkipStack::new();
        let mut depth = 0usize;
        st.open(0, major, children);
        loop {
            let remaining = *st
                .remaining
                .get(depth)
                .ok_or_else(|| self.err(ErrorKind::LimitCborDepth))?;
            if remaining == 0 {
                if depth == 0 {
                    return Ok(self.slice(item_start, self.position()));
                }
                depth = depth.saturating_sub(1);
                self.item_done(&mut st, depth)?;
                continue;
            }
            // In a map (2n items), an even count left means a key is next.
            if st.map.get(depth) == Some(&true)
                && remaining % 2 == 0
                && let Some(k) = st.key_start.get_mut(depth)
            {
                *k = self.position();
            }
            if let Some(r) = st.remaining.get_mut(depth) {
                *r = remaining.saturating_sub(1);
            }
            let Head { major, arg, len } = self.head()?;
            let children = self.past_item_head(major, arg, len)?;
            if children == 0 {
                self.item_done(&mut st, depth)?;
            } else {
                depth = depth.saturating_add(1);
                if depth >= MAX_CBOR_DEPTH {
                    return Err(self.err(ErrorKind::LimitCborDepth));
                }
                st.open(depth, major, children);
            }
        }
    }

    /// Consume the head just checked at the current position (and a
    /// string's content); return how many child items follow it.
    #[inline(always)]
    fn past_item_head(&mut self, major: u8, arg: u64, head_len: usize) -> Result<usize> {
        let at = self.offset();
        let children = match major {
            major::BYTES => {
                self.past_string(head_len, arg);
                return Ok(0);
            }
            major::TEXT => {
                self.past_text(head_len, arg, at)?;
                return Ok(0);
            }
            major::ARRAY => arg,
            major::MAP => arg.saturating_mul(2),
            major::TAG => 1,
            // Integers, and the simple values peek() admits (false, true, null).
            _ => 0,
        };
        self.past_head(head_len);
        // peek() checked the count against the remaining input (one byte at
        // least per item), so it fits a usize.
        usize::try_from(children).map_err(|_| ErrorKind::CborLengthExceedsInput.at(at))
    }

    /// Bookkeeping when an item at level `depth` completed: in a map, a
    /// completed key (an odd count left) must sort after the previous key.
    #[inline(always)]
    fn item_done(&self, st: &mut SkipStack, depth: usize) -> Result<()> {
        if st.map.get(depth) != Some(&true) || st.remaining.get(depth).is_none_or(|r| r % 2 == 0) {
            return Ok(());
        }
        self.key_done(st, depth)
    }

    /// A map key at level `depth` completed: check its order.
    fn key_done(&self, st: &mut SkipStack, depth: usize) -> Result<()> {
        let key_start = st.key_start.get(depth).copied().unwrap_or(0);
        let (Some(ps), Some(pe)) = (st.prev_start.get_mut(depth), st.prev_end.get_mut(depth))
        else {
            return Err(self.err(ErrorKind::LimitCborDepth));
        };
        // A key ends after its first byte, so an end of 0 means "no key yet".
        let mut prev = (*pe != 0).then_some((*ps, *pe));
        let key_at = self.base.saturating_add(key_start);
        self.check_key_order(&mut prev, key_start, key_at)?;
        if let Some((s, e)) = prev {
            (*ps, *pe) = (s, e);
        }
        Ok(())
    }
}

/// [`Reader::skip`]'s explicit stack of open containers, level `d` at
/// nesting `d + 1`. Parallel arrays of integers rather than an array of
/// structs: each is zeroed by one `memset` (an array of structs was
/// initialised element by element at opt-level "z", measured on Cortex-M4).
struct SkipStack {
    /// Items still to read (a map of n entries has 2n).
    remaining: [usize; MAX_CBOR_DEPTH],
    map: [bool; MAX_CBOR_DEPTH],
    /// Where the current key of a map started.
    key_start: [usize; MAX_CBOR_DEPTH],
    /// The previous key of a map (end 0: none yet).
    prev_start: [usize; MAX_CBOR_DEPTH],
    prev_end: [usize; MAX_CBOR_DEPTH],
}

impl SkipStack {
    fn new() -> SkipStack {
        SkipStack {
            remaining: [0; MAX_CBOR_DEPTH],
            map: [false; MAX_CBOR_DEPTH],
            key_start: [0; MAX_CBOR_DEPTH],
            prev_start: [0; MAX_CBOR_DEPTH],
            prev_end: [0; MAX_CBOR_DEPTH],
        }
    }

    /// Open a container of `children` items at level `d` (`d` below
    /// `MAX_CBOR_DEPTH`).
    fn open(&mut self, d: usize, major: u8, children: usize) {
        if let (Some(r), Some(m), Some(pe)) = (
            self.remaining.get_mut(d),
            self.map.get_mut(d),
            self.prev_end.get_mut(d),
        ) {
            *r = children;
            *m = major == major::MAP;
            *pe = 0;
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
    fn trailing_bytes_and_offsets() {
        assert_eq!(single(&[0x01, 0x02]), Err(ErrorKind::CborTrailingBytes));
        let e = check_single_item(&[0x01, 0x02], 100, &mut budget()).unwrap_err();
        assert_eq!(e.offset(), Some(101));
    }
}
