# SPDX-License-Identifier: GPL-2.0
"""GDB helpers for minikvm: look at a hypervisor the way its hardware does.

Loaded by `make gdb` (tests/vm/gdb-session), or by hand:

    (gdb) source scripts/gdb/minikvm.py
    (gdb) set minikvm-tree final          # the tree whose headers name things

Commands (`help minikvm-vmcb` etc. for details):

    minikvm-vmcb [VCPU] [FIELD...]   the VMCB of a vCPU, field by field (SVM)
    minikvm-vmcs [VCPU] [FIELD...]   the VMCS fields minikvm-intel last read or wrote (VMX)
    minikvm-exit-reason CODE [svm|vmx]   the name of an exit code
    minikvm-walk [gva|gpa] ADDR [VCPU]   walk the guest's page tables and the NPT/EPT

Convenience functions: $minikvm_exit_name(CODE), $minikvm_vcpu(), $minikvm_vmcb().

VCPU is optional: by default the helpers take the `vcpu` (or `svm`, `vmx`)
of the selected frame or of a caller, else the last vCPU they used.  A
small number N means vCPU N of that vCPU's VM; anything else is a C
expression for a struct kvm_vcpu *, struct vcpu_svm * or struct vcpu_vmx *.

Everything about a layout comes from the module's debug information (struct
vmcb, struct vcpu_vmx, enum vmcs_field) or from the tree's headers (exit
codes in svm/vmcb.h and vmx/vmcs.h, the bits #defined under each VMCB
field), so the helpers follow the code of whichever chapter is loaded.
docs/gdb.md is the guide.
"""

import fnmatch
import os
import re

import gdb

# ---------------------------------------------------------------------------
# Architectural names (Intel SDM Vol. 3A 2.5 and 6.3.1; AMD APM Vol. 2 3.1)
# ---------------------------------------------------------------------------

EXCEPTIONS = ["DE", "DB", "NMI", "BP", "OF", "BR", "UD", "NM", "DF", "09", "TS",
              "NP", "SS", "GP", "PF", "15", "MF", "AC", "MC", "XM", "VE", "CP"]

CR0_BITS = {0: "PE", 1: "MP", 2: "EM", 3: "TS", 4: "ET", 5: "NE", 16: "WP",
            18: "AM", 29: "NW", 30: "CD", 31: "PG"}
CR4_BITS = {0: "VME", 1: "PVI", 2: "TSD", 3: "DE", 4: "PSE", 5: "PAE", 6: "MCE",
            7: "PGE", 8: "PCE", 9: "OSFXSR", 10: "OSXMMEXCPT", 11: "UMIP",
            12: "LA57", 13: "VMXE", 14: "SMXE", 16: "FSGSBASE", 17: "PCIDE",
            18: "OSXSAVE", 20: "SMEP", 21: "SMAP", 22: "PKE"}
EFER_BITS = {0: "SCE", 8: "LME", 10: "LMA", 11: "NXE", 12: "SVME", 14: "FFXSR"}
RFLAGS_BITS = {0: "CF", 2: "PF", 4: "AF", 6: "ZF", 7: "SF", 8: "TF", 9: "IF",
               10: "DF", 11: "OF", 14: "NT", 16: "RF", 17: "VM", 18: "AC", 21: "ID"}
# Page-table entries (SDM Vol. 3A 4.5, Table 4-15 ff.; APM Vol. 2 5.4) and
# NPT entries, which have the same format (APM 15.25.5).
PTE_BITS = {0: "P", 1: "RW", 2: "US", 3: "PWT", 4: "PCD", 5: "A", 6: "D",
            7: "PS", 8: "G", 63: "NX"}
# EPT entries (SDM Vol. 3C 29.3.2, Tables 29-1..29-6); bits 5:3 are the
# memory type of a leaf.
EPT_BITS = {0: "R", 1: "W", 2: "X", 6: "IPAT", 7: "PS", 8: "A", 9: "D", 10: "XU"}

ADDR_MASK = ((1 << 52) - 1) & ~0xfff	# bits 51:12 of an entry
DEFAULT_PAGE_OFFSET = 0xffff888000000000	# x86-64 direct map without KASLR
DEFAULT_VMEMMAP = 0xffffea0000000000		# struct page array without KASLR


def bits(value, names):
    """'PE NE PG' for the set bits of value that have a name."""
    return " ".join(n for b, n in sorted(names.items()) if value >> b & 1)


# ---------------------------------------------------------------------------
# The tree and its headers
# ---------------------------------------------------------------------------

class TreeParameter(gdb.Parameter):
    """The minikvm tree (final/ or chapters/NN-name/) whose headers name
    exit codes and VMCB bits.  Empty: the tree the loaded modules were
    built from (their debug information says), else the final/ next to
    this script.  `make gdb` sets it."""

    set_doc = "Set the minikvm tree whose headers name things."
    show_doc = "Show the minikvm tree whose headers name things."

    def __init__(self):
        super().__init__("minikvm-tree", gdb.COMMAND_DATA, gdb.PARAM_OPTIONAL_FILENAME)
        self.value = ""

    def get_set_string(self):
        return ""

    def get_show_string(self, svalue):
        return "minikvm tree: " + (tree_dir() or "(none found)")


