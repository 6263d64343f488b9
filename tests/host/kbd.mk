# The PS/2 keyboard's pure parts: scan code set 1 decoding, and keys into the line editor.
HOST_TESTS += kbd
kbd_SRCS := tests/host/test_kbd.c kernel/kbd_decode.c kernel/console_line.c kernel/format.c
