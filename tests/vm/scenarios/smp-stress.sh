# SPDX-License-Identifier: GPL-2.0
# smp-stress: four vCPUs at once (minivmm --smp 4 -m 128M, final/guests/
# smp-stress.S): each writes into 1000 pages it had not touched (nested
# page faults on four vCPUs concurrently) and sends 1000 fixed IPIs
# around the ring, each only once the previous one was taken (so none may
# merge with another); every IPI sent must arrive (sent == received, none
# lost), and every page must hold what was written.
# since: 04-apic-pit
. /lab/scenarios/lib.sh
vmm --smp 4 -m 128M --timeout 100 "$GUESTS/smp-stress.bin"
expect_out "CPU 0: sent 1000, received 1000, lost 0, pages written 1000
CPU 1: sent 1000, received 1000, lost 0, pages written 1000
CPU 2: sent 1000, received 1000, lost 0, pages written 1000
CPU 3: sent 1000, received 1000, lost 0, pages written 1000"
expect_status 65 "EXIT_PASS"
