/* flow_hub.c: the flow's hub calls: token check, lists, channel actions, webhook, create. */
#include "flow.h"
#include "flow_priv.h"
#include "i18n.h"
#include "journal_hub.h"
#include "secret.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void call_end(flow *f)
{
    f->call_handle = NULL;
    secret_free(f->call_token);
    secret_free(f->call_channel_token);
    secret_free(f->call_api_key);
    f->call_token = f->call_channel_token = f->call_api_key = NULL;
}

/* The connect form's secrets live until the call's `then` has stored them. */
static void connect_secrets_wipe(flow *f)
{
    for (size_t i = 0; i < sizeof f->connect_secrets / sizeof *f->connect_secrets; i++) {
        secret_free(f->connect_secrets[i]);
        f->connect_secrets[i] = NULL;
    }
}

void flow_call_cancel(flow *f)
{
    const flow_profile *p = flow_current(f);
    if (f->call_handle && p && p->ops->call_cancel)
        p->ops->call_cancel(f->call_handle);
    call_end(f);
    connect_secrets_wipe(f);
    f->call_journaled = 0; /* given up: whether the hub made the change is not known */
    if (f->call == FLOW_CALL_BUSY)
        f->call = FLOW_CALL_IDLE;
}

static void on_call_done(const hub_result *r, void *arg)
{
    flow *f = arg;
    flow_then_fn then = f->call_then;
    call_end(f);
    f->wait_until_ms = 0;
    if (f->call_journaled) { /* before `then`, which may start the next call */
        f->call_journaled = 0;
        journal_hub_end(&f->call_entry, r);
        flow_journal(f, &f->call_entry);
    }
    flow_json_set(&f->field_errors, (json_t *)r->field_errors);
    if (r->status == HD_OK) {
        f->call = FLOW_CALL_DONE;
        f->call_message[0] = '\0';
        if (then)
            then(f, r);
        connect_secrets_wipe(f);
    } else {
        connect_secrets_wipe(f);
        f->call = FLOW_CALL_FAILED;
        f->call_status = r->status;
        f->call_retry_after_s = r->retry_after_s;
        text_sanitize(r->message && *r->message ? r->message : hd_status_message(r->status),
                      f->call_message, sizeof f->call_message);
    }
    flow_changed(f, NULL);
}

static void on_call_wait(long delay_ms, const char *message, void *arg)
{
    flow *f = arg;
    text_sanitize(message ? message : "", f->call_message, sizeof f->call_message);
    f->wait_until_ms = loop_now_ms() + (uint64_t)(delay_ms > 0 ? delay_ms : 0);
    flow_changed(f, NULL);
}

/* HydraCore's optional X-Api-Key into f->call_api_key. 0, or -1 with why. */
static int fetch_api_key(flow *f, char *why, size_t whysz)
{
    const flow_profile *p = flow_current(f);
    *why = '\0';
    if (p->api_key)
        return (f->call_api_key = secret_dup(p->api_key)) ? 0 : -1;
    if (f->secrets.profile_api_key)
        f->call_api_key = f->secrets.profile_api_key(f, f->profile, why, whysz, f->secrets.arg);
    return f->call_api_key || !*why ? 0 : -1;
}

/* One call at a time, the step's: `then` runs on success, before the owner hears of it.
 * Starts req for the chosen profile; the channel token (guarded) is kept alive for the call. */
