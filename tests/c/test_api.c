/*
 * C tests of the suit-verify C ABI (include/suit_verify.h), built with
 * -std=c99 -Wall -Wextra -Wpedantic -Werror (gcc and clang), also under
 * AddressSanitizer and UndefinedBehaviorSanitizer, by scripts/test-c.sh.
 *
 *   test_api IETF_VECTOR_DIR
 *
 * Covers: the IETF example envelopes through the C API; the generated
 * vectors (vectors.h: Ed25519, P-256, both); queries; the update and
 * invocation procedures through C callbacks; every misuse (NULL pointers,
 * wrong sizes, use before init, double deinit, wrong ABI version, buffers
 * too small); every callback failing; the streaming verifier with chunk
 * sizes 1, 7, 64 and 4096; C digest and signature callbacks.
 * Prints "N passed, N failed" and exits non-zero on any failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sha256.h"
#include "suit_verify.h"
#include "vectors.h"

static int passed, failed;

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (cond) {                                                                  \
            passed++;                                                                \
        } else {                                                                     \
            failed++;                                                                \
            fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
        }                                                                            \
    } while (0)

#define CHECK_RC(expr, want)                                                                    \
    do {                                                                                        \
        suit_result rc_ = (expr);                                                               \
        suit_result want_ = (want);                                                             \
        if (rc_ == want_) {                                                                     \
            passed++;                                                                           \
        } else {                                                                                \
            failed++;                                                                           \
            fprintf(stderr, "%s:%d: %s\n  = %s, want %s\n", __FILE__, __LINE__, #expr,          \
                    suit_result_name(rc_), suit_result_name(want_));                            \
        }                                                                                       \
    } while (0)

/* C99 compile-time checks (no _Static_assert before C11). */
#define STATIC_CHECK(name, cond) typedef char static_check_##name[(cond) ? 1 : -1]
STATIC_CHECK(ctx_size, sizeof(suit_ctx) == SUIT_CTX_WORDS * 8);
STATIC_CHECK(verifier_size, sizeof(suit_image_verifier) == SUIT_IMAGE_VERIFIER_WORDS * 8);
STATIC_CHECK(result_is_u32, sizeof(suit_result) == 4);
STATIC_CHECK(verdict_is_u32, sizeof(suit_verdict) == 4);
STATIC_CHECK(version_number, SUIT_VERSION_NUMBER == ((SUIT_VERSION_MAJOR << 16) | (SUIT_VERSION_MINOR << 8) |
                                                     SUIT_VERSION_PATCH));
STATIC_CHECK(verdicts_differ, SUIT_VERDICT_ALLOW != SUIT_VERDICT_DENY && SUIT_VERDICT_ALLOW != 0);
/* The verdicts are unsigned int constants, so the complement holds in C too. */
STATIC_CHECK(deny_is_the_complement, ~SUIT_VERDICT_DENY == SUIT_VERDICT_ALLOW);
STATIC_CHECK(no_offset_is_u32_max, SUIT_NO_OFFSET == UINT32_MAX && SUIT_NO_COMPONENT == UINT32_MAX);
STATIC_CHECK(ok_is_zero, SUIT_RESULT_OK == 0);
STATIC_CHECK(report_record, sizeof(suit_report_record) == 40);
STATIC_CHECK(error_detail, sizeof(suit_error_detail) == 32);

#define STR2(x) #x
#define STR(x) STR2(x)

/* ---- files -------------------------------------------------------------------- */

static const char *vector_dir;

static uint8_t *read_file(const char *rel, size_t *len)
{
    char path[1024];
    FILE *f;
    long n;
    uint8_t *buf;
    snprintf(path, sizeof path, "%s/%s", vector_dir, rel);
    f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        exit(2);
    }
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc(n > 0 ? (size_t)n : 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(2);
    }
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static size_t from_hex(const uint8_t *hex, size_t n, uint8_t *out, size_t cap)
{
    size_t i, o = 0;
    int hi = -1;
    for (i = 0; i < n; i++) {
        int v;
        uint8_t c = hex[i];
        if (c >= '0' && c <= '9') v = c - '0';
        else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
        else continue;
        if (hi < 0) {
            hi = v;
        } else {
            if (o < cap) out[o] = (uint8_t)(hi << 4 | v);
            o++;
            hi = -1;
        }
    }
    return o;
}

static uint8_t ietf_key[65];
static suit_key ietf_suit_key;

static void load_ietf_key(void)
{
    size_t n;
    uint8_t *hex = read_file("keys/suit-example-p256-public.uncompressed.hex", &n);
    CHECK(from_hex(hex, n, ietf_key, sizeof ietf_key) == 65);
    free(hex);
    ietf_suit_key.key_type = SUIT_KEY_P256;
    ietf_suit_key.key = ietf_key;
    ietf_suit_key.key_len = sizeof ietf_key;
    ietf_suit_key.kid = NULL;
    ietf_suit_key.kid_len = 0;
}

/* ---- a device ------------------------------------------------------------------------ */

typedef struct {
    const uint8_t *vendor, *class_id;
    const uint8_t *image;   /* what `read` serves */
    size_t image_len;
    const char *fail;       /* "name", "name:wait", "name:unsupported", "name:nomatch", "name:garbage" */
    int fetched, invoked, reports, reads, components_asked, digests;
    suit_ctx *reenter;      /* if set, a callback tries to use this context */
    suit_result reentry;
} device;

static int32_t answer(device *d, const char *name, int32_t success)
{
    size_t n = strlen(name);
    if (!d->fail || strncmp(d->fail, name, n) != 0) return success;
    if (d->fail[n] == '\0') return SUIT_PLATFORM_FAIL;
    if (d->fail[n] != ':') return success;
    if (!strcmp(d->fail + n + 1, "wait")) return SUIT_PLATFORM_WAIT;
    if (!strcmp(d->fail + n + 1, "unsupported")) return SUIT_PLATFORM_UNSUPPORTED;
    if (!strcmp(d->fail + n + 1, "nomatch")) return SUIT_PLATFORM_NO_MATCH;
    if (!strcmp(d->fail + n + 1, "garbage")) return 12345;
    return SUIT_PLATFORM_FAIL;
}

static int32_t cb_vendor(void *user, uint32_t component, const uint8_t *id, size_t len, uint32_t is_pen)
{
    device *d = user;
    (void)component;
    if (d->reenter) {
        uint64_t s;
        d->reentry = suit_manifest_sequence_number(d->reenter, &s);
    }
    if (is_pen || len != 16 || memcmp(id, d->vendor, 16) != 0) return SUIT_PLATFORM_NO_MATCH;
    return answer(d, "vendor", SUIT_PLATFORM_MATCH);
}

static int32_t cb_class(void *user, uint32_t component, const uint8_t *uuid)
{
    device *d = user;
    (void)component;
    if (memcmp(uuid, d->class_id, 16) != 0) return SUIT_PLATFORM_NO_MATCH;
    return answer(d, "class", SUIT_PLATFORM_MATCH);
}

static int32_t cb_read(void *user, uint32_t component, uint64_t offset, uint8_t *buf, size_t len, size_t *got)
{
    device *d = user;
    int32_t rc = answer(d, "read", SUIT_PLATFORM_OK);
    size_t n;
    (void)component;
    d->reads++;
    if (rc != SUIT_PLATFORM_OK) return rc;
    if (offset >= d->image_len) {
        *got = 0;
        return SUIT_PLATFORM_OK;
    }
    n = d->image_len - (size_t)offset;
    if (n > len) n = len;
    memcpy(buf, d->image + offset, n);
    *got = n;
    return SUIT_PLATFORM_OK;
}

/* A device that keeps its images' digests: SHA-256 of the first *size bytes `read` would serve. */
static int32_t cb_digest(void *user, uint32_t component, int32_t cose_alg, const uint64_t *size, uint8_t *out,
                         size_t out_len)
{
    device *d = user;
    int32_t rc = answer(d, "digest", SUIT_PLATFORM_OK);
    size_t n = d->image_len;
    test_sha256 s;
    d->digests++;
    if (rc != SUIT_PLATFORM_OK) return rc;
    if (component != 0 || cose_alg != -16 || out_len != 32) return SUIT_PLATFORM_FAIL;
    if (size != NULL && *size < n) n = (size_t)*size;
    test_sha256_init(&s);
    test_sha256_update(&s, d->image, n);
    test_sha256_final(&s, out);
    return SUIT_PLATFORM_OK;
}

static int32_t cb_fetch(void *user, uint32_t component, const uint8_t *uri, size_t uri_len, const uint8_t *args,
                        size_t args_len)
{
    device *d = user;
    int32_t rc;
    (void)component;
    (void)args_len;
    if (uri_len != strlen(VEC_IMAGE_URI) || memcmp(uri, VEC_IMAGE_URI, uri_len) != 0 || args != NULL)
        return SUIT_PLATFORM_FAIL;
    rc = answer(d, "fetch", SUIT_PLATFORM_OK);
    if (rc == SUIT_PLATFORM_OK) d->fetched++;
    return rc;
}

static int32_t cb_invoke(void *user, uint32_t component, const uint8_t *args, size_t args_len)
{
    device *d = user;
    (void)args;
    (void)args_len;
    if (component != 0) return SUIT_PLATFORM_FAIL;
    d->invoked++;
    return answer(d, "invoke", SUIT_PLATFORM_OK);
}

/* The generated envelopes' one component, ["flash", "app"], as the manifest encodes it. */
static const uint8_t APP_COMPONENT[] = {0x82, 0x45, 'f', 'l', 'a', 's', 'h', 0x43, 'a', 'p', 'p'};

