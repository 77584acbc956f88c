/* hubmessage.c: the HubMessage driver: create a channel, connect it with what the web SDK's
 * signup hands over (WABA id, phone id, one-time code), read its status, send a test message.
 * HubMessage cannot list channels: the console remembers the ones it knows (LOCAL_CHANNELS). */
#include "hubdriver.h"
#include "hubmessage_decode.h"
#include "i18n.h"
#include "provider.h"
#include "secret.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { HM_SECRET_TOKEN, HM_SECRET_CODE }; /* slots of hubdriver_form.secrets */

typedef struct hm_call {
    hubdriver_call base; /* first: hubdriver hands the call around as its base */
    char id[HM_ID_MAX + 1]; /* the channel of connect / status / send */
    char name[256];         /* create: the name sent, for the channel in `data` */
    hubdriver_form f;       /* checks, secrets (HM_SECRET_*), CHECK's local answer */
} hm_call;

typedef hd_status (*prep_fn)(hm_call *c, const hub_req *req, hubdriver_request *rq);

static void call_release(hubdriver_call *base)
{
    hubdriver_form_clear(&((hm_call *)base)->f);
}

static hd_status out_of_memory(hm_call *c)
{
    return hubdriver_form_refuse(&c->f, hd_status_message(HD_ERR_INTERNAL));
}

/* The hub has no "who am I" endpoint, so the check is local: the one mistake we can see is
 * the public key (it works only in the browser SDK; the API wants the secret key). */
static hd_status prep_check(hm_call *c, const hub_req *req, hubdriver_request *rq)
{
    if (hubmessage_is_public_key(rq->o.token)) {
        hubform_refuse(&c->f.form, "token",
                       _("that is the public key, which only the web SDK uses; the API needs "
                         "the secret key (HubMessage dashboard, Security)"));
        return HD_ERR_AUTH;
    }
    c->f.local = json_pack("{s:s}", "account", "");
    return c->f.local ? HD_OK : out_of_memory(c);
}

static hd_status prep_create(hm_call *c, const hub_req *req, hubdriver_request *rq)
{
    long len = hubform_text_len(req->name, 0);
    if (len == 0 || !req->name)
        return hubform_refuse(&c->f.form, "name", _("give the new channel a name"));
    if (len < 0)
        return hubform_refuse(&c->f.form, "name",
                              _("the channel name must be plain text, no control characters"));
    if (len > HM_NAME_MAX)
        return hubform_refuse(&c->f.form, "name", _("the channel name is at most 60 characters"));
    snprintf(c->name, sizeof c->name, "%s", req->name);
    snprintf(rq->path, sizeof rq->path, "/v1/channels");
    rq->o.method = "POST";
    rq->o.max_retries = -1; /* a resend after a lost answer would make a second channel */
    rq->body = json_pack("{s:s,s:s}", "name", req->name, "type", "META_WHATSAPP");
    return rq->body ? HD_OK : out_of_memory(c);
}

/* The channel of the request, checked; "/v1/channels/<id><suffix>" into path. */
static hd_status channel_path(hm_call *c, const hub_req *req, hubdriver_request *rq,
                              const char *suffix)
{
    if (!req->channel_id || !*req->channel_id)
        return hubform_refuse(&c->f.form, "channel_id", _("choose the channel"));
    if (!hubmessage_id_ok(req->channel_id))
        return hubform_refuse(&c->f.form, "channel_id",
                              _("the channel id holds characters an id cannot have (it looks "
                                "like a1b2c3d4-e5f6-7890-abcd-ef1234567890)"));
    snprintf(c->id, sizeof c->id, "%s", req->channel_id);
    snprintf(rq->path, sizeof rq->path, "/v1/channels/%s%s", req->channel_id, suffix);
    return HD_OK;
}

