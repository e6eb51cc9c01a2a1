//! Result codes: the C names and numbers of [`suit_verify::ErrorKind`].
//!
//! Every constant below is `kind.code()` of the kind with the same name
//! (`SUIT_RESULT_` + `kind.name()`); [`NAMES`] and `MESSAGES` list their
//! NUL-terminated names and messages for `suit_result_name` and
//! `suit_result_message`. All are written out (cbindgen reads literals, not
//! macros); the unit tests assert the mapping is a bijection with
//! `ErrorKind::ALL`, so a kind added to the core without a line here fails
//! the build's tests. Numbers are never renumbered or reused.

use core::ffi::{CStr, c_char};

/// A result code: `SUIT_RESULT_OK` (0) or one of the `SUIT_RESULT_*`
/// constants (the numbers of the Rust `ErrorKind`). An integer, not a C
/// enum, so its size does not depend on `-fshort-enums`.
#[allow(non_camel_case_types)]
pub type suit_result = u32;

/// Success.
pub const SUIT_RESULT_OK: suit_result = 0_u32;

/// Input ends inside a CBOR item.
pub const SUIT_RESULT_CBOR_TRUNCATED: suit_result = 0x0101_u32;
/// CBOR item is not well-formed.
pub const SUIT_RESULT_CBOR_MALFORMED: suit_result = 0x0102_u32;
/// Indefinite-length CBOR item in signed content.
pub const SUIT_RESULT_CBOR_INDEFINITE_LENGTH: suit_result = 0x0103_u32;
/// CBOR integer or length not in shortest form.
pub const SUIT_RESULT_CBOR_NOT_SHORTEST: suit_result = 0x0104_u32;
/// CBOR map keys not in deterministic order.
pub const SUIT_RESULT_CBOR_UNSORTED_KEYS: suit_result = 0x0105_u32;
/// CBOR map has a duplicate key.
pub const SUIT_RESULT_CBOR_DUPLICATE_KEY: suit_result = 0x0106_u32;
/// Bytes left after the CBOR item.
pub const SUIT_RESULT_CBOR_TRAILING_BYTES: suit_result = 0x0107_u32;
/// CBOR item has the wrong type.
pub const SUIT_RESULT_CBOR_UNEXPECTED_TYPE: suit_result = 0x0108_u32;
/// CBOR integer out of range.
pub const SUIT_RESULT_CBOR_INTEGER_RANGE: suit_result = 0x0109_u32;
/// CBOR length is larger than the remaining input.
pub const SUIT_RESULT_CBOR_LENGTH_EXCEEDS_INPUT: suit_result = 0x010A_u32;
/// CBOR text string is not valid UTF-8.
pub const SUIT_RESULT_CBOR_INVALID_UTF8: suit_result = 0x010B_u32;
/// CBOR float or simple value not allowed.
pub const SUIT_RESULT_CBOR_UNSUPPORTED_SIMPLE: suit_result = 0x010C_u32;
/// Envelope carries no authentication block.
pub const SUIT_RESULT_AUTH_NO_SIGNATURE: suit_result = 0x0201_u32;
/// Manifest digest does not match the authentication wrapper.
pub const SUIT_RESULT_AUTH_DIGEST_MISMATCH: suit_result = 0x0202_u32;
/// Digest algorithm not supported.
pub const SUIT_RESULT_AUTH_UNSUPPORTED_DIGEST: suit_result = 0x0203_u32;
/// Signature does not verify.
pub const SUIT_RESULT_AUTH_SIGNATURE_INVALID: suit_result = 0x0204_u32;
/// No trusted key for this signature.
pub const SUIT_RESULT_AUTH_UNTRUSTED_KEY: suit_result = 0x0205_u32;
/// Signature algorithm missing from the protected header or not supported.
pub const SUIT_RESULT_AUTH_UNSUPPORTED_ALGORITHM: suit_result = 0x0206_u32;
/// COSE header marks an unknown label critical.
pub const SUIT_RESULT_AUTH_UNKNOWN_CRITICAL: suit_result = 0x0207_u32;
/// COSE payload must be nil (detached).
pub const SUIT_RESULT_AUTH_ATTACHED_PAYLOAD: suit_result = 0x0208_u32;
/// COSE structure is malformed.
pub const SUIT_RESULT_AUTH_COSE_MALFORMED: suit_result = 0x0209_u32;
/// A signer the policy requires did not sign.
pub const SUIT_RESULT_AUTH_REQUIRED_SIGNER_MISSING: suit_result = 0x020A_u32;
/// COSE structure type not supported.
pub const SUIT_RESULT_AUTH_UNSUPPORTED_COSE: suit_result = 0x020B_u32;
/// Envelope is not tagged 107.
pub const SUIT_RESULT_ENVELOPE_MISSING_TAG: suit_result = 0x0301_u32;
/// Envelope has an unknown key.
pub const SUIT_RESULT_ENVELOPE_UNKNOWN_KEY: suit_result = 0x0302_u32;
/// Envelope has no authentication wrapper.
pub const SUIT_RESULT_ENVELOPE_MISSING_AUTH: suit_result = 0x0303_u32;
/// Envelope has no manifest.
pub const SUIT_RESULT_ENVELOPE_MISSING_MANIFEST: suit_result = 0x0304_u32;
/// Manifest version is not 1.
pub const SUIT_RESULT_MANIFEST_VERSION: suit_result = 0x0305_u32;
/// Manifest lacks a required member.
pub const SUIT_RESULT_MANIFEST_MISSING_MEMBER: suit_result = 0x0306_u32;
/// Manifest has an unknown key.
pub const SUIT_RESULT_MANIFEST_UNKNOWN_KEY: suit_result = 0x0307_u32;
/// Severed member does not match its digest.
pub const SUIT_RESULT_SEVERED_DIGEST_MISMATCH: suit_result = 0x0308_u32;
/// Severed member needed but not in the envelope.
pub const SUIT_RESULT_SEVERED_MEMBER_MISSING: suit_result = 0x0309_u32;
/// Envelope carries a member the manifest did not sever.
pub const SUIT_RESULT_SEVERED_MEMBER_UNEXPECTED: suit_result = 0x030A_u32;
/// Command sequence is malformed.
pub const SUIT_RESULT_SEQUENCE_MALFORMED: suit_result = 0x030B_u32;
/// Unknown command.
pub const SUIT_RESULT_UNKNOWN_COMMAND: suit_result = 0x030C_u32;
/// Unknown parameter.
pub const SUIT_RESULT_UNKNOWN_PARAMETER: suit_result = 0x030D_u32;
/// Parameter or argument value is invalid.
pub const SUIT_RESULT_INVALID_PARAMETER: suit_result = 0x030E_u32;
/// Custom command or parameter in the shared sequence.
pub const SUIT_RESULT_CUSTOM_IN_SHARED_SEQUENCE: suit_result = 0x030F_u32;
/// Directive with side effects in the shared sequence.
pub const SUIT_RESULT_DIRECTIVE_IN_SHARED_SEQUENCE: suit_result = 0x0310_u32;
/// Soft-failure set outside try-each or run-sequence.
pub const SUIT_RESULT_SOFT_FAILURE_MISPLACED: suit_result = 0x0311_u32;
/// Try-each needs at least two alternatives.
pub const SUIT_RESULT_TRY_EACH_TOO_FEW: suit_result = 0x0312_u32;
/// Component index out of range.
pub const SUIT_RESULT_COMPONENT_INDEX_OUT_OF_RANGE: suit_result = 0x0313_u32;
/// No component selected.
pub const SUIT_RESULT_COMPONENT_NOT_SELECTED: suit_result = 0x0314_u32;
/// Manifest uses an extension this processor does not support.
pub const SUIT_RESULT_UNSUPPORTED_EXTENSION: suit_result = 0x0315_u32;
/// Component identifier is invalid.
pub const SUIT_RESULT_COMPONENT_ID_INVALID: suit_result = 0x0316_u32;
/// A command needs a parameter that is not set.
pub const SUIT_RESULT_PARAMETER_UNSET: suit_result = 0x0317_u32;
/// The manifest has no such section.
pub const SUIT_RESULT_SECTION_ABSENT: suit_result = 0x0318_u32;
/// Integrated payload not found in the envelope.
pub const SUIT_RESULT_PAYLOAD_MISSING: suit_result = 0x0319_u32;
/// Sequence number is lower than allowed (rollback).
pub const SUIT_RESULT_SEQUENCE_ROLLBACK: suit_result = 0x0401_u32;
/// Vendor identifier does not match.
pub const SUIT_RESULT_VENDOR_MISMATCH: suit_result = 0x0402_u32;
/// Class identifier does not match.
pub const SUIT_RESULT_CLASS_MISMATCH: suit_result = 0x0403_u32;
/// Device identifier does not match.
pub const SUIT_RESULT_DEVICE_MISMATCH: suit_result = 0x0404_u32;
/// Image digest does not match.
pub const SUIT_RESULT_IMAGE_DIGEST_MISMATCH: suit_result = 0x0405_u32;
/// Image size does not match.
pub const SUIT_RESULT_IMAGE_SIZE_MISMATCH: suit_result = 0x0406_u32;
/// Component slot does not match.
pub const SUIT_RESULT_SLOT_MISMATCH: suit_result = 0x0407_u32;
/// Component content does not match.
pub const SUIT_RESULT_CONTENT_MISMATCH: suit_result = 0x0408_u32;
/// Manifest aborted.
pub const SUIT_RESULT_ABORTED: suit_result = 0x0409_u32;
/// Every try-each alternative failed.
pub const SUIT_RESULT_TRY_EACH_FAILED: suit_result = 0x040A_u32;
/// Directive before vendor and class identifiers were checked.
pub const SUIT_RESULT_IDENTITY_UNCHECKED: suit_result = 0x040B_u32;
/// Custom condition failed.
pub const SUIT_RESULT_CUSTOM_CONDITION_FAILED: suit_result = 0x040C_u32;
/// The device does not support a component the manifest lists.
pub const SUIT_RESULT_COMPONENT_UNSUPPORTED: suit_result = 0x040D_u32;
/// CBOR nesting deeper than the limit.
pub const SUIT_RESULT_LIMIT_CBOR_DEPTH: suit_result = 0x0501_u32;
/// More CBOR items than the budget allows.
pub const SUIT_RESULT_LIMIT_CBOR_ITEMS: suit_result = 0x0502_u32;
/// More authentication blocks than the limit.
pub const SUIT_RESULT_LIMIT_AUTH_BLOCKS: suit_result = 0x0503_u32;
/// More components than supported.
pub const SUIT_RESULT_LIMIT_COMPONENTS: suit_result = 0x0504_u32;
/// More commands executed than the budget allows.
pub const SUIT_RESULT_LIMIT_COMMANDS: suit_result = 0x0505_u32;
/// Command sequences nested deeper than the limit.
pub const SUIT_RESULT_LIMIT_SEQUENCE_DEPTH: suit_result = 0x0506_u32;
/// More try-each alternatives than the limit.
pub const SUIT_RESULT_LIMIT_ALTERNATIVES: suit_result = 0x0507_u32;
/// Component identifier has too many segments.
pub const SUIT_RESULT_LIMIT_COMPONENT_ID_SEGMENTS: suit_result = 0x0508_u32;
/// More integrated payloads than the limit.
pub const SUIT_RESULT_LIMIT_PAYLOADS: suit_result = 0x0509_u32;
/// More trusted keys than supported.
pub const SUIT_RESULT_LIMIT_KEYS: suit_result = 0x050A_u32;
/// More custom parameters than the table holds.
pub const SUIT_RESULT_LIMIT_CUSTOM_PARAMETERS: suit_result = 0x050B_u32;
// 0x050C is reserved: LIMIT_HEADER_SIZE, dropped from the core before any
// release. Never reuse it.
/// The platform does not support this operation.
pub const SUIT_RESULT_PLATFORM_UNSUPPORTED: suit_result = 0x0601_u32;
/// The platform operation failed.
pub const SUIT_RESULT_PLATFORM_FAILED: suit_result = 0x0602_u32;
/// Data not available yet; run the procedure again later.
pub const SUIT_RESULT_PENDING: suit_result = 0x0603_u32;
/// Crypto backend failed.
pub const SUIT_RESULT_CRYPTO_BACKEND: suit_result = 0x0604_u32;
/// Required pointer is NULL.
pub const SUIT_RESULT_NULL_POINTER: suit_result = 0x0701_u32;
/// Object used before init, after deinit, or in the wrong state.
pub const SUIT_RESULT_BAD_STATE: suit_result = 0x0702_u32;
/// Buffer too small.
pub const SUIT_RESULT_BUFFER_TOO_SMALL: suit_result = 0x0703_u32;
/// ABI version or storage size mismatch.
pub const SUIT_RESULT_ABI_MISMATCH: suit_result = 0x0704_u32;
/// Invalid argument.
pub const SUIT_RESULT_INVALID_ARGUMENT: suit_result = 0x0705_u32;
/// Trusted key is malformed or unsupported.
pub const SUIT_RESULT_INVALID_KEY: suit_result = 0x0706_u32;
/// Internal panic caught at the C boundary (hosted builds only; bare-metal
/// builds call `suit_port_fatal` with this code instead).
pub const SUIT_RESULT_PANIC: suit_result = 0x0707_u32;
/// Unknown result code (never returned: `suit_result_name` gives this
/// code's name, and `suit_result_message` its message, for a code they do
/// not know).
pub const SUIT_RESULT_UNKNOWN_CODE: suit_result = 0x0708_u32;

