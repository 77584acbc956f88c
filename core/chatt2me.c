/* chatt2me.c: the Chatt2.me driver. An application key (x-api-key) scopes everything; its
 * channels are connected in the hub's dashboard, so the console only checks the key, sends
 * test messages from a channel the agent entered, and registers webhooks (one per event). */
#include "chatt2me_decode.h"
#include "hubdriver.h"
#include "i18n.h"
#include "provider.h"
#include "secret.h"
#include "text.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define C2_KEY_HEADER "x-api-key"
#define C2_TEXT_MAX 4096 /* characters in a test message (the console's limit, not the hub's) */
#define C2_LABEL_MAX 100 /* webhook label: unknown at the hub, kept short and plain */

static const char *const c2_events[] = {"Message", "MessageStatus", NULL};

/* ---- the call ---------------------------------------------------------------------------- */

typedef struct c2_call {
    hubdriver_call base;    /* first: hubdriver hands the call around as its base */
    char *base_url, *token; /* token in guarded memory: webhooks need it for several POSTs */
    const char *method;
    char path[160];
    json_t *body;
    int max_retries;
    hd_status refuse_status;
    char refuse_msg[600];
    json_t *field_errors; /* refusals made before sending */
    /* HUB_OP_WEBHOOK_SET: the events to register, the next one, what the hub gave back. */
    json_t *events, *hooks;
    size_t next;
    char *url, *label; /* label NULL: "hubdesk <event>" */
} c2_call;

static void call_release(hubdriver_call *base)
{
    c2_call *c = (c2_call *)base;
    json_decref(c->body);
    json_decref(c->field_errors);
    json_decref(c->events);
    json_decref(c->hooks);
    free(c->base_url);
    free(c->url);
    free(c->label);
    secret_free(c->token);
}

/* ---- checks before sending ---------------------------------------------------------------- */

/* Notes a bad field: into field_errors, and into the message (sentences joined by "; "). */
static void field_bad(c2_call *c, const char *field, const char *why)
{
    size_t used = strlen(c->refuse_msg);
    if (!c->field_errors)
        c->field_errors = json_object();
    if (c->field_errors && !json_object_get(c->field_errors, field))
        json_object_set_new(c->field_errors, field, json_string(why));
    snprintf(c->refuse_msg + used, sizeof c->refuse_msg - used, "%s%s", used ? "; " : "", why);
    c->refuse_status = HD_ERR_USAGE;
}

static hd_status refuse(c2_call *c, hd_status st, const char *why)
{
    snprintf(c->refuse_msg, sizeof c->refuse_msg, "%s", why);
    c->refuse_status = st;
    return st;
}

static hd_status out_of_memory(c2_call *c)
{
    return refuse(c, HD_ERR_INTERNAL, hd_status_message(HD_ERR_INTERNAL));
}

/* The kind as the hub spells it in the path ("whatsapp"), whatever case the agent typed. */
static const char *kind_canonical(const char *kind)
{
    for (const char *const *k = provider_channel_kinds(); kind && *k; k++)
        if (!strcasecmp(*k, kind))
            return *k;
    return NULL;
}

/*
 * Why the message cannot go out, or NULL: it must be valid UTF-8, 1..C2_TEXT_MAX characters, not
 * only blanks, no control characters but line breaks and tabs (a test message may have several
 * lines).
 */
static const char *text_problem(const char *text)
{
    size_t len = text ? strlen(text) : 0, chars = 0;
    if (len == 0 || strspn(text, " \t\r\n") == len)
        return _("write the test message");
    if (len > 4 * C2_TEXT_MAX)
        return _("the test message is longer than 4096 characters");
    char *flat = strdup(text);
    if (!flat)
        return hd_status_message(HD_ERR_INTERNAL);
    for (char *p = flat; *p; p++) {
        if (*p == '\n' || *p == '\t' || *p == '\r')
            *p = ' '; /* allowed: text_is_clean below refuses every other control */
        chars += ((unsigned char)*p & 0xC0) != 0x80;
    }
    int clean = text_is_clean(flat);
    free(flat);
    if (!clean)
        return _("the test message holds control characters or invalid UTF-8");
    return chars > C2_TEXT_MAX ? _("the test message is longer than 4096 characters") : NULL;
}

