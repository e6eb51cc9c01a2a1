// The header compiles as C++ (extern "C", no C-only constructs) and its
// types and constants behave there; built with -std=c++11 -Wall -Wextra
// -Wpedantic -Werror and linked against the library.
#include "suit_verify.h"

#include <cstdio>
#include <cstring>

static_assert(sizeof(suit_ctx) == SUIT_CTX_WORDS * 8, "suit_ctx");
static_assert(sizeof(suit_result) == 4 && sizeof(suit_verdict) == 4, "integer typedefs");
static_assert(SUIT_VERDICT_ALLOW != SUIT_VERDICT_DENY, "verdicts");

namespace {
int32_t no_vendor(void *, uint32_t, const uint8_t *, size_t, uint32_t) { return SUIT_PLATFORM_NO_MATCH; }
}  // namespace

int main()
{
    suit_ctx ctx;
    suit_platform p;
    std::memset(&p, 0, sizeof p);
    p.check_vendor = no_vendor;
    std::memset(&ctx, 0, sizeof ctx);
    int bad = 0;
    bad += suit_ctx_init_zero_copy(&ctx, sizeof ctx, SUIT_ABI_VERSION) != SUIT_RESULT_OK;
    suit_verdict v = SUIT_VERDICT_ALLOW;
    bad += suit_run_update(&ctx, &p, 0, &v) != SUIT_RESULT_BAD_STATE; // not authenticated
    bad += v != SUIT_VERDICT_DENY;
    bad += suit_ctx_deinit(&ctx) != SUIT_RESULT_OK;
    bad += std::strcmp(suit_result_name(SUIT_RESULT_BAD_STATE), "BAD_STATE") != 0;
    std::printf("C++: %s, %d failed\n", suit_version_string(), bad);
    return bad;
}