/* What the signup handed over, each field checked; every bad field is reported at once. */
static void check_signup(hm_call *c, const hub_connect *hc)
{
    char why[200];
    hubform_check(&c->f.form, "waba_id",
                  provider_digits_check(hc->waba_id, _("WhatsApp Business Account id"), why,
                                        sizeof why),
                  why);
    hubform_check(&c->f.form, "phone_id",
                  provider_digits_check(hc->phone_id, _("phone number id"), why, sizeof why),
                  why);
    hubdriver_form_secret(&c->f, "code", hc->code,
                          _("enter the authorization code the signup gave"),
                          _("the authorization code holds spaces or characters a code cannot "
                            "have"));
}

static hd_status prep_connect(hm_call *c, const hub_req *req, hubdriver_request *rq)
{
    const hub_connect *hc = req->connect;
    channel_path(c, req, rq, "/connect");
    if (!hc)
        return hubform_refuse(&c->f.form, "code", _("run the signup first: it gives the WABA id, "
                                                  "phone id and authorization code"));
    check_signup(c, hc);
    if (c->f.form.failed)
        return HD_ERR_USAGE;
    if (hubdriver_form_keep(&c->f, HM_SECRET_CODE, hc->code) != HD_OK)
        return HD_ERR_USAGE;
    rq->o.method = "POST";
    rq->o.max_retries = -1; /* the code works once: a resend could only fail, or confuse */
    rq->body = json_pack("{s:s,s:s,s:s,s:b}", "wabaId", hc->waba_id, "phoneId", hc->phone_id,
                         "code", hc->code, "coexistence", hc->coexistence ? 1 : 0);
    return rq->body ? HD_OK : out_of_memory(c);
}

static hd_status prep_send(hm_call *c, const hub_req *req, hubdriver_request *rq)
{
    char why[200];
    long len = hubform_text_len(req->text, 1);
    channel_path(c, req, rq, "/messages");
    hubform_check(&c->f.form, "to", provider_phone_check(req->to, why, sizeof why), why);
    if (len == 0 || !req->text)
        hubform_refuse(&c->f.form, "text", _("enter the text of the test message"));
    else if (len < 0)
        hubform_refuse(&c->f.form, "text", _("the message text holds control characters"));
    else if (len > HM_TEXT_MAX)
        hubform_refuse(&c->f.form, "text", _("the message text is at most 4096 characters"));
    if (c->f.form.failed)
        return HD_ERR_USAGE;
    rq->o.method = "POST";
    rq->o.max_retries = -1; /* a resend after a lost answer sends the customer two messages */
    rq->body = json_pack("{s:{s:s},s:{s:s,s:{s:s}}}", "recipient", "identifier", req->to, "content",
                      "type", "TEXT", "body", "message", req->text);
    return rq->body ? HD_OK : out_of_memory(c);
}

static hd_status prep_status(hm_call *c, const hub_req *req, hubdriver_request *rq)
{
    return channel_path(c, req, rq, "");
}

static const prep_fn preps[HUB_OP_COUNT] = {
    [HUB_OP_CHECK] = prep_check,     [HUB_OP_CHANNEL_CREATE] = prep_create,
    [HUB_OP_CONNECT] = prep_connect, [HUB_OP_SEND_TEST] = prep_send,
    [HUB_OP_STATUS] = prep_status,
};

static const hubdriver_lack lacks[] = {
    {HUB_OP_CHANNELS, N_("HubMessage cannot list channels: the console keeps the ones it created "
                         "or you added by id")},
    {HUB_OP_CHANNEL_DELETE,
     N_("HubMessage has no channel deletion in its API: remove it in the dashboard")},
    {HUB_OP_WEBHOOK_SET, N_("HubMessage webhooks are set in its dashboard, not through the API")},
    {0, NULL},
};

/* ---- answers ---------------------------------------------------------------------------- */

/* The hub's words ("INVALID_CODE: authorization code expired: ..."), and which field they
 * are about; a line that quotes one of our secrets is replaced, not shown. */
