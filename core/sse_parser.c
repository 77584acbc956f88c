/* sse_parser.c: incremental text/event-stream parser, fed bytes split anywhere. */
#include "sse_parser.h"
#include "duration.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SSE_DEFAULT_MAX_LINE ((size_t)64 * 1024)
/* Keeps every length sum below SIZE_MAX, so the cap checks themselves cannot overflow. */
#define SSE_MAX_LINE_LIMIT (SIZE_MAX / 4)
/* Largest retry: we report; fits in a long on every platform (long may be 32 bits). */
#define SSE_RETRY_MAX 2147483647L

/* Internal results (public ones are <= 0): the event callback reset or freed the parser, so
 * the rest of the buffer belongs to a stream that is gone and must not be parsed. */
enum { SSE_STOP_RESET = 1, SSE_STOP_FREED = 2 };

/* A byte buffer that only grows, never past what the caps allow. */
struct sse_buf {
    char *p;
    size_t len;
    size_t cap;
};

struct sse_parser {
    size_t max_line;
    sse_event_fn on_event;
    void *arg;
    struct sse_buf line; /* bytes of a line that did not end inside one feed */
    struct sse_buf data; /* joined data: lines, each followed by '\n' */
    struct sse_buf type; /* event: value, NUL-terminated; empty means "message" */
    /* id: sets `pending_id`; it becomes `last_id` only at the next blank line, so an event cut
     * off by a dropped connection does not move Last-Event-ID past itself (WHATWG). */
    struct sse_buf pending_id;
    struct sse_buf last_id;
    int id_pending;
    long retry_ms;
    int last_cr;  /* the previous byte was CR: a LF right after it ends no new line */
    int bom_seen; /* BOM bytes matched at stream start (0..3) */
    int bom_done; /* past the point where a BOM may appear */
    int err;      /* sticky sse_parser_result until reset */
    int *stop;    /* set while on_event runs: free and reset leave an SSE_STOP_* there */
};

static int buf_reserve(struct sse_buf *b, size_t need)
{
    if (need <= b->cap)
        return SSE_PARSE_OK;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2; /* cannot overflow: need <= SSE_MAX_LINE_LIMIT + 2 */
    char *np = realloc(b->p, cap);
    if (!np)
        return SSE_PARSE_NOMEM;
    b->p = np;
    b->cap = cap;
    return SSE_PARSE_OK;
}

static int buf_append(struct sse_buf *b, const char *s, size_t n)
{
    int rc = buf_reserve(b, b->len + n + 1);
    if (rc)
        return rc;
    if (n)
        memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
    return SSE_PARSE_OK;
}

static int buf_set(struct sse_buf *b, const char *s, size_t n)
{
    b->len = 0;
    return buf_append(b, s, n);
}

sse_parser *sse_parser_new(size_t max_line, sse_event_fn on_event, void *arg)
{
    sse_parser *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    if (max_line == 0)
        max_line = SSE_DEFAULT_MAX_LINE;
    p->max_line = max_line < SSE_MAX_LINE_LIMIT ? max_line : SSE_MAX_LINE_LIMIT;
    p->on_event = on_event;
    p->arg = arg;
    p->retry_ms = -1;
    return p;
}

void sse_parser_free(sse_parser *p)
{
    if (!p)
        return;
    if (p->stop)
        *p->stop = SSE_STOP_FREED;
    free(p->line.p);
    free(p->data.p);
    free(p->type.p);
    free(p->pending_id.p);
    free(p->last_id.p);
    free(p);
}

void sse_parser_reset(sse_parser *p)
{
    if (p->stop && *p->stop == 0)
        *p->stop = SSE_STOP_RESET;
    p->line.len = 0;
    p->data.len = 0;
    p->type.len = 0;
    p->id_pending = 0;
    p->last_cr = 0;
    p->bom_seen = 0;
    p->bom_done = 0;
    p->err = SSE_PARSE_OK;
}

const char *sse_parser_last_id(const sse_parser *p)
{
    return p->last_id.p ? p->last_id.p : "";
}

long sse_parser_retry_ms(const sse_parser *p)
{
    return p->retry_ms;
}

/* Swapping instead of copying makes committing the id unable to fail. */
static void commit_id(sse_parser *p)
{
    if (!p->id_pending)
        return;
    struct sse_buf t = p->last_id;
    p->last_id = p->pending_id;
    p->pending_id = t;
    p->id_pending = 0;
}

static int dispatch(sse_parser *p)
{
    commit_id(p);
    if (p->data.len == 0) {
        p->type.len = 0;
        return SSE_PARSE_OK;
    }
    p->data.len--; /* every data line appended a '\n'; the last one is not part of the data */
    p->data.p[p->data.len] = '\0';
    sse_event ev = {
        .type = p->type.len ? p->type.p : "message",
        .data = p->data.p,
        .data_len = p->data.len,
        .id = sse_parser_last_id(p),
    };
    /* A type with NUL cannot equal any C string a consumer compares it with, so, like an
     * EventSource event that no listener is named for, it reaches nobody (rather than being
     * delivered truncated, as some other type). */
    int nobody = p->type.len && memchr(p->type.p, '\0', p->type.len);
    int stop = 0;
    p->stop = &stop;
    if (p->on_event && !nobody)
        p->on_event(&ev, p->arg);
    if (stop == SSE_STOP_FREED)
        return stop; /* p is gone: touch nothing */
    p->stop = NULL;
    p->data.len = 0;
    p->type.len = 0;
    return stop;
}

