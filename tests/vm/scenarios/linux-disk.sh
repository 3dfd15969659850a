# SPDX-License-Identifier: GPL-2.0
# linux-disk: minivmm --disk, the virtio-pci block device (vmm/pci.c,
# virtio.c, virtio_blk.c), under the lab's kernel and its own virtio
# drivers.  Boot 1 (l2=disk-write) writes 64 KiB of random bytes to
# /dev/vda at 32 KiB and syncs; the bytes must be in the disk file, where
# minivmm put them, and boot 2 (l2=disk-read), a new VM on the same file,
# must read the same bytes back.  On both boots:
#   - the disk has the file's size;
#   - its interrupt is a level-triggered IO-APIC input (fasteoi), PCI's
#     INTA# routed by the MP table, and it fired;
#   - the requests reached minivmm's I/O thread through the ioeventfd
#     and their completions the guest through the irqfd (minivmm's own
#     count, printed at exit).
# The oracle is the real KVM passing the same checks in the same boot.
# since: final
# timeout: 300
. /lab/scenarios/lib.sh
# vmx: tests/vm/skip-allow, unless tests/vm/lab --vmx-linux.
[ "$ARCH" = vmx ] && [ "${VMX_LINUX:-}" != 1 ] && skip "a Linux boot in Bochs costs minutes of make test's budget: both targets passed it in a lone run (2026-12-03); tests/vm/lab --vmx-linux runs it"
unset TRACE_DIR
disk=/tmp/disk.img
dd if=/dev/zero of=$disk bs=1M count=4 2>/dev/null || fail "cannot make $disk"

# disk_checks: what both boots must show.
disk_checks() {
	expect_reboot
	[ "$(l2 'vda sectors ')" = 8192 ] || fail "/dev/vda has '$(l2 'vda sectors ')' sectors, not 8192"
	line=$(printf '%s\n' "$OUT" | grep '^L2: irq .* virtio0$')
	echo "$line" | grep -q 'IO-APIC.*fasteoi' ||
		fail "the disk's interrupt is not a level-triggered IO-APIC input: '$line'"
	echo "$line" | awk '{ exit !($4 > 0) }' || fail "the disk never interrupted: '$line'"
	stats=$(grep 'virtio-blk: ' /tmp/vmm.err)
	echo "$stats" | awk '{ exit !($3 > 0 && $5 > 0 && $(NF - 4) > 0) }' ||
		fail "no requests, ioeventfd kicks or irqfd interrupts: '$stats'"
}

linux_start linux disk-write --disk $disk
linux_finish linux
disk_checks
wrote=$(l2 'wrote ')
[ ${#wrote} = 64 ] || fail "the guest did not say what it wrote: '$wrote'"
infile=$(dd if=$disk bs=4096 skip=8 count=16 2>/dev/null | sha256sum | cut -d' ' -f1)
[ "$infile" = "$wrote" ] || fail "the disk file holds $infile at 32 KiB, the guest wrote $wrote"

linux_start linux disk-read --disk $disk
linux_finish linux
disk_checks
[ "$(l2 'read ')" = "$wrote" ] || fail "boot 2 read $(l2 'read '), boot 1 wrote $wrote"
rm -f $disk
