/* fetch — libcurl multi driven by the GLib main context; conditional GET;
 * bounded bodies. See include/feedwatch/fetch.h for the contract.
 *
 * The API map is curl's docs/examples/ghiper.c: CURLMOPT_SOCKETFUNCTION
 * keeps one GLib fd source per socket, CURLMOPT_TIMERFUNCTION keeps one
 * timer source (replaced on every call, -1 deletes it, as multi-event.c).
 * The fetcher itself queues requests so at most max_parallel easy handles
 * (and max_per_host per host) are in the multi at once; this bounds memory
 * and keeps queued requests' timeouts from running. Results that do not come
 * from curl (file:// URLs, set-up errors) are delivered from an idle source,
 * so done is never called from inside fw_fetcher_add. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* curl's type-checking macros would call curl_easy_setopt itself: the
 * calls go through the table below (lazylib.h) */
#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>
#include <glib.h>
#include <glib-unix.h>

#include "feedwatch/fetch.h"
#include "feedwatch/lazylib.h"
#include "feedwatch/sched.h"
#include "fetch-int.h"

/* libcurl, loaded by fetch_global_init: the functions this file calls. */
#define FETCH_CURL_FUNCS(X) \
	X(curl_easy_cleanup) \
	X(curl_easy_getinfo) \
	X(curl_easy_init) \
	X(curl_easy_setopt) \
	X(curl_easy_strerror) \
	X(curl_free) \
	X(curl_getdate) \
	X(curl_global_cleanup) \
	X(curl_global_init) \
	X(curl_multi_add_handle) \
	X(curl_multi_assign) \
	X(curl_multi_cleanup) \
	X(curl_multi_info_read) \
	X(curl_multi_init) \
	X(curl_multi_remove_handle) \
	X(curl_multi_setopt) \
	X(curl_multi_socket_action) \
	X(curl_multi_strerror) \
	X(curl_slist_append) \
	X(curl_slist_free_all) \
	X(curl_url) \
	X(curl_url_cleanup) \
	X(curl_url_get) \
	X(curl_url_set)
FW_LAZYLIB(curl_lib, FW_SONAME_CURL, FETCH_CURL_FUNCS)
/* curl.h makes these three macros that check their argument count */
#undef curl_easy_getinfo
#undef curl_easy_setopt
#undef curl_multi_setopt
#define curl_easy_cleanup (*dl_curl_easy_cleanup)
#define curl_easy_getinfo (*dl_curl_easy_getinfo)
#define curl_easy_init (*dl_curl_easy_init)
#define curl_easy_setopt (*dl_curl_easy_setopt)
#define curl_easy_strerror (*dl_curl_easy_strerror)
#define curl_free (*dl_curl_free)
#define curl_getdate (*dl_curl_getdate)
#define curl_global_cleanup (*dl_curl_global_cleanup)
#define curl_global_init (*dl_curl_global_init)
#define curl_multi_add_handle (*dl_curl_multi_add_handle)
#define curl_multi_assign (*dl_curl_multi_assign)
#define curl_multi_cleanup (*dl_curl_multi_cleanup)
#define curl_multi_info_read (*dl_curl_multi_info_read)
#define curl_multi_init (*dl_curl_multi_init)
#define curl_multi_remove_handle (*dl_curl_multi_remove_handle)
#define curl_multi_setopt (*dl_curl_multi_setopt)
#define curl_multi_socket_action (*dl_curl_multi_socket_action)
#define curl_multi_strerror (*dl_curl_multi_strerror)
#define curl_slist_append (*dl_curl_slist_append)
#define curl_slist_free_all (*dl_curl_slist_free_all)
#define curl_url (*dl_curl_url)
#define curl_url_cleanup (*dl_curl_url_cleanup)
#define curl_url_get (*dl_curl_url_get)
#define curl_url_set (*dl_curl_url_set)

/* libssh2_init's LIBSSH2_INIT_NO_CRYPTO (libssh2.h, not a build dependency). */
#define FETCH_LIBSSH2_INIT_NO_CRYPTO 0x0001

#ifndef FW_VERSION
#define FW_VERSION "0"
#endif

#define FW_FETCH_USER_AGENT "feedwatch/" FW_VERSION " (+https://github.com/feedwatch/feedwatch)"
#define FW_FETCH_ACCEPT "Accept: application/rss+xml, application/atom+xml, " \
	"application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8"
#define FW_FETCH_MAX_REDIRS 5L
#define FW_FETCH_CONNECT_TIMEOUT 15
#define FW_FETCH_LOW_SPEED_LIMIT 64L  /* bytes a second, averaged over ... */
#define FW_FETCH_LOW_SPEED_TIME 20    /* ... this many seconds (at most the timeout) */
#define FW_FETCH_HEADER_MAX 1024      /* longest ETag / Last-Modified / type kept */
#define FW_FETCH_ERROR_BODY_MAX 65536 /* bytes of a non-2xx body read before giving up */

struct fw_fetcher;

