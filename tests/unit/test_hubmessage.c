/* test_hubmessage.c: the HubMessage driver against the sandbox hub: create, connect with the
 * signup's code, status, test message, every check made before sending, the hub's refusals
 * and failures, and what must never leak (the secret key, the authorization code). */
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
#include "hubmessage_decode.h"
#include "provider.h"
#include "secret.h"

#define KEY "hm_sk_sandbox"
#define PUBLIC_KEY "hm_pk_sandbox"
#define CODE "ABC123DEF456"
#define WABA "428083093730937"
#define PHONE_ID "123456789012345"
#define IN_WINDOW "5511987654320"  /* ends in an even digit: wrote in the last 24 h */
#define OUT_WINDOW "5511987654321" /* odd: has not */
#define NO_CHANNEL "a1b2c3d4-e5f6-7890-abcd-ef1234567890"
#define DEAD_BASE "http://127.0.0.1:1/hubmessage" /* nothing listens: a request there fails */

static sandbox_proc sb;
static char base[128];

/* Every secret a test hands the driver: none may come back in a message, data or fields. */
static const char *const secrets[] = {KEY, CODE, "hm_sk_wrong_key", "bad-code-123", "EXPIRED",
                                      "SecretCode77"};

/* ---- calls ------------------------------------------------------------------------------ */

typedef struct call_out {
    int done, waits;
    hd_status status;
    long code, retry_after_s;
    json_t *data, *fields; /* deep copies: the driver's are borrowed */
    char message[600];
} call_out;

static void assert_no_secret(const char *what, const char *text)
{
    for (size_t i = 0; text && i < sizeof secrets / sizeof *secrets; i++)
        if (strstr(text, secrets[i])) {
            fprintf(stderr, "%s quotes a secret: %s\n", what, text);
            fail();
        }
}

static void on_done(const hub_result *r, void *arg)
{
    call_out *o = arg;
    o->done++;
    o->status = r->status;
    o->code = r->code;
    o->retry_after_s = r->retry_after_s;
    assert_non_null(r->message);
    snprintf(o->message, sizeof o->message, "%s", r->message);
    o->data = r->data ? json_deep_copy(r->data) : NULL;
    o->fields = r->field_errors ? json_deep_copy(r->field_errors) : NULL;
    assert_null(r->secret); /* HubMessage hands out no secret */
    if (r->status == HD_OK)
        assert_string_equal(r->message, "");
    else
        assert_null(r->data);
    char *d = o->data ? json_dumps(o->data, 0) : NULL, *f = o->fields ? json_dumps(o->fields, 0) : NULL;
    assert_no_secret("message", o->message);
    assert_no_secret("data", d);
    assert_no_secret("field_errors", f);
    free(d);
    free(f);
}

static void on_wait(long delay_ms, const char *message, void *arg)
{
    ((call_out *)arg)->waits++;
    assert_no_secret("wait message", message);
}

static void out_clear(call_out *o)
{
    json_decref(o->data);
    json_decref(o->fields);
    memset(o, 0, sizeof *o);
}

/* One call through the driver at `at`, run to its end; `done` must not run inside call(). */
static call_out call_at(const char *at, const char *token, const hub_req *req)
{
    call_out out = {0};
    loop *l = loop_new();
    http_client *h = http_client_new(l);
    provider_ctx ctx = {.l = l, .http = h, .base_url = at, .token = token, .backoff_base_ms = 10};
    void *c = provider_hubmessage.call(&ctx, req, on_done, on_wait, &out);
    assert_non_null(c);
    assert_int_equal(out.done, 0);
    uint64_t end = loop_now_ms() + 10000;
    while (!out.done && loop_now_ms() < end)
        loop_run_once(l, 50);
    assert_int_equal(out.done, 1);
    http_client_free(h);
    loop_free(l);
    return out;
}

static call_out call_as(const char *token, const hub_req *req)
{
    return call_at(base, token, req);
}

static call_out call(const hub_req *req)
{
    return call_as(KEY, req);
}

static const char *jstr(const json_t *j, const char *key)
{
    const char *s = json_string_value(json_object_get(j, key));
    assert_non_null(s);
    return s;
}

