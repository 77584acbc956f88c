/* sse_client.c: keeps one event stream alive across drops, resuming with Last-Event-ID. */
#include "sse_client.h"
#include "duration.h"
#include "i18n.h"
#include "secret.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sse_client {
    http_client *http;
    loop *l;
    sse_parser *parser;
    http_request *req;
    char *url, *token, *token_header, *origin;
    long idle_timeout_ms, default_retry_ms;
    int max_failures, failures, connections, got_event, parse_error, open;
    uint64_t idle_timer, reconnect_timer;
    sse_client_event_fn on_event;
    sse_client_status_fn on_status;
    void *arg;
    int *alive; /* set to 0 when freed, so a callback that frees us is noticed */
};

static void connect_now(sse_client *s);

static void on_reconnect_timer(loop *l, void *arg)
{
    connect_now(arg);
}

static void report(sse_client *s, sse_client_status st)
{
    st.failures = s->failures;
    if (s->on_status)
        s->on_status(&st, s->arg);
}

static void on_parsed_event(const sse_event *ev, void *arg)
{
    sse_client *s = arg;
    s->got_event = 1;
    if (s->on_event)
        s->on_event(ev, s->arg);
}

static void arm_idle_timer(sse_client *s);

static void handle_drop(sse_client *s, hd_status why, const char *msg);

static void on_idle(loop *l, void *arg)
{
    sse_client *s = arg;
    char msg[160];
    s->idle_timer = 0;
    http_cancel(s->req);
    s->req = NULL;
    snprintf(msg, sizeof msg, _("the stream was silent for %ld s; reconnecting"),
             s->idle_timeout_ms / 1000);
    handle_drop(s, HD_ERR_TIMEOUT, msg);
}

static void arm_idle_timer(sse_client *s)
{
    loop_timer_cancel(s->l, s->idle_timer);
    s->idle_timer = loop_timer_add(s->l, (uint64_t)s->idle_timeout_ms, on_idle, s);
}

static int on_data(const char *buf, size_t len, void *arg)
{
    sse_client *s = arg;
    int alive = 1;
    arm_idle_timer(s);
    s->alive = &alive;
    if (!s->open) {
        s->open = 1;
        report(s, (sse_client_status){.state = SSE_STATE_OPEN});
        if (!alive)
            return 1;
    }
    int rc = sse_parser_feed(s->parser, buf, len);
    if (!alive)
        return 1; /* the client was freed by an event callback: stop the transfer */
    s->alive = NULL;
    if (rc != SSE_PARSE_OK) {
        s->parse_error = 1;
        return 1;
    }
    return 0;
}

static void schedule_reconnect(sse_client *s, hd_status why, const char *msg)
{
    /* The server's retry: is capped: a pause longer than a QR's life only misses QRs. */
    long delay = duration_clamp_ms(sse_parser_retry_ms(s->parser), DURATION_SSE_RETRY_MAX_MS);
    if (delay < 0)
        delay = s->default_retry_ms;
    /* Back off when reconnections keep failing, even if the server asked for less. */
    for (int i = 1; i < s->failures && delay < 30000; i++)
        delay *= 2;
    s->reconnect_timer = loop_timer_add(s->l, (uint64_t)delay, on_reconnect_timer, s);
    report(s, (sse_client_status){.state = SSE_STATE_RECONNECTING, .delay_ms = delay,
                                  .status = why, .message = msg});
}

static void fail(sse_client *s, hd_status why, const char *msg, const http_response *answer)
{
    loop_timer_cancel(s->l, s->idle_timer);
    s->idle_timer = 0;
    report(s, (sse_client_status){.state = SSE_STATE_FAILED, .status = why, .message = msg,
                                  .answer = answer});
}

/* A connection ended: try again unless too many in a row failed. */
static void handle_drop(sse_client *s, hd_status why, const char *msg)
{
    s->open = 0;
    loop_timer_cancel(s->l, s->idle_timer);
    s->idle_timer = 0;
    if (s->got_event)
        s->failures = 0; /* a connection that delivered events was a good one */
    s->got_event = 0;
    s->parse_error = 0;
    sse_parser_reset(s->parser);
    if (++s->failures > s->max_failures)
        fail(s, HD_ERR_STREAM, msg, NULL);
    else
        schedule_reconnect(s, why, msg);
}