static int32_t cb_component(void *user, uint32_t component, const uint8_t *id, size_t len)
{
    device *d = user;
    d->components_asked++;
    /* Checked when the failure under test is this callback's. */
    if (d->fail && !strncmp(d->fail, "component", 9))
        CHECK(component == 0 && len == sizeof APP_COMPONENT && !memcmp(id, APP_COMPONENT, len));
    return answer(d, "component", SUIT_PLATFORM_MATCH);
}

static void cb_report(void *user, const suit_report_record *r)
{
    device *d = user;
    if (r->reserved == 0) d->reports++;
}

static device new_device(const uint8_t *image, size_t len)
{
    device d;
    memset(&d, 0, sizeof d);
    d.vendor = VEC_VENDOR_ID;
    d.class_id = VEC_CLASS_ID;
    d.image = image;
    d.image_len = len;
    return d;
}

static suit_platform platform_for(device *d)
{
    suit_platform p;
    memset(&p, 0, sizeof p);
    p.user = d;
    p.check_vendor = cb_vendor;
    p.check_class = cb_class;
    p.read = cb_read;
    p.fetch = cb_fetch;
    p.invoke = cb_invoke;
    p.report = cb_report;
    p.supports_component = cb_component;
    return p;
}

/* ---- helpers --------------------------------------------------------------------------- */

static uint8_t copy_buf[8192];

static void init_copy(suit_ctx *ctx)
{
    CHECK_RC(suit_ctx_init(ctx, sizeof *ctx, SUIT_ABI_VERSION, copy_buf, sizeof copy_buf), SUIT_RESULT_OK);
}

static const suit_key *ed_key(void)
{
    static suit_key k;
    k.key_type = SUIT_KEY_ED25519;
    k.key = VEC_ED25519_PUB;
    k.key_len = sizeof VEC_ED25519_PUB;
    return &k;
}

static const suit_key *both_keys(void)
{
    static suit_key k[2];
    k[0] = *ed_key();
    k[1].key_type = SUIT_KEY_P256;
    k[1].key = VEC_P256_PUB;
    k[1].key_len = sizeof VEC_P256_PUB;
    return k;
}

/* ---- tests ----------------------------------------------------------------------------------- */

static void test_versions_and_names(void)
{
    CHECK(suit_version() == SUIT_VERSION_NUMBER);
    CHECK(strcmp(suit_version_string(),
                 STR(SUIT_VERSION_MAJOR) "." STR(SUIT_VERSION_MINOR) "." STR(SUIT_VERSION_PATCH)) == 0);
    CHECK(suit_abi_version() == SUIT_ABI_VERSION);
    CHECK(suit_ctx_size() == sizeof(suit_ctx));
    CHECK(suit_image_verifier_size() == sizeof(suit_image_verifier));
    CHECK(strcmp(suit_result_name(SUIT_RESULT_OK), "OK") == 0);
    CHECK(strcmp(suit_result_name(SUIT_RESULT_AUTH_SIGNATURE_INVALID), "AUTH_SIGNATURE_INVALID") == 0);
    CHECK(strcmp(suit_result_name(SUIT_RESULT_IMAGE_DIGEST_MISMATCH), "IMAGE_DIGEST_MISMATCH") == 0);
    CHECK(strcmp(suit_result_name(SUIT_RESULT_PENDING), "PENDING") == 0);
    CHECK(strcmp(suit_result_name(0xdeadu), "UNKNOWN_CODE") == 0);
    CHECK(suit_result_message(SUIT_RESULT_BUFFER_TOO_SMALL) != NULL &&
          strcmp(suit_result_message(SUIT_RESULT_BUFFER_TOO_SMALL), "buffer too small") == 0);
    CHECK(suit_result_message(0xdeadu) != NULL);
    CHECK(suit_result_band(SUIT_RESULT_OK) == 0);
    CHECK(suit_result_band(SUIT_RESULT_CBOR_TRUNCATED) == 1);
    CHECK(suit_result_band(SUIT_RESULT_AUTH_SIGNATURE_INVALID) == 2);
    CHECK(suit_result_band(SUIT_RESULT_SEQUENCE_ROLLBACK) == 4);
    CHECK(suit_result_band(SUIT_RESULT_NULL_POINTER) == 7);
    CHECK(suit_result_band(0xdeadu) == 255);
}

static void test_ietf_examples(void)
{
    static const struct {
        const char *file;
        uint64_t seq;
        uint32_t components;
    } ok_files[] = {
        {"manifest/example0-signed.cbor", 0, 1},      {"manifest/example1-signed.cbor", 1, 1},
        {"manifest/example2-signed-full.cbor", 2, 1}, {"manifest/example2-signed-severed.cbor", 2, 1},
        {"manifest/example3-signed.cbor", 3, 1},      {"manifest/example4-signed.cbor", 4, 3},
        {"manifest/example5-signed.cbor", 5, 2},
    };
    static const struct {
        const char *file;
        suit_result want;
    } bad_files[] = {
        {"manifest/example0-unsigned.cbor", SUIT_RESULT_AUTH_NO_SIGNATURE},
        {"manifest/example2-unsigned-severed.cbor", SUIT_RESULT_AUTH_NO_SIGNATURE},
        {"manifest/example5-unsigned.cbor", SUIT_RESULT_AUTH_NO_SIGNATURE},
        {"derived-negative/example0-signed.digest-tampered.cbor", SUIT_RESULT_AUTH_DIGEST_MISMATCH},
        {"derived-negative/example0-signed.manifest-seq-tampered.cbor", SUIT_RESULT_AUTH_DIGEST_MISMATCH},
        {"derived-negative/example0-signed.signature-tampered.cbor", SUIT_RESULT_AUTH_SIGNATURE_INVALID},
    };
    size_t i;
    int mode;
    for (mode = 0; mode < 2; mode++) {
        for (i = 0; i < sizeof ok_files / sizeof ok_files[0]; i++) {
            suit_ctx ctx = {0};
            size_t len;
            uint8_t *env = read_file(ok_files[i].file, &len);
            uint64_t seq = 99;
            uint32_t n = 0;
            if (mode == 0) init_copy(&ctx);
            else CHECK_RC(suit_ctx_init_zero_copy(&ctx, sizeof ctx, SUIT_ABI_VERSION), SUIT_RESULT_OK);
            CHECK_RC(suit_authenticate(&ctx, env, len, &ietf_suit_key, 1, 0, 0), SUIT_RESULT_OK);
            CHECK_RC(suit_manifest_sequence_number(&ctx, &seq), SUIT_RESULT_OK);
            CHECK(seq == ok_files[i].seq);
            CHECK_RC(suit_manifest_component_count(&ctx, &n), SUIT_RESULT_OK);
            CHECK(n == ok_files[i].components);
            /* Anti-rollback: a device already at example 5 refuses older ones. */
            CHECK_RC(suit_authenticate(&ctx, env, len, &ietf_suit_key, 1, 6, 0), SUIT_RESULT_SEQUENCE_ROLLBACK);
            CHECK_RC(suit_manifest_sequence_number(&ctx, &seq), SUIT_RESULT_BAD_STATE);
            CHECK_RC(suit_ctx_deinit(&ctx), SUIT_RESULT_OK);
            free(env);
        }
    }
    for (i = 0; i < sizeof bad_files / sizeof bad_files[0]; i++) {
        suit_ctx ctx = {0};
        size_t len;
        uint8_t *env = read_file(bad_files[i].file, &len);
        suit_error_detail d;
        init_copy(&ctx);
        CHECK_RC(suit_authenticate(&ctx, env, len, &ietf_suit_key, 1, 0, 0), bad_files[i].want);
        CHECK_RC(suit_ctx_last_error(&ctx, &d), SUIT_RESULT_OK);
        CHECK(d.result == bad_files[i].want && d.section == SUIT_NO_SECTION);
        CHECK_RC(suit_ctx_deinit(&ctx), SUIT_RESULT_OK);
        free(env);
    }
    /* Text, reference-uri, severed text (example 2). */
    {
        suit_ctx ctx = {0};
        size_t len, n = 0;
        uint8_t *env = read_file("manifest/example2-signed-full.cbor", &len);
        char buf[1024];
        init_copy(&ctx);
        CHECK_RC(suit_authenticate(&ctx, env, len, &ietf_suit_key, 1, 0, 0), SUIT_RESULT_OK);
        CHECK_RC(suit_manifest_reference_uri(&ctx, (uint8_t *)buf, sizeof buf, &n), SUIT_RESULT_OK);
        CHECK(strcmp(buf, "https://git.io/JJYoj") == 0 && n == strlen(buf));
        CHECK_RC(suit_manifest_text(&ctx, "en-US", 0, 3, (uint8_t *)buf, sizeof buf, &n), SUIT_RESULT_OK);
        CHECK(strcmp(buf, "arm.com") == 0);
        CHECK_RC(suit_manifest_text(&ctx, NULL, SUIT_NO_COMPONENT, 1, (uint8_t *)buf, sizeof buf, &n),
                 SUIT_RESULT_OK);
        CHECK(strncmp(buf, "## Example 2", 12) == 0);
        CHECK_RC(suit_manifest_text(&ctx, NULL, SUIT_NO_COMPONENT, 1, (uint8_t *)buf, 10, &n),
                 SUIT_RESULT_BUFFER_TOO_SMALL);
        CHECK(n > 10);
        CHECK_RC(suit_manifest_text(&ctx, "fr", 0, 3, (uint8_t *)buf, sizeof buf, &n), SUIT_RESULT_SECTION_ABSENT);
        free(env);
        env = read_file("manifest/example2-signed-severed.cbor", &len);
        CHECK_RC(suit_authenticate(&ctx, env, len, &ietf_suit_key, 1, 0, 0), SUIT_RESULT_OK);
        CHECK_RC(suit_manifest_text(&ctx, NULL, 0, 3, (uint8_t *)buf, sizeof buf, &n),
                 SUIT_RESULT_SEVERED_MEMBER_MISSING);
        CHECK_RC(suit_ctx_deinit(&ctx), SUIT_RESULT_OK);
        free(env);
    }
    /* Example 0 through the processor: the draft's vendor/class, and an
     * image that does not match the sample digest. */
    {
        static const uint8_t vendor[16] = {0xfa, 0x6b, 0x4a, 0x53, 0xd5, 0xad, 0x5f, 0xdf,
                                           0xbe, 0x9d, 0xe6, 0x63, 0xe4, 0xd4, 0x1f, 0xfe};
        static const uint8_t class_id[16] = {0x14, 0x92, 0xaf, 0x14, 0x25, 0x69, 0x5e, 0x48,
                                             0xbf, 0x42, 0x9b, 0x2d, 0x51, 0xf2, 0xab, 0x45};
        static uint8_t image[34768];
        suit_ctx ctx = {0};
        size_t len;
        uint8_t *env = read_file("manifest/example0-signed.cbor", &len);
        device d = new_device(image, sizeof image);
        suit_platform p = platform_for(&d);
        suit_verdict v = SUIT_VERDICT_ALLOW;
        uint32_t boot = 0;
        suit_error_detail det;
        d.vendor = vendor;
        d.class_id = class_id;
        init_copy(&ctx);
        CHECK_RC(suit_authenticate(&ctx, env, len, &ietf_suit_key, 1, 0, 0), SUIT_RESULT_OK);
        CHECK_RC(suit_run_section(&ctx, SUIT_SECTION_SHARED, &p, 0, &v), SUIT_RESULT_OK);
        CHECK(v == SUIT_VERDICT_ALLOW);
        CHECK_RC(suit_run_invoke(&ctx, &p, 0, &v, &boot), SUIT_RESULT_IMAGE_DIGEST_MISMATCH);
        CHECK(v == SUIT_VERDICT_DENY && boot == SUIT_NO_COMPONENT);
        CHECK_RC(suit_ctx_last_error(&ctx, &det), SUIT_RESULT_OK);
        CHECK(det.section == SUIT_SECTION_VALIDATE && det.command == 3 && det.component == 0);
        CHECK(det.command_index == 0);
        CHECK(d.reads > 0);
        CHECK_RC(suit_ctx_deinit(&ctx), SUIT_RESULT_OK);
        free(env);
    }
}

