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

#include "../lib/hubtest.h"
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
static const char *const secrets[] = {KEY,      CODE,      "hm_sk_wrong_key", "bad-code-123",
                                      "EXPIRED", "SecretCode77", NULL};

/* ---- calls ------------------------------------------------------------------------------ */

/* One call through the driver at `at`, run to its end; HubMessage hands out no secret. */
static hubtest_out call_at(const char *at, const char *token, const hub_req *req)
{
    hubtest_out out =
        hubtest_call(&provider_hubmessage, &(provider_ctx){.base_url = at, .token = token}, req);
    assert_false(out.has_secret);
    return out;
}

static hubtest_out call_as(const char *token, const hub_req *req)
{
    return call_at(base, token, req);
}

static hubtest_out call(const hub_req *req)
{
    return call_as(KEY, req);
}

/* ---- the sandbox's side ----------------------------------------------------------------- */

/* Requests the HubMessage API got so far (the log holds every hub request). */
static size_t hub_requests(const char *method)
{
    return hubtest_requests(&sb, "hubmessage", method);
}

static json_t *hub_channel(const char *id)
{
    char path[200];
    snprintf(path, sizeof path, "/_sandbox/hubmessage/channels/%s", id);
    return sandbox_json(&sb, "GET", path);
}

/* Creates a channel through the driver; its id into id (37 bytes). */
static void create(const char *name, char *id)
{
    hubtest_out o = call(&(hub_req){.op = HUB_OP_CHANNEL_CREATE, .name = name});
    if (o.status != HD_OK)
        fprintf(stderr, "create: %s\n", o.message);
    assert_int_equal(o.status, HD_OK);
    snprintf(id, 37, "%s", hubtest_str(o.data, "id"));
    hubtest_out_clear(&o);
}

static hubtest_out connect_with(const char *id, const hub_connect *hc)
{
    return call(&(hub_req){.op = HUB_OP_CONNECT, .channel_id = id, .connect = hc});
}

static const hub_connect good_signup = {
    .waba_id = WABA, .phone_id = PHONE_ID, .code = CODE, .coexistence = 1};

/* A channel created and connected through the driver. */
static void connected_channel(const char *name, char *id)
{
    create(name, id);
    hubtest_out o = connect_with(id, &good_signup);
    assert_int_equal(o.status, HD_OK);
    hubtest_out_clear(&o);
}

/* cmocka group setup and teardown: one sandbox for every test. */
static int setup(void **state)
{
    return hubtest_sandbox_start(&sb, secrets, "hubmessage", base, sizeof base);
}

static int teardown(void **state)
{
    return sandbox_stop(&sb) == 0 ? 0 : -1;
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
    hubtest_out o = call(&(hub_req){.op = HUB_OP_CHECK});
    assert_int_equal(o.status, HD_OK);
    assert_int_equal(o.code, 0);
    assert_int_equal(json_object_size(o.data), 1);
    assert_string_equal(hubtest_str(o.data, "account"), "");
    hubtest_out_clear(&o);
    static const char *const pub[] = {PUBLIC_KEY, "pk_live_abc"};
    for (size_t i = 0; i < 2; i++) {
        o = call_as(pub[i], &(hub_req){.op = HUB_OP_CHECK});
        assert_int_equal(o.status, HD_ERR_AUTH);
        assert_int_equal(o.code, 0);
        assert_null(o.data);
        assert_non_null(strstr(o.message, "public key"));
        assert_non_null(strstr(o.message, "secret key"));
        assert_null(strstr(o.message, pub[i]));
        hubtest_assert_fields(&o, (const char *const[]){"token"}, 1);
        hubtest_out_clear(&o);
    }
    o = call_as(NULL, &(hub_req){.op = HUB_OP_CHECK});
    hubtest_assert_refused(&o, "token");
    hubtest_out_clear(&o);
    o = call_as("hm_sk a\r\nX: y", &(hub_req){.op = HUB_OP_CHECK});
    hubtest_assert_refused(&o, "token");
    assert_null(strstr(o.message, "hm_sk"));
    hubtest_out_clear(&o);
    o = call_as("", &(hub_req){.op = HUB_OP_CHANNEL_CREATE, .name = "x"});
    hubtest_assert_refused(&o, "token");
    hubtest_out_clear(&o);
    assert_int_equal(hub_requests(NULL), before); /* nothing was sent */
}

