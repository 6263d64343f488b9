FUZZERS += console
fuzz_console_SRCS := tests/fuzz/fuzz_console.c kernel/console_line.c kernel/console_cmd.c \
	kernel/cmdline.c kernel/format.c vmx/vmcs_fields.c vmx/vmcs_parse.c
