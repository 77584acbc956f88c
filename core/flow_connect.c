/* flow_connect.c: the connect form (HubMessage signup code, HydraCore credentials) and the
 * test message, for hubs that are not paired by QR. */
#include "flow.h"
#include "flow_priv.h"
#include "i18n.h"
#include "secret.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { SEC_ACCESS, SEC_APP, SEC_VERIFY };

static unsigned caps_of(const flow *f)
{
    const flow_profile *p = flow_current(f);
    return p ? p->ops->caps : 0;
}

hd_status flow_setup_new(flow *f)
{
    unsigned c = caps_of(f);
    if (c & PROVIDER_CAP_SIGNUP_CODE) { /* HubMessage: a name, then the channel is created */
        f->step = FLOW_STEP_NAME;
        flow_changed(f, NULL);
        return HD_OK;
    }
    if (c & PROVIDER_CAP_CREDENTIALS)
        return flow_open_connect(f);
    return flow_open_add(f, 0);
}

static void then_created(flow *f, const hub_result *r)
{
    const char *id = json_string_value(json_object_get(r->data, "id"));
    if (!id)
        return;
    json_t *ch = json_deep_copy(r->data);
    json_object_set_new(ch, "name", json_string(f->name));
    flow_json_set(&f->channel, ch);
    json_decref(ch);
    /* The hub cannot list channels: without this the agent would lose the id. */
    if (flow_remember_item(f, "channels", id, f->name, NULL) < 0)
        snprintf(f->notice, sizeof f->notice, _("Channel %s created; write its id down: it "
                                                "could not be remembered."), id);
    else
        snprintf(f->notice, sizeof f->notice, _("Channel %s created and remembered."), id);
    flow_open_connect(f);
}

hd_status flow_setup_create(flow *f)
{
    hub_req req = {.op = HUB_OP_CHANNEL_CREATE, .name = f->name};
    return flow_call(f, &req, NULL, then_created);
}

void flow_channel_take_ids(flow *f, const json_t *status)
{
    static const char *const ids[] = {"waba_id", "phone_id", "coexistence"};
    if (!json_is_object(f->channel) || !json_is_object(status))
        return;
    json_t *ch = json_deep_copy(f->channel);
    for (size_t i = 0; i < sizeof ids / sizeof *ids; i++)
        if (json_object_get(status, ids[i]))
            json_object_set(ch, ids[i], json_object_get(status, ids[i]));
    flow_json_set(&f->channel, ch);
    json_decref(ch);
}

/* HubMessage: a channel connected already goes to its result (test message, status); the
   hub would refuse a second connect. Any other state, or a hub that cannot tell, gets the form. */
static void then_checked(flow *f, const hub_result *r)
{
    const char *st = json_string_value(json_object_get(r->data, "text"));
    if (!st || strcasecmp(st, "CONNECTED") || !json_is_object(f->channel)) {
        flow_open_connect(f);
        return;
    }
    json_t *ch = json_deep_copy(f->channel);
    json_object_set_new(ch, "connected", json_true());
    flow_json_set(&f->channel, ch);
    json_decref(ch);
    flow_channel_take_ids(f, r->data);
    flow_json_set(&f->health, r->data);
    snprintf(f->notice, sizeof f->notice, "%s",
             _("This channel is connected already. Send a test message (m)."));
    f->pair = FLOW_PAIR_CONNECTED;
    f->step = FLOW_STEP_RESULT;
}

hd_status flow_setup_choose(flow *f)
{
    unsigned c = caps_of(f);
    f->notice[0] = '\0';
    if ((c & PROVIDER_CAP_SIGNUP_CODE) && (c & PROVIDER_CAP_STATUS) && f->channel) {
        hub_req req = {.op = HUB_OP_STATUS, .channel_id = flow_channel_id(f)};
        return flow_call(f, &req, NULL, then_checked);
    }
    if (c & PROVIDER_CAP_SIGNUP_CODE)
        return flow_open_connect(f);
    if (c & PROVIDER_CAP_CREDENTIALS) { /* HydraCore: its settings and what to paste in Meta */
        f->step = FLOW_STEP_RESULT;
        f->pair = FLOW_PAIR_IDLE;
        flow_changed(f, NULL);
        return HD_OK;
    }
    return flow_open_test(f, -1);
}

