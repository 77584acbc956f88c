/* test_sandbox_meta.c: hubdesk-sandbox's HubMessage, HydraCore and Chatt2.me hubs over real
 * HTTP: every endpoint's success, every documented error, the test controls, masking. */
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
#include <unistd.h>

#include "../lib/sandbox_proc.h"

#define HM "hm_sk_sandbox"
#define HC "hc_sandbox"
#define C2M "c2m_app_sandbox"
#define C2M_OTHER "c2m_app_other"
#define NIL "00000000-0000-0000-0000-000000000000"
#define INST "3f6b2a10-8c4d-4e5f-9a0b-1c2d3e4f5a6b"
#define TOKEN_LONG "EAAGsandboxAccessToken0123456789wxyz"
#define SECRET32 "0123456789abcdef0123456789abcdef"
#define WA "6cbd6789-1d2b-47e0-9391-5eb91d2839ea"
#define SMS "2f1c6a34-8f0e-4b7a-9d2c-5a7e3b1c9d10"
#define TG "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
#define IG "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f"
#define FB "4d5e6f70-8192-4a3b-9c4d-5e6f70819203"
#define WEB "5e6f7081-92a3-4b4c-8d5e-6f708192a3b4"
#define OTHER_WA "7f808192-a3b4-4c5d-9e6f-708192a3b4c5"

static sandbox_proc g_sb;

/* ---- helpers --------------------------------------------------------------------------- */

/* One request with up to two extra headers (NULL: none) and an optional body. */
static long hreq(const sandbox_proc *sb, const char *method, const char *path, const char *h1,
                 const char *h2, const char *body, sandbox_reply *r)
{
    char url[1024];
    snprintf(url, sizeof url, "%s%s", sb->base_url, path);
    const char *h[4] = {"Content-Type: application/json", NULL, NULL, NULL};
    size_t n = 1;
    if (h1)
        h[n++] = h1;
    if (h2)
        h[n++] = h2;
    return sandbox_http(method, url, h, body, body ? strlen(body) : 0, r);
}

/* hreq() that asserts the status and returns the decoded body (NULL when it is empty). */
static json_t *hjson(const sandbox_proc *sb, const char *method, const char *path, const char *h1,
                     const char *h2, const char *body, long want)
{
    sandbox_reply r;
    long got = hreq(sb, method, path, h1, h2, body, &r);
    if (got != want)
        fprintf(stderr, "%s %s: HTTP %ld, wanted %ld: %.*s\n", method, path, got, want,
                (int)r.body_len, r.body);
    assert_int_equal(got, want);
    json_t *j = r.body_len ? json_loadb(r.body, r.body_len, 0, NULL) : NULL;
    if (r.body_len)
        assert_non_null(j);
    sandbox_reply_free(&r);
    return j;
}

static const char *jstr(json_t *j, const char *key)
{
    const char *s = json_string_value(json_object_get(j, key));
    if (!s) {
        char *dump = json_dumps(j, JSON_COMPACT);
        fprintf(stderr, "no string \"%s\" in %s\n", key, dump ? dump : "(null)");
        free(dump);
    }
    assert_non_null(s);
    return s;
}

static bool is_uuid(const char *s)
{
    if (strlen(s) != 36)
        return false;
    for (int i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !strchr("0123456789abcdef", s[i]))
            return false;
    }
    return true;
}

static json_t *control(const sandbox_proc *sb, const char *method, const char *path, long want)
{
    return hjson(sb, method, path, NULL, NULL, NULL, want);
}

/* ---- HubMessage ------------------------------------------------------------------------- */

#define HM_AUTH "Authorization: Bearer " HM

static json_t *hm(const char *method, const char *path, const char *body, long want)
{
    return hjson(&g_sb, method, path, HM_AUTH, NULL, body, want);
}

/* Asserts {"error":{"code":CODE,"message":...,"field"?}} and the field (NULL: none). */
static void hm_err(const char *method, const char *path, const char *auth, const char *body,
                   long status, const char *code, const char *field)
{
    json_t *j = hjson(&g_sb, method, path, auth, NULL, body, status);
    json_t *e = json_object_get(j, "error");
    assert_string_equal(jstr(e, "code"), code);
    assert_true(json_string_length(json_object_get(e, "message")) > 0);
    if (field)
        assert_string_equal(jstr(e, "field"), field);
    else
        assert_null(json_object_get(e, "field"));
    json_decref(j);
}

static char *hm_create(const char *name)
{
    char body[200];
    snprintf(body, sizeof body, "{\"name\":\"%s\",\"type\":\"META_WHATSAPP\"}", name);
    json_t *j = hm("POST", "/hubmessage/v1/channels", body, 201);
    assert_int_equal(json_object_size(j), 1);
    char *id = strdup(jstr(j, "id"));
    assert_true(is_uuid(id));
    json_decref(j);
    return id;
}

static void hm_path(char *out, size_t n, const char *id, const char *suffix)
{
    snprintf(out, n, "/hubmessage/v1/channels/%s%s", id, suffix);
}

#define CONNECT_OK                                                                                 \
    "{\"wabaId\":\"428083093730937\",\"phoneId\":\"123456789012345\","                             \
    "\"code\":\"ABC123DEF456\",\"coexistence\":true}"

static char *hm_connected(void)
{
    char *id = hm_create("Connected");
    char path[200];
    hm_path(path, sizeof path, id, "/connect");
    json_t *j = hm("POST", path, CONNECT_OK, 200);
    assert_true(json_is_true(json_object_get(j, "success")));
    json_decref(j);
    return id;
}

static void test_hm_auth(void **state)
{
    const char *path = "/hubmessage/v1/channels";
    const char *body = "{\"name\":\"x\",\"type\":\"META_WHATSAPP\"}";
    hm_err("POST", path, NULL, body, 401, "UNAUTHORIZED", NULL);
    hm_err("POST", path, "Authorization: Bearer hm_sk_wrong", body, 401, "UNAUTHORIZED", NULL);
    hm_err("POST", path, "Authorization: Bearer hubdesk-sandbox-token", body, 401, "UNAUTHORIZED",
           NULL);
    /* The public key: refused with a sentence that says what it is for. */
    json_t *j = hjson(&g_sb, "POST", path, "Authorization: Bearer hm_pk_sandbox", NULL, body, 401);
    const char *msg = jstr(json_object_get(j, "error"), "message");
    assert_non_null(strstr(msg, "public key"));
    assert_non_null(strstr(msg, "SDK"));
    assert_non_null(strstr(msg, "secret key"));
    json_decref(j);
}

