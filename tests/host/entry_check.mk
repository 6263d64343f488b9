# The VM-entry checker (SDM vol. 3C 27.2-27.3) on Bochs capabilities.
HOST_TESTS += entry_check
entry_check_SRCS := tests/host/test_entry_check.c vmx/entry_check.c vmx/entry_check_host.c \
	vmx/entry_check_guest.c vmx/vmx_caps.c vmx/vmcs_fields.c