/* One request, from fw_fetcher_add until its done callback. */
struct xfer {
	struct fw_fetcher *f;
	struct fw_fetch_result r;
	char *host;                 /* per-host key, host:port ("" when unknown) */
	char *req_etag;             /* sanitised conditional headers, or NULL */
	char *req_last_modified;
	CURL *easy;
	struct curl_slist *headers;
	GByteArray *buf;
	gint64 body_bytes;          /* body bytes seen as sent (stored or not) */
	char *content_encoding;     /* of the last answer, sanitised, or NULL */
	gboolean encoding_too_long; /* its lines joined passed FW_FETCH_HEADER_MAX */
	gboolean too_big;
	gboolean error_body;        /* response is not 2xx: its body is discarded */
	gboolean has_retry_after;
	char *retry_after;          /* header value as received */
	long cur_status;            /* of the last final (non-1xx) answer seen */
	guint redirects;            /* answers followed by another one */
	gboolean all_permanent;     /* every one of them was 301 or 308 */
	gboolean downgraded;        /* an https request was redirected to http */
	char **last_slot;           /* the header kept last, for obs-fold lines, or NULL */
	gint64 max_age;             /* Cache-Control of the last answer, 0 none */
	gboolean no_cache;          /* idem: no-cache or no-store */
	GBytes *post;               /* a POST's body, or NULL for a GET */
	char **post_headers;        /* a POST's extra header lines, or NULL */
	fw_fetch_done_cb done;      /* this request's callback, or NULL for the fetcher's */
	char errbuf[CURL_ERROR_SIZE];
};

/* One socket curl asked us to watch. */
struct sock {
	curl_socket_t fd;
	int what;
	GSource *src;
};

struct fw_fetcher {
	GMainContext *ctx;
	struct fw_fetch_opts opts;
	char *user_agent;
	fw_fetch_done_cb done;
	gpointer data;
	CURLM *multi;
	GSource *timer;             /* curl's timeout, or NULL */
	GSource *idle;              /* delivers `ready`, or NULL */
	GQueue waiting;             /* of struct xfer *: not started yet */
	GQueue ready;               /* of struct xfer *: result ready, not delivered */
	GHashTable *running;        /* struct xfer * set: easy handles in the multi */
	GHashTable *per_host;       /* host -> GUINT count of running transfers */
	GHashTable *host_wait;      /* host -> gint64 *: monotonic usec it waits until */
	GHashTable *socks;          /* struct sock * set, to free leftovers */
	struct fw_decoder *decoder; /* undoes Content-Encoding (fetch-decode.c) */
	guint dispatching;          /* depth of our own callbacks calling `done` */
	gboolean dying;             /* fw_fetcher_free called during a callback */
};

static void fetch_global_init(void);
static void pump(struct fw_fetcher *f);
static void check_multi_info(struct fw_fetcher *f);
static void finish_later(struct fw_fetcher *f, struct xfer *x);

/* Frees one request and everything it holds (the easy must be out of the multi). */
static void xfer_free(struct xfer *x)
{
	if (x == NULL)
		return;
	if (x->easy != NULL)
		curl_easy_cleanup(x->easy);
	curl_slist_free_all(x->headers);
	if (x->buf != NULL)
		g_byte_array_unref(x->buf);
	g_free((char *)x->r.url);
	g_free(x->r.final_url);
	g_free(x->r.etag);
	g_free(x->r.last_modified);
	g_free(x->r.content_type);
	if (x->r.body != NULL)
		g_bytes_unref(x->r.body);
	g_free(x->r.error);
	g_free(x->host);
	g_free(x->req_etag);
	g_free(x->req_last_modified);
	g_free(x->retry_after);
	g_free(x->content_encoding);
	g_free(x->r.permanent_url);
	if (x->post != NULL)
		g_bytes_unref(x->post);
	g_strfreev(x->post_headers);
	g_free(x);
}

/* Returns a copy of s with everything but printable ASCII and tabs/spaces
 * dropped (so no CR/LF can reach a request header), trimmed, at most
 * FW_FETCH_HEADER_MAX bytes; NULL when nothing is left. */
static char *sanitize_header_value(const char *s, gsize len)
{
	GString *out;

	if (s == NULL)
		return NULL;
	out = g_string_sized_new(MIN(len, FW_FETCH_HEADER_MAX) + 1);
	for (gsize i = 0; i < len && s[i] != '\0' && out->len < FW_FETCH_HEADER_MAX; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\t')
			c = ' ';
		if (c >= 0x20 && c < 0x7f)
			g_string_append_c(out, (char)c);
	}
	g_strstrip(out->str);
	out->len = strlen(out->str);
	if (out->len == 0) {
		g_string_free(out, TRUE);
		return NULL;
	}
	return g_string_free(out, FALSE);
}

/* Sets x's error to a printf-style sentence (first error wins). */
G_GNUC_PRINTF(2, 3)
static void set_error(struct xfer *x, const char *fmt, ...)
{
	va_list ap;

	if (x->r.error != NULL)
		return;
	va_start(ap, fmt);
	x->r.error = g_strdup_vprintf(fmt, ap);
	va_end(ap);
}

/* Sets x's error for a body past the cap: a feed's names the max_size
 * setting that set it; a POST's answer (a fetcher of its own) does not. */
static void set_too_big(struct xfer *x)
{
	if (x->post != NULL)
		set_error(x, "answer larger than %" G_GINT64_FORMAT " bytes", x->f->opts.max_size);
	else
		set_error(x, "body larger than max_size (%" G_GINT64_FORMAT " bytes)",
		          x->f->opts.max_size);
}

/* --- GLib side of the multi: sockets and the timer --- */

/* A watched socket is ready: tells curl, then collects finished transfers. */
static gboolean sock_cb(gint fd, GIOCondition cond, gpointer data)
{
	struct fw_fetcher *f = data;
	int action = 0;
	int running = 0;

	if (cond & (G_IO_IN | G_IO_HUP))
		action |= CURL_CSELECT_IN;
	if (cond & G_IO_OUT)
		action |= CURL_CSELECT_OUT;
	if (cond & (G_IO_ERR | G_IO_NVAL))
		action |= CURL_CSELECT_ERR;
	curl_multi_socket_action(f->multi, fd, action, &running);
	check_multi_info(f);
	return G_SOURCE_CONTINUE;
}

