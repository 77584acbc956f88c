/* keebai_api.c: the Keebai driver's REST calls (check, channels, webhook) and its browser
 * pairing (embedded signup: a link for the customer, then polling until the hub says done). */
#include "duration.h"
#include "hubdriver.h"
#include "i18n.h"
#include "keebai_decode.h"
#include "provider.h"
#include "secret.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * http retries 5xx and 429 alike. A POST that creates something (a webhook, a signup session)
 * must not be sent again after a 5xx: the hub may have done it already. A 429 says it did
 * not, so POSTs run with max_retries < 0 and the driver waits 429s out itself.
 */
#define KB_THROTTLE_TRIES 3
#define KB_THROTTLE_MAX_MS 120000L /* as http's max_wait: a longer wait is the user's call */
#define KB_NAME_MAX 100            /* Keebai's limit on names and pipeline ids */

/* How long to wait before resending after a 429, or -1 to give up and report it. */
static long throttle_delay(const hubcall_result *r, int tries, long base_ms)
{
    long after_ms = duration_ms_from_whole_s(r->retry_after_s, DURATION_MAX_MS);
    if (r->status != HD_ERR_RATE_LIMITED || tries >= KB_THROTTLE_TRIES)
        return -1;
    if (after_ms > KB_THROTTLE_MAX_MS)
        return -1;
    if (after_ms >= 0)
        return after_ms;
    return (base_ms > 0 ? base_ms : 1000) << tries;
}

/* The same words hubcall uses for its own waits, so the user sees one wording. */
static void wait_message(const hubcall_result *r, long delay_ms, char *out, size_t n)
{
    long secs = (delay_ms + 999) / 1000;
    if (r->status == HD_ERR_RATE_LIMITED)
        snprintf(out, n, _("the hub asks us to slow down (%s); waiting %ld s"), r->message, secs);
    else
        snprintf(out, n, _("%s; trying again in %ld s"), r->message, secs);
}

/* ================================ calls ================================ */

typedef struct kb_call {
    hubdriver_call base; /* first: hubdriver hands the call around as its base */
    char *base_url, *token;
    const char *method;
    char path[256];
    json_t *body;
    int post;      /* no blind retries: 429s are waited out here */
    int throttled; /* 429s waited out so far */
    char refuse_msg[300];
} kb_call;

static const char *unsupported(hub_op op)
{
    switch (op) {
    case HUB_OP_PROJECTS:
        return _("Keebai has no projects to list: the pipeline is chosen when pairing");
    case HUB_OP_CHANNEL_CREATE:
        return _("Keebai has no channel creation before pairing: pairing creates the channel");
    case HUB_OP_CHANNEL_MODE:
        return _("Keebai has no channel modes to change");
    case HUB_OP_CHANNEL_DELETE:
        return _("Keebai has no channel deletion in its API: remove it in the Keebai portal");
    case HUB_OP_STATUS:
        return _("Keebai has no channel status call: list the channels to see which are active");
    default:
        return _("Keebai has no such operation");
    }
}

static int known_event(const char *name)
{
    for (const char *const *e = provider_keebai.webhook_events; name && *e; e++)
        if (!strcmp(*e, name))
            return 1;
    return 0;
}

/* Names and pipeline ids: 1..100 bytes of clean text (Keebai's limit; nothing to escape). */
static int label_ok(const char *s)
{
    size_t len = s ? strlen(s) : 0;
    return len > 0 && len <= KB_NAME_MAX && text_is_clean(s);
}

/* The events to subscribe, checked against the catalogue; NULL with why set if refused. */
static json_t *webhook_events(const char *const *events, char *why, size_t n)
{
    json_t *out = json_array();
    char clean[80];
    for (const char *const *e = events; e && *e; e++) {
        if (!known_event(*e)) {
            snprintf(why, n, _("Keebai has no webhook event \"%s\""),
                     text_sanitize(*e, clean, sizeof clean));
            json_decref(out);
            return NULL;
        }
        int dup = 0;
        for (size_t i = 0; i < json_array_size(out); i++)
            dup |= !strcmp(json_string_value(json_array_get(out, i)), *e);
        if (!dup)
            json_array_append_new(out, json_string(*e));
    }
    if (json_array_size(out) == 0) {
        snprintf(why, n, "%s", _("choose at least one webhook event"));
        json_decref(out);
        return NULL;
    }
    return out;
}

