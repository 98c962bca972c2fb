/* A plugin's own dependency: a library the plugin needs (DT_NEEDED) and the
 * executable does not, so only the plugin's lookups reach it. */
int beyond_dep_function(int x);

int beyond_dep_function(int x)
{
	return x + 1;
}
