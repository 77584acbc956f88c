/* sse.c: Server-Sent Events output: the Keebai QR session stream and the /_sandbox/test/sse
 * fixture.
 *
 * Each stream is an MHD content callback that blocks on srv->cond until it has something to
 * send (thread per connection makes that safe), so events leave the moment they happen.
 */
#include "keebai.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Text formatted but not yet handed to MHD (an event may be larger than MHD's block). */
typedef struct sse_out {
    char *buf;
    size_t len, off;
} sse_out;

typedef struct keebai_stream {
    sb_server *srv;
    sb_session *session; /* one reference, dropped in keebai_free */
    unsigned gen;        /* session->drop_gen when the stream opened */
    long cursor;         /* id of the last event sent */
    bool sent_retry, done;
    int64_t last_write_ms;
    sse_out out;
} keebai_stream;

typedef struct fixture_stream {
    sb_server *srv;
    long next_id, last_id, drop_after, sent_here, silent_ms, interval_ms, retry_ms;
    bool sent_retry, silent_done;
    int64_t last_write_ms;
    sse_out out;
} fixture_stream;

static void out_printf(sse_out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    free(o->buf);
    o->off = 0;
    int n = vasprintf(&o->buf, fmt, ap);
    va_end(ap);
    if (n < 0) {
        o->buf = NULL;
        n = 0;
    }
    o->len = (size_t)n;
}

static ssize_t out_drain(sse_out *o, char *dst, size_t max)
{
    size_t n = o->len - o->off;
    if (n > max)
        n = max;
    memcpy(dst, o->buf + o->off, n);
    o->off += n;
    return (ssize_t)n;
}

static bool out_pending(const sse_out *o)
{
    return o->off < o->len;
}

static struct MHD_Response *sse_response(MHD_ContentReaderCallback read_cb, void *cls,
                                         MHD_ContentReaderFreeCallback free_cb)
{
    struct MHD_Response *r =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, read_cb, cls, free_cb);
    if (!r)
        return NULL;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/event-stream");
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
    return r;
}

/* Last-Event-ID as a number; -1 when absent or not a number (then it is ignored). */
static long last_event_id(sb_req *req)
{
    long v;
    const char *h = sb_header(req, "Last-Event-ID");
    return sb_parse_long(h, 0, 1000000000L, &v) ? v : -1;
}

static const sb_event *next_event(const sb_session *s, long cursor)
{
    for (size_t i = 0; i < s->nevents; i++)
        if (s->events[i].id > cursor)
            return &s->events[i];
    return NULL;
}

/* The qr event as --qr-junk spoils it: the bare text for invalid UTF-8, else in the JSON. */
static char *junk_qr_data(sb_qr_junk junk, json_t *data)
{
    char *wire = sb_qr_wire(junk, json_string_value(json_object_get(data, "qr")));
    if (!wire || junk == SB_QR_JUNK_BYTES)
        return wire;
    json_object_set_new(data, "qr", json_string(wire));
    free(wire);
    return json_dumps(data, JSON_COMPACT);
}

static void format_event(keebai_stream *st, const sb_event *ev, int64_t now)
{
    json_t *data = sb_event_data(st->session, ev, now);
    sb_qr_junk junk = st->srv->cfg.qr_junk;
    char *text = !data                          ? NULL
                 : ev->kind == SB_EV_QR && junk ? junk_qr_data(junk, data)
                                                : json_dumps(data, JSON_COMPACT);
    json_decref(data);
    out_printf(&st->out, "id: %ld\nevent: %s\ndata: %s\n\n", ev->id, sb_event_name(ev->kind),
               text ? text : "{}");
    free(text);
}

/*
 * Lock held. Fills st->out with the next piece of the stream, waiting for one if need be.
 * Returns 0 when there is output, or an MHD end code: END_WITH_ERROR hangs up without the
 * closing chunk, which is how a client sees a dropped connection.
 */
static ssize_t keebai_next(keebai_stream *st)
{
    sb_server *srv = st->srv;
    sb_session *s = st->session;
    for (;;) {
        if (srv->stopping || s->drop_gen != st->gen)
            return MHD_CONTENT_READER_END_WITH_ERROR;
        int64_t now = sb_now_ms();
        sb_session_advance(srv, s, now);
        const sb_event *ev = next_event(s, st->cursor);
        if (!st->sent_retry) {
            out_printf(&st->out, "retry: %ld\n\n", srv->cfg.retry_ms);
            st->sent_retry = true;
        } else if (ev) {
            format_event(st, ev, now);
            st->cursor = ev->id;
            st->done = ev->kind == SB_EV_CONNECTED || ev->kind == SB_EV_EXPIRED;
        } else if (s->state == SB_CONNECTED || s->state == SB_EXPIRED) {
            return MHD_CONTENT_READER_END_OF_STREAM; /* resumed past the end: nothing to wait for */
        } else if (now >= st->last_write_ms + srv->cfg.keepalive_ms) {
            out_printf(&st->out, ": ping\n\n");
        } else {
            int64_t until = st->last_write_ms + srv->cfg.keepalive_ms;
            int64_t due = sb_session_deadline(srv, s);
            sb_wait_until(srv, due < until ? due : until);
            continue;
        }
        st->last_write_ms = now;
        return 0;
    }
}

