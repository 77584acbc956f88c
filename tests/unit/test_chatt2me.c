/* test_chatt2me.c: the Chatt2.me driver against the sandbox hub: the key check, a test message
 * on every channel kind with each of its endings, webhooks (one per event), what is refused
 * before anything is sent, and what must never leak (the application key). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/hubtest.h"
#include "../lib/sandbox_proc.h"
#include "provider.h"
#include "secret.h"

#define KEY "c2m_app_sandbox"     /* application "Sandbox App" */
#define OTHER_KEY "c2m_app_other" /* application "Other App" */

/* The sandbox's fixed channels (spec; printed by hubdesk-sandbox --help). */
#define CH_WHATSAPP "6cbd6789-1d2b-47e0-9391-5eb91d2839ea"
#define CH_SMS "2f1c6a34-8f0e-4b7a-9d2c-5a7e3b1c9d10"
#define CH_TELEGRAM "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
#define CH_INSTAGRAM "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f"
#define CH_MESSENGER "4d5e6f70-8192-4a3b-9c4d-5e6f70819203"
#define CH_WEBCHATT "5e6f7081-92a3-4b4c-8d5e-6f708192a3b4"
#define CH_OTHER_WHATSAPP "7f808192-a3b4-4c5d-9e6f-708192a3b4c5"

#define HOOK_URL "https://hooks.example.com/chatt2me"

static sandbox_proc sb;

/* ---- one call ----------------------------------------------------------------------------- */

/* Neither key may show anywhere the driver hands back. */
static const char *const keys[] = {KEY, OTHER_KEY, "c2m_app", NULL};

/* One call through the driver at `base`, run to its end; Chatt2.me hands out no secret. */
static hubtest_out call_at(const char *base, const char *key, const hub_req *req)
{
    hubtest_out out =
        hubtest_call(&provider_chatt2me, &(provider_ctx){.base_url = base, .token = key}, req);
    assert_false(out.has_secret);
    return out;
}

static const char *base(void)
{
    static char b[128];
    snprintf(b, sizeof b, "%s/chatt2me", sb.base_url);
    return b;
}

static hubtest_out call_key(const char *key, const hub_req *req)
{
    return call_at(base(), key, req);
}

static hubtest_out call(const hub_req *req)
{
    return call_key(KEY, req);
}

static void assert_has(const char *s, const char *part)
{
    if (!strstr(s, part))
        fail_msg("\"%s\" does not hold \"%s\"", s, part);
}

/* ---- the sandbox's side ------------------------------------------------------------------- */

static void log_clear(void)
{
    json_decref(sandbox_json(&sb, "POST", "/_sandbox/test/log/clear"));
}

/* Chatt2.me requests the sandbox saw since the last log_clear. */
static size_t hub_requests(void)
{
    json_t *log = sandbox_json(&sb, "GET", "/_sandbox/test/log"), *e;
    size_t i, n = 0;
    assert_non_null(log);
    json_array_foreach(log, i, e)
    {
        const char *hub = json_string_value(json_object_get(e, "hub"));
        const char *path = json_string_value(json_object_get(e, "path"));
        n += (hub && !strcmp(hub, "chatt2me")) || (path && !strncmp(path, "/chatt2me/", 10));
    }
    json_decref(log);
    return n;
}

/* The application's webhooks as the hub lists them (GET with the key, not the driver). */
static json_t *hub_webhooks(const char *key)
{
    char url[200], hdr[100];
    snprintf(url, sizeof url, "%s/v1/organization/webhook", base());
    snprintf(hdr, sizeof hdr, "x-api-key: %s", key);
    const char *hdrs[] = {hdr, NULL};
    sandbox_reply r;
    assert_int_equal(sandbox_http("GET", url, hdrs, NULL, 0, &r), 200);
    json_t *j = json_loadb(r.body, r.body_len, 0, NULL);
    sandbox_reply_free(&r);
    json_t *data = json_incref(json_object_get(j, "data"));
    json_decref(j);
    assert_true(json_is_array(data));
    return data;
}

static json_t *hook_by_id(json_t *list, const char *id)
{
    size_t i;
    json_t *h;
    json_array_foreach(list, i, h)
    {
        if (!strcmp(hubtest_str(h, "id"), id))
            return h;
    }
    return NULL;
}

/* Messages the sandbox took (all applications). */
static size_t sent_messages(void)
{
    json_t *st = sandbox_json(&sb, "GET", "/_sandbox/chatt2me");
    assert_non_null(st);
    size_t n = json_array_size(json_object_get(st, "messages"));
    json_decref(st);
    return n;
}

