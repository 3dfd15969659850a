# minikvm, chapter @CHAPTER@: a student's handout (made by `make handout`
# in the minikvm tree).  The chapter's graded exercises are stubs here:
# chapters/@CHAPTER@/exercises/ says what to write, `make grade` checks it.

TREE := chapters/@CHAPTER@
ARCH ?= svm

.DEFAULT_GOAL := help

help:
	@echo "make setup   install packages and the lab kernel (apt-get; root or sudo)"
	@echo "make build   build the chapter: modules, minivmm, guests"
	@echo "make grade   the graded exercises' checks: unit tests, then the chapter's"
	@echo "             tagged scenarios in the QEMU lab; a table of points"
	@echo "make unit    the unit tests of the exercises"
	@echo "make test    build, unit tests, and every scenario of the chapter (ARCH=$(ARCH))"
	@echo "make lab SCENARIO=name   one scenario, minikvm and the real KVM"
	@echo "make gdb     GDB on the modules in the QEMU lab (docs/gdb.md)"

setup:
	@scripts/setup

build: setup
	@$(MAKE) -s -C $(TREE) all

grade: build
	@scripts/grade --tree $(TREE) --arch $(ARCH)

unit:
	@$(MAKE) -s -C tests/unit tree TREE=$(CURDIR)/$(TREE) O=$(CURDIR)/build/unit \
		SWITCHES="$$(awk '!/^#/ && NF && $$1 != "files" && $$1 != "until" { for (i = 2; i <= NF; i++) printf "%s ", $$i; if ($$1 == "@CHAPTER@") exit }' scripts/chapters.conf)" \
		TESTS="$$(cd tests/unit && ls test_*.c | tr '\n' ' ')"
	@build/unit/unit-tests-tree

test: build unit
	@tests/vm/lab --tree $(TREE) --arch "$(ARCH)"

lab: build
	@tests/vm/lab --tree $(TREE) --arch "$(ARCH)" $(if $(SCENARIO),--scenarios "$(SCENARIO)")

gdb: build
	@tests/vm/lab --tree $(TREE) --gdb $(if $(GUEST),--guest $(GUEST))

.PHONY: help setup build grade unit test lab gdb
