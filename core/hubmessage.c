/* hubmessage.c: the HubMessage driver: create a channel, connect it with what the web SDK's
 * signup hands over (WABA id, phone id, one-time code), read its status, send a test message.
 * HubMessage cannot list channels: the console remembers the ones it knows (LOCAL_CHANNELS). */
#include "hubcall.h"
#include "hubform.h"
#include "hubmessage_decode.h"
#include "i18n.h"
#include "provider.h"
#include "secret.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { HM_SECRET_TOKEN, HM_SECRET_CODE, HM_SECRETS };

typedef struct hm_call {
    loop *l;
    hubcall *hc;
    hub_op op;
    char id[HM_ID_MAX + 1]; /* the channel of connect / status / send */
    char name[256];         /* create: the name sent, for the channel in `data` */
    /* Guarded copies, kept only to spot them if the hub's words quote one back. */
    char *secrets[HM_SECRETS];
    hubform form;   /* checks made before sending */
    json_t *local;  /* an answer known without asking the hub (CHECK) */
    hd_status fail_status;
    uint64_t fail_timer;
    hub_done_fn done;
    hub_wait_fn wait;
    void *arg;
} hm_call;

typedef hd_status (*prep_fn)(hm_call *c, const hub_req *req, hubcall_opts *o, char *path,
                             size_t pn, json_t **body);

static void call_free(hm_call *c)
{
    for (int i = 0; i < HM_SECRETS; i++)
        secret_free(c->secrets[i]);
    hubform_clear(&c->form);
    json_decref(c->local);
    free(c);
}

/* A refusal that concerns no field of a form (an operation HubMessage does not have). */
static hd_status refuse_op(hm_call *c, const char *why)
{
    c->form.failed = 1;
    snprintf(c->form.message, sizeof c->form.message, "%s", why);
    return HD_ERR_USAGE;
}

/* The hub has no "who am I" endpoint, so the check is local: the one mistake we can see is
 * the public key (it works only in the browser SDK; the API wants the secret key). */
static hd_status prep_check(hm_call *c, const hub_req *req, hubcall_opts *o, char *path,
                            size_t pn, json_t **body)
{
    if (hubmessage_is_public_key(o->token)) {
        hubform_refuse(&c->form, "token",
                       _("that is the public key, which only the web SDK uses; the API needs "
                         "the secret key (HubMessage dashboard, Security)"));
        return HD_ERR_AUTH;
    }
    c->local = json_pack("{s:s}", "account", "");
    return c->local ? HD_OK : refuse_op(c, hd_status_message(HD_ERR_INTERNAL));
}

static hd_status prep_create(hm_call *c, const hub_req *req, hubcall_opts *o, char *path,
                             size_t pn, json_t **body)
{
    long len = hubform_text_len(req->name, 0);
    if (len == 0 || !req->name)
        return hubform_refuse(&c->form, "name", _("give the new channel a name"));
    if (len < 0)
        return hubform_refuse(&c->form, "name",
                              _("the channel name must be plain text, no control characters"));
    if (len > HM_NAME_MAX)
        return hubform_refuse(&c->form, "name", _("the channel name is at most 60 characters"));
    snprintf(c->name, sizeof c->name, "%s", req->name);
    snprintf(path, pn, "/v1/channels");
    o->method = "POST";
    o->max_retries = -1; /* a resend after a lost answer would make a second channel */
    *body = json_pack("{s:s,s:s}", "name", req->name, "type", "META_WHATSAPP");
    return *body ? HD_OK : refuse_op(c, hd_status_message(HD_ERR_INTERNAL));
}

/* The channel of the request, checked; "/v1/channels/<id><suffix>" into path. */
static hd_status channel_path(hm_call *c, const hub_req *req, char *path, size_t pn,
                              const char *suffix)
{
    if (!req->channel_id || !*req->channel_id)
        return hubform_refuse(&c->form, "channel_id", _("choose the channel"));
    if (!hubmessage_id_ok(req->channel_id))
        return hubform_refuse(&c->form, "channel_id",
                              _("the channel id holds characters an id cannot have (it looks "
                                "like a1b2c3d4-e5f6-7890-abcd-ef1234567890)"));
    snprintf(c->id, sizeof c->id, "%s", req->channel_id);
    snprintf(path, pn, "/v1/channels/%s%s", req->channel_id, suffix);
    return HD_OK;
}

