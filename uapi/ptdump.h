/* SYS_ptdump flags. */
#ifndef UAPI_PTDUMP_H
#define UAPI_PTDUMP_H

#define PTDUMP_PROC   0x0   /* id is a pid (0: the caller) */
#define PTDUMP_OBJECT 0x1   /* id is a SysV shm id: the object's own tree */
#define PTDUMP_FILE   0x2   /* id is an open regular file: its object's tree */

#endif
