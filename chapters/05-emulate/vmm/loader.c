// SPDX-License-Identifier: GPL-2.0
/**
 * @file loader.c
 * @brief Guest image loaders.  For now one: a flat binary copied to a
 * guest-physical address, the simplest thing a real-mode guest can be.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "minivmm.h"

/**
 * Copy the flat binary at @path into guest memory at @addr.
 * Returns the number of bytes loaded, or -1 with the reason in @err
 * (unreadable file, empty file, or an image that does not fit in RAM).
 */
int vmm_load_flat(void *mem, uint64_t mem_size, uint64_t addr,
		  const char *path, char *err, size_t errlen)
{
	struct stat st;
	ssize_t n;
	size_t done = 0;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s is not a regular file", path);
		goto fail;
	}
	if (st.st_size == 0) {
		snprintf(err, errlen, "%s is empty", path);
		goto fail;
	}
	if (addr > mem_size || (uint64_t)st.st_size > mem_size - addr) {
		snprintf(err, errlen, "%s (%lld bytes) does not fit in guest RAM at 0x%llx",
			 path, (long long)st.st_size, (unsigned long long)addr);
		goto fail;
	}
	while (done < (size_t)st.st_size) {
		n = read(fd, (char *)mem + addr + done, st.st_size - done);
		if (n <= 0) {
			snprintf(err, errlen, "cannot read %s: %s", path,
				 n ? strerror(errno) : "short read");
			goto fail;
		}
		done += n;
	}
	close(fd);
	return (int)done;
fail:
	close(fd);
	return -1;
}
