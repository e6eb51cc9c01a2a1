//! `suit sign`: add a COSE_Sign1 authentication block.

use std::path::PathBuf;

use clap::Args;
use suit_encoder::cose::{self, SigningKey};
use suit_encoder::suit::alg;

use crate::util::{
    CmdResult, Failure, key_type_name, read_input, read_key_pem, refuse_existing, same_file, usage,
    write_file_replacing,
};

/// Arguments of `suit sign`.
#[derive(Args, Debug)]
#[command(
    about = "Add a COSE_Sign1 signature to an envelope",
    long_about = "Add a COSE_Sign1 authentication block to an envelope.\n\n\
        The algorithm follows the key's type: by default the suit-mti profile ids, \
        ESP256 (-9) for a P-256 key and Ed25519 (-19) for an Ed25519 key; --alg chooses \
        ES256 (-7) or EdDSA (-8) instead. Signing an already signed envelope with another \
        key adds a second block (multi-party approval, which `suit verify --require-all-keys` \
        enforces, or algorithm migration). Before \
        signing, the digest in the authentication wrapper is checked against the manifest; \
        an envelope whose digest does not match is refused (exit status 1). The signed \
        result is authenticated as a device would before it is written; what a device would \
        reject is refused (exit status 1) with `error: refusing to sign: a device would reject \
        this envelope: <ERROR_NAME>: <message>; code <0xNNNN>[, input byte <N>]`.\n\n\
        -o may name the input file (signing in place: the file is replaced whole, keeping \
        its permissions) or `-` (standard output); any other existing file is not replaced \
        without --force. IN.suit `-` reads the envelope from standard input."
)]
pub(crate) struct SignArgs {
    /// Private key PEM (PKCS#8 `PRIVATE KEY`, P-256 or Ed25519; SEC1 `EC PRIVATE KEY` too), unencrypted.
    #[arg(long, value_name = "KEY.pem")]
    key: PathBuf,
    /// COSE algorithm: -7/ES256 or -9/ESP256 for P-256, -8/EdDSA or -19/Ed25519 for Ed25519.
    #[arg(long, value_name = "ID", allow_hyphen_values = true)]
    alg: Option<String>,
    /// The envelope to sign (`-`: standard input).
    #[arg(value_name = "IN.suit")]
    input: PathBuf,
    /// Where to write the signed envelope: the input file signs in place (it is replaced whole); `-`: standard output; another existing file only with --force.
    #[arg(short, long, value_name = "OUT.suit")]
    out: PathBuf,
    /// Replace an existing OUT.suit that is not the input.
    #[arg(long)]
    force: bool,
}

/// COSE id from a number or a name.
pub(crate) fn parse_alg(s: &str) -> Option<i64> {
    let id = match s.to_ascii_lowercase().as_str() {
        "es256" => alg::ES256,
        "esp256" => alg::ESP256,
        "eddsa" => alg::EDDSA,
        "ed25519" => alg::ED25519,
        other => other.parse::<i64>().ok()?,
    };
    [alg::ES256, alg::ESP256, alg::EDDSA, alg::ED25519]
        .contains(&id)
        .then_some(id)
}

/// The name of a COSE signature algorithm.
pub(crate) fn alg_name(id: i128) -> Option<&'static str> {
    Some(match i64::try_from(id).ok()? {
        alg::ES256 => "ES256",
        alg::ESP256 => "ESP256",
        alg::EDDSA => "EdDSA",
        alg::ED25519 => "Ed25519",
        alg::HMAC256 => "HMAC 256/256",
        -46 => "HSS-LMS",
        -35 => "ES384",
        -36 => "ES512",
        _ => return None,
    })
}

/// Run `suit sign`.
pub(crate) fn run(args: &SignArgs) -> CmdResult {
    // Signing in place (-o the input itself) replaces the input on purpose;
    // any other existing file only with --force.
    let replace =
        args.force || (args.input.as_os_str() != "-" && same_file(&args.input, &args.out));
    refuse_existing(&args.out, replace)?;
    let pem = read_key_pem(&args.key, "private key", true)?;
    if pem.contains("-----BEGIN PUBLIC KEY-----") {
        return Err(usage(format!(
            "{} is a public key; sign with the private key (NAME.pem)",
            args.key.display()
        )));
    }
    let key = SigningKey::from_pkcs8_pem(&pem)
        .map_err(|e| usage(format!("{}: {e}", args.key.display())))?;
    let alg_id = match &args.alg {
        None => key.default_alg(),
        Some(s) => parse_alg(s).ok_or_else(|| {
            usage(format!(
                "--alg {s}: unknown algorithm (use -7/ES256, -9/ESP256, -8/EdDSA or -19/Ed25519)"
            ))
        })?,
    };
    if !key.allowed_algs().contains(&alg_id) {
        let allowed: Vec<String> = key
            .allowed_algs()
            .iter()
            .map(|a| format!("{a} ({})", alg_name(i128::from(*a)).unwrap_or("?")))
            .collect();
        return Err(usage(format!(
            "--alg {alg_id} does not fit a {} key; use {}",
            key_type_name(key.key_type()),
            allowed.join(" or ")
        )));
    }
    let input = read_input(&args.input, "envelope")?;
    let (signed, blocks) = sign_bytes(&input, &key, alg_id)?;
    write_file_replacing(&args.out, &signed, "envelope", replace)?;
    crate::util::err_line(&format!(
        "signed {} with {} ({alg_id}): {} signature(s) now",
        args.out.display(),
        alg_name(i128::from(alg_id)).unwrap_or("?"),
        blocks
    ));
    Ok(())
}

