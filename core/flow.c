/* flow.c: the onboarding state machine; screens and line mode only send intents to it. */
#include "flow.h"
#include "flow_priv.h"
#include "i18n.h"
#include "phone.h"
#include "secret.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int skip_profile(const flow *f)
{
    return f->profile_fixed;
}

static int skip_project(const flow *f)
{
    const flow_profile *p = flow_current(f);
    return !p || !(p->ops->caps & (PROVIDER_CAP_PROJECTS | PROVIDER_CAP_LOCAL_PROJECTS));
}

/* A driver that only pairs (no calls) has no lists to show. */
static int skip_channels(const flow *f)
{
    const flow_profile *p = flow_current(f);
    return !p || !p->ops->call;
}

static int mode_count(const flow *f)
{
    const flow_profile *p = flow_current(f);
    int n = 0;
    for (int m = PAIR_MODE_QR; p && m <= PAIR_MODE_CODE; m++)
        n += provider_has_mode(p->ops, (pair_mode)m);
    return n;
}

static int skip_mode(const flow *f)
{
    return mode_count(f) <= 1;
}

/* The name step asks for a name (new channel), a pipeline (browser) or a phone (code). */
static int skip_name(const flow *f)
{
    return f->channel && f->mode == PAIR_MODE_QR;
}

static const flow_step_info step_table[FLOW_STEP_COUNT] = {
    [FLOW_STEP_PROFILE] = {FLOW_STEP_PROFILE, N_("Hub account"), FLOW_STEP_PROFILE, skip_profile},
    [FLOW_STEP_PROJECT] = {FLOW_STEP_PROJECT, N_("Project"), FLOW_STEP_PROFILE, skip_project},
    [FLOW_STEP_CHANNELS] = {FLOW_STEP_CHANNELS, N_("Channels"), FLOW_STEP_PROJECT, skip_channels},
    [FLOW_STEP_MODE] = {FLOW_STEP_MODE, N_("How to link"), FLOW_STEP_CHANNELS, skip_mode},
    [FLOW_STEP_NAME] = {FLOW_STEP_NAME, N_("Details"), FLOW_STEP_MODE, skip_name},
    [FLOW_STEP_PAIR] = {FLOW_STEP_PAIR, N_("Pair the phone"), FLOW_STEP_NAME, NULL},
    [FLOW_STEP_RESULT] = {FLOW_STEP_RESULT, N_("Result"), FLOW_STEP_CHANNELS, NULL},
    [FLOW_STEP_WEBHOOK] = {FLOW_STEP_WEBHOOK, N_("Webhook"), FLOW_STEP_RESULT, NULL},
    /* ADD and TEST go back to where they were opened from (side_return). */
    [FLOW_STEP_ADD] = {FLOW_STEP_ADD, N_("Add"), FLOW_STEP_CHANNELS, NULL},
    [FLOW_STEP_CONNECT] = {FLOW_STEP_CONNECT, N_("Connect"), FLOW_STEP_CHANNELS, NULL},
    [FLOW_STEP_TEST] = {FLOW_STEP_TEST, N_("Test message"), FLOW_STEP_CHANNELS, NULL},
};

const flow_step_info *flow_steps(void)
{
    return step_table;
}

const char *flow_step_title(flow_step s)
{
    return (unsigned)s < FLOW_STEP_COUNT ? _(step_table[s].title) : "";
}

void flow_changed(flow *f, const pair_event *ev)
{
    if (f->on_change)
        f->on_change(f, ev, f->arg);
}

const flow_profile *flow_current(const flow *f)
{
    return f->profile >= 0 && (size_t)f->profile < f->nprofiles ? &f->profiles[f->profile] : NULL;
}

void flow_ctx(const flow *f, provider_ctx *ctx, const char *token)
{
    const flow_profile *p = flow_current(f);
    *ctx = f->tuning;
    ctx->l = f->l;
    ctx->http = f->http;
    ctx->base_url = p ? p->base_url : NULL;
    ctx->gate_url = p && p->gate_url ? p->gate_url : p ? p->ops->default_gate_url : NULL;
    ctx->token = token;
    ctx->api_key = f->call_api_key;
}

int flow_fetch_token(flow *f, char **out, char *why, size_t whysz)
{
    const flow_profile *p = flow_current(f);
    *out = NULL;
    if (!p)
        return -1;
    if (f->secrets.profile_token && !p->token) {
        *out = f->secrets.profile_token(f, f->profile, why, whysz, f->secrets.arg);
        return *out ? 0 : -1;
    }
    if (p->token && !(*out = secret_dup(p->token))) {
        snprintf(why, whysz, "%s", _("out of memory"));
        return -1;
    }
    return 0;
}

const char *flow_channel_id(const flow *f)
{
    const char *id = json_string_value(json_object_get(f->channel, "id"));
    return id ? id : "";
}

void flow_json_set(json_t **slot, json_t *v)
{
    json_incref(v);
    json_decref(*slot);
    *slot = v;
}

const char *flow_profile_name(const flow_profile *p)
{
    return p && p->name ? p->name : "session";
}

void flow_journal(flow *f, const journal_entry *e)
{
    char err[300];
    if (!f->journal)
        return;
    f->journal_warning[0] = '\0';
    if (journal_record(e, err, sizeof err) < 0)
        snprintf(f->journal_warning, sizeof f->journal_warning,
                 _("The change was made, but the journal could not record it: %s"), err);
}

