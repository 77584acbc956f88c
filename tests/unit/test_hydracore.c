/* test_hydracore.c: the HydraCore driver against the sandbox hub: check, channels, setup with
 * the Meta app's credentials (verify token made by the hub or sent), status, teardown, every
 * check made before sending, the hub's 422 per field, the X-Api-Key, 401s and 5xx, and what
 * must never leak (token, API key, access token, app secret). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/hubtest.h"
#include "../lib/rawhub.h"
#include "../lib/sandbox_proc.h"
#include "hydracore_decode.h"
#include "provider.h"
#include "secret.h"

#define TOKEN "hc_sandbox"
#define API_KEY "hc_key_sandbox_7f3a"
#define ACCESS "EAAGsandboxAccessToken0123456789"
#define APP_SECRET "0123456789abcdef0123456789abcdef"
#define PNID "123456789012345"
#define DISPLAY "+61400111222"
#define NIL_INSTANCE "00000000-0000-0000-0000-000000000000"

static sandbox_proc sb;
static char base[128];

/* Every secret a test hands the driver: none may come back in a message, data or fields. */
static const char *const secrets[] = {
    TOKEN, API_KEY, ACCESS, APP_SECRET, "hc_wrong_token", "EAAshort1", "nothex-but-safe",
    "wrong_api_key_1", NULL};

/* ---- calls ------------------------------------------------------------------------------ */

/* One call through the driver, run to its end; HydraCore hands out no secret. */
static hubtest_out call_ctx(const provider_ctx *given, const hub_req *req)
{
    hubtest_out out = hubtest_call(&provider_hydracore, given, req);
    assert_false(out.has_secret);
    return out;
}

static hubtest_out call(const hub_req *req)
{
    return call_ctx(&(provider_ctx){.base_url = base, .token = TOKEN}, req);
}

static int matches(const char *re, const char *s)
{
    regex_t rx;
    assert_int_equal(regcomp(&rx, re, REG_EXTENDED | REG_NOSUB), 0);
    int ok = regexec(&rx, s, 0, NULL, 0) == 0;
    regfree(&rx);
    return ok;
}

/* ---- the sandbox's side ----------------------------------------------------------------- */

/* HydraCore API requests one sandbox got so far; method NULL = any. */
static size_t hub_requests_on(const sandbox_proc *p, const char *method)
{
    return hubtest_requests(p, "hydracore", method);
}

static size_t hub_requests(const char *method)
{
    return hub_requests_on(&sb, method);
}

/* The last HydraCore request's X-Api-Key as the log shows it (masked), or NULL. */
static char *last_api_key(const sandbox_proc *p)
{
    json_t *log = sandbox_json(p, "GET", "/_sandbox/test/log"), *e, *last = NULL;
    size_t i;
    json_array_foreach(log, i, e)
        if (json_object_get(e, "hub"))
            last = e;
    const char *k = json_string_value(json_object_get(last, "api_key"));
    char *out = k ? strdup(k) : NULL;
    json_decref(log);
    return out;
}

static json_t *hub_instance(const char *id)
{
    char path[120];
    snprintf(path, sizeof path, "/_sandbox/hydracore/%s", id);
    return sandbox_json(&sb, "GET", path);
}

/* A fresh instance id per call: any UUID is an instance in the sandbox. */
static const char *new_instance(void)
{
    static char id[37];
    static unsigned n;
    snprintf(id, sizeof id, "497f6eca-6276-4993-bfeb-%012x", ++n);
    return id;
}

static const hub_connect creds = {.access_token = ACCESS,
                                  .app_secret = APP_SECRET,
                                  .phone_number_id = PNID,
                                  .display_phone = DISPLAY};

static hubtest_out setup_with(const char *inst, const hub_connect *hc)
{
    return call(&(hub_req){.op = HUB_OP_CONNECT, .project_id = inst, .connect = hc});
}

static hubtest_out op_on(hub_op op, const char *inst)
{
    return call(&(hub_req){.op = op, .project_id = inst});
}

