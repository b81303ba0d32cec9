/*
 * tinyhello: the program the exec row runs per connection, under spawnd
 * (type exec) and under tcpserver alike: one line on standard output,
 * then exit.  As small as a program can be, so the row measures what a
 * fork, an exec and the server's own work cost, not the program.
 */
#include <unistd.h>

int
main(void)
{
	static const char line[] = "hello from a tiny program\r\n";

	return write(STDOUT_FILENO, line, sizeof(line) - 1) ==
	    (ssize_t)(sizeof(line) - 1) ? 0 : 1;
}