static void test_generated_envelopes(void)
{
    static const struct {
        const char *name;
        const uint8_t *env;
        size_t len;
        int keys;
        uint32_t required;
    } cases[] = {
        {"ed25519", VEC_ENVELOPE_ED25519, sizeof VEC_ENVELOPE_ED25519, 1, 0},
        {"p256", VEC_ENVELOPE_P256, sizeof VEC_ENVELOPE_P256, 2, 0},
        {"both", VEC_ENVELOPE_BOTH, sizeof VEC_ENVELOPE_BOTH, 2, 3},
    };
    size_t i;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        suit_ctx ctx = {0};
        uint64_t seq = 0;
        device d = new_device(VEC_IMAGE, sizeof VEC_IMAGE);
        suit_platform p = platform_for(&d);
        suit_verdict v = 0;
        uint32_t boot = 99;
        init_copy(&ctx);
        CHECK_RC(suit_authenticate(&ctx, cases[i].env, cases[i].len, both_keys(), (size_t)cases[i].keys,
                                   VEC_SEQUENCE, cases[i].required),
                 SUIT_RESULT_OK);
        CHECK_RC(suit_manifest_sequence_number(&ctx, &seq), SUIT_RESULT_OK);
        CHECK(seq == VEC_SEQUENCE);
        CHECK_RC(suit_run_update(&ctx, &p, 0, &v), SUIT_RESULT_OK);
        CHECK(v == SUIT_VERDICT_ALLOW && d.fetched == 1 && d.reports > 0);
        CHECK_RC(suit_run_invoke(&ctx, &p, 0, &v, &boot), SUIT_RESULT_OK);
        CHECK(v == SUIT_VERDICT_ALLOW && boot == 0 && d.invoked == 0);
        CHECK_RC(suit_run_invoke(&ctx, &p, SUIT_RUN_INVOKE_CALLBACK, &v, &boot), SUIT_RESULT_OK);
        CHECK(d.invoked == 1);
        CHECK_RC(suit_ctx_deinit(&ctx), SUIT_RESULT_OK);
    }
    /* Multi-party policy: both required, only one signed. */
    {
        suit_ctx ctx = {0};
        init_copy(&ctx);
        CHECK_RC(suit_authenticate(&ctx, VEC_ENVELOPE_ED25519, sizeof VEC_ENVELOPE_ED25519, both_keys(), 2, 0, 3),
                 SUIT_RESULT_AUTH_REQUIRED_SIGNER_MISSING);
        CHECK_RC(suit_authenticate(&ctx, VEC_ENVELOPE_P256, sizeof VEC_ENVELOPE_P256, ed_key(), 1, 0, 0),
                 SUIT_RESULT_AUTH_UNTRUSTED_KEY);
        CHECK_RC(suit_authenticate(&ctx, VEC_ENVELOPE_UNSIGNED, sizeof VEC_ENVELOPE_UNSIGNED, ed_key(), 1, 0, 0),
                 SUIT_RESULT_AUTH_NO_SIGNATURE);
        CHECK_RC(suit_ctx_deinit(&ctx), SUIT_RESULT_OK);
    }
}

/* suit_authenticate_and_run: authentication and a procedure in one call, each algorithm
 * and context mode; what it refuses, and what the context holds afterwards. */
static void test_authenticate_and_run(void)
{
    static const struct {
        const uint8_t *env;
        size_t len;
        uint32_t required;
    } cases[] = {
        {VEC_ENVELOPE_ED25519, sizeof VEC_ENVELOPE_ED25519, 0},
        {VEC_ENVELOPE_P256, sizeof VEC_ENVELOPE_P256, 0},
        {VEC_ENVELOPE_BOTH, sizeof VEC_ENVELOPE_BOTH, 3},
    };
    size_t i;
    int zero_copy;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        for (zero_copy = 0; zero_copy < 2; zero_copy++) {
            suit_ctx ctx = {0};
            uint64_t seq = 0;
            device d = new_device(VEC_IMAGE, sizeof VEC_IMAGE);
            suit_platform p = platform_for(&d);
            suit_verdict v = 0;
            uint32_t boot = 99;
            if (zero_copy) CHECK_RC(suit_ctx_init_zero_copy(&ctx, sizeof ctx, SUIT_ABI_VERSION), SUIT_RESULT_OK);
            else init_copy(&ctx);
            CHECK_RC(suit_authenticate_and_run(&ctx, cases[i].env, cases[i].len, both_keys(), 2, VEC_SEQUENCE,
                                               cases[i].required, SUIT_PROCEDURE_UPDATE, &p, 0, &v, NULL),
                     SUIT_RESULT_OK);
            CHECK(v == SUIT_VERDICT_ALLOW && d.fetched == 1 && d.reports > 0);
            /* The context holds the manifest, as after suit_authenticate. */
            CHECK_RC(suit_manifest_sequence_number(&ctx, &seq), SUIT_RESULT_OK);
            CHECK(seq == VEC_SEQUENCE);
            v = 0;
            CHECK_RC(suit_authenticate_and_run(&ctx, cases[i].env, cases[i].len, both_keys(), 2, 0, 0,
                                               SUIT_PROCEDURE_INVOKE, &p, 0, &v, &boot),
                     SUIT_RESULT_OK);
            CHECK(v == SUIT_VERDICT_ALLOW && boot == 0 && d.invoked == 0);
            CHECK_RC(suit_authenticate_and_run(&ctx, cases[i].env, cases[i].len, both_keys(), 2, 0, 0,
                                               SUIT_SECTION_VALIDATE, &p, 0, &v, NULL),
                     SUIT_RESULT_OK);
            CHECK(v == SUIT_VERDICT_ALLOW);
            CHECK_RC(suit_ctx_deinit(&ctx), SUIT_RESULT_OK);
        }
    }
    /* Refusals: authentication first (nothing runs, nothing held), then the run (the
     * manifest stays authenticated). */
    {
        suit_ctx ctx = {0};
        uint64_t seq = 0;
        device d = new_device(VEC_IMAGE, sizeof VEC_IMAGE);
        suit_platform p = platform_for(&d);
        suit_verdict v = SUIT_VERDICT_ALLOW;
        uint32_t boot = 99;
        uint8_t *spot;
        init_copy(&ctx);
        CHECK_RC(suit_authenticate_and_run(&ctx, VEC_ENVELOPE_P256, sizeof VEC_ENVELOPE_P256, ed_key(), 1, 0, 0,
                                           SUIT_PROCEDURE_INVOKE, &p, 0, &v, &boot),
                 SUIT_RESULT_AUTH_UNTRUSTED_KEY);
        CHECK(v == SUIT_VERDICT_DENY && boot == SUIT_NO_COMPONENT && d.fetched == 0 && d.reports == 0);
        CHECK_RC(suit_manifest_sequence_number(&ctx, &seq), SUIT_RESULT_BAD_STATE);
        CHECK_RC(suit_authenticate_and_run(&ctx, VEC_ENVELOPE_ED25519, sizeof VEC_ENVELOPE_ED25519, ed_key(), 1,
                                           VEC_SEQUENCE + 1, 0, SUIT_PROCEDURE_UPDATE, &p, 0, &v, NULL),
                 SUIT_RESULT_SEQUENCE_ROLLBACK);
        CHECK(v == SUIT_VERDICT_DENY && d.fetched == 0);
        CHECK_RC(suit_authenticate_and_run(&ctx, VEC_ENVELOPE_ED25519, sizeof VEC_ENVELOPE_ED25519, ed_key(), 1, 0,
                                           0, -3, &p, 0, &v, NULL),
                 SUIT_RESULT_INVALID_ARGUMENT);
        CHECK_RC(suit_authenticate_and_run(&ctx, VEC_ENVELOPE_ED25519, sizeof VEC_ENVELOPE_ED25519, ed_key(), 1, 0,
                                           0, SUIT_PROCEDURE_UPDATE, NULL, 0, &v, NULL),
                 SUIT_RESULT_NULL_POINTER);
        CHECK_RC(suit_authenticate_and_run(&ctx, VEC_ENVELOPE_ED25519, sizeof VEC_ENVELOPE_ED25519, ed_key(), 1, 0,
                                           0, SUIT_PROCEDURE_INVOKE, &p, 0, &v, NULL),
                 SUIT_RESULT_NULL_POINTER);
        /* An output inside the copy buffer, past the envelope: refused, unwritten. */
        spot = copy_buf + sizeof copy_buf - 8;
        spot -= (uintptr_t)spot & 3u; /* aligned: refused for where it is, not how */
        *spot = 0xA5;
        CHECK_RC(suit_authenticate_and_run(&ctx, VEC_ENVELOPE_ED25519, sizeof VEC_ENVELOPE_ED25519, ed_key(), 1, 0,
                                           0, SUIT_PROCEDURE_UPDATE, &p, 0, (suit_verdict *)(void *)spot, NULL),
                 SUIT_RESULT_INVALID_ARGUMENT);
        CHECK(*spot == 0xA5);
        CHECK(d.fetched == 0 && d.reports == 0);
        /* The run fails (an absent section): still authenticated. */
        CHECK_RC(suit_authenticate_and_run(&ctx, VEC_ENVELOPE_ED25519, sizeof VEC_ENVELOPE_ED25519, ed_key(), 1, 0,
                                           0, SUIT_SECTION_LOAD, &p, 0, &v, NULL),
                 SUIT_RESULT_SECTION_ABSENT);
        CHECK(v == SUIT_VERDICT_DENY);
        CHECK_RC(suit_manifest_sequence_number(&ctx, &seq), SUIT_RESULT_OK);
        CHECK_RC(suit_run_update(&ctx, &p, 0, &v), SUIT_RESULT_OK);
        CHECK(v == SUIT_VERDICT_ALLOW);
        CHECK_RC(suit_ctx_deinit(&ctx), SUIT_RESULT_OK);
    }
}

