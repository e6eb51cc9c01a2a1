//! Deterministic CBOR (RFC 8949 §4.2.1) encoding and a small, strict decoder.
//!
//! Encoding rules applied by [`encode`] / [`try_encode`]: shortest-form
//! integers and lengths, definite lengths only, map keys sorted bytewise by
//! their encoded bytes. [`try_encode`] additionally rejects duplicate map keys.
//! [`encode_unsorted`] keeps maps in the given order (for negative tests).
//!
//! The decoder reads one item, rejects indefinite lengths, floats, undefined
//! and other simple values, duplicate map keys and nesting deeper than
//! [`MAX_DEPTH`]; it never panics.

use std::collections::BTreeSet;
use std::fmt;

use crate::{Error, Result};

/// Maximum nesting depth (arrays, maps, tags) accepted by [`decode`].
pub const MAX_DEPTH: usize = 32;

/// CBOR major type 0: unsigned integer.
pub const MAJOR_UINT: u8 = 0;
/// CBOR major type 1: negative integer (-1 - n).
pub const MAJOR_NINT: u8 = 1;
/// CBOR major type 2: byte string.
pub const MAJOR_BYTES: u8 = 2;
/// CBOR major type 3: text string.
pub const MAJOR_TEXT: u8 = 3;
/// CBOR major type 4: array.
pub const MAJOR_ARRAY: u8 = 4;
/// CBOR major type 5: map.
pub const MAJOR_MAP: u8 = 5;
/// CBOR major type 6: tag.
pub const MAJOR_TAG: u8 = 6;
/// CBOR major type 7: simple values and floats.
pub const MAJOR_SIMPLE: u8 = 7;

/// A CBOR data item (the subset SUIT needs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// Unsigned integer (major type 0).
    Uint(u64),
    /// Negative integer (major type 1); `Nint(n)` encodes the value `-1 - n`.
    Nint(u64),
    /// Byte string.
    Bytes(Vec<u8>),
    /// UTF-8 text string.
    Text(String),
    /// Definite-length array.
    Array(Vec<Value>),
    /// Definite-length map; [`encode`] sorts the entries, the order here is kept
    /// only by [`encode_unsorted`].
    Map(Vec<(Value, Value)>),
    /// Tagged item.
    Tag(u64, Box<Value>),
    /// `true` / `false`.
    Bool(bool),
    /// `null`.
    Null,
    /// A pre-encoded item inserted verbatim (not checked; for tests that need
    /// non-canonical bytes, and to carry members through byte-identically).
    Raw(Vec<u8>),
}

impl Value {
    /// An integer, choosing [`Value::Uint`] or [`Value::Nint`].
    pub fn int(i: i64) -> Value {
        if i >= 0 {
            Value::Uint(i.unsigned_abs())
        } else {
            // -1 - i == !i for two's complement, and is >= 0 here.
            Value::Nint((!i).unsigned_abs())
        }
    }

    /// A byte string.
    pub fn bytes(b: impl Into<Vec<u8>>) -> Value {
        Value::Bytes(b.into())
    }

    /// A text string.
    pub fn text(s: impl Into<String>) -> Value {
        Value::Text(s.into())
    }

    /// A byte string holding the deterministic encoding of `inner`
    /// (the SUIT "bstr .cbor" wrapping).
    pub fn bstr_wrap(inner: &Value) -> Value {
        Value::Bytes(encode(inner))
    }

    /// A map with integer keys.
    pub fn int_map(entries: Vec<(i64, Value)>) -> Value {
        Value::Map(
            entries
                .into_iter()
                .map(|(k, v)| (Value::int(k), v))
                .collect(),
        )
    }

    /// The integer value of `Uint`/`Nint` (as i128, so every CBOR int fits).
    pub fn as_int(&self) -> Option<i128> {
        match self {
            Value::Uint(n) => Some(i128::from(*n)),
            Value::Nint(n) => Some(-1 - i128::from(*n)),
            _ => None,
        }
    }

    /// The value of a `Uint`.
    pub fn as_uint(&self) -> Option<u64> {
        match self {
            Value::Uint(n) => Some(*n),
            _ => None,
        }
    }

    /// The contents of a byte string.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Value::Bytes(b) => Some(b),
            _ => None,
        }
    }

    /// The contents of a text string.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }

    /// The elements of an array.
    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The entries of a map.
    pub fn as_map(&self) -> Option<&[(Value, Value)]> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// Look up an integer key in a map (first match).
    pub fn get_int(&self, key: i64) -> Option<&Value> {
        let k = Value::int(key);
        self.as_map()?
            .iter()
            .find(|(mk, _)| *mk == k)
            .map(|(_, v)| v)
    }
}

