/* test_sandbox_hubs.c: hubdesk-sandbox's Keebai signup/channels/webhooks/rate limit and its
 * Whapi manager and gate, over real HTTP, good and bad input. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <jansson.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../lib/sandbox_proc.h"

#define KTOKEN "hubdesk-sandbox-token"
#define PTOKEN "hubdesk-sandbox-partner"
#define CONNECT "/keebai/v1/channels/whatsapp/connect"

/* Signup on; a fast Whapi timeline and QR rotation, so every phase is seen in a second. */
static sandbox_proc g_sb;

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* ---- helpers --------------------------------------------------------------------------- */

/* One request with an optional bearer token and JSON body; returns the status. */
static long req(const sandbox_proc *sb, const char *method, const char *path, const char *token,
                const char *body, sandbox_reply *r)
{
    char url[1024], auth[256];
    snprintf(url, sizeof url, "%s%s", sb->base_url, path);
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", token ? token : "");
    const char *const h[] = {token ? auth : "X-No-Auth: 1", "Content-Type: application/json", NULL};
    return sandbox_http(method, url, h, body, body ? strlen(body) : 0, r);
}

/* req() that asserts the status and returns the decoded body (the reply is freed). */
static json_t *req_json(const sandbox_proc *sb, const char *method, const char *path,
                        const char *token, const char *body, long want)
{
    sandbox_reply r;
    long got = req(sb, method, path, token, body, &r);
    if (got != want)
        fprintf(stderr, "%s %s: HTTP %ld, wanted %ld: %.*s\n", method, path, got, want,
                (int)r.body_len, r.body);
    assert_int_equal(got, want);
    json_t *j = json_loadb(r.body, r.body_len, 0, NULL);
    sandbox_reply_free(&r);
    assert_non_null(j);
    return j;
}

/* Asserts a Keebai envelope {"error":{"code":CODE,...}}; returns its details. */
static json_t *keebai_err(const char *method, const char *path, const char *token, const char *body,
                          long status, const char *code)
{
    json_t *j = req_json(&g_sb, method, path, token, body, status);
    json_t *e = json_object_get(j, "error");
    assert_string_equal(json_string_value(json_object_get(e, "code")), code);
    json_t *d = json_incref(json_object_get(e, "details"));
    assert_true(json_is_object(d));
    json_decref(j);
    return d;
}

/* Asserts a Whapi envelope {"error":{"code":N,"message","details"}} with N == status. */
static void whapi_err(const sandbox_proc *sb, const char *method, const char *path,
                      const char *token, const char *body, long status)
{
    json_t *j = req_json(sb, method, path, token, body, status);
    json_t *e = json_object_get(j, "error");
    assert_int_equal(json_integer_value(json_object_get(e, "code")), status);
    assert_true(json_is_string(json_object_get(e, "message")));
    assert_true(json_is_string(json_object_get(e, "details")));
    json_decref(j);
}

static const char *jstr(json_t *j, const char *key)
{
    const char *s = json_string_value(json_object_get(j, key));
    assert_non_null(s);
    return s;
}

static json_t *control(const sandbox_proc *sb, const char *method, const char *path, long want)
{
    return req_json(sb, method, path, NULL, NULL, want);
}

static bool has_key(json_t *j, const char *key)
{
    return json_object_get(j, key) != NULL;
}

/* ---- Keebai ----------------------------------------------------------------------------- */

static void test_me(void **state)
{
    json_t *j = req_json(&g_sb, "GET", "/keebai/v1/me", KTOKEN, NULL, 200);
    assert_true(!strncmp(jstr(j, "id"), "usr_", 4));
    json_t *co = json_object_get(j, "company");
    assert_true(!strncmp(jstr(co, "id"), "co_", 3));
    assert_string_equal(jstr(co, "name"), "Sandbox Co");
    assert_true(json_array_size(json_object_get(j, "scopes")) > 0);
    json_decref(j);
    json_decref(keebai_err("GET", "/keebai/v1/me", "wrong", NULL, 401, "UNAUTHORIZED"));
    json_decref(keebai_err("GET", "/keebai/v1/me", PTOKEN, NULL, 401, "UNAUTHORIZED"));
    json_decref(keebai_err("POST", "/keebai/v1/me", KTOKEN, "{}", 405, "METHOD_NOT_ALLOWED"));
}

