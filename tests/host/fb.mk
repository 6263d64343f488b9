HOST_TESTS += fb
fb_SRCS := tests/host/test_fb.c kernel/fb_render.c build/gen/font.c