/* The field errors of a refusal hold exactly these keys. */
static void assert_fields(const call_out *o, const char *const *keys, size_t n)
{
    assert_non_null(o->fields);
    assert_int_equal(json_object_size(o->fields), n);
    for (size_t i = 0; i < n; i++)
        assert_true(strlen(jstr(o->fields, keys[i])) > 5);
}

/* A check made before sending: usage, no HTTP code, the one field named, no data. */
static void assert_refused(const call_out *o, const char *field)
{
    if (o->status != HD_ERR_USAGE)
        fprintf(stderr, "not refused: %d %s\n", o->status, o->message);
    assert_int_equal(o->status, HD_ERR_USAGE);
    assert_int_equal(o->code, 0);
    assert_true(strlen(o->message) > 10);
    assert_null(o->data);
    if (field)
        assert_fields(o, &field, 1);
}

/* ---- the sandbox's side ----------------------------------------------------------------- */

/* Requests the HubMessage API got so far (the log holds every hub request). */
static size_t hub_requests(const char *method)
{
    json_t *log = sandbox_json(&sb, "GET", "/_sandbox/test/log"), *e;
    size_t i, n = 0;
    json_array_foreach(log, i, e)
    {
        const char *hub = json_string_value(json_object_get(e, "hub"));
        n += hub && !strcmp(hub, "hubmessage") &&
             (!method || !strcmp(jstr(e, "method"), method));
    }
    json_decref(log);
    return n;
}

static json_t *hub_channel(const char *id)
{
    char path[200];
    snprintf(path, sizeof path, "/_sandbox/hubmessage/channels/%s", id);
    return sandbox_json(&sb, "GET", path);
}

static void fail_next(int times)
{
    char path[80];
    snprintf(path, sizeof path, "/_sandbox/hubmessage/fail?times=%d", times);
    json_decref(sandbox_json(&sb, "POST", path));
}

/* Creates a channel through the driver; its id into id (37 bytes). */
static void create(const char *name, char *id)
{
    call_out o = call(&(hub_req){.op = HUB_OP_CHANNEL_CREATE, .name = name});
    if (o.status != HD_OK)
        fprintf(stderr, "create: %s\n", o.message);
    assert_int_equal(o.status, HD_OK);
    snprintf(id, 37, "%s", jstr(o.data, "id"));
    out_clear(&o);
}

static call_out connect_with(const char *id, const hub_connect *hc)
{
    return call(&(hub_req){.op = HUB_OP_CONNECT, .channel_id = id, .connect = hc});
}

static const hub_connect good_signup = {
    .waba_id = WABA, .phone_id = PHONE_ID, .code = CODE, .coexistence = 1};

/* A channel created and connected through the driver. */
static void connected_channel(const char *name, char *id)
{
    create(name, id);
    call_out o = connect_with(id, &good_signup);
    assert_int_equal(o.status, HD_OK);
    out_clear(&o);
}

/* ---- the tests -------------------------------------------------------------------------- */

static void test_ops_table(void **state)
{
    assert_ptr_equal(provider_find("hubmessage"), &provider_hubmessage);
    assert_string_equal(provider_hubmessage.label, "HubMessage");
    assert_string_equal(provider_hubmessage.project_word, "account");
    assert_string_equal(provider_hubmessage.default_base_url, "https://api.hubmessage.io");
    assert_int_equal(provider_hubmessage.caps,
                     PROVIDER_CAP_SIGNUP_CODE | PROVIDER_CAP_CHANNEL_CREATE |
                         PROVIDER_CAP_TEST_MESSAGE | PROVIDER_CAP_LOCAL_CHANNELS |
                         PROVIDER_CAP_STATUS);
    assert_non_null(provider_hubmessage.call);
    assert_non_null(provider_hubmessage.call_cancel);
    assert_null(provider_hubmessage.pair_start);
}

