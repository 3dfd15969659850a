# SPDX-License-Identifier: GPL-2.0
# first-touch: how long a 1 GiB guest takes to write one word into each of
# its 262144 pages for the first time (final/guests/touch-1g.S, marks 0
# and 1), in milliseconds of the emulated machine: every page is a
# second-level page fault, host page allocation and zeroing included.
#   first-touch-1g     guest RAM as the host gives it: with transparent
#                      huge pages (the lab kernel's default), a hypervisor
#                      that maps 2 MiB at once faults 512 times, not 262144
#   first-touch-1g-4k  minivmm --no-thp: 4 KiB host pages, one fault each
# Best of two runs.  Prints "BENCH name value unit" lines.
# since: 02-ept
. /lab/scenarios/lib.sh
avail=$(awk '/^MemAvailable:/ { print int($2 / 1024) }' /proc/meminfo)
[ "$avail" -ge 1100 ] || fail "$avail MiB available; a 1 GiB guest needs 1100 (QEMU -m in tests/vm/lab)"
for variant in "" --no-thp; do
	best=
	for run in 1 2; do
		vmm -m 1G $variant "$GUESTS/touch-1g.bin"
		expect_status 65 "touch-1g guest"
		m1=$(sed -n 's/^minivmm: mark 1 +\([0-9]*\) ns$/\1/p' /tmp/vmm.err)
		[ -n "$m1" ] || fail "minivmm printed no mark 1"
		ms=$((m1 / 1000000))
		[ -z "$best" ] || [ "$ms" -lt "$best" ] && best=$ms
	done
	echo "BENCH first-touch-1g${variant:+-4k} $best ms"
done