static ssize_t keebai_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    keebai_stream *st = cls;
    if (!out_pending(&st->out)) {
        if (st->done)
            return MHD_CONTENT_READER_END_OF_STREAM;
        pthread_mutex_lock(&st->srv->lock);
        ssize_t r = keebai_next(st);
        pthread_mutex_unlock(&st->srv->lock);
        if (r < 0)
            return r;
    }
    return out_drain(&st->out, buf, max);
}

static void keebai_free(void *cls)
{
    keebai_stream *st = cls;
    pthread_mutex_lock(&st->srv->lock);
    st->session->streams--;
    sb_session_unref(st->session);
    pthread_mutex_unlock(&st->srv->lock);
    free(st->out.buf);
    free(st);
}

/* GET /keebai/v1/channels/whatsapp/connect/{id}/stream */
enum MHD_Result sb_keebai_stream(sb_req *req, const char *session_id)
{
    sb_server *srv = req->srv;
    keebai_stream *st = calloc(1, sizeof *st);
    if (!st)
        return MHD_NO;
    pthread_mutex_lock(&srv->lock);
    sb_session *s = sb_session_find(srv, session_id, false);
    if (s) {
        sb_session_advance(srv, s, sb_now_ms());
        long last = last_event_id(req);
        st->srv = srv;
        st->session = s;
        st->gen = s->drop_gen;
        st->cursor = last >= 0 ? last : sb_session_start_cursor(s);
        st->last_write_ms = sb_now_ms();
        s->refs++;
        s->streams++;
    }
    pthread_mutex_unlock(&srv->lock);
    if (!s) {
        free(st);
        return sb_reply_error(req, 404, "SESSION_NOT_FOUND", "no such connect session", NULL);
    }
    struct MHD_Response *r = sse_response(keebai_read, st, keebai_free);
    if (!r) {
        keebai_free(st);
        return MHD_NO;
    }
    return sb_queue(req, 200, r);
}

/* Lock held. The fixture's script: [retry], events (dropping after K), silence, end. */
static ssize_t fixture_next(fixture_stream *st)
{
    sb_server *srv = st->srv;
    if (!st->sent_retry && st->retry_ms >= 0) {
        out_printf(&st->out, "retry: %ld\n\n", st->retry_ms);
        st->sent_retry = true;
        return 0;
    }
    if (st->next_id <= st->last_id) {
        if (st->drop_after > 0 && st->sent_here >= st->drop_after)
            return MHD_CONTENT_READER_END_WITH_ERROR;
        int64_t due = st->last_write_ms + (st->sent_here ? st->interval_ms : 0);
        while (sb_now_ms() < due)
            if (!sb_wait_until(srv, due))
                return MHD_CONTENT_READER_END_WITH_ERROR;
        out_printf(&st->out, "id: %ld\nevent: tick\ndata: {\"n\":%ld}\n\n", st->next_id,
                   st->next_id);
        st->next_id++;
        st->sent_here++;
        st->last_write_ms = sb_now_ms();
        return 0;
    }
    if (st->silent_ms > 0 && !st->silent_done) {
        int64_t due = sb_now_ms() + st->silent_ms;
        while (sb_now_ms() < due)
            if (!sb_wait_until(srv, due))
                return MHD_CONTENT_READER_END_WITH_ERROR;
        st->silent_done = true;
    }
    return MHD_CONTENT_READER_END_OF_STREAM;
}

static ssize_t fixture_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    fixture_stream *st = cls;
    if (!out_pending(&st->out)) {
        pthread_mutex_lock(&st->srv->lock);
        ssize_t r = fixture_next(st);
        pthread_mutex_unlock(&st->srv->lock);
        if (r < 0)
            return r;
    }
    return out_drain(&st->out, buf, max);
}

static void fixture_free(void *cls)
{
    fixture_stream *st = cls;
    free(st->out.buf);
    free(st);
}

static bool arg_long(sb_req *req, const char *name, long def, long max, long *out)
{
    const char *v = sb_arg(req, name);
    if (!v) {
        *out = def;
        return true;
    }
    return sb_parse_long(v, 0, max, out);
}

/*
 * /_sandbox/test/sse?events=N&drop_after=K&silent_ms=M[&interval_ms=I&retry=R]
 * No `retry:` unless asked for, so a client's own reconnect delay is what a test exercises.
 */
enum MHD_Result sb_fixture_sse(sb_req *req)
{
    fixture_stream *st = calloc(1, sizeof *st);
    if (!st)
        return MHD_NO;
    st->srv = req->srv;
    if (!arg_long(req, "events", 3, 100000, &st->last_id) ||
        !arg_long(req, "drop_after", 0, 100000, &st->drop_after) ||
        !arg_long(req, "silent_ms", 0, 600000, &st->silent_ms) ||
        !arg_long(req, "interval_ms", 0, 600000, &st->interval_ms) ||
        !arg_long(req, "retry", -1, 3600000, &st->retry_ms)) {
        free(st);
        return sb_reply_error(req, 400, "INVALID_REQUEST",
                              "events, drop_after, silent_ms, interval_ms, retry: whole numbers",
                              NULL);
    }
    long last = last_event_id(req);
    st->next_id = last >= 0 ? last + 1 : 1;
    st->last_write_ms = sb_now_ms();
    struct MHD_Response *r = sse_response(fixture_read, st, fixture_free);
    if (!r) {
        fixture_free(st);
        return MHD_NO;
    }
    return sb_queue(req, 200, r);
}
