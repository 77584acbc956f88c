/* test_keebai_api.c: the Keebai driver's calls (check, channels, webhook) and browser pairing
 * (embedded signup) against the sandbox hub, including refusals, rate limits and endings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/sandbox_proc.h"
#include "provider.h"

#define TOKEN "hubdesk-sandbox-token"
#define DEAD_BASE "http://127.0.0.1:1/keebai" /* nothing listens: a request there fails */

static sandbox_proc sb; /* generous rate limit, default 15-minute signups */

/* ------------------------------------------------------------------ calls */

typedef struct call_state {
    int done, waits;
    hd_status status;
    long code, wait_ms, retry_after_s;
    char message[400], wait_msg[400], secret[200];
    int has_secret;
    json_t *data; /* deep copy: the driver's is borrowed */
} call_state;

static void on_done(const hub_result *r, void *arg)
{
    call_state *cs = arg;
    cs->done++;
    cs->status = r->status;
    cs->code = r->code;
    cs->retry_after_s = r->retry_after_s;
    snprintf(cs->message, sizeof cs->message, "%s", r->message ? r->message : "(null)");
    cs->has_secret = r->secret != NULL;
    snprintf(cs->secret, sizeof cs->secret, "%s", r->secret ? r->secret : "");
    cs->data = r->data ? json_deep_copy(r->data) : NULL;
}

static void on_wait(long delay_ms, const char *message, void *arg)
{
    call_state *cs = arg;
    cs->waits++;
    cs->wait_ms = delay_ms;
    snprintf(cs->wait_msg, sizeof cs->wait_msg, "%s", message);
}

typedef struct harness {
    loop *l;
    http_client *http;
    provider_ctx ctx;
    char base[128];
} harness;

static void harness_open(harness *h, const char *base, const char *token)
{
    snprintf(h->base, sizeof h->base, "%s", base);
    h->l = loop_new();
    h->http = http_client_new(h->l);
    h->ctx = (provider_ctx){.l = h->l,
                            .http = h->http,
                            .base_url = h->base,
                            .token = token,
                            .backoff_base_ms = 10,
                            .stream_retry_ms = 50};
}

static void harness_close(harness *h)
{
    http_client_free(h->http);
    loop_free(h->l);
}

static void run_until(harness *h, const int *flag, long ms)
{
    uint64_t end = loop_now_ms() + (uint64_t)ms;
    while (!*flag && loop_now_ms() < end)
        loop_run_once(h->l, 20);
}

/* One call to its end (10 s at most). `done` must not run before the loop does. */
static void call(call_state *cs, const char *base, const char *token, const hub_req *req)
{
    harness h;
    harness_open(&h, base, token);
    void *c = provider_keebai.call(&h.ctx, req, on_done, on_wait, cs);
    assert_non_null(c);
    assert_int_equal(cs->done, 0);
    run_until(&h, &cs->done, 10000);
    assert_int_equal(cs->done, 1);
    harness_close(&h);
}

static void cs_clear(call_state *cs)
{
    json_decref(cs->data);
    memset(cs, 0, sizeof *cs);
}

static char *keebai_base(const sandbox_proc *p)
{
    static char buf[128];
    snprintf(buf, sizeof buf, "%s/keebai", p->base_url);
    return buf;
}

/* A blocking Keebai API call, to set the scene (the driver is what is tested). */
static json_t *hub_json(const sandbox_proc *p, const char *method, const char *path,
                        const char *body)
{
    char url[256];
    const char *hdrs[] = {"Authorization: Bearer " TOKEN, "Content-Type: application/json", NULL};
    sandbox_reply r;
    snprintf(url, sizeof url, "%s/keebai%s", p->base_url, path);
    sandbox_http(method, url, hdrs, body, body ? strlen(body) : 0, &r);
    json_t *j = r.body ? json_loadb(r.body, r.body_len, 0, NULL) : NULL;
    sandbox_reply_free(&r);
    return j;
}

