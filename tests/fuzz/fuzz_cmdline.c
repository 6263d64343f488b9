/* cmdline_parse on arbitrary bytes against a table of every option type;
 * then parse_u64 and parse_cpu_list on the raw bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/cmdline.h"

static void check(int cond)
{
	if (!cond)
		abort();
}

static const char *const modes[] = { "interactive", "test", NULL };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = malloc(size + 1);
	if (!line)
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';

	unsigned mode = 0;
	bool smp = true;
	u64 cpus = 1, addr = 0;
	char name[8] = "";
	u64 cpumap[CMDLINE_CPU_WORDS] = { 0 }, few[CMDLINE_CPU_WORDS] = { 0 };
	struct cpu_list later = { 0 };
	const struct cmdline_option table[] = {
		{ "mode", CMDLINE_ENUM, &mode, 0, 0, modes, NULL },
		{ "smp", CMDLINE_BOOL, &smp, 0, 0, NULL, NULL },
		{ "cpus", CMDLINE_U64, &cpus, 1, 256, NULL, NULL },
		{ "addr", CMDLINE_U64, &addr, 0, 0, NULL, NULL },
		{ "name", CMDLINE_STRING, name, 0, sizeof name, NULL, NULL },
		{ "vmx.cpus", CMDLINE_CPULIST, cpumap, 0, 0, NULL, NULL },
		{ "few", CMDLINE_CPULIST, few, 0, 5, NULL, NULL },
		{ "cpus.later", CMDLINE_CPURANGES, &later, 0, 0, NULL, NULL },
	};
	static struct cmdline_result res;
	int rc = cmdline_parse(line, table, sizeof table / sizeof table[0], &res);
	check(rc == (int)(res.errors + res.unknown));
	check(res.nmsgs <= CMDLINE_MAX_MSGS);
	for (unsigned i = 0; i < res.nmsgs; i++)
		check(strlen(res.msgs[i]) < CMDLINE_MSG_LEN);
	check(mode < 2);
	check(cpus >= 1 && cpus <= 256);
	check(strlen(name) < sizeof name);
	check((few[0] >> 5) == 0 && few[1] == 0 && few[2] == 0 && few[3] == 0);
	if (later.len) {   /* kept as text inside the line, within the index limit */
		check(later.text >= line && later.text + later.len <= line + size);
		check(later.highest <= CMDLINE_CPU_INDEX_MAX);
	}

	u64 v, map[3];
	(void)parse_u64(line, size, &v);
	if (parse_cpu_list(line, size, map, 130) == CMDLINE_OK)
		check((map[2] >> 2) == 0);
	free(line);
	return 0;
}
