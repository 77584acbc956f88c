/* test_flow.c: the wizard's step table and state machine, without a terminal or a network. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "secret.h"

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
    assert_int_equal(t[FLOW_STEP_PROJECT].back, FLOW_STEP_PROFILE);
    assert_int_equal(t[FLOW_STEP_CHANNELS].back, FLOW_STEP_PROJECT);
    assert_int_equal(t[FLOW_STEP_MODE].back, FLOW_STEP_CHANNELS);
    assert_int_equal(t[FLOW_STEP_NAME].back, FLOW_STEP_MODE);
    assert_int_equal(t[FLOW_STEP_PAIR].back, FLOW_STEP_NAME);
    assert_int_equal(t[FLOW_STEP_RESULT].back, FLOW_STEP_CHANNELS);
    assert_int_equal(t[FLOW_STEP_WEBHOOK].back, FLOW_STEP_RESULT);
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

static const pair_event script_ok_for_hub[] = {{.type = PAIR_EV_QR, .qr = "2@x"}};

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

/* A fake hub with calls: answers each call on the next loop turn from a small script. */
typedef struct fake_call {
    loop *l;
    hub_req req;
    hub_done_fn done;
    void *arg;
    uint64_t timer;
} fake_call;

static hd_status fake_call_status = HD_OK;
static hub_op fake_ops_seen[16];
static int fake_calls;
static char fake_last_channel_token[64], fake_last_url[128];

static void fake_call_reply(loop *l, void *arg)
{
    fake_call *c = arg;
    json_t *data = NULL;
    const char *secret = NULL;
    (void)l;
    switch (c->req.op) {
    case HUB_OP_PROJECTS: data = json_pack("[{s:s,s:s}]", "id", "prj1", "name", "Main"); break;
    case HUB_OP_CHANNELS:
        data = json_pack("[{s:s,s:s},{s:s,s:s}]", "id", "CH-A", "name", "A", "id", "CH-B",
                         "name", "B");
        break;
    case HUB_OP_CHANNEL_CREATE:
        data = json_pack("{s:s,s:s}", "id", "NEW-1", "name", c->req.name);
        secret = "channel-secret-token";
        break;
    case HUB_OP_WEBHOOK_SET:
        data = json_pack("{s:s}", "id", "wh_1");
        secret = "whsec_signing";
        break;
    default: data = json_object(); break;
    }
    hub_result r = {.status = fake_call_status, .data = fake_call_status == HD_OK ? data : NULL,
                    .message = fake_call_status == HD_OK ? "" : "UNAUTHORIZED: bad token",
                    .secret = fake_call_status == HD_OK ? secret : NULL, .retry_after_s = -1};
    c->done(&r, c->arg);
    json_decref(data);
    free(c);
}

static void *fake_call_start(const provider_ctx *ctx, const hub_req *req, hub_done_fn done,
                             hub_wait_fn wait, void *arg)
{
    fake_call *c = calloc(1, sizeof *c);
    (void)wait;
    c->l = ctx->l;
    c->req = *req;
    c->done = done;
    c->arg = arg;
    if (fake_calls < 16)
        fake_ops_seen[fake_calls] = req->op;
    fake_calls++;
    snprintf(fake_last_channel_token, sizeof fake_last_channel_token, "%s",
             req->channel_token ? req->channel_token : "");
    if (req->url)
        snprintf(fake_last_url, sizeof fake_last_url, "%s", req->url);
    c->timer = loop_timer_add(ctx->l, 1, fake_call_reply, c);
    return c;
}

static void fake_call_cancel(void *h)
{
    fake_call *c = h;
    loop_timer_cancel(c->l, c->timer);
    free(c);
}

static const char *const fake_events[] = {"users", "channel", "extra", NULL};
static const char *const fake_default_events[] = {"users", "channel", NULL};

static char last_pair_channel_token[64];
static void *fake_start_tok(const provider_ctx *ctx, const pair_request *req, pair_event_fn fn,
                            void *arg)
{
    snprintf(last_pair_channel_token, sizeof last_pair_channel_token, "%s",
             req->channel_token ? req->channel_token : "");
    return fake_start(ctx, req, fn, arg);
}

static const provider_ops fake_hub_ops = {
    .id = "fakehub", .label = "FakeHub", .default_base_url = "https://hub.example",
    .caps = PROVIDER_CAP_QR_POLL | PROVIDER_CAP_PAIR_CODE | PROVIDER_CAP_PROJECTS |
            PROVIDER_CAP_CHANNEL_CREATE | PROVIDER_CAP_CHANNEL_TOKEN | PROVIDER_CAP_WEBHOOK |
            PROVIDER_CAP_STATUS,
    .pair_start = fake_start_tok, .pair_stop = fake_stop, .call = fake_call_start,
    .call_cancel = fake_call_cancel, .webhook_events = fake_events,
    .webhook_default_events = fake_default_events,
};

