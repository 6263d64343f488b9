/* Prints the README's VM-entry case table from the kernel's table:
 *   make build/tools/conf_table && build/tools/conf_table */
#include <stdio.h>
#include "tools/conf_table_md.h"

int main(void)
{
	static char buf[1 << 17];
	size_t n = conf_table_markdown(buf, sizeof(buf));
	if (n >= sizeof(buf))
		return 1;
	fputs(buf, stdout);
	return 0;
}
