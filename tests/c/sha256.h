/* A small portable SHA-256 for the C tests' digest callbacks (FIPS 180-4). */
#ifndef TEST_SHA256_H
#define TEST_SHA256_H
#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint32_t h[8];
    uint64_t len;
    uint8_t buf[64];
    size_t fill;
} test_sha256;

void test_sha256_init(test_sha256 *s);
void test_sha256_update(test_sha256 *s, const uint8_t *data, size_t len);
void test_sha256_final(test_sha256 *s, uint8_t out[32]);
#endif
