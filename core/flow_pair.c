/* flow_pair.c: the pairing half of the flow: modes, the session's events, retry and back. */
#include "flow.h"
#include "flow_priv.h"
#include "i18n.h"
#include "journal_hub.h"
#include "secret.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Names for a channel the agent left unnamed (the console offers the same ones). */
#define FLOW_DEFAULT_NAME "WhatsApp QR"
#define FLOW_DEFAULT_FORM_NAME "WhatsApp" /* created, then connected by a form: no QR */
#define WAITING_FOR_PHONE N_("Waiting for the phone: WhatsApp > Linked devices > Link a device")
#define WAITING_FOR_CODE                                                                        \
    N_("On the phone: WhatsApp > Linked devices > Link a device > Link with phone number "     \
       "instead, then type the code")
#define WAITING_FOR_BROWSER                                                                     \
    N_("Waiting for the customer to finish the signup in the browser (open the link or scan it)")
#define SCANNED_FINISHING N_("Scanned. The hub is finishing the link...")
#define ASKING_FOR_SESSION N_("Asking %s for a pairing session...")

static void on_qr(flow *f, const pair_event *ev)
{
    char *qr = strdup(ev->qr);
    if (!qr)
        return;
    free(f->qr);
    f->qr = qr;
    f->qr_count++;
    f->qr_attempt = ev->attempt > 0 ? ev->attempt : f->qr_count;
    if (f->qr_attempt > f->qr_attempts_max)
        f->qr_attempts_max = f->qr_attempt;
    f->qr_deadline_ms = ev->expires_in_ms > 0 ? loop_now_ms() + (uint64_t)ev->expires_in_ms : 0;
    f->wait_until_ms = 0;
    f->pair = FLOW_PAIR_QR;
    snprintf(f->status, sizeof f->status, "%s", _(WAITING_FOR_PHONE));
}

/* The link and the code are shown like a QR: same state, same countdown. */
static void on_link_or_code(flow *f, const pair_event *ev)
{
    if (ev->type == PAIR_EV_LINK) {
        text_sanitize(ev->url ? ev->url : "", f->link_url, sizeof f->link_url);
        snprintf(f->status, sizeof f->status, "%s", _(WAITING_FOR_BROWSER));
    } else {
        text_sanitize(ev->code ? ev->code : "", f->pair_code, sizeof f->pair_code);
        snprintf(f->status, sizeof f->status, "%s", _(WAITING_FOR_CODE));
    }
    f->qr_deadline_ms = ev->expires_in_ms > 0 ? loop_now_ms() + (uint64_t)ev->expires_in_ms : 0;
    f->wait_until_ms = 0;
    f->pair = FLOW_PAIR_QR;
}

static void keep_connected_channel(flow *f, const pair_event *ev)
{
    if (ev->channel) {
        flow_json_set(&f->channel, json_deep_copy(ev->channel));
        json_decref(f->channel); /* deep copy came with its own reference */
    } else if (!f->channel || strcmp(flow_channel_id(f), f->channel_id)) {
        json_t *c = json_pack("{s:s,s:s,s:s}", "id", f->channel_id, "name", f->channel_name,
                              "phone", f->phone);
        flow_json_set(&f->channel, c);
        json_decref(c);
    }
}

/* The pairing's end into the journal: connected, or expired/failed and why. */
static void record_pairing(flow *f, int ok)
{
    const flow_profile *p = flow_current(f);
    journal_entry e;
    if (!p)
        return;
    journal_hub_pair(&e, flow_profile_name(p), p->ops, ok ? f->channel_id : flow_channel_id(f),
                     f->mode, ok, f->fail_status, f->fail_message);
    flow_journal(f, &e);
}

static void finish(flow *f, flow_pair_state st, const pair_event *ev)
{
    f->pair = st;
    f->step = FLOW_STEP_RESULT;
    f->wait_until_ms = 0;
    if (st == FLOW_PAIR_CONNECTED) {
        const char *id = ev->channel_id && *ev->channel_id ? ev->channel_id : flow_channel_id(f);
        text_sanitize(id, f->channel_id, sizeof f->channel_id);
        text_sanitize(ev->phone ? ev->phone : "", f->phone, sizeof f->phone);
        text_sanitize(ev->name && *ev->name ? ev->name : f->name, f->channel_name,
                      sizeof f->channel_name);
        snprintf(f->status, sizeof f->status, "%s", _("Connected"));
        keep_connected_channel(f, ev);
    } else {
        f->fail_status = ev->status != HD_OK ? ev->status
                         : st == FLOW_PAIR_EXPIRED ? HD_ERR_EXPIRED
                                                   : HD_ERR_INTERNAL;
        snprintf(f->fail_message, sizeof f->fail_message, "%s", ev->message ? ev->message : "");
        snprintf(f->status, sizeof f->status, "%s", hd_status_message(f->fail_status));
    }
    record_pairing(f, st == FLOW_PAIR_CONNECTED);
}