static size_t webhook_count(void)
{
    json_t *j = hub_json(&sb, "GET", "/v1/webhooks", NULL);
    size_t n = json_array_size(json_object_get(j, "data"));
    json_decref(j);
    return n;
}

static void test_check(void **state)
{
    call_state cs = {0};
    call(&cs, keebai_base(&sb), TOKEN, &(hub_req){.op = HUB_OP_CHECK});
    assert_int_equal(cs.status, HD_OK);
    assert_int_equal(cs.code, 200);
    assert_string_equal(cs.message, "");
    assert_string_equal(json_string_value(json_object_get(cs.data, "account")),
                        "usr_01SANDBOX0000000000000000");
    assert_string_equal(json_string_value(json_object_get(cs.data, "company")), "Sandbox Co");
    assert_int_equal(json_array_size(json_object_get(cs.data, "scopes")), 4);
    assert_false(cs.has_secret);
    cs_clear(&cs);
}

static void test_check_wrong_token(void **state)
{
    call_state cs = {0};
    call(&cs, keebai_base(&sb), "wrong-token-000000", &(hub_req){.op = HUB_OP_CHECK});
    assert_int_equal(cs.status, HD_ERR_AUTH);
    assert_int_equal(cs.code, 401);
    assert_non_null(strstr(cs.message, "UNAUTHORIZED"));
    assert_null(strstr(cs.message, "wrong-token"));
    assert_null(cs.data);
    cs_clear(&cs);
}

/* Makes a completed embedded-signup channel; returns its id (static). */
static const char *make_signup_channel(void)
{
    static char id[64];
    json_decref(hub_json(&sb, "POST", "/v1/channels/whatsapp/connect", "{}"));
    json_t *c = sandbox_json(&sb, "POST", "/_sandbox/signup/latest/complete");
    snprintf(id, sizeof id, "%s",
             json_string_value(json_object_get(json_object_get(c, "channel"), "id")));
    json_decref(c);
    assert_memory_equal(id, "ch_", 3);
    return id;
}

/* The entry of a channel or webhook list with that id, or NULL. */
static json_t *find_by_id(json_t *list, const char *id)
{
    size_t i;
    json_t *ch;
    json_array_foreach(list, i, ch)
    {
        const char *v = json_string_value(json_object_get(ch, "id"));
        if (v && !strcmp(v, id))
            return ch;
    }
    return NULL;
}

static void assert_all_of_type(json_t *list, const char *type)
{
    size_t i;
    json_t *ch;
    json_array_foreach(list, i, ch)
    {
        assert_string_equal(json_string_value(json_object_get(ch, "type")), type);
    }
}

static void test_channels(void **state)
{
    const char *id = make_signup_channel();
    call_state cs = {0};
    call(&cs, keebai_base(&sb), TOKEN, &(hub_req){.op = HUB_OP_CHANNELS});
    assert_int_equal(cs.status, HD_OK);
    json_t *ch = find_by_id(cs.data, id);
    assert_non_null(ch);
    assert_string_equal(json_string_value(json_object_get(ch, "type")), "whatsapp");
    assert_string_equal(json_string_value(json_object_get(ch, "name")), "Sandbox WhatsApp");
    assert_int_equal(json_string_value(json_object_get(ch, "phone"))[0], '+');
    assert_true(json_is_true(json_object_get(ch, "active")));
    assert_true(json_string_length(json_object_get(ch, "phone_number_id")) > 0);
    assert_true(json_string_length(json_object_get(ch, "business_account_id")) > 0);
    assert_null(json_object_get(ch, "phone_number")); /* normalised, not the hub's shape */
    cs_clear(&cs);

    call(&cs, keebai_base(&sb), TOKEN,
         &(hub_req){.op = HUB_OP_CHANNELS, .type_filter = "whatsapp"});
    assert_int_equal(cs.status, HD_OK);
    assert_non_null(find_by_id(cs.data, id));
    assert_all_of_type(cs.data, "whatsapp");
    cs_clear(&cs);

    call(&cs, keebai_base(&sb), TOKEN,
         &(hub_req){.op = HUB_OP_CHANNELS, .type_filter = "whatsapp_qr"});
    assert_int_equal(cs.status, HD_OK);
    assert_true(json_is_array(cs.data));
    assert_null(find_by_id(cs.data, id)); /* the filter reached the hub */
    assert_all_of_type(cs.data, "whatsapp_qr");
    cs_clear(&cs);
}

