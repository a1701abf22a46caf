/*
 * Test suite "filemap": files are VM objects. Checked for what Linux
 * documents (mmap(2), msync(2), madvise(2), ftruncate(2), shm_open(3),
 * shm_overview(7)): read() and write() and every mapping of a file see
 * the same pages at once; MAP_SHARED between processes; MAP_PRIVATE as
 * copy-on-write; SIGBUS past the end of the file, before and after
 * ftruncate; POSIX shared memory through /dev/shm; the errors of mapping
 * what is no regular file, with the wrong access or arguments. Raw calls
 * (syscall6) where the exact error matters, so the same checks hold on
 * Linux (tests/linux/init.c mounts /tmp and /dev/shm). The last cases
 * read this kernel's counters: files share page tables like SysV
 * segments.
 */
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "utest.h"

#define SC(n, a, b, c, d, e, f) \
	syscall6((n), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))

#define FILE_A "/tmp/filemap-a"
#define HELLO  "/etc/fstest/hello"     /* in the initrd (user/user.mk) */
#define MIB    (1024UL * 1024)

static long sc_open(const char *path, long flags, long mode)
{
	return SC(NR_open, path, flags, mode, 0, 0, 0);
}

static long sc_close(long fd)
{
	return SC(NR_close, fd, 0, 0, 0, 0, 0);
}

static long sc_mmap(void *addr, size_t len, long prot, long flags, long fd, long off)
{
	return SC(NR_mmap, addr, len, prot, flags, fd, off);
}

static long sc_munmap(long addr, size_t len)
{
	return SC(NR_munmap, addr, len, 0, 0, 0, 0);
}

/* A new file FILE_A of `pages` pages, byte i of page p being p * 7 + i % 251: its fd (O_RDWR). */
static long make_file(size_t pages)
{
	static char page[PAGE_SIZE];
	long fd = sc_open(FILE_A, O_CREAT | O_TRUNC | O_RDWR, 0600);

	for (size_t p = 0; fd >= 0 && p < pages; p++) {
		for (size_t i = 0; i < PAGE_SIZE; i++)
			page[i] = (char)(p * 7 + i % 251);
		if (sys_write((int)fd, page, PAGE_SIZE) != (long)PAGE_SIZE)
			return -EIO;
	}
	return fd;
}

static char pattern(size_t p, size_t i)
{
	return (char)(p * 7 + i % 251);
}

/* Maps `pages` pages of fd from offset 0, read-write: the address (or -E..., which UT_ASSERT_OK refuses). */
static char *map_rw(long fd, size_t pages, int flags)
{
	return (char *)sc_mmap(NULL, pages * PAGE_SIZE, PROT_READ | PROT_WRITE, flags, fd, 0);
}

/* The end of a case on FILE_A: its mapping m of `pages` pages, fd and name go. */
static void finish(char *m, size_t pages, long fd)
{
	UT_ASSERT_EQ(0, sc_munmap((long)m, pages * PAGE_SIZE));
	UT_ASSERT_EQ(0, sc_close(fd));
	UT_ASSERT_EQ(0, unlink(FILE_A));
}

/* Forks a child that reads or writes the byte at addr and exits 0: its wait status. */
static int touch_status(volatile char *addr, bool write, bool fault_expected)
{
	int pid = fork(), status = W_EXITCODE(99);

	if (pid == 0) {
		if (fault_expected)
			ut_expect_fault();
		if (write)
			*addr = 1;
		else
			(void)*addr;
		exit(0);
	}
	if (pid < 0 || sys_waitpid(pid, &status, 0) != pid)
		return W_EXITCODE(98);
	return status;
}