/* A channel id is a UUID; the hub's are lower case (RFC 4122 output), so send it that way. */
static void uuid_lower(const char *in, char out[37])
{
    for (size_t i = 0; i < 36; i++)
        out[i] = (char)tolower((unsigned char)in[i]);
    out[36] = '\0';
}

/* ---- preparing each operation ------------------------------------------------------------- */

static hd_status prep_check(c2_call *c, const hub_req *req)
{
    /* The hub has no "me": listing the webhooks is the only read, and it needs the key. */
    snprintf(c->path, sizeof c->path, "/v1/organization/webhook");
    return HD_OK;
}

static void send_checks(c2_call *c, const hub_req *req, const char **kind)
{
    char why[300];
    const char *text_why = text_problem(req->text);
    if (provider_uuid_check(req->channel_id, _("channel id"), why, sizeof why) != HD_OK)
        field_bad(c, "channel_id", why);
    *kind = kind_canonical(req->kind);
    if (!*kind) {
        field_bad(c, "kind",
                  _("choose the channel's kind: whatsapp, instagram, messenger, telegram, sms "
                    "or webchatt"));
    } else if (provider_recipient_check(*kind, req->to, why, sizeof why) != HD_OK) {
        field_bad(c, "to", why); /* without a kind, `to` cannot be judged */
    }
    if (text_why)
        field_bad(c, "text", text_why);
}

static hd_status prep_send(c2_call *c, const hub_req *req)
{
    const char *kind = NULL;
    char from[37];
    send_checks(c, req, &kind);
    if (c->refuse_status != HD_OK)
        return c->refuse_status;
    uuid_lower(req->channel_id, from);
    snprintf(c->path, sizeof c->path, "/v1/communication/%s/message", kind);
    c->method = "POST";
    c->max_retries = -1; /* a 5xx may have sent it: a second test message would confuse */
    c->body =
        json_pack("{s:s,s:s,s:{s:s}}", "from", from, "to", req->to, "content", "text", req->text);
    return c->body ? HD_OK : out_of_memory(c);
}

static int in_list(const char *const *list, const char *s)
{
    for (; list && *list; list++)
        if (!strcmp(*list, s))
            return 1;
    return 0;
}

/* The events to register, each from the catalogue, each once, in the order given. */
static void hook_events(c2_call *c, const char *const *want)
{
    char shown[64], why[200];
    for (; want && *want; want++) {
        if (!in_list(c2_events, *want)) {
            snprintf(why, sizeof why,
                     _("Chatt2.me has no webhook event \"%s\"; choose Message or MessageStatus"),
                     text_sanitize(*want, shown, sizeof shown));
            field_bad(c, "events", why);
            return;
        }
        int seen = 0;
        for (size_t i = 0; i < json_array_size(c->events); i++)
            seen |= !strcmp(json_string_value(json_array_get(c->events, i)), *want);
        if (!seen)
            json_array_append_new(c->events, json_string(*want));
    }
    if (!json_array_size(c->events))
        field_bad(c, "events", _("choose at least one webhook event"));
}

static hd_status prep_webhook(c2_call *c, const hub_req *req)
{
    char why[300];
    if (provider_webhook_url_check(req->url, why, sizeof why) != HD_OK)
        field_bad(c, "url", why);
    if (req->name && *req->name && (strlen(req->name) > C2_LABEL_MAX || !text_is_clean(req->name)))
        field_bad(c, "name",
                  _("the webhook label must be 1 to 100 characters, no control "
                    "characters"));
    if (!(c->events = json_array()) || !(c->hooks = json_array()))
        return out_of_memory(c);
    hook_events(c, req->events ? req->events : provider_chatt2me.webhook_default_events);
    if (c->refuse_status != HD_OK)
        return c->refuse_status;
    c->url = strdup(req->url);
    c->label = req->name && *req->name ? strdup(req->name) : NULL;
    if (!c->url || (req->name && *req->name && !c->label))
        return out_of_memory(c);
    snprintf(c->path, sizeof c->path, "/v1/organization/webhook");
    c->method = "POST";
    c->max_retries = -1; /* a 5xx may have registered it: never two webhooks for one event */
    return HD_OK;
}

