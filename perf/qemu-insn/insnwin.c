/* insnwin: QEMU TCG plugin (plugin API v1, QEMU 7.2 as in Debian bookworm) counting guest
 * instructions executed between named marker functions.
 *
 * Provenance: adapted from the project's shared tool ../shared/tools/qemu-insn/insnwin.c
 * (research probe of 2026-11-26, EMBEDDED.md section 3), which counts between two fixed symbols
 * `bench_begin`/`bench_end`. Changes here: any number of named, possibly nested regions
 * (`insn_begin_<name>` / `insn_end_<name>`), output keyed by name.
 *
 * Self-contained: declares the few API entry points it uses instead of including qemu-plugin.h
 * (Debian ships qemu-system-arm with plugin support but no plugin header), so it needs no glib
 * and no QEMU source.
 *
 * Build: gcc -shared -fPIC -O2 -o libinsnwin.so insnwin.c
 * Run:   qemu-system-arm ... -plugin ./libinsnwin.so -kernel app.elf
 * Output (stderr), one line per executed `insn_end_<name>`:
 *        insnwin: <name> <instructions since the last insn_begin_<name>>
 *        and at exit: insnwin: total <instructions>
 * The count includes the marker calls themselves (a constant: measure an empty region and
 * subtract it). The ELF must keep its symbols. Counts are exact and the same on every run.
 *
 * Profile mode (a diagnostic, not used for the figures): `-plugin ./libinsnwin.so,profile=<name>`
 * also prints, at exit, the instructions executed inside region <name> per function, keyed by
 * the symbol at the start of each translation block (after LTO inlining, a function's count
 * includes what was inlined into it):  insnwin-profile: <instructions> <symbol>; memory
 * functions are also reported per calling function as <memfn><-<caller>. */
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_CB_R_REGS, QEMU_PLUGIN_CB_RW_REGS };
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };
typedef void (*tb_trans_cb_t)(qemu_plugin_id_t, struct qemu_plugin_tb *);
typedef void (*vcpu_udata_cb_t)(unsigned int vcpu_index, void *userdata);
typedef void (*udata_cb_t)(qemu_plugin_id_t, void *userdata);

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t, tb_trans_cb_t);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *, size_t);
void qemu_plugin_register_vcpu_insn_exec_inline(struct qemu_plugin_insn *, enum qemu_plugin_op, void *, uint64_t);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *, vcpu_udata_cb_t, enum qemu_plugin_cb_flags, void *);
const char *qemu_plugin_insn_symbol(const struct qemu_plugin_insn *);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t, udata_cb_t, void *);
void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb *, vcpu_udata_cb_t, enum qemu_plugin_cb_flags, void *);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

#define MAX_REGIONS 256
#define BEGIN "insn_begin_"
#define END "insn_end_"

struct region {
    char name[96];
    uint64_t begin_at;
};

static uint64_t total; /* single vCPU (Cortex-M), so no atomics needed */

/* Profile mode. */
#define MAX_SYMS 4096
struct sym_count {
    const char *sym;
    uint64_t n;
};
struct tb_info {
    struct sym_count *sc;
    uint64_t n_insns;
    int is_mem; /* memcpy/memset/memclr: attributed to the calling function as well */
};
static char profile_name[96];
static int profiling;
static struct sym_count syms[MAX_SYMS];
static unsigned n_syms;
static struct region regions[MAX_REGIONS];
static unsigned n_regions;

/* The region of this name (interned: the same pointer for every TB that marks it). */
static struct region *intern(const char *name)
{
    for (unsigned i = 0; i < n_regions; i++)
        if (strcmp(regions[i].name, name) == 0)
            return &regions[i];
    if (n_regions == MAX_REGIONS || strlen(name) >= sizeof regions[0].name) {
        fprintf(stderr, "insnwin: too many regions or name too long: %s\n", name);
        exit(2);
    }
    strcpy(regions[n_regions].name, name);
    return &regions[n_regions++];
}

