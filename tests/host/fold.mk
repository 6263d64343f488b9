# The brief form's human tables: per-CPU rows folded into runs.
HOST_TESTS += fold
fold_SRCS := tests/host/test_fold.c kernel/fold.c kernel/format.c