hd_status flow_call(flow *f, hub_req *req, const char *channel_token, flow_then_fn then)
{
    const flow_profile *p = flow_current(f);
    char why[300] = "";
    if (!p || !p->ops->call)
        return HD_ERR_USAGE;
    flow_call_cancel(f);
    f->call = FLOW_CALL_FAILED;
    f->call_op = req->op;
    f->call_retry_after_s = -1;
    flow_json_set(&f->field_errors, NULL);
    if (flow_fetch_token(f, &f->call_token, why, sizeof why) < 0 ||
        fetch_api_key(f, why, sizeof why) < 0) {
        call_end(f);
        f->call_status = HD_ERR_AUTH;
        text_sanitize(why, f->call_message, sizeof f->call_message);
        flow_changed(f, NULL);
        return HD_ERR_AUTH;
    }
    provider_ctx ctx;
    flow_ctx(f, &ctx, f->call_token);
    if (!channel_token || (f->call_channel_token = secret_dup(channel_token))) {
        req->channel_token = f->call_channel_token;
        f->call_then = then;
        f->call_journaled =
            journal_hub_begin(&f->call_entry, flow_profile_name(p), p->ops, req) == 0;
        f->call_handle = p->ops->call(&ctx, req, on_call_done, on_call_wait, f);
    }
    if (!f->call_handle) {
        f->call_journaled = 0;
        call_end(f);
        f->call_status = HD_ERR_INTERNAL;
        snprintf(f->call_message, sizeof f->call_message, "%s", _("out of memory"));
        flow_changed(f, NULL);
        return HD_ERR_INTERNAL;
    }
    f->call = FLOW_CALL_BUSY;
    snprintf(f->call_message, sizeof f->call_message, _("Asking %s to %s..."), p->ops->label,
             hub_op_label(req->op));
    flow_changed(f, NULL);
    return HD_OK;
}

static void keep_data(json_t **slot, const hub_result *r)
{
    flow_json_set(slot, r->data);
}

static void then_channels(flow *f, const hub_result *r)
{
    keep_data(&f->channels, r);
}

hd_status flow_load_channels(flow *f)
{
    const flow_profile *p = flow_current(f);
    f->step = FLOW_STEP_CHANNELS;
    if (p && (p->ops->caps & PROVIDER_CAP_LOCAL_CHANNELS)) {
        json_t *list = flow_remembered_list(f, "channels");
        flow_json_set(&f->channels, list);
        json_decref(list);
        f->call = FLOW_CALL_IDLE;
        flow_changed(f, NULL);
        return HD_OK;
    }
    hub_req req = {.op = HUB_OP_CHANNELS,
                   .project_id = f->project_id[0] ? f->project_id : NULL,
                   .type_filter = f->type_filter[0] ? f->type_filter : NULL};
    return flow_call(f, &req, NULL, then_channels);
}

static void then_projects(flow *f, const hub_result *r)
{
    keep_data(&f->projects, r);
    f->step = FLOW_STEP_PROJECT;
}

static void then_checked(flow *f, const hub_result *r)
{
    keep_data(&f->account, r);
    flow_load_channels(f);
}

hd_status flow_choose_profile(flow *f, int index)
{
    if (index < 0 || (size_t)index >= f->nprofiles)
        return HD_ERR_USAGE;
    flow_clear_hub_state(f); /* with the old driver, whose call or session may be running */
    f->profile = index;
    const flow_profile *p = flow_current(f);
    f->project_id[0] = '\0';
    f->mode = PAIR_MODE_QR;
    if (p->ops->caps & PROVIDER_CAP_LOCAL_PROJECTS) { /* HydraCore: no "me", no list */
        json_t *list = flow_remembered_list(f, "instances");
        flow_json_set(&f->projects, list);
        json_decref(list);
        f->step = FLOW_STEP_PROJECT;
        flow_changed(f, NULL);
        return HD_OK;
    }
    /* Whapi's manager has no "me": listing projects is the check. */
    hub_req req = {.op = (p->ops->caps & PROVIDER_CAP_PROJECTS) ? HUB_OP_PROJECTS : HUB_OP_CHECK};
    if (!p->ops->call) { /* a driver that only pairs (tests' fakes) */
        f->step = FLOW_STEP_NAME;
        flow_changed(f, NULL);
        return HD_OK;
    }
    flow_call(f, &req, NULL, req.op == HUB_OP_PROJECTS ? then_projects : then_checked);
    return HD_OK;
}

hd_status flow_choose_project(flow *f, int index)
{
    json_t *pr = json_array_get(f->projects, index < 0 ? (size_t)-1 : (size_t)index);
    const char *id = json_string_value(json_object_get(pr, "id"));
    if (!id)
        return HD_ERR_USAGE;
    snprintf(f->project_id, sizeof f->project_id, "%s", id);
    flow_json_set(&f->channels, NULL);
    return flow_load_channels(f);
}

