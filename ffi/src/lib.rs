//! C ABI for suit-verify (in progress).
#![no_std]