/* No endpoint proves a key: the check is local, and it refuses the public key. */
static void test_check(void **state)
{
    size_t before = hub_requests(NULL);
    call_out o = call(&(hub_req){.op = HUB_OP_CHECK});
    assert_int_equal(o.status, HD_OK);
    assert_int_equal(o.code, 0);
    assert_int_equal(json_object_size(o.data), 1);
    assert_string_equal(jstr(o.data, "account"), "");
    out_clear(&o);
    static const char *const pub[] = {PUBLIC_KEY, "pk_live_abc"};
    for (size_t i = 0; i < 2; i++) {
        o = call_as(pub[i], &(hub_req){.op = HUB_OP_CHECK});
        assert_int_equal(o.status, HD_ERR_AUTH);
        assert_int_equal(o.code, 0);
        assert_null(o.data);
        assert_non_null(strstr(o.message, "public key"));
        assert_non_null(strstr(o.message, "secret key"));
        assert_null(strstr(o.message, pub[i]));
        assert_fields(&o, (const char *const[]){"token"}, 1);
        out_clear(&o);
    }
    o = call_as(NULL, &(hub_req){.op = HUB_OP_CHECK});
    assert_refused(&o, "token");
    out_clear(&o);
    o = call_as("hm_sk a\r\nX: y", &(hub_req){.op = HUB_OP_CHECK});
    assert_refused(&o, "token");
    assert_null(strstr(o.message, "hm_sk"));
    out_clear(&o);
    o = call_as("", &(hub_req){.op = HUB_OP_CHANNEL_CREATE, .name = "x"});
    assert_refused(&o, "token");
    out_clear(&o);
    assert_int_equal(hub_requests(NULL), before); /* nothing was sent */
}

static void test_create(void **state)
{
    call_out o = call(&(hub_req){.op = HUB_OP_CHANNEL_CREATE, .name = "Bot for Ukindo"});
    assert_int_equal(o.status, HD_OK);
    assert_int_equal(o.code, 201);
    const char *id = jstr(o.data, "id");
    assert_int_equal(strlen(id), 36);
    assert_string_equal(jstr(o.data, "name"), "Bot for Ukindo");
    assert_string_equal(jstr(o.data, "type"), "META_WHATSAPP");
    assert_true(json_is_false(json_object_get(o.data, "active")));
    assert_int_equal(json_object_size(o.data), 4);
    json_t *hub = hub_channel(id);
    assert_string_equal(jstr(hub, "status"), "CREATED");
    assert_string_equal(jstr(hub, "name"), "Bot for Ukindo");
    assert_string_equal(jstr(hub, "type"), "META_WHATSAPP");
    json_decref(hub);
    out_clear(&o);
    char sixty[61];
    memset(sixty, 'n', 60);
    sixty[60] = '\0';
    o = call(&(hub_req){.op = HUB_OP_CHANNEL_CREATE, .name = sixty});
    assert_int_equal(o.status, HD_OK);
    assert_string_equal(jstr(o.data, "name"), sixty);
    out_clear(&o);
}

static void test_create_refused_before_sending(void **state)
{
    char long_name[62];
    memset(long_name, 'n', 61);
    long_name[61] = '\0';
    const char *const bad[] = {NULL, "", long_name, "bad\x1b[2Jname", "two\nlines", "bad \xc3"};
    size_t before = hub_requests(NULL);
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        call_out o = call(&(hub_req){.op = HUB_OP_CHANNEL_CREATE, .name = bad[i]});
        assert_refused(&o, "name");
        out_clear(&o);
    }
    assert_int_equal(hub_requests(NULL), before);
}

static void test_connect(void **state)
{
    char id[37];
    create("Connect", id);
    call_out o = connect_with(id, &good_signup);
    assert_int_equal(o.status, HD_OK);
    assert_int_equal(o.code, 200);
    assert_string_equal(jstr(o.data, "id"), id);
    assert_true(json_is_true(json_object_get(o.data, "connected")));
    assert_int_equal(json_object_size(o.data), 2);
    out_clear(&o);
    json_t *hub = hub_channel(id); /* what the hub got is the seed's body */
    assert_string_equal(jstr(hub, "status"), "CONNECTED");
    assert_string_equal(jstr(hub, "wabaId"), WABA);
    assert_string_equal(jstr(hub, "phoneId"), PHONE_ID);
    assert_true(json_is_true(json_object_get(hub, "coexistence")));
    assert_null(json_object_get(hub, "code")); /* one-time: the hub keeps nothing */
    json_decref(hub);
    /* Again: the hub says it is connected already. */
    o = connect_with(id, &good_signup);
    assert_int_equal(o.status, HD_ERR_REJECTED);
    assert_int_equal(o.code, 409);
    assert_non_null(strstr(o.message, "ALREADY_CONNECTED"));
    assert_null(o.fields);
    out_clear(&o);
    /* coexistence false goes as false */
    create("Connect2", id);
    hub_connect off = good_signup;
    off.coexistence = 0;
    o = connect_with(id, &off);
    assert_int_equal(o.status, HD_OK);
    out_clear(&o);
    hub = hub_channel(id);
    assert_true(json_is_false(json_object_get(hub, "coexistence")));
    json_decref(hub);
}

