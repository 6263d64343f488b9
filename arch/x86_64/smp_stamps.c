/* AP start-up stamps: the entry TSC put back together, and the figures of
 * the "smp: AP start:" line (smp_stamps.h). Pure. */
#include "arch/x86_64/smp_stamps.h"
#include "kernel/format.h"
#include "kernel/sort.h"

/* an entry up to 2^30 cycles (0.25 s at 4 GHz) before the SIPI wraps to
 * more than this, so it is never taken for one after it */
#define STAMP_WINDOW_CAP ((3ULL << 30) - 1)

bool smp_stamp_entry(u64 sipi_tsc, u32 low, u64 window_tsc, u64 *entry_tsc)
{
	u32 d = low - (u32)sipi_tsc;   /* the TSC's low half wraps every 2^32 cycles: the difference does not care */
	if (window_tsc > STAMP_WINDOW_CAP)
		window_tsc = STAMP_WINDOW_CAP;
	if (!sipi_tsc || d > window_tsc)
		return false;
	*entry_tsc = sipi_tsc + d;
	return true;
}

static void range_of(u64 *v, u32 n, struct stamp_range *r)
{
	r->n = n;
	r->min_us = r->median_us = r->max_us = 0;
	if (!n)
		return;
	sort_u64(v, n);
	r->min_us = v[0];
	r->max_us = v[n - 1];
	r->median_us = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static bool has_entry(const struct ap_stamp *a)
{
	return a->sipi_tsc && a->entry_tsc && a->entry_tsc >= a->sipi_tsc;
}

void smp_stamp_stats(const struct ap_stamp *aps, u32 n, u64 tsc_khz, u64 *scratch, struct smp_stamp_stats *out)
{
	u32 k = 0;
	out->aps = n;
	if (!tsc_khz)
		tsc_khz = 1;
	for (u32 i = 0; i < n; i++)
		if (has_entry(&aps[i]))
			scratch[k++] = (aps[i].entry_tsc - aps[i].sipi_tsc) * 1000 / tsc_khz;
	range_of(scratch, k, &out->to_entry);
	k = 0;
	for (u32 i = 0; i < n; i++)
		if (has_entry(&aps[i]) && aps[i].parked_tsc >= aps[i].entry_tsc)
			scratch[k++] = (aps[i].parked_tsc - aps[i].entry_tsc) * 1000 / tsc_khz;
	range_of(scratch, k, &out->to_parked);
}

int smp_stamp_describe(const struct smp_stamp_stats *s, char *buf, size_t size)
{
	const struct stamp_range *e = &s->to_entry, *p = &s->to_parked;
	if (!e->n)
		return ksnprintf(buf, size, "smp: AP start: none of the %u AP%s has a trampoline entry stamp (a stamp "
				 "counts when one of the first %u APs to enter did so within %llu ms after its SIPI)",
				 s->aps, s->aps == 1 ? "" : "s", TR_STAMPS, SMP_STAMP_WINDOW_US / 1000);
	int len = ksnprintf(buf, size, "smp: AP start: SIPI to the AP's first trampoline instruction median %lu us "
			    "(%lu-%lu us, %u AP%s), ", e->median_us, e->min_us, e->max_us, e->n, e->n == 1 ? "" : "s");
	size_t off = len > 0 && (size_t)len < size ? (size_t)len : size;
	int more;
	if (p->n)
		more = ksnprintf(buf + off, size - off, "from there to parked median %lu us (%lu-%lu us, %u AP%s)",
				 p->median_us, p->min_us, p->max_us, p->n, p->n == 1 ? "" : "s");
	else
		more = ksnprintf(buf + off, size - off, "from there to parked: none of them parked");
	return len + more;
}