/// Result codes with a row in the tables below.
pub(crate) const COUNT: usize = 85;

/// One row per result code, in numeric order: (code, name, message). A
/// `const`: only evaluated at build time, into the packed tables below.
const ROWS: [(suit_result, &CStr, &CStr); COUNT] = [
    (SUIT_RESULT_OK, c"OK", c"success"),
    (
        SUIT_RESULT_CBOR_TRUNCATED,
        c"CBOR_TRUNCATED",
        c"input ends inside a CBOR item",
    ),
    (
        SUIT_RESULT_CBOR_MALFORMED,
        c"CBOR_MALFORMED",
        c"CBOR item is not well-formed",
    ),
    (
        SUIT_RESULT_CBOR_INDEFINITE_LENGTH,
        c"CBOR_INDEFINITE_LENGTH",
        c"indefinite-length CBOR item in signed content",
    ),
    (
        SUIT_RESULT_CBOR_NOT_SHORTEST,
        c"CBOR_NOT_SHORTEST",
        c"CBOR integer or length not in shortest form",
    ),
    (
        SUIT_RESULT_CBOR_UNSORTED_KEYS,
        c"CBOR_UNSORTED_KEYS",
        c"CBOR map keys not in deterministic order",
    ),
    (
        SUIT_RESULT_CBOR_DUPLICATE_KEY,
        c"CBOR_DUPLICATE_KEY",
        c"CBOR map has a duplicate key",
    ),
    (
        SUIT_RESULT_CBOR_TRAILING_BYTES,
        c"CBOR_TRAILING_BYTES",
        c"bytes left after the CBOR item",
    ),
    (
        SUIT_RESULT_CBOR_UNEXPECTED_TYPE,
        c"CBOR_UNEXPECTED_TYPE",
        c"CBOR item has the wrong type",
    ),
    (
        SUIT_RESULT_CBOR_INTEGER_RANGE,
        c"CBOR_INTEGER_RANGE",
        c"CBOR integer out of range",
    ),
    (
        SUIT_RESULT_CBOR_LENGTH_EXCEEDS_INPUT,
        c"CBOR_LENGTH_EXCEEDS_INPUT",
        c"CBOR length is larger than the remaining input",
    ),
    (
        SUIT_RESULT_CBOR_INVALID_UTF8,
        c"CBOR_INVALID_UTF8",
        c"CBOR text string is not valid UTF-8",
    ),
    (
        SUIT_RESULT_CBOR_UNSUPPORTED_SIMPLE,
        c"CBOR_UNSUPPORTED_SIMPLE",
        c"CBOR float or simple value not allowed",
    ),
    (
        SUIT_RESULT_AUTH_NO_SIGNATURE,
        c"AUTH_NO_SIGNATURE",
        c"envelope carries no authentication block",
    ),
    (
        SUIT_RESULT_AUTH_DIGEST_MISMATCH,
        c"AUTH_DIGEST_MISMATCH",
        c"manifest digest does not match the authentication wrapper",
    ),
    (
        SUIT_RESULT_AUTH_UNSUPPORTED_DIGEST,
        c"AUTH_UNSUPPORTED_DIGEST",
        c"digest algorithm not supported",
    ),
    (
        SUIT_RESULT_AUTH_SIGNATURE_INVALID,
        c"AUTH_SIGNATURE_INVALID",
        c"signature does not verify",
    ),
    (
        SUIT_RESULT_AUTH_UNTRUSTED_KEY,
        c"AUTH_UNTRUSTED_KEY",
        c"no trusted key for this signature",
    ),
    (
        SUIT_RESULT_AUTH_UNSUPPORTED_ALGORITHM,
        c"AUTH_UNSUPPORTED_ALGORITHM",
        c"signature algorithm missing from the protected header or not supported",
    ),
    (
        SUIT_RESULT_AUTH_UNKNOWN_CRITICAL,
        c"AUTH_UNKNOWN_CRITICAL",
        c"COSE header marks an unknown label critical",
    ),
    (
        SUIT_RESULT_AUTH_ATTACHED_PAYLOAD,
        c"AUTH_ATTACHED_PAYLOAD",
        c"COSE payload must be nil (detached)",
    ),
    (
        SUIT_RESULT_AUTH_COSE_MALFORMED,
        c"AUTH_COSE_MALFORMED",
        c"COSE structure is malformed",
    ),
    (
        SUIT_RESULT_AUTH_REQUIRED_SIGNER_MISSING,
        c"AUTH_REQUIRED_SIGNER_MISSING",
        c"a signer the policy requires did not sign",
    ),
    (
        SUIT_RESULT_AUTH_UNSUPPORTED_COSE,
        c"AUTH_UNSUPPORTED_COSE",
        c"COSE structure type not supported",
    ),
    (
        SUIT_RESULT_ENVELOPE_MISSING_TAG,
        c"ENVELOPE_MISSING_TAG",
        c"envelope is not tagged 107",
    ),
    (
        SUIT_RESULT_ENVELOPE_UNKNOWN_KEY,
        c"ENVELOPE_UNKNOWN_KEY",
        c"envelope has an unknown key",
    ),
    (
        SUIT_RESULT_ENVELOPE_MISSING_AUTH,
        c"ENVELOPE_MISSING_AUTH",
        c"envelope has no authentication wrapper",
    ),
    (
        SUIT_RESULT_ENVELOPE_MISSING_MANIFEST,
        c"ENVELOPE_MISSING_MANIFEST",
        c"envelope has no manifest",
    ),
    (
        SUIT_RESULT_MANIFEST_VERSION,
        c"MANIFEST_VERSION",
        c"manifest version is not 1",
    ),
    (
        SUIT_RESULT_MANIFEST_MISSING_MEMBER,
        c"MANIFEST_MISSING_MEMBER",
        c"manifest lacks a required member",
    ),
    (
        SUIT_RESULT_MANIFEST_UNKNOWN_KEY,
        c"MANIFEST_UNKNOWN_KEY",
        c"manifest has an unknown key",
    ),
    (
        SUIT_RESULT_SEVERED_DIGEST_MISMATCH,
        c"SEVERED_DIGEST_MISMATCH",
        c"severed member does not match its digest",
    ),
    (
        SUIT_RESULT_SEVERED_MEMBER_MISSING,
        c"SEVERED_MEMBER_MISSING",
        c"severed member needed but not in the envelope",
    ),
    (
        SUIT_RESULT_SEVERED_MEMBER_UNEXPECTED,
        c"SEVERED_MEMBER_UNEXPECTED",
        c"envelope carries a member the manifest did not sever",
    ),
    (
        SUIT_RESULT_SEQUENCE_MALFORMED,
        c"SEQUENCE_MALFORMED",
        c"command sequence is malformed",
    ),
    (
        SUIT_RESULT_UNKNOWN_COMMAND,
        c"UNKNOWN_COMMAND",
        c"unknown command",
    ),
    (
        SUIT_RESULT_UNKNOWN_PARAMETER,
        c"UNKNOWN_PARAMETER",
        c"unknown parameter",
    ),
    (
        SUIT_RESULT_INVALID_PARAMETER,
        c"INVALID_PARAMETER",
        c"parameter or argument value is invalid",
    ),
    (
        SUIT_RESULT_CUSTOM_IN_SHARED_SEQUENCE,
        c"CUSTOM_IN_SHARED_SEQUENCE",
        c"custom command or parameter in the shared sequence",
    ),
    (
        SUIT_RESULT_DIRECTIVE_IN_SHARED_SEQUENCE,
        c"DIRECTIVE_IN_SHARED_SEQUENCE",
        c"directive with side effects in the shared sequence",
    ),
    (
        SUIT_RESULT_SOFT_FAILURE_MISPLACED,
        c"SOFT_FAILURE_MISPLACED",
        c"soft-failure set outside try-each or run-sequence",
    ),
    (
        SUIT_RESULT_TRY_EACH_TOO_FEW,
        c"TRY_EACH_TOO_FEW",
        c"try-each needs at least two alternatives",
    ),
    (
        SUIT_RESULT_COMPONENT_INDEX_OUT_OF_RANGE,
        c"COMPONENT_INDEX_OUT_OF_RANGE",
        c"component index out of range",
    ),
    (
        SUIT_RESULT_COMPONENT_NOT_SELECTED,
        c"COMPONENT_NOT_SELECTED",
        c"no component selected",
    ),
    (
        SUIT_RESULT_UNSUPPORTED_EXTENSION,
        c"UNSUPPORTED_EXTENSION",
        c"manifest uses an extension this processor does not support",
    ),
    (
        SUIT_RESULT_COMPONENT_ID_INVALID,
        c"COMPONENT_ID_INVALID",
        c"component identifier is invalid",
    ),
    (
        SUIT_RESULT_PARAMETER_UNSET,
        c"PARAMETER_UNSET",
        c"a command needs a parameter that is not set",
    ),
    (
        SUIT_RESULT_SECTION_ABSENT,
        c"SECTION_ABSENT",
        c"the manifest has no such section",
    ),
    (
        SUIT_RESULT_PAYLOAD_MISSING,
        c"PAYLOAD_MISSING",
        c"integrated payload not found in the envelope",
    ),
    (
        SUIT_RESULT_SEQUENCE_ROLLBACK,
        c"SEQUENCE_ROLLBACK",
        c"sequence number is lower than allowed (rollback)",
    ),
    (
        SUIT_RESULT_VENDOR_MISMATCH,
        c"VENDOR_MISMATCH",
        c"vendor identifier does not match",
    ),
    (
        SUIT_RESULT_CLASS_MISMATCH,
        c"CLASS_MISMATCH",
        c"class identifier does not match",
    ),
    (
        SUIT_RESULT_DEVICE_MISMATCH,
        c"DEVICE_MISMATCH",
        c"device identifier does not match",
    ),
    (
        SUIT_RESULT_IMAGE_DIGEST_MISMATCH,
        c"IMAGE_DIGEST_MISMATCH",
        c"image digest does not match",
    ),
    (
        SUIT_RESULT_IMAGE_SIZE_MISMATCH,
        c"IMAGE_SIZE_MISMATCH",
        c"image size does not match",
    ),
    (
        SUIT_RESULT_SLOT_MISMATCH,
        c"SLOT_MISMATCH",
        c"component slot does not match",
    ),
    (
        SUIT_RESULT_CONTENT_MISMATCH,
        c"CONTENT_MISMATCH",
        c"component content does not match",
    ),
    (SUIT_RESULT_ABORTED, c"ABORTED", c"manifest aborted"),
    (
        SUIT_RESULT_TRY_EACH_FAILED,
        c"TRY_EACH_FAILED",
        c"every try-each alternative failed",
    ),
    (
        SUIT_RESULT_IDENTITY_UNCHECKED,
        c"IDENTITY_UNCHECKED",
        c"directive before vendor and class identifiers were checked",
    ),
    (
        SUIT_RESULT_CUSTOM_CONDITION_FAILED,
        c"CUSTOM_CONDITION_FAILED",
        c"custom condition failed",
    ),
    (
        SUIT_RESULT_COMPONENT_UNSUPPORTED,
        c"COMPONENT_UNSUPPORTED",
        c"the device does not support a component the manifest lists",
    ),
    (
        SUIT_RESULT_LIMIT_CBOR_DEPTH,
        c"LIMIT_CBOR_DEPTH",
        c"CBOR nesting deeper than the limit",
    ),
    (
        SUIT_RESULT_LIMIT_CBOR_ITEMS,
        c"LIMIT_CBOR_ITEMS",
        c"more CBOR items than the budget allows",
    ),
    (
        SUIT_RESULT_LIMIT_AUTH_BLOCKS,
        c"LIMIT_AUTH_BLOCKS",
        c"more authentication blocks than the limit",
    ),
    (
        SUIT_RESULT_LIMIT_COMPONENTS,
        c"LIMIT_COMPONENTS",
        c"more components than supported",
    ),
    (
        SUIT_RESULT_LIMIT_COMMANDS,
        c"LIMIT_COMMANDS",
        c"more commands executed than the budget allows",
    ),
    (
        SUIT_RESULT_LIMIT_SEQUENCE_DEPTH,
        c"LIMIT_SEQUENCE_DEPTH",
        c"command sequences nested deeper than the limit",
    ),
    (
        SUIT_RESULT_LIMIT_ALTERNATIVES,
        c"LIMIT_ALTERNATIVES",
        c"more try-each alternatives than the limit",
    ),
    (
        SUIT_RESULT_LIMIT_COMPONENT_ID_SEGMENTS,
        c"LIMIT_COMPONENT_ID_SEGMENTS",
        c"component identifier has too many segments",
    ),
    (
        SUIT_RESULT_LIMIT_PAYLOADS,
        c"LIMIT_PAYLOADS",
        c"more integrated payloads than the limit",
    ),
    (
        SUIT_RESULT_LIMIT_KEYS,
        c"LIMIT_KEYS",
        c"more trusted keys than supported",
    ),
    (
        SUIT_RESULT_LIMIT_CUSTOM_PARAMETERS,
        c"LIMIT_CUSTOM_PARAMETERS",
        c"more custom parameters than the table holds",
    ),
    (
        SUIT_RESULT_PLATFORM_UNSUPPORTED,
        c"PLATFORM_UNSUPPORTED",
        c"the platform does not support this operation",
    ),
    (
        SUIT_RESULT_PLATFORM_FAILED,
        c"PLATFORM_FAILED",
        c"the platform operation failed",
    ),
    (
        SUIT_RESULT_PENDING,
        c"PENDING",
        c"data not available yet; run the procedure again later",
    ),
    (
        SUIT_RESULT_CRYPTO_BACKEND,
        c"CRYPTO_BACKEND",
        c"crypto backend failed",
    ),
    (
        SUIT_RESULT_NULL_POINTER,
        c"NULL_POINTER",
        c"required pointer is NULL",
    ),
    (
        SUIT_RESULT_BAD_STATE,
        c"BAD_STATE",
        c"object used before init, after deinit, or in the wrong state",
    ),
    (
        SUIT_RESULT_BUFFER_TOO_SMALL,
        c"BUFFER_TOO_SMALL",
        c"buffer too small",
    ),
    (
        SUIT_RESULT_ABI_MISMATCH,
        c"ABI_MISMATCH",
        c"ABI version or storage size mismatch",
    ),
    (
        SUIT_RESULT_INVALID_ARGUMENT,
        c"INVALID_ARGUMENT",
        c"invalid argument",
    ),
    (
        SUIT_RESULT_INVALID_KEY,
        c"INVALID_KEY",
        c"trusted key is malformed or unsupported",
    ),
    (
        SUIT_RESULT_PANIC,
        c"PANIC",
        c"internal panic caught at the C boundary",
    ),
    (
        SUIT_RESULT_UNKNOWN_CODE,
        c"UNKNOWN_CODE",
        c"unknown result code",
    ),
];

