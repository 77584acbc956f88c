/* hubcall.c: one JSON request to a hub, with the answer parsed and errors put in words. */
#include "hubcall.h"
#include "i18n.h"
#include "secret.h"
#include "text.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct hubcall {
    loop *l;
    http_request *req;
    uint64_t fail_timer;
    hd_status fail_status;
    hubcall_done_fn done;
    hub_wait_fn wait;
    void *arg;
};

int hubcall_join(char *out, size_t outsz, const char *base, const char *path)
{
    size_t bl = strlen(base);
    while (bl && base[bl - 1] == '/')
        bl--;
    while (*path == '/')
        path++;
    int n = snprintf(out, outsz, "%.*s/%s", (int)bl, base, path);
    return n < 0 || (size_t)n >= outsz ? -1 : 0;
}

const char *hubcall_str(const json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* The answer's JSON. A refusal's is read lossily (text_json_lossy): a \u0000 or a bad byte in
 * one message must not lose every field and word of it. A success is taken as it is. */
static json_t *answer_json(const http_response *r)
{
    if (r->code >= 200 && r->code < 300)
        return json_loadb(r->body, r->body_len, 0, NULL);
    char *text = text_json_lossy(r->body, r->body_len);
    json_t *j = text ? json_loadb(text, r->body_len, 0, NULL) : NULL;
    if (text)
        sodium_memzero(text, r->body_len);
    free(text);
    return j;
}

static void on_done(const http_response *r, void *arg)
{
    hubcall *h = arg;
    char msg[400] = "";
    hubcall_result res = {.status = r->status, .code = r->code, .message = msg,
                          .retry_after_s = r->retry_after_s};
    h->req = NULL;
    if (r->body_len)
        res.json = answer_json(r);
    if (r->status == HD_OK && (r->code < 200 || r->code >= 300))
        res.status = http_status_for_code(r->code);
    if (res.status == HD_OK && r->body_len && !res.json) {
        res.status = HD_ERR_PROTOCOL;
        snprintf(msg, sizeof msg, "%s", _("the hub's answer is not JSON"));
    } else if (res.status != HD_OK) {
        provider_error_text(r, msg, sizeof msg);
    }
    h->done(&res, h->arg);
    json_decref(res.json);
    free(h);
}

char *hubcall_wait_text(long delay_ms, const http_response *why, char *out, size_t outsz)
{
    char detail[300];
    long secs = (delay_ms + 999) / 1000;
    if (why->status == HD_OK)
        provider_error_text(why, detail, sizeof detail);
    else
        snprintf(detail, sizeof detail, "%s", why->error);
    if (why->code == 429)
        snprintf(out, outsz, _("the hub asks us to slow down (%s); waiting %ld s"), detail, secs);
    else
        snprintf(out, outsz, _("%s; trying again in %ld s"), detail, secs);
    return out;
}

static void on_retry(long delay_ms, const http_response *why, void *arg)
{
    hubcall *h = arg;
    char msg[400];
    if (h->wait)
        h->wait(delay_ms, hubcall_wait_text(delay_ms, why, msg, sizeof msg), h->arg);
}

static void on_refused(loop *l, void *arg)
{
    hubcall *h = arg;
    char msg[300];
    (void)l;
    h->fail_timer = 0;
    snprintf(msg, sizeof msg, "%s", hd_status_message(h->fail_status));
    hubcall_result res = {.status = h->fail_status, .message = msg, .retry_after_s = -1};
    h->done(&res, h->arg);
    free(h);
}

hubcall *hubcall_start(http_client *c, loop *l, const hubcall_opts *o, hubcall_done_fn done,
                       hub_wait_fn wait, void *arg)
{
    hubcall *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    *h = (hubcall){.l = l, .done = done, .wait = wait, .arg = arg};
    char url[2048];
    char *body = o->body ? json_dumps(o->body, JSON_COMPACT) : NULL;
    h->fail_status = HD_ERR_BAD_URL;
    if (hubcall_join(url, sizeof url, o->base_url ? o->base_url : "", o->path) == 0 &&
        (!o->body || body)) {
        http_opts ho = {
            .method = o->method,
            .url = url,
            .json_body = body,
            .token = o->token,
            .token_header = o->token_header,
            .api_key = o->api_key,
            .api_key_header = o->api_key_header,
            .origin = o->base_url,
            .max_retries = o->max_retries,
            .backoff_base_ms = o->backoff_base_ms,
            .on_retry = on_retry,
        };
        h->req = http_start(c, &ho, on_done, NULL, h, &h->fail_status);
    }
    if (body) /* request bodies may carry secrets (HydraCore access_token, HubMessage code) */
        sodium_memzero(body, strlen(body));
    free(body);
    if (!h->req) {
        h->fail_timer = loop_timer_add(l, 0, on_refused, h);
        if (!h->fail_timer) {
            free(h);
            return NULL;
        }
    }
    return h;
}

void hubcall_cancel(hubcall *h)
{
    if (!h)
        return;
    http_cancel(h->req);
    loop_timer_cancel(h->l, h->fail_timer);
    free(h);
}
