/*
 * A CRIU linked against a newer build of the library (ctl.c with
 * -DCHAINS=20: 20 hook chains), run with this one. It walks every chain of
 * its copy the way CRIU's run_plugins does, before init and after, chains
 * 15 to 19 included, which this library does not have: they must be empty
 * lists, never NULL.
 */
#include <stdio.h>
#include <stdlib.h>

struct list_head {
	struct list_head *prev, *next;
};

extern struct {
	struct list_head head;
	struct list_head hook_chain[20];
} cr_plugin_ctl;

int cr_plugin_init(int stage);
void cr_plugin_fini(int stage, int ret);

static int walk(const char *when)
{
	int i, n, empty = 0;

	for (i = 0; i < 20; i++) {
		struct list_head *pos;

		n = 0;
		if (!cr_plugin_ctl.hook_chain[i].next) {
			printf("%s: chain %d is NULL\n", when, i);
			return -1;
		}
		for (pos = cr_plugin_ctl.hook_chain[i].next; pos != &cr_plugin_ctl.hook_chain[i]; pos = pos->next)
			n++;
		empty += n == 0;
	}
	printf("%s: 20 chains walked, %d empty\n", when, empty);
	return 0;
}

int main(void)
{
	int rc;

	if (walk("before init"))
		return 1;
	rc = cr_plugin_init(0);
	printf("init=%d\n", rc);
	if (walk("after init"))
		return 1;
	cr_plugin_fini(0, rc);
	return walk("after fini") ? 1 : 0;
}
