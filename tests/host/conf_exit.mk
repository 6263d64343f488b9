# The core VM-exit cases (vmx/conf_exit*.c): the table, the instruction-information format, the verdict.
HOST_TESTS += conf_exit
conf_exit_SRCS := tests/host/test_conf_exit.c vmx/conf_exit_cases.c vmx/conf_exit_check.c vmx/conf_cases.c \
	vmx/conf_ctl.c vmx/conf_inv.c vmx/vmx_caps.c vmx/vmcs_fields.c vmx/deviations.c kernel/format.c kernel/lib.c \
	kernel/ktap.c