/*
 * The stream is back: the "reconnecting" line gives way to what the session is doing, in
 * every state (a drop may come before the first QR or after the scan, not only between QRs).
 */
static void status_after_wait(flow *f)
{
    const flow_profile *p = flow_current(f);
    if (f->pair == FLOW_PAIR_QR)
        snprintf(f->status, sizeof f->status, "%s",
                 f->link_url[0] ? _(WAITING_FOR_BROWSER)
                 : f->pair_code[0] ? _(WAITING_FOR_CODE) : _(WAITING_FOR_PHONE));
    else if (f->pair == FLOW_PAIR_SCANNED)
        snprintf(f->status, sizeof f->status, "%s", _(SCANNED_FINISHING));
    else if (f->pair == FLOW_PAIR_STARTING && f->progress[0])
        snprintf(f->status, sizeof f->status, "%s", f->progress);
    else if (f->pair == FLOW_PAIR_STARTING && p)
        snprintf(f->status, sizeof f->status, _(ASKING_FOR_SESSION), p->ops->label);
}

static void on_pair_event(const pair_event *ev, void *arg)
{
    flow *f = arg;
    switch (ev->type) {
    case PAIR_EV_STARTING:
        f->pair = FLOW_PAIR_STARTING;
        break;
    case PAIR_EV_WAITING:
        snprintf(f->status, sizeof f->status, "%s", ev->message ? ev->message : "");
        f->wait_until_ms = loop_now_ms() + (uint64_t)(ev->wait_ms > 0 ? ev->wait_ms : 0);
        break;
    case PAIR_EV_RESUMED:
        f->wait_until_ms = 0;
        status_after_wait(f);
        break;
    case PAIR_EV_QR:
        on_qr(f, ev);
        break;
    case PAIR_EV_LINK:
    case PAIR_EV_CODE:
        on_link_or_code(f, ev);
        break;
    case PAIR_EV_PROGRESS:
        text_sanitize(ev->message ? ev->message : "", f->progress, sizeof f->progress);
        if (f->pair == FLOW_PAIR_STARTING)
            snprintf(f->status, sizeof f->status, "%s", f->progress);
        break;
    case PAIR_EV_SCANNED:
        f->pair = FLOW_PAIR_SCANNED;
        f->qr_deadline_ms = 0;
        snprintf(f->status, sizeof f->status, "%s", _(SCANNED_FINISHING));
        break;
    case PAIR_EV_CONNECTED:
        finish(f, FLOW_PAIR_CONNECTED, ev);
        break;
    case PAIR_EV_EXPIRED:
        finish(f, FLOW_PAIR_EXPIRED, ev);
        break;
    case PAIR_EV_FAILED:
        finish(f, FLOW_PAIR_FAILED, ev);
        break;
    }
    flow_changed(f, ev);
}

static void fail_now(flow *f, hd_status st, const char *msg)
{
    pair_event ev = {.type = PAIR_EV_FAILED, .status = st, .message = msg};
    finish(f, FLOW_PAIR_FAILED, &ev);
    flow_changed(f, &ev);
}

