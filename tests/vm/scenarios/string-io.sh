# SPDX-License-Identifier: GPL-2.0
# string-io: INS and OUTS on minivmm's FIFO ports (final/vmm/emudev.c:
# 0xe0 gives the byte sequence k * 29 + 0x5a + (k >> 8) from the k written
# to it, 0xe4 logs what it is sent, 0xe8 gives the log's FNV-1a hash) and
# on COM1: REP INSW and REP OUTSB in real mode (16-bit DI/SI/CX), REP INSD
# and REP OUTSW in 32-bit protected mode, and in long mode single
# INSB/W/D and OUTSB/W/D, REP with counts up to 700, DF = 1, destinations
# and sources that cross a page, and a count of 0.  The guest checks every
# byte it received, the length and hash of what it sent, how far RDI/RSI
# moved and RCX, and prints each; a REP INS/OUTS reaches userspace as
# KVM_EXIT_IO with count > 1 (the traces show the batches).
# since: 05-emulate
. /lab/scenarios/lib.sh
vmm "$GUESTS/string-io.bin"
expect_out "real mode: rep outsb to COM1
real mode rep insw x16: wrong bytes 0000000000000000
real mode rep insw x16: di 000000000000f020
real mode rep insw x16: cx 0000000000000000
32-bit rep insd x25: wrong bytes 0000000000000000
32-bit rep insd x25: edi 0000000000030064
32-bit rep insd x25: ecx 0000000000000000
32-bit rep outsw x13: bytes logged 000000000000001a
32-bit rep outsw x13: log hash off by 0000000000000000
32-bit rep outsw x13: esi 000000000022011a
insb: wrong bytes 0000000000000000
insb: rdi moved by 0000000000000001
insb: rcx 0000000000000001
insw: wrong bytes 0000000000000000
insw: rdi moved by 0000000000000002
insw: rcx 0000000000000001
insd: wrong bytes 0000000000000000
insd: rdi moved by 0000000000000004
insd: rcx 0000000000000001
rep insb x37: wrong bytes 0000000000000000
rep insb x37: rdi moved by 0000000000000025
rep insb x37: rcx 0000000000000000
rep insw x20: wrong bytes 0000000000000000
rep insw x20: rdi moved by 0000000000000028
rep insw x20: rcx 0000000000000000
rep insd x300 across a page: wrong bytes 0000000000000000
rep insd x300 across a page: rdi moved by 00000000000004b0
rep insd x300 across a page: rcx 0000000000000000
std rep insb x9: wrong bytes 0000000000000000
std rep insb x9: rdi moved by fffffffffffffff7
std rep insb x9: rcx 0000000000000000
std rep insw x10: wrong bytes 0000000000000000
std rep insw x10: rdi moved by ffffffffffffffec
std rep insw x10: rcx 0000000000000000
std rep insd x100 across a page: wrong bytes 0000000000000000
std rep insd x100 across a page: rdi moved by fffffffffffffe70
std rep insd x100 across a page: rcx 0000000000000000
rep insb x0: wrong bytes 0000000000000000
rep insb x0: rdi moved by 0000000000000000
rep insb x0: rcx 0000000000000000
outsb: bytes logged 0000000000000001
outsb: log hash off by 0000000000000000
outsb: rsi moved by 0000000000000001
outsb: rcx 0000000000000001
outsw: bytes logged 0000000000000002
outsw: log hash off by 0000000000000000
outsw: rsi moved by 0000000000000002
outsw: rcx 0000000000000001
outsd: bytes logged 0000000000000004
outsd: log hash off by 0000000000000000
outsd: rsi moved by 0000000000000004
outsd: rcx 0000000000000001
rep outsb x50: bytes logged 0000000000000032
rep outsb x50: log hash off by 0000000000000000
rep outsb x50: rsi moved by 0000000000000032
rep outsb x50: rcx 0000000000000000
rep outsw x33: bytes logged 0000000000000042
rep outsw x33: log hash off by 0000000000000000
rep outsw x33: rsi moved by 0000000000000042
rep outsw x33: rcx 0000000000000000
rep outsd x700 across a page: bytes logged 0000000000000af0
rep outsd x700 across a page: log hash off by 0000000000000000
rep outsd x700 across a page: rsi moved by 0000000000000af0
rep outsd x700 across a page: rcx 0000000000000000
std rep outsb x17: bytes logged 0000000000000011
std rep outsb x17: log hash off by 0000000000000000
std rep outsb x17: rsi moved by ffffffffffffffef
std rep outsb x17: rcx 0000000000000000
std rep outsd x64 across a page: bytes logged 0000000000000100
std rep outsd x64 across a page: log hash off by 0000000000000000
std rep outsd x64 across a page: rsi moved by ffffffffffffff00
std rep outsd x64 across a page: rcx 0000000000000000
rep outsw x0: bytes logged 0000000000000000
rep outsw x0: log hash off by 0000000000000000
rep outsw x0: rsi moved by 0000000000000000
rep outsw x0: rcx 0000000000000000
long mode: rep outsb to COM1"
expect_status 65 "EXIT_PASS"