static void test_create(void **state)
{
    hubtest_out o = call(&(hub_req){.op = HUB_OP_CHANNEL_CREATE, .name = "Bot for Ukindo"});
    assert_int_equal(o.status, HD_OK);
    assert_int_equal(o.code, 201);
    const char *id = hubtest_str(o.data, "id");
    assert_int_equal(strlen(id), 36);
    assert_string_equal(hubtest_str(o.data, "name"), "Bot for Ukindo");
    assert_string_equal(hubtest_str(o.data, "type"), "META_WHATSAPP");
    assert_true(json_is_false(json_object_get(o.data, "active")));
    assert_int_equal(json_object_size(o.data), 4);
    json_t *hub = hub_channel(id);
    assert_string_equal(hubtest_str(hub, "status"), "CREATED");
    assert_string_equal(hubtest_str(hub, "name"), "Bot for Ukindo");
    assert_string_equal(hubtest_str(hub, "type"), "META_WHATSAPP");
    json_decref(hub);
    hubtest_out_clear(&o);
    char sixty[61];
    memset(sixty, 'n', 60);
    sixty[60] = '\0';
    o = call(&(hub_req){.op = HUB_OP_CHANNEL_CREATE, .name = sixty});
    assert_int_equal(o.status, HD_OK);
    assert_string_equal(hubtest_str(o.data, "name"), sixty);
    hubtest_out_clear(&o);
}

static void test_create_refused_before_sending(void **state)
{
    char long_name[62];
    memset(long_name, 'n', 61);
    long_name[61] = '\0';
    const char *const bad[] = {NULL, "", long_name, "bad\x1b[2Jname", "two\nlines", "bad \xc3"};
    size_t before = hub_requests(NULL);
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        hubtest_out o = call(&(hub_req){.op = HUB_OP_CHANNEL_CREATE, .name = bad[i]});
        hubtest_assert_refused(&o, "name");
        hubtest_out_clear(&o);
    }
    assert_int_equal(hub_requests(NULL), before);
}