static hd_status prepare_webhook(kb_call *c, const hub_req *req, char *why, size_t n)
{
    hd_status st = provider_webhook_url_check(req->url, why, n);
    if (st != HD_OK)
        return st;
    const char *name = req->name && *req->name ? req->name : "hubdesk";
    if (!label_ok(name)) {
        snprintf(why, n, "%s",
                 _("the webhook name must be 1 to 100 characters, no control characters"));
        return HD_ERR_USAGE;
    }
    json_t *events =
        webhook_events(req->events ? req->events : provider_keebai.webhook_default_events, why, n);
    if (!events)
        return HD_ERR_USAGE;
    c->body = json_pack("{s:s,s:s,s:o,s:b}", "name", name, "url", req->url, "events", events,
                        "is_active", 1);
    c->method = "POST";
    c->post = 1; /* never two webhooks because of a 5xx */
    snprintf(c->path, sizeof c->path, "/v1/webhooks");
    if (!c->body)
        snprintf(why, n, "%s", hd_status_message(HD_ERR_INTERNAL));
    return c->body ? HD_OK : HD_ERR_INTERNAL;
}

/* Method, path and body for the request, or why it is refused before sending. */
static hd_status prepare(kb_call *c, const hub_req *req, char *why, size_t n)
{
    c->method = "GET";
    switch (req->op) {
    case HUB_OP_CHECK:
        snprintf(c->path, sizeof c->path, "/v1/me");
        return HD_OK;
    case HUB_OP_CHANNELS:
        if (!req->type_filter || !*req->type_filter) {
            snprintf(c->path, sizeof c->path, "/v1/channels");
            return HD_OK;
        }
        if (!keebai_type_filter_ok(req->type_filter)) {
            snprintf(why, n, "%s",
                     _("the channel type filter may hold only a-z, 0-9 and _ "
                       "(e.g. whatsapp)"));
            return HD_ERR_USAGE;
        }
        /* checked above: nothing in it needs escaping */
        snprintf(c->path, sizeof c->path, "/v1/channels?type=%s", req->type_filter);
        return HD_OK;
    case HUB_OP_WEBHOOK_SET:
        return prepare_webhook(c, req, why, n);
    default:
        snprintf(why, n, "%s", unsupported(req->op));
        return HD_ERR_USAGE;
    }
}

static void call_release(hubdriver_call *base)
{
    kb_call *c = (kb_call *)base;
    json_decref(c->body);
    free(c->base_url);
    secret_free(c->token);
}

/* The answer as provider.h's normalised data; NULL (with *st and msg) if not understood. */
static json_t *decode(kb_call *c, json_t *body, char **secret, hd_status *st, char *msg, size_t n)
{
    json_t *data = NULL;
    int secret_bad = 0;
    if (c->base.op == HUB_OP_CHECK)
        data = keebai_decode_me(body);
    else if (c->base.op == HUB_OP_CHANNELS)
        data = keebai_decode_channels(body);
    else
        data = keebai_decode_webhook(body, secret, &secret_bad);
    if (data && secret_bad) {
        /* It is shown once: say which webhook to delete, since it exists now. */
        snprintf(msg, n,
                 _("the hub's signing secret for webhook %s cannot be stored; delete that "
                   "webhook in the Keebai portal and set it again"),
                 json_string_value(json_object_get(data, "id")));
        json_decref(data);
        data = NULL;
    } else if (!data) {
        snprintf(msg, n, "%s", hd_status_message(HD_ERR_PROTOCOL));
    }
    if (!data)
        *st = HD_ERR_PROTOCOL;
    return data;
}

