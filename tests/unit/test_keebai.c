/* test_keebai.c: the Keebai driver's QR pairing against the sandbox hub, every ending. */
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

static sandbox_proc sb;

typedef struct run_state {
    loop *l;
    http_client *http;
    void *session;
    int qrs, scanned, waiting, resumed, ended;
    char qr[8][300];
    int attempts[8];
    pair_event_type end;
    hd_status status;
    char message[400], channel_id[128], phone[64], name[128];
    int scan_after_qr;  /* ask the sandbox to scan after this many QRs */
    int drop_after_qr;  /* ask the sandbox to drop the stream after this many QRs */
} run_state;

/* Test control through the sandbox helper: tests may block, the console may not. */
static json_t *control(const char *method, const char *path)
{
    return sandbox_json(&sb, method, path);
}

static void on_event(const pair_event *ev, void *arg)
{
    run_state *r = arg;
    switch (ev->type) {
    case PAIR_EV_QR:
        if (r->qrs < 8) {
            snprintf(r->qr[r->qrs], sizeof r->qr[0], "%s", ev->qr);
            r->attempts[r->qrs] = ev->attempt;
        }
        r->qrs++;
        if (r->qrs == r->scan_after_qr)
            json_decref(control("POST", "/_sandbox/sessions/latest/scan"));
        if (r->qrs == r->drop_after_qr)
            json_decref(control("POST", "/_sandbox/sessions/latest/drop"));
        break;
    case PAIR_EV_SCANNED:
        r->scanned++;
        break;
    case PAIR_EV_WAITING:
        r->waiting++;
        break;
    case PAIR_EV_RESUMED:
        r->resumed++;
        break;
    default:
        r->ended++;
        r->end = ev->type;
        r->status = ev->status;
        snprintf(r->message, sizeof r->message, "%s", ev->message ? ev->message : "");
        snprintf(r->channel_id, sizeof r->channel_id, "%s", ev->channel_id ? ev->channel_id : "");
        snprintf(r->phone, sizeof r->phone, "%s", ev->phone ? ev->phone : "");
        snprintf(r->name, sizeof r->name, "%s", ev->name ? ev->name : "");
        break;
    }
}

static void pair(run_state *r, const char *base, const char *token, const char *name)
{
    char url[256];
    snprintf(url, sizeof url, "%s", base);
    r->l = loop_new();
    r->http = http_client_new(r->l);
    provider_ctx ctx = {.l = r->l, .http = r->http, .base_url = url, .token = token,
                        .backoff_base_ms = 10, .stream_retry_ms = 20};
    pair_request req = {.name = name};
    r->session = provider_keebai.pair_start(&ctx, &req, on_event, r);
    assert_non_null(r->session);
    uint64_t end = loop_now_ms() + 20000;
    while (!r->ended && loop_now_ms() < end)
        loop_run_once(r->l, 50);
    provider_keebai.pair_stop(r->session);
    http_client_free(r->http);
    loop_free(r->l);
}

static char *keebai_base(const char *host)
{
    static char buf[128];
    snprintf(buf, sizeof buf, "http://%s:%d/keebai", host, sb.port);
    return buf;
}

static int setup(void **state)
{
    const char *args[] = {"--qr-first-ms", "400", "--qr-next-ms", "300", "--qr-attempts", "3",
                          "--scan-delay-ms", "100", "--retry-ms", "50", NULL};
    return sandbox_start(args, &sb) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
    sandbox_stop(&sb);
    return 0;
}

static void test_qr_rotates_then_expires(void **state)
{
    run_state r = {0};
    pair(&r, keebai_base("127.0.0.1"), TOKEN, "Soporte Chile");
    assert_int_equal(r.end, PAIR_EV_EXPIRED);
    assert_int_equal(r.status, HD_ERR_EXPIRED);
    assert_int_equal(r.qrs, 3);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(r.attempts[i], i + 1);
        assert_memory_equal(r.qr[i], "2@", 2);
        assert_true(strlen(r.qr[i]) >= 200 && strlen(r.qr[i]) <= 260);
    }
    assert_string_not_equal(r.qr[0], r.qr[1]);
    assert_non_null(strstr(r.message, "qr_attempts_exhausted"));
}

