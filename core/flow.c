/* flow.c: the onboarding state machine; screens and line mode only send intents to it. */
#include "flow.h"
#include "i18n.h"
#include "secret.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FLOW_DEFAULT_NAME "WhatsApp QR"
#define WAITING_FOR_PHONE N_("Waiting for the phone: WhatsApp > Linked devices > Link a device")

static int skip_profile(const flow *f)
{
    return f->profile_fixed;
}

static const flow_step_info step_table[FLOW_STEP_COUNT] = {
    {FLOW_STEP_PROFILE, N_("Hub account"), FLOW_STEP_PROFILE, skip_profile},
    {FLOW_STEP_NAME, N_("Channel name"), FLOW_STEP_PROFILE, NULL},
    {FLOW_STEP_PAIR, N_("Pair the phone"), FLOW_STEP_NAME, NULL},
    {FLOW_STEP_RESULT, N_("Result"), FLOW_STEP_NAME, NULL},
};

const flow_step_info *flow_steps(void)
{
    return step_table;
}

const char *flow_step_title(flow_step s)
{
    return (unsigned)s < FLOW_STEP_COUNT ? _(step_table[s].title) : "";
}

static void changed(flow *f, const pair_event *ev)
{
    if (f->on_change)
        f->on_change(f, ev, f->arg);
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
}

static void stop_session(flow *f)
{
    if (f->session && f->profile >= 0)
        f->profiles[f->profile].ops->pair_stop(f->session);
    f->session = NULL;
}

static void clear_pairing(flow *f)
{
    stop_session(f);
    free(f->qr);
    f->qr = NULL;
    f->qr_attempt = f->qr_count = 0;
    f->qr_deadline_ms = f->wait_until_ms = 0;
    f->status[0] = f->channel_id[0] = f->phone[0] = f->channel_name[0] = '\0';
    f->fail_message[0] = '\0';
    f->fail_status = HD_OK;
    f->pair = FLOW_PAIR_IDLE;
}

void flow_release(flow *f)
{
    clear_pairing(f);
    for (size_t i = 0; i < f->nprofiles; i++) {
        free(f->profiles[i].label);
        free(f->profiles[i].base_url);
        secret_free(f->profiles[i].token);
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

hd_status flow_choose_profile(flow *f, int index)
{
    if (index < 0 || (size_t)index >= f->nprofiles)
        return HD_ERR_USAGE;
    clear_pairing(f);
    f->profile = index;
    f->step = FLOW_STEP_NAME;
    changed(f, NULL);
    return HD_OK;
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

static void finish(flow *f, flow_pair_state st, const pair_event *ev)
{
    f->pair = st;
    f->step = FLOW_STEP_RESULT;
    f->wait_until_ms = 0;
    if (st == FLOW_PAIR_CONNECTED) {
        snprintf(f->channel_id, sizeof f->channel_id, "%s", ev->channel_id ? ev->channel_id : "");
        snprintf(f->phone, sizeof f->phone, "%s", ev->phone ? ev->phone : "");
        snprintf(f->channel_name, sizeof f->channel_name, "%s",
                 ev->name && *ev->name ? ev->name : f->name);
        snprintf(f->status, sizeof f->status, "%s", _("Connected"));
    } else {
        f->fail_status = ev->status != HD_OK ? ev->status
                                             : (st == FLOW_PAIR_EXPIRED ? HD_ERR_EXPIRED : HD_ERR_INTERNAL);
        snprintf(f->fail_message, sizeof f->fail_message, "%s", ev->message ? ev->message : "");
        snprintf(f->status, sizeof f->status, "%s", hd_status_message(f->fail_status));
    }
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
        if (f->pair == FLOW_PAIR_QR)
            snprintf(f->status, sizeof f->status, "%s", _(WAITING_FOR_PHONE));
        break;
    case PAIR_EV_QR:
        on_qr(f, ev);
        break;
    case PAIR_EV_SCANNED:
        f->pair = FLOW_PAIR_SCANNED;
        f->qr_deadline_ms = 0;
        snprintf(f->status, sizeof f->status, "%s", _("Scanned. The hub is finishing the link..."));
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
    changed(f, ev);
}

static hd_status start_pairing(flow *f)
{
    if (f->profile < 0)
        return HD_ERR_USAGE;
    const flow_profile *p = &f->profiles[f->profile];
    clear_pairing(f);
    provider_ctx ctx = f->tuning;
    ctx.l = f->l;
    ctx.http = f->http;
    ctx.base_url = p->base_url;
    ctx.token = p->token;
    pair_request req = {.name = f->name};
    f->step = FLOW_STEP_PAIR;
    f->pair = FLOW_PAIR_STARTING;
    snprintf(f->status, sizeof f->status, _("Asking %s for a pairing session..."), p->ops->label);
    f->session = p->ops->pair_start(&ctx, &req, on_pair_event, f);
    if (!f->session) {
        pair_event ev = {.type = PAIR_EV_FAILED, .status = HD_ERR_INTERNAL,
                         .message = _("out of memory")};
        finish(f, FLOW_PAIR_FAILED, &ev);
        changed(f, &ev);
        return HD_ERR_INTERNAL;
    }
    changed(f, NULL);
    return HD_OK;
}

hd_status flow_set_name(flow *f, const char *name)
{
    char why[160];
    if (!name || !*name)
        name = FLOW_DEFAULT_NAME;
    if (flow_name_check(name, why, sizeof why) != HD_OK)
        return HD_ERR_USAGE;
    snprintf(f->name, sizeof f->name, "%s", name);
    return start_pairing(f);
}

hd_status flow_retry(flow *f)
{
    if (f->step != FLOW_STEP_RESULT && f->step != FLOW_STEP_PAIR)
        return HD_ERR_USAGE;
    return start_pairing(f);
}

void flow_back(flow *f)
{
    flow_step to = step_table[f->step].back;
    while (to != FLOW_STEP_PROFILE && step_table[to].skip && step_table[to].skip(f))
        to = step_table[to].back;
    if (to == FLOW_STEP_PROFILE && skip_profile(f))
        to = FLOW_STEP_NAME;
    if (f->step == FLOW_STEP_PAIR || f->step == FLOW_STEP_RESULT)
        clear_pairing(f);
    f->step = to;
    changed(f, NULL);
}

long flow_qr_remaining_ms(const flow *f)
{
    if (!f->qr_deadline_ms || f->pair != FLOW_PAIR_QR)
        return 0;
    uint64_t now = loop_now_ms();
    return f->qr_deadline_ms > now ? (long)(f->qr_deadline_ms - now) : 0;
}