/* Ends the call with the hub's answer. */
static void deliver(kb_call *c, const hubcall_result *r)
{
    char msg[400] = "";
    char *secret = NULL;
    hub_result res = {.status = r->status,
                      .code = r->code,
                      .message = r->message,
                      .retry_after_s = r->retry_after_s};
    json_t *data = NULL;
    if (r->status == HD_OK) {
        data = decode(c, r->json, &secret, &res.status, msg, sizeof msg);
        if (!data)
            res.message = msg;
    }
    res.data = data;
    res.secret = secret; /* only here: never in data, never in a message */
    hubdriver_finish(&c->base, &res);
    json_decref(data);
    secret_free(secret);
}

static int call_send(kb_call *c);

static void on_resend(loop *l, void *arg)
{
    kb_call *c = arg;
    c->base.timer = 0;
    if (call_send(c) == 0)
        return;
    hubcall_result r = {.status = HD_ERR_INTERNAL,
                        .message = hd_status_message(HD_ERR_INTERNAL),
                        .retry_after_s = -1};
    deliver(c, &r);
}

static void on_answer(hubdriver_call *base, const hubcall_result *r)
{
    kb_call *c = (kb_call *)base;
    long delay = c->post ? throttle_delay(r, c->throttled, base->backoff_base_ms) : -1;
    if (delay >= 0 && (base->timer = loop_timer_add(base->l, (uint64_t)delay, on_resend, c))) {
        char msg[500];
        c->throttled++;
        wait_message(r, delay, msg, sizeof msg);
        if (base->wait)
            base->wait(delay, msg, base->arg); /* may cancel the call: nothing after this */
        return;
    }
    deliver(c, r);
}

static int call_send(kb_call *c)
{
    hubcall_opts o = {
        .method = c->method,
        .base_url = c->base_url,
        .path = c->path,
        .body = c->body,
        .token = c->token,
        .max_retries = c->post ? -1 : 0,
    };
    return hubdriver_send(&c->base, &o, on_answer);
}

void *keebai_call(const provider_ctx *ctx, const hub_req *req, hub_done_fn done, hub_wait_fn wait,
                  void *arg)
{
    kb_call *c = (kb_call *)hubdriver_new(sizeof *c, ctx, req, done, wait, arg, call_release);
    if (!c)
        return NULL;
    c->base_url = strdup(ctx->base_url ? ctx->base_url : "");
    c->token = ctx->token ? secret_dup(ctx->token) : NULL;
    if (!c->base_url || (ctx->token && !c->token)) {
        hubdriver_cancel(c);
        return NULL;
    }
    hd_status st = prepare(c, req, c->refuse_msg, sizeof c->refuse_msg);
    if (st != HD_OK) /* hubdriver reports it on the next turn, never inside this call */
        return hubdriver_begin(&c->base, NULL, NULL,
                               &(hub_result){.status = st, .message = c->refuse_msg});
    if (call_send(c) == 0)
        return c;
    hubdriver_cancel(c);
    return NULL;
}

void keebai_call_cancel(void *call)
{
    hubdriver_cancel(call);
}

/* ========================= embedded signup (browser mode) ========================= */

typedef struct kb_su {
    unsigned kind; /* KB_KIND_SIGNUP; must stay first (see keebai_decode.h) */
    loop *l;
    http_client *http;
    char *base_url, *token;
    long backoff_base_ms, poll_override_ms;
    pair_event_fn fn;
    void *arg;
    json_t *start_body; /* kept until the 201, to resend it after a 429 */
    hubcall *hc;
    uint64_t timer;
    kb_signup info;
    long poll_ms;
    uint64_t deadline_ms; /* our own clock: expires_in plus two polls of grace */
    int throttled;        /* 429s on the start POST waited out so far */
    int failures;         /* polls in a row that failed: each one waits longer */
    int unknown;          /* unknown statuses in a row */
    int waiting;          /* a WAITING was sent: the next good answer sends RESUMED */
    int finished;
    hd_status refuse_status;
    char refuse_msg[300];
    int *alive; /* cleared by stop so callers up the stack notice */
} kb_su;

