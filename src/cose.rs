//! COSE (RFC 9052) as SUIT uses it: COSE_Sign1 with a detached payload.
//!
//! [`Sign1::parse`] reads one authentication block; [`Sign1::tbs_parts`]
//! gives the to-be-signed `Sig_structure`
//! `["Signature1", protected, h'', payload]` as four borrowed slices (a
//! 21-byte stack prefix, the protected header exactly as transmitted, a
//! 10-byte stack infix and the payload), so nothing is copied or allocated.

use crate::cbor::{Reader, major};
use crate::error::{ErrorKind, Result};
use crate::limits::Budget;

/// CBOR tags of the COSE structures an authentication block may hold.
pub mod tag {
    /// COSE_Sign1.
    pub const SIGN1: u64 = 18;
    /// COSE_Mac0.
    pub const MAC0: u64 = 17;
    /// COSE_Sign.
    pub const SIGN: u64 = 98;
    /// COSE_Mac.
    pub const MAC: u64 = 97;
}

/// COSE header labels this crate understands.
pub mod header {
    /// alg.
    pub const ALG: i64 = 1;
    /// crit.
    pub const CRIT: i64 = 2;
    /// kid.
    pub const KID: i64 = 4;
}

/// What a block's headers say, and why a block cannot be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeaderAlg {
    /// `alg` in the protected header.
    Protected(i64),
    /// No `alg` in the protected header (one only in the unprotected bucket
    /// does not count: it is not authenticated).
    Missing,
    /// `alg` is a text string (no SUIT algorithm uses one).
    Text,
}

/// A parsed COSE_Sign1 authentication block.
#[derive(Clone, Copy, Debug)]
pub struct Sign1<'a> {
    /// The protected header bstr content, as transmitted.
    pub protected: &'a [u8],
    /// The algorithm from the protected header.
    pub alg: HeaderAlg,
    /// The key id (protected takes precedence over unprotected).
    pub kid: Option<&'a [u8]>,
    /// The signature bytes.
    pub signature: &'a [u8],
    /// Why this block cannot be used, if a semantic rule fails (unknown
    /// critical label, attached payload, `alg` or `kid` in both header
    /// buckets). CBOR errors are returned instead.
    pub defect: Option<ErrorKind>,
}

