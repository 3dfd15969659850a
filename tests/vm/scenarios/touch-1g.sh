# SPDX-License-Identifier: GPL-2.0
# touch-1g: a guest with 1 GiB of RAM (-m 1G) writes one word into every
# 4 KiB page of it (but the few of its own image), so that each page is
# faulted in for the first time, reads all of them back, and has minivmm
# check three in its own mapping.  Proves that second-level tables are
# built on demand for a large guest, and that the host keeps up.  The
# lab's emulated machine needs room for it: skipped when it has less than
# 1.1 GiB available.  tests/vm/bench/first-touch.sh times the writes.
# since: 02-ept
. /lab/scenarios/lib.sh
avail=$(awk '/^MemAvailable:/ { print int($2 / 1024) }' /proc/meminfo)
[ "$avail" -ge 1100 ] ||
	skip "the lab machine has $avail MiB available; a 1 GiB guest needs 1100 (QEMU -m in tests/vm/lab)"
vmm -m 1G "$GUESTS/touch-1g.bin"
# The count depends on the size of the guest's image: not compared.
OUT=$(echo "$OUT" | sed 's/^touch-1g: pages touched: 2621[0-9][0-9]$/touch-1g: pages touched: N/')
expect_out "touch-1g: pages touched: N
touch-1g: pages wrong: 00000000
minivmm: slot 0 +0x100000..+0x100004 holds the pattern of seed 0x70c40000
minivmm: slot 0 +0x20000000..+0x20000004 holds the pattern of seed 0x70c40000
minivmm: slot 0 +0x3ffff000..+0x3ffff004 holds the pattern of seed 0x70c40000"
expect_status 65 "EXIT_PASS"
sed -n 's/^minivmm: mark 1 +\([0-9]*\) ns$/first touch of 1 GiB: \1 ns/p' /tmp/vmm.err
