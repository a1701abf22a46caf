/* Symbol lookup over the table generated at link time (sorted by address). */
#include "kernel/ksyms.h"

extern const char _text_end[];

const char *ksym_lookup(uint64_t addr, uint64_t *offset)
{
	size_t lo = 0, hi = ksyms_count;

	*offset = 0;
	if (ksyms_count == 0 || addr < ksyms[0].addr || addr >= (uint64_t)_text_end)
		return NULL;
	while (hi - lo > 1) {   /* last symbol at or below addr */
		size_t mid = (lo + hi) / 2;
		if (ksyms[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	*offset = addr - ksyms[lo].addr;
	return ksyms[lo].name;
}