impl<'a> Sign1<'a> {
    /// Parse an authentication block (the content of its bstr), which starts
    /// at absolute `offset`.
    ///
    /// # Errors
    /// CBOR errors (a malformed wrapper rejects the envelope);
    /// [`ErrorKind::AuthUnsupportedCose`] for Sign/Mac/Mac0;
    /// [`ErrorKind::AuthCoseMalformed`] for other structure errors, an item
    /// of the wrong type or an integer out of range included (well-formed
    /// CBOR that is no COSE_Sign1: an extra block like that is ignored).
    /// These two stop reading where the block stops being a COSE_Sign1;
    /// [`crate::authenticate`] checks the whole block is one deterministic
    /// item before it ignores it.
    pub fn parse(block: &'a [u8], offset: usize, budget: &mut Budget) -> Result<Sign1<'a>> {
        Self::read(block, offset, budget).map_err(|e| match e.kind() {
            ErrorKind::CborUnexpectedType | ErrorKind::CborIntegerRange => {
                e.with_kind(ErrorKind::AuthCoseMalformed)
            }
            _ => e,
        })
    }

    fn read(block: &'a [u8], offset: usize, budget: &mut Budget) -> Result<Sign1<'a>> {
        let mut r = Reader::new(block, offset, budget);
        if r.peek_major()? != major::TAG {
            return Err(r.err(ErrorKind::AuthCoseMalformed));
        }
        let t = r.tag()?;
        match t {
            tag::SIGN1 => {}
            tag::MAC0 | tag::SIGN | tag::MAC => return Err(r.err(ErrorKind::AuthUnsupportedCose)),
            _ => return Err(r.err(ErrorKind::AuthCoseMalformed)),
        }
        if r.array()? != 4 {
            return Err(r.err(ErrorKind::AuthCoseMalformed));
        }
        let mut defect = None;
        // Protected header: bstr, empty or one map.
        let (_, protected, prot_off) = r.bytes_with_head()?;
        let mut alg = HeaderAlg::Missing;
        let mut kid = None;
        if !protected.is_empty() {
            let mut p = Reader::new(protected, prot_off, r.budget());
            let n = p.map()?;
            let mut prev = None;
            for _ in 0..n {
                let (label, is_int) = read_label(&mut p, &mut prev)?;
                match (is_int, label) {
                    (true, header::ALG) => {
                        alg = match p.peek_major()? {
                            major::TEXT => {
                                p.text()?;
                                HeaderAlg::Text
                            }
                            _ => HeaderAlg::Protected(p.int()?),
                        };
                    }
                    (true, header::CRIT) => {
                        let c = p.array()?;
                        if c == 0 {
                            defect = defect.or(Some(ErrorKind::AuthCoseMalformed));
                        }
                        for _ in 0..c {
                            let understood = match p.peek_major()? {
                                major::UINT | major::NINT => {
                                    matches!(p.int()?, header::ALG | header::KID)
                                }
                                _ => {
                                    p.skip()?;
                                    false
                                }
                            };
                            if !understood {
                                defect = Some(ErrorKind::AuthUnknownCritical);
                            }
                        }
                    }
                    (true, header::KID) => kid = Some(p.bytes()?),
                    _ => {
                        p.skip()?;
                    }
                }
            }
            p.finish()?;
        }
        // Unprotected header: a map; only kid is taken from it. A label this
        // reader takes from the protected header may not appear here too
        // (RFC 9052 §3: the buckets' labels SHOULD be checked disjoint): two
        // values for one label make the block unusable.
        let n = r.map()?;
        let mut prev = None;
        for _ in 0..n {
            let (label, is_int) = read_label(&mut r, &mut prev)?;
            match (is_int, label) {
                (true, header::KID) => {
                    let k = r.bytes()?;
                    if kid.is_some() {
                        defect = defect.or(Some(ErrorKind::AuthCoseMalformed));
                    }
                    kid = kid.or(Some(k));
                }
                (true, header::ALG) if alg != HeaderAlg::Missing => {
                    r.skip()?;
                    defect = defect.or(Some(ErrorKind::AuthCoseMalformed));
                }
                (true, header::CRIT) => {
                    // crit must be protected.
                    r.skip()?;
                    defect = defect.or(Some(ErrorKind::AuthCoseMalformed));
                }
                _ => {
                    r.skip()?;
                }
            }
        }
        // Payload: nil for SUIT's detached mode.
        if r.next_is_null() {
            r.null()?;
        } else {
            r.skip()?;
            defect = Some(ErrorKind::AuthAttachedPayload);
        }
        let signature = r.bytes()?;
        r.finish()?;
        Ok(Sign1 {
            protected,
            alg,
            kid,
            signature,
            defect,
        })
    }

    /// The four parts of the Sig_structure for detached `payload`.
    /// `scratch` holds the two small encoded pieces.
    #[must_use]
    pub fn tbs_parts<'s>(
        &'s self,
        payload: &'s [u8],
        scratch: &'s mut TbsScratch,
    ) -> [&'s [u8]; 4] {
        let TbsScratch { prefix, infix } = scratch;
        // 0x84 array(4), 0x6a "Signature1"
        let mut n = 0;
        n = put(prefix, n, &[0x84, 0x6a]);
        n = put(prefix, n, b"Signature1");
        n = put_head(prefix, n, major::BYTES, self.protected.len());
        let p_len = n;
        let mut m = put(infix, 0, &[0x40]);
        m = put_head(infix, m, major::BYTES, payload.len());
        [
            prefix.get(..p_len).unwrap_or(&[]),
            self.protected,
            infix.get(..m).unwrap_or(&[]),
            payload,
        ]
    }
}

/// Stack storage for the encoded Sig_structure framing.
#[derive(Default)]
pub struct TbsScratch {
    prefix: [u8; 21],
    infix: [u8; 10],
}

/// Read a COSE header label (int or tstr), checking map key order.
fn read_label(r: &mut Reader<'_, '_>, prev: &mut Option<(usize, usize)>) -> Result<(i64, bool)> {
    let start = r.position();
    let at = r.offset();
    let out = match r.peek_major()? {
        major::UINT | major::NINT => (r.int()?, true),
        major::TEXT => {
            r.text()?;
            (0, false)
        }
        _ => return Err(r.err(ErrorKind::AuthCoseMalformed)),
    };
    r.check_key_order(prev, start, at)?;
    Ok(out)
}

fn put(buf: &mut [u8], at: usize, src: &[u8]) -> usize {
    let mut n = at;
    for b in src {
        if let Some(slot) = buf.get_mut(n) {
            *slot = *b;
            n = n.saturating_add(1);
        }
    }
    n
}

/// Encode a CBOR head (shortest form) into `buf` at `at`.
pub(crate) fn put_head(buf: &mut [u8], at: usize, major: u8, len: usize) -> usize {
    let v = u64::try_from(len).unwrap_or(u64::MAX);
    let mt = major << 5;
    if v < 24 {
        put(buf, at, &[mt | v.to_be_bytes()[7]])
    } else if v <= 0xff {
        put(buf, at, &[mt | 24, v.to_be_bytes()[7]])
    } else if v <= 0xffff {
        let b = v.to_be_bytes();
        put(buf, at, &[mt | 25, b[6], b[7]])
    } else if v <= 0xffff_ffff {
        let b = v.to_be_bytes();
        put(buf, at, &[mt | 26, b[4], b[5], b[6], b[7]])
    } else {
        let n = put(buf, at, &[mt | 27]);
        put(buf, n, &v.to_be_bytes())
    }
}
