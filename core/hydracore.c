/* hydracore.c: the HydraCore driver: one WhatsApp channel per instance, set up with a Meta
 * app's credentials, read back, torn down. Every deployment has its own address (no default)
 * and may want an X-Api-Key next to the Bearer token. The console remembers the instances
 * (LOCAL_PROJECTS): HydraCore's API has no way to list them. */
#include "hubcall.h"
#include "hubform.h"
#include "hydracore_decode.h"
#include "i18n.h"
#include "provider.h"
#include "secret.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { HC_SECRET_TOKEN, HC_SECRET_API_KEY, HC_SECRET_ACCESS, HC_SECRET_APP, HC_SECRETS };

typedef struct hc_call {
    loop *l;
    hubcall *hc;
    hub_op op;
    int api_key_sent;   /* a 401 about the API key means "add one" only when none was sent */
    char *verify_sent;  /* CONNECT: the verify token we sent, NULL if none */
    /* Guarded copies, kept only to spot them if the hub's words quote one back. */
    char *secrets[HC_SECRETS];
    hubform form;       /* checks made before sending */
    json_t *local;      /* an answer known without asking the hub (CHECK without instance) */
    hd_status fail_status;
    uint64_t fail_timer;
    hub_done_fn done;
    hub_wait_fn wait;
    void *arg;
} hc_call;

typedef hd_status (*prep_fn)(hc_call *c, const hub_req *req, hubcall_opts *o, char *path,
                             size_t pn, json_t **body);

static void call_free(hc_call *c)
{
    for (int i = 0; i < HC_SECRETS; i++)
        secret_free(c->secrets[i]);
    secret_free(c->verify_sent);
    hubform_clear(&c->form);
    json_decref(c->local);
    free(c);
}

/* A refusal that concerns no field of a form. */
static hd_status refuse_op(hc_call *c, const char *why)
{
    c->form.failed = 1;
    snprintf(c->form.message, sizeof c->form.message, "%s", why);
    return HD_ERR_USAGE;
}

static hd_status keep_secret(hc_call *c, int slot, const char *s)
{
    if (!s || !*s)
        return HD_OK;
    c->secrets[slot] = secret_dup(s);
    return c->secrets[slot] ? HD_OK : refuse_op(c, hd_status_message(HD_ERR_INTERNAL));
}

/* The instance the op is about: a UUID, checked before anything is sent (the hub would say
 * 422, in FastAPI's words). */
static hd_status instance_path(hc_call *c, const hub_req *req, char *path, size_t pn)
{
    char why[200];
    hd_status st = provider_uuid_check(req->project_id, _("instance id"), why, sizeof why);
    if (st != HD_OK)
        return hubform_refuse(&c->form, "instance", why);
    return hydracore_path(path, pn, req->project_id) == 0
               ? HD_OK
               : refuse_op(c, hd_status_message(HD_ERR_INTERNAL));
}

/* There is no "who am I" endpoint. Without an instance the token cannot be tried: say yes
 * to what can be checked here; with one, reading its channel proves the token. */
static hd_status prep_check(hc_call *c, const hub_req *req, hubcall_opts *o, char *path,
                            size_t pn, json_t **body)
{
    if (req->project_id && *req->project_id)
        return instance_path(c, req, path, pn);
    c->local = json_object();
    return c->local ? HD_OK : refuse_op(c, hd_status_message(HD_ERR_INTERNAL));
}

static hd_status prep_get(hc_call *c, const hub_req *req, hubcall_opts *o, char *path,
                          size_t pn, json_t **body)
{
    return instance_path(c, req, path, pn);
}

/* A secret field of the form: given, and plain visible ASCII (never quoted: it is secret). */
static void check_secret(hc_call *c, const char *field, const char *value, const char *missing,
                         const char *bad)
{
    if (!value || !*value)
        hubform_refuse(&c->form, field, missing);
    else if (!secret_is_token_safe(value))
        hubform_refuse(&c->form, field, bad);
}

