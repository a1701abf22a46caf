/*
 * The kernel's lock order, in one place.
 *
 * Every spinlock class has a rank; a CPU may take a lock only if its rank is
 * higher than the rank of every lock it already holds (two locks of the same
 * class may nest: fork locks the parent map then the child's, and copying
 * an object locks the source then the copy). Debug builds (KDEBUG) check
 * this on every spin_lock(), and check that nothing re-enables interrupts
 * or sleeps while a spinlock is held.
 *
 *   rank  lock            protects
 *   10    proc            process table, parent links, exit status
 *   11    files           one process's descriptor table
 *   12    tty             console input line
 *   13    pipe            one pipe's buffer and counts of open ends
 *   14    shm             SysV segment table
 *   16    vm_maps         registry of address spaces
 *   20    vm_map          one address space's entries
 *   24    vm_objects      registry of VM objects
 *   28    vm_object       one object's pages and mapping list
 *   32    futex           the futex wait list
 *   34    poll            poll's count of changes (kernel/poll.c)
 *   35    sched           run queue, thread states, each CPU's running thread
 *   40    pmap            every page table, PV list and pmap counter
 *   60    km_lock         kernel heap
 *   65    page_lock       physical page allocator
 *   70    random          getrandom's generator
 *   90    console         console output
 *
 * A lock whose name is not in the table is not ordered (rank -1).
 */
#ifndef KERNEL_LOCKORDER_H
#define KERNEL_LOCKORDER_H

/* The rank of the lock class `name`, or -1 when it is not ordered. */
int lock_rank(const char *name);

#endif