/* ---- a scripted hub: fixed answers in order, for what the sandbox cannot be made to do ----- */

typedef struct script {
    struct MHD_Daemon *d;
    pthread_mutex_t lock;
    const long *codes;
    const char *const *bodies;
    size_t n, seen, keyed; /* answers, requests so far, requests with our x-api-key */
    char base[64];
} script;

static enum MHD_Result script_answer(void *cls, struct MHD_Connection *conn, const char *url,
                                     const char *method, const char *version, const char *upload,
                                     size_t *upload_size, void **con_cls)
{
    script *s = cls;
    if (!*con_cls) { /* headers only: wait for the body */
        *con_cls = s;
        return MHD_YES;
    }
    if (*upload_size) {
        *upload_size = 0;
        return MHD_YES;
    }
    const char *key = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "x-api-key");
    pthread_mutex_lock(&s->lock);
    size_t i = s->seen++;
    s->keyed += key && !strcmp(key, KEY);
    pthread_mutex_unlock(&s->lock);
    const char *body = i < s->n ? s->bodies[i] : "{\"errorCode\":\"NO_SCRIPT\"}";
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(r, "Content-Type", "application/json");
    enum MHD_Result ret = MHD_queue_response(conn, i < s->n ? (unsigned)s->codes[i] : 500, r);
    MHD_destroy_response(r);
    return ret;
}

static void script_start(script *s, const long *codes, const char *const *bodies, size_t n)
{
    *s = (script){.codes = codes, .bodies = bodies, .n = n};
    pthread_mutex_init(&s->lock, NULL);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    s->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, script_answer, s,
                            MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&a, MHD_OPTION_END);
    assert_non_null(s->d);
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    snprintf(s->base, sizeof s->base, "http://127.0.0.1:%u", (unsigned)info->port);
}

static void script_stop(script *s)
{
    MHD_stop_daemon(s->d);
    pthread_mutex_destroy(&s->lock);
}

/* ---- the operations table ----------------------------------------------------------------- */

static void test_ops_table(void **state)
{
    const provider_ops *p = provider_find("chatt2me");
    assert_ptr_equal(p, &provider_chatt2me);
    assert_string_equal(p->label, "Chatt2.me");
    assert_string_equal(p->project_word, "application");
    assert_string_equal(p->default_base_url, "https://api.chatt2.me");
    assert_int_equal(p->caps, PROVIDER_CAP_TEST_MESSAGE | PROVIDER_CAP_WEBHOOK |
                                  PROVIDER_CAP_WEBHOOK_VERIFY | PROVIDER_CAP_LOCAL_CHANNELS |
                                  PROVIDER_CAP_CHANNEL_KIND);
    assert_non_null(p->call);
    assert_non_null(p->call_cancel);
    assert_null(p->pair_start); /* channels are connected in the hub's dashboard */
    assert_string_equal(p->webhook_events[0], "Message");
    assert_string_equal(p->webhook_events[1], "MessageStatus");
    assert_null(p->webhook_events[2]);
    assert_string_equal(p->webhook_default_events[0], "Message");
    assert_string_equal(p->webhook_default_events[1], "MessageStatus");
    assert_null(p->webhook_default_events[2]);
}

/* ---- the key ------------------------------------------------------------------------------ */

static void test_check_ok(void **state)
{
    log_clear();
    hubtest_out o = call(&(hub_req){.op = HUB_OP_CHECK});
    assert_int_equal(o.status, HD_OK);
    assert_int_equal(o.code, 200);
    assert_string_equal(o.message, "");
    assert_string_equal(hubtest_str(o.data, "account"), "");
    assert_null(o.fields);
    hubtest_out_clear(&o);
    /* One GET of the webhook list, the key in x-api-key (masked in the log), no Bearer. */
    json_t *log = sandbox_json(&sb, "GET", "/_sandbox/test/log"), *e = NULL, *x;
    size_t i;
    json_array_foreach(log, i, x)
    {
        if (json_object_get(x, "hub"))
            e = x;
    }
    assert_non_null(e);
    assert_string_equal(hubtest_str(e, "hub"), "chatt2me");
    assert_string_equal(hubtest_str(e, "method"), "GET");
    assert_string_equal(hubtest_str(e, "path"), "/chatt2me/v1/organization/webhook");
    assert_true(json_is_null(json_object_get(e, "authorization")));
    assert_string_equal(hubtest_str(e, "api_key"),
                        "****dbox"); /* x-api-key, masked by the sandbox */
    json_decref(log);
    assert_int_equal(hub_requests(), 1);
}

