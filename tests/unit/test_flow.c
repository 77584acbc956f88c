/* test_flow.c: the wizard's step table and state machine, without a terminal or a network. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "flow.h"

/* A fake driver: replays a scripted list of events, one per loop turn. */
typedef struct fake_session {
    loop *l;
    pair_event_fn fn;
    void *arg;
    const pair_event *script;
    size_t next, len;
    uint64_t timer;
} fake_session;

static const pair_event *fake_script;
static size_t fake_script_len;
static int fake_started, fake_stopped;

static void fake_step(loop *l, void *arg)
{
    fake_session *s = arg;
    s->timer = 0;
    if (s->next >= s->len)
        return;
    s->timer = loop_timer_add(l, 1, fake_step, s);
    pair_event ev = s->script[s->next++];
    s->fn(&ev, s->arg); /* may stop (free) the session */
}

static void *fake_start(const provider_ctx *ctx, const pair_request *req, pair_event_fn fn,
                        void *arg)
{
    fake_session *s = calloc(1, sizeof *s);
    s->l = ctx->l;
    s->fn = fn;
    s->arg = arg;
    s->script = fake_script;
    s->len = fake_script_len;
    s->timer = loop_timer_add(ctx->l, 1, fake_step, s);
    fake_started++;
    return s;
}

static void fake_stop(void *session)
{
    fake_session *s = session;
    loop_timer_cancel(s->l, s->timer);
    free(s);
    fake_stopped++;
}

static const provider_ops fake_ops = {
    .id = "fake", .label = "Fake", .default_base_url = "https://hub.example",
    .caps = PROVIDER_CAP_QR_STREAM, .pair_start = fake_start, .pair_stop = fake_stop,
};

static int changes;
static void on_change(flow *f, const pair_event *ev, void *arg)
{
    changes++;
}

static void run_turns(loop *l, int n)
{
    for (int i = 0; i < n; i++)
        loop_run_once(l, 5);
}

static void setup_flow(flow *f, loop **l)
{
    *l = loop_new();
    flow_init(f, *l, NULL, on_change, NULL);
    assert_int_equal(flow_profile_add(f, "Hub \x1b[31mone", &fake_ops, "https://hub.example", "tok-123456789"), 0);
    fake_started = fake_stopped = changes = 0;
}

static void test_step_table_back_column(void **state)
{
    const flow_step_info *t = flow_steps();
    for (int i = 0; i < FLOW_STEP_COUNT; i++)
        assert_int_equal(t[i].step, i);
    assert_int_equal(t[FLOW_STEP_NAME].back, FLOW_STEP_PROFILE);
    assert_int_equal(t[FLOW_STEP_PAIR].back, FLOW_STEP_NAME);
    assert_int_equal(t[FLOW_STEP_RESULT].back, FLOW_STEP_NAME);
    assert_string_not_equal(flow_step_title(FLOW_STEP_PAIR), "");
}

static void test_profile_label_is_sanitized(void **state)
{
    flow f;
    loop *l;
    setup_flow(&f, &l);
    assert_null(strchr(f.profiles[0].label, 0x1b));
    assert_int_equal(flow_choose_profile(&f, 5), HD_ERR_USAGE);
    assert_int_equal(flow_choose_profile(&f, -1), HD_ERR_USAGE);
    assert_int_equal(f.step, FLOW_STEP_PROFILE);
    flow_release(&f);
    loop_free(l);
}

static void test_name_rules(void **state)
{
    char why[160];
    char long_name[80];
    memset(long_name, 'x', 61);
    long_name[61] = '\0';
    assert_int_equal(flow_name_check("Soporte Chile", why, sizeof why), HD_OK);
    assert_int_equal(flow_name_check("S\xc3\xa3o Paulo \xf0\x9f\x93\xb1", why, sizeof why), HD_OK);
    assert_int_equal(flow_name_check(long_name, why, sizeof why), HD_ERR_USAGE);
    assert_int_equal(flow_name_check("bad\x1b[2Jname", why, sizeof why), HD_ERR_USAGE);
    assert_int_equal(flow_name_check("bad\xff", why, sizeof why), HD_ERR_USAGE);
}

static const pair_event script_ok[] = {
    {.type = PAIR_EV_QR, .qr = "2@first", .attempt = 1, .expires_in_ms = 60000},
    {.type = PAIR_EV_WAITING, .message = "stream dropped; reconnecting", .wait_ms = 100},
    {.type = PAIR_EV_QR, .qr = "2@second", .expires_in_ms = 20000},
    {.type = PAIR_EV_SCANNED},
    {.type = PAIR_EV_CONNECTED, .channel_id = "ch_1", .phone = "+5511999", .name = ""},
};