static void test_connect(void **state)
{
    char id[37];
    create("Connect", id);
    hubtest_out o = connect_with(id, &good_signup);
    assert_int_equal(o.status, HD_OK);
    assert_int_equal(o.code, 200);
    assert_string_equal(hubtest_str(o.data, "id"), id);
    assert_true(json_is_true(json_object_get(o.data, "connected")));
    assert_int_equal(json_object_size(o.data), 2);
    hubtest_out_clear(&o);
    json_t *hub = hub_channel(id); /* what the hub got is the seed's body */
    assert_string_equal(hubtest_str(hub, "status"), "CONNECTED");
    assert_string_equal(hubtest_str(hub, "wabaId"), WABA);
    assert_string_equal(hubtest_str(hub, "phoneId"), PHONE_ID);
    assert_true(json_is_true(json_object_get(hub, "coexistence")));
    assert_null(json_object_get(hub, "code")); /* one-time: the hub keeps nothing */
    json_decref(hub);
    /* Again: the hub says it is connected already. */
    o = connect_with(id, &good_signup);
    assert_int_equal(o.status, HD_ERR_REJECTED);
    assert_int_equal(o.code, 409);
    assert_non_null(strstr(o.message, "ALREADY_CONNECTED"));
    assert_null(o.fields);
    hubtest_out_clear(&o);
    /* coexistence false goes as false */
    create("Connect2", id);
    hub_connect off = good_signup;
    off.coexistence = 0;
    o = connect_with(id, &off);
    assert_int_equal(o.status, HD_OK);
    hubtest_out_clear(&o);
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
        hubtest_out o = connect_with(id, &one[i].hc);
        hubtest_assert_refused(&o, one[i].field);
        hubtest_out_clear(&o);
    }
    /* Every bad field at once, each named. */
    hub_connect all_bad = {.waba_id = "abc", .phone_id = "1-2", .code = ""};
    hubtest_out o = connect_with(id, &all_bad);
    hubtest_assert_refused(&o, NULL);
    hubtest_assert_fields(&o, (const char *const[]){"waba_id", "phone_id", "code"}, 3);
    assert_non_null(strstr(o.message, "; "));
    hubtest_out_clear(&o);
    /* The channel: missing, or not an id. */
    o = connect_with(NULL, &good_signup);
    hubtest_assert_refused(&o, "channel_id");
    hubtest_out_clear(&o);
    o = connect_with("../../v1/x", &good_signup);
    hubtest_assert_refused(&o, "channel_id");
    hubtest_out_clear(&o);
    o = connect_with(id, NULL);
    hubtest_assert_refused(&o, "code");
    hubtest_out_clear(&o);
    assert_int_equal(hub_requests(NULL), before);
    json_t *hub = hub_channel(id);
    assert_string_equal(hubtest_str(hub, "status"), "CREATED");
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
        hubtest_out o = connect_with(id, &hc);
        assert_int_equal(o.status, HD_ERR_REJECTED);
        assert_int_equal(o.code, 400);
        assert_non_null(strstr(o.message, "INVALID_CODE"));
        assert_non_null(strstr(o.message, said[i]));
        hubtest_assert_fields(&o, (const char *const[]){"code"}, 1);
        assert_non_null(strstr(hubtest_str(o.fields, "code"), said[i]));
        hubtest_out_clear(&o);
    }
    /* The code is not spent by a refusal: a good one still connects. */
    hubtest_out o = connect_with(id, &good_signup);
    assert_int_equal(o.status, HD_OK);
    hubtest_out_clear(&o);
    o = connect_with(NO_CHANNEL, &good_signup);
    assert_int_equal(o.status, HD_ERR_NOT_FOUND);
    assert_int_equal(o.code, 404);
    assert_non_null(strstr(o.message, "CHANNEL_NOT_FOUND"));
    hubtest_out_clear(&o);
}

static hubtest_out send_test(const char *id, const char *to, const char *text)
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
    hubtest_out o = send_test(id, IN_WINDOW, "Hi from hubdesk\nsecond line");
    assert_int_equal(o.status, HD_OK);
    assert_int_equal(o.code, 200);
    assert_int_equal(strlen(hubtest_str(o.data, "message_id")), 36);
    assert_string_equal(hubtest_str(o.data, "status"), "accepted");
    json_t *m = last_message();
    assert_string_equal(hubtest_str(m, "messageId"), hubtest_str(o.data, "message_id"));
    assert_string_equal(hubtest_str(m, "to"), IN_WINDOW);
    assert_string_equal(hubtest_str(m, "message"), "Hi from hubdesk\nsecond line");
    json_decref(m);
    hubtest_out_clear(&o);
    /* Outside the 24 h window: the hub's own words are kept. */
    o = send_test(id, OUT_WINDOW, "Hi");
    assert_int_equal(o.status, HD_ERR_REJECTED);
    assert_int_equal(o.code, 422);
    assert_non_null(strstr(o.message, "OUTSIDE_WINDOW"));
    assert_non_null(strstr(o.message, "24 hours"));
    assert_null(o.data);
    hubtest_assert_fields(&o, (const char *const[]){"to"}, 1);
    hubtest_out_clear(&o);
    /* Once the number writes, it works. */
    json_decref(sandbox_json(&sb, "POST", "/_sandbox/hubmessage/window/" OUT_WINDOW));
    o = send_test(id, OUT_WINDOW, "Hi");
    assert_int_equal(o.status, HD_OK);
    hubtest_out_clear(&o);
    /* A channel not connected yet. */
    char fresh[37];
    create("Not connected", fresh);
    o = send_test(fresh, IN_WINDOW, "Hi");
    assert_int_equal(o.status, HD_ERR_REJECTED);
    assert_int_equal(o.code, 409);
    assert_non_null(strstr(o.message, "CHANNEL_NOT_CONNECTED"));
    hubtest_out_clear(&o);
    o = send_test(NO_CHANNEL, IN_WINDOW, "Hi");
    assert_int_equal(o.status, HD_ERR_NOT_FOUND);
    hubtest_out_clear(&o);
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
        hubtest_out o = send_test(id, one[i].to, one[i].text);
        hubtest_assert_refused(&o, one[i].field);
        hubtest_out_clear(&o);
    }
    hubtest_out o = send_test(id, IN_WINDOW, big);
    hubtest_assert_refused(&o, "text");
    hubtest_out_clear(&o);
    o = send_test(NULL, "12", "");
    hubtest_assert_refused(&o, NULL);
    hubtest_assert_fields(&o, (const char *const[]){"channel_id", "to", "text"}, 3);
    hubtest_out_clear(&o);
    assert_int_equal(hub_requests(NULL), before);
    big[HM_TEXT_MAX] = '\0'; /* 4096 is fine */
    o = send_test(id, IN_WINDOW, big);
    assert_int_equal(o.status, HD_OK);
    hubtest_out_clear(&o);
    free(big);
}

