/* hubtest.c: one hub call run to its end for driver tests (see hubtest.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hubtest.h"
#include "sandbox_proc.h"
#include "secret.h"

static const char *const *forbidden;

void hubtest_forbid(const char *const *secrets)
{
    forbidden = secrets;
}

static void assert_no_secret(const char *what, const char *text)
{
    for (const char *const *s = forbidden; text && s && *s; s++)
        if (strstr(text, *s))
            fail_msg("%s quotes a secret: %s", what, text);
}

static void assert_json_no_secret(const char *what, const json_t *j)
{
    char *dump = j ? json_dumps(j, JSON_COMPACT) : NULL;
    assert_no_secret(what, dump);
    free(dump);
}

void hubtest_on_done(const hub_result *r, void *arg)
{
    hubtest_out *o = arg;
    o->done++;
    o->status = r->status;
    o->code = r->code;
    o->retry_after_s = r->retry_after_s;
    o->has_secret = r->secret != NULL;
    snprintf(o->secret, sizeof o->secret, "%s", r->secret ? r->secret : "");
    o->data = r->data ? json_deep_copy(r->data) : NULL;
    o->fields = r->field_errors ? json_deep_copy(r->field_errors) : NULL;
    snprintf(o->message, sizeof o->message, "%s", r->message ? r->message : "(null)");
    assert_non_null(r->message);
    if (r->status == HD_OK)
        assert_string_equal(r->message, "");
    else
        assert_null(r->data);
    assert_no_secret("message", o->message);
    assert_json_no_secret("data", o->data);
    assert_json_no_secret("field_errors", o->fields);
}

static void on_wait(long delay_ms, const char *message, void *arg)
{
    ((hubtest_out *)arg)->waits++;
    assert_no_secret("wait message", message);
}

/* `given` on a loop and HTTP client of its own, with short backoffs. */
static provider_ctx own_loop(const provider_ctx *given)
{
    provider_ctx ctx = *given;
    ctx.l = loop_new();
    ctx.http = http_client_new(ctx.l);
    ctx.backoff_base_ms = 10;
    return ctx;
}

static void free_loop(provider_ctx *ctx)
{
    http_client_free(ctx->http);
    loop_free(ctx->l);
}

hubtest_out hubtest_call(const provider_ops *p, const provider_ctx *given, const hub_req *req)
{
    hubtest_out out = {0};
    provider_ctx ctx = own_loop(given);
    void *c = p->call(&ctx, req, hubtest_on_done, on_wait, &out);
    assert_non_null(c);
    assert_int_equal(out.done, 0); /* never from inside call() */
    uint64_t end = loop_now_ms() + 10000;
    while (!out.done && loop_now_ms() < end)
        loop_run_once(ctx.l, 50);
    assert_int_equal(out.done, 1);
    free_loop(&ctx);
    return out;
}

void hubtest_out_clear(hubtest_out *o)
{
    json_decref(o->data);
    json_decref(o->fields);
    memset(o, 0, sizeof *o);
}

const char *hubtest_str(const json_t *j, const char *key)
{
    const char *s = json_string_value(json_object_get(j, key));
    if (!s)
        fail_msg("no string \"%s\"", key);
    return s;
}

void hubtest_cancel_each(const provider_ops *p, const provider_ctx *given, const hub_req *reqs,
                         size_t n)
{
    hubtest_out o = {0};
    provider_ctx ctx = own_loop(given);
    for (size_t i = 0; i < n; i++)
        p->call_cancel(p->call(&ctx, &reqs[i], hubtest_on_done, NULL, &o));
    p->call_cancel(NULL);
    for (int i = 0; i < 10; i++)
        loop_run_once(ctx.l, 20);
    assert_int_equal(o.done, 0);
    free_loop(&ctx);
}

int hubtest_sandbox_start(struct sandbox_proc *sb, const char *const *secrets, const char *hub,
                          char *base, size_t n)
{
    secret_harden_json();
    hubtest_forbid(secrets);
    if (sandbox_start(NULL, sb) != 0)
        return -1;
    snprintf(base, n, "%s/%s", sb->base_url, hub);
    return 0;
}

void hubtest_assert_fields(const hubtest_out *o, const char *const *keys, size_t n)
{
    if (json_object_size(o->fields) != n)
        fprintf(stderr, "fields: %s\n", o->message);
    assert_non_null(o->fields);
    assert_int_equal(json_object_size(o->fields), n);
    for (size_t i = 0; i < n; i++)
        assert_true(strlen(hubtest_str(o->fields, keys[i])) > 5);
}

void hubtest_assert_refused(const hubtest_out *o, const char *field)
{
    if (o->status != HD_ERR_USAGE)
        fprintf(stderr, "not refused: %d %s\n", o->status, o->message);
    assert_int_equal(o->status, HD_ERR_USAGE);
    assert_int_equal(o->code, 0);
    assert_true(strlen(o->message) > 10);
    assert_null(o->data);
    if (field)
        hubtest_assert_fields(o, &field, 1);
}

void hubtest_fail_next(const struct sandbox_proc *sb, const char *hub, int times)
{
    char path[120];
    snprintf(path, sizeof path, "/_sandbox/%s/fail?times=%d", hub, times);
    json_decref(sandbox_json(sb, "POST", path));
}

void hubtest_assert_unsupported(hubtest_out (*call)(const hub_req *req), hub_req req,
                                const hub_op *ops, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        req.op = ops[i];
        hubtest_out o = call(&req);
        hubtest_assert_refused(&o, NULL);
        assert_null(o.fields);
        hubtest_out_clear(&o);
    }
}

size_t hubtest_requests(const struct sandbox_proc *sb, const char *hub, const char *method)
{
    json_t *log = sandbox_json(sb, "GET", "/_sandbox/test/log"), *e;
    size_t i, n = 0;
    json_array_foreach(log, i, e)
    {
        const char *from = json_string_value(json_object_get(e, "hub"));
        n += from && !strcmp(from, hub) && (!method || !strcmp(hubtest_str(e, "method"), method));
    }
    json_decref(log);
    return n;
}

void hubtest_assert_server_error(hubtest_out *o, int waits, const char *words)
{
    assert_int_equal(o->status, HD_ERR_SERVER);
    assert_int_equal(o->code, 500);
    assert_int_equal(o->waits, waits);
    if (!strstr(o->message, words))
        fail_msg("\"%s\" does not hold \"%s\"", o->message, words);
    hubtest_out_clear(o);
}
