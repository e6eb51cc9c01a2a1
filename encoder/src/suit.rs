//! SUIT manifest model: numbers, command sequences, manifests and unsigned
//! envelopes (draft-ietf-suit-manifest-37 plus the extension numbers listed in
//! the project's spec digest).

use sha2::{Digest, Sha256};

use crate::cbor::{self, Value};
use crate::{Error, Result};

/// CBOR tag of a SUIT_Envelope.
pub const TAG_ENVELOPE: u64 = 107;
/// CBOR tag of a bare SUIT_Manifest.
pub const TAG_MANIFEST: u64 = 1070;
/// CBOR tag of a COSE_Sign1.
pub const TAG_COSE_SIGN1: u64 = 18;
/// CBOR tag of a COSE_Sign.
pub const TAG_COSE_SIGN: u64 = 98;
/// CBOR tag of a COSE_Mac0.
pub const TAG_COSE_MAC0: u64 = 17;
/// CBOR tag of a COSE_Mac.
pub const TAG_COSE_MAC: u64 = 97;
/// CBOR tag of a PEN (relative OID), used for vendor ids.
pub const TAG_PEN: u64 = 112;

/// Map keys: envelope, manifest, common and text maps.
pub mod key {
    /// SUIT_Envelope keys.
    pub mod envelope {
        /// Reserved: delegation.
        pub const DELEGATION: i64 = 1;
        /// Authentication wrapper (bstr .cbor SUIT_Authentication).
        pub const AUTHENTICATION_WRAPPER: i64 = 2;
        /// Manifest (bstr .cbor SUIT_Manifest).
        pub const MANIFEST: i64 = 3;
        /// Severed CoSWID (update-management).
        pub const COSWID: i64 = 14;
        /// Severed dependency resolution (trust-domains).
        pub const DEPENDENCY_RESOLUTION: i64 = 15;
        /// Severed payload fetch.
        pub const PAYLOAD_FETCH: i64 = 16;
        /// Severed candidate verification (trust-domains).
        pub const CANDIDATE_VERIFICATION: i64 = 18;
        /// Severed install.
        pub const INSTALL: i64 = 20;
        /// Severed text.
        pub const TEXT: i64 = 23;
    }

    /// SUIT_Manifest keys.
    pub mod manifest {
        /// Manifest version (must be 1).
        pub const VERSION: i64 = 1;
        /// Sequence number (anti-rollback).
        pub const SEQUENCE_NUMBER: i64 = 2;
        /// Common (bstr .cbor SUIT_Common).
        pub const COMMON: i64 = 3;
        /// Reference URI (tstr).
        pub const REFERENCE_URI: i64 = 4;
        /// Manifest component id (trust-domains).
        pub const MANIFEST_COMPONENT_ID: i64 = 5;
        /// Set version (update-management).
        pub const SET_VERSION: i64 = 6;
        /// Validate sequence.
        pub const VALIDATE: i64 = 7;
        /// Load sequence.
        pub const LOAD: i64 = 8;
        /// Invoke sequence.
        pub const INVOKE: i64 = 9;
        /// CoSWID (update-management, severable).
        pub const COSWID: i64 = 14;
        /// Dependency resolution (trust-domains, severable).
        pub const DEPENDENCY_RESOLUTION: i64 = 15;
        /// Payload fetch sequence (severable).
        pub const PAYLOAD_FETCH: i64 = 16;
        /// Candidate verification (trust-domains, severable).
        pub const CANDIDATE_VERIFICATION: i64 = 18;
        /// Install sequence (severable).
        pub const INSTALL: i64 = 20;
        /// Text map (severable).
        pub const TEXT: i64 = 23;
        /// Uninstall sequence (trust-domains, not severable).
        pub const UNINSTALL: i64 = 24;
    }

    /// SUIT_Common keys.
    pub mod common {
        /// Dependencies (trust-domains).
        pub const DEPENDENCIES: i64 = 1;
        /// Component identifiers.
        pub const COMPONENTS: i64 = 2;
        /// Shared sequence.
        pub const SHARED_SEQUENCE: i64 = 4;
    }

