#ifndef KERNEL_BOOT_TESTS_H
#define KERNEL_BOOT_TESTS_H

struct mb2_info;
/* KTAP suite "boot": what the foundation promises, checked on the boot CPU. */
void boot_tests(int mb2_status, int cmdline_problems);
/* paging_map_phys above 4 GiB (kernel/boot_tests_map.c) */
struct ktap_node;
void boot_test_map_phys(struct ktap_node *s);
/* inject=...: cause the fault asked for (it must end in a panic report). */
void inject_fault(unsigned kind);

#endif