static void test_check_wrong_key(void **state)
{
    hubtest_out o = call_key("c2m_app_wrong_0000", &(hub_req){.op = HUB_OP_CHECK});
    assert_int_equal(o.status, HD_ERR_AUTH);
    assert_int_equal(o.code, 401);
    assert_has(o.message, "refused the application key");
    assert_has(o.message, "UNAUTHORIZED: Invalid API key"); /* the hub's own words */
    assert_null(strstr(o.message, "wrong_0000"));
    assert_null(o.data);
    assert_int_equal(o.waits, 0); /* a 401 is not retried */
    hubtest_out_clear(&o);
    /* A send with a wrong key is refused the same way. */
    o = call_key("c2m_app_wrong_0000", &(hub_req){.op = HUB_OP_SEND_TEST,
                                                  .channel_id = CH_SMS,
                                                  .kind = "sms",
                                                  .to = "+5511944574999",
                                                  .text = "hi"});
    assert_int_equal(o.status, HD_ERR_AUTH);
    assert_int_equal(o.code, 401);
    hubtest_out_clear(&o);
}

static void test_no_key_refused_before_sending(void **state)
{
    log_clear();
    hubtest_out o = call_key("", &(hub_req){.op = HUB_OP_CHECK});
    assert_int_equal(o.status, HD_ERR_USAGE);
    assert_has(o.message, "no application key");
    hubtest_out_clear(&o);
    o = call_key(NULL, &(hub_req){.op = HUB_OP_CHECK});
    assert_int_equal(o.status, HD_ERR_USAGE);
    hubtest_out_clear(&o);
    assert_int_equal(hub_requests(), 0);
}

/* A GET may be tried again after a 5xx: the check rides out one failure. */
static void test_check_retried_after_5xx(void **state)
{
    hubtest_fail_next(&sb, "chatt2me", 1);
    hubtest_out o = call(&(hub_req){.op = HUB_OP_CHECK});
    assert_int_equal(o.status, HD_OK);
    assert_int_equal(o.waits, 1);
    hubtest_out_clear(&o);
}

/* ---- test messages ------------------------------------------------------------------------ */

typedef struct send_case {
    const char *channel, *kind, *to, *status;
} send_case;

static hubtest_out send_test(const char *channel, const char *kind, const char *to,
                             const char *text)
{
    return call(&(hub_req){
        .op = HUB_OP_SEND_TEST, .channel_id = channel, .kind = kind, .to = to, .text = text});
}

static void test_send_each_kind(void **state)
{
    static const send_case cases[] = {
        {CH_WHATSAPP, "whatsapp", "5511993986082", "enqueued"},
        {CH_MESSENGER, "messenger", "26203292189261166", "enqueued"},
        {CH_SMS, "sms", "+5511944574999", "sent"},
        {CH_TELEGRAM, "telegram", "8568649397", "sent"},
        {CH_TELEGRAM, "telegram", "-1001234567890", "sent"}, /* a group */
        {CH_INSTAGRAM, "instagram", "847495124317323", "sent"},
        {CH_WEBCHATT, "webchatt", "visitor-7f3a", "sent"},
    };
    char why[200];
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        log_clear();
        hubtest_out o =
            send_test(cases[i].channel, cases[i].kind, cases[i].to, "hubdesk test \xe2\x9c\x93");
        if (o.status != HD_OK)
            fail_msg("%s: %s", cases[i].kind, o.message);
        assert_int_equal(o.code, 200);
        assert_string_equal(o.message, "");
        assert_string_equal(hubtest_str(o.data, "status"), cases[i].status);
        assert_int_equal(
            provider_uuid_check(hubtest_str(o.data, "message_id"), "id", why, sizeof why), HD_OK);
        assert_null(json_object_get(o.data, "error_code"));
        assert_null(json_object_get(o.data, "error_message"));
        assert_int_equal(hub_requests(), 1);
        hubtest_out_clear(&o);
    }
}

/* What the agent typed in another case still names the same channel and kind. */
static void test_send_normalises_case(void **state)
{
    hubtest_out o =
        send_test("6CBD6789-1D2B-47E0-9391-5EB91D2839EA", "WhatsApp", "5511993986082", "hi");
    assert_int_equal(o.status, HD_OK);
    assert_string_equal(hubtest_str(o.data, "status"), "enqueued");
    hubtest_out_clear(&o);
}