/* Starts an embedded-signup session; returns its id (static buffer). */
static const char *start_signup(const char *body)
{
    static char id[64];
    json_t *j = req_json(&g_sb, "POST", CONNECT, KTOKEN, body, 201);
    snprintf(id, sizeof id, "%s", jstr(j, "session_id"));
    assert_true(!strncmp(id, "cs_", 3));
    char want[256];
    snprintf(want, sizeof want, "%s/keebai-portal/connect/whatsapp?session=%s", g_sb.base_url, id);
    assert_string_equal(jstr(j, "verification_uri"), want);
    assert_int_equal(json_integer_value(json_object_get(j, "expires_in")), 900);
    assert_int_equal(json_integer_value(json_object_get(j, "poll_interval")), 5);
    json_decref(j);
    return id;
}

static void expect_poll(const char *id, const char *status)
{
    char path[256];
    snprintf(path, sizeof path, CONNECT "/%s", id);
    json_t *j = req_json(&g_sb, "GET", path, KTOKEN, NULL, 200);
    assert_string_equal(jstr(j, "status"), status);
    assert_int_equal(has_key(j, "channel"), !strcmp(status, "completed"));
    json_decref(j);
}

static void test_signup_complete(void **state)
{
    char id[64];
    snprintf(id, sizeof id, "%s",
             start_signup("{\"mode\":\"embedded_signup\",\"pipeline_id\":\"pip_1\","
                          "\"coexistence_enabled\":true}"));
    expect_poll(id, "pending");
    json_t *c = control(&g_sb, "GET", "/_sandbox/signup/latest", 200);
    assert_string_equal(jstr(c, "session_id"), id);
    assert_string_equal(jstr(c, "pipeline_id"), "pip_1");
    assert_true(json_is_true(json_object_get(c, "coexistence_enabled")));
    json_decref(c);
    json_decref(control(&g_sb, "POST", "/_sandbox/signup/latest/complete", 200));
    char path[256];
    snprintf(path, sizeof path, CONNECT "/%s", id);
    json_t *j = req_json(&g_sb, "GET", path, KTOKEN, NULL, 200);
    assert_string_equal(jstr(j, "status"), "completed");
    json_t *ch = json_object_get(j, "channel");
    assert_true(!strncmp(jstr(ch, "id"), "ch_", 3));
    assert_string_equal(jstr(ch, "type"), "whatsapp");
    assert_true(json_is_true(json_object_get(ch, "is_active")));
    assert_int_equal(jstr(ch, "phone_number")[0], '+');
    jstr(ch, "name");
    jstr(ch, "phone_number_id");
    jstr(ch, "business_account_id");
    json_decref(j);
    /* Terminal: a second complete (or cancel) is a conflict. */
    json_decref(control(&g_sb, "POST", "/_sandbox/signup/latest/complete", 409));
    json_decref(control(&g_sb, "POST", "/_sandbox/signup/latest/cancel", 409));
}

static void test_signup_cancel_expire(void **state)
{
    char a[64];
    snprintf(a, sizeof a, "%s", start_signup("{}")); /* no mode: embedded_signup */
    json_decref(control(&g_sb, "POST", "/_sandbox/signup/latest/cancel", 200));
    expect_poll(a, "cancelled");
    snprintf(a, sizeof a, "%s", start_signup("{\"coexistence_enabled\":false}"));
    json_decref(control(&g_sb, "POST", "/_sandbox/signup/latest/expire", 200));
    expect_poll(a, "expired");
    /* The portal stand-in behind verification_uri shows the state, no token needed. */
    char path[256];
    snprintf(path, sizeof path, "/keebai-portal/connect/whatsapp?session=%s", a);
    sandbox_reply r;
    assert_int_equal(req(&g_sb, "GET", path, NULL, NULL, &r), 200);
    assert_non_null(strstr(r.body, "expired"));
    sandbox_reply_free(&r);
    json_decref(
        req_json(&g_sb, "GET", "/keebai-portal/connect/whatsapp?session=cs_no", NULL, NULL, 404));
    json_decref(req_json(&g_sb, "GET", "/keebai-portal/connect/whatsapp", NULL, NULL, 404));
    json_decref(req_json(&g_sb, "GET", "/keebai-portal/elsewhere", NULL, NULL, 404));
    json_decref(control(&g_sb, "POST", "/_sandbox/signup/latest/bogus", 404));
    json_decref(control(&g_sb, "GET", "/_sandbox/signup/latest/complete", 405));
    json_decref(control(&g_sb, "GET", "/_sandbox/signup/cs_nope", 404));
}

