/*
 * criu_log.h: CRIU's logging functions as the test hosts give them to the
 * loader, which finds them in the executable (hosts link -rdynamic): every
 * line at debug level, written to stdout as "[LEVEL] text". Included by
 * exactly one source file of each host.
 */
#ifndef CT_CRIU_LOG_H
#define CT_CRIU_LOG_H

#include <stdarg.h>
#include <stdio.h>

unsigned int log_get_loglevel(void);
void print_on_level(unsigned int loglevel, const char *fmt, ...);

unsigned int log_get_loglevel(void)
{
	return 4;
}

void print_on_level(unsigned int loglevel, const char *fmt, ...)
{
	va_list ap;

	printf("[%u] ", loglevel);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
}

#endif
