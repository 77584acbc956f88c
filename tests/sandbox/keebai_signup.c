/* keebai_signup.c: Keebai's embedded_signup connect sessions, polled until a test control
 * completes, expires or cancels them (the browser and Meta's signup are not emulated). */
#include "sb.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SB_SIGNUPS_MAX 256

typedef enum { SU_PENDING, SU_COMPLETED, SU_EXPIRED, SU_CANCELLED } su_state;

typedef struct sb_signup {
    char id[40];
    int64_t created_ms;
    su_state state;
    char *pipeline_id; /* NULL: the portal's default pipeline */
    bool coexistence;
    char channel_id[40], phone[24], phone_number_id[16], waba_id[16];
    long fail_polls; /* set by /fail: this many polls answer 503 before the real answer */
} sb_signup;

/* Oldest first; the last one is "latest". */
struct sb_signups {
    sb_signup *items[SB_SIGNUPS_MAX];
    size_t n;
};

static const char *state_name(su_state st)
{
    static const char *const names[] = {"pending", "completed", "expired", "cancelled"};
    return names[st];
}

static void signup_free(sb_signup *s)
{
    free(s->pipeline_id);
    free(s);
}

void sb_signups_free(sb_server *srv)
{
    if (!srv->signups)
        return;
    for (size_t i = 0; i < srv->signups->n; i++)
        signup_free(srv->signups->items[i]);
    free(srv->signups);
    srv->signups = NULL;
}

/* Lazily, like the QR sessions: a pending session past its lifetime is expired. */
static void advance(sb_server *srv, sb_signup *s)
{
    if (s->state == SU_PENDING && sb_now_ms() >= s->created_ms + srv->cfg.signup_expires_s * 1000)
        s->state = SU_EXPIRED;
}

static sb_signup *find(sb_server *srv, const char *id)
{
    sb_signups *st = srv->signups;
    if (!st || !st->n)
        return NULL;
    if (!strcmp(id, "latest"))
        return st->items[st->n - 1];
    for (size_t i = 0; i < st->n; i++)
        if (!strcmp(st->items[i]->id, id))
            return st->items[i];
    return NULL;
}

static bool store_add(sb_server *srv, sb_signup *s)
{
    if (!srv->signups && !(srv->signups = calloc(1, sizeof *srv->signups)))
        return false;
    sb_signups *st = srv->signups;
    if (st->n == SB_SIGNUPS_MAX) {
        signup_free(st->items[0]);
        memmove(st->items, st->items + 1, --st->n * sizeof *st->items);
    }
    st->items[st->n++] = s;
    return true;
}

/* Checks the embedded_signup fields' types; NULL when valid, else the 422 details. */
static json_t *validate(json_t *in)
{
    json_t *details = json_object();
    json_t *p = json_object_get(in, "pipeline_id"), *c = json_object_get(in, "coexistence_enabled");
    if (p && (!json_is_string(p) || !json_string_length(p) || json_string_length(p) > 100))
        json_object_set_new(details, "pipeline_id", json_string("must be a non-empty string"));
    if (c && !json_is_boolean(c))
        json_object_set_new(details, "coexistence_enabled", json_string("must be a boolean"));
    if (json_object_size(details))
        return details;
    json_decref(details);
    return NULL;
}

/* POST /v1/channels/whatsapp/connect with mode embedded_signup (in: the parsed body). */
enum MHD_Result sb_signup_create(sb_req *req, json_t *in)
{
    json_t *details = validate(in);
    if (details)
        return sb_reply_error(req, 422, "VALIDATION_ERROR", "invalid fields", details);
    sb_signup *s = calloc(1, sizeof *s);
    const char *pipeline = json_string_value(json_object_get(in, "pipeline_id"));
    if (!s || (pipeline && !(s->pipeline_id = strdup(pipeline)))) {
        free(s);
        return sb_reply_status(req, 500);
    }
    s->coexistence = json_is_true(json_object_get(in, "coexistence_enabled"));
    sb_random_id("cs_", s->id, sizeof s->id);
    s->created_ms = sb_now_ms();
    char id[40];
    snprintf(id, sizeof id, "%s", s->id);
    sb_server *srv = req->srv;
    pthread_mutex_lock(&srv->lock);
    bool ok = store_add(srv, s);
    pthread_mutex_unlock(&srv->lock);
    if (!ok) {
        signup_free(s);
        return sb_reply_status(req, 500);
    }
    /* The portal URL is ours, so the console's browser/QR step points somewhere real. */
    char origin[128], uri[320];
    sb_request_origin(req, origin, sizeof origin);
    snprintf(uri, sizeof uri, "%s/keebai-portal/connect/whatsapp?session=%s", origin, id);
    return sb_reply_json(req, 201,
                         json_pack("{s:s,s:s,s:I,s:I}", "session_id", id, "verification_uri", uri,
                                   "expires_in", (json_int_t)srv->cfg.signup_expires_s,
                                   "poll_interval", (json_int_t)srv->cfg.signup_poll_s));
}

/* The channel object of a completed session, as the seed shows it. */
static json_t *channel_json(const sb_signup *s)
{
    return json_pack("{s:s,s:s,s:s,s:b,s:s,s:s,s:s}", "id", s->channel_id, "name",
                     "Sandbox WhatsApp", "type", "whatsapp", "is_active", 1, "phone_number",
                     s->phone, "phone_number_id", s->phone_number_id, "business_account_id",
                     s->waba_id);
}

json_t *sb_signup_channels(sb_server *srv)
{
    json_t *out = json_array();
    for (size_t i = 0; srv->signups && i < srv->signups->n; i++)
        if (srv->signups->items[i]->state == SU_COMPLETED)
            json_array_append_new(out, channel_json(srv->signups->items[i]));
    return out;
}