hd_status flow_pair_now(flow *f, const char *channel_token)
{
    const flow_profile *p = flow_current(f);
    char why[300] = "";
    if (!p)
        return HD_ERR_USAGE;
    flow_clear_pairing(f);
    f->step = FLOW_STEP_PAIR;
    f->pair = FLOW_PAIR_STARTING;
    snprintf(f->status, sizeof f->status, _(ASKING_FOR_SESSION), p->ops->label);
    if (flow_fetch_token(f, &f->pair_token, why, sizeof why) < 0) {
        fail_now(f, HD_ERR_AUTH, why);
        return HD_ERR_AUTH;
    }
    if (channel_token && !(f->pair_channel_token = secret_dup(channel_token))) {
        fail_now(f, HD_ERR_INTERNAL, _("out of memory"));
        return HD_ERR_INTERNAL;
    }
    provider_ctx ctx;
    flow_ctx(f, &ctx, f->pair_token);
    const char *cid = flow_channel_id(f);
    pair_request req = {
        .name = f->name, .mode = f->mode,
        .pipeline_id = f->pipeline_id[0] ? f->pipeline_id : NULL,
        .coexistence = f->coexistence, .phone = f->pair_phone[0] ? f->pair_phone : NULL,
        .channel_id = *cid ? cid : NULL, .channel_token = f->pair_channel_token,
    };
    f->session = p->ops->pair_start(&ctx, &req, on_pair_event, f);
    if (!f->session) {
        fail_now(f, HD_ERR_INTERNAL, _("out of memory"));
        return HD_ERR_INTERNAL;
    }
    flow_changed(f, NULL);
    return HD_OK;
}

/* A channel of a hub that creates channels first needs its own token, from the vault. */
static hd_status pair_existing(flow *f)
{
    const flow_profile *p = flow_current(f);
    char why[300] = "";
    if (!(p->ops->caps & PROVIDER_CAP_CHANNEL_TOKEN))
        return flow_pair_now(f, NULL);
    char *tok = f->secrets.channel_token
                    ? f->secrets.channel_token(f, flow_channel_id(f), why, sizeof why,
                                               f->secrets.arg)
                    : NULL;
    if (!tok) {
        flow_clear_pairing(f);
        f->step = FLOW_STEP_PAIR;
        fail_now(f, HD_ERR_AUTH,
                 *why ? why : _("this channel's token is not in the vault (it was created "
                                "elsewhere); add it in the vault screen (v) first"));
        return HD_ERR_AUTH;
    }
    hd_status st = flow_pair_now(f, tok);
    secret_free(tok);
    return st;
}

static hd_status start_pairing(flow *f)
{
    const flow_profile *p = flow_current(f);
    if (!p)
        return HD_ERR_USAGE;
    if (!provider_has_mode(p->ops, f->mode))
        return HD_ERR_USAGE;
    if ((p->ops->caps & PROVIDER_CAP_CHANNEL_TOKEN) && !f->channel)
        return flow_create_then_pair(f);
    return pair_existing(f);
}

hd_status flow_choose_mode(flow *f, pair_mode m)
{
    const flow_profile *p = flow_current(f);
    if (!p || !provider_has_mode(p->ops, m) || f->step > FLOW_STEP_NAME)
        return HD_ERR_USAGE;
    f->mode = m;
    if (f->channel && m == PAIR_MODE_QR)
        return start_pairing(f); /* nothing to ask: the channel exists */
    f->step = FLOW_STEP_NAME;
    flow_changed(f, NULL);
    return HD_OK;
}

/* After the channels step: the mode step, or straight on when the hub has one mode. */
static int pairs(const provider_ops *ops)
{
    return provider_has_mode(ops, PAIR_MODE_QR) || provider_has_mode(ops, PAIR_MODE_BROWSER) ||
           provider_has_mode(ops, PAIR_MODE_CODE);
}

const char *flow_default_channel_name(const flow *f)
{
    const flow_profile *p = flow_current(f);
    return p && !pairs(p->ops) ? FLOW_DEFAULT_FORM_NAME : FLOW_DEFAULT_NAME;
}

int flow_is_default_channel_name(const char *name)
{
    return name && (!strcmp(name, FLOW_DEFAULT_NAME) || !strcmp(name, FLOW_DEFAULT_FORM_NAME));
}

hd_status flow_new_channel(flow *f)
{
    const flow_profile *p = flow_current(f);
    if (!p)
        return HD_ERR_USAGE;
    flow_json_set(&f->channel, NULL);
    f->notice[0] = '\0';
    if (!pairs(p->ops)) {
        /* Just a name: not the phone or pipeline an earlier hub's mode asked for. */
        f->mode = PAIR_MODE_QR;
        return flow_setup_new(f);
    }
    for (int m = PAIR_MODE_QR; flow_steps()[FLOW_STEP_MODE].skip(f) && m <= PAIR_MODE_CODE; m++)
        if (provider_has_mode(p->ops, (pair_mode)m))
            return flow_choose_mode(f, (pair_mode)m);
    if (!provider_has_mode(p->ops, f->mode))
        f->mode = PAIR_MODE_QR;
    f->step = FLOW_STEP_MODE;
    flow_changed(f, NULL);
    return HD_OK;
}