static void test_signup_bad_input(void **state)
{
    json_t *d =
        keebai_err("POST", CONNECT, KTOKEN, "{\"pipeline_id\":5,\"coexistence_enabled\":\"yes\"}",
                   422, "VALIDATION_ERROR");
    assert_true(has_key(d, "pipeline_id"));
    assert_true(has_key(d, "coexistence_enabled"));
    json_decref(d);
    json_decref(keebai_err("POST", CONNECT, KTOKEN, "{\"mode\":7}", 422, "VALIDATION_ERROR"));
    json_decref(keebai_err("POST", CONNECT, KTOKEN, "{nope", 400, "INVALID_REQUEST"));
    json_decref(keebai_err("POST", CONNECT, KTOKEN, "[]", 400, "INVALID_REQUEST"));
    json_decref(keebai_err("POST", CONNECT, "bad", "{}", 401, "UNAUTHORIZED"));
    json_decref(keebai_err("GET", CONNECT "/cs_nope", KTOKEN, NULL, 404, "SESSION_NOT_FOUND"));
    json_decref(keebai_err("GET", CONNECT "/latest", KTOKEN, NULL, 404, "SESSION_NOT_FOUND"));
    json_decref(keebai_err("DELETE", CONNECT "/cs_x", KTOKEN, NULL, 405, "METHOD_NOT_ALLOWED"));
    json_decref(keebai_err("GET", CONNECT "/cs_x", "bad", NULL, 401, "UNAUTHORIZED"));
}

/* Counts channels of this type in GET /v1/channels[?type=]. */
static size_t count_channels(const char *query, const char *type)
{
    char path[128];
    snprintf(path, sizeof path, "/keebai/v1/channels%s", query);
    json_t *j = req_json(&g_sb, "GET", path, KTOKEN, NULL, 200);
    json_t *data = json_object_get(j, "data"), *ch;
    assert_true(json_is_array(data));
    size_t i, n = 0;
    json_array_foreach(data, i, ch)
    {
        assert_true(json_is_boolean(json_object_get(ch, "is_active")));
        jstr(ch, "phone_number");
        n += !strcmp(jstr(ch, "type"), type);
    }
    json_decref(j);
    return n;
}

static void test_channels(void **state)
{
    size_t wa = count_channels("", "whatsapp");
    assert_true(wa >= 1); /* from test_signup_complete */
    size_t qr = count_channels("", "whatsapp_qr");
    json_decref(req_json(&g_sb, "POST", CONNECT, KTOKEN, "{\"mode\":\"qr\",\"name\":\"Q\"}", 201));
    json_decref(control(&g_sb, "POST", "/_sandbox/sessions/latest/scan", 200));
    assert_int_equal(count_channels("", "whatsapp_qr"), qr + 1);
    assert_int_equal(count_channels("?type=whatsapp_qr", "whatsapp"), 0);
    assert_int_equal(count_channels("?type=whatsapp_qr", "whatsapp_qr"), qr + 1);
    assert_int_equal(count_channels("?type=whatsapp", "whatsapp"), wa);
    assert_int_equal(count_channels("?type=telegram", "whatsapp"), 0);
    json_decref(keebai_err("GET", "/keebai/v1/channels", "x", NULL, 401, "UNAUTHORIZED"));
    json_decref(keebai_err("PUT", "/keebai/v1/channels", KTOKEN, "{}", 405, "METHOD_NOT_ALLOWED"));
}

