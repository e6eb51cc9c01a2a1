//! # suit-verify
//!
//! A `no_std`, zero-heap verifier and processor for IETF SUIT firmware-update
//! manifests (draft-ietf-suit-manifest-37): it decides whether an update may
//! be installed or an image booted.
//!
//! ## Data flow
//!
//! ```text
//!  untrusted bytes
//!        │  Envelope::parse            (envelope)  tag 107, extents only
//!        ▼
//!  Envelope<'a> ──► authenticate ──────► (auth)     digest, COSE_Sign1, policy
//!                        │                          then manifest decode (manifest)
//!                        ▼
//!               Authenticated<'a>  ──► Processor::run (interp) ──► Platform calls
//!                                            │  every sequence of the manifest
//!                                            │  checked whole, then run
//!                                            ▼
//!                                  ImageVerifier (image): chunked digest + size
//! ```
//!
//! Layers, named after the specification's nouns:
//!
//! - [`cbor`]: strict borrowing reader (deterministic encoding only, bounded
//!   depth, iterative skip);
//! - [`cose`]: COSE_Sign1 and the Sig_structure, built without copying;
//! - [`envelope`]: the untrusted envelope, recorded as byte ranges;
//! - [`auth`]: digest, signatures, key store and policy;
//! - [`manifest`]: the authenticated manifest's members;
//! - [`interp`]: the command-sequence processor, over a [`Platform`];
//! - [`image`]: incremental image verification;
//! - [`crypto`]: hashing and signature traits with RustCrypto defaults.
//!
//! ## Guarantees
//!
//! - `#![no_std]`, no `alloc`, no global state, `#![forbid(unsafe_code)]`.
//! - No panic is reachable from input: no `unwrap`, indexing or unchecked
//!   arithmetic in library code (enforced by clippy lints), every loop over
//!   input is bounded by a [`limits`] constant, and nothing recurses
//!   (nesting is a loop over a fixed-size stack), so the stack depth does
//!   not depend on input.
//! - Nothing inside the manifest is decoded before its digest and a
//!   signature have passed; only [`authenticate`] (or
//!   [`authenticate_with`], which lends it to a closure instead of
//!   returning it; and
//!   [`auth::reauthenticate`], from the [`auth::Receipt`] of an earlier
//!   authentication) produces [`Authenticated`].
//! - Every failure is an [`Error`]: a stable numbered [`ErrorKind`] (the C ABI
//!   uses the same numbers) and a byte offset.
//!
//! ## Not supported (refused, never skipped)
//!
//! - The companion drafts' members, commands and parameters (trust domains,
//!   update management, firmware encryption), in any section the manifest
//!   carries: [`ErrorKind::UnsupportedExtension`] before anything runs.
//! - COSE_Mac0, COSE_Sign and COSE_Mac authentication blocks are ignored
//!   (an envelope with nothing else is [`ErrorKind::AuthUnsupportedCose`]).
//! - Of the suit-mti profiles, only the signatures of the ESP256 and Ed25519
//!   profiles: not HSS-LMS, the HMAC profile, key exchange, key wrap or
//!   content encryption.
//! - Delegation chains (envelope member 1): [`ErrorKind::EnvelopeUnknownKey`].
//!
//! ## Example
//!
//! ```
//! use suit_verify::{authenticate, Envelope, KeyStore, Policy, RustCrypto, TrustedKey};
//! # fn demo(envelope_bytes: &[u8], device_key: &[u8; 32]) -> Result<(), suit_verify::Error> {
//! let keys = [TrustedKey::ed25519(device_key)];
//! let envelope = Envelope::parse(envelope_bytes)?;
//! let auth = authenticate(&envelope, &KeyStore::new(&keys)?, &Policy::min_sequence(7), &RustCrypto)?;
//! assert!(auth.sequence_number() >= 7);
//! # Ok(()) }
//! ```

#![no_std]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic,
        clippy::arithmetic_side_effects,
        clippy::as_conversions,
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_possible_wrap
    )
)]

#[cfg(test)]
extern crate std;

pub mod auth;
pub mod cbor;
pub mod cose;
pub mod crypto;
pub mod digest;
pub mod envelope;
pub mod error;
pub mod image;
pub mod interp;
pub mod limits;
pub mod manifest;
pub mod platform;

pub use auth::{Authenticated, KeyStore, Policy, TrustedKey, authenticate, authenticate_with};
pub use crypto::{Crypto, KeyType, RustCrypto};
pub use envelope::Envelope;
pub use error::{Error, ErrorKind, Result};
pub use image::{ImageVerifier, Verified};
pub use interp::{Options, Outcome, Procedure, Processor};
pub use limits::Limits;
pub use platform::{Platform, PlatformError};

/// The README's Rust examples, compiled as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
