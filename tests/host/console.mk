# The serial console's pure parts: the line editor and the command parsing.
HOST_TESTS += console_line console_cmd
console_line_SRCS := tests/host/test_console_line.c kernel/console_line.c kernel/format.c
console_cmd_SRCS := tests/host/test_console_cmd.c kernel/console_cmd.c kernel/cmdline.c \
	kernel/format.c vmx/vmcs_fields.c vmx/vmcs_parse.c