/// Sign `input`; returns the signed envelope and its number of COSE_Sign1 blocks.
pub(crate) fn sign_bytes(
    input: &[u8],
    key: &SigningKey,
    alg_id: i64,
) -> CmdResult<(Vec<u8>, usize)> {
    // The digest check happens inside parse_envelope (and again in sign).
    let parts = cose::parse_envelope(input).map_err(|e| match e {
        suit_encoder::Error::DigestMismatch => Failure::Refused(format!("refusing to sign: {e}")),
        other => Failure::Refused(format!("not a SUIT envelope this tool can sign: {other}")),
    })?;
    let existing = parts.auth_elements.len().saturating_sub(1);
    // A second signature by the same key with the same algorithm adds
    // nothing a device counts, and a re-run pipeline step would fill the
    // block limit with copies (the same key with another algorithm is an
    // algorithm migration, and allowed).
    let public = key.public_raw();
    if cose::sign1_blocks(input).is_ok_and(|blocks| {
        blocks.iter().any(|b| {
            b.alg == Some(i128::from(alg_id))
                && cose::verify_raw(key.key_type(), &public, &b.to_be_signed, &b.signature).is_ok()
        })
    }) {
        return Err(Failure::Refused(format!(
            "refusing to sign: the envelope already carries a signature by this key with {}",
            alg_name(i128::from(alg_id)).unwrap_or("this algorithm")
        )));
    }
    let max = suit_verify::limits::MAX_AUTH_BLOCKS;
    if existing >= max {
        return Err(Failure::Refused(format!(
            "the envelope already carries {existing} authentication blocks, the most suit-verify accepts is {max}"
        )));
    }
    let signed = cose::sign(input, key, alg_id, None)
        .map_err(|e| Failure::Refused(format!("cannot sign: {e}")))?;
    // Self-check: the new (last) block verifies with the public key.
    let blocks = cose::sign1_blocks(&signed)
        .map_err(|e| Failure::Refused(format!("signed envelope does not parse: {e}")))?;
    let last = blocks
        .last()
        .ok_or_else(|| Failure::Refused("signed envelope has no signature".into()))?;
    cose::verify_raw(
        key.key_type(),
        &key.public_raw(),
        &last.to_be_signed,
        &last.signature,
    )
    .map_err(|e| Failure::Refused(format!("new signature does not verify: {e}")))?;
    device_would_accept(input, &signed, key)?;
    Ok((signed, blocks.len()))
}

/// What a device checks first, by the library itself: the signed envelope
/// authenticates with the signer's key (its manifest decodes, in canonical
/// CBOR; every severed member matches its digest). Nothing a device would
/// refuse at authentication leaves this tool signed. The refusal names the
/// error as `verify` does (`NAME: message; code 0xNNNN`), then `, input
/// byte N`: an error's offset is given in `input` (the wrapper grew by the
/// new block, and everything the library reads after it moved by as much).
fn device_would_accept(input: &[u8], signed: &[u8], key: &SigningKey) -> CmdResult {
    let kind = crate::util::library_key_type(key.key_type());
    let public = key.public_raw();
    let refuse = |e: suit_verify::Error| {
        let k = e.kind();
        let at = e
            .offset()
            .and_then(|o| usize::try_from(o).ok())
            .and_then(|o| o.checked_sub(signed.len().saturating_sub(input.len())))
            .map_or_else(String::new, |o| format!(", input byte {o}"));
        Failure::Refused(format!(
            "refusing to sign: a device would reject this envelope: {}{at}",
            crate::util::error_kind_text(k)
        ))
    };
    let trusted = [suit_verify::TrustedKey::new(kind, &public).map_err(refuse)?];
    let store = suit_verify::KeyStore::new(&trusted).map_err(refuse)?;
    let env = suit_verify::Envelope::parse(signed).map_err(refuse)?;
    suit_verify::authenticate(
        &env,
        &store,
        &suit_verify::Policy::DEFAULT,
        &suit_verify::RustCrypto,
    )
    .map(|_| ())
    .map_err(refuse)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn algorithms() {
        assert_eq!(parse_alg("-7"), Some(-7));
        assert_eq!(parse_alg("ESP256"), Some(-9));
        assert_eq!(parse_alg("eddsa"), Some(-8));
        assert_eq!(parse_alg("-19"), Some(-19));
        assert_eq!(parse_alg("-35"), None);
        assert_eq!(parse_alg("x"), None);
        assert_eq!(alg_name(-7), Some("ES256"));
        assert_eq!(alg_name(1 << 70), None);
    }
}