static void test_channels_bad_filter_refused(void **state)
{
    const char *bad[] = {"WhatsApp", "whatsapp&type=x", "a b", "whats/app", "wa%20"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        call_state cs = {0};
        /* a hub that cannot be reached: USAGE, not NETWORK, proves nothing was sent */
        call(&cs, DEAD_BASE, TOKEN, &(hub_req){.op = HUB_OP_CHANNELS, .type_filter = bad[i]});
        assert_int_equal(cs.status, HD_ERR_USAGE);
        assert_int_equal(cs.code, 0);
        assert_non_null(strstr(cs.message, "a-z"));
        cs_clear(&cs);
    }
}

static void assert_secret_nowhere(const call_state *cs)
{
    char *dump = json_dumps(cs->data, 0);
    assert_null(strstr(dump, cs->secret));
    assert_null(strstr(dump, "secret"));
    assert_null(strstr(cs->message, cs->secret));
    free(dump);
}

static void test_webhook_default_event(void **state)
{
    call_state cs = {0};
    const char *url = "https://hooks.example.com/keebai";
    call(&cs, keebai_base(&sb), TOKEN, &(hub_req){.op = HUB_OP_WEBHOOK_SET, .url = url});
    assert_int_equal(cs.status, HD_OK);
    assert_int_equal(cs.code, 201);
    assert_true(cs.has_secret);
    assert_memory_equal(cs.secret, "whsec_", 6);
    assert_secret_nowhere(&cs);
    assert_string_equal(json_string_value(json_object_get(cs.data, "url")), url);
    json_t *events = json_object_get(cs.data, "events");
    assert_int_equal(json_array_size(events), 1);
    assert_string_equal(json_string_value(json_array_get(events, 0)), "whatsapp.channel.connected");
    /* the hub holds it under our default name, active */
    json_t *list = hub_json(&sb, "GET", "/v1/webhooks", NULL);
    json_t *hook = find_by_id(json_object_get(list, "data"),
                                json_string_value(json_object_get(cs.data, "id")));
    assert_non_null(hook);
    assert_string_equal(json_string_value(json_object_get(hook, "name")), "hubdesk");
    assert_true(json_is_true(json_object_get(hook, "is_active")));
    json_decref(list);
    cs_clear(&cs);
}

static void test_webhook_chosen_events(void **state)
{
    call_state cs = {0};
    const char *const events[] = {"message.received", "whatsapp.channel.connected",
                                  "message.received", NULL};
    call(&cs, keebai_base(&sb), TOKEN,
         &(hub_req){.op = HUB_OP_WEBHOOK_SET,
                    .url = "https://crm.example.com/h",
                    .name = "crm",
                    .events = events});
    assert_int_equal(cs.status, HD_OK);
    assert_true(cs.has_secret);
    assert_secret_nowhere(&cs);
    assert_int_equal(json_array_size(json_object_get(cs.data, "events")), 2); /* deduplicated */
    cs_clear(&cs);
}