static void test_queries(void)
{
    suit_ctx ctx = {0};
    uint8_t buf[128];
    size_t n = 0;
    uint32_t count = 0;
    init_copy(&ctx);
    CHECK_RC(suit_authenticate(&ctx, VEC_ENVELOPE_ED25519, sizeof VEC_ENVELOPE_ED25519, ed_key(), 1, 0, 0),
             SUIT_RESULT_OK);
    CHECK_RC(suit_manifest_component_count(&ctx, &count), SUIT_RESULT_OK);
    CHECK(count == 1);
    CHECK_RC(suit_manifest_component_segment_count(&ctx, 0, &count), SUIT_RESULT_OK);
    CHECK(count == 2);
    CHECK_RC(suit_manifest_component_id(&ctx, 0, NULL, 0, &n), SUIT_RESULT_BUFFER_TOO_SMALL);
    CHECK(n == 11);
    CHECK_RC(suit_manifest_component_id(&ctx, 0, buf, n - 1, &n), SUIT_RESULT_BUFFER_TOO_SMALL);
    CHECK_RC(suit_manifest_component_id(&ctx, 0, buf, n, &n), SUIT_RESULT_OK);
    CHECK(memcmp(buf, "\x82\x45" "flash" "\x43" "app", 11) == 0);
    CHECK_RC(suit_manifest_component_segment(&ctx, 0, 0, buf, sizeof buf, &n), SUIT_RESULT_OK);
    CHECK(n == 5 && memcmp(buf, VEC_COMPONENT_SEGMENTS, 5) == 0);
    CHECK_RC(suit_manifest_component_segment(&ctx, 0, 1, buf, sizeof buf, &n), SUIT_RESULT_OK);
    CHECK(n == 3 && memcmp(buf, VEC_COMPONENT_SEGMENTS + 5, 3) == 0);
    CHECK_RC(suit_manifest_component_segment(&ctx, 0, 2, buf, sizeof buf, &n), SUIT_RESULT_INVALID_ARGUMENT);
    CHECK_RC(suit_manifest_component_id(&ctx, 1, buf, sizeof buf, &n), SUIT_RESULT_COMPONENT_INDEX_OUT_OF_RANGE);
    CHECK_RC(suit_manifest_text(&ctx, "en", SUIT_NO_COMPONENT, 1, buf, sizeof buf, &n), SUIT_RESULT_OK);
    CHECK(strcmp((char *)buf, VEC_MANIFEST_DESCRIPTION) == 0 && n == strlen(VEC_MANIFEST_DESCRIPTION));
    CHECK_RC(suit_manifest_text(&ctx, "en", 0, 1, buf, sizeof buf, &n), SUIT_RESULT_OK);
    CHECK(strcmp((char *)buf, VEC_VENDOR_NAME) == 0);
    CHECK_RC(suit_manifest_text(&ctx, NULL, 0, 6, buf, strlen(VEC_COMPONENT_VERSION), &n),
             SUIT_RESULT_BUFFER_TOO_SMALL);
    CHECK_RC(suit_manifest_text(&ctx, NULL, 0, 6, buf, strlen(VEC_COMPONENT_VERSION) + 1, &n), SUIT_RESULT_OK);
    CHECK(strcmp((char *)buf, VEC_COMPONENT_VERSION) == 0);
    CHECK_RC(suit_manifest_text(&ctx, NULL, 0, 2, buf, sizeof buf, &n), SUIT_RESULT_SECTION_ABSENT);
    CHECK_RC(suit_manifest_reference_uri(&ctx, buf, sizeof buf, &n), SUIT_RESULT_OK);
    CHECK(strcmp((char *)buf, VEC_REFERENCE_URI) == 0);
    /* An output inside the held envelope (the copy buffer's front) or the
       context is refused before anything is written. */
    CHECK_RC(suit_manifest_reference_uri(&ctx, copy_buf + 4, sizeof buf, &n), SUIT_RESULT_INVALID_ARGUMENT);
    CHECK_RC(suit_manifest_text(&ctx, NULL, 0, 1, buf, sizeof buf, (size_t *)(void *)&ctx), SUIT_RESULT_INVALID_ARGUMENT);
    CHECK(memcmp(copy_buf, VEC_ENVELOPE_ED25519, sizeof VEC_ENVELOPE_ED25519) == 0);
    CHECK_RC(suit_manifest_reference_uri(&ctx, copy_buf + sizeof VEC_ENVELOPE_ED25519, sizeof buf, &n), SUIT_RESULT_OK);
    CHECK(strcmp((char *)copy_buf + sizeof VEC_ENVELOPE_ED25519, VEC_REFERENCE_URI) == 0);
    CHECK_RC(suit_ctx_deinit(&ctx), SUIT_RESULT_OK);
}