/* The hub took the request but could not deliver: HD_OK with its code and words in data. */
static void test_send_status_error(void **state)
{
    hubtest_out o = send_test(CH_WHATSAPP, "whatsapp", "5511993980000", "hi");
    assert_int_equal(o.status, HD_OK);
    assert_int_equal(o.code, 200);
    assert_string_equal(o.message, "");
    assert_string_equal(hubtest_str(o.data, "status"), "error");
    assert_string_equal(hubtest_str(o.data, "error_code"), "RECIPIENT_UNREACHABLE");
    assert_has(hubtest_str(o.data, "error_message"), "cannot be reached");
    hubtest_out_clear(&o);
    o = send_test(CH_SMS, "sms", "+5511944570000", "hi");
    assert_int_equal(o.status, HD_OK);
    assert_string_equal(hubtest_str(o.data, "status"), "error");
    hubtest_out_clear(&o);
}

/* A channel of another application's key: the hub says it does not exist (for this key). */
static void test_send_channel_not_found(void **state)
{
    hubtest_out o = send_test(CH_OTHER_WHATSAPP, "whatsapp", "5511993986082", "hi");
    assert_int_equal(o.status, HD_ERR_NOT_FOUND);
    assert_int_equal(o.code, 404);
    assert_has(o.message, "CHANNEL_NOT_FOUND");
    assert_has(o.message, "its own application");
    assert_has(hubtest_str(o.fields, "channel_id"), "CHANNEL_NOT_FOUND");
    assert_null(o.data);
    hubtest_out_clear(&o);
    /* With its own application's key it goes. */
    o = call_key(OTHER_KEY, &(hub_req){.op = HUB_OP_SEND_TEST,
                                       .channel_id = CH_OTHER_WHATSAPP,
                                       .kind = "whatsapp",
                                       .to = "5511993986082",
                                       .text = "hi"});
    assert_int_equal(o.status, HD_OK);
    hubtest_out_clear(&o);
    /* A UUID no application has. */
    o = send_test("00000000-0000-4000-8000-000000000000", "sms", "+5511944574999", "hi");
    assert_int_equal(o.status, HD_ERR_NOT_FOUND);
    hubtest_out_clear(&o);
}

/* The kind remembered for a channel is wrong: the hub says so, the form points at the kind. */
static void test_send_kind_mismatch(void **state)
{
    hubtest_out o = send_test(CH_SMS, "whatsapp", "5511944574999", "hi");
    assert_int_equal(o.status, HD_ERR_REJECTED);
    assert_int_equal(o.code, 400);
    assert_has(o.message, "CHANNEL_KIND_MISMATCH");
    assert_non_null(json_object_get(o.fields, "kind"));
    hubtest_out_clear(&o);
}

/* The hub refuses the recipient. The local check refuses all the sandbox does (same rules per
 * kind), so the sandbox's own answer is played by a scripted hub. */
static void test_send_hub_invalid_recipient(void **state)
{
    static const long codes[] = {400};
    static const char *const bodies[] = {
        "{\"errorCode\":\"INVALID_RECIPIENT\",\"errorMessage\":\"Web Chatt takes the visitor "
        "identifier from an inbound webhook\"}"};
    script s;
    script_start(&s, codes, bodies, 1);
    hubtest_out o = call_at(s.base, KEY,
                         &(hub_req){.op = HUB_OP_SEND_TEST,
                                    .channel_id = CH_WEBCHATT,
                                    .kind = "webchatt",
                                    .to = "visitor-gone",
                                    .text = "hi"});
    assert_int_equal(s.seen, 1);
    assert_int_equal(s.keyed, 1);
    script_stop(&s);
    assert_int_equal(o.status, HD_ERR_REJECTED);
    assert_int_equal(o.code, 400);
    assert_has(o.message, "INVALID_RECIPIENT: Web Chatt takes the visitor identifier");
    assert_has(hubtest_str(o.fields, "to"), "INVALID_RECIPIENT");
    assert_int_equal(json_object_size(o.fields), 1);
    assert_null(o.data);
    hubtest_out_clear(&o);
}

/* A 5xx on a send is not tried again: the hub may have sent it. */
static void test_send_not_retried_after_5xx(void **state)
{
    log_clear();
    hubtest_fail_next(&sb, "chatt2me", 1);
    hubtest_out o = send_test(CH_TELEGRAM, "telegram", "8568649397", "hi");
    assert_int_equal(o.status, HD_ERR_SERVER);
    assert_int_equal(o.code, 500);
    assert_int_equal(o.waits, 0);
    assert_has(o.message, "INTERNAL_ERROR");
    hubtest_out_clear(&o);
    assert_int_equal(hub_requests(), 1);
    o = send_test(CH_TELEGRAM, "telegram", "8568649397", "hi"); /* the failure was used up */
    assert_int_equal(o.status, HD_OK);
    hubtest_out_clear(&o);
}

