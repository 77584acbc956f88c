/* whapi.c: the Whapi.Cloud driver: projects and channels on the manager API (partner token),
 * pairing, status and webhooks on the gate API (each channel's own token). Whapi has no push
 * channel for pairing, so the session polls. */
#include "hubdriver.h"
#include "i18n.h"
#include "provider.h"
#include "qr.h"
#include "secret.h"
#include "text.h"
#include "whapi_decode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/*
 * provider.h has no Whapi-only knobs, so two provider_ctx fields are read with the nearest
 * meaning they have for a hub that is polled rather than streamed:
 *   stream_retry_ms > 0  the poll interval (default WH_POLL_MS): "how soon to ask again".
 *                        Tests set ~100 ms so a pairing runs in a second or two.
 *   idle_timeout_ms > 0  how long pairing may go without AUTH before PAIR_EV_EXPIRED
 *                        (default WH_PAIR_MAX_MS): "the silence that ends a session".
 * backoff_base_ms is, as for every hub, the first retry delay of each request.
 */
#define WH_POLL_MS 2000L
#define WH_PAIR_MAX_MS (5L * 60 * 1000)
#define WH_MIN_POLL_MS 20L /* a QR whose `expire` says 0 must not make us spin */

static const char *const wh_events[] = {"users", "channel", NULL};

/* ---- shared by calls and sessions ------------------------------------------------------- */

/* The hub's own words when it sent its envelope (details included), else hubcall's line. */
static void answer_error(const hubcall_result *r, char *out, size_t n)
{
    if (whapi_decode_error(r->json, out, n) < 0)
        snprintf(out, n, "%s", r->message);
}

/* A 401 from the gate is about the channel's token, not the profile's partner token. */
static void gate_refused(const hubcall_result *r, char *out, size_t n)
{
    char why[400];
    answer_error(r, why, sizeof why);
    snprintf(out, n, _("the channel token was refused (%s)"), why);
}

static const char *gate_base(const provider_ctx *ctx)
{
    return ctx->gate_url && *ctx->gate_url ? ctx->gate_url : provider_whapi.default_gate_url;
}

/* ---- one call --------------------------------------------------------------------------- */

typedef struct wh_call {
    hubdriver_call base; /* first: hubdriver hands the call around as its base */
    int gate;            /* sent to the gate: a 401 is about the channel token */
    char *filter;        /* HUB_OP_CHANNELS: only this project */
    json_t *echo; /* the data when the answer holds none (mode without a channel, webhook) */
    char fail_msg[300];
} wh_call;

typedef hd_status (*prep_fn)(wh_call *c, const provider_ctx *ctx, const hub_req *req,
                             hubdriver_request *rq);

static void call_release(hubdriver_call *base)
{
    wh_call *c = (wh_call *)base;
    free(c->filter);
    json_decref(c->echo);
}

static hd_status refuse(wh_call *c, hd_status st, const char *why)
{
    snprintf(c->fail_msg, sizeof c->fail_msg, "%s", why);
    return st;
}

static hd_status use_manager(wh_call *c, const provider_ctx *ctx, hubcall_opts *o)
{
    if (!ctx->token || !*ctx->token)
        return refuse(c, HD_ERR_USAGE,
                      _("the profile has no partner token for the Whapi manager API"));
    o->base_url = ctx->base_url && *ctx->base_url ? ctx->base_url : provider_whapi.default_base_url;
    o->token = ctx->token;
    return HD_OK;
}

static hd_status use_gate(wh_call *c, const provider_ctx *ctx, const hub_req *req, hubcall_opts *o)
{
    if (!req->channel_token || !*req->channel_token)
        return refuse(c, HD_ERR_USAGE, _("this needs the channel's own token (from the vault)"));
    o->base_url = gate_base(ctx);
    o->token = req->channel_token;
    c->gate = 1;
    return HD_OK;
}