static void test_webhook_refused_before_sending(void **state)
{
    const char *urls[] = {"http://hooks.example.com/x",  "https://", "ftp://x", "", NULL,
                          "https://a.example/with space"};
    size_t before = webhook_count();
    for (size_t i = 0; i < sizeof urls / sizeof *urls; i++) {
        for (int dead = 0; dead < 2; dead++) {
            call_state cs = {0};
            call(&cs, dead ? DEAD_BASE : keebai_base(&sb), TOKEN,
                 &(hub_req){.op = HUB_OP_WEBHOOK_SET, .url = urls[i]});
            assert_int_equal(cs.status, HD_ERR_USAGE);
            assert_int_equal(cs.code, 0);
            assert_true(strlen(cs.message) > 10); /* the sentence from provider.h's check */
            assert_false(cs.has_secret);
            cs_clear(&cs);
        }
    }
    const char *const unknown[] = {"whatsapp.channel.connected", "message.deleted\x1b[2J", NULL};
    const char *const none[] = {NULL};
    call_state cs = {0};
    call(&cs, DEAD_BASE, TOKEN,
         &(hub_req){.op = HUB_OP_WEBHOOK_SET, .url = "https://h.example/", .events = unknown});
    assert_int_equal(cs.status, HD_ERR_USAGE);
    assert_non_null(strstr(cs.message, "message.deleted"));
    assert_null(strchr(cs.message, 0x1b));
    cs_clear(&cs);
    call(&cs, DEAD_BASE, TOKEN,
         &(hub_req){.op = HUB_OP_WEBHOOK_SET, .url = "https://h.example/", .events = none});
    assert_int_equal(cs.status, HD_ERR_USAGE);
    cs_clear(&cs);
    assert_int_equal(webhook_count(), before);
}

/* A GET is retried (and the wait reported); a webhook POST never is: it might exist already. */
static void test_retries_only_where_safe(void **state)
{
    call_state cs = {0};
    call(&cs, DEAD_BASE, TOKEN, &(hub_req){.op = HUB_OP_CHECK});
    assert_int_equal(cs.status, HD_ERR_NETWORK);
    assert_true(cs.waits >= 1);
    assert_non_null(strstr(cs.wait_msg, "trying again"));
    cs_clear(&cs);
    call(&cs, DEAD_BASE, TOKEN, &(hub_req){.op = HUB_OP_WEBHOOK_SET, .url = "https://h.example/"});
    assert_int_equal(cs.status, HD_ERR_NETWORK);
    assert_int_equal(cs.waits, 0);
    cs_clear(&cs);
}

static void test_other_ops_refused(void **state)
{
    const hub_op ops[] = {HUB_OP_PROJECTS, HUB_OP_CHANNEL_CREATE, HUB_OP_CHANNEL_MODE,
                          HUB_OP_CHANNEL_DELETE, HUB_OP_STATUS};
    for (size_t i = 0; i < sizeof ops / sizeof *ops; i++) {
        call_state cs = {0};
        call(&cs, keebai_base(&sb), TOKEN, &(hub_req){.op = ops[i], .channel_id = "ch_1"});
        assert_int_equal(cs.status, HD_ERR_USAGE);
        assert_non_null(strstr(cs.message, "Keebai has no"));
        cs_clear(&cs);
    }
}

static void test_catalogue(void **state)
{
    const char *const *e = provider_keebai.webhook_events;
    assert_string_equal(e[0], "whatsapp.channel.connected");
    size_t n = 0;
    while (e[n])
        n++;
    assert_int_equal(n, 5);
    assert_string_equal(provider_keebai.webhook_default_events[0], "whatsapp.channel.connected");
    assert_null(provider_keebai.webhook_default_events[1]);
    assert_non_null(provider_keebai.call_cancel);
}

/* ------------------------------------------------------------------ pairing */

typedef struct pair_state {
    const sandbox_proc *p;
    void *session;
    int links, waiting, resumed, ended, early;
    char url[400], wait_msg[400];
    long expires_in_ms;
    pair_event_type end;
    hd_status status;
    char message[400], channel_id[128], phone[64], name[128];
    json_t *channel;
    json_t *recorded;       /* the sandbox's view of the session right after LINK */
    const char *on_link[3]; /* test controls POSTed when the link arrives */
    int stop_on_waiting;
} pair_state;

