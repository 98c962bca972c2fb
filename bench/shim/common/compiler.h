/* Minimal stand-in for CRIU's common/compiler.h: only what criu/plugin.c uses. */
#ifndef BENCH_SHIM_COMPILER_H
#define BENCH_SHIM_COMPILER_H

#define ARRAY_SIZE(x) (sizeof(x) / sizeof((x)[0]))

#ifndef likely
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#endif

#endif