/* Stops watching one socket and frees its record. */
static void sock_free(gpointer p)
{
	struct sock *s = p;

	if (s->src != NULL) {
		g_source_destroy(s->src);
		g_source_unref(s->src);
	}
	g_free(s);
}

/* (Re)creates the fd source of s for what (CURL_POLL_IN/OUT/INOUT). */
static void sock_watch(struct fw_fetcher *f, struct sock *s, int what)
{
	GIOCondition cond = 0;

	if (s->src != NULL) {
		if (s->what == what)
			return;
		g_source_destroy(s->src);
		g_source_unref(s->src);
		s->src = NULL;
	}
	s->what = what;
	if (what & CURL_POLL_IN)
		cond |= G_IO_IN;
	if (what & CURL_POLL_OUT)
		cond |= G_IO_OUT;
	s->src = g_unix_fd_source_new(s->fd, cond);
	g_source_set_callback(s->src, G_SOURCE_FUNC(sock_cb), f, NULL);
	g_source_set_name(s->src, "fw_fetch socket");
	g_source_attach(s->src, f->ctx);
}

/* CURLMOPT_SOCKETFUNCTION: curl tells which socket to watch for what. */
static int socket_cb(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp)
{
	struct fw_fetcher *f = userp;
	struct sock *s = socketp;

	if (what == CURL_POLL_REMOVE) {
		if (s != NULL) {
			curl_multi_assign(f->multi, fd, NULL);
			g_hash_table_remove(f->socks, s);   /* frees s */
		}
		return 0;
	}
	if (s == NULL) {
		s = g_new0(struct sock, 1);
		s->fd = fd;
		g_hash_table_add(f->socks, s);
		curl_multi_assign(f->multi, fd, s);
	}
	sock_watch(f, s, what);
	return 0;
}