#define UT_ASSERT_SIGNAL(sig, status)                                        \
	do {                                                                 \
		int ut_s_ = (status);                                        \
		if (!WIFSIGNALED(ut_s_) || WTERMSIG(ut_s_) != (sig))         \
			UT_FAIL("%s: expected death by signal %d, got status 0x%x", \
			    #status, (sig), ut_s_);                          \
	} while (0)

UTEST(write_shows_in_a_shared_mapping_and_a_store_in_the_next_read)
{
	long fd = make_file(3);
	char *m;
	char c;

	UT_ASSERT_OK(fd);
	m = map_rw(fd, 3, MAP_SHARED);
	UT_ASSERT_OK(ptr_err(m));
	for (size_t p = 0; p < 3; p++)
		for (size_t i = 0; i < PAGE_SIZE; i += 509)
			UT_ASSERT_EQ(pattern(p, i), m[p * PAGE_SIZE + i]);
	/* A store through the mapping is the file's byte at once: no msync. */
	m[PAGE_SIZE + 10] = 'S';
	UT_ASSERT_EQ(1, SC(NR_pread64, fd, &c, 1, PAGE_SIZE + 10, 0, 0));
	UT_ASSERT_EQ('S', c);
	/* And pwrite's byte is the mapping's. */
	UT_ASSERT_EQ(1, SC(NR_pwrite64, fd, "W", 1, 2 * PAGE_SIZE + 5, 0, 0));
	UT_ASSERT_EQ('W', m[2 * PAGE_SIZE + 5]);
	/* msync validates and changes nothing. */
	UT_ASSERT_EQ(0, SC(NR_msync, m, 3 * PAGE_SIZE, MS_SYNC, 0, 0, 0));
	UT_ASSERT_EQ(-EINVAL, SC(NR_msync, m + 1, PAGE_SIZE, MS_SYNC, 0, 0, 0));
	UT_ASSERT_EQ(-EINVAL, SC(NR_msync, m, PAGE_SIZE, MS_SYNC | MS_ASYNC, 0, 0, 0));
	UT_ASSERT_EQ(0, sc_munmap((long)m, 3 * PAGE_SIZE));
	UT_ASSERT_EQ(-ENOMEM, SC(NR_msync, m, PAGE_SIZE, MS_ASYNC, 0, 0, 0));
	UT_ASSERT_EQ(0, sc_close(fd));
	UT_ASSERT_EQ(0, unlink(FILE_A));
}

UTEST(two_processes_criss_cross_through_one_shared_file_mapping)
{
	long fd = make_file(4);
	volatile char *m;
	int pid, status = 0;

	UT_ASSERT_OK(fd);
	UT_ASSERT_EQ(0, sc_close(fd));
	pid = fork();
	if (pid == 0) {
		/* Its own open and mmap: the same file, not an inherited mapping. */
		long cfd = sc_open(FILE_A, O_RDWR, 0);
		volatile char *c = (char *)sc_mmap(NULL, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE,
		                                   MAP_SHARED, cfd, 0);

		if (cfd < 0 || ptr_err((void *)c))
			exit(1);
		c[0] = 'c';                          /* the child's byte */
		while (c[PAGE_SIZE] != 'p')          /* the parent's, written into its own mapping */
			sched_yield();
		c[3 * PAGE_SIZE] = 'd';
		exit(0);
	}
	UT_ASSERT(pid > 0);
	fd = sc_open(FILE_A, O_RDWR, 0);
	m = (char *)sc_mmap(NULL, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	UT_ASSERT_OK(ptr_err((void *)m));
	while (m[0] != 'c')
		sched_yield();
	m[PAGE_SIZE] = 'p';
	UT_ASSERT_EQ(pid, sys_waitpid(pid, &status, 0));
	UT_ASSERT_EQ(0, status);
	UT_ASSERT_EQ('d', m[3 * PAGE_SIZE]);
	UT_ASSERT_EQ(0, sc_munmap((long)m, 4 * PAGE_SIZE));
	UT_ASSERT_EQ(0, sc_close(fd));
	UT_ASSERT_EQ(0, unlink(FILE_A));
}

UTEST(a_private_mapping_keeps_its_writes_to_itself)
{
	long fd = make_file(2);
	char *priv, *shared, c;

	UT_ASSERT_OK(fd);
	priv = map_rw(fd, 2, MAP_PRIVATE);
	shared = (char *)sc_mmap(NULL, 2 * PAGE_SIZE, PROT_READ, MAP_SHARED, fd, 0);
	UT_ASSERT_OK(ptr_err(priv));
	UT_ASSERT_OK(ptr_err(shared));
	UT_ASSERT_EQ(pattern(1, 3), priv[PAGE_SIZE + 3]);
	/* Until it writes a page, the private mapping reads the file's. */
	UT_ASSERT_EQ(1, SC(NR_pwrite64, fd, "F", 1, PAGE_SIZE + 3, 0, 0));
	UT_ASSERT_EQ('F', priv[PAGE_SIZE + 3]);
	/* Its write is its own: neither the file nor another mapping sees it. */
	priv[PAGE_SIZE + 3] = 'P';
	priv[0] = 'Q';
	UT_ASSERT_EQ('F', shared[PAGE_SIZE + 3]);
	UT_ASSERT_EQ(pattern(0, 0), shared[0]);
	UT_ASSERT_EQ(1, SC(NR_pread64, fd, &c, 1, 0, 0, 0));
	UT_ASSERT_EQ(pattern(0, 0), c);
	/* And a later write to the file no longer shows in its copied page. */
	UT_ASSERT_EQ(1, SC(NR_pwrite64, fd, "G", 1, PAGE_SIZE + 3, 0, 0));
	UT_ASSERT_EQ('P', priv[PAGE_SIZE + 3]);
	/* MADV_DONTNEED drops the private copy: the file shows again. */
	UT_ASSERT_EQ(0, SC(NR_madvise, priv, 2 * PAGE_SIZE, MADV_DONTNEED, 0, 0, 0));
	UT_ASSERT_EQ('G', priv[PAGE_SIZE + 3]);
	UT_ASSERT_EQ(0, sc_munmap((long)shared, 2 * PAGE_SIZE));
	finish(priv, 2, fd);
}

UTEST(madvise_dontneed_on_a_shared_file_mapping_keeps_the_files_data)
{
	long fd = make_file(2);
	char *m;

	UT_ASSERT_OK(fd);
	m = map_rw(fd, 2, MAP_SHARED);
	UT_ASSERT_OK(ptr_err(m));
	m[100] = 'M';
	UT_ASSERT_EQ(0, SC(NR_madvise, m, 2 * PAGE_SIZE, MADV_DONTNEED, 0, 0, 0));
	UT_ASSERT_EQ('M', m[100]);
	UT_ASSERT_EQ(pattern(1, 100), m[PAGE_SIZE + 100]);
	finish(m, 2, fd);
}

UTEST(a_page_past_the_end_of_the_file_is_sigbus_before_and_after_truncate)
{
	long fd = make_file(4);
	char *m;

	UT_ASSERT_OK(fd);
	/* A mapping may reach past the end: 8 pages of a 4-page file. */
	m = map_rw(fd, 8, MAP_SHARED);
	UT_ASSERT_OK(ptr_err(m));
	UT_ASSERT_EQ(pattern(3, 9), m[3 * PAGE_SIZE + 9]);
	UT_ASSERT_SIGNAL(SIGBUS, touch_status(m + 5 * PAGE_SIZE, false, true));
	/* Shrinking to a page and 100 bytes takes the pages past it from the mapping. */
	UT_ASSERT_EQ(0, SC(NR_ftruncate, fd, PAGE_SIZE + 100, 0, 0, 0, 0));
	UT_ASSERT_SIGNAL(SIGBUS, touch_status(m + 3 * PAGE_SIZE, false, true));
	UT_ASSERT_SIGNAL(SIGBUS, touch_status(m + 2 * PAGE_SIZE, true, true));
	/* The last page is whole: its bytes past the end read as zero. */
	UT_ASSERT_EQ(pattern(1, 99), m[PAGE_SIZE + 99]);
	UT_ASSERT_EQ(0, m[PAGE_SIZE + 100]);
	/*
	 * A store there is not the file's: growing it again shows zeroes, as
	 * POSIX says of a file extended by ftruncate. (Linux 6.1's tmpfs keeps
	 * the stored byte, so this one check is this kernel's.)
	 */
	m[PAGE_SIZE + 200] = 'x';
	UT_ASSERT_EQ(0, SC(NR_ftruncate, fd, 4 * PAGE_SIZE, 0, 0, 0, 0));
	if (own_kernel())
		UT_ASSERT_EQ(0, m[PAGE_SIZE + 200]);
	UT_ASSERT_EQ(0, m[3 * PAGE_SIZE + 9]);   /* growing makes zero pages */
	finish(m, 8, fd);
}

UTEST(a_file_of_the_initrd_maps_read_only_and_privately)
{
	static char bytes[PAGE_SIZE];
	long fd = sc_open(HELLO, O_RDONLY, 0), n;
	char *m, *p;

	UT_ASSERT_OK(fd);
	n = sys_read((int)fd, bytes, sizeof(bytes));
	UT_ASSERT(n > 0);
	m = (char *)sc_mmap(NULL, PAGE_SIZE, PROT_READ, MAP_SHARED, fd, 0);
	UT_ASSERT_OK(ptr_err(m));
	UT_ASSERT(memcmp(m, bytes, (size_t)n) == 0);
	UT_ASSERT_EQ(0, m[n]);                    /* zeroes after the end, in the last page */
	/* Opened read-only: no shared writable mapping, now or by mprotect. */
	UT_ASSERT_EQ(-EACCES, sc_mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
	UT_ASSERT_EQ(-EACCES, SC(NR_mprotect, m, PAGE_SIZE, PROT_READ | PROT_WRITE, 0, 0, 0));
	/* A private mapping may write: its copy, not the file. */
	p = (char *)sc_mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	UT_ASSERT_OK(ptr_err(p));
	p[0] = (char)~bytes[0];
	UT_ASSERT_EQ(bytes[0], m[0]);
	UT_ASSERT_EQ(0, sc_munmap((long)m, PAGE_SIZE));
	UT_ASSERT_EQ(0, sc_munmap((long)p, PAGE_SIZE));
	UT_ASSERT_EQ(0, sc_close(fd));
}

/* This kernel's count of file pages (vmstat file_pages); 0 on Linux. */
static long file_pages(void)
{
	return (long)ut_vmstat(0).file_pages;
}

/*
 * One round of POSIX shared memory: made, sized, mapped, shared with a
 * child that opens it by name, unlinked while mapped (the pages stay),
 * unmapped (then they go). 0, or the line of the first failed step; the
 * file pages while unlinked and mapped in *held.
 */
static int shm_round(long *held)
{
	int fd, pid, status = 0;
	struct stat st;
	char *m;

	fd = shm_open("/filemap-shm", O_CREAT | O_EXCL | O_RDWR, 0600);
	if (fd < 0 || ftruncate(fd, 2 * MIB) != 0 || fstat(fd, &st) != 0)
		return __LINE__;
	if (st.st_size != (off_t)(2 * MIB))
		return __LINE__;
	m = mmap(NULL, 2 * MIB, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED || close(fd) != 0)
		return __LINE__;
	memset(m, 'a', 2 * MIB);
	pid = fork();
	if (pid == 0) {
		int cfd = shm_open("/filemap-shm", O_RDWR, 0);
		char *c = cfd < 0 ? MAP_FAILED
		          : mmap(NULL, 2 * MIB, PROT_READ | PROT_WRITE, MAP_SHARED, cfd, 0);

		if (c == MAP_FAILED || c[MIB] != 'a')
			exit(1);
		c[MIB] = 'b';
		exit(0);
	}
	if (pid < 0 || sys_waitpid(pid, &status, 0) != pid || status != 0 || m[MIB] != 'b')
		return __LINE__;
	/* Unlinked while mapped: the name goes, the pages stay. */
	if (shm_unlink("/filemap-shm") != 0 || shm_open("/filemap-shm", O_RDWR, 0) != -1 ||
	    errno != ENOENT || m[2 * MIB - 1] != 'a')
		return __LINE__;
	*held = file_pages();
	return munmap(m, 2 * MIB) == 0 ? 0 : __LINE__;
}

UTEST(shm_open_shares_memory_until_the_last_unmap_after_unlink)
{
	long before = file_pages(), held = 0;

	UT_ASSERT_EQ(0, shm_round(&held));
	if (!own_kernel())
		return;    /* Linux has no file_pages counter; the name and data checks held */
	/* The 512 pages stayed while unlinked and mapped, and the last unmap freed them. */
	UT_ASSERT_EQ(before + (long)(2 * MIB / PAGE_SIZE), held);
	UT_ASSERT_EQ(before, file_pages());
}

UTEST(mapping_what_is_no_regular_file_or_with_bad_arguments_fails)
{
	long fd = make_file(1), ro, wo, dir, dev, m;
	int pipefd[2];

	UT_ASSERT_OK(fd);
	UT_ASSERT_EQ(-EBADF, sc_mmap(NULL, PAGE_SIZE, PROT_READ, MAP_SHARED, 999, 0));
	UT_ASSERT_EQ(-EBADF, sc_mmap(NULL, PAGE_SIZE, PROT_READ, MAP_SHARED, -1, 0));
	UT_ASSERT_EQ(-EINVAL, sc_mmap(NULL, 0, PROT_READ, MAP_SHARED, fd, 0));
	UT_ASSERT_EQ(-EINVAL, sc_mmap(NULL, PAGE_SIZE, PROT_READ, MAP_SHARED, fd, 100));
	UT_ASSERT_EQ(-EINVAL, sc_mmap(NULL, PAGE_SIZE, PROT_READ, 0, fd, 0));  /* neither type */
	UT_ASSERT_EQ(-EOVERFLOW, sc_mmap(NULL, 2 * PAGE_SIZE, PROT_READ, MAP_SHARED, fd,
	                                 0x7fffffffffff0000L + 15 * (long)PAGE_SIZE));
	ro = sc_open(FILE_A, O_RDONLY, 0);
	wo = sc_open(FILE_A, O_WRONLY, 0);
	dir = sc_open("/tmp", O_RDONLY | O_DIRECTORY, 0);
	dev = sc_open("/dev/null", O_RDWR, 0);
	UT_ASSERT_OK(ro);
	UT_ASSERT_OK(wo);
	UT_ASSERT_OK(dir);
	UT_ASSERT_OK(dev);
	long fds[] = { fd, ro, wo, dir, dev };
	UT_ASSERT_EQ(0, SC(NR_pipe2, pipefd, 0, 0, 0, 0, 0));
	UT_ASSERT_EQ(-EACCES, sc_mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0));
	UT_ASSERT_EQ(-EACCES, sc_mmap(NULL, PAGE_SIZE, PROT_READ, MAP_SHARED, wo, 0));
	UT_ASSERT_EQ(-EACCES, sc_mmap(NULL, PAGE_SIZE, PROT_READ, MAP_PRIVATE, wo, 0));
	UT_ASSERT_EQ(-ENODEV, sc_mmap(NULL, PAGE_SIZE, PROT_READ, MAP_SHARED, dir, 0));
	UT_ASSERT_EQ(-ENODEV, sc_mmap(NULL, PAGE_SIZE, PROT_READ, MAP_SHARED, dev, 0));
	UT_ASSERT_EQ(-ENODEV, sc_mmap(NULL, PAGE_SIZE, PROT_READ, MAP_SHARED, pipefd[0], 0));
	UT_ASSERT_EQ(-EACCES, sc_mmap(NULL, PAGE_SIZE, PROT_READ, MAP_SHARED, pipefd[1], 0));
	/* A read-only fd maps privately, and writably so. */
	m = sc_mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0);
	UT_ASSERT_OK(m);
	UT_ASSERT_EQ(0, sc_munmap(m, PAGE_SIZE));
	for (size_t i = 0; i < ARRAY_SIZE(fds); i++)
		UT_ASSERT_EQ(0, sc_close(fds[i]));
	UT_ASSERT_EQ(0, sc_close(pipefd[0]));
	UT_ASSERT_EQ(0, sc_close(pipefd[1]));
	UT_ASSERT_EQ(0, unlink(FILE_A));
}

/* ---- This kernel's counters: a file's tables are shared like a segment's ---- */

#define SHARERS    8
#define SHARE_SIZE (64 * MIB)
#define SHARE_PAGES (SHARE_SIZE / PAGE_SIZE)
#define SEGS       (SHARE_SIZE / (2 * MIB))

struct share_run {
	volatile int ready, turn, done, go;
	long faults[SHARERS], pt_pages[SHARERS], pv_entries[SHARERS];
};

/* Sharer i: on its turn maps the file, writes every page, reports its own counters. */
static void sharer(struct share_run *run, int i)
{
	struct vmstat a, b;
	long fd;
	char *m;

	/* Its first touches of code and stack come now, not in the measured turn. */
	ut_prefault_image();
	ut_touch_stack();
	__atomic_add_fetch(&run->ready, 1, __ATOMIC_RELEASE);
	if (!ut_wait_for(&run->turn, i))
		exit(2);
	fd = sc_open(FILE_A, O_RDWR, 0);
	a = ut_vmstat(getpid());
	m = (char *)sc_mmap(NULL, SHARE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (ptr_err(m))
		exit(3);
	for (size_t off = 0; off < SHARE_SIZE; off += PAGE_SIZE)
		m[off] = (char)i;
	b = ut_vmstat(getpid());
	run->faults[i] = (long)(b.faults - a.faults);
	run->pt_pages[i] = (long)(b.pt_pages - a.pt_pages);
	run->pv_entries[i] = (long)(b.pv_entries - a.pv_entries);
	__atomic_store_n(&run->done, i + 1, __ATOMIC_RELEASE);
	ut_wait_for(&run->go, 1);
	exit(0);
}

UTEST(eight_processes_mapping_a_file_share_its_page_tables)
{
	struct share_run *run;
	struct vmstat g0, g1;
	long fd, faults = 0, sharing = 0;
	int pids[SHARERS], status;
	char report[512];

	UT_NEEDS_OWN_KERNEL("vmstat counters and pmap_verify");
	UT_ASSERT_OK(sysctl_get("machdep.pmap_mmu_optimize", &sharing));
	if (!sharing)
		ut_skip("machdep.pmap_mmu_optimize is off");
	fd = sc_open(FILE_A, O_CREAT | O_TRUNC | O_RDWR, 0600);
	UT_ASSERT_OK(fd);
	UT_ASSERT_EQ(0, SC(NR_ftruncate, fd, SHARE_SIZE, 0, 0, 0, 0));
	run = mmap(NULL, sizeof(*run), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	UT_ASSERT(run != MAP_FAILED);
	run->turn = -1;
	for (int i = 0; i < SHARERS; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			sharer(run, i);
		UT_ASSERT(pids[i] > 0);
	}
	ut_touch_stack();
	UT_ASSERT(ut_wait_for(&run->ready, SHARERS));
	g0 = ut_vmstat(0);
	for (int i = 0; i < SHARERS; i++) {
		__atomic_store_n(&run->turn, i, __ATOMIC_RELEASE);
		UT_ASSERT(ut_wait_for(&run->done, i + 1));
	}
	g1 = ut_vmstat(0);
	UT_ASSERT_EQ(0, pmap_verify(report, sizeof(report)));
	/* The object's tables, once: a PT page per 2 MiB and its PD page. */
	UT_ASSERT_EQ(SEGS + 1, (long)(g1.obj_pt_pages + g1.obj_pd_pages) -
	                       (long)(g0.obj_pt_pages + g0.obj_pd_pages));
	/* One PV entry per page (the object's PTE), none in any process. */
	UT_ASSERT_EQ(SHARE_PAGES, (long)g1.pv_entries - (long)g0.pv_entries);
	for (int i = 0; i < SHARERS; i++) {
		printf("    # sharer %d: faults=%ld pt_pages=%ld pv_entries=%ld\n", i, run->faults[i],
		       run->pt_pages[i], run->pv_entries[i]);
		UT_ASSERT(run->pt_pages[i] <= 1);
		UT_ASSERT_EQ(0, run->pv_entries[i]);
		faults += run->faults[i];
	}
	/* The first writer fills the object's PTEs; each later one links its segments. */
	UT_ASSERT(faults >= (long)SHARE_PAGES);
	UT_ASSERT(faults <= (long)(SHARE_PAGES + SHARERS * (SEGS + 2)));
	run->go = 1;
	for (int i = 0; i < SHARERS; i++) {
		UT_ASSERT_EQ(pids[i], sys_waitpid(pids[i], &status, 0));
		UT_ASSERT_EQ(0, status);
	}
	UT_ASSERT_EQ(0, munmap(run, sizeof(*run)));
	UT_ASSERT_EQ(0, sc_close(fd));
	UT_ASSERT_EQ(0, unlink(FILE_A));
}

int main(int argc, char **argv)
{
	return utest_main("filemap", argc, argv);
}
