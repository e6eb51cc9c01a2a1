/*
 * suit-verify example firmware (bare metal, Cortex-M3/M4, QEMU mps2).
 *
 * The envelope, the image and the public key live in flash (const arrays
 * from the generated vectors.h). The firmware:
 *   1. checks its trusted keys and authenticates the envelope in zero-copy
 *      mode (it is in flash), with a rollback floor;
 *   2. verifies the image incrementally in 64-byte chunks as it "arrives
 *      over the radio", storing it into the staging slot;
 *   3. runs the invocation procedure (validate: image-match on the slot,
 *      then invoke) and gets the verdict and the component to boot;
 *   4. checks the verdict a second time, as a bootloader should, and
 *      would jump to the image;
 *   5. at the next start, as a bootloader does, authenticates the envelope
 *      and runs the invocation procedure in one call
 *      (suit_authenticate_and_run), which must agree with 1-3.
 * Built with -DFW_TAMPER, one byte of the image is corrupted in transit:
 * both the streaming check and the invocation procedure must deny.
 *
 * Exit status (semihosting): 0 accepted, 2 rejected as expected (tampered
 * build), 3 unexpected result, 4 library panic hook, 1 CPU fault.
 * TEST KEYS ONLY: never ship a product that trusts them.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suit_verify.h"
#include "vectors.h"

#if defined(FW_ALG_ED25519)
#define ENVELOPE VEC_ENVELOPE_ED25519
#define ALG_NAME "ed25519"
static const suit_key KEYS[] = {
    {SUIT_KEY_ED25519, VEC_ED25519_PUB, sizeof VEC_ED25519_PUB, NULL, 0},
};
#define REQUIRED_SIGNERS 0u
#elif defined(FW_ALG_P256)
#define ENVELOPE VEC_ENVELOPE_P256
#define ALG_NAME "p256"
static const suit_key KEYS[] = {
    {SUIT_KEY_P256, VEC_P256_PUB, sizeof VEC_P256_PUB, NULL, 0},
};
#define REQUIRED_SIGNERS 0u
#else /* both: the envelope carries both signatures and both are required */
#define ENVELOPE VEC_ENVELOPE_BOTH
#define ALG_NAME "ed25519+p256"
static const suit_key KEYS[] = {
    {SUIT_KEY_ED25519, VEC_ED25519_PUB, sizeof VEC_ED25519_PUB, NULL, 0},
    {SUIT_KEY_P256, VEC_P256_PUB, sizeof VEC_P256_PUB, NULL, 0},
};
#define REQUIRED_SIGNERS 3u
#endif

#define EXIT_ACCEPTED 0
#define EXIT_REJECTED 2
#define EXIT_UNEXPECTED 3
#define EXIT_PANIC 4

#define CHUNK 64u
#define INSTALLED_SEQUENCE 6u /* the device runs manifest 6: accept >= 7 */

/* ---- stack painting ------------------------------------------------------ */

extern uint32_t _stack_bottom, _estack;
#define PAINT 0xC0FFEE55u

static void paint_stack(void)
{
    uint32_t *p = &_stack_bottom;
    uint32_t *sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    while (p < sp - 16) *p++ = PAINT; /* leave a margin below our frame */
}

static unsigned long stack_used(void)
{
    const uint32_t *p = &_stack_bottom;
    while (p < &_estack && *p == PAINT) p++;
    return (unsigned long)((uintptr_t)&_estack - (uintptr_t)p);
}

/* The library's own stack since the last paint_stack() in main: what was
 * used, minus what painting and reading alone show (main's frame and the
 * margin; see stack_base). No printf inside a measured region: its stack
 * would count. */
static unsigned long stack_base;
static unsigned long library_stack(void)
{
    unsigned long s = stack_used();
    return s > stack_base ? s - stack_base : 0;
}
#define LIBRARY_STACK(used, call)                                                \
    do {                                                                         \
        paint_stack();                                                           \
        call;                                                                    \
        (used) = library_stack();                                                \
    } while (0)

/* ---- the device ------------------------------------------------------------ */

/* The staging slot the radio writes into (RAM here, flash on a device). */
static uint8_t slot[sizeof VEC_IMAGE];
static size_t slot_len;

static int32_t check_vendor(void *user, uint32_t component, const uint8_t *id, size_t len, uint32_t is_pen)
{
    (void)user;
    (void)component;
    if (is_pen || len != sizeof VEC_VENDOR_ID) return SUIT_PLATFORM_NO_MATCH;
    return memcmp(id, VEC_VENDOR_ID, len) == 0 ? SUIT_PLATFORM_MATCH : SUIT_PLATFORM_NO_MATCH;
}