/* The channel fields every answer about it carries (provider.h's HydraCore channel). */
static void assert_channel(const json_t *c, const char *inst, const char *status)
{
    char want[200];
    assert_string_equal(hubtest_str(c, "id"), "whatsapp");
    assert_string_equal(hubtest_str(c, "type"), "whatsapp");
    assert_true(strlen(hubtest_str(c, "name")) > 0);
    assert_string_equal(hubtest_str(c, "phone"), DISPLAY);
    assert_string_equal(hubtest_str(c, "display_phone"), DISPLAY);
    assert_string_equal(hubtest_str(c, "phone_number_id"), PNID);
    assert_true(json_is_true(json_object_get(c, "enabled")));
    assert_true(json_is_true(json_object_get(c, "active")));
    assert_string_equal(hubtest_str(c, "status"), status);
    snprintf(want, sizeof want, "%s/hydracore/webhooks/whatsapp/%s", sb.base_url, inst);
    assert_string_equal(hubtest_str(c, "webhook_url"), want);
}

/* Plays Meta's GET challenge on the webhook URL; the HTTP status. */
static long meta_challenge(const char *webhook_url, const char *verify_token)
{
    char url[400];
    sandbox_reply r;
    snprintf(url, sizeof url, "%s?hub.mode=subscribe&hub.verify_token=%s&hub.challenge=C4ll3nge",
             webhook_url, verify_token);
    long st = sandbox_http("GET", url, NULL, NULL, 0, &r);
    if (st == 200)
        assert_string_equal(r.body, "C4ll3nge");
    sandbox_reply_free(&r);
    return st;
}

/* ---- the tests -------------------------------------------------------------------------- */

static void test_ops_table(void **state)
{
    assert_ptr_equal(provider_find("hydracore"), &provider_hydracore);
    assert_string_equal(provider_hydracore.label, "HydraCore");
    assert_string_equal(provider_hydracore.project_word, "instance");
    assert_null(provider_hydracore.default_base_url);
    assert_int_equal(provider_hydracore.caps,
                     PROVIDER_CAP_CREDENTIALS | PROVIDER_CAP_LOCAL_PROJECTS |
                         PROVIDER_CAP_STATUS | PROVIDER_CAP_CHANNEL_DELETE);
    assert_non_null(provider_hydracore.call);
    assert_non_null(provider_hydracore.call_cancel);
    assert_null(provider_hydracore.pair_start);
}

static void test_check(void **state)
{
    size_t before = hub_requests(NULL);
    hubtest_out o = call(&(hub_req){.op = HUB_OP_CHECK}); /* nothing to ask without an instance */
    assert_int_equal(o.status, HD_OK);
    assert_int_equal(o.code, 0);
    assert_true(json_is_object(o.data) && json_object_size(o.data) == 0);
    hubtest_out_clear(&o);
    assert_int_equal(hub_requests(NULL), before);
    /* With an instance the token is tried; a channel not set up (404) is fine. */
    static const char *const fine[] = {"497f6eca-6276-4993-bfeb-53cbbbba6f08", NIL_INSTANCE};
    for (size_t i = 0; i < 2; i++) {
        o = op_on(HUB_OP_CHECK, fine[i]);
        assert_int_equal(o.status, HD_OK);
        assert_int_equal(o.code, 404);
        assert_int_equal(json_object_size(o.data), 0);
        hubtest_out_clear(&o);
    }
    assert_int_equal(hub_requests("GET"), before + 2);
    o = call_ctx(&(provider_ctx){.base_url = base, .token = "hc_wrong_token"},
                 &(hub_req){.op = HUB_OP_CHECK, .project_id = fine[0]});
    assert_int_equal(o.status, HD_ERR_AUTH);
    assert_int_equal(o.code, 401);
    assert_non_null(strstr(o.message, "Not authenticated"));
    hubtest_out_clear(&o);
    o = op_on(HUB_OP_CHECK, "not-a-uuid");
    hubtest_assert_refused(&o, "instance");
    hubtest_out_clear(&o);
}

/* What HydraCore has no call for is refused before anything is sent. */
static void test_unsupported_ops(void **state)
{
    static const hub_op ops[] = {HUB_OP_PROJECTS,    HUB_OP_CHANNEL_CREATE, HUB_OP_CHANNEL_MODE,
                                 HUB_OP_WEBHOOK_SET, HUB_OP_SEND_TEST,      HUB_OP_COUNT};
    size_t before = hub_requests(NULL);
    hubtest_assert_unsupported(call,
                               (hub_req){.project_id = new_instance(), .name = "n",
                                         .to = "5511987654320", .text = "hi"},
                               ops, sizeof ops / sizeof *ops);
    assert_int_equal(hub_requests(NULL), before);
}