static struct sym_count *sym_slot(const char *sym)
{
    if (!sym) sym = "?";
    for (unsigned i = 0; i < n_syms; i++)
        if (strcmp(syms[i].sym, sym) == 0)
            return &syms[i];
    if (n_syms == MAX_SYMS)
        return &syms[MAX_SYMS - 1];
    syms[n_syms].sym = strdup(sym);
    return &syms[n_syms++];
}

static const char *last_caller = "?";

static void on_tb_exec(unsigned int vcpu, void *u)
{
    (void)vcpu;
    struct tb_info *t = u;
    if (!profiling)
        return;
    t->sc->n += t->n_insns;
    if (!t->is_mem) {
        /* LLVM's outlined fragments are not callers of interest: keep the function. */
        if (strncmp(t->sc->sym, "OUTLINED_FUNCTION", 17) != 0)
            last_caller = t->sc->sym;
    } else {
        char key[512];
        snprintf(key, sizeof key, "%s<-%s", t->sc->sym, last_caller);
        sym_slot(key)->n += t->n_insns;
    }
}

static void on_begin(unsigned int vcpu, void *u)
{
    (void)vcpu;
    ((struct region *)u)->begin_at = total;
    if (profile_name[0] && strcmp(((struct region *)u)->name, profile_name) == 0)
        profiling = 1;
}

static void on_end(unsigned int vcpu, void *u)
{
    (void)vcpu;
    struct region *r = u;
    if (profile_name[0] && strcmp(r->name, profile_name) == 0)
        profiling = 0;
    fprintf(stderr, "insnwin: %s %llu\n", r->name, (unsigned long long)(total - r->begin_at));
}

static void on_tb(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    (void)id;
    size_t n = qemu_plugin_tb_n_insns(tb);
    if (profile_name[0] && n > 0) {
        struct tb_info *t = malloc(sizeof *t);
        t->sc = sym_slot(qemu_plugin_insn_symbol(qemu_plugin_tb_get_insn(tb, 0)));
        t->n_insns = n;
        t->is_mem = strstr(t->sc->sym, "memcpy") || strstr(t->sc->sym, "memclr") ||
                    strstr(t->sc->sym, "memset") || strstr(t->sc->sym, "memmove");
        qemu_plugin_register_vcpu_tb_exec_cb(tb, on_tb_exec, QEMU_PLUGIN_CB_NO_REGS, t);
    }
    for (size_t i = 0; i < n; i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        /* A call always starts a new TB, so a marker function is entered at insn 0 of a TB.
           Only look there: markers may then be longer than one instruction. */
        const char *sym = i == 0 ? qemu_plugin_insn_symbol(insn) : NULL;
        if (sym && strncmp(sym, BEGIN, strlen(BEGIN)) == 0)
            qemu_plugin_register_vcpu_insn_exec_cb(insn, on_begin, QEMU_PLUGIN_CB_NO_REGS,
                                                   intern(sym + strlen(BEGIN)));
        else if (sym && strncmp(sym, END, strlen(END)) == 0)
            qemu_plugin_register_vcpu_insn_exec_cb(insn, on_end, QEMU_PLUGIN_CB_NO_REGS,
                                                   intern(sym + strlen(END)));
        qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64, &total, 1);
    }
}

static void on_exit_cb(qemu_plugin_id_t id, void *u)
{
    (void)id;
    (void)u;
    fprintf(stderr, "insnwin: total %llu\n", (unsigned long long)total);
    for (unsigned i = 0; i < n_syms; i++)
        if (syms[i].n)
            fprintf(stderr, "insnwin-profile: %llu %s\n", (unsigned long long)syms[i].n, syms[i].sym);
}

__attribute__((visibility("default")))
int qemu_plugin_install(qemu_plugin_id_t id, const void *info, int argc, char **argv)
{
    (void)info;
    for (int i = 0; i < argc; i++)
        if (strncmp(argv[i], "profile=", 8) == 0)
            snprintf(profile_name, sizeof profile_name, "%s", argv[i] + 8);
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_tb);
    qemu_plugin_register_atexit_cb(id, on_exit_cb, NULL);
    return 0;
}