static int32_t check_class(void *user, uint32_t component, const uint8_t *uuid)
{
    (void)user;
    (void)component;
    return memcmp(uuid, VEC_CLASS_ID, 16) == 0 ? SUIT_PLATFORM_MATCH : SUIT_PLATFORM_NO_MATCH;
}

static int32_t read_slot(void *user, uint32_t component, uint64_t offset, uint8_t *buf, size_t len,
                         size_t *got)
{
    (void)user;
    if (component != 0) return SUIT_PLATFORM_UNSUPPORTED;
    if (offset >= slot_len) {
        *got = 0;
        return SUIT_PLATFORM_OK;
    }
    size_t n = slot_len - (size_t)offset;
    if (n > len) n = len;
    memcpy(buf, slot + offset, n);
    *got = n;
    return SUIT_PLATFORM_OK;
}

/* The one component this device has, ["flash", "app"], as a manifest encodes it
 * (CBOR: an array of two byte strings). A manifest naming any other is refused
 * before anything runs. */
static const uint8_t APP_COMPONENT[] = {0x82, 0x45, 'f', 'l', 'a', 's', 'h', 0x43, 'a', 'p', 'p'};

static int32_t supports_component(void *user, uint32_t component, const uint8_t *id, size_t len)
{
    (void)user;
    (void)component;
    return len == sizeof APP_COMPONENT && memcmp(id, APP_COMPONENT, len) == 0 ? SUIT_PLATFORM_MATCH
                                                                             : SUIT_PLATFORM_NO_MATCH;
}

static const suit_platform PLATFORM = {
    .check_vendor = check_vendor,
    .check_class = check_class,
    .read = read_slot,
    .supports_component = supports_component,
};

/* Called by the library's panic handler (a strong definition replaces the
 * library's weak default, which traps). Panics are unreachable by design. */
void suit_port_fatal(uint32_t code)
{
    printf("suit_port_fatal(%s)\n", suit_result_name(code));
    exit(EXIT_PANIC);
}

/* The radio: the next chunk of the image; corrupts one byte in transit in
 * the tampered build. */
static size_t radio_receive(size_t offset, uint8_t *buf, size_t cap)
{
    size_t n = sizeof VEC_IMAGE - offset;
    if (n > cap) n = cap;
    memcpy(buf, VEC_IMAGE + offset, n);
#ifdef FW_TAMPER
    if (offset <= 1000 && 1000 < offset + n) buf[1000 - offset] ^= 0x01;
#endif
    return n;
}

static void report(const char *step, suit_result r)
{
    printf("%-22s %s\n", step, suit_result_name(r));
}

static void jump_to_image(uint32_t component)
{
    /* A real bootloader sets VTOR/MSP and branches to the image here. */
    printf("boot: jumping to component %lu\n", (unsigned long)component);
}