static void test_connect_refused_before_sending(void **state)
{
    char id[37];
    create("Refusals", id);
    size_t before = hub_requests(NULL);
    static const struct {
        hub_connect hc;
        const char *field;
    } one[] = {
        {{.waba_id = "4280x3093730937", .phone_id = PHONE_ID, .code = CODE}, "waba_id"},
        {{.waba_id = "123", .phone_id = PHONE_ID, .code = CODE}, "waba_id"},
        {{.phone_id = PHONE_ID, .code = CODE}, "waba_id"},
        {{.waba_id = WABA, .phone_id = "+123456789012", .code = CODE}, "phone_id"},
        {{.waba_id = WABA, .phone_id = "", .code = CODE}, "phone_id"},
        {{.waba_id = WABA, .phone_id = PHONE_ID, .code = ""}, "code"},
        {{.waba_id = WABA, .phone_id = PHONE_ID}, "code"},
        {{.waba_id = WABA, .phone_id = PHONE_ID, .code = "SecretCode77 with space"}, "code"},
    };
    for (size_t i = 0; i < sizeof one / sizeof *one; i++) {
        call_out o = connect_with(id, &one[i].hc);
        assert_refused(&o, one[i].field);
        out_clear(&o);
    }
    /* Every bad field at once, each named. */
    hub_connect all_bad = {.waba_id = "abc", .phone_id = "1-2", .code = ""};
    call_out o = connect_with(id, &all_bad);
    assert_refused(&o, NULL);
    assert_fields(&o, (const char *const[]){"waba_id", "phone_id", "code"}, 3);
    assert_non_null(strstr(o.message, "; "));
    out_clear(&o);
    /* The channel: missing, or not an id. */
    o = connect_with(NULL, &good_signup);
    assert_refused(&o, "channel_id");
    out_clear(&o);
    o = connect_with("../../v1/x", &good_signup);
    assert_refused(&o, "channel_id");
    out_clear(&o);
    o = connect_with(id, NULL);
    assert_refused(&o, "code");
    out_clear(&o);
    assert_int_equal(hub_requests(NULL), before);
    json_t *hub = hub_channel(id);
    assert_string_equal(jstr(hub, "status"), "CREATED");
    json_decref(hub);
}

static void test_connect_hub_refusals(void **state)
{
    char id[37];
    create("Codes", id);
    static const char *const codes[] = {"EXPIRED", "bad-code-123"};
    static const char *const said[] = {"authorization code expired", "rejected by WhatsApp"};
    for (size_t i = 0; i < 2; i++) {
        hub_connect hc = good_signup;
        hc.code = codes[i];
        call_out o = connect_with(id, &hc);
        assert_int_equal(o.status, HD_ERR_REJECTED);
        assert_int_equal(o.code, 400);
        assert_non_null(strstr(o.message, "INVALID_CODE"));
        assert_non_null(strstr(o.message, said[i]));
        assert_fields(&o, (const char *const[]){"code"}, 1);
        assert_non_null(strstr(jstr(o.fields, "code"), said[i]));
        out_clear(&o);
    }
    /* The code is not spent by a refusal: a good one still connects. */
    call_out o = connect_with(id, &good_signup);
    assert_int_equal(o.status, HD_OK);
    out_clear(&o);
    o = connect_with(NO_CHANNEL, &good_signup);
    assert_int_equal(o.status, HD_ERR_NOT_FOUND);
    assert_int_equal(o.code, 404);
    assert_non_null(strstr(o.message, "CHANNEL_NOT_FOUND"));
    out_clear(&o);
}

static call_out send_test(const char *id, const char *to, const char *text)
{
    return call(&(hub_req){.op = HUB_OP_SEND_TEST, .channel_id = id, .to = to, .text = text});
}