/* The profile itself: no address (HydraCore has no default), no token, unusable secrets. */
static void test_profile_refusals(void **state)
{
    size_t before = hub_requests(NULL);
    const char *inst = new_instance();
    hub_req req = {.op = HUB_OP_CHECK};
    hubtest_out o = call_ctx(&(provider_ctx){.token = TOKEN}, &req);
    hubtest_assert_refused(&o, NULL);
    assert_non_null(strstr(o.message, "base URL"));
    hubtest_out_clear(&o);
    o = call_ctx(&(provider_ctx){.base_url = "", .token = TOKEN}, &req);
    hubtest_assert_refused(&o, NULL);
    hubtest_out_clear(&o);
    o = call_ctx(&(provider_ctx){.base_url = "http://example.com/hydracore", .token = TOKEN}, &req);
    assert_int_equal(o.status, HD_ERR_INSECURE_URL);
    hubtest_out_clear(&o);
    o = call_ctx(&(provider_ctx){.base_url = base}, &req);
    hubtest_assert_refused(&o, "token");
    hubtest_out_clear(&o);
    o = call_ctx(&(provider_ctx){.base_url = base, .token = "hc a\r\nX: y"}, &req);
    hubtest_assert_refused(&o, "token");
    hubtest_out_clear(&o);
    o = call_ctx(&(provider_ctx){.base_url = base, .token = TOKEN, .api_key = "k\r\nX-Injected: 1"},
                 &(hub_req){.op = HUB_OP_CHANNELS, .project_id = inst});
    hubtest_assert_refused(&o, "api_key");
    assert_null(strstr(o.message, "Injected"));
    hubtest_out_clear(&o);
    assert_int_equal(hub_requests(NULL), before);
}

static void test_channels_before_and_after_setup(void **state)
{
    const char *inst = new_instance();
    hubtest_out o = op_on(HUB_OP_CHANNELS, inst);
    assert_int_equal(o.status, HD_OK);
    assert_int_equal(o.code, 404);
    assert_true(json_is_array(o.data));
    assert_int_equal(json_array_size(o.data), 0);
    hubtest_out_clear(&o);
    o = setup_with(inst, &creds);
    assert_int_equal(o.status, HD_OK);
    hubtest_out_clear(&o);
    o = op_on(HUB_OP_CHANNELS, inst);
    assert_int_equal(o.status, HD_OK);
    assert_int_equal(o.code, 200);
    assert_int_equal(json_array_size(o.data), 1);
    json_t *c = json_array_get(o.data, 0);
    assert_channel(c, inst, "pending_verification");
    assert_int_equal(json_object_size(c), 10);
    hubtest_out_clear(&o);
    /* An instance that does not exist is not "no channel". */
    o = op_on(HUB_OP_CHANNELS, NIL_INSTANCE);
    assert_int_equal(o.status, HD_ERR_NOT_FOUND);
    assert_int_equal(o.code, 404);
    assert_non_null(strstr(o.message, "Instance not found"));
    hubtest_out_clear(&o);
    o = op_on(HUB_OP_CHANNELS, NULL);
    hubtest_assert_refused(&o, "instance");
    hubtest_out_clear(&o);
}

