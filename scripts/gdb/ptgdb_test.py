"""The test of ptgdb (run by scripts/gdb/test.sh, `make gdb-test`).

gdb runs this in batch mode, with ptgdb.py loaded and attached to a kernel
booted with the demo and stopped before its first instruction. The
environment variable PTGDB_TEST names the scenario, which must match the
boot:

  links  (the default boot) stops at the first fault the demo takes on its
         shared segment with sharing on, where a PDE links the object's PT;
  large  (booted with vm.largepages=2, so the segment is made of 2 MiB
         pages) stops when the demo's first 2 MiB leaf is copied into its
         PD, under a leaf mirror.

Both run each command there and check what it prints against what the
kernel holds; corrupt a table's count, a counter or an entry in memory and
check that pmap-verify names the broken invariant (and is clean again once
restored); and compare ptdump and vmobject with the text the kernel's own
pmap_dump() and pmap_dump_object() write, stopping when the demo asks for
them.

Prints a plan ("1..N"), one "ok N - what" or "not ok N - what" line per
check, and last "gdb-test: N of M checks passed"; test.sh judges that.
"""
import os
import re

import gdb

import ptgdb_kernel as K

SCENARIO = os.environ.get("PTGDB_TEST", "links")
PLAN = {"links": 24, "large": 12}.get(SCENARIO, 1)
done = []


def check(ok, what, detail=""):
    done.append(bool(ok))
    print("%s %d - %s" % ("ok" if ok else "not ok", len(done), what))
    if not ok and detail:
        for line in detail.rstrip("\n").split("\n"):
            print("#   " + line)


def run(cmd):
    return gdb.execute(cmd, to_string=True)


def refused(cmd, text):
    """Does cmd fail with an error message containing text?"""
    try:
        run(cmd)
    except gdb.error as e:
        return text in str(e)
    return False


def stop_at(func):
    """Continues to a temporary breakpoint at func; whether it stopped there."""
    run("tbreak " + func)
    run("continue")
    return gdb.selected_frame().name() == func


def set_field(addr, type_name, field, value):
    run("set var ((%s *)%d)->%s = %d" % (type_name, addr, field, value))


def verify_reports(what, text):
    out = run("pmap-verify")
    check(text in out and "pmap-verify: 1 violation (" in out, "pmap-verify reports " + what, out)


def links_checks():
    check(stop_at("pmap_enter_segment"), "the demo maps its shared segment (pmap_enter_segment)")
    run("break vm_fault_locked")
    run("continue")
    check(gdb.selected_frame().name() == "vm_fault_locked", "a page fault (vm_fault_locked)")
    run("delete")
    va = K.u64(gdb.selected_frame().read_var("va"))

    out = run("pt-walk %d" % va)
    levels = re.findall(r"^(PML4E|PDPTE|PDE  |PTE  ) \[", out, re.M)
    check(levels == ["PML4E", "PDPTE", "PDE  ", "PTE  "], "pt-walk: the four levels", out)
    check(re.search(r"^PDE .*\n.*in private PD \(PG_PTABLE\) used=\d+\n\s+link:", out, re.M) and
          re.search(r"^PTE .*\n\s+in PT of object 0x\w+ offset 0x\w+ \(PG_OBJTABLE\) links=[1-9]",
                    out, re.M),
          "pt-walk: the PDE is a link into an object's PT page", out)
    obj = K.u64(gdb.parse_and_eval("$pt_object"))
    check(obj and "PT of object %s" % K.fmt_p(obj) in out, "pt-walk: $pt_object is that object", out)
    by_pmap = run("pt-walk va map->pmap")
    check(by_pmap == out, "pt-walk: the faulting map's pmap gives the walk of $cr3", by_pmap)
    pt_pa = int(re.search(r"^PTE +\[ *\d+\] at pa (0x\w+)", out, re.M).group(1), 16) & ~0xfff

    run("finish")
    out = run("pt-walk %d" % va)
    m = re.search(r"^-> 4 KiB page: va 0x\w+ -> pa (0x\w+), writable, user", out, re.M)
    check(m and "object %s" % K.fmt_p(obj) in out,
          "pt-walk after the fault: a writable 4 KiB page of the object", out)

    cr3 = K.current_cr3() & K.C.PTE_ADDR_MASK
    out = run("ptdump")
    check(out.startswith("pmap cr3=%s\n" % K.fmt_p(cr3)) and
          re.search(r"^  PD\[ *\d+\] va=.* P W U NX  PT of object %s offset 0x\w+ links=[1-9]\d* "
                    r"used=[1-9]" % K.fmt_p(obj), out, re.M),
          "ptdump: the faulting process links the object's PT", out)
    out = run("ptdump 1")
    check(out.startswith("pmap cr3=0x") and re.search(r"^PML4\[  0\] va=0x0+ -> ", out, re.M) and
          "of object" not in out, "ptdump 1: init's private tree", out)

    out = run("vmobject $pt_object")
    check(re.search(r"^object %s tree: 1 PD pages, [1-9]\d* PT pages, 0 2 MiB leaves$"
                    % K.fmt_p(obj), out, re.M) and
          re.search(r"^ PT\[seg \d+\] offset=0x\w+ pa=%s links=[1-9]" % K.fmt_p(pt_pa), out, re.M),
          "vmobject: the tree holds the PT page pt-walk went through", out)
    check(re.search(r"^links: [1-9]\d* process entries", out, re.M) and "but" not in out and
          re.search(r"^pages: [1-9]\d* in its radix tree", out, re.M),
          "vmobject: pages, and links that match link_count", out)

    out = run("pmap-verify")
    check(re.search(r"^pmap-verify: clean \(\d+ object trees, \d+ pmaps", out, re.M),
          "pmap-verify: clean", out)
    return pt_pa


