/* Per-CPU arrays sized from the CPU count (see cpu_array() in smp.h). */
#include "arch/x86_64/smp.h"
#include "kernel/panic.h"
#include "kernel/pmm.h"
#include "kernel/spinlock.h"

static struct spinlock lock;

void *cpu_array(void **slot, size_t elem)
{
	void *p = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
	if (p)
		return p;
	spin_lock(&lock);
	if (*slot) {
		spin_unlock(&lock);
		return *slot;
	}
	u64 pages = ALIGN_UP((u64)cpu_count * elem, PAGE_SIZE) / PAGE_SIZE;
	u64 a = page_alloc(pages ? pages : 1);
	if (!a)
		panic("out of memory for a per-CPU array of %u x %lu bytes", cpu_count, (u64)elem);
	__atomic_store_n(slot, (void *)(uintptr_t)a, __ATOMIC_RELEASE);
	spin_unlock(&lock);
	return (void *)(uintptr_t)a;
}
