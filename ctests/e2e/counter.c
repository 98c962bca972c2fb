/* Workload for the end-to-end test: counts forever, once every 100 ms, and
 * writes the count to the file named by argv[1]. Each tick writes a temporary
 * file and renames it over argv[1], so a reader never sees a partial number
 * and no file descriptor is held open across a dump.
 *
 * It first closes every descriptor above 2 it inherited: one opened by the
 * caller on a mount CRIU cannot see (a pipe of make's job server, a file of
 * a test harness) would make the dump fail for reasons that have nothing to
 * do with plugins. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* Closes every descriptor above 2; returns 0, or -1 when one stays open. */
static int close_inherited(void)
{
	DIR *d;
	struct dirent *e;
	int again = 1;

#ifdef SYS_close_range
	if (syscall(SYS_close_range, 3U, ~0U, 0U) == 0)
		return 0;
#endif
	/* Kernels before 5.9: walk /proc/self/fd until only 0-2 and the
	 * walk's own descriptor are left. */
	while (again) {
		again = 0;
		d = opendir("/proc/self/fd");
		if (!d)
			return -1;
		while ((e = readdir(d))) {
			int fd = atoi(e->d_name);

			if (e->d_name[0] == '.' || fd <= 2 || fd == dirfd(d))
				continue;
			close(fd);
			again = 1;
		}
		closedir(d);
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long n = 0;
	struct timespec tick = { 0, 100 * 1000 * 1000 };

	if (argc != 2)
		return 2;
	if (close_inherited()) {
		perror("counter: closing inherited descriptors");
		return 1;
	}
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