/* curl's timer expired: lets curl handle its timeouts. */
static gboolean timer_cb(gpointer data)
{
	struct fw_fetcher *f = data;
	int running = 0;

	/* The source stays alive while it dispatches; forget it before curl
	 * can replace it from inside curl_multi_socket_action. */
	g_source_unref(f->timer);
	f->timer = NULL;
	curl_multi_socket_action(f->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	check_multi_info(f);
	return G_SOURCE_REMOVE;
}

/* CURLMOPT_TIMERFUNCTION: replaces the one timer; -1 deletes it. */
static int timerfunc_cb(CURLM *multi, long timeout_ms, void *userp)
{
	struct fw_fetcher *f = userp;

	if (f->timer != NULL) {
		g_source_destroy(f->timer);
		g_source_unref(f->timer);
		f->timer = NULL;
	}
	if (timeout_ms < 0)
		return 0;
	f->timer = g_timeout_source_new((guint)MIN(timeout_ms, (long)G_MAXINT));
	g_source_set_callback(f->timer, timer_cb, f, NULL);
	g_source_set_name(f->timer, "fw_fetch timer");
	g_source_attach(f->timer, f->ctx);
	return 0;
}

/* --- easy handle callbacks --- */

/* CURLOPT_WRITEFUNCTION: appends body bytes as sent, aborting (returns 0)
 * past max_size, or past fw_fetch_encoded_cap of it for an encoded body
 * (decoding bounds the rest); bodies of non-2xx answers are counted and
 * dropped. */
static size_t write_cb(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct xfer *x = userdata;
	size_t n = size * nmemb;
	long status = 0;
	gint64 cap = x->f->opts.max_size;

	if (x->body_bytes == 0 && !x->error_body) {
		curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
		if (status != 0 && (status < 200 || status > 299))
			x->error_body = TRUE;
	}
	if (x->error_body)
		cap = MIN(cap, FW_FETCH_ERROR_BODY_MAX);
	else if (x->content_encoding != NULL)
		cap = fw_fetch_encoded_cap(cap);
	if ((gint64)n > cap - x->body_bytes) {
		x->too_big = TRUE;
		return 0;
	}
	x->body_bytes += (gint64)n;
	if (!x->error_body)
		g_byte_array_append(x->buf, (const guint8 *)ptr, (guint)n);
	return n;
}

/* Replaces *slot with a sanitised copy of the value. */
static void take_header(char **slot, const char *value, gsize len)
{
	g_free(*slot);
	*slot = sanitize_header_value(value, len);
}

/* Counts redirects from the status lines: an answer followed by another
 * one was a redirect (1xx interim answers are not). */
static void note_status_line(struct xfer *x, const char *buf, gsize n)
{
	const char *sp = memchr(buf, ' ', n);
	long code = 0;
	char *eff = NULL;

	for (const char *c = sp != NULL ? sp + 1 : buf + n; c < buf + n && g_ascii_isdigit(*c) &&
	     code < 1000; c++)
		code = code * 10 + (*c - '0');
	if (code < 200)
		return;
	if (x->cur_status != 0) {
		x->redirects++;
		if (x->cur_status != 301 && x->cur_status != 308)
			x->all_permanent = FALSE;
	}
	x->cur_status = code;
	if (curl_easy_getinfo(x->easy, CURLINFO_EFFECTIVE_URL, &eff) == CURLE_OK && eff != NULL &&
	    g_ascii_strncasecmp(x->r.url, "https:", 6) == 0 &&
	    g_ascii_strncasecmp(eff, "http:", 5) == 0)
		x->downgraded = TRUE;
}

/* Reads max-age, no-cache and no-store from one Cache-Control header
 * (several headers add up); max-age is bounded by FW_FETCH_RETRY_MAX. */
static void parse_cache_control(struct xfer *x, const char *value, gsize len)
{
	g_autofree char *v = sanitize_header_value(value, len);
	g_auto(GStrv) parts = NULL;

	if (v == NULL)
		return;
	parts = g_strsplit(v, ",", 64);
	for (guint i = 0; parts[i] != NULL; i++) {
		char *d = g_strstrip(parts[i]);
		char *eq = strchr(d, '=');
		char *arg;
		char *end = NULL;
		guint64 secs;

		if (eq == NULL) {
			if (g_ascii_strcasecmp(d, "no-cache") == 0 ||
			    g_ascii_strcasecmp(d, "no-store") == 0)
				x->no_cache = TRUE;
			continue;
		}
		*eq = '\0';
		if (g_ascii_strcasecmp(g_strstrip(d), "max-age") != 0)
			continue;
		arg = g_strstrip(eq + 1);
		if (*arg == '"')
			arg++;
		if (!g_ascii_isdigit(*arg))
			continue;
		secs = g_ascii_strtoull(arg, &end, 10);
		if (*end != '\0' && *end != '"')
			continue;
		x->max_age = (gint64)MIN(secs, (guint64)FW_FETCH_RETRY_MAX);
	}
}

/* CURLOPT_HEADERFUNCTION: captures ETag, Last-Modified, Content-Type,
 * Retry-After and Cache-Control of the last response (a new status line
 * resets them); a folded header line is joined to the one before it. */
static size_t header_cb(char *buf, size_t size, size_t nitems, void *userdata)
{
	struct xfer *x = userdata;
	size_t n = size * nitems;
	const char *colon;
	gsize name_len;
	const char *value;
	gsize value_len;

	if (n >= 5 && g_ascii_strncasecmp(buf, "HTTP/", 5) == 0) {
		note_status_line(x, buf, n);
		g_clear_pointer(&x->r.etag, g_free);
		g_clear_pointer(&x->r.last_modified, g_free);
		g_clear_pointer(&x->r.content_type, g_free);
		g_clear_pointer(&x->retry_after, g_free);
		g_clear_pointer(&x->content_encoding, g_free);
		x->encoding_too_long = FALSE;
		x->has_retry_after = FALSE;
		x->max_age = 0;
		x->no_cache = FALSE;
		x->last_slot = NULL;
		return n;
	}
	if (n > 0 && (buf[0] == ' ' || buf[0] == '\t')) {
		/* obs-fold (RFC 9112 5.2): the line continues the header before it. */
		gsize skip = 0;

		while (skip < n && (buf[skip] == ' ' || buf[skip] == '\t'))
			skip++;
		if (x->last_slot != NULL && *x->last_slot != NULL) {
			g_autofree char *joined = g_strdup_printf("%s %.*s", *x->last_slot,
			                                          (int)(n - skip), buf + skip);
			take_header(x->last_slot, joined, strlen(joined));
		}
		return n;
	}
	x->last_slot = NULL;
	colon = memchr(buf, ':', n);
	if (colon == NULL)
		return n;
	name_len = (gsize)(colon - buf);
	value = colon + 1;
	value_len = n - name_len - 1;
#define IS(name) (name_len == sizeof(name) - 1 && g_ascii_strncasecmp(buf, name, name_len) == 0)
	if (IS("etag")) {
		x->last_slot = &x->r.etag;
	} else if (IS("last-modified")) {
		x->last_slot = &x->r.last_modified;
	} else if (IS("content-type")) {
		x->last_slot = &x->r.content_type;
	} else if (IS("retry-after")) {
		x->last_slot = &x->retry_after;
		x->has_retry_after = TRUE;
	} else if (IS("cache-control")) {
		parse_cache_control(x, value, value_len);
	} else if (IS("content-encoding") && x->post == NULL) {
		/* Several lines are one list (RFC 9110 5.3): joined with commas. A
		 * POST's answer is dropped unread: its coding is not kept. */
		g_autofree char *v = sanitize_header_value(value, value_len);

		if (v != NULL && x->content_encoding != NULL &&
		    strlen(x->content_encoding) + 2 + strlen(v) > FW_FETCH_HEADER_MAX) {
			x->encoding_too_long = TRUE;   /* not joined: the answer fails */
		} else if (v != NULL && x->content_encoding != NULL) {
			g_autofree char *old = g_steal_pointer(&x->content_encoding);
			x->content_encoding = g_strconcat(old, ", ", v, NULL);
		} else if (v != NULL) {
			x->content_encoding = g_steal_pointer(&v);
		}
		x->last_slot = &x->content_encoding;
		return n;
	}
#undef IS
	if (x->last_slot != NULL)
		take_header(x->last_slot, value, value_len);
	return n;
}

/* Parses a Retry-After value (seconds, or an HTTP date) into seconds from
 * now, clamped to [FW_FETCH_RETRY_MIN, FW_FETCH_RETRY_MAX]. */
static gint64 parse_retry_after(const char *v)
{
	gint64 secs = 0;

	if (v == NULL || *v == '\0')
		return FW_FETCH_RETRY_MIN;
	if (g_ascii_isdigit(*v)) {
		char *end = NULL;
		guint64 u = g_ascii_strtoull(v, &end, 10);
		secs = u > (guint64)FW_FETCH_RETRY_MAX ? FW_FETCH_RETRY_MAX : (gint64)u;
	} else {
		time_t t = curl_getdate(v, NULL);
		if (t != -1)
			secs = (gint64)t - fw_now();
	}
	return CLAMP(secs, FW_FETCH_RETRY_MIN, FW_FETCH_RETRY_MAX);
}

/* --- Retry-After per host --- */

/* Makes every request to host wait secs seconds from now (the longest wait wins). */
static void host_wait_set(struct fw_fetcher *f, const char *host, gint64 secs)
{
	gint64 until = g_get_monotonic_time() + secs * G_USEC_PER_SEC;
	gint64 *old;

	if (host[0] == '\0' || secs <= 0)
		return;
	old = g_hash_table_lookup(f->host_wait, host);
	if (old != NULL) {
		*old = MAX(*old, until);
		return;
	}
	old = g_new(gint64, 1);
	*old = until;
	g_hash_table_insert(f->host_wait, g_strdup(host), old);
}

/* Seconds host still has to wait (rounded up), 0 when none; forgets waits past. */
static gint64 host_wait_left(struct fw_fetcher *f, const char *host)
{
	gint64 *until = g_hash_table_lookup(f->host_wait, host);
	gint64 left;

	if (until == NULL)
		return 0;
	left = *until - g_get_monotonic_time();
	if (left <= 0) {
		g_hash_table_remove(f->host_wait, host);
		return 0;
	}
	return (left + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC;
}

/* --- requests --- */

/* Copies the result fields out of a finished easy handle and sets the error. */
static void collect_result(struct xfer *x, CURLcode code)
{
	char *eff = NULL;
	long status = 0;
	double total = 0;
	gboolean http_error;

	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(x->easy, CURLINFO_EFFECTIVE_URL, &eff);
	curl_easy_getinfo(x->easy, CURLINFO_TOTAL_TIME, &total);
	x->r.http_status = status;
	g_free(x->r.final_url);
	x->r.final_url = g_strdup(eff != NULL ? eff : x->r.url);
	x->r.seconds = total;
	x->r.bytes = x->body_bytes;
	if (x->has_retry_after && (status == 429 || status == 503)) {
		x->r.retry_after = parse_retry_after(x->retry_after);
		host_wait_set(x->f, x->host, x->r.retry_after);
	}
	x->r.max_age = x->no_cache ? 0 : x->max_age;

	/* A non-2xx answer is reported as such, even when its body was too big. */
	http_error = status != 0 && status != 304 && (status < 200 || status > 299);
	if (code == CURLE_OK || (http_error && (code == CURLE_WRITE_ERROR ||
	                                        code == CURLE_FILESIZE_EXCEEDED))) {
		if (status == 304)
			x->r.not_modified = TRUE;
		else if (x->r.retry_after > 0)
			set_error(x, "HTTP %ld, retry after %" G_GINT64_FORMAT " s", status,
			          x->r.retry_after);
		else if (http_error || status == 0)
			set_error(x, "HTTP %ld", status);
	} else if (code == CURLE_WRITE_ERROR && x->too_big) {
		set_too_big(x);
	} else if (code == CURLE_FILESIZE_EXCEEDED) {
		set_too_big(x);
	} else if (x->errbuf[0] != '\0') {
		g_autofree char *clean = sanitize_header_value(x->errbuf, strlen(x->errbuf));
		set_error(x, "%s", clean != NULL ? clean : curl_easy_strerror(code));
	} else {
		set_error(x, "%s", curl_easy_strerror(code));
	}
	if (x->r.error == NULL && !x->r.not_modified && x->encoding_too_long)
		set_error(x, "Content-Encoding longer than %d bytes", FW_FETCH_HEADER_MAX);
	if (x->r.error == NULL && !x->r.not_modified) {
		char *why = NULL;

		x->r.body = fw_decoder_run(x->f->decoder, x->content_encoding,
		                           g_steal_pointer(&x->buf), x->f->opts.max_size, &why);
		if (x->r.body != NULL)
			x->r.bytes = (gint64)g_bytes_get_size(x->r.body);
		else
			x->r.error = why;
	} else {
		x->r.bytes = x->r.error != NULL ? x->body_bytes : 0;
	}
	if (x->r.error == NULL && x->redirects > 0 && x->all_permanent && !x->downgraded) {
		long count = -1;
		/* Trust our count of hops only when curl agrees with it. */
		curl_easy_getinfo(x->easy, CURLINFO_REDIRECT_COUNT, &count);
		if (count == (long)x->redirects)
			x->r.permanent_url = g_strdup(x->r.final_url);
	}
}

/* Delivers x's result to the user and frees x. Returns FALSE if the fetcher
 * was freed from inside the callback (the caller must stop touching it). */
static gboolean deliver(struct fw_fetcher *f, struct xfer *x)
{
	gboolean alive;

	f->dispatching++;
	if (x->done != NULL)
		x->done(&x->r, x->r.user);
	else
		f->done(&x->r, f->data);
	f->dispatching--;
	xfer_free(x);
	alive = !f->dying;
	if (!alive && f->dispatching == 0)
		fw_fetcher_free(f);
	return alive;
}

/* Decrements the running count of host. */
static void host_release(struct fw_fetcher *f, const char *host)
{
	guint n = GPOINTER_TO_UINT(g_hash_table_lookup(f->per_host, host));

	if (n <= 1)
		g_hash_table_remove(f->per_host, host);
	else
		g_hash_table_insert(f->per_host, g_strdup(host), GUINT_TO_POINTER(n - 1));
}

/* Takes every finished transfer out of the multi and delivers it; then
 * starts queued ones. */
static void check_multi_info(struct fw_fetcher *f)
{
	CURLMsg *msg;
	int left = 0;

	while ((msg = curl_multi_info_read(f->multi, &left)) != NULL) {
		struct xfer *x = NULL;

		if (msg->msg != CURLMSG_DONE)
			continue;
		CURLcode code = msg->data.result;
		CURL *easy = msg->easy_handle;
		curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&x);
		collect_result(x, code);
		curl_multi_remove_handle(f->multi, easy);
		g_hash_table_remove(f->running, x);
		host_release(f, x->host);
		if (!deliver(f, x))
			return;
	}
	pump(f);
}

/* Idle source: delivers every ready result (file:// reads and set-up errors). */
static gboolean idle_cb(gpointer data)
{
	struct fw_fetcher *f = data;
	struct xfer *x;

	g_source_unref(f->idle);
	f->idle = NULL;
	while ((x = g_queue_pop_head(&f->ready)) != NULL) {
		if (!deliver(f, x))
			return G_SOURCE_REMOVE;
	}
	pump(f);
	return G_SOURCE_REMOVE;
}

/* Schedules delivery of x's result from the idle source on f's context. */
static void finish_later(struct fw_fetcher *f, struct xfer *x)
{
	g_queue_push_tail(&f->ready, x);
	if (f->idle != NULL)
		return;
	f->idle = g_idle_source_new();
	g_source_set_callback(f->idle, idle_cb, f, NULL);
	g_source_set_name(f->idle, "fw_fetch idle");
	g_source_attach(f->idle, f->ctx);
}

/* Formats t as an HTTP date (RFC 7231 IMF-fixdate). Caller frees. */
static char *http_date(gint64 t)
{
	g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc(t);

	if (dt == NULL)
		return NULL;
	return g_date_time_format(dt, "%a, %d %b %Y %H:%M:%S GMT");
}

/* Reads a file:// URL into x's result, at most max_size bytes. Refuses
 * anything but a regular file (no FIFOs or devices: /dev/zero never ends).
 * Answers not_modified when the request's ETag matches size, mtime (in
 * nanoseconds) and inode. */
static void read_file_url(struct fw_fetcher *f, struct xfer *x)
{
	g_autoptr(GError) err = NULL;
	g_autofree char *path = g_filename_from_uri(x->r.url, NULL, &err);
	struct stat st;
	int fd;
	gint64 start = g_get_monotonic_time();

	x->r.final_url = g_strdup(x->r.url);
	if (path == NULL) {
		set_error(x, "%s", err->message);
		return;
	}
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		set_error(x, "%s: %s", path, g_strerror(errno));
		return;
	}
	if (fstat(fd, &st) != 0) {
		set_error(x, "%s: %s", path, g_strerror(errno));
		close(fd);
		return;
	}
	if (!S_ISREG(st.st_mode)) {
		set_error(x, "%s: not a regular file", path);
		close(fd);
		return;
	}
	if ((gint64)st.st_size > f->opts.max_size) {
		set_too_big(x);
		close(fd);
		return;
	}
	/* size, mtime to the nanosecond and inode: a file rewritten in the same
	 * second with the same size (or renamed over) is not "not modified" */
	x->r.etag = g_strdup_printf("\"%" G_GINT64_FORMAT "-%" G_GINT64_FORMAT ".%09ld-%" G_GUINT64_FORMAT
	                            "\"", (gint64)st.st_size, (gint64)st.st_mtim.tv_sec,
	                            (long)st.st_mtim.tv_nsec, (guint64)st.st_ino);
	x->r.last_modified = http_date((gint64)st.st_mtime);
	if (x->req_etag != NULL && strcmp(x->req_etag, x->r.etag) == 0) {
		x->r.not_modified = TRUE;
		close(fd);
		return;
	}
	/* The file may grow between fstat and read: the read is bounded anyway. */
	GByteArray *buf = g_byte_array_sized_new((guint)st.st_size + 1);
	for (;;) {
		guint8 chunk[65536];
		ssize_t n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			set_error(x, "%s: %s", path, g_strerror(errno));
			break;
		}
		if (n == 0)
			break;
		if ((gint64)n > f->opts.max_size - (gint64)buf->len) {
			set_too_big(x);
			break;
		}
		g_byte_array_append(buf, chunk, (guint)n);
	}
	close(fd);
	if (x->r.error != NULL) {
		g_byte_array_unref(buf);
		return;
	}
	x->r.bytes = buf->len;
	x->r.body = g_byte_array_free_to_bytes(buf);
	x->r.seconds = (double)(g_get_monotonic_time() - start) / G_USEC_PER_SEC;
}

