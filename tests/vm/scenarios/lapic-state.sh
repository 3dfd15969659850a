# SPDX-License-Identifier: GPL-2.0
# lapic-state: save and restore the local APIC mid-run, as a VMM does for
# migration (final/guests/lapic-state.S).  Inside the handler of self IPI
# 0x51 (in service), with self IPI 0x61 waiting in IRR and the one-shot
# timer running, minivmm saves the APIC (KVM_GET_LAPIC), prints it and
# loads a clobbered copy; the guest reads the clobber; minivmm restores
# (KVM_SET_LAPIC); the guest reads ISR, IRR and the timer back, and after
# the EOI 0x61 arrives and the timer still fires.
# since: 04-apic-pit
. /lab/scenarios/lib.sh
vmm --timeout 30 "$GUESTS/lapic-state.bin"
expect_out "minivmm: saved lapic of vCPU 0: id=00 tpr=00 svr=1ff lvtt=00000040 tmict=77359400 tdcr=b isr: 51 tmr: none irr: 61
minivmm: lapic of vCPU 0 clobbered (isr, tmr, irr empty; timer stopped and masked)
save and clobber: 00000000
isr[0x51] 00000000 irr[0x61] 00000000 tmict 00000000 lvtt 00010040
minivmm: lapic of vCPU 0 restored
restore: 00000000
isr[0x51] 00020000 irr[0x61] 00000002 tmict 77359400 lvtt 00000040
0x51 deliveries: 00000001
0x61 deliveries after the EOI of 0x51: 00000001
0x51 in service while 0x61 ran: 00000000
the timer fired after the restore: 00000001"
expect_status 65 "EXIT_PASS"
