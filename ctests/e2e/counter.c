/* Workload for the end-to-end test: counts forever, once every 100 ms, and
 * writes the count to the file named by argv[1]. Each tick writes a temporary
 * file and renames it over argv[1], so a reader never sees a partial number
 * and no file descriptor is held open across a dump. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	unsigned long n = 0;
	struct timespec tick = { 0, 100 * 1000 * 1000 };

	if (argc != 2)
		return 2;
	for (;;) {
		char buf[32], tmp[4096];
		int len = snprintf(buf, sizeof(buf), "%lu\n", ++n);
		int fd;

		snprintf(tmp, sizeof(tmp), "%s.tmp", argv[1]);
		fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd >= 0) {
			int ok = write(fd, buf, len) == len;

			close(fd);
			if (ok)
				rename(tmp, argv[1]);
		}
		nanosleep(&tick, NULL);
	}
}
