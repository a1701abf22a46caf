# The layering check of mm/pmap/ (issue 18), run by `make check`:
# scripts/pmap-layers.sh reads the calls between the files of mm/pmap/ from
# the host build's objects and fails on one that runs up a layer or across
# one; scripts/test-pmap-layers.sh shows that it does fail on such a call.

PMAP_LAYER_OBJS := $(filter $(B)/host/mm/pmap/%,$(HOST_OBJS))

.PHONY: pmap-layers pmap-layers-test
check: pmap-layers pmap-layers-test

pmap-layers: $(PMAP_LAYER_OBJS)
	scripts/pmap-layers.sh $(PMAP_LAYER_OBJS)

pmap-layers-test:
	HOST_CC=$(HOST_CC) scripts/test-pmap-layers.sh