static void test_hm_create_and_get(void **state)
{
    char *id = hm_create("Acme support");
    char path[200];
    hm_path(path, sizeof path, id, "");
    json_t *j = hm("GET", path, NULL, 200);
    assert_string_equal(jstr(j, "id"), id);
    assert_string_equal(jstr(j, "name"), "Acme support");
    assert_string_equal(jstr(j, "type"), "META_WHATSAPP");
    assert_string_equal(jstr(j, "status"), "CREATED");
    assert_true(json_is_null(json_object_get(j, "wabaId")));
    assert_true(json_is_null(json_object_get(j, "phoneId")));
    assert_true(json_is_null(json_object_get(j, "coexistence")));
    json_decref(j);
    free(id);
    const char *p = "/hubmessage/v1/channels";
    hm_err("POST", p, HM_AUTH, "{\"name\":\"x\",\"type\":\"SMS\"}", 400, "INVALID_FIELD", "type");
    hm_err("POST", p, HM_AUTH, "{\"name\":\"x\"}", 400, "INVALID_FIELD", "type");
    hm_err("POST", p, HM_AUTH, "{\"type\":\"META_WHATSAPP\"}", 400, "INVALID_FIELD", "name");
    hm_err("POST", p, HM_AUTH, "{\"name\":\"\",\"type\":\"META_WHATSAPP\"}", 400, "INVALID_FIELD",
           "name");
    hm_err("POST", p, HM_AUTH, "{\"name\":7,\"type\":\"META_WHATSAPP\"}", 400, "INVALID_FIELD",
           "name");
    hm_err("POST", p, HM_AUTH, "{\"name\":\"x\",\"type\":[]}", 400, "INVALID_FIELD", "type");
    hm_err("POST", p, HM_AUTH, "{nope", 400, "INVALID_FIELD", NULL);
    hm_err("POST", p, HM_AUTH, "[]", 400, "INVALID_FIELD", NULL);
    hm_err("POST", p, HM_AUTH, NULL, 400, "INVALID_FIELD", NULL);
    hm_err("GET", "/hubmessage/v1/channels/8d0e2c1a-0000-4000-8000-000000000001", HM_AUTH, NULL,
           404, "CHANNEL_NOT_FOUND", NULL);
    hm_err("GET", "/hubmessage/v1/channels/x/y/z", HM_AUTH, NULL, 404, "NOT_FOUND", NULL);
    hm_err("GET", "/hubmessage/v2/channels", HM_AUTH, NULL, 404, "NOT_FOUND", NULL);
    sandbox_reply r;
    char allow[32];
    assert_int_equal(hreq(&g_sb, "PUT", p, HM_AUTH, NULL, "{}", &r), 405);
    assert_string_equal(sandbox_reply_header(&r, "Allow", allow, sizeof allow), "POST");
    sandbox_reply_free(&r);
}