static void test_misuse(void)
{
    suit_ctx ctx, copy;
    suit_image_verifier ver = {0};
    uint8_t small[16], buf[64];
    uint64_t seq;
    uint32_t u32;
    size_t n;
    suit_verdict v;
    device d = new_device(VEC_IMAGE, sizeof VEC_IMAGE);
    suit_platform p = platform_for(&d);
    suit_key keys[SUIT_MAX_KEYS + 1];
    suit_error_detail det;
    size_t i;

    memset(&ctx, 0, sizeof ctx);
    /* Wrong sizes, ABI versions, NULL. */
    CHECK_RC(suit_ctx_init(NULL, sizeof ctx, SUIT_ABI_VERSION, copy_buf, sizeof copy_buf), SUIT_RESULT_NULL_POINTER);
    CHECK_RC(suit_ctx_init(&ctx, sizeof ctx - 8, SUIT_ABI_VERSION, copy_buf, sizeof copy_buf),
             SUIT_RESULT_ABI_MISMATCH);
    CHECK_RC(suit_ctx_init(&ctx, sizeof ctx + 8, SUIT_ABI_VERSION, copy_buf, sizeof copy_buf),
             SUIT_RESULT_ABI_MISMATCH);
    CHECK_RC(suit_ctx_init(&ctx, sizeof ctx, SUIT_ABI_VERSION + 1, copy_buf, sizeof copy_buf),
             SUIT_RESULT_ABI_MISMATCH);
    CHECK_RC(suit_ctx_init_zero_copy(&ctx, sizeof ctx, 0), SUIT_RESULT_ABI_MISMATCH);
    CHECK_RC(suit_ctx_init(&ctx, sizeof ctx, SUIT_ABI_VERSION, NULL, 10), SUIT_RESULT_NULL_POINTER);
    CHECK_RC(suit_ctx_init(&ctx, sizeof ctx, SUIT_ABI_VERSION, (uint8_t *)&ctx + 8, 16), SUIT_RESULT_INVALID_ARGUMENT);

    /* Use before init: garbage storage. */
    memset(&ctx, 0xA5, sizeof ctx);
    CHECK_RC(suit_ctx_deinit(&ctx), SUIT_RESULT_BAD_STATE);
    CHECK_RC(suit_authenticate(&ctx, VEC_ENVELOPE_ED25519, sizeof VEC_ENVELOPE_ED25519, ed_key(), 1, 0, 0),
             SUIT_RESULT_BAD_STATE);
    CHECK_RC(suit_manifest_sequence_number(&ctx, &seq), SUIT_RESULT_BAD_STATE);
    CHECK_RC(suit_ctx_last_error(&ctx, &det), SUIT_RESULT_BAD_STATE);
    v = SUIT_VERDICT_ALLOW;
    CHECK_RC(suit_run_update(&ctx, &p, 0, &v), SUIT_RESULT_BAD_STATE);
    CHECK(v == SUIT_VERDICT_DENY);
    CHECK_RC(suit_ctx_set_crypto(&ctx, NULL), SUIT_RESULT_BAD_STATE);
    CHECK_RC(suit_image_verifier_init(&ver, sizeof ver, SUIT_ABI_VERSION, &ctx, &p, 0), SUIT_RESULT_BAD_STATE);

    /* Init, double init, deinit, double deinit, use after deinit. */
    init_copy(&ctx);
    CHECK_RC(suit_ctx_init(&ctx, sizeof ctx, SUIT_ABI_VERSION, copy_buf, sizeof copy_buf), SUIT_RESULT_BAD_STATE);
    /* Queries before authentication. */
    CHECK_RC(suit_manifest_sequence_number(&ctx, &seq), SUIT_RESULT_BAD_STATE);
    CHECK_RC(suit_run_update(&ctx, &p, 0, &v), SUIT_RESULT_BAD_STATE);
    /* Authentication misuse. */
    CHECK_RC(suit_authenticate(&ctx, NULL, 10, ed_key(), 1, 0, 0), SUIT_RESULT_NULL_POINTER);
    CHECK_RC(suit_authenticate(&ctx, NULL, 0, ed_key(), 1, 0, 0), SUIT_RESULT_CBOR_TRUNCATED);
    CHECK_RC(suit_authenticate(&ctx, VEC_ENVELOPE_ED25519, sizeof VEC_ENVELOPE_ED25519, NULL, 1, 0, 0),
             SUIT_RESULT_NULL_POINTER);
    for (i = 0; i < SUIT_MAX_KEYS + 1; i++) keys[i] = *ed_key();
    CHECK_RC(suit_keys_check(keys, SUIT_MAX_KEYS), SUIT_RESULT_OK);
    CHECK_RC(suit_keys_check(keys, SUIT_MAX_KEYS + 1), SUIT_RESULT_LIMIT_KEYS);
    CHECK_RC(suit_authenticate(&ctx, VEC_ENVELOPE_ED25519, sizeof VEC_ENVELOPE_ED25519, keys, SUIT_MAX_KEYS + 1, 0, 0),
             SUIT_RESULT_LIMIT_KEYS);
    keys[0].key_len = 31;
    CHECK_RC(suit_keys_check(keys, 1), SUIT_RESULT_INVALID_KEY);
    keys[0] = *ed_key();
    keys[0].key_type = 7;
    CHECK_RC(suit_keys_check(keys, 1), SUIT_RESULT_INVALID_KEY);
    keys[0].key_type = SUIT_KEY_P256;
    keys[0].key_len = 64;
    CHECK_RC(suit_authenticate(&ctx, VEC_ENVELOPE_ED25519, sizeof VEC_ENVELOPE_ED25519, keys, 1, 0, 0),
             SUIT_RESULT_INVALID_KEY);
    keys[0] = *ed_key();
    keys[0].key = NULL;
    CHECK_RC(suit_keys_check(keys, 1), SUIT_RESULT_NULL_POINTER);
    CHECK_RC(suit_keys_check(NULL, 0), SUIT_RESULT_OK);
    CHECK_RC(suit_ctx_deinit(&ctx), SUIT_RESULT_OK);
    CHECK_RC(suit_ctx_deinit(&ctx), SUIT_RESULT_BAD_STATE);
    CHECK_RC(suit_manifest_sequence_number(&ctx, &seq), SUIT_RESULT_BAD_STATE);

    /* Copy buffer too small. */
    CHECK_RC(suit_ctx_init(&ctx, sizeof ctx, SUIT_ABI_VERSION, small, sizeof small), SUIT_RESULT_OK);
    CHECK_RC(suit_authenticate(&ctx, VEC_ENVELOPE_ED25519, sizeof VEC_ENVELOPE_ED25519, ed_key(), 1, 0, 0),
             SUIT_RESULT_BUFFER_TOO_SMALL);
    CHECK_RC(suit_ctx_last_error(&ctx, &det), SUIT_RESULT_OK);
    CHECK(det.result == SUIT_RESULT_BUFFER_TOO_SMALL && det.offset == SUIT_NO_OFFSET);
    CHECK_RC(suit_ctx_deinit(&ctx), SUIT_RESULT_OK);

    /* A byte copy of a live context is refused (stale handle). */
    init_copy(&ctx);
    CHECK_RC(suit_authenticate(&ctx, VEC_ENVELOPE_ED25519, sizeof VEC_ENVELOPE_ED25519, ed_key(), 1, 0, 0),
             SUIT_RESULT_OK);
    memcpy(&copy, &ctx, sizeof ctx);
    CHECK_RC(suit_manifest_sequence_number(&copy, &seq), SUIT_RESULT_BAD_STATE);
    /* NULL outputs and bad flags on a live context. */
    CHECK_RC(suit_manifest_sequence_number(&ctx, NULL), SUIT_RESULT_NULL_POINTER);
    CHECK_RC(suit_manifest_component_count(&ctx, NULL), SUIT_RESULT_NULL_POINTER);
    CHECK_RC(suit_manifest_component_id(&ctx, 0, buf, sizeof buf, NULL), SUIT_RESULT_NULL_POINTER);
    CHECK_RC(suit_manifest_component_id(&ctx, 0, NULL, 5, &n), SUIT_RESULT_NULL_POINTER);
    CHECK_RC(suit_manifest_component_segment_count(&ctx, 0, NULL), SUIT_RESULT_NULL_POINTER);
    CHECK_RC(suit_manifest_text(&ctx, NULL, 0, 1, NULL, 4, &n), SUIT_RESULT_NULL_POINTER);
    CHECK_RC(suit_ctx_last_error(&ctx, NULL), SUIT_RESULT_NULL_POINTER);
    CHECK_RC(suit_run_update(&ctx, NULL, 0, &v), SUIT_RESULT_NULL_POINTER);
    CHECK(v == SUIT_VERDICT_DENY);
    CHECK_RC(suit_run_update(&ctx, &p, 0, NULL), SUIT_RESULT_NULL_POINTER);
    CHECK_RC(suit_run_invoke(&ctx, &p, 0, &v, NULL), SUIT_RESULT_NULL_POINTER);
    CHECK_RC(suit_run_update(&ctx, &p, 0x80, &v), SUIT_RESULT_INVALID_ARGUMENT);
    CHECK_RC(suit_run_update(&ctx, &p, SUIT_RUN_IDENTITY_PER_COMPONENT | SUIT_RUN_IDENTITY_RELAXED, &v),
             SUIT_RESULT_INVALID_ARGUMENT);
    CHECK_RC(suit_run_section(&ctx, SUIT_SECTION_LOAD, &p, 0, &v), SUIT_RESULT_SECTION_ABSENT);
    CHECK_RC(suit_run_section(&ctx, 99, &p, 0, &v), SUIT_RESULT_SECTION_ABSENT);
    CHECK_RC(suit_manifest_sequence_number(&ctx, &seq), SUIT_RESULT_OK);
    CHECK(seq == VEC_SEQUENCE);
    /* Re-entry from a callback is refused, and harmless. */
    d.reenter = &ctx;
    CHECK_RC(suit_run_update(&ctx, &p, 0, &v), SUIT_RESULT_OK);
    CHECK(d.reentry == SUIT_RESULT_BAD_STATE);
    d.reenter = NULL;
    /* Copy mode protects against a change of the caller's envelope; a
     * change of the held copy is caught before use. */
    {
        uint8_t env[sizeof VEC_ENVELOPE_ED25519];
        memcpy(env, VEC_ENVELOPE_ED25519, sizeof env);
        CHECK_RC(suit_authenticate(&ctx, env, sizeof env, ed_key(), 1, 0, 0), SUIT_RESULT_OK);
        memset(env, 0, sizeof env);
        CHECK_RC(suit_manifest_sequence_number(&ctx, &seq), SUIT_RESULT_OK);
        copy_buf[sizeof env - 100] ^= 1; /* inside the manifest (the text member) */
        CHECK_RC(suit_manifest_sequence_number(&ctx, &seq), SUIT_RESULT_AUTH_DIGEST_MISMATCH);
        copy_buf[sizeof env - 100] ^= 1;
        CHECK_RC(suit_manifest_sequence_number(&ctx, &seq), SUIT_RESULT_OK);
    }
    CHECK_RC(suit_ctx_deinit(&ctx), SUIT_RESULT_OK);

    /* Zero-copy mode: the change is detected at the next call. */
    {
        uint8_t env[sizeof VEC_ENVELOPE_ED25519];
        memcpy(env, VEC_ENVELOPE_ED25519, sizeof env);
        CHECK_RC(suit_ctx_init_zero_copy(&ctx, sizeof ctx, SUIT_ABI_VERSION), SUIT_RESULT_OK);
        CHECK_RC(suit_authenticate(&ctx, env, sizeof env, ed_key(), 1, 0, 0), SUIT_RESULT_OK);
        env[sizeof env - 100] ^= 1;
        CHECK_RC(suit_manifest_component_count(&ctx, &u32), SUIT_RESULT_AUTH_DIGEST_MISMATCH);
        env[sizeof env - 100] ^= 1;
        CHECK_RC(suit_manifest_component_count(&ctx, &u32), SUIT_RESULT_OK);
        CHECK_RC(suit_ctx_deinit(&ctx), SUIT_RESULT_OK);
    }

    /* Image verifier misuse. */
    memset(&ver, 0x5A, sizeof ver);
    CHECK_RC(suit_image_verifier_update(&ver, VEC_IMAGE, 1), SUIT_RESULT_BAD_STATE);
    CHECK_RC(suit_image_verifier_finish(&ver, &v), SUIT_RESULT_BAD_STATE);
    CHECK(v == SUIT_VERDICT_DENY);
    CHECK_RC(suit_image_verifier_deinit(&ver), SUIT_RESULT_BAD_STATE);
    CHECK_RC(suit_image_verifier_deinit(NULL), SUIT_RESULT_NULL_POINTER);
    init_copy(&ctx);
    CHECK_RC(suit_image_verifier_init(&ver, sizeof ver, SUIT_ABI_VERSION, &ctx, &p, 0), SUIT_RESULT_BAD_STATE);
    CHECK_RC(suit_authenticate(&ctx, VEC_ENVELOPE_ED25519, sizeof VEC_ENVELOPE_ED25519, ed_key(), 1, 0, 0),
             SUIT_RESULT_OK);
    CHECK_RC(suit_image_verifier_init(&ver, sizeof ver - 8, SUIT_ABI_VERSION, &ctx, &p, 0), SUIT_RESULT_ABI_MISMATCH);
    CHECK_RC(suit_image_verifier_init(&ver, sizeof ver, 2, &ctx, &p, 0), SUIT_RESULT_ABI_MISMATCH);
    CHECK_RC(suit_image_verifier_init(NULL, sizeof ver, SUIT_ABI_VERSION, &ctx, &p, 0), SUIT_RESULT_NULL_POINTER);
    CHECK_RC(suit_image_verifier_init(&ver, sizeof ver, SUIT_ABI_VERSION, NULL, &p, 0), SUIT_RESULT_NULL_POINTER);
    CHECK_RC(suit_image_verifier_init(&ver, sizeof ver, SUIT_ABI_VERSION, &ctx, NULL, 0), SUIT_RESULT_NULL_POINTER);
    CHECK_RC(suit_image_verifier_init(&ver, sizeof ver, SUIT_ABI_VERSION, &ctx, &p, 1),
             SUIT_RESULT_COMPONENT_INDEX_OUT_OF_RANGE);
    CHECK_RC(suit_image_verifier_init(&ver, sizeof ver, SUIT_ABI_VERSION, &ctx, &p, 0), SUIT_RESULT_OK);
    CHECK_RC(suit_image_verifier_init(&ver, sizeof ver, SUIT_ABI_VERSION, &ctx, &p, 0), SUIT_RESULT_BAD_STATE);
    CHECK_RC(suit_image_verifier_update(&ver, NULL, 1), SUIT_RESULT_NULL_POINTER);
    CHECK_RC(suit_image_verifier_update(&ver, NULL, 0), SUIT_RESULT_OK);
    CHECK_RC(suit_image_verifier_finish(&ver, NULL), SUIT_RESULT_NULL_POINTER);
    CHECK_RC(suit_image_verifier_update(&ver, VEC_IMAGE, sizeof VEC_IMAGE), SUIT_RESULT_OK);
    CHECK_RC(suit_image_verifier_finish(&ver, &v), SUIT_RESULT_OK);
    CHECK(v == SUIT_VERDICT_ALLOW);
    CHECK_RC(suit_image_verifier_finish(&ver, &v), SUIT_RESULT_BAD_STATE);
    CHECK(v == SUIT_VERDICT_DENY);
    CHECK_RC(suit_image_verifier_update(&ver, VEC_IMAGE, 1), SUIT_RESULT_BAD_STATE);
    CHECK_RC(suit_image_verifier_deinit(&ver), SUIT_RESULT_OK);
    CHECK_RC(suit_image_verifier_deinit(&ver), SUIT_RESULT_BAD_STATE);
    CHECK_RC(suit_ctx_deinit(&ctx), SUIT_RESULT_OK);
}

