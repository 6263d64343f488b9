/* Console commands that drive VT-x (the table is in kernel/console.c). */
#ifndef VMX_VMX_CONSOLE_H
#define VMX_VMX_CONSOLE_H

int cmd_caps(void *ctx, int argc, char **argv);
int cmd_caps_raw(void *ctx, int argc, char **argv);
int cmd_fc(void *ctx, int argc, char **argv);
int cmd_vmx_on(void *ctx, int argc, char **argv);
int cmd_vmx_off(void *ctx, int argc, char **argv);
int cmd_vmx_status(void *ctx, int argc, char **argv);
int cmd_vmcs(void *ctx, int argc, char **argv);
int cmd_guest_run(void *ctx, int argc, char **argv);
int cmd_test(void *ctx, int argc, char **argv);
int cmd_bench_vmx(void *ctx, int argc, char **argv);

#endif