/* GET /v1/channels/whatsapp/connect/{session_id} */
enum MHD_Result sb_signup_poll(sb_req *req, const char *id)
{
    sb_server *srv = req->srv;
    pthread_mutex_lock(&srv->lock);
    sb_signup *s = find(srv, id);
    json_t *body = NULL;
    bool fail = s && strcmp(id, "latest") && s->fail_polls > 0;
    if (fail)
        s->fail_polls--;
    else if (s && strcmp(id, "latest")) {
        advance(srv, s);
        body = json_pack("{s:s}", "status", state_name(s->state));
        if (s->state == SU_COMPLETED)
            json_object_set_new(body, "channel", channel_json(s));
    }
    pthread_mutex_unlock(&srv->lock);
    if (fail)
        return sb_reply_error(req, 503, "SERVER_ERROR", "the sandbox was told to fail this poll",
                              NULL);
    if (!body)
        return sb_reply_error(req, 404, "SESSION_NOT_FOUND", "no such connect session", NULL);
    return sb_reply_json(req, 200, body);
}

static void complete(sb_signup *s)
{
    s->state = SU_COMPLETED;
    sb_random_id("ch_", s->channel_id, sizeof s->channel_id);
    sb_random_phone(s->phone, sizeof s->phone);
    snprintf(s->phone_number_id, sizeof s->phone_number_id, "1%09u",
             (unsigned)randombytes_uniform(1000000000));
    snprintf(s->waba_id, sizeof s->waba_id, "9%09u", (unsigned)randombytes_uniform(1000000000));
}

/*
 * /_sandbox/signup/{id|latest}[/complete|expire|cancel]: what the portal user would do.
 * /fail?times=N (default 1): the next N polls of the session answer 503, whatever its state,
 * so a client's retry and recovery can be seen.
 */
enum MHD_Result sb_signup_control(sb_req *req, const char *id, const char *action)
{
    static const char *const actions[] = {"complete", "expire", "cancel", "fail"};
    int act = -1;
    long times = 1;
    for (int i = 0; action && i < 4; i++)
        if (!strcmp(action, actions[i]))
            act = i;
    if (action && act < 0)
        return sb_reply_error(req, 404, "NOT_FOUND", "no such route", NULL);
    if (action ? !sb_is_post(req) : !sb_is_get(req))
        return sb_reply_method(req, action ? "POST" : "GET");
    if (act == 3 && sb_arg(req, "times") && !sb_parse_long(sb_arg(req, "times"), 0, 100000, &times))
        return sb_reply_error(req, 400, "INVALID_REQUEST", "times must be 0..100000", NULL);
    sb_server *srv = req->srv;
    pthread_mutex_lock(&srv->lock);
    sb_signup *s = find(srv, id);
    unsigned status = s ? 200 : 404;
    json_t *body = NULL;
    if (s) {
        advance(srv, s);
        if (act == 3)
            s->fail_polls = times;
        else if (act >= 0 && s->state != SU_PENDING)
            status = 409;
        else if (act >= 0)
            act == 0 ? complete(s) : (void)(s->state = act == 1 ? SU_EXPIRED : SU_CANCELLED);
        body = json_pack("{s:s,s:s,s:s?,s:b}", "session_id", s->id, "status", state_name(s->state),
                         "pipeline_id", s->pipeline_id, "coexistence_enabled", s->coexistence);
        if (s->state == SU_COMPLETED)
            json_object_set_new(body, "channel", channel_json(s));
    }
    pthread_mutex_unlock(&srv->lock);
    if (status == 404)
        return sb_reply_error(req, 404, "SESSION_NOT_FOUND", "no such signup session", NULL);
    if (status == 409) {
        json_decref(body);
        return sb_reply_error(req, 409, "CONFLICT", "the session is not pending", NULL);
    }
    return sb_reply_json(req, 200, body);
}

/*
 * GET /keebai-portal/connect/whatsapp?session=ID: a stand-in for Keebai's portal page, so the
 * verification_uri the console shows (as a link or a QR) opens something real. It only
 * reports the state: completing is done with /_sandbox/signup/{id}/complete.
 */
enum MHD_Result sb_signup_portal(sb_req *req)
{
    if (strcmp(req->path, "/keebai-portal/connect/whatsapp"))
        return sb_reply_error(req, 404, "NOT_FOUND", "no such route", NULL);
    if (!sb_is_get(req))
        return sb_reply_method(req, "GET");
    const char *id = sb_arg(req, "session");
    sb_server *srv = req->srv;
    char page[512] = "";
    pthread_mutex_lock(&srv->lock);
    sb_signup *s = id && strcmp(id, "latest") ? find(srv, id) : NULL;
    if (s) {
        advance(srv, s);
        /* Only our own id and state name go into the page: nothing from the request. */
        snprintf(page, sizeof page,
                 "<!doctype html><title>Keebai sandbox portal</title>"
                 "<h1>WhatsApp embedded signup</h1><p>Session <code>%s</code> is <b>%s</b>.</p>"
                 "<p>POST /_sandbox/signup/%s/complete to finish it.</p>\n",
                 s->id, state_name(s->state), s->id);
    }
    pthread_mutex_unlock(&srv->lock);
    if (!*page)
        return sb_reply_error(req, 404, "SESSION_NOT_FOUND", "no such signup session", NULL);
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(strlen(page), page, MHD_RESPMEM_MUST_COPY);
    if (resp)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "text/html; charset=utf-8");
    return sb_queue(req, 200, resp);
}