hd_status flow_reload(flow *f)
{
    switch (f->step) {
    case FLOW_STEP_PROFILE:
        return f->profile >= 0 ? flow_choose_profile(f, f->profile) : HD_ERR_USAGE;
    case FLOW_STEP_PROJECT: {
        hub_req req = {.op = HUB_OP_PROJECTS};
        if (flow_current(f)->ops->caps & PROVIDER_CAP_LOCAL_PROJECTS)
            return flow_choose_profile(f, f->profile);
        return flow_call(f, &req, NULL, then_projects);
    }
    case FLOW_STEP_CHANNELS:
        return flow_load_channels(f);
    default:
        return HD_ERR_USAGE;
    }
}

hd_status flow_set_type_filter(flow *f, const char *type)
{
    if (!type || strlen(type) >= sizeof f->type_filter)
        return HD_ERR_USAGE;
    snprintf(f->type_filter, sizeof f->type_filter, "%s", type);
    return flow_load_channels(f);
}

hd_status flow_select_channel(flow *f, int index)
{
    json_t *c = json_array_get(f->channels, index < 0 ? (size_t)-1 : (size_t)index);
    if (!c)
        return HD_ERR_USAGE;
    flow_json_set(&f->channel, c);
    flow_json_set(&f->health, NULL);
    f->notice[0] = '\0';
    return HD_OK;
}

hd_status flow_choose_channel(flow *f, int index)
{
    const flow_profile *p = flow_current(f);
    if (!p || flow_select_channel(f, index) != HD_OK)
        return HD_ERR_USAGE;
    if (!provider_has_mode(p->ops, PAIR_MODE_QR) && !provider_has_mode(p->ops, PAIR_MODE_CODE) &&
        !provider_has_mode(p->ops, PAIR_MODE_BROWSER))
        return flow_setup_choose(f);
    if (!(p->ops->caps & PROVIDER_CAP_CHANNEL_TOKEN)) {
        flow_changed(f, NULL); /* Keebai's channels are linked already: show, not pair */
        return HD_OK;
    }
    f->step = FLOW_STEP_MODE;
    if (flow_steps()[FLOW_STEP_MODE].skip(f))
        return flow_choose_mode(f, PAIR_MODE_QR);
    flow_changed(f, NULL);
    return HD_OK;
}

/* channels[index], or the current channel when index < 0. */
static json_t *target_channel(flow *f, int index)
{
    if (index >= 0)
        return json_array_get(f->channels, (size_t)index);
    return f->channel;
}

/* Puts an updated channel in the list and as the current one. */
static void replace_channel(flow *f, json_t *updated)
{
    const char *id = json_string_value(json_object_get(updated, "id"));
    size_t i;
    json_t *c;
    json_array_foreach(f->channels, i, c)
    {
        const char *cid = json_string_value(json_object_get(c, "id"));
        if (id && cid && !strcmp(id, cid))
            json_array_set(f->channels, i, updated);
    }
    if (!strcmp(flow_channel_id(f), id ? id : ""))
        flow_json_set(&f->channel, updated);
}

static void then_live(flow *f, const hub_result *r)
{
    if (json_is_object(r->data))
        replace_channel(f, r->data);
    const char *mode = json_string_value(json_object_get(r->data, "mode"));
    snprintf(f->notice, sizeof f->notice, _("The channel is now in %s mode."), mode ? mode : "live");
}

hd_status flow_channel_live(flow *f, int index)
{
    const char *id = json_string_value(json_object_get(target_channel(f, index), "id"));
    if (!id)
        return HD_ERR_USAGE;
    flow_select_channel(f, index);
    hub_req req = {.op = HUB_OP_CHANNEL_MODE, .channel_id = id, .mode = "live"};
    return flow_call(f, &req, NULL, then_live);
}

static void then_deleted(flow *f, const hub_result *r)
{
    (void)r;
    const char *gone = flow_channel_id(f);
    size_t i;
    json_t *c;
    json_array_foreach(f->channels, i, c)
    {
        const char *cid = json_string_value(json_object_get(c, "id"));
        if (cid && !strcmp(cid, gone)) {
            json_array_remove(f->channels, i);
            break;
        }
    }
    if ((flow_current(f)->ops->caps & PROVIDER_CAP_CHANNEL_TOKEN) && f->secrets.drop)
        f->secrets.drop(f, "ch", gone, f->secrets.arg); /* its token opens nothing now */
    if (flow_current(f)->ops->caps & PROVIDER_CAP_CREDENTIALS)
        snprintf(f->notice, sizeof f->notice, "%s",
                 _("WhatsApp was torn down on this instance."));
    else
        snprintf(f->notice, sizeof f->notice, _("Channel %s deleted."), gone);
    flow_json_set(&f->channel, NULL);
    if (f->step == FLOW_STEP_RESULT) /* HydraCore's teardown: nothing left to show here */
        f->step = FLOW_STEP_CHANNELS;
}