def corruption_checks(pt_pa):
    """Breaks one invariant at a time in memory, and restores it."""
    snap = K.Snapshot()
    pg = snap.page(pt_pa)
    set_field(pg.addr, "struct vm_page", "used", pg.used + 1)
    verify_reports("a wrong used count", "object table at pa %s: used %d, %d present"
                   % (K.fmt_p(pt_pa), pg.used + 1, pg.used))
    set_field(pg.addr, "struct vm_page", "used", pg.used)
    set_field(pg.addr, "struct vm_page", "link_count", pg.link_count + 1)
    verify_reports("a wrong link_count", "object table at pa %s: link_count %d, %d links found"
                   % (K.fmt_p(pt_pa), pg.link_count + 1, pg.link_count))
    set_field(pg.addr, "struct vm_page", "link_count", pg.link_count)
    gstat = K.u64(gdb.parse_and_eval("&pmap_gstat"))
    links = K.u64(gdb.parse_and_eval("pmap_gstat.links_pde"))
    set_field(gstat, "struct vmstat", "links_pde", links + 1)
    verify_reports("a wrong global counter", "global: counter links_pde is %d, found %d"
                   % (links + 1, links))
    set_field(gstat, "struct vmstat", "links_pde", links)
    out = run("pmap-verify")
    check("pmap-verify: clean" in out, "pmap-verify: clean again once restored", out)


def input_checks():
    check(refused("pt-walk", "usage: pt-walk VA [CR3]"), "pt-walk without VA is refused")
    check(refused("pt-walk nosuchsymbol", "VA:"), "pt-walk of a bad expression is refused")
    check(refused("ptdump 99999", "no process 99999"), "ptdump of an unknown pid is refused")
    check(refused("vmobject", "usage: vmobject ADDR"), "vmobject without ADDR is refused")


def kernel_text(func, arg):
    """Stops in func (pmap_dump or pmap_dump_object), finishes it and returns
    (its argument `arg`, the text the kernel wrote into buf)."""
    if not stop_at(func):
        return None, ""
    frame = gdb.selected_frame()
    first = K.u64(frame.read_var(arg))
    buf, size = K.u64(frame.read_var("buf")), K.u64(frame.read_var("len"))
    run("finish")
    n = int(gdb.history(0))
    if n < 0 or n >= size:
        return first, "(pmap_dump returned %d for a buffer of %d)" % (n, size)
    return first, K.read_virt(buf, n).decode()


def kernel_comparison(what, proc_text, object_text):
    """ptdump and vmobject against the kernel's text, which must hold
    proc_text and object_text (what the scenario is about)."""
    pm, text = kernel_text("pmap_dump", "pm")
    out = run("ptdump ((struct pmap *)%d)" % pm) if pm else ""
    check(pm and text == out and proc_text in text,
          "ptdump prints what the kernel's pmap_dump() wrote, %s included" % what,
          "kernel:\n%sptdump:\n%s" % (text, out))
    po, text = kernel_text("pmap_dump_object", "po")
    out = run("vmobject ((struct pmap_object *)%d)->owner" % po) if po else ""
    check(po and text and text in out and object_text in text,
          "vmobject prints the tree the kernel's pmap_dump_object() wrote",
          "kernel:\n%svmobject:\n%s" % (text, out))
    out = run("pmap-verify")
    check("pmap-verify: clean" in out, "pmap-verify: clean later in the demo", out)


