/* sse_parser.h: incremental text/event-stream parser (WHATWG EventSource rules). */
#ifndef HD_SSE_PARSER_H
#define HD_SSE_PARSER_H

#include <stddef.h>

/* One dispatched event. Pointers are valid only during the callback. */
typedef struct sse_event {
    const char *type;  /* "message" when no event: field was given */
    const char *data;  /* data lines joined with '\n', final '\n' removed; NUL-terminated */
    size_t data_len;
    const char *id;    /* last event id in force when dispatched ("" if none) */
} sse_event;

/*
 * Runs inside sse_parser_feed(). It may reset or free the parser: feed then returns
 * SSE_PARSE_OK at once, without parsing the rest of its buffer (and, once freed, without
 * touching the parser). It must not call sse_parser_feed() on the same parser.
 */
typedef void (*sse_event_fn)(const sse_event *ev, void *arg);

typedef struct sse_parser sse_parser;

enum sse_parser_result {
    SSE_PARSE_OK = 0,
    SSE_PARSE_LINE_TOO_LONG = -1, /* a line exceeded max_line: the stream must be dropped */
    SSE_PARSE_NOMEM = -2,
};

/*
 * New parser. `max_line` caps one line (and the accumulated data of one event) in bytes;
 * 0 picks 64 KiB. `on_event` is called for each dispatched event. NULL on OOM.
 */
sse_parser *sse_parser_new(size_t max_line, sse_event_fn on_event, void *arg);
void sse_parser_free(sse_parser *p);

/*
 * Feeds bytes as they arrive, split anywhere (even inside a CRLF or a UTF-8 sequence).
 * Returns SSE_PARSE_OK or a negative sse_parser_result; after an error the parser stays
 * in error until sse_parser_reset().
 */
int sse_parser_feed(sse_parser *p, const char *buf, size_t len);

/*
 * Prepares for a new connection: forgets the partial line, the pending event and the
 * BOM state, but keeps the last event id and the retry value (as EventSource does).
 * A pending, undispatched event at end of stream is discarded, per the spec.
 */
void sse_parser_reset(sse_parser *p);

/*
 * Last event id seen ("" if none), to send as Last-Event-ID on reconnect. An id: field takes
 * effect at the blank line that ends its event, so the id of an event cut off by a dropped
 * connection is not reported (WHATWG "last event ID buffer").
 */
const char *sse_parser_last_id(const sse_parser *p);

/* Reconnection time from the last valid retry: field in ms, or -1 if none was given. */
long sse_parser_retry_ms(const sse_parser *p);

#endif