/// The codes of [`ROWS`], same order.
pub(crate) static CODES: [u16; COUNT] = codes();

/// The names of [`ROWS`], packed. A table of its own, apart from the
/// messages, so a firmware that prints names links no messages (string
/// literals would share one merged section that the linker keeps whole).
pub(crate) static NAMES: Strings<{ packed_len(NAME) }> = Strings::pack(NAME);

/// The messages of [`ROWS`], packed.
#[cfg(feature = "error-messages")]
pub(crate) static MESSAGES: Strings<{ packed_len(MESSAGE) }> = Strings::pack(MESSAGE);

const NAME: usize = 1;
const MESSAGE: usize = 2;

/// NUL-terminated strings stored end to end, with the start of each.
pub(crate) struct Strings<const L: usize> {
    bytes: [u8; L],
    start: [u16; COUNT],
}

impl<const L: usize> Strings<L> {
    /// The bytes from string `i` to the end of the table.
    fn tail(&self, i: usize) -> Option<&[u8]> {
        self.bytes.get(usize::from(*self.start.get(i)?)..)
    }

    /// String `i` as a C string pointer, if there is one (the packing
    /// guarantees its NUL).
    pub(crate) fn ptr(&self, i: usize) -> Option<*const c_char> {
        self.tail(i).map(|b| b.as_ptr().cast())
    }

