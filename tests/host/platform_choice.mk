# Which machine are we on, and may emulator ports be touched (kernel/platform_choice.c).
HOST_TESTS += platform_choice
platform_choice_SRCS := tests/host/test_platform_choice.c kernel/platform_choice.c