static char stored[4][64];
static int nstored;
static int fake_store(flow *f, const char *tag, const char *id, const char *secret,
                      char *saved_as, size_t savedsz, char *why, size_t whysz, void *arg)
{
    (void)f; (void)why; (void)whysz; (void)arg;
    snprintf(stored[nstored++ % 4], 64, "%s/%s=%s", tag, id, secret);
    snprintf(saved_as, savedsz, "p/%s/%s", tag, id);
    return 0;
}

static char *fake_channel_token(flow *f, const char *id, char *why, size_t whysz, void *arg)
{
    (void)f; (void)arg;
    if (strcmp(id, "CH-A") == 0)
        return secret_dup("token-of-CH-A"); /* the flow wipes it with secret_free */
    snprintf(why, whysz, "not in the vault");
    return NULL;
}

static void run_until_idle(flow *f, loop *l)
{
    for (int i = 0; i < 50 && f->call == FLOW_CALL_BUSY; i++)
        run_turns(l, 1);
}

static void setup_hub(flow *f, loop **l)
{
    *l = loop_new();
    flow_init(f, *l, NULL, on_change, NULL);
    assert_int_equal(flow_profile_add(f, "Hub", &fake_hub_ops, "https://hub.example", "tok-1"), 0);
    f->secrets = (flow_secrets){.store = fake_store, .channel_token = fake_channel_token};
    fake_calls = nstored = 0;
    fake_call_status = HD_OK;
    fake_script = script_ok_for_hub;
    fake_script_len = 0;
}

static void test_hub_profile_check_failure_stays(void **state)
{
    flow f;
    loop *l;
    setup_hub(&f, &l);
    fake_call_status = HD_ERR_AUTH;
    assert_int_equal(flow_choose_profile(&f, 0), HD_OK);
    assert_int_equal(f.call, FLOW_CALL_BUSY);
    run_until_idle(&f, l);
    assert_int_equal(f.call, FLOW_CALL_FAILED);
    assert_int_equal(f.step, FLOW_STEP_PROFILE);
    assert_string_equal(f.call_message, "UNAUTHORIZED: bad token");
    flow_release(&f);
    loop_free(l);
}

static void test_hub_new_channel_token_stored_then_paired(void **state)
{
    flow f;
    loop *l;
    char why[200];
    setup_hub(&f, &l);
    flow_choose_profile(&f, 0);
    run_until_idle(&f, l);
    assert_int_equal(fake_ops_seen[0], HUB_OP_PROJECTS); /* the check of a projects hub */
    assert_int_equal(f.step, FLOW_STEP_PROJECT);
    assert_int_equal(flow_choose_project(&f, 0), HD_OK);
    run_until_idle(&f, l);
    assert_int_equal(f.step, FLOW_STEP_CHANNELS);
    assert_int_equal(json_array_size(f.channels), 2);
    assert_int_equal(flow_new_channel(&f), HD_OK);
    assert_int_equal(f.step, FLOW_STEP_MODE); /* QR or code */
    assert_int_equal(flow_choose_mode(&f, PAIR_MODE_BROWSER), HD_ERR_USAGE);
    assert_int_equal(flow_choose_mode(&f, PAIR_MODE_CODE), HD_OK);
    assert_int_equal(f.step, FLOW_STEP_NAME);
    /* a national number, and the profile has no country yet */
    assert_int_equal(flow_submit_pairing(&f, "Shop", NULL, 0, "(11) 98765-4321", why, sizeof why),
                     HD_ERR_USAGE);
    assert_non_null(strstr(why, "country"));
    assert_int_equal(fake_calls, 2); /* nothing was created for a bad phone */
    assert_int_equal(flow_profile_set_country(&f, 0, "br"), 0);
    assert_string_equal(flow_country(&f), "BR");
    assert_int_equal(flow_submit_pairing(&f, "Shop", NULL, 0, "(11) 98765-4321", why, sizeof why),
                     HD_OK);
    assert_string_equal(f.pair_phone, "5511987654321"); /* the hub's form: digits, no + */
    run_until_idle(&f, l);
    assert_int_equal(fake_ops_seen[2], HUB_OP_CHANNEL_CREATE);
    assert_int_equal(nstored, 1);
    assert_string_equal(stored[0], "ch/NEW-1=channel-secret-token");
    assert_int_equal(f.step, FLOW_STEP_PAIR);
    assert_string_equal(last_pair_channel_token, "channel-secret-token");
    assert_non_null(strstr(f.notice, "p/ch/NEW-1"));
    assert_null(strstr(f.notice, "channel-secret-token")); /* never the secret itself */
    flow_release(&f);
    loop_free(l);
}

