//! Build-time capacities of the C ABI, from environment variables:
//!
//! - `SUIT_VERIFY_MAX_COMPONENTS` (default 4, 1..=16): components a
//!   procedure handles (processor stack grows with it);
//! - `SUIT_VERIFY_HASH_CTX_WORDS` (default 32, 0..=1024): 64-bit words of
//!   state reserved for the C digest callbacks (`suit_crypto`), inside
//!   `suit_ctx` and `suit_image_verifier`.
//!
//! The committed `include/suit_verify.h` is the header of the defaults; other
//! values need a header made by `ffi/gen-header.sh` with the same variables
//! (the Zephyr module does this), or `suit_ctx_init` refuses the storage size.

use std::{env, fs, path::PathBuf};

fn cap(name: &str, default: usize, min: usize, max: usize) -> usize {
    println!("cargo:rerun-if-env-changed={name}");
    match env::var(name) {
        Err(_) => default,
        Ok(v) => match v.trim().parse::<usize>() {
            Ok(n) if (min..=max).contains(&n) => n,
            _ => {
                println!("cargo:warning={name}={v} is not in {min}..={max}");
                std::process::exit(1);
            }
        },
    }
}

fn main() {
    // `cfg(suit_thumb)`: a Thumb target (`thumbv6m-...`, `thumbv7em-...`,
    // `thumbv8m...`), for the weak `suit_port_fatal` default. rustc does not
    // expose Thumb mode as a target feature.
    println!("cargo::rustc-check-cfg=cfg(suit_thumb)");
    if env::var("TARGET").is_ok_and(|t| t.starts_with("thumb")) {
        println!("cargo::rustc-cfg=suit_thumb");
    }
    let components = cap("SUIT_VERIFY_MAX_COMPONENTS", 4, 1, 16);
    let hash_words = cap("SUIT_VERIFY_HASH_CTX_WORDS", 32, 0, 1024);
    let abi_capacity = components << 8;
    let out = PathBuf::from(env::var_os("OUT_DIR").unwrap_or_default()).join("capacity.rs");
    let text = format!(
        "/// Components a procedure handles (`SUIT_VERIFY_MAX_COMPONENTS`).\n\
         pub(crate) const MAX_COMPONENTS: usize = {components};\n\
         /// Words of C digest state (`SUIT_VERIFY_HASH_CTX_WORDS`).\n\
         pub(crate) const HASH_CTX_WORDS: usize = {hash_words};\n\
         /// `MAX_COMPONENTS` in the second byte of `SUIT_ABI_VERSION`.\n\
         pub(crate) const ABI_CAPACITY: u32 = {abi_capacity};\n"
    );
    if fs::write(&out, text).is_err() {
        println!("cargo:warning=cannot write {}", out.display());
        std::process::exit(1);
    }
    println!("cargo:rerun-if-changed=build.rs");
}