/* What the signup handed over, each field checked; every bad field is reported at once. */
static void check_signup(hm_call *c, const hub_connect *hc)
{
    char why[200];
    hubform_check(&c->form, "waba_id",
                  provider_digits_check(hc->waba_id, _("WhatsApp Business Account id"), why,
                                        sizeof why),
                  why);
    hubform_check(&c->form, "phone_id",
                  provider_digits_check(hc->phone_id, _("phone number id"), why, sizeof why),
                  why);
    if (!hc->code || !*hc->code)
        hubform_refuse(&c->form, "code", _("enter the authorization code the signup gave"));
    else if (!secret_is_token_safe(hc->code)) /* never quoted: it is a secret */
        hubform_refuse(&c->form, "code",
                       _("the authorization code holds spaces or characters a code cannot have"));
}

static hd_status prep_connect(hm_call *c, const hub_req *req, hubcall_opts *o, char *path,
                              size_t pn, json_t **body)
{
    const hub_connect *hc = req->connect;
    channel_path(c, req, path, pn, "/connect");
    if (!hc)
        return hubform_refuse(&c->form, "code", _("run the signup first: it gives the WABA id, "
                                                  "phone id and authorization code"));
    check_signup(c, hc);
    if (c->form.failed)
        return HD_ERR_USAGE;
    if (!(c->secrets[HM_SECRET_CODE] = secret_dup(hc->code)))
        return refuse_op(c, hd_status_message(HD_ERR_INTERNAL));
    o->method = "POST";
    o->max_retries = -1; /* the code works once: a resend could only fail, or confuse */
    *body = json_pack("{s:s,s:s,s:s,s:b}", "wabaId", hc->waba_id, "phoneId", hc->phone_id, "code",
                      hc->code, "coexistence", hc->coexistence ? 1 : 0);
    return *body ? HD_OK : refuse_op(c, hd_status_message(HD_ERR_INTERNAL));
}

static hd_status prep_send(hm_call *c, const hub_req *req, hubcall_opts *o, char *path, size_t pn,
                           json_t **body)
{
    char why[200];
    long len = hubform_text_len(req->text, 1);
    channel_path(c, req, path, pn, "/messages");
    hubform_check(&c->form, "to", provider_phone_check(req->to, why, sizeof why), why);
    if (len == 0 || !req->text)
        hubform_refuse(&c->form, "text", _("enter the text of the test message"));
    else if (len < 0)
        hubform_refuse(&c->form, "text", _("the message text holds control characters"));
    else if (len > HM_TEXT_MAX)
        hubform_refuse(&c->form, "text", _("the message text is at most 4096 characters"));
    if (c->form.failed)
        return HD_ERR_USAGE;
    o->method = "POST";
    o->max_retries = -1; /* a resend after a lost answer sends the customer two messages */
    *body = json_pack("{s:{s:s},s:{s:s,s:{s:s}}}", "recipient", "identifier", req->to, "content",
                      "type", "TEXT", "body", "message", req->text);
    return *body ? HD_OK : refuse_op(c, hd_status_message(HD_ERR_INTERNAL));
}

static hd_status prep_status(hm_call *c, const hub_req *req, hubcall_opts *o, char *path,
                             size_t pn, json_t **body)
{
    return channel_path(c, req, path, pn, "");
}

static const prep_fn preps[HUB_OP_COUNT] = {
    [HUB_OP_CHECK] = prep_check,     [HUB_OP_CHANNEL_CREATE] = prep_create,
    [HUB_OP_CONNECT] = prep_connect, [HUB_OP_SEND_TEST] = prep_send,
    [HUB_OP_STATUS] = prep_status,
};

