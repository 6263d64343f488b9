# The verdict of the insn_ instruction-fault cases (vmx/conf_fault_verdict.c).
HOST_TESTS += conf_fault
conf_fault_SRCS := tests/host/test_conf_fault.c vmx/conf_fault_verdict.c kernel/format.c kernel/lib.c