static void test_hm_connect(void **state)
{
    char *id = hm_create("To connect");
    char path[200];
    hm_path(path, sizeof path, id, "/connect");
    static const struct {
        const char *body, *field;
    } bad[] = {
        {"{\"phoneId\":\"123456789012345\",\"code\":\"C\",\"coexistence\":false}", "wabaId"},
        {"{\"wabaId\":\"12ab5678\",\"phoneId\":\"123456789012345\",\"code\":\"C\","
         "\"coexistence\":false}",
         "wabaId"},
        {"{\"wabaId\":428083093730937,\"phoneId\":\"123456789012345\",\"code\":\"C\","
         "\"coexistence\":false}",
         "wabaId"},
        {"{\"wabaId\":\"428083093730937\",\"code\":\"C\",\"coexistence\":false}", "phoneId"},
        {"{\"wabaId\":\"428083093730937\",\"phoneId\":\"12345x\",\"code\":\"C\","
         "\"coexistence\":false}",
         "phoneId"},
        {"{\"wabaId\":\"428083093730937\",\"phoneId\":\"123456789012345\",\"coexistence\":false}",
         "code"},
        {"{\"wabaId\":\"428083093730937\",\"phoneId\":\"123456789012345\",\"code\":\"\","
         "\"coexistence\":false}",
         "code"},
        {"{\"wabaId\":\"428083093730937\",\"phoneId\":\"123456789012345\",\"code\":\"C\"}",
         "coexistence"},
        {"{\"wabaId\":\"428083093730937\",\"phoneId\":\"123456789012345\",\"code\":\"C\","
         "\"coexistence\":\"false\"}",
         "coexistence"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        hm_err("POST", path, HM_AUTH, bad[i].body, 400, "INVALID_FIELD", bad[i].field);
    hm_err("POST", path, HM_AUTH, "{bad json", 400, "INVALID_FIELD", NULL);
    hm_err("POST", "/hubmessage/v1/channels/no-such-channel/connect", HM_AUTH, CONNECT_OK, 404,
           "CHANNEL_NOT_FOUND", NULL);
    /* Codes Meta refuses: the channel stays as it was. */
    const char *expired = "{\"wabaId\":\"428083093730937\",\"phoneId\":\"123456789012345\","
                          "\"code\":\"EXPIRED\",\"coexistence\":false}";
    json_t *j = hm("POST", path, expired, 400);
    json_t *e = json_object_get(j, "error");
    assert_string_equal(jstr(e, "code"), "INVALID_CODE");
    assert_string_equal(jstr(e, "message"), "authorization code expired: run the signup again");
    assert_string_equal(jstr(e, "field"), "code");
    json_decref(j);
    hm_err("POST", path, HM_AUTH,
           "{\"wabaId\":\"428083093730937\",\"phoneId\":\"123456789012345\","
           "\"code\":\"bad-code-1\",\"coexistence\":false}",
           400, "INVALID_CODE", "code");
    char get[200];
    hm_path(get, sizeof get, id, "");
    j = hm("GET", get, NULL, 200);
    assert_string_equal(jstr(j, "status"), "CREATED");
    json_decref(j);
    /* Connected: GET shows the connect fields; a second connect is a conflict. */
    j = hm("POST", path, CONNECT_OK, 200);
    assert_true(json_is_true(json_object_get(j, "success")));
    assert_int_equal(json_object_size(j), 1);
    json_decref(j);
    j = hm("GET", get, NULL, 200);
    assert_string_equal(jstr(j, "status"), "CONNECTED");
    assert_string_equal(jstr(j, "wabaId"), "428083093730937");
    assert_string_equal(jstr(j, "phoneId"), "123456789012345");
    assert_true(json_is_true(json_object_get(j, "coexistence")));
    assert_null(json_object_get(j, "code")); /* one-time: never kept */
    json_decref(j);
    hm_err("POST", path, HM_AUTH, CONNECT_OK, 409, "ALREADY_CONNECTED", NULL);
    hm_err("GET", path, HM_AUTH, NULL, 405, "METHOD_NOT_ALLOWED", NULL);
    /* The control view: the newest channel, with its connect fields. */
    j = control(&g_sb, "GET", "/_sandbox/hubmessage/channels/latest", 200);
    assert_string_equal(jstr(j, "id"), id);
    assert_string_equal(jstr(j, "wabaId"), "428083093730937");
    assert_null(json_object_get(j, "code"));
    json_decref(j);
    json_decref(control(&g_sb, "GET", "/_sandbox/hubmessage/channels/nope", 404));
    free(id);
}

static const char *hm_msg(char *buf, size_t n, const char *to, const char *text)
{
    snprintf(buf, n,
             "{\"recipient\":{\"identifier\":\"%s\"},\"content\":{\"type\":\"TEXT\","
             "\"body\":{\"message\":\"%s\"}}}",
             to, text);
    return buf;
}

static void test_hm_messages(void **state)
{
    char path[200], body[400];
    /* Not connected yet. */
    char *fresh = hm_create("Not connected");
    hm_path(path, sizeof path, fresh, "/messages");
    hm_err("POST", path, HM_AUTH, hm_msg(body, sizeof body, "5511987654322", "Hi"), 409,
           "CHANNEL_NOT_CONNECTED", NULL);
    free(fresh);
    char *id = hm_connected();
    hm_path(path, sizeof path, id, "/messages");
    /* Even last digit: inside the 24 h window. */
    json_t *j = hm("POST", path, hm_msg(body, sizeof body, "5511987654322", "Hi"), 200);
    assert_true(is_uuid(jstr(j, "messageId")));
    char first[40];
    snprintf(first, sizeof first, "%s", jstr(j, "messageId"));
    json_decref(j);
    /* Odd: outside, until the control opens the window for it. */
    hm_err("POST", path, HM_AUTH, hm_msg(body, sizeof body, "5511987654321", "Hi"), 422,
           "OUTSIDE_WINDOW", "recipient.identifier");
    j = control(&g_sb, "POST", "/_sandbox/hubmessage/window/5511987654321", 200);
    assert_string_equal(jstr(j, "number"), "5511987654321");
    json_decref(j);
    json_decref(hm("POST", path, hm_msg(body, sizeof body, "5511987654321", "Hello"), 200));
    hm_err("POST", path, HM_AUTH, hm_msg(body, sizeof body, "5511987654323", "Hi"), 422,
           "OUTSIDE_WINDOW", "recipient.identifier");
    json_decref(control(&g_sb, "POST", "/_sandbox/hubmessage/window/55119876x", 400));
    json_decref(control(&g_sb, "POST", "/_sandbox/hubmessage/window/+5511987654321", 400));
    json_decref(control(&g_sb, "GET", "/_sandbox/hubmessage/window/5511987654321", 405));
    /* Bad bodies name the field by its path. */
    hm_err("POST", path, HM_AUTH, "{\"content\":{\"type\":\"TEXT\",\"body\":{\"message\":\"x\"}}}",
           400, "INVALID_FIELD", "recipient.identifier");
    hm_err("POST", path, HM_AUTH, hm_msg(body, sizeof body, "+5511987654322", "Hi"), 400,
           "INVALID_FIELD", "recipient.identifier");
    hm_err("POST", path, HM_AUTH, hm_msg(body, sizeof body, "55119", "Hi"), 400, "INVALID_FIELD",
           "recipient.identifier");
    hm_err("POST", path, HM_AUTH, hm_msg(body, sizeof body, "5511987654322", ""), 400,
           "INVALID_FIELD", "content.body.message");
    hm_err("POST", path, HM_AUTH,
           "{\"recipient\":{\"identifier\":\"5511987654322\"},\"content\":{\"type\":\"IMAGE\","
           "\"body\":{\"message\":\"x\"}}}",
           400, "INVALID_FIELD", "content.type");
    hm_err("POST", path, HM_AUTH,
           "{\"recipient\":{\"identifier\":\"5511987654322\"},\"content\":\"Hi\"}", 400,
           "INVALID_FIELD", "content.type");
    hm_err("POST", path, HM_AUTH, "nope", 400, "INVALID_FIELD", NULL);
    hm_err("POST", "/hubmessage/v1/channels/nope/messages", HM_AUTH,
           hm_msg(body, sizeof body, "5511987654322", "Hi"), 404, "CHANNEL_NOT_FOUND", NULL);
    /* The control view: messages that went out, the window opened. */
    j = control(&g_sb, "GET", "/_sandbox/hubmessage", 200);
    json_t *msgs = json_object_get(j, "messages"), *m;
    size_t i, mine = 0;
    json_array_foreach(msgs, i, m)
    {
        if (!strcmp(jstr(m, "channelId"), id))
            mine++;
        if (!strcmp(jstr(m, "messageId"), first)) {
            assert_string_equal(jstr(m, "to"), "5511987654322");
            assert_string_equal(jstr(m, "message"), "Hi");
        }
    }
    assert_int_equal(mine, 2);
    bool open = false;
    json_array_foreach(json_object_get(j, "windows"), i, m) open =
        open || !strcmp(json_string_value(m), "5511987654321");
    assert_true(open);
    assert_true(json_array_size(json_object_get(j, "channels")) >= 2);
    json_decref(j);
    free(id);
}

static void test_hm_fail(void **state)
{
    json_t *j = control(&g_sb, "POST", "/_sandbox/hubmessage/fail?times=2", 200);
    assert_int_equal(json_integer_value(json_object_get(j, "fail_next")), 2);
    json_decref(j);
    const char *body = "{\"name\":\"x\",\"type\":\"META_WHATSAPP\"}";
    for (int i = 0; i < 2; i++)
        hm_err("POST", "/hubmessage/v1/channels", HM_AUTH, body, 500, "SERVER_ERROR", NULL);
    free(hm_create("after the failures"));
    json_decref(control(&g_sb, "POST", "/_sandbox/hubmessage/fail?times=abc", 400));
    json_decref(control(&g_sb, "POST", "/_sandbox/hubmessage/fail?times=101", 400));
    json_decref(control(&g_sb, "GET", "/_sandbox/hubmessage/fail", 405));
    json_decref(control(&g_sb, "GET", "/_sandbox/hubmessage/bogus", 404));
}

/* ---- HydraCore -------------------------------------------------------------------------- */

#define HC_AUTH "Authorization: Bearer " HC
#define HC_PATH(inst) "/hydracore/v1/instances/" inst "/channels/whatsapp"

static json_t *hc(const char *method, const char *path, const char *body, long want)
{
    return hjson(&g_sb, method, path, HC_AUTH, NULL, body, want);
}

/* Asserts {"detail": "<detail>"}. */
static void hc_detail(const sandbox_proc *sb, const char *method, const char *path, const char *h1,
                      const char *h2, const char *body, long status, const char *detail)
{
    json_t *j = hjson(sb, method, path, h1, h2, body, status);
    assert_string_equal(jstr(j, "detail"), detail);
    json_decref(j);
}

/* The 422 detail list of a request (new reference). */
static json_t *hc_422(const char *method, const char *path, const char *body)
{
    json_t *j = hc(method, path, body, 422);
    json_t *d = json_incref(json_object_get(j, "detail"));
    json_decref(j);
    assert_true(json_is_array(d));
    return d;
}

/* The entry of a 422 list for loc [where, field]; asserts there is exactly one. */
static json_t *entry_for(json_t *detail, const char *where, const char *field)
{
    json_t *hit = NULL, *e;
    size_t i;
    json_array_foreach(detail, i, e)
    {
        json_t *loc = json_object_get(e, "loc");
        const char *w = json_string_value(json_array_get(loc, 0));
        const char *f = json_string_value(json_array_get(loc, 1));
        if (w && !strcmp(w, where) &&
            (field ? f && !strcmp(f, field) : json_array_size(loc) == 1)) {
            assert_null(hit);
            hit = e;
        }
    }
    assert_non_null(hit);
    return hit;
}

static void test_hc_auth(void **state)
{
    const char *p = HC_PATH(INST);
    hc_detail(&g_sb, "GET", p, NULL, NULL, NULL, 401, "Not authenticated");
    hc_detail(&g_sb, "GET", p, "Authorization: Bearer hc_wrong", NULL, NULL, 401,
              "Not authenticated");
    hc_detail(&g_sb, "DELETE", p, "Authorization: Basic aGM6c2FuZGJveA==", NULL, NULL, 401,
              "Not authenticated");
    /* No --hydracore-api-key here: an X-Api-Key is not needed, and one sent is ignored. */
    hc_detail(&g_sb, "GET", p, HC_AUTH, "X-Api-Key: whatever", NULL, 404,
              "WhatsApp channel not configured");
    hc_detail(&g_sb, "GET", "/hydracore/v1/instances", HC_AUTH, NULL, NULL, 404, "Not Found");
    sandbox_reply r;
    char allow[64];
    assert_int_equal(hreq(&g_sb, "PUT", p, HC_AUTH, NULL, "{}", &r), 405);
    assert_string_equal(sandbox_reply_header(&r, "Allow", allow, sizeof allow),
                        "GET, POST, DELETE");
    sandbox_reply_free(&r);
}

/* GET of the webhook URL as Meta makes it; returns the status, *body the text. */
static long challenge(const char *url, const char *token, const char *chal, char *body, size_t n)
{
    char full[600];
    snprintf(full, sizeof full, "%s?hub.mode=subscribe&hub.verify_token=%s&hub.challenge=%s", url,
             token, chal);
    sandbox_reply r;
    long st = sandbox_http("GET", full, NULL, NULL, 0, &r);
    snprintf(body, n, "%.*s", (int)r.body_len, r.body ? r.body : "");
    sandbox_reply_free(&r);
    return st;
}

static void test_hc_setup_lifecycle(void **state)
{
    const char *p = HC_PATH(INST);
    char want_url[300], body[600], buf[300];
    snprintf(want_url, sizeof want_url, "%s/hydracore/webhooks/whatsapp/%s", g_sb.base_url, INST);
    hc_detail(&g_sb, "GET", p, HC_AUTH, NULL, NULL, 404, "WhatsApp channel not configured");
    hc_detail(&g_sb, "DELETE", p, HC_AUTH, NULL, NULL, 404, "WhatsApp channel not configured");
    json_decref(control(&g_sb, "POST", "/_sandbox/hydracore/" INST "/verify", 404));
    /* Setup without a verify token: one is made up and returned. */
    snprintf(
        body, sizeof body,
        "{\"access_token\":\"%s\",\"app_secret\":\"%s\",\"phone_number_id\":\"106540352242922\","
        "\"display_phone\":\"+61400111222\"}",
        TOKEN_LONG, SECRET32);
    json_t *j = hc("POST", p, body, 200);
    assert_string_equal(jstr(j, "display_phone"), "+61400111222");
    assert_true(json_is_true(json_object_get(j, "enabled")));
    assert_string_equal(jstr(j, "phone_number_id"), "106540352242922");
    assert_string_equal(jstr(j, "status"), "pending_verification");
    assert_string_equal(jstr(j, "webhook_url"), want_url);
    const char *vt = jstr(j, "verify_token");
    assert_int_equal(strlen(vt), 30);
    assert_memory_equal(vt, "hc_vt_", 6);
    assert_int_equal(strspn(vt + 6, "0123456789abcdef"), 24);
    char token[64];
    snprintf(token, sizeof token, "%s", vt);
    assert_null(json_object_get(j, "access_token"));
    assert_null(json_object_get(j, "app_secret"));
    json_decref(j);
    /* GET: the seed's five fields. */
    j = hc("GET", p, NULL, 200);
    assert_int_equal(json_object_size(j), 5);
    assert_string_equal(jstr(j, "status"), "pending_verification");
    assert_string_equal(jstr(j, "webhook_url"), want_url);
    json_decref(j);
    /* The control view: the setup body with the secrets masked to their last 4. */
    sandbox_reply r;
    assert_int_equal(hreq(&g_sb, "GET", "/_sandbox/hydracore/" INST, NULL, NULL, NULL, &r), 200);
    assert_null(strstr(r.body, TOKEN_LONG));
    assert_null(strstr(r.body, SECRET32));
    assert_null(strstr(r.body, token));
    j = json_loadb(r.body, r.body_len, 0, NULL);
    sandbox_reply_free(&r);
    json_t *setup = json_object_get(j, "last_setup");
    assert_string_equal(jstr(setup, "access_token"), "****wxyz");
    assert_string_equal(jstr(setup, "app_secret"), "****cdef");
    assert_string_equal(jstr(setup, "phone_number_id"), "106540352242922");
    assert_string_equal(jstr(setup, "display_phone"), "+61400111222");
    assert_int_equal(json_integer_value(json_object_get(j, "last_setup_status")), 200);
    assert_int_equal(json_integer_value(json_object_get(j, "setups")), 1);
    assert_true(json_is_true(json_object_get(j, "configured")));
    assert_string_equal(jstr(j, "verify_token_source"), "generated");
    char masked[64];
    snprintf(masked, sizeof masked, "****%s", token + 26);
    assert_string_equal(jstr(j, "verify_token"), masked);
    json_decref(j);
    /* Meta's challenge: the wrong token is refused, the right one echoes the challenge. */
    assert_int_equal(challenge(want_url, "hc_vt_wrong", "1158201444", buf, sizeof buf), 403);
    j = hc("GET", p, NULL, 200);
    assert_string_equal(jstr(j, "status"), "pending_verification");
    json_decref(j);
    assert_int_equal(challenge(want_url, token, "1158201444", buf, sizeof buf), 200);
    assert_string_equal(buf, "1158201444");
    j = hc("GET", p, NULL, 200);
    assert_string_equal(jstr(j, "status"), "connected");
    json_decref(j);
    assert_int_equal(
        hreq(&g_sb, "POST", "/hydracore/webhooks/whatsapp/" INST, NULL, NULL, "{}", &r), 405);
    sandbox_reply_free(&r);
    /* Replacing it (our own verify token) starts over: 200, pending again. */
    snprintf(
        body, sizeof body,
        "{\"access_token\":\"%s\",\"app_secret\":\"%s\",\"phone_number_id\":\"106540352242923\","
        "\"verify_token\":\"my-verify-token-1\"}",
        TOKEN_LONG, SECRET32);
    j = hc("POST", p, body, 200);
    assert_string_equal(jstr(j, "verify_token"), "my-verify-token-1");
    assert_string_equal(jstr(j, "status"), "pending_verification");
    assert_true(json_is_null(json_object_get(j, "display_phone")));
    json_decref(j);
    assert_int_equal(challenge(want_url, token, "1", buf, sizeof buf), 403); /* the old token */
    /* The control plays the challenge. */
    j = control(&g_sb, "POST", "/_sandbox/hydracore/" INST "/verify", 200);
    assert_string_equal(jstr(json_object_get(j, "channel"), "status"), "connected");
    assert_string_equal(jstr(j, "verify_token"), "****en-1");
    assert_string_equal(jstr(j, "verify_token_source"), "sent");
    assert_string_equal(jstr(j, "verified_by"), "control");
    assert_int_equal(json_integer_value(json_object_get(j, "setups")), 2);
    json_decref(j);
    j = hc("GET", p, NULL, 200);
    assert_string_equal(jstr(j, "status"), "connected");
    assert_string_equal(jstr(j, "phone_number_id"), "106540352242923");
    json_decref(j);
    /* Teardown: 204 with no body, then gone. */
    assert_int_equal(hreq(&g_sb, "DELETE", p, HC_AUTH, NULL, NULL, &r), 204);
    assert_int_equal(r.body_len, 0);
    sandbox_reply_free(&r);
    hc_detail(&g_sb, "GET", p, HC_AUTH, NULL, NULL, 404, "WhatsApp channel not configured");
    hc_detail(&g_sb, "DELETE", p, HC_AUTH, NULL, NULL, 404, "WhatsApp channel not configured");
    json_decref(control(&g_sb, "POST", "/_sandbox/hydracore/" INST "/verify", 404));
    assert_int_equal(challenge(want_url, "my-verify-token-1", "1", buf, sizeof buf), 403);
}

/* Upper case and 32 bare hex digits are the same instance, in canonical form. */
static void test_hc_instance_forms(void **state)
{
    char body[400], url[300];
    snprintf(body, sizeof body,
             "{\"access_token\":\"%s\",\"app_secret\":\"%s\",\"phone_number_id\":\"1\"}",
             TOKEN_LONG, SECRET32);
    json_t *j = hc("POST", HC_PATH("ABCDEF01-2345-4789-ABCD-EF0123456789"), body, 200);
    snprintf(url, sizeof url, "%s/hydracore/webhooks/whatsapp/%s", g_sb.base_url,
             "abcdef01-2345-4789-abcd-ef0123456789");
    assert_string_equal(jstr(j, "webhook_url"), url);
    json_decref(j);
    json_decref(hc("GET", HC_PATH("abcdef0123454789abcdef0123456789"), NULL, 200));
    json_decref(hc("DELETE", HC_PATH("abcdef01-2345-4789-abcd-ef0123456789"), NULL, 204));
}

static void test_hc_validation(void **state)
{
    const char *p = HC_PATH(INST);
    /* Every missing field at once. */
    json_t *d = hc_422("POST", p, "{\"display_phone\":\"+61400111222\"}");
    assert_int_equal(json_array_size(d), 3);
    static const char *const required[] = {"access_token", "app_secret", "phone_number_id"};
    for (size_t i = 0; i < 3; i++) {
        json_t *e = entry_for(d, "body", required[i]);
        assert_string_equal(jstr(e, "msg"), "Field required");
        assert_string_equal(jstr(e, "type"), "missing");
    }
    json_decref(d);
    /* Every bad value at once, each with its sentence. */
    d = hc_422("POST", p,
               "{\"access_token\":\"EAAGshort\",\"app_secret\":\"xyz\",\"phone_number_id\":"
               "\"10654-0352\",\"display_phone\":\"0400111222\",\"verify_token\":\"\"}");
    assert_int_equal(json_array_size(d), 5);
    assert_string_equal(jstr(entry_for(d, "body", "access_token"), "msg"),
                        "access_token looks truncated");
    assert_string_equal(jstr(entry_for(d, "body", "app_secret"), "msg"),
                        "app_secret must be 32 hex characters");
    assert_string_equal(jstr(entry_for(d, "body", "phone_number_id"), "msg"),
                        "phone_number_id must be digits");
    assert_string_equal(jstr(entry_for(d, "body", "display_phone"), "msg"),
                        "display_phone must be E.164, e.g. +61400111222");
    assert_non_null(entry_for(d, "body", "verify_token"));
    char *dump = json_dumps(d, 0);
    assert_null(strstr(dump, "EAAGshort")); /* inputs are not echoed */
    free(dump);
    json_decref(d);
    /* Wrong types. */
    d = hc_422("POST", p,
               "{\"access_token\":1234,\"app_secret\":null,"
               "\"phone_number_id\":[],\"display_phone\":null}");
    assert_int_equal(json_array_size(d), 3);
    assert_string_equal(jstr(entry_for(d, "body", "access_token"), "type"), "string_type");
    assert_string_equal(jstr(entry_for(d, "body", "app_secret"), "type"), "string_type");
    assert_string_equal(jstr(entry_for(d, "body", "phone_number_id"), "type"), "string_type");
    json_decref(d);
    /* Bodies that are not an object. */
    d = hc_422("POST", p, "{\"access_token\":");
    json_t *e0 = json_array_get(d, 0);
    assert_string_equal(jstr(e0, "type"), "json_invalid");
    assert_string_equal(jstr(e0, "msg"), "JSON decode error");
    assert_string_equal(json_string_value(json_array_get(json_object_get(e0, "loc"), 0)), "body");
    json_decref(d);
    d = hc_422("POST", p, "[1,2]");
    assert_string_equal(jstr(entry_for(d, "body", NULL), "type"), "model_attributes_type");
    json_decref(d);
    d = hc_422("POST", p, NULL);
    assert_string_equal(jstr(entry_for(d, "body", NULL), "type"), "missing");
    json_decref(d);
    /* A path that is not a UUID, on every method; with a bad body both are reported. */
    static const char *const methods[] = {"GET", "DELETE"};
    for (size_t i = 0; i < 2; i++) {
        d = hc_422(methods[i], HC_PATH("not-a-uuid"), NULL);
        assert_int_equal(json_array_size(d), 1);
        json_t *e = entry_for(d, "path", "instance_id");
        assert_string_equal(jstr(e, "type"), "uuid_parsing");
        assert_memory_equal(jstr(e, "msg"), "Input should be a valid UUID", 28);
        assert_string_equal(jstr(e, "input"), "not-a-uuid");
        json_decref(d);
    }
    d = hc_422("POST", HC_PATH("3f6b2a10-8c4d-4e5f-9a0b-1c2d3e4f5a6g"), "{}");
    assert_int_equal(json_array_size(d), 4);
    assert_non_null(strstr(jstr(entry_for(d, "path", "instance_id"), "msg"), "found `g` at 36"));
    json_decref(d);
    /* The refused body is kept for the controls too, secrets masked. */
    json_decref(
        hc_422("POST", p, "{\"access_token\":\"EAAGshort\",\"app_secret\":\"" SECRET32 "\"}"));
    json_t *j = control(&g_sb, "GET", "/_sandbox/hydracore/" INST, 200);
    assert_int_equal(json_integer_value(json_object_get(j, "last_setup_status")), 422);
    assert_string_equal(jstr(json_object_get(j, "last_setup"), "access_token"), "****hort");
    assert_string_equal(jstr(json_object_get(j, "last_setup"), "app_secret"), "****cdef");
    json_decref(j);
    json_decref(control(&g_sb, "GET", "/_sandbox/hydracore/not-a-uuid", 404));
    json_decref(control(&g_sb, "GET", "/_sandbox/hydracore/" INST "/nope", 404));
}

static void test_hc_nil_instance(void **state)
{
    const char *p = HC_PATH(NIL);
    char body[400];
    snprintf(body, sizeof body,
             "{\"access_token\":\"%s\",\"app_secret\":\"%s\",\"phone_number_id\":\"1\"}",
             TOKEN_LONG, SECRET32);
    hc_detail(&g_sb, "GET", p, HC_AUTH, NULL, NULL, 404, "Instance not found");
    hc_detail(&g_sb, "POST", p, HC_AUTH, NULL, body, 404, "Instance not found");
    hc_detail(&g_sb, "DELETE", p, HC_AUTH, NULL, NULL, 404, "Instance not found");
    json_decref(control(&g_sb, "GET", "/_sandbox/hydracore/" NIL, 404));
}

static void test_hc_fail(void **state)
{
    const char *p = HC_PATH(INST);
    json_decref(control(&g_sb, "POST", "/_sandbox/hydracore/fail?times=3", 200));
    hc_detail(&g_sb, "GET", p, HC_AUTH, NULL, NULL, 500, "Internal Server Error");
    hc_detail(&g_sb, "DELETE", p, HC_AUTH, NULL, NULL, 500, "Internal Server Error");
    json_t *j = control(&g_sb, "GET", "/_sandbox/hydracore", 200);
    assert_int_equal(json_integer_value(json_object_get(j, "fail_next")), 1);
    assert_false(json_is_true(json_object_get(j, "api_key_required")));
    assert_true(json_array_size(json_object_get(j, "instances")) >= 1);
    json_decref(j);
    json_decref(control(&g_sb, "POST", "/_sandbox/hydracore/fail?times=0", 200)); /* cancels */
    hc_detail(&g_sb, "GET", p, HC_AUTH, NULL, NULL, 404, "WhatsApp channel not configured");
    json_decref(control(&g_sb, "POST", "/_sandbox/hydracore/fail?times=-1", 400));
}

/* Its own sandbox: X-Api-Key required, tokens from files (HydraCore and HubMessage). */
static void test_hc_api_key_and_token_files(void **state)
{
    char hc_file[] = "/tmp/hd-hc-XXXXXX", hm_file[] = "/tmp/hd-hm-XXXXXX";
    int fd = mkstemp(hc_file);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, " hc-file-token-9876 \n", 21), 21);
    close(fd);
    fd = mkstemp(hm_file);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "hm_sk_from_file_4321\n", 21), 21);
    close(fd);
    sandbox_proc sb;
    const char *const args[] = {"--hydracore-api-key",
                                "hc-key-5555",
                                "--hydracore-token-file",
                                hc_file,
                                "--hubmessage-token-file",
                                hm_file,
                                NULL};
    int started = sandbox_start(args, &sb);
    unlink(hc_file);
    unlink(hm_file);
    assert_int_equal(started, 0);
    const char *p = HC_PATH(INST), *good = "Authorization: Bearer hc-file-token-9876";
    json_decref(hjson(&sb, "POST", "/_sandbox/test/log/clear", NULL, NULL, NULL, 200));
    hc_detail(&sb, "GET", p, HC_AUTH, "X-Api-Key: hc-key-5555", NULL, 401, "Not authenticated");
    hc_detail(&sb, "GET", p, good, NULL, NULL, 401, "Invalid API key");
    hc_detail(&sb, "GET", p, good, "X-Api-Key: hc-key-5556", NULL, 401, "Invalid API key");
    hc_detail(&sb, "GET", p, good, "X-Api-Key: hc-key-555", NULL, 401, "Invalid API key");
    hc_detail(&sb, "GET", p, good, "X-Api-Key: hc-key-5555", NULL, 404,
              "WhatsApp channel not configured");
    json_t *j = hjson(&sb, "GET", "/_sandbox/hydracore", NULL, NULL, NULL, 200);
    assert_true(json_is_true(json_object_get(j, "api_key_required")));
    json_decref(j);
    /* HubMessage: the file's key, not the default. */
    json_t *e = hjson(&sb, "POST", "/hubmessage/v1/channels", HM_AUTH, NULL,
                      "{\"name\":\"x\",\"type\":\"META_WHATSAPP\"}", 401);
    json_decref(e);
    json_decref(hjson(&sb, "POST", "/hubmessage/v1/channels",
                      "Authorization: Bearer hm_sk_from_file_4321", NULL,
                      "{\"name\":\"x\",\"type\":\"META_WHATSAPP\"}", 201));
    /* The log has every request, keys masked. */
    sandbox_reply r;
    assert_int_equal(hreq(&sb, "GET", "/_sandbox/test/log", NULL, NULL, NULL, &r), 200);
    assert_null(strstr(r.body, "hc-file-token-9876"));
    assert_null(strstr(r.body, "hc-key-5555"));
    assert_null(strstr(r.body, "hm_sk_from_file_4321"));
    json_t *log = json_loadb(r.body, r.body_len, 0, NULL);
    sandbox_reply_free(&r);
    json_t *last_hc = json_array_get(log, 4);
    assert_string_equal(jstr(last_hc, "hub"), "hydracore");
    assert_string_equal(jstr(last_hc, "method"), "GET");
    assert_string_equal(jstr(last_hc, "path"), p);
    assert_string_equal(jstr(last_hc, "authorization"), "Bearer ****9876");
    assert_string_equal(jstr(last_hc, "api_key"), "****5555");
    json_t *first_hc = json_array_get(log, 0);
    assert_true(json_is_null(json_object_get(json_array_get(log, 1), "api_key")));
    assert_string_equal(jstr(first_hc, "authorization"), "Bearer ****dbox");
    json_t *hm_e = json_array_get(log, 7);
    assert_string_equal(jstr(hm_e, "hub"), "hubmessage");
    assert_string_equal(jstr(hm_e, "authorization"), "Bearer ****4321");
    json_decref(log);
    /* The spec's name for the same log. */
    json_decref(hjson(&sb, "POST", "/_sandbox/log/clear", NULL, NULL, NULL, 200));
    log = hjson(&sb, "GET", "/_sandbox/log", NULL, NULL, NULL, 200);
    assert_int_equal(json_array_size(log), 1); /* this GET */
    assert_string_equal(jstr(json_array_get(log, 0), "path"), "/_sandbox/log");
    json_decref(log);
    assert_int_equal(sandbox_stop(&sb), 0);
}

