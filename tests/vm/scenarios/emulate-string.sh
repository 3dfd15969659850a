# SPDX-License-Identifier: GPL-2.0
# emulate-string: MOVS, STOS, LODS, CMPS and SCAS, single and with
# REP/REPE/REPNE, byte to qword, DF = 0 and DF = 1, from RAM to minivmm's
# MMIO window, from the window to RAM, inside the window (also with 67,
# 32-bit addresses), and with the destination or the source crossing the
# window's page boundary; each form once on RAM and once with the window
# in place (final/guests/emucmp.S), comparing RSI/RDI (as offsets), RCX,
# RAX, the flags and 168 bytes of the destination.  REPE CMPS meets a
# difference in each direction and REPNE SCAS finds its value, so the
# early stops are checked too.  Each line gives the hash of the results as
# the real KVM produced them; a difference prints "differs ... WRONG".
# since: 05-emulate
. /lab/scenarios/lib.sh
vmm "$GUESTS/emulate-string.bin"
expect_out "RAM to window
a4 movsb: 2 cases, hash aa0a88d79e66e961
66 a5 movsw: 2 cases, hash 012a1dc6d2b82b8d
a5 movsd: 2 cases, hash 0a7aaeaa071e1569
48 a5 movsq: 2 cases, hash bfa418869f4f2bf9
f3 a4 rep movsb: 2 cases, hash 4023ea11f9b08c91
f3 66 a5 rep movsw: 2 cases, hash 151fe2291185f161
f3 a5 rep movsd: 2 cases, hash 4c1349420f054f21
f3 48 a5 rep movsq: 2 cases, hash 8fb5a4e2617c0941
aa stosb: 2 cases, hash fbe57fdd95733123
f3 aa rep stosb: 2 cases, hash b85fa55081c257f9
f3 66 ab rep stosw: 2 cases, hash 6b6e1fc5cc6b7b31
f3 48 ab rep stosq: 2 cases, hash 6902b827a3491841
a6 cmpsb: 2 cases, hash bd291440297b6979
f3 a6 repe cmpsb: 2 cases, hash 705df3a63da17903
f2 a6 repne cmpsb: 2 cases, hash dee332c939cbc895
f3 48 a7 repe cmpsq: 2 cases, hash 61dded4e82116871
ae scasb: 2 cases, hash 89d526b7b9dbe563
f2 ae repne scasb: 2 cases, hash dedbc04b9fbe718a
f3 ae repe scasb: 2 cases, hash ae33cf411ef4eb97
f2 48 af repne scasq: 2 cases, hash 2425e953df4c0685
window to RAM
a4 movsb: 2 cases, hash aa0a88d79e66e961
f3 a4 rep movsb: 2 cases, hash 4023ea11f9b08c91
f3 66 a5 rep movsw: 2 cases, hash 151fe2291185f161
f3 a5 rep movsd: 2 cases, hash 4c1349420f054f21
f3 48 a5 rep movsq: 2 cases, hash 8fb5a4e2617c0941
ac lodsb: 2 cases, hash b330e52f5f0e79b3
48 ad lodsq: 2 cases, hash c1ddcb3cd8d92f49
f3 66 ad rep lodsw: 2 cases, hash 50ee3bd1242c4529
f3 a6 repe cmpsb: 2 cases, hash 705df3a63da17903
f3 66 a7 repe cmpsw: 2 cases, hash 6d1a4877de51ba57
window to window
48 a5 movsq: 2 cases, hash 07842f295e1727f9
f3 a4 rep movsb: 2 cases, hash 5bca0b9ee01f6891
f3 a5 rep movsd: 2 cases, hash 49c70e5dbd9c2d21
f3 48 a5 rep movsq: 2 cases, hash 1b6414ac5071c741
67 f3 a4 addr32 rep movsb: 2 cases, hash 5bca0b9ee01f6891
f3 a5 rep stosd: 2 cases, hash 03dcba158f331901
ad lodsd: 2 cases, hash 58b8bbd6d0cade21
f3 a6 repe cmpsb: 2 cases, hash 0ecefee7a6eda903
f2 a6 repne cmpsb: 2 cases, hash 908943f373ccf095
f3 48 a7 repe cmpsq: 2 cases, hash b3a972018eef0071
f2 ae repne scasb: 2 cases, hash fbd8807cb051bd8a
window to window, destination across the page
f3 a4 rep movsb: 2 cases, hash dfde771de1d2d2d1
f3 66 a5 rep movsw: 2 cases, hash 7ad8b4f111c438e1
f3 48 a5 rep movsq: 2 cases, hash 73bab5b4d9510901
f3 48 ab rep stosq: 2 cases, hash c396c0670409df41
f3 48 a7 repe cmpsq: 2 cases, hash 948a7410a4577371
f2 ae repne scasb: 2 cases, hash cd8a59af6691c04a
window to window, source across the page
f3 a4 rep movsb: 2 cases, hash 20ab587cf5228211
f3 a5 rep movsd: 2 cases, hash 4fd0044c49c6e6f1
f3 48 a5 rep movsq: 2 cases, hash b207a4fb24dae411
f3 a6 repe cmpsb: 2 cases, hash cd761f4834df5c93
f3 66 ad rep lodsw: 2 cases, hash 1d36e68d5ab9dc71"
expect_status 65 "EXIT_PASS"
