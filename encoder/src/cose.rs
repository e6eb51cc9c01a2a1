//! Signing keys and COSE_Sign1 authentication blocks for SUIT envelopes.
//!
//! [`sign`] checks the envelope's manifest digest, then appends
//! `bstr(#6.18([bstr({1: alg [, 4: kid]}), {}, null, signature]))` to the
//! authentication wrapper. The detached payload is the encoded SUIT_Digest
//! (the contents of wrapper element 0); to-be-signed bytes are
//! [`sig_structure`]. ECDSA signatures are raw `r‖s` (64 bytes), deterministic
//! (RFC 6979); Ed25519 signatures are deterministic too.

use p256::ecdsa::signature::Signer;
use p256::elliptic_curve::Generate;
use p256::pkcs8::{
    DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey, LineEnding,
};
use sha2::{Digest, Sha256, Sha384, Sha512};

use crate::cbor::{self, Value};
use crate::suit::{TAG_COSE_SIGN1, TAG_ENVELOPE, alg, key};
use crate::{Error, Result};

/// COSE header label `alg`.
pub const HEADER_ALG: i64 = 1;
/// COSE header label `crit`.
pub const HEADER_CRIT: i64 = 2;
/// COSE header label `kid`.
pub const HEADER_KID: i64 = 4;

/// The kind of a signing key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyType {
    /// Ed25519 (COSE -8 EdDSA, -19 Ed25519).
    Ed25519,
    /// ECDSA on NIST P-256 (COSE -7 ES256, -9 ESP256).
    P256,
}

/// A private signing key.
#[derive(Clone, Debug)]
pub enum SigningKey {
    /// Ed25519 key pair.
    Ed25519(ed25519_compact::KeyPair),
    /// P-256 ECDSA key.
    P256(p256::ecdsa::SigningKey),
}

fn key_err(what: &str, e: impl std::fmt::Display) -> Error {
    Error::Key(format!("{what}: {e}"))
}

impl SigningKey {
    /// Generate a fresh random key from the operating system's RNG.
    pub fn generate(kt: KeyType) -> Result<SigningKey> {
        match kt {
            KeyType::Ed25519 => Ok(SigningKey::Ed25519(ed25519_compact::KeyPair::generate())),
            KeyType::P256 => p256::ecdsa::SigningKey::try_generate()
                .map(SigningKey::P256)
                .map_err(|e| key_err("random number generator", e)),
        }
    }

    /// An Ed25519 key from its 32-byte seed (all-zero seeds are rejected).
    pub fn ed25519_from_seed(seed: &[u8; 32]) -> Result<SigningKey> {
        ed25519_compact::KeyPair::try_from_seed(ed25519_compact::Seed::new(*seed))
            .map(SigningKey::Ed25519)
            .map_err(|e| key_err("Ed25519 seed", e))
    }

    /// A P-256 key from its 32-byte big-endian private scalar.
    pub fn p256_from_scalar(d: &[u8]) -> Result<SigningKey> {
        p256::ecdsa::SigningKey::from_slice(d)
            .map(SigningKey::P256)
            .map_err(|e| key_err("P-256 scalar", e))
    }

    /// Parse a private key PEM: PKCS#8 "PRIVATE KEY" (P-256 or Ed25519), or
    /// SEC1 "EC PRIVATE KEY" (P-256), also after the "EC PARAMETERS" block
    /// that `openssl ecparam -genkey` writes first.
    pub fn from_pkcs8_pem(pem: &str) -> Result<SigningKey> {
        const BEGIN: &str = "-----BEGIN EC PRIVATE KEY-----";
        const END: &str = "-----END EC PRIVATE KEY-----";
        if let Some(start) = pem.find(BEGIN) {
            let block = pem
                .get(start..)
                .and_then(|b| b.find(END).and_then(|e| b.get(..e + END.len())))
                .ok_or_else(|| Error::Key(format!("SEC1 PEM without {END}")))?;
            return p256::SecretKey::from_sec1_pem(block)
                .map(|sk| SigningKey::P256(p256::ecdsa::SigningKey::from(&sk)))
                .map_err(|e| key_err("SEC1 P-256 PEM", e));
        }
        let p256_err = match p256::ecdsa::SigningKey::from_pkcs8_pem(pem.trim()) {
            Ok(k) => return Ok(SigningKey::P256(k)),
            Err(e) => e,
        };
        match ed25519_compact::KeyPair::from_pem(pem) {
            Ok(k) => Ok(SigningKey::Ed25519(k)),
            Err(e) => Err(Error::Key(format!(
                "not a P-256 ({p256_err}) or Ed25519 ({e}) private key PEM"
            ))),
        }
    }

