/* What SYS_sysctl_list tells of a knob besides its name. */
#ifndef UAPI_SYSCTL_H
#define UAPI_SYSCTL_H

#include <stdint.h>

#define SYSCTL_HELP_LEN 256

/* Filled when the call's fourth argument is not NULL. */
struct sysctl_info {
	int64_t min, max;               /* the values the knob takes */
	char help[SYSCTL_HELP_LEN];     /* what it does, one line */
};

#endif