    /// SUIT_Text_Map keys (manifest-level and component-level).
    pub mod text {
        /// Manifest description.
        pub const MANIFEST_DESCRIPTION: i64 = 1;
        /// Update description.
        pub const UPDATE_DESCRIPTION: i64 = 2;
        /// JSON source of the manifest.
        pub const MANIFEST_JSON_SOURCE: i64 = 3;
        /// YAML source of the manifest.
        pub const MANIFEST_YAML_SOURCE: i64 = 4;
        /// Component: vendor name.
        pub const VENDOR_NAME: i64 = 1;
        /// Component: model name.
        pub const MODEL_NAME: i64 = 2;
        /// Component: vendor domain.
        pub const VENDOR_DOMAIN: i64 = 3;
        /// Component: model info.
        pub const MODEL_INFO: i64 = 4;
        /// Component: description.
        pub const COMPONENT_DESCRIPTION: i64 = 5;
        /// Component: version text.
        pub const COMPONENT_VERSION: i64 = 6;
    }
}

/// COSE algorithm ids used by SUIT.
pub mod alg {
    /// SHA-256 (SUIT_Digest).
    pub const SHA256: i64 = -16;
    /// SHA-384 (SUIT_Digest).
    pub const SHA384: i64 = -43;
    /// SHA-512 (SUIT_Digest).
    pub const SHA512: i64 = -44;
    /// ECDSA P-256 with SHA-256 (legacy, curve not fixed by the id).
    pub const ES256: i64 = -7;
    /// ECDSA P-256 with SHA-256, fully specified.
    pub const ESP256: i64 = -9;
    /// EdDSA (legacy, curve not fixed by the id).
    pub const EDDSA: i64 = -8;
    /// Ed25519, fully specified.
    pub const ED25519: i64 = -19;
    /// HMAC 256/256.
    pub const HMAC256: i64 = 5;
}

/// Reporting-policy bits.
pub mod policy {
    /// Send a record on success.
    pub const RECORD_ON_SUCCESS: u64 = 1;
    /// Send a record on failure.
    pub const RECORD_ON_FAILURE: u64 = 2;
    /// Attach system information on success.
    pub const SYSINFO_SUCCESS: u64 = 4;
    /// Attach system information on failure.
    pub const SYSINFO_FAILURE: u64 = 8;
    /// All four bits (15), as used by the draft's examples.
    pub const ALL: u64 = 15;
}

/// Command numbers (conditions and directives).
pub mod cmd {
    /// Condition: vendor identifier.
    pub const VENDOR_IDENTIFIER: i64 = 1;
    /// Condition: class identifier.
    pub const CLASS_IDENTIFIER: i64 = 2;
    /// Condition: image match.
    pub const IMAGE_MATCH: i64 = 3;
    /// Condition: use before (update-management).
    pub const USE_BEFORE: i64 = 4;
    /// Condition: component slot.
    pub const COMPONENT_SLOT: i64 = 5;
    /// Condition: check content.
    pub const CHECK_CONTENT: i64 = 6;
    /// Condition: dependency integrity (trust-domains).
    pub const DEPENDENCY_INTEGRITY: i64 = 7;
    /// Condition: is dependency (trust-domains).
    pub const IS_DEPENDENCY: i64 = 8;
    /// Directive: process dependency (trust-domains).
    pub const PROCESS_DEPENDENCY: i64 = 11;
    /// Directive: set component index.
    pub const SET_COMPONENT_INDEX: i64 = 12;
    /// Condition: abort.
    pub const ABORT: i64 = 14;
    /// Directive: try each.
    pub const TRY_EACH: i64 = 15;
    /// Directive: write.
    pub const WRITE: i64 = 18;
    /// Directive: set parameters (trust-domains).
    pub const SET_PARAMETERS: i64 = 19;
    /// Directive: override parameters.
    pub const OVERRIDE_PARAMETERS: i64 = 20;
    /// Directive: fetch.
    pub const FETCH: i64 = 21;
    /// Directive: copy.
    pub const COPY: i64 = 22;
    /// Directive: invoke.
    pub const INVOKE: i64 = 23;
    /// Condition: device identifier.
    pub const DEVICE_IDENTIFIER: i64 = 24;
    /// Condition: image not match (update-management).
    pub const IMAGE_NOT_MATCH: i64 = 25;
    /// Condition: minimum battery (update-management).
    pub const MINIMUM_BATTERY: i64 = 26;
    /// Condition: update authorized (update-management).
    pub const UPDATE_AUTHORIZED: i64 = 27;
    /// Condition: version (update-management).
    pub const VERSION: i64 = 28;
    /// Directive: wait (update-management).
    pub const WAIT: i64 = 29;
    /// Directive: swap.
    pub const SWAP: i64 = 31;
    /// Directive: run sequence.
    pub const RUN_SEQUENCE: i64 = 32;
    /// Directive: unlink (trust-domains).
    pub const UNLINK: i64 = 33;
    /// Directive: override multiple (update-management).
    pub const OVERRIDE_MULTIPLE: i64 = 34;
    /// Directive: copy params (update-management).
    pub const COPY_PARAMS: i64 = 35;
}