/* Delivers an event; returns 0 if the callback freed the session. */
static int emit(kb_su *s, pair_event ev)
{
    if (ev.type == PAIR_EV_CONNECTED || ev.type == PAIR_EV_EXPIRED || ev.type == PAIR_EV_FAILED)
        s->finished = 1;
    return pair_emit(s->fn, s->arg, &s->alive, &ev);
}

static void su_fail(kb_su *s, hd_status st, const char *msg)
{
    emit(s, (pair_event){.type = PAIR_EV_FAILED, .status = st, .message = msg});
}

/* Clears an earlier WAITING once the hub answers again. 0 if the session was freed. */
static int su_resumed(kb_su *s)
{
    if (!s->waiting)
        return 1;
    s->waiting = 0;
    return emit(s, (pair_event){.type = PAIR_EV_RESUMED});
}

static void su_expired(kb_su *s)
{
    char msg[300];
    long secs = s->info.expires_in_s;
    if (secs >= 60)
        snprintf(msg, sizeof msg,
                 ngettext("the %ld minute to finish the signup in the browser passed; start a "
                          "new session",
                          "the %ld minutes to finish the signup in the browser passed; start a "
                          "new session",
                          (unsigned long)((secs + 59) / 60)),
                 (secs + 59) / 60);
    else
        snprintf(msg, sizeof msg,
                 ngettext("the %ld second to finish the signup in the browser passed; start a "
                          "new session",
                          "the %ld seconds to finish the signup in the browser passed; start a "
                          "new session",
                          (unsigned long)secs),
                 secs);
    emit(s, (pair_event){.type = PAIR_EV_EXPIRED, .status = HD_ERR_EXPIRED, .message = msg});
}

static void on_poll_timer(loop *l, void *arg);

/* The next poll after delay_ms, but never past our deadline (then it expires at once). */
static void su_schedule(kb_su *s, long delay_ms)
{
    uint64_t now = loop_now_ms();
    uint64_t left = s->deadline_ms > now ? s->deadline_ms - now : 0;
    uint64_t ms = (uint64_t)delay_ms < left ? (uint64_t)delay_ms : left;
    s->timer = loop_timer_add(s->l, ms, on_poll_timer, s);
    if (!s->timer)
        su_fail(s, HD_ERR_INTERNAL, hd_status_message(HD_ERR_INTERNAL));
}

static void su_connected(kb_su *s, const json_t *ch)
{
    const char *id = json_string_value(json_object_get(ch, "id"));
    emit(s, (pair_event){.type = PAIR_EV_CONNECTED,
                         .channel_id = id ? id : "?",
                         .phone = json_string_value(json_object_get(ch, "phone")),
                         .name = json_string_value(json_object_get(ch, "name")),
                         .channel = ch});
}

static void su_answer(kb_su *s, const json_t *body)
{
    char word[64], msg[200];
    json_t *ch = NULL;
    kb_signup_state st = keebai_decode_signup_poll(body, &ch, word, sizeof word);
    s->failures = 0;
    if (!su_resumed(s)) {
        json_decref(ch);
        return;
    }
    s->unknown = st == KB_SIGNUP_UNKNOWN ? s->unknown + 1 : 0;
    if (st == KB_SIGNUP_PENDING) {
        su_schedule(s, s->poll_ms);
    } else if (st == KB_SIGNUP_COMPLETED) {
        su_connected(s, ch);
    } else if (st == KB_SIGNUP_EXPIRED) {
        su_expired(s);
    } else if (st == KB_SIGNUP_CANCELLED) {
        su_fail(s, HD_ERR_CANCELLED,
                _("the customer cancelled the signup in the Keebai portal; "
                  "you can start a new session"));
    } else if (s->unknown < 2) {
        su_schedule(s, s->poll_ms); /* one unknown status may be a new in-between state */
    } else {
        snprintf(msg, sizeof msg, _("the hub reports an unknown signup status \"%s\""), word);
        su_fail(s, HD_ERR_PROTOCOL, msg);
    }
    json_decref(ch);
}