hd_status flow_channel_delete(flow *f, int index)
{
    json_t *c = target_channel(f, index);
    const char *id = json_string_value(json_object_get(c, "id"));
    if (!id)
        return HD_ERR_USAGE;
    if (index >= 0)
        flow_select_channel(f, index);
    hub_req req = {.op = HUB_OP_CHANNEL_DELETE, .channel_id = flow_channel_id(f),
                   .project_id = f->project_id[0] ? f->project_id : NULL};
    return flow_call(f, &req, NULL, then_deleted);
}

static void then_status(flow *f, const hub_result *r)
{
    keep_data(&f->health, r);
    if (flow_current(f)->ops->caps & PROVIDER_CAP_SIGNUP_CODE)
        flow_channel_take_ids(f, r->data);
    /* HydraCore's status is the channel itself: what the result screen shows follows it. */
    if ((flow_current(f)->ops->caps & PROVIDER_CAP_CREDENTIALS) && f->channel &&
        json_is_object(r->data)) {
        json_t *ch = json_deep_copy(f->channel);
        json_object_update_existing(ch, r->data);
        json_object_set(ch, "status", json_object_get(r->data, "text"));
        flow_json_set(&f->channel, ch);
        json_decref(ch);
    }
}

/* The channel's own token from the vault, for the gate API. NULL with call_message set. */
static char *channel_token(flow *f)
{
    char why[300] = "";
    char *tok = f->secrets.channel_token
                    ? f->secrets.channel_token(f, flow_channel_id(f), why, sizeof why,
                                               f->secrets.arg)
                    : NULL;
    if (!tok) {
        f->call = FLOW_CALL_FAILED;
        f->call_op = f->step == FLOW_STEP_WEBHOOK ? HUB_OP_WEBHOOK_SET : HUB_OP_STATUS;
        f->call_status = HD_ERR_AUTH;
        text_sanitize(*why ? why : _("this channel's token is not in the vault"),
                      f->call_message, sizeof f->call_message);
        flow_changed(f, NULL);
    }
    return tok;
}

hd_status flow_status(flow *f, int index)
{
    const flow_profile *p = flow_current(f);
    if (!p || !(p->ops->caps & PROVIDER_CAP_STATUS) || !target_channel(f, index))
        return HD_ERR_USAGE;
    if (index >= 0)
        flow_select_channel(f, index);
    char *tok = NULL;
    if ((p->ops->caps & PROVIDER_CAP_CHANNEL_TOKEN) && !(tok = channel_token(f)))
        return HD_ERR_AUTH;
    hub_req req = {.op = HUB_OP_STATUS, .channel_id = flow_channel_id(f),
                   .project_id = f->project_id[0] ? f->project_id : NULL};
    hd_status st = flow_call(f, &req, tok, then_status);
    secret_free(tok);
    return st;
}

hd_status flow_open_webhook(flow *f)
{
    const flow_profile *p = flow_current(f);
    if (!p || !(p->ops->caps & PROVIDER_CAP_WEBHOOK) || !p->ops->webhook_events)
        return HD_ERR_USAGE;
    /* Whapi's webhooks are the channel's settings: there must be one. */
    if ((p->ops->caps & PROVIDER_CAP_CHANNEL_TOKEN) && !f->channel)
        return HD_ERR_USAGE;
    flow_call_cancel(f);
    f->webhook_events = 0;
    for (size_t i = 0; p->ops->webhook_events[i] && i < 32; i++)
        for (size_t d = 0; p->ops->webhook_default_events && p->ops->webhook_default_events[d]; d++)
            if (!strcmp(p->ops->webhook_events[i], p->ops->webhook_default_events[d]))
                f->webhook_events |= 1u << i;
    if (f->step != FLOW_STEP_WEBHOOK)
        f->webhook_return = f->step;
    f->step = FLOW_STEP_WEBHOOK;
    f->call = FLOW_CALL_IDLE;
    f->notice[0] = '\0';
    flow_changed(f, NULL);
    return HD_OK;
}

