/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvmclock - KVM's paravirtual clock, as a Linux guest finds and uses it
 * (Linux's Documentation/virt/kvm/x86/msr.rst; layouts <asm/pvclock-abi.h>):
 *  1. CPUID 0x40000000 says "KVMKVMKVM" and 0x40000001 offers kvm-clock
 *     through both MSR pairs (KVM_FEATURE_CLOCKSOURCE, CLOCKSOURCE2);
 *  2. MSR_KVM_WALL_CLOCK_NEW: the hypervisor writes the wall time of
 *     kvm-clock's zero there (version 2: odd while written, then even);
 *  3. MSR_KVM_SYSTEM_TIME_NEW: it writes the vCPU's clock page before the
 *     guest runs again (version even), with flags and a slope that this
 *     same boot's KVM computes alike (printed, compared by the oracle); the guest reads the clock without exits (rdtsc and
 *     the page: pvclock_read) and 1000 readings come in order;
 *  4. KVM_GET_CLOCK, in minivmm, is at most 100 ms after the guest's
 *     reading, once at once and once after the guest spun for 1 s of its
 *     own clock (so the slope agrees with the host's clock to ~10 %);
 *  5. KVM_SET_CLOCK +5 s moves the guest's clock by 5 s (to 100 ms), and
 *     +3 s with KVM_CLOCK_REALTIME and a realtime 3 s old by 6 s; an
 *     unknown flag is -EINVAL;
 *  6. the wall clock written again plus kvm-clock is the host's time: the
 *     seconds go to minivmm's notes line, which the scenario compares with
 *     date (they vary, so they are not printed on COM1).
 * CHECKL64 lines; EXIT_PASS when all are as expected.
 */
#include "guest.h"
#include "macros.S"
#include "irqmacros.S"

#define MSR_KVM_WALL_CLOCK_NEW	0x4b564d00
#define MSR_KVM_SYSTEM_TIME_NEW	0x4b564d01
#define KVM_MSR_ENABLED		1
#define KVM_CPUID_SIGNATURE	0x40000000
#define KVM_CPUID_FEATURES	0x40000001
#define KVM_FEATURES_CLOCK	0x9	/* bits 0 (CLOCKSOURCE) and 3 (CLOCKSOURCE2) */
#define PVTI			0x58000	/* struct pvclock_vcpu_time_info */
#define  PVTI_VERSION		0
#define  PVTI_TSC_TIMESTAMP	8
#define  PVTI_SYSTEM_TIME	16
#define  PVTI_MUL		24
#define  PVTI_SHIFT		28
#define  PVTI_FLAGS		29
#define WALL			0x58100	/* struct pvclock_wall_clock */
#define  WALL_VERSION		0
#define  WALL_SEC		4
#define MS			1000000	/* ns */
#define CLOCK_GET_NEAR		0	/* CTL_CLOCK modes (minivmm.h) */
#define CLOCK_SET_ADD		1
#define CLOCK_SET_REALTIME	2
#define CLOCK_SET_BAD_FLAG	3

	.code16
	.text
	.globl	_start
_start:
	jmp	enter_pm32

	.code32
main32:
	mov	$PT_AREA, %edi
	jmp	enter_lm64

/* WRMSR64 msr, value: write a constant to an MSR. */
.macro WRMSR64 msr, value
	mov	$\msr, %ecx
	mov	$\value, %eax
	xor	%edx, %edx
	wrmsr
.endm

/* IN_RANGE lo, hi, "name": print whether lo <= %rax < hi (1 or 0). */
.macro IN_RANGE lo, hi, name
	xor	%ebx, %ebx
	mov	$\lo, %rdx
	cmp	%rdx, %rax
	jb	.Lno\@
	mov	$\hi, %rdx
	cmp	%rdx, %rax
	jae	.Lno\@
	inc	%ebx
.Lno\@:	CHECKL64 %ebx, 1, "\name"
.endm

	.code64
main64:
	xor	%r15, %r15

	PUTS64	"CPUID\n"
	mov	$KVM_CPUID_SIGNATURE, %eax
	cpuid
	mov	%eax, %r8d
	CHECKL64 %ebx, 0x4b4d564b, "signature ebx (KVMK):"
	CHECKL64 %ecx, 0x564b4d56, "signature ecx (VMKV):"
	CHECKL64 %edx, 0x0000004d, "signature edx (M):"
	xor	%ebx, %ebx
	cmp	$KVM_CPUID_FEATURES, %r8d
	setae	%bl
	CHECKL64 %ebx, 1, "highest leaf at least 0x40000001:"
	mov	$KVM_CPUID_FEATURES, %eax
	cpuid
	and	$KVM_FEATURES_CLOCK, %eax
	CHECKL64 %eax, KVM_FEATURES_CLOCK, "kvm-clock features (bits 0, 3):"

	PUTS64	"MSR_KVM_WALL_CLOCK_NEW\n"
	WRMSR64	MSR_KVM_WALL_CLOCK_NEW, WALL
	CHECKL64 WALL + WALL_VERSION, 2, "wall clock version:"

	PUTS64	"MSR_KVM_SYSTEM_TIME_NEW\n"
	WRMSR64	MSR_KVM_SYSTEM_TIME_NEW, PVTI + KVM_MSR_ENABLED
	/* Even, not 0: written, and not being written.  Not a count: KVM
	 * writes the page again at every vcpu_load on a host whose TSC it
	 * does not trust (the lab's), so after as many updates as the guest
	 * made exits to userspace. */
	mov	PVTI + PVTI_VERSION, %eax
	xor	%ebx, %ebx
	test	$1, %eax
	jnz	1f
	test	%eax, %eax
	setnz	%bl
1:	CHECKL64 %ebx, 1, "clock page version even, not 0:"
	/* The flags (PVCLOCK_TSC_STABLE_BIT with a master clock, which needs
	 * a host that keeps time with the TSC: Bochs's lab kernel does, QEMU
	 * TCG's does not) and the slope: KVM's in this same boot is the
	 * oracle (not checked here). */
	PUTS64	"flags "
	movzbl	PVTI + PVTI_FLAGS, %eax
	call	putx64
	PUTS64	"\n"
	PUTS64	"tsc_to_system_mul "
	mov	PVTI + PVTI_MUL, %eax
	call	putx64
	PUTS64	"\ntsc_shift "
	movsbq	PVTI + PVTI_SHIFT, %rax
	call	putx64
	PUTS64	"\n"

	/* 1000 readings, each at or after the one before. */
	call	pvclock_read
	mov	%rax, %r12
	mov	$1000, %r13d
	xor	%ebx, %ebx
1:	call	pvclock_read
	cmp	%r12, %rax
	jae	2f
	inc	%ebx				/* one went back */
2:	mov	%rax, %r12
	dec	%r13d
	jnz	1b
	CHECKL64 %ebx, 0, "readings out of order, of 1000:"

	PUTS64	"KVM_GET_CLOCK\n"
	call	clock_near_vmm
	CHECKL64 %eax, 1, "within 100 ms after the guest's reading:"
	call	pvclock_read			/* spin 1 s of the guest's clock */
	lea	1000 * MS(%rax), %r12
1:	pause
	call	pvclock_read
	cmp	%r12, %rax
	jb	1b
	call	clock_near_vmm
	CHECKL64 %eax, 1, "and again 1 s later:"

	PUTS64	"KVM_SET_CLOCK\n"
	call	pvclock_read
	mov	%rax, %r12
	CTL64	CTL_CLOCK, $CLOCK_SET_ADD, $5000
	CHECKL64 %eax, 0, "+5 s:"
	call	pvclock_read
	sub	%r12, %rax
	IN_RANGE 5000*MS, 5100*MS, "the guest's clock moved 5 s:"
	call	pvclock_read
	mov	%rax, %r12
	CTL64	CTL_CLOCK, $CLOCK_SET_REALTIME, $3000
	CHECKL64 %eax, 0, "+3 s, KVM_CLOCK_REALTIME 3 s ago:"
	call	pvclock_read
	sub	%r12, %rax
	IN_RANGE 6000*MS, 6100*MS, "the guest's clock moved 6 s:"
	CTL64	CTL_CLOCK, $CLOCK_SET_BAD_FLAG
	CHECKL64 %eax, -22, "an unknown flag:"

	PUTS64	"wall time\n"
	WRMSR64	MSR_KVM_WALL_CLOCK_NEW, WALL
	CHECKL64 WALL + WALL_VERSION, 4, "wall clock version:"
	call	pvclock_read			/* seconds: wall.sec + clock / 10^9 */
	xor	%edx, %edx
	mov	$1000 * MS, %ecx
	div	%rcx
	mov	WALL + WALL_SEC, %ecx
	add	%rax, %rcx
	CTL64	CTL_NOTE, %ecx
	/* The oracle compares the registers at the end too: clear the ones
	 * that held times and versions, which differ from run to run. */
	xor	%ebx, %ebx
	xor	%r8d, %r8d
	xor	%r12d, %r12d
	jmp	exit64

/* clock_near_vmm: the guest's clock, then minivmm's KVM_GET_CLOCK: is it
 * within 100 ms after?  %eax 1 or 0. */
clock_near_vmm:
	call	pvclock_read
	mov	%rax, %rdx
	shr	$32, %rdx
	CTL64	CTL_CLOCK, $CLOCK_GET_NEAR, %eax, %edx
	ret

/* pvclock_read: kvm-clock in ns, in %rax:
 *	system_time + (((tsc - tsc_timestamp) << shift) * mul) >> 32
 * retried while the version is odd or changes under us (the hypervisor
 * is writing the page).  Clobbers %rcx, %rdx, %r8, %r9. */
pvclock_read:
1:	mov	PVTI + PVTI_VERSION, %r8d
	test	$1, %r8d
	jnz	1b
	lfence				/* the version before the fields, and the TSC */
	rdtsc
	shl	$32, %rdx
	or	%rdx, %rax
	sub	PVTI + PVTI_TSC_TIMESTAMP, %rax
	movsbl	PVTI + PVTI_SHIFT, %ecx
	test	%ecx, %ecx
	js	2f
	shl	%cl, %rax
	jmp	3f
2:	neg	%ecx
	shr	%cl, %rax
3:	mov	PVTI + PVTI_MUL, %r9d
	mul	%r9			/* %rdx:%rax = delta * mul */
	shrd	$32, %rdx, %rax
	add	PVTI + PVTI_SYSTEM_TIME, %rax
	lfence
	cmp	PVTI + PVTI_VERSION, %r8d
	jne	1b
	ret

#include "pm.S"
#include "lm64.S"
#include "serial32.S"
#include "serial64.S"
#include "gdt.S"
