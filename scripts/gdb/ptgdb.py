"""ptgdb: gdb commands that look at the kernel's page tables.

Load it into a gdb attached to the kernel (`make gdb` after `make debug`
does both; by hand: gdb -x scripts/gdb/ptgdb.py build/kernel.elf, then
target remote :1234). Commands (`help CMD` for each):

  pt-walk VA [CR3]   the four entries the MMU reads for VA, and who owns each table
  ptdump [PID|EXPR]  a process's tree as the `ptdump` program prints it, and its mirrors
  vmobject ADDR      a struct vm_object: pages, page-table tree, links and mirrors
  pmap-verify        the pmap invariants, checked over memory (no kernel call)

They only read memory (through the direct map) while the machine is
stopped; they never call kernel functions, which could take a lock the
stopped CPU holds. See docs/debugging.md for a session.
"""
import importlib
import os
import struct
import sys

import gdb

# The helper modules live beside this file; no bytecode cache is written
# into the source tree.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import ptgdb_kernel as K  # noqa: E402
import ptgdb_verify  # noqa: E402

# `source scripts/gdb/ptgdb.py` again after editing the helpers reloads them.
importlib.reload(K)
importlib.reload(ptgdb_verify)


def page_owner(snap, pa, level):
    """Who owns the table page at pa that holds level-`level` entries."""
    t = snap.page(pa)
    kind = K.LEVEL_NAMES[level]
    if t is None:
        return "%s outside the vm_page array (a boot table of the kernel image)" % kind
    if t.has("PG_OBJTABLE"):
        return ("%s of object %s offset %#x (PG_OBJTABLE) links=%d used=%d"
                % (kind, K.fmt_p(t.object), t.offset, t.link_count, t.used))
    if t.has("PG_PTABLE"):
        who = ""
        if level == K.C.PML4_LEVEL:
            for p in K.processes():
                if p.pmap is not None and snap.page_pa(p.pmap["pml4"]) == pa:
                    who = " of " + K.proc_label(p)
        return "private %s%s (PG_PTABLE) used=%d" % (kind, who, t.used)
    if t.has("PG_RESERVED"):
        return "%s in reserved memory (the kernel image's boot tables)" % kind
    return "%s in a page with flags %s: not a table page!" % (kind, K.page_flag_names(t))


def data_page(snap, pa):
    """One line on the data page at pa."""
    pg = snap.page(pa)
    if pg is None:
        return "outside the vm_page array (kernel image, MMIO or the direct map's end)"
    return ("vm_page %s flags %s object %s offset %#x refcount %d pv_count %d"
            % (K.fmt_p(pg.addr), K.page_flag_names(pg), K.fmt_p(pg.object), pg.offset,
               pg.refcount, pg.pv_count))


def leaf_kind(snap, root, va, e, holder):
    """What a 2 MiB leaf of the tree at root is (mm/pmap/pmap_impl.h)."""
    if holder is None or holder.has("PG_RESERVED"):
        return "a 2 MiB page of the kernel half (its boot tables map it)"
    if e & K.C.PTE_PRIVATE_LEAF:
        return "PRIVATE_LEAF: the process maps this large page alone (one PV entry)"
    if holder.has("PG_OBJTABLE"):
        return "the object's own 2 MiB leaf, reached through a GiB link"
    for p in K.processes():
        if p.pmap is None or K.pmap_cr3(snap, p.pmap) != root:
            continue
        for m in K.linked(p.pmap["mirrors"], "pm_next"):
            start = K.u64(m["va"])
            if start <= va < start + K.u64(m["len"]):
                return "a copy of object %s's leaf, kept by the mirror va=%s..%s" % (
                    K.fmt_p(K.u64(m["po"]["owner"])), K.fmt_p(start),
                    K.fmt_p(start + K.u64(m["len"])))
    return "a 2 MiB leaf copied from an object but in no mirror of this pmap!"


def set_object(snap, obj):
    """$pt_object: the last VM object pt-walk met, for `vmobject $pt_object`."""
    if obj:
        t = gdb.lookup_type("struct vm_object").pointer()
        gdb.set_convenience_variable("pt_object", gdb.Value(obj).cast(t))


