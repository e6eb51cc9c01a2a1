//! `suit keygen`: a fresh signing key pair as PEM files.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use suit_encoder::cose::{KeyType, SigningKey};

use crate::util::{CmdResult, Failure, usage};

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
    let base = args.out.as_os_str().to_os_string();
    let mut private = base.clone();
    private.push(".pem");
    let mut public = base;
    public.push(".pub.pem");
    let (private, public) = (PathBuf::from(private), PathBuf::from(public));
    if !args.force {
        for p in [&private, &public] {
            if p.exists() {
                return Err(usage(format!(
                    "{} exists; use --force to overwrite it",
                    p.display()
                )));
            }
        }
    }
    let key = SigningKey::generate(kt).map_err(|e| Failure::Usage(e.to_string()))?;
    let private_pem = key
        .to_pkcs8_pem()
        .map_err(|e| Failure::Usage(e.to_string()))?;
    let public_pem = key
        .public_spki_pem()
        .map_err(|e| Failure::Usage(e.to_string()))?;
    write_private(&private, private_pem.as_bytes())?;
    crate::util::write_file(&public, public_pem.as_bytes(), "public key")?;
    let name = match kt {
        KeyType::Ed25519 => "Ed25519",
        KeyType::P256 => "P-256",
    };
    crate::util::out(&format!(
        "wrote {} (private {name} key, PKCS#8) and {} (public key, SPKI)\n",
        private.display(),
        public.display()
    ));
    Ok(())
}

/// Write the private key readable by its owner only (on Unix).
fn write_private(path: &std::path::Path, data: &[u8]) -> CmdResult {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let err =
        |e: std::io::Error| usage(format!("cannot write private key {}: {e}", path.display()));
    let mut f = opts.open(path).map_err(err)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // --force over an existing file: mode() only applies on creation.
        f.set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(err)?;
    }
    f.write_all(data).map_err(err)?;
    Ok(())
}