static void test_webhooks(void **state)
{
    json_t *j = req_json(&g_sb, "POST", "/keebai/v1/webhooks", KTOKEN,
                         "{\"name\":\"hd\",\"url\":\"https://example.com/h\",\"events\":"
                         "[\"whatsapp.channel.connected\"],\"is_active\":true}",
                         201);
    char id[64];
    snprintf(id, sizeof id, "%s", jstr(j, "id"));
    assert_true(strlen(jstr(j, "secret")) >= 16);
    assert_true(json_is_true(json_object_get(j, "is_active")));
    json_decref(j);
    j = req_json(&g_sb, "GET", "/keebai/v1/webhooks", KTOKEN, NULL, 200);
    json_t *data = json_object_get(j, "data");
    assert_int_equal(json_array_size(data), 1);
    assert_string_equal(jstr(json_array_get(data, 0), "id"), id);
    assert_false(has_key(json_array_get(data, 0), "secret"));
    json_decref(j);
    static const char *const bad[][2] = {
        {"{\"name\":\"a\",\"url\":\"http://"
         "x.example\",\"events\":[\"whatsapp.channel.connected\"]}",
         "url"},
        {"{\"name\":\"a\",\"url\":\"https://x.example\",\"events\":[]}", "events"},
        {"{\"name\":\"a\",\"url\":\"https://x.example\",\"events\":[\"no.such\"]}", "events"},
        {"{\"name\":\"a\",\"url\":\"https://x.example\",\"events\":\"whatsapp.channel.connected\"}",
         "events"},
        {"{\"name\":\"a\",\"url\":\"https://"
         "x.example\",\"events\":[\"whatsapp.channel.connected\"],"
         "\"is_active\":\"yes\"}",
         "is_active"},
        {"{\"name\":3,\"url\":\"https://x.example\",\"events\":[\"whatsapp.channel.connected\"]}",
         "name"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        json_t *d =
            keebai_err("POST", "/keebai/v1/webhooks", KTOKEN, bad[i][0], 422, "VALIDATION_ERROR");
        assert_true(has_key(d, bad[i][1]));
        json_decref(d);
    }
    json_decref(keebai_err("POST", "/keebai/v1/webhooks", KTOKEN, "nope", 400, "INVALID_REQUEST"));
    json_decref(keebai_err("POST", "/keebai/v1/webhooks", "x", "{}", 401, "UNAUTHORIZED"));
}

/* Its own hub: the limit counts every request of the token. */
static void test_keebai_rate_limit(void **state)
{
    sandbox_proc sb;
    const char *const args[] = {"--rate-per-min", "3", NULL};
    assert_int_equal(sandbox_start(args, &sb), 0);
    for (int i = 0; i < 3; i++)
        json_decref(req_json(&sb, "GET", "/keebai/v1/me", KTOKEN, NULL, 200));
    sandbox_reply r;
    char ra[32];
    assert_int_equal(req(&sb, "GET", "/keebai/v1/me", KTOKEN, NULL, &r), 429);
    assert_non_null(sandbox_reply_header(&r, "Retry-After", ra, sizeof ra));
    long secs = atol(ra);
    assert_true(secs >= 1 && secs <= 60);
    json_t *j = json_loadb(r.body, r.body_len, 0, NULL);
    assert_string_equal(json_string_value(json_object_get(json_object_get(j, "error"), "code")),
                        "THROTTLED");
    json_decref(j);
    sandbox_reply_free(&r);
    /* A wrong token is refused before it is counted. */
    assert_int_equal(req(&sb, "GET", "/keebai/v1/me", "wrong", NULL, &r), 401);
    sandbox_reply_free(&r);
    assert_int_equal(sandbox_stop(&sb), 0);
}

/* Natural expiry, and embedded_signup served without the (now default) flag. */
static void test_signup_expiry_and_off(void **state)
{
    sandbox_proc sb;
    const char *const args[] = {
        "--embedded-signup", "--signup-expires-s", "1", "--signup-poll-s", "2", NULL};
    assert_int_equal(sandbox_start(args, &sb), 0);
    json_t *j = req_json(&sb, "POST", CONNECT, KTOKEN, "{}", 201);
    assert_int_equal(json_integer_value(json_object_get(j, "expires_in")), 1);
    assert_int_equal(json_integer_value(json_object_get(j, "poll_interval")), 2);
    char path[256];
    snprintf(path, sizeof path, CONNECT "/%s", jstr(j, "session_id"));
    json_decref(j);
    sleep_ms(1100);
    j = req_json(&sb, "GET", path, KTOKEN, NULL, 200);
    assert_string_equal(jstr(j, "status"), "expired");
    json_decref(j);
    json_decref(control(&sb, "POST", "/_sandbox/signup/latest/complete", 409));
    assert_int_equal(sandbox_stop(&sb), 0);

    assert_int_equal(sandbox_start(NULL, &sb), 0); /* on by default, as Keebai's own default */
    json_decref(req_json(&sb, "POST", CONNECT, KTOKEN, "{}", 201));
    assert_int_equal(sandbox_stop(&sb), 0);
}

/* ---- Whapi manager ---------------------------------------------------------------------- */

/* Creates a channel; fills its id and token. */
static void create_channel(const sandbox_proc *sb, const char *name, char *id, char *token)
{
    char body[256];
    snprintf(body, sizeof body, "{\"name\":\"%s\",\"projectId\":\"hdSandboxMainProject\"}", name);
    json_t *j = req_json(sb, "PUT", "/whapi/manager/channels", PTOKEN, body, 200);
    char api[128];
    snprintf(api, sizeof api, "%s/whapi/gate/", sb->base_url);
    assert_string_equal(jstr(j, "apiUrl"), api);
    const char *cid = jstr(j, "id");
    assert_int_equal(strlen(cid), 12);
    assert_true(!strncmp(cid, "SHAZAM-", 7));
    assert_int_equal(strspn(cid + 7, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"), 5);
    json_int_t ts = json_integer_value(json_object_get(j, "creationTS"));
    assert_true(ts > 1600000000000LL); /* milliseconds */
    assert_true(json_integer_value(json_object_get(j, "activeTill")) > ts);
    assert_true(json_integer_value(json_object_get(j, "trial")) > ts);
    assert_string_equal(jstr(j, "mode"), "trial");
    assert_string_equal(jstr(j, "status"), "active");
    assert_string_equal(jstr(j, "name"), name);
    assert_string_equal(jstr(j, "projectId"), "hdSandboxMainProject");
    jstr(j, "ownerId");
    assert_true(json_is_false(json_object_get(j, "stopped")));
    assert_true(json_is_integer(json_object_get(j, "server")));
    assert_int_equal(strlen(jstr(j, "token")), 32);
    strcpy(id, cid);
    strcpy(token, jstr(j, "token"));
    json_decref(j);
}

static void test_whapi_projects(void **state)
{
    json_t *j = req_json(&g_sb, "GET", "/whapi/manager/projects", PTOKEN, NULL, 200);
    json_t *p = json_array_get(json_object_get(j, "projects"), 0);
    assert_string_equal(jstr(p, "id"), "hdSandboxMainProject");
    assert_string_equal(jstr(p, "name"), "Main");
    json_decref(j);
    whapi_err(&g_sb, "GET", "/whapi/manager/projects", NULL, NULL, 401);
    whapi_err(&g_sb, "GET", "/whapi/manager/projects", KTOKEN, NULL, 401);
    whapi_err(&g_sb, "POST", "/whapi/manager/projects", PTOKEN, "{}", 405);
    whapi_err(&g_sb, "GET", "/whapi/manager/nope", PTOKEN, NULL, 404);
    whapi_err(&g_sb, "GET", "/whapi/nope", PTOKEN, NULL, 404);
}

static void test_whapi_channels(void **state)
{
    char id[32], token[64], path[128];
    create_channel(&g_sb, "Bot for Ukindo", id, token);
    json_t *j = req_json(&g_sb, "GET", "/whapi/manager/channels", PTOKEN, NULL, 200);
    json_t *list = json_object_get(j, "channels"), *c;
    size_t i;
    bool found = false;
    json_array_foreach(list, i, c)
    {
        assert_false(has_key(c, "token"));
        found |= !strcmp(jstr(c, "id"), id);
    }
    assert_true(found);
    json_decref(j);
    snprintf(path, sizeof path, "/whapi/manager/channels/%s/mode", id);
    j = req_json(&g_sb, "PATCH", path, PTOKEN, "{\"mode\":\"live\"}", 200);
    assert_string_equal(jstr(j, "mode"), "live");
    json_decref(j);
    j = control(&g_sb, "GET", "/_sandbox/whapi/channels/latest", 200);
    assert_string_equal(jstr(j, "mode"), "live");
    assert_string_equal(jstr(j, "token"), token);
    json_decref(j);
    whapi_err(&g_sb, "PATCH", path, PTOKEN, "{\"mode\":\"gold\"}", 400);
    whapi_err(&g_sb, "PATCH", path, PTOKEN, "{\"mode\":1}", 400);
    whapi_err(&g_sb, "PATCH", path, PTOKEN, "nope", 400);
    whapi_err(&g_sb, "PATCH", path, token, "{\"mode\":\"live\"}", 401);
    whapi_err(&g_sb, "PATCH", "/whapi/manager/channels/SHAZAM-NOPE0/mode", PTOKEN,
              "{\"mode\":\"live\"}", 404);
    whapi_err(&g_sb, "PUT", "/whapi/manager/channels", PTOKEN, "{nope", 400);
    whapi_err(&g_sb, "PUT", "/whapi/manager/channels", PTOKEN, "{\"name\":\"x\"}", 400);
    whapi_err(&g_sb, "PUT", "/whapi/manager/channels", PTOKEN, "{\"projectId\":5}", 400);
    whapi_err(&g_sb, "PUT", "/whapi/manager/channels", PTOKEN,
              "{\"name\":5,\"projectId\":\"hdSandboxMainProject\"}", 400);
    whapi_err(&g_sb, "PUT", "/whapi/manager/channels", PTOKEN, "{\"projectId\":\"other\"}", 404);
    whapi_err(&g_sb, "PUT", "/whapi/manager/channels", "wrong", "{}", 401);
    /* Delete: gone from the gate too. */
    json_decref(req_json(&g_sb, "GET", "/whapi/gate/health", token, NULL, 200));
    snprintf(path, sizeof path, "/whapi/manager/channels/%s", id);
    whapi_err(&g_sb, "GET", path, PTOKEN, NULL, 405);
    json_decref(req_json(&g_sb, "DELETE", path, PTOKEN, NULL, 200));
    whapi_err(&g_sb, "DELETE", path, PTOKEN, NULL, 404);
    whapi_err(&g_sb, "GET", "/whapi/gate/health", token, NULL, 401);
}

/* ---- Whapi gate ------------------------------------------------------------------------- */

static const char *health(const char *token)
{
    static char text[16];
    json_t *j = req_json(&g_sb, "GET", "/whapi/gate/health", token, NULL, 200);
    json_t *st = json_object_get(j, "status");
    snprintf(text, sizeof text, "%s", jstr(st, "text"));
    long code = (long)json_integer_value(json_object_get(st, "code"));
    if (!strcmp(text, "INIT"))
        assert_int_equal(code, 1);
    if (!strcmp(text, "LAUNCH"))
        assert_int_equal(code, 2);
    if (!strcmp(text, "QR"))
        assert_int_equal(code, 3);
    json_decref(j);
    return text;
}

/* Waits (up to 5 s) for the health text; returns whether it came. */
static bool wait_health(const char *token, const char *want)
{
    for (int i = 0; i < 250; i++) {
        if (!strcmp(health(token), want))
            return true;
        sleep_ms(20);
    }
    return false;
}

static json_t *rowdata(const char *token, long want)
{
    return req_json(&g_sb, "GET", "/whapi/gate/users/login/rowdata", token, NULL, want);
}

/* INIT -> LAUNCH -> QR, rotating rowdata, scan -> AUTH and 409 after. */
static void test_whapi_login_timeline(void **state)
{
    char id[32], token[64];
    create_channel(&g_sb, "Timeline", id, token);
    assert_string_equal(health(token), "INIT");
    json_t *j = rowdata(token, 200);
    assert_string_equal(jstr(j, "status"), "WAITING");
    json_decref(j);
    json_decref(control(&g_sb, "POST", "/_sandbox/whapi/channels/latest/scan", 409));
    assert_true(wait_health(token, "LAUNCH"));
    assert_true(wait_health(token, "QR"));
    j = rowdata(token, 200);
    assert_string_equal(jstr(j, "status"), "OK");
    char first[512];
    snprintf(first, sizeof first, "%s", jstr(j, "rowdata"));
    assert_true(!strncmp(first, "2@", 2) && strlen(first) > 200);
    long expire = (long)json_integer_value(json_object_get(j, "expire"));
    assert_true(expire >= 1 && expire <= 1);
    json_decref(j);
    j = control(&g_sb, "GET", "/_sandbox/whapi/channels/latest", 200);
    assert_string_equal(jstr(j, "id"), id);
    assert_string_equal(jstr(j, "status"), "QR");
    assert_string_equal(jstr(j, "rowdata"), first);
    json_decref(j);
    sleep_ms(900); /* past the first QR's 600 ms */
    j = rowdata(token, 200);
    assert_string_not_equal(jstr(j, "rowdata"), first);
    json_decref(j);
    char path[128];
    snprintf(path, sizeof path, "/_sandbox/whapi/channels/%s/scan", id);
    j = control(&g_sb, "POST", path, 200);
    assert_string_equal(jstr(j, "status"), "AUTH");
    json_decref(j);
    assert_string_equal(health(token), "AUTH");
    whapi_err(&g_sb, "GET", "/whapi/gate/users/login/rowdata", token, NULL, 409);
    whapi_err(&g_sb, "GET", "/whapi/gate/users/login/5511999999999", token, NULL, 409);
    json_decref(control(&g_sb, "POST", path, 409));
    json_decref(control(&g_sb, "POST", "/_sandbox/whapi/channels/SHAZAM-NOPE0/scan", 404));
    json_decref(control(&g_sb, "POST", "/_sandbox/whapi/channels/latest/bogus", 404));
    json_decref(control(&g_sb, "GET", path, 405));
}

static void test_whapi_pairing_code(void **state)
{
    char id[32], token[64];
    create_channel(&g_sb, "Code", id, token);
    json_t *j = req_json(&g_sb, "GET", "/whapi/gate/users/login/5511987654321", token, NULL, 200);
    const char *code = jstr(j, "code");
    assert_int_equal(strlen(code), 9);
    assert_int_equal(code[4], '-');
    assert_int_equal(strspn(code, "0123456789ABCDEFGHJKMNPQRSTVWXYZ"), 4);
    assert_int_equal(strspn(code + 5, "0123456789ABCDEFGHJKMNPQRSTVWXYZ"), 4);
    json_decref(j);
    static const char *const bad[] = {"1234567", "1234567890123456", "+5511987654321",
                                      "55-11-9876543", "abcdefghij"};
    char path[128];
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        snprintf(path, sizeof path, "/whapi/gate/users/login/%s", bad[i]);
        whapi_err(&g_sb, "GET", path, token, NULL, 400);
    }
    whapi_err(&g_sb, "POST", "/whapi/gate/users/login/5511987654321", token, "{}", 405);
}

static void test_whapi_gate_tokens(void **state)
{
    char a[32], ta[64], b[32], tb[64];
    create_channel(&g_sb, "A", a, ta);
    create_channel(&g_sb, "B", b, tb);
    whapi_err(&g_sb, "GET", "/whapi/gate/health", PTOKEN, NULL, 401);
    whapi_err(&g_sb, "GET", "/whapi/gate/health", KTOKEN, NULL, 401);
    whapi_err(&g_sb, "GET", "/whapi/gate/health", NULL, NULL, 401);
    char wrong[64];
    snprintf(wrong, sizeof wrong, "%s", ta);
    wrong[0] = wrong[0] == 'x' ? 'y' : 'x';
    whapi_err(&g_sb, "GET", "/whapi/gate/health", wrong, NULL, 401);
    /* Each token reaches its own channel: scanning B leaves A waiting. */
    assert_true(wait_health(tb, "QR"));
    char path[128];
    snprintf(path, sizeof path, "/_sandbox/whapi/channels/%s/scan", b);
    json_decref(control(&g_sb, "POST", path, 200));
    assert_string_equal(health(tb), "AUTH");
    assert_string_equal(health(ta), "QR");
    whapi_err(&g_sb, "GET", "/whapi/gate/nope", ta, NULL, 404);
    whapi_err(&g_sb, "POST", "/whapi/gate/health", ta, "{}", 405);
}

static void test_whapi_settings(void **state)
{
    char id[32], token[64];
    create_channel(&g_sb, "Settings", id, token);
    const char *seed = "{\"webhooks\":[{\"events\":[{\"type\":\"users\",\"method\":\"post\"},"
                       "{\"type\":\"channel\",\"method\":\"post\"}],\"mode\":\"body\","
                       "\"url\":\"https://example.com/hook\"}],\"callback_persist\":true}";
    json_t *j = req_json(&g_sb, "PATCH", "/whapi/gate/settings", token, seed, 200);
    json_t *want = json_loads(seed, 0, NULL);
    assert_true(json_equal(j, want));
    json_decref(want);
    json_decref(j);
    static const char *const bad[] = {
        "{\"webhooks\":[{\"url\":\"http://example.com/hook\",\"events\":[]}]}",
        "{\"webhooks\":[{\"url\":5}]}",
        "{\"webhooks\":{}}",
        "{\"webhooks\":[{\"url\":\"https://e.example\",\"events\":\"users\"}]}",
        "{\"webhooks\":[{\"url\":\"https://e.example\",\"events\":[{\"type\":1}]}]}",
        "{\"webhooks\":[],\"callback_persist\":\"yes\"}",
        "{nope",
        "[]",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        whapi_err(&g_sb, "PATCH", "/whapi/gate/settings", token, bad[i], 400);
    whapi_err(&g_sb, "PATCH", "/whapi/gate/settings", PTOKEN, seed, 401);
    whapi_err(&g_sb, "GET", "/whapi/gate/settings", token, NULL, 405);
}

/* Its own hub: a partner token from a file, bare projects, 2 creations per 30 minutes. */
static void test_whapi_limits_and_options(void **state)
{
    char file[] = "/tmp/hd-partner-XXXXXX";
    int fd = mkstemp(file);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "  my-partner \n", 14), 14);
    close(fd);
    sandbox_proc sb;
    const char *const args[] = {"--whapi-partner-token-file", file, "--whapi-projects-bare",
                                "--whapi-channels-per-30min", "2",  NULL};
    int started = sandbox_start(args, &sb);
    unlink(file);
    assert_int_equal(started, 0);
    whapi_err(&sb, "GET", "/whapi/manager/projects", PTOKEN, NULL, 401);
    json_t *j = req_json(&sb, "GET", "/whapi/manager/projects", "my-partner", NULL, 200);
    assert_true(json_is_array(j));
    assert_string_equal(jstr(json_array_get(j, 0), "name"), "Main");
    json_decref(j);
    const char *body = "{\"name\":\"n\",\"projectId\":\"hdSandboxMainProject\"}";
    for (int i = 0; i < 2; i++)
        json_decref(req_json(&sb, "PUT", "/whapi/manager/channels", "my-partner", body, 200));
    sandbox_reply r;
    char ra[32];
    assert_int_equal(req(&sb, "PUT", "/whapi/manager/channels", "my-partner", body, &r), 429);
    assert_non_null(sandbox_reply_header(&r, "Retry-After", ra, sizeof ra));
    assert_true(atol(ra) >= 1 && atol(ra) <= 1800);
    j = json_loadb(r.body, r.body_len, 0, NULL);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "error"), "code")), 429);
    json_decref(j);
    sandbox_reply_free(&r);
    /* Listing is not limited. */
    j = req_json(&sb, "GET", "/whapi/manager/channels", "my-partner", NULL, 200);
    assert_int_equal(json_array_size(json_object_get(j, "channels")), 2);
    json_decref(j);
    assert_int_equal(sandbox_stop(&sb), 0);
}

