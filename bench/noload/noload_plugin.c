/*
 * The plugin of the noload experiment (noload.c): a constructor that counts
 * its runs in the host's noload_ctor_runs, a function that imports nothing
 * (noload_probe), and one that calls a few C library functions through the
 * PLT. Built twice: noload_ok.so, and noload_missing.so (-DMISSING), whose
 * noload_uses() also calls a function that nothing defines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern int noload_ctor_runs;

__attribute__((constructor)) static void noload_ctor(void)
{
	noload_ctor_runs++;
}

int noload_probe(int x);
int noload_probe(int x)
{
	return 2 * x + 1;
}

#ifdef MISSING
int noload_no_such_function(int x);
#endif

int noload_uses(const char *s);
int noload_uses(const char *s)
{
	int n = (int)strlen(s) + atoi(s);

	printf("%s\n", s);
	free(malloc((size_t)n));
#ifdef MISSING
	n += noload_no_such_function(n);
#endif
	return n;
}