TREE = TreeParameter()


def tree_dir():
    """The tree's top directory, or None."""
    if TREE.value:
        return os.path.abspath(os.path.expanduser(TREE.value))
    for func, rel in (("vcpu_enter_guest", "arch/x86/kvm/x86.c"),
                      ("svm_vcpu_run", "arch/x86/kvm/svm/svm.c"),
                      ("vmx_vcpu_run", "arch/x86/kvm/vmx/vmx.c")):
        try:
            sym = gdb.lookup_static_symbol(func)
        except gdb.error:
            sym = None
        if sym is not None and sym.symtab is not None:
            path = sym.symtab.fullname()
            if path.endswith(rel):
                return path[:-len(rel)].rstrip("/")
    here = os.path.dirname(os.path.abspath(__file__))
    final = os.path.normpath(os.path.join(here, "..", "..", "final"))
    return final if os.path.isdir(final) else None


_header_cache = {}


def header(rel):
    """The lines of a header of the tree, cached until the file changes."""
    top = tree_dir()
    if top is None:
        raise gdb.GdbError("minikvm: no tree found: set minikvm-tree DIR")
    path = os.path.join(top, rel)
    try:
        mtime = os.stat(path).st_mtime
    except OSError:
        raise gdb.GdbError("minikvm: %s not found: set minikvm-tree DIR" % path)
    cached = _header_cache.get(path)
    if cached is None or cached[0] != mtime:
        with open(path) as f:
            cached = (mtime, f.read().splitlines())
        _header_cache[path] = cached
    return cached[1]


NUMBER = r"(0x[0-9a-fA-F]+|\d+)[uUlL]*"


def defines(rel, prefix):
    """{value: NAME} of the `#define PREFIXNAME number` lines of a header."""
    out = {}
    pat = re.compile(r"^#define\s+%s(\w+)\s+%s\b" % (prefix, NUMBER))
    for line in header(rel):
        m = pat.match(line)
        if m:
            out.setdefault(int(m.group(2), 0), m.group(1))
    return out


def field_bits(rel):
    """{field: {bit: NAME}} from a header where the bits of a struct field
    are #defined right under it as BIT(n), as vmcb.h does."""
    out = {}
    field = None
    fpat = re.compile(r"^\s+(?:u8|u16|u32|u64|struct \w+)\s+(\w+)(?:\[[^]]*\])?;")
    bpat = re.compile(r"^#define\s+(\w+)\s+BIT(?:_ULL)?\((\d+)\)")
    for line in header(rel):
        m = fpat.match(line)
        if m:
            field = m.group(1)
            continue
        m = bpat.match(line)
        if m and field:
            out.setdefault(field, {})[int(m.group(2))] = m.group(1)
        elif line.startswith("}"):
            field = None
    return out


VMCB_H = "arch/x86/kvm/svm/vmcb.h"
VMCS_H = "arch/x86/kvm/vmx/vmcs.h"


# ---------------------------------------------------------------------------
# Exit reasons
# ---------------------------------------------------------------------------

def svm_exit_name(code):
    """SVM EXITCODE -> 'SVM_EXIT_IOIO' (AMD APM Vol. 2, Appendix C)."""
    code &= 0xffffffff	# VMEXIT_INVALID is -1; QEMU writes its low half
    names = defines(VMCB_H, "SVM_EXIT_")
    base = {n: v for v, n in names.items()}
    if code in names and names[code] not in ("READ_CR0", "EXCP_BASE"):
        return "SVM_EXIT_" + names[code]
    rd_cr = base.get("READ_CR0", 0)
    excp = base.get("EXCP_BASE", 0x40)
    # Table C-1: CR reads 0x00-0x0f, CR writes 0x10-0x1f, DR reads
    # 0x20-0x2f, DR writes 0x30-0x3f, exceptions 0x40-0x5f.
    if rd_cr <= code < rd_cr + 0x40:
        kind = ("READ_CR", "WRITE_CR", "READ_DR", "WRITE_DR")[(code - rd_cr) >> 4]
        return "SVM_EXIT_%s%d" % (kind, (code - rd_cr) & 15)
    if excp <= code < excp + 32:
        vec = code - excp
        mnem = EXCEPTIONS[vec] if vec < len(EXCEPTIONS) else str(vec)
        return "SVM_EXIT_EXCP_BASE + %d (#%s)" % (vec, mnem)
    return None


def vmx_exit_name(reason):
    """VMX exit reason -> 'EXIT_REASON_IO_INSTRUCTION' (SDM Vol. 3D, App. C);
    bit 31 set means the VM entry failed (SDM 28.8)."""
    names = defines(VMCS_H, "EXIT_REASON_")
    basic = reason & 0xffff
    name = names.get(basic)
    name = "EXIT_REASON_" + name if name else None
    if reason & (1 << 31):
        return "VM-entry failure, " + (name or "basic reason %d" % basic)
    return name


def exit_name(code, isa=None):
    """The name of an exit code of the loaded vendor (or of isa)."""
    isa = isa or current_isa()
    if isa == "vmx":
        return vmx_exit_name(code)
    if isa == "svm":
        return svm_exit_name(code)
    s, v = svm_exit_name(code), vmx_exit_name(code)
    return " or ".join(x for x in ("svm: %s" % s if s else None,
                                    "vmx: %s" % v if v else None) if x) or None


