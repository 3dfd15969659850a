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

/* exercise 02.1 */
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

/* exercise 02.1 */
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

/* Not a check of exercise 02.1, whose text asks for 4 levels. */
Test(paging, five_level_paging_with_cr4_la57, .init = clear)
{
	u64 la57 = 1ull << 12;
	/* PML5[0x1ff], PML4[5], PDPT[2], PD[3], PT[4] (bit 56 set, sign-extended) */
	u64 gva = 0xff00000000000000ull | (0x1ffull << 48) | (5ull << 39) | (2ull << 30) |
		  (3ull << 21) | (4ull << 12) | 0x567;
	int r;

	put64(0x5000 + 0x1ff * 8, 0x1000 | 3);		/* PML5[0x1ff] -> PML4 */
	put64(0x1000 + 5 * 8, 0x2000 | 3);		/* PML4[5] -> PDPT */
	put64(0x2000 + 2 * 8, 0x3000 | 3);		/* PDPT[2] -> PD */
	put64(0x3000 + 3 * 8, 0x4000 | 3);		/* PD[3] -> PT */
	put64(0x4000 + 4 * 8, 0x3ff000 | 3);		/* PT[4] -> page */
	cr_assert_eq(walk(PE | PG, 0x5000, PAE | la57, LME_LMA, gva, &r), 0x3ff567);
	cr_assert_eq(r, 0);
	/* Without LA57 the same CR3 is a PML4: bits 47:39 (5) pick PML5[5], empty. */
	walk(PE | PG, 0x5000, PAE, LME_LMA, gva, &r);
	cr_assert_eq(r, -EFAULT);
}

Test(paging, a_table_outside_guest_memory_is_a_fault, .init = clear)
{
	int r;

	put64(0x1000, 0x7fff000000ull | 3);		/* PML4[0] -> far away */
	walk(PE | PG, 0x1000, PAE, LME_LMA, 0x1000, &r);
	cr_assert_eq(r, -EFAULT);
}

#ifdef CONFIG_MINIKVM_EMULATE
/* Chapter 05: guest_walk_access(), the rights of SDM Vol. 3A, 4.6 and the
 * error code of 4.7.  One 4-level path (PML4 0x1000 -> PDPT 0x2000 -> PD
 * 0x3000 -> PT 0x4000) to the page at linear 0x5000; each test sets the
 * bits of the last two levels it is about. */
#define WP	(1ull << 16)
#define SMEP	(1ull << 20)
#define SMAP	(1ull << 21)
#define NXE	(1ull << 11)
#define P	1ull
#define RW	2ull
#define US	4ull
#define XD	(1ull << 63)

static void path(u64 pde_bits, u64 pte_bits)
{
	put64(0x1000, 0x2000 | P | RW | US);
	put64(0x2000, 0x3000 | P | RW | US);
	put64(0x3000, 0x4000 | pde_bits);
	put64(0x4000 + 5 * 8, 0x9000 | pte_bits);
}

/* The error code of an access, or -1 when it goes through (to 0x9000). */
static int access_ec(u64 cr0, u64 cr4, u64 efer, u32 access)
{
	struct guest_paging_regs r = { PE | PG | cr0, 0x1000, PAE | cr4, LME_LMA | efer };
	u64 gpa = 0;
	u32 ec = 0xdead;
	int ret = guest_walk_access(&r, 0x5123, access, read_mem, NULL, &gpa, &ec);

	if (ret == 0) {
		cr_assert_eq(gpa, 0x9123);
		return -1;
	}
	cr_assert_eq(ret, -EFAULT);
	return (int)ec;
}

Test(paging_access, user_pages_writable_at_every_level_allow_everything, .init = clear)
{
	path(P | RW | US, P | RW | US);
	cr_assert_eq(access_ec(WP, 0, 0, PFERR_USER_MASK | PFERR_WRITE_MASK), -1);
	cr_assert_eq(access_ec(WP, 0, NXE, PFERR_USER_MASK | PFERR_FETCH_MASK), -1);
}