static void test_happy_path_reaches_result(void **state)
{
    flow f;
    loop *l;
    setup_flow(&f, &l);
    fake_script = script_ok;
    fake_script_len = 5;
    assert_int_equal(flow_choose_profile(&f, 0), HD_OK);
    assert_int_equal(f.step, FLOW_STEP_NAME);
    assert_int_equal(flow_set_name(&f, NULL), HD_OK); /* the hub's default name */
    assert_string_equal(f.name, "WhatsApp QR");
    assert_int_equal(f.step, FLOW_STEP_PAIR);
    assert_int_equal(f.pair, FLOW_PAIR_STARTING);
    run_turns(l, 1);
    while (f.pair == FLOW_PAIR_STARTING)
        run_turns(l, 1);
    assert_int_equal(f.pair, FLOW_PAIR_QR);
    assert_string_equal(f.qr, "2@first");
    assert_int_equal(f.qr_attempt, 1);
    assert_true(flow_qr_remaining_ms(&f) > 50000);
    while (!f.wait_until_ms)
        run_turns(l, 1);
    assert_non_null(strstr(f.status, "reconnecting"));
    while (f.qr_count < 2)
        run_turns(l, 1);
    assert_string_equal(f.qr, "2@second");
    assert_int_equal(f.qr_attempt, 2); /* counted when the hub does not say */
    assert_int_equal(f.wait_until_ms, 0);
    while (f.step != FLOW_STEP_RESULT)
        run_turns(l, 1);
    assert_int_equal(f.pair, FLOW_PAIR_CONNECTED);
    assert_string_equal(f.channel_id, "ch_1");
    assert_string_equal(f.channel_name, "WhatsApp QR"); /* hub sent no name */
    assert_true(changes >= 6);
    flow_back(&f); /* result -> name, to onboard another number */
    assert_int_equal(f.step, FLOW_STEP_NAME);
    assert_int_equal(fake_stopped, 1);
    flow_release(&f);
    loop_free(l);
}

static const pair_event script_expire[] = {
    {.type = PAIR_EV_QR, .qr = "2@only", .attempt = 7, .expires_in_ms = 10},
    {.type = PAIR_EV_EXPIRED, .message = "qr_attempts_exhausted"},
};

static void test_expiry_then_retry_and_back(void **state)
{
    flow f;
    loop *l;
    setup_flow(&f, &l);
    fake_script = script_expire;
    fake_script_len = 2;
    flow_choose_profile(&f, 0);
    flow_set_name(&f, "Ventas");
    while (f.step != FLOW_STEP_RESULT)
        run_turns(l, 1);
    assert_int_equal(f.pair, FLOW_PAIR_EXPIRED);
    assert_int_equal(f.fail_status, HD_ERR_EXPIRED);
    assert_int_equal(f.qr_attempts_max, 7); /* grows when the hub sends more than expected */
    assert_string_equal(f.fail_message, "qr_attempts_exhausted");
    assert_int_equal(flow_retry(&f), HD_OK);
    assert_int_equal(f.step, FLOW_STEP_PAIR);
    assert_null(f.qr);
    assert_int_equal(fake_started, 2);
    flow_back(&f); /* pairing -> name, and the running session is stopped */
    assert_int_equal(f.step, FLOW_STEP_NAME);
    assert_int_equal(fake_stopped, 2);
    flow_back(&f);
    assert_int_equal(f.step, FLOW_STEP_PROFILE);
    flow_release(&f);
    loop_free(l);
}

static void test_fixed_profile_is_skipped_going_back(void **state)
{
    flow f;
    loop *l;
    setup_flow(&f, &l);
    f.profile_fixed = 1;
    flow_choose_profile(&f, 0);
    flow_back(&f);
    assert_int_equal(f.step, FLOW_STEP_NAME);
    assert_int_equal(flow_set_name(&f, "bad\x07name"), HD_ERR_USAGE);
    assert_int_equal(f.step, FLOW_STEP_NAME);
    assert_int_equal(flow_retry(&f), HD_ERR_USAGE); /* nothing to retry yet */
    flow_release(&f);
    loop_free(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_step_table_back_column),
        cmocka_unit_test(test_profile_label_is_sanitized),
        cmocka_unit_test(test_name_rules),
        cmocka_unit_test(test_happy_path_reaches_result),
        cmocka_unit_test(test_expiry_then_retry_and_back),
        cmocka_unit_test(test_fixed_profile_is_skipped_going_back),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
