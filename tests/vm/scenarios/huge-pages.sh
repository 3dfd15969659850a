# SPDX-License-Identifier: GPL-2.0
# huge-pages: 2 MiB second-level pages where the host backs guest memory
# with 2 MiB pages.  The guest (huge-pages.S, -m 64M) writes and reads
# back every 4 KiB page of 16 whole 2 MiB blocks, then spins; while it
# spins, the VM's debugfs counters say how its memory is mapped now:
# pages_2m (large leaves) and pages_4k, in kvm/<pid>-<fd>/ for the real
# KVM and minikvm/<pid>-<fd>/ for ours, the same file names.
#  - with the host's transparent huge pages (the lab kernel's default,
#    "always"), the 16 blocks are mapped large: pages_2m >= 16, and fewer
#    4 KiB leaves than the 8192 the blocks would need;
#  - with minivmm --no-thp (MADV_NOHUGEPAGE, 4 KiB host pages) nothing is
#    large and every touched page is a 4 KiB leaf: pages_2m = 0,
#    pages_4k >= 8192.
# The real KVM must show the same in the same boot.
# since: final
. /lab/scenarios/lib.sh

thp=$(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null)
case "$thp" in
*"[always]"*) ;;
*) fail "transparent huge pages are '$thp' here; this scenario needs [always]" ;;
esac
sys=minikvm
[ "$TARGET" = kvm ] && sys=kvm

# run_counted NAME ARGS...: run the guest, wait until it spins, and leave
# its counters in $p2m and $p4k.
run_counted() {
	local name=$1 dir
	shift
	vmm_bg "$name" -m 64M "$@" "$GUESTS/huge-pages.bin"
	wait_for_out "$name" "huge-pages: touched, spinning" 30
	dir=$(ls -d /sys/kernel/debug/$sys/"$BG_PID"-* 2>/dev/null | head -n 1)
	[ -n "$dir" ] && [ -r "$dir/pages_2m" ] ||
		fail "no /sys/kernel/debug/$sys/$BG_PID-<fd>/pages_2m for the spinning minivmm"
	p2m=$(cat "$dir/pages_2m")
	p4k=$(cat "$dir/pages_4k")
	kill_bg
	grep -q "pages wrong: 00000000" "/tmp/$name.out" || fail "$name: $(cat "/tmp/$name.out")"
	echo "$name: pages_2m $p2m, pages_4k $p4k"
}

run_counted thp
[ "$p2m" -ge 16 ] || fail "with host huge pages, $p2m blocks are mapped 2 MiB; the 16 the guest touched should be"
[ "$p4k" -lt 512 ] || fail "with host huge pages, $p4k pages are mapped 4 KiB, more than one block's worth: the touched blocks were not all mapped large"
run_counted no-thp --no-thp
[ "$p2m" -eq 0 ] || fail "with 4 KiB host pages, $p2m blocks are mapped 2 MiB"
[ "$p4k" -ge 8192 ] || fail "with 4 KiB host pages, only $p4k pages are mapped 4 KiB; the guest touched 8192"