static hd_status prep_projects(wh_call *c, const provider_ctx *ctx, const hub_req *req,
                             hubdriver_request *rq)
{
    snprintf(rq->path, sizeof rq->path,
             "/projects"); /* the manager has no /me: a listing proves the token */
    return use_manager(c, ctx, &rq->o);
}

static hd_status prep_channels(wh_call *c, const provider_ctx *ctx, const hub_req *req,
                             hubdriver_request *rq)
{
    snprintf(rq->path, sizeof rq->path, "/channels");
    if (req->project_id && *req->project_id && !(c->filter = strdup(req->project_id)))
        return refuse(c, HD_ERR_INTERNAL, hd_status_message(HD_ERR_INTERNAL));
    return use_manager(c, ctx, &rq->o);
}

static hd_status prep_create(wh_call *c, const provider_ctx *ctx, const hub_req *req,
                             hubdriver_request *rq)
{
    if (!req->name || !*req->name || !text_is_clean(req->name))
        return refuse(c, HD_ERR_USAGE, _("give the new channel a name (plain text)"));
    if (!req->project_id || !*req->project_id || !text_is_clean(req->project_id))
        return refuse(c, HD_ERR_USAGE, _("choose the project the channel goes into"));
    snprintf(rq->path, sizeof rq->path, "/channels");
    rq->o.method = "PUT";
    rq->o.max_retries = -1; /* a retry after a lost answer would create a second channel */
    rq->body = json_pack("{s:s,s:s}", "name", req->name, "projectId", req->project_id);
    if (!rq->body)
        return refuse(c, HD_ERR_INTERNAL, hd_status_message(HD_ERR_INTERNAL));
    return use_manager(c, ctx, &rq->o);
}

static hd_status channel_path(wh_call *c, const hub_req *req, hubdriver_request *rq,
                              const char *suffix)
{
    if (whapi_channel_path(rq->path, sizeof rq->path, req->channel_id, suffix) < 0)
        return refuse(c, HD_ERR_USAGE,
                      _("the channel id is empty or holds characters an id cannot have"));
    return HD_OK;
}

static hd_status prep_mode(wh_call *c, const provider_ctx *ctx, const hub_req *req,
                           hubdriver_request *rq)
{
    const char *mode = req->mode && *req->mode ? req->mode : "live";
    char id[256];
    size_t len = strlen(mode);
    if (len > 16 || strspn(mode, "abcdefghijklmnopqrstuvwxyz") != len)
        return refuse(c, HD_ERR_USAGE, _("the mode must be a word such as \"live\""));
    if (channel_path(c, req, rq, "/mode") != HD_OK)
        return HD_ERR_USAGE;
    rq->o.method = "PATCH";
    rq->body = json_pack("{s:s}", "mode", mode);
    c->echo = json_pack("{s:s,s:s,s:s}", "id", text_sanitize(req->channel_id, id, sizeof id),
                        "type", "whatsapp", "mode", mode);
    if (!rq->body || !c->echo)
        return refuse(c, HD_ERR_INTERNAL, hd_status_message(HD_ERR_INTERNAL));
    return use_manager(c, ctx, &rq->o);
}

static hd_status prep_delete(wh_call *c, const provider_ctx *ctx, const hub_req *req,
                             hubdriver_request *rq)
{
    if (channel_path(c, req, rq, NULL) != HD_OK)
        return HD_ERR_USAGE;
    rq->o.method = "DELETE";
    return use_manager(c, ctx, &rq->o);
}

static int in_list(const char *const *list, const char *s)
{
    for (; list && *list; list++)
        if (!strcmp(*list, s))
            return 1;
    return 0;
}