Test(paging_access, not_present_has_p_clear_and_the_access_bits, .init = clear)
{
	path(P | RW | US, RW | US);	/* PTE not present */
	cr_assert_eq(access_ec(0, 0, 0, PFERR_USER_MASK | PFERR_WRITE_MASK),
		     PFERR_USER_MASK | PFERR_WRITE_MASK);
	cr_assert_eq(access_ec(0, 0, 0, 0), 0);
}

Test(paging_access, a_read_only_level_stops_user_writes_and_wp_supervisor_writes, .init = clear)
{
	path(P | US, P | RW | US);	/* R/W clear in the PDE only */
	cr_assert_eq(access_ec(0, 0, 0, PFERR_USER_MASK), -1);
	cr_assert_eq(access_ec(0, 0, 0, PFERR_USER_MASK | PFERR_WRITE_MASK),
		     PFERR_PRESENT_MASK | PFERR_WRITE_MASK | PFERR_USER_MASK);
	cr_assert_eq(access_ec(0, 0, 0, PFERR_WRITE_MASK), -1);	/* CR0.WP = 0 */
	cr_assert_eq(access_ec(WP, 0, 0, PFERR_WRITE_MASK), PFERR_PRESENT_MASK | PFERR_WRITE_MASK);
}

Test(paging_access, supervisor_pages_refuse_user_accesses, .init = clear)
{
	path(P | RW | US, P | RW);	/* U/S clear in the PTE */
	cr_assert_eq(access_ec(0, 0, 0, PFERR_USER_MASK), PFERR_PRESENT_MASK | PFERR_USER_MASK);
	cr_assert_eq(access_ec(0, 0, 0, 0), -1);
}

Test(paging_access, xd_stops_fetches_only_with_nxe, .init = clear)
{
	path(P | RW | US | XD, P | RW | US);
	cr_assert_eq(access_ec(0, 0, NXE, PFERR_FETCH_MASK), PFERR_PRESENT_MASK | PFERR_FETCH_MASK);
	cr_assert_eq(access_ec(0, 0, NXE, 0), -1);		/* reads are fine */
	/* Without NXE bit 63 is not XD (it would be reserved: not checked),
	 * and the error code of a fetch has no I/D bit. */
	put64(0x4000 + 5 * 8, 0x9000);				/* not present */
	cr_assert_eq(access_ec(0, 0, 0, PFERR_FETCH_MASK), 0);
	cr_assert_eq(access_ec(0, 0, NXE, PFERR_FETCH_MASK), PFERR_FETCH_MASK);
}

Test(paging_access, smep_and_smap_guard_user_pages_from_the_kernel, .init = clear)
{
	path(P | RW | US, P | RW | US);
	cr_assert_eq(access_ec(0, 0, 0, PFERR_FETCH_MASK), -1);
	cr_assert_eq(access_ec(0, SMEP, 0, PFERR_FETCH_MASK), PFERR_PRESENT_MASK | PFERR_FETCH_MASK);
	cr_assert_eq(access_ec(0, SMEP, 0, 0), -1);		/* SMEP: data is fine */
	cr_assert_eq(access_ec(0, SMAP, 0, 0), PFERR_PRESENT_MASK);
	cr_assert_eq(access_ec(0, SMAP, 0, PFERR_SMAP_OK), -1);	/* RFLAGS.AC = 1 */
	cr_assert_eq(access_ec(0, SMAP, 0, PFERR_FETCH_MASK), -1);	/* SMAP: fetches are fine */
}

Test(paging_access, a_table_outside_guest_memory_is_not_a_page_fault, .init = clear)
{
	struct guest_paging_regs r = { PE | PG, 0x1000, PAE, LME_LMA };
	u64 gpa;
	u32 ec;

	put64(0x1000, 0x7fff000000ull | 3);
	cr_assert_eq(guest_walk_access(&r, 0x1000, 0, read_mem, NULL, &gpa, &ec), -EIO);
}
#endif
