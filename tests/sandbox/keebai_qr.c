/* keebai_qr.c: Keebai's QR-mode connect API and the life of a QR session (rotation, scan, expiry).
 *
 * NOTE: Keebai publishes only that QR mode "returns an SSE stream_url ... and when done receives
 * the connected event with the channel_id". The 201 body, the event names and their data
 * (qr / scanned / connected / expired) implemented here are OUR DOCUMENTED GUESS from
 * /work/shared/api-notes.md (Keebai section), not Keebai's published contract.
 */
#include "keebai.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SB_MAX_SESSIONS 256
#define SB_NAME_MAX 100
#define SB_DEFAULT_NAME "WhatsApp QR"

/* When QR number `attempt` (1-based) stops being valid, on the session's clock. */
static int64_t qr_deadline(const sb_server *srv, const sb_session *s, int attempt)
{
    return s->created_ms + srv->cfg.qr_first_ms + (int64_t)(attempt - 1) * srv->cfg.qr_next_ms;
}

static sb_event *push_event(sb_session *s, sb_event_kind kind)
{
    if (s->nevents == s->cap)
        return NULL; /* cannot happen: cap covers every QR plus three endings */
    sb_event *ev = &s->events[s->nevents];
    memset(ev, 0, sizeof *ev);
    ev->id = (long)++s->nevents;
    ev->kind = kind;
    return ev;
}

/* Starts QR number `attempt`: a new random pairing string, valid until its deadline. */
static void push_qr(sb_server *srv, sb_session *s, int attempt)
{
    sb_event *ev = push_event(s, SB_EV_QR);
    s->attempt = attempt; /* even without an event, so sb_session_advance always progresses */
    if (!ev)
        return;
    ev->attempt = attempt;
    ev->deadline_ms = qr_deadline(srv, s, attempt);
    ev->qr = sb_pairing_string();
}

const char *sb_event_name(sb_event_kind kind)
{
    static const char *const names[] = {"qr", "scanned", "connected", "expired"};
    return names[kind];
}

static const char *state_name(sb_state st)
{
    static const char *const names[] = {"waiting", "scanned", "connected", "expired"};
    return names[st];
}

/*
 * Brings the session up to `now`. Time is evaluated lazily, by whoever looks (a stream, the
 * test controls): the events are the same as a timer would make, because every deadline is
 * computed from the creation time, not from when someone happened to look.
 */
void sb_session_advance(sb_server *srv, sb_session *s, int64_t now)
{
    while (s->state == SB_WAITING && now >= qr_deadline(srv, s, s->attempt)) {
        if (s->attempt < srv->cfg.qr_attempts) {
            push_qr(srv, s, s->attempt + 1);
        } else {
            s->state = SB_EXPIRED;
            push_event(s, SB_EV_EXPIRED);
        }
    }
    if (s->state == SB_SCANNED && now >= s->connect_at_ms) {
        s->state = SB_CONNECTED;
        sb_random_id("ch_", s->channel_id, sizeof s->channel_id);
        sb_random_phone(s->phone, sizeof s->phone);
        push_event(s, SB_EV_CONNECTED);
    }
}

/* The next time sb_session_advance has something to do; INT64_MAX when nothing is pending. */
int64_t sb_session_deadline(sb_server *srv, const sb_session *s)
{
    if (s->state == SB_WAITING)
        return qr_deadline(srv, s, s->attempt);
    if (s->state == SB_SCANNED)
        return s->connect_at_ms;
    return INT64_MAX;
}

bool sb_session_scan(sb_server *srv, sb_session *s, int64_t now)
{
    sb_session_advance(srv, s, now);
    if (s->state != SB_WAITING)
        return false;
    s->state = SB_SCANNED;
    s->connect_at_ms = now + srv->cfg.scan_delay_ms;
    push_event(s, SB_EV_SCANNED);
    sb_session_advance(srv, s, now); /* a zero delay connects at once */
    return true;
}

/*
 * Where a stream without Last-Event-ID starts: at the current QR while waiting, else just
 * after the last QR (so a late client sees scanned / connected / expired, not a dead QR).
 */
long sb_session_start_cursor(const sb_session *s)
{
    long last_qr = 0;
    for (size_t i = 0; i < s->nevents; i++)
        if (s->events[i].kind == SB_EV_QR)
            last_qr = s->events[i].id;
    return s->state == SB_WAITING ? last_qr - 1 : last_qr;
}

