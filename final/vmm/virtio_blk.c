// SPDX-License-Identifier: GPL-2.0
/**
 * @file virtio_blk.c
 * @brief --disk FILE: a virtio block device (virtio 1.2, 5.2) on the PCI
 * bus, its sectors the file's bytes.
 *
 * Each request is one descriptor chain (5.2.6):
 *
 *   struct virtio_blk_outhdr   type (IN, OUT, FLUSH, GET_ID), sector  readable
 *   data                       the sectors, or the ID string          either
 *   status                     one byte: OK, IOERR, UNSUPP            writable
 *
 * Linux puts the three in separate descriptors, but a device must not
 * depend on where the chain is cut (VIRTIO_F_ANY_LAYOUT made it a rule),
 * so the header is the first 16 readable bytes and the status the last
 * writable byte, wherever they fall.  The data then goes to or from the
 * file with one preadv()/pwritev() straight on the guest's buffers: the
 * I/O thread copies nothing.
 *
 * It is a transitional device (PCI ID 1af4:1001, revision 0) driven
 * through the legacy register block of virtio.c: Linux's virtio_pci
 * finds no modern capability and falls back to it.  Features offered:
 * SEG_MAX (a request may have up to VIRTIO_QUEUE_SIZE - 2 data
 * segments) and FLUSH (fdatasync()).  Linux: drivers/block/virtio_blk.c
 * is the driver; kvmtool's virtio/blk.c and QEMU's hw/block/virtio-blk.c
 * are VMMs' devices.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/pci_regs.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_ids.h>

#include "minivmm.h"

/** The transitional virtio-blk PCI identity (virtio 1.2, 4.1.2.3). @{ */
#define VIRTIO_PCI_VENDOR	0x1af4
#define VIRTIO_PCI_BLK_DEVICE	0x1001
#define PCI_CLASS_STORAGE_OTHER	0x018000	/**< mass storage, other */
/** @} */
#define SECTOR_SIZE		512	/**< virtio-blk's unit, whatever the file's */
#define VIRTIO_BLK_ID		"minivmm-disk"	/**< what GET_ID answers */

/** Drop @bytes from the front of the @nr iovecs at @iov (some may end up
 *  empty); returns how many could not be dropped. */
static size_t iov_drop_front(struct iovec *iov, unsigned int nr, size_t bytes)
{
	for (unsigned int i = 0; i < nr && bytes; i++) {
		size_t n = iov[i].iov_len < bytes ? iov[i].iov_len : bytes;

		iov[i].iov_base = (uint8_t *)iov[i].iov_base + n;
		iov[i].iov_len -= n;
		bytes -= n;
	}
	return bytes;
}

/** Copy between @buf and the first @len bytes of @iov (@nr of them): into
 *  @iov if @to_iov, out of it otherwise.  Returns the bytes copied. */
static size_t iov_copy(const struct iovec *iov, unsigned int nr, void *buf, size_t len,
		       int to_iov)
{
	size_t done = 0;

	for (unsigned int i = 0; i < nr && done < len; i++) {
		size_t n = iov[i].iov_len < len - done ? iov[i].iov_len : len - done;

		if (to_iov)
			memcpy(iov[i].iov_base, (uint8_t *)buf + done, n);
		else
			memcpy((uint8_t *)buf + done, iov[i].iov_base, n);
		done += n;
	}
	return done;
}

/** The bytes @iov (@nr of them) holds. */
static size_t iov_size(const struct iovec *iov, unsigned int nr)
{
	size_t n = 0;

	for (unsigned int i = 0; i < nr; i++)
		n += iov[i].iov_len;
	return n;
}

/** A read or write of the @len bytes of @iov at @sector: a status.  The
 *  range must lie inside the disk; a short transfer is an error. */
static uint8_t blk_rw(struct virtio_blk *blk, int is_write, uint64_t sector,
		      const struct iovec *iov, unsigned int nr, size_t len)
{
	ssize_t n;

	if (len % SECTOR_SIZE || sector > blk->sectors || len / SECTOR_SIZE > blk->sectors - sector)
		return VIRTIO_BLK_S_IOERR;
	if (!len)
		return VIRTIO_BLK_S_OK;
	n = is_write ? pwritev(blk->fd, iov, nr, sector * SECTOR_SIZE)
		     : preadv(blk->fd, iov, nr, sector * SECTOR_SIZE);
	return n == (ssize_t)len ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR;
}

/**
 * The device's handler of one request (virtio.c calls it with the device
 * locked): do it, write its status, and return the bytes written into
 * the chain - the used ring's len, which the driver may check.  A chain
 * with no writable byte has nowhere to put a status: it is given back
 * with nothing written.
 */