static void test_scan_connects_and_reports_the_channel(void **state)
{
    run_state r = {.scan_after_qr = 1};
    pair(&r, keebai_base("127.0.0.1"), TOKEN, "Ventas Lima");
    assert_int_equal(r.end, PAIR_EV_CONNECTED);
    assert_int_equal(r.scanned, 1);
    json_t *latest = control("GET", "/_sandbox/sessions/latest");
    assert_string_equal(r.channel_id, json_string_value(json_object_get(latest, "channel_id")));
    assert_string_equal(r.name, "Ventas Lima");
    assert_int_equal(r.phone[0], '+');
    json_decref(latest);
}

static void test_drop_reconnects_and_still_pairs(void **state)
{
    run_state r = {.drop_after_qr = 1, .scan_after_qr = 2};
    pair(&r, keebai_base("127.0.0.1"), TOKEN, NULL);
    assert_true(r.waiting >= 1);
    assert_true(r.resumed >= 1); /* the warning is cleared once the stream is back */
    assert_int_equal(r.end, PAIR_EV_CONNECTED);
}

static void test_wrong_token_is_an_auth_failure(void **state)
{
    run_state r = {0};
    pair(&r, keebai_base("127.0.0.1"), "wrong-token-000000", NULL);
    assert_int_equal(r.end, PAIR_EV_FAILED);
    assert_int_equal(r.status, HD_ERR_AUTH);
    assert_non_null(strstr(r.message, "UNAUTHORIZED"));
    assert_null(strstr(r.message, "wrong-token"));
}

static void test_rejected_name_shows_the_hub_error(void **state)
{
    char name[120];
    memset(name, 'n', 101);
    name[101] = '\0';
    run_state r = {0};
    pair(&r, keebai_base("127.0.0.1"), TOKEN, name);
    assert_int_equal(r.end, PAIR_EV_FAILED);
    assert_int_equal(r.status, HD_ERR_REJECTED);
    assert_true(strlen(r.message) > 0);
}

/* The hub names its stream on 127.0.0.1; a profile on "localhost" is another origin. */
static void test_token_not_sent_to_a_stream_on_another_host(void **state)
{
    run_state r = {0};
    pair(&r, keebai_base("localhost"), TOKEN, NULL);
    assert_int_equal(r.end, PAIR_EV_FAILED);
    assert_int_equal(r.status, HD_ERR_AUTH); /* the stream was refused: no token went there */
    assert_int_equal(r.qrs, 0);
}

static void test_insecure_base_url_fails_cleanly(void **state)
{
    run_state r = {0};
    pair(&r, "http://hub.example.com", TOKEN, NULL);
    assert_int_equal(r.end, PAIR_EV_FAILED);
    assert_int_equal(r.status, HD_ERR_INSECURE_URL);
}

static void test_unreachable_hub_is_a_network_failure(void **state)
{
    run_state r = {0};
    pair(&r, "http://127.0.0.1:1/keebai", TOKEN, NULL);
    assert_int_equal(r.end, PAIR_EV_FAILED);
    assert_int_equal(r.status, HD_ERR_NETWORK);
    assert_true(r.waiting >= 1); /* it retried and said so */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_qr_rotates_then_expires),
        cmocka_unit_test(test_scan_connects_and_reports_the_channel),
        cmocka_unit_test(test_drop_reconnects_and_still_pairs),
        cmocka_unit_test(test_wrong_token_is_an_auth_failure),
        cmocka_unit_test(test_rejected_name_shows_the_hub_error),
        cmocka_unit_test(test_token_not_sent_to_a_stream_on_another_host),
        cmocka_unit_test(test_insecure_base_url_fails_cleanly),
        cmocka_unit_test(test_unreachable_hub_is_a_network_failure),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