/* The chosen events, each from the catalogue, each once: ["users","channel"]. */
static hd_status hook_events(wh_call *c, const char *const *want, json_t *names)
{
    char shown[64], why[200];
    for (; want && *want; want++) {
        if (!in_list(wh_events, *want)) {
            snprintf(why, sizeof why,
                     _("Whapi has no webhook event \"%s\"; choose users or channel"),
                     text_sanitize(*want, shown, sizeof shown));
            return refuse(c, HD_ERR_USAGE, why);
        }
        int seen = 0;
        for (size_t i = 0; i < json_array_size(names); i++)
            seen |= !strcmp(json_string_value(json_array_get(names, i)), *want);
        if (!seen)
            json_array_append_new(names, json_string(*want));
    }
    if (!json_array_size(names))
        return refuse(c, HD_ERR_USAGE, _("choose at least one webhook event"));
    return HD_OK;
}

/* The seed's body: {"webhooks":[{"events":[{"type","method":"post"}],"mode":"body","url"}],
 * "callback_persist":true}. */
static json_t *hook_body(const char *url, const json_t *names)
{
    json_t *events = json_array(), *name;
    size_t i;
    json_array_foreach(names, i, name)
        json_array_append_new(events, json_pack("{s:O,s:s}", "type", name, "method", "post"));
    return json_pack("{s:[{s:o,s:s,s:s}],s:b}", "webhooks", "events", events, "mode", "body", "url",
                     url, "callback_persist", 1);
}

static hd_status prep_webhook(wh_call *c, const provider_ctx *ctx, const hub_req *req,
                             hubdriver_request *rq)
{
    char why[200];
    if (provider_webhook_url_check(req->url, why, sizeof why) != HD_OK)
        return refuse(c, HD_ERR_USAGE, why);
    json_t *names = json_array();
    hd_status st = names ? hook_events(c, req->events ? req->events : wh_events, names)
                         : refuse(c, HD_ERR_INTERNAL, hd_status_message(HD_ERR_INTERNAL));
    if (st == HD_OK) {
        rq->body = hook_body(req->url, names);
        c->echo = json_pack("{s:s,s:O}", "url", req->url, "events", names);
        if (!rq->body || !c->echo)
            st = refuse(c, HD_ERR_INTERNAL, hd_status_message(HD_ERR_INTERNAL));
    }
    json_decref(names);
    if (st != HD_OK)
        return st;
    snprintf(rq->path, sizeof rq->path, "/settings");
    rq->o.method = "PATCH";
    return use_gate(c, ctx, req, &rq->o);
}

static hd_status prep_status(wh_call *c, const provider_ctx *ctx, const hub_req *req,
                             hubdriver_request *rq)
{
    snprintf(rq->path, sizeof rq->path, "/health");
    return use_gate(c, ctx, req, &rq->o);
}

static const prep_fn preps[HUB_OP_COUNT] = {
    [HUB_OP_CHECK] = prep_projects,      [HUB_OP_PROJECTS] = prep_projects,
    [HUB_OP_CHANNELS] = prep_channels,   [HUB_OP_CHANNEL_CREATE] = prep_create,
    [HUB_OP_CHANNEL_MODE] = prep_mode,   [HUB_OP_CHANNEL_DELETE] = prep_delete,
    [HUB_OP_WEBHOOK_SET] = prep_webhook, [HUB_OP_STATUS] = prep_status,
};

/* "too many new channels ...; try again in 12 min (at 14:05)". */
static void rate_text(long after_s, char *out, size_t n)
{
    char at[16] = "?";
    time_t when = time(NULL) + (after_s > 0 ? after_s : 0);
    struct tm tm;
    if (after_s <= 0) {
        snprintf(out, n, "%s",
                 _("too many new channels (Whapi allows 20 in 30 minutes); try again later"));
        return;
    }
    if (localtime_r(&when, &tm))
        strftime(at, sizeof at, "%H:%M", &tm);
    if (after_s < 120)
        snprintf(
            out, n,
            _("too many new channels (Whapi allows 20 in 30 minutes); try again in %ld s (at %s)"),
            after_s, at);
    else
        snprintf(out, n,
                 _("too many new channels (Whapi allows 20 in 30 minutes); try again in %ld min "
                   "(at %s)"),
                 (after_s + 59) / 60, at);
}

