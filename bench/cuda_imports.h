/*
 * cuda_imports.h: the functions of CRIU's that cuda_plugin calls besides
 * the logging and service-fd ones, as the benchmark declares them (their
 * real signatures do not matter: nothing calls them here). The host
 * defines them (host_criu.c); the importing plugin refers to them
 * (plugin_template.c with BENCH_IMPORTS).
 */
#ifndef BENCH_CUDA_IMPORTS_H
#define BENCH_CUDA_IMPORTS_H

int add_inventory_plugin(const char *name);
int check_and_remove_inventory_plugin(const char *name, int n);
int close_fds(int minfd);
int compel_wait_task(int pid, int ppid, void *a, void *b, void *c, void *d);
void set_compel_interrupt_only_mode(void);
int alarm_timeouted(void);

#endif