static void test_callback_failures(void)
{
    static const struct {
        const char *fail;
        suit_result want;
        int64_t section, command;
    } cases[] = {
        {"vendor", SUIT_RESULT_PLATFORM_FAILED, 0, 1},
        {"vendor:nomatch", SUIT_RESULT_VENDOR_MISMATCH, 0, 1},
        {"vendor:unsupported", SUIT_RESULT_PLATFORM_UNSUPPORTED, 0, 1},
        {"vendor:garbage", SUIT_RESULT_PLATFORM_FAILED, 0, 1},
        {"vendor:wait", SUIT_RESULT_PENDING, 0, 1},
        {"class", SUIT_RESULT_PLATFORM_FAILED, 0, 2},
        {"class:nomatch", SUIT_RESULT_CLASS_MISMATCH, 0, 2},
        {"fetch", SUIT_RESULT_PLATFORM_FAILED, 20, 21},
        {"fetch:unsupported", SUIT_RESULT_PLATFORM_UNSUPPORTED, 20, 21},
        {"fetch:wait", SUIT_RESULT_PENDING, 20, 21},
        {"read", SUIT_RESULT_PLATFORM_FAILED, 20, 3},
        {"read:wait", SUIT_RESULT_PENDING, 20, 3},
        /* A component the device lacks: rejected before any other callback. */
        {"component:nomatch", SUIT_RESULT_COMPONENT_UNSUPPORTED, SUIT_NO_SECTION, 0},
        {"component:unsupported", SUIT_RESULT_COMPONENT_UNSUPPORTED, SUIT_NO_SECTION, 0},
        {"component", SUIT_RESULT_PLATFORM_FAILED, SUIT_NO_SECTION, 0},
        {"component:wait", SUIT_RESULT_PENDING, SUIT_NO_SECTION, 0},
    };
    suit_ctx ctx = {0};
    size_t i;
    init_copy(&ctx);
    CHECK_RC(suit_authenticate(&ctx, VEC_ENVELOPE_ED25519, sizeof VEC_ENVELOPE_ED25519, ed_key(), 1, 0, 0),
             SUIT_RESULT_OK);
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        device d = new_device(VEC_IMAGE, sizeof VEC_IMAGE);
        suit_platform p = platform_for(&d);
        suit_verdict v = SUIT_VERDICT_ALLOW;
        suit_error_detail det;
        d.fail = cases[i].fail;
        CHECK_RC(suit_run_update(&ctx, &p, 0, &v), cases[i].want);
        CHECK(v == SUIT_VERDICT_DENY);
        CHECK(d.components_asked == 1); /* once per run, before the commands */
        if (!strncmp(cases[i].fail, "component", 9))
            CHECK(d.fetched == 0 && d.reads == 0 && d.reports == 0);
        CHECK_RC(suit_ctx_last_error(&ctx, &det), SUIT_RESULT_OK);
        CHECK(det.result == cases[i].want);
        if (cases[i].want != SUIT_RESULT_PENDING) {
            CHECK(det.section == cases[i].section && det.command == cases[i].command && det.component == 0);
            CHECK(det.offset != SUIT_NO_OFFSET);
        }
    }
    /* The invoke callback failing; a NULL condition callback. */
    {
        device d = new_device(VEC_IMAGE, sizeof VEC_IMAGE);
        suit_platform p = platform_for(&d);
        suit_verdict v = SUIT_VERDICT_ALLOW;
        uint32_t boot = 0;
        d.fail = "invoke";
        CHECK_RC(suit_run_invoke(&ctx, &p, SUIT_RUN_INVOKE_CALLBACK, &v, &boot), SUIT_RESULT_PLATFORM_FAILED);
        CHECK(v == SUIT_VERDICT_DENY && boot == SUIT_NO_COMPONENT);
        d.fail = NULL;
        p.check_class = NULL;
        CHECK_RC(suit_run_invoke(&ctx, &p, 0, &v, &boot), SUIT_RESULT_PLATFORM_UNSUPPORTED);
        CHECK(v == SUIT_VERDICT_DENY);
        /* A tampered slot fails validate. */
        p = platform_for(&d);
        {
            static uint8_t bad[sizeof VEC_IMAGE];
            memcpy(bad, VEC_IMAGE, sizeof bad);
            bad[17] ^= 0x40;
            d.image = bad;
            CHECK_RC(suit_run_invoke(&ctx, &p, 0, &v, &boot), SUIT_RESULT_IMAGE_DIGEST_MISMATCH);
            CHECK(v == SUIT_VERDICT_DENY);
            d.image_len = sizeof bad - 1; /* and a short one */
            CHECK_RC(suit_run_invoke(&ctx, &p, 0, &v, &boot), SUIT_RESULT_IMAGE_SIZE_MISMATCH);
        }
        /* Identity: a device of another class. */
        d = new_device(VEC_IMAGE, sizeof VEC_IMAGE);
        p = platform_for(&d);
        d.class_id = VEC_VENDOR_ID;
        CHECK_RC(suit_run_invoke(&ctx, &p, 0, &v, &boot), SUIT_RESULT_CLASS_MISMATCH);
    }
    /* A device that knows its digests: image-match reads nothing; the library compares. */
    {
        static uint8_t bad[sizeof VEC_IMAGE];
        device d = new_device(VEC_IMAGE, sizeof VEC_IMAGE);
        suit_platform p = platform_for(&d);
        suit_verdict v = SUIT_VERDICT_DENY;
        uint32_t boot = SUIT_NO_COMPONENT;
        p.component_digest = cb_digest;
        CHECK_RC(suit_run_invoke(&ctx, &p, 0, &v, &boot), SUIT_RESULT_OK);
        CHECK(v == SUIT_VERDICT_ALLOW && boot == 0 && d.digests == 1 && d.reads == 0);
        memcpy(bad, VEC_IMAGE, sizeof bad);
        bad[17] ^= 0x40;
        d = new_device(bad, sizeof bad);
        p.user = &d;
        CHECK_RC(suit_run_invoke(&ctx, &p, 0, &v, &boot), SUIT_RESULT_IMAGE_DIGEST_MISMATCH);
        CHECK(v == SUIT_VERDICT_DENY && d.digests == 1 && d.reads == 0);
        d = new_device(VEC_IMAGE, sizeof VEC_IMAGE);
        d.fail = "digest:unsupported"; /* the library reads and hashes */
        CHECK_RC(suit_run_invoke(&ctx, &p, 0, &v, &boot), SUIT_RESULT_OK);
        CHECK(v == SUIT_VERDICT_ALLOW && d.digests == 1 && d.reads > 0);
        d = new_device(VEC_IMAGE, sizeof VEC_IMAGE);
        d.fail = "digest";
        CHECK_RC(suit_run_invoke(&ctx, &p, 0, &v, &boot), SUIT_RESULT_PLATFORM_FAILED);
        CHECK(v == SUIT_VERDICT_DENY && d.reads == 0);
    }
    CHECK_RC(suit_ctx_deinit(&ctx), SUIT_RESULT_OK);
}