static void call_error(const wh_call *c, const hubcall_result *r, hub_result *res, char *msg,
                       size_t n)
{
    if (r->code == 429 && c->base.op == HUB_OP_CHANNEL_CREATE)
        rate_text(r->retry_after_s, msg, n);
    else if (r->code == 401 && c->gate)
        gate_refused(r, msg, n);
    else
        answer_error(r, msg, n);
    if (res->status == HD_ERR_RATE_LIMITED)
        res->retry_after_s = r->retry_after_s;
}

static json_t *check_data(const json_t *j)
{
    json_t *projects = whapi_decode_projects(j);
    json_t *d = projects ? json_pack("{s:s,s:I}", "account", "", "projects",
                                     (json_int_t)json_array_size(projects))
                         : NULL;
    json_decref(projects);
    return d;
}

static json_t *status_data(const json_t *j)
{
    wh_health h;
    if (whapi_decode_health(j, &h) < 0)
        return NULL;
    return json_pack("{s:I,s:s,s:s}", "code", (json_int_t)h.code, "text", h.text, "meaning",
                     whapi_health_meaning(h.text));
}

/* The channel without its token in `data`; the token only in guarded memory. */
static json_t *created_data(const json_t *j, char **secret, hd_status *st, char *msg, size_t n)
{
    json_t *d = whapi_decode_channel(j);
    const char *tok = whapi_channel_token(j);
    if (d && tok && (*secret = secret_dup(tok)))
        return d;
    *st = d && tok ? HD_ERR_INTERNAL : HD_ERR_PROTOCOL;
    if (d && !tok)
        snprintf(msg, n, _("the hub created channel %s but sent no usable token for it"),
                 json_string_value(json_object_get(d, "id")));
    else
        snprintf(msg, n, "%s", hd_status_message(*st));
    json_decref(d);
    return NULL;
}

static json_t *call_data(const wh_call *c, const json_t *j, char **secret, hd_status *st, char *msg,
                         size_t n)
{
    json_t *d = NULL;
    switch (c->base.op) {
    case HUB_OP_CHECK:
        d = check_data(j);
        break;
    case HUB_OP_PROJECTS:
        d = whapi_decode_projects(j);
        break;
    case HUB_OP_CHANNELS:
        d = whapi_decode_channels(j, c->filter);
        break;
    case HUB_OP_CHANNEL_CREATE:
        return created_data(j, secret, st, msg, n);
    case HUB_OP_CHANNEL_MODE: /* the answer's shape is undocumented: fall back to what we set */
        d = whapi_decode_channel(j);
        d = d ? d : json_incref(c->echo);
        break;
    case HUB_OP_CHANNEL_DELETE:
        d = json_object();
        break;
    case HUB_OP_WEBHOOK_SET:
        d = json_incref(c->echo);
        break;
    case HUB_OP_STATUS:
        d = status_data(j);
        break;
    default:
        break;
    }
    return hubdriver_understood(&c->base, d, st, msg, n);
}

static void on_call_answer(hubdriver_call *base, const hubcall_result *r)
{
    wh_call *c = (wh_call *)base;
    char msg[500] = "";
    char *secret = NULL;
    hub_result res = {.status = r->status, .code = r->code, .message = msg, .retry_after_s = -1};
    if (r->status != HD_OK)
        call_error(c, r, &res, msg, sizeof msg);
    else
        res.data = call_data(c, r->json, &secret, &res.status, msg, sizeof msg);
    res.secret = secret;
    hubdriver_finish(base, &res);
    json_decref(res.data);
    secret_free(secret);
}

