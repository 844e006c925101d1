/* lazylib — see include/feedwatch/lazylib.h. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

#include "feedwatch/lazylib.h"

/* Opens lib and fills its table; sets handle or error. */
static void lazylib_open(struct fw_lazylib *lib)
{
	void *h = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);

	if (h == NULL) {
		const char *why = dlerror();

		lib->error = g_strdup_printf("cannot load %s: %s", lib->soname,
		                             why != NULL ? why : "unknown error");
		return;
	}
	for (const struct fw_lazylib_sym *s = lib->syms; s->name != NULL; s++) {
		if ((*s->slot = dlsym(h, s->name)) == NULL) {
			lib->error = g_strdup_printf("cannot load %s: it has no %s (an older "
			                             "version than feedwatch was built with?)",
			                             lib->soname, s->name);
			dlclose(h);
			return;
		}
	}
	lib->handle = h;
}

gboolean fw_lazylib_load(struct fw_lazylib *lib, GError **error)
{
	if (g_once_init_enter(&lib->once)) {
		lazylib_open(lib);
		g_once_init_leave(&lib->once, 1);
	}
	if (lib->handle == NULL) {
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT, "%s", lib->error);
		return FALSE;
	}
	return TRUE;
}

void fw_lazylib_require(struct fw_lazylib *lib)
{
	g_autoptr(GError) error = NULL;

	if (!fw_lazylib_load(lib, &error)) {
		fprintf(stderr, "%s: %s; install it (or reinstall feedwatch)\n",
		        g_get_prgname() != NULL ? g_get_prgname() : "feedwatch", error->message);
		exit(1);
	}
}

void *fw_lazylib_optional(struct fw_lazylib *lib, const char *name)
{
	return lib->handle != NULL ? dlsym(lib->handle, name) : NULL;
}
