// SPDX-License-Identifier: GPL-2.0
/* The flat loader puts the exact bytes at the exact address, or refuses. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "minivmm.h"

static char path[64];

static void write_image(const void *data, size_t len)
{
	int fd;

	strcpy(path, "/tmp/minivmm-test-XXXXXX");
	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static void remove_image(void) { unlink(path); }

Test(vmm_loader, bytes_land_at_the_load_address_and_nowhere_else, .fini = remove_image)
{
	static const uint8_t image[] = { 0xb0, 0x21, 0xe6, 0xf4, 0xf4 };
	uint8_t mem[0x2000];
	char err[256];

	memset(mem, 0xaa, sizeof(mem));
	write_image(image, sizeof(image));
	cr_assert_eq(vmm_load_flat(mem, sizeof(mem), 0x1000, path, err, sizeof(err)), 5, "%s", err);
	cr_assert_arr_eq(mem + 0x1000, image, sizeof(image));
	cr_assert_eq(mem[0x0fff], 0xaa);
	cr_assert_eq(mem[0x1005], 0xaa);
}

Test(vmm_loader, an_image_ending_exactly_at_the_end_of_ram_fits, .fini = remove_image)
{
	uint8_t mem[0x1000], image[0x100] = { 1 };
	char err[256];

	write_image(image, sizeof(image));
	cr_assert_eq(vmm_load_flat(mem, sizeof(mem), 0xf00, path, err, sizeof(err)), 0x100, "%s", err);
}

Test(vmm_loader, an_image_past_the_end_of_ram_is_refused, .fini = remove_image)
{
	uint8_t mem[0x1000], image[0x101] = { 1 };
	char err[256];

	write_image(image, sizeof(image));
	cr_assert_eq(vmm_load_flat(mem, sizeof(mem), 0xf00, path, err, sizeof(err)), -1);
	cr_assert(strstr(err, "does not fit in guest RAM"), "%s", err);
}

Test(vmm_loader, missing_empty_and_directory_images_are_refused, .fini = remove_image)
{
	uint8_t mem[0x1000];
	char err[256];

	cr_assert_eq(vmm_load_flat(mem, sizeof(mem), 0, "/nonexistent/x.bin", err, sizeof(err)), -1);
	cr_assert(strstr(err, "cannot open"), "%s", err);
	cr_assert_eq(vmm_load_flat(mem, sizeof(mem), 0, "/tmp", err, sizeof(err)), -1);
	cr_assert(strstr(err, "not a regular file"), "%s", err);
	write_image("", 0);
	cr_assert_eq(vmm_load_flat(mem, sizeof(mem), 0, path, err, sizeof(err)), -1);
	cr_assert(strstr(err, "is empty"), "%s", err);
}