/* The last message the sandbox took, or NULL. */
static json_t *last_message(void)
{
    json_t *all = sandbox_json(&sb, "GET", "/_sandbox/hubmessage");
    json_t *msgs = json_object_get(all, "messages");
    json_t *m = json_array_size(msgs) ? json_incref(json_array_get(msgs, json_array_size(msgs) - 1))
                                      : NULL;
    json_decref(all);
    return m;
}

static void test_send_test(void **state)
{
    char id[37];
    connected_channel("Sender", id);
    call_out o = send_test(id, IN_WINDOW, "Hi from hubdesk\nsecond line");
    assert_int_equal(o.status, HD_OK);
    assert_int_equal(o.code, 200);
    assert_int_equal(strlen(jstr(o.data, "message_id")), 36);
    assert_string_equal(jstr(o.data, "status"), "accepted");
    json_t *m = last_message();
    assert_string_equal(jstr(m, "messageId"), jstr(o.data, "message_id"));
    assert_string_equal(jstr(m, "to"), IN_WINDOW);
    assert_string_equal(jstr(m, "message"), "Hi from hubdesk\nsecond line");
    json_decref(m);
    out_clear(&o);
    /* Outside the 24 h window: the hub's own words are kept. */
    o = send_test(id, OUT_WINDOW, "Hi");
    assert_int_equal(o.status, HD_ERR_REJECTED);
    assert_int_equal(o.code, 422);
    assert_non_null(strstr(o.message, "OUTSIDE_WINDOW"));
    assert_non_null(strstr(o.message, "24 hours"));
    assert_null(o.data);
    assert_fields(&o, (const char *const[]){"to"}, 1);
    out_clear(&o);
    /* Once the number writes, it works. */
    json_decref(sandbox_json(&sb, "POST", "/_sandbox/hubmessage/window/" OUT_WINDOW));
    o = send_test(id, OUT_WINDOW, "Hi");
    assert_int_equal(o.status, HD_OK);
    out_clear(&o);
    /* A channel not connected yet. */
    char fresh[37];
    create("Not connected", fresh);
    o = send_test(fresh, IN_WINDOW, "Hi");
    assert_int_equal(o.status, HD_ERR_REJECTED);
    assert_int_equal(o.code, 409);
    assert_non_null(strstr(o.message, "CHANNEL_NOT_CONNECTED"));
    out_clear(&o);
    o = send_test(NO_CHANNEL, IN_WINDOW, "Hi");
    assert_int_equal(o.status, HD_ERR_NOT_FOUND);
    out_clear(&o);
}

static void test_send_refused_before_sending(void **state)
{
    char id[37];
    connected_channel("Refused sends", id);
    char *big = malloc(HM_TEXT_MAX + 2);
    memset(big, 't', HM_TEXT_MAX + 1);
    big[HM_TEXT_MAX + 1] = '\0';
    static const struct {
        const char *to, *text, *field;
    } one[] = {
        {"+5511987654320", "Hi", "to"}, {"123", "Hi", "to"},  {"", "Hi", "to"},
        {NULL, "Hi", "to"},             {"05511987654320", "Hi", "to"},
        {"55 11 98765", "Hi", "to"},    {IN_WINDOW, "", "text"}, {IN_WINDOW, NULL, "text"},
        {IN_WINDOW, "esc\x1b[2J", "text"},
    };
    size_t before = hub_requests(NULL);
    for (size_t i = 0; i < sizeof one / sizeof *one; i++) {
        call_out o = send_test(id, one[i].to, one[i].text);
        assert_refused(&o, one[i].field);
        out_clear(&o);
    }
    call_out o = send_test(id, IN_WINDOW, big);
    assert_refused(&o, "text");
    out_clear(&o);
    o = send_test(NULL, "12", "");
    assert_refused(&o, NULL);
    assert_fields(&o, (const char *const[]){"channel_id", "to", "text"}, 3);
    out_clear(&o);
    assert_int_equal(hub_requests(NULL), before);
    big[HM_TEXT_MAX] = '\0'; /* 4096 is fine */
    o = send_test(id, IN_WINDOW, big);
    assert_int_equal(o.status, HD_OK);
    out_clear(&o);
    free(big);
}

