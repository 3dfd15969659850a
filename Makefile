# minikvm - top-level commands.  `make help` lists them.
#
#   make run    set up, build, boot the lab, run the demo guests and Linux on minikvm
#   make test   set up, build, run every test; ends with "N passed, N failed"
#   make test KERNEL=debug   final/'s scenarios (svm) on a debug build of the
#               lab kernel (KASAN, lockdep, kmemleak, UBSAN, ...), built once

ARCH ?= svm
TARGET ?= minikvm kvm
SCENARIO ?=
TREE ?= final
# What runs the lab's guest (tests/vm/accel): auto = the host's KVM for the
# path of its own CPU where it runs nested guests, the emulators elsewhere;
# tcg = the emulators only (QEMU TCG for svm, Bochs for vmx); kvm = like
# auto, but an error where the host's KVM cannot.  tests/vm/lab reads it.
ACCEL ?= auto
export LAB_ACCEL = $(ACCEL)
# KERNEL=debug: make test (and setup) for the lab's debug kernel
# (scripts/build-debug-kernel, scripts/test-debug) instead of the usual run.
KERNEL ?=
ifneq ($(filter-out debug,$(KERNEL)),)
$(error KERNEL=$(KERNEL): the only other kernel is KERNEL=debug)
endif

.DEFAULT_GOAL := help

help:
	@echo "make run            set up, build, boot the QEMU lab, run the demo guests, boot Linux on them"
	@echo "make run-vmx        the same in the Bochs lab (VMX; minutes)"
	@echo "make test           set up, build, run every test (unit, chapters, both emulator paths)"
	@echo "make test KERNEL=debug   final/'s scenarios (svm) on the lab kernel rebuilt with KASAN,"
	@echo "                    lockdep, kmemleak, UBSAN, ... (built once, an hour or more; not in make test)"
	@echo "make setup          install packages and the lab kernel (apt-get; root or sudo)"
	@echo "make build          build final/ (modules, minivmm, guests) and every chapter"
	@echo "make unit           Criterion unit tests"
	@echo "make lab            all scenarios on ARCH=\"$(ARCH)\" (svm = QEMU, vmx = Bochs)"
	@echo "                    one scenario: make lab ARCH=svm TARGET=kvm SCENARIO=hello"
	@echo "make lab-selftest   the lab's own checks (host-clean patterns, oracle, watchdog), no emulator"
	@echo "make lab-cmd        print the emulator command line of each path of ARCH, run nothing"
	@echo "                    ACCEL=auto|tcg|kvm (any lab target): KVM where the host runs nested guests"
	@echo "make bench          benchmarks (exits, interrupts, timer, IPIs), minikvm vs the real KVM, ARCH=\"svm vmx\""
	@echo "make fuzz           the ioctl fuzzer, long: 10^6 ioctls a target on svm, 10^5 on vmx; ARCH= one path (docs/reliability.md)"
	@echo "make soak           8 VMs x 2 vCPUs, 1,000 lives and 1,000 kill -9s of the VMM a target (docs/reliability.md)"
	@echo "make trace SCENARIO=memslots  every VM exit of one scenario, drawn over time by reason,"
	@echo "                    minikvm and KVM: build/trace/*.svg (TREE=, ARCH=, TARGET=; docs/trace.md)"
	@echo "make shell          interactive shell inside the QEMU lab (ARCH=svm); in it,"
	@echo "                    linux-shell boots Linux on minikvm and gives you its shell"
	@echo "make gdb            GDB on the modules in the QEMU lab, stopped in svm_vcpu_run (docs/gdb.md)"
	@echo "                    a chapter: make gdb TREE=chapters/01-vmx-on; another guest: GUEST=spin"
	@echo "                    minivmm options: make gdb GUEST=apic-ipi VMM_ARGS=\"--smp 2\""
	@echo "make handout CHAPTER=03-irq [OUT=dir]   a student's tree: the chapter's graded exercises as stubs"
	@echo "make grade [CHAPTER=03-irq] [SUBMISSIONS=dir]   grade the exercises (full tree: full marks)"
	@echo "make chapters       regenerate chapters/ from final/"
	@echo "make check-chapters fail if chapters/ is stale"
	@echo "make docs           Doxygen HTML of final/ and every chapter: build/docs/<tree>/html"
	@echo "make install        = make dkms-install"
	@echo "make dkms-install   real hardware: build and install the modules with DKMS for the running"
	@echo "                    kernel (KREL=...: another one); docs/real-hardware.md"
	@echo "make dkms-remove    uninstall them"
	@echo "make dkms-check     build them through DKMS for the lab kernel into build/dkms/, install nothing"

setup:
	@scripts/setup $(if $(KERNEL),--debug-kernel)