/* ---- Chatt2.me -------------------------------------------------------------------------- */

#define C2M_KEY "x-api-key: " C2M
#define C2M_OTHER_KEY "x-api-key: " C2M_OTHER

/* Asserts {"errorCode":CODE,"errorMessage":...}. */
static void c2m_err(const char *method, const char *path, const char *key, const char *body,
                    long status, const char *code)
{
    json_t *j = hjson(&g_sb, method, path, key, NULL, body, status);
    assert_string_equal(jstr(j, "errorCode"), code);
    assert_true(json_string_length(json_object_get(j, "errorMessage")) > 0);
    json_decref(j);
}

static const char *c2m_body(char *buf, size_t n, const char *from, const char *to, const char *text)
{
    snprintf(buf, n, "{\"from\":\"%s\",\"to\":\"%s\",\"content\":{\"text\":\"%s\"}}", from, to,
             text);
    return buf;
}

static void test_c2m_auth(void **state)
{
    char body[300];
    const char *p = "/chatt2me/v1/communication/whatsapp/message";
    c2m_body(body, sizeof body, WA, "5511993986082", "Hi");
    static const char *const keys[] = {NULL, "x-api-key: c2m_app_wrong", "x-api-key: c2m_app",
                                       "Authorization: Bearer " C2M, "x-api-key: "};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        json_t *j = hjson(&g_sb, "POST", p, keys[i], NULL, body, 401);
        assert_string_equal(jstr(j, "errorCode"), "UNAUTHORIZED");
        assert_string_equal(jstr(j, "errorMessage"), "Invalid API key");
        json_decref(j);
    }
    c2m_err("GET", "/chatt2me/v1/organization/webhook", NULL, NULL, 401, "UNAUTHORIZED");
    c2m_err("GET", "/chatt2me/v1/nope", C2M_KEY, NULL, 404, "NOT_FOUND");
    c2m_err("GET", p, C2M_KEY, NULL, 405, "METHOD_NOT_ALLOWED");
    c2m_err("DELETE", "/chatt2me/v1/organization/webhook", C2M_KEY, NULL, 405,
            "METHOD_NOT_ALLOWED");
}