static void test_status(void **state)
{
    char id[37];
    create("Status", id);
    call_out o = call(&(hub_req){.op = HUB_OP_STATUS, .channel_id = id});
    assert_int_equal(o.status, HD_OK);
    assert_string_equal(jstr(o.data, "text"), "CREATED");
    assert_string_equal(jstr(o.data, "meaning"), hubmessage_status_meaning("CREATED"));
    assert_int_equal(json_integer_value(json_object_get(o.data, "code")), 0);
    assert_null(json_object_get(o.data, "waba_id")); /* null until connected */
    out_clear(&o);
    o = connect_with(id, &good_signup);
    out_clear(&o);
    o = call(&(hub_req){.op = HUB_OP_STATUS, .channel_id = id});
    assert_int_equal(o.status, HD_OK);
    assert_string_equal(jstr(o.data, "text"), "CONNECTED");
    assert_non_null(strstr(jstr(o.data, "meaning"), "connected"));
    assert_string_equal(jstr(o.data, "waba_id"), WABA);
    assert_string_equal(jstr(o.data, "phone_id"), PHONE_ID);
    assert_true(json_is_true(json_object_get(o.data, "coexistence")));
    out_clear(&o);
    /* A 404: the route is our guess, so the status is unknown rather than an error. */
    o = call(&(hub_req){.op = HUB_OP_STATUS, .channel_id = NO_CHANNEL});
    assert_int_equal(o.status, HD_OK);
    assert_int_equal(o.code, 404);
    assert_string_equal(jstr(o.data, "text"), "UNKNOWN");
    assert_string_equal(jstr(o.data, "meaning"),
                        "HubMessage has no status endpoint we know of; send a test message");
    out_clear(&o);
    o = call(&(hub_req){.op = HUB_OP_STATUS, .channel_id = "a b"});
    assert_refused(&o, "channel_id");
    out_clear(&o);
    o = call(&(hub_req){.op = HUB_OP_STATUS});
    assert_refused(&o, "channel_id");
    out_clear(&o);
}

static void test_wrong_key(void **state)
{
    call_out o = call_as("hm_sk_wrong_key", &(hub_req){.op = HUB_OP_CHANNEL_CREATE, .name = "x"});
    assert_int_equal(o.status, HD_ERR_AUTH);
    assert_int_equal(o.code, 401);
    assert_non_null(strstr(o.message, "UNAUTHORIZED"));
    assert_null(o.data);
    out_clear(&o);
    /* Past the check (only CHECK looks at it locally), the hub says where public keys go. */
    o = call_as(PUBLIC_KEY, &(hub_req){.op = HUB_OP_STATUS, .channel_id = NO_CHANNEL});
    assert_int_equal(o.status, HD_ERR_AUTH);
    assert_int_equal(o.code, 401);
    assert_non_null(strstr(o.message, "public keys are for the browser SDK"));
    out_clear(&o);
}

/* 5xx: a GET is tried again, a POST is reported at once (a resend could make a second
 * channel or send the customer two messages). */
static void test_server_errors(void **state)
{
    char id[37];
    create("Flaky", id);
    size_t posts = hub_requests("POST");
    fail_next(1);
    call_out o = call(&(hub_req){.op = HUB_OP_CHANNEL_CREATE, .name = "never twice"});
    assert_int_equal(o.status, HD_ERR_SERVER);
    assert_int_equal(o.code, 500);
    assert_int_equal(o.waits, 0);
    assert_non_null(strstr(o.message, "SERVER_ERROR"));
    out_clear(&o);
    assert_int_equal(hub_requests("POST"), posts + 1);
    fail_next(1);
    o = connect_with(id, &good_signup);
    assert_int_equal(o.status, HD_ERR_SERVER);
    assert_int_equal(o.waits, 0);
    out_clear(&o);
    o = connect_with(id, &good_signup); /* nothing happened: it connects now */
    assert_int_equal(o.status, HD_OK);
    out_clear(&o);
    fail_next(1);
    o = send_test(id, IN_WINDOW, "once");
    assert_int_equal(o.status, HD_ERR_SERVER);
    assert_int_equal(o.waits, 0);
    out_clear(&o);
    assert_int_equal(hub_requests("POST"), posts + 4);
    /* The status is read again after each 500, and again gives up after the retries. */
    size_t gets = hub_requests("GET");
    fail_next(2);
    o = call(&(hub_req){.op = HUB_OP_STATUS, .channel_id = id});
    assert_int_equal(o.status, HD_OK);
    assert_int_equal(o.waits, 2);
    assert_string_equal(jstr(o.data, "text"), "CONNECTED");
    out_clear(&o);
    assert_int_equal(hub_requests("GET"), gets + 3);
    fail_next(10);
    o = call(&(hub_req){.op = HUB_OP_STATUS, .channel_id = id});
    assert_int_equal(o.status, HD_ERR_SERVER);
    assert_int_equal(o.waits, 3);
    out_clear(&o);
    fail_next(0);
    /* No hub at all: a POST is not sent twice either. */
    o = call_at(DEAD_BASE, KEY, &(hub_req){.op = HUB_OP_CHANNEL_CREATE, .name = "x"});
    assert_int_equal(o.status, HD_ERR_NETWORK);
    assert_int_equal(o.waits, 0);
    out_clear(&o);
    o = call_at("http://example.com/hubmessage", KEY, &(hub_req){.op = HUB_OP_STATUS, .channel_id = id});
    assert_int_equal(o.status, HD_ERR_INSECURE_URL);
    out_clear(&o);
}