/* The data of one event as sent on the stream; a QR's expires_in counts down to now. */
json_t *sb_event_data(const sb_session *s, const sb_event *ev, int64_t now)
{
    switch (ev->kind) {
    case SB_EV_QR: {
        int64_t left = ev->deadline_ms - now;
        long secs = left > 0 ? (long)((left + 999) / 1000) : 0;
        return json_pack("{s:s,s:i,s:i}", "qr", ev->qr ? ev->qr : "", "expires_in",
                         (json_int_t)secs, "attempt", (json_int_t)ev->attempt);
    }
    case SB_EV_SCANNED:
        return json_object();
    case SB_EV_CONNECTED:
        return json_pack("{s:s,s:s,s:s}", "channel_id", s->channel_id, "phone_number", s->phone,
                         "name", s->name);
    case SB_EV_EXPIRED:
        return json_pack("{s:s}", "reason", "qr_attempts_exhausted");
    }
    return json_object();
}

/* What /_sandbox/sessions/latest shows. */
json_t *sb_session_json(const sb_session *s)
{
    const char *qr = NULL;
    if (s->state == SB_WAITING)
        for (size_t i = 0; i < s->nevents; i++)
            if (s->events[i].kind == SB_EV_QR)
                qr = s->events[i].qr;
    return json_pack("{s:s,s:s,s:s?,s:i,s:s,s:s?,s:s?,s:i}", "session_id", s->id, "state",
                     state_name(s->state), "qr", qr, "attempt", (json_int_t)s->attempt, "name",
                     s->name, "channel_id", s->state == SB_CONNECTED ? s->channel_id : NULL,
                     "phone_number", s->state == SB_CONNECTED ? s->phone : NULL, "open_streams",
                     (json_int_t)s->streams);
}

void sb_session_unref(sb_session *s)
{
    if (--s->refs)
        return;
    for (size_t i = 0; i < s->nevents; i++)
        free(s->events[i].qr);
    free(s->events);
    free(s->name);
    free(s);
}

sb_session *sb_session_find(sb_server *srv, const char *id, bool allow_latest)
{
    if (!srv->nsessions)
        return NULL;
    if (allow_latest && !strcmp(id, "latest"))
        return srv->sessions[srv->nsessions - 1];
    for (size_t i = 0; i < srv->nsessions; i++)
        if (!strcmp(srv->sessions[i]->id, id))
            return srv->sessions[i];
    return NULL;
}

/* Bounded store: the oldest session leaves the list (open streams keep it alive). */
static bool store_add(sb_server *srv, sb_session *s)
{
    if (srv->nsessions == SB_MAX_SESSIONS) {
        sb_session_unref(srv->sessions[0]);
        memmove(srv->sessions, srv->sessions + 1, --srv->nsessions * sizeof *srv->sessions);
    }
    if (!srv->sessions) {
        srv->sessions = calloc(SB_MAX_SESSIONS, sizeof *srv->sessions);
        if (!srv->sessions)
            return false;
    }
    srv->sessions[srv->nsessions++] = s;
    return true;
}

static sb_session *session_new(sb_server *srv, const char *name)
{
    sb_session *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->cap = (size_t)srv->cfg.qr_attempts + 3;
    s->events = calloc(s->cap, sizeof *s->events);
    s->name = strdup(name);
    s->refs = 1;
    if (!s->events || !s->name) {
        sb_session_unref(s);
        return NULL;
    }
    sb_random_id("cs_", s->id, sizeof s->id);
    s->created_ms = sb_now_ms();
    push_qr(srv, s, 1);
    return s;
}

void sb_sessions_free(sb_server *srv)
{
    for (size_t i = 0; i < srv->nsessions; i++)
        sb_session_unref(srv->sessions[i]);
    free(srv->sessions);
    srv->sessions = NULL;
    srv->nsessions = 0;
}

/* Characters, not bytes: a 100-character name in Portuguese may be 150 bytes. */
static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* Checks mode and name; returns NULL when valid, else the 422 details (one key per field). */
static json_t *validate_connect(json_t *in, const char **mode, const char **name)
{
    json_t *details = json_object();
    json_t *m = json_object_get(in, "mode");
    json_t *n = json_object_get(in, "name");
    *mode = m ? json_string_value(m) : "embedded_signup";
    if (!*mode || (strcmp(*mode, "qr") && strcmp(*mode, "embedded_signup")))
        json_object_set_new(details, "mode", json_string("must be \"qr\" or \"embedded_signup\""));
    *name = n ? json_string_value(n) : SB_DEFAULT_NAME;
    if (!*name || utf8_chars(*name) > SB_NAME_MAX)
        json_object_set_new(details, "name",
                            json_string("must be a string of at most 100 characters"));
    if (json_object_size(details))
        return details;
    json_decref(details);
    return NULL;
}