static void test_hub_existing_channel_needs_vault_token(void **state)
{
    flow f;
    loop *l;
    setup_hub(&f, &l);
    flow_choose_profile(&f, 0);
    run_until_idle(&f, l);
    flow_choose_project(&f, 0);
    run_until_idle(&f, l);
    assert_int_equal(flow_choose_channel(&f, 1), HD_OK); /* CH-B: not in the vault */
    assert_int_equal(f.step, FLOW_STEP_MODE);
    flow_choose_mode(&f, PAIR_MODE_QR);
    assert_int_equal(f.step, FLOW_STEP_RESULT);
    assert_int_equal(f.pair, FLOW_PAIR_FAILED);
    assert_int_equal(f.fail_status, HD_ERR_AUTH);
    flow_back(&f);
    run_until_idle(&f, l);
    assert_int_equal(f.step, FLOW_STEP_CHANNELS);
    assert_int_equal(flow_choose_channel(&f, 0), HD_OK); /* CH-A: token in the vault */
    flow_choose_mode(&f, PAIR_MODE_QR);
    assert_int_equal(f.step, FLOW_STEP_PAIR);
    assert_string_equal(last_pair_channel_token, "token-of-CH-A");
    flow_release(&f);
    loop_free(l);
}

static void test_hub_webhook_checks_url_and_stores_secret(void **state)
{
    flow f;
    loop *l;
    char why[200] = "";
    setup_hub(&f, &l);
    flow_choose_profile(&f, 0);
    run_until_idle(&f, l);
    flow_choose_project(&f, 0);
    run_until_idle(&f, l);
    assert_int_equal(flow_open_webhook(&f), HD_ERR_USAGE); /* no channel chosen */
    flow_select_channel(&f, 0);
    assert_int_equal(flow_open_webhook(&f), HD_OK);
    assert_int_equal(f.webhook_events, 3u); /* the defaults: users, channel */
    int before = fake_calls;
    assert_int_equal(flow_set_webhook(&f, "http://example.com/h", why, sizeof why), HD_ERR_USAGE);
    assert_int_equal(flow_set_webhook(&f, "https://", why, sizeof why), HD_ERR_USAGE);
    assert_int_equal(flow_set_webhook(&f, "https://ex ample.com", why, sizeof why), HD_ERR_USAGE);
    flow_toggle_webhook_event(&f, 0);
    flow_toggle_webhook_event(&f, 1);
    assert_int_equal(flow_set_webhook(&f, "https://example.com/h", why, sizeof why), HD_ERR_USAGE);
    assert_int_equal(fake_calls, before); /* nothing sent */
    flow_toggle_webhook_event(&f, 2);
    assert_int_equal(flow_set_webhook(&f, "https://example.com/h", why, sizeof why), HD_OK);
    assert_string_equal(fake_last_channel_token, "token-of-CH-A");
    run_until_idle(&f, l);
    assert_string_equal(fake_last_url, "https://example.com/h");
    assert_int_equal(f.call, FLOW_CALL_DONE);
    assert_string_equal(stored[0], "hook/wh_1=whsec_signing");
    assert_non_null(strstr(f.notice, "p/hook/wh_1"));
    flow_back(&f);
    assert_int_equal(f.step, FLOW_STEP_CHANNELS); /* where the webhook was opened from */
    flow_release(&f);
    loop_free(l);
}

/* A call cancelled before its answer (Esc, another profile) leaves nothing behind: the
 * sanitized build's leak check fails this test otherwise. */
static void test_hub_call_cancelled_midway(void **state)
{
    flow f;
    loop *l;
    setup_hub(&f, &l);
    flow_choose_profile(&f, 0);
    assert_int_equal(f.call, FLOW_CALL_BUSY);
    flow_choose_profile(&f, 0); /* cancels the first check, starts another */
    assert_int_equal(f.call, FLOW_CALL_BUSY);
    flow_back(&f);              /* cancels the second */
    assert_int_not_equal(f.call, FLOW_CALL_BUSY);
    run_turns(l, 5);
    assert_int_equal(f.step, FLOW_STEP_PROFILE);
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
        cmocka_unit_test(test_hub_profile_check_failure_stays),
        cmocka_unit_test(test_hub_new_channel_token_stored_then_paired),
        cmocka_unit_test(test_hub_existing_channel_needs_vault_token),
        cmocka_unit_test(test_hub_webhook_checks_url_and_stores_secret),
        cmocka_unit_test(test_hub_call_cancelled_midway),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