hd_status flow_open_connect(flow *f)
{
    unsigned c = caps_of(f);
    if ((c & PROVIDER_CAP_SIGNUP_CODE) ? !f->channel
                                       : !(c & PROVIDER_CAP_CREDENTIALS) || !f->project_id[0])
        return HD_ERR_USAGE;
    flow_call_cancel(f);
    f->step = FLOW_STEP_CONNECT;
    f->call = FLOW_CALL_IDLE;
    f->connect_tries = 0;
    flow_json_set(&f->field_errors, NULL);
    flow_changed(f, NULL);
    return HD_OK;
}

static int token_word(const char *s)
{
    return s && *s && strlen(s) <= 4096 && secret_is_token_safe(s);
}

static void check_signup(const hub_connect *c, json_t **errs, char *why, size_t whysz)
{
    char msg[200];
    if (provider_digits_check(c->waba_id, _("WABA id"), msg, sizeof msg) != HD_OK)
        flow_add_error(errs, "waba_id", msg, why, whysz);
    if (provider_digits_check(c->phone_id, _("phone number id"), msg, sizeof msg) != HD_OK)
        flow_add_error(errs, "phone_id", msg, why, whysz);
    if (!c->code || !*c->code)
        flow_add_error(errs, "code", _("paste the authorization code the signup returned"), why,
                       whysz);
    else if (!token_word(c->code))
        flow_add_error(errs, "code", _("the code is one word without spaces"), why, whysz);
}

/* The form's values checked; the display phone as typed made E.164 with '+' into phone (32
   bytes, "" when none was typed). */
static void check_credentials(const flow *f, const hub_connect *c, char phone[32], json_t **errs,
                              char *why, size_t whysz)
{
    char msg[300];
    phone[0] = '\0';
    if (!c->access_token || !*c->access_token)
        flow_add_error(errs, "access_token", _("paste the WABA access token"), why, whysz);
    else if (!token_word(c->access_token))
        flow_add_error(errs, "access_token", _("the token is one word without spaces"), why, whysz);
    if (!c->app_secret || !*c->app_secret)
        flow_add_error(errs, "app_secret", _("paste the Meta app secret"), why, whysz);
    else if (!token_word(c->app_secret))
        flow_add_error(errs, "app_secret", _("the secret is one word without spaces"), why, whysz);
    if (provider_digits_check(c->phone_number_id, _("phone number id"), msg, sizeof msg) != HD_OK)
        flow_add_error(errs, "phone_number_id", msg, why, whysz);
    if (c->display_phone && *c->display_phone &&
        flow_phone_form(f, c->display_phone, 1, phone, 32, msg, sizeof msg) != HD_OK)
        flow_add_error(errs, "display_phone", msg, why, whysz);
    if (c->verify_token && *c->verify_token &&
        (!token_word(c->verify_token) || strlen(c->verify_token) > 128))
        flow_add_error(errs, "verify_token",
                       _("the verify token is one word of at most 128 characters"), why, whysz);
}

/* The notice after a HydraCore setup: where each secret went (names, never values). */
static void credentials_notice(flow *f, int worst, const char *why, char names[3][96])
{
    if (worst < 0)
        snprintf(f->notice, sizeof f->notice,
                 _("Connected, but the secrets could NOT be saved in the vault (%s)."),
                 *why ? why : _("no vault"));
    else if (worst == 1)
        snprintf(f->notice, sizeof f->notice, "%s",
                 _("No vault: the access token, app secret and verify token are kept in memory "
                   "for this session only."));
    else if (*names[2]) /* the names say which is which; three fit the result's rows */
        snprintf(f->notice, sizeof f->notice, _("In the vault: %s, %s and %s."), names[0],
                 names[1], names[2]);
    else
        snprintf(f->notice, sizeof f->notice, _("In the vault: %s and %s."), names[0], names[1]);
}

