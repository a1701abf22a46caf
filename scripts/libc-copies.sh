#!/usr/bin/env bash
# One implementation of each libc function (issue 23): no object may
# define its own copy of a function the C library has. User programs are
# static musl programs and take printf, the string and memory functions
# and malloc from musl; a copy of their own would hide musl's, and a
# student would read and trust the wrong one.
#
#   scripts/libc-copies.sh OBJ...
#
# The definitions are read from the objects with nm (NM=... picks it):
# every symbol an object defines, global, weak or static (a static
# strlen() is a copy too), less a suffix the compiler adds to a clone
# (memset.part.0 is memset). Calls of the library's functions are
# undefined symbols and pass. Exit 0 when no object defines one; 1 with
# one line per copy, "OBJ: defines NAME, ..."; 2 on a usage error or an
# object nm cannot read. `make check` runs it on every user-space object
# and on the host tests' build of the kernel's own copies (mk/libc-copies.mk);
# scripts/test-libc-copies.sh shows that it fails on a copy.

# The functions checked, by family.
LIBC_NAMES='
printf fprintf dprintf sprintf snprintf asprintf
vprintf vfprintf vdprintf vsprintf vsnprintf vasprintf
puts fputs putchar fputc putc
memcpy memmove memset memcmp memchr memrchr memmem mempcpy
bcopy bzero explicit_bzero
strlen strnlen strcpy strncpy stpcpy stpncpy strcat strncat strlcpy strlcat
strcmp strncmp strcasecmp strncasecmp strcoll
strchr strrchr strchrnul strstr strspn strcspn strpbrk strtok strtok_r
strdup strndup strerror
atoi atol atoll strtol strtoul strtoll strtoull
malloc free calloc realloc reallocarray aligned_alloc posix_memalign
memalign valloc
'
set -eu

if [ $# -eq 0 ]; then
	echo "usage: $0 OBJ..." >&2
	exit 2
fi
nm=${NM:-nm}

status=0
for obj in "$@"; do
	if ! defs=$("$nm" --defined-only "$obj" 2>&1); then
		echo "libc-copies: $defs" >&2
		exit 2
	fi
	# nm prints "VALUE TYPE NAME"; NAME less its clone suffix
	copies=$(awk -v names="$LIBC_NAMES" '
		BEGIN { n = split(names, w, /[ \n]+/); for (i = 1; i <= n; i++) libc[w[i]] = 1 }
		NF == 3 {
			name = $3
			sub(/\..*/, "", name)
			if (name in libc && !(name in seen)) {
				seen[name] = 1
				print name
			}
		}' <<<"$defs")
	for name in $copies; do
		echo "$obj: defines $name, a function of the C library: call the library's"
		status=1
	done
done
exit $status
