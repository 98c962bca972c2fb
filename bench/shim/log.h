/* Minimal stand-in for CRIU's log.h: CRIU's levels and pr_* macros over the
 * host's print_on_level() (bench/host_log.c). */
#ifndef BENCH_SHIM_LOG_H
#define BENCH_SHIM_LOG_H

#include <errno.h>
#include <string.h>

#define LOG_MSG 0
#define LOG_ERROR 1
#define LOG_WARN 2
#define LOG_INFO 3
#define LOG_DEBUG 4

#ifndef LOG_PREFIX
#define LOG_PREFIX
#endif

void print_on_level(unsigned int loglevel, const char *format, ...) __attribute__((format(printf, 2, 3)));
unsigned int log_get_loglevel(void);

#define pr_msg(fmt, ...) print_on_level(LOG_MSG, fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...) print_on_level(LOG_INFO, LOG_PREFIX fmt, ##__VA_ARGS__)
#define pr_err(fmt, ...) print_on_level(LOG_ERROR, "Error (%s:%d): " LOG_PREFIX fmt, __FILE__, __LINE__, ##__VA_ARGS__)
#define pr_warn(fmt, ...) print_on_level(LOG_WARN, "Warn  (%s:%d): " LOG_PREFIX fmt, __FILE__, __LINE__, ##__VA_ARGS__)
#define pr_debug(fmt, ...) print_on_level(LOG_DEBUG, LOG_PREFIX fmt, ##__VA_ARGS__)
#define pr_perror(fmt, ...) pr_err(fmt ": %s\n", ##__VA_ARGS__, strerror(errno))

#endif