/// Parameter numbers and helpers that build parameter values.
pub mod param {
    use sha1::Sha1;
    use sha2::Digest;

    use crate::cbor::Value;

    /// Vendor id (UUID bstr or PEN).
    pub const VENDOR_ID: i64 = 1;
    /// Class id (UUID bstr).
    pub const CLASS_ID: i64 = 2;
    /// Image digest (bstr .cbor SUIT_Digest).
    pub const IMAGE_DIGEST: i64 = 3;
    /// Use before (update-management).
    pub const USE_BEFORE: i64 = 4;
    /// Component slot.
    pub const COMPONENT_SLOT: i64 = 5;
    /// Strict order.
    pub const STRICT_ORDER: i64 = 12;
    /// Soft failure.
    pub const SOFT_FAILURE: i64 = 13;
    /// Image size.
    pub const IMAGE_SIZE: i64 = 14;
    /// Content.
    pub const CONTENT: i64 = 18;
    /// Encryption info (encryption draft).
    pub const ENCRYPTION_INFO: i64 = 19;
    /// URI.
    pub const URI: i64 = 21;
    /// Source component.
    pub const SOURCE_COMPONENT: i64 = 22;
    /// Invoke arguments.
    pub const INVOKE_ARGS: i64 = 23;
    /// Device id.
    pub const DEVICE_ID: i64 = 24;
    /// Fetch arguments.
    pub const FETCH_ARGUMENTS: i64 = 25;
    /// Minimum battery (update-management).
    pub const MINIMUM_BATTERY: i64 = 26;
    /// Update priority (update-management).
    pub const UPDATE_PRIORITY: i64 = 27;
    /// Version (update-management).
    pub const VERSION: i64 = 28;
    /// Wait info (update-management).
    pub const WAIT_INFO: i64 = 29;
    /// Component metadata (update-management).
    pub const COMPONENT_METADATA: i64 = 30;

    /// RFC 4122 DNS namespace UUID `6ba7b810-9dad-11d1-80b4-00c04fd430c8`.
    pub const UUID_NAMESPACE_DNS: [u8; 16] = [
        0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30,
        0xc8,
    ];

    /// NAMESPACE_CBOR_PEN `47fbdabb-f2e4-55f0-bb39-3620c2f6df4e` (class ids under a PEN vendor).
    pub const UUID_NAMESPACE_CBOR_PEN: [u8; 16] = [
        0x47, 0xfb, 0xda, 0xbb, 0xf2, 0xe4, 0x55, 0xf0, 0xbb, 0x39, 0x36, 0x20, 0xc2, 0xf6, 0xdf,
        0x4e,
    ];