static enum MHD_Result reply_created(sb_req *req, const char *id)
{
    sb_config *c = &req->srv->cfg;
    char origin[128], url[320];
    sb_request_origin(req, origin, sizeof origin);
    snprintf(url, sizeof url, "%s/keebai/v1/channels/whatsapp/connect/%s/stream", origin, id);
    int64_t total_ms = c->qr_first_ms + (int64_t)(c->qr_attempts - 1) * c->qr_next_ms;
    return sb_reply_json(req, 201,
                         json_pack("{s:s,s:s,s:I}", "session_id", id, "stream_url", url,
                                   "expires_in", (json_int_t)((total_ms + 999) / 1000)));
}

/* POST /v1/channels/whatsapp/connect */
static enum MHD_Result connect_post(sb_req *req)
{
    json_error_t err;
    json_t *in = req->body ? json_loadb(req->body, req->body_len, 0, &err) : NULL;
    if (!json_is_object(in)) {
        json_decref(in);
        return sb_reply_error(req, 400, "INVALID_REQUEST", "body must be a JSON object", NULL);
    }
    const char *mode, *name;
    json_t *details = validate_connect(in, &mode, &name);
    if (details) {
        json_decref(in);
        return sb_reply_error(req, 422, "VALIDATION_ERROR", "invalid fields", details);
    }
    if (strcmp(mode, "qr")) {
        /* On by default (Keebai's default mode); the config flag stays for embedders. */
        enum MHD_Result r = req->srv->cfg.embedded_signup
                                ? sb_signup_create(req, in)
                                : sb_reply_error(req, 501, "NOT_IMPLEMENTED",
                                                 "the sandbox does not offer embedded_signup "
                                                 "(start it with --embedded-signup)",
                                                 NULL);
        json_decref(in);
        return r;
    }
    sb_server *srv = req->srv;
    char id[40] = "";
    pthread_mutex_lock(&srv->lock);
    sb_session *s = session_new(srv, name);
    if (s && !store_add(srv, s)) {
        sb_session_unref(s);
        s = NULL;
    }
    if (s)
        snprintf(id, sizeof id, "%s", s->id);
    pthread_mutex_unlock(&srv->lock);
    json_decref(in);
    if (!s)
        return sb_reply_status(req, 500);
    return reply_created(req, id);
}

/* Connected QR sessions as /v1/channels entries (type whatsapp_qr). */
json_t *sb_qr_channels(sb_server *srv)
{
    json_t *out = json_array();
    int64_t now = sb_now_ms();
    for (size_t i = 0; i < srv->nsessions; i++) {
        sb_session *s = srv->sessions[i];
        sb_session_advance(srv, s, now);
        if (s->state == SB_CONNECTED)
            json_array_append_new(out, json_pack("{s:s,s:s,s:s,s:b,s:s}", "id", s->channel_id,
                                                 "name", s->name, "type", "whatsapp_qr",
                                                 "is_active", 1, "phone_number", s->phone));
    }
    return out;
}

/* Everything under /keebai, after the token check. */
enum MHD_Result sb_keebai_route(sb_req *req, const char *rest)
{
    char seg[8][128];
    size_t n = sb_split_path(rest, seg, 8);
    enum MHD_Result ret;
    if (sb_keebai_throttle(req, &ret))
        return ret;
    bool handled;
    ret = sb_keebai_extra_route(req, seg, n, &handled);
    if (handled)
        return ret;
    bool connect = n >= 4 && !strcmp(seg[0], "v1") && !strcmp(seg[1], "channels") &&
                   !strcmp(seg[2], "whatsapp") && !strcmp(seg[3], "connect");
    if (connect && n == 4)
        return sb_is_post(req) ? connect_post(req) : sb_reply_method(req, "POST");
    if (connect && n == 5 && req->srv->cfg.embedded_signup)
        return sb_is_get(req) ? sb_signup_poll(req, seg[4]) : sb_reply_method(req, "GET");
    if (connect && n == 6 && !strcmp(seg[5], "stream"))
        return sb_is_get(req) ? sb_keebai_stream(req, seg[4]) : sb_reply_method(req, "GET");
    return sb_reply_error(req, 404, "NOT_FOUND", "no such route", NULL);
}
