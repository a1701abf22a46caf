# The layering check of mm/pmap/ (issue 18), run by `make check`:
# scripts/pmap-layers.sh reads the calls between the files of mm/pmap/ from
# the host build's objects and fails on one that runs up a layer;
# scripts/test-pmap-layers.sh shows that it does fail on such a call.

.PHONY: pmap-layers-test
check: pmap-layers-test

pmap-layers-test:
	HOST_CC=$(HOST_CC) scripts/test-pmap-layers.sh