    /// A UUID as a parameter value (16-byte bstr).
    pub fn uuid(u: &[u8; 16]) -> Value {
        Value::Bytes(u.to_vec())
    }

    /// Base-128 relative-OID bytes of one arc (as in a BER OID).
    pub fn pen_oid_bytes(pen: u64) -> Vec<u8> {
        let mut groups = vec![(pen & 0x7f) as u8];
        let mut n = pen >> 7;
        while n > 0 {
            groups.push(((n & 0x7f) as u8) | 0x80);
            n >>= 7;
        }
        groups.reverse();
        groups
    }

    /// A PEN vendor id: `#6.112(bstr relative-OID of the PEN)`.
    pub fn vendor_pen(pen: u64) -> Value {
        Value::Tag(super::TAG_PEN, Box::new(Value::Bytes(pen_oid_bytes(pen))))
    }

    /// An image-digest parameter: bstr-wrapped `[alg, digest]`.
    pub fn image_digest(alg: i64, digest: Vec<u8>) -> Value {
        Value::bstr_wrap(&Value::Array(vec![Value::int(alg), Value::Bytes(digest)]))
    }

    /// An image-digest parameter for SHA-256 of `data`: bstr-wrapped `[-16, sha256(data)]`.
    pub fn image_digest_sha256(data: &[u8]) -> Value {
        image_digest(super::alg::SHA256, sha2::Sha256::digest(data).to_vec())
    }

    /// UUID version 5 (SHA-1 name-based, RFC 4122 §4.3).
    pub fn uuid5(namespace: &[u8; 16], name: &[u8]) -> [u8; 16] {
        let mut h = Sha1::new();
        h.update(namespace);
        h.update(name);
        let d = h.finalize();
        let mut u = [0u8; 16];
        for (dst, src) in u.iter_mut().zip(d.iter()) {
            *dst = *src;
        }
        u[6] = (u[6] & 0x0f) | 0x50;
        u[8] = (u[8] & 0x3f) | 0x80;
        u
    }

    /// Vendor id recommended by the draft: UUID5(DNS namespace, domain).
    pub fn vendor_id_from_domain(domain: &str) -> [u8; 16] {
        uuid5(&UUID_NAMESPACE_DNS, domain.as_bytes())
    }

    /// Class id recommended by the draft: UUID5(vendor id, model info).
    pub fn class_id_from(vendor: &[u8; 16], model: &str) -> [u8; 16] {
        uuid5(vendor, model.as_bytes())
    }

    /// Format a UUID as `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`.
    pub fn uuid_to_string(u: &[u8; 16]) -> String {
        let h = crate::to_hex(u);
        format!(
            "{}-{}-{}-{}-{}",
            h.get(0..8).unwrap_or(""),
            h.get(8..12).unwrap_or(""),
            h.get(12..16).unwrap_or(""),
            h.get(16..20).unwrap_or(""),
            h.get(20..32).unwrap_or("")
        )
    }

    /// Parse a UUID string (hyphens optional).
    pub fn uuid_from_str(s: &str) -> crate::Result<[u8; 16]> {
        let b = crate::from_hex(&s.replace('-', ""))?;
        <[u8; 16]>::try_from(b.as_slice())
            .map_err(|_| crate::Error::Malformed("UUID must be 16 bytes"))
    }
}

/// One command of a sequence: number and argument.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Command {
    /// Command number (see [`cmd`]); negative for custom commands.
    pub cmd: i64,
    /// Argument (a reporting policy for most commands).
    pub arg: Value,
}

/// A command sequence; encodes as the flat array `[cmd, arg, cmd, arg, ...]`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sequence(pub Vec<Command>);

