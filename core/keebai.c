/* keebai.c: the Keebai driver: WhatsApp QR pairing over an SSE stream, and the ops table
 * (browser pairing and the REST calls live in keebai_api.c). */
#include "hubcall.h"
#include "i18n.h"
#include "keebai_decode.h"
#include "provider.h"
#include "qr.h"
#include "secret.h"
#include "sse_client.h"
#include "text.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct kb_session {
    unsigned kind; /* KB_KIND_QR; must stay first (see keebai_decode.h) */
    provider_ctx ctx;
    char *base_url;
    char *token;
    pair_event_fn fn;
    void *arg;
    http_request *start_req;
    sse_client *stream;
    int finished;
    int reconnecting; /* a WAITING was sent; the next OPEN sends RESUMED */
    hd_status fail_status;
    uint64_t fail_timer;
    int *alive; /* cleared by pair_stop so callers up the stack notice */
} kb_session;

static void kb_stop(void *session);

/* Delivers an event; returns 0 if the callback freed the session. */
static int emit(kb_session *s, pair_event ev)
{
    if (ev.type == PAIR_EV_CONNECTED || ev.type == PAIR_EV_EXPIRED || ev.type == PAIR_EV_FAILED)
        s->finished = 1;
    return pair_emit(s->fn, s->arg, &s->alive, &ev);
}

static void finish_stream(kb_session *s)
{
    sse_client_free(s->stream);
    s->stream = NULL;
}

static void emit_failed(kb_session *s, hd_status st, const char *msg)
{
    finish_stream(s);
    emit(s, (pair_event){.type = PAIR_EV_FAILED, .status = st, .message = msg});
}

static void on_qr_event(kb_session *s, const char *data, size_t len)
{
    kb_qr q;
    int rc = keebai_decode_qr(data, len, &q);
    if (rc == 0)
        emit(s, (pair_event){.type = PAIR_EV_QR, .qr = q.qr, .attempt = q.attempt,
                             .expires_in_ms = q.expires_in_ms});
    else if (rc == KB_QR_UNPRINTABLE) /* a broken or hostile hub: no phone could scan it */
        emit_failed(s, HD_ERR_PROTOCOL, qr_text_refusal());
}

static void on_stream_event(const sse_event *ev, void *arg)
{
    kb_session *s = arg;
    char msg[300];
    if (s->finished)
        return;
    if (strcmp(ev->type, "qr") == 0) {
        on_qr_event(s, ev->data, ev->data_len);
    } else if (strcmp(ev->type, "scanned") == 0) {
        emit(s, (pair_event){.type = PAIR_EV_SCANNED});
    } else if (strcmp(ev->type, "connected") == 0) {
        kb_connected c;
        keebai_decode_connected(ev->data, ev->data_len, &c);
        finish_stream(s);
        emit(s, (pair_event){.type = PAIR_EV_CONNECTED, .channel_id = c.channel_id,
                             .phone = c.phone, .name = c.name});
    } else if (strcmp(ev->type, "expired") == 0) {
        keebai_decode_expired(ev->data, ev->data_len, msg, sizeof msg);
        finish_stream(s);
        emit(s, (pair_event){.type = PAIR_EV_EXPIRED, .status = HD_ERR_EXPIRED, .message = msg});
    } else if (strcmp(ev->type, "error") == 0) {
        hd_status st = keebai_decode_error(ev->data, ev->data_len, msg, sizeof msg);
        emit_failed(s, st, msg);
    }
    /* Unknown events are ignored: the QR-mode protocol is not published and may grow. */
}

static void on_stream_status(const sse_client_status *st, void *arg)
{
    kb_session *s = arg;
    char msg[400];
    if (s->finished)
        return;
    if (st->state == SSE_STATE_OPEN && s->reconnecting) {
        s->reconnecting = 0;
        emit(s, (pair_event){.type = PAIR_EV_RESUMED});
    } else if (st->state == SSE_STATE_RECONNECTING) {
        s->reconnecting = 1;
        snprintf(msg, sizeof msg, _("stream dropped (%s); reconnecting"), st->message);
        emit(s, (pair_event){.type = PAIR_EV_WAITING, .status = st->status, .message = msg,
                             .wait_ms = st->delay_ms});
    } else if (st->state == SSE_STATE_FAILED) {
        if (st->answer)
            provider_error_text(st->answer, msg, sizeof msg);
        else
            snprintf(msg, sizeof msg, "%s", st->message);
        /* The failed client stays inert until kb_stop frees it. */
        emit(s, (pair_event){.type = PAIR_EV_FAILED, .status = st->status, .message = msg});
    }
}

/* Resolves a possibly relative stream_url against the base URL. */
static char *resolve_url(const char *base, const char *ref)
{
    CURLU *u = curl_url();
    char *out = NULL, *res = NULL;
    if (u && curl_url_set(u, CURLUPART_URL, base, 0) == CURLUE_OK &&
        curl_url_set(u, CURLUPART_URL, ref, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_URL, &out, 0) == CURLUE_OK)
        res = strdup(out);
    curl_free(out);
    curl_url_cleanup(u);
    return res;
}

static void open_stream(kb_session *s, const char *stream_url)
{
    char *url = resolve_url(s->base_url, stream_url);
    hd_status why = HD_ERR_BAD_URL;
    if (url) {
        sse_client_opts o = {
            .url = url,
            .token = s->token,
            .origin = s->base_url, /* a stream on another host never sees the token */
            .idle_timeout_ms = s->ctx.idle_timeout_ms,
            .default_retry_ms = s->ctx.stream_retry_ms,
        };
        s->stream = sse_client_new(s->ctx.http, s->ctx.l, &o, on_stream_event, on_stream_status,
                                   s, &why);
    }
    free(url);
    if (!s->stream) {
        char msg[200];
        snprintf(msg, sizeof msg, _("cannot open the QR stream: %s"), hd_status_message(why));
        emit_failed(s, why, msg);
    }
}