    /// String `i`, checked (tests).
    #[cfg(test)]
    pub(crate) fn get(&self, i: usize) -> Option<&CStr> {
        CStr::from_bytes_until_nul(self.tail(i)?).ok()
    }

    // Build-time code below: indexing and arithmetic run in const evaluation,
    // where a mistake is a compile error, not a panic.
    #[allow(
        clippy::indexing_slicing,
        clippy::arithmetic_side_effects,
        clippy::as_conversions,
        clippy::cast_possible_truncation
    )]
    const fn pack(column: usize) -> Self {
        let mut s = Strings {
            bytes: [0; L],
            start: [0; COUNT],
        };
        let (mut i, mut at) = (0, 0);
        while i < COUNT {
            let b = cell(i, column).to_bytes_with_nul();
            s.start[i] = at as u16;
            let mut j = 0;
            while j < b.len() {
                s.bytes[at + j] = b[j];
                j += 1;
            }
            at += b.len();
            i += 1;
        }
        s
    }
}

#[allow(clippy::indexing_slicing)] // build time only
const fn cell(i: usize, column: usize) -> &'static CStr {
    if column == NAME { ROWS[i].1 } else { ROWS[i].2 }
}

#[allow(clippy::arithmetic_side_effects)] // build time only
const fn packed_len(column: usize) -> usize {
    let (mut i, mut n) = (0, 0);
    while i < COUNT {
        n += cell(i, column).to_bytes_with_nul().len();
        i += 1;
    }
    n
}

#[allow(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::as_conversions,
    clippy::cast_possible_truncation
)] // build time only; a code above u16 fails the build
const fn codes() -> [u16; COUNT] {
    let mut c = [0; COUNT];
    let mut i = 0;
    while i < COUNT {
        assert!(ROWS[i].0 <= 0xffff, "result codes must fit u16");
        c[i] = ROWS[i].0 as u16;
        i += 1;
    }
    c
}

// Starts are u16.
const _: () = assert!(packed_len(MESSAGE) <= 0xffff && packed_len(NAME) <= 0xffff);