static const hub_result *wh_prepare(hubdriver_call *base, const provider_ctx *ctx,
                                    const hub_req *req, hubdriver_request *rq, hub_result *early)
{
    wh_call *c = (wh_call *)base;
    hd_status st = (unsigned)req->op < HUB_OP_COUNT && preps[req->op]
                       ? preps[req->op](c, ctx, req, rq)
                       : refuse(c, HD_ERR_USAGE, _("Whapi.Cloud does not offer this operation"));
    if (st == HD_OK)
        return NULL;
    *early = (hub_result){.status = st, .message = c->fail_msg};
    return early;
}

HUBDRIVER_CALL_FN(wh_call_start, wh_call, wh_prepare, on_call_answer, call_release)

/* ---- pairing ---------------------------------------------------------------------------- */

typedef enum wh_step {
    WH_STEP_READY, /* GET /health until it says QR */
    WH_STEP_QR,    /* GET /users/login/rowdata: QRs until 409 (linked) */
    WH_STEP_CODE,  /* GET /users/login/{phone} once */
    WH_STEP_AUTH,  /* GET /health until it says AUTH */
} wh_step;

typedef struct wh_session {
    loop *l;
    http_client *http;
    char *gate, *token, *channel_id, *phone, *name;
    pair_mode mode;
    long poll_ms, max_ms, backoff_ms;
    pair_event_fn fn;
    void *arg;
    wh_step step;
    hubcall *call;
    uint64_t poll_timer, deadline_timer, fail_timer;
    hd_status fail_status;
    char fail_msg[300];
    char shown[WH_QR_MAX + 1]; /* the QR on screen, to tell a new one */
    char progress[40];         /* the last PROGRESS text, so each change is said once */
    int qrs, scanned, code_shown, waiting;
    int *alive; /* cleared by pair_stop so callers up the stack notice */
} wh_session;

static void wh_pair_stop(void *session);

/* Delivers an event; returns 0 if the callback freed the session. */
static int emit(wh_session *s, pair_event ev)
{
    return pair_emit(s->fn, s->arg, &s->alive, &ev);
}

static void halt(wh_session *s)
{
    loop_timer_cancel(s->l, s->poll_timer);
    loop_timer_cancel(s->l, s->deadline_timer);
    loop_timer_cancel(s->l, s->fail_timer);
    hubcall_cancel(s->call);
    s->poll_timer = s->deadline_timer = s->fail_timer = 0;
    s->call = NULL;
}

/* A final event: nothing runs after it. */
static void finish(wh_session *s, pair_event ev)
{
    halt(s);
    emit(s, ev);
}

static void fail(wh_session *s, hd_status st, const char *msg)
{
    finish(s, (pair_event){.type = PAIR_EV_FAILED, .status = st, .message = msg});
}

static void fail_answer(wh_session *s, const hubcall_result *r)
{
    char msg[500];
    if (r->code == 401)
        gate_refused(r, msg, sizeof msg);
    else
        answer_error(r, msg, sizeof msg);
    fail(s, r->status != HD_OK ? r->status : HD_ERR_PROTOCOL, msg);
}

static void on_answer(const hubcall_result *r, void *arg);

static void on_wait(long delay_ms, const char *message, void *arg)
{
    wh_session *s = arg;
    s->waiting = 1;
    /* hub_wait_fn carries no status: a retry follows a network error, 5xx or 429 alike. */
    emit(s, (pair_event){.type = PAIR_EV_WAITING,
                         .status = HD_ERR_NETWORK,
                         .message = message,
                         .wait_ms = delay_ms});
}

static void on_poll(loop *l, void *arg)
{
    wh_session *s = arg;
    char path[64];
    s->poll_timer = 0;
    if (s->step == WH_STEP_QR)
        snprintf(path, sizeof path, "/users/login/rowdata");
    else if (s->step == WH_STEP_CODE)
        snprintf(path, sizeof path, "/users/login/%s", s->phone); /* digits only: checked */
    else
        snprintf(path, sizeof path, "/health");
    hubcall_opts o = {
        .base_url = s->gate, .path = path, .token = s->token, .backoff_base_ms = s->backoff_ms};
    s->call = hubcall_start(s->http, s->l, &o, on_answer, on_wait, s);
    if (!s->call)
        fail(s, HD_ERR_INTERNAL, hd_status_message(HD_ERR_INTERNAL));
}