    /// The private key as PKCS#8 PEM ("PRIVATE KEY").
    pub fn to_pkcs8_pem(&self) -> Result<String> {
        match self {
            SigningKey::Ed25519(k) => Ok(k.sk.to_pem()),
            SigningKey::P256(k) => k
                .to_pkcs8_pem(LineEnding::LF)
                .map(|s| s.to_string())
                .map_err(|e| key_err("PKCS#8 encoding", e)),
        }
    }

    /// The public key as SubjectPublicKeyInfo PEM ("PUBLIC KEY").
    pub fn public_spki_pem(&self) -> Result<String> {
        match self {
            SigningKey::Ed25519(k) => Ok(k.pk.to_pem()),
            SigningKey::P256(k) => k
                .verifying_key()
                .to_public_key_pem(LineEnding::LF)
                .map_err(|e| key_err("SPKI encoding", e)),
        }
    }

    /// Raw public key: 32 bytes (Ed25519) or 65-byte uncompressed SEC1 `04‖X‖Y` (P-256).
    pub fn public_raw(&self) -> Vec<u8> {
        match self {
            SigningKey::Ed25519(k) => k.pk.to_vec(),
            SigningKey::P256(k) => k.verifying_key().to_sec1_point(false).as_bytes().to_vec(),
        }
    }

    /// The key's type.
    pub fn key_type(&self) -> KeyType {
        match self {
            SigningKey::Ed25519(_) => KeyType::Ed25519,
            SigningKey::P256(_) => KeyType::P256,
        }
    }

    /// Default COSE algorithm: -19 (Ed25519) or -9 (ESP256).
    pub fn default_alg(&self) -> i64 {
        default_alg(self.key_type())
    }

    /// COSE algorithms this key may sign with: Ed25519 -8, -19; P-256 -7, -9.
    pub fn allowed_algs(&self) -> &'static [i64] {
        allowed_algs(self.key_type())
    }

    /// Sign `tbs` (the Sig_structure bytes): Ed25519 over the bytes, or ECDSA
    /// P-256 over SHA-256 of the bytes (raw `r‖s`, 64 bytes).
    pub fn sign_raw(&self, tbs: &[u8]) -> Result<Vec<u8>> {
        match self {
            SigningKey::Ed25519(k) => Ok(k.sk.sign(tbs, None).to_vec()),
            SigningKey::P256(k) => {
                let sig: p256::ecdsa::Signature =
                    k.try_sign(tbs).map_err(|e| key_err("ECDSA signing", e))?;
                Ok(sig.to_bytes().to_vec())
            }
        }
    }
}

/// Default COSE algorithm for a key type: -19 (Ed25519) or -9 (ESP256).
pub fn default_alg(kt: KeyType) -> i64 {
    match kt {
        KeyType::Ed25519 => alg::ED25519,
        KeyType::P256 => alg::ESP256,
    }
}

/// COSE algorithms usable with a key type.
pub fn allowed_algs(kt: KeyType) -> &'static [i64] {
    match kt {
        KeyType::Ed25519 => &[alg::EDDSA, alg::ED25519],
        KeyType::P256 => &[alg::ES256, alg::ESP256],
    }
}

