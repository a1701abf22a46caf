"""pmap-verify: check the pmap's invariants over memory, from gdb.

Calling the kernel's pmap_verify() from a stopped CPU is not safe (it takes
pmap_lock, which the stopped code may hold, and allocates), so this walks
the same structures in Python, reading memory only. It checks:

Object trees (pmap_object_list), each PD and PT page:
  - it is a live object table of this object (PG_OBJTABLE, not PG_FREE,
    vm_page.object = the owner, vm_page.offset = the first offset it covers);
  - its `used` equals its present entries;
  - a PD entry pointing at a PT page carries exactly P|W|U (A aside);
  - each PTE and 2 MiB leaf maps the object's page at that offset
    (vm_page.object and .offset, PG_LARGE exactly for a leaf) with the
    object's rights (write and execute may have been taken away).
Process trees (pmap_list), each pmap:
  - the PML4's `used` equals its present user slots;
  - every entry points at a managed page that is not free;
  - a private table entry carries P|W|U and points at a PG_PTABLE page
    whose `used` equals its present entries;
  - every link (a PDE or PDPTE pointing at a PG_OBJTABLE page) points at a
    table of a live object tree of the right level (PDE -> PT, PDPTE -> PD);
  - a private 2 MiB leaf (PTE_PRIVATE_LEAF) maps a 2 MiB-aligned large page;
  - every other 2 MiB leaf lies in one of the pmap's mirrors and equals
    copy_of() of the object's leaf with the mirror's rights;
  - its mirrors are on their live object tree's list, point back at the
    pmap, are 2 MiB-aligned, lie in one VA GiB and inside the object, lie
    under no GiB link and do not overlap;
  - its counters match what was found: pt_pages, resident, leaf_private,
    pv_entries, links_pde, links_pdpte, leaf_copies, leaf_mirrors.
Then:
  - each object table's link_count equals the links found pointing at it;
  - the global counters (pmap_gstat) match the sums: pt_pages,
    obj_pt_pages, obj_pd_pages, links_pde, links_pdpte, obj_leaves,
    leaf_copies, leaf_mirrors (as the pmaps and the object trees list
    them), resident, leaf_private and pv_entries.
Not checked (the kernel's pmap_verify does): that each mapping's PV entry
is on its page's pv_list; only the PV counters are compared.

The answer means something only when no CPU is inside the pmap: it warns
when pmap_lock is held, as it is mid-operation in any mm/pmap/ function.
"""
import ptgdb_kernel as K