/// Encode a CBOR head (initial byte plus argument) in shortest form.
/// `major` is the major type 0..=7 (higher bits are masked off).
pub fn head(major: u8, n: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(9);
    push_head(&mut out, major, n);
    out
}

fn push_head(out: &mut Vec<u8>, major: u8, n: u64) {
    let mt = (major & 7) << 5;
    if n < 24 {
        out.push(mt | (n as u8));
    } else if let Ok(b) = u8::try_from(n) {
        out.push(mt | 24);
        out.push(b);
    } else if let Ok(s) = u16::try_from(n) {
        out.push(mt | 25);
        out.extend_from_slice(&s.to_be_bytes());
    } else if let Ok(w) = u32::try_from(n) {
        out.push(mt | 26);
        out.extend_from_slice(&w.to_be_bytes());
    } else {
        out.push(mt | 27);
        out.extend_from_slice(&n.to_be_bytes());
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum MapMode {
    Unsorted,
    Sorted,
    SortedNoDup,
}

fn encode_into(v: &Value, out: &mut Vec<u8>, mode: MapMode) -> Result<()> {
    match v {
        Value::Uint(n) => push_head(out, MAJOR_UINT, *n),
        Value::Nint(n) => push_head(out, MAJOR_NINT, *n),
        Value::Bytes(b) => {
            push_head(out, MAJOR_BYTES, b.len() as u64);
            out.extend_from_slice(b);
        }
        Value::Text(s) => {
            push_head(out, MAJOR_TEXT, s.len() as u64);
            out.extend_from_slice(s.as_bytes());
        }
        Value::Array(a) => {
            push_head(out, MAJOR_ARRAY, a.len() as u64);
            for item in a {
                encode_into(item, out, mode)?;
            }
        }
        Value::Map(m) => {
            push_head(out, MAJOR_MAP, m.len() as u64);
            if mode == MapMode::Unsorted {
                for (k, val) in m {
                    encode_into(k, out, mode)?;
                    encode_into(val, out, mode)?;
                }
            } else {
                let mut entries = Vec::with_capacity(m.len());
                for (k, val) in m {
                    let mut kb = Vec::new();
                    encode_into(k, &mut kb, mode)?;
                    let mut vb = Vec::new();
                    encode_into(val, &mut vb, mode)?;
                    entries.push((kb, vb));
                }
                // Stable sort: duplicates (if allowed) keep their given order.
                entries.sort_by(|a, b| a.0.cmp(&b.0));
                if mode == MapMode::SortedNoDup && entries.windows(2).any(|w| w[0].0 == w[1].0) {
                    return Err(Error::DuplicateKey);
                }
                for (kb, vb) in entries {
                    out.extend_from_slice(&kb);
                    out.extend_from_slice(&vb);
                }
            }
        }
        Value::Tag(t, inner) => {
            push_head(out, MAJOR_TAG, *t);
            encode_into(inner, out, mode)?;
        }
        Value::Bool(false) => out.push(0xf4),
        Value::Bool(true) => out.push(0xf5),
        Value::Null => out.push(0xf6),
        Value::Raw(r) => out.extend_from_slice(r),
    }
    Ok(())
}

/// Deterministic encoding: shortest forms, map keys sorted bytewise by their
/// encoded bytes. Duplicate keys are NOT rejected here (they are kept, in
/// given order); use [`try_encode`] to reject them.
pub fn encode(v: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    // Cannot fail: only SortedNoDup returns errors.
    let _ = encode_into(v, &mut out, MapMode::Sorted);
    out
}

/// Deterministic encoding like [`encode`], but a map with two equal encoded
/// keys is an error ([`Error::DuplicateKey`]).
pub fn try_encode(v: &Value) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    encode_into(v, &mut out, MapMode::SortedNoDup)?;
    Ok(out)
}

/// Encoding that keeps every map in the given entry order (for negative
/// tests that need out-of-order keys). Integers and lengths are still
/// shortest-form; use [`Value::Raw`] for other non-canonical bytes.
pub fn encode_unsorted(v: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    let _ = encode_into(v, &mut out, MapMode::Unsorted);
    out
}

/// Read one CBOR head at `data[pos..]`: returns (major type, additional info,
/// argument, position after the head). Indefinite lengths (ai 31) and the
/// reserved values 28..30 are errors.
pub fn read_head(data: &[u8], pos: usize) -> Result<(u8, u8, u64, usize)> {
    let ib = *data.get(pos).ok_or(Error::Truncated)?;
    let major = ib >> 5;
    let ai = ib & 0x1f;
    let p = pos.checked_add(1).ok_or(Error::Truncated)?;
    let (len, arg) = match ai {
        0..=23 => return Ok((major, ai, u64::from(ai), p)),
        24 => (1usize, 0u64),
        25 => (2, 0),
        26 => (4, 0),
        27 => (8, 0),
        31 => return Err(Error::Unsupported("indefinite length or break")),
        _ => return Err(Error::Malformed("reserved additional information")),
    };
    let end = p.checked_add(len).ok_or(Error::Truncated)?;
    let bytes = data.get(p..end).ok_or(Error::Truncated)?;
    let mut arg = arg;
    for b in bytes {
        arg = (arg << 8) | u64::from(*b);
    }
    Ok((major, ai, arg, end))
}

/// Decode one data item from the start of `data`; returns the value and the
/// number of bytes it occupied. Non-shortest heads are accepted (re-encoding
/// normalises them; see [`is_canonical`]); indefinite lengths, floats,
/// `undefined`, other simple values, invalid UTF-8, duplicate map keys and
/// nesting deeper than [`MAX_DEPTH`] are errors.
pub fn decode(data: &[u8]) -> Result<(Value, usize)> {
    let mut pos = 0;
    let v = decode_item(data, &mut pos, 0)?;
    Ok((v, pos))
}

/// Decode exactly one item that must span all of `data` (trailing bytes are
/// an error).
pub fn decode_all(data: &[u8]) -> Result<Value> {
    let (v, used) = decode(data)?;
    if used != data.len() {
        return Err(Error::TrailingBytes);
    }
    Ok(v)
}

/// True when `data` is exactly one well-formed item in deterministic
/// encoding (decoding and re-encoding gives the same bytes).
pub fn is_canonical(data: &[u8]) -> bool {
    match decode_all(data) {
        Ok(v) => try_encode(&v).map(|e| e == data).unwrap_or(false),
        Err(_) => false,
    }
}

fn take<'a>(data: &'a [u8], pos: &mut usize, n: u64) -> Result<&'a [u8]> {
    let n = usize::try_from(n).map_err(|_| Error::Truncated)?;
    let end = pos.checked_add(n).ok_or(Error::Truncated)?;
    let s = data.get(*pos..end).ok_or(Error::Truncated)?;
    *pos = end;
    Ok(s)
}

