/* verify_envelope ENVELOPE.cbor KEY.hex: authenticate a SUIT envelope with a
 * P-256 public key (hex, uncompressed SEC1) and print its sequence number.
 * Exit 0 when it is authentic. The find_package(SuitVerify) consumer test. */
#include <stdio.h>
#include <stdlib.h>

#include "suit_verify.h"

static size_t read_all(const char *path, unsigned char *buf, size_t cap)
{
    FILE *f = fopen(path, "rb");
    size_t n;
    if (!f) return 0;
    n = fread(buf, 1, cap, f);
    fclose(f);
    return n;
}

int main(int argc, char **argv)
{
    static unsigned char envelope[16384], hex[256], copy[16384];
    unsigned char key[65];
    size_t env_len, hex_len, i, k = 0;
    suit_ctx ctx = {0};
    suit_key trusted;
    suit_result r;
    uint64_t seq = 0;
    if (argc != 3) {
        fprintf(stderr, "usage: %s ENVELOPE.cbor KEY.hex\n", argv[0]);
        return 2;
    }
    env_len = read_all(argv[1], envelope, sizeof envelope);
    hex_len = read_all(argv[2], hex, sizeof hex);
    for (i = 0; i + 1 < hex_len && k < sizeof key; i += 2) {
        unsigned int b;
        if (sscanf((const char *)hex + i, "%2x", &b) != 1) break;
        key[k++] = (unsigned char)b;
    }
    trusted.key_type = SUIT_KEY_P256;
    trusted.key = key;
    trusted.key_len = k;
    trusted.kid = NULL;
    trusted.kid_len = 0;

    r = suit_ctx_init(&ctx, sizeof ctx, SUIT_ABI_VERSION, copy, sizeof copy);
    if (r == SUIT_RESULT_OK) r = suit_authenticate(&ctx, envelope, env_len, &trusted, 1, 0, 0);
    if (r == SUIT_RESULT_OK) r = suit_manifest_sequence_number(&ctx, &seq);
    printf("suit-verify %s: %s (%s), sequence number %lu\n", suit_version_string(), suit_result_name(r),
           suit_result_message(r), (unsigned long)seq);
    suit_ctx_deinit(&ctx);
    return r == SUIT_RESULT_OK ? 0 : 1;
}