static const char *unsupported(hub_op op)
{
    switch (op) {
    case HUB_OP_CHANNELS:
        return _("HubMessage cannot list channels: the console keeps the ones it created or "
                 "you added by id");
    case HUB_OP_CHANNEL_DELETE:
        return _("HubMessage has no channel deletion in its API: remove it in the dashboard");
    case HUB_OP_WEBHOOK_SET:
        return _("HubMessage webhooks are set in its dashboard, not through the API");
    default:
        return _("HubMessage does not offer this operation");
    }
}

/* ---- answers ---------------------------------------------------------------------------- */

static int quotes_secret(const hm_call *c, const char *text)
{
    return hubform_quotes_secret(text, (const char *const *)c->secrets, HM_SECRETS);
}

/* The hub's words ("INVALID_CODE: authorization code expired: ..."), and which field they
 * are about; a line that quotes one of our secrets is replaced, not shown. */
static json_t *answer_error(const hm_call *c, const hubcall_result *r, char *msg, size_t n)
{
    json_t *fields = hubmessage_field_errors(r->json);
    if (quotes_secret(c, r->message))
        snprintf(msg, n, _("the hub refused the request (HTTP %ld); its answer quoted a secret, "
                           "so it is not shown"),
                 r->code);
    else
        snprintf(msg, n, "%s", r->message);
    hubform_scrub_fields(fields, (const char *const *)c->secrets, HM_SECRETS);
    return fields;
}

static json_t *connected_data(const hm_call *c, const json_t *j, hd_status *st, char *msg,
                              size_t n)
{
    if (hubmessage_decode_connected(j))
        return json_pack("{s:s,s:b}", "id", c->id, "connected", 1);
    *st = HD_ERR_REJECTED;
    snprintf(msg, n, "%s", _("the hub answered that the channel did not connect"));
    return NULL;
}

static json_t *answer_data(const hm_call *c, const json_t *j, hd_status *st, char *msg, size_t n)
{
    json_t *d = NULL;
    switch (c->op) {
    case HUB_OP_CHANNEL_CREATE:
        if (!(d = hubmessage_decode_created(j, c->name))) {
            *st = HD_ERR_PROTOCOL; /* it may exist now: say where to look */
            snprintf(msg, n, "%s",
                     _("the hub may have created the channel but sent no usable id for it; "
                       "look for it in the HubMessage dashboard"));
        }
        return d;
    case HUB_OP_CONNECT:
        return connected_data(c, j, st, msg, n);
    case HUB_OP_SEND_TEST:
        d = hubmessage_decode_sent(j);
        break;
    case HUB_OP_STATUS:
        d = hubmessage_decode_status(j);
        break;
    default:
        break;
    }
    if (!d) {
        *st = HD_ERR_PROTOCOL;
        snprintf(msg, n, _("the hub's answer to \"%s\" was not understood"), hub_op_label(c->op));
    }
    return d;
}

/* Nothing the hub sent that quotes a secret reaches the caller, in data either. */
static json_t *data_checked(const hm_call *c, json_t *d, hd_status *st, char *msg, size_t n)
{
    char *dump = d ? json_dumps(d, JSON_COMPACT) : NULL;
    int bad = quotes_secret(c, dump);
    if (dump)
        secret_wipe(dump, strlen(dump));
    free(dump);
    if (!bad)
        return d;
    json_decref(d);
    *st = HD_ERR_PROTOCOL;
    snprintf(msg, n, "%s", _("the hub's answer quoted a secret, so it is not shown"));
    return NULL;
}

static void on_call_done(const hubcall_result *r, void *arg)
{
    hm_call *c = arg;
    char msg[500] = "";
    json_t *fields = NULL;
    c->hc = NULL;
    hub_result res = {
        .status = r->status, .code = r->code, .message = msg, .retry_after_s = r->retry_after_s};
    if (c->op == HUB_OP_STATUS && (r->code == 404 || r->code == 405)) {
        /* GET /v1/channels/{id} is our guess: the real hub may not have it at all. */
        res.status = HD_OK;
        res.data = hubmessage_unknown_status();
    } else if (r->status != HD_OK) {
        fields = answer_error(c, r, msg, sizeof msg);
    } else {
        res.data = answer_data(c, r->json, &res.status, msg, sizeof msg);
    }
    res.data = data_checked(c, res.data, &res.status, msg, sizeof msg);
    res.field_errors = fields;
    c->done(&res, c->arg);
    json_decref(res.data);
    json_decref(fields);
    call_free(c);
}

