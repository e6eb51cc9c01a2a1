//! FIXED TEST KEYS. Their private halves are published in this source file:
//! they exist only to make test vectors reproducible. A product MUST NEVER
//! trust any of them (and a release build should reject manifests signed
//! with them).
//!
//! * `ed25519_a` / `ed25519_b`: Ed25519 seeds `01 01 … 01` and `02 02 … 02`.
//! * `p256_a` / `p256_b`: P-256 private scalars `01 01 … 01` and `02 02 … 02`.

use crate::cose::SigningKey;

/// Seed of TEST KEY [`ed25519_a`] (32 bytes of 0x01). NEVER trust it.
pub const ED25519_A_SEED: [u8; 32] = [0x01; 32];
/// Seed of TEST KEY [`ed25519_b`] (32 bytes of 0x02). NEVER trust it.
pub const ED25519_B_SEED: [u8; 32] = [0x02; 32];
/// Private scalar of TEST KEY [`p256_a`] (32 bytes of 0x01). NEVER trust it.
pub const P256_A_SCALAR: [u8; 32] = [0x01; 32];
/// Private scalar of TEST KEY [`p256_b`] (32 bytes of 0x02). NEVER trust it.
pub const P256_B_SCALAR: [u8; 32] = [0x02; 32];

// The constants above are valid keys (non-zero seeds, scalars below the
// group order); the unit test below checks it, so these cannot fail.
fn ed(seed: &[u8; 32]) -> SigningKey {
    #[allow(clippy::expect_used)]
    SigningKey::ed25519_from_seed(seed).expect("fixed non-zero test seed")
}

fn ec(d: &[u8; 32]) -> SigningKey {
    #[allow(clippy::expect_used)]
    SigningKey::p256_from_scalar(d).expect("fixed valid test scalar")
}

/// TEST KEY (Ed25519, seed 0x01…): public, for tests only, never to be trusted by a product.
pub fn ed25519_a() -> SigningKey {
    ed(&ED25519_A_SEED)
}

/// TEST KEY (Ed25519, seed 0x02…): public, for tests only, never to be trusted by a product.
pub fn ed25519_b() -> SigningKey {
    ed(&ED25519_B_SEED)
}

/// TEST KEY (P-256, scalar 0x01…): public, for tests only, never to be trusted by a product.
pub fn p256_a() -> SigningKey {
    ec(&P256_A_SCALAR)
}

/// TEST KEY (P-256, scalar 0x02…): public, for tests only, never to be trusted by a product.
pub fn p256_b() -> SigningKey {
    ec(&P256_B_SCALAR)
}

/// All four TEST KEYS, in the order a, b (Ed25519), a, b (P-256).
pub fn all() -> Vec<SigningKey> {
    vec![ed25519_a(), ed25519_b(), p256_a(), p256_b()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_distinct_and_stable() {
        let pubs: Vec<Vec<u8>> = all().iter().map(SigningKey::public_raw).collect();
        assert_eq!(pubs[0].len(), 32);
        assert_eq!(pubs[2].len(), 65);
        assert_eq!(pubs[2][0], 0x04);
        for i in 0..pubs.len() {
            for j in (i + 1)..pubs.len() {
                assert_ne!(pubs[i], pubs[j]);
            }
        }
        assert_eq!(ed25519_a().public_raw(), pubs[0]);
    }
}
