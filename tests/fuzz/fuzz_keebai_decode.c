/* fuzz_keebai_decode.c: libFuzzer target: arbitrary bytes into every Keebai decoder. As a
   stream event's data into the qr/connected/error/expired/start decoders (which parse it
   themselves), parsed as JSON into the REST decoders (signup, signup poll, channel, channels,
   me, webhook), and as a raw string into the session-id, type-filter and error-code helpers.
   Beyond not crashing: every string that comes out is clean, numbers stay in their documented
   ranges, a webhook's signing secret leaves the answer (wiped) and lands only in guarded
   memory, and the helpers accept only what their contracts say. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "fuzz_check.h"
#include "http.h"
#include "keebai_decode.h"
#include "secret.h"
#include "text.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    secret_harden_json(); /* as hubdesk runs: jansson wipes what it frees */
    return 0;
}

static void check_status_word(hd_status st)
{
    CHECK(st == HD_ERR_AUTH || st == HD_ERR_FORBIDDEN || st == HD_ERR_RATE_LIMITED ||
          st == HD_ERR_SERVER || st == HD_ERR_NOT_FOUND || st == HD_ERR_REJECTED);
}

/* The stream events: each decoder parses the bytes itself, with a roomy and a tiny buffer. */
static void stream_events(const char *d, size_t n)
{
    kb_qr q;
    kb_connected c;
    char msg[400], tiny[6], url[512];
    if (keebai_decode_qr(d, n, &q) == 0) {
        CHECK(q.qr[0] && strlen(q.qr) <= KB_QR_MAX);
        CHECK(q.attempt >= 0 && q.attempt < 1000);
        CHECK(q.expires_in_ms >= 0 && q.expires_in_ms < 86400L * 1000);
    }
    keebai_decode_connected(d, n, &c);
    CHECK(c.channel_id[0] && text_is_clean(c.channel_id));
    CHECK(text_is_clean(c.phone) && text_is_clean(c.name));
    check_status_word(keebai_decode_error(d, n, msg, sizeof msg));
    CHECK(msg[0] && text_is_clean(msg));
    check_status_word(keebai_decode_error(d, n, tiny, sizeof tiny));
    CHECK(strlen(tiny) < sizeof tiny && text_is_clean(tiny));
    keebai_decode_expired(d, n, msg, sizeof msg);
    CHECK(text_is_clean(msg));
    keebai_decode_expired(d, n, tiny, sizeof tiny);
    CHECK(strlen(tiny) < sizeof tiny && text_is_clean(tiny));
    if (keebai_decode_start(d, n, url, sizeof url) == 0)
        CHECK(url[0] && strlen(url) < sizeof url && text_is_clean(url));
    if (keebai_decode_start(d, n, tiny, sizeof tiny) == 0)
        CHECK(tiny[0] && strlen(tiny) < sizeof tiny);
}

/* provider.h's normalised channel, as keebai_channel_json promises it. */
static void check_channel(const json_t *ch)
{
    static const char *const keys[] = {
        "id", "name", "type", "phone", "active", "phone_number_id", "business_account_id", NULL};
    CHECK(json_is_object(ch) && fuzz_keys_within(ch, keys));
    CHECK(*fuzz_str(ch, "id"));
    fuzz_str(ch, "name");
    fuzz_str(ch, "type");
    fuzz_str(ch, "phone");
    CHECK(json_is_boolean(json_object_get(ch, "active")));
    fuzz_check_clean(ch);
}

static void signup(const json_t *j)
{
    kb_signup s;
    char why[200], tiny[4];
    hd_status st = keebai_decode_signup(j, &s, why, sizeof why);
    if (st == HD_OK) {
        CHECK(keebai_session_id_ok(s.session_id));
        CHECK(text_is_clean(s.verification_uri));
        /* The URL policy's own word (curl's parser: "https:/host" has a host, as in a
           browser); the scheme is https, or http (then to this machine). */
        CHECK(http_url_check(s.verification_uri) == HD_OK);
        CHECK(!strncasecmp(s.verification_uri, "https:", 6) ||
              !strncasecmp(s.verification_uri, "http:", 5));
        CHECK(s.expires_in_s >= 1 && s.expires_in_s <= KB_SIGNUP_MAX_S);
        CHECK(s.poll_interval_s >= 1 && s.poll_interval_s <= KB_POLL_MAX_S);
    } else {
        CHECK(st == HD_ERR_PROTOCOL && why[0]);
    }
    CHECK(keebai_decode_signup(j, &s, tiny, sizeof tiny) == st);
}

