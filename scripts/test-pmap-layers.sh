#!/usr/bin/env bash
# Tests of scripts/pmap-layers.sh on small objects compiled here: a check
# that passes everything would let a circle back into mm/pmap/, so it must
# reject a call that runs back up (a TLB file calling the verbs, as
# pmap_tlb.c once used pmap_gstat), a use of data that runs back up, a call
# inside one layer and a file placed in no layer, and accept calls that run
# down.
#
#   scripts/test-pmap-layers.sh     (HOST_CC=... picks the compiler)
#
# Exit 0 when every case gets the expected verdict, 1 otherwise.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
check=$here/pmap-layers.sh
cc=${HOST_CC:-gcc}
obj_flags=""
# shellcheck source=scripts/test-lib.sh
. "$here/test-lib.sh"

obj down pmap_tlb.c 'int tlb_flushes; void tlb_batch_finish(void) { tlb_flushes++; }'
obj down pmap_table.c 'void tlb_batch_finish(void); void pt_walk(void) { tlb_batch_finish(); }'
obj down pmap.c 'void pt_walk(void); void pmap_enter(void) { pt_walk(); }'
expect down PASS ''

obj back_call pmap_tlb.c 'void pmap_remove(void); void tlb_batch_finish(void) { pmap_remove(); }'
obj back_call pmap.c 'void tlb_batch_finish(void); void pmap_remove(void) { tlb_batch_finish(); }'
expect back_call FAIL 'pmap_tlb.c (tlb) uses pmap_remove of pmap.c (verbs): a higher layer'

obj back_data pmap_tlb.c 'extern int pmap_gstat; void tlb_batch_finish(void) { pmap_gstat++; }'
obj back_data pmap_table.c 'int pmap_gstat;'
expect back_data FAIL 'pmap_tlb.c (tlb) uses pmap_gstat of pmap_table.c (tables): a higher layer'

obj same_layer pmap_query.c 'void pmap_dump(void); void pmap_stat(void) { pmap_dump(); }'
obj same_layer pmap_dump.c 'void pmap_dump(void) { }'
expect same_layer FAIL 'pmap_query.c (readers) uses pmap_dump of pmap_dump.c (readers): the same layer'

obj unplaced pmap_new.c 'void pmap_new(void) { }'
expect unplaced FAIL 'pmap_new.c is in no layer'

exit $failed