static void schedule(wh_session *s, long ms)
{
    s->poll_timer = loop_timer_add(s->l, (uint64_t)ms, on_poll, s);
    if (!s->poll_timer)
        fail(s, HD_ERR_INTERNAL, hd_status_message(HD_ERR_INTERNAL));
}

/* Says "<TEXT>: <meaning>" (or `msg`) when the text changed. 0 if the session is gone. */
static int progress(wh_session *s, const char *text, const char *msg)
{
    char line[300];
    if (!strcmp(text, s->progress))
        return 1;
    snprintf(s->progress, sizeof s->progress, "%s", text);
    if (msg)
        snprintf(line, sizeof line, "%s: %s", text, msg);
    else if (s->code_shown && whapi_health_phase(text) == WH_PHASE_QR)
        snprintf(line, sizeof line, "%s: %s", text,
                 _("waiting for the code to be typed on the phone"));
    else
        snprintf(line, sizeof line, "%s: %s", text, whapi_health_meaning(text));
    return emit(s, (pair_event){.type = PAIR_EV_PROGRESS, .message = line});
}

static void connected(wh_session *s, const wh_health *h)
{
    if (s->qrs && !s->scanned) {
        s->scanned = 1;
        if (!emit(s, (pair_event){.type = PAIR_EV_SCANNED}))
            return;
    }
    const char *phone = *h->phone ? h->phone : s->phone; /* code mode: the phone typed in */
    const char *name = s->name ? s->name : *h->name ? h->name : NULL;
    finish(s, (pair_event){.type = PAIR_EV_CONNECTED,
                           .channel_id = s->channel_id,
                           .phone = phone,
                           .name = name});
}

static void on_health(wh_session *s, const hubcall_result *r)
{
    wh_health h;
    char msg[300];
    if (r->status != HD_OK) {
        fail_answer(s, r);
    } else if (whapi_decode_health(r->json, &h) < 0) {
        fail(s, HD_ERR_PROTOCOL, _("the hub's health answer holds no status"));
    } else if (whapi_health_phase(h.text) == WH_PHASE_AUTH) {
        connected(s, &h);
    } else if (whapi_health_phase(h.text) == WH_PHASE_FAILED) {
        snprintf(msg, sizeof msg, "%s: %s", h.text, whapi_health_meaning(h.text));
        fail(s, HD_ERR_REJECTED, msg);
    } else if (progress(s, h.text, NULL)) {
        int ready = whapi_health_phase(h.text) == WH_PHASE_QR && s->step == WH_STEP_READY;
        if (ready)
            s->step = s->mode == PAIR_MODE_CODE ? WH_STEP_CODE : WH_STEP_QR;
        schedule(s, ready ? 0 : s->poll_ms);
    }
}

/* The phone linked (409 from a login route): say SCANNED once, then wait for AUTH. */
static void to_auth(wh_session *s)
{
    if (s->qrs && !s->scanned) {
        s->scanned = 1;
        if (!emit(s, (pair_event){.type = PAIR_EV_SCANNED}))
            return;
    }
    s->step = WH_STEP_AUTH;
    schedule(s, 0);
}

static void show_qr(wh_session *s, const wh_rowdata *q)
{
    if (strcmp(q->qr, s->shown)) {
        memcpy(s->shown, q->qr, strlen(q->qr) + 1);
        s->qrs++;
        if (!emit(s, (pair_event){.type = PAIR_EV_QR,
                                  .qr = s->shown,
                                  .attempt = s->qrs,
                                  .expires_in_ms = q->expires_in_ms}))
            return;
    }
    /* Every poll interval, and right when this QR runs out, for the next one. */
    long next =
        q->expires_in_ms > 0 && q->expires_in_ms < s->poll_ms ? q->expires_in_ms : s->poll_ms;
    schedule(s, next < WH_MIN_POLL_MS ? WH_MIN_POLL_MS : next);
}