impl Command {
    fn policy(cmd: i64, policy: u64) -> Command {
        Command {
            cmd,
            arg: Value::Uint(policy),
        }
    }
    /// Condition vendor-identifier (1).
    pub fn vendor_identifier(policy: u64) -> Command {
        Self::policy(cmd::VENDOR_IDENTIFIER, policy)
    }
    /// Condition class-identifier (2).
    pub fn class_identifier(policy: u64) -> Command {
        Self::policy(cmd::CLASS_IDENTIFIER, policy)
    }
    /// Condition image-match (3).
    pub fn image_match(policy: u64) -> Command {
        Self::policy(cmd::IMAGE_MATCH, policy)
    }
    /// Condition component-slot (5).
    pub fn component_slot(policy: u64) -> Command {
        Self::policy(cmd::COMPONENT_SLOT, policy)
    }
    /// Condition check-content (6).
    pub fn check_content(policy: u64) -> Command {
        Self::policy(cmd::CHECK_CONTENT, policy)
    }
    /// Condition abort (14).
    pub fn abort(policy: u64) -> Command {
        Self::policy(cmd::ABORT, policy)
    }
    /// Condition device-identifier (24).
    pub fn device_identifier(policy: u64) -> Command {
        Self::policy(cmd::DEVICE_IDENTIFIER, policy)
    }
    /// Directive set-component-index (12) with one index.
    pub fn set_component_index(index: u64) -> Command {
        Command {
            cmd: cmd::SET_COMPONENT_INDEX,
            arg: Value::Uint(index),
        }
    }
    /// Directive set-component-index (12) with `true` (all components).
    pub fn set_component_index_all() -> Command {
        Command {
            cmd: cmd::SET_COMPONENT_INDEX,
            arg: Value::Bool(true),
        }
    }
    /// Directive set-component-index (12) with a list of indices.
    pub fn set_component_index_list(indices: &[u64]) -> Command {
        Command {
            cmd: cmd::SET_COMPONENT_INDEX,
            arg: Value::Array(indices.iter().map(|i| Value::Uint(*i)).collect()),
        }
    }
    /// Directive override-parameters (20); argument is a plain map.
    pub fn override_parameters(params: Vec<(i64, Value)>) -> Command {
        Command {
            cmd: cmd::OVERRIDE_PARAMETERS,
            arg: Value::int_map(params),
        }
    }
    /// Directive set-parameters (19, trust-domains); argument is a plain map.
    pub fn set_parameters(params: Vec<(i64, Value)>) -> Command {
        Command {
            cmd: cmd::SET_PARAMETERS,
            arg: Value::int_map(params),
        }
    }
    /// Directive try-each (15): array of bstr-wrapped sequences, optionally
    /// followed by `null`.
    pub fn try_each(alternatives: Vec<Sequence>, trailing_null: bool) -> Command {
        let mut arr: Vec<Value> = alternatives
            .iter()
            .map(|s| Value::bstr_wrap(&s.to_value()))
            .collect();
        if trailing_null {
            arr.push(Value::Null);
        }
        Command {
            cmd: cmd::TRY_EACH,
            arg: Value::Array(arr),
        }
    }
    /// Directive run-sequence (32): bstr-wrapped sequence.
    pub fn run_sequence(seq: Sequence) -> Command {
        Command {
            cmd: cmd::RUN_SEQUENCE,
            arg: Value::bstr_wrap(&seq.to_value()),
        }
    }
    /// Directive fetch (21).
    pub fn fetch(policy: u64) -> Command {
        Self::policy(cmd::FETCH, policy)
    }
    /// Directive copy (22).
    pub fn copy(policy: u64) -> Command {
        Self::policy(cmd::COPY, policy)
    }
    /// Directive write (18).
    pub fn write(policy: u64) -> Command {
        Self::policy(cmd::WRITE, policy)
    }
    /// Directive swap (31).
    pub fn swap(policy: u64) -> Command {
        Self::policy(cmd::SWAP, policy)
    }
    /// Directive invoke (23).
    pub fn invoke(policy: u64) -> Command {
        Self::policy(cmd::INVOKE, policy)
    }
    /// Any command number with any argument (custom or extension commands,
    /// and malformed arguments for negative tests).
    pub fn custom(cmd: i64, arg: Value) -> Command {
        Command { cmd, arg }
    }
}

