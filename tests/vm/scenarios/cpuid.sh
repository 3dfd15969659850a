# SPDX-License-Identifier: GPL-2.0
# cpuid: minivmm gives the vCPU the CPUID that KVM_GET_SUPPORTED_CPUID
# reports, through KVM_SET_CPUID2, after setting the hypervisor bit (KVM
# leaves it clear; QEMU sets it too) and clearing VMX/SVM (no nested
# virtualization).  The guest reads leaves 0, 1 and 0x80000001 from real
# mode: it sees the real vendor, hypervisor=1, vmx=0, svm=0, and leaves
# with code 0x30 (status 97).  Proves that CPUID exits to the hypervisor
# and is answered from the table userspace set.
# since: 01-vmx-on
# exercise: 01.1
. /lab/scenarios/lib.sh
case $ARCH in
svm)	vendor=AuthenticAMD ;;	# QEMU TCG's -cpu max
vmx)	vendor=GenuineIntel ;;	# Bochs corei7_skylake_x
esac
vmm "$GUESTS/cpuid.bin"
expect_out "vendor=$vendor hypervisor=1 vmx=0 svm=0"
expect_status 97 "CPUID_EXIT_CODE 0x30 with no CPUID_BAD_* bit"