static void on_rowdata(wh_session *s, const hubcall_result *r)
{
    wh_rowdata q;
    if (r->code == 409) {
        to_auth(s);
    } else if (r->code == 406) {
        fail(s, HD_ERR_REJECTED,
             _("this is a mobile channel: it has no QR code; pair it with a pairing code "
               "(code mode) or from the phone"));
    } else if (r->status != HD_OK) {
        fail_answer(s, r);
    } else if (whapi_decode_rowdata(r->json, &q) < 0) {
        fail(s, HD_ERR_PROTOCOL, _("the hub's QR answer was not understood"));
    } else if (q.qr_unprintable) {
        fail(s, HD_ERR_PROTOCOL, qr_text_refusal());
    } else if (*q.qr) {
        show_qr(s, &q);
    } else if (!strcmp(q.status, "WAITING") || !strcmp(q.status, "OK") || !*q.status) {
        if (progress(s, "WAITING", _("the channel is not showing a QR code yet")))
            schedule(s, s->poll_ms);
    } else {
        s->step = WH_STEP_READY; /* TIMEOUT, ERROR...: let /health say what happened */
        schedule(s, s->poll_ms);
    }
}

static void on_code(wh_session *s, const hubcall_result *r)
{
    char code[WH_CODE_SIZE];
    if (r->code == 409) {
        to_auth(s);
    } else if (r->status != HD_OK) {
        fail_answer(s, r);
    } else if (whapi_decode_code(r->json, code) < 0) {
        fail(s, HD_ERR_PROTOCOL,
             _("the hub's pairing code is not 8 letters and digits (Crockford base32)"));
    } else {
        s->code_shown = 1;
        s->progress[0] = '\0'; /* the next QR text means "waiting for the code" */
        if (!emit(s, (pair_event){.type = PAIR_EV_CODE, .code = code, .phone = s->phone}))
            return;
        s->step = WH_STEP_AUTH;
        schedule(s, s->poll_ms);
    }
}

static void on_answer(const hubcall_result *r, void *arg)
{
    wh_session *s = arg;
    s->call = NULL; /* hubcall frees itself after this returns: pair_stop must not */
    if (s->waiting && r->code > 0) { /* any HTTP answer: the hub is reachable again */
        s->waiting = 0;
        if (!emit(s, (pair_event){.type = PAIR_EV_RESUMED}))
            return;
    }
    switch (s->step) {
    case WH_STEP_QR:
        on_rowdata(s, r);
        break;
    case WH_STEP_CODE:
        on_code(s, r);
        break;
    default:
        on_health(s, r);
        break;
    }
}

static void on_deadline(loop *l, void *arg)
{
    wh_session *s = arg;
    char msg[200];
    s->deadline_timer = 0;
    if (s->max_ms >= 60000)
        snprintf(msg, sizeof msg, _("no phone linked the channel within %ld min; start again"),
                 s->max_ms / 60000);
    else
        snprintf(msg, sizeof msg, _("no phone linked the channel within %ld s; start again"),
                 (s->max_ms + 999) / 1000);
    finish(s, (pair_event){.type = PAIR_EV_EXPIRED, .status = HD_ERR_EXPIRED, .message = msg});
}

static void on_refused(loop *l, void *arg)
{
    wh_session *s = arg;
    s->fail_timer = 0;
    fail(s, s->fail_status, s->fail_msg);
}

