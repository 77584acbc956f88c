/* http.h: asynchronous HTTP on curl multi, driven by the event loop. */
#ifndef HD_HTTP_H
#define HD_HTTP_H

#include <stddef.h>

#include "loop.h"
#include "status.h"

typedef struct http_client http_client;
typedef struct http_request http_request;

typedef struct http_response {
    hd_status status;      /* HD_OK when an HTTP answer arrived whole (whatever its code) */
    long code;             /* HTTP status code, 0 if no answer */
    const char *body;      /* NUL-terminated (may hold NULs before body_len); never NULL */
    size_t body_len;
    long retry_after_s;    /* from Retry-After, 0..DURATION_MAX_S (a day); -1 if absent */
    int attempts;          /* how many tries it took */
    char error[256];       /* one sanitized line for the user; "" when status is HD_OK */
} http_response;

/* Called while waiting before a retry, so the UI can say what it is waiting for. */
typedef void (*http_retry_fn)(long delay_ms, const http_response *why, void *arg);
/* Called once with the final outcome. Not called after http_cancel(). */
typedef void (*http_done_fn)(const http_response *r, void *arg);
/* Stream body chunks (2xx only). Return nonzero to stop the transfer (reported as done). */
typedef int (*http_data_fn)(const char *buf, size_t len, void *arg);

typedef struct http_opts {
    const char *method;        /* "GET" when NULL */
    const char *url;
    const char *json_body;     /* sent as application/json; NULL for none */
    const char *token;         /* secret; sent only to the origin of `url` */
    const char *token_header;  /* NULL: "Authorization: Bearer <token>"; else "<hdr>: <token>" */
    const char *api_key;       /* second secret header, same origin rule (HydraCore X-Api-Key) */
    const char *api_key_header; /* its name; needed with api_key */
    const char *origin;        /* origin the token belongs to; NULL = the origin of `url` */
    const char *last_event_id; /* adds Last-Event-ID (streams) */
    long timeout_ms;           /* whole request; 0 = 30 s; streams: connection only */
    int max_retries;           /* network errors, 5xx and 429; 0 = 3, < 0 = none */
    size_t max_body;           /* 0 = 1 MiB */
    int stream;                /* deliver 2xx bodies through on_data as they arrive */
    long backoff_base_ms;      /* first retry delay; 0 = 500 ms (tests set it short) */
    long max_wait_ms;          /* longest Retry-After waited out here; 0 = 120 s (longer: done) */
    http_retry_fn on_retry;
} http_opts;

http_client *http_client_new(loop *l);
/* Cancels every request still running (no callbacks) and frees the client. */
void http_client_free(http_client *c);

/*
 * Starts a request. Refuses (returns NULL, *why set when not NULL) URLs that are not https
 * or plain http to a loopback host. `on_data` may be NULL unless o->stream. The opts strings
 * are copied; the token is kept in guarded memory and wiped when the request ends.
 * Redirects are followed on the same origin only (http_redirect_check); any other ends the
 * request with HD_ERR_PROTOCOL and a message naming where it pointed. A
 * loopback URL never goes through a proxy; elsewhere a proxy only gets a CONNECT tunnel.
 */
http_request *http_start(http_client *c, const http_opts *o, http_done_fn on_done,
                         http_data_fn on_data, void *arg, hd_status *why);

/* Stops a request; its callbacks are never called afterwards. Safe from any callback. */
void http_cancel(http_request *r);

/* Maps an HTTP status code to a status: 401 auth, 403 forbidden, 429, 5xx server, ... */
hd_status http_status_for_code(long code);

/* HD_OK if the URL may be used: https, or http to 127.0.0.0/8, ::1 or localhost. */
hd_status http_url_check(const char *url);
/* 1 if both URLs have the same scheme, host and port. */
int http_same_origin(const char *a, const char *b);
/* Writes "scheme://host:port" of url into out. Returns 0, or -1 if the URL is invalid. */
int http_url_origin(const char *url, char *out, size_t outsz);
/*
 * Whether a redirect from `from` to `to` may be followed: HD_OK only on the same origin.
 * HD_ERR_INSECURE_URL for https -> http (even to loopback) and plain http elsewhere,
 * HD_ERR_PROTOCOL for another origin, HD_ERR_BAD_URL for what is not an http(s) URL.
 */
hd_status http_redirect_check(const char *from, const char *to);

#endif