/* The Meta app's credentials, each field checked; every bad field is reported at once.
 * Field names are the body's (and hub_connect's). */
static void check_credentials(hc_call *c, const hub_connect *hc)
{
    char why[200];
    check_secret(c, "access_token", hc->access_token,
                 _("enter the WABA access token (a system user token of the Meta app)"),
                 _("the access token holds spaces or characters a token cannot have"));
    check_secret(c, "app_secret", hc->app_secret, _("enter the Meta app secret"),
                 _("the app secret holds spaces or characters a secret cannot have"));
    hubform_check(&c->form, "phone_number_id",
                  provider_digits_check(hc->phone_number_id, _("phone number id"), why,
                                        sizeof why),
                  why);
    if (hc->display_phone && *hc->display_phone)
        hubform_check(&c->form, "display_phone",
                      provider_e164_check(hc->display_phone, why, sizeof why), why);
    if (hc->verify_token && *hc->verify_token && !hydracore_verify_token_ok(hc->verify_token))
        hubform_refuse(&c->form, "verify_token",
                       _("the verify token is 1 to 128 visible characters, no spaces; leave it "
                         "empty to let HydraCore make one"));
}

/* The setup body: optional fields only when given (absent = HydraCore's default). */
static json_t *setup_body(const hub_connect *hc)
{
    json_t *b = json_pack("{s:s,s:s,s:s}", "access_token", hc->access_token, "app_secret",
                          hc->app_secret, "phone_number_id", hc->phone_number_id);
    if (b && hc->display_phone && *hc->display_phone)
        json_object_set_new(b, "display_phone", json_string(hc->display_phone));
    if (b && hc->verify_token && *hc->verify_token)
        json_object_set_new(b, "verify_token", json_string(hc->verify_token));
    return b;
}

static hd_status prep_connect(hc_call *c, const hub_req *req, hubcall_opts *o, char *path,
                              size_t pn, json_t **body)
{
    const hub_connect *hc = req->connect;
    instance_path(c, req, path, pn);
    if (!hc)
        return refuse_op(c, _("enter the Meta app's credentials first"));
    check_credentials(c, hc);
    if (c->form.failed)
        return HD_ERR_USAGE;
    if (keep_secret(c, HC_SECRET_ACCESS, hc->access_token) != HD_OK ||
        keep_secret(c, HC_SECRET_APP, hc->app_secret) != HD_OK)
        return HD_ERR_USAGE;
    /* Kept to tell "sent" from "hub" in the answer; guarded: the vault holds it as a secret. */
    if (hc->verify_token && *hc->verify_token && !(c->verify_sent = secret_dup(hc->verify_token)))
        return refuse_op(c, hd_status_message(HD_ERR_INTERNAL));
    o->method = "POST";
    o->max_retries = -1; /* it changes the hub: a 5xx is reported, never sent again blind */
    *body = setup_body(hc);
    return *body ? HD_OK : refuse_op(c, hd_status_message(HD_ERR_INTERNAL));
}

static hd_status prep_delete(hc_call *c, const hub_req *req, hubcall_opts *o, char *path,
                             size_t pn, json_t **body)
{
    o->method = "DELETE";
    /* After a 5xx the channel may be gone already: a resend would then say 404 and the
     * agent would think the teardown failed. Report the 5xx instead. */
    o->max_retries = -1;
    return instance_path(c, req, path, pn);
}

static const prep_fn preps[HUB_OP_COUNT] = {
    [HUB_OP_CHECK] = prep_check,     [HUB_OP_CHANNELS] = prep_get,
    [HUB_OP_STATUS] = prep_get,      [HUB_OP_CONNECT] = prep_connect,
    [HUB_OP_CHANNEL_DELETE] = prep_delete,
};

static const char *unsupported(hub_op op)
{
    switch (op) {
    case HUB_OP_PROJECTS:
        return _("HydraCore cannot list instances: the console keeps the ones you added by id");
    case HUB_OP_CHANNEL_CREATE:
        return _("HydraCore creates the channel when it is set up with the Meta app's "
                 "credentials");
    case HUB_OP_SEND_TEST:
        return _("HydraCore has no test message call; write to the number from a phone");
    default:
        return _("HydraCore does not offer this operation");
    }
}

