/*
 * A CRIU stand-in for the skip-list tests. It logs the loader's lines as
 * "[LEVEL] text" and lists what loaded.
 *
 * Usage: host [skip=LIST] [restore]
 *   skip=LIST  cr_plugin_set_skip(LIST) before init ("skip=" sets "")
 *   restore    init for the restore stage; the host's inventory check then
 *              requires the plugin named by $REQUIRE, as CRIU's does for the
 *              plugins its images name
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "criu-plugin-host.h"
#include "../criu_log.h"

/* Like CRIU's: every plugin the images need must have loaded. */
int check_inventory_plugins(void)
{
	const char *need = getenv("REQUIRE");
	struct list_head *pos;

	if (!need)
		return 0;
	for (pos = cr_plugin_ctl.head.next; pos != &cr_plugin_ctl.head; pos = pos->next) {
		plugin_desc_t *p = (plugin_desc_t *)((char *)pos - offsetof(plugin_desc_t, list));

		if (!strcmp(p->d->name, need))
			return 0;
	}
	printf("host: Missing required plugin: %s\n", need);
	return -1;
}

int main(int argc, char **argv)
{
	int stage = CR_PLUGIN_STAGE__DUMP;
	struct list_head *pos;
	int i, rc;

	for (i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "skip=", 5) && cr_plugin_set_skip(argv[i] + 5))
			return 10;
		if (!strcmp(argv[i], "restore"))
			stage = CR_PLUGIN_STAGE__RESTORE;
	}
	rc = cr_plugin_init(stage);
	printf("init=%d\n", rc);
	for (pos = cr_plugin_ctl.head.next; pos != &cr_plugin_ctl.head; pos = pos->next) {
		plugin_desc_t *p = (plugin_desc_t *)((char *)pos - offsetof(plugin_desc_t, list));
		const char *slash = strrchr(p->d->name, '/');

		printf("loaded %s\n", slash ? slash + 1 : p->d->name);
	}
	cr_plugin_fini(stage, rc);
	return 0;
}
