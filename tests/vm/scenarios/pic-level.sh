# SPDX-License-Identifier: GPL-2.0
# pic-level: level-triggered 8259 inputs, chosen in the ELCR (ports
# 0x4d0/0x4d1), in a 32-bit guest (final/guests/pic-level.S): a line held
# high is delivered again after each EOI (3 times, until the handler
# lowers it); a level request raised and lowered before STI is gone; the
# same on an edge input is latched and delivered; the ELCR bits a PC
# cannot make level (IRQ 0, 1, 2, 8, 13) read back as 0.  Shows that the
# in-kernel PIC re-evaluates a held line at EOI, as the 8259A does.
# since: 03-irq
. /lab/scenarios/lib.sh
vmm "$GUESTS/pic-level.bin"
expect_out "elcr master: 00000020
irr with the line high: 00000020
deliveries while the line stayed high: 00000003
irr after the line dropped: 00000000
level: irr after raise and lower with IF=0: 00000000
level: deliveries after sti: 00000003
edge: irr after raise and lower with IF=0: 00000020
edge: deliveries after sti: 00000004
elcr master after writing ff: 000000f8
elcr slave after writing ff: 000000de"
expect_status 65 "EXIT_PASS"