void flow_init(flow *f, loop *l, http_client *http, flow_change_fn fn, void *arg)
{
    memset(f, 0, sizeof *f);
    f->l = l;
    f->http = http;
    f->profile = -1;
    f->qr_attempts_max = 6;
    f->on_change = fn;
    f->arg = arg;
    f->step = FLOW_STEP_PROFILE;
    f->call_retry_after_s = -1;
}

static void stop_session(flow *f)
{
    const flow_profile *p = flow_current(f);
    if (f->session && p)
        p->ops->pair_stop(f->session);
    f->session = NULL;
    secret_free(f->pair_token);
    secret_free(f->pair_channel_token);
    f->pair_token = f->pair_channel_token = NULL;
}

void flow_clear_pairing(flow *f)
{
    stop_session(f);
    free(f->qr);
    f->qr = NULL;
    f->qr_attempt = f->qr_count = 0;
    f->qr_deadline_ms = f->wait_until_ms = 0;
    f->status[0] = f->channel_id[0] = f->phone[0] = f->channel_name[0] = '\0';
    f->fail_message[0] = f->link_url[0] = f->pair_code[0] = f->progress[0] = '\0';
    f->fail_status = HD_OK;
    f->pair = FLOW_PAIR_IDLE;
}

/* Forgets what the hub told us about the account (a new profile was chosen). */
void flow_clear_hub_state(flow *f)
{
    flow_call_cancel(f);
    flow_clear_pairing(f);
    flow_json_set(&f->account, NULL);
    flow_json_set(&f->projects, NULL);
    flow_json_set(&f->channels, NULL);
    flow_json_set(&f->health, NULL);
    flow_json_set(&f->channel, NULL);
    flow_json_set(&f->field_errors, NULL);
    flow_json_set(&f->test_result, NULL);
    flow_json_set(&f->connect_sent, NULL);
    f->project_id[0] = f->type_filter[0] = f->notice[0] = '\0';
    f->call = FLOW_CALL_IDLE;
    f->call_message[0] = '\0';
}

void flow_release(flow *f)
{
    flow_clear_hub_state(f);
    for (size_t i = 0; i < f->nprofiles; i++) {
        free(f->profiles[i].label);
        free(f->profiles[i].base_url);
        free(f->profiles[i].gate_url);
        free(f->profiles[i].name);
        secret_free(f->profiles[i].token);
        secret_free(f->profiles[i].api_key);
        json_decref(f->profiles[i].remembered);
    }
    free(f->profiles);
    f->profiles = NULL;
    f->nprofiles = 0;
}

int flow_profile_add(flow *f, const char *label, const provider_ops *ops, const char *base_url,
                     const char *token)
{
    flow_profile *n = realloc(f->profiles, (f->nprofiles + 1) * sizeof *n);
    if (!n)
        return -1;
    f->profiles = n;
    flow_profile *p = &n[f->nprofiles];
    memset(p, 0, sizeof *p);
    p->label = text_sanitize_dup(label);
    p->base_url = strdup(base_url);
    p->ops = ops;
    p->token = secret_dup(token);
    if (!p->label || !p->base_url || (token && !p->token)) {
        free(p->label);
        free(p->base_url);
        secret_free(p->token);
        return -1;
    }
    return (int)f->nprofiles++;
}

static int replace_str(char **slot, const char *v)
{
    char *c = v ? strdup(v) : NULL;
    if (v && !c)
        return -1;
    free(*slot);
    *slot = c;
    return 0;
}

int flow_profile_set(flow *f, int index, const char *name, const char *gate_url)
{
    if (index < 0 || (size_t)index >= f->nprofiles)
        return -1;
    flow_profile *p = &f->profiles[index];
    if ((name && replace_str(&p->name, name) < 0) ||
        (gate_url && replace_str(&p->gate_url, *gate_url ? gate_url : NULL) < 0))
        return -1;
    return 0;
}

int flow_profile_set_customer_lang(flow *f, int index, const char *lang)
{
    const char *code = lang && *lang ? i18n_language_code(lang) : "";
    if (index < 0 || (size_t)index >= f->nprofiles || !code)
        return -1;
    snprintf(f->profiles[index].customer_lang, sizeof f->profiles[index].customer_lang, "%s",
             code);
    return 0;
}

int flow_profile_set_country(flow *f, int index, const char *country)
{
    char cc[3];
    if (index < 0 || (size_t)index >= f->nprofiles || phone_country_norm(country, cc) < 0)
        return -1;
    memcpy(f->profiles[index].country, cc, sizeof cc);
    return 0;
}

const char *flow_country(const flow *f)
{
    if (f->profile < 0 || (size_t)f->profile >= f->nprofiles)
        return "";
    return f->profiles[f->profile].country;
}

hd_status flow_phone_form(const flow *f, const char *typed, int plus, char *out, size_t outsz,
                          char *why, size_t whysz)
{
    return phone_hub_form(typed, flow_country(f), plus, out, outsz, NULL, 0, why, whysz);
}

hd_status flow_name_check(const char *name, char *why, size_t whysz)
{
    size_t chars = 0;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        chars += (*p & 0xC0) != 0x80;
    if (!text_is_clean(name)) {
        snprintf(why, whysz, "%s", _("the name may not contain control characters"));
        return HD_ERR_USAGE;
    }
    if (chars > 60) {
        snprintf(why, whysz, "%s", _("the name is longer than 60 characters"));
        return HD_ERR_USAGE;
    }
    return HD_OK;
}
