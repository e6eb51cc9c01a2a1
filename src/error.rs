//! Errors: one small `Copy` value with a stable numbered kind and a byte offset.
//!
//! Every failure in the crate is an [`Error`]: an [`ErrorKind`] (a stable
//! `u16` code, a name and a one-line message) plus the byte offset into the
//! envelope where it was detected (`u32::MAX` when no position applies). The
//! numbers are the C ABI's result codes too (`SUIT_RESULT_*` in
//! `include/suit_verify.h`), so they are never renumbered or reused: a retired
//! kind keeps its number as a "reserved" comment.
//!
//! Kinds are grouped in bands by their high byte:
//!
//! | band | meaning |
//! |---|---|
//! | `0x01xx` | CBOR well-formedness and deterministic encoding |
//! | `0x02xx` | COSE and authentication |
//! | `0x03xx` | envelope, manifest and command structure |
//! | `0x04xx` | policy: rollback, identity, conditions that decide applicability |
//! | `0x05xx` | a documented limit (budget) was exceeded |
//! | `0x06xx` | the platform (device callbacks) refused or failed |
//! | `0x07xx` | API misuse by the caller |

use core::fmt;

/// Byte offset used when an error has no position in the envelope.
pub const NO_OFFSET: u32 = u32::MAX;

macro_rules! error_kinds {
    ($( $(#[$doc:meta])* $name:ident = $code:literal, $cname:literal, $msg:literal; )*) => {
        /// What went wrong. Stable numbers; see the module docs for the bands.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[repr(u16)]
        #[non_exhaustive]
        pub enum ErrorKind {
            $( $(#[$doc])* $name = $code, )*
        }

        impl ErrorKind {
            /// Every kind, in numeric order (for tables, tests and the C header).
            pub const ALL: &'static [ErrorKind] = &[ $( ErrorKind::$name, )* ];

            /// The stable numeric code (also the C `SUIT_RESULT_*` value).
            #[must_use]
            #[allow(clippy::as_conversions)] // a fieldless #[repr(u16)] enum's discriminant
            pub const fn code(self) -> u16 {
                self as u16
            }

            /// The stable name, `SCREAMING_SNAKE_CASE` as in C (without the
            /// `SUIT_RESULT_` prefix).
            #[must_use]
            pub const fn name(self) -> &'static str {
                match self { $( ErrorKind::$name => $cname, )* }
            }

            /// A one-line message for people.
            #[must_use]
            pub const fn message(self) -> &'static str {
                match self { $( ErrorKind::$name => $msg, )* }
            }

            /// The kind with this code, if there is one.
            #[must_use]
            pub const fn from_code(code: u16) -> Option<ErrorKind> {
                match code { $( $code => Some(ErrorKind::$name), )* _ => None }
            }
        }
    };
}

error_kinds! {
    // ---- 0x01xx CBOR -------------------------------------------------------
    /// The input ended inside a CBOR item.
    CborTruncated = 0x0101, "CBOR_TRUNCATED", "input ends inside a CBOR item";
    /// Reserved additional information, a break outside an indefinite item, or similar.
    CborMalformed = 0x0102, "CBOR_MALFORMED", "CBOR item is not well-formed";
    /// An indefinite-length string, array or map.
    CborIndefiniteLength = 0x0103, "CBOR_INDEFINITE_LENGTH", "indefinite-length CBOR item in signed content";
    /// An integer, length or tag not in its shortest form.
    CborNotShortest = 0x0104, "CBOR_NOT_SHORTEST", "CBOR integer or length not in shortest form";
    /// Map keys not in deterministic (bytewise) order.
    CborUnsortedKeys = 0x0105, "CBOR_UNSORTED_KEYS", "CBOR map keys not in deterministic order";
    /// The same map key twice.
    CborDuplicateKey = 0x0106, "CBOR_DUPLICATE_KEY", "CBOR map has a duplicate key";
    /// Bytes left after the item that should fill the buffer.
    CborTrailingBytes = 0x0107, "CBOR_TRAILING_BYTES", "bytes left after the CBOR item";
    /// The item has a different major type or value than the structure requires.
    CborUnexpectedType = 0x0108, "CBOR_UNEXPECTED_TYPE", "CBOR item has the wrong type";
    /// An integer does not fit the range the structure allows.
    CborIntegerRange = 0x0109, "CBOR_INTEGER_RANGE", "CBOR integer out of range";
    /// A declared length is larger than the rest of the input.
    CborLengthExceedsInput = 0x010A, "CBOR_LENGTH_EXCEEDS_INPUT", "CBOR length is larger than the remaining input";
    /// A text string is not valid UTF-8.
    CborInvalidUtf8 = 0x010B, "CBOR_INVALID_UTF8", "CBOR text string is not valid UTF-8";
    /// Floats, undefined and unassigned simple values have no place in SUIT.
    CborUnsupportedSimple = 0x010C, "CBOR_UNSUPPORTED_SIMPLE", "CBOR float or simple value not allowed";

    // ---- 0x02xx COSE and authentication ------------------------------------
    /// The wrapper holds no authentication block at all.
    AuthNoSignature = 0x0201, "AUTH_NO_SIGNATURE", "envelope carries no authentication block";
    /// The manifest's digest differs from the one the wrapper carries.
    AuthDigestMismatch = 0x0202, "AUTH_DIGEST_MISMATCH", "manifest digest does not match the authentication wrapper";
    /// The digest algorithm is not supported.
    AuthUnsupportedDigest = 0x0203, "AUTH_UNSUPPORTED_DIGEST", "digest algorithm not supported";
    /// No block verified: its signature is wrong for the trusted key.
    AuthSignatureInvalid = 0x0204, "AUTH_SIGNATURE_INVALID", "signature does not verify";
    /// No block verified: no trusted key matches the block's kid or algorithm.
    AuthUntrustedKey = 0x0205, "AUTH_UNTRUSTED_KEY", "no trusted key for this signature";
    /// No block verified: its algorithm is unknown, disabled, or only in the unprotected header.
    AuthUnsupportedAlgorithm = 0x0206, "AUTH_UNSUPPORTED_ALGORITHM", "signature algorithm missing from the protected header or not supported";
    /// No block verified: it lists a critical header we do not understand.
    AuthUnknownCritical = 0x0207, "AUTH_UNKNOWN_CRITICAL", "COSE header marks an unknown label critical";
    /// No block verified: the COSE payload is attached instead of nil.
    AuthAttachedPayload = 0x0208, "AUTH_ATTACHED_PAYLOAD", "COSE payload must be nil (detached)";
    /// A COSE structure is not what RFC 9052 prescribes.
    AuthCoseMalformed = 0x0209, "AUTH_COSE_MALFORMED", "COSE structure is malformed";
    /// The policy requires a signer that did not sign.
    AuthRequiredSignerMissing = 0x020A, "AUTH_REQUIRED_SIGNER_MISSING", "a signer the policy requires did not sign";
    /// No block verified: the COSE type (Sign, Mac, Mac0) is not supported.
    AuthUnsupportedCose = 0x020B, "AUTH_UNSUPPORTED_COSE", "COSE structure type not supported";

    // ---- 0x03xx envelope / manifest / command structure --------------------
    /// The envelope does not start with CBOR tag 107.
    EnvelopeMissingTag = 0x0301, "ENVELOPE_MISSING_TAG", "envelope is not tagged 107";
    /// The envelope has an integer key SUIT does not define.
    EnvelopeUnknownKey = 0x0302, "ENVELOPE_UNKNOWN_KEY", "envelope has an unknown key";
    /// The authentication wrapper (key 2) is missing.
    EnvelopeMissingAuth = 0x0303, "ENVELOPE_MISSING_AUTH", "envelope has no authentication wrapper";
    /// The manifest (key 3) is missing.
    EnvelopeMissingManifest = 0x0304, "ENVELOPE_MISSING_MANIFEST", "envelope has no manifest";
    /// manifest-version is not 1.
    ManifestVersion = 0x0305, "MANIFEST_VERSION", "manifest version is not 1";
    /// A required manifest or common member is missing.
    ManifestMissingMember = 0x0306, "MANIFEST_MISSING_MEMBER", "manifest lacks a required member";
    /// The manifest or common block has a key SUIT does not define.
    ManifestUnknownKey = 0x0307, "MANIFEST_UNKNOWN_KEY", "manifest has an unknown key";
    /// A severed member in the envelope does not match the digest in the manifest.
    SeveredDigestMismatch = 0x0308, "SEVERED_DIGEST_MISMATCH", "severed member does not match its digest";
    /// A procedure needs a severed member that the envelope does not carry.
    SeveredMemberMissing = 0x0309, "SEVERED_MEMBER_MISSING", "severed member needed but not in the envelope";
    /// The envelope carries a member the manifest does not declare as severed.
    SeveredMemberUnexpected = 0x030A, "SEVERED_MEMBER_UNEXPECTED", "envelope carries a member the manifest did not sever";
    /// A command sequence is not a flat array of command/argument pairs.
    SequenceMalformed = 0x030B, "SEQUENCE_MALFORMED", "command sequence is malformed";
    /// A command number that this processor does not implement.
    UnknownCommand = 0x030C, "UNKNOWN_COMMAND", "unknown command";
    /// A standard parameter number that this processor does not implement.
    UnknownParameter = 0x030D, "UNKNOWN_PARAMETER", "unknown parameter";
    /// A parameter or argument has the wrong type or value.
    InvalidParameter = 0x030E, "INVALID_PARAMETER", "parameter or argument value is invalid";
    /// A custom command or parameter in the shared sequence.
    CustomInSharedSequence = 0x030F, "CUSTOM_IN_SHARED_SEQUENCE", "custom command or parameter in the shared sequence";
    /// A directive with side effects in the shared sequence.
    DirectiveInSharedSequence = 0x0310, "DIRECTIVE_IN_SHARED_SEQUENCE", "directive with side effects in the shared sequence";
    /// soft-failure set somewhere other than directly in try-each or run-sequence.
    SoftFailureMisplaced = 0x0311, "SOFT_FAILURE_MISPLACED", "soft-failure set outside try-each or run-sequence";
    /// try-each with fewer than two alternatives.
    TryEachTooFew = 0x0312, "TRY_EACH_TOO_FEW", "try-each needs at least two alternatives";
    /// A component index beyond the manifest's component list.
    ComponentIndexOutOfRange = 0x0313, "COMPONENT_INDEX_OUT_OF_RANGE", "component index out of range";
    /// More than one component and a sequence that does not start with
    /// set-component-index (found before anything runs), or a command that
    /// needs a component with none selected.
    ComponentNotSelected = 0x0314, "COMPONENT_NOT_SELECTED", "no component selected";
    /// A companion-draft member or command this build does not process.
    UnsupportedExtension = 0x0315, "UNSUPPORTED_EXTENSION", "manifest uses an extension this processor does not support";
    /// A component identifier is malformed.
    ComponentIdInvalid = 0x0316, "COMPONENT_ID_INVALID", "component identifier is invalid";
    /// A command needs a parameter that is not set.
    ParameterUnset = 0x0317, "PARAMETER_UNSET", "a command needs a parameter that is not set";
    /// The requested section is not in the manifest.
    SectionAbsent = 0x0318, "SECTION_ABSENT", "the manifest has no such section";
    /// An integrated payload named by a fragment URI is not in the envelope.
    PayloadMissing = 0x0319, "PAYLOAD_MISSING", "integrated payload not found in the envelope";

    // ---- 0x04xx policy -----------------------------------------------------
    /// The sequence number is below the caller's floor (rollback).
    SequenceRollback = 0x0401, "SEQUENCE_ROLLBACK", "sequence number is lower than allowed (rollback)";
    /// vendor-identifier condition failed.
    VendorMismatch = 0x0402, "VENDOR_MISMATCH", "vendor identifier does not match";
    /// class-identifier condition failed.
    ClassMismatch = 0x0403, "CLASS_MISMATCH", "class identifier does not match";
    /// device-identifier condition failed.
    DeviceMismatch = 0x0404, "DEVICE_MISMATCH", "device identifier does not match";
    /// image-match condition failed (digest).
    ImageDigestMismatch = 0x0405, "IMAGE_DIGEST_MISMATCH", "image digest does not match";
    /// The image length differs from image-size.
    ImageSizeMismatch = 0x0406, "IMAGE_SIZE_MISMATCH", "image size does not match";
    /// component-slot condition failed.
    SlotMismatch = 0x0407, "SLOT_MISMATCH", "component slot does not match";
    /// check-content condition failed.
    ContentMismatch = 0x0408, "CONTENT_MISMATCH", "component content does not match";
    /// The abort command ran.
    Aborted = 0x0409, "ABORTED", "manifest aborted";
    /// Every try-each alternative failed.
    TryEachFailed = 0x040A, "TRY_EACH_FAILED", "every try-each alternative failed";
    /// A directive with side effects before vendor and class were checked.
    IdentityUnchecked = 0x040B, "IDENTITY_UNCHECKED", "directive before vendor and class identifiers were checked";
    /// A custom condition failed.
    CustomConditionFailed = 0x040C, "CUSTOM_CONDITION_FAILED", "custom condition failed";
    /// The device does not support a component the manifest lists.
    ComponentUnsupported = 0x040D, "COMPONENT_UNSUPPORTED", "the device does not support a component the manifest lists";

    // ---- 0x05xx limits -------------------------------------------------------
    /// CBOR nesting deeper than `limits::MAX_CBOR_DEPTH`.
    LimitCborDepth = 0x0501, "LIMIT_CBOR_DEPTH", "CBOR nesting deeper than the limit";
    /// More CBOR items than the per-envelope budget.
    LimitCborItems = 0x0502, "LIMIT_CBOR_ITEMS", "more CBOR items than the budget allows";
    /// More authentication blocks than the limit.
    LimitAuthBlocks = 0x0503, "LIMIT_AUTH_BLOCKS", "more authentication blocks than the limit";
    /// More components than the processor's capacity.
    LimitComponents = 0x0504, "LIMIT_COMPONENTS", "more components than supported";
    /// More commands executed than the budget.
    LimitCommands = 0x0505, "LIMIT_COMMANDS", "more commands executed than the budget allows";
    /// try-each / run-sequence nested deeper than the limit.
    LimitSequenceDepth = 0x0506, "LIMIT_SEQUENCE_DEPTH", "command sequences nested deeper than the limit";
    /// More try-each alternatives than the limit.
    LimitAlternatives = 0x0507, "LIMIT_ALTERNATIVES", "more try-each alternatives than the limit";
    /// A component identifier with more segments than the limit.
    LimitComponentIdSegments = 0x0508, "LIMIT_COMPONENT_ID_SEGMENTS", "component identifier has too many segments";
    /// More integrated payloads than the limit.
    LimitPayloads = 0x0509, "LIMIT_PAYLOADS", "more integrated payloads than the limit";
    /// More trusted keys than the key store holds.
    LimitKeys = 0x050A, "LIMIT_KEYS", "more trusted keys than supported";
    /// More custom parameters than the table holds.
    LimitCustomParameters = 0x050B, "LIMIT_CUSTOM_PARAMETERS", "more custom parameters than the table holds";

    // ---- 0x06xx platform -----------------------------------------------------
    /// The platform does not support what the manifest asks.
    PlatformUnsupported = 0x0601, "PLATFORM_UNSUPPORTED", "the platform does not support this operation";
    /// The platform tried and failed.
    PlatformFailed = 0x0602, "PLATFORM_FAILED", "the platform operation failed";
    /// The platform's data is not there yet; run the procedure again later.
    Pending = 0x0603, "PENDING", "data not available yet; run the procedure again later";
    /// A crypto backend reported an internal failure.
    CryptoBackend = 0x0604, "CRYPTO_BACKEND", "crypto backend failed";

    // ---- 0x07xx API misuse ---------------------------------------------------
    /// A NULL pointer where a value was required (C ABI).
    NullPointer = 0x0701, "NULL_POINTER", "required pointer is NULL";
    /// The object is not initialised, already released, or in the wrong state.
    BadState = 0x0702, "BAD_STATE", "object used before init, after deinit, or in the wrong state";
    /// A caller buffer is too small.
    BufferTooSmall = 0x0703, "BUFFER_TOO_SMALL", "buffer too small";
    /// The caller was built against another ABI or storage size.
    AbiMismatch = 0x0704, "ABI_MISMATCH", "ABI version or storage size mismatch";
    /// An argument is out of its allowed range.
    InvalidArgument = 0x0705, "INVALID_ARGUMENT", "invalid argument";
    /// A trusted key is malformed or of an unsupported type.
    InvalidKey = 0x0706, "INVALID_KEY", "trusted key is malformed or unsupported";
    /// A panic was caught at the C boundary (host test builds only).
    Panic = 0x0707, "PANIC", "internal panic caught at the C boundary";
    /// The code passed to a lookup is not a known result code.
    UnknownCode = 0x0708, "UNKNOWN_CODE", "unknown result code";
}

impl ErrorKind {
    /// The band (high byte of the code): 1 CBOR, 2 COSE/auth, 3 structure,
    /// 4 policy, 5 limits, 6 platform, 7 API misuse.
    #[must_use]
    pub const fn band(self) -> u8 {
        self.code().to_be_bytes()[0]
    }

    /// An error of this kind at `offset`.
    #[must_use]
    pub const fn at(self, offset: usize) -> Error {
        Error::new(self, offset)
    }

    /// An error of this kind with no position.
    #[must_use]
    pub const fn here(self) -> Error {
        Error {
            kind: self,
            offset: NO_OFFSET,
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

/// A failure: its kind and where in the envelope it was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Error {
    kind: ErrorKind,
    offset: u32,
}

impl Error {
    /// An error of `kind` at byte `offset` (saturated to `u32::MAX - 1` where `usize` is
    /// wider than 32 bits).
    #[must_use]
    #[allow(clippy::as_conversions, clippy::cast_possible_truncation)] // bounded just above; const fn
    pub const fn new(kind: ErrorKind, offset: usize) -> Error {
        // On 32-bit targets the test is dropped at compile time: an offset into a slice is
        // below `isize::MAX` there, so it never reaches `NO_OFFSET` (this saves a compare
        // in each of the ~30 places that build an error, ~0.5 KB of Cortex-M flash).
        let offset = if usize::BITS > u32::BITS && offset >= NO_OFFSET as usize {
            NO_OFFSET - 1
        } else {
            offset as u32
        };
        Error { kind, offset }
    }

    /// What went wrong.
    #[must_use]
    pub const fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The same position, another kind (to name a lower layer's error in
    /// the terms of the structure being read).
    #[must_use]
    pub(crate) const fn with_kind(self, kind: ErrorKind) -> Error {
        Error {
            kind,
            offset: self.offset,
        }
    }

    /// Byte offset into the envelope, or `None` when no position applies.
    #[must_use]
    pub const fn offset(&self) -> Option<u32> {
        if self.offset == NO_OFFSET {
            None
        } else {
            Some(self.offset)
        }
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Error {
        kind.here()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.name(), self.kind.message())?;
        if let Some(off) = self.offset() {
            write!(f, " (at byte {off})")?;
        }
        Ok(())
    }
}

impl core::error::Error for Error {}

/// Result alias used throughout the crate.
pub type Result<T, E = Error> = core::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_sorted_and_named() {
        let all = ErrorKind::ALL;
        for w in all.windows(2) {
            assert!(w[0].code() < w[1].code(), "{:?} !< {:?}", w[0], w[1]);
        }
        for k in all {
            assert_eq!(ErrorKind::from_code(k.code()), Some(*k));
            assert!(!k.name().is_empty() && !k.message().is_empty());
            assert!((1..=7).contains(&k.band()), "{k:?} outside the bands");
        }
        assert_eq!(ErrorKind::from_code(0), None);
    }

    #[test]
    fn offset_none_and_some() {
        assert_eq!(ErrorKind::Aborted.here().offset(), None);
        assert_eq!(ErrorKind::Aborted.at(7).offset(), Some(7));
    }
}