/* ---- answers ---------------------------------------------------------------------------- */

static int quotes_secret(const hc_call *c, const char *text)
{
    return hubform_quotes_secret(text, (const char *const *)c->secrets, HC_SECRETS);
}

/* The hub's words: a 422 with the fields it refused, a 401 about the API key with what to do
 * when the profile has none; a line that quotes one of our secrets is replaced, not shown. */
static json_t *answer_error(const hc_call *c, const hubcall_result *r, char *msg, size_t n)
{
    json_t *fields = hydracore_field_errors(r->json);
    size_t nf = json_object_size(fields);
    if (quotes_secret(c, r->message))
        snprintf(msg, n, _("the hub refused the request (HTTP %ld); its answer quoted a secret, "
                           "so it is not shown"),
                 r->code);
    else if (r->code == 422 && nf)
        snprintf(msg, n,
                 ngettext("the hub refused %lu field: %s", "the hub refused %lu fields: %s", nf),
                 (unsigned long)nf, r->message);
    else if (r->code == 401 && !c->api_key_sent && strcasestr(r->message, "api key"))
        snprintf(msg, n, _("%s (this HydraCore wants an X-Api-Key: add it to the profile)"),
                 r->message);
    else
        snprintf(msg, n, "%s", r->message);
    hubform_scrub_fields(fields, (const char *const *)c->secrets, HC_SECRETS);
    return fields;
}

/* A 404 that is an answer: CHECK only needed the token accepted (any 404 comes after the
 * token was), and CHANNELS reads "no channel configured" as an empty list. */
static int not_found_answers(const hc_call *c, const hubcall_result *r)
{
    return r->code == 404 && (c->op == HUB_OP_CHECK ||
                              (c->op == HUB_OP_CHANNELS && !hydracore_instance_missing(r->json)));
}

static json_t *channel_list(const hubcall_result *r)
{
    if (r->code == 404)
        return json_array();
    json_t *ch = hydracore_decode_channel(r->json);
    return ch ? json_pack("[o]", ch) : NULL;
}