fn remaining(data: &[u8], pos: usize) -> usize {
    data.len().saturating_sub(pos)
}

fn decode_item(data: &[u8], pos: &mut usize, depth: usize) -> Result<Value> {
    if depth > MAX_DEPTH {
        return Err(Error::DepthLimit);
    }
    let (major, ai, arg, p) = read_head(data, *pos)?;
    *pos = p;
    match major {
        MAJOR_UINT => Ok(Value::Uint(arg)),
        MAJOR_NINT => Ok(Value::Nint(arg)),
        MAJOR_BYTES => Ok(Value::Bytes(take(data, pos, arg)?.to_vec())),
        MAJOR_TEXT => {
            let b = take(data, pos, arg)?;
            let s = std::str::from_utf8(b).map_err(|_| Error::Malformed("invalid UTF-8 text"))?;
            Ok(Value::Text(s.to_owned()))
        }
        MAJOR_ARRAY => {
            // Every element takes at least one byte.
            if arg > remaining(data, *pos) as u64 {
                return Err(Error::Truncated);
            }
            let n = usize::try_from(arg).map_err(|_| Error::Truncated)?;
            let mut items = Vec::with_capacity(n);
            for _ in 0..n {
                items.push(decode_item(data, pos, depth.saturating_add(1))?);
            }
            Ok(Value::Array(items))
        }
        MAJOR_MAP => {
            // Every entry takes at least two bytes.
            if arg > (remaining(data, *pos) / 2) as u64 {
                return Err(Error::Truncated);
            }
            let n = usize::try_from(arg).map_err(|_| Error::Truncated)?;
            let mut entries = Vec::with_capacity(n);
            let mut seen: BTreeSet<Vec<u8>> = BTreeSet::new();
            for _ in 0..n {
                let k = decode_item(data, pos, depth.saturating_add(1))?;
                // Compare keys by their canonical encoding.
                if !seen.insert(encode(&k)) {
                    return Err(Error::DuplicateKey);
                }
                let v = decode_item(data, pos, depth.saturating_add(1))?;
                entries.push((k, v));
            }
            Ok(Value::Map(entries))
        }
        MAJOR_TAG => {
            let inner = decode_item(data, pos, depth.saturating_add(1))?;
            Ok(Value::Tag(arg, Box::new(inner)))
        }
        _ => match ai {
            20 => Ok(Value::Bool(false)),
            21 => Ok(Value::Bool(true)),
            22 => Ok(Value::Null),
            23 => Err(Error::Unsupported("undefined")),
            25..=27 => Err(Error::Unsupported("floating-point value")),
            _ => Err(Error::Unsupported("simple value")),
        },
    }
}