/* What HubMessage has no call for is refused before anything is sent. */
static void test_unsupported_ops(void **state)
{
    static const hub_op ops[] = {HUB_OP_PROJECTS, HUB_OP_CHANNELS, HUB_OP_CHANNEL_MODE,
                                 HUB_OP_CHANNEL_DELETE, HUB_OP_WEBHOOK_SET, HUB_OP_COUNT};
    size_t before = hub_requests(NULL);
    hubtest_assert_unsupported(call,
                               (hub_req){.channel_id = NO_CHANNEL, .url = "https://example.com/h"},
                               ops, sizeof ops / sizeof *ops);
    hubtest_out o = call(&(hub_req){.op = HUB_OP_CHANNELS});
    assert_non_null(strstr(o.message, "cannot list channels"));
    hubtest_out_clear(&o);
    assert_int_equal(hub_requests(NULL), before);
}

static void test_status(void **state)
{
    char id[37];
    create("Status", id);
    hubtest_out o = call(&(hub_req){.op = HUB_OP_STATUS, .channel_id = id});
    assert_int_equal(o.status, HD_OK);
    assert_string_equal(hubtest_str(o.data, "text"), "CREATED");
    assert_string_equal(hubtest_str(o.data, "meaning"), hubmessage_status_meaning("CREATED"));
    assert_int_equal(json_integer_value(json_object_get(o.data, "code")), 0);
    assert_null(json_object_get(o.data, "waba_id")); /* null until connected */
    hubtest_out_clear(&o);
    o = connect_with(id, &good_signup);
    hubtest_out_clear(&o);
    o = call(&(hub_req){.op = HUB_OP_STATUS, .channel_id = id});
    assert_int_equal(o.status, HD_OK);
    assert_string_equal(hubtest_str(o.data, "text"), "CONNECTED");
    assert_non_null(strstr(hubtest_str(o.data, "meaning"), "connected"));
    assert_string_equal(hubtest_str(o.data, "waba_id"), WABA);
    assert_string_equal(hubtest_str(o.data, "phone_id"), PHONE_ID);
    assert_true(json_is_true(json_object_get(o.data, "coexistence")));
    hubtest_out_clear(&o);
    /* A 404: the route is our guess, so the status is unknown rather than an error. */
    o = call(&(hub_req){.op = HUB_OP_STATUS, .channel_id = NO_CHANNEL});
    assert_int_equal(o.status, HD_OK);
    assert_int_equal(o.code, 404);
    assert_string_equal(hubtest_str(o.data, "text"), "UNKNOWN");
    assert_string_equal(hubtest_str(o.data, "meaning"),
                        "HubMessage has no status endpoint we know of; send a test message");
    hubtest_out_clear(&o);
    o = call(&(hub_req){.op = HUB_OP_STATUS, .channel_id = "a b"});
    hubtest_assert_refused(&o, "channel_id");
    hubtest_out_clear(&o);
    o = call(&(hub_req){.op = HUB_OP_STATUS});
    hubtest_assert_refused(&o, "channel_id");
    hubtest_out_clear(&o);
}