static void signup_poll(const json_t *j)
{
    json_t *ch = (json_t *)1;
    char status[64];
    kb_signup_state st = keebai_decode_signup_poll(j, &ch, status, sizeof status);
    CHECK(st >= KB_SIGNUP_PENDING && st <= KB_SIGNUP_UNKNOWN);
    CHECK(text_is_clean(status));
    CHECK(!ch || st == KB_SIGNUP_COMPLETED);
    if (ch)
        check_channel(ch);
    json_decref(ch);
}

static void channels(const json_t *j)
{
    json_t *ch = keebai_channel_json(j), *list = keebai_decode_channels(j), *item;
    size_t i;
    if (ch)
        check_channel(ch);
    json_decref(ch);
    CHECK(!list || json_is_array(list));
    json_array_foreach(list, i, item) check_channel(item);
    json_decref(list);
}

static void me(const json_t *j)
{
    static const char *const keys[] = {"account", "company", "scopes", NULL};
    json_t *m = keebai_decode_me(j), *scope;
    size_t i;
    if (!m)
        return;
    CHECK(json_is_object(m) && fuzz_keys_within(m, keys));
    CHECK(!json_object_get(m, "account") || json_is_string(json_object_get(m, "account")));
    CHECK(!json_object_get(m, "company") || json_is_string(json_object_get(m, "company")));
    CHECK(!json_object_get(m, "scopes") || json_is_array(json_object_get(m, "scopes")));
    json_array_foreach(json_object_get(m, "scopes"), i, scope) CHECK(json_is_string(scope));
    fuzz_check_clean(m);
    json_decref(m);
}

/* Last: it wipes the secret inside j. */
static void webhook(json_t *j)
{
    static const char *const keys[] = {"id", "url", "events", NULL};
    char *secret = (char *)1;
    int bad = -1;
    /* Where the decoder looks: {"data":{...}} unless the top has an id. */
    json_t *data = json_object_get(j, "data");
    json_t *hook = json_is_object(data) && !json_object_get(j, "id") ? data : j;
    json_t *sv = json_object_get(hook, "secret");
    json_t *out = keebai_decode_webhook(j, &secret, &bad);
    CHECK(bad == 0 || bad == 1);
    if (!out) {
        CHECK(!secret && !bad && !json_is_object(hook));
        return;
    }
    CHECK(fuzz_keys_within(out, keys) && json_is_array(json_object_get(out, "events")));
    fuzz_str(out, "id");
    fuzz_str(out, "url");
    fuzz_check_clean(out);
    if (json_is_string(sv)) {
        CHECK(!secret != !bad);
        for (size_t i = 0; i < json_string_length(sv); i++)
            CHECK(json_string_value(sv)[i] == '\0'); /* wiped in the parsed answer */
    } else {
        CHECK(!secret && !bad);
    }
    CHECK(!secret || secret_is_token_safe(secret));
    secret_free(secret);
    json_decref(out);
}

static void string_helpers(const char *s)
{
    size_t len = strlen(s);
    if (keebai_session_id_ok(s)) {
        CHECK(len >= 1 && len <= KB_SESSION_ID_MAX && strcmp(s, ".") && strcmp(s, ".."));
        CHECK(!strpbrk(s, "/?#%") && secret_is_token_safe(s));
    }
    if (keebai_type_filter_ok(s))
        CHECK(len >= 1 && len <= 64 && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == len);
    check_status_word(keebai_status_for_code(s));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    stream_events((const char *)data, size);
    json_t *j = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
    signup(j);
    signup_poll(j);
    channels(j);
    me(j);
    webhook(j);
    json_decref(j);
    char *s = fuzz_cstr(data, size);
    if (s)
        string_helpers(s);
    free(s);
    return 0;
}