static const char *unsupported(hub_op op)
{
    switch (op) {
    case HUB_OP_PROJECTS:
    case HUB_OP_CHANNELS:
        return _("Chatt2.me cannot list channels through its API: add each channel by its id "
                 "and kind (from the application's dashboard)");
    case HUB_OP_CHANNEL_CREATE:
    case HUB_OP_CONNECT:
        return _("Chatt2.me channels are connected in the hub's dashboard, not through its API");
    case HUB_OP_CHANNEL_DELETE:
    case HUB_OP_CHANNEL_MODE:
        return _("Chatt2.me channels are managed in the hub's dashboard only");
    case HUB_OP_STATUS:
        return _("Chatt2.me has no channel status call: send a test message instead");
    default:
        return _("Chatt2.me has no such operation");
    }
}

static hd_status prepare(c2_call *c, const hub_req *req)
{
    c->method = "GET";
    switch (req->op) {
    case HUB_OP_CHECK:
        return prep_check(c, req);
    case HUB_OP_SEND_TEST:
        return prep_send(c, req);
    case HUB_OP_WEBHOOK_SET:
        return prep_webhook(c, req);
    default:
        return refuse(c, HD_ERR_USAGE, unsupported(req->op));
    }
}

/* ---- answers ------------------------------------------------------------------------------ */

/* The error line: the hub's words, with what the agent can do about the usual ones. */
static void error_text(const hubcall_result *r, char *out, size_t n)
{
    const char *code = hubcall_str(r->json, "errorCode");
    if (r->code == 401)
        snprintf(out, n, _("Chatt2.me refused the application key (%s)"), r->message);
    else if (code && !strcmp(code, "CHANNEL_NOT_FOUND"))
        snprintf(out, n,
                 _("%s (a key sees only the channels of its own application: check the channel "
                   "id and the profile's key)"),
                 r->message);
    else
        snprintf(out, n, "%s", r->message);
}

/* field_errors for a refused request: {"to": "INVALID_RECIPIENT: ..."}, or NULL. */
static json_t *answer_fields(const hubcall_result *r, const char *msg)
{
    const char *field = chatt2me_error_field(r->json);
    return field ? json_pack("{s:s}", field, msg) : NULL;
}

static void deliver(c2_call *c, hd_status st, long code, json_t *data, const char *msg,
                    json_t *fields)
{
    hub_result res = {.status = st,
                      .code = code,
                      .data = st == HD_OK ? data : NULL,
                      .message = msg,
                      .retry_after_s = -1,
                      .field_errors = fields};
    hubdriver_finish(&c->base, &res);
    json_decref(data);
    json_decref(fields);
}

static int send_next_hook(c2_call *c);

/* "MessageStatus: <why> (Message was set)": where it stopped and what exists now. */
static void hook_failed(c2_call *c, const char *event, const char *why, char *out, size_t n)
{
    char set[200] = "";
    size_t i, used = 0, count = json_array_size(c->hooks);
    json_t *h;
    json_array_foreach(c->hooks, i, h)
    {
        int w = snprintf(set + used, sizeof set - used, "%s%s", used ? ", " : "",
                         hubcall_str(h, "event"));
        used += w > 0 && (size_t)w < sizeof set - used ? (size_t)w : 0;
    }
    if (!count)
        snprintf(out, n, "%s: %s", event, why);
    else
        snprintf(out, n,
                 ngettext("%s: %s (%s was set)", "%s: %s (%s were set)", (unsigned long)count),
                 event, why, set);
}

static void on_hook_done(c2_call *c, const hubcall_result *r)
{
    const char *event = json_string_value(json_array_get(c->events, c->next));
    char why[500], msg[800], clean[200];
    const char *id = chatt2me_decode_hook_id(r->json, clean, sizeof clean);
    if (r->status == HD_OK && id) {
        json_array_append_new(c->hooks, json_pack("{s:s,s:s}", "event", event, "id", id));
        c->next++;
        if (c->next < json_array_size(c->events)) {
            if (send_next_hook(c) < 0)
                deliver(c, HD_ERR_INTERNAL, 0, NULL, hd_status_message(HD_ERR_INTERNAL), NULL);
            return;
        }
        json_t *d =
            json_pack("{s:s,s:O,s:O}", "url", c->url, "events", c->events, "hooks", c->hooks);
        deliver(c, d ? HD_OK : HD_ERR_INTERNAL, r->code, d,
                d ? "" : hd_status_message(HD_ERR_INTERNAL), NULL);
        return;
    }
    hd_status st = r->status == HD_OK ? HD_ERR_PROTOCOL : r->status;
    if (r->status == HD_OK)
        snprintf(why, sizeof why, _("the hub's answer to \"%s\" was not understood"),
                 hub_op_label(c->base.op));
    else
        error_text(r, why, sizeof why);
    hook_failed(c, event, why, msg, sizeof msg);
    deliver(c, st, r->code, NULL, msg, r->status == HD_OK ? NULL : answer_fields(r, why));
}

