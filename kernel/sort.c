/* Sorting the few values of a measurement (kernel/sort.h). */
#include "kernel/sort.h"

void sort_u64(u64 *v, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		u64 x = v[i];
		size_t j = i;
		for (; j && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}
