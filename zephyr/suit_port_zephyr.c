/* Zephyr default for the suit-verify panic hook: log and k_panic(). A Rust
 * panic is unreachable by design (the library denies panicking constructs);
 * this only decides what happens if one occurs anyway. */
#include <stdint.h>
#include <zephyr/kernel.h>
#include <zephyr/sys/printk.h>

void suit_port_fatal(uint32_t code)
{
    printk("suit-verify: fatal error 0x%04x\n", (unsigned int)code);
    k_panic();
}
