/* poweroff [code]: stops the machine (under QEMU, exits it). */
#include "ulib.h"

int main(int argc, char **argv)
{
	poweroff(argc > 1 ? atoi(argv[1]) : 0);
}