static void pair_end(pair_state *r, const pair_event *ev)
{
    r->ended++;
    r->end = ev->type;
    r->status = ev->status;
    snprintf(r->message, sizeof r->message, "%s", ev->message ? ev->message : "");
    snprintf(r->channel_id, sizeof r->channel_id, "%s", ev->channel_id ? ev->channel_id : "");
    snprintf(r->phone, sizeof r->phone, "%s", ev->phone ? ev->phone : "");
    snprintf(r->name, sizeof r->name, "%s", ev->name ? ev->name : "");
    r->channel = ev->channel ? json_deep_copy(ev->channel) : NULL;
}

static void on_event(const pair_event *ev, void *arg)
{
    pair_state *r = arg;
    if (!r->session)
        r->early++; /* an event from inside pair_start: the contract forbids it */
    switch (ev->type) {
    case PAIR_EV_LINK:
        r->links++;
        snprintf(r->url, sizeof r->url, "%s", ev->url);
        r->expires_in_ms = ev->expires_in_ms;
        r->recorded = sandbox_json(r->p, "GET", "/_sandbox/signup/latest");
        for (int i = 0; i < 3 && r->on_link[i]; i++)
            json_decref(sandbox_json(r->p, "POST", r->on_link[i]));
        break;
    case PAIR_EV_WAITING:
        r->waiting++;
        snprintf(r->wait_msg, sizeof r->wait_msg, "%s", ev->message);
        if (r->stop_on_waiting)
            r->ended++;
        break;
    case PAIR_EV_RESUMED:
        r->resumed++;
        break;
    case PAIR_EV_CONNECTED:
    case PAIR_EV_EXPIRED:
    case PAIR_EV_FAILED:
        pair_end(r, ev);
        break;
    default:
        break;
    }
}

static void pair(pair_state *r, const sandbox_proc *p, const char *token, const pair_request *req)
{
    harness h;
    r->p = p;
    harness_open(&h, keebai_base(p), token);
    r->session = provider_keebai.pair_start(&h.ctx, req, on_event, r);
    assert_non_null(r->session);
    run_until(&h, &r->ended, 15000);
    provider_keebai.pair_stop(r->session);
    harness_close(&h);
    assert_int_equal(r->early, 0);
}

static void pair_clear(pair_state *r)
{
    json_decref(r->channel);
    json_decref(r->recorded);
}

static const char *recorded_str(const pair_state *r, const char *key)
{
    return json_string_value(json_object_get(r->recorded, key));
}

static void assert_link(const pair_state *r)
{
    char want[300];
    assert_int_equal(r->links, 1);
    snprintf(want, sizeof want, "%s/keebai-portal/connect/whatsapp?session=%s", r->p->base_url,
             recorded_str(r, "session_id"));
    assert_string_equal(r->url, want);
}

static void test_signup_completes(void **state)
{
    pair_state r = {.on_link = {"/_sandbox/signup/latest/complete"}};
    pair(&r, &sb, TOKEN,
         &(pair_request){.mode = PAIR_MODE_BROWSER, .pipeline_id = "pip_01TEST", .coexistence = 1});
    assert_link(&r);
    assert_int_equal(r.expires_in_ms, 900000);
    assert_string_equal(recorded_str(&r, "pipeline_id"), "pip_01TEST");
    assert_true(json_is_true(json_object_get(r.recorded, "coexistence_enabled")));
    assert_int_equal(r.end, PAIR_EV_CONNECTED);
    json_t *now = sandbox_json(&sb, "GET", "/_sandbox/signup/latest");
    json_t *want = json_object_get(now, "channel");
    assert_string_equal(r.channel_id, json_string_value(json_object_get(want, "id")));
    assert_string_equal(r.phone, json_string_value(json_object_get(want, "phone_number")));
    assert_string_equal(r.name, "Sandbox WhatsApp");
    assert_string_equal(json_string_value(json_object_get(r.channel, "phone_number_id")),
                        json_string_value(json_object_get(want, "phone_number_id")));
    assert_string_equal(json_string_value(json_object_get(r.channel, "business_account_id")),
                        json_string_value(json_object_get(want, "business_account_id")));
    assert_string_equal(json_string_value(json_object_get(r.channel, "type")), "whatsapp");
    assert_true(json_is_true(json_object_get(r.channel, "active")));
    json_decref(now);
    pair_clear(&r);
}

