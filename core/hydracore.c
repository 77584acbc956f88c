/* hydracore.c: the HydraCore driver: one WhatsApp channel per instance, set up with a Meta
 * app's credentials, read back, torn down. Every deployment has its own address (no default)
 * and may want an X-Api-Key next to the Bearer token. The console remembers the instances
 * (LOCAL_PROJECTS): HydraCore's API has no way to list them. */
#include "hubdriver.h"
#include "hydracore_decode.h"
#include "i18n.h"
#include "provider.h"
#include "secret.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { HC_SECRET_TOKEN, HC_SECRET_API_KEY, HC_SECRET_ACCESS, HC_SECRET_APP }; /* f.secrets */

typedef struct hc_call {
    hubdriver_call base; /* first: hubdriver hands the call around as its base */
    int api_key_sent;    /* a 401 about the API key means "add one" only when none was sent */
    char *verify_sent;   /* CONNECT: the verify token we sent, NULL if none */
    hubdriver_form f;    /* checks, secrets, CHECK's local answer (without instance) */
} hc_call;

typedef hd_status (*prep_fn)(hc_call *c, const hub_req *req, hubdriver_request *rq);

static void call_release(hubdriver_call *base)
{
    hc_call *c = (hc_call *)base;
    secret_free(c->verify_sent);
    hubdriver_form_clear(&c->f);
}

static hd_status out_of_memory(hc_call *c)
{
    return hubdriver_form_refuse(&c->f, hd_status_message(HD_ERR_INTERNAL));
}

/* The instance the op is about: a UUID, checked before anything is sent (the hub would say
 * 422, in FastAPI's words). */
static hd_status instance_path(hc_call *c, const hub_req *req, hubdriver_request *rq)
{
    char why[200];
    hd_status st = provider_uuid_check(req->project_id, _("instance id"), why, sizeof why);
    if (st != HD_OK)
        return hubform_refuse(&c->f.form, "instance", why);
    return hydracore_path(rq->path, sizeof rq->path, req->project_id) == 0
               ? HD_OK
               : out_of_memory(c);
}

/* There is no "who am I" endpoint. Without an instance the token cannot be tried: say yes
 * to what can be checked here; with one, reading its channel proves the token. */
static hd_status prep_check(hc_call *c, const hub_req *req, hubdriver_request *rq)
{
    if (req->project_id && *req->project_id)
        return instance_path(c, req, rq);
    c->f.local = json_object();
    return c->f.local ? HD_OK : out_of_memory(c);
}

static hd_status prep_get(hc_call *c, const hub_req *req, hubdriver_request *rq)
{
    return instance_path(c, req, rq);
}


/* The Meta app's credentials, each field checked; every bad field is reported at once.
 * Field names are the body's (and hub_connect's). */
