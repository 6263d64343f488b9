# The value an unlocked IA32_FEATURE_CONTROL is locked with (vmx/vmx_detect.c).
HOST_TESTS += feat_ctl
feat_ctl_SRCS := tests/host/test_feat_ctl.c vmx/vmx_detect.c vmx/vmx_caps.c kernel/format.c