/* Creates and configures the easy handle of x. FALSE (with x's error set)
 * when curl refuses an option. */
static gboolean setup_easy(struct fw_fetcher *f, struct xfer *x)
{
	CURL *e;
	CURLcode rc = CURLE_OK;
	long timeout = (long)MAX(f->opts.timeout, 1);

	e = x->easy = curl_easy_init();
	if (e == NULL) {
		set_error(x, "cannot create a curl handle");
		return FALSE;
	}
	x->buf = g_byte_array_new();
	x->headers = curl_slist_append(x->headers, FW_FETCH_ACCEPT);
	if (x->post == NULL)   /* a POST's answer is dropped: no need to compress it */
		x->headers = curl_slist_append(x->headers, FW_FETCH_ACCEPT_ENCODING);
	for (guint i = 0; x->post_headers != NULL && x->post_headers[i] != NULL; i++)
		x->headers = curl_slist_append(x->headers, x->post_headers[i]);
	if (x->post != NULL)
		x->headers = curl_slist_append(x->headers, "Expect:");   /* no 100-continue wait */
	if (x->req_etag != NULL) {
		g_autofree char *h = g_strconcat("If-None-Match: ", x->req_etag, NULL);
		x->headers = curl_slist_append(x->headers, h);
	}
	if (x->req_last_modified != NULL) {
		g_autofree char *h = g_strconcat("If-Modified-Since: ", x->req_last_modified, NULL);
		x->headers = curl_slist_append(x->headers, h);
	}
#define SET(opt, val) do { if (rc == CURLE_OK) rc = curl_easy_setopt(e, opt, val); } while (0)
	SET(CURLOPT_URL, x->r.url);
	SET(CURLOPT_PRIVATE, (void *)x);
	SET(CURLOPT_ERRORBUFFER, x->errbuf);
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_FOLLOWLOCATION, 1L);
	SET(CURLOPT_MAXREDIRS, FW_FETCH_MAX_REDIRS);
	SET(CURLOPT_CONNECTTIMEOUT, MIN(timeout, (long)FW_FETCH_CONNECT_TIMEOUT));
	SET(CURLOPT_LOW_SPEED_LIMIT, FW_FETCH_LOW_SPEED_LIMIT);
	SET(CURLOPT_LOW_SPEED_TIME, MIN(timeout, (long)FW_FETCH_LOW_SPEED_TIME));
	SET(CURLOPT_TIMEOUT, timeout);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_HTTP_CONTENT_DECODING, 0L);   /* fetch-decode.c decodes */
	SET(CURLOPT_SSL_VERIFYPEER, 1L);
	SET(CURLOPT_SSL_VERIFYHOST, 2L);
	SET(CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);   /* a proxy's CONNECT answer is no hop */
	SET(CURLOPT_USERAGENT, f->user_agent);
	SET(CURLOPT_HTTPHEADER, x->headers);
	SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)fw_fetch_encoded_cap(f->opts.max_size));
	SET(CURLOPT_WRITEFUNCTION, write_cb);
	SET(CURLOPT_WRITEDATA, (void *)x);
	SET(CURLOPT_HEADERFUNCTION, header_cb);
	SET(CURLOPT_HEADERDATA, (void *)x);
	if (x->post != NULL) {
		gsize len = 0;
		const void *body = g_bytes_get_data(x->post, &len);
		SET(CURLOPT_POST, 1L);
		SET(CURLOPT_POSTFIELDS, body != NULL ? body : "");
		SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
		SET(CURLOPT_FOLLOWLOCATION, 0L);   /* a POST is not repeated elsewhere */
	}
