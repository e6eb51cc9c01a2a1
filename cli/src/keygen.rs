//! `suit keygen`: a fresh signing key pair as PEM files.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use suit_encoder::cose::{KeyType, SigningKey};

use crate::util::{
    CmdResult, Failure, commit_temp, commit_temp_new, exists, occupied, usage, write_temp,
};

/// Key algorithms `keygen` makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum KeyAlg {
    /// Ed25519 (signs as COSE -19 Ed25519 by default, or -8 EdDSA).
    #[value(alias = "eddsa")]
    Ed25519,
    /// ECDSA P-256 (signs as COSE -9 ESP256 by default, or -7 ES256).
    #[value(alias = "esp256", alias = "p256", alias = "p-256")]
    Es256,
}

/// Arguments of `suit keygen`.
#[derive(Args, Debug)]
#[command(
    about = "Generate a signing key pair: NAME.pem (PKCS#8 private key) and NAME.pub.pem (SubjectPublicKeyInfo)",
    long_about = "Generate a signing key pair.\n\n\
        Writes NAME.pem, the private key as PKCS#8 PEM (\"PRIVATE KEY\", mode 0600), \
        and NAME.pub.pem, the public key as SubjectPublicKeyInfo PEM (\"PUBLIC KEY\"): \
        the formats openssl and python's cryptography read and write. \
        Existing files are not overwritten unless --force is given."
)]
pub(crate) struct KeygenArgs {
    /// Key algorithm.
    #[arg(long, value_enum)]
    alg: KeyAlg,
    /// Base name of the files to write (NAME.pem and NAME.pub.pem).
    #[arg(long, value_name = "NAME")]
    out: PathBuf,
    /// Overwrite existing files.
    #[arg(long)]
    force: bool,
}

/// Run `suit keygen`.
pub(crate) fn run(args: &KeygenArgs) -> CmdResult {
    let kt = match args.alg {
        KeyAlg::Ed25519 => KeyType::Ed25519,
        KeyAlg::Es256 => KeyType::P256,
    };
    if args.out.is_dir() || args.out.as_os_str().to_string_lossy().ends_with('/') {
        return Err(usage(format!(
            "--out {} is a directory; give a file name prefix (it writes PREFIX.pem and PREFIX.pub.pem)",
            args.out.display()
        )));
    }
    let base = args.out.as_os_str().to_os_string();
    let mut private = base.clone();
    private.push(".pem");
    let mut public = base;
    public.push(".pub.pem");
    let (private, public) = (PathBuf::from(private), PathBuf::from(public));
    // Checked first so no key is made in vain; the commit below checks
    // again, atomically.
    if !args.force
        && let Some(p) = [&private, &public].into_iter().find(|p| occupied(p))
    {
        return Err(exists(p));
    }
    let key = SigningKey::generate(kt).map_err(|e| Failure::Usage(e.to_string()))?;
    let private_pem = key
        .to_pkcs8_pem()
        .map_err(|e| Failure::Usage(e.to_string()))?;
    let public_pem = key
        .public_spki_pem()
        .map_err(|e| Failure::Usage(e.to_string()))?;
    // Both files are written in full beside their targets first, then
    // renamed: a failure leaves neither a partial file nor a mismatched pair
    // (and a symbolic link at a target is replaced, not written through).
    let tmp_private = write_temp(&private, private_pem.as_bytes(), 0o600, "private key")?;
    let tmp_public =
        write_temp(&public, public_pem.as_bytes(), 0o644, "public key").inspect_err(|_| {
            let _ = std::fs::remove_file(&tmp_private);
        })?;
    // Without --force, an existing name (even one made since the check
    // above) fails the commit instead of being replaced.
    let commit = if args.force {
        commit_temp
    } else {
        commit_temp_new
    };
    if let Err(e) = commit(&tmp_private, &private, "private key") {
        let _ = std::fs::remove_file(&tmp_public);
        return Err(e);
    }
    if let Err(e) = commit(&tmp_public, &public, "public key") {
        // No half pair: the private key just written goes too.
        let _ = std::fs::remove_file(&private);
        return Err(e);
    }
    let name = crate::util::key_type_name(kt);
    crate::util::err_line(&format!(
        "wrote {} (private {name} key, PKCS#8, mode 0600) and {} (public key, SPKI)",
        private.display(),
        public.display()
    ));
    Ok(())
}
