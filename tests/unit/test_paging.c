// SPDX-License-Identifier: GPL-2.0
/* The guest page-table walker (final/arch/x86/kvm/paging.c): page tables
 * built by hand in a fake guest memory, one test per paging mode. */
#include <criterion/criterion.h>
#include <string.h>

#include <minikvm/paging.h>

#define MEM_SIZE	(4u << 20)
static u8 mem[MEM_SIZE];

static int read_mem(void *opaque __attribute__((unused)), u64 gpa, void *buf, unsigned int len)
{
	if (gpa + len > MEM_SIZE)
		return -EFAULT;
	memcpy(buf, mem + gpa, len);
	return 0;
}

static void put32(u64 at, u32 v) { memcpy(mem + at, &v, 4); }
static void put64(u64 at, u64 v) { memcpy(mem + at, &v, 8); }

static u64 walk(u64 cr0, u64 cr3, u64 cr4, u64 efer, u64 gva, int *ret)
{
	struct guest_paging_regs r = { cr0, cr3, cr4, efer };
	u64 gpa = ~0ull;

	*ret = guest_walk(&r, gva, read_mem, NULL, &gpa);
	return gpa;
}

#define PG	(1ull << 31)
#define PE	1ull
#define PSE	(1ull << 4)
#define PAE	(1ull << 5)
#define LME_LMA	((1ull << 8) | (1ull << 10))

static void clear(void) { memset(mem, 0, sizeof(mem)); }

Test(paging, without_paging_linear_is_physical, .init = clear)
{
	int r;

	cr_assert_eq(walk(PE, 0, 0, 0, 0x12345678, &r), 0x12345678);
	cr_assert_eq(r, 0);
}

Test(paging, thirty_two_bit_paging_4k_and_4m_pages, .init = clear)
{
	int r;

	/* PD at 0x1000; 0x00400000 -> PT at 0x2000; PTE 5 -> 0x300000. */
	put32(0x1000 + 1 * 4, 0x2000 | 3);
	put32(0x2000 + 5 * 4, 0x300000 | 3);
	cr_assert_eq(walk(PE | PG, 0x1000, 0, 0, 0x00405abc, &r), 0x300abc);
	cr_assert_eq(r, 0);
	/* PDE 2 is a 4 MiB page at 0x00c00000 (PS, with CR4.PSE). */
	put32(0x1000 + 2 * 4, 0x00c00000 | 0x83);
	cr_assert_eq(walk(PE | PG, 0x1000, PSE, 0, 0x00812345, &r), 0x00c12345);
	cr_assert_eq(r, 0);
	/* Not present: PDE 3 is zero. */
	walk(PE | PG, 0x1000, 0, 0, 0x00c00000, &r);
	cr_assert_eq(r, -EFAULT);
}

Test(paging, pae_paging_4k_and_2m_pages, .init = clear)
{
	int r;

	/* PDPT at 0x1020 (32-byte aligned); PDPTE 1 -> PD 0x2000. */
	put64(0x1020 + 1 * 8, 0x2000 | 1);
	put64(0x2000 + 3 * 8, 0x3000 | 3);		/* PDE 3 -> PT 0x3000 */
	put64(0x3000 + 7 * 8, 0x1ff000 | 3);		/* PTE 7 -> 0x1ff000 */
	cr_assert_eq(walk(PE | PG, 0x1020, PAE, 0, 0x40607123, &r), 0x1ff123);
	cr_assert_eq(r, 0);
	put64(0x2000 + 4 * 8, 0x200000 | 0x83);		/* PDE 4: 2 MiB page */
	cr_assert_eq(walk(PE | PG, 0x1020, PAE, 0, 0x40812345, &r), 0x212345);
	cr_assert_eq(r, 0);
}

Test(paging, four_level_paging_4k_2m_and_1g_pages, .init = clear)
{
	u64 gva = 0xffff800000000000ull | (1ull << 39) * 0 | (2ull << 30) | (3ull << 21) | (4ull << 12) | 0x567;
	int r;

	/* PML4 at 0x1000, entry 256 (bit 47 set, sign-extended). */
	put64(0x1000 + 256 * 8, 0x2000 | 3);
	put64(0x2000 + 2 * 8, 0x3000 | 3);		/* PDPT[2] -> PD */
	put64(0x3000 + 3 * 8, 0x4000 | 3);		/* PD[3] -> PT */
	put64(0x4000 + 4 * 8, 0x3ff000 | 3);		/* PT[4] -> page */
	cr_assert_eq(walk(PE | PG, 0x1000, PAE, LME_LMA, gva, &r), 0x3ff567);
	cr_assert_eq(r, 0);
	put64(0x3000 + 3 * 8, 0x200000 | 0x83);		/* PD[3]: 2 MiB page */
	cr_assert_eq(walk(PE | PG, 0x1000, PAE, LME_LMA, gva, &r), 0x200000 | 0x4567);
	put64(0x2000 + 2 * 8, 0x40000000ull | 0x83);	/* PDPT[2]: 1 GiB page */
	cr_assert_eq(walk(PE | PG, 0x1000, PAE, LME_LMA, gva, &r), 0x40000000ull | (3ull << 21) | 0x4567);
	cr_assert_eq(r, 0);
}

Test(paging, a_table_outside_guest_memory_is_a_fault, .init = clear)
{
	int r;

	put64(0x1000, 0x7fff000000ull | 3);		/* PML4[0] -> far away */
	walk(PE | PG, 0x1000, PAE, LME_LMA, 0x1000, &r);
	cr_assert_eq(r, -EFAULT);
}
