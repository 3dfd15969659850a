# The chapter switches of final/: everything on.  Chapter trees are
# generated without this file (scripts/gen-chapters), their Kbuild lines
# already resolved.
CONFIG_MINIKVM_MMU := y
CONFIG_MINIKVM_IRQCHIP := y
CONFIG_MINIKVM_LAPIC := y
CONFIG_MINIKVM_EMULATE := y
CONFIG_MINIKVM_FINAL := y