static void test_c2m_send(void **state)
{
    static const struct {
        const char *kind, *from, *to, *status;
    } ok[] = {
        {"whatsapp", WA, "5511993986082", "enqueued"},
        {"messenger", FB, "26203292189261166", "enqueued"},
        {"sms", SMS, "+5511944574999", "sent"},
        {"telegram", TG, "8568649397", "sent"},
        {"telegram", TG, "-1001234567890", "sent"},
        {"instagram", IG, "847495124317323", "sent"},
        {"webchatt", WEB, "visitor_7f3a", "sent"},
        {WA, WA, "5511993986082", "enqueued"}, /* the UUID in the path */
    };
    char path[200], body[400];
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        snprintf(path, sizeof path, "/chatt2me/v1/communication/%s/message", ok[i].kind);
        json_t *j = hjson(&g_sb, "POST", path, C2M_KEY, NULL,
                          c2m_body(body, sizeof body, ok[i].from, ok[i].to, "Hello!"), 200);
        assert_true(is_uuid(jstr(j, "messageId")));
        assert_string_equal(jstr(j, "status"), ok[i].status);
        assert_int_equal(json_object_size(j), 2);
        json_decref(j);
    }
    /* The other application's key and channel. */
    json_t *j = hjson(&g_sb, "POST", "/chatt2me/v1/communication/whatsapp/message", C2M_OTHER_KEY,
                      NULL, c2m_body(body, sizeof body, OTHER_WA, "5511993986082", "Hi"), 200);
    assert_string_equal(jstr(j, "status"), "enqueued");
    json_decref(j);
    /* A recipient ending in 0000: 200, but status error. */
    j = hjson(&g_sb, "POST", "/chatt2me/v1/communication/sms/message", C2M_KEY, NULL,
              c2m_body(body, sizeof body, SMS, "+5511944570000", "Hi"), 200);
    assert_true(is_uuid(jstr(j, "messageId")));
    assert_string_equal(jstr(j, "status"), "error");
    assert_string_equal(jstr(j, "errorCode"), "RECIPIENT_UNREACHABLE");
    assert_string_equal(jstr(j, "errorMessage"), "The recipient cannot be reached on this channel");
    json_decref(j);
    /* The control view has what was sent, with the answer. */
    j = control(&g_sb, "GET", "/_sandbox/chatt2me", 200);
    json_t *msgs = json_object_get(j, "messages");
    json_t *last = json_array_get(msgs, json_array_size(msgs) - 1);
    assert_string_equal(jstr(last, "application"), "Sandbox App");
    assert_string_equal(jstr(last, "kind"), "sms");
    assert_string_equal(jstr(last, "from"), SMS);
    assert_string_equal(jstr(last, "to"), "+5511944570000");
    assert_string_equal(jstr(json_object_get(last, "answer"), "status"), "error");
    assert_int_equal(json_array_size(json_object_get(j, "channels")), 7);
    json_decref(j);
}