/* No verify token sent: the hub makes one and hands it back; Meta's challenge takes it. */
static void test_setup_hub_verify_token(void **state)
{
    const char *inst = new_instance();
    hubtest_out o = setup_with(inst, &creds);
    assert_int_equal(o.status, HD_OK);
    assert_int_equal(o.code, 200);
    assert_channel(o.data, inst, "pending_verification");
    const char *vt = hubtest_str(o.data, "verify_token");
    assert_true(matches("^hc_vt_[0-9a-f]{24}$", vt));
    assert_string_equal(hubtest_str(o.data, "verify_token_source"), "hub");
    assert_int_equal(json_object_size(o.data), 12);
    json_t *hub = hub_instance(inst); /* what went: no verify_token, secrets as given */
    json_t *sent = json_object_get(hub, "last_setup");
    assert_null(json_object_get(sent, "verify_token"));
    assert_string_equal(hubtest_str(sent, "display_phone"), DISPLAY);
    assert_string_equal(hubtest_str(sent, "phone_number_id"), PNID);
    assert_string_equal(hubtest_str(hub, "verify_token_source"), "generated");
    json_decref(hub);
    assert_int_equal(meta_challenge(hubtest_str(o.data, "webhook_url"), "wrong"), 403);
    assert_int_equal(meta_challenge(hubtest_str(o.data, "webhook_url"), vt), 200);
    hubtest_out_clear(&o);
    o = op_on(HUB_OP_STATUS, inst);
    assert_string_equal(hubtest_str(o.data, "text"), "connected");
    hubtest_out_clear(&o);
    /* display_phone is optional: it is left out of the body, "" in the answer. */
    inst = new_instance();
    hub_connect bare = {.access_token = ACCESS, .app_secret = APP_SECRET, .phone_number_id = PNID};
    o = setup_with(inst, &bare);
    assert_int_equal(o.status, HD_OK);
    assert_string_equal(hubtest_str(o.data, "display_phone"), "");
    hubtest_out_clear(&o);
    hub = hub_instance(inst);
    assert_null(json_object_get(json_object_get(hub, "last_setup"), "display_phone"));
    json_decref(hub);
}

/* A verify token sent is the one to give Meta; setting up again replaces the channel. */
static void test_setup_sent_verify_token(void **state)
{
    const char *inst = new_instance();
    hub_connect hc = creds;
    hc.verify_token = "my-verify-token_42";
    hubtest_out o = setup_with(inst, &hc);
    assert_int_equal(o.status, HD_OK);
    assert_string_equal(hubtest_str(o.data, "verify_token"), "my-verify-token_42");
    assert_string_equal(hubtest_str(o.data, "verify_token_source"), "sent");
    assert_int_equal(meta_challenge(hubtest_str(o.data, "webhook_url"), "my-verify-token_42"), 200);
    hubtest_out_clear(&o);
    hc.verify_token = "another-token";
    hc.display_phone = "+5511987654321";
    o = setup_with(inst, &hc);
    assert_int_equal(o.status, HD_OK);
    assert_string_equal(hubtest_str(o.data, "verify_token"), "another-token");
    assert_string_equal(hubtest_str(o.data, "display_phone"), "+5511987654321");
    assert_string_equal(hubtest_str(o.data, "status"), "pending_verification");
    hubtest_out_clear(&o);
    json_t *hub = hub_instance(inst);
    assert_int_equal(json_integer_value(json_object_get(hub, "setups")), 2);
    json_decref(hub);
    /* An empty verify token is none: the hub makes one. */
    hc.verify_token = "";
    o = setup_with(inst, &hc);
    assert_string_equal(hubtest_str(o.data, "verify_token_source"), "hub");
    hubtest_out_clear(&o);
}

static void test_setup_refused_before_sending(void **state)
{
    const char *inst = new_instance();
    char long_vt[HC_VERIFY_MAX + 2];
    memset(long_vt, 'v', sizeof long_vt - 1);
    long_vt[sizeof long_vt - 1] = '\0';
    struct {
        hub_connect hc;
        const char *field;
    } one[] = {
        {{.app_secret = APP_SECRET, .phone_number_id = PNID}, "access_token"},
        {{.access_token = "", .app_secret = APP_SECRET, .phone_number_id = PNID}, "access_token"},
        {{.access_token = "EAAG with space", .app_secret = APP_SECRET, .phone_number_id = PNID},
         "access_token"},
        {{.access_token = ACCESS, .phone_number_id = PNID}, "app_secret"},
        {{.access_token = ACCESS, .app_secret = "app\tsecret", .phone_number_id = PNID},
         "app_secret"},
        {{.access_token = ACCESS, .app_secret = APP_SECRET}, "phone_number_id"},
        {{.access_token = ACCESS, .app_secret = APP_SECRET, .phone_number_id = "12a45"},
         "phone_number_id"},
        {{.access_token = ACCESS, .app_secret = APP_SECRET, .phone_number_id = PNID,
          .display_phone = "61400111222"}, "display_phone"},
        {{.access_token = ACCESS, .app_secret = APP_SECRET, .phone_number_id = PNID,
          .display_phone = "+61 400 111 222"}, "display_phone"},
        {{.access_token = ACCESS, .app_secret = APP_SECRET, .phone_number_id = PNID,
          .verify_token = "has space"}, "verify_token"},
        {{.access_token = ACCESS, .app_secret = APP_SECRET, .phone_number_id = PNID,
          .verify_token = NULL}, "verify_token"}, /* long_vt, set below */
    };
    one[10].hc.verify_token = long_vt;
    size_t before = hub_requests(NULL);
    for (size_t i = 0; i < sizeof one / sizeof *one; i++) {
        hubtest_out o = setup_with(inst, &one[i].hc);
        hubtest_assert_refused(&o, one[i].field);
        hubtest_out_clear(&o);
    }
    /* Every bad field at once, each under the body's name. */
    hub_connect bad = {.phone_number_id = "x", .display_phone = "0", .verify_token = "a b"};
    hubtest_out o = setup_with("497f6eca-6276-4993-bfeb", &bad);
    hubtest_assert_refused(&o, NULL);
    hubtest_assert_fields(&o, (const char *const[]){"instance", "access_token", "app_secret",
                                            "phone_number_id", "display_phone", "verify_token"},
                  6);
    hubtest_out_clear(&o);
    o = setup_with(inst, NULL);
    hubtest_assert_refused(&o, NULL);
    hubtest_out_clear(&o);
    o = setup_with(NULL, &creds);
    hubtest_assert_refused(&o, "instance");
    hubtest_out_clear(&o);
    assert_int_equal(hub_requests(NULL), before);
}

