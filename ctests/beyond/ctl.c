/*
 * Stands in for another build of the library, one whose cr_plugin_ctl has
 * CHAINS hook chains, so that a -no-pie host linked against it holds a
 * copy of cr_plugin_ctl of (CHAINS + 1) * 16 bytes; at run time the real
 * library is found instead. run.sh builds it twice:
 *   -DCHAINS=12  an older build (CRIU 4.0 to 4.1.1): a 208-byte copy in
 *                host.c's host;
 *   -DCHAINS=20  a newer build: a 336-byte copy in new_host.c's host, whose
 *                chains past the library's own must still read as empty.
 */
#ifndef CHAINS
#error "build with -DCHAINS=<number of hook chains>"
#endif

/* CRIU's order: prev first. */
struct list_head {
	struct list_head *prev, *next;
};

struct {
	struct list_head head;
	struct list_head hook_chain[CHAINS];
} cr_plugin_ctl;

int cr_plugin_init(int stage)
{
	return stage;
}
void cr_plugin_fini(int stage, int ret)
{
	(void)stage;
	(void)ret;
}
int cr_plugin_run_pause_devices(int pid)
{
	return pid;
}
int cr_plugin_run_post_forking(void)
{
	return 0;
}
void cr_plugin_set_strict(int on)
{
	(void)on;
}
int cr_plugin_register_builtin(const void *d)
{
	return d != 0;
}