static void test_unsupported_ops(void **state)
{
    static const hub_op ops[] = {HUB_OP_PROJECTS, HUB_OP_CHANNELS, HUB_OP_CHANNEL_MODE,
                                 HUB_OP_CHANNEL_DELETE, HUB_OP_WEBHOOK_SET, HUB_OP_COUNT};
    size_t before = hub_requests(NULL);
    for (size_t i = 0; i < sizeof ops / sizeof *ops; i++) {
        call_out o = call(&(hub_req){.op = ops[i], .channel_id = NO_CHANNEL,
                                     .url = "https://example.com/h"});
        assert_refused(&o, NULL);
        assert_null(o.fields);
        out_clear(&o);
    }
    call_out o = call(&(hub_req){.op = HUB_OP_CHANNELS});
    assert_non_null(strstr(o.message, "cannot list channels"));
    out_clear(&o);
    assert_int_equal(hub_requests(NULL), before);
}

static void test_cancel(void **state)
{
    call_out o = {0};
    loop *l = loop_new();
    http_client *h = http_client_new(l);
    provider_ctx ctx = {.l = l, .http = h, .base_url = base, .token = KEY};
    provider_hubmessage.call_cancel(provider_hubmessage.call(
        &ctx, &(hub_req){.op = HUB_OP_CHANNEL_CREATE, .name = "cancelled"}, on_done, NULL, &o));
    provider_hubmessage.call_cancel(
        provider_hubmessage.call(&ctx, &(hub_req){.op = HUB_OP_CHECK}, on_done, NULL, &o));
    provider_hubmessage.call_cancel(provider_hubmessage.call(
        &ctx, &(hub_req){.op = HUB_OP_CHANNEL_CREATE}, on_done, NULL, &o));
    provider_hubmessage.call_cancel(NULL);
    for (int i = 0; i < 10; i++)
        loop_run_once(l, 20);
    assert_int_equal(o.done, 0);
    http_client_free(h);
    loop_free(l);
}

static int setup(void **state)
{
    if (sandbox_start(NULL, &sb) != 0)
        return -1;
    snprintf(base, sizeof base, "%s/hubmessage", sb.base_url);
    return 0;
}

static int teardown(void **state)
{
    return sandbox_stop(&sb) == 0 ? 0 : -1;
}

int main(void)
{
    secret_harden_json();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ops_table),
        cmocka_unit_test(test_check),
        cmocka_unit_test(test_create),
        cmocka_unit_test(test_create_refused_before_sending),
        cmocka_unit_test(test_connect),
        cmocka_unit_test(test_connect_refused_before_sending),
        cmocka_unit_test(test_connect_hub_refusals),
        cmocka_unit_test(test_send_test),
        cmocka_unit_test(test_send_refused_before_sending),
        cmocka_unit_test(test_status),
        cmocka_unit_test(test_wrong_key),
        cmocka_unit_test(test_server_errors),
        cmocka_unit_test(test_unsupported_ops),
        cmocka_unit_test(test_cancel),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
