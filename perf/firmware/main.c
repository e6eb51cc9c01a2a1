/* Cortex-M measurement firmware (scripts/perf-lib.sh, run under QEMU with
 * perf/qemu-insn/insnwin.c). Links libsuit_perf_harness.a: the whole C ABI
 * (suit-verify-ffi) plus the core-level regions of perf/harness/src/lib.rs.
 *
 * Built with -DPERF_SHIPPED it links the shipped library instead
 * (libsuit_verify_ffi.a exactly as a firmware gets it, one per algorithm set,
 * -DPERF_EDDSA and/or -DPERF_ES256) and a generated vectors.c holding the
 * harness's vectors (perf_shipped in scripts/perf-lib.sh): only the C ABI
 * regions below run, on the same inputs, so the two builds' figures compare
 * the code LTO made in each (the harness also holds the plain crates'
 * baselines, which changes what gets inlined).
 *
 * Prints (semihosting) "stack <name> <bytes>", "size <name> <bytes>" and
 * "check <name> ok|FAIL" lines and "N passed, M failed"; the plugin prints
 * "insnwin: <region> <instructions>" on stderr. Exit status = failures.
 *
 * Regions measured here, through the C ABI:
 *   empty                   two marker calls (subtracted from every region)
 *   c_auth_ex4_<alg>        suit_authenticate of IETF example 4 (copy mode)
 *   c_auth_ex4_stub_<alg>   the same with stub primitives (suit_ctx_set_crypto: a digest
 *                           that hashes nothing and answers the digest the envelope
 *                           claims, a verify that accepts): the library's own work, what
 *                           the harness's auth_rest_<alg> measures below the C ABI
 *   c_auth_ex4_zc_stub_<alg> the same in zero-copy mode (suit_ctx_init_zero_copy: the
 *                           envelope is not copied into a buffer), stub primitives; and
 *                           c_validate_ex4_zc_known_<alg>, c_validate_ex4_known_<alg> (below)
 *                           on that context
 *   c_one_ex4_known_<alg>   suit_authenticate_and_run(VALIDATE) of example 4, stub primitives,
 *                           the platform answering component_digest: authenticate + validate
 *                           in one call, no re-opening (copy mode); c_one_ex4_zc_known_<alg>:
 *                           the same in zero-copy mode
 *   c_reopen_ex4_<alg>      a later call on that context (suit_manifest_sequence_number):
 *                           every call after suit_authenticate re-hashes and re-decodes the
 *                           held manifest; c_reopen_ex4_stub_<alg>: the same, stub primitives
 *   c_validate_ex4_stub_<alg>  suit_run_section(VALIDATE) of example 4, stub primitives: the
 *                           re-opening, the checks before the run, the shared sequence and
 *                           image-match reading component 0's 34,768 bytes through `read`
 *                           (which copies nothing: the stub digest ignores the bytes);
 *                           with c_auth_ex4_stub_<alg>, everything but the primitives that a
 *                           C firmware's authenticate + validate of example 4 executes
 *   c_validate_ex4_known_<alg> the same run on a device that knows its images' digests: the
 *                           platform's component_digest answers component 0's (D1), so
 *                           image-match reads nothing; as the core API's validate_<alg>
 *                           measures it (its platform answers digests from a table)
 *   the whole firmware path on the two-image manifest (c_path_<alg> in perf/figures.py is
 *   the sum of these four: an enclosing region would also count the stack painting between
 *   them, whose cost depends on how deep the calls went):
 *     c_auth_img_<alg>        suit_authenticate
 *     c_validate_img_<alg>    suit_run_section(VALIDATE): reads and hashes 4 + 64 KiB
 *     c_image_init_<alg>      suit_image_verifier_init (component 1)
 *     c_image_64k_<alg>       16 x 4 KiB suit_image_verifier_update + finish
 *   (and, outside the regions, suit_run_section(VALIDATE) of the same images through the
 *   deepest nesting the processor accepts: its stack counts in the path's maximum)
 *   c_image_4k              1 x 4 KiB update + finish (component 0)
 * Stack (painting, bytes from the top of the stack, main's own frame included: see
 * "stack baseline"): each call of c_path_<alg> and their maximum, and the plain signature
 * check alone (perf_plain_verify, the deepest crypto call) for comparison. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "suit_verify.h"

#ifndef PERF_SHIPPED
#define PERF_EDDSA 1
#define PERF_ES256 1
#endif

/* ---- region markers (noinline, kept apart with -fno-ipa-icf) ------------------------ */
#define REGION(name)                                                                     \
    __attribute__((noinline, used)) void insn_begin_##name(void) { __asm__ volatile("nop"); } \
    __attribute__((noinline, used)) void insn_end_##name(void) { __asm__ volatile("nop"); }