/* A refusal before sending: HD_ERR_USAGE on the next turn, the field named, nothing sent. */
static hubtest_out refused(const hub_req *req, const char *field, const char *words)
{
    size_t sent = sent_messages();
    log_clear();
    hubtest_out o = call(req);
    assert_int_equal(o.status, HD_ERR_USAGE);
    assert_int_equal(o.code, 0);
    assert_null(o.data);
    assert_non_null(o.fields);
    assert_has(hubtest_str(o.fields, field), words);
    assert_has(o.message, words);
    assert_int_equal(hub_requests(), 0);
    assert_int_equal(sent_messages(), sent);
    return o;
}

static void test_send_refused_before_sending(void **state)
{
    static char longtext[4 * 4096 + 8];
    hub_req r = {.op = HUB_OP_SEND_TEST,
                 .channel_id = CH_WHATSAPP,
                 .kind = "whatsapp",
                 .to = "5511993986082",
                 .text = "hi"};
    hubtest_out o;
    r.to = "+5511993986082"; /* WhatsApp takes no + */
    o = refused(&r, "to", "without +");
    assert_int_equal(json_object_size(o.fields), 1);
    hubtest_out_clear(&o);
    r = (hub_req){.op = HUB_OP_SEND_TEST,
                  .channel_id = CH_SMS,
                  .kind = "sms",
                  .to = "5511944574999",
                  .text = "hi"}; /* SMS needs the + */
    hubtest_out_clear((o = refused(&r, "to", "E.164"), &o));
    r = (hub_req){.op = HUB_OP_SEND_TEST,
                  .channel_id = CH_TELEGRAM,
                  .kind = "telegram",
                  .to = "@somebot",
                  .text = "hi"};
    hubtest_out_clear((o = refused(&r, "to", "numeric id"), &o));
    r = (hub_req){.op = HUB_OP_SEND_TEST,
                  .channel_id = CH_INSTAGRAM,
                  .kind = "instagram",
                  .to = "-847495124317323",
                  .text = "hi"}; /* only Telegram groups go negative */
    hubtest_out_clear((o = refused(&r, "to", "numeric id"), &o));
    r = (hub_req){.op = HUB_OP_SEND_TEST,
                  .channel_id = CH_SMS,
                  .kind = "sms",
                  .to = "+5511944574999",
                  .text = ""};
    hubtest_out_clear((o = refused(&r, "text", "write the test message"), &o));
    r.text = " \n\t ";
    hubtest_out_clear((o = refused(&r, "text", "write the test message"), &o));
    r.text = NULL;
    hubtest_out_clear((o = refused(&r, "text", "write the test message"), &o));
    r.text = "bell\x07";
    hubtest_out_clear((o = refused(&r, "text", "control characters"), &o));
    r.text = "bad \xff utf-8";
    hubtest_out_clear((o = refused(&r, "text", "invalid UTF-8"), &o));
    for (size_t i = 0; i < 4097; i++)
        memcpy(longtext + 2 * i, "\xc3\xa9", 2); /* 4097 characters, 8194 bytes */
    longtext[2 * 4097] = '\0';
    r.text = longtext;
    hubtest_out_clear((o = refused(&r, "text", "4096"), &o));
    r = (hub_req){.op = HUB_OP_SEND_TEST,
                  .channel_id = "6cbd6789-1d2b-47e0-9391-5eb91d2839e",
                  .kind = "whatsapp",
                  .to = "5511993986082",
                  .text = "hi"};
    hubtest_out_clear((o = refused(&r, "channel_id", "UUID"), &o));
    r.channel_id = NULL;
    hubtest_out_clear((o = refused(&r, "channel_id", "enter the channel id"), &o));
    r = (hub_req){.op = HUB_OP_SEND_TEST,
                  .channel_id = CH_WHATSAPP,
                  .kind = "signal",
                  .to = "5511993986082",
                  .text = "hi"};
    o = refused(&r, "kind", "whatsapp, instagram");
    assert_null(json_object_get(o.fields, "to")); /* without a kind, `to` cannot be judged */
    hubtest_out_clear(&o);
    r.kind = NULL;
    hubtest_out_clear((o = refused(&r, "kind", "choose the channel's kind"), &o));
    /* Everything wrong at once: every field named, the message says each. */
    r = (hub_req){
        .op = HUB_OP_SEND_TEST, .channel_id = "nope", .kind = "sms", .to = "123", .text = ""};
    o = refused(&r, "channel_id", "UUID");
    assert_has(hubtest_str(o.fields, "to"), "E.164");
    assert_has(hubtest_str(o.fields, "text"), "write the test message");
    assert_int_equal(json_object_size(o.fields), 3);
    assert_has(o.message, "E.164");
    assert_has(o.message, "write the test message");
    hubtest_out_clear(&o);
}