/// Parse a public key SPKI PEM ("PUBLIC KEY"): returns the key type and the
/// raw key (32 bytes Ed25519, or 65-byte uncompressed SEC1 for P-256).
pub fn public_key_from_spki_pem(pem: &str) -> Result<(KeyType, Vec<u8>)> {
    let p256_err = match p256::ecdsa::VerifyingKey::from_public_key_pem(pem.trim()) {
        Ok(k) => {
            return Ok((KeyType::P256, k.to_sec1_point(false).as_bytes().to_vec()));
        }
        Err(e) => e,
    };
    match ed25519_compact::PublicKey::from_pem(pem) {
        Ok(k) => Ok((KeyType::Ed25519, k.to_vec())),
        Err(e) => Err(Error::Key(format!(
            "not a P-256 ({p256_err}) or Ed25519 ({e}) public key PEM"
        ))),
    }
}

/// Verify a raw signature over `tbs` with a raw public key (as returned by
/// [`SigningKey::public_raw`]); `Ok(())` when valid.
pub fn verify_raw(kt: KeyType, public: &[u8], tbs: &[u8], signature: &[u8]) -> Result<()> {
    match kt {
        KeyType::Ed25519 => {
            let pk = ed25519_compact::PublicKey::from_slice(public)
                .map_err(|e| key_err("Ed25519 public key", e))?;
            let sig = ed25519_compact::Signature::from_slice(signature)
                .map_err(|e| key_err("Ed25519 signature", e))?;
            pk.verify(tbs, &sig)
                .map_err(|e| key_err("Ed25519 verify", e))
        }
        KeyType::P256 => {
            use p256::ecdsa::signature::Verifier;
            let vk = p256::ecdsa::VerifyingKey::from_sec1_bytes(public)
                .map_err(|e| key_err("P-256 public key", e))?;
            let sig = p256::ecdsa::Signature::from_slice(signature)
                .map_err(|e| key_err("P-256 signature", e))?;
            vk.verify(tbs, &sig).map_err(|e| key_err("ECDSA verify", e))
        }
    }
}

/// The COSE Sig_structure for a COSE_Sign1 with a detached payload:
/// `["Signature1", protected, h'', payload]` (deterministic CBOR).
/// `protected` is the contents of the protected-header bstr as transmitted.
pub fn sig_structure(protected: &[u8], payload: &[u8]) -> Vec<u8> {
    cbor::encode(&Value::Array(vec![
        Value::text("Signature1"),
        Value::bytes(protected),
        Value::Bytes(Vec::new()),
        Value::bytes(payload),
    ]))
}

/// Options for [`sign_with`], mainly for building NEGATIVE test vectors.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignOptions {
    /// The `alg` (label 1) put in the protected header. Not checked against
    /// the key: the signature is always made with the key's own algorithm.
    pub alg: i64,
    /// Optional `kid` (label 4) in the protected header.
    pub kid: Option<Vec<u8>>,
    /// Override the whole protected header: a `Value::Map` is encoded
    /// (an empty map gives the empty bstr `h''`), a `Value::Bytes` is used
    /// verbatim as the protected bstr contents.
    pub protected: Option<Value>,
    /// Unprotected header (normally the empty map).
    pub unprotected: Value,
    /// Put the payload (encoded SUIT_Digest) in the message instead of `null`.
    pub attached_payload: bool,
    /// Flip one bit of the signature after signing.
    pub corrupt_signature: bool,
}

impl SignOptions {
    /// Ordinary options: protected `{1: alg}`, unprotected `{}`, detached payload.
    pub fn new(alg: i64) -> SignOptions {
        SignOptions {
            alg,
            kid: None,
            protected: None,
            unprotected: Value::Map(Vec::new()),
            attached_payload: false,
            corrupt_signature: false,
        }
    }
}

/// Compute `alg` digest of `data`.
pub fn digest(alg_id: i128, data: &[u8]) -> Result<Vec<u8>> {
    match alg_id {
        -16 => Ok(Sha256::digest(data).to_vec()),
        -43 => Ok(Sha384::digest(data).to_vec()),
        -44 => Ok(Sha512::digest(data).to_vec()),
        a => Err(Error::UnsupportedDigestAlg(a)),
    }
}