/* Fields only the hub can judge: its 422 names each, under the body's field names. */
static void test_setup_hub_422(void **state)
{
    const char *inst = new_instance();
    hub_connect hc = creds;
    hc.access_token = "EAAshort1";
    hc.app_secret = "nothex-but-safe";
    hubtest_out o = setup_with(inst, &hc);
    assert_int_equal(o.status, HD_ERR_REJECTED);
    assert_int_equal(o.code, 422);
    assert_null(o.data);
    hubtest_assert_fields(&o, (const char *const[]){"access_token", "app_secret"}, 2);
    assert_string_equal(hubtest_str(o.fields, "access_token"), "access_token looks truncated");
    assert_string_equal(hubtest_str(o.fields, "app_secret"),
                        "app_secret must be 32 hex characters");
    assert_true(!strncmp(o.message, "the hub refused 2 fields: ", 26));
    assert_non_null(strstr(o.message, "looks truncated"));
    hubtest_out_clear(&o);
    hc = creds;
    hc.app_secret = "nothex-but-safe";
    o = setup_with(inst, &hc);
    assert_true(!strncmp(o.message, "the hub refused 1 field: ", 25));
    hubtest_assert_fields(&o, (const char *const[]){"app_secret"}, 1);
    hubtest_out_clear(&o);
    o = op_on(HUB_OP_CHANNELS, inst); /* nothing was set up */
    assert_int_equal(json_array_size(o.data), 0);
    hubtest_out_clear(&o);
}

/* A 422 whose messages hold a \u0000 or a bad byte: each field keeps its words (the whole
 * body was refused by the JSON parser, and no field was named). */
static void test_hub_422_with_bad_bytes_keeps_fields(void **state)
{
    rawhub *hub = rawhub_start();
    assert_non_null(hub);
    rawhub_reply(hub, 422, NULL,
                 "{\"detail\":[{\"type\":\"value_error\",\"loc\":[\"body\",\"app_secret\"],"
                 "\"msg\":\"must be\\u0000 hex \xff here\"}]}");
    hubtest_out o = call_ctx(&(provider_ctx){.base_url = rawhub_url(hub), .token = TOKEN},
                             &(hub_req){.op = HUB_OP_CONNECT,
                                        .project_id = "497f6eca-6276-4993-bfeb-53cbbbba6f08",
                                        .connect = &creds});
    assert_int_equal(o.code, 422);
    hubtest_assert_fields(&o, (const char *const[]){"app_secret"}, 1);
    assert_string_equal(hubtest_str(o.fields, "app_secret"), "must be? hex ? here");
    hubtest_out_clear(&o);
    rawhub_stop(hub);
}

