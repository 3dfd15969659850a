# SPDX-License-Identifier: GPL-2.0
# emulate-alu: ADD/OR/ADC/SBB/AND/SUB/XOR/CMP/TEST/INC/DEC/NEG/NOT, shifts
# and rotates (by 1, CL and an immediate), BT/BTS/BTR/BTC (register bit
# offsets beyond the operand, immediates), XCHG, CMPXCHG, CMPXCHG8B,
# PUSH/POP with a memory operand, with and without LOCK, at 8 to 64 bits,
# each on minivmm's MMIO window against RAM (final/guests/emucmp.S) for 5
# memory values x 5 register values x flags in clear/set = 50 cases a
# form.  The flags compared are those the SDM defines for the form.  Each
# line gives the number of cases and a hash of their results as the real
# KVM produced them; a case whose window run differs from its RAM run
# prints "differs ... WRONG" and the guest ends in EXIT_FAIL.
# CMPXCHG16B is left out: the real KVM does not emulate it (Linux 6.1
# em_cmpxchg8b() refuses a 16-byte operand with KVM_EXIT_INTERNAL_ERROR).
# since: 05-emulate
# exercise: 05.1 05.2 05.3
. /lab/scenarios/lib.sh
vmm "$GUESTS/emulate-alu.bin"
expect_out "01 add m64,r64: 50 cases, hash 416031e75c337dc5
03 add r32,m32: 50 cases, hash e86e4b4bd3ac5933
80 add m8,imm8: 50 cases, hash 3f26c840ee894029
66 83 add m16,simm8: 50 cases, hash 1fe09ee174793e81
4c 01 add m64,r11: 50 cases, hash 1a7756727067e5f1
09 or m32,r32: 50 cases, hash 1889cf10f900b96f
48 81 or m64,simm32: 50 cases, hash 0a12519b4900d2ff
48 11 adc m64,r64: 50 cases, hash 2906ff3a390b1108
10 adc m8,r8: 50 cases, hash 5cb32381e3b6c6d6
48 1b sbb r64,m64: 50 cases, hash ca926a5ed889749b
81 sbb m32,imm32: 50 cases, hash 1a036b5703f2ba34
66 21 and m16,r16: 50 cases, hash 5f826dcf450fae47
22 and dh,m8: 50 cases, hash d40cab0ff9d2f93f
48 29 sub m64,r64: 50 cases, hash 4a5a6bfef23a0d09
f0 48 83 lock sub m64,imm8: 50 cases, hash bbd0681a2456d92f
48 31 xor m64,r64: 50 cases, hash 667887ba85ef4eb5
83 xor m32,simm8: 50 cases, hash 95e6d427431d6017
48 39 cmp m64,r64: 50 cases, hash 5a5e95d8d78f5083
3b cmp r32,m32: 50 cases, hash 285ab1dae1ec72bb
80 cmp m8,imm8: 50 cases, hash 7c1fb9204b50c7f3
48 85 test m64,r64: 50 cases, hash 14cfa94ad8418a37
66 f7 test m16,imm16: 50 cases, hash 683f4f0449b930ef
48 ff inc m64: 50 cases, hash bcb467db46248aba
fe inc m8: 50 cases, hash 7885d0ea3d968ee0
ff dec m32: 50 cases, hash 0767e85a389bdc10
f0 66 ff lock dec m16: 50 cases, hash 9129e382f11c58ee
48 f7 neg m64: 50 cases, hash 620ddee279ccff7f
f6 neg m8: 50 cases, hash eca18928e0bd7da9
f7 not m32: 50 cases, hash 53244bcf49861b3a
48 f7 not m64: 50 cases, hash 35ad27e9828b20f6
48 d1 shl m64,1: 50 cases, hash d05e30fff0be50e1
d3 shr m32,cl: 50 cases, hash 4139b40a4aa59843
48 d3 sar m64,cl: 50 cases, hash fc45d7b7be30a473
c0 shl m8,imm8: 50 cases, hash d9c09f7112ce350f
66 c1 sar m16,imm8: 50 cases, hash 52333c0fc01a5297
d0 shr m8,1: 50 cases, hash 23b61d385206900f
48 d1 rol m64,1: 50 cases, hash 30803d0ffe6094fd
d3 ror m32,cl: 50 cases, hash 42fce2c284a9e763
d0 rcl m8,1: 50 cases, hash a4199c54f63416ff
48 d3 rcr m64,cl: 50 cases, hash 44e07133fb59331b
66 c1 rol m16,imm8: 50 cases, hash 7b4332cc7a0e9e8f
4c 0f a3 bt m64,r8: 50 cases, hash f2b56b295927edcf
44 0f ab bts m32,r8d: 50 cases, hash 01a92035c028588f
66 44 0f b3 btr m16,r8w: 50 cases, hash 92e6b78f3754be93
f0 4c 0f bb lock btc m64,r8: 50 cases, hash 1aba30b58e3cc463
0f ba /4 bt m32,imm8: 50 cases, hash 4d1c638fe58e9e8f
48 0f ba /5 bts m64,imm8: 50 cases, hash df57d3cdbd6d0b43
66 0f ba /7 btc m16,imm8: 50 cases, hash 4c41c6fbadb48eeb
48 87 xchg m64,r64: 50 cases, hash 958deeef277fe6f4
86 xchg m8,r8: 50 cases, hash f6033863e97bda2a
66 44 87 xchg m16,r9w: 50 cases, hash e322ff051a9b8dde
f0 48 0f b1 lock cmpxchg m64,r64: 50 cases, hash 1331ea32f54d8167
0f b1 cmpxchg m32,r32: 50 cases, hash 2cf77678daa2b0ab
0f b0 cmpxchg m8,r8: 50 cases, hash fe3caae48f850967
f0 0f c7 /1 cmpxchg8b, unequal: 50 cases, hash 2843780be68887da
0f c7 /1 cmpxchg8b, equal: 50 cases, hash ba3abef1a5be40d6
ff /6 push m64 and 8f /0 pop m64: 50 cases, hash 72749ffbb8e88510
66 ff /6 push m16 and 66 8f /0 pop m16: 50 cases, hash c92ab68c29c0e1bc"
expect_status 65 "EXIT_PASS"
