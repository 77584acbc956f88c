/* sse_client.h: EventSource client over http: reconnects, Last-Event-ID, idle detection. */
#ifndef HD_SSE_CLIENT_H
#define HD_SSE_CLIENT_H

#include "http.h"
#include "sse_parser.h"

typedef struct sse_client sse_client;

typedef enum sse_client_state {
    SSE_STATE_CONNECTING,   /* first connection under way */
    SSE_STATE_OPEN,         /* connected, events flowing */
    SSE_STATE_RECONNECTING, /* dropped; a new connection starts after `delay_ms` */
    SSE_STATE_FAILED,       /* gave up: `status`, `message` and (if any) the HTTP answer say why */
} sse_client_state;

typedef struct sse_client_status {
    sse_client_state state;
    long delay_ms;                /* RECONNECTING: wait before the next try */
    int failures;                 /* consecutive failed connections */
    hd_status status;             /* FAILED / RECONNECTING: the reason */
    const char *message;          /* one sanitized line */
    const http_response *answer;  /* FAILED on an HTTP error: the hub's answer, else NULL */
} sse_client_status;

typedef void (*sse_client_event_fn)(const sse_event *ev, void *arg);
typedef void (*sse_client_status_fn)(const sse_client_status *st, void *arg);

typedef struct sse_client_opts {
    const char *url;
    const char *token;          /* see http_opts: sent only to `origin` */
    const char *token_header;
    const char *origin;
    long idle_timeout_ms;       /* silent this long = dropped; 0 = 45 s */
    long default_retry_ms;      /* until the server sends retry:; 0 = 3 s */
    int max_failures;           /* consecutive failed connections before FAILED; 0 = 5 */
    size_t max_line;            /* 0 = 64 KiB */
} sse_client_opts;

/*
 * Connects and keeps the stream alive until sse_client_free(). Callbacks may free the
 * client. NULL (with *why) if the URL is refused or on OOM.
 */
sse_client *sse_client_new(http_client *http, loop *l, const sse_client_opts *o,
                           sse_client_event_fn on_event, sse_client_status_fn on_status,
                           void *arg, hd_status *why);
void sse_client_free(sse_client *s);

/* How many connections were opened so far (1 = never reconnected). */
int sse_client_connections(const sse_client *s);

#endif