hd_status flow_toggle_webhook_event(flow *f, int i)
{
    const flow_profile *p = flow_current(f);
    if (!p || !p->ops->webhook_events || i < 0 || i >= 32)
        return HD_ERR_USAGE;
    for (int k = 0; k <= i; k++)
        if (!p->ops->webhook_events[k])
            return HD_ERR_USAGE;
    f->webhook_events ^= 1u << i;
    flow_changed(f, NULL);
    return HD_OK;
}

static const char *str_or(const json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));
    return v ? v : "?";
}

/* The key of the webhook the step would set now (profile, channel, events, URL). */
static void webhook_key(const flow *f, const char *url, char *out, size_t n)
{
    snprintf(out, n, "%d\x1f%s\x1f%x\x1f%s", f->profile, f->channel ? flow_channel_id(f) : "",
             f->webhook_events, url);
}

static int webhook_was_set(const flow *f, const char *url)
{
    char key[sizeof f->webhooks_set[0]];
    webhook_key(f, url, key, sizeof key);
    for (size_t i = 0; i < f->nwebhooks_set; i++)
        if (strcmp(f->webhooks_set[i], key) == 0)
            return 1;
    return 0;
}

static void webhook_record(flow *f)
{
    size_t cap = sizeof f->webhooks_set / sizeof f->webhooks_set[0];
    if (f->nwebhooks_set == cap) { /* the oldest goes */
        memmove(f->webhooks_set[0], f->webhooks_set[1], (cap - 1) * sizeof f->webhooks_set[0]);
        f->nwebhooks_set--;
    }
    webhook_key(f, f->webhook_url, f->webhooks_set[f->nwebhooks_set],
                sizeof f->webhooks_set[0]);
    f->nwebhooks_set++;
}

static void then_webhook(flow *f, const hub_result *r)
{
    char saved[80] = "", why[300] = "";
    webhook_record(f);
    const char *id = json_string_value(json_object_get(r->data, "id"));
    json_t *hooks = json_object_get(r->data, "hooks"), *h;
    size_t i, used;
    if (json_array_size(hooks)) { /* Chatt2.me: one webhook per event */
        char line[sizeof f->notice];
        used = (size_t)snprintf(line, sizeof line, "%s", _("Webhooks set:"));
        json_array_foreach(hooks, i, h) {
            if (used < sizeof line)
                used += (size_t)snprintf(line + used, sizeof line - used, " %s (%s)",
                                         str_or(h, "event"), str_or(h, "id"));
        }
        text_sanitize(line, f->notice, sizeof f->notice);
        return;
    }
    if (!r->secret) {
        snprintf(f->notice, sizeof f->notice, _("Webhook set: %s"), f->webhook_url);
        return;
    }
    int kept = f->secrets.store ? f->secrets.store(f, "hook", id ? id : f->webhook_url,
                                                   r->secret, saved, sizeof saved, why,
                                                   sizeof why, f->secrets.arg)
                                : -1;
    if (kept == 0)
        snprintf(f->notice, sizeof f->notice,
                 _("Webhook created. Its signing secret (shown once by the hub) is in the vault "
                   "as %s."), saved);
    else if (kept == 1)
        snprintf(f->notice, sizeof f->notice, "%s",
                 _("Webhook created. Its signing secret (shown once by the hub) is kept in "
                   "memory for this session only: there is no vault."));
    else
        snprintf(f->notice, sizeof f->notice,
                 _("Webhook created, but its signing secret could NOT be saved (%s). Delete the "
                   "webhook in the hub and create it again."), *why ? why : _("no vault"));
}

