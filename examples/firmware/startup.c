/* Minimal Cortex-M startup: vector table, .data/.bss init, FPU enable,
 * newlib semihosting I/O, exit status through semihosting. */
#include <stdint.h>
#include <stdlib.h>

extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, _estack;
extern int main(void);
extern void initialise_monitor_handles(void); /* newlib rdimon */

/* SYS_EXIT with ADP_Stopped_InternalError: QEMU exits with status 1. */
__attribute__((noreturn)) void semihost_fail(void)
{
    register uint32_t r0 __asm__("r0") = 0x18;
    register uint32_t r1 __asm__("r1") = 0x20024;
    __asm__ volatile("bkpt 0xab" : : "r"(r0), "r"(r1) : "memory");
    for (;;) {
    }
}

void Default_Handler(void) { semihost_fail(); }

void Reset_Handler(void)
{
    uint32_t *src = &_sidata, *dst = &_sdata;
    while (dst < &_edata) *dst++ = *src++;
    for (dst = &_sbss; dst < &_ebss;) *dst++ = 0;
#if defined(__ARM_FP)
    /* CPACR: full access to CP10/CP11 before any FP instruction. */
    *(volatile uint32_t *)0xE000ED88 |= (0xFu << 20);
    __asm__ volatile("dsb\n isb");
#endif
    initialise_monitor_handles();
    exit(main());
}

typedef void (*vector_fn)(void);

__attribute__((section(".isr_vector"), used))
const vector_fn vector_table[16] = {
    (vector_fn)(uintptr_t)&_estack, /* initial SP */
    Reset_Handler,
    Default_Handler, Default_Handler, /* NMI, HardFault */
    Default_Handler, Default_Handler, /* MemManage, BusFault */
    Default_Handler, 0, 0, 0, 0,      /* UsageFault, reserved */
    Default_Handler, Default_Handler, /* SVC, DebugMon */
    0,
    Default_Handler, Default_Handler, /* PendSV, SysTick */
};