build: setup
	@$(MAKE) -s -C final all
	@for c in chapters/*/; do $(MAKE) -s -C $$c all || exit 1; done

unit: setup
	@$(MAKE) -s -C tests/unit test

lab: setup
	@$(MAKE) -s -C $(TREE) all
	tests/vm/lab --tree $(TREE) --arch "$(ARCH)" --targets "$(TARGET)" \
		$(if $(SCENARIO),--scenarios "$(SCENARIO)")

lab-selftest:
	@tests/vm/selftest

lab-cmd:
	@tests/vm/lab --tree $(TREE) --arch "$(ARCH)" --print-cmd

shell: setup
	@$(MAKE) -s -C $(TREE) all
	tests/vm/lab --tree $(TREE) --arch svm --shell

gdb: setup
	@$(MAKE) -s -C $(TREE) all
	@tests/vm/lab --tree $(TREE) --gdb $(if $(GUEST),--guest $(GUEST)) \
		$(if $(VMM_ARGS),--vmm-args "$(VMM_ARGS)")

bench: setup
	@$(MAKE) -s -C $(TREE) all
	tests/vm/lab --tree $(TREE) --arch "$(if $(filter command line,$(origin ARCH)),$(ARCH),svm vmx)" --bench

# The ioctl fuzzer's long run (tests/fuzz, docs/reliability.md): the
# fuzz-long scenario on both targets of both paths, 10^6 random ioctls a
# target on svm (QEMU), 10^5 on vmx (Bochs); ARCH=svm or ARCH=vmx runs one.
# Both run for longer than the lab's default cap on a boot (1800 s on
# svm): LAB_CAP_S lifts it; the watchdog still ends a boot whose serial
# output stops (init's heartbeat goes on while a scenario runs).
LONG_CAP_S ?= 30000

fuzz: setup
	@$(MAKE) -s -C final all
	LAB_CAP_S=$(LONG_CAP_S) tests/vm/lab --tree final --arch "$(if $(filter command line,$(origin ARCH)),$(ARCH),svm vmx)" \
		--scenarios fuzz-long

# The soak (tests/fuzz/soak.c, docs/reliability.md): 1,000 VM lives and
# 1,000 VMMs killed with SIGKILL per target, 8 VMs x 2 vCPUs at a time,
# on the svm path by default (ARCH=vmx: Bochs, hours).
soak: setup
	@$(MAKE) -s -C final all
	LAB_CAP_S=$(LONG_CAP_S) tests/vm/lab --tree final --arch "$(if $(filter command line,$(origin ARCH)),$(ARCH),svm)" \
		--scenarios soak-long

# One scenario with every VM exit recorded, on each target, drawn by
# scripts/trace with gnuplot into build/trace/.
trace: setup
	@$(MAKE) -s -C $(TREE) all
	@scripts/trace --tree $(TREE) --arch "$(ARCH)" --targets "$(TARGET)" $(SCENARIO)

run: setup
	@$(MAKE) -s -C final all
	@tests/vm/lab --tree final --arch svm --demo

# The same on the VMX path, in Bochs: minutes, not seconds.
run-vmx: setup
	@$(MAKE) -s -C final all
	@tests/vm/lab --tree final --arch vmx --demo

test: setup
	@$(if $(KERNEL),scripts/test-debug,scripts/test-all)

# For lecturers: a student's tree of one chapter, with the chapter's
# graded exercises as stubs; grading the full tree (every chapter, or
# CHAPTER=), or a folder of submissions (one handout tree, or just its
# chapters/NN-name, per student): one line per student.
handout: setup
	@scripts/handout $(if $(CHAPTER),$(CHAPTER),$(error make handout CHAPTER=NN-name [OUT=dir])) $(OUT)

grade: setup
ifneq ($(SUBMISSIONS),)
	@[ -n "$(CHAPTER)" ] || { echo "make grade SUBMISSIONS=dir CHAPTER=NN-name"; exit 2; }; \
	for s in $(SUBMISSIONS)/*/; do \
		t=$${s}chapters/$(CHAPTER); [ -d "$$t" ] || t=$$s; \
		scripts/grade --tree "$$t" --name "$$(basename $$s)" --arch $(ARCH) 2>&1 | tail -n 1; \
	done
else
	@rc=0; for c in $(if $(CHAPTER),chapters/$(CHAPTER),chapters/*); do \
		scripts/grade --tree $$c --arch $(ARCH) || rc=1; echo; \
	done; exit $$rc
endif

chapters:
	@scripts/gen-chapters

check-chapters:
	@scripts/gen-chapters --check

docs: setup
	@scripts/docs

# Real hardware (docs/real-hardware.md): DKMS builds the modules of
# $(TREE) for the running kernel, and again after each kernel update.
install: dkms-install

dkms-install:
	@scripts/dkms install --tree $(TREE) $(if $(KREL),--kernel $(KREL))

dkms-remove:
	@scripts/dkms remove

dkms-check:
	@scripts/dkms check --tree $(TREE)

.PHONY: help setup build unit lab lab-selftest lab-cmd shell gdb bench fuzz soak trace run run-vmx test \
	chapters check-chapters docs handout grade install dkms-install dkms-remove dkms-check