/// Split a CBOR array held in `data` (one item spanning all of it) into the
/// raw encoded bytes of its elements (each returned slice is one item).
pub fn split_array(data: &[u8]) -> Result<Vec<&[u8]>> {
    let (major, _, n, mut pos) = read_head(data, 0)?;
    if major != MAJOR_ARRAY {
        return Err(Error::Malformed("expected an array"));
    }
    if n > remaining(data, pos) as u64 {
        return Err(Error::Truncated);
    }
    let mut out = Vec::new();
    for _ in 0..n {
        let start = pos;
        let (_, used) = decode(data.get(pos..).ok_or(Error::Truncated)?)?;
        pos = pos.checked_add(used).ok_or(Error::Truncated)?;
        out.push(data.get(start..pos).ok_or(Error::Truncated)?);
    }
    if pos != data.len() {
        return Err(Error::TrailingBytes);
    }
    Ok(out)
}

/// One map entry as raw encoded (key, value) slices.
pub type RawEntry<'a> = (&'a [u8], &'a [u8]);

/// Split a CBOR map starting at `data[pos..]` into raw (key, value) encoded
/// slices; returns them and the position after the map. Duplicate keys
/// (compared by canonical encoding) are an error.
pub fn split_map(data: &[u8], pos: usize) -> Result<(Vec<RawEntry<'_>>, usize)> {
    let (major, _, n, mut pos) = read_head(data, pos)?;
    if major != MAJOR_MAP {
        return Err(Error::Malformed("expected a map"));
    }
    if n > (remaining(data, pos) / 2) as u64 {
        return Err(Error::Truncated);
    }
    let mut out = Vec::new();
    let mut seen: BTreeSet<Vec<u8>> = BTreeSet::new();
    for _ in 0..n {
        let ks = pos;
        let (k, used) = decode(data.get(pos..).ok_or(Error::Truncated)?)?;
        pos = pos.checked_add(used).ok_or(Error::Truncated)?;
        let ke = pos;
        if !seen.insert(encode(&k)) {
            return Err(Error::DuplicateKey);
        }
        let (_, used) = decode(data.get(pos..).ok_or(Error::Truncated)?)?;
        pos = pos.checked_add(used).ok_or(Error::Truncated)?;
        out.push((
            data.get(ks..ke).ok_or(Error::Truncated)?,
            data.get(ke..pos).ok_or(Error::Truncated)?,
        ));
    }
    Ok((out, pos))
}

fn write_hex(f: &mut fmt::Formatter<'_>, b: &[u8]) -> fmt::Result {
    for x in b {
        write!(f, "{x:02x}")?;
    }
    Ok(())
}