static void on_call_wait(long delay_ms, const char *message, void *arg)
{
    hm_call *c = arg;
    if (c->wait)
        c->wait(delay_ms, message, c->arg);
}

/* A refusal, or CHECK's local answer: on the next turn, never inside call(). */
static void on_local(loop *l, void *arg)
{
    hm_call *c = arg;
    c->fail_timer = 0;
    hub_result res = {.status = c->fail_status,
                      .message = c->fail_status == HD_OK ? "" : c->form.message,
                      .data = c->fail_status == HD_OK ? c->local : NULL,
                      .field_errors = c->fail_status == HD_OK ? NULL : c->form.fields,
                      .retry_after_s = -1};
    c->done(&res, c->arg);
    call_free(c);
}

/* The profile's secret key: there, and fit for a header. */
static hd_status check_token(hm_call *c, const char *token)
{
    if (!token || !*token)
        return hubform_refuse(&c->form, "token", _("the profile has no HubMessage secret key"));
    if (!secret_is_token_safe(token))
        return hubform_refuse(&c->form, "token",
                              _("the profile's secret key holds spaces or characters a key "
                                "cannot have; paste it again"));
    c->secrets[HM_SECRET_TOKEN] = secret_dup(token);
    return c->secrets[HM_SECRET_TOKEN] ? HD_OK : refuse_op(c, hd_status_message(HD_ERR_INTERNAL));
}

/* Method, path and body for the request; HD_OK, or why it is refused (c->form). */
static hd_status prepare(hm_call *c, const provider_ctx *ctx, const hub_req *req, hubcall_opts *o,
                         char *path, size_t pn, json_t **body)
{
    hd_status st = check_token(c, ctx->token);
    if (st != HD_OK)
        return st;
    if ((unsigned)req->op >= HUB_OP_COUNT || !preps[req->op])
        return refuse_op(c, unsupported(req->op));
    o->base_url = ctx->base_url && *ctx->base_url ? ctx->base_url
                                                  : provider_hubmessage.default_base_url;
    o->token = ctx->token;
    return preps[req->op](c, req, o, path, pn, body);
}

static void *hm_call_start(const provider_ctx *ctx, const hub_req *req, hub_done_fn done,
                           hub_wait_fn wait, void *arg)
{
    hm_call *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    *c = (hm_call){.l = ctx->l, .op = req->op, .done = done, .wait = wait, .arg = arg};
    hubcall_opts o = {.backoff_base_ms = ctx->backoff_base_ms};
    char path[300] = "";
    json_t *body = NULL;
    c->fail_status = prepare(c, ctx, req, &o, path, sizeof path, &body);
    o.path = path;
    o.body = body;
    if (c->fail_status == HD_OK && !c->local)
        c->hc = hubcall_start(ctx->http, ctx->l, &o, on_call_done, on_call_wait, c);
    json_decref(body); /* hubcall sent a copy; jansson wipes this one (secret_harden_json) */
    if (c->hc)
        return c;
    if ((c->fail_status != HD_OK || c->local) &&
        (c->fail_timer = loop_timer_add(ctx->l, 0, on_local, c)))
        return c;
    call_free(c);
    return NULL;
}

static void hm_call_cancel(void *call)
{
    hm_call *c = call;
    if (!c)
        return;
    hubcall_cancel(c->hc);
    loop_timer_cancel(c->l, c->fail_timer);
    call_free(c);
}

const provider_ops provider_hubmessage = {
    .id = "hubmessage",
    .label = "HubMessage",
    .project_word = N_("account"),
    .default_base_url = "https://api.hubmessage.io",
    .caps = PROVIDER_CAP_SIGNUP_CODE | PROVIDER_CAP_CHANNEL_CREATE | PROVIDER_CAP_TEST_MESSAGE |
            PROVIDER_CAP_LOCAL_CHANNELS | PROVIDER_CAP_STATUS,
    .call = hm_call_start,
    .call_cancel = hm_call_cancel,
};
