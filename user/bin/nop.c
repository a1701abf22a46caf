/* nop: exits with status 0 at once. The smallest program of the initrd,
 * there with or without busybox: the tests and the fuzzer exec it when
 * they need a program that does nothing (busybox's true is a 2 MiB image). */
int main(void)
{
	return 0;
}
