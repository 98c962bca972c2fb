/*
 * host.c: a test host that plays CRIU. Linked -rdynamic, it exports what the
 * loader looks for in CRIU: `opts` (struct cr_options, 512 bytes as in CRIU
 * 4.2, libdir at offset 160), print_on_level() (every log line is kept so
 * cases can check them), log_get_loglevel() (4, debug), get_service_fd() (CT_IMG_FD for IMG_FD_OFF)
 * and check_inventory_plugins() (a case sets its result). It also exports
 * the callbacks of the test plugins (ct_plugin_init/exit/hook).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>

#include "host.h"

_Static_assert(offsetof(struct ct_options, libdir) == 160, "libdir must be at offset 160");
_Static_assert(sizeof(struct ct_options) == 512, "opts must have a size whose layout the library knows");

struct ct_options opts;

/* ---- growing text buffers ---- */

struct buf {
	char *s;
	size_t len, cap;
};

static void buf_add(struct buf *b, const char *s)
{
	size_t n = strlen(s);

	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->len + n + 1) * 2;
		char *g = realloc(b->s, cap);
		if (!g)
			abort();
		b->s = g;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n + 1);
	b->len += n;
}

static void buf_clear(struct buf *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = '\0';
}

static struct buf events, logbuf;

__attribute__((destructor)) static void free_bufs(void)
{
	free(events.s);
	free(logbuf.s);
	events = (struct buf){ 0 };
	logbuf = (struct buf){ 0 };
}

/* ---- CRIU's symbols ---- */

void print_on_level(unsigned int loglevel, const char *format, ...)
{
	char *line = NULL;
	char prefix[16];
	va_list ap;

	va_start(ap, format);
	if (vasprintf(&line, format, ap) < 0)
		line = NULL;
	va_end(ap);
	if (!line)
		abort();
	snprintf(prefix, sizeof(prefix), "<%u> ", loglevel);
	buf_add(&logbuf, prefix);
	buf_add(&logbuf, line);
	if (!line[0] || line[strlen(line) - 1] != '\n')
		buf_add(&logbuf, "\n");
	if (getenv("CT_VERBOSE"))
		fprintf(stderr, "%s%s", prefix, line);
	free(line);
}

unsigned int log_get_loglevel(void)
{
	return 4;
}

char ct_service_asked[64];

int get_service_fd(int type)
{
	size_t n = strlen(ct_service_asked);

	if (n + 1 < sizeof(ct_service_asked)) {
		ct_service_asked[n] = (char)('0' + (type >= 0 && type <= 9 ? type : 9));
		ct_service_asked[n + 1] = '\0';
	}
	return type == 2 ? CT_IMG_FD : -1;
}

int ct_inventory_rc;

int check_inventory_plugins(void)
{
	if (events.len)
		buf_add(&events, ";");
	buf_add(&events, "inventory");
	return ct_inventory_rc;
}

/* ---- the plugins' callbacks ---- */

struct answer {
	char name[64];
	int hook; /* -2: init, -1: every hook */
	int rc;
};
static struct answer answers[64];
static int n_answers;

static void set_answer(const char *name, int hook, int rc)
{
	if (n_answers == (int)(sizeof(answers) / sizeof(answers[0])))
		abort();
	snprintf(answers[n_answers].name, sizeof(answers[n_answers].name), "%s", name);
	answers[n_answers].hook = hook;
	answers[n_answers].rc = rc;
	n_answers++;
}

void ct_set_init(const char *name, int rc)
{
	set_answer(name, -2, rc);
}

void ct_set_hook(const char *name, int hook, int rc)
{
	set_answer(name, hook, rc);
}

/* The latest answer set for (name, hook), else for (name, every hook). */
static int answer_for(const char *name, int hook, int dflt)
{
	int i, rc = dflt;
	bool exact = false;

	for (i = 0; i < n_answers; i++) {
		if (strcmp(answers[i].name, name))
			continue;
		if (answers[i].hook == hook) {
			rc = answers[i].rc;
			exact = true;
		} else if (answers[i].hook == -1 && hook >= 0 && !exact) {
			rc = answers[i].rc;
		}
	}
	return rc;
}

static void event(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void event(const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	if (events.len)
		buf_add(&events, ";");
	buf_add(&events, s);
	free(s);
}

int ct_init_image_dir = -100;

int ct_plugin_init(const char *name, int stage, int image_dir)
{
	event("init %s %d", name, stage);
	ct_init_image_dir = image_dir;
	return answer_for(name, -2, 0);
}

void ct_plugin_exit(const char *name, int stage, int ret)
{
	event("exit %s %d %d", name, stage, ret);
}

int ct_plugin_hook(const char *name, int hook, const char *args)
{
	event("%s.%d(%s)", name, hook, args);
	return answer_for(name, hook, -ENOTSUP);
}

const char *ct_events(void)
{
	return ct_fmt("%s", events.s ? events.s : "");
}

void ct_events_clear(void)
{
	buf_clear(&events);
}

/* ---- the log ---- */

static bool line_has(const char *line, size_t len, int level, const char *s1, const char *s2)
{
	char prefix[16];
	char *copy;
	bool ok;

	if (level >= 0) {
		snprintf(prefix, sizeof(prefix), "<%d> ", level);
		if (strncmp(line, prefix, strlen(prefix)))
			return false;
	}
	copy = strndup(line, len);
	ok = copy && strstr(copy, s1) && (!s2 || strstr(copy, s2));
	free(copy);
	return ok;
}

static int log_count2(int level, const char *s1, const char *s2)
{
	const char *p = logbuf.s;
	int n = 0;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (line_has(p, len, level, s1, s2))
			n++;
		p += len + (nl ? 1 : 0);
	}
	return n;
}

int ct_log_count(int level, const char *s)
{
	return log_count2(level, s, NULL);
}

bool ct_log_has(int level, const char *s)
{
	return log_count2(level, s, NULL) > 0;
}

bool ct_log_has2(int level, const char *s1, const char *s2)
{
	return log_count2(level, s1, s2) > 0;
}

void ct_log_clear(void)
{
	buf_clear(&logbuf);
}

void ct_on_fail(void)
{
	fprintf(stderr, "--- events: %s\n--- CRIU log:\n%s---\n", events.s ? events.s : "",
		logbuf.s ? logbuf.s : "");
}

void ct_use(const char *dir)
{
	opts.libdir = (char *)dir;
}

const char *ct_use_plugins(const char *name, ...)
{
	const char *dir = ct_folder(name), *plugin;
	va_list ap;

	va_start(ap, name);
	while ((plugin = va_arg(ap, const char *)) != NULL)
		ct_put(dir, plugin, va_arg(ap, const char *));
	va_end(ap);
	ct_use(dir);
	return dir;
}