static suit_result stream(suit_ctx *ctx, const uint8_t *image, size_t len, size_t chunk, suit_verdict *v)
{
    suit_image_verifier ver = {0};
    device d = new_device(VEC_IMAGE, sizeof VEC_IMAGE);
    suit_platform p = platform_for(&d);
    suit_result r, f;
    size_t off = 0;
    uint64_t seen = 0, left = 0;
    memset(&ver, 0xCC, sizeof ver);
    r = suit_image_verifier_init(&ver, sizeof ver, SUIT_ABI_VERSION, ctx, &p, 0);
    if (r != SUIT_RESULT_OK) return r;
    CHECK_RC(suit_image_verifier_progress(&ver, &seen, &left), SUIT_RESULT_OK);
    CHECK(seen == 0 && left == sizeof VEC_IMAGE);
    while (off < len) {
        size_t n = len - off < chunk ? len - off : chunk;
        r = suit_image_verifier_update(&ver, image + off, n);
        if (r != SUIT_RESULT_OK) break;
        off += n;
    }
    f = suit_image_verifier_finish(&ver, v);
    if (r == SUIT_RESULT_OK) r = f;
    else CHECK(f == r); /* errors are sticky */
    CHECK_RC(suit_image_verifier_deinit(&ver), SUIT_RESULT_OK);
    return r;
}

static void test_streaming(void)
{
    static const size_t chunks[] = {1, 7, 64, 4096};
    static uint8_t bad[sizeof VEC_IMAGE + 1];
    suit_ctx ctx = {0};
    size_t i;
    suit_verdict v;
    init_copy(&ctx);
    CHECK_RC(suit_authenticate(&ctx, VEC_ENVELOPE_P256, sizeof VEC_ENVELOPE_P256, both_keys(), 2, 0, 0),
             SUIT_RESULT_OK);
    for (i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
        v = 0;
        CHECK_RC(stream(&ctx, VEC_IMAGE, sizeof VEC_IMAGE, chunks[i], &v), SUIT_RESULT_OK);
        CHECK(v == SUIT_VERDICT_ALLOW);
        memcpy(bad, VEC_IMAGE, sizeof VEC_IMAGE);
        bad[i * 1000] ^= 0x01;
        v = SUIT_VERDICT_ALLOW;
        CHECK_RC(stream(&ctx, bad, sizeof VEC_IMAGE, chunks[i], &v), SUIT_RESULT_IMAGE_DIGEST_MISMATCH);
        CHECK(v == SUIT_VERDICT_DENY);
        v = SUIT_VERDICT_ALLOW;
        CHECK_RC(stream(&ctx, VEC_IMAGE, sizeof VEC_IMAGE - 1, chunks[i], &v), SUIT_RESULT_IMAGE_SIZE_MISMATCH);
        CHECK(v == SUIT_VERDICT_DENY);
        memcpy(bad, VEC_IMAGE, sizeof VEC_IMAGE);
        v = SUIT_VERDICT_ALLOW;
        CHECK_RC(stream(&ctx, bad, sizeof VEC_IMAGE + 1, chunks[i], &v), SUIT_RESULT_IMAGE_SIZE_MISMATCH);
        CHECK(v == SUIT_VERDICT_DENY);
    }
    /* A failing condition in the shared sequence: no verifier. */
    {
        suit_image_verifier ver = {0};
        device d = new_device(VEC_IMAGE, sizeof VEC_IMAGE);
        suit_platform p = platform_for(&d);
        d.fail = "class:nomatch";
        CHECK_RC(suit_image_verifier_init(&ver, sizeof ver, SUIT_ABI_VERSION, &ctx, &p, 0),
                 SUIT_RESULT_CLASS_MISMATCH);
        CHECK_RC(suit_image_verifier_update(&ver, VEC_IMAGE, 1), SUIT_RESULT_BAD_STATE);
        d.fail = "vendor:wait";
        CHECK_RC(suit_image_verifier_init(&ver, sizeof ver, SUIT_ABI_VERSION, &ctx, &p, 0), SUIT_RESULT_PENDING);
    }
    CHECK_RC(suit_ctx_deinit(&ctx), SUIT_RESULT_OK);
}

/* ---- C crypto callbacks --------------------------------------------------------------- */

typedef struct {
    const char *fail;
    int inits, finishes, aborts, verifies, delegated;
    const uint8_t *expect_tbs; /* the Sig_structure the verify callback must see */
    size_t expect_tbs_len;
    const uint8_t *expect_sig;
} crypto_dev;

STATIC_CHECK(sha_state_fits, sizeof(test_sha256) <= SUIT_VERIFY_HASH_CTX_WORDS * 8);

static int32_t c_init(void *user, void *state, size_t size, int32_t alg)
{
    crypto_dev *c = user;
    if (c->fail && !strcmp(c->fail, "init")) return SUIT_PLATFORM_FAIL;
    if (alg != -16) return SUIT_PLATFORM_UNSUPPORTED;
    if (size < sizeof(test_sha256)) return SUIT_PLATFORM_FAIL;
    test_sha256_init(state);
    c->inits++; /* operations started: each must end in finish or abort */
    return SUIT_PLATFORM_OK;
}

static int32_t c_update(void *user, void *state, const uint8_t *data, size_t len)
{
    crypto_dev *c = user;
    if (c->fail && !strcmp(c->fail, "update")) return SUIT_PLATFORM_FAIL;
    test_sha256_update(state, data, len);
    return SUIT_PLATFORM_OK;
}

static int32_t c_finish(void *user, void *state, uint8_t *out, size_t size, size_t *len)
{
    crypto_dev *c = user;
    c->finishes++;
    if (c->fail && !strcmp(c->fail, "finish")) return SUIT_PLATFORM_FAIL;
    if (size < 32) return SUIT_PLATFORM_FAIL;
    test_sha256_final(state, out);
    *len = 32;
    return SUIT_PLATFORM_OK;
}

static void c_abort(void *user, void *state)
{
    crypto_dev *c = user;
    (void)state;
    c->aborts++;
}

/* A test "verifier": accepts exactly the expected Sig_structure and
 * signature (it checks the parts the library passes, byte for byte). */
static suit_verdict c_verify(void *user, int32_t alg, uint32_t key_type, const uint8_t *key, size_t key_len,
                             const suit_bytes *parts, size_t count, const uint8_t *sig, size_t sig_len)
{
    crypto_dev *c = user;
    uint8_t tbs[512];
    size_t n = 0, i;
    c->verifies++;
    if (c->fail && !strcmp(c->fail, "verify")) return 0x1234u;
    if (c->fail && !strcmp(c->fail, "verify:deny")) return SUIT_VERDICT_DENY;
    if (alg != -7 || key_type != SUIT_KEY_P256 || key_len != 65 || key[0] != 4 || sig_len != 64)
        return SUIT_VERDICT_DENY;
    for (i = 0; i < count; i++) {
        if (n + parts[i].len > sizeof tbs || (parts[i].len > 0 && parts[i].ptr == NULL)) return SUIT_VERDICT_DENY;
        if (parts[i].len) memcpy(tbs + n, parts[i].ptr, parts[i].len);
        n += parts[i].len;
    }
    if (n != c->expect_tbs_len || memcmp(tbs, c->expect_tbs, n) != 0) return SUIT_VERDICT_DENY;
    if (memcmp(sig, c->expect_sig, 64) != 0) return SUIT_VERDICT_DENY;
    return SUIT_VERDICT_ALLOW;
}