static void on_done(const http_response *r, void *arg)
{
    sse_client *s = arg;
    char msg[320];
    s->req = NULL;
    if (r->status == HD_OK && r->code >= 300) {
        hd_status st = http_status_for_code(r->code);
        snprintf(msg, sizeof msg, _("the stream was refused (HTTP %ld)"), r->code);
        if (st != HD_ERR_SERVER && st != HD_ERR_RATE_LIMITED) {
            fail(s, st, msg, r);
            return;
        }
    } else if (r->status == HD_ERR_PROTOCOL) {
        fail(s, r->status, r->error, NULL); /* a refused redirect: the next try meets it again */
        return;
    } else if (r->status == HD_OK && r->code == 204) {
        fail(s, HD_ERR_STREAM, _("the hub closed the stream for good"), r);
        return;
    } else if (s->parse_error) {
        snprintf(msg, sizeof msg, "%s", _("the stream sent a line that is too long"));
    } else if (r->status != HD_OK) {
        snprintf(msg, sizeof msg, "%s", r->error);
    } else {
        snprintf(msg, sizeof msg, "%s", _("the stream ended"));
    }
    handle_drop(s, r->status != HD_OK ? r->status : HD_ERR_STREAM, msg);
}

static void connect_now(sse_client *s)
{
    hd_status why = HD_OK;
    s->reconnect_timer = 0;
    const char *last = sse_parser_last_id(s->parser);
    http_opts o = {
        .url = s->url,
        .token = s->token,
        .token_header = s->token_header,
        .origin = s->origin,
        .last_event_id = last && *last ? last : NULL,
        .timeout_ms = 10000,
        .max_retries = -1, /* reconnecting is this module's job */
        .stream = 1,
    };
    s->connections++;
    s->req = http_start(s->http, &o, on_done, on_data, s, &why);
    if (!s->req) {
        fail(s, why, hd_status_message(why), NULL);
        return;
    }
    arm_idle_timer(s);
    if (s->connections == 1)
        report(s, (sse_client_status){.state = SSE_STATE_CONNECTING});
}

sse_client *sse_client_new(http_client *http, loop *l, const sse_client_opts *o,
                           sse_client_event_fn on_event, sse_client_status_fn on_status,
                           void *arg, hd_status *why)
{
    hd_status st = http_url_check(o->url);
    if (st != HD_OK) {
        if (why)
            *why = st;
        return NULL;
    }
    sse_client *s = calloc(1, sizeof *s);
    if (!s)
        goto oom;
    s->http = http;
    s->l = l;
    s->url = strdup(o->url);
    s->origin = o->origin ? strdup(o->origin) : NULL;
    s->token = secret_dup(o->token);
    s->token_header = o->token_header ? strdup(o->token_header) : NULL;
    s->parser = sse_parser_new(o->max_line, on_parsed_event, s);
    if (!s->url || !s->parser || (o->origin && !s->origin) || (o->token && !s->token) ||
        (o->token_header && !s->token_header)) {
        sse_client_free(s);
        goto oom;
    }
    s->idle_timeout_ms = o->idle_timeout_ms > 0 ? o->idle_timeout_ms : 45000;
    s->default_retry_ms = o->default_retry_ms > 0 ? o->default_retry_ms : 3000;
    s->max_failures = o->max_failures > 0 ? o->max_failures : 5;
    s->on_event = on_event;
    s->on_status = on_status;
    s->arg = arg;
    /* Connect on the next turn, so the caller has the handle before any callback. */
    s->reconnect_timer = loop_timer_add(l, 0, on_reconnect_timer, s);
    return s;
oom:
    if (why)
        *why = HD_ERR_INTERNAL;
    return NULL;
}

void sse_client_free(sse_client *s)
{
    if (!s)
        return;
    if (s->alive)
        *s->alive = 0;
    http_cancel(s->req);
    loop_timer_cancel(s->l, s->idle_timer);
    loop_timer_cancel(s->l, s->reconnect_timer);
    sse_parser_free(s->parser);
    free(s->url);
    free(s->origin);
    secret_free(s->token);
    free(s->token_header);
    free(s);
}

int sse_client_connections(const sse_client *s)
{
    return s->connections;
}