impl Sequence {
    /// A sequence of the given commands.
    pub fn new(cmds: Vec<Command>) -> Sequence {
        Sequence(cmds)
    }
    /// Append a command (builder style).
    pub fn with(mut self, c: Command) -> Sequence {
        self.0.push(c);
        self
    }
    /// Append a command.
    pub fn push(&mut self, c: Command) {
        self.0.push(c);
    }
    /// The flat array `[cmd, arg, ...]`.
    pub fn to_value(&self) -> Value {
        let mut v = Vec::with_capacity(self.0.len().saturating_mul(2));
        for c in &self.0 {
            v.push(Value::int(c.cmd));
            v.push(c.arg.clone());
        }
        Value::Array(v)
    }
    /// The bstr-wrapped sequence (as stored in manifests and common).
    pub fn to_bstr(&self) -> Value {
        Value::bstr_wrap(&self.to_value())
    }
}

impl From<Vec<Command>> for Sequence {
    fn from(v: Vec<Command>) -> Sequence {
        Sequence(v)
    }
}

/// Encoded SUIT_Digest `[-16, sha256(data)]` (plain array, not wrapped).
pub fn suit_digest_sha256(data: &[u8]) -> Value {
    Value::Array(vec![
        Value::int(alg::SHA256),
        Value::Bytes(Sha256::digest(data).to_vec()),
    ])
}

/// A SUIT manifest. Sequences are stored bstr-wrapped when encoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Manifest {
    /// Manifest version (key 1); 1 is the only valid value.
    pub version: u64,
    /// Sequence number (key 2).
    pub sequence_number: u64,
    /// Component identifiers (common key 2); each is a list of bstr. Empty =
    /// key omitted (for negative tests).
    pub components: Vec<Vec<Vec<u8>>>,
    /// Shared sequence (common key 4).
    pub shared: Option<Sequence>,
    /// Validate sequence (key 7).
    pub validate: Option<Sequence>,
    /// Load sequence (key 8).
    pub load: Option<Sequence>,
    /// Invoke sequence (key 9).
    pub invoke: Option<Sequence>,
    /// Payload-fetch sequence (key 16).
    pub payload_fetch: Option<Sequence>,
    /// Install sequence (key 20).
    pub install: Option<Sequence>,
    /// Text map (key 23), NOT yet wrapped (the builder bstr-wraps it).
    pub text: Option<Value>,
    /// Reference URI (key 4).
    pub reference_uri: Option<String>,
    /// Extra manifest members (extensions or unknown keys, for tests); the
    /// value is used as given (wrap it yourself where the spec wants a bstr).
    pub extra_manifest: Vec<(i64, Value)>,
    /// Extra SUIT_Common members, used as given.
    pub extra_common: Vec<(i64, Value)>,
    /// Manifest keys to sever (normally 16, 20, 23, or 14, 15, 18): the
    /// member's bstr moves to the envelope under the same key and the
    /// manifest keeps `[-16, sha256(bstr incl. header)]`. Any present key is
    /// accepted (for negative tests); an absent one is an error.
    pub sever: Vec<i64>,
}

impl Default for Manifest {
    fn default() -> Self {
        Manifest {
            version: 1,
            sequence_number: 0,
            components: Vec::new(),
            shared: None,
            validate: None,
            load: None,
            invoke: None,
            payload_fetch: None,
            install: None,
            text: None,
            reference_uri: None,
            extra_manifest: Vec::new(),
            extra_common: Vec::new(),
            sever: Vec::new(),
        }
    }
}

/// A manifest encoded by [`Manifest::build`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuiltManifest {
    /// The encoded SUIT_Manifest map (the contents of envelope key 3).
    pub manifest: Vec<u8>,
    /// Severed members: (key, encoded bstr INCLUDING its header) for the envelope.
    pub severed: Vec<(i64, Vec<u8>)>,
}

