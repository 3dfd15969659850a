# SPDX-License-Identifier: GPL-2.0
# multiboot: minivmm --multiboot boots a 64-bit kernel the Multiboot v1
# way, as QEMU's -kernel does, in its three forms (one source,
# final/guests/multiboot.S): ELF64, ELF32 (the same bytes, objcopy'd) and
# a flat image with the a.out-kludge header (flag 16).  The kernel checks
# the entry state of the specification's section 3.2 (EAX = 0x2BADB002,
# protected mode, paging and interrupts off), switches itself to long mode
# and prints the boot information: command line, loader name, memory
# sizes, both modules (string, size, first line) and the memory map, with
# the PC's hole below 1 MiB.  Every form must print exactly the same.  A
# file with no multiboot header is refused before any guest runs.  Proves
# the loader and the protected-mode entry through KVM_SET_SREGS/REGS, and
# a guest switching to long mode by itself.
# since: 02-ept
. /lab/scenarios/lib.sh
printf 'hello from module\nsecond line\n' >/tmp/mb-one.txt
printf 'two' >/tmp/mb-two.txt
expected="multiboot: eax 2badb002
multiboot: cr0.pg|pe 00000001
multiboot: eflags.vm|if 00000000
multiboot: now in long mode
cmdline: console=ttyS0 minikvm=02
boot loader: minivmm
mem_lower 639 KiB, mem_upper 31744 KiB
module 0: the module string, 30 bytes: hello from module
module 1: /tmp/mb-two.txt, 3 bytes: two
mmap 0x0000000000000000 +0x000000000009fc00 type 1
mmap 0x000000000009fc00 +0x0000000000000400 type 2
mmap 0x00000000000f0000 +0x0000000000010000 type 2
mmap 0x0000000000100000 +0x0000000001f00000 type 1"
for form in elf64 elf32 aout; do
	vmm -m 32M --multiboot "$GUESTS/multiboot-$form.bin" --cmdline "console=ttyS0 minikvm=02" \
		--module "/tmp/mb-one.txt,the module string" --module /tmp/mb-two.txt
	expect_out "$expected"
	expect_status 65 "EXIT_PASS, $form"
done

vmm --multiboot "$GUESTS/hello.bin"
expect_status 2 "a kernel without a multiboot header"
expect_err_contains "hello.bin: no multiboot header (magic 0x1badb002) in the first 8192 bytes"
