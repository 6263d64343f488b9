/* The README's VM-entry case table as markdown (tools/conf_table_md.c). */
#ifndef TOOLS_CONF_TABLE_MD_H
#define TOOLS_CONF_TABLE_MD_H
#include <stddef.h>
/* Writes it into out (n bytes, NUL-terminated when it fits); returns its length. */
size_t conf_table_markdown(char *out, size_t n);
/* The core VM-exit cases' table (vmx/conf_exit_cases.c), appended by conf_table_markdown. */
size_t conf_exit_table_markdown(char *out, size_t n);
#endif