static void test_status_and_teardown(void **state)
{
    const char *inst = new_instance();
    hubtest_out o = setup_with(inst, &creds);
    hubtest_out_clear(&o);
    o = op_on(HUB_OP_STATUS, inst);
    assert_int_equal(o.status, HD_OK);
    assert_channel(o.data, inst, "pending_verification");
    assert_int_equal(json_integer_value(json_object_get(o.data, "code")), 0);
    assert_string_equal(hubtest_str(o.data, "text"), "pending_verification");
    assert_string_equal(hubtest_str(o.data, "meaning"),
                        hydracore_status_meaning("pending_verification"));
    assert_non_null(strstr(hubtest_str(o.data, "meaning"), "verify token"));
    hubtest_out_clear(&o);
    char path[120];
    snprintf(path, sizeof path, "/_sandbox/hydracore/%s/verify", inst);
    json_decref(sandbox_json(&sb, "POST", path));
    o = op_on(HUB_OP_STATUS, inst);
    assert_channel(o.data, inst, "connected");
    assert_non_null(strstr(hubtest_str(o.data, "meaning"), "verified"));
    hubtest_out_clear(&o);
    o = op_on(HUB_OP_CHANNEL_DELETE, inst);
    assert_int_equal(o.status, HD_OK);
    assert_int_equal(o.code, 204);
    assert_true(json_is_object(o.data) && json_object_size(o.data) == 0);
    hubtest_out_clear(&o);
    o = op_on(HUB_OP_CHANNELS, inst);
    assert_int_equal(json_array_size(o.data), 0);
    hubtest_out_clear(&o);
    o = op_on(HUB_OP_STATUS, inst);
    assert_int_equal(o.status, HD_ERR_NOT_FOUND);
    assert_non_null(strstr(o.message, "WhatsApp channel not configured"));
    hubtest_out_clear(&o);
    o = op_on(HUB_OP_CHANNEL_DELETE, inst);
    assert_int_equal(o.status, HD_ERR_NOT_FOUND);
    assert_int_equal(o.code, 404);
    assert_non_null(strstr(o.message, "WhatsApp channel not configured"));
    hubtest_out_clear(&o);
    o = op_on(HUB_OP_CHANNEL_DELETE, "x");
    hubtest_assert_refused(&o, "instance");
    hubtest_out_clear(&o);
    o = op_on(HUB_OP_STATUS, NIL_INSTANCE);
    assert_int_equal(o.status, HD_ERR_NOT_FOUND);
    assert_non_null(strstr(o.message, "Instance not found"));
    hubtest_out_clear(&o);
}

/* A deployment that wants an X-Api-Key: refused without (with what to do), taken with. */
static void test_api_key(void **state)
{
    sandbox_proc keyed;
    const char *const args[] = {"--hydracore-api-key", API_KEY, NULL};
    assert_int_equal(sandbox_start(args, &keyed), 0);
    char at[128];
    snprintf(at, sizeof at, "%s/hydracore", keyed.base_url);
    const char *inst = new_instance();
    hub_req req = {.op = HUB_OP_CHANNELS, .project_id = inst};
    hubtest_out o = call_ctx(&(provider_ctx){.base_url = at, .token = TOKEN}, &req);
    assert_int_equal(o.status, HD_ERR_AUTH);
    assert_int_equal(o.code, 401);
    assert_non_null(strstr(o.message, "Invalid API key"));
    assert_non_null(strstr(o.message, "add it to the profile"));
    hubtest_out_clear(&o);
    char *seen = last_api_key(&keyed);
    assert_null(seen);
    o = call_ctx(&(provider_ctx){.base_url = at, .token = TOKEN, .api_key = "wrong_api_key_1"},
                 &req);
    assert_int_equal(o.status, HD_ERR_AUTH);
    assert_non_null(strstr(o.message, "Invalid API key"));
    assert_null(strstr(o.message, "add it")); /* one was sent: it is the wrong one */
    hubtest_out_clear(&o);
    o = call_ctx(&(provider_ctx){.base_url = at, .token = TOKEN, .api_key = API_KEY}, &req);
    assert_int_equal(o.status, HD_OK);
    assert_int_equal(json_array_size(o.data), 0);
    hubtest_out_clear(&o);
    seen = last_api_key(&keyed);
    assert_non_null(seen); /* sent (the log masks it) */
    assert_null(strstr(seen, API_KEY));
    free(seen);
    o = call_ctx(&(provider_ctx){.base_url = at, .token = TOKEN, .api_key = API_KEY},
                 &(hub_req){.op = HUB_OP_CONNECT, .project_id = inst, .connect = &creds});
    assert_int_equal(o.status, HD_OK);
    hubtest_out_clear(&o);
    /* The Bearer is checked first; an empty key is no key. */
    o = call_ctx(&(provider_ctx){.base_url = at, .token = "hc_wrong_token", .api_key = API_KEY},
                 &req);
    assert_non_null(strstr(o.message, "Not authenticated"));
    hubtest_out_clear(&o);
    o = call_ctx(&(provider_ctx){.base_url = at, .token = TOKEN, .api_key = ""}, &req);
    assert_int_equal(o.status, HD_ERR_AUTH);
    hubtest_out_clear(&o);
    assert_int_equal(hub_requests_on(&keyed, NULL), 6);
    assert_int_equal(sandbox_stop(&keyed), 0);
    /* A deployment that wants none takes a key all the same. */
    o = call_ctx(&(provider_ctx){.base_url = base, .token = TOKEN, .api_key = API_KEY}, &req);
    assert_int_equal(o.status, HD_OK);
    hubtest_out_clear(&o);
}

