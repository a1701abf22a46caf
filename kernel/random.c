/* Random bytes (see random.h). */
#include "kernel/random.h"
#include "kernel/cpu.h"
#include "kernel/spinlock.h"
#include "kernel/string.h"

static struct spinlock random_lock = SPINLOCK_INIT("random");
static uint64_t state;            /* (random_lock) */
static int have_rdrand = -1;      /* -1 until asked: CPUID.1:ECX bit 30 */

/* A fresh 64-bit value from the hardware: RDRAND, or the cycle counter. */
static uint64_t hw_entropy(void)
{
	uint64_t v;
	uint8_t ok;

	if (have_rdrand < 0) {
		uint32_t a = 1, b, c = 0, d;

		__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
		__atomic_store_n(&have_rdrand, (c >> 30) & 1, __ATOMIC_RELAXED);
	}
	if (have_rdrand) {
		/* RDRAND may fail when the hardware is drained: a few tries, then the TSC. */
		for (int i = 0; i < 10; i++) {
			__asm__ volatile("rdrand %0; setc %1" : "=r"(v), "=qm"(ok));
			if (ok)
				return v;
		}
	}
	return rdtsc();
}

/* splitmix64's step: every state gives a well-mixed output. */
static uint64_t next(void)
{
	uint64_t z = (state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void random_bytes(void *buf, size_t n)
{
	uint64_t stir = hw_entropy();
	uint8_t *p = buf;

	spin_lock(&random_lock);
	state ^= stir;
	while (n > 0) {
		uint64_t v = next();
		size_t k = MIN(n, sizeof(v));

		memcpy(p, &v, k);
		p += k;
		n -= k;
	}
	spin_unlock(&random_lock);
}
