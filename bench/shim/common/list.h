/*
 * Minimal circular doubly linked list, written for the benchmark harness: the
 * subset CRIU's criu/plugin.c and run_plugins() use. The node is laid out as
 * CRIU's include/common/list.h has it, prev first (the kernel's has next
 * first): run_plugins() walks libcriu-plugin's lists through this layout.
 */
#ifndef BENCH_SHIM_LIST_H
#define BENCH_SHIM_LIST_H

#include <stddef.h>

struct list_head {
	struct list_head *prev, *next;
};

#define container_of(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))
#define list_entry(ptr, type, member) container_of(ptr, type, member)

static inline void INIT_LIST_HEAD(struct list_head *h)
{
	h->next = h;
	h->prev = h;
}

static inline void list_add_tail(struct list_head *e, struct list_head *h)
{
	struct list_head *prev = h->prev;

	e->next = h;
	e->prev = prev;
	prev->next = e;
	h->prev = e;
}

static inline void list_del(struct list_head *e)
{
	e->prev->next = e->next;
	e->next->prev = e->prev;
	e->next = NULL;
	e->prev = NULL;
}

static inline int list_empty(const struct list_head *h)
{
	return h->next == h;
}

#define list_for_each_entry(pos, head, member)                               \
	for (pos = list_entry((head)->next, __typeof__(*pos), member);       \
	     &pos->member != (head);                                         \
	     pos = list_entry(pos->member.next, __typeof__(*pos), member))

#define list_for_each_entry_safe(pos, n, head, member)                        \
	for (pos = list_entry((head)->next, __typeof__(*pos), member),        \
	    n = list_entry(pos->member.next, __typeof__(*pos), member);       \
	     &pos->member != (head);                                          \
	     pos = n, n = list_entry(n->member.next, __typeof__(*n), member))

#endif