/* 5xx: reads are tried again; setup and teardown are reported at once, never sent twice. */
static void test_server_errors(void **state)
{
    const char *inst = new_instance();
    hubtest_out o = setup_with(inst, &creds);
    hubtest_out_clear(&o);
    size_t gets = hub_requests("GET");
    hubtest_fail_next(&sb, "hydracore", 2);
    o = op_on(HUB_OP_STATUS, inst);
    assert_int_equal(o.status, HD_OK);
    assert_int_equal(o.waits, 2);
    hubtest_out_clear(&o);
    assert_int_equal(hub_requests("GET"), gets + 3);
    hubtest_fail_next(&sb, "hydracore", 10);
    o = op_on(HUB_OP_CHANNELS, inst);
    hubtest_assert_server_error(&o, 3, "Internal Server Error");
    hubtest_fail_next(&sb, "hydracore", 0);
    size_t posts = hub_requests("POST");
    hubtest_fail_next(&sb, "hydracore", 1);
    o = setup_with(inst, &creds);
    hubtest_assert_server_error(&o, 0, "Internal Server Error");
    assert_int_equal(hub_requests("POST"), posts + 1);
    json_t *hub = hub_instance(inst);
    assert_int_equal(json_integer_value(json_object_get(hub, "setups")), 1);
    json_decref(hub);
    size_t deletes = hub_requests("DELETE");
    hubtest_fail_next(&sb, "hydracore", 1);
    o = op_on(HUB_OP_CHANNEL_DELETE, inst);
    assert_int_equal(o.status, HD_ERR_SERVER);
    assert_int_equal(o.waits, 0);
    hubtest_out_clear(&o);
    assert_int_equal(hub_requests("DELETE"), deletes + 1);
    o = op_on(HUB_OP_CHANNEL_DELETE, inst); /* still there: now it goes */
    assert_int_equal(o.status, HD_OK);
    hubtest_out_clear(&o);
}

static void test_cancel(void **state)
{
    /* In flight, a local answer, a refusal: none may report after its cancel. */
    const hub_req reqs[] = {
        {.op = HUB_OP_CONNECT, .project_id = new_instance(), .connect = &creds},
        {.op = HUB_OP_CHECK},
        {.op = HUB_OP_STATUS, .project_id = "bad"}};
    hubtest_cancel_each(&provider_hydracore, &(provider_ctx){.base_url = base, .token = TOKEN},
                        reqs, 3);
}

static int setup(void **state)
{
    return hubtest_sandbox_start(&sb, secrets, "hydracore", base, sizeof base);
}

static int teardown(void **state)
{
    return sandbox_stop(&sb) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ops_table),
        cmocka_unit_test(test_check),
        cmocka_unit_test(test_profile_refusals),
        cmocka_unit_test(test_channels_before_and_after_setup),
        cmocka_unit_test(test_setup_hub_verify_token),
        cmocka_unit_test(test_setup_sent_verify_token),
        cmocka_unit_test(test_setup_refused_before_sending),
        cmocka_unit_test(test_setup_hub_422),
        cmocka_unit_test(test_hub_422_with_bad_bytes_keeps_fields),
        cmocka_unit_test(test_status_and_teardown),
        cmocka_unit_test(test_api_key),
        cmocka_unit_test(test_server_errors),
        cmocka_unit_test(test_unsupported_ops),
        cmocka_unit_test(test_cancel),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
