/* pagemap.c - the last step of a walk: host-virtual to host-physical.
 *
 * /proc/PID/pagemap holds one 64-bit entry per virtual page of the
 * process (Documentation/admin-guide/mm/pagemap.rst): bit 63 says the
 * page is in RAM, bit 62 that it is swapped out, bits 0-54 are the page
 * frame number. Since Linux 4.2 the frame number reads as zero unless the
 * reader has CAP_SYS_ADMIN (it helps attacks on DRAM, "rowhammer"), so
 * only root sees host-physical addresses.
 *
 * Guest RAM is anonymous memory that the host backs lazily: a guest page
 * nobody has touched yet has no host frame at all.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pagemap.h"

#define PM_PRESENT	(1ULL << 63)
#define PM_SWAPPED	(1ULL << 62)
#define PM_PFN_MASK	((1ULL << 55) - 1)

static int read_entry(uintptr_t va, long page, uint64_t *entry, char *why,
		      size_t len)
{
	off_t off = (off_t)(va / (uintptr_t)page) * (off_t)sizeof(*entry);
	ssize_t n;
	int fd;

	fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, len, "/proc/self/pagemap: %s", strerror(errno));
		return -1;
	}
	n = pread(fd, entry, sizeof(*entry), off);
	if (n != (ssize_t)sizeof(*entry))
		snprintf(why, len, "/proc/self/pagemap: %s",
			 n < 0 ? strerror(errno) : "short read");
	close(fd);
	return n == (ssize_t)sizeof(*entry) ? 0 : -1;
}

int pagemap_hpa(const void *hva, uint64_t *hpa, char *why, size_t len)
{
	long page = sysconf(_SC_PAGESIZE);
	uintptr_t va = (uintptr_t)hva;
	uint64_t e;

	if (page <= 0)
		page = 4096;
	if (read_entry(va, page, &e, why, len) < 0)
		return -1;
	if (e & PM_SWAPPED) {
		snprintf(why, len, "the host swapped the page out");
		return -1;
	}
	if (!(e & PM_PRESENT)) {
		snprintf(why, len, "no host frame yet: nothing has touched the page, and the host backs guest RAM only when it is used");
		return -1;
	}
	if (!(e & PM_PFN_MASK)) {
		snprintf(why, len, "/proc/self/pagemap hides frame numbers from users without CAP_SYS_ADMIN: run vmm as root to see them");
		return -1;
	}
	*hpa = (e & PM_PFN_MASK) * (uint64_t)page + va % (uintptr_t)page;
	return 0;
}

void pagemap_describe(const void *hva, char *buf, size_t len)
{
	char why[200];
	uint64_t hpa;
	long page = sysconf(_SC_PAGESIZE);

	if (page <= 0)
		page = 4096;
	if (pagemap_hpa(hva, &hpa, why, sizeof(why)) == 0)
		snprintf(buf, len, "host: HVA 0x%llx -> HPA 0x%llx (frame 0x%llx of %ld KiB, from /proc/self/pagemap)\n",
			 (unsigned long long)(uintptr_t)hva, (unsigned long long)hpa,
			 (unsigned long long)(hpa / (uint64_t)page), page / 1024);
	else
		snprintf(buf, len, "host: HVA 0x%llx -> no HPA: %s\n",
			 (unsigned long long)(uintptr_t)hva, why);
}