static void on_answer(hubdriver_call *base, const hubcall_result *r)
{
    c2_call *c = (c2_call *)base;
    char msg[600] = "";
    json_t *data = NULL;
    if (base->op == HUB_OP_WEBHOOK_SET) {
        on_hook_done(c, r);
        return;
    }
    hd_status st = r->status;
    if (st != HD_OK) {
        error_text(r, msg, sizeof msg);
        deliver(c, st, r->code, NULL, msg, answer_fields(r, msg));
        return;
    }
    data = base->op == HUB_OP_SEND_TEST ? chatt2me_decode_sent(r->json)
                                        : json_pack("{s:s}", "account", "");
    data = hubdriver_understood(base, data, &st, msg, sizeof msg);
    deliver(c, st, r->code, data, msg, NULL);
}

static int call_send(c2_call *c)
{
    hubcall_opts o = {
        .method = c->method,
        .base_url = c->base_url,
        .path = c->path,
        .body = c->body,
        .token = c->token,
        .token_header = C2_KEY_HEADER,
        .max_retries = c->max_retries,
    };
    return hubdriver_send(&c->base, &o, on_answer);
}

/* One POST per event: {"label","endpoint","eventType"}. */
static int send_next_hook(c2_call *c)
{
    const char *event = json_string_value(json_array_get(c->events, c->next));
    char label[C2_LABEL_MAX + 32];
    snprintf(label, sizeof label, "%s", c->label ? c->label : "");
    if (!c->label)
        snprintf(label, sizeof label, "hubdesk %s", event);
    json_decref(c->body);
    c->body = json_pack("{s:s,s:s,s:s}", "label", label, "endpoint", c->url, "eventType", event);
    return c->body ? call_send(c) : -1;
}

/* The key and where it goes; HD_OK, or why not (reported like any other refusal). */
static hd_status use_key(c2_call *c, const provider_ctx *ctx)
{
    const char *base =
        ctx->base_url && *ctx->base_url ? ctx->base_url : provider_chatt2me.default_base_url;
    if (!(c->base_url = strdup(base)))
        return out_of_memory(c);
    if (!ctx->token || !*ctx->token)
        return refuse(c, HD_ERR_USAGE,
                      _("the profile has no application key for Chatt2.me (x-api-key)"));
    return (c->token = secret_dup(ctx->token)) ? HD_OK : out_of_memory(c);
}

static void *c2_call_start(const provider_ctx *ctx, const hub_req *req, hub_done_fn done,
                           hub_wait_fn wait, void *arg)
{
    c2_call *c = (c2_call *)hubdriver_new(sizeof *c, ctx, req, done, wait, arg, call_release);
    if (!c)
        return NULL;
    hd_status st = use_key(c, ctx);
    if (st == HD_OK)
        st = prepare(c, req);
    if (st != HD_OK)
        return hubdriver_begin(&c->base, NULL, NULL,
                               &(hub_result){.status = st,
                                             .message = c->refuse_msg,
                                             .field_errors = c->field_errors});
    if ((req->op == HUB_OP_WEBHOOK_SET ? send_next_hook(c) : call_send(c)) == 0)
        return c;
    hubdriver_cancel(c);
    return NULL;
}

const provider_ops provider_chatt2me = {
    .id = "chatt2me",
    .label = "Chatt2.me",
    .project_word = N_("application"),
    .default_base_url = "https://api.chatt2.me",
    .caps = PROVIDER_CAP_TEST_MESSAGE | PROVIDER_CAP_WEBHOOK | PROVIDER_CAP_WEBHOOK_VERIFY |
            PROVIDER_CAP_LOCAL_CHANNELS | PROVIDER_CAP_CHANNEL_KIND,
    .call = c2_call_start,
    .call_cancel = hubdriver_cancel,
    .webhook_events = c2_events,
    .webhook_default_events = c2_events,
};