uint32_t virtio_blk_handle(struct virtio_dev *vd, struct vring_chain *c)
{
	struct virtio_blk *blk = (struct virtio_blk *)vd;
	struct iovec *out = c->iov, *in = c->iov + c->nr_out;
	struct virtio_blk_outhdr hdr;
	uint8_t status, *statusp;
	size_t len = 0;

	if (!c->nr_in || !in[c->nr_in - 1].iov_len)
		return 0;
	/* The status byte: the last writable one, out of the data. */
	in[c->nr_in - 1].iov_len--;
	statusp = (uint8_t *)in[c->nr_in - 1].iov_base + in[c->nr_in - 1].iov_len;

	if (iov_copy(out, c->nr_out, &hdr, sizeof(hdr), 0) < sizeof(hdr)) {
		status = VIRTIO_BLK_S_IOERR;
	} else {
		iov_drop_front(out, c->nr_out, sizeof(hdr));
		switch (hdr.type) {
		case VIRTIO_BLK_T_IN:
			len = iov_size(in, c->nr_in);
			status = blk_rw(blk, 0, hdr.sector, in, c->nr_in, len);
			break;
		case VIRTIO_BLK_T_OUT:
			status = blk_rw(blk, 1, hdr.sector, out, c->nr_out,
					iov_size(out, c->nr_out));
			break;
		case VIRTIO_BLK_T_FLUSH:
			status = fdatasync(blk->fd) ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
			break;
		case VIRTIO_BLK_T_GET_ID: {
			char id[VIRTIO_BLK_ID_BYTES] = VIRTIO_BLK_ID;

			len = iov_copy(in, c->nr_in, id, sizeof(id), 1);
			status = VIRTIO_BLK_S_OK;
			break;
		}
		default:
			status = VIRTIO_BLK_S_UNSUPP;
		}
	}
	*statusp = status;
	/* The data counts as written only when it was. */
	return (status == VIRTIO_BLK_S_OK ? len : 0) + 1;
}

/**
 * Open @path as the disk and build the device, unplugged: its PCI header
 * (I/O BAR 0 at @port, interrupt pin INTA#, line @gsi), its features and
 * configuration.  Returns it, or NULL with a one-line reason in @err (a
 * file that cannot be opened for writing, or is not a whole sector long).
 */
struct virtio_blk *virtio_blk_create(const char *path, uint16_t port, unsigned int gsi,
				     char *err, size_t errlen)
{
	struct virtio_blk *blk;
	struct stat st;
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) || st.st_size < SECTOR_SIZE) {
		snprintf(err, errlen, "cannot use %s as a disk: %s", path,
			 fd < 0 ? strerror(errno) : "not even one 512-byte sector");
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	blk = calloc(1, sizeof(*blk));
	if (!blk) {
		snprintf(err, errlen, "out of memory");
		close(fd);
		return NULL;
	}
	blk->fd = fd;
	blk->sectors = st.st_size / SECTOR_SIZE;
	blk->config.capacity = blk->sectors;
	blk->config.seg_max = VIRTIO_QUEUE_SIZE - 2;	/* less the header and status */

	pci_device_init(&blk->vdev.pci, VIRTIO_PCI_VENDOR, VIRTIO_PCI_BLK_DEVICE,
			PCI_CLASS_STORAGE_OTHER);
	/* The legacy driver takes the device type from the subsystem ID. */
	pci_set(&blk->vdev.pci, PCI_SUBSYSTEM_VENDOR_ID, 2, VIRTIO_PCI_VENDOR);
	pci_set(&blk->vdev.pci, PCI_SUBSYSTEM_ID, 2, VIRTIO_ID_BLOCK);
	pci_set(&blk->vdev.pci, PCI_INTERRUPT_PIN, 1, 1);	/* INTA# */
	pci_set(&blk->vdev.pci, PCI_INTERRUPT_LINE, 1, gsi);
	pci_set_io_bar(&blk->vdev.pci, 0, port, VIRTIO_PCI_IO_SIZE);
	/* Firmware leaves the devices it assigned with decoding on. */
	pci_set(&blk->vdev.pci, PCI_COMMAND, 2, PCI_COMMAND_IO);

	blk->vdev.name = "virtio-blk";
	blk->vdev.host_features = 1u << VIRTIO_BLK_F_SEG_MAX | 1u << VIRTIO_BLK_F_FLUSH;
	blk->vdev.config = (const uint8_t *)&blk->config;
	blk->vdev.config_len = sizeof(blk->config);
	blk->vdev.handle = virtio_blk_handle;
	return blk;
}
