//! Limits on the work an envelope can cause.
//!
//! Every loop over attacker-controlled structure is bounded by one of these
//! numbers, and running past any of them is its own error
//! (`ErrorKind::Limit*`), so a rejected envelope says which budget it hit.
//! The constants are the defaults and the hard ceilings; [`Limits`] lets a
//! caller lower them at run time.

use crate::error::{ErrorKind, Result};

/// Deepest CBOR nesting one item may have when the decoder skips it or
/// checks it whole (arrays, maps and tags count one level each). The
/// decoder reads SUIT's own structure level by level and skips whatever it
/// does not interpret (a COSE header value, a text map, a custom
/// parameter), each skip with a fixed-size stack of this depth; and each
/// bstr-wrapped member is checked whole, from its root. So how deep a
/// value may be depends on where it sits: a custom parameter's value gets
/// 14 levels at the top of a section (the section's array and the override
/// map count) and 15 in a run-sequence body or a try-each alternative (the
/// processor skips each override whole, the map counts). SUIT's deepest
/// legitimate skipped value needs 4; 16 leaves room for text maps and
/// custom values.
pub const MAX_CBOR_DEPTH: usize = 16;
/// CBOR items the decoder may visit in one call: authentication (with the
/// manifest's parsing) has one budget, and each procedure run starts a new
/// one.
pub const MAX_CBOR_ITEMS: u32 = 16_384;
/// Authentication blocks in the wrapper (beyond the digest).
pub const MAX_AUTH_BLOCKS: usize = 4;
/// Trusted keys a key store may list (the "all of" policy is a `u32` mask).
pub const MAX_KEYS: usize = 32;
/// Commands executed by one procedure (every component iteration counts).
pub const MAX_COMMANDS: u32 = 1_024;
/// Nesting of try-each and run-sequence below the top-level sequence.
pub const MAX_SEQUENCE_DEPTH: usize = 4;
/// Alternatives in one try-each.
pub const MAX_ALTERNATIVES: usize = 8;
/// Segments (byte strings) in one component identifier.
pub const MAX_COMPONENT_ID_SEGMENTS: usize = 8;
/// Integrated payloads (text keys) in one envelope.
pub const MAX_PAYLOADS: usize = 8;
/// Components a processor handles by default (`Processor`'s const generic).
pub const DEFAULT_COMPONENTS: usize = 4;
/// Custom (private-use) parameter numbers the sequences of one procedure
/// may use, all components together. Each component stores the values of
/// those it is given; counting the numbers before the procedure runs (every
/// override, every section, every try-each alternative) means no
/// component's table can overflow after a directive has acted.
pub const MAX_CUSTOM_PARAMETERS: usize = 2;

/// Run-time limits, each at most its constant above. Each call reads the
/// fields that concern it: `auth_blocks` and `cbor_items` by
/// `Envelope::parse_with` (one budget for the envelope's structure),
/// `cbor_items` again by `authenticate` (its `Policy`) and by each
/// procedure run (its `Options`), the rest by the processor only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// See [`MAX_CBOR_ITEMS`] (envelope parsing, authentication and each run).
    pub cbor_items: u32,
    /// See [`MAX_AUTH_BLOCKS`] (envelope parsing).
    pub auth_blocks: usize,
    /// See [`MAX_COMMANDS`] (each run).
    pub commands: u32,
    /// See [`MAX_SEQUENCE_DEPTH`] (each run).
    pub sequence_depth: usize,
    /// See [`MAX_ALTERNATIVES`] (each run).
    pub alternatives: usize,
}

impl Limits {
    /// The documented defaults (the constants).
    pub const DEFAULT: Limits = Limits {
        cbor_items: MAX_CBOR_ITEMS,
        auth_blocks: MAX_AUTH_BLOCKS,
        commands: MAX_COMMANDS,
        sequence_depth: MAX_SEQUENCE_DEPTH,
        alternatives: MAX_ALTERNATIVES,
    };

    /// These limits clamped to the compile-time ceilings.
    #[must_use]
    #[inline]
    pub fn clamped(self) -> Limits {
        Limits {
            cbor_items: self.cbor_items.min(MAX_CBOR_ITEMS),
            auth_blocks: self.auth_blocks.min(MAX_AUTH_BLOCKS),
            commands: self.commands.min(MAX_COMMANDS),
            sequence_depth: self.sequence_depth.min(MAX_SEQUENCE_DEPTH),
            alternatives: self.alternatives.min(MAX_ALTERNATIVES),
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// A countdown shared by everything that walks one envelope.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    remaining: u32,
    kind: ErrorKind,
}

impl Budget {
    /// A budget of `n` units that fails with `kind` when spent.
    #[must_use]
    pub const fn new(n: u32, kind: ErrorKind) -> Budget {
        Budget { remaining: n, kind }
    }

    /// Spend one unit.
    ///
    /// # Errors
    /// The budget's own limit error once nothing is left.
    #[inline(always)]
    pub fn spend(&mut self, offset: usize) -> Result<()> {
        match self.remaining.checked_sub(1) {
            Some(r) => {
                self.remaining = r;
                Ok(())
            }
            None => Err(self.kind.at(offset)),
        }
    }

    /// Units left.
    #[must_use]
    pub const fn remaining(&self) -> u32 {
        self.remaining
    }
}