static void test_c2m_send_errors(void **state)
{
    char body[400];
    const char *wa = "/chatt2me/v1/communication/whatsapp/message";
    const char *sms = "/chatt2me/v1/communication/sms/message";
    /* Another application's channel, an unknown one: 404. */
    c2m_err("POST", wa, C2M_KEY, c2m_body(body, sizeof body, OTHER_WA, "5511993986082", "Hi"), 404,
            "CHANNEL_NOT_FOUND");
    c2m_err("POST", wa, C2M_OTHER_KEY, c2m_body(body, sizeof body, WA, "5511993986082", "Hi"), 404,
            "CHANNEL_NOT_FOUND");
    c2m_err(
        "POST", wa, C2M_KEY,
        c2m_body(body, sizeof body, "11111111-2222-4333-8444-555555555555", "5511993986082", "Hi"),
        404, "CHANNEL_NOT_FOUND");
    c2m_err("POST", "/chatt2me/v1/communication/" OTHER_WA "/message", C2M_KEY,
            c2m_body(body, sizeof body, WA, "5511993986082", "Hi"), 404, "CHANNEL_NOT_FOUND");
    /* The kind in the path is not the channel's. */
    c2m_err("POST", sms, C2M_KEY, c2m_body(body, sizeof body, WA, "5511993986082", "Hi"), 400,
            "CHANNEL_KIND_MISMATCH");
    c2m_err("POST", "/chatt2me/v1/communication/fax/message", C2M_KEY,
            c2m_body(body, sizeof body, WA, "5511993986082", "Hi"), 400, "CHANNEL_KIND_MISMATCH");
    c2m_err("POST", "/chatt2me/v1/communication/" SMS "/message", C2M_KEY,
            c2m_body(body, sizeof body, WA, "5511993986082", "Hi"), 400, "CHANNEL_KIND_MISMATCH");
    /* Recipients that do not fit the kind. */
    static const struct {
        const char *kind, *from, *to;
    } bad_to[] = {
        {"whatsapp", WA, "+5511993986082"},
        {"whatsapp", WA, "55119"},
        {"whatsapp", WA, "0511993986082"},
        {"sms", SMS, "5511944574999"},
        {"sms", SMS, "+55"},
        {"telegram", TG, "@someone"},
        {"instagram", IG, "ig-847495"},
        {"messenger", FB, "2620 3292"},
        {"webchatt", WEB, "visitor 7f3a"},
    };
    char path[200];
    for (size_t i = 0; i < sizeof bad_to / sizeof *bad_to; i++) {
        snprintf(path, sizeof path, "/chatt2me/v1/communication/%s/message", bad_to[i].kind);
        c2m_err("POST", path, C2M_KEY,
                c2m_body(body, sizeof body, bad_to[i].from, bad_to[i].to, "x"), 400,
                "INVALID_RECIPIENT");
    }
    /* Payloads that are missing something. */
    static const char *const bad_payload[] = {
        "{\"to\":\"5511993986082\",\"content\":{\"text\":\"x\"}}",
        "{\"from\":\"whatsapp\",\"to\":\"5511993986082\",\"content\":{\"text\":\"x\"}}",
        "{\"from\":\"" WA "\",\"content\":{\"text\":\"x\"}}",
        "{\"from\":\"" WA "\",\"to\":\"\",\"content\":{\"text\":\"x\"}}",
        "{\"from\":\"" WA "\",\"to\":5511993986082,\"content\":{\"text\":\"x\"}}",
        "{\"from\":\"" WA "\",\"to\":\"5511993986082\"}",
        "{\"from\":\"" WA "\",\"to\":\"5511993986082\",\"content\":\"x\"}",
        "{\"from\":\"" WA "\",\"to\":\"5511993986082\",\"content\":{\"text\":\"\"}}",
        "{\"from\":\"" WA "\",\"to\":\"5511993986082\",\"content\":{\"text\":7}}",
        "{\"from\":",
        "[]",
        "",
    };
    for (size_t i = 0; i < sizeof bad_payload / sizeof *bad_payload; i++)
        c2m_err("POST", wa, C2M_KEY, bad_payload[i], 400, "INVALID_PAYLOAD");
}