/* The choices checked; a code's phone is made the digits the hub takes into hub_phone (32
   bytes; "" for other modes). */
static hd_status check_fields(flow *f, const char *name, const char *pipeline, const char *phone,
                              char hub_phone[32], char *why, size_t whysz)
{
    hub_phone[0] = '\0';
    if (name && flow_name_check(name, why, whysz) != HD_OK)
        return HD_ERR_USAGE;
    if (f->mode == PAIR_MODE_BROWSER && pipeline && *pipeline &&
        (strlen(pipeline) > 100 || strpbrk(pipeline, " /?#%") || !text_is_clean(pipeline))) {
        snprintf(why, whysz, "%s", _("the pipeline id is an id like pip_01HXYZ (no spaces)"));
        return HD_ERR_USAGE;
    }
    if (f->mode == PAIR_MODE_CODE && flow_phone_form(f, phone, 0, hub_phone, 32, why, whysz) != HD_OK)
        return HD_ERR_USAGE;
    return HD_OK;
}

hd_status flow_submit_pairing(flow *f, const char *name, const char *pipeline_id,
                              int coexistence, const char *phone, char *why, size_t whysz)
{
    char scratch[200];
    if (!why) {
        why = scratch;
        whysz = sizeof scratch;
    }
    *why = '\0';
    if (!flow_current(f))
        return HD_ERR_USAGE;
    if (!name || !*name)
        name = flow_default_channel_name(f);
    char hub_phone[32];
    if (check_fields(f, name, pipeline_id, phone, hub_phone, why, whysz) != HD_OK)
        return HD_ERR_USAGE;
    snprintf(f->name, sizeof f->name, "%s", name);
    snprintf(f->pipeline_id, sizeof f->pipeline_id, "%s", pipeline_id ? pipeline_id : "");
    snprintf(f->pair_phone, sizeof f->pair_phone, "%s", hub_phone);
    f->coexistence = !!coexistence;
    if (!pairs(flow_current(f)->ops))
        return flow_setup_create(f); /* HubMessage: the name is all a new channel needs */
    return start_pairing(f);
}

hd_status flow_set_name(flow *f, const char *name)
{
    f->mode = PAIR_MODE_QR;
    return flow_submit_pairing(f, name, NULL, 0, NULL, NULL, 0);
}

hd_status flow_start_pairing(flow *f, const pair_request *req)
{
    char why[300], hub_phone[32];
    if (!flow_current(f))
        return HD_ERR_USAGE;
    f->mode = req->mode;
    if (req->channel_id && *req->channel_id) {
        json_t *c = json_pack("{s:s}", "id", req->channel_id);
        flow_json_set(&f->channel, c);
        json_decref(c);
    }
    if (check_fields(f, req->name && *req->name ? req->name : FLOW_DEFAULT_NAME, req->pipeline_id,
                     req->phone, hub_phone, why, sizeof why) != HD_OK) {
        flow_clear_pairing(f);
        f->step = FLOW_STEP_PAIR;
        fail_now(f, HD_ERR_USAGE, why);
        return HD_ERR_USAGE;
    }
    snprintf(f->name, sizeof f->name, "%s", req->name && *req->name ? req->name : FLOW_DEFAULT_NAME);
    snprintf(f->pipeline_id, sizeof f->pipeline_id, "%s", req->pipeline_id ? req->pipeline_id : "");
    snprintf(f->pair_phone, sizeof f->pair_phone, "%s", hub_phone);
    f->coexistence = req->coexistence;
    if (req->channel_token)
        return flow_pair_now(f, req->channel_token);
    return start_pairing(f);
}

hd_status flow_retry(flow *f)
{
    if (f->step != FLOW_STEP_RESULT && f->step != FLOW_STEP_PAIR)
        return HD_ERR_USAGE;
    if (f->pair_channel_token) {
        char *tok = secret_dup(f->pair_channel_token);
        hd_status st = tok ? flow_pair_now(f, tok) : HD_ERR_INTERNAL;
        secret_free(tok);
        return st;
    }
    return start_pairing(f);
}

long flow_qr_remaining_ms(const flow *f)
{
    if (!f->qr_deadline_ms || f->pair != FLOW_PAIR_QR)
        return 0;
    uint64_t now = loop_now_ms();
    return f->qr_deadline_ms > now ? (long)(f->qr_deadline_ms - now) : 0;
}