static void test_signup_cancelled(void **state)
{
    pair_state r = {.on_link = {"/_sandbox/signup/latest/cancel"}};
    pair(&r, &sb, TOKEN, &(pair_request){.mode = PAIR_MODE_BROWSER});
    assert_link(&r);
    /* defaults: no pipeline_id sent, coexistence off */
    assert_null(recorded_str(&r, "pipeline_id"));
    assert_true(json_is_false(json_object_get(r.recorded, "coexistence_enabled")));
    assert_int_equal(r.end, PAIR_EV_FAILED);
    assert_int_equal(r.status, HD_ERR_CANCELLED);
    assert_non_null(strstr(r.message, "cancelled"));
    assert_non_null(strstr(r.message, "new session"));
    pair_clear(&r);
}

static void test_signup_expired_by_hub(void **state)
{
    pair_state r = {.on_link = {"/_sandbox/signup/latest/expire"}};
    pair(&r, &sb, TOKEN, &(pair_request){.mode = PAIR_MODE_BROWSER});
    assert_int_equal(r.end, PAIR_EV_EXPIRED);
    assert_int_equal(r.status, HD_ERR_EXPIRED);
    assert_non_null(strstr(r.message, "15 minutes"));
    assert_non_null(strstr(r.message, "new session"));
    pair_clear(&r);
}

static void test_signup_poll_failures_recover(void **state)
{
    pair_state r = {
        .on_link = {"/_sandbox/signup/latest/fail?times=2", "/_sandbox/signup/latest/complete"}};
    pair(&r, &sb, TOKEN, &(pair_request){.mode = PAIR_MODE_BROWSER});
    assert_int_equal(r.waiting, 2);
    assert_non_null(strstr(r.wait_msg, "SERVER_ERROR"));
    assert_int_equal(r.resumed, 1);
    assert_int_equal(r.end, PAIR_EV_CONNECTED);
    pair_clear(&r);
}

/* The hub never answers well again: our own clock ends it (expires_in + 2 polls). */
static void test_signup_own_clock_expiry(void **state)
{
    sandbox_proc p;
    const char *args[] = {"--signup-expires-s", "1", "--rate-per-min", "1000", NULL};
    assert_int_equal(sandbox_start(args, &p), 0);
    pair_state r = {.on_link = {"/_sandbox/signup/latest/fail?times=1000"}};
    uint64_t t0 = loop_now_ms();
    pair(&r, &p, TOKEN, &(pair_request){.mode = PAIR_MODE_BROWSER});
    uint64_t took = loop_now_ms() - t0;
    sandbox_stop(&p);
    assert_int_equal(r.expires_in_ms, 1000);
    assert_true(r.waiting >= 2);
    assert_int_equal(r.resumed, 0);
    assert_int_equal(r.end, PAIR_EV_EXPIRED);
    assert_int_equal(r.status, HD_ERR_EXPIRED);
    assert_non_null(strstr(r.message, "1 second"));
    assert_true(took >= 1000 && took < 4000);
    pair_clear(&r);
}

static void test_signup_wrong_token(void **state)
{
    pair_state r = {0};
    pair(&r, &sb, "wrong-token-000000", &(pair_request){.mode = PAIR_MODE_BROWSER});
    assert_int_equal(r.links, 0);
    assert_int_equal(r.end, PAIR_EV_FAILED);
    assert_int_equal(r.status, HD_ERR_AUTH);
    assert_non_null(strstr(r.message, "UNAUTHORIZED"));
    pair_clear(&r);
}