def lock_check():
    """Inside the pmap (tlb_batch_finish runs under pmap_lock) the tables
    may be mid-change: pmap-verify says so."""
    stop_at("tlb_batch_finish")
    out = run("pmap-verify")
    check(re.search(r"^warning: pmap_lock is held \(by CPU 0\)", out, re.M),
          "pmap-verify warns when stopped under pmap_lock", out)


def large_checks():
    check(stop_at("pmap_enter_large"), "the demo maps a 2 MiB page (pmap_enter_large)")
    va = K.u64(gdb.parse_and_eval("s->va"))
    run("finish")
    check(int(gdb.history(0)) == 0, "pmap_enter_large succeeded")

    out = run("pt-walk %d" % va)
    levels = re.findall(r"^(PML4E|PDPTE|PDE  |PTE  ) \[", out, re.M)
    obj = K.u64(gdb.parse_and_eval("$pt_object"))
    check(levels == ["PML4E", "PDPTE", "PDE  "] and
          re.search(r"^PDE .* P W U (A )?(D )?PS NX\n\s+in private PD \(PG_PTABLE\) used=\d+\n"
                    r"\s+a copy of object %s's leaf, kept by the mirror va=" % K.fmt_p(obj),
                    out, re.M) and
          re.search(r"^-> 2 MiB page: va .*\n.*flags \S*PG_LARGE\S* object %s offset"
                    % K.fmt_p(obj), out, re.M),
          "pt-walk: three levels, the PDE a mirror's copy of the object's leaf", out)
    pd_pa = int(re.search(r"^PDE +\[ *\d+\] at pa (0x\w+)", out, re.M).group(1), 16)

    out = run("ptdump")
    check(re.search(r"^  PD\[ *\d+\] va=.* P W U NX PS  2 MiB page of object %s offset 0x\w+$"
                    % K.fmt_p(obj), out, re.M) and
          re.search(r"^mirror va=0x\w+\.\.0x\w+ object %s offset 0x\w+ P W U NX copies=[1-9]"
                    % K.fmt_p(obj), out, re.M),
          "ptdump: the copied leaf and its mirror", out)
    out = run("vmobject $pt_object")
    check(re.search(r"^ LEAF\[seg \d+\] offset=0x\w+ pa=0x\w+$", out, re.M) and
          re.search(r"^  offset 0x0 -> pa 0x\w+ \(2 MiB\)$", out, re.M) and
          re.search(r"^mirrors: [1-9]\n  pid \d+ \(\w+\) va .* copies=[1-9]", out, re.M),
          "vmobject: large pages, leaves and the mirror", out)
    out = run("pmap-verify")
    check(re.search(r"^pmap-verify: clean ", out, re.M), "pmap-verify: clean", out)

    # The copy loses its W bit: no longer copy_of() the object's leaf.
    entry = int.from_bytes(K.read_phys(pd_pa, 8), "little")
    run("set var *(unsigned long *)%d = %d" % (K.phys_to_virt(pd_pa), entry & ~K.C.PTE_W))
    verify_reports("a copy that differs from the object's leaf", "is not a mirror's copy of an "
                   "object leaf")
    run("set var *(unsigned long *)%d = %d" % (K.phys_to_virt(pd_pa), entry))
    cr3 = K.current_cr3() & K.C.PTE_ADDR_MASK
    snap = K.Snapshot()
    pm = [K.u64(p.pmap) for p in K.processes()
          if p.pmap is not None and K.pmap_cr3(snap, p.pmap) == cr3][0]
    copies = K.u64(gdb.parse_and_eval("((struct pmap *)%d)->stat.leaf_copies" % pm))
    run("set var ((struct pmap *)%d)->stat.leaf_copies = %d" % (pm, copies + 1))
    verify_reports("a wrong leaf_copies counter", "counter leaf_copies is %d, found %d"
                   % (copies + 1, copies))
    run("set var ((struct pmap *)%d)->stat.leaf_copies = %d" % (pm, copies))
    out = run("pmap-verify")
    check("pmap-verify: clean" in out, "pmap-verify: clean again once restored", out)


def main():
    print("1..%d" % PLAN)
    try:
        if SCENARIO == "links":
            pt_pa = links_checks()
            corruption_checks(pt_pa)
            input_checks()
            kernel_comparison("links", "PT of object", " PT[seg ")
            lock_check()
        elif SCENARIO == "large":
            large_checks()
            kernel_comparison("mirrors", "\nmirror va=", " LEAF[seg ")
        else:
            check(False, "a known scenario", "PTGDB_TEST=%s: links or large" % SCENARIO)
    except (gdb.error, AttributeError, TypeError, ValueError) as e:
        check(False, "the test ran to its end", "%s: %s" % (type(e).__name__, e))
    passed = sum(done)
    print("gdb-test: %d of %d checks passed" % (passed, PLAN))


main()
