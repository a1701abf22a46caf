/* wait4() status encoding and options, as on Linux. */
#ifndef UAPI_WAIT_H
#define UAPI_WAIT_H

#include "uapi/signal.h"

#define WNOHANG 1

#define WIFEXITED(s)   (((s) & 0x7f) == 0)
#define WEXITSTATUS(s) (((s) >> 8) & 0xff)
#define WIFSIGNALED(s) (((s) & 0x7f) != 0)
#define WTERMSIG(s)    ((s) & 0x7f)

#define W_EXITCODE(code) (((code) & 0xff) << 8)
#define W_SIGNALED(sig)  ((sig) & 0x7f)
#define W_STOPCODE(sig)  ((((sig) & 0xff) << 8) | 0x7f)   /* WUNTRACED's report */
#define W_CONTINUED      0xffff                           /* WCONTINUED's report */

#endif
