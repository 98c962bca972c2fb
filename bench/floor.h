#ifndef BENCH_FLOOR_H
#define BENCH_FLOOR_H

int floor_init(const char *dir);
void floor_fini(void);

#endif
