/* The kernel command line: `mode=test cpus=4 smp=off vmx.rounds=3 cpus=0,2-3`.
 *
 * Tokens are separated by spaces and tabs; each is `key=value` or a bare
 * `key`.  There is no quoting: values cannot contain blanks.  The caller
 * describes its options in a table; cmdline_parse() stores each valid value
 * in the option's destination and explains every problem in a message:
 *  - an unknown key is reported and ignored;
 *  - a malformed value is reported (naming the key, the value and what is
 *    allowed) and leaves the destination untouched, so it keeps its default
 *    or an earlier valid value;
 *  - a key given twice is noted; the last valid value wins.
 * Values containing control characters are always rejected.
 *
 * Pure: no output, no state; the kernel prints the messages. */
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

#include "kernel/types.h"

enum cmdline_type {
	CMDLINE_BOOL,      /* dest bool*: bare `key`, or key=on|off|1|0|yes|no */
	CMDLINE_U64,       /* dest u64*: decimal or 0x hex, within [min, max] */
	CMDLINE_ENUM,      /* dest unsigned*: index of the value in choices[] */
	CMDLINE_STRING,    /* dest char[max]: copied with its NUL; longer is rejected */
	CMDLINE_CPULIST,   /* dest u64[CMDLINE_CPU_WORDS]: e.g. 0,2-3; CPUs < max (0: 256) */
	CMDLINE_CPURANGES, /* dest struct cpu_list: e.g. 0,2-3; CPUs <= max (0: CMDLINE_CPU_INDEX_MAX),
			    * checked against the machine later (kernel/cpuset.h) */
};

/* A CPU list kept as given, for when the CPU count is not known yet: the
 * text points into the parsed line (which must stay alive), its syntax and the
 * highest index named already checked. len 0: none given. */
struct cpu_list {
	const char *text;
	u32 len;
	u64 highest;
};
#define CMDLINE_CPU_INDEX_MAX 65535ULL   /* as cpus= accepts up to 65536 CPUs */

#define CMDLINE_MAX_CPUS  256
#define CMDLINE_CPU_WORDS (CMDLINE_MAX_CPUS / 64)

struct cmdline_option {
	const char *name;
	enum cmdline_type type;
	void *dest;
	u64 min, max;                   /* see enum cmdline_type */
	const char *const *choices;     /* CMDLINE_ENUM: NULL-terminated word list */
	const char *help;               /* one line, for cmdline_describe() */
};

/* The table can hold this many options (duplicates are tracked per option). */
#define CMDLINE_MAX_OPTIONS 128

#define CMDLINE_MAX_MSGS 16
#define CMDLINE_MSG_LEN  120   /* including the NUL; longer messages end in "..." */

struct cmdline_result {
	unsigned applied;               /* values stored */
	unsigned errors;                /* malformed values and bad tokens */
	unsigned unknown;               /* unknown keys */
	unsigned repeated;              /* keys given more than once */
	unsigned nmsgs;                 /* messages stored in msgs[] */
	unsigned dropped;               /* messages that did not fit */
	char msgs[CMDLINE_MAX_MSGS][CMDLINE_MSG_LEN];
};

/* Parse `line` (NUL-terminated; NULL is the empty line) against opts[0..nopts-1].
 * Returns the number of problems (errors + unknown), 0 for a clean line, or
 * -1 (with a message, nothing stored) when nopts > CMDLINE_MAX_OPTIONS. */
int cmdline_parse(const char *line, const struct cmdline_option *opts, size_t nopts,
		  struct cmdline_result *res);

/* `name=<what is allowed>: help` for a help listing, always NUL-terminated. */
void cmdline_describe(const struct cmdline_option *opt, char *buf, size_t size);

/* Results of the value parsers below. */
enum cmdline_status {
	CMDLINE_OK = 0,
	CMDLINE_EEMPTY = -1,    /* empty value, or an empty item in a list */
	CMDLINE_ESYNTAX = -2,   /* not a number / not a list */
	CMDLINE_EOVERFLOW = -3, /* does not fit in 64 bits */
	CMDLINE_ERANGE = -4,    /* outside the allowed range */
	CMDLINE_EREVERSED = -5, /* a range a-b with a > b */
};

/* s[0..len-1] as decimal or 0x/0X hex: no sign, no blanks, no trailing junk. */
int parse_u64(const char *s, size_t len, u64 *out);

/* s[0..len-1] as a CPU list `N[-M][,N[-M]]...` into bitmap (nbits bits, as
 * (nbits + 63) / 64 u64 words, cleared first; bit n of word n/64).  On
 * failure the bitmap contents are unspecified. */
int parse_cpu_list(const char *s, size_t len, u64 *bitmap, unsigned nbits);
/* The same syntax without a bitmap: the highest CPU named, or a status. */
int parse_cpu_list_highest(const char *s, size_t len, u64 *highest);

#endif
