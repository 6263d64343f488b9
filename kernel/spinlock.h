#ifndef KERNEL_SPINLOCK_H
#define KERNEL_SPINLOCK_H

#include "kernel/types.h"
#include "arch/x86_64/cpu.h"

struct spinlock {
	volatile u32 locked;
};

static inline void spin_lock(struct spinlock *l)
{
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		while (l->locked)
			cpu_relax();
}

/* For panic paths: give up after `spins` tries rather than deadlock on a lock
 * the dying CPU (or a dead one) may hold. Returns true when taken. */
static inline bool spin_lock_bounded(struct spinlock *l, u64 spins)
{
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE)) {
		if (!spins--)
			return false;
		cpu_relax();
	}
	return true;
}

static inline void spin_unlock(struct spinlock *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

#endif