/* HydraCore: the secrets go to the vault only once the hub took them. The verify token is
   the hub's when it handed one back, else the agent's (the driver's verify_token). */
static void keep_credentials(flow *f, const hub_result *r)
{
    static const char *const tags[] = {"waba", "appsecret", "verify"};
    const char *hub_vt = json_string_value(json_object_get(r->data, "verify_token"));
    char saved[96], why[300] = "", names[3][96] = {"", "", ""};
    int worst = 0;
    for (int i = SEC_ACCESS; i <= SEC_VERIFY; i++) {
        const char *sec = i == SEC_VERIFY && hub_vt && *hub_vt ? hub_vt : f->connect_secrets[i];
        if (!sec || !*sec)
            continue;
        int kept = f->secrets.store ? f->secrets.store(f, tags[i], f->project_id, sec, saved,
                                                       sizeof saved, why, sizeof why,
                                                       f->secrets.arg)
                                    : -1;
        if (kept >= 0)
            snprintf(names[i], sizeof names[i], "%s", saved);
        if (kept < 0 || (kept == 1 && worst == 0))
            worst = kept;
    }
    credentials_notice(f, worst, why, names);
}

static void then_connected(flow *f, const hub_result *r)
{
    unsigned c = caps_of(f);
    if (c & PROVIDER_CAP_CREDENTIALS) {
        flow_json_set(&f->channel, r->data);
        json_t *one = json_pack("[O]", r->data);
        flow_json_set(&f->channels, one);
        json_decref(one);
        keep_credentials(f, r);
    } else {
        json_t *ch = json_deep_copy(f->channel);
        json_object_set_new(ch, "connected", json_true());
        json_object_set_new(ch, "active", json_true());
        json_object_update(ch, f->connect_sent); /* the ids the hub took, for the result */
        flow_json_set(&f->channel, ch);
        json_decref(ch);
        snprintf(f->notice, sizeof f->notice, "%s",
                 _("Connected: the number is ready to send and receive. Send a test message (m)."));
    }
    f->pair = FLOW_PAIR_CONNECTED;
    f->step = FLOW_STEP_RESULT;
}

/* Guarded copies of the form's secrets, kept until the call ends (then_connected stores them). */
static int copy_secrets(char *out[3], const hub_connect *c)
{
    const char *in[3] = {c->access_token, c->app_secret, c->verify_token};
    for (int i = 0; i < 3; i++)
        if (in[i] && *in[i] && !(out[i] = secret_dup(in[i])))
            return -1;
    return 0;
}

