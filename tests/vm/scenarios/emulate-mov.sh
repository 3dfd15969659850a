# SPDX-License-Identifier: GPL-2.0
# emulate-mov: every MOV form of chapter 05's list on minivmm's MMIO RAM
# window (2 pages at 0xd0001000 that no memory slot covers, served like
# RAM by final/vmm/emudev.c), each run once on RAM and once on the window
# from the same registers and memory (final/guests/emucmp.S): 88/89/8A/8B
# at every width with AH, SIL and REX registers, C6/C7 immediates, A0-A3
# with 64-bit moffs, MOVZX/MOVSX/MOVSXD, 8C/8E, SIB with scale and index,
# no base, base R13, 67 (32-bit addresses), RIP-relative loads and stores
# (through a 2 MiB page that maps the window), FS/GS overrides, and
# 8-byte and 2-byte accesses across the window's page boundary.  The
# guest compares registers, flags and memory of the two runs itself (a
# difference prints "differs ... WRONG" and ends in EXIT_FAIL); each line
# gives a hash of the final state, as the real KVM produced it, so a
# window run that matches RAM by accident (nothing reached the window)
# fails too.  Every access to the window is a KVM_EXIT_MMIO that the
# hypervisor's emulator must decode and complete.
# since: 05-emulate
. /lab/scenarios/lib.sh
vmm "$GUESTS/emulate-mov.bin"
expect_out "88 mov m8,al: 1 cases, hash 3ce2593852257b71
88 mov m8,ah: 1 cases, hash 73c455a059257b71
40 88 mov m8,sil: 1 cases, hash 1ea7233e43cf4071
44 88 mov m8,r12b: 1 cases, hash a8d895a059257b71
66 89 mov m16,dx: 1 cases, hash 1fa295a059257b71
89 mov m32,ebp unaligned: 1 cases, hash 456a1dada6cdc371
4c 89 mov m64,r9: 1 cases, hash 3e0d8e21d713c7a6
8a mov dl,m8: 1 cases, hash 43fccc1ac798f676
8a mov ah,m8: 1 cases, hash 0440ffc62c908b71
44 8a mov r10b,m8: 1 cases, hash e499542c2e10d12e
66 44 8b mov r11w,m16: 1 cases, hash 956e2f35fe2b9178
44 8b mov r13d,m32: 1 cases, hash d111cbe1e6a8c779
48 8b mov rdi,m64: 1 cases, hash e148b04e8ccf80fd
c6 mov m8,imm8: 1 cases, hash 1b71b5a059257b71
66 c7 mov m16,imm16: 1 cases, hash a2b795a059257b71
c7 mov m32,imm32: 1 cases, hash 1f83d770701a7971
48 c7 mov m64,simm32: 1 cases, hash 77cf7bfe5d5e6389
a0 mov al,moffs64: 1 cases, hash b1c5e127bfabee62
66 a1 mov ax,moffs64: 1 cases, hash b5ba5b4abda8bcc1
48 a1 mov rax,moffs64: 1 cases, hash 5b65350545a6be76
a2 mov moffs64,al: 1 cases, hash 5a90959f38814171
a3 mov moffs64,eax: 1 cases, hash cf271ae059257b71
48 a3 mov moffs64,rax: 1 cases, hash 7cb4aa0a7d5b2c34
0f b6 movzx ecx,m8: 1 cases, hash 98acd17ce461a8fe
66 0f b6 movzx dx,m8: 1 cases, hash 27d41fae3251639a
4c 0f b6 movzx r8,m8: 1 cases, hash 8569ebd23a819332
0f b7 movzx edx,m16: 1 cases, hash f89eb3759b8e6cd8
48 0f be movsx rax,m8: 1 cases, hash 8fb517121508e69c
66 0f be movsx si,m8: 1 cases, hash d596850a19647fee
44 0f bf movsx r9d,m16: 1 cases, hash a96825c22334b21b
48 0f bf movsx rbp,m16: 1 cases, hash fbf8fe4ceff17f56
4c 63 movsxd r14,m32: 1 cases, hash 23c16fb7ff1c1cd4
48 63 movsxd rdx,m32 positive: 1 cases, hash e16a930d4010245f
8e mov es,m16 and 8c mov m16,ds: 1 cases, hash 3971ce0559257b71
8b sib base+index*8: 1 cases, hash 7b5178f3f143ce7a
89 sib disp8+index*4: 1 cases, hash 8732d02b73356db4
8a sib disp8 -1+index*2: 1 cases, hash b1c5e127bfabee62
42 8b sib index r13*4: 1 cases, hash 3db3ad841621ed3b
8b sib no base, disp32+index*8: 1 cases, hash fc649b1b5b7aee24
41 8b base r13, disp8 0: 1 cases, hash 96616855ce15c609
67 8b addr32: 1 cases, hash d0ca3ff71755038f
48 8b rip-relative load: 1 cases, hash 5b65350545a6be76
89 rip-relative store: 1 cases, hash 81ac756859257b71
66 c7 rip-relative imm16: 1 cases, hash c64a3416b3bc7b71
c6 rip-relative imm8: 1 cases, hash 54d895a059257b71
64 48 8b fs:disp32: 1 cases, hash 5b65350545a6be76
65 48 89 gs:disp32: 1 cases, hash f52e71094469c007
64 8a fs:(rcx): 1 cases, hash 635b40d227a6e120
65 0f b7 gs:disp8(,rcx,2): 1 cases, hash 2563db5e8360be76
48 8b load across a page: 1 cases, hash b2d220f4e10e735e
48 89 store across a page: 1 cases, hash 768126b849abda6d
66 89 store across a page: 1 cases, hash 14ee63a05a23157e"
expect_status 65 "EXIT_PASS"