static void on_start_done(const http_response *r, void *arg)
{
    kb_session *s = arg;
    char msg[400];
    s->start_req = NULL;
    if (r->status != HD_OK || r->code < 200 || r->code >= 300) {
        provider_error_text(r, msg, sizeof msg);
        emit_failed(s, r->status != HD_OK ? r->status : http_status_for_code(r->code), msg);
        return;
    }
    char url[1024];
    if (keebai_decode_start(r->body, r->body_len, url, sizeof url) < 0)
        emit_failed(s, HD_ERR_PROTOCOL, _("the hub did not return a stream_url for QR mode"));
    else
        open_stream(s, url);
}

static void on_start_retry(long delay_ms, const http_response *why, void *arg)
{
    kb_session *s = arg;
    char msg[400];
    hubcall_wait_text(delay_ms, why, msg, sizeof msg);
    emit(s, (pair_event){.type = PAIR_EV_WAITING, .status = why->status == HD_OK ? http_status_for_code(why->code) : why->status,
                         .message = msg, .wait_ms = delay_ms});
}

static void on_deferred_failure(loop *l, void *arg)
{
    kb_session *s = arg;
    char msg[200];
    s->fail_timer = 0;
    snprintf(msg, sizeof msg, _("cannot start the session: %s"), hd_status_message(s->fail_status));
    s->finished = 0;
    emit_failed(s, s->fail_status, msg);
}

static void *kb_start(const provider_ctx *ctx, const pair_request *req, pair_event_fn fn,
                      void *arg)
{
    kb_session *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->kind = KB_KIND_QR;
    s->ctx = *ctx;
    s->fn = fn;
    s->arg = arg;
    s->base_url = strdup(ctx->base_url);
    s->token = secret_dup(ctx->token);
    json_t *body = json_pack("{s:s}", "mode", "qr");
    if (req && req->name && *req->name)
        json_object_set_new(body, "name", json_string(req->name));
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    char url[1024];
    snprintf(url, sizeof url, "%s/v1/channels/whatsapp/connect", s->base_url ? s->base_url : "");
    if (!s->base_url || !text || (ctx->token && !s->token)) {
        free(text);
        kb_stop(s);
        return NULL;
    }
    http_opts o = {
        .method = "POST",
        .url = url,
        .json_body = text,
        .token = s->token,
        .backoff_base_ms = ctx->backoff_base_ms,
        .on_retry = on_start_retry,
    };
    hd_status why = HD_OK;
    s->start_req = http_start(ctx->http, &o, on_start_done, NULL, s, &why);
    free(text);
    if (!s->start_req) {
        /* Report on the next turn: the caller does not hold the session yet. */
        s->finished = 1;
        s->fail_status = why;
        s->fail_timer = loop_timer_add(ctx->l, 0, on_deferred_failure, s);
    }
    return s;
}

static void kb_stop(void *session)
{
    kb_session *s = session;
    if (!s)
        return;
    if (s->alive)
        *s->alive = 0;
    http_cancel(s->start_req);
    sse_client_free(s->stream);
    loop_timer_cancel(s->ctx.l, s->fail_timer);
    free(s->base_url);
    secret_free(s->token);
    free(s);
}

/* QR (the SSE stream, and the default without a request), browser (embedded signup). */
static void *kb_pair_start(const provider_ctx *ctx, const pair_request *req, pair_event_fn fn,
                           void *arg)
{
    pair_mode mode = req ? req->mode : PAIR_MODE_QR;
    if (mode == PAIR_MODE_BROWSER)
        return keebai_signup_start(ctx, req, fn, arg);
    if (mode != PAIR_MODE_QR)
        return keebai_pair_refuse(ctx, HD_ERR_USAGE,
                                  _("Keebai has no pairing code mode: use QR or browser mode"),
                                  fn, arg);
    return kb_start(ctx, req, fn, arg);
}

static void kb_pair_stop(void *session)
{
    if (session && *(const unsigned *)session == KB_KIND_SIGNUP)
        keebai_signup_stop(session);
    else
        kb_stop(session);
}

/*
 * Keebai documents only whatsapp.channel.connected; the other names follow the sandbox's
 * guess at the family (tests/sandbox/keebai_extra.c), so check them against the real hub.
 */
static const char *const kb_webhook_events[] = {
    "whatsapp.channel.connected", "whatsapp.channel.disconnected", "message.received",
    "message.sent", "conversation.created", NULL,
};
static const char *const kb_webhook_default_events[] = {"whatsapp.channel.connected", NULL};

const provider_ops provider_keebai = {
    .id = "keebai",
    .label = "Keebai",
    .project_word = N_("pipeline"),
    .default_base_url = "https://api.keebai.com",
    .caps = PROVIDER_CAP_QR_STREAM | PROVIDER_CAP_BROWSER | PROVIDER_CAP_WEBHOOK |
            PROVIDER_CAP_WEBHOOK_SECRET | PROVIDER_CAP_TYPE_FILTER,
    .pair_start = kb_pair_start,
    .pair_stop = kb_pair_stop,
    .call = keebai_call,
    .call_cancel = keebai_call_cancel,
    .webhook_events = kb_webhook_events,
    .webhook_default_events = kb_webhook_default_events,
};