/* ---- webhooks ----------------------------------------------------------------------------- */

static void test_webhook_both_events(void **state)
{
    json_t *before = hub_webhooks(KEY);
    log_clear();
    hubtest_out o = call(&(hub_req){.op = HUB_OP_WEBHOOK_SET, .url = HOOK_URL});
    if (o.status != HD_OK)
        fail_msg("%s", o.message);
    assert_int_equal(o.code, 201);
    assert_string_equal(o.message, "");
    assert_null(o.fields);
    assert_int_equal(hub_requests(), 2); /* one POST per event */
    assert_string_equal(hubtest_str(o.data, "url"), HOOK_URL);
    json_t *events = json_object_get(o.data, "events");
    assert_int_equal(json_array_size(events), 2);
    assert_string_equal(json_string_value(json_array_get(events, 0)), "Message");
    assert_string_equal(json_string_value(json_array_get(events, 1)), "MessageStatus");
    json_t *hooks = json_object_get(o.data, "hooks");
    assert_int_equal(json_array_size(hooks), 2);
    json_t *after = hub_webhooks(KEY);
    assert_int_equal(json_array_size(after), json_array_size(before) + 2);
    for (size_t i = 0; i < 2; i++) {
        json_t *h = json_array_get(hooks, i);
        const char *event = json_string_value(json_array_get(events, i));
        char label[64];
        assert_string_equal(hubtest_str(h, "event"), event);
        json_t *at_hub = hook_by_id(after, hubtest_str(h, "id"));
        assert_non_null(at_hub);
        assert_string_equal(hubtest_str(at_hub, "eventType"), event);
        assert_string_equal(hubtest_str(at_hub, "endpoint"), HOOK_URL);
        snprintf(label, sizeof label, "hubdesk %s", event);
        assert_string_equal(hubtest_str(at_hub, "label"), label);
    }
    json_decref(before);
    json_decref(after);
    /* The other application does not see them. */
    json_t *other = hub_webhooks(OTHER_KEY);
    assert_null(hook_by_id(other, hubtest_str(json_array_get(hooks, 0), "id")));
    json_decref(other);
    hubtest_out_clear(&o);
}

/* One chosen event, given twice, with the agent's label: one webhook. */
static void test_webhook_one_event_labelled(void **state)
{
    const char *events[] = {"MessageStatus", "MessageStatus", NULL};
    log_clear();
    hubtest_out o = call(&(hub_req){
        .op = HUB_OP_WEBHOOK_SET, .url = HOOK_URL "/status", .events = events, .name = "Acme CRM"});
    assert_int_equal(o.status, HD_OK);
    assert_int_equal(hub_requests(), 1);
    json_t *hooks = json_object_get(o.data, "hooks");
    assert_int_equal(json_array_size(hooks), 1);
    assert_int_equal(json_array_size(json_object_get(o.data, "events")), 1);
    json_t *list = hub_webhooks(KEY);
    json_t *h = hook_by_id(list, hubtest_str(json_array_get(hooks, 0), "id"));
    assert_non_null(h);
    assert_string_equal(hubtest_str(h, "label"), "Acme CRM");
    assert_string_equal(hubtest_str(h, "eventType"), "MessageStatus");
    json_decref(list);
    hubtest_out_clear(&o);
}

static void test_webhook_refused_before_sending(void **state)
{
    const char *unknown[] = {"Message", "Delivered", NULL};
    const char *none[] = {NULL};
    hubtest_out o;
    hubtest_out_clear(
        (o = refused(&(hub_req){.op = HUB_OP_WEBHOOK_SET, .url = "http://hooks.example.com/x"},
                     "url", "https://"),
         &o));
    hubtest_out_clear((o = refused(&(hub_req){.op = HUB_OP_WEBHOOK_SET, .url = NULL}, "url",
                          "enter the webhook URL"),
              &o));
    hubtest_out_clear(
        (o = refused(&(hub_req){.op = HUB_OP_WEBHOOK_SET, .url = HOOK_URL, .events = unknown},
                     "events", "\"Delivered\""),
         &o));
    hubtest_out_clear(
        (o = refused(&(hub_req){.op = HUB_OP_WEBHOOK_SET, .url = HOOK_URL, .events = none},
                     "events", "at least one"),
         &o));
    hubtest_out_clear(
        (o = refused(&(hub_req){.op = HUB_OP_WEBHOOK_SET, .url = HOOK_URL, .name = "a\x1b[2Jb"},
                     "name", "label"),
         &o));
}

