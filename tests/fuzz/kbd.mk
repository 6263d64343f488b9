FUZZERS += kbd
fuzz_kbd_SRCS := tests/fuzz/fuzz_kbd.c kernel/kbd_decode.c kernel/console_line.c kernel/format.c
