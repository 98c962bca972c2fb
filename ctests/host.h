/*
 * host.h: the CRIU-like test host (host.c), for its test cases.
 */
#ifndef CT_HOST_H
#define CT_HOST_H

#include "ct.h"

/* CRIU's struct cr_options, as far as the loader reads it: libdir at 160,
 * and CRIU 4.2's size (512 bytes), one the library knows the layout of. */
struct ct_options {
	char before_libdir[160];
	char *libdir;
	char after_libdir[344];
};
extern struct ct_options opts;

/* What get_service_fd(IMG_FD_OFF = 2) returns. */
#define CT_IMG_FD 1017

/* ---- events: what the plugins did, in order, joined with ';' ----
 * "init NAME STAGE", "exit NAME STAGE RET", "NAME.HOOK(ARGS)", "inventory". */
const char *ct_events(void);
void ct_events_clear(void);
/* The image folder descriptor the last plugin init saw. */
extern int ct_init_image_dir;

/* ---- what the plugins answer ---- */
/* init of plugin NAME returns RC (default 0). */
void ct_set_init(const char *name, int rc);
/* hook HOOK of plugin NAME returns RC (default -ENOTSUP); HOOK -1: every hook. */
void ct_set_hook(const char *name, int hook, int rc);
/* check_inventory_plugins() returns RC (default 0). */
extern int ct_inventory_rc;
/* The service fd types asked for, in order, as digits ("2"). */
extern char ct_service_asked[64];

/* ---- CRIU's log as print_on_level received it ---- */
/* Whether a line at LEVEL (-1: any) contains every one of the strings. */
bool ct_log_has(int level, const char *s);
bool ct_log_has2(int level, const char *s1, const char *s2);
void ct_log_clear(void);
/* Number of lines at LEVEL containing S. */
int ct_log_count(int level, const char *s);

/* Uses DIR as CRIU's --libdir (opts.libdir). */
void ct_use(const char *dir);
/* A fresh folder NAME (ct_folder) holding each test PLUGIN as FILE, put
 * there in the order given (PLUGIN, FILE, ..., NULL), used as --libdir
 * (ct_use); returns its path. */
const char *ct_use_plugins(const char *name, ...) __attribute__((sentinel));

#endif
