/*
 * Stands in for a newer build of the library, whose cr_plugin_ctl has 20
 * hook chains: a host linked against it (new_host.c) holds a 336-byte copy
 * of cr_plugin_ctl. At run time this library, with fewer chains, is found
 * instead, and the chains past its own must still read as empty lists.
 */
struct list_head {
	struct list_head *prev, *next;
};

struct {
	struct list_head head;
	struct list_head hook_chain[20];
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
