// SPDX-License-Identifier: GPL-2.0
/**
 * @file check.c
 * @brief After a fuzz run: is the kernel as it was?
 *
 * Four checks, each printed with its numbers:
 *   - the kernel log: no new line matching the lab's host-clean patterns
 *     (tests/vm/kernel-complaints: oops, BUG, WARNING, lockdep, KASAN,
 *     "sleeping function called from invalid context", ...);
 *   - free pages: /proc/vmstat nr_free_pages plus the pages waiting on
 *     the per-CPU lists (/proc/zoneinfo "count:"), which nr_free_pages
 *     leaves out; what tmpfs grew by (the logs the run wrote, /proc/meminfo
 *     Shmem) is not a leak.  Tolerance FREE_TOL_PAGES;
 *   - slab caches (/proc/slabinfo active objects, after every cache was
 *     shrunk through /sys/kernel/slab/NAME/shrink, so that objects freed
 *     onto per-CPU slabs count as free): no cache that KVM's and
 *     minikvm's allocations go to may keep more than SLAB_TOL_OBJS
 *     objects, or 2 % of what it had, more than before: kmalloc-cg-*
 *     (GFP_KERNEL_ACCOUNT, which both use for everything a VM owns) and
 *     KVM's own caches (kvm*, x86*, minikvm*).  Other caches move with
 *     the VFS and vmalloc's lazy purging (vmap_area, lsm_file_cache,
 *     lsm_inode_cache, proc_inode_cache grew by 74-309 objects after
 *     runs on both targets, measured in the lab): they are reported, and
 *     fail only beyond SLAB_TOL_ANY objects;
 *   - minikvm's own counters, debugfs minikvm/objects (vms, vcpus,
 *     pages): exactly what they were before.
 * The kernel frees some things late (RCU callbacks, the irqfd cleanup
 * workqueue), so the numbers are read again for a few seconds until they
 * are back within tolerance; the last reading is what is reported.
 * Before the first reading, page cache and reclaimable slab are dropped
 * (/proc/sys/vm/drop_caches), so that what the run read from files does
 * not count either way.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

#define FREE_TOL_PAGES	512	/* 2 MiB */
#define SLAB_TOL_OBJS	64
#define SLAB_TOL_ANY	2048
#define MAX_CACHES	512

struct cache {
	char name[48];
	long active;		/**< active objects */
	long size;		/**< object size */
};

struct fz_baseline {
	long free_pages;	/**< nr_free_pages + per-CPU lists */
	long shmem;		/**< tmpfs pages */
	long objects[3];	/**< minikvm vms, vcpus, pages; -1 if absent */
	struct cache caches[MAX_CACHES];
	int ncaches;
	int kmsg;		/**< /dev/kmsg, at the end of the log when we began */
};

static void write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);

	if (fd >= 0) {
		if (write(fd, s, strlen(s)) < 0)
			fd = fd;	/* best effort */
		close(fd);
	}
}

/** Drop page cache and reclaimable slab, and shrink every slab cache. */
static void settle(void)
{
	DIR *d = opendir("/sys/kernel/slab");
	struct dirent *e;
	char path[300];

	sync();
	write_file("/proc/sys/vm/drop_caches", "3");
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink", e->d_name);
		write_file(path, "1");
	}
	if (d)
		closedir(d);
}

/** "name value" from a /proc file (vmstat), or "Name:  value kB" (meminfo). */
static long proc_value(const char *path, const char *key)
{
	FILE *f = fopen(path, "r");
	char line[256];
	size_t n = strlen(key);
	long v = -1;

	while (f && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, n) && (line[n] == ' ' || line[n] == ':' || line[n] == '\t')) {
			v = strtol(line + n + 1 + strspn(line + n + 1, " \t:"), NULL, 10);
			break;
		}
	}
	if (f)
		fclose(f);
	return v;
}

/** Pages on the per-CPU free lists of every zone (/proc/zoneinfo). */
static long pcp_pages(void)
{
	FILE *f = fopen("/proc/zoneinfo", "r");
	char line[256];
	long sum = 0, v;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, " count: %ld", &v) == 1)
			sum += v;
	if (f)
		fclose(f);
	return sum;
}

static void read_objects(long obj[3])
{
	FILE *f = fopen("/sys/kernel/debug/minikvm/objects", "r");
	char name[32];
	long v;

	obj[0] = obj[1] = obj[2] = -1;
	while (f && fscanf(f, "%31s %ld", name, &v) == 2) {
		if (!strcmp(name, "vms"))
			obj[0] = v;
		else if (!strcmp(name, "vcpus"))
			obj[1] = v;
		else if (!strcmp(name, "pages"))
			obj[2] = v;
	}
	if (f)
		fclose(f);
}