/* A failed poll the next one may cure: warn, wait longer each time, poll again. */
static void su_poll_wait(kb_su *s, const hubcall_result *r)
{
    char msg[500];
    int shift = s->failures < 6 ? s->failures : 6;
    long delay = s->poll_ms << shift;
    s->failures++;
    if (delay > KB_POLL_MAX_S * 1000L)
        delay = s->poll_ms > KB_POLL_MAX_S * 1000L ? s->poll_ms : KB_POLL_MAX_S * 1000L;
    long after_ms = duration_ms_from_whole_s(r->retry_after_s, DURATION_MAX_MS);
    if (r->status == HD_ERR_RATE_LIMITED && after_ms < KB_THROTTLE_MAX_MS && after_ms > delay)
        delay = after_ms;
    wait_message(r, delay, msg, sizeof msg);
    s->waiting = 1;
    if (emit(s,
             (pair_event){
                 .type = PAIR_EV_WAITING, .status = r->status, .message = msg, .wait_ms = delay}))
        su_schedule(s, delay);
}

static void on_poll_done(const hubcall_result *r, void *arg)
{
    kb_su *s = arg;
    s->hc = NULL;
    if (r->status == HD_OK)
        su_answer(s, r->json);
    else if (r->status == HD_ERR_NETWORK || r->status == HD_ERR_TIMEOUT ||
             r->status == HD_ERR_SERVER || r->status == HD_ERR_RATE_LIMITED)
        su_poll_wait(s, r);
    else
        su_fail(s, r->status, r->message); /* 401, 403, 404...: polling again cannot help */
}

static void on_poll_timer(loop *l, void *arg)
{
    kb_su *s = arg;
    char path[64 + KB_SESSION_ID_MAX];
    s->timer = 0;
    if (loop_now_ms() >= s->deadline_ms) {
        su_expired(s);
        return;
    }
    /* session_id was checked by the decoder: nothing in it can leave the path */
    snprintf(path, sizeof path, "/v1/channels/whatsapp/connect/%s", s->info.session_id);
    hubcall_opts o = {.base_url = s->base_url,
                      .path = path,
                      .token = s->token,
                      .backoff_base_ms = s->backoff_base_ms,
                      .max_retries = -1};
    /* no http retries: a failed poll is reported (WAITING) and the next poll is the retry */
    s->hc = hubcall_start(s->http, s->l, &o, on_poll_done, NULL, s);
    if (!s->hc)
        su_fail(s, HD_ERR_INTERNAL, hd_status_message(HD_ERR_INTERNAL));
}

static void su_started(kb_su *s, const hubcall_result *r)
{
    char why[300];
    hd_status st = keebai_decode_signup(r->json, &s->info, why, sizeof why);
    if (st != HD_OK) {
        su_fail(s, st, why);
        return;
    }
    json_decref(s->start_body);
    s->start_body = NULL;
    /* Tests cannot wait 5 s per poll: ctx->stream_retry_ms, when set, overrides the interval
     * (in QR mode it is the stream's reconnect delay; both mean "how soon to ask again"). */
    long life_ms = duration_ms_from_whole_s(s->info.expires_in_s, KB_SIGNUP_MAX_S * 1000L);
    s->poll_ms = s->poll_override_ms > 0
                     ? s->poll_override_ms
                     : duration_ms_from_whole_s(s->info.poll_interval_s, KB_POLL_MAX_S * 1000L);
    s->deadline_ms = loop_now_ms() + (uint64_t)life_ms + 2 * (uint64_t)s->poll_ms;
    if (!su_resumed(s))
        return;
    if (emit(s, (pair_event){.type = PAIR_EV_LINK,
                             .url = s->info.verification_uri,
                             .expires_in_ms = life_ms}))
        su_schedule(s, s->poll_ms);
}

static int su_send_start(kb_su *s);

static void on_start_timer(loop *l, void *arg)
{
    kb_su *s = arg;
    s->timer = 0;
    if (su_send_start(s) < 0)
        su_fail(s, HD_ERR_INTERNAL, hd_status_message(HD_ERR_INTERNAL));
}