static void test_clean_exit(void **state)
{
    assert_int_equal(sandbox_stop(&g_sb), 0);
}

static int start_main(void **state)
{
    const char *const args[] = {"--embedded-signup",
                                "--scan-delay-ms",
                                "0",
                                "--whapi-launch-ms",
                                "800",
                                "--qr-first-ms",
                                "600",
                                "--qr-next-ms",
                                "400",
                                NULL};
    return sandbox_start(args, &g_sb);
}

static int stop_main(void **state)
{
    if (g_sb.pid > 0)
        sandbox_stop(&g_sb);
    return 0;
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_me),
        cmocka_unit_test(test_signup_complete),
        cmocka_unit_test(test_signup_cancel_expire),
        cmocka_unit_test(test_signup_bad_input),
        cmocka_unit_test(test_channels),
        cmocka_unit_test(test_webhooks),
        cmocka_unit_test(test_keebai_rate_limit),
        cmocka_unit_test(test_signup_expiry_and_off),
        cmocka_unit_test(test_whapi_projects),
        cmocka_unit_test(test_whapi_channels),
        cmocka_unit_test(test_whapi_login_timeline),
        cmocka_unit_test(test_whapi_pairing_code),
        cmocka_unit_test(test_whapi_gate_tokens),
        cmocka_unit_test(test_whapi_settings),
        cmocka_unit_test(test_whapi_limits_and_options),
        cmocka_unit_test(test_clean_exit),
    };
    int failed = cmocka_run_group_tests_name("sandbox hubs", tests, start_main, stop_main);
    curl_global_cleanup();
    return failed ? 1 : 0;
}