static int read_caches(struct cache *c)
{
	FILE *f = fopen("/proc/slabinfo", "r");
	char line[512];
	int n = 0;

	while (f && fgets(line, sizeof(line), f) && n < MAX_CACHES) {
		if (line[0] == '#' || !strncmp(line, "slabinfo", 8))
			continue;
		if (sscanf(line, "%47s %ld %*d %ld", c[n].name, &c[n].active, &c[n].size) == 3)
			n++;
	}
	if (f)
		fclose(f);
	return n;
}

static void measure(struct fz_baseline *b)
{
	settle();
	b->free_pages = proc_value("/proc/vmstat", "nr_free_pages") + pcp_pages();
	b->shmem = proc_value("/proc/meminfo", "Shmem") / 4;
	read_objects(b->objects);
	b->ncaches = read_caches(b->caches);
}

struct fz_baseline *check_begin(void)
{
	struct fz_baseline *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	b->kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (b->kmsg >= 0)
		lseek(b->kmsg, 0, SEEK_END);
	measure(b);
	return b;
}

/* ------------------------------------------------------------ dmesg */

/** The built-in list when no --complaints file is given: the heart of
 *  tests/vm/kernel-complaints. */
static const char *const default_complaints[] = {
	"BUG:", "kernel BUG at", "WARNING:", "Oops", "general protection fault",
	"invalid opcode", "unable to handle", "Kernel panic", "unchecked MSR access error",
	"soft lockup", "hard LOCKUP", "detected stall", "INFO: task .* blocked for more than",
	"refcount_t:", "list_add corruption", "list_del corruption", "KASAN", "UBSAN",
	"possible circular locking dependency", "possible recursive locking",
	"inconsistent lock state", "suspicious RCU usage", "page allocation failure",
	"Call Trace:", NULL,
};

/** New kernel log lines matching a complaint: printed, counted. */
static int check_dmesg(struct fz_baseline *b, const char *file)
{
	regex_t re[128];
	int nre = 0, bad = 0, lines = 0;
	char rec[2048];
	ssize_t n;

	if (file) {
		FILE *f = fopen(file, "r");
		char pat[256];

		while (f && fgets(pat, sizeof(pat), f) && nre < 128) {
			pat[strcspn(pat, "\n")] = 0;
			if (!pat[0] || pat[0] == '#')
				continue;
			if (!regcomp(&re[nre], pat, REG_EXTENDED | REG_NOSUB))
				nre++;
		}
		if (f)
			fclose(f);
		else
			printf("kvm-fuzz: check dmesg: %s: %s (using the built-in list)\n", file,
			       strerror(errno));
	}
	if (!nre)
		for (int i = 0; default_complaints[i]; i++)
			if (!regcomp(&re[nre], default_complaints[i], REG_EXTENDED | REG_NOSUB))
				nre++;
	if (b->kmsg < 0) {
		printf("kvm-fuzz: check dmesg: FAIL: /dev/kmsg cannot be read\n");
		return 1;
	}
	while ((n = read(b->kmsg, rec, sizeof(rec) - 1)) != 0) {
		char *msg;

		if (n < 0) {
			if (errno == EPIPE)	/* overwritten: go on with the next */
				continue;
			break;
		}
		rec[n] = 0;
		msg = strchr(rec, ';');
		msg = msg ? msg + 1 : rec;
		msg[strcspn(msg, "\n")] = 0;
		lines++;
		for (int i = 0; i < nre; i++) {
			if (!regexec(&re[i], msg, 0, NULL, 0)) {
				if (bad++ < 20)
					printf("kvm-fuzz:   kernel: %s\n", msg);
				break;
			}
		}
	}
	for (int i = 0; i < nre; i++)
		regfree(&re[i]);
	if (bad)
		printf("kvm-fuzz: check dmesg: FAIL: %d of %d new kernel lines are complaints\n", bad,
		       lines);
	else
		printf("kvm-fuzz: check dmesg: ok (%d new kernel lines, none a complaint)\n", lines);
	return bad ? 1 : 0;
}

/* ----------------------------------------------------------- memory */

/** A cache that KVM's or minikvm's objects live in (see the top). */
static int watched(const char *name)
{
	return !strncmp(name, "kmalloc-cg-", 11) || !strncmp(name, "kvm", 3) ||
	       !strncmp(name, "x86", 3) || strstr(name, "minikvm");
}

