/*
 * A CRIU stand-in whose `opts' has a chosen size, for the tests of which
 * layouts of CRIU's struct cr_options the library reads and writes
 * (run.sh). Built with
 *   -DOPTS_SIZE=N   `opts' is N bytes (its size in the dynamic symbol table)
 *   -DOPTS_NOSIZE   `opts' is 1024 bytes whose symbol has no size
 *   -DNO_OPTS       no `opts' at all
 * and -rdynamic, so the library finds `opts' and print_on_level() as in CRIU
 * (without -rdynamic it finds neither, as in a plain C program).
 *
 * Usage: host [AT=VALUE]... [setter=DIR] [inits=N]
 *   AT=VALUE   before init, stores a pointer at byte AT of `opts': VALUE is
 *              a folder (a heap copy of it), "null", or a number (the
 *              pointer's value, e.g. 0x1)
 *   setter=DIR cr_plugin_set_libdir(DIR)
 *   inits=N    runs cr_plugin_init/cr_plugin_fini N times (default 1)
 * Prints every loader message as "[LEVEL] text", then "offset=..." (what
 * cr_plugin_opts_libdir_offset() says), "layouts=SIZE:OFFSET,...",
 * "init=RC", one "loaded NAME" per plugin, and after the last fini,
 * "opts_unchanged=1" when no byte of `opts' changed, else "at AT: ..." for
 * each 8-byte slot that did (its new pointer, and the string it points to
 * when the slot was NULL before), then "done".
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "criu-plugin-host.h"
#include "../criu_log.h"

#if defined(OPTS_NOSIZE)
#define OPTS_BYTES 1024
/* A symbol without .size: its st_size is 0. */
__asm__(".globl opts\n\t.type opts, @object\n\t.bss\n\t.balign 64\nopts:\n\t.zero 1024\n\t.text\n");
extern unsigned char opts[OPTS_BYTES];
#define HAVE_OPTS 1
#elif defined(OPTS_SIZE)
#define OPTS_BYTES OPTS_SIZE
unsigned char opts[OPTS_BYTES] __attribute__((aligned(64)));
#define HAVE_OPTS 1
#else
#define HAVE_OPTS 0
#endif

static void print_layouts(void)
{
	size_t sizes[64], offsets[64], n, i;

	n = cr_plugin_opts_layouts(NULL, NULL, 0);
	if (n > 64 || cr_plugin_opts_layouts(sizes, offsets, n) != n) {
		printf("layouts=BAD(%zu)\n", n);
		return;
	}
	/* Only the sizes, or only the offsets, are stored when the other is NULL. */
	if (n > 0) {
		size_t one = 0;

		if (cr_plugin_opts_layouts(&one, NULL, 1) != n || one != sizes[0])
			printf("layouts=BAD(sizes only)\n");
		one = 0;
		if (cr_plugin_opts_layouts(NULL, &one, 1) != n || one != offsets[0])
			printf("layouts=BAD(offsets only)\n");
	}
	printf("layouts=");
	for (i = 0; i < n; i++)
		printf("%s%zu:%zu", i ? "," : "", sizes[i], offsets[i]);
	printf("\n");
}

int main(int argc, char **argv)
{
	int i, inits = 1, rc = 0;
#if HAVE_OPTS
	unsigned char before[OPTS_BYTES];
	size_t at;
#endif

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 1; i < argc; i++) {
		const char *eq = strchr(argv[i], '=');

		if (!eq) {
			fprintf(stderr, "bad argument %s\n", argv[i]);
			return 2;
		}
		if (!strncmp(argv[i], "setter=", 7)) {
			cr_plugin_set_libdir(eq + 1);
		} else if (!strncmp(argv[i], "inits=", 6)) {
			inits = atoi(eq + 1);
		} else {
#if HAVE_OPTS
			char *value;

			at = strtoul(argv[i], NULL, 10);
			if (at + sizeof(value) > OPTS_BYTES) {
				fprintf(stderr, "%zu is outside opts\n", at);
				return 2;
			}
			if (!strcmp(eq + 1, "null"))
				value = NULL;
			else if (eq[1] >= '0' && eq[1] <= '9')
				value = (char *)(uintptr_t)strtoull(eq + 1, NULL, 0);
			else
				value = strdup(eq + 1);
			memcpy(opts + at, &value, sizeof(value));
#else
			fprintf(stderr, "no opts in this host\n");
			return 2;
#endif
		}
	}

#if HAVE_OPTS
	memcpy(before, opts, OPTS_BYTES);
#endif
	printf("offset=%zu\n", cr_plugin_opts_libdir_offset());
	print_layouts();
	for (i = 0; i < inits; i++) {
		struct list_head *pos;

		rc = cr_plugin_init(CR_PLUGIN_STAGE__DUMP);
		printf("init=%d\n", rc);
		for (pos = cr_plugin_ctl.head.next; pos != &cr_plugin_ctl.head; pos = pos->next) {
			plugin_desc_t *p = (plugin_desc_t *)((char *)pos - offsetof(plugin_desc_t, list));

			printf("loaded %s\n", p->d->name);
		}
		cr_plugin_fini(CR_PLUGIN_STAGE__DUMP, 0);
	}

#if HAVE_OPTS
	if (!memcmp(before, opts, OPTS_BYTES)) {
		printf("opts_unchanged=1\n");
	} else {
		for (at = 0; at + 8 <= OPTS_BYTES; at += 8) {
			char *was, *now;

			if (!memcmp(before + at, opts + at, 8))
				continue;
			memcpy(&was, before + at, sizeof(was));
			memcpy(&now, opts + at, sizeof(now));
			if (!was && now)
				printf("at %zu: written %s\n", at, now);
			else
				printf("at %zu: changed from %p to %p\n", at, (void *)was, (void *)now);
		}
	}
#endif
	printf("done\n");
	return rc ? 1 : 0;
}