static void on_start_done(const hubcall_result *r, void *arg)
{
    kb_su *s = arg;
    s->hc = NULL;
    long delay = throttle_delay(r, s->throttled, s->backoff_base_ms);
    if (delay >= 0 && (s->timer = loop_timer_add(s->l, (uint64_t)delay, on_start_timer, s))) {
        char msg[500];
        s->throttled++;
        s->waiting = 1;
        wait_message(r, delay, msg, sizeof msg);
        emit(s,
             (pair_event){
                 .type = PAIR_EV_WAITING, .status = r->status, .message = msg, .wait_ms = delay});
        return;
    }
    if (r->status != HD_OK)
        su_fail(s, r->status, r->message);
    else
        su_started(s, r);
}

static int su_send_start(kb_su *s)
{
    hubcall_opts o = {
        .method = "POST",
        .base_url = s->base_url,
        .path = "/v1/channels/whatsapp/connect",
        .body = s->start_body,
        .token = s->token,
        .backoff_base_ms = s->backoff_base_ms,
        .max_retries = -1, /* a 5xx may have made a session: no blind resend (429: see top) */
    };
    s->hc = hubcall_start(s->http, s->l, &o, on_start_done, NULL, s);
    return s->hc ? 0 : -1;
}

static kb_su *su_new(const provider_ctx *ctx, pair_event_fn fn, void *arg)
{
    kb_su *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    *s = (kb_su){.kind = KB_KIND_SIGNUP,
                 .l = ctx->l,
                 .http = ctx->http,
                 .backoff_base_ms = ctx->backoff_base_ms,
                 .poll_override_ms = ctx->stream_retry_ms,
                 .fn = fn,
                 .arg = arg};
    s->base_url = strdup(ctx->base_url ? ctx->base_url : "");
    s->token = ctx->token ? secret_dup(ctx->token) : NULL;
    if (!s->base_url || (ctx->token && !s->token)) {
        keebai_signup_stop(s);
        return NULL;
    }
    return s;
}

static void on_refuse_timer(loop *l, void *arg)
{
    kb_su *s = arg;
    s->timer = 0;
    su_fail(s, s->refuse_status, s->refuse_msg);
}

/* Reports st/msg on the next loop turn: the caller does not hold the session yet. */
static void *su_refuse(kb_su *s, hd_status st, const char *msg)
{
    s->refuse_status = st;
    snprintf(s->refuse_msg, sizeof s->refuse_msg, "%s", msg);
    s->timer = loop_timer_add(s->l, 0, on_refuse_timer, s);
    if (s->timer)
        return s;
    keebai_signup_stop(s);
    return NULL;
}

void *keebai_pair_refuse(const provider_ctx *ctx, hd_status st, const char *msg, pair_event_fn fn,
                         void *arg)
{
    kb_su *s = su_new(ctx, fn, arg);
    return s ? su_refuse(s, st, msg) : NULL;
}

void *keebai_signup_start(const provider_ctx *ctx, const pair_request *req, pair_event_fn fn,
                          void *arg)
{
    kb_su *s = su_new(ctx, fn, arg);
    if (!s)
        return NULL;
    const char *pipeline = req->pipeline_id && *req->pipeline_id ? req->pipeline_id : NULL;
    if (pipeline && !label_ok(pipeline))
        return su_refuse(s, HD_ERR_USAGE,
                         _("the pipeline id must be 1 to 100 characters, "
                           "no control characters"));
    s->start_body = json_pack("{s:s,s:b}", "mode", "embedded_signup", "coexistence_enabled",
                              req->coexistence ? 1 : 0);
    /* only when given: without it the portal uses the default pipeline */
    if (s->start_body && pipeline)
        json_object_set_new(s->start_body, "pipeline_id", json_string(pipeline));
    if (s->start_body && su_send_start(s) == 0)
        return s;
    keebai_signup_stop(s);
    return NULL;
}

void keebai_signup_stop(void *session)
{
    kb_su *s = session;
    if (!s)
        return;
    if (s->alive)
        *s->alive = 0;
    hubcall_cancel(s->hc);
    loop_timer_cancel(s->l, s->timer);
    json_decref(s->start_body);
    free(s->base_url);
    secret_free(s->token);
    free(s);
}