static json_t *answer_error(const hm_call *c, const hubcall_result *r, char *msg, size_t n)
{
    json_t *fields = hubmessage_field_errors(r->json);
    if (!hubdriver_form_hides(&c->f, r, msg, n))
        snprintf(msg, n, "%s", r->message);
    hubdriver_form_scrub(&c->f, fields);
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
    hub_op op = c->base.op;
    if (op == HUB_OP_CHANNEL_CREATE) /* it may exist now: say where to look */
        return hubdriver_decoded(hubmessage_decode_created(j, c->name),
                                 _("the hub may have created the channel but sent no usable id "
                                   "for it; look for it in the HubMessage dashboard"),
                                 st, msg, n);
    if (op == HUB_OP_CONNECT)
        return connected_data(c, j, st, msg, n);
    json_t *d = op == HUB_OP_SEND_TEST ? hubmessage_decode_sent(j)
                : op == HUB_OP_STATUS  ? hubmessage_decode_status(j)
                                       : NULL;
    return hubdriver_understood(&c->base, d, st, msg, n);
}

static void on_answer(hubdriver_call *base, const hubcall_result *r)
{
    hm_call *c = (hm_call *)base;
    char msg[500] = "";
    hd_status st = r->status;
    json_t *data = NULL, *fields = NULL;
    if (base->op == HUB_OP_STATUS && (r->code == 404 || r->code == 405)) {
        /* GET /v1/channels/{id} is our guess: the real hub may not have it at all. */
        st = HD_OK;
        data = hubmessage_unknown_status();
    } else if (st != HD_OK) {
        fields = answer_error(c, r, msg, sizeof msg);
    } else {
        data = answer_data(c, r->json, &st, msg, sizeof msg);
    }
    hubdriver_form_finish(base, &c->f, r, st, data, fields, msg, sizeof msg);
}

/* The profile's secret key: there, and fit for a header. */
static hd_status check_token(hm_call *c, const char *token)
{
    if (hubdriver_form_secret(&c->f, "token", token, _("the profile has no HubMessage secret key"),
                              _("the profile's secret key holds spaces or characters a key "
                                "cannot have; paste it again")) != HD_OK)
        return HD_ERR_USAGE;
    return hubdriver_form_keep(&c->f, HM_SECRET_TOKEN, token);
}

/* Method, path and body for the request, or why it is refused (c->f.form), or CHECK's local
 * answer. */
static const hub_result *prepare(hubdriver_call *base, const provider_ctx *ctx,
                                 const hub_req *req, hubdriver_request *rq, hub_result *early)
{
    hm_call *c = (hm_call *)base;
    hd_status st = check_token(c, ctx->token);
    if (st == HD_OK && ((unsigned)req->op >= HUB_OP_COUNT || !preps[req->op])) {
        st = hubdriver_form_refuse(&c->f, hubdriver_unsupported(lacks, req->op,
                                                                _("HubMessage does not offer "
                                                                  "this operation")));
    } else if (st == HD_OK) {
        rq->o.base_url = ctx->base_url && *ctx->base_url ? ctx->base_url
                                                         : provider_hubmessage.default_base_url;
        rq->o.token = ctx->token;
        st = preps[req->op](c, req, rq);
    }
    return hubdriver_form_early(&c->f, st, early);
}

HUBDRIVER_CALL_FN(hm_call_start, hm_call, prepare, on_answer, call_release)

const provider_ops provider_hubmessage = {
    .id = "hubmessage",
    .label = "HubMessage",
    .project_word = N_("account"),
    .default_base_url = "https://api.hubmessage.io",
    .call = hm_call_start,
    .call_cancel = hubdriver_cancel,
    .caps = PROVIDER_CAP_SIGNUP_CODE | PROVIDER_CAP_CHANNEL_CREATE | PROVIDER_CAP_TEST_MESSAGE |
            PROVIDER_CAP_LOCAL_CHANNELS | PROVIDER_CAP_STATUS,
};