/* The hub calls the endpoint when the webhook is registered: an endpoint that does not answer
 * is refused, and the agent learns nothing was set. */
static void test_webhook_verification_failed(void **state)
{
    json_t *before = hub_webhooks(KEY);
    log_clear();
    hubtest_out o =
        call(&(hub_req){.op = HUB_OP_WEBHOOK_SET, .url = "https://unreachable.example/hook"});
    assert_int_equal(o.status, HD_ERR_REJECTED);
    assert_int_equal(o.code, 400);
    assert_has(o.message, "Message: ENDPOINT_VERIFICATION_FAILED");
    assert_has(o.message, "verification");
    assert_null(strstr(o.message, "was set"));
    assert_has(hubtest_str(o.fields, "url"), "ENDPOINT_VERIFICATION_FAILED");
    assert_null(o.data);
    assert_int_equal(hub_requests(), 1); /* stopped at the first failure */
    json_t *after = hub_webhooks(KEY);
    assert_int_equal(json_array_size(after), json_array_size(before));
    json_decref(before);
    json_decref(after);
    hubtest_out_clear(&o);
}

/* A 5xx on a webhook is not tried again (the hub may have made it). */
static void test_webhook_not_retried_after_5xx(void **state)
{
    json_t *before = hub_webhooks(KEY);
    log_clear();
    hubtest_fail_next(&sb, "chatt2me", 1);
    hubtest_out o = call(&(hub_req){.op = HUB_OP_WEBHOOK_SET, .url = HOOK_URL});
    assert_int_equal(o.status, HD_ERR_SERVER);
    assert_int_equal(o.waits, 0);
    assert_has(o.message, "Message: INTERNAL_ERROR");
    assert_int_equal(hub_requests(), 1);
    json_t *after = hub_webhooks(KEY);
    assert_int_equal(json_array_size(after), json_array_size(before));
    json_decref(before);
    json_decref(after);
    hubtest_out_clear(&o);
}

/* The second of two webhooks fails: the message says where it stopped and what now exists.
 * The sandbox fails both or neither, so a scripted hub answers here. */
static void test_webhook_second_fails(void **state)
{
    static const long codes[] = {201, 400};
    static const char *const bodies[] = {
        "{\"id\":\"11111111-2222-4333-8444-555555555555\",\"label\":\"hubdesk Message\","
        "\"endpoint\":\"" HOOK_URL "\",\"eventType\":\"Message\",\"active\":true}",
        "{\"errorCode\":\"ENDPOINT_VERIFICATION_FAILED\",\"errorMessage\":\"the endpoint did not "
        "answer 200 to the verification request\"}"};
    script s;
    script_start(&s, codes, bodies, 2);
    hubtest_out o = call_at(s.base, KEY, &(hub_req){.op = HUB_OP_WEBHOOK_SET, .url = HOOK_URL});
    assert_int_equal(s.seen, 2);
    assert_int_equal(s.keyed, 2);
    script_stop(&s);
    assert_int_equal(o.status, HD_ERR_REJECTED);
    assert_has(o.message, "MessageStatus: ENDPOINT_VERIFICATION_FAILED: the endpoint did not");
    assert_has(o.message, "(Message was set)");
    assert_has(hubtest_str(o.fields, "url"), "ENDPOINT_VERIFICATION_FAILED");
    hubtest_out_clear(&o);
    /* A 201 without an id is not understood, and said so with what was set. */
    static const long codes2[] = {201, 201};
    static const char *const bodies2[] = {bodies[0], "{\"label\":\"x\"}"};
    script_start(&s, codes2, bodies2, 2);
    o = call_at(s.base, KEY, &(hub_req){.op = HUB_OP_WEBHOOK_SET, .url = HOOK_URL});
    script_stop(&s);
    assert_int_equal(o.status, HD_ERR_PROTOCOL);
    assert_has(o.message, "MessageStatus: ");
    assert_has(o.message, "(Message was set)");
    hubtest_out_clear(&o);
}

