/* Flash measurement stub (scripts/perf-lib.sh, flash_measure): the least a
 * firmware needs to link libsuit_verify_ffi.a. Every public C function is
 * kept alive with `-Wl,-u,<name>` (all of include/suit_verify.h), so the
 * figure is the library as a C user gets it, not only what one caller uses.
 * The symbols defined here are subtracted from the totals (perf/flash.py). */
#include <stdint.h>

extern uint32_t __stack_top;
void perf_stub_reset(void);

void suit_port_fatal(uint32_t code)
{
    (void)code;
    for (;;) {}
}

void perf_stub_reset(void)
{
    for (;;) {}
}

__attribute__((section(".isr_vector"), used))
const void *const perf_stub_vectors[2] = { (const void *)0x20010000, perf_stub_reset };