class Verify:
    def __init__(self, snap):
        self.snap = snap
        self.C = K.C
        self.problems = []
        self.warnings = []
        self.objtabs = {}        # table pa -> [level, links found]
        self.obj_ptes = self.obj_pvs = self.obj_leaves = 0
        self.po_live = set()

    def fail(self, msg):
        self.problems.append(msg)

    def check_used(self, pa, level, what):
        C = self.C
        n = C.PML4_USER_SLOTS if level == C.PML4_LEVEL else C.PT_ENTRIES
        count = sum(1 for e in self.snap.table(pa)[:n] if K.present(e))
        used = self.snap.page(pa).used
        if count != used:
            self.fail("%s at pa %s: used %d, %d present" % (what, K.fmt_p(pa), used, count))

    # ---- object trees ----

    def check_objtab(self, owner, pa, level, off):
        t = self.snap.page(pa)
        if t is None or t.has("PG_FREE") or not t.has("PG_OBJTABLE") or t.object != owner \
                or t.offset != off:
            self.fail("object %s: table for offset %s is not its live table"
                      % (K.fmt_p(owner), K.fmt_p(off)))
            return False
        self.check_used(pa, level, "object table")
        self.objtabs[pa] = [level, 0]
        return True

    def check_objmap(self, owner, e, off, large):
        C = self.C
        pg = self.snap.page(K.pte_pa(e))
        what = "leaf" if large else "PTE"
        if pg is None or pg.has("PG_FREE") or pg.object != owner or pg.offset != off \
                or pg.has("PG_LARGE") != large:
            self.fail("object %s: %s for offset %s does not map the object's page"
                      % (K.fmt_p(owner), what, K.fmt_p(off)))
            return
        want = C.OBJ_LEAF_FLAGS if large else C.OBJ_PTE_FLAGS
        flags = e & ~C.PTE_ADDR_MASK & K.MASK64
        if (flags & ~(C.PTE_A | C.PTE_D | C.PTE_NX)) | C.PTE_W != want:
            self.fail("object %s: %s for offset %s has flags %s"
                      % (K.fmt_p(owner), what, K.fmt_p(off), K.fmt_p(flags)))
        self.obj_pvs += not pg.has("PG_WIRED")

    def check_object(self, po):
        C = self.C
        owner = K.u64(po["owner"])
        for g, pd in K.po_pd_pages(self.snap, po):
            base = g << C.GIB_SHIFT
            if not self.check_objtab(owner, pd, C.PD_LEVEL, base):
                continue
            for i, e in enumerate(self.snap.table(pd)):
                off = base + (i << C.SEG_SHIFT)
                if not K.present(e):
                    continue
                if K.pte_leaf(e, C.PD_LEVEL):
                    self.obj_leaves += 1
                    self.check_objmap(owner, e, off, True)
                    continue
                if e & ~C.PTE_ADDR_MASK & ~C.PTE_A & K.MASK64 != C.PTE_P | C.PTE_W | C.PTE_U:
                    self.fail("object %s: PD entry for offset %s has flags %s" % (
                        K.fmt_p(owner), K.fmt_p(off), K.fmt_p(e & ~C.PTE_ADDR_MASK & K.MASK64)))
                if not self.check_objtab(owner, K.pte_pa(e), C.PT_LEVEL, off):
                    continue
                for j, pte in enumerate(self.snap.table(K.pte_pa(e))):
                    if K.present(pte):
                        self.obj_ptes += 1
                        self.check_objmap(owner, pte, off + (j << C.PAGE_SHIFT), False)

    # ---- process trees ----

    def check_mirrors(self, pm, root, n):
        C = self.C
        mirrors = list(K.linked(pm["mirrors"], "pm_next"))
        seg, gib = 1 << C.SEG_SHIFT, 1 << C.GIB_SHIFT
        ok = []
        for m in mirrors:
            va, off, ln = K.u64(m["va"]), K.u64(m["off"]), K.u64(m["len"])
            po = m["po"]
            on_list = K.u64(po) in self.po_live and any(
                K.u64(x) == K.u64(m) for x in K.linked(po["mirrors"], "po_next"))
            if K.u64(m["pmap"]) != K.u64(pm) or not on_list:
                self.fail("pmap %s: mirror at va %s is not on a live object tree's list"
                          % (K.fmt_p(K.u64(pm)), K.fmt_p(va)))
                continue
            size = K.u64(po["size"])
            if ln == 0 or (va | off | ln) % seg or va // gib != (va + ln - 1) // gib \
                    or off >= size or ln > size - off:
                self.fail("pmap %s: mirror at va %s (%d bytes, offset %s) is malformed"
                          % (K.fmt_p(K.u64(pm)), K.fmt_p(va), ln, K.fmt_p(off)))
            else:
                ok.append((va, ln, off, po, int(m["prot"])))
            if K.walk(self.snap, root, va, C.PD_LEVEL)[2]:
                self.fail("pmap %s: mirror at va %s lies under a GiB link"
                          % (K.fmt_p(K.u64(pm)), K.fmt_p(va)))
        for i, a in enumerate(mirrors):
            for b in mirrors[i + 1:]:
                av, al, bv, bl = K.u64(a["va"]), K.u64(a["len"]), K.u64(b["va"]), K.u64(b["len"])
                if bv < av + al and av < bv + bl:
                    self.fail("pmap %s: mirrors at va %s and %s overlap"
                              % (K.fmt_p(K.u64(pm)), K.fmt_p(av), K.fmt_p(bv)))
        n["mirrors"] = len(mirrors)
        return ok

    def obj_leaf(self, po, off):
        """obj_leaf_locked(): the object's PD entry for off if a leaf."""
        C = self.C
        g = off >> C.GIB_SHIFT
        if g >= int(po["npd"]) or not K.u64(po["pd"][g]):
            return None
        e = self.snap.table(self.snap.page_pa(po["pd"][g]))[K.level_index(off, C.PD_LEVEL)]
        return e if K.pte_leaf(e, C.PD_LEVEL) else None

    def check_copy(self, pm, mirrors, va, e):
        C = self.C
        leaf = None
        for mva, ln, off, po, prot in mirrors:
            if mva <= va < mva + ln:
                leaf = self.obj_leaf(po, off + (va - mva))
                break
        if leaf is None or e & ~(C.PTE_A | C.PTE_D) & K.MASK64 != K.copy_of(leaf, prot):
            self.fail("pmap %s: 2 MiB leaf at va %s (%s) is not a mirror's copy of an object leaf"
                      % (K.fmt_p(K.u64(pm)), K.fmt_p(va), K.fmt_p(e)))

    def check_pmap(self, pm):
        C = self.C
        snap = self.snap
        root = K.pmap_cr3(snap, pm)
        name = K.fmt_p(K.u64(pm))
        n = {"tables": 1, "leaves": 0, "private": 0, "copies": 0, 2: 0, 3: 0}
        self.check_used(root, C.PML4_LEVEL, "PML4")
        mirrors = self.check_mirrors(pm, root, n)

        def entry(level, va, e, table_pa):
            pg = snap.page(K.pte_pa(e))
            if pg is None or pg.has("PG_FREE"):
                self.fail("pmap %s: level-%d entry for va %s points at a free or foreign page"
                          % (name, level, K.fmt_p(va)))
                return False
            if K.pte_leaf(e, level) and e & C.PTE_PRIVATE_LEAF:
                n["private"] += 1
                if not pg.has("PG_LARGE") or pg.pa % (1 << C.SEG_SHIFT):
                    self.fail("pmap %s: private 2 MiB leaf at va %s maps pa %s, not a large page"
                              % (name, K.fmt_p(va), K.fmt_p(K.pte_pa(e))))
                return False
            if K.pte_leaf(e, level):
                n["copies"] += 1
                self.check_copy(pm, mirrors, va, e)
                return False
            if level > C.PT_LEVEL and pg.has("PG_OBJTABLE"):
                n[level] += 1
                tab = self.objtabs.get(pg.pa)
                if tab is None or tab[0] != level - 1:
                    self.fail("pmap %s: level-%d link for va %s points at no live object table"
                              " of level %d" % (name, level, K.fmt_p(va), level - 1))
                else:
                    tab[1] += 1
                return False
            if level > C.PT_LEVEL:
                if e & ~C.PTE_ADDR_MASK & ~C.PTE_A & K.MASK64 != C.PTE_P | C.PTE_W | C.PTE_U \
                        or not pg.has("PG_PTABLE"):
                    self.fail("pmap %s: level-%d entry for va %s: flags %s, not a private table"
                              % (name, level, K.fmt_p(va),
                                 K.fmt_p(e & ~C.PTE_ADDR_MASK & K.MASK64)))
                n["tables"] += 1
                self.check_used(pg.pa, level - 1, "private table")
                return True
            n["leaves"] += 1
            return False

        K.visit(snap, root, C.PML4_LEVEL, 0, entry)
        st = pm["stat"]
        counters = (("pt_pages", n["tables"]), ("resident", n["leaves"]),
                    ("leaf_private", n["private"]), ("pv_entries", n["leaves"] + n["private"]),
                    ("links_pde", n[2]), ("links_pdpte", n[3]), ("leaf_copies", n["copies"]),
                    ("leaf_mirrors", n["mirrors"]))
        for field, found in counters:
            if K.u64(st[field]) != found:
                self.fail("pmap %s: counter %s is %d, found %d"
                          % (name, field, K.u64(st[field]), found))
        return n

    def run(self):
        lock = K.global_var("pmap_lock")
        if int(lock["locked"]):
            self.warnings.append("warning: pmap_lock is held (by CPU %d): the tables may be"
                                 " mid-change" % int(lock["cpu"]))
        trees = K.object_trees()
        self.po_live = {K.u64(po) for po in trees}
        for po in trees:
            self.check_object(po)
        pms = K.pmaps()
        sums = {"pt_pages": 0, "resident": 0, "leaf_private": 0, "links_pde": 0,
                "links_pdpte": 0, "leaf_copies": 0, "leaf_mirrors": 0}
        for pm in pms:
            n = self.check_pmap(pm)
            for k, v in (("pt_pages", n["tables"]), ("resident", n["leaves"]),
                         ("leaf_private", n["private"]), ("links_pde", n[2]),
                         ("links_pdpte", n[3]), ("leaf_copies", n["copies"]),
                         ("leaf_mirrors", n["mirrors"])):
                sums[k] += v
        obj_pt = obj_pd = 0
        for pa, (level, links) in sorted(self.objtabs.items()):
            count = self.snap.page(pa).link_count
            if count != links:
                self.fail("object table at pa %s: link_count %d, %d links found"
                          % (K.fmt_p(pa), count, links))
            obj_pt += level == self.C.PT_LEVEL
            obj_pd += level == self.C.PD_LEVEL
        po_mirrors = sum(len(list(K.linked(po["mirrors"], "po_next"))) for po in trees)
        g = K.global_var("pmap_gstat")
        want = dict(sums)
        want.update(obj_pt_pages=obj_pt, obj_pd_pages=obj_pd, obj_leaves=self.obj_leaves,
                    resident=sums["resident"] + self.obj_ptes,
                    pv_entries=sums["resident"] + sums["leaf_private"] + self.obj_pvs)
        for field, found in sorted(want.items()):
            if K.u64(g[field]) != found:
                self.fail("global: counter %s is %d, found %d" % (field, K.u64(g[field]), found))
        if po_mirrors != sums["leaf_mirrors"]:
            self.fail("global: %d mirrors on the pmaps' lists, %d on the object trees' lists"
                      % (sums["leaf_mirrors"], po_mirrors))
        return "%d object trees, %d pmaps, %d object tables, %d private tables" % (
            len(trees), len(pms), len(self.objtabs), sums["pt_pages"])


def verify(snap):
    """([warnings], [violation lines], summary) for the machine as it is now."""
    v = Verify(snap)
    summary = v.run()
    return v.warnings, v.problems, summary
