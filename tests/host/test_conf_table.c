/* README.md's VM-entry case table is the one the kernel's table prints
 * (tools/conf_table_md.c): between the conf-table markers, byte for byte. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "tools/conf_table_md.h"

static const char BEGIN[] = "<!-- conf-table begin: build/tools/conf_table prints it -->\n";
static const char END[] = "<!-- conf-table end -->";

static void readme_table_is_generated(void **state)
{
	(void)state;
	static char readme[1 << 20], table[1 << 17];
	FILE *f = fopen("README.md", "r");
	assert_non_null(f);
	size_t n = fread(readme, 1, sizeof(readme) - 1, f);
	fclose(f);
	readme[n] = 0;
	size_t t = conf_table_markdown(table, sizeof(table));
	assert_true(t < sizeof(table));
	char *b = strstr(readme, BEGIN), *e = b ? strstr(b, END) : 0;
	if (!b || !e)
		fail_msg("README.md has no conf-table markers");
	b += strlen(BEGIN);
	if ((size_t)(e - b) != t || memcmp(b, table, t)) {
		printf("README.md's case table differs from build/tools/conf_table; regenerate it\n");
		fail();
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(readme_table_is_generated) };
	return cmocka_run_group_tests(tests, 0, 0);
}
