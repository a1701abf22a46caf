# The path check of the documentation and the comments (issue 19), run by
# `make check`: scripts/doc-paths.sh fails on a file, directory or rule of
# docs/correctness.md that a document or a comment cites and the
# repository does not have; scripts/test-doc-paths.sh shows that it does
# fail on one.

.PHONY: doc-paths doc-paths-test
check: doc-paths doc-paths-test

doc-paths:
	scripts/doc-paths.sh

doc-paths-test:
	scripts/test-doc-paths.sh
