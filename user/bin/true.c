/* true: exits with status 0. Tests exec it when they need a program that
 * does nothing. */
int main(void)
{
	return 0;
}
