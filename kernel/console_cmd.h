/* The serial console's command parsing: words, CPU selectors and the command
 * table (VMCS fields and values: vmx/vmcs_parse.h).
 *
 * Every parser that can fail returns 0 on success or a negative
 * enum cmdline_status, and writes one line to err (no "error: " prefix and no
 * newline; the console prints "error: <err>").  err may be NULL when errlen
 * is 0; it is always NUL-terminated otherwise, and cut short if it must be.
 *
 * Pure: no output, no state. */
#ifndef KERNEL_CONSOLE_CMD_H
#define KERNEL_CONSOLE_CMD_H

#include "kernel/types.h"
#include "kernel/cmdline.h"

#define CONSOLE_MAX_ARGS 8          /* words in a command line, the name included */
#define CONSOLE_ERR_MAX  128        /* a comfortable size for err */


/* Split line in place at spaces and tabs: argv[i] point into line, which gets
 * NULs.  Returns the number of words (0 for a blank line), or -1 with
 * "too many words (at most N)" when there are more than maxargs. */
int console_tokenize(char *line, char **argv, int maxargs, char *err, size_t errlen);

/* "all", "N" or a list "0,2-3" (repeats merge) into bitmap, a kernel/cpuset.h
 * set of cpuset_words(ncpus) words (bit n of word n/64), for a machine of
 * ncpus CPUs (any count from 1).  A CPU >= ncpus
 * is rejected naming the first such CPU and ncpus.  On failure bitmap is all
 * zero. */
int cpusel_parse(const char *tok, u32 ncpus, u64 *bitmap, char *err, size_t errlen);

/* One row of a command table.  argv as given to the handler is the whole line:
 * argv[0] the name, argv[1] the subcommand if the entry has one, then the
 * arguments from console_cmd_first_arg(). */
struct console_cmd {
	const char *name;            /* "vmx" */
	const char *sub;             /* "on" for "vmx on"; NULL if none */
	u8 min_args, max_args;       /* words after the name and subcommand */
	const char *usage;           /* "vmx on <cpus>" */
	const char *help;            /* "enter VMX operation on the CPUs" */
	int (*handler)(void *ctx, int argc, char **argv);
	u16 order;                   /* help and matching order: ascending (see console_sort) */
};

static inline int console_cmd_first_arg(const struct console_cmd *cmd)
{
	return cmd->sub ? 2 : 1;
}

/* The entry for argv[0..argc-1]: by name, then by argv[1] among the entries of
 * that name having a subcommand; an entry of that name without a subcommand
 * takes whatever else follows the name.  NULL with one error line for an
 * empty line, an unknown command ("unknown command 'xyz' (type help)"), a
 * missing or unknown subcommand, or a wrong number of arguments
 * ("usage: vmx on <cpus>"). */
const struct console_cmd *console_match(const struct console_cmd *table, size_t n,
					int argc, char **argv, char *err, size_t errlen);

/* Sort a table by order, then name, then subcommand (none first): the
 * order help lists and subcommand errors name, whatever order the linker
 * collected the entries in. */
void console_sort(struct console_cmd *table, size_t n);

/* The index of the first entry that another entry before it shadows (same
 * name and subcommand, or a second entry of a name without a subcommand), or
 * n when there is none. console_match would never reach it. */
size_t console_shadowed(const struct console_cmd *table, size_t n);

/* One line per entry, "usage  help" with the help texts aligned, given to
 * emit one at a time (the line is only valid during the call). */
void console_help(const struct console_cmd *table, size_t n,
		  void (*emit)(void *ctx, const char *line), void *ctx);

#endif