static void test_pairing_refusals(void **state)
{
    pair_state r = {0};
    pair(&r, &sb, TOKEN, &(pair_request){.mode = PAIR_MODE_CODE, .phone = "5511987654321"});
    assert_int_equal(r.end, PAIR_EV_FAILED);
    assert_int_equal(r.status, HD_ERR_USAGE);
    assert_non_null(strstr(r.message, "code"));
    pair_clear(&r);
    memset(&r, 0, sizeof r);
    pair(&r, &sb, TOKEN, &(pair_request){.mode = PAIR_MODE_BROWSER, .pipeline_id = "pip\n1"});
    assert_int_equal(r.end, PAIR_EV_FAILED);
    assert_int_equal(r.status, HD_ERR_USAGE);
    assert_int_equal(r.links, 0);
    pair_clear(&r);
}

/* ------------------------------------------------------------------ rate limit */

/* The sandbox's window is a rolling minute, so Retry-After is about 60 s: the test sees the
 * wait announced in words, then cancels instead of sitting it out. */
static void test_rate_limit_waits_are_reported(void **state)
{
    sandbox_proc p;
    const char *args[] = {"--rate-per-min", "2", NULL};
    assert_int_equal(sandbox_start(args, &p), 0);
    call_state cs = {0};
    for (int i = 0; i < 2; i++) {
        call(&cs, keebai_base(&p), TOKEN, &(hub_req){.op = HUB_OP_CHECK});
        assert_int_equal(cs.status, HD_OK);
        assert_int_equal(cs.waits, 0);
        cs_clear(&cs);
    }
    const hub_req reqs[] = {{.op = HUB_OP_CHECK}, /* http waits it out (GET) */
                            {.op = HUB_OP_WEBHOOK_SET, .url = "https://h.example/"}}; /* driver */
    for (size_t i = 0; i < 2; i++) {
        harness h;
        harness_open(&h, keebai_base(&p), TOKEN);
        void *c = provider_keebai.call(&h.ctx, &reqs[i], on_done, on_wait, &cs);
        run_until(&h, &cs.waits, 5000);
        assert_int_equal(cs.waits, 1);
        assert_non_null(strstr(cs.wait_msg, "slow down"));
        assert_non_null(strstr(cs.wait_msg, "THROTTLED"));
        assert_true(cs.wait_ms >= 30000 && cs.wait_ms <= 61000);
        provider_keebai.call_cancel(c);
        run_until(&h, &cs.done, 200); /* cancelled: `done` never comes */
        assert_int_equal(cs.done, 0);
        harness_close(&h);
        cs_clear(&cs);
    }
    pair_state r = {.stop_on_waiting = 1};
    pair(&r, &p, TOKEN, &(pair_request){.mode = PAIR_MODE_BROWSER});
    assert_int_equal(r.waiting, 1);
    assert_non_null(strstr(r.wait_msg, "slow down"));
    assert_int_equal(r.links, 0);
    pair_clear(&r);
    sandbox_stop(&p);
}

static int setup(void **state)
{
    const char *args[] = {"--rate-per-min", "1000", NULL};
    return sandbox_start(args, &sb) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
    sandbox_stop(&sb);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_catalogue),
        cmocka_unit_test(test_check),
        cmocka_unit_test(test_check_wrong_token),
        cmocka_unit_test(test_channels),
        cmocka_unit_test(test_channels_bad_filter_refused),
        cmocka_unit_test(test_webhook_default_event),
        cmocka_unit_test(test_webhook_chosen_events),
        cmocka_unit_test(test_webhook_refused_before_sending),
        cmocka_unit_test(test_retries_only_where_safe),
        cmocka_unit_test(test_other_ops_refused),
        cmocka_unit_test(test_signup_completes),
        cmocka_unit_test(test_signup_cancelled),
        cmocka_unit_test(test_signup_expired_by_hub),
        cmocka_unit_test(test_signup_poll_failures_recover),
        cmocka_unit_test(test_signup_own_clock_expiry),
        cmocka_unit_test(test_signup_wrong_token),
        cmocka_unit_test(test_pairing_refusals),
        cmocka_unit_test(test_rate_limit_waits_are_reported),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