static json_t *answer_data(const hc_call *c, const hubcall_result *r, hd_status *st, char *msg,
                           size_t n)
{
    json_t *d = NULL;
    switch (c->op) {
    case HUB_OP_CHECK:
    case HUB_OP_CHANNEL_DELETE:
        d = json_object(); /* 204 or a channel: nothing more to say */
        break;
    case HUB_OP_CHANNELS:
        d = channel_list(r);
        break;
    case HUB_OP_STATUS:
        d = hydracore_decode_status(r->json);
        break;
    case HUB_OP_CONNECT:
        d = hydracore_decode_setup(r->json, c->verify_sent);
        if (!d) { /* the channel may be set up now: say so */
            *st = HD_ERR_PROTOCOL;
            snprintf(msg, n, "%s",
                     _("the hub's answer to the setup was not understood; the channel may be "
                       "set up: read its status"));
            return NULL;
        }
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
static json_t *data_checked(const hc_call *c, json_t *d, hd_status *st, char *msg, size_t n)
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
    hc_call *c = arg;
    char msg[600] = "";
    json_t *fields = NULL;
    c->hc = NULL;
    hub_result res = {
        .status = r->status, .code = r->code, .message = msg, .retry_after_s = r->retry_after_s};
    if (r->status == HD_OK || not_found_answers(c, r)) {
        res.status = HD_OK;
        res.data = answer_data(c, r, &res.status, msg, sizeof msg);
        res.data = data_checked(c, res.data, &res.status, msg, sizeof msg);
    } else {
        fields = answer_error(c, r, msg, sizeof msg);
    }
    res.field_errors = fields;
    c->done(&res, c->arg);
    json_decref(res.data);
    json_decref(fields);
    call_free(c);
}

static void on_call_wait(long delay_ms, const char *message, void *arg)
{
    hc_call *c = arg;
    if (c->wait)
        c->wait(delay_ms, message, c->arg);
}

/* A refusal, or CHECK's local answer: on the next turn, never inside call(). */
static void on_local(loop *l, void *arg)
{
    hc_call *c = arg;
    c->fail_timer = 0;
    hub_result res = {.status = c->fail_status,
                      .message = c->fail_status == HD_OK ? "" : c->form.message,
                      .data = c->fail_status == HD_OK ? c->local : NULL,
                      .field_errors = c->fail_status == HD_OK ? NULL : c->form.fields,
                      .retry_after_s = -1};
    c->done(&res, c->arg);
    call_free(c);
}

/* Where the hub is and how we are let in: the deployment's address, the Bearer token, the
 * optional X-Api-Key (http checks neither header value, so it is done here). */
static hd_status check_access(hc_call *c, const provider_ctx *ctx)
{
    if (!ctx->base_url || !*ctx->base_url)
        return refuse_op(c, _("HydraCore has no default address: give the profile its "
                              "deployment's base URL (https://...)"));
    hd_status st = http_url_check(ctx->base_url);
    if (st != HD_OK) { /* CHECK may answer without a request: the address is checked here */
        refuse_op(c, hd_status_message(st));
        return st;
    }
    if (!ctx->token || !*ctx->token)
        return hubform_refuse(&c->form, "token", _("the profile has no HydraCore token"));
    if (!secret_is_token_safe(ctx->token))
        return hubform_refuse(&c->form, "token",
                              _("the profile's token holds spaces or characters a token cannot "
                                "have; paste it again"));
    if (ctx->api_key && *ctx->api_key && !secret_is_token_safe(ctx->api_key))
        return hubform_refuse(&c->form, "api_key",
                              _("the profile's X-Api-Key holds spaces or characters a header "
                                "cannot carry; paste it again"));
    if (keep_secret(c, HC_SECRET_TOKEN, ctx->token) != HD_OK ||
        keep_secret(c, HC_SECRET_API_KEY, ctx->api_key) != HD_OK)
        return HD_ERR_USAGE;
    return HD_OK;
}

/* Method, path and body for the request; HD_OK, or why it is refused (c->form). */
static hd_status prepare(hc_call *c, const provider_ctx *ctx, const hub_req *req, hubcall_opts *o,
                         char *path, size_t pn, json_t **body)
{
    hd_status st = check_access(c, ctx);
    if (st != HD_OK)
        return st;
    if ((unsigned)req->op >= HUB_OP_COUNT || !preps[req->op])
        return refuse_op(c, unsupported(req->op));
    o->base_url = ctx->base_url;
    o->token = ctx->token;
    if (ctx->api_key && *ctx->api_key) {
        o->api_key = ctx->api_key;
        o->api_key_header = "X-Api-Key";
        c->api_key_sent = 1;
    }
    return preps[req->op](c, req, o, path, pn, body);
}

static void *hc_call_start(const provider_ctx *ctx, const hub_req *req, hub_done_fn done,
                           hub_wait_fn wait, void *arg)
{
    hc_call *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    *c = (hc_call){.l = ctx->l, .op = req->op, .done = done, .wait = wait, .arg = arg};
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

static void hc_call_cancel(void *call)
{
    hc_call *c = call;
    if (!c)
        return;
    hubcall_cancel(c->hc);
    loop_timer_cancel(c->l, c->fail_timer);
    call_free(c);
}

const provider_ops provider_hydracore = {
    .id = "hydracore",
    .label = "HydraCore",
    .project_word = N_("instance"),
    .default_base_url = NULL,
    .caps = PROVIDER_CAP_CREDENTIALS | PROVIDER_CAP_LOCAL_PROJECTS | PROVIDER_CAP_STATUS |
            PROVIDER_CAP_CHANNEL_DELETE,
    .call = hc_call_start,
    .call_cancel = hc_call_cancel,
};
