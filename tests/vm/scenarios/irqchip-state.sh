# SPDX-License-Identifier: GPL-2.0
# irqchip-state: save and restore the in-kernel irqchip mid-run, as a VMM
# does for migration (final/guests/irqchip-state.S).  With IRQ 5 pending
# (IF=0) and IOAPIC entry 5 programmed, minivmm saves both PICs, the
# IOAPIC (KVM_GET_IRQCHIP) and the vCPU's events (KVM_GET_VCPU_EVENTS),
# prints them, and loads a clobbered irqchip; the guest reads the clobber
# back; minivmm restores (KVM_SET_IRQCHIP, KVM_SET_VCPU_EVENTS); the guest
# reads its state back, and after STI the pending IRQ 5 arrives once at
# its own vector.
# since: 03-irq
. /lab/scenarios/lib.sh
vmm "$GUESTS/irqchip-state.bin"
expect_out "imr df irr 20 ioapic redir[5] 00010035
minivmm: saved master pic: irr=20 imr=df isr=00 base=20 elcr=00
minivmm: saved slave pic: irr=00 imr=ff isr=00 base=28 elcr=00
minivmm: saved ioapic: irr=00000000 redir[5]=0000000000010035
minivmm: saved vcpu events: interrupt injected=0 nr=0x00 shadow=0, nmi injected=0 pending=0 masked=0, exception injected=0
minivmm: irqchip clobbered (PICs: imr=ff irr=00 isr=00 base=70; ioapic: all masked)
save and clobber: 00000000
imr ff irr 00 ioapic redir[5] 00010000
minivmm: irqchip and vcpu events restored
restore: 00000000
imr df irr 20 ioapic redir[5] 00010035
IRQ 5 deliveries after sti: 00000001
vector: 00000025"
expect_status 65 "EXIT_PASS"