/* A backend with P-256 only (a CryptoCell-310, say): ES256 as above, every
 * other algorithm handed to the built-in code. */
static suit_verdict c_verify_p256_only(void *user, int32_t alg, uint32_t key_type, const uint8_t *key,
                                       size_t key_len, const suit_bytes *parts, size_t count, const uint8_t *sig,
                                       size_t sig_len)
{
    crypto_dev *c = user;
    if (alg == -7) return c_verify(user, alg, key_type, key, key_len, parts, count, sig, sig_len);
    c->delegated++;
    return suit_crypto_verify_builtin(user, alg, key_type, key, key_len, parts, count, sig, sig_len);
}

static void test_crypto_callbacks(void)
{
    static const char *const failures[] = {"init", "update", "finish", "verify"};
    crypto_dev cd;
    suit_crypto table;
    suit_ctx ctx = {0};
    size_t len, hexlen, i;
    uint8_t *env = read_file("manifest/example0-signed.cbor", &len);
    uint8_t *hex = read_file("manifest/example0-signed.sig_structure.hex", &hexlen);
    static uint8_t tbs[512];
    uint64_t seq;
    suit_verdict v;
    memset(&cd, 0, sizeof cd);
    cd.expect_tbs = tbs;
    cd.expect_tbs_len = from_hex(hex, hexlen, tbs, sizeof tbs);
    /* The block's signature: the first 64-byte bstr (0x58 0x40) of the envelope. */
    for (i = 0; i + 66 <= len; i++)
        if (env[i] == 0x58 && env[i + 1] == 0x40) break;
    CHECK(i + 66 <= len);
    cd.expect_sig = env + i + 2;
    memset(&table, 0, sizeof table);
    table.user = &cd;
    table.digest_init = c_init;
    table.digest_update = c_update;
    table.digest_finish = c_finish;
    table.digest_abort = c_abort;
    table.verify = c_verify;

    init_copy(&ctx);
    CHECK_RC(suit_ctx_set_crypto(&ctx, &table), SUIT_RESULT_OK);
    CHECK_RC(suit_authenticate(&ctx, env, len, &ietf_suit_key, 1, 0, 0), SUIT_RESULT_OK);
    CHECK(cd.verifies == 1 && cd.inits >= 1 && cd.inits == cd.finishes + cd.aborts);
    CHECK_RC(suit_manifest_sequence_number(&ctx, &seq), SUIT_RESULT_OK);
    for (i = 0; i < sizeof failures / sizeof failures[0]; i++) {
        cd.fail = failures[i];
        CHECK_RC(suit_authenticate(&ctx, env, len, &ietf_suit_key, 1, 0, 0), SUIT_RESULT_CRYPTO_BACKEND);
    }
    cd.fail = "verify:deny";
    CHECK_RC(suit_authenticate(&ctx, env, len, &ietf_suit_key, 1, 0, 0), SUIT_RESULT_AUTH_SIGNATURE_INVALID);
    cd.fail = NULL;
    CHECK_RC(suit_authenticate(&ctx, env, len, &ietf_suit_key, 1, 0, 0), SUIT_RESULT_OK);
    cd.fail = "update";
    CHECK_RC(suit_manifest_sequence_number(&ctx, &seq), SUIT_RESULT_CRYPTO_BACKEND);
    cd.fail = NULL;
    CHECK_RC(suit_ctx_deinit(&ctx), SUIT_RESULT_OK);

    /* A callback for ES256 only hands Ed25519 to suit_crypto_verify_builtin. */
    table.verify = c_verify_p256_only;
    init_copy(&ctx);
    CHECK_RC(suit_ctx_set_crypto(&ctx, &table), SUIT_RESULT_OK);
    {
        static uint8_t bad[sizeof VEC_ENVELOPE_ED25519];
        int verifies = cd.verifies;
        CHECK_RC(suit_authenticate(&ctx, env, len, &ietf_suit_key, 1, 0, 0), SUIT_RESULT_OK);
        CHECK(cd.verifies == verifies + 1 && cd.delegated == 0);
        CHECK_RC(suit_authenticate(&ctx, VEC_ENVELOPE_ED25519, sizeof VEC_ENVELOPE_ED25519, ed_key(), 1, 0, 0),
                 SUIT_RESULT_OK);
        CHECK(cd.verifies == verifies + 1 && cd.delegated == 1);
        /* The Ed25519 signature changed: the built-in code denies it. */
        memcpy(bad, VEC_ENVELOPE_ED25519, sizeof bad);
        for (i = 0; i + 66 <= sizeof bad; i++)
            if (bad[i] == 0x58 && bad[i + 1] == 0x40) break;
        CHECK(i + 66 <= sizeof bad);
        bad[i + 2 + 10] ^= 0x04;
        CHECK_RC(suit_authenticate(&ctx, bad, sizeof bad, ed_key(), 1, 0, 0), SUIT_RESULT_AUTH_SIGNATURE_INVALID);
        CHECK(cd.delegated == 2);
        /* Misuse of the built-in check is a denial, never a read. */
        CHECK(suit_crypto_verify_builtin(NULL, -8, SUIT_KEY_ED25519, ed_key()->key, 32, NULL, 1, bad, 64) ==
              SUIT_VERDICT_DENY);
    }
    CHECK_RC(suit_ctx_deinit(&ctx), SUIT_RESULT_OK);

    /* The C digest for processing and the streaming verifier (the generated
     * Ed25519 envelope; its signature is checked by the built-in code). */
    table.verify = NULL;
    init_copy(&ctx);
    CHECK_RC(suit_ctx_set_crypto(&ctx, &table), SUIT_RESULT_OK);
    CHECK_RC(suit_authenticate(&ctx, VEC_ENVELOPE_ED25519, sizeof VEC_ENVELOPE_ED25519, ed_key(), 1, 0, 0),
             SUIT_RESULT_OK);
    {
        device d = new_device(VEC_IMAGE, sizeof VEC_IMAGE);
        suit_platform p = platform_for(&d);
        int before = cd.inits;
        CHECK_RC(suit_run_update(&ctx, &p, 0, &v), SUIT_RESULT_OK);
        CHECK(v == SUIT_VERDICT_ALLOW && cd.inits > before);
        CHECK_RC(stream(&ctx, VEC_IMAGE, sizeof VEC_IMAGE, 64, &v), SUIT_RESULT_OK);
        CHECK(v == SUIT_VERDICT_ALLOW);
        CHECK(cd.inits == cd.finishes + cd.aborts);
        cd.fail = "finish";
        CHECK_RC(suit_run_update(&ctx, &p, 0, &v), SUIT_RESULT_CRYPTO_BACKEND);
        CHECK(v == SUIT_VERDICT_DENY);
        cd.fail = NULL;
        {
            suit_image_verifier ver = {0};
            int aborts = cd.aborts;
            CHECK_RC(suit_image_verifier_init(&ver, sizeof ver, SUIT_ABI_VERSION, &ctx, &p, 0), SUIT_RESULT_OK);
            CHECK_RC(suit_image_verifier_update(&ver, VEC_IMAGE, 100), SUIT_RESULT_OK);
            cd.fail = "update";
            CHECK_RC(suit_image_verifier_update(&ver, VEC_IMAGE + 100, 100), SUIT_RESULT_CRYPTO_BACKEND);
            /* init's question about the image-digest algorithm, then the failed hash */
            CHECK(cd.aborts == aborts + 2);
            CHECK_RC(suit_image_verifier_finish(&ver, &v), SUIT_RESULT_CRYPTO_BACKEND);
            CHECK(v == SUIT_VERDICT_DENY);
            CHECK_RC(suit_image_verifier_deinit(&ver), SUIT_RESULT_OK);
            cd.fail = NULL;
            /* Released before finishing: the C hash is aborted. */
            CHECK_RC(suit_image_verifier_init(&ver, sizeof ver, SUIT_ABI_VERSION, &ctx, &p, 0), SUIT_RESULT_OK);
            CHECK_RC(suit_image_verifier_deinit(&ver), SUIT_RESULT_OK);
            /* the second init's question, and the released hash */
            CHECK(cd.aborts == aborts + 4);
        }
    }
    /* Partial tables are refused. */
    table.digest_update = NULL;
    CHECK_RC(suit_ctx_set_crypto(&ctx, &table), SUIT_RESULT_INVALID_ARGUMENT);
    CHECK_RC(suit_ctx_set_crypto(&ctx, NULL), SUIT_RESULT_OK);
    CHECK_RC(suit_ctx_deinit(&ctx), SUIT_RESULT_OK);
    free(env);
    free(hex);
}

int main(int argc, char **argv)
{
    vector_dir = argc > 1 ? argv[1] : getenv("SUIT_IETF_VECTORS");
    if (!vector_dir) vector_dir = "../shared/vectors/ietf";
    load_ietf_key();
    test_versions_and_names();
    test_ietf_examples();
    test_generated_envelopes();
    test_authenticate_and_run();
    test_queries();
    test_misuse();
    test_callback_failures();
    test_streaming();
    test_crypto_callbacks();
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