static json_t *c2m_hook(const char *key, const char *label, const char *endpoint, const char *event,
                        long want)
{
    char body[600];
    snprintf(body, sizeof body, "{\"label\":\"%s\",\"endpoint\":\"%s\",\"eventType\":\"%s\"}",
             label, endpoint, event);
    return hjson(&g_sb, "POST", "/chatt2me/v1/organization/webhook", key, NULL, body, want);
}

static bool listed(json_t *list, const char *id)
{
    size_t i;
    json_t *h;
    json_array_foreach(list, i, h)
    {
        if (!strcmp(jstr(h, "id"), id))
            return true;
    }
    return false;
}

static void test_c2m_webhooks(void **state)
{
    const char *events[] = {"Message", "MessageStatus"};
    char ids[2][40];
    for (int i = 0; i < 2; i++) {
        json_t *j = c2m_hook(C2M_KEY, "crm", "https://hooks.example.com/c2m", events[i], 201);
        assert_true(is_uuid(jstr(j, "id")));
        snprintf(ids[i], sizeof ids[i], "%s", jstr(j, "id"));
        assert_string_equal(jstr(j, "label"), "crm");
        assert_string_equal(jstr(j, "endpoint"), "https://hooks.example.com/c2m");
        assert_string_equal(jstr(j, "eventType"), events[i]);
        assert_true(json_is_true(json_object_get(j, "active")));
        assert_int_equal(json_object_size(j), 5);
        json_decref(j);
    }
    const char *w = "/chatt2me/v1/organization/webhook";
    json_t *j = hjson(&g_sb, "GET", w, C2M_KEY, NULL, NULL, 200);
    json_t *data = json_object_get(j, "data");
    assert_true(listed(data, ids[0]) && listed(data, ids[1]));
    assert_null(json_object_get(json_array_get(data, 0), "application"));
    json_decref(j);
    /* The other application's key does not see them. */
    j = hjson(&g_sb, "GET", w, C2M_OTHER_KEY, NULL, NULL, 200);
    assert_false(listed(json_object_get(j, "data"), ids[0]));
    json_decref(j);
    /* Refusals. */
    static const struct {
        const char *endpoint, *event, *code;
    } bad[] = {
        {"https://hooks.example.com/x", "Messages", "INVALID_EVENT_TYPE"},
        {"https://hooks.example.com/x", "message", "INVALID_EVENT_TYPE"},
        {"http://hooks.example.com/x", "Message", "INVALID_ENDPOINT"},
        {"https://", "Message", "INVALID_ENDPOINT"},
        {"ftp://hooks.example.com", "Message", "INVALID_ENDPOINT"},
        {"https://unreachable.example/hook", "Message", "ENDPOINT_VERIFICATION_FAILED"},
        {"https://user@UNREACHABLE.example:8443/hook", "MessageStatus",
         "ENDPOINT_VERIFICATION_FAILED"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        j = c2m_hook(C2M_KEY, "crm", bad[i].endpoint, bad[i].event, 400);
        assert_string_equal(jstr(j, "errorCode"), bad[i].code);
        if (!strcmp(bad[i].code, "ENDPOINT_VERIFICATION_FAILED"))
            assert_string_equal(jstr(j, "errorMessage"),
                                "the endpoint did not answer 200 to the verification request");
        json_decref(j);
    }
    static const char *const bad_payload[] = {
        "{\"endpoint\":\"https://a.example\",\"eventType\":\"Message\"}",
        "{\"label\":\"\",\"endpoint\":\"https://a.example\",\"eventType\":\"Message\"}",
        "{\"label\":\"l\",\"eventType\":\"Message\"}",
        "{\"label\":\"l\",\"endpoint\":[],\"eventType\":\"Message\"}",
        "{\"label\":\"l\",\"endpoint\":\"https://a.example\"}",
        "{\"label\":\"l\",\"endpoint\":\"https://a.example\",\"eventType\":1}",
        "not json",
        "\"string\"",
    };
    for (size_t i = 0; i < sizeof bad_payload / sizeof *bad_payload; i++)
        c2m_err("POST", w, C2M_KEY, bad_payload[i], 400, "INVALID_PAYLOAD");
    /* Nothing refused was kept; the control view shows who made each. */
    j = control(&g_sb, "GET", "/_sandbox/chatt2me", 200);
    json_t *hooks = json_object_get(j, "webhooks"), *h;
    size_t i, n = 0;
    json_array_foreach(hooks, i, h)
    {
        assert_string_equal(jstr(h, "endpoint"), "https://hooks.example.com/c2m");
        assert_string_equal(jstr(h, "application"), "Sandbox App");
        n++;
    }
    assert_int_equal(n, 2);
    json_decref(j);
}

static void test_c2m_fail(void **state)
{
    const char *w = "/chatt2me/v1/organization/webhook";
    json_decref(control(&g_sb, "POST", "/_sandbox/chatt2me/fail?times=2", 200));
    c2m_err("GET", w, C2M_KEY, NULL, 500, "INTERNAL_ERROR");
    c2m_err("GET", w, NULL, NULL, 500, "INTERNAL_ERROR"); /* before the key is looked at */
    json_decref(hjson(&g_sb, "GET", w, C2M_KEY, NULL, NULL, 200));
    json_decref(control(&g_sb, "POST", "/_sandbox/chatt2me/fail", 200)); /* default: 1 */
    c2m_err("GET", w, C2M_KEY, NULL, 500, "INTERNAL_ERROR");
    json_decref(hjson(&g_sb, "GET", w, C2M_KEY, NULL, NULL, 200));
    json_decref(control(&g_sb, "POST", "/_sandbox/chatt2me/fail?times=x", 400));
    json_decref(control(&g_sb, "POST", "/_sandbox/chatt2me", 405));
    json_decref(control(&g_sb, "GET", "/_sandbox/chatt2me/nope", 404));
}

/* ---- all three ------------------------------------------------------------------------ */

/* Past the body limit: 413 in each hub's own error shape. */
static void test_oversized_bodies(void **state)
{
    char *big = malloc(70001);
    assert_non_null(big);
    memset(big, ' ', 70000);
    big[70000] = '\0';
    hm_err("POST", "/hubmessage/v1/channels", HM_AUTH, big, 413, "PAYLOAD_TOO_LARGE", NULL);
    hc_detail(&g_sb, "POST", HC_PATH(INST), HC_AUTH, NULL, big, 413, "Request Entity Too Large");
    c2m_err("POST", "/chatt2me/v1/organization/webhook", C2M_KEY, big, 413, "PAYLOAD_TOO_LARGE");
    /* ... and the key still comes first. */
    hm_err("POST", "/hubmessage/v1/channels", NULL, big, 401, "UNAUTHORIZED", NULL);
    free(big);
    /* Not a hub at all. */
    json_t *j = control(&g_sb, "GET", "/hubmessagex/v1/channels", 404);
    assert_string_equal(jstr(json_object_get(j, "error"), "code"), "NOT_FOUND");
    json_decref(j);
}

/* --help lists every new knob and the fixed Chatt2.me channels. */
static void test_help(void **state)
{
    const char *bin = getenv("HUBDESK_SANDBOX");
    char cmd[600], text[8192];
    snprintf(cmd, sizeof cmd, "'%s' --help", bin ? bin : "build/hubdesk-sandbox");
    FILE *f = popen(cmd, "r");
    assert_non_null(f);
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    assert_int_equal(pclose(f), 0);
    static const char *const want[] = {
        "--hubmessage-token-file",
        "--hydracore-token-file",
        "--hydracore-api-key",
        HM,
        "hm_pk_sandbox",
        HC,
        C2M,
        C2M_OTHER,
        WA,
        SMS,
        TG,
        IG,
        FB,
        WEB,
        OTHER_WA,
        NIL,
        "/_sandbox/hubmessage/window/",
        "/verify",
        "fail?times=N",
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        if (!strstr(text, want[i]))
            fprintf(stderr, "--help lacks %s\n", want[i]);
        assert_non_null(strstr(text, want[i]));
    }
}

static void test_clean_exit(void **state)
{
    assert_int_equal(sandbox_stop(&g_sb), 0);
}

static int start_main(void **state)
{
    return sandbox_start(NULL, &g_sb);
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
        cmocka_unit_test(test_hm_auth),
        cmocka_unit_test(test_hm_create_and_get),
        cmocka_unit_test(test_hm_connect),
        cmocka_unit_test(test_hm_messages),
        cmocka_unit_test(test_hm_fail),
        cmocka_unit_test(test_hc_auth),
        cmocka_unit_test(test_hc_setup_lifecycle),
        cmocka_unit_test(test_hc_instance_forms),
        cmocka_unit_test(test_hc_validation),
        cmocka_unit_test(test_hc_nil_instance),
        cmocka_unit_test(test_hc_fail),
        cmocka_unit_test(test_hc_api_key_and_token_files),
        cmocka_unit_test(test_c2m_auth),
        cmocka_unit_test(test_c2m_send),
        cmocka_unit_test(test_c2m_send_errors),
        cmocka_unit_test(test_c2m_webhooks),
        cmocka_unit_test(test_c2m_fail),
        cmocka_unit_test(test_oversized_bodies),
        cmocka_unit_test(test_help),
        cmocka_unit_test(test_clean_exit),
    };
    int failed = cmocka_run_group_tests_name("sandbox meta hubs", tests, start_main, stop_main);
    curl_global_cleanup();
    return failed ? 1 : 0;
}
