# gdb page-table commands (scripts/gdb/ptgdb.py: pt-walk, ptdump, vmobject,
# pmap-verify; docs/debugging.md shows a session).
#
#   make debug      QEMU stopped with a gdb stub on :1234 (Makefile, run.sh --gdb)
#   make gdb        in another terminal: gdb on $(B)/kernel.elf with the
#                   commands loaded, attached to that stub
#   make gdb-test   boots the demo under a stub of its own and checks every
#                   command in gdb's batch mode (scripts/gdb/test.sh); part
#                   of `make test`
.PHONY: gdb gdb-test

GDB ?= gdb

gdb: deps $(B)/kernel.elf
	$(GDB) -q -x scripts/gdb/ptgdb.py -ex 'target remote :1234' $(B)/kernel.elf

gdb-test: deps all
	GDB=$(GDB) scripts/gdb/test.sh $(B)