static void test_wrong_key(void **state)
{
    hubtest_out o =
        call_as("hm_sk_wrong_key", &(hub_req){.op = HUB_OP_CHANNEL_CREATE, .name = "x"});
    assert_int_equal(o.status, HD_ERR_AUTH);
    assert_int_equal(o.code, 401);
    assert_non_null(strstr(o.message, "UNAUTHORIZED"));
    assert_null(o.data);
    hubtest_out_clear(&o);
    /* Past the check (only CHECK looks at it locally), the hub says where public keys go. */
    o = call_as(PUBLIC_KEY, &(hub_req){.op = HUB_OP_STATUS, .channel_id = NO_CHANNEL});
    assert_int_equal(o.status, HD_ERR_AUTH);
    assert_int_equal(o.code, 401);
    assert_non_null(strstr(o.message, "public keys are for the browser SDK"));
    hubtest_out_clear(&o);
}

/* 5xx: a GET is tried again, a POST is reported at once (a resend could make a second
 * channel or send the customer two messages). */
static void test_server_errors(void **state)
{
    char id[37];
    create("Flaky", id);
    size_t posts = hub_requests("POST");
    hubtest_fail_next(&sb, "hubmessage", 1);
    hubtest_out o = call(&(hub_req){.op = HUB_OP_CHANNEL_CREATE, .name = "never twice"});
    hubtest_assert_server_error(&o, 0, "SERVER_ERROR");
    assert_int_equal(hub_requests("POST"), posts + 1);
    hubtest_fail_next(&sb, "hubmessage", 1);
    o = connect_with(id, &good_signup);
    assert_int_equal(o.status, HD_ERR_SERVER);
    assert_int_equal(o.waits, 0);
    hubtest_out_clear(&o);
    o = connect_with(id, &good_signup); /* nothing happened: it connects now */
    assert_int_equal(o.status, HD_OK);
    hubtest_out_clear(&o);
    hubtest_fail_next(&sb, "hubmessage", 1);
    o = send_test(id, IN_WINDOW, "once");
    assert_int_equal(o.status, HD_ERR_SERVER);
    assert_int_equal(o.waits, 0);
    hubtest_out_clear(&o);
    assert_int_equal(hub_requests("POST"), posts + 4);
    /* The status is read again after each 500, and again gives up after the retries. */
    size_t gets = hub_requests("GET");
    hubtest_fail_next(&sb, "hubmessage", 2);
    o = call(&(hub_req){.op = HUB_OP_STATUS, .channel_id = id});
    assert_int_equal(o.status, HD_OK);
    assert_int_equal(o.waits, 2);
    assert_string_equal(hubtest_str(o.data, "text"), "CONNECTED");
    hubtest_out_clear(&o);
    assert_int_equal(hub_requests("GET"), gets + 3);
    hubtest_fail_next(&sb, "hubmessage", 10);
    o = call(&(hub_req){.op = HUB_OP_STATUS, .channel_id = id});
    assert_int_equal(o.status, HD_ERR_SERVER);
    assert_int_equal(o.waits, 3);
    hubtest_out_clear(&o);
    hubtest_fail_next(&sb, "hubmessage", 0);
    /* No hub at all: a POST is not sent twice either. */
    o = call_at(DEAD_BASE, KEY, &(hub_req){.op = HUB_OP_CHANNEL_CREATE, .name = "x"});
    assert_int_equal(o.status, HD_ERR_NETWORK);
    assert_int_equal(o.waits, 0);
    hubtest_out_clear(&o);
    o = call_at("http://example.com/hubmessage", KEY, &(hub_req){.op = HUB_OP_STATUS, .channel_id = id});
    assert_int_equal(o.status, HD_ERR_INSECURE_URL);
    hubtest_out_clear(&o);
}

static void test_cancel(void **state)
{
    /* In flight, a local answer, a refusal: none may report after its cancel. */
    const hub_req reqs[] = {{.op = HUB_OP_CHANNEL_CREATE, .name = "cancelled"},
                            {.op = HUB_OP_CHECK},
                            {.op = HUB_OP_CHANNEL_CREATE}};
    hubtest_cancel_each(&provider_hubmessage, &(provider_ctx){.base_url = base, .token = KEY},
                        reqs, 3);
}

int main(void)
{
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