def root_arg(snap, text):
    """pt-walk's CR3 argument: a struct pmap * gives its PML4's address."""
    try:
        v = gdb.parse_and_eval(text)
    except gdb.error as e:
        raise gdb.GdbError("ptgdb: CR3: %s" % e)
    t = v.type.strip_typedefs()
    if t.code == gdb.TYPE_CODE_PTR and t.target().strip_typedefs().tag == "pmap":
        return K.pmap_cr3(snap, v)
    return K.u64(v)


class PtWalk(gdb.Command):
    """pt-walk VA [CR3]: walk the page tables for virtual address VA.

Prints the four entries the MMU reads (PML4E, PDPTE, PDE, PTE), each with
its index, its physical address, its value, its flags (P W U PWT PCD A D
PS G NX, PAT for bit 7 of a PTE, and PRIVATE_LEAF for software bit 9) and
the table page holding it: a process's private table (PG_PTABLE, with its
`used` count) or a table of a VM object's tree (PG_OBJTABLE, with the
object, the first offset it covers, link_count and used). An entry of a
private table pointing at an object table is marked as a link. The walk
stops at a missing entry or a leaf and prints the physical address, the
data page's vm_page, and the rights the walk grants (W and U ANDed, NX
ORed down the levels).

VA and CR3 are gdb expressions (quote one that holds spaces). CR3 is a
physical address or a struct pmap *; it defaults to $cr3, the address
space the stopped CPU runs. In vm_fault_locked, `pt-walk va map->pmap`
walks the faulting map even when another is loaded (exec fills the new
map before switching to it). Sets $pt_pa
(the physical address; void when VA is not mapped) and $pt_object (the
last VM object met: a table's or the data page's owner).
"""

    def __init__(self):
        super().__init__("pt-walk", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        args = gdb.string_to_argv(arg)
        if len(args) not in (1, 2):
            raise gdb.GdbError("usage: pt-walk VA [CR3]")
        va = K.eval_int(args[0], "VA")
        snap = K.Snapshot()
        cr3 = root_arg(snap, args[1]) if len(args) == 2 else K.current_cr3()
        gdb.set_convenience_variable("pt_pa", None)
        root = cr3 & K.C.PTE_ADDR_MASK
        canonical = va >> 47 in (0, (1 << 17) - 1)
        print("pt-walk va=%s cr3=%s%s" % (K.fmt_p(va), K.fmt_p(cr3),
                                          "" if canonical else "  (not canonical: would #GP)"))
        table_pa, obj = root, 0
        w = u = True
        nx = False
        for level in range(K.C.PML4_LEVEL, 0, -1):
            i = K.level_index(va, level)
            e = snap.table(table_pa)[i]
            name = K.ENTRY_NAMES[level]
            print("%-5s [%3d] at pa %s = %s  %s" % (name, i, K.fmt_p(table_pa + 8 * i),
                                                   K.fmt_p(e), K.flag_names(e, level) or "-"))
            holder = snap.page(table_pa)
            if holder is not None and holder.has("PG_OBJTABLE"):
                obj = holder.object
            print("        in %s" % page_owner(snap, table_pa, level))
            if not K.present(e):
                print("not mapped: the %s is not present (an access faults)" % name)
                break
            w, u, nx = w and bool(e & K.C.PTE_W), u and bool(e & K.C.PTE_U), nx or bool(e & K.C.PTE_NX)
            leaf = level == K.C.PT_LEVEL or (level > K.C.PT_LEVEL and e & K.C.PTE_PS)
            if leaf:
                size = K.level_size(level)
                head = K.pte_pa(e) & ~(size - 1)
                pa = head | (va & (size - 1))
                kind = {1: "4 KiB", 2: "2 MiB", 3: "1 GiB"}[level]
                if level == K.C.PD_LEVEL:
                    print("        %s" % leaf_kind(snap, root, va, e, holder))
                print("-> %s page: va %s -> pa %s, %s%s%s" % (
                    kind, K.fmt_p(va), K.fmt_p(pa), "writable" if w else "read-only",
                    ", user" if u else ", kernel only", ", no-exec" if nx else ", executable"))
                # A large page keeps its owner in its first vm_page.
                print("   %s%s" % ("" if level == 1 else "the large page's first ",
                                   data_page(snap, head)))
                pg = snap.page(head)
                if pg is not None and pg.object:
                    obj = pg.object
                gdb.set_convenience_variable("pt_pa", pa)
                break
            target = K.pte_pa(e)
            if K.is_link(snap, e, level) and holder is not None and holder.has("PG_PTABLE"):
                print("        link: a private entry pointing into an object's tree")
            table_pa = target
        set_object(snap, obj)


def dump_text(snap, pm):
    """pmap_dump()'s text of pmap pm (mm/pmap/pmap_dump.c), line for line."""
    C = K.C
    indents = {4: "", 3: " ", 2: "  ", 1: "   "}
    lines = ["pmap cr3=%s" % K.fmt_p(K.pmap_cr3(snap, pm))]

    def entry(level, va, e, table_pa):
        if level == C.PT_LEVEL:
            return False
        t = snap.page(K.pte_pa(e))
        line = "%s%s[%3d] va=%s -> %s P%s%s%s%s" % (
            indents[level], K.LEVEL_NAMES[level], K.level_index(va, level), K.fmt_p(va),
            K.fmt_p(K.pte_pa(e)), " W" if e & C.PTE_W else "", " U" if e & C.PTE_U else "",
            " NX" if e & C.PTE_NX else "", " PS" if K.pte_leaf(e, level) else "")
        if t is not None and K.pte_leaf(e, level):
            line += "  2 MiB page of object %s offset %s%s" % (
                K.fmt_p(t.object), K.fmt_p(t.offset),
                " private" if e & C.PTE_PRIVATE_LEAF else "")
        elif t is not None and t.has("PG_OBJTABLE"):
            line += "  %s of object %s offset %s links=%d used=%d" % (
                "PT" if level == C.PD_LEVEL else "PD", K.fmt_p(t.object), K.fmt_p(t.offset),
                t.link_count, t.used)
        elif level == C.PD_LEVEL and t is not None:
            line += "  PT private used=%d" % t.used
        lines.append(line)
        return level > C.PD_LEVEL and not K.is_link(snap, e, level)

    K.visit(snap, K.pmap_cr3(snap, pm), C.PML4_LEVEL, 0, entry)
    for m in K.linked(pm["mirrors"], "pm_next"):
        rights = K.pte_flags_for(int(m["prot"]))
        lines.append("mirror va=%s..%s object %s offset %s P%s U%s copies=%d" % (
            K.fmt_p(K.u64(m["va"])), K.fmt_p(K.u64(m["va"]) + K.u64(m["len"])),
            K.fmt_p(K.u64(m["po"]["owner"])), K.fmt_p(K.u64(m["off"])),
            " W" if rights & C.PTE_W else "", " NX" if rights & C.PTE_NX else "",
            K.mirror_copies(snap, m)))
    return "\n".join(lines) + "\n"


class PtDump(gdb.Command):
    """ptdump [PID | EXPR]: a process's page-table tree, as /bin/ptdump prints it.

The same text as the kernel's pmap_dump() (mm/pmap/pmap_dump.c): the
PML4, PDPT and PD entries of the user half (PT pages are summed up by
their `used` count, not listed), each PD or PDPT entry that links an
object's table with that table's object, offset, link_count and used,
2 MiB leaves with the object page they map ("private" when the process
maps it alone), then the process's leaf mirrors with their copies.

PID is a process id (found in the kernel's process table); any other
argument is a gdb expression for a struct pmap * (e.g. `ptdump pm` in a
pmap function); no argument: the process whose PML4 is in $cr3.
"""

    def __init__(self):
        super().__init__("ptdump", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        arg = arg.strip()
        snap = K.Snapshot()
        if arg.isdigit():
            p = K.proc_by_pid(int(arg))
            if p is None:
                raise gdb.GdbError("ptdump: no process %s" % arg)
            if p.pmap is None:
                raise gdb.GdbError("ptdump: process %s has no address space (exiting)" % arg)
            pm = p.pmap
        elif arg:
            try:
                pm = gdb.parse_and_eval(arg).cast(gdb.lookup_type("struct pmap").pointer())
            except gdb.error as e:
                raise gdb.GdbError("ptdump: %s" % e)
        else:
            cr3 = K.current_cr3() & K.C.PTE_ADDR_MASK
            owners = [p for p in K.processes()
                      if p.pmap is not None and K.pmap_cr3(snap, p.pmap) == cr3]
            if not owners:
                raise gdb.GdbError("ptdump: no process runs cr3 %s (a kernel thread?): give a PID"
                                   % K.fmt_p(cr3))
            pm = owners[0].pmap
        gdb.write(dump_text(snap, pm))


def object_tree_text(snap, po):
    """pmap_dump_object()'s text of object tree po, line for line."""
    C = K.C
    pds = K.po_pd_pages(snap, po)
    npt = nleaves = 0
    body = []
    for g, pd in pds:
        t = snap.page(pd)
        body.append("PD[gib %d] pa=%s links=%d used=%d" % (g, K.fmt_p(pd), t.link_count, t.used))
        for i, e in enumerate(snap.table(pd)):
            off = (g << C.GIB_SHIFT) + (i << C.SEG_SHIFT)
            if K.pte_leaf(e, C.PD_LEVEL):
                nleaves += 1
                body.append(" LEAF[seg %d] offset=%s pa=%s" % (off >> C.SEG_SHIFT, K.fmt_p(off),
                                                              K.fmt_p(K.pte_pa(e))))
            elif K.present(e):
                npt += 1
                pt = snap.page(K.pte_pa(e))
                body.append(" PT[seg %d] offset=%s pa=%s links=%d used=%d" % (
                    off >> C.SEG_SHIFT, K.fmt_p(off), K.fmt_p(pt.pa), pt.link_count, pt.used))
    head = "object %s tree: %d PD pages, %d PT pages, %d 2 MiB leaves" % (
        K.fmt_p(K.u64(po["owner"])), len(pds), npt, nleaves)
    return "\n".join([head] + body) + "\n"


def radix_pages(obj, limit):
    """(count, [(index, vm_page address)] of the first `limit`) of obj's
    page radix tree (mm/vmobject/vm_radix.c), in index order."""
    node_t = gdb.lookup_type("struct radix_node")
    fanout = node_t["slot"].type.range()[1] + 1
    shift = fanout.bit_length() - 1
    found, count = [], 0

    def walk_node(addr, level, base):
        nonlocal count
        slots = struct.unpack("<%dQ" % fanout, K.read_virt(addr, fanout * 8))
        span = 1 << (shift * (level - 1))
        for i, s in enumerate(slots):
            if not s:
                continue
            if level == 1:
                count += 1
                if len(found) < limit:
                    found.append((base + i, s))
            else:
                walk_node(s, level - 1, base + i * span)

    root = K.u64(obj["pages"])
    if root:
        walk_node(root, int(obj["depth"]), 0)
    return count, found


def links_to(snap, tables):
    """Every process entry pointing at one of `tables` ({pa: level of the
    entries it holds}): [(process, pmap, entry level, va, entry, table pa)]."""
    out = []
    for pm in K.pmaps():
        owner = K.owner_of_pmap(pm)

        def entry(level, va, e, table_pa):
            if level in (K.C.PD_LEVEL, K.C.PDPT_LEVEL) and K.pte_pa(e) in tables \
                    and not K.pte_leaf(e, level):
                out.append((owner, pm, level, va, e, K.pte_pa(e)))
                return False
            return level > K.C.PD_LEVEL

        K.visit(snap, K.pmap_cr3(snap, pm), K.C.PML4_LEVEL, 0, entry)
    return out


class VmObject(gdb.Command):
    """vmobject ADDR: a struct vm_object and everything that points into it.

ADDR is a gdb expression for a struct vm_object * (pt-walk leaves one in
$pt_object). Prints its type, flags, size, refcount and resident count;
its pages (how many the radix tree holds and the first few offsets with
their physical addresses; a large page is one entry for 2 MiB); the map
entries mapping it; its page-table tree as `ptdump -o` prints it (PD
pages per GiB, PT pages, 2 MiB leaves); every process entry linking one
of its tables, against the tables' link_count; and the leaf mirrors on
its tree's list (po->mirrors).
"""

    SHOW_PAGES = 8

    def __init__(self):
        super().__init__("vmobject", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        if not arg.strip():
            raise gdb.GdbError("usage: vmobject ADDR (a struct vm_object *, e.g. $pt_object)")
        try:
            obj = gdb.parse_and_eval(arg).cast(gdb.lookup_type("struct vm_object").pointer())
            obj.dereference().fetch_lazy()
        except gdb.error as e:
            raise gdb.GdbError("vmobject: %s" % e)
        snap = K.Snapshot()
        C = K.C
        flags = int(obj["flags"])
        names = [n for n in ("OBJ_PRIVATE", "OBJ_LARGE", "OBJ_LARGE_ONLY") if flags & getattr(C, n)]
        size = K.u64(obj["size"])
        print("vm_object %s: %s %s size %#x (%d KiB) refcount %d resident %d" % (
            K.fmt_p(K.u64(obj)), str(obj["type"]), "|".join(names) or "shared", size,
            size >> 10, int(obj["refcount"]), K.u64(obj["resident"])))
        count, first = radix_pages(obj, self.SHOW_PAGES)
        print("pages: %d in its radix tree%s" % (count, ", the first:" if first else ""))
        for idx, addr in first:
            pg = snap.page_at(addr)
            print("  offset %#x -> pa %s%s" % (idx << C.PAGE_SHIFT, K.fmt_p(pg.pa),
                                               " (2 MiB)" if pg.has("PG_LARGE") else ""))
        for e in K.linked(obj["mappings"], "obj_next"):
            owner = None
            for p in K.processes():
                if p.map is not None and K.u64(p.map) == K.u64(e["map"]):
                    owner = p
            print("mapped by %s at %s..%s offset %#x %s" % (
                K.proc_label(owner), K.fmt_p(K.u64(e["start"])), K.fmt_p(K.u64(e["end"])),
                K.u64(e["offset"]), K.prot_name(int(e["prot"]))))
        po = obj["ptables"]
        if not K.u64(po):
            print("no page-table tree (a private object: its pages are mapped by private PTEs)")
            return
        gdb.write(object_tree_text(snap, po))
        tables = {}
        for g, pd in K.po_pd_pages(snap, po):
            tables[pd] = C.PD_LEVEL
            for e in snap.table(pd):
                if K.present(e) and not K.pte_leaf(e, C.PD_LEVEL):
                    tables[K.pte_pa(e)] = C.PT_LEVEL
        found = links_to(snap, tables)
        print("links: %d process entries point at its tables" % len(found))
        for owner, pm, level, va, e, t in found:
            print("  %s %s va %s -> %s at pa %s%s%s" % (
                K.proc_label(owner), K.ENTRY_NAMES[level], K.fmt_p(va),
                K.LEVEL_NAMES[level - 1], K.fmt_p(t), " W" if e & C.PTE_W else "",
                " NX" if e & C.PTE_NX else ""))
        for t, level in sorted(tables.items()):
            n = sum(1 for f in found if f[5] == t)
            pg = snap.page(t)
            if pg.link_count != n:
                print("  %s at pa %s: link_count %d but %d links found!" % (
                    K.LEVEL_NAMES[level], K.fmt_p(t), pg.link_count, n))
        mirrors = list(K.linked(po["mirrors"], "po_next"))
        print("mirrors: %d" % len(mirrors))
        for m in mirrors:
            print("  %s va %s..%s offset %#x %s copies=%d" % (
                K.proc_label(K.owner_of_pmap(m["pmap"])), K.fmt_p(K.u64(m["va"])),
                K.fmt_p(K.u64(m["va"]) + K.u64(m["len"])), K.u64(m["off"]),
                K.prot_name(int(m["prot"])), K.mirror_copies(snap, m)))


class PmapVerify(gdb.Command):
    __doc__ = ptgdb_verify.__doc__

    def __init__(self):
        super().__init__("pmap-verify", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        if arg.strip():
            raise gdb.GdbError("usage: pmap-verify (no arguments)")
        warnings, problems, summary = ptgdb_verify.verify(K.Snapshot())
        for line in warnings + problems:
            print(line)
        n = len(problems)
        verdict = "clean" if n == 0 else "%d violation%s" % (n, "" if n == 1 else "s")
        print("pmap-verify: %s (%s)" % (verdict, summary))


PtWalk()
PtDump()
VmObject()
PmapVerify()