impl Manifest {
    /// The SUIT_Common map (not wrapped).
    pub fn common_value(&self) -> Value {
        let mut m = Vec::new();
        if !self.components.is_empty() {
            let comps = self
                .components
                .iter()
                .map(|c| Value::Array(c.iter().map(|p| Value::Bytes(p.clone())).collect()))
                .collect();
            m.push((key::common::COMPONENTS, Value::Array(comps)));
        }
        if let Some(s) = &self.shared {
            m.push((key::common::SHARED_SEQUENCE, s.to_bstr()));
        }
        m.extend(self.extra_common.iter().cloned());
        Value::int_map(m)
    }

    /// Encode the manifest, severing the members listed in `sever`.
    pub fn build(&self) -> Result<BuiltManifest> {
        let common = cbor::try_encode(&self.common_value())?;
        let mut m: Vec<(i64, Value)> = vec![
            (key::manifest::VERSION, Value::Uint(self.version)),
            (
                key::manifest::SEQUENCE_NUMBER,
                Value::Uint(self.sequence_number),
            ),
            (key::manifest::COMMON, Value::Bytes(common)),
        ];
        if let Some(u) = &self.reference_uri {
            m.push((key::manifest::REFERENCE_URI, Value::Text(u.clone())));
        }
        let seqs = [
            (key::manifest::VALIDATE, &self.validate),
            (key::manifest::LOAD, &self.load),
            (key::manifest::INVOKE, &self.invoke),
            (key::manifest::PAYLOAD_FETCH, &self.payload_fetch),
            (key::manifest::INSTALL, &self.install),
        ];
        for (k, s) in seqs {
            if let Some(s) = s {
                m.push((k, s.to_bstr()));
            }
        }
        if let Some(t) = &self.text {
            m.push((key::manifest::TEXT, Value::Bytes(cbor::try_encode(t)?)));
        }
        m.extend(self.extra_manifest.iter().cloned());

        let mut severed = Vec::new();
        for k in &self.sever {
            if severed.iter().any(|(sk, _)| sk == k) {
                continue;
            }
            let entry = m
                .iter_mut()
                .find(|(mk, _)| mk == k)
                .ok_or(Error::NothingToSever(*k))?;
            let member = cbor::try_encode(&entry.1)?;
            entry.1 = suit_digest_sha256(&member);
            severed.push((*k, member));
        }
        let manifest = cbor::try_encode(&Value::int_map(m))?;
        Ok(BuiltManifest { manifest, severed })
    }

    /// The encoded SUIT_Manifest map (contents of envelope key 3).
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        Ok(self.build()?.manifest)
    }
}

/// Builds an unsigned SUIT envelope (wrapper with the digest and zero
/// authentication blocks); sign it with [`crate::cose::sign`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EnvelopeBuilder {
    /// The manifest.
    pub manifest: Manifest,
    /// Integrated payloads: text key (e.g. `"#image"`) → bytes.
    pub integrated: Vec<(String, Vec<u8>)>,
    /// Extra envelope members (key, value), used as given (for tests).
    pub extra_envelope: Vec<(Value, Value)>,
}

impl EnvelopeBuilder {
    /// A builder for `manifest` with no integrated payloads.
    pub fn new(manifest: Manifest) -> EnvelopeBuilder {
        EnvelopeBuilder {
            manifest,
            ..Default::default()
        }
    }

    /// The encoded SUIT_Manifest map (contents of envelope key 3).
    pub fn manifest_bytes(&self) -> Result<Vec<u8>> {
        self.manifest.to_bytes()
    }

    /// SHA-256 of the manifest bstr including its header (the value the
    /// authentication wrapper carries).
    pub fn manifest_digest(&self) -> Result<[u8; 32]> {
        let wrapped = cbor::encode(&Value::Bytes(self.manifest_bytes()?));
        Ok(Sha256::digest(&wrapped).into())
    }

