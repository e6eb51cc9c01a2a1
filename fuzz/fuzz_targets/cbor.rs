//! The strict CBOR reader on arbitrary bytes, checked against an
//! independent decoder/encoder (suit-encoder's): whatever the reader accepts
//! is one deterministically encoded item (decode + re-encode gives the same
//! bytes), and every deterministically encoded, shallow item is accepted.
#![no_main]
#[cfg(suit_fuzzing_bypass)]
compile_error!("build `cbor` without --cfg suit_fuzzing_bypass (see scripts/fuzz-smoke.sh)");

use libfuzzer_sys::fuzz_target;
use suit_encoder::cbor::{self as enc, Value};
use suit_verify::ErrorKind;
use suit_verify::cbor::{Reader, check_single_item};
use suit_verify::limits::{Budget, MAX_CBOR_ITEMS};

fn depth(v: &Value) -> usize {
    match v {
        Value::Array(a) => 1 + a.iter().map(depth).max().unwrap_or(0),
        Value::Map(m) => {
            1 + m
                .iter()
                .map(|(k, v)| depth(k).max(depth(v)))
                .max()
                .unwrap_or(0)
        }
        Value::Tag(_, b) => 1 + depth(b),
        _ => 0,
    }
}

fuzz_target!(|data: &[u8]| {
    let mut budget = Budget::new(MAX_CBOR_ITEMS, ErrorKind::LimitCborItems);
    let ours = check_single_item(data, 7, &mut budget);
    if let Err(e) = ours {
        assert!(matches!(e.kind().band(), 1 | 5), "{e:?}");
        if let Some(off) = e.offset() {
            assert!(off as usize >= 7 && off as usize <= data.len() + 7, "{e:?}");
        }
    }
    // The oracle is a recursive, allocating decoder: under AddressSanitizer
    // every distinct allocation stack is kept for the life of the process,
    // and on long inputs their number grew the fuzzer's RSS past 2 GB in a
    // 10-minute run. So it judges inputs up to 1 KiB (SUIT's bstr-wrapped
    // members are smaller), and the scripts keep 8 frames of allocation
    // context (ASAN_OPTIONS). Our reader is fuzzed at any length.
    if data.len() > 1024 {
        typed_reads(data);
        return;
    }
    let canonical = enc::is_canonical(data);
    if ours.is_ok() {
        assert!(canonical, "accepted a non-deterministic item: {data:02x?}");
    } else if canonical {
        let v = enc::decode_all(data).unwrap();
        // Shallow, small canonical items must be accepted.
        if depth(&v) < 12 {
            panic!("rejected a canonical item ({:?}): {data:02x?}", ours);
        }
    }

    typed_reads(data);
});

/// Typed reads in sequence until something fails: never panics, the
/// position only moves forward and stays inside the input.
fn typed_reads(data: &[u8]) {
    let mut budget = Budget::new(MAX_CBOR_ITEMS, ErrorKind::LimitCborItems);
    let mut r = Reader::new(data, 0, &mut budget);
    let mut last = 0;
    for op in data.iter().take(64) {
        let ok = match op % 11 {
            0 => r.uint().is_ok(),
            1 => r.int().is_ok(),
            2 => r.bytes().is_ok(),
            3 => r.text().is_ok(),
            4 => r.array().is_ok(),
            5 => r.map().is_ok(),
            6 => r.tag().is_ok(),
            7 => r.bool().is_ok(),
            8 => r.null().is_ok(),
            9 => r.bytes_with_head().is_ok(),
            _ => r.skip().is_ok(),
        };
        assert!(r.position() >= last && r.position() <= data.len());
        last = r.position();
        if !ok && r.peek_major().is_err() {
            break;
        }
    }
}