/* A send answer with odd strings: sanitized, and an answer that says nothing is not OK. */
static void test_send_answer_shapes(void **state)
{
    static const long codes[] = {200, 200, 200};
    static const char *const bodies[] = {
        "{\"messageId\":\"m\\u001b[2J1\",\"status\":\"error\",\"errorCode\":\"X\\u0007\","
        "\"errorMessage\":\"line\\nbreak\"}",
        "{\"messageId\":\"m2\"}", "{\"ok\":true}"};
    script s;
    script_start(&s, codes, bodies, 3);
    hub_req r = {.op = HUB_OP_SEND_TEST,
                 .channel_id = CH_SMS,
                 .kind = "sms",
                 .to = "+5511944574999",
                 .text = "hi"};
    hubtest_out o = call_at(s.base, KEY, &r);
    assert_int_equal(o.status, HD_OK);
    assert_string_equal(hubtest_str(o.data, "message_id"), "m?[2J1");
    assert_string_equal(hubtest_str(o.data, "error_code"), "X?");
    assert_string_equal(hubtest_str(o.data, "error_message"), "line break");
    hubtest_out_clear(&o);
    o = call_at(s.base, KEY, &r);
    assert_int_equal(o.status, HD_OK);
    assert_string_equal(hubtest_str(o.data, "status"), "accepted"); /* an id, no word */
    hubtest_out_clear(&o);
    o = call_at(s.base, KEY, &r);
    assert_int_equal(o.status, HD_ERR_PROTOCOL);
    assert_null(o.data);
    hubtest_out_clear(&o);
    script_stop(&s);
}

/* ---- the rest ----------------------------------------------------------------------------- */

static void test_other_ops_refused(void **state)
{
    static const hub_op ops[] = {HUB_OP_PROJECTS,     HUB_OP_CHANNELS,       HUB_OP_CHANNEL_CREATE,
                                 HUB_OP_CHANNEL_MODE, HUB_OP_CHANNEL_DELETE, HUB_OP_STATUS,
                                 HUB_OP_CONNECT};
    log_clear();
    for (size_t i = 0; i < sizeof ops / sizeof *ops; i++) {
        hubtest_out o = call(&(hub_req){.op = ops[i], .channel_id = CH_WHATSAPP});
        assert_int_equal(o.status, HD_ERR_USAGE);
        assert_has(o.message, "Chatt2.me");
        assert_null(o.data);
        hubtest_out_clear(&o);
    }
    assert_int_equal(hub_requests(), 0);
}

static void never(const hub_result *r, void *arg)
{
    fail_msg("done after cancel");
}

/* Cancelled before its answer (or its refusal): nothing is called, nothing leaks. */
static void test_cancel(void **state)
{
    loop *l = loop_new();
    http_client *h = http_client_new(l);
    provider_ctx ctx = {.l = l, .http = h, .base_url = base(), .token = KEY};
    void *a = provider_chatt2me.call(&ctx, &(hub_req){.op = HUB_OP_WEBHOOK_SET, .url = HOOK_URL},
                                     never, NULL, NULL);
    void *b = provider_chatt2me.call(&ctx, &(hub_req){.op = HUB_OP_SEND_TEST}, never, NULL, NULL);
    assert_non_null(a);
    assert_non_null(b);
    provider_chatt2me.call_cancel(b); /* before its refusal's turn */
    loop_run_once(l, 0);              /* the first webhook POST is on its way */
    provider_chatt2me.call_cancel(a);
    provider_chatt2me.call_cancel(NULL);
    for (int i = 0; i < 10; i++)
        loop_run_once(l, 10);
    http_client_free(h);
    loop_free(l);
}

static int setup(void **state)
{
    return sandbox_start(NULL, &sb) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
    return sandbox_stop(&sb) == 0 ? 0 : -1;
}

int main(void)
{
    secret_harden_json();
    hubtest_forbid(keys);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ops_table),
        cmocka_unit_test(test_check_ok),
        cmocka_unit_test(test_check_wrong_key),
        cmocka_unit_test(test_no_key_refused_before_sending),
        cmocka_unit_test(test_check_retried_after_5xx),
        cmocka_unit_test(test_send_each_kind),
        cmocka_unit_test(test_send_normalises_case),
        cmocka_unit_test(test_send_status_error),
        cmocka_unit_test(test_send_channel_not_found),
        cmocka_unit_test(test_send_kind_mismatch),
        cmocka_unit_test(test_send_hub_invalid_recipient),
        cmocka_unit_test(test_send_not_retried_after_5xx),
        cmocka_unit_test(test_send_refused_before_sending),
        cmocka_unit_test(test_send_answer_shapes),
        cmocka_unit_test(test_webhook_both_events),
        cmocka_unit_test(test_webhook_one_event_labelled),
        cmocka_unit_test(test_webhook_refused_before_sending),
        cmocka_unit_test(test_webhook_verification_failed),
        cmocka_unit_test(test_webhook_not_retried_after_5xx),
        cmocka_unit_test(test_webhook_second_fails),
        cmocka_unit_test(test_other_ops_refused),
        cmocka_unit_test(test_cancel),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