    /// Encode `#6.107({2: bstr([bstr(SUIT_Digest)]), 3: bstr(manifest), severed..., "name": bstr...})`
    /// in canonical order. Duplicate keys are an error.
    pub fn build(&self) -> Result<Vec<u8>> {
        let built = self.manifest.build()?;
        let manifest_bstr = cbor::encode(&Value::Bytes(built.manifest));
        let digest = cbor::encode(&suit_digest_sha256(&manifest_bstr));
        let auth = cbor::encode(&Value::Array(vec![Value::Bytes(digest)]));
        let mut entries: Vec<(Value, Value)> = vec![
            (
                Value::int(key::envelope::AUTHENTICATION_WRAPPER),
                Value::Bytes(auth),
            ),
            (
                Value::int(key::envelope::MANIFEST),
                Value::Raw(manifest_bstr),
            ),
        ];
        for (k, member) in built.severed {
            entries.push((Value::int(k), Value::Raw(member)));
        }
        for (name, data) in &self.integrated {
            entries.push((Value::Text(name.clone()), Value::Bytes(data.clone())));
        }
        entries.extend(self.extra_envelope.iter().cloned());
        cbor::try_encode(&Value::Tag(TAG_ENVELOPE, Box::new(Value::Map(entries))))
    }
}

#[cfg(test)]
mod tests {
    use super::param::*;
    use super::*;

    #[test]
    fn uuid5_vectors() {
        let v = vendor_id_from_domain("arm.com");
        assert_eq!(uuid_to_string(&v), "fa6b4a53-d5ad-5fdf-be9d-e663e4d41ffe");
        let c = class_id_from(&v, "suit");
        assert_eq!(uuid_to_string(&c), "1492af14-2569-5e48-bf42-9b2d51f2ab45");
        assert_eq!(uuid_from_str("1492af14-2569-5e48-bf42-9b2d51f2ab45"), Ok(c));
        // NAMESPACE_CBOR_PEN = UUID5(OID namespace, D8 6F 45 2B 06 01 04 01).
        let oid_ns = uuid_from_str("6ba7b812-9dad-11d1-80b4-00c04fd430c8").unwrap();
        assert_eq!(
            uuid5(&oid_ns, &[0xd8, 0x6f, 0x45, 0x2b, 0x06, 0x01, 0x04, 0x01]),
            UUID_NAMESPACE_CBOR_PEN
        );
    }

    #[test]
    fn pen_encoding() {
        assert_eq!(pen_oid_bytes(0), vec![0]);
        assert_eq!(pen_oid_bytes(127), vec![0x7f]);
        assert_eq!(pen_oid_bytes(128), vec![0x81, 0x00]);
        // Arm's PEN 4128 = 0x1020 -> 0xa0 0x20.
        assert_eq!(
            cbor::encode(&vendor_pen(4128)),
            vec![0xd8, 0x70, 0x42, 0xa0, 0x20]
        );
    }

    #[test]
    fn sequences_encode_flat() {
        let s = Sequence::new(vec![
            Command::set_component_index_list(&[0, 1]),
            Command::try_each(vec![Sequence::new(vec![Command::abort(0)])], true),
            Command::run_sequence(Sequence::new(vec![Command::invoke(2)])),
            Command::set_component_index_all(),
            Command::custom(-257, Value::Null),
        ]);
        assert_eq!(
            cbor::encode(&s.to_value()),
            vec![
                0x8a, 0x0c, 0x82, 0x00, 0x01, 0x0f, 0x82, 0x43, 0x82, 0x0e, 0x00, 0xf6, 0x18, 0x20,
                0x43, 0x82, 0x17, 0x02, 0x0c, 0xf5, 0x39, 0x01, 0x00, 0xf6
            ]
        );
    }

    #[test]
    fn sever_absent_is_error() {
        let m = Manifest {
            sever: vec![20],
            ..Default::default()
        };
        assert_eq!(m.build(), Err(Error::NothingToSever(20)));
    }

    #[test]
    fn duplicate_extra_key_is_error() {
        let m = Manifest {
            extra_manifest: vec![(1, Value::Uint(2))],
            ..Default::default()
        };
        assert_eq!(m.build(), Err(Error::DuplicateKey));
    }
}
