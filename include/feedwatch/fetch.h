/* fetch — libcurl multi driven by the GLib main context; conditional GET;
 * bounded bodies.
 *
 * One fetcher owns one CURLM handle. The main loop never blocks on the
 * network: sockets and the timer are watched through GLib sources (as curl's
 * docs/examples/multi-event.c). Only http and https, also across redirects;
 * file:// URLs are read from disk (never reachable through a redirect).
 * Bodies are capped at max_size decoded bytes: the write callback counts the
 * bytes as sent, and the decoder (daemon/fetch-decode.c) stops one byte past
 * the cap whatever the compression ratio.
 *
 * A "host" here is the authority of the URL, host:port (lower-cased host,
 * default port filled in): max_per_host counts transfers per host:port, and a
 * 429 or 503 with Retry-After makes every later request to that host:port
 * wait (it is answered `deferred` without being sent) until the time has
 * passed. Requests already in flight are not touched. The waits live in the
 * fetcher's memory (a new process starts afresh; each feed's own next poll
 * is stored by poll).
 *
 * Every feed request sends Accept-Encoding: gzip, deflate, zstd (what the
 * decoder undoes; a body in any other coding is an error, unless it starts
 * as a feed's text does), User-Agent "feedwatch/VERSION (+project URL)",
 * verifies TLS peers and host names, and shares the multi handle's
 * connection pool, DNS cache and HTTP/2 connections (multiplexed). */
#ifndef FW_FETCH_H
#define FW_FETCH_H

#include <glib.h>

struct fw_fetch_opts {
	guint max_parallel;   /* transfers at once (default 8) */
	guint max_per_host;   /* per host (default 2) */
	gint64 timeout;       /* seconds, total per transfer (default 30) */
	gint64 max_size;      /* bytes, decoded (default 10 MiB) */
	const char *user_agent; /* copied; NULL = "feedwatch/VERSION" */
};

/* What came of one request. Owned by the fetcher, valid only during the
 * done callback (steal body with g_steal_pointer if you want to keep it). */
struct fw_fetch_result {
	gpointer user;        /* as given to fw_fetcher_add */
	const char *url;      /* as requested */
	char *final_url;      /* after redirects */
	long http_status;     /* 0 when no HTTP response (error, file://) */
	gboolean not_modified;/* 304 */
	char *etag;           /* of the response, CR/LF removed; NULL if none */
	char *last_modified;  /* of the response; NULL if none */
	char *content_type;   /* NULL if none */
	GBytes *body;         /* NULL on 304 or error */
	char *error;          /* NULL on success (2xx or 304); else a sentence */
	gint64 retry_after;   /* seconds from a 429/503 Retry-After (seconds or HTTP
	                         date; garbage counts as the minimum), clamped to
	                         [FW_FETCH_RETRY_MIN, FW_FETCH_RETRY_MAX]; 0 none.
	                         With deferred: the seconds the host still waits */
	gint64 max_age;       /* Cache-Control: max-age of the final answer, seconds,
	                         at most FW_FETCH_RETRY_MAX; 0 when none, no-cache
	                         or no-store */
	char *permanent_url;  /* the final URL when the request was redirected and
	                         every redirect was permanent (301/308), the final
	                         answer was 2xx or 304 and https never became
	                         http; else NULL */
	gboolean deferred;    /* not sent: its host asked to wait (Retry-After of an
	                         earlier answer); error says so, retry_after how long */
	gint64 bytes;         /* body bytes received (decoded) */
	double seconds;       /* total time */
};

#define FW_FETCH_RETRY_MIN 60      /* seconds: bounds of Retry-After */
#define FW_FETCH_RETRY_MAX 86400

typedef void (*fw_fetch_done_cb)(struct fw_fetch_result *r, gpointer data);

struct fw_fetcher;

/* Creates a fetcher on ctx (NULL = default context). done is called on ctx
 * for every request, once. opts is copied. */
struct fw_fetcher *fw_fetcher_new(GMainContext *ctx, const struct fw_fetch_opts *opts,
                                  fw_fetch_done_cb done, gpointer data);

/* Queues a GET of url. etag / last_modified (may be NULL) make it
 * conditional. Never calls done synchronously. For file:// URLs the result
 * has an ETag made of size, mtime (nanoseconds) and inode, and not_modified
 * when it matches. */
void fw_fetcher_add(struct fw_fetcher *f, const char *url, const char *etag,
                    const char *last_modified, gpointer user);

/* POSTs len bytes of body (copied) to url, http or https only, with the
 * given header lines ("Name: value", NULL-terminated, may be NULL; values
 * already safe); no redirect is followed. It shares the queue, connections
 * and per-host limits of feed fetches. done(r, user) is called once, on the
 * fetcher's context, instead of the fetcher's callback; r->error is NULL
 * only for a 2xx answer (whose body is read, bounded, and dropped by the
 * caller's not keeping r->body). Never calls done synchronously. */
void fw_fetcher_post(struct fw_fetcher *f, const char *url, const char *const *headers,
                     const char *body, gsize len, fw_fetch_done_cb done, gpointer user);

/* The per-host key of url: "host:port", host lower-cased, the default port
 * filled in; "" for anything but http(s). Caller frees. */
char *fw_fetch_url_host(const char *url);

/* Requests queued or in flight. */
guint fw_fetcher_pending(struct fw_fetcher *f);

/* Aborts everything in flight (done is not called for them) and frees.
 * May be called from inside done: the fetcher is freed when done returns. */
void fw_fetcher_free(struct fw_fetcher *f);   /* NULL is fine */

#endif
