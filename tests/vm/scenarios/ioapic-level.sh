# SPDX-License-Identifier: GPL-2.0
# ioapic-level: a level-triggered IOAPIC input (final/guests/ioapic-level.S;
# 82093AA datasheet 3.2.4, Intel SDM Vol. 3A 11.8.4-11.8.5), fixed
# delivery to the local APIC, PICs masked: Remote IRR set as soon as the
# IOAPIC sends, TMR set in the local APIC, the EOI broadcast to the IOAPIC
# clears Remote IRR and, the line still high, the IOAPIC sends again at
# once (three deliveries; the third handler lowers the line before its
# EOI, and no fourth comes); a masked level input raised is sent when
# unmasked, one raised and lowered while masked is not; rewriting an entry
# as edge-triggered clears its Remote IRR (KVM's behaviour, which Linux and
# Xen rely on).
# since: 04-apic-pit
. /lab/scenarios/lib.sh
vmm --timeout 30 "$GUESTS/ioapic-level.bin"
expect_out "redir[10] low, idle: 00008040
redir[10] low, raised, IF=0: 0000c040
IRR[0x40], IF=0: 00000001
TMR[0x40], IF=0: 00000001
deliveries with IF=0: 00000000
deliveries, lowered in the third handler: 00000003
first handler: ISR[0x40]: 00000001
first handler: TMR[0x40]: 00000001
first handler: redir[10] low: 0000c040
first handler, after EOI, high: redir[10] low: 0000c040
first handler, after EOI, high: IRR[0x40]: 00000001
third handler, after lowering and EOI: redir[10] low: 00008040
third handler, after lowering and EOI: IRR[0x40]: 00000000
redir[10] low at the end: 00008040
ISR[0x40] at the end: 00000000
GSI 11 masked, raised: deliveries: 00000000
GSI 11 masked, raised: redir[11] low: 00018041
GSI 11 unmasked, still high: deliveries: 00000001
GSI 11 after its handler: redir[11] low: 00008041
GSI 12 raised and lowered while masked, unmasked: 00000000
GSI 13 raised, IF=0: redir[13] low: 0000c043
GSI 13 rewritten as edge: redir[13] low: 00000043
GSI 13 deliveries: 00000001"
expect_status 65 "EXIT_PASS"