#undef SET
	if (rc != CURLE_OK) {
		set_error(x, "%s", curl_easy_strerror(rc));
		return FALSE;
	}
	return TRUE;
}

/* Starts queued requests while there is room: max_parallel in all,
 * max_per_host per host. file:// requests are read right here and their
 * results delivered from the idle source. */
static void pump(struct fw_fetcher *f)
{
	GList *l = f->waiting.head;

	while (l != NULL && g_hash_table_size(f->running) < f->opts.max_parallel) {
		GList *next = l->next;
		struct xfer *x = l->data;
		guint n = GPOINTER_TO_UINT(g_hash_table_lookup(f->per_host, x->host));
		gint64 wait = x->host[0] != '\0' ? host_wait_left(f, x->host) : 0;

		if (wait > 0) {
			g_queue_delete_link(&f->waiting, l);
			l = next;
			x->r.deferred = TRUE;
			x->r.retry_after = wait;
			x->r.final_url = g_strdup(x->r.url);
			set_error(x, "not requested: %s asked to wait (Retry-After), %" G_GINT64_FORMAT
			          " s more", x->host, wait);
			finish_later(f, x);
			continue;
		}
		if (x->host[0] != '\0' && n >= f->opts.max_per_host) {
			l = next;
			continue;
		}
		g_queue_delete_link(&f->waiting, l);
		l = next;
		if (g_ascii_strncasecmp(x->r.url, "file:", 5) == 0) {
			read_file_url(f, x);
			finish_later(f, x);
			continue;
		}
		if (!setup_easy(f, x)) {
			finish_later(f, x);
			continue;
		}
		CURLMcode mc = curl_multi_add_handle(f->multi, x->easy);
		if (mc != CURLM_OK) {
			set_error(x, "%s", curl_multi_strerror(mc));
			finish_later(f, x);
			continue;
		}
		g_hash_table_add(f->running, x);
		g_hash_table_insert(f->per_host, g_strdup(x->host), GUINT_TO_POINTER(n + 1));
	}
}

