// SPDX-License-Identifier: GPL-2.0
/* The virtio disk (final/vmm/virtio.c, virtio_blk.c) driven the way the
 * guest's driver does it: rings in a fake guest RAM, requests as
 * descriptor chains, the disk a temporary file - and the chains a broken
 * or hostile driver could build, which must stop the queue and nothing
 * else. */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <linux/virtio_config.h>
#include <linux/virtio_pci.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "minivmm.h"

#define RAM	(1u << 20)
#define PFN	0x10		/* the rings at 64 KiB */
#define BUF	0x40000u	/* requests' buffers from here */
#define SECTORS	64

static uint8_t *ram;
static struct virtio_blk *blk;
static struct virtio_dev *vd;
static char path[] = "/tmp/minivmm-virtio-XXXXXX";
static uint16_t next_desc;

static void setup(void)
{
	char err[128];
	int fd;

	/* Guest RAM between two pages nobody may touch: a device access
	 * that escapes RAM by a byte crashes the test. */
	ram = mmap(NULL, RAM + 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cr_assert_neq(ram, MAP_FAILED);
	cr_assert_eq(mprotect(ram, 4096, PROT_NONE), 0);
	ram += 4096;
	cr_assert_eq(mprotect(ram + RAM, 4096, PROT_NONE), 0);
	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	cr_assert_eq(ftruncate(fd, SECTORS * 512), 0);
	close(fd);
	blk = virtio_blk_create(path, 0xc000, 17, err, sizeof(err));
	cr_assert_not_null(blk, "%s", err);
	vd = &blk->vdev;
	vd->vm_fd = -1;
	cr_assert_eq(virtio_init(vd, ram, RAM), 0);
	next_desc = 0;
}

static void teardown(void)
{
	unlink(path);
	munmap(ram - 4096, RAM + 2 * 4096);
}

/* The driver's side: one descriptor; chained to the next one unless last. */
static uint16_t desc(uint64_t gpa, uint32_t len, uint16_t flags)
{
	struct vring_desc *d = &vd->vq.desc[next_desc];

	*d = (struct vring_desc) { .addr = gpa, .len = len, .flags = flags,
				   .next = next_desc + 1 };
	return next_desc++;
}

/* ... and the chain from @head offered on the available ring. */
static void offer(uint16_t head)
{
	struct vring_avail *a = vd->vq.avail;

	a->ring[a->idx % vd->vq.num] = head;
	a->idx++;
}

/* A whole request: header at BUF, @len data bytes at BUF + 0x1000, status
 * byte at BUF + 0x100; the data writable for a read. */
static uint16_t request(uint32_t type, uint64_t sector, uint32_t len)
{
	struct virtio_blk_outhdr h = { .type = type, .sector = sector };
	uint16_t head;

	memcpy(ram + BUF, &h, sizeof(h));
	ram[BUF + 0x100] = 0xee;
	head = desc(BUF, sizeof(h), VRING_DESC_F_NEXT);
	if (len)
		desc(BUF + 0x1000, len, VRING_DESC_F_NEXT |
		     (type == VIRTIO_BLK_T_OUT ? 0 : VRING_DESC_F_WRITE));
	desc(BUF + 0x100, 1, VRING_DESC_F_WRITE);
	offer(head);
	return head;
}

static void driver_ok(void)
{
	cr_assert_eq(vq_set_pfn(vd, &vd->vq, PFN), 0);
	vd->status = VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
		     VIRTIO_CONFIG_S_DRIVER_OK;
}

/* The irqfd's count since the last call. */
static uint64_t interrupts(void)
{
	uint64_t n = 0;
	struct timeval tv = { 0 };
	fd_set s;

	FD_ZERO(&s);
	FD_SET(vd->irq_fd, &s);
	if (select(vd->irq_fd + 1, &s, NULL, NULL, &tv) == 1)
		cr_assert_eq(read(vd->irq_fd, &n, sizeof(n)), sizeof(n));
	return n;
}

TestSuite(vmm_virtio, .init = setup, .fini = teardown);

Test(vmm_virtio, the_legacy_layout_puts_the_used_ring_on_the_next_page)
{
	cr_assert_eq(vq_set_pfn(vd, &vd->vq, PFN), 0);
	cr_assert_eq((uint8_t *)vd->vq.desc, ram + 0x10000);
	cr_assert_eq((uint8_t *)vd->vq.avail, ram + 0x10000 + 16 * VIRTIO_QUEUE_SIZE);
	cr_assert_eq((uint8_t *)vd->vq.used, ram + 0x11000, "aligned to 4 KiB");
	cr_assert_eq(vq_set_pfn(vd, &vd->vq, RAM / 4096 - 1), -1, "past the end of RAM");
	cr_assert_null(vd->vq.desc);
	cr_assert_eq(vq_set_pfn(vd, &vd->vq, 0), 0, "no queue");
}

Test(vmm_virtio, pop_gives_readable_then_writable_buffers)
{
	struct vring_chain c;

	driver_ok();
	cr_assert_eq(vq_pop(vd, &vd->vq, &c), 0, "nothing offered yet");
	request(VIRTIO_BLK_T_IN, 0, 512);
	cr_assert_eq(vq_pop(vd, &vd->vq, &c), 1);
	cr_assert_eq(c.head, 0);
	cr_assert_eq(c.nr_out, 1);
	cr_assert_eq(c.nr_in, 2);
	cr_assert_eq(c.iov[1].iov_base, ram + BUF + 0x1000);
	cr_assert_eq(c.iov[1].iov_len, 512);
	cr_assert_eq(vq_pop(vd, &vd->vq, &c), 0, "taken once");
	vq_push(&vd->vq, c.head, 7);
	cr_assert_eq(vd->vq.used->idx, 1);
	cr_assert_eq(vd->vq.used->ring[0].id, 0);
	cr_assert_eq(vd->vq.used->ring[0].len, 7);
}

Test(vmm_virtio, a_write_then_a_read_reach_the_file)
{
	uint8_t file[1024];
	int fd;

	driver_ok();
	for (unsigned int i = 0; i < sizeof(file); i++)
		ram[BUF + 0x1000 + i] = i * 7 + 1;
	request(VIRTIO_BLK_T_OUT, 2, 1024);
	virtio_process(vd);
	cr_assert_eq(ram[BUF + 0x100], VIRTIO_BLK_S_OK);
	cr_assert_eq(vd->vq.used->ring[0].len, 1, "only the status written");
	cr_assert_eq(interrupts(), 1);
	cr_assert_eq(vd->isr, 1);
	fd = open(path, O_RDONLY);
	cr_assert_eq(pread(fd, file, sizeof(file), 2 * 512), (ssize_t)sizeof(file));
	close(fd);
	cr_assert_eq(memcmp(file, ram + BUF + 0x1000, sizeof(file)), 0, "at sector 2");

	memset(ram + BUF + 0x1000, 0, sizeof(file));
	request(VIRTIO_BLK_T_IN, 2, 1024);
	virtio_process(vd);
	cr_assert_eq(ram[BUF + 0x100], VIRTIO_BLK_S_OK);
	cr_assert_eq(vd->vq.used->ring[1].len, 1025);
	cr_assert_eq(memcmp(file, ram + BUF + 0x1000, sizeof(file)), 0, "read back");
	cr_assert_eq(vd->requests, 2);
}

Test(vmm_virtio, out_of_range_unknown_and_get_id)
{
	driver_ok();
	request(VIRTIO_BLK_T_IN, SECTORS - 1, 1024);
	virtio_process(vd);
	cr_assert_eq(ram[BUF + 0x100], VIRTIO_BLK_S_IOERR, "past the last sector");
	request(VIRTIO_BLK_T_OUT, 0, 100);
	virtio_process(vd);
	cr_assert_eq(ram[BUF + 0x100], VIRTIO_BLK_S_IOERR, "not whole sectors");
	request(VIRTIO_BLK_T_DISCARD, 0, 0);
	virtio_process(vd);
	cr_assert_eq(ram[BUF + 0x100], VIRTIO_BLK_S_UNSUPP);
	request(VIRTIO_BLK_T_GET_ID, 0, VIRTIO_BLK_ID_BYTES);
	virtio_process(vd);
	cr_assert_eq(ram[BUF + 0x100], VIRTIO_BLK_S_OK);
	cr_assert_str_eq((char *)ram + BUF + 0x1000, "minivmm-disk");
	request(VIRTIO_BLK_T_FLUSH, 0, 0);
	virtio_process(vd);
	cr_assert_eq(ram[BUF + 0x100], VIRTIO_BLK_S_OK);
}

Test(vmm_virtio, the_header_may_be_cut_anywhere)
{
	struct virtio_blk_outhdr h = { .type = VIRTIO_BLK_T_OUT, .sector = 1 };
	uint8_t back[512];
	uint16_t head;
	int fd;

	driver_ok();
	/* Header in two pieces, the second also holding the data. */
	memcpy(ram + BUF, &h, 5);
	memcpy(ram + BUF + 0x2000, (uint8_t *)&h + 5, sizeof(h) - 5);
	memset(ram + BUF + 0x2000 + sizeof(h) - 5, 0x5a, 512);
	head = desc(BUF, 5, VRING_DESC_F_NEXT);
	desc(BUF + 0x2000, sizeof(h) - 5 + 512, VRING_DESC_F_NEXT);
	desc(BUF + 0x100, 1, VRING_DESC_F_WRITE);
	offer(head);
	virtio_process(vd);
	cr_assert_eq(ram[BUF + 0x100], VIRTIO_BLK_S_OK);
	fd = open(path, O_RDONLY);
	cr_assert_eq(pread(fd, back, 512, 512), 512);
	close(fd);
	for (unsigned int i = 0; i < 512; i++)
		cr_assert_eq(back[i], 0x5a);
}

/* Each of these chains breaks a rule; each must stop the queue, touch
 * nothing outside RAM, and leave the used ring as it was. */
static void expect_broken(void)
{
	virtio_process(vd);
	cr_assert(vd->broken);
	cr_assert_eq(vd->vq.used->idx, 0);
	cr_assert_eq(interrupts(), 0);
}

Test(vmm_virtio, a_loop_stops_the_queue)
{
	driver_ok();
	desc(BUF, 16, VRING_DESC_F_NEXT);
	vd->vq.desc[0].next = 0;
	offer(0);
	expect_broken();
}

Test(vmm_virtio, a_buffer_outside_ram_stops_the_queue)
{
	driver_ok();
	desc(BUF, 16, VRING_DESC_F_NEXT);
	desc(RAM - 8, 16, VRING_DESC_F_WRITE);
	offer(0);
	expect_broken();
}

Test(vmm_virtio, a_readable_after_a_writable_stops_the_queue)
{
	driver_ok();
	desc(BUF, 16, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE);
	desc(BUF + 0x100, 1, 0);
	offer(0);
	expect_broken();
}

Test(vmm_virtio, a_head_past_the_table_stops_the_queue)
{
	driver_ok();
	offer(VIRTIO_QUEUE_SIZE);
	expect_broken();
	/* Until the driver resets the device: then it works again. */
	cr_assert_eq(virtio_pci_io(vd, 0xc000 + VIRTIO_PCI_STATUS, 1, 1,
				   (uint8_t[]) { 0 }), 0);
	cr_assert(!vd->broken);
	cr_assert_null(vd->vq.desc, "the queue forgotten too");
}

Test(vmm_virtio, an_indirect_table_not_offered_stops_the_queue)
{
	driver_ok();
	desc(BUF, 16, VRING_DESC_F_INDIRECT);
	offer(0);
	expect_broken();
}

Test(vmm_virtio, no_interrupt_when_the_driver_asks_for_none)
{
	driver_ok();
	vd->vq.avail->flags = VRING_AVAIL_F_NO_INTERRUPT;
	request(VIRTIO_BLK_T_IN, 0, 512);
	virtio_process(vd);
	cr_assert_eq(vd->vq.used->idx, 1, "done");
	cr_assert_eq(interrupts(), 0, "but not told");
}

Test(vmm_virtio, nothing_before_driver_ok)
{
	cr_assert_eq(vq_set_pfn(vd, &vd->vq, PFN), 0);
	request(VIRTIO_BLK_T_IN, 0, 512);
	virtio_process(vd);
	cr_assert_eq(vd->vq.used->idx, 0);
}

static uint32_t reg_read(unsigned int off, int size)
{
	uint32_t v = 0;

	cr_assert_eq(virtio_pci_io(vd, 0xc000 + off, 0, size, (uint8_t *)&v), 0);
	return v;
}

static void reg_write(unsigned int off, int size, uint32_t v)
{
	cr_assert_eq(virtio_pci_io(vd, 0xc000 + off, 1, size, (uint8_t *)&v), 0);
}

Test(vmm_virtio, the_legacy_registers)
{
	uint64_t capacity;

	cr_assert_eq(reg_read(VIRTIO_PCI_HOST_FEATURES, 4),
		     1u << VIRTIO_BLK_F_SEG_MAX | 1u << VIRTIO_BLK_F_FLUSH);
	reg_write(VIRTIO_PCI_GUEST_FEATURES, 4, 0xffffffff);
	cr_assert_eq(reg_read(VIRTIO_PCI_GUEST_FEATURES, 4), vd->host_features,
		     "only what was offered");
	cr_assert_eq(reg_read(VIRTIO_PCI_QUEUE_NUM, 2), VIRTIO_QUEUE_SIZE);
	reg_write(VIRTIO_PCI_QUEUE_PFN, 4, PFN);
	cr_assert_eq(reg_read(VIRTIO_PCI_QUEUE_PFN, 4), PFN);
	reg_write(VIRTIO_PCI_QUEUE_SEL, 2, 1);
	cr_assert_eq(reg_read(VIRTIO_PCI_QUEUE_NUM, 2), 0, "queue 1 does not exist");
	reg_write(VIRTIO_PCI_QUEUE_SEL, 2, 0);
	capacity = reg_read(VIRTIO_PCI_CONFIG_OFF(0), 4) |
		   (uint64_t)reg_read(VIRTIO_PCI_CONFIG_OFF(0) + 4, 4) << 32;
	cr_assert_eq(capacity, SECTORS, "capacity in sectors");
	cr_assert_eq(reg_read(VIRTIO_PCI_CONFIG_OFF(0) + 12, 4), VIRTIO_QUEUE_SIZE - 2, "seg_max");
	vd->isr = 1;
	cr_assert_eq(reg_read(VIRTIO_PCI_ISR, 1), 1);
	cr_assert_eq(reg_read(VIRTIO_PCI_ISR, 1), 0, "read clears it");
	reg_write(VIRTIO_PCI_STATUS, 1, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	cr_assert_eq(reg_read(VIRTIO_PCI_STATUS, 1), VIRTIO_CONFIG_S_ACKNOWLEDGE);
	reg_write(VIRTIO_PCI_STATUS, 1, 0);
	cr_assert_eq(reg_read(VIRTIO_PCI_QUEUE_PFN, 4), 0, "a reset forgets the queue");
	cr_assert_eq(reg_read(VIRTIO_PCI_GUEST_FEATURES, 4), 0);
	cr_assert_eq(virtio_pci_io(vd, 0xc000 + VIRTIO_PCI_IO_SIZE, 0, 1, (uint8_t[1]) { 0 }),
		     -1, "past the BAR");
}

Test(vmm_virtio, a_kick_that_exits_still_reaches_the_thread)
{
	uint64_t n = 0;

	reg_write(VIRTIO_PCI_QUEUE_NOTIFY, 2, 0);
	cr_assert_eq(read(vd->notify_fd, &n, sizeof(n)), sizeof(n));
	cr_assert_eq(n, 1);
	cr_assert_eq(vd->notify_exits, 1);
	reg_write(VIRTIO_PCI_QUEUE_NOTIFY, 2, 3);
	cr_assert_eq(vd->notify_exits, 1, "queue 3: no such queue");
}

Test(vmm_virtio, an_unusable_disk_file_is_refused)
{
	char err[128];

	cr_assert_null(virtio_blk_create("/nonexistent/disk", 0xc000, 17, err, sizeof(err)));
	cr_assert(strstr(err, "/nonexistent/disk"), "%s", err);
	cr_assert_eq(truncate(path, 100), 0);
	cr_assert_null(virtio_blk_create(path, 0xc000, 17, err, sizeof(err)));
	cr_assert(strstr(err, "sector"), "%s", err);
}

/* A driver that writes garbage: 2000 rounds of random descriptor tables,
 * available rings and queue pages, from a fixed seed.  Whatever it
 * writes, minivmm must neither crash nor touch memory outside guest RAM
 * (guard pages around it: an escape crashes the test), and every round
 * must end with the queue either served or stopped. */
Test(vmm_virtio, garbage_rings_neither_crash_nor_escape)
{
	uint64_t seed = 0x2545f4914f6cdd1dull;
	unsigned int served = 0, stopped = 0;

	cr_redirect_stderr();	/* one "queue stopped" line a broken round */

	for (unsigned int round = 0; round < 2000; round++) {
		/* A queue page somewhere in RAM, sometimes past its end. */
		seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
		vd->broken = 0;
		if (vq_set_pfn(vd, &vd->vq, seed % (RAM / 4096 + 4))) {
			stopped++;
			continue;
		}
		if (!vd->vq.desc)
			continue;
		driver_ok();
		cr_assert_eq(vq_set_pfn(vd, &vd->vq, seed % (RAM / 4096 + 4)), 0);
		/* Random descriptors (addresses mostly inside RAM, some not),
		 * random heads, a random number of them offered. */
		for (unsigned int i = 0; i < VIRTIO_QUEUE_SIZE; i++) {
			seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
			vd->vq.desc[i] = (struct vring_desc) {
				.addr = seed % (RAM + RAM / 8), .len = (seed >> 32) % 8192,
				.flags = (seed >> 48) & 7, .next = (seed >> 52) % (VIRTIO_QUEUE_SIZE + 2),
			};
			vd->vq.avail->ring[i] = (seed >> 20) % (VIRTIO_QUEUE_SIZE + 1);
		}
		vd->vq.avail->idx = vd->vq.last_avail + seed % 5;
		virtio_process(vd);
		if (vd->broken)
			stopped++;
		else
			served++;
		cr_assert(vd->broken || vd->vq.last_avail == vd->vq.avail->idx,
			  "round %u: neither served nor stopped", round);
		/* At most the 4 offered came back, and the driver sees the
		 * device's own count, whatever it had left in the ring. */
		cr_assert_leq(vd->vq.used_idx, 4);
		cr_assert(vd->vq.used_idx == 0 || vd->vq.used->idx == vd->vq.used_idx);
		interrupts();
	}
	cr_log_info("garbage rings: %u served, %u stopped", served, stopped);
	cr_assert_gt(served, 0);
	cr_assert_gt(stopped, 0);
}

Test(vmm_virtio, the_device_keeps_its_own_used_index)
{
	driver_ok();
	request(VIRTIO_BLK_T_IN, 0, 512);
	virtio_process(vd);
	vd->vq.used->idx = 77;		/* the guest scribbles on the ring */
	request(VIRTIO_BLK_T_IN, 1, 512);
	virtio_process(vd);
	cr_assert_eq(vd->vq.used->idx, 2, "the device's count, not the guest's");
	cr_assert_eq(vd->vq.used->ring[1].id, 3, "the second chain, in the second entry");
}