/// Diagnostic notation (RFC 8949 §8), e.g. `{1: h'00', 2: [-16, "x"]}`.
/// `Raw` items are shown as `raw<h'..'>`.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Uint(n) => write!(f, "{n}"),
            Value::Nint(n) => write!(f, "{}", -1 - i128::from(*n)),
            Value::Bytes(b) => {
                f.write_str("h'")?;
                write_hex(f, b)?;
                f.write_str("'")
            }
            Value::Text(s) => write!(f, "{s:?}"),
            Value::Array(a) => {
                f.write_str("[")?;
                for (i, x) in a.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{x}")?;
                }
                f.write_str("]")
            }
            Value::Map(m) => {
                f.write_str("{")?;
                for (i, (k, v)) in m.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k}: {v}")?;
                }
                f.write_str("}")
            }
            Value::Tag(t, v) => write!(f, "{t}({v})"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Null => f.write_str("null"),
            Value::Raw(r) => {
                f.write_str("raw<h'")?;
                write_hex(f, r)?;
                f.write_str("'>")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heads_are_shortest() {
        assert_eq!(head(0, 23), vec![0x17]);
        assert_eq!(head(0, 24), vec![0x18, 24]);
        assert_eq!(head(2, 255), vec![0x58, 0xff]);
        assert_eq!(head(2, 256), vec![0x59, 1, 0]);
        assert_eq!(head(4, 65536), vec![0x9a, 0, 1, 0, 0]);
        assert_eq!(head(1, u64::MAX), [&[0x3b][..], &[0xff; 8]].concat());
    }

    #[test]
    fn ints() {
        assert_eq!(encode(&Value::int(-1)), vec![0x20]);
        assert_eq!(encode(&Value::int(-16)), vec![0x2f]);
        assert_eq!(encode(&Value::int(-257)), vec![0x39, 1, 0]);
        assert_eq!(
            encode(&Value::int(i64::MIN)),
            vec![0x3b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]
        );
        assert_eq!(Value::int(i64::MIN).as_int(), Some(i128::from(i64::MIN)));
    }

    #[test]
    fn map_sorting_is_bytewise() {
        // 24 (18 18) vs -1 (20): bytewise, 0x18 < 0x20, so 24 first.
        let m = Value::int_map(vec![(-1, Value::Null), (24, Value::Null), (1, Value::Null)]);
        assert_eq!(
            encode(&m),
            vec![0xa3, 0x01, 0xf6, 0x18, 0x18, 0xf6, 0x20, 0xf6]
        );
        let m = Value::Map(vec![
            (Value::text("a"), Value::Null),
            (Value::int(3), Value::Null),
        ]);
        assert_eq!(encode(&m), vec![0xa2, 0x03, 0xf6, 0x61, 0x61, 0xf6]);
        assert_eq!(
            encode_unsorted(&m),
            vec![0xa2, 0x61, 0x61, 0xf6, 0x03, 0xf6]
        );
    }

    #[test]
    fn duplicates_rejected() {
        let m = Value::int_map(vec![(1, Value::Null), (1, Value::Bool(true))]);
        assert_eq!(try_encode(&m), Err(Error::DuplicateKey));
        assert_eq!(
            decode(&[0xa2, 0x01, 0xf6, 0x01, 0xf5]),
            Err(Error::DuplicateKey)
        );
    }

    #[test]
    fn decoder_is_total() {
        // Bad inputs must give errors, never panics.
        let bad: &[&[u8]] = &[
            &[],
            &[0x18],
            &[0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
            &[0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
            &[0xbb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
            &[0x9f, 0xff],
            &[0x62, 0xff, 0xfe],
            &[0xfb, 0, 0, 0, 0, 0, 0, 0, 0],
            &[0x1c],
            &[0xf7],
        ];
        for b in bad {
            assert!(decode(b).is_err(), "{b:02x?}");
        }
        let deep = vec![0x81u8; 100];
        assert_eq!(decode(&deep), Err(Error::DepthLimit));
        let mut ok = vec![0x81u8; MAX_DEPTH];
        ok.push(0x00);
        assert!(decode(&ok).is_ok());
        // Tags nest too.
        let tags = vec![0xc1u8; 100];
        assert_eq!(decode(&tags), Err(Error::DepthLimit));
        // Exhaustive 1- and 2-byte inputs.
        for a in 0..=255u8 {
            let _ = decode(&[a]);
            for b in 0..=255u8 {
                let _ = decode(&[a, b]);
            }
        }
    }

    #[test]
    fn roundtrip_and_canonical() {
        let v = Value::Tag(
            107,
            Box::new(Value::Map(vec![
                (Value::int(2), Value::bytes(vec![1, 2, 3])),
                (
                    Value::text("x"),
                    Value::Array(vec![Value::int(-16), Value::Bool(true), Value::Null]),
                ),
            ])),
        );
        let e = encode(&v);
        assert_eq!(
            decode(&e).map(|(d, n)| (encode(&d), n)),
            Ok((e.clone(), e.len()))
        );
        assert!(is_canonical(&e));
        // Non-shortest uint 1 as 0x18 0x01 decodes but is not canonical.
        assert_eq!(decode(&[0x18, 0x01]), Ok((Value::Uint(1), 2)));
        assert!(!is_canonical(&[0x18, 0x01]));
        assert_eq!(
            v.to_string(),
            "107({2: h'010203', \"x\": [-16, true, null]})"
        );
    }

    #[test]
    fn split_helpers() {
        let a = encode(&Value::Array(vec![Value::int(1), Value::bytes(vec![9])]));
        assert_eq!(split_array(&a), Ok(vec![&[0x01][..], &[0x41, 0x09][..]]));
        let m = encode(&Value::int_map(vec![(2, Value::Null), (3, Value::int(-1))]));
        let (entries, end) = split_map(&m, 0).unwrap();
        assert_eq!(end, m.len());
        assert_eq!(
            entries,
            vec![(&[0x02][..], &[0xf6][..]), (&[0x03][..], &[0x20][..])]
        );
    }
}
