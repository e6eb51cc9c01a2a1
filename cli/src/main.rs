//! `suit`: create, sign, inspect and verify SUIT envelopes
//! (draft-ietf-suit-manifest-37).
//!
//! Exit status: 0 success; 1 the envelope was examined and refused
//! (`suit verify` rejected it: one line `rejected: NAME: message; code ...` on
//! stderr; or `sign`/`inspect` refused bytes that are not a usable
//! envelope); 2 usage, file, key or description errors (`error: ...`).

// A host tool: std is the right library here.
#![allow(clippy::std_instead_of_core)]

mod c_header;
mod create;
mod inspect;
mod keygen;
mod sign;
mod util;
mod uuid;
mod verify;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::util::{EXIT_OK, EXIT_USAGE};

/// Create, sign, inspect and verify SUIT firmware-update envelopes
/// (draft-ietf-suit-manifest-37).
#[derive(Parser, Debug)]
#[command(
    name = "suit",
    version,
    after_help = "Exit status: 0 success, 1 rejected/refused, 2 usage, key or file error."
)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand, Debug)]
enum Cmd {
    Keygen(keygen::KeygenArgs),
    Create(create::CreateArgs),
    Sign(sign::SignArgs),
    Inspect(inspect::InspectArgs),
    Verify(verify::VerifyArgs),
    Uuid(uuid::UuidArgs),
    CHeader(c_header::CHeaderArgs),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            // --help and --version print to stdout and succeed; real usage
            // errors print to stderr with status 2.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { EXIT_USAGE } else { EXIT_OK });
        }
    };
    let result = match &cli.command {
        Cmd::Keygen(a) => keygen::run(a),
        Cmd::Create(a) => create::run(a),
        Cmd::Sign(a) => sign::run(a),
        Cmd::Inspect(a) => inspect::run(a),
        Cmd::Verify(a) => verify::run(a),
        Cmd::Uuid(a) => uuid::run(a),
        Cmd::CHeader(a) => c_header::run(a),
    };
    let result = result.and_then(|()| match util::stdout_failure() {
        Some(e) => Err(util::usage(format!("cannot write to standard output: {e}"))),
        None => Ok(()),
    });
    match result {
        Ok(()) => ExitCode::from(EXIT_OK),
        Err(f) => {
            // One line, always.
            util::err_line(&f.to_string().replace('\n', " "));
            ExitCode::from(f.exit_code())
        }
    }
}
