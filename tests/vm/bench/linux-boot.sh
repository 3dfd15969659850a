# SPDX-License-Identifier: GPL-2.0
# linux-boot: the lab's own kernel on minivmm --linux --smp 2 (tests/vm/
# linux/init), best of two runs each:
#   linux-boot-uptime  the guest's own uptime when its init starts, ms
#                      (l2=bench-boot: /proc/uptime, the guest's clock)
#   linux-boot-wall    minivmm's whole run on the host's clock, ms: the
#                      boot to init and the guest's reset
#   virtio-4k-reads    4 KiB reads of the virtio disk per second of the
#                      host's clock (l2=bench-disk: 4096 O_DIRECT reads,
#                      one request each, between minivmm's marks 0 and 1;
#                      the file sits in the lab's page cache, so this is
#                      the request path - ring, ioeventfd, I/O thread,
#                      irqfd, the guest's interrupt - not a disk)
# Prints "BENCH name value unit" lines.
# since: final
. /lab/scenarios/lib.sh
[ -f /lab/linux/bzImage ] || fail "no Linux guest in this lab (the svm path has it)"
disk=/tmp/bench.img
dd if=/dev/zero of=$disk bs=1M count=16 2>/dev/null || fail "cannot make $disk"
up= wall= iops=
for run in 1 2; do
	t0=$(uptime_ms)
	linux_start linux bench-boot --smp 2
	linux_finish linux
	t1=$(uptime_ms)
	expect_reboot
	u=$(l2 'uptime ' | awk '{ printf "%d", $1 * 1000 }')
	[ -n "$u" ] || fail "the guest printed no uptime"
	[ -z "$up" ] || [ "$u" -lt "$up" ] && up=$u
	[ -z "$wall" ] || [ $((t1 - t0)) -lt "$wall" ] && wall=$((t1 - t0))

	linux_start linux bench-disk --smp 2 --disk $disk
	linux_finish linux
	expect_reboot
	m1=$(sed -n 's/^minivmm: mark 1 +\([0-9]*\) ns$/\1/p' /tmp/vmm.err)
	[ -n "$m1" ] || fail "minivmm printed no mark 1"
	r=$(awk -v ns="$m1" 'BEGIN { printf "%d", 4096 / (ns / 1e9) }')
	[ -z "$iops" ] || [ "$r" -gt "$iops" ] && iops=$r
done
rm -f $disk
echo "BENCH linux-boot-uptime $up ms"
echo "BENCH linux-boot-wall $wall ms"
echo "BENCH virtio-4k-reads $iops /s"
