/*
 * Stands in for an older build of the library, whose cr_plugin_ctl had 12
 * hook chains (CRIU 4.0 to 4.1.1): a host linked against it holds a 208-byte
 * copy of cr_plugin_ctl. At run time the real library is found instead.
 */
/* CRIU's order: prev first. */
struct list_head {
	struct list_head *prev, *next;
};

struct {
	struct list_head head;
	struct list_head hook_chain[12];
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