/* Returns "host:port" of an http(s) URL, host lower-cased and the default
 * port filled in, or "" (no per-host limit) for anything else. */
char *fw_fetch_url_host(const char *url)
{
	CURLU *u;
	char *host = NULL;
	char *port = NULL;
	char *out;

	fetch_global_init();
	u = curl_url();
	if (u != NULL && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK && host != NULL &&
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK &&
	    port != NULL) {
		g_autofree char *h = g_ascii_strdown(host, -1);
		out = g_strconcat(h, ":", port, NULL);
	} else {
		out = g_strdup("");
	}
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return out;
}

/* Initialises libcurl once. curl's libssh2 would first initialise all of
 * libcrypto's algorithms (about 3 MB resident for the daemon's life) for
 * scp/sftp, which fw_fetch never allows (http and https only): libssh2 is
 * told to skip its crypto set-up before curl calls it. */
static void fetch_global_init(void)
{
	static gsize done;

	if (g_once_init_enter(&done)) {
		int (*ssh2_init)(int);

		fw_lazylib_require(&curl_lib);
		ssh2_init = (int (*)(int))fw_lazylib_optional(&curl_lib, "libssh2_init");
		if (ssh2_init != NULL)
			ssh2_init(FETCH_LIBSSH2_INIT_NO_CRYPTO);
		curl_global_init(CURL_GLOBAL_DEFAULT);
		g_once_init_leave(&done, 1);
	}
}