REGION(empty)
REGION(c_auth_ex4_eddsa) REGION(c_auth_ex4_es256)
REGION(c_auth_ex4_stub_eddsa) REGION(c_auth_ex4_stub_es256)
REGION(c_auth_ex4_zc_stub_eddsa) REGION(c_auth_ex4_zc_stub_es256)
REGION(c_validate_ex4_zc_known_eddsa) REGION(c_validate_ex4_zc_known_es256)
REGION(c_one_ex4_known_eddsa) REGION(c_one_ex4_known_es256)
REGION(c_one_ex4_zc_known_eddsa) REGION(c_one_ex4_zc_known_es256)
REGION(c_reopen_ex4_eddsa) REGION(c_reopen_ex4_es256)
REGION(c_reopen_ex4_stub_eddsa) REGION(c_reopen_ex4_stub_es256)
REGION(c_validate_ex4_stub_eddsa) REGION(c_validate_ex4_stub_es256)
REGION(c_validate_ex4_known_eddsa) REGION(c_validate_ex4_known_es256)
REGION(c_auth_img_eddsa) REGION(c_auth_img_es256)
REGION(c_validate_img_eddsa) REGION(c_validate_img_es256)
REGION(c_image_init_eddsa) REGION(c_image_init_es256)
REGION(c_image_64k_eddsa) REGION(c_image_64k_es256)
REGION(c_image_4k)
/* Regions entered from Rust (perf/harness/src/lib.rs). */
#define ALG_REGIONS(a) REGION(parse_##a) REGION(digest_plain_##a) REGION(digest_ours_##a) \
    REGION(sig_plain_##a) REGION(sig_ours_##a) REGION(auth_##a) REGION(auth_rest_##a)     \
    REGION(validate_##a)
ALG_REGIONS(eddsa)
ALG_REGIONS(es256)
REGION(sha_plain_4k) REGION(sha_plain_64k) REGION(image_core_4k) REGION(image_core_64k)

/* ---- the harness library (perf_vector: also vectors.c of the shipped build) ----------- */
int32_t perf_vector(uint32_t id, const uint8_t **ptr, size_t *len);
#ifndef PERF_SHIPPED
uint32_t perf_core(uint32_t alg);
uint32_t perf_image_core(const uint8_t *image, size_t len);
uint32_t perf_plain_prepare(uint32_t alg);
uint32_t perf_plain_verify(void);
#endif
enum { V_EX4_EDDSA, V_EX4_ES256, V_IMG_EDDSA, V_IMG_ES256, V_KEY_ED25519_A, V_KEY_IETF_P256, V_KEY_P256_A,
       V_NEST_EDDSA, V_NEST_ES256 };

void suit_port_fatal(uint32_t code)
{
    printf("suit_port_fatal %lu\n", (unsigned long)code);
    extern void semihost_fail(void);
    semihost_fail();
}

/* ---- stack painting (../shared/EMBEDDED.md section 4) -------------------------------- */
extern uint32_t _stack_bottom, _estack;
#define PAINT 0xC0FFEE55u
static void paint_stack(void)
{
    uint32_t *p = &_stack_bottom;
    uint32_t *sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    while (p < sp - 16) *p++ = PAINT; /* leave a margin below our own frame */
}
static uint32_t stack_used(void)
{
    uint32_t *p = &_stack_bottom;
    while (p < &_estack && *p == PAINT) p++;
    return (uint32_t)((uintptr_t)&_estack - (uintptr_t)p);
}

/* ---- the device: two components holding the image pattern ---------------------------- */
#define IMAGE_LEN 65536u
static uint8_t image[IMAGE_LEN];
static const uint8_t VENDOR[16] = {0xfa, 0x6b, 0x4a, 0x53, 0xd5, 0xad, 0x5f, 0xdf,
                                   0xbe, 0x9d, 0xe6, 0x63, 0xe4, 0xd4, 0x1f, 0xfe};
static const uint8_t CLASS[16] = {0x14, 0x92, 0xaf, 0x14, 0x25, 0x69, 0x5e, 0x48,
                                  0xbf, 0x42, 0x9b, 0x2d, 0x51, 0xf2, 0xab, 0x45};

static int32_t check_vendor(void *u, uint32_t c, const uint8_t *id, size_t len, uint32_t is_pen)
{
    (void)u; (void)c;
    return !is_pen && len == 16 && memcmp(id, VENDOR, 16) == 0 ? SUIT_PLATFORM_MATCH : SUIT_PLATFORM_NO_MATCH;
}
static int32_t check_class(void *u, uint32_t c, const uint8_t *uuid)
{
    (void)u; (void)c;
    return memcmp(uuid, CLASS, 16) == 0 ? SUIT_PLATFORM_MATCH : SUIT_PLATFORM_NO_MATCH;
}
static int32_t read_component(void *u, uint32_t c, uint64_t off, uint8_t *buf, size_t len, size_t *got)
{
    (void)u;
    uint64_t size = c == 0 ? 4096u : IMAGE_LEN;
    if (c > 1) return SUIT_PLATFORM_UNSUPPORTED;
    size_t n = off >= size ? 0 : (size_t)(size - off < len ? size - off : len);
    memcpy(buf, image + off, n);
    *got = n;
    return SUIT_PLATFORM_OK;
}
static const suit_platform PLATFORM = {
    .check_vendor = check_vendor, .check_class = check_class, .read = read_component,
};

/* ---- stub primitives ------------------------------------------------------------------ */
/* The SUIT_Digest the authentication wrapper claims for the manifest: the first
 * [-16, bstr .size 32] (82 2F 58 20) of the envelope, which opens with that wrapper. */
static uint8_t claimed[32];
static int find_claimed_digest(const uint8_t *env, size_t len)
{
    static const uint8_t head[4] = {0x82, 0x2f, 0x58, 0x20};
    for (size_t i = 0; i + 4 + 32 <= len; i++)
        if (memcmp(env + i, head, 4) == 0) {
            memcpy(claimed, env + i + 4, 32);
            return 1;
        }
    return 0;
}
static int32_t stub_init(void *u, void *s, size_t n, int32_t alg)
{
    (void)u; (void)s; (void)n;
    return alg == -16 ? SUIT_PLATFORM_OK : SUIT_PLATFORM_UNSUPPORTED;
}
static int32_t stub_update(void *u, void *s, const uint8_t *d, size_t n)
{
    (void)u; (void)s; (void)d; (void)n;
    return SUIT_PLATFORM_OK;
}
static int32_t stub_finish(void *u, void *s, uint8_t *out, size_t cap, size_t *len)
{
    (void)u; (void)s;
    if (cap < 32) return SUIT_PLATFORM_FAIL;
    memcpy(out, claimed, 32);
    *len = 32;
    return SUIT_PLATFORM_OK;
}
static suit_verdict stub_verify(void *u, int32_t alg, uint32_t kt, const uint8_t *k, size_t kl,
                                const suit_bytes *parts, size_t n, const uint8_t *sig, size_t sl)
{
    (void)u; (void)alg; (void)kt; (void)k; (void)kl; (void)parts; (void)n; (void)sig; (void)sl;
    return SUIT_VERDICT_ALLOW;
}
static const suit_crypto STUB_CRYPTO = {
    .digest_init = stub_init, .digest_update = stub_update, .digest_finish = stub_finish,
    .verify = stub_verify,
};

/* Example 4 through the C ABI with stub primitives: component 0 is 34,768 bytes (its
 * image-size) whose digest the stub answers as the manifest's D1 once image-match starts
 * reading it. */
static const uint8_t EX4_D1[32] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa,
                                   0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab,
                                   0xcd, 0xef, 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10};
static int32_t read_ex4(void *u, uint32_t c, uint64_t off, uint8_t *buf, size_t len, size_t *got)
{
    (void)u; (void)buf;
    if (c != 0) return SUIT_PLATFORM_UNSUPPORTED;
    memcpy(claimed, EX4_D1, 32);
    *got = off >= 34768u ? 0 : (size_t)(34768u - off < len ? 34768u - off : len);
    return SUIT_PLATFORM_OK;
}
static const suit_platform PLATFORM_EX4 = {
    .check_vendor = check_vendor, .check_class = check_class, .read = read_ex4,
};
/* A device that keeps its images' digests: component 0's is D1. */
static int32_t digest_ex4(void *u, uint32_t c, int32_t alg, const uint64_t *size, uint8_t *out, size_t n)
{
    (void)u;
    if (c != 0 || alg != -16 || n != 32 || size == NULL || *size != 34768u) return SUIT_PLATFORM_UNSUPPORTED;
    memcpy(out, EX4_D1, 32);
    return SUIT_PLATFORM_OK;
}
static const suit_platform PLATFORM_EX4_KNOWN = {
    .check_vendor = check_vendor, .check_class = check_class, .component_digest = digest_ex4,
};

/* ---- checks ---------------------------------------------------------------------------- */
static int passed, failed;
static void check(const char *name, int ok)
{
    printf("check %s %s\n", name, ok ? "ok" : "FAIL");
    if (ok) passed++; else failed++;
}

static suit_ctx ctx;
static suit_image_verifier iv;
static uint8_t copy_buf[2048] __attribute__((aligned(8)));

static suit_key key_of(uint32_t id)
{
    const uint8_t *k; size_t n;
    perf_vector(id, &k, &n);
    suit_key key = {id == V_KEY_ED25519_A ? SUIT_KEY_ED25519 : SUIT_KEY_P256, k, n, NULL, 0};
    return key;
}

static uint32_t max5(uint32_t a, uint32_t b, uint32_t c, uint32_t d, uint32_t e)
{
    uint32_t m = a > b ? a : b;
    m = m > c ? m : c;
    m = m > d ? m : d;
    return m > e ? m : e;
}

/* The worst case of suit_run_section: the same images, validated through the deepest
 * nesting the processor accepts (perf/harness/build.rs, nest_<alg>.cbor). Not an
 * instruction region; inlined into main, so that its stack counts from the same frame as the
 * other calls; returns the painted stack of the run, 0 on failure. */
static inline __attribute__((always_inline)) uint32_t nested_validate(uint32_t venv, suit_key key)
{
    const uint8_t *env; size_t env_len; suit_verdict v = 0; uint32_t s;
    perf_vector(venv, &env, &env_len);
    if (suit_ctx_init(&ctx, sizeof ctx, SUIT_ABI_VERSION, copy_buf, sizeof copy_buf) != 0) return 0;
    if (suit_authenticate(&ctx, env, env_len, &key, 1, 0, 0) != SUIT_RESULT_OK) return 0;
    paint_stack();
    int ok = suit_run_section(&ctx, SUIT_SECTION_VALIDATE, &PLATFORM, 0, &v) == SUIT_RESULT_OK;
    s = stack_used();
    suit_ctx_deinit(&ctx);
    return ok && v == SUIT_VERDICT_ALLOW ? s : 0;
}

static int feed(size_t len)
{
    suit_verdict v = 0;
    int ok = 1;
    for (size_t at = 0; at < len; at += 4096)
        ok &= suit_image_verifier_update(&iv, image + at, 4096) == SUIT_RESULT_OK;
    ok &= suit_image_verifier_finish(&iv, &v) == SUIT_RESULT_OK && v == SUIT_VERDICT_ALLOW;
    return ok;
}

#define PATH(alg, VENV, VNEST, VKEY)                                                              \
    do {                                                                                          \
        const uint8_t *env; size_t env_len; suit_key key = key_of(VKEY);                          \
        suit_verdict v = 0; int ok = 1;                                                           \
        uint32_t s_nested = nested_validate(VNEST, key);                                          \
        ok &= s_nested != 0;                                                                      \
        perf_vector(VENV, &env, &env_len);                                                        \
        ok &= suit_ctx_init(&ctx, sizeof ctx, SUIT_ABI_VERSION, copy_buf, sizeof copy_buf) == 0;  \
        uint32_t s_auth, s_validate, s_init, s_image;                                             \
        paint_stack();                                                                            \
        insn_begin_c_auth_img_##alg();                                                            \
        ok &= suit_authenticate(&ctx, env, env_len, &key, 1, 0, 0) == SUIT_RESULT_OK;            \
        insn_end_c_auth_img_##alg();                                                              \
        s_auth = stack_used();                                                                    \
        paint_stack();                                                                            \
        insn_begin_c_validate_img_##alg();                                                        \
        ok &= suit_run_section(&ctx, SUIT_SECTION_VALIDATE, &PLATFORM, 0, &v) == SUIT_RESULT_OK; \
        insn_end_c_validate_img_##alg();                                                          \
        s_validate = stack_used();                                                                \
        ok &= v == SUIT_VERDICT_ALLOW;                                                            \
        paint_stack();                                                                            \
        insn_begin_c_image_init_##alg();                                                          \
        ok &= suit_image_verifier_init(&iv, sizeof iv, SUIT_ABI_VERSION, &ctx, &PLATFORM, 1) == 0; \
        insn_end_c_image_init_##alg();                                                            \
        s_init = stack_used();                                                                    \
        paint_stack();                                                                            \
        insn_begin_c_image_64k_##alg();                                                           \
        ok &= feed(IMAGE_LEN);                                                                    \
        insn_end_c_image_64k_##alg();                                                             \
        s_image = stack_used();                                                                   \
        printf("stack auth_" #alg " %lu\n", (unsigned long)s_auth);                               \
        printf("stack validate_" #alg " %lu\n", (unsigned long)s_validate);                       \
        printf("stack validate_nested_" #alg " %lu\n", (unsigned long)s_nested);                  \
        printf("stack image_init_" #alg " %lu\n", (unsigned long)s_init);                         \
        printf("stack image_update_" #alg " %lu\n", (unsigned long)s_image);                      \
        printf("stack path_" #alg " %lu\n", (unsigned long)max5(s_auth, s_validate, s_nested, s_init, s_image)); \
        ok &= suit_image_verifier_deinit(&iv) == 0;                                               \
        check("path_" #alg, ok);                                                                  \
    } while (0)

/* A later call on an authenticated context: the cheapest query, so the region is the
 * re-opening every C ABI call does (digest checked against the receipt, manifest decoded). */
#define REOPEN(region, ok)                                                                        \
    do {                                                                                          \
        uint64_t seq_ = 0;                                                                        \
        insn_begin_##region();                                                                    \
        ok &= suit_manifest_sequence_number(&ctx, &seq_) == SUIT_RESULT_OK;                       \
        insn_end_##region();                                                                      \
        ok &= seq_ != 0;                                                                          \
    } while (0)

/* suit_run_section(VALIDATE) of example 4 with a platform table, as a region; the verdict
 * must be ALLOW. */
#define VALIDATE_EX4(region, platform, ok)                                                        \
    do {                                                                                          \
        suit_verdict v_ = SUIT_VERDICT_DENY;                                                      \
        insn_begin_##region();                                                                    \
        ok = suit_run_section(&ctx, SUIT_SECTION_VALIDATE, (platform), 0, &v_) == 0;              \
        insn_end_##region();                                                                      \
        check(#region, ok && v_ == SUIT_VERDICT_ALLOW);                                           \
    } while (0)

/* suit_authenticate_and_run(VALIDATE) of example 4 on a fresh context (copy mode unless
 * ZC), stub primitives and the platform answering component_digest, as a region. */
#define ONE_EX4(region, ZC, env, env_len, key, ok)                                                \
    do {                                                                                          \
        suit_verdict v_ = SUIT_VERDICT_DENY;                                                      \
        ok = find_claimed_digest(env, env_len);                                                   \
        ok &= (ZC ? suit_ctx_init_zero_copy(&ctx, sizeof ctx, SUIT_ABI_VERSION)                   \
                  : suit_ctx_init(&ctx, sizeof ctx, SUIT_ABI_VERSION, copy_buf, sizeof copy_buf)) \
              == 0;                                                                               \
        ok &= suit_ctx_set_crypto(&ctx, &STUB_CRYPTO) == SUIT_RESULT_OK;                          \
        insn_begin_##region();                                                                    \
        ok &= suit_authenticate_and_run(&ctx, env, env_len, &key, 1, 0, 0, SUIT_SECTION_VALIDATE, \
                                        &PLATFORM_EX4_KNOWN, 0, &v_, NULL) == SUIT_RESULT_OK;     \
        insn_end_##region();                                                                      \
        check(#region, ok && v_ == SUIT_VERDICT_ALLOW);                                           \
        suit_ctx_deinit(&ctx);                                                                    \
    } while (0)

#define AUTH_EX4(alg, VENV, VKEY)                                                                 \
    do {                                                                                          \
        const uint8_t *env; size_t env_len; suit_key key = key_of(VKEY); int ok;                  \
        perf_vector(VENV, &env, &env_len);                                                        \
        suit_ctx_init(&ctx, sizeof ctx, SUIT_ABI_VERSION, copy_buf, sizeof copy_buf);             \
        insn_begin_c_auth_ex4_##alg();                                                            \
        ok = suit_authenticate(&ctx, env, env_len, &key, 1, 0, 0) == SUIT_RESULT_OK;             \
        insn_end_c_auth_ex4_##alg();                                                              \
        REOPEN(c_reopen_ex4_##alg, ok);                                                           \
        check("auth_ex4_" #alg, ok);                                                              \
        suit_ctx_deinit(&ctx);                                                                    \
        ok = find_claimed_digest(env, env_len);                                                   \
        ok &= suit_ctx_init(&ctx, sizeof ctx, SUIT_ABI_VERSION, copy_buf, sizeof copy_buf) == 0;  \
        ok &= suit_ctx_set_crypto(&ctx, &STUB_CRYPTO) == SUIT_RESULT_OK;                          \
        insn_begin_c_auth_ex4_stub_##alg();                                                       \
        ok &= suit_authenticate(&ctx, env, env_len, &key, 1, 0, 0) == SUIT_RESULT_OK;            \
        insn_end_c_auth_ex4_stub_##alg();                                                         \
        REOPEN(c_reopen_ex4_stub_##alg, ok);                                                      \
        check("auth_ex4_stub_" #alg, ok);                                                         \
        VALIDATE_EX4(c_validate_ex4_stub_##alg, &PLATFORM_EX4, ok);                               \
        find_claimed_digest(env, env_len); /* read_ex4 set the stub digest to D1 */               \
        VALIDATE_EX4(c_validate_ex4_known_##alg, &PLATFORM_EX4_KNOWN, ok);                        \
        suit_ctx_deinit(&ctx);                                                                    \
        ok = find_claimed_digest(env, env_len);                                                   \
        ok &= suit_ctx_init_zero_copy(&ctx, sizeof ctx, SUIT_ABI_VERSION) == 0;                   \
        ok &= suit_ctx_set_crypto(&ctx, &STUB_CRYPTO) == SUIT_RESULT_OK;                          \
        insn_begin_c_auth_ex4_zc_stub_##alg();                                                    \
        ok &= suit_authenticate(&ctx, env, env_len, &key, 1, 0, 0) == SUIT_RESULT_OK;            \
        insn_end_c_auth_ex4_zc_stub_##alg();                                                      \
        check("auth_ex4_zc_stub_" #alg, ok);                                                      \
        VALIDATE_EX4(c_validate_ex4_zc_known_##alg, &PLATFORM_EX4_KNOWN, ok);                     \
        suit_ctx_deinit(&ctx);                                                                    \
        ONE_EX4(c_one_ex4_known_##alg, 0, env, env_len, key, ok);                                 \
        ONE_EX4(c_one_ex4_zc_known_##alg, 1, env, env_len, key, ok);                              \
    } while (0)

int main(void)
{
    for (uint32_t i = 0; i < IMAGE_LEN; i++) image[i] = (uint8_t)(i * 31u % 251u);

    insn_begin_empty();
    insn_end_empty();

    printf("size suit_ctx %lu\n", (unsigned long)suit_ctx_size());
    printf("size suit_image_verifier %lu\n", (unsigned long)suit_image_verifier_size());
    check("abi sizes", suit_ctx_size() == sizeof(suit_ctx) &&
                           suit_image_verifier_size() == sizeof(suit_image_verifier));

    /* An empty painting: the caller's frame, subtracted from every stack figure. */
    paint_stack();
    printf("stack baseline %lu\n", (unsigned long)stack_used());
#ifndef PERF_SHIPPED
    /* Core regions (Rust), IETF example 4. */
    check("core_eddsa", perf_core(0) == 0);
    check("core_es256", perf_core(1) == 0);
    check("image_core", perf_image_core(image, IMAGE_LEN) == 0);

    /* The deepest crypto call, alone. */
    check("plain_prepare_eddsa", perf_plain_prepare(0) == 0);
    paint_stack();
    check("sig_plain_only_eddsa", perf_plain_verify() == 0);
    printf("stack sig_plain_eddsa %lu\n", (unsigned long)stack_used());
    check("plain_prepare_es256", perf_plain_prepare(1) == 0);
    paint_stack();
    check("sig_plain_only_es256", perf_plain_verify() == 0);
    printf("stack sig_plain_es256 %lu\n", (unsigned long)stack_used());
#endif

    /* C ABI: example 4, and the whole path on real images. */
#ifdef PERF_EDDSA
    AUTH_EX4(eddsa, V_EX4_EDDSA, V_KEY_ED25519_A);
#endif
#ifdef PERF_ES256
    AUTH_EX4(es256, V_EX4_ES256, V_KEY_IETF_P256);
#endif
#ifdef PERF_EDDSA
    PATH(eddsa, V_IMG_EDDSA, V_NEST_EDDSA, V_KEY_ED25519_A);
    {
        /* Component 0 (4 KiB) with the context the eddsa path left authenticated. */
        int ok = suit_image_verifier_init(&iv, sizeof iv, SUIT_ABI_VERSION, &ctx, &PLATFORM, 0) == 0;
        insn_begin_c_image_4k();
        ok &= feed(4096);
        insn_end_c_image_4k();
        ok &= suit_image_verifier_deinit(&iv) == 0;
        check("image_4k", ok);
    }
    suit_ctx_deinit(&ctx);
#endif
#ifdef PERF_ES256
    PATH(es256, V_IMG_ES256, V_NEST_ES256, V_KEY_P256_A);
    suit_ctx_deinit(&ctx);
#endif

    printf("%d passed, %d failed\n", passed, failed);
    return failed;
}
