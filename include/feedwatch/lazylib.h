/* lazylib — the libraries only some commands need (libcurl, libpq,
 * libnotify), loaded on first use instead of at every start.
 *
 * Linked normally, they and their dependencies made every `feedwatch`
 * command spend about 10 ms of CPU loading 57 shared objects before main,
 * most bound at load (docs/design.md, section 1); `show` needs none of
 * them. Each user keeps
 * its own table of the functions it calls (fetch.c, store-pg.c,
 * notify-desktop.c: typeof the library's own prototypes, so calls stay
 * type-checked) and loads it with fw_lazylib_load before the first call.
 *
 * A library is loaded once a process, by its SONAME (fixed at build time,
 * the one the headers came with), RTLD_LOCAL, and never unloaded. Any
 * thread; loading twice at once is safe (the first one loads). */
#ifndef FW_LAZYLIB_H
#define FW_LAZYLIB_H

#include <glib.h>

/* One function: its name and where its address goes. */
struct fw_lazylib_sym {
	const char *name;
	void **slot;
};

/* One library: fill soname and syms (ending with { NULL, NULL }); the rest
 * is fw_lazylib_load's. Static storage, one per library. */
struct fw_lazylib {
	const char *soname;
	const struct fw_lazylib_sym *syms;
	gsize once;
	void *handle;       /* NULL when loading failed */
	char *error;        /* why, when it failed (kept for the process) */
};

/* In the one file that uses a library: FUNCS(X) lists the functions it
 * calls; FW_LAZYLIB(lib, soname, FUNCS) declares a pointer dl_<function>
 * of each one's own type, their table, and lib, the struct fw_lazylib that
 * loads them. The file then #defines each name as (*dl_<name>). */
#define FW_LAZYLIB_PTR(f) static typeof(f) *dl_##f;
#define FW_LAZYLIB_SYM(f) { #f, (void **)&dl_##f },
#define FW_LAZYLIB(lib, soname, FUNCS) \
	_Static_assert(sizeof(soname) > 1, #soname " is empty: the Makefile found no " \
	               "lib*.so to read its SONAME from (install the -dev package)"); \
	FUNCS(FW_LAZYLIB_PTR) \
	static const struct fw_lazylib_sym lib##_syms[] = { FUNCS(FW_LAZYLIB_SYM) { NULL, NULL } }; \
	static struct fw_lazylib lib = { soname, lib##_syms, 0, NULL, NULL };

/* Loads lib and every function of its table, once. TRUE when all are
 * there; else FALSE with an error naming the library and what is missing
 * (the same error on every later call). */
gboolean fw_lazylib_load(struct fw_lazylib *lib, GError **error);

/* Like fw_lazylib_load, but a library the installation must have (the
 * daemon's fetcher, the desktop channel): on failure prints the error with
 * what to install, and exits with status 1. */
void fw_lazylib_require(struct fw_lazylib *lib);

/* A function the library may lack (a dependency's, say), or NULL; after a
 * successful load. */
void *fw_lazylib_optional(struct fw_lazylib *lib, const char *name);

#endif
