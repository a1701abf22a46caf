"""Reading the stopped kernel's memory-management state from gdb.

The half of ptgdb that knows where things are: the kernel's constants, its
physical memory (through the direct map), the vm_page array, the process
table, pmaps, object trees and leaf mirrors. The commands (ptgdb.py) and the
checker (ptgdb_verify.py) print from what this returns.

Two sources, both of the same tree as the kernel being debugged:
  - struct layouts come from the kernel's debug information (gdb types and
    field names), so a field added or moved needs no change here;
  - constants (PTE bits, PG_* flags, DIRECT_MAP_BASE) come from the #defines
    in the headers: the kernel is built with -g, which records types but not
    macros, and copying the numbers here would let them drift apart.
"""
import os
import re
import struct

import gdb

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# The headers holding every constant used here, relative to ROOT.
HEADERS = ("kernel/types.h", "mm/phys.h", "mm/page.h", "mm/pmap/pte.h",
           "mm/pmap/pmap_impl.h", "mm/vmobject/vm_object.h", "uapi/mman.h")

MASK64 = (1 << 64) - 1


class Consts:
    """Object-like macros of HEADERS, evaluated on first use (c.PTE_P)."""

    def __init__(self):
        self._bodies = {}
        self._values = {}
        for rel in HEADERS:
            with open(os.path.join(ROOT, rel)) as f:
                text = re.sub(r"/\*.*?\*/", " ", f.read(), flags=re.S)
            for m in re.finditer(r"^[ \t]*#[ \t]*define[ \t]+(\w+)([ \t]+(.*))?$", text, re.M):
                if m.group(3) is not None:
                    self._bodies[m.group(1)] = m.group(3).strip()

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        if name not in self._values:
            self._values[name] = self._eval(name, set())
        return self._values[name]

    def _eval(self, name, seen):
        if name not in self._bodies or name in seen:
            raise gdb.GdbError("ptgdb: no numeric #define %s in %s" % (name, ", ".join(HEADERS)))
        seen = seen | {name}
        # C integer suffixes and the casts the headers use do not matter to
        # Python's unbounded integers; names are other macros.
        expr = re.sub(r"\b(0[xX][0-9a-fA-F]+|\d+)[uUlL]+\b", r"\1", self._bodies[name])
        expr = re.sub(r"\((u?int\d+_t|unsigned long|uint64_t)\)", "", expr)
        expr = re.sub(r"\b([A-Za-z_]\w*)\b", lambda m: str(self._eval(m.group(1), seen)), expr)
        if not re.fullmatch(r"[0-9a-fA-Fx()<>|&~+\-* ]*", expr):
            raise gdb.GdbError("ptgdb: cannot evaluate #define %s %s" % (name, self._bodies[name]))
        return eval(expr, {"__builtins__": {}}) & MASK64


C = Consts()


# ---- memory ----

def u64(v):
    """A gdb.Value (pointer or integer) or int as an unsigned 64-bit int."""
    return int(v) & MASK64


def read_virt(va, n):
    return bytes(gdb.selected_inferior().read_memory(va, n))


def read_phys(pa, n):
    """n bytes at physical address pa, read through the kernel's direct map."""
    return read_virt(C.DIRECT_MAP_BASE + pa, n)


def phys_to_virt(pa):
    return C.DIRECT_MAP_BASE + pa


