#!/usr/bin/env bash
# Tests of scripts/libc-copies.sh on small objects compiled here: a check
# that passes everything would let a program carry its own memcpy or
# malloc again, so it must reject a global copy, a static one, a weak one,
# a compiler's clone of one and several in one object, naming the object
# and each function, and accept an object that only calls the library's
# functions or defines names that merely begin like them.
#
#   scripts/test-libc-copies.sh     (HOST_CC=... picks the compiler)
#
# Exit 0 when every case gets the expected verdict, 1 otherwise.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
check=$here/libc-copies.sh
cc=${HOST_CC:-gcc}
obj_flags="-fno-builtin"
# shellcheck source=scripts/test-lib.sh
. "$here/test-lib.sh"

obj clean prog.c '#include <stdio.h>
#include <stdlib.h>
#include <string.h>
static unsigned long my_strlen(const char *s) { return strlen(s) + 1; }
void *memcpy_user(void *d, const void *s, unsigned long n) { return memcpy(d, s, n); }
void print_programs(void) { printf("%lu\n", my_strlen("x")); }
int main(void) { char *p = malloc(4); print_programs(); free(p); return 0; }'
expect clean PASS ''

obj global_copy copy.c 'void *memcpy(void *d, const void *s, unsigned long n)
{ char *a = d; const char *b = s; while (n--) *a++ = *b++; return d; }'
expect global_copy FAIL 'global_copy/copy.o: defines memcpy, a function of the C library'

obj static_copy util.c 'static __attribute__((noinline, used)) unsigned long strlen(const char *s)
{ unsigned long n = 0; while (s[n]) n++; return n; }
unsigned long twice(const char *s) { return 2 * strlen(s); }'
expect static_copy FAIL 'static_copy/util.o: defines strlen'

obj weak_copy out.c '__attribute__((weak)) int printf(const char *f, ...) { (void)f; return 0; }'
expect weak_copy FAIL 'weak_copy/out.o: defines printf'

# what GCC names a part of memset it split off (memset.part.0)
obj clone part.c '__asm__(".text\n.type memset.part.0, @function\nmemset.part.0:\n\tret\n");'
expect clone FAIL 'clone/part.o: defines memset,'

obj allocator heap.c 'static char arena[4096]; static unsigned long used;
void *malloc(unsigned long n) { void *p = arena + used; used += n; return p; }
void free(void *p) { (void)p; }'
expect allocator FAIL 'allocator/heap.o: defines malloc'
expect allocator FAIL 'allocator/heap.o: defines free'

if out=$("$check" 2>&1); then rc=0; else rc=$?; fi
if [ "$rc" -eq 2 ]; then echo "ok no_objects"; else echo "not ok no_objects: exit $rc: $out"; failed=1; fi
if out=$("$check" "$tmp/none.o" 2>&1); then rc=0; else rc=$?; fi
if [ "$rc" -eq 2 ]; then echo "ok missing_object"; else echo "not ok missing_object: exit $rc: $out"; failed=1; fi

exit $failed
