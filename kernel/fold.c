/* Folding per-CPU rows into runs; see fold.h. */
#include "kernel/fold.h"
#include "kernel/format.h"
#include "kernel/lib.h"

void fold_end(struct fold_run *r, fold_emit emit, void *ctx)
{
	if (r->open)
		emit(r, ctx);
	r->open = false;
}

void fold_row(struct fold_run *r, u32 cpu, u32 apic_id, u64 figure, const char *key, fold_emit emit, void *ctx)
{
	if (r->open && cpu == r->last + 1 && apic_id == r->id_last + 1 &&
	    !strncmp(r->key, key, sizeof(r->key) - 1)) {
		r->last = cpu;
		r->id_last = apic_id;
		if (figure < r->lo)
			r->lo = figure;
		if (figure > r->hi)
			r->hi = figure;
		return;
	}
	fold_end(r, emit, ctx);
	r->open = true;
	r->first = r->last = cpu;
	r->id_first = r->id_last = apic_id;
	r->lo = r->hi = figure;
	ksnprintf(r->key, sizeof(r->key), "%s", key);
}

void fold_range(char *buf, size_t size, u32 a, u32 b)
{
	if (a == b)
		ksnprintf(buf, size, "%u", a);
	else
		ksnprintf(buf, size, "%u-%u", a, b);
}