/// Raw pieces of a parsed envelope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvelopeParts {
    /// Every envelope member as (encoded key, encoded value), in input order.
    pub members: Vec<(Vec<u8>, Vec<u8>)>,
    /// Each element of the authentication wrapper, encoded (element 0 is the
    /// bstr holding the SUIT_Digest).
    pub auth_elements: Vec<Vec<u8>>,
    /// The encoded SUIT_Digest (contents of wrapper element 0): the detached
    /// COSE payload.
    pub digest_payload: Vec<u8>,
    /// The encoded manifest bstr, header included (what the digest covers).
    pub manifest_bstr: Vec<u8>,
}

/// Split an envelope into its raw members and check that the wrapper's
/// SUIT_Digest matches the manifest bstr (header included).
pub fn parse_envelope(envelope: &[u8]) -> Result<EnvelopeParts> {
    let (major, _, tag, pos) = cbor::read_head(envelope, 0)?;
    if major != cbor::MAJOR_TAG || tag != TAG_ENVELOPE {
        return Err(Error::NotEnvelope("missing tag 107"));
    }
    let (raw_members, end) = cbor::split_map(envelope, pos)?;
    if end != envelope.len() {
        return Err(Error::TrailingBytes);
    }
    let auth_key = cbor::encode(&Value::int(key::envelope::AUTHENTICATION_WRAPPER));
    let manifest_key = cbor::encode(&Value::int(key::envelope::MANIFEST));
    let mut auth = None;
    let mut manifest_bstr = None;
    let mut members = Vec::with_capacity(raw_members.len());
    for (k, v) in raw_members {
        if k == auth_key.as_slice() {
            auth = Some(v);
        } else if k == manifest_key.as_slice() {
            manifest_bstr = Some(v);
        }
        members.push((k.to_vec(), v.to_vec()));
    }
    let auth = auth.ok_or(Error::NotEnvelope("no authentication wrapper (key 2)"))?;
    let manifest_bstr = manifest_bstr.ok_or(Error::NotEnvelope("no manifest (key 3)"))?;
    let Value::Bytes(auth_content) = cbor::decode_all(auth)? else {
        return Err(Error::NotEnvelope("authentication wrapper is not a bstr"));
    };
    if !matches!(cbor::decode_all(manifest_bstr)?, Value::Bytes(_)) {
        return Err(Error::NotEnvelope("manifest is not a bstr"));
    }
    let auth_elements: Vec<Vec<u8>> = cbor::split_array(&auth_content)?
        .into_iter()
        .map(<[u8]>::to_vec)
        .collect();
    let first = auth_elements
        .first()
        .ok_or(Error::NotEnvelope("empty authentication wrapper"))?;
    let Value::Bytes(digest_payload) = cbor::decode_all(first)? else {
        return Err(Error::NotEnvelope("wrapper element 0 is not a bstr"));
    };
    let d = cbor::decode_all(&digest_payload)?;
    let (alg_id, expected) = match d.as_array() {
        Some([a, Value::Bytes(b), ..]) => (
            a.as_int()
                .ok_or(Error::NotEnvelope("SUIT_Digest algorithm is not an int"))?,
            b.clone(),
        ),
        _ => return Err(Error::NotEnvelope("wrapper element 0 is not a SUIT_Digest")),
    };
    if digest(alg_id, manifest_bstr)? != expected {
        return Err(Error::DigestMismatch);
    }
    Ok(EnvelopeParts {
        members,
        auth_elements,
        digest_payload,
        manifest_bstr: manifest_bstr.to_vec(),
    })
}

/// Sign an envelope: check its manifest digest (refuse on mismatch), then
/// append a COSE_Sign1 block with protected `{1: alg [, 4: kid]}`. `alg`
/// must be one of the key's [`SigningKey::allowed_algs`]. Other envelope
/// members are kept byte-identical; the envelope map is re-emitted in
/// canonical key order.
pub fn sign(envelope: &[u8], key: &SigningKey, alg_id: i64, kid: Option<&[u8]>) -> Result<Vec<u8>> {
    if !key.allowed_algs().contains(&alg_id) {
        return Err(Error::AlgNotAllowed(alg_id));
    }
    let mut opts = SignOptions::new(alg_id);
    opts.kid = kid.map(<[u8]>::to_vec);
    sign_with(envelope, key, &opts)
}