hd_status flow_submit_connect(flow *f, const hub_connect *c, char *why, size_t whysz)
{
    json_t *errs = NULL;
    char scratch[300] = "", *kept[3] = {NULL, NULL, NULL}, phone[32] = "";
    unsigned caps = caps_of(f);
    if (!why) {
        why = scratch;
        whysz = sizeof scratch;
    }
    *why = '\0';
    if (f->step != FLOW_STEP_CONNECT || !c)
        return HD_ERR_USAGE;
    if (caps & PROVIDER_CAP_SIGNUP_CODE)
        check_signup(c, &errs, why, whysz);
    else
        check_credentials(f, c, phone, &errs, why, whysz);
    if (errs)
        return flow_refuse_fields(f, errs);
    if ((caps & PROVIDER_CAP_CREDENTIALS) && copy_secrets(kept, c) < 0) {
        for (int i = 0; i < 3; i++)
            secret_free(kept[i]);
        snprintf(why, whysz, "%s", _("out of memory"));
        return HD_ERR_INTERNAL;
    }
    if (caps & PROVIDER_CAP_SIGNUP_CODE) {
        json_t *sent = json_pack("{s:s,s:s,s:b}", "waba_id", c->waba_id, "phone_id",
                                 c->phone_id, "coexistence", c->coexistence);
        flow_json_set(&f->connect_sent, sent);
        json_decref(sent);
    }
    hub_connect sent = *c; /* the hub gets the display phone in its form; the call copies it */
    if (phone[0])
        sent.display_phone = phone;
    hub_req req = {.op = HUB_OP_CONNECT, .connect = &sent,
                   .channel_id = f->channel ? flow_channel_id(f) : NULL,
                   .project_id = f->project_id[0] ? f->project_id : NULL};
    f->connect_tries++;
    hd_status st = flow_call(f, &req, NULL, then_connected);
    for (int i = 0; i < 3; i++) {
        if (st == HD_OK && f->call == FLOW_CALL_BUSY)
            f->connect_secrets[i] = kept[i]; /* flow_call wiped the last call's; these are new */
        else
            secret_free(kept[i]);
    }
    return st;
}

hd_status flow_open_test(flow *f, int index)
{
    if (!(caps_of(f) & PROVIDER_CAP_TEST_MESSAGE))
        return HD_ERR_USAGE;
    if (index >= 0 && flow_select_channel(f, index) != HD_OK)
        return HD_ERR_USAGE;
    if (!f->channel)
        return HD_ERR_USAGE;
    flow_call_cancel(f);
    if (f->step != FLOW_STEP_TEST)
        f->side_return = f->step;
    f->step = FLOW_STEP_TEST;
    f->call = FLOW_CALL_IDLE;
    flow_json_set(&f->test_result, NULL);
    flow_json_set(&f->field_errors, NULL);
    flow_changed(f, NULL);
    return HD_OK;
}

const char *flow_test_recipient(const flow *f)
{
    /* A Telegram id is no WhatsApp number: offering it again would only earn a refusal. */
    return strcmp(f->test_to_kind, flow_channel_kind(f)) ? "" : f->test_to;
}

static void then_sent(flow *f, const hub_result *r)
{
    flow_json_set(&f->test_result, r->data);
}

hd_status flow_send_test(flow *f, const char *to, const char *text, char *why, size_t whysz)
{
    json_t *errs = NULL;
    char scratch[300] = "", msg[300];
    if (!why) {
        why = scratch;
        whysz = sizeof scratch;
    }
    *why = '\0';
    if (f->step != FLOW_STEP_TEST || !f->channel)
        return HD_ERR_USAGE;
    const char *kind = flow_channel_kind(f);
    char hub_to[sizeof f->test_to];
    hd_status ok = provider_recipient_form(caps_of(f) & PROVIDER_CAP_CHANNEL_KIND ? kind : NULL, to, flow_country(f), hub_to,
                                           sizeof hub_to, NULL, 0, msg, sizeof msg);
    if (ok != HD_OK)
        flow_add_error(&errs, "to", msg, why, whysz);
    if (!text || !*text)
        flow_add_error(&errs, "text", _("write the message to send"), why, whysz);
    else if (strlen(text) > 4096 || !text_is_clean(text))
        flow_add_error(&errs, "text", _("the message is one line of at most 4096 bytes"), why,
                       whysz);
    if (errs)
        return flow_refuse_fields(f, errs);
    snprintf(f->test_to, sizeof f->test_to, "%s", hub_to);
    snprintf(f->test_to_kind, sizeof f->test_to_kind, "%s", kind);
    flow_json_set(&f->test_result, NULL);
    hub_req req = {.op = HUB_OP_SEND_TEST, .channel_id = flow_channel_id(f), .to = f->test_to,
                   .text = text, .kind = *kind ? kind : NULL};
    return flow_call(f, &req, NULL, then_sent);
}
