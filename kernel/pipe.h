/*
 * Pipes, with Linux's semantics (pipe(7)): a 64 KiB buffer between a
 * read end and a write end, each an open file (kernel/file.h).
 *
 * - read blocks while the pipe is empty and returns what is there (at
 *   least one byte, at most what was asked); 0 (end of file) once every
 *   write end is closed and the buffer is drained.
 * - write blocks until everything is written. A write of at most PIPE_BUF
 *   (4096) bytes goes in whole or not at all, so writes from several
 *   writers interleave only at their boundaries; a bigger one may be
 *   split by other writers' data.
 * - A write with no read end open gives -EPIPE, and SIGPIPE to the
 *   writer first (which ends it unless it ignores or blocks SIGPIPE, as
 *   kill's signals do here: docs/abi.md).
 * - With O_NONBLOCK, a read of an empty pipe and a write that does not
 *   fit give -EAGAIN (a write of more than PIPE_BUF bytes writes what
 *   fits, if anything does).
 * - A blocked reader or writer whose process is killed returns -EINTR (and
 *   the thread ends on its way out).
 */
#ifndef KERNEL_PIPE_H
#define KERNEL_PIPE_H

#include "kernel/file.h"

#define PIPE_SIZE (64 * 1024)   /* the buffer: Linux's default capacity */

/*
 * A new pipe: its read end *rd (O_RDONLY) and write end *wr (O_WRONLY),
 * both with `flags` (0 or O_NONBLOCK) added. 0 or -ENOMEM.
 */
long pipe_create(unsigned int flags, struct file **rd, struct file **wr);

#endif
