/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gdt.S - the GDT of the chapter-02 guests (#included).  Flat segments,
 * plus one data segment based at 2 MiB that paging-modes uses to show
 * segmentation at work.  Descriptor format: Intel SDM Vol. 3A, 3.4.5
 * "Segment Descriptors" (base 31:24 | G D/B L AVL | limit 19:16 | P DPL S
 * type | base 23:0 | limit 15:0); AMD APM Vol. 2, 4.7 and 4.8.
 */
	.p2align 3
gdt:
	.quad	0			/* 0x00: the null descriptor */
	.quad	0x00cf9a000000ffff	/* 0x08 SEL_CODE32: base 0, 4 GiB, G D, P, code r/x */
	.quad	0x00cf92000000ffff	/* 0x10 SEL_DATA: base 0, 4 GiB, G B, P, data r/w */
	.quad	0x00af9a000000ffff	/* 0x18 SEL_CODE64: G L (D=0), P, code r/x */
	.quad	0x00cf92200000ffff	/* 0x20 SEL_DATA_2M: base 0x200000, else as 0x10 */
gdt_end:
	.p2align 2
	.word	0			/* puts the base below 4-byte aligned */
gdt_desc:
	.word	gdt_end - gdt - 1	/* limit */
	.long	gdt			/* linear base: the link address (LOAD_ADDR based) */
