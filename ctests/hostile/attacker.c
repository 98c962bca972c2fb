/*
 * The attacker of the trusted-path race: becomes UID:GID (started as root),
 * then swaps two folders A and B with renameat2(RENAME_EXCHANGE) as fast
 * as it can, until SIGTERM or SIGINT; then prints "swaps=N" (how many
 * exchanges succeeded) and "errors=N" to stdout and exits 0. With no
 * successful swap at all it exits 1. It prints "swapping" after its first
 * successful swap, and "progress swaps=N" at each SIGUSR1.
 *
 * Usage: attacker UID GID A B
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/fs.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

static volatile sig_atomic_t stop, report;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		report = 1;
	else
		stop = 1;
}

int main(int argc, char **argv)
{
	unsigned long swaps = 0, errors = 0;
	struct sigaction sa;
	uid_t uid;
	gid_t gid;
	int last_errno = 0;

	if (argc != 5) {
		fprintf(stderr, "usage: attacker UID GID A B\n");
		return 2;
	}
	uid = (uid_t)strtoul(argv[1], NULL, 10);
	gid = (gid_t)strtoul(argv[2], NULL, 10);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	if (setgroups(0, NULL) || setgid(gid) || setuid(uid)) {
		perror("attacker: dropping privileges");
		return 2;
	}
	if (getuid() != uid || geteuid() != uid) {
		fprintf(stderr, "attacker: still uid %u\n", (unsigned)geteuid());
		return 2;
	}
	printf("attacker running as uid %u\n", (unsigned)geteuid());
	fflush(stdout);
	while (!stop) {
		if (syscall(SYS_renameat2, AT_FDCWD, argv[3], AT_FDCWD, argv[4], RENAME_EXCHANGE) == 0) {
			if (swaps++ == 0) {
				printf("swapping\n");
				fflush(stdout);
			}
		} else {
			errors++;
			last_errno = errno;
		}
		if (report) {
			report = 0;
			printf("progress swaps=%lu\n", swaps);
			fflush(stdout);
		}
	}
	printf("swaps=%lu\nerrors=%lu\n", swaps, errors);
	if (errors)
		printf("last error: %s\n", strerror(last_errno));
	fflush(stdout);
	return swaps ? 0 : 1;
}