/* What pair_start refuses before any request; HD_OK or why, with a sentence in fail_msg. */
static hd_status pair_check(wh_session *s, const pair_request *req)
{
    const char *why = NULL;
    if (req->mode != PAIR_MODE_QR && req->mode != PAIR_MODE_CODE)
        why = _("Whapi.Cloud pairs with a QR code or a pairing code, not in a browser");
    else if (!req->channel_token || !*req->channel_token)
        why = _("pairing a Whapi channel needs its channel token (create the channel first)");
    else if (req->mode == PAIR_MODE_CODE)
        return provider_phone_check(req->phone, s->fail_msg, sizeof s->fail_msg);
    if (why)
        snprintf(s->fail_msg, sizeof s->fail_msg, "%s", why);
    return why ? HD_ERR_USAGE : HD_OK;
}

/* Copies what the session keeps; 0, or -1 when out of memory. */
static int session_copy(wh_session *s, const provider_ctx *ctx, const pair_request *req)
{
    s->gate = strdup(gate_base(ctx));
    s->channel_id = text_sanitize_dup(req->channel_id);
    s->name = req->name && *req->name ? text_sanitize_dup(req->name) : NULL;
    s->phone = req->phone ? strdup(req->phone) : NULL;
    s->token = req->channel_token ? secret_dup(req->channel_token) : NULL;
    return s->gate && s->channel_id && (!req->name || !*req->name || s->name) &&
                   (!req->phone || s->phone) && (!req->channel_token || s->token)
               ? 0
               : -1;
}

static void *wh_pair_start(const provider_ctx *ctx, const pair_request *req, pair_event_fn fn,
                           void *arg)
{
    static const pair_request none = {0};
    wh_session *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    req = req ? req : &none;
    *s = (wh_session){.l = ctx->l,
                      .http = ctx->http,
                      .mode = req->mode,
                      .fn = fn,
                      .arg = arg,
                      .poll_ms = ctx->stream_retry_ms > 0 ? ctx->stream_retry_ms : WH_POLL_MS,
                      .max_ms = ctx->idle_timeout_ms > 0 ? ctx->idle_timeout_ms : WH_PAIR_MAX_MS,
                      .backoff_ms = ctx->backoff_base_ms};
    if (session_copy(s, ctx, req) < 0) {
        wh_pair_stop(s);
        return NULL;
    }
    /* Events never come from inside pair_start: the first poll, or a refusal, is next turn. */
    s->fail_status = pair_check(s, req);
    if (s->fail_status != HD_OK)
        s->fail_timer = loop_timer_add(s->l, 0, on_refused, s);
    else if ((s->deadline_timer = loop_timer_add(s->l, (uint64_t)s->max_ms, on_deadline, s)))
        s->poll_timer = loop_timer_add(s->l, 0, on_poll, s);
    if (!s->fail_timer && !s->poll_timer) {
        wh_pair_stop(s);
        return NULL;
    }
    return s;
}

static void wh_pair_stop(void *session)
{
    wh_session *s = session;
    if (!s)
        return;
    if (s->alive)
        *s->alive = 0;
    halt(s);
    free(s->gate);
    free(s->channel_id);
    free(s->name);
    free(s->phone);
    secret_free(s->token);
    free(s);
}

const provider_ops provider_whapi = {
    .id = "whapi",
    .label = "Whapi.Cloud",
    .project_word = N_("project"),
    .default_base_url = "https://manager.whapi.cloud",
    .caps = PROVIDER_CAP_QR_POLL | PROVIDER_CAP_PAIR_CODE | PROVIDER_CAP_WEBHOOK |
            PROVIDER_CAP_PROJECTS | PROVIDER_CAP_CHANNEL_CREATE | PROVIDER_CAP_CHANNEL_TOKEN |
            PROVIDER_CAP_CHANNEL_MODE | PROVIDER_CAP_CHANNEL_DELETE | PROVIDER_CAP_STATUS,
    .pair_start = wh_pair_start,
    .pair_stop = wh_pair_stop,
    .call = wh_call_start,
    .call_cancel = hubdriver_cancel,
    .default_gate_url = "https://gate.whapi.cloud",
    .webhook_events = wh_events,
    .webhook_default_events = wh_events,
};