/** The three caches of @now that grew most against @b (@only_watched:
 *  among watched() ones), printed after @what. */
static void top3(struct fz_baseline *b, struct fz_baseline *now, int only_watched,
		 const char *what)
{
	int worst[3] = { -1, -1, -1 };
	long grow[3] = { 0, 0, 0 };

	for (int i = 0; i < now->ncaches; i++) {
		long before = 0, d;

		if (only_watched && !watched(now->caches[i].name))
			continue;
		for (int j = 0; j < b->ncaches; j++)
			if (!strcmp(b->caches[j].name, now->caches[i].name))
				before = b->caches[j].active;
		d = now->caches[i].active - before;
		for (int k = 0; k < 3; k++) {
			if (worst[k] < 0 || d > grow[k]) {
				for (int m = 2; m > k; m--)
					worst[m] = worst[m - 1], grow[m] = grow[m - 1];
				worst[k] = i;
				grow[k] = d;
				break;
			}
		}
	}
	printf("%s", what);
	for (int k = 0; k < 3; k++)
		if (worst[k] >= 0)
			printf(" %s %+ld", now->caches[worst[k]].name, grow[k]);
}

/** Compare @now with @b: the number of failed checks; print if @say. */
static int compare(struct fz_baseline *b, struct fz_baseline *now, int say)
{
	long lost = (b->free_pages - now->free_pages) - (now->shmem - b->shmem);
	int fails = 0, slab_bad = 0;
	long total = 0;

	if (lost > FREE_TOL_PAGES)
		fails++;
	if (say)
		printf("kvm-fuzz: check free pages: %ld before, %ld after, tmpfs +%ld: %ld pages "
		       "(%ld KiB) not back, tolerance %d: %s\n", b->free_pages, now->free_pages,
		       now->shmem - b->shmem, lost, lost * 4, FREE_TOL_PAGES,
		       lost > FREE_TOL_PAGES ? "FAIL" : "ok");
	for (int i = 0; i < now->ncaches; i++) {
		long before = 0, d, tol;

		for (int j = 0; j < b->ncaches; j++)
			if (!strcmp(b->caches[j].name, now->caches[i].name))
				before = b->caches[j].active;
		d = now->caches[i].active - before;
		total += d * now->caches[i].size;
		tol = before / 50 > SLAB_TOL_OBJS ? before / 50 : SLAB_TOL_OBJS;
		if (!watched(now->caches[i].name))
			tol = before / 50 > SLAB_TOL_ANY ? before / 50 : SLAB_TOL_ANY;
		if (d > tol) {
			slab_bad++;
			if (say)
				printf("kvm-fuzz:   slab %s: %ld -> %ld objects of %ld bytes (tolerance +%ld)\n",
				       now->caches[i].name, before, now->caches[i].active,
				       now->caches[i].size, tol);
		}
	}
	fails += slab_bad;
	if (say) {
		printf("kvm-fuzz: check slab: %d caches, %+ld KiB in all;", now->ncaches, total / 1024);
		top3(b, now, 1, " kmalloc-cg/kvm caches (tolerance +64 or 2 %):");
		top3(b, now, 0, "; all (tolerance +2048):");
		printf("; %s\n", slab_bad ? "FAIL" : "ok");
	}
	if (b->objects[0] >= 0 || now->objects[0] >= 0) {
		int bad = memcmp(b->objects, now->objects, sizeof(b->objects)) != 0;

		fails += bad;
		if (say)
			printf("kvm-fuzz: check minikvm objects: vms %ld -> %ld, vcpus %ld -> %ld, "
			       "pages %ld -> %ld: %s\n", b->objects[0], now->objects[0],
			       b->objects[1], now->objects[1], b->objects[2], now->objects[2],
			       bad ? "FAIL" : "ok");
	} else if (say) {
		printf("kvm-fuzz: check minikvm objects: no debugfs minikvm/objects (not minikvm)\n");
	}
	return fails;
}

int check_end(struct fz_baseline *b, const char *complaints, int wait_s)
{
	struct fz_baseline *now = calloc(1, sizeof(*now));
	int fails, tries = 0;

	if (!now)
		return 1;
	/* memory first: the log check then also sees what settling printed */
	do {
		if (tries++)
			sleep(1);
		measure(now);
		fails = compare(b, now, 0);
	} while (fails && tries <= wait_s);
	printf("kvm-fuzz: check: memory read %d time%s\n", tries, tries == 1 ? "" : "s");
	fails = compare(b, now, 1);
	fails += check_dmesg(b, complaints);
	free(now);
	return fails;
}
