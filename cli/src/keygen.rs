//! `suit keygen`: a fresh signing key pair as PEM files.

use std::path::{Path, PathBuf};

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
        the formats openssl and python's cryptography read and write. --out k.pem and \
        --out k.pub.pem mean --out k (a trailing .pem or .pub.pem is dropped, so the files \
        are never k.pem.pem). \
        Existing files are not overwritten unless --force is given; with --force the pair \
        is replaced whole or not at all (a directory at either name is refused before \
        anything is written, and the old private key is put back if the public key cannot \
        be written)."
)]
pub(crate) struct KeygenArgs {
    /// Key algorithm.
    #[arg(long, value_enum)]
    alg: KeyAlg,
    /// Base name of the files to write (NAME.pem and NAME.pub.pem); a trailing .pem or .pub.pem is dropped.
    #[arg(long, value_name = "NAME")]
    out: PathBuf,
    /// Overwrite existing files (both or neither).
    #[arg(long)]
    force: bool,
}

/// Run `suit keygen`.
pub(crate) fn run(args: &KeygenArgs) -> CmdResult {
    let kt = match args.alg {
        KeyAlg::Ed25519 => KeyType::Ed25519,
        KeyAlg::Es256 => KeyType::P256,
    };
    let base = key_base(&args.out);
    if base.is_dir() || base.as_os_str().to_string_lossy().ends_with('/') {
        return Err(usage(format!(
            "--out {} is a directory; give a file name prefix (it writes PREFIX.pem and PREFIX.pub.pem)",
            args.out.display()
        )));
    }
    let base = base.into_os_string();
    let mut private = base.clone();
    private.push(".pem");
    let mut public = base;
    public.push(".pub.pem");
    let (private, public) = (PathBuf::from(private), PathBuf::from(public));
    // Checked first so no key is made in vain; the commit below checks
    // again, atomically. A directory is never replaced, even with --force:
    // refused before either file is touched, so the old pair stays whole.
    for (p, what) in [(&private, "private key"), (&public, "public key")] {
        if std::fs::symlink_metadata(p).is_ok_and(|m| m.is_dir()) {
            return Err(usage(format!(
                "cannot write {what} {}: it is a directory",
                p.display()
            )));
        }
    }
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
    commit_pair(
        [(&tmp_private, &private), (&tmp_public, &public)],
        args.force,
    )?;
    let name = crate::util::key_type_name(kt);
    crate::util::err_line(&format!(
        "wrote {} (private {name} key, PKCS#8, mode 0600) and {} (public key, SPKI)",
        private.display(),
        public.display()
    ));
    Ok(())
}

/// The prefix `--out` names: `k`, `k.pem` and `k.pub.pem` all mean `k` (so
/// `--out k.pem` writes `k.pem`, not `k.pem.pem`), unless nothing but a
/// directory would be left (`--out dir/.pem` stays as it is).
fn key_base(out: &Path) -> PathBuf {
    let Some(s) = out.to_str() else {
        return out.to_path_buf();
    };
    let stripped = s
        .strip_suffix(".pub.pem")
        .or_else(|| s.strip_suffix(".pem"))
        .filter(|b| !b.is_empty() && !b.ends_with('/'));
    PathBuf::from(stripped.unwrap_or(s))
}

/// Move the written private and public key files (`[(temporary, target);
/// 2]`) to their targets. Without `force`, an existing name (even one made
/// since the checks in [`run`]) fails the commit instead of being replaced.
/// A failure leaves no half pair: if the public key cannot be committed, the
/// private key just committed goes too, and a private key it replaced
/// (kept under a second name meanwhile) is put back.
fn commit_pair(pair: [(&Path, &Path); 2], force: bool) -> CmdResult {
    let [(tmp_private, private), (tmp_public, public)] = pair;
    let commit = if force { commit_temp } else { commit_temp_new };
    // The old private key, linked to a second name before it is replaced.
    let old = (force && occupied(private))
        .then(|| {
            let name = private
                .file_name()
                .map_or_else(|| "key".into(), |n| n.to_string_lossy().into_owned());
            private.with_file_name(format!(".{name}.suit-old-{}", std::process::id()))
        })
        .filter(|old| std::fs::hard_link(private, old).is_ok());
    let drop_old = || {
        if let Some(o) = &old {
            let _ = std::fs::remove_file(o);
        }
    };
    if let Err(e) = commit(tmp_private, private, "private key") {
        let _ = std::fs::remove_file(tmp_public);
        drop_old();
        return Err(e);
    }
    if let Err(e) = commit(tmp_public, public, "public key") {
        match &old {
            Some(o) => {
                if std::fs::rename(o, private).is_err() {
                    let _ = std::fs::remove_file(private);
                    drop_old();
                }
            }
            None => {
                let _ = std::fs::remove_file(private);
            }
        }
        return Err(e);
    }
    drop_old();
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn key_base_strips_one_pem_suffix() {
        for (out, base) in [
            ("k", "k"),
            ("k.pem", "k"),
            ("k.pub.pem", "k"),
            ("dir/k.pem", "dir/k"),
            ("k.pem.pem", "k.pem"),
            ("k.der", "k.der"),
            (".pem", ".pem"),
            ("dir/.pem", "dir/.pem"),
            ("release.v2", "release.v2"),
        ] {
            assert_eq!(key_base(Path::new(out)), PathBuf::from(base), "{out}");
        }
    }

    #[test]
    fn a_failed_public_commit_puts_the_old_private_key_back() {
        let dir = tempfile::tempdir().unwrap();
        let (private, public) = (dir.path().join("k.pem"), dir.path().join("k.pub.pem"));
        std::fs::write(&private, b"old private").unwrap();
        std::fs::write(&public, b"old public").unwrap();
        let tmp_private = write_temp(&private, b"new private", 0o600, "private key").unwrap();
        // A temporary public key that is gone: its commit fails.
        let tmp_public = dir.path().join("vanished");
        let r = commit_pair([(&tmp_private, &private), (&tmp_public, &public)], true);
        assert!(matches!(r, Err(Failure::Usage(_))), "{r:?}");
        assert_eq!(std::fs::read(&private).unwrap(), b"old private");
        assert_eq!(std::fs::read(&public).unwrap(), b"old public");
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left.len(), 2, "{left:?}");
        // Without an old private key, the new one goes: no half pair.
        std::fs::remove_file(&private).unwrap();
        let tmp_private = write_temp(&private, b"new private", 0o600, "private key").unwrap();
        let r = commit_pair([(&tmp_private, &private), (&tmp_public, &public)], true);
        assert!(r.is_err());
        assert!(!private.exists() && !tmp_private.exists());
        // Both commit: the new pair, nothing else left.
        let tmp_private = write_temp(&private, b"new private", 0o600, "private key").unwrap();
        let tmp_public = write_temp(&public, b"new public", 0o644, "public key").unwrap();
        commit_pair([(&tmp_private, &private), (&tmp_public, &public)], true).unwrap();
        assert_eq!(std::fs::read(&private).unwrap(), b"new private");
        assert_eq!(std::fs::read(&public).unwrap(), b"new public");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }
}