int main(void)
{
    static suit_ctx ctx; /* caller storage: no heap, no globals inside the library */
    static suit_image_verifier verifier;
    uint8_t radio_buf[CHUNK];
    char text[64];
    size_t text_len = 0;
    uint64_t seq = 0;
    suit_result r;
    suit_verdict stream_verdict = SUIT_VERDICT_DENY, boot_verdict = SUIT_VERDICT_DENY;
    uint32_t boot = SUIT_NO_COMPONENT;
    suit_result r_next;
    suit_verdict next_verdict = SUIT_VERDICT_DENY;
    uint32_t next_boot = SUIT_NO_COMPONENT;
    unsigned long st_keys, st_auth, st_init, st_stream, st_invoke, st_next;

    printf("suit-verify %s (ABI %lu), %s, envelope %u bytes, image %u bytes\n", suit_version_string(),
           (unsigned long)suit_abi_version(), ALG_NAME, (unsigned)sizeof ENVELOPE,
           (unsigned)sizeof VEC_IMAGE);

    paint_stack();
    stack_base = stack_used();

    /* 1. keys, context, authentication (zero-copy: the envelope is in flash) */
    LIBRARY_STACK(st_keys, r = suit_keys_check(KEYS, sizeof KEYS / sizeof KEYS[0]));
    report("keys", r);
    if (r != SUIT_RESULT_OK) return EXIT_UNEXPECTED;
    r = suit_ctx_init_zero_copy(&ctx, sizeof ctx, SUIT_ABI_VERSION);
    if (r != SUIT_RESULT_OK) return EXIT_UNEXPECTED;
    LIBRARY_STACK(st_auth, r = suit_authenticate(&ctx, ENVELOPE, sizeof ENVELOPE, KEYS,
                                                 sizeof KEYS / sizeof KEYS[0],
                                                 INSTALLED_SEQUENCE + 1u, REQUIRED_SIGNERS));
    report("authenticate", r);
    if (r != SUIT_RESULT_OK) return EXIT_UNEXPECTED;
    suit_manifest_sequence_number(&ctx, &seq);
    if (suit_manifest_text(&ctx, NULL, SUIT_NO_COMPONENT, 1, (uint8_t *)text, sizeof text, &text_len) ==
        SUIT_RESULT_OK)
        printf("manifest %lu: \"%s\"\n", (unsigned long)seq, text);

    /* 2. streaming verification as the image arrives (the stack of the
     * update loop includes this example's chunk copies, a few bytes) */
    LIBRARY_STACK(st_init, r = suit_image_verifier_init(&verifier, sizeof verifier, SUIT_ABI_VERSION,
                                                        &ctx, &PLATFORM, 0));
    report("verifier init", r);
    if (r != SUIT_RESULT_OK) return EXIT_UNEXPECTED;
    paint_stack();
    for (size_t off = 0; off < sizeof VEC_IMAGE;) {
        size_t n = radio_receive(off, radio_buf, sizeof radio_buf);
        r = suit_image_verifier_update(&verifier, radio_buf, n);
        if (r != SUIT_RESULT_OK) break;
        memcpy(slot + off, radio_buf, n); /* "write to the staging slot" */
        off += n;
        slot_len = off;
    }
    if (r == SUIT_RESULT_OK) r = suit_image_verifier_finish(&verifier, &stream_verdict);
    suit_image_verifier_deinit(&verifier);
    st_stream = library_stack();
    report("stream verify", r);
    printf("stream verdict         %s\n", stream_verdict == SUIT_VERDICT_ALLOW ? "ALLOW" : "DENY");

    /* 3. the invocation procedure on the staged slot */
    LIBRARY_STACK(st_invoke, r = suit_run_invoke(&ctx, &PLATFORM, 0, &boot_verdict, &boot));
    report("invoke procedure", r);
    if (r != SUIT_RESULT_OK) {
        suit_error_detail d;
        if (suit_ctx_last_error(&ctx, &d) == SUIT_RESULT_OK)
            printf("  at byte %lu, section %ld, command %ld, component %lu\n", (unsigned long)d.offset,
                   (long)d.section, (long)d.command, (unsigned long)d.component);
    }
    suit_ctx_deinit(&ctx);

    /* 5. the next start: the bootloader authenticates the envelope (still in
     * flash) and runs the invocation procedure in one call, without the
     * second call's re-opening of the manifest */
    if (suit_ctx_init_zero_copy(&ctx, sizeof ctx, SUIT_ABI_VERSION) != SUIT_RESULT_OK) return EXIT_UNEXPECTED;
    LIBRARY_STACK(st_next, r_next = suit_authenticate_and_run(&ctx, ENVELOPE, sizeof ENVELOPE, KEYS,
                                                              sizeof KEYS / sizeof KEYS[0],
                                                              INSTALLED_SEQUENCE + 1u, REQUIRED_SIGNERS,
                                                              SUIT_PROCEDURE_INVOKE, &PLATFORM, 0,
                                                              &next_verdict, &next_boot));
    report("next boot, one call", r_next);
    suit_ctx_deinit(&ctx);
    printf("stack library: keys %lu B, authenticate %lu B, verifier init %lu B, stream %lu B, "
           "invoke %lu B, one call %lu B\n",
           st_keys, st_auth, st_init, st_stream, st_invoke, st_next);
    /* The one call decides as the two did. */
    if (r_next != r || next_verdict != boot_verdict || next_boot != boot) return EXIT_UNEXPECTED;

    /* 4. the bootloader's decision: act only on the hardened verdict, and
     * look again (a single glitched branch must not be enough). */
    if (r == SUIT_RESULT_OK && boot_verdict == SUIT_VERDICT_ALLOW && stream_verdict == SUIT_VERDICT_ALLOW) {
        volatile const suit_verdict *again = &boot_verdict;
        if (*again != SUIT_VERDICT_ALLOW || boot >= SUIT_VERIFY_MAX_COMPONENTS) return EXIT_UNEXPECTED;
        printf("ACCEPTED\n");
        jump_to_image(boot);
#ifdef FW_TAMPER
        return EXIT_UNEXPECTED; /* a tampered image must never get here */
#else
        return EXIT_ACCEPTED;
#endif
    }
    printf("REJECTED\n");
#ifdef FW_TAMPER
    if (r == SUIT_RESULT_IMAGE_DIGEST_MISMATCH && boot_verdict == SUIT_VERDICT_DENY &&
        stream_verdict == SUIT_VERDICT_DENY)
        return EXIT_REJECTED;
#endif
    return EXIT_UNEXPECTED;
}
