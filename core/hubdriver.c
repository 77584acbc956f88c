/* hubdriver.c: what every hub driver's call shares (see hubdriver.h). */
#include "hubdriver.h"
#include "i18n.h"
#include "secret.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

hubdriver_call *hubdriver_new(size_t size, const provider_ctx *ctx, const hub_req *req,
                              hub_done_fn done, hub_wait_fn wait, void *arg,
                              hubdriver_release_fn release)
{
    hubdriver_call *c = calloc(1, size);
    if (!c)
        return NULL;
    *c = (hubdriver_call){.l = ctx->l,
                          .http = ctx->http,
                          .backoff_base_ms = ctx->backoff_base_ms,
                          .op = req->op,
                          .release = release,
                          .done = done,
                          .wait = wait,
                          .arg = arg};
    return c;
}

static void call_free(hubdriver_call *c)
{
    c->release(c);
    free(c);
}

static void on_answer(const hubcall_result *r, void *arg)
{
    hubdriver_call *c = arg;
    c->hc = NULL;
    c->answer(c, r);
}

/* hubcall's waits (429 Retry-After, 5xx backoff), passed on so the UI shows them. */
static void on_wait(long delay_ms, const char *message, void *arg)
{
    hubdriver_call *c = arg;
    if (c->wait)
        c->wait(delay_ms, message, c->arg);
}

int hubdriver_send(hubdriver_call *c, const hubcall_opts *o, hubdriver_answer_fn answer)
{
    hubcall_opts sent = *o;
    sent.backoff_base_ms = c->backoff_base_ms;
    c->answer = answer;
    c->hc = hubcall_start(c->http, c->l, &sent, on_answer, on_wait, c);
    return c->hc ? 0 : -1;
}

void hubdriver_finish(hubdriver_call *c, const hub_result *res)
{
    c->done(res, c->arg);
    call_free(c);
}

static void on_early(loop *l, void *arg)
{
    hubdriver_call *c = arg;
    (void)l;
    c->timer = 0;
    hubdriver_finish(c, &c->early);
}

void *hubdriver_begin(hubdriver_call *c, hubdriver_request *rq, hubdriver_answer_fn answer,
                      const hub_result *early)
{
    int started;
    if (early) {
        c->early = *early;
        c->early.code = 0;
        c->early.retry_after_s = -1;
        started = (c->timer = loop_timer_add(c->l, 0, on_early, c)) != 0;
    } else {
        rq->o.path = rq->path;
        rq->o.body = rq->body;
        started = hubdriver_send(c, &rq->o, answer) == 0;
    }
    if (rq)
        json_decref(rq->body); /* hubcall sent a copy; jansson wipes this one */
    if (started)
        return c;
    call_free(c);
    return NULL;
}

void *hubdriver_start(const hubdriver_ops *ops, const provider_ctx *ctx, const hub_req *req,
                      hub_done_fn done, hub_wait_fn wait, void *arg)
{
    hubdriver_call *c = hubdriver_new(ops->size, ctx, req, done, wait, arg, ops->release);
    hubdriver_request rq = {.body = NULL};
    hub_result early = {0};
    if (!c)
        return NULL;
    return hubdriver_begin(c, &rq, ops->answer, ops->prepare(c, ctx, req, &rq, &early));
}

void hubdriver_cancel(void *call)
{
    hubdriver_call *c = call;
    if (!c)
        return;
    hubcall_cancel(c->hc);
    loop_timer_cancel(c->l, c->timer);
    call_free(c);
}

const char *hubdriver_unsupported(const hubdriver_lack *table, hub_op op, const char *otherwise)
{
    for (; table && table->why; table++)
        if (table->op == op)
            return _(table->why);
    return otherwise;
}

json_t *hubdriver_understood(const hubdriver_call *c, json_t *d, hd_status *st, char *msg,
                             size_t n)
{
    char why[200];
    if (d)
        return d;
    snprintf(why, sizeof why, _("the hub's answer to \"%s\" was not understood"),
             hub_op_label(c->op));
    return hubdriver_decoded(NULL, why, st, msg, n);
}

json_t *hubdriver_decoded(json_t *d, const char *why, hd_status *st, char *msg, size_t n)
{
    if (d)
        return d;
    *st = HD_ERR_PROTOCOL;
    snprintf(msg, n, "%s", why);
    return NULL;
}

/* ---- a form ------------------------------------------------------------------------------ */

hd_status hubdriver_form_refuse(hubdriver_form *f, const char *why)
{
    f->form.failed = 1;
    snprintf(f->form.message, sizeof f->form.message, "%s", why);
    return HD_ERR_USAGE;
}

hd_status hubdriver_form_secret(hubdriver_form *f, const char *field, const char *value,
                                const char *missing, const char *bad)
{
    if (!value || !*value)
        return hubform_refuse(&f->form, field, missing);
    if (!secret_is_token_safe(value))
        return hubform_refuse(&f->form, field, bad);
    return HD_OK;
}

hd_status hubdriver_form_keep(hubdriver_form *f, int slot, const char *secret)
{
    if (!secret || !*secret)
        return HD_OK;
    f->secrets[slot] = secret_dup(secret);
    return f->secrets[slot] ? HD_OK : hubdriver_form_refuse(f, hd_status_message(HD_ERR_INTERNAL));
}

const hub_result *hubdriver_form_early(const hubdriver_form *f, hd_status st, hub_result *early)
{
    if (st == HD_OK && !f->local)
        return NULL;
    *early = (hub_result){.status = st,
                          .message = st == HD_OK ? "" : f->form.message,
                          .data = st == HD_OK ? f->local : NULL,
                          .field_errors = st == HD_OK ? NULL : f->form.fields,
                          .retry_after_s = -1};
    return early;
}

int hubdriver_form_quotes(const hubdriver_form *f, const char *text)
{
    return hubform_quotes_secret(text, (const char *const *)f->secrets, HUBDRIVER_SECRETS);
}

int hubdriver_form_hides(const hubdriver_form *f, const hubcall_result *r, char *msg, size_t n)
{
    if (!hubdriver_form_quotes(f, r->message))
        return 0;
    snprintf(msg, n,
             _("the hub refused the request (HTTP %ld); its answer quoted a secret, so it is not "
               "shown"),
             r->code);
    return 1;
}

void hubdriver_form_scrub(const hubdriver_form *f, json_t *fields)
{
    hubform_scrub_fields(fields, (const char *const *)f->secrets, HUBDRIVER_SECRETS);
}

json_t *hubdriver_form_unquoted(const hubdriver_form *f, json_t *d, hd_status *st, char *msg,
                                size_t n)
{
    char *dump = d ? json_dumps(d, JSON_COMPACT) : NULL;
    int bad = hubdriver_form_quotes(f, dump);
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

void hubdriver_form_clear(hubdriver_form *f)
{
    for (int i = 0; i < HUBDRIVER_SECRETS; i++)
        secret_free(f->secrets[i]);
    hubform_clear(&f->form);
    json_decref(f->local);
    memset(f, 0, sizeof *f);
}

void hubdriver_form_finish(hubdriver_call *c, const hubdriver_form *f, const hubcall_result *r,
                           hd_status st, json_t *data, json_t *fields, char *msg, size_t n)
{
    hub_result res = {.status = st,
                      .code = r->code,
                      .message = msg,
                      .retry_after_s = r->retry_after_s,
                      .field_errors = fields};
    /* Nothing the hub sent that quotes a secret reaches the caller, in data either. */
    res.data = hubdriver_form_unquoted(f, data, &res.status, msg, n);
    hubdriver_finish(c, &res);
    json_decref(res.data);
    json_decref(fields);
}