/* Only plain ASCII digits count (no sign, no space); huge values saturate instead of wrapping.
 * The parser reports what the server said; the client caps it (DURATION_SSE_RETRY_MAX_MS). */
static void set_retry(sse_parser *p, const char *v, size_t n)
{
    long ms = duration_parse_digits(v, n, SSE_RETRY_MAX);
    if (ms >= 0)
        p->retry_ms = ms;
}

static int data_append(sse_parser *p, const char *v, size_t n)
{
    /* data.len counts the '\n' of earlier lines, so this is the joined length after the append */
    if (p->data.len + n > p->max_line)
        return SSE_PARSE_LINE_TOO_LONG;
    int rc = buf_append(&p->data, v, n);
    return rc ? rc : buf_append(&p->data, "\n", 1);
}

static int field_is(const char *name, size_t n, const char *want)
{
    return n == strlen(want) && memcmp(name, want, n) == 0;
}

static int process_field(sse_parser *p, const char *name, size_t nlen, const char *v, size_t vlen)
{
    if (field_is(name, nlen, "data"))
        return data_append(p, v, vlen);
    if (field_is(name, nlen, "event"))
        return buf_set(&p->type, v, vlen);
    if (field_is(name, nlen, "id")) {
        if (memchr(v, '\0', vlen))
            return SSE_PARSE_OK; /* the spec ignores ids with NUL: they cannot go in a header */
        p->id_pending = 1;
        return buf_set(&p->pending_id, v, vlen);
    }
    if (field_is(name, nlen, "retry"))
        set_retry(p, v, vlen);
    return SSE_PARSE_OK;
}

static int process_line(sse_parser *p, const char *s, size_t n)
{
    if (n == 0)
        return dispatch(p);
    if (s[0] == ':')
        return SSE_PARSE_OK;
    const char *colon = memchr(s, ':', n);
    if (!colon)
        return process_field(p, s, n, s + n, 0);
    size_t nlen = (size_t)(colon - s);
    const char *v = colon + 1;
    size_t vlen = n - nlen - 1;
    if (vlen && *v == ' ') {
        v++;
        vlen--;
    }
    return process_field(p, s, nlen, v, vlen);
}

/* Keeps the start of a line that continues in a later feed, refusing it past the cap early
 * so that a peer that never sends a line end cannot make us buffer without limit. */
static int line_append(sse_parser *p, const char *s, size_t n)
{
    if (p->line.len + n > p->max_line)
        return SSE_PARSE_LINE_TOO_LONG;
    return buf_append(&p->line, s, n);
}

static int line_finish(sse_parser *p, const char *s, size_t n)
{
    if (p->line.len == 0) {
        /* whole line inside this feed: parse it in place, without a copy */
        if (n > p->max_line)
            return SSE_PARSE_LINE_TOO_LONG;
        return process_line(p, s, n);
    }
    int rc = line_append(p, s, n);
    if (rc)
        return rc;
    /* emptied first, as the line's handling may end with a callback that frees the parser */
    n = p->line.len;
    p->line.len = 0;
    return process_line(p, p->line.p, n);
}

static const char *find_eol(const char *s, const char *end)
{
    for (; s < end; s++)
        if (*s == '\n' || *s == '\r')
            return s;
    return NULL;
}

static int scan(sse_parser *p, const char *s, size_t n)
{
    const char *end = s + n;
    while (s < end) {
        if (p->last_cr) {
            p->last_cr = 0;
            if (*s == '\n') { /* second half of a CRLF, maybe split across feeds */
                s++;
                continue;
            }
        }
        const char *eol = find_eol(s, end);
        if (!eol)
            return line_append(p, s, (size_t)(end - s));
        int rc = line_finish(p, s, (size_t)(eol - s));
        if (rc)
            return rc;
        p->last_cr = *eol == '\r';
        s = eol + 1;
    }
    return SSE_PARSE_OK;
}

/* Skips a UTF-8 BOM at stream start even when it arrives a byte at a time; if the bytes turn
 * out not to be a BOM, the ones held back are parsed as ordinary bytes. */
static int skip_bom(sse_parser *p, const char **s, const char *end)
{
    static const char bom[3] = {'\xEF', '\xBB', '\xBF'};
    while (!p->bom_done && *s < end) {
        if (**s != bom[p->bom_seen]) {
            p->bom_done = 1;
            return scan(p, bom, (size_t)p->bom_seen);
        }
        (*s)++;
        if (++p->bom_seen == 3)
            p->bom_done = 1;
    }
    return SSE_PARSE_OK;
}

int sse_parser_feed(sse_parser *p, const char *buf, size_t len)
{
    if (p->err || len == 0)
        return p->err;
    const char *s = buf;
    const char *end = buf + len;
    int rc = skip_bom(p, &s, end);
    if (rc == SSE_PARSE_OK)
        rc = scan(p, s, (size_t)(end - s));
    if (rc == SSE_STOP_FREED || rc == SSE_STOP_RESET)
        return SSE_PARSE_OK;
    p->err = rc;
    return rc;
}