struct fw_fetcher *fw_fetcher_new(GMainContext *ctx, const struct fw_fetch_opts *opts,
                                  fw_fetch_done_cb done, gpointer data)
{
	struct fw_fetcher *f = g_new0(struct fw_fetcher, 1);

	fetch_global_init();
	f->ctx = g_main_context_ref(ctx != NULL ? ctx : g_main_context_default());
	if (opts != NULL)
		f->opts = *opts;
	if (f->opts.max_parallel == 0)
		f->opts.max_parallel = 8;
	if (f->opts.max_per_host == 0)
		f->opts.max_per_host = 2;
	if (f->opts.timeout <= 0)
		f->opts.timeout = 30;
	if (f->opts.max_size <= 0)
		f->opts.max_size = 10 * 1024 * 1024;
	f->user_agent = g_strdup(opts != NULL && opts->user_agent != NULL ?
	                         opts->user_agent : FW_FETCH_USER_AGENT);
	f->opts.user_agent = f->user_agent;
	f->done = done;
	f->data = data;
	g_queue_init(&f->waiting);
	g_queue_init(&f->ready);
	f->running = g_hash_table_new(g_direct_hash, g_direct_equal);
	f->per_host = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	f->host_wait = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	f->socks = g_hash_table_new_full(g_direct_hash, g_direct_equal, sock_free, NULL);
	f->decoder = fw_decoder_new();
	f->multi = curl_multi_init();
	curl_multi_setopt(f->multi, CURLMOPT_SOCKETFUNCTION, socket_cb);
	curl_multi_setopt(f->multi, CURLMOPT_SOCKETDATA, f);
	curl_multi_setopt(f->multi, CURLMOPT_TIMERFUNCTION, timerfunc_cb);
	curl_multi_setopt(f->multi, CURLMOPT_TIMERDATA, f);
	curl_multi_setopt(f->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)f->opts.max_parallel);
	curl_multi_setopt(f->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)f->opts.max_per_host);
	curl_multi_setopt(f->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
	return f;
}

void fw_fetcher_add(struct fw_fetcher *f, const char *url, const char *etag,
                    const char *last_modified, gpointer user)
{
	struct xfer *x = g_new0(struct xfer, 1);

	x->f = f;
	x->all_permanent = TRUE;
	x->r.user = user;
	x->r.url = g_strdup(url != NULL ? url : "");
	x->req_etag = etag != NULL ? sanitize_header_value(etag, strlen(etag)) : NULL;
	x->req_last_modified = last_modified != NULL ?
		sanitize_header_value(last_modified, strlen(last_modified)) : NULL;
	x->host = fw_fetch_url_host(x->r.url);
	g_queue_push_tail(&f->waiting, x);
	/* Results are never delivered from here: errors and file:// reads go
	 * through the idle source, curl's through its sockets and timer. */
	pump(f);
}

void fw_fetcher_post(struct fw_fetcher *f, const char *url, const char *const *headers,
                     const char *body, gsize len, fw_fetch_done_cb done, gpointer user)
{
	struct xfer *x = g_new0(struct xfer, 1);

	x->f = f;
	x->r.user = user;
	x->r.url = g_strdup(url != NULL ? url : "");
	x->host = fw_fetch_url_host(x->r.url);
	x->done = done;
	x->post = g_bytes_new(body != NULL ? body : "", body != NULL ? len : 0);
	x->post_headers = g_strdupv((char **)headers);
	if (g_ascii_strncasecmp(x->r.url, "http://", 7) != 0 &&
	    g_ascii_strncasecmp(x->r.url, "https://", 8) != 0) {
		set_error(x, "Protocol not allowed for a POST: only http:// and https://");
		finish_later(f, x);
		return;
	}
	g_queue_push_tail(&f->waiting, x);
	pump(f);
}

guint fw_fetcher_pending(struct fw_fetcher *f)
{
	if (f == NULL)
		return 0;
	return f->waiting.length + f->ready.length + g_hash_table_size(f->running);
}

void fw_fetcher_free(struct fw_fetcher *f)
{
	GHashTableIter it;
	gpointer key;

	if (f == NULL)
		return;
	if (f->dispatching > 0) {
		/* Called from a done callback: finish when it returns. */
		f->dying = TRUE;
		return;
	}
	g_hash_table_iter_init(&it, f->running);
	while (g_hash_table_iter_next(&it, &key, NULL)) {
		struct xfer *x = key;
		curl_multi_remove_handle(f->multi, x->easy);
		xfer_free(x);
	}
	g_hash_table_remove_all(f->running);
	g_queue_clear_full(&f->waiting, (GDestroyNotify)xfer_free);
	g_queue_clear_full(&f->ready, (GDestroyNotify)xfer_free);
	curl_multi_cleanup(f->multi);
	if (f->timer != NULL) {
		g_source_destroy(f->timer);
		g_source_unref(f->timer);
	}
	if (f->idle != NULL) {
		g_source_destroy(f->idle);
		g_source_unref(f->idle);
	}
	g_hash_table_destroy(f->socks);
	fw_decoder_free(f->decoder);
	g_hash_table_destroy(f->per_host);
	g_hash_table_destroy(f->host_wait);
	g_hash_table_destroy(f->running);
	g_main_context_unref(f->ctx);
	g_free(f->user_agent);
	g_free(f);
	curl_global_cleanup();
}