/// Like [`sign`] but with full control over the COSE_Sign1 (for negative
/// tests); the algorithm label is NOT checked against the key. The digest
/// check is still made (build mismatching envelopes by editing bytes).
pub fn sign_with(envelope: &[u8], key: &SigningKey, opts: &SignOptions) -> Result<Vec<u8>> {
    let parts = parse_envelope(envelope)?;
    let protected = match &opts.protected {
        Some(Value::Bytes(b)) => b.clone(),
        Some(Value::Map(m)) if m.is_empty() => Vec::new(),
        Some(v) => cbor::try_encode(v)?,
        None => {
            let mut m = vec![(HEADER_ALG, Value::int(opts.alg))];
            if let Some(kid) = &opts.kid {
                m.push((HEADER_KID, Value::Bytes(kid.clone())));
            }
            cbor::try_encode(&Value::int_map(m))?
        }
    };
    let tbs = sig_structure(&protected, &parts.digest_payload);
    let mut signature = key.sign_raw(&tbs)?;
    if opts.corrupt_signature
        && let Some(last) = signature.last_mut()
    {
        *last ^= 0x01;
    }
    let payload = if opts.attached_payload {
        Value::Bytes(parts.digest_payload.clone())
    } else {
        Value::Null
    };
    let sign1 = Value::Tag(
        TAG_COSE_SIGN1,
        Box::new(Value::Array(vec![
            Value::Bytes(protected),
            opts.unprotected.clone(),
            payload,
            Value::Bytes(signature),
        ])),
    );
    let block = Value::Bytes(cbor::try_encode(&sign1)?);
    let mut elements: Vec<Value> = parts.auth_elements.into_iter().map(Value::Raw).collect();
    elements.push(block);
    let auth = Value::Bytes(cbor::encode(&Value::Array(elements)));
    let auth_key = cbor::encode(&Value::int(key::envelope::AUTHENTICATION_WRAPPER));
    let members = parts
        .members
        .into_iter()
        .map(|(k, v)| {
            if k == auth_key {
                (Value::Raw(k), auth.clone())
            } else {
                (Value::Raw(k), Value::Raw(v))
            }
        })
        .collect();
    cbor::try_encode(&Value::Tag(TAG_ENVELOPE, Box::new(Value::Map(members))))
}

/// One COSE_Sign1 block found in an envelope (see [`sign1_blocks`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sign1Block {
    /// Protected-header bstr contents as transmitted.
    pub protected: Vec<u8>,
    /// `alg` from the protected header, if present and an int.
    pub alg: Option<i128>,
    /// Signature bytes.
    pub signature: Vec<u8>,
    /// The to-be-signed bytes for this block (detached payload = SUIT_Digest).
    pub to_be_signed: Vec<u8>,
}

/// Parse an envelope (checking its digest) and return its COSE_Sign1
/// blocks with their to-be-signed bytes; other block kinds are skipped.
pub fn sign1_blocks(envelope: &[u8]) -> Result<Vec<Sign1Block>> {
    let parts = parse_envelope(envelope)?;
    let mut out = Vec::new();
    for el in parts.auth_elements.iter().skip(1) {
        let Value::Bytes(inner) = cbor::decode_all(el)? else {
            return Err(Error::NotEnvelope("authentication block is not a bstr"));
        };
        let Value::Tag(TAG_COSE_SIGN1, body) = cbor::decode_all(&inner)? else {
            continue;
        };
        let Some([Value::Bytes(protected), _, _, Value::Bytes(signature)]) = body.as_array() else {
            return Err(Error::NotEnvelope("malformed COSE_Sign1"));
        };
        let alg = if protected.is_empty() {
            None
        } else {
            cbor::decode_all(protected)?
                .get_int(HEADER_ALG)
                .and_then(Value::as_int)
        };
        out.push(Sign1Block {
            protected: protected.clone(),
            alg,
            signature: signature.clone(),
            to_be_signed: sig_structure(protected, &parts.digest_payload),
        });
    }
    Ok(out)
}