hd_status flow_set_webhook(flow *f, const char *url, char *why, size_t whysz)
{
    const flow_profile *p = flow_current(f);
    const char *events[33];
    size_t n = 0;
    if (!p || f->step != FLOW_STEP_WEBHOOK)
        return HD_ERR_USAGE;
    if (provider_webhook_url_check(url, why, whysz) != HD_OK)
        return HD_ERR_USAGE;
    for (size_t i = 0; p->ops->webhook_events[i] && i < 32; i++)
        if (f->webhook_events & (1u << i))
            events[n++] = p->ops->webhook_events[i];
    events[n] = NULL;
    if (!n) {
        snprintf(why, whysz, "%s", _("choose at least one event (Space)"));
        return HD_ERR_USAGE;
    }
    if (webhook_was_set(f, url)) {
        snprintf(why, whysz, "%s",
                 _("this webhook (same URL and events) was set on this channel a moment ago; "
                   "nothing was sent again: the hub would register it twice"));
        return HD_ERR_USAGE;
    }
    snprintf(f->webhook_url, sizeof f->webhook_url, "%s", url);
    hub_req req = {.op = HUB_OP_WEBHOOK_SET, .url = f->webhook_url, .events = events,
                   .name = "hubdesk", .channel_id = f->channel ? flow_channel_id(f) : NULL};
    char *tok = NULL;
    if ((p->ops->caps & PROVIDER_CAP_CHANNEL_TOKEN) && !(tok = channel_token(f))) {
        snprintf(why, whysz, "%s", f->call_message);
        return HD_ERR_AUTH;
    }
    hd_status st = flow_call(f, &req, tok, then_webhook);
    secret_free(tok);
    return st;
}

/* PUT /channels answered: the token goes to the vault now, then the pairing starts with it. */
static void then_created(flow *f, const hub_result *r)
{
    char saved[80] = "", why[300] = "";
    const char *id = json_string_value(json_object_get(r->data, "id"));
    flow_json_set(&f->channel, r->data);
    if (!r->secret || !id) {
        snprintf(f->notice, sizeof f->notice, "%s", _("The hub created the channel but sent no token."));
        return;
    }
    int kept = f->secrets.store ? f->secrets.store(f, "ch", id, r->secret, saved, sizeof saved,
                                                   why, sizeof why, f->secrets.arg)
                                : -1;
    if (kept == 0)
        snprintf(f->notice, sizeof f->notice, _("Channel %s created; its token is in the vault as %s."),
                 id, saved);
    else if (kept == 1)
        snprintf(f->notice, sizeof f->notice,
                 _("Channel %s created; its token is kept in memory for this session only: "
                   "there is no vault."), id);
    else
        snprintf(f->notice, sizeof f->notice,
                 _("Channel %s created, but its token could NOT be saved (%s): finish pairing now; "
                   "later actions on it need the token."), id, *why ? why : _("no vault"));
    if (f->channels)
        json_array_append(f->channels, r->data);
    flow_pair_now(f, r->secret);
}

hd_status flow_create_then_pair(flow *f)
{
    if (!f->project_id[0])
        return HD_ERR_USAGE;
    hub_req req = {.op = HUB_OP_CHANNEL_CREATE, .name = f->name, .project_id = f->project_id};
    return flow_call(f, &req, NULL, then_created);
}

void flow_back(flow *f)
{
    flow_step from = f->step;
    flow_step to = from == FLOW_STEP_WEBHOOK                         ? f->webhook_return
                   : from == FLOW_STEP_ADD || from == FLOW_STEP_TEST ? f->side_return
                                                                     : flow_steps()[from].back;
    while (to != FLOW_STEP_PROFILE && flow_steps()[to].skip && flow_steps()[to].skip(f))
        to = flow_steps()[to].back;
    /* A driver that only pairs has no channel list: another number starts at the name. */
    int no_lists = flow_steps()[FLOW_STEP_CHANNELS].skip(f);
    if (from == FLOW_STEP_RESULT && no_lists)
        to = FLOW_STEP_NAME;
    if (to == FLOW_STEP_PROFILE && f->profile_fixed && from != FLOW_STEP_PROFILE)
        to = no_lists ? FLOW_STEP_NAME : from == FLOW_STEP_PROJECT ? from : FLOW_STEP_CHANNELS;
    flow_call_cancel(f);
    if (from == FLOW_STEP_PAIR || from == FLOW_STEP_RESULT)
        flow_clear_pairing(f);
    f->call = FLOW_CALL_IDLE;
    f->call_message[0] = '\0';
    flow_json_set(&f->field_errors, NULL);
    f->step = to;
    if (to == FLOW_STEP_CHANNELS && from != FLOW_STEP_WEBHOOK && flow_current(f) &&
        flow_current(f)->ops->call) {
        flow_load_channels(f); /* a channel may have been added or linked since */
        return;
    }
    flow_changed(f, NULL);
}
