# SPDX-License-Identifier: GPL-2.0
# dirty-log: dirty-page logging on a 32-page slot (--slot
# 0x20000000:128K:log, KVM_MEM_LOG_DIRTY_PAGES).  The guest writes pages 0,
# 1, 5, 17 and 31 and asks minivmm for the log (control port:
# KVM_GET_DIRTY_LOG, whose bitmap has bit i for the slot's page i in 64-bit
# words): exactly those pages.  It then reads page 10 and writes pages 2, 5
# and 30: exactly 2, 5 and 30, because KVM_GET_DIRTY_LOG (without manual
# protect) returns and clears the log and write-protects the pages again,
# and a read dirties nothing.  Asked again with no write in between: none.
# Proves dirty tracking page by page, its reset on each call, and that
# reads stay out of it.
# since: 02-ept
# exercise: 02.3
. /lab/scenarios/lib.sh
vmm --slot 0x20000000:128K:log "$GUESTS/dirty-log.bin"
expect_out "minivmm: dirty pages of slot 1: 0 1 5 17 31
dirty-log: pages written: 00000005
minivmm: dirty pages of slot 1: 2 5 30
dirty-log: pages written since: 00000003
minivmm: dirty pages of slot 1: none
dirty-log: pages written since: 00000000"
expect_status 65 "EXIT_PASS"