def has_type(name):
    try:
        gdb.lookup_type(name)
        return True
    except gdb.error:
        return False


def current_isa():
    """'svm' or 'vmx': the vendor module that registered with the core,
    else the one whose symbols are loaded; None if neither or both."""
    try:
        name = gdb.parse_and_eval("kvm_x86_ops.name")
        if int(name):
            name = name.string()
            if name.endswith("-amd"):
                return "svm"
            if name.endswith("-intel"):
                return "vmx"
    except (gdb.error, gdb.MemoryError):
        pass
    svm, vmx = has_type("struct vcpu_svm"), has_type("struct vcpu_vmx")
    if svm != vmx:
        return "svm" if svm else "vmx"
    return None


# ---------------------------------------------------------------------------
# Finding the vCPU
# ---------------------------------------------------------------------------

def vcpu_type():
    return gdb.lookup_type("struct kvm_vcpu").pointer()


def container(vcpu, outer):
    """The struct `outer` (vcpu_svm, vcpu_vmx) around a struct kvm_vcpu *."""
    t = gdb.lookup_type(outer)
    off = next(f.bitpos // 8 for f in t.fields() if f.name == "vcpu")
    return gdb.Value(int(vcpu) - off).cast(t.pointer())


def as_vcpu(val):
    """A struct kvm_vcpu * from a vCPU-ish value."""
    t = val.type.strip_typedefs()
    if t.code == gdb.TYPE_CODE_PTR:
        target = t.target().strip_typedefs()
        if target.code == gdb.TYPE_CODE_STRUCT and target.tag in ("vcpu_svm", "vcpu_vmx"):
            return val.dereference()["vcpu"].address
        if target.code == gdb.TYPE_CODE_STRUCT and target.tag == "kvm_vcpu":
            return val
    if t.code == gdb.TYPE_CODE_STRUCT and t.tag in ("vcpu_svm", "vcpu_vmx"):
        return val["vcpu"].address
    if t.code == gdb.TYPE_CODE_STRUCT and t.tag == "kvm_vcpu":
        return val.address
    return val.cast(vcpu_type())


def frame_vcpu():
    """The vcpu of the selected frame or of the nearest caller, or None."""
    try:
        frame = gdb.selected_frame()
    except gdb.error:
        return None
    while frame is not None:
        for name in ("vcpu", "svm", "vmx"):
            try:
                val = frame.read_var(name)
            except (ValueError, gdb.error, RuntimeError):
                continue
            if val.is_optimized_out:
                continue
            try:
                v = as_vcpu(val)
                if int(v):
                    return v
            except gdb.error:
                continue
        try:
            frame = frame.older()
        except gdb.error:
            frame = None
    return None


def find_vcpu(arg):
    """The vCPU an argument names (see the module's help), as a
    struct kvm_vcpu *, remembered in $minikvm_vcpu_last."""
    arg = (arg or "").strip()
    here = frame_vcpu()
    if here is None:
        last = gdb.convenience_variable("minikvm_vcpu_last")
        here = last if last is not None and int(last) else None
    if not arg:
        if here is None:
            raise gdb.GdbError("minikvm: no vCPU here: stop in the run loop "
                               "(break svm_vcpu_run) or name one")
        vcpu = here
    elif re.fullmatch(r"\d+", arg) and int(arg) < 64:
        if here is None:
            raise gdb.GdbError("minikvm: vCPU %s of which VM? No vCPU in the frames" % arg)
        kvm = here["kvm"]
        if int(arg) >= int(kvm["created_vcpus"]):
            raise gdb.GdbError("minikvm: the VM has %d vCPUs" % int(kvm["created_vcpus"]))
        vcpu = kvm["vcpus"][int(arg)]
    else:
        vcpu = as_vcpu(gdb.parse_and_eval(arg))
    gdb.set_convenience_variable("minikvm_vcpu_last", vcpu)
    return vcpu


def check_vendor(vcpu_arg, want):
    """Refuse to read a vCPU as the other vendor's: minikvm-vmcs on an SVM
    vCPU would print garbage.  An expression typed as the wanted vendor's
    struct is taken at its word."""
    if vcpu_arg and not re.fullmatch(r"\d+", vcpu_arg):
        t = gdb.parse_and_eval(vcpu_arg).type.strip_typedefs()
        if t.code == gdb.TYPE_CODE_PTR:
            t = t.target().strip_typedefs()
        if t.code == gdb.TYPE_CODE_STRUCT and t.tag == want:
            return
    isa = current_isa()
    other = {"vcpu_svm": "vmx", "vcpu_vmx": "svm"}[want]
    if isa == other:
        raise gdb.GdbError("minikvm: the loaded vendor module is minikvm-%s: its vCPUs have %s" % (
            "intel" if other == "vmx" else "amd",
            "a VMCS (minikvm-vmcs)" if other == "vmx" else "a VMCB (minikvm-vmcb)"))


def split_vcpu_arg(argv, is_field):
    """(vcpu argument, field patterns): the first word is the vCPU unless
    it names a field."""
    if argv and not is_field(argv[0]):
        return argv[0], argv[1:]
    return "", argv


# ---------------------------------------------------------------------------
# Memory: host-physical through the kernel's direct map
# ---------------------------------------------------------------------------

def kernel_base(symbol, default, vcpu=None):
    """The run-time value of page_offset_base / vmemmap_base: from the
    kernel's symbols if loaded, from $minikvm_<symbol> (the lab sets it
    from /proc/kallsyms), from a VMCB (virtual and physical address of
    the same page) for the direct map; else the default without KASLR."""
    try:
        return int(gdb.parse_and_eval(symbol))
    except gdb.error:
        pass
    val = gdb.convenience_variable("minikvm_" + symbol)
    if val is not None:
        return int(val)
    if symbol == "page_offset_base" and vcpu is not None and has_type("struct vcpu_svm"):
        try:
            svm = container(vcpu, "struct vcpu_svm")
            return int(svm["vmcb"]) - int(svm["vmcb_pa"])
        except gdb.error:
            pass
    return default


def read_u64(addr):
    mem = gdb.selected_inferior().read_memory(addr, 8)
    return int.from_bytes(bytes(mem), "little")


def read_phys_u64(pa, vcpu=None):
    return read_u64(kernel_base("page_offset_base", DEFAULT_PAGE_OFFSET, vcpu) + pa)


# ---------------------------------------------------------------------------
# minikvm-vmcb
# ---------------------------------------------------------------------------

def vmcb_of(vcpu):
    if not has_type("struct vcpu_svm"):
        raise gdb.GdbError("minikvm: no symbols of minikvm-amd.ko loaded (struct vcpu_svm)")
    return container(vcpu, "struct vcpu_svm")["vmcb"]


def vmcb_fields(val, prefix="", base=0):
    """(path, offset, gdb.Value) of every named field of a VMCB, depth
    first; a struct vmcb_seg counts as one field."""
    for f in val.type.strip_typedefs().fields():
        if not f.name or f.name.startswith("reserved"):
            continue
        off = base + f.bitpos // 8
        sub = val[f.name]
        t = f.type.strip_typedefs()
        if t.code == gdb.TYPE_CODE_STRUCT and t.tag != "vmcb_seg":
            yield from vmcb_fields(sub, prefix + f.name + ".", off)
        else:
            yield prefix + f.name, off, sub


def vmcb_decode(name, value):
    """What a VMCB field's value means, in words, or ''."""
    short = name.split(".")[-1]
    if short == "exit_code":
        return svm_exit_name(value) or "unknown exit code"
    if short in ("event_inj", "exit_int_info"):
        if not value >> 31 & 1:
            return "not valid"
        vec, typ = value & 0xff, value >> 8 & 7
        kind = {0: "external interrupt", 2: "NMI", 3: "exception", 4: "software interrupt"}
        what = kind.get(typ, "type %d" % typ)
        if typ == 3 and vec < len(EXCEPTIONS):
            what += " #" + EXCEPTIONS[vec]
        return "valid: %s, vector %d%s" % (what, vec,
                                            ", error code" if value >> 11 & 1 else "")
    if short == "cr0":
        return bits(value, CR0_BITS)
    if short == "cr4":
        return bits(value, CR4_BITS)
    if short == "efer":
        return bits(value, EFER_BITS)
    if short == "rflags":
        return bits(value, RFLAGS_BITS)
    names = field_bits(VMCB_H).get(short)
    if names:
        return bits(value, names)
    return ""


def vmcb_line(name, off, val):
    t = val.type.strip_typedefs()
    if t.code == gdb.TYPE_CODE_STRUCT:	# struct vmcb_seg
        return "+0x%03x %-24s sel 0x%04x attrib 0x%03x limit 0x%08x base 0x%016x" % (
            off, name, int(val["selector"]), int(val["attrib"]),
            int(val["limit"]), int(val["base"]))
    if t.code == gdb.TYPE_CODE_ARRAY:
        data = bytes(int(val[i]) for i in range(t.range()[1] + 1))
        return "+0x%03x %-24s %s" % (off, name, data.hex(" "))
    v = int(val) & ((1 << (8 * t.sizeof)) - 1)
    text = "+0x%03x %-24s 0x%0*x" % (off, name, 2 * t.sizeof, v)
    meaning = vmcb_decode(name, v)
    return text + ("  " + meaning if meaning else "")


def is_zero(val):
    t = val.type.strip_typedefs()
    if t.code == gdb.TYPE_CODE_STRUCT:
        return all(int(val[f.name]) == 0 for f in t.fields() if f.name)
    if t.code == gdb.TYPE_CODE_ARRAY:
        return all(int(val[i]) == 0 for i in range(t.range()[1] + 1))
    return int(val) == 0


def vmcb_field_names():
    if not has_type("struct vmcb"):
        return set()
    names = set()
    for f in gdb.lookup_type("struct vmcb").fields():
        for sub in f.type.strip_typedefs().fields():
            if sub.name:
                names.add(sub.name)
                names.add(f.name + "." + sub.name)
    return names


def field_filter(patterns):
    """A predicate on 'control.exit_code'-style paths: a pattern matches
    the whole path or its last part, with shell wildcards."""
    def match(path):
        return any(fnmatch.fnmatchcase(path, p) or fnmatch.fnmatchcase(path.split(".")[-1], p)
                   for p in patterns)
    return match


class VmcbCommand(gdb.Command):
    """Show the VMCB of a vCPU field by field: minikvm-vmcb [-a] [VCPU] [FIELD...]

The layout is struct vmcb's, from minikvm-amd.ko's debug information
(final/arch/x86/kvm/svm/vmcb.h; AMD APM Vol. 2, Appendix B).  Each line
is the offset in the VMCB, the field and its value, then what the value
means: the exit code by name, the bits #defined under the field in
vmcb.h, CR0/CR4/EFER/RFLAGS flags, event injection.
Without FIELD, fields that are zero are left out (-a shows them too);
FIELD is a name or a pattern: exit_code, save.rip, exit_info_*, cs.
VCPU: see `help minikvm'.  In svm_vcpu_run() before the VMRUN the VMCB
holds what the guest will start from; after it (finish) what the exit
left: exit_code, exit_info_1, exit_info_2."""

    def __init__(self):
        super().__init__("minikvm-vmcb", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        argv = gdb.string_to_argv(arg)
        show_all = "-a" in argv
        argv = [a for a in argv if a != "-a"]
        names = vmcb_field_names()
        vcpu_arg, patterns = split_vcpu_arg(
            argv, lambda w: w in names or bool(re.fullmatch(r"[a-z0-9_.]*[*?.][a-z0-9_.*?]*", w)))
        check_vendor(vcpu_arg, "vcpu_svm")
        vcpu = find_vcpu(vcpu_arg)
        vmcb = vmcb_of(vcpu)
        svm = container(vcpu, "struct vcpu_svm")
        match = field_filter(patterns) if patterns else None
        if not patterns:
            print("VMCB of vCPU %d at 0x%x (physical 0x%x)" % (
                int(vcpu["vcpu_id"]), int(vmcb), int(svm["vmcb_pa"])))
        shown = skipped = 0
        area = None
        for path, off, val in vmcb_fields(vmcb.dereference()):
            if match and not match(path):
                continue
            if not match and not show_all and is_zero(val):
                skipped += 1
                continue
            top = path.split(".")[0]
            if not patterns and top != area:
                area = top
                print({"control": "control area (APM Vol. 2, Table B-1)",
                       "save": "state save area (APM Vol. 2, Table B-2)"}.get(top, top))
            print("  " + vmcb_line(path, off, val))
            shown += 1
        if patterns and not shown:
            raise gdb.GdbError("minikvm: no VMCB field matches %s" % " ".join(patterns))
        if skipped:
            print("(%d fields that are zero not shown: minikvm-vmcb -a)" % skipped)


# ---------------------------------------------------------------------------
# minikvm-vmcs
# ---------------------------------------------------------------------------

WIDTHS = {0: "16-bit", 1: "64-bit", 2: "32-bit", 3: "natural-width"}
KINDS = {0: "control", 1: "read-only data", 2: "guest-state", 3: "host-state"}


def vmcs_field_names():
    """{encoding: NAME} of enum vmcs_field, from the debug information
    of minikvm-intel.ko, else from vmcs.h."""
    try:
        t = gdb.lookup_type("enum vmcs_field")
        return {int(f.enumval): f.name for f in t.fields()}
    except gdb.error:
        pass
    out = {}
    pat = re.compile(r"^\s+([A-Z][A-Z0-9_]+)\s*=\s*" + NUMBER + r",")
    for line in header(VMCS_H):
        m = pat.match(line)
        if m:
            out[int(m.group(2), 0)] = m.group(1)
    return out


def slot_encoding(slot):
    """Undo vmcs_copy_slot() of vmx.c: width in bits 14:13, type in 11:10,
    index in 9:1 (SDM 25.11.2)."""
    return (slot >> 7 & 3) << 13 | (slot >> 5 & 3) << 10 | (slot & 31) << 1


class VmcsCommand(gdb.Command):
    """Show the VMCS fields minikvm-intel last read or wrote: minikvm-vmcs [VCPU] [FIELD...]

A VMCS is opaque (Intel SDM Vol. 3C, 25.2): only VMREAD and VMWRITE reach
its fields.  So minikvm-intel keeps a readable copy, struct vmcs_copy in
vcpu_vmx (final/arch/x86/kvm/vmx/vmx.c): each VMREAD and VMWRITE stores
the value there too.  This prints that copy by field name (enum
vmcs_field), grouped as the SDM's Appendix B groups them.  A guest-state
field shows what the module last wrote or read: the guest may have changed
it since (RIP, RSP, CR3...) until the next exit reads it again.
FIELD is a name or pattern: GUEST_RIP, VM_EXIT_*, *QUALIFICATION."""

    def __init__(self):
        super().__init__("minikvm-vmcs", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        if not has_type("struct vcpu_vmx"):
            raise gdb.GdbError("minikvm: no symbols of minikvm-intel.ko loaded (struct vcpu_vmx)")
        names = vmcs_field_names()
        known = set(names.values())
        argv = gdb.string_to_argv(arg)
        vcpu_arg, patterns = split_vcpu_arg(
            argv, lambda w: w in known or bool(re.fullmatch(r"[A-Z0-9_*?]+", w)))
        check_vendor(vcpu_arg, "vcpu_vmx")
        vcpu = find_vcpu(vcpu_arg)
        copy = container(vcpu, "struct vcpu_vmx")["vmcs_copy"]
        nslots = copy["value"].type.range()[1] + 1
        lbits = copy["valid"].type.target().sizeof * 8
        if not any(int(copy["valid"][i]) for i in range(nslots // lbits)):
            raise gdb.GdbError("minikvm: no VMCS copy kept: load minikvm-intel.ko with vmcs_copy=1")
        rows = []
        for slot in range(nslots):
            if not int(copy["valid"][slot // lbits]) >> (slot % lbits) & 1:
                continue
            enc = slot_encoding(slot)
            name = names.get(enc, "field 0x%04x" % enc)
            if patterns and not any(fnmatch.fnmatchcase(name, p) for p in patterns):
                continue
            rows.append((enc, name, int(copy["value"][slot])))
        if not rows:
            raise gdb.GdbError("minikvm: no VMCS field %s in vCPU %d's copy" % (
                "matches " + " ".join(patterns) if patterns else "was read or written yet",
                int(vcpu["vcpu_id"])))
        if not patterns:
            print("VMCS fields vCPU %d last read or wrote (Intel SDM Vol. 3C, Appendix B)"
                  % int(vcpu["vcpu_id"]))
        group = None
        # By encoding is the SDM's order: 16-bit, 64-bit, 32-bit and
        # natural-width fields (bits 14:13), each by kind (bits 11:10).
        for enc, name, value in sorted(rows):
            g = (enc >> 13 & 3, enc >> 10 & 3)
            if not patterns and g != group:
                group = g
                print("%s %s fields" % (WIDTHS[g[0]], KINDS[g[1]]))
            text = "  0x%04x %-30s 0x%x" % (enc, name, value)
            if name == "VM_EXIT_REASON":
                text += "  " + (vmx_exit_name(value) or "unknown")
            elif name in ("GUEST_CR0", "CR0_READ_SHADOW", "HOST_CR0"):
                text += "  " + bits(value, CR0_BITS)
            elif name in ("GUEST_CR4", "CR4_READ_SHADOW", "HOST_CR4"):
                text += "  " + bits(value, CR4_BITS)
            elif name in ("GUEST_IA32_EFER", "HOST_IA32_EFER"):
                text += "  " + bits(value, EFER_BITS)
            elif name == "GUEST_RFLAGS":
                text += "  " + bits(value, RFLAGS_BITS)
            print(text)


# ---------------------------------------------------------------------------
# minikvm-exit-reason
# ---------------------------------------------------------------------------

class ExitReasonCommand(gdb.Command):
    """Name an exit code: minikvm-exit-reason CODE [svm|vmx]

CODE is an expression: 0x7b, 30, $rax, svm->vmcb->control.exit_code.
The names come from the tree's headers: SVM_EXIT_* in svm/vmcb.h (AMD
APM Vol. 2, Appendix C), EXIT_REASON_* in vmx/vmcs.h (Intel SDM Vol. 3D,
Appendix C).  Without svm or vmx, the loaded vendor module decides, or
both names are given."""

    def __init__(self):
        super().__init__("minikvm-exit-reason", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        argv = gdb.string_to_argv(arg)
        isa = None
        if argv and argv[-1] in ("svm", "vmx"):
            isa = argv.pop()
        if not argv:
            raise gdb.GdbError("usage: minikvm-exit-reason CODE [svm|vmx]")
        code = int(gdb.parse_and_eval(" ".join(argv))) & 0xffffffffffffffff
        name = exit_name(code, isa)
        print("0x%x (%d): %s" % (code, code, name or "no such exit code in the headers"))


class ExitNameFunction(gdb.Function):
    """$minikvm_exit_name(CODE): the name of an exit code, as a string."""

    def __init__(self):
        super().__init__("minikvm_exit_name")

    def invoke(self, code):
        return exit_name(int(code) & 0xffffffffffffffff) or "unknown"


class VcpuFunction(gdb.Function):
    """$minikvm_vcpu(): the vCPU of the selected frame (struct kvm_vcpu *)."""

    def __init__(self):
        super().__init__("minikvm_vcpu")

    def invoke(self):
        return find_vcpu("")


class VmcbFunction(gdb.Function):
    """$minikvm_vmcb(): the VMCB of the vCPU of the selected frame
    (struct vmcb *): p $minikvm_vmcb()->control.exit_code"""

    def __init__(self):
        super().__init__("minikvm_vmcb")

    def invoke(self):
        return vmcb_of(find_vcpu(""))


# ---------------------------------------------------------------------------
# minikvm-walk
# ---------------------------------------------------------------------------

def tdp_walk(vcpu, gpa, isa, out):
    """Walk the VM's NPT/EPT (4 levels, 512 entries a table, SDM 29.3.2 /
    APM 15.25.5) for a guest-physical address; the host-physical address,
    or None where an entry is not present.  Prints each level to out."""
    root = int(vcpu["kvm"]["arch"]["tdp_root"])
    names = EPT_BITS if isa == "vmx" else PTE_BITS
    what = "EPT" if isa == "vmx" else "NPT"
    table = root & ADDR_MASK
    for level, label in ((4, "PML4"), (3, "PDPT"), (2, "PD"), (1, "PT")):
        idx = gpa >> (12 + 9 * (level - 1)) & 511
        entry = read_phys_u64(table + 8 * idx, vcpu)
        present = entry & 7 if isa == "vmx" else entry & 1
        flags = bits(entry, names)
        if isa == "vmx" and level == 1 and present:
            flags += " MT=%d" % (entry >> 3 & 7)
        out.append("  %s %-4s[%3d] @ 0x%012x = 0x%016x  %s" % (
            what, label, idx, table + 8 * idx, entry, flags if present else "not present"))
        if not present:
            return None
        if level > 1 and entry >> 7 & 1:	# a large page (we map 4 KiB ones only)
            size = 1 << (12 + 9 * (level - 1))
            return (entry & ADDR_MASK & ~(size - 1)) | (gpa & (size - 1))
        table = entry & ADDR_MASK
    return table | (gpa & 0xfff)


def xa_load(xa, index):
    """The entry at @index of a struct xarray, or 0: xa_load() of
    lib/xarray.c, read from memory.  A slot's pinned pages live in one
    (struct kvm_memory_slot.pages).  An entry with bits 1:0 = 2 above 4096
    is a node (include/linux/xarray.h, xa_is_node()): 64 slots, each
    covering 1 << node->shift indices; struct xa_node has shift at +0 and
    slots[] at +40.  Any other head holds index 0 only."""
    entry = int(xa["xa_head"])
    if not (entry & 3 == 2 and entry > 4096):
        return entry if index == 0 else 0
    shift = bytes(gdb.selected_inferior().read_memory(entry - 2, 1))[0]
    if index >> shift > 63:
        return 0
    while entry & 3 == 2 and entry > 4096:
        node = entry - 2
        shift = bytes(gdb.selected_inferior().read_memory(node, 1))[0]
        entry = read_u64(node + 40 + 8 * ((index >> shift) & 63))
        if shift == 0:
            break
    return entry


def memslot_array(kvm):
    """The VM's memslots by id: kvm->memslots itself until chapter 04,
    then kvm->memslots->slots (one array replaced whole, read under SRCU)."""
    slots = kvm["memslots"]
    if slots.type.strip_typedefs().code == gdb.TYPE_CODE_PTR:
        slots = slots.dereference()["slots"]
    return slots


def gpa_to_hpa(vcpu, gpa, isa, out, verbose):
    """A guest-physical address as host-physical: through the NPT/EPT, or,
    for a page the guest has not touched yet (mapped on demand), through
    the memslot's pinned page.  None if neither has it."""
    lines = []
    hpa = tdp_walk(vcpu, gpa, isa, lines)
    if verbose:
        out.extend(lines)
    if hpa is not None:
        return hpa
    kvm = vcpu["kvm"]
    gfn = gpa >> 12
    slots = memslot_array(kvm)
    for i in range(slots.type.range()[1] + 1):
        slot = slots[i]
        if not int(slot):
            continue
        base, n = int(slot["base_gfn"]), int(slot["npages"])
        if base <= gfn < base + n:
            page = xa_load(slot["pages"], gfn - base)
            if not page:
                if verbose:
                    out.append("  memslot %d has the page, not pinned yet" % i)
                return None
            try:
                psize = gdb.lookup_type("struct page").sizeof
            except gdb.error:
                psize = 64
            pfn = (page - kernel_base("vmemmap_base", DEFAULT_VMEMMAP)) // psize
            if verbose:
                out.append("  memslot %d: pinned page, pfn 0x%x" % (i, pfn))
            return pfn << 12 | (gpa & 0xfff)
    if verbose:
        out.append("  no memslot: an MMIO address")
    return None


def guest_walk(vcpu, gva, isa, out):
    """Walk the guest's own page tables for a guest-virtual (linear)
    address, in the paging mode its CR0/CR4/EFER select (SDM Vol. 3A,
    4.1.1): none, 32-bit, PAE or 4-level (5-level with CR4.LA57).
    Each table is found in guest-physical memory through the NPT/EPT.
    Returns the guest-physical address or None."""
    a = vcpu["arch"]
    cr0, cr3, cr4, efer = (int(a[r]) for r in ("cr0", "cr3", "cr4", "efer"))
    out.append("guest CR0 0x%x (%s) CR3 0x%x CR4 0x%x (%s) EFER 0x%x (%s)" % (
        cr0, bits(cr0, CR0_BITS), cr3, cr4, bits(cr4, CR4_BITS), efer, bits(efer, EFER_BITS)))
    if not cr0 >> 31 & 1:
        out.append("paging off: guest-virtual = guest-physical")
        return gva
    if efer >> 10 & 1:
        levels = (5 if cr4 >> 12 & 1 else 4)
        mode, esize, table = "%d-level (IA-32e)" % levels, 8, cr3 & ADDR_MASK
        shifts = [12 + 9 * i for i in range(levels - 1, -1, -1)]
        idx_bits = 9
    elif cr4 >> 5 & 1:
        mode, esize, table = "PAE", 8, cr3 & 0xffffffe0
        shifts, idx_bits = [30, 21, 12], 9
    else:
        mode, esize, table = "32-bit", 4, cr3 & 0xfffff000
        shifts, idx_bits = [22, 12], 10
    out.append("guest paging: %s" % mode)
    labels = {5: ["PML5", "PML4", "PDPT", "PD", "PT"], 4: ["PML4", "PDPT", "PD", "PT"],
              3: ["PDPT", "PD", "PT"], 2: ["PD", "PT"]}[len(shifts)]
    for n, (shift, label) in enumerate(zip(shifts, labels)):
        width = 2 if mode == "PAE" and n == 0 else idx_bits
        idx = gva >> shift & ((1 << width) - 1)
        gpa = table + esize * idx
        hpa = gpa_to_hpa(vcpu, gpa, isa, out, False)
        if hpa is None:
            out.append("  %-4s[%3d] @ gpa 0x%x: not readable (not in guest memory)" % (label, idx, gpa))
            return None
        entry = read_phys_u64(hpa, vcpu)
        if esize == 4:
            entry &= 0xffffffff
        present = entry & 1
        out.append("  %-4s[%3d] @ gpa 0x%09x = 0x%0*x  %s" % (
            label, idx, gpa, 2 * esize, entry, bits(entry, PTE_BITS) if present else "not present"))
        if not present:
            return None
        last = n == len(shifts) - 1
        large = not last and entry >> 7 & 1 and (label != "PML4" and label != "PML5") and \
            (esize == 8 or cr4 >> 4 & 1)
        if last or large:
            size = 1 << shift
            if esize == 4 and large:	# 4 MiB page: bits 31:22, plus 39:32 in 20:13
                base = (entry & 0xffc00000) | ((entry >> 13 & 0xff) << 32)
            else:
                base = entry & ADDR_MASK & ~(size - 1)
            return base | (gva & (size - 1))
        table = entry & (0xfffff000 if esize == 4 else ADDR_MASK)
    return None


class WalkCommand(gdb.Command):
    """Walk the page tables for an address: minikvm-walk [gva|gpa] ADDR [VCPU]

gpa ADDR: the second-level tables of the vCPU's VM (NPT on SVM, EPT on
VMX; root kvm->arch.tdp_root), level by level, to the host-physical page.
gva ADDR (the default): first the guest's own page tables, from the
vCPU's CR3 in the paging mode CR0, CR4 and EFER select (each table is
itself found through the NPT/EPT), then the NPT/EPT walk of the result.
Tables are read through the host kernel's direct map.  A page the guest
has not touched yet is not in the NPT/EPT (chapter 02 maps on demand): the
walk then says so and reads it through its memslot."""

    def __init__(self):
        super().__init__("minikvm-walk", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        argv = gdb.string_to_argv(arg)
        kind = "gva"
        if argv and argv[0] in ("gva", "gpa"):
            kind = argv.pop(0)
        if not argv:
            raise gdb.GdbError("usage: minikvm-walk [gva|gpa] ADDR [VCPU]")
        addr = int(gdb.parse_and_eval(argv[0])) & 0xffffffffffffffff
        vcpu = find_vcpu(" ".join(argv[1:]))
        isa = current_isa() or "svm"
        out = []
        gpa = addr
        if kind == "gva":
            out.append("guest-virtual 0x%x, vCPU %d" % (addr, int(vcpu["vcpu_id"])))
            gpa = guest_walk(vcpu, addr, isa, out)
            if gpa is None:
                print("\n".join(out))
                print("=> no translation: the guest would take a #PF")
                return
            out.append("=> guest-physical 0x%x" % gpa)
        out.append("guest-physical 0x%x through the %s (root 0x%x)" % (
            gpa, "EPT" if isa == "vmx" else "NPT", int(vcpu["kvm"]["arch"]["tdp_root"])))
        hpa = gpa_to_hpa(vcpu, gpa, isa, out, True)
        print("\n".join(out))
        if hpa is None:
            print("=> not mapped: the guest's access would exit (%s)" %
                  ("EPT violation" if isa == "vmx" else "NPF"))
        else:
            print("=> host-physical 0x%x" % hpa)


class MinikvmCommand(gdb.Command):
    """minikvm's GDB helpers (scripts/gdb/minikvm.py, docs/gdb.md).

minikvm-vmcb [-a] [VCPU] [FIELD...]   the VMCB of a vCPU by field (SVM)
minikvm-vmcs [VCPU] [FIELD...]        the VMCS fields minikvm-intel last touched (VMX)
minikvm-exit-reason CODE [svm|vmx]    the name of an exit code
minikvm-walk [gva|gpa] ADDR [VCPU]    the guest's page tables, then the NPT/EPT
$minikvm_exit_name(CODE), $minikvm_vcpu(), $minikvm_vmcb()   convenience functions
set minikvm-tree DIR                  the tree whose headers name things

VCPU: by default the `vcpu' (or `svm', `vmx') of the selected frame or of
a caller, else the last one used; N is vCPU N of that VM; anything else is
an expression for a struct kvm_vcpu *, vcpu_svm * or vcpu_vmx *."""

    def __init__(self):
        super().__init__("minikvm", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        gdb.execute("help minikvm")


MinikvmCommand()
VmcbCommand()
VmcsCommand()
ExitReasonCommand()
WalkCommand()
ExitNameFunction()
VcpuFunction()
VmcbFunction()
