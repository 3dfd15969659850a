# SPDX-License-Identifier: GPL-2.0
# emulate-modes: MMIO instructions on minivmm's window against RAM in the
# modes the long-mode guests leave out: 32-bit protected mode (MOV at
# three widths, MOVSX, ADD, SBB, BTS, SHL, LOCK CMPXCHG, CMPXCHG8B, XCHG,
# MOVSD, REP MOVSB, REP STOSD) and real mode, where the window is reached
# in "unreal" mode (DS/ES keep a 4 GiB limit from protected mode) with
# 67-prefixed 32-bit addresses (MOV, 66 MOV, MOVZX, ADD, ADC, NEG, MOVSW,
# REP MOVSB).  Each form runs once on RAM and once on the window; the
# guest compares the 8 registers, the flags and 16 bytes (a difference
# prints "differs ... WRONG"); each line carries the hash of the result
# as the real KVM produced it.  The emulator's decoding defaults differ
# by mode (16-bit operands and addresses in real mode, 32 in protected
# mode), which the long-mode guests cannot show.
# since: 05-emulate
. /lab/scenarios/lib.sh
vmm "$GUESTS/emulate-modes.bin"
expect_out "32-bit: 89 mov m32,r32: equal, hash 180696fb
32-bit: 66 8b mov r16,m16: equal, hash 5df5341b
32-bit: 8a mov ah,m8: equal, hash d094e250
32-bit: 0f bf movsx r32,m16: equal, hash ff901a45
32-bit: 81 add m32,imm32: equal, hash a2a3c355
32-bit: 19 sbb m32,r32: equal, hash f95861d4
32-bit: 0f ab bts m32,r32: equal, hash d57ac221
32-bit: d3 shl m32,cl: equal, hash 83b2de35
32-bit: f0 0f b1 lock cmpxchg: equal, hash 1e165e04
32-bit: 0f c7 cmpxchg8b: equal, hash c8531cbc
32-bit: 87 xchg m32,r32: equal, hash 0dad5e68
32-bit: a5 movsd: equal, hash ef72e788
32-bit: f3 a4 rep movsb: equal, hash c1f123e7
32-bit: f3 ab rep stosd: equal, hash 1f9e0bf3
real mode: 67 89 mov m16,r16: equal, hash 3f88cffa
real mode: 67 66 8b mov r32,m32: equal, hash dbc8e23e
real mode: 67 0f b6 movzx r16,m8: equal, hash e9816ad3
real mode: 67 81 add m16,imm16: equal, hash cb812956
real mode: 67 11 adc m16,r16: equal, hash 294b4d6a
real mode: 67 f7 neg m16: equal, hash 298a896b
real mode: 67 a5 movsw (esi, edi): equal, hash 80300d56
real mode: 67 f3 a4 rep movsb (ecx 3): equal, hash 2cd67b29"
expect_status 65 "EXIT_PASS"
