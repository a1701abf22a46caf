# The list of programs, user/etc/programs (issue 19): one line per program
# of /usr/bin and /tests saying what it does. user/user.mk compiles it into the
# programs that print it; here `make check` holds it to the sources and to
# README.md's copy, and `make readme` writes that copy.
#
#   make readme   README.md's list of programs, rewritten from the list
#
# scripts/test-programs.sh shows that the check fails when it should.

.PHONY: programs-check programs-check-test readme
check: programs-check programs-check-test

programs-check:
	scripts/programs.sh check .

programs-check-test:
	scripts/test-programs.sh

readme:
	scripts/programs.sh readme .