class Snapshot:
    """What one command reads, read once: table pages and vm_pages.

    A command runs with the machine stopped, so nothing changes under it;
    caching makes a walk over many tables cost one read per page.
    """

    CHUNK = 64   # vm_pages read at once

    def __init__(self):
        self.tables = {}
        self.chunks = {}
        self.page_type = gdb.lookup_type("struct vm_page")
        self.page_size = self.page_type.sizeof
        self.fields = {f.name: (f.bitpos // 8, f.type.strip_typedefs().sizeof)
                       for f in self.page_type.fields()}
        pages = static_var("pages", "mm/page.c")
        self.pages = u64(pages)
        self.npages = u64(static_var("npages", "mm/page.c"))

    def table(self, pa):
        """The 512 entries of the table page at pa, as ints."""
        pa &= C.PTE_ADDR_MASK
        if pa not in self.tables:
            n = C.PT_ENTRIES
            self.tables[pa] = struct.unpack("<%dQ" % n, read_phys(pa, n * 8))
        return self.tables[pa]

    def page(self, pa):
        """The vm_page of the frame holding pa (a Page), or None outside
        managed memory: phys_to_page() of mm/page.c."""
        pfn = pa >> C.PAGE_SHIFT
        if pfn >= self.npages:
            return None
        first = pfn - pfn % self.CHUNK
        if first not in self.chunks:
            n = min(self.CHUNK, self.npages - first)
            self.chunks[first] = read_virt(self.pages + first * self.page_size,
                                           n * self.page_size)
        raw = self.chunks[first]
        at = (pfn - first) * self.page_size
        return Page(self, pfn, raw[at:at + self.page_size])

    def page_at(self, vm_page_addr):
        """The Page of a struct vm_page pointer."""
        off = u64(vm_page_addr) - self.pages
        if off % self.page_size or off // self.page_size >= self.npages:
            raise gdb.GdbError("ptgdb: %#x is not in the vm_page array" % u64(vm_page_addr))
        return self.page((off // self.page_size) << C.PAGE_SHIFT)

    def page_pa(self, vm_page_addr):
        """page_to_phys() of a struct vm_page pointer."""
        return self.page_at(vm_page_addr).pa


class Page:
    """One struct vm_page, its fields by name (pg.flags, pg.object...)."""

    def __init__(self, snap, pfn, raw):
        self.pfn = pfn
        self.pa = pfn << C.PAGE_SHIFT
        self.addr = snap.pages + pfn * snap.page_size
        for name, (off, size) in snap.fields.items():
            setattr(self, name, int.from_bytes(raw[off:off + size], "little"))

    def has(self, flag_name):
        return bool(self.flags & getattr(C, flag_name))


PG_FLAGS = ("PG_FREE", "PG_RESERVED", "PG_PTABLE", "PG_OBJTABLE", "PG_WIRED", "PG_KMEM",
            "PG_LARGE", "PG_BUDDY")


def page_flag_names(pg):
    names = [n for n in PG_FLAGS if pg.flags & getattr(C, n)]
    return "|".join(names) if names else "0"


# ---- kernel variables ----

def static_var(name, filename):
    """A file-scope variable (static or not) of the kernel, by name and file."""
    for sym in gdb.lookup_static_symbols(name):
        if sym.symtab and sym.symtab.filename.endswith(filename):
            return sym.value()
    sym = gdb.lookup_global_symbol(name)
    if sym is None:
        raise gdb.GdbError("ptgdb: no symbol %s (of %s): is this the kernel's ELF file?"
                           % (name, filename))
    return sym.value()


def global_var(name):
    sym = gdb.lookup_global_symbol(name)
    if sym is None:
        raise gdb.GdbError("ptgdb: no symbol %s: is this the kernel's ELF file?" % name)
    return sym.value()


def current_cr3():
    try:
        return u64(gdb.parse_and_eval("$cr3"))
    except gdb.error as e:
        raise gdb.GdbError("ptgdb: cannot read $cr3 (%s): is gdb attached to QEMU?" % e)


def eval_int(text, what):
    """A user argument (any gdb expression) as an unsigned 64-bit int."""
    try:
        return u64(gdb.parse_and_eval(text))
    except gdb.error as e:
        raise gdb.GdbError("ptgdb: %s: %s" % (what, e))


def linked(head, next_field):
    """The elements of a NULL-terminated list of gdb.Value pointers."""
    seen = set()
    p = head
    while u64(p):
        if u64(p) in seen:
            raise gdb.GdbError("ptgdb: list through %s loops at %#x" % (next_field, u64(p)))
        seen.add(u64(p))
        yield p
        p = p[next_field]


# ---- processes ----

class Proc:
    def __init__(self, p):
        self.value = p
        self.pid = int(p["pid"])
        self.name = p["name"].string()
        self.map = p["map"]
        self.pmap = self.map["pmap"] if u64(self.map) else None


def processes():
    """Every slot in use of the process table (kernel/proc.c procs[])."""
    procs = static_var("procs", "kernel/proc.c")
    lo, hi = procs.type.range()
    return [Proc(procs[i]) for i in range(lo, hi + 1) if u64(procs[i])]


def proc_by_pid(pid):
    for p in processes():
        if p.pid == pid:
            return p
    return None


def owner_of_pmap(pm):
    """The process whose address space is pmap pm (a pointer), or None."""
    for p in processes():
        if p.pmap is not None and u64(p.pmap) == u64(pm):
            return p
    return None


def pmap_cr3(snap, pm):
    """pmap_cr3(): the physical address of pm's PML4."""
    return snap.page_pa(pm["pml4"])


def proc_label(p):
    return "pid %d (%s)" % (p.pid, p.name) if p else "no process"


# ---- entries ----

LEVEL_NAMES = {4: "PML4", 3: "PDPT", 2: "PD", 1: "PT"}
ENTRY_NAMES = {4: "PML4E", 3: "PDPTE", 2: "PDE", 1: "PTE"}


def level_size(level):
    return 1 << (C.PAGE_SHIFT + 9 * (level - 1))


def level_index(va, level):
    return (va >> (C.PAGE_SHIFT + 9 * (level - 1))) & (C.PT_ENTRIES - 1)


def pte_pa(e):
    return e & C.PTE_ADDR_MASK


def present(e):
    return bool(e & C.PTE_P)


def pte_leaf(e, level):
    """pte_leaf() of pte.h: a present 2 MiB leaf (PS in a PD entry)."""
    both = C.PTE_P | C.PTE_PS
    return level == C.PD_LEVEL and (e & both) == both


def is_link(snap, e, level):
    """pte_is_link(): a process PD or PDPT entry pointing at an object table."""
    if level not in (C.PD_LEVEL, C.PDPT_LEVEL) or not present(e) or pte_leaf(e, level):
        return False
    t = snap.page(pte_pa(e))
    return t is not None and t.has("PG_OBJTABLE")


def flag_names(e, level):
    """Every named bit of entry e. Bit 7 is PS above the PT level and PAT in
    a PT; bit 9 is the software bit PTE_PRIVATE_LEAF."""
    bits = [("P", "PTE_P"), ("W", "PTE_W"), ("U", "PTE_U"), ("PWT", "PTE_PWT"),
            ("PCD", "PTE_PCD"), ("A", "PTE_A"), ("D", "PTE_D"),
            ("PS" if level > 1 else "PAT", "PTE_PS"), ("G", "PTE_G"),
            ("PRIVATE_LEAF", "PTE_PRIVATE_LEAF"), ("NX", "PTE_NX")]
    return " ".join(n for n, m in bits if e & getattr(C, m))


def pte_flags_for(prot):
    """pte_flags_for() of pmap_table.c: the leaf bits for rights prot."""
    f = C.PTE_P | C.PTE_U
    if prot & C.PROT_WRITE:
        f |= C.PTE_W
    if not prot & C.PROT_EXEC and bool(global_var("pte_nx_enabled")):
        f |= C.PTE_NX
    return f


def prot_name(prot):
    """PROT_* bits as ls-style rwx."""
    return "".join(c if prot & getattr(C, "PROT_" + n) else "-"
                   for c, n in (("r", "READ"), ("w", "WRITE"), ("x", "EXEC")))


def copy_of(leaf, prot):
    """copy_of() of pmap_leaf.c: a mirror's copy of object leaf `leaf`."""
    flags = pte_flags_for(prot) | C.PTE_PS
    if not leaf & C.PTE_W:
        flags &= ~C.PTE_W
    return pte_pa(leaf) | flags | (leaf & C.PTE_NX)


def visit(snap, table_pa, level, base, fn):
    """pt_visit(): fn(level, va, entry, table_pa) on every present entry
    below the table at table_pa, parents first; only the user half of a
    PML4; fn returns whether to descend (never below a leaf)."""
    n = C.PML4_USER_SLOTS if level == C.PML4_LEVEL else C.PT_ENTRIES
    entries = snap.table(table_pa)
    for i in range(n):
        e = entries[i]
        if not present(e):
            continue
        va = base + i * level_size(level)
        if fn(level, va, e, table_pa) and level > C.PT_LEVEL and not pte_leaf(e, level):
            visit(snap, pte_pa(e), level - 1, va, fn)


def walk(snap, root_pa, va, want=1):
    """pt_walk() without allocation, from a PML4: the entries passed, as
    {level: (table_pa, index, entry)}, the level reached, and the level of
    the first link followed (0: none). Stops at a missing entry or a leaf."""
    path, link, table_pa = {}, 0, root_pa
    for level in range(C.PML4_LEVEL, want - 1, -1):
        i = level_index(va, level)
        e = snap.table(table_pa)[i]
        path[level] = (table_pa, i, e)
        if not present(e) or level == want or pte_leaf(e, level):
            return path, level, link
        if not link and is_link(snap, e, level):
            link = level
        table_pa = pte_pa(e)
    return path, want, link


# ---- object trees and mirrors ----

def object_trees():
    return list(linked(global_var("pmap_object_list"), "next"))


def pmaps():
    return list(linked(global_var("pmap_list"), "next"))


def po_pd_pages(snap, po):
    """(gib, PD page pa) for each PD page of object tree po."""
    out = []
    for g in range(int(po["npd"])):
        pd = po["pd"][g]
        if u64(pd):
            out.append((g, snap.page_pa(pd)))
    return out


def copy_at(snap, pm_root, va):
    """copy_at_locked(): is the PD entry of pm at va a copied leaf (a 2 MiB
    leaf, not private, reached without a link)?"""
    path, level, link = walk(snap, pm_root, va)
    if level != C.PD_LEVEL or link:
        return False
    e = path[C.PD_LEVEL][2]
    return pte_leaf(e, C.PD_LEVEL) and not e & C.PTE_PRIVATE_LEAF


def mirror_copies(snap, m):
    pm_root = snap.page_pa(m["pmap"]["pml4"])
    va, end = u64(m["va"]), u64(m["va"]) + u64(m["len"])
    seg = 1 << C.SEG_SHIFT
    return sum(copy_at(snap, pm_root, a) for a in range(va, end, seg))


def fmt_p(v):
    """printk's %p: 0x and 16 hex digits."""
    return "0x%016x" % (v & MASK64)
