#include "kernel/pmm.h"
#include "kernel/lib.h"

struct pmm kernel_pmm;

static void lock(struct pmm *p)
{
	while (__atomic_exchange_n(&p->lock, 1, __ATOMIC_ACQUIRE))
		while (p->lock)
			;
}

static void unlock(struct pmm *p)
{
	__atomic_store_n(&p->lock, 0, __ATOMIC_RELEASE);
}

static bool used(const struct pmm *p, u64 i)
{
	return p->bitmap[i / 64] & (1ULL << (i % 64));
}

static void set(struct pmm *p, u64 i, bool in_use)
{
	if (in_use)
		p->bitmap[i / 64] |= 1ULL << (i % 64);
	else
		p->bitmap[i / 64] &= ~(1ULL << (i % 64));
}

void pmm_init(struct pmm *p, u64 base, u64 npages, u64 *bitmap)
{
	memset(p, 0, sizeof(*p));
	p->base = base;
	p->npages = npages;
	p->bitmap = bitmap;
	memset(bitmap, 0xff, ALIGN_UP(npages, 64) / 8);
}

/* clamp [start, end) to whole pages inside the managed range, as page indexes */
static bool page_span(const struct pmm *p, u64 start, u64 end, bool inner, u64 *first, u64 *last)
{
	u64 top = p->base + p->npages * PAGE_SIZE;
	if (end <= start || end <= p->base || start >= top)
		return false;
	if (start < p->base)
		start = p->base;
	if (end > top)
		end = top;
	/* free only pages wholly inside; reserve every page touched */
	u64 s = inner ? ALIGN_UP(start, PAGE_SIZE) : ALIGN_DOWN(start, PAGE_SIZE);
	u64 e = inner ? ALIGN_DOWN(end, PAGE_SIZE) : ALIGN_UP(end, PAGE_SIZE);
	if (e <= s)
		return false;
	*first = (s - p->base) / PAGE_SIZE;
	*last = (e - p->base) / PAGE_SIZE;
	return true;
}

void pmm_add_range(struct pmm *p, u64 start, u64 end)
{
	u64 a, b;
	if (!page_span(p, start, end, true, &a, &b))
		return;
	for (u64 i = a; i < b; i++)
		if (used(p, i)) {
			set(p, i, false);
			p->free_pages++;
			p->total_pages++;
		}
}

void pmm_reserve_range(struct pmm *p, u64 start, u64 end)
{
	u64 a, b;
	if (!page_span(p, start, end, false, &a, &b))
		return;
	for (u64 i = a; i < b; i++)
		if (!used(p, i)) {
			set(p, i, true);
			p->free_pages--;
			p->total_pages--;
		}
}

u64 pmm_alloc(struct pmm *p, u64 n, u64 align_pages)
{
	if (!n || !align_pages || (align_pages & (align_pages - 1)) || n > p->npages)
		return 0;   /* alignment must be a power of two */
	lock(p);
	for (int pass = 0; pass < 2; pass++) {
		u64 i = pass ? 0 : p->hint;
		i = ALIGN_UP(i, align_pages);
		while (i + n <= p->npages) {
			u64 k = 0;
			while (k < n && !used(p, i + k))
				k++;
			if (k == n) {
				for (k = 0; k < n; k++)
					set(p, i + k, true);
				p->free_pages -= n;
				p->hint = i + n;
				unlock(p);
				u64 addr = p->base + i * PAGE_SIZE;
				memset((void *)(uintptr_t)addr, 0, n * PAGE_SIZE);
				return addr;
			}
			i = ALIGN_UP(i + k + 1, align_pages);
		}
	}
	unlock(p);
	return 0;
}

void pmm_free(struct pmm *p, u64 addr, u64 n)
{
	if (addr < p->base || addr % PAGE_SIZE)
		return;
	u64 first = (addr - p->base) / PAGE_SIZE;
	lock(p);
	for (u64 i = first; i < first + n && i < p->npages; i++)
		if (used(p, i)) {
			set(p, i, false);
			p->free_pages++;
		}
	unlock(p);
}

bool pmm_is_free(const struct pmm *p, u64 addr)
{
	if (addr < p->base || addr >= p->base + p->npages * PAGE_SIZE)
		return false;
	return !used(p, (addr - p->base) / PAGE_SIZE);
}
