# since: 01-vmx-on
. /lab/scenarios/lib.sh
vmm_bg spin "$GUESTS/spin.bin"
wait_for_out spin spinning
sleep 1
ls -d /sys/kernel/debug/kvm/*-*
d=$(ls -d /sys/kernel/debug/kvm/"$BG_PID"-*)
echo "dir $d"
for f in exits io_exits halt_exits irq_exits signal_exits; do echo "$f $(cat $d/$f)"; done
echo "global exits $(cat /sys/kernel/debug/kvm/exits) io $(cat /sys/kernel/debug/kvm/io_exits)"
cat /tmp/spin.out
kill -KILL "$BG_PID"
echo "global after kill: exits $(cat /sys/kernel/debug/kvm/exits)"
fail debug-output
