# README's VM-entry case table against the kernel's table; build/tools/conf_table prints it.
CONF_TABLE_SRCS := tools/conf_table_md.c vmx/conf_cases.c vmx/conf_ctl.c vmx/vmx_caps.c vmx/vmcs_fields.c \
	vmx/deviations.c kernel/format.c kernel/lib.c vmx/conf_exit_cases.c vmx/conf_exit_check.c
HOST_TESTS += conf_table
conf_table_SRCS := tests/host/test_conf_table.c $(CONF_TABLE_SRCS)
$(BUILD)/tools/conf_table: tools/conf_table.c $(CONF_TABLE_SRCS) $(wildcard vmx/*.h kernel/*.h tools/*.h)
	@mkdir -p $(dir $@)
	$(HOST_CC) -std=gnu17 -O1 -Wall -Wextra -Werror -I. -DVMXBOOT_HOST -o $@ tools/conf_table.c $(CONF_TABLE_SRCS)