static void check_credentials(hc_call *c, const hub_connect *hc)
{
    char why[200];
    hubdriver_form_secret(&c->f, "access_token", hc->access_token,
                 _("enter the WABA access token (a system user token of the Meta app)"),
                 _("the access token holds spaces or characters a token cannot have"));
    hubdriver_form_secret(&c->f, "app_secret", hc->app_secret, _("enter the Meta app secret"),
                 _("the app secret holds spaces or characters a secret cannot have"));
    hubform_check(&c->f.form, "phone_number_id",
                  provider_digits_check(hc->phone_number_id, _("phone number id"), why,
                                        sizeof why),
                  why);
    if (hc->display_phone && *hc->display_phone)
        hubform_check(&c->f.form, "display_phone",
                      provider_e164_check(hc->display_phone, why, sizeof why), why);
    if (hc->verify_token && *hc->verify_token && !hydracore_verify_token_ok(hc->verify_token))
        hubform_refuse(&c->f.form, "verify_token",
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

static hd_status prep_connect(hc_call *c, const hub_req *req, hubdriver_request *rq)
{
    const hub_connect *hc = req->connect;
    instance_path(c, req, rq);
    if (!hc)
        return hubdriver_form_refuse(&c->f, _("enter the Meta app's credentials first"));
    check_credentials(c, hc);
    if (c->f.form.failed)
        return HD_ERR_USAGE;
    if (hubdriver_form_keep(&c->f, HC_SECRET_ACCESS, hc->access_token) != HD_OK ||
        hubdriver_form_keep(&c->f, HC_SECRET_APP, hc->app_secret) != HD_OK)
        return HD_ERR_USAGE;
    /* Kept to tell "sent" from "hub" in the answer; guarded: the vault holds it as a secret. */
    if (hc->verify_token && *hc->verify_token && !(c->verify_sent = secret_dup(hc->verify_token)))
        return out_of_memory(c);
    rq->o.method = "POST";
    rq->o.max_retries = -1; /* it changes the hub: a 5xx is reported, never sent again blind */
    rq->body = setup_body(hc);
    return rq->body ? HD_OK : out_of_memory(c);
}

static hd_status prep_delete(hc_call *c, const hub_req *req, hubdriver_request *rq)
{
    rq->o.method = "DELETE";
    /* After a 5xx the channel may be gone already: a resend would then say 404 and the
     * agent would think the teardown failed. Report the 5xx instead. */
    rq->o.max_retries = -1;
    return instance_path(c, req, rq);
}

static const prep_fn preps[HUB_OP_COUNT] = {
    [HUB_OP_CHECK] = prep_check,     [HUB_OP_CHANNELS] = prep_get,
    [HUB_OP_STATUS] = prep_get,      [HUB_OP_CONNECT] = prep_connect,
    [HUB_OP_CHANNEL_DELETE] = prep_delete,
};

static const hubdriver_lack lacks[] = {
    {HUB_OP_PROJECTS,
     N_("HydraCore cannot list instances: the console keeps the ones you added by id")},
    {HUB_OP_CHANNEL_CREATE, N_("HydraCore creates the channel when it is set up with the Meta "
                               "app's credentials")},
    {HUB_OP_SEND_TEST, N_("HydraCore has no test message call; write to the number from a phone")},
    {0, NULL},
};

/* Where the hub is and how we are let in: the deployment's address, the Bearer token, the
 * optional X-Api-Key (http checks neither header value, so it is done here). */
static hd_status check_access(hc_call *c, const provider_ctx *ctx)
{
    if (!ctx->base_url || !*ctx->base_url)
        return hubdriver_form_refuse(&c->f, _("HydraCore has no default address: give the "
                                              "profile its deployment's base URL (https://...)"));
    hd_status st = http_url_check(ctx->base_url);
    if (st != HD_OK) { /* CHECK may answer without a request: the address is checked here */
        hubdriver_form_refuse(&c->f, hd_status_message(st));
        return st;
    }
    if (hubdriver_form_secret(&c->f, "token", ctx->token, _("the profile has no HydraCore token"),
                              _("the profile's token holds spaces or characters a token cannot "
                                "have; paste it again")) != HD_OK)
        return HD_ERR_USAGE;
    if (ctx->api_key && *ctx->api_key &&
        hubdriver_form_secret(&c->f, "api_key", ctx->api_key, NULL,
                              _("the profile's X-Api-Key holds spaces or characters a header "
                                "cannot carry; paste it again")) != HD_OK)
        return HD_ERR_USAGE;
    if (hubdriver_form_keep(&c->f, HC_SECRET_TOKEN, ctx->token) != HD_OK ||
        hubdriver_form_keep(&c->f, HC_SECRET_API_KEY, ctx->api_key) != HD_OK)
        return HD_ERR_USAGE;
    return HD_OK;
}

/* The hub's address and how we are let in, into the request's options. */
static void use_access(hc_call *c, const provider_ctx *ctx, hubdriver_request *rq)
{
    rq->o.base_url = ctx->base_url;
    rq->o.token = ctx->token;
    if (ctx->api_key && *ctx->api_key) {
        rq->o.api_key = ctx->api_key;
        rq->o.api_key_header = "X-Api-Key";
        c->api_key_sent = 1;
    }
}

/* Method, path and body for the request, or why it is refused (c->f.form), or CHECK's local
 * answer. */
static const hub_result *prepare(hubdriver_call *base, const provider_ctx *ctx,
                                 const hub_req *req, hubdriver_request *rq, hub_result *early)
{
    hc_call *c = (hc_call *)base;
    hd_status st = check_access(c, ctx);
    if (st == HD_OK && ((unsigned)req->op >= HUB_OP_COUNT || !preps[req->op])) {
        st = hubdriver_form_refuse(&c->f, hubdriver_unsupported(lacks, req->op,
                                                                _("HydraCore does not offer "
                                                                  "this operation")));
    } else if (st == HD_OK) {
        use_access(c, ctx, rq);
        st = preps[req->op](c, req, rq);
    }
    return hubdriver_form_early(&c->f, st, early);
}

/* ---- answers ---------------------------------------------------------------------------- */

/* The hub's words: a 422 with the fields it refused, a 401 about the API key with what to do
 * when the profile has none; a line that quotes one of our secrets is replaced, not shown. */
static json_t *answer_error(const hc_call *c, const hubcall_result *r, char *msg, size_t n)
{
    json_t *fields = hydracore_field_errors(r->json);
    size_t nf = json_object_size(fields);
    hubdriver_form_scrub(&c->f, fields);
    if (hubdriver_form_hides(&c->f, r, msg, n))
        return fields;
    if (r->code == 422 && nf)
        snprintf(msg, n,
                 ngettext("the hub refused %lu field: %s", "the hub refused %lu fields: %s", nf),
                 (unsigned long)nf, r->message);
    else if (r->code == 401 && !c->api_key_sent && strcasestr(r->message, "api key"))
        snprintf(msg, n, _("%s (this HydraCore wants an X-Api-Key: add it to the profile)"),
                 r->message);
    else
        snprintf(msg, n, "%s", r->message);
    return fields;
}

/* A 404 that is an answer: CHECK only needed the token accepted (any 404 comes after the
 * token was), and CHANNELS reads "no channel configured" as an empty list. */
static int not_found_answers(const hc_call *c, const hubcall_result *r)
{
    return r->code == 404 && (c->base.op == HUB_OP_CHECK || (c->base.op == HUB_OP_CHANNELS &&
                                                             !hydracore_instance_missing(r->json)));
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
    hub_op op = c->base.op;
    if (op == HUB_OP_CONNECT) /* the channel may be set up now: say so */
        return hubdriver_decoded(hydracore_decode_setup(r->json, c->verify_sent),
                                 _("the hub's answer to the setup was not understood; the "
                                   "channel may be set up: read its status"),
                                 st, msg, n);
    if (op == HUB_OP_CHANNELS)
        return hubdriver_understood(&c->base, channel_list(r), st, msg, n);
    if (op == HUB_OP_STATUS)
        return hubdriver_understood(&c->base, hydracore_decode_status(r->json), st, msg, n);
    /* CHECK and DELETE: a 204 or a channel, nothing more to say. */
    json_t *d = op == HUB_OP_CHECK || op == HUB_OP_CHANNEL_DELETE ? json_object() : NULL;
    return hubdriver_understood(&c->base, d, st, msg, n);
}

static void on_answer(hubdriver_call *base, const hubcall_result *r)
{
    hc_call *c = (hc_call *)base;
    char msg[600] = "";
    if (r->status != HD_OK && !not_found_answers(c, r)) {
        json_t *fields = answer_error(c, r, msg, sizeof msg);
        hubdriver_form_finish(base, &c->f, r, r->status, NULL, fields, msg, sizeof msg);
        return;
    }
    hd_status st = HD_OK;
    json_t *data = answer_data(c, r, &st, msg, sizeof msg);
    hubdriver_form_finish(base, &c->f, r, st, data, NULL, msg, sizeof msg);
}

HUBDRIVER_CALL_FN(hc_call_start, hc_call, prepare, on_answer, call_release)

const provider_ops provider_hydracore = {
    .id = "hydracore",
    .label = "HydraCore",
    .project_word = N_("instance"),
    .default_base_url = NULL,
    .caps = PROVIDER_CAP_CREDENTIALS | PROVIDER_CAP_LOCAL_PROJECTS | PROVIDER_CAP_STATUS |
            PROVIDER_CAP_CHANNEL_DELETE,
    .call = hc_call_start,
    .call_cancel = hubdriver_cancel,
};
