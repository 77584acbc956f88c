/* test_flow_setup.c: the flow for hubs connected by form (signup code, credentials), their
 * remembered lists and the test message, against fake drivers: no terminal, no network. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "secret.h"

#define INSTANCE "497f6eca-6276-4993-bfeb-53cbbbba6f08"

typedef struct fake_call {
    loop *l;
    hub_op op;
    uint64_t timer;
    hub_done_fn done;
    void *arg;
} fake_call;

static int calls;
static hub_op last_op;
static int refuse_fields_once; /* the next CONNECT answers like HydraCore's 422 */
static char sent_access[64], sent_to[64];

static void reply(loop *l, void *arg)
{
    fake_call *c = arg;
    json_t *data = NULL, *errs = NULL;
    hub_result r = {.status = HD_OK, .message = "", .retry_after_s = -1};
    (void)l;
    if (c->op == HUB_OP_CONNECT && refuse_fields_once) {
        refuse_fields_once = 0;
        errs = json_pack("{ss}", "app_secret", "app_secret must be 32 hex characters");
        r = (hub_result){.status = HD_ERR_REJECTED, .code = 422, .field_errors = errs,
                         .message = "app_secret: app_secret must be 32 hex characters",
                         .retry_after_s = -1};
    } else if (c->op == HUB_OP_CHANNEL_CREATE) {
        data = json_pack("{ss}", "id", "a1b2c3d4-e5f6-7890-abcd-ef1234567890");
    } else if (c->op == HUB_OP_CONNECT) {
        data = json_pack("{sssssbssss}", "id", "whatsapp", "phone_number_id", "123456789012345",
                         "enabled", 1, "webhook_url", "https://hc.example/wh", "verify_token",
                         "hc_vt_fromhub");
    } else if (c->op == HUB_OP_SEND_TEST) {
        data = json_pack("{ssss}", "message_id", "m-1", "status", "enqueued");
    } else if (c->op == HUB_OP_CHANNELS) {
        data = json_array();
    } else {
        data = json_object();
    }
    r.data = data;
    c->done(&r, c->arg);
    json_decref(data);
    json_decref(errs);
    free(c);
}

static void *fake_call_start(const provider_ctx *ctx, const hub_req *req, hub_done_fn done,
                             hub_wait_fn wait, void *arg)
{
    fake_call *c = calloc(1, sizeof *c);
    (void)wait;
    *c = (fake_call){.l = ctx->l, .op = req->op, .done = done, .arg = arg};
    calls++;
    last_op = req->op;
    if (req->connect && req->connect->access_token)
        snprintf(sent_access, sizeof sent_access, "%s", req->connect->access_token);
    if (req->to)
        snprintf(sent_to, sizeof sent_to, "%s", req->to);
    c->timer = loop_timer_add(ctx->l, 1, reply, c);
    return c;
}

static void fake_call_cancel(void *h)
{
    fake_call *c = h;
    loop_timer_cancel(c->l, c->timer);
    free(c);
}

static const provider_ops signup_ops = {
    .id = "fsignup", .label = "FakeSignup", .default_base_url = "https://hm.example",
    .caps = PROVIDER_CAP_SIGNUP_CODE | PROVIDER_CAP_CHANNEL_CREATE | PROVIDER_CAP_TEST_MESSAGE |
            PROVIDER_CAP_LOCAL_CHANNELS,
    .call = fake_call_start, .call_cancel = fake_call_cancel,
};

static const provider_ops creds_ops = {
    .id = "fcreds", .label = "FakeCreds", .default_base_url = "https://hc.example",
    .caps = PROVIDER_CAP_CREDENTIALS | PROVIDER_CAP_LOCAL_PROJECTS | PROVIDER_CAP_STATUS |
            PROVIDER_CAP_CHANNEL_DELETE,
    .call = fake_call_start, .call_cancel = fake_call_cancel,
};

static const provider_ops kind_ops = {
    .id = "fkind", .label = "FakeKind", .default_base_url = "https://c2m.example",
    .caps = PROVIDER_CAP_TEST_MESSAGE | PROVIDER_CAP_LOCAL_CHANNELS | PROVIDER_CAP_CHANNEL_KIND,
    .call = fake_call_start, .call_cancel = fake_call_cancel,
};

static json_t *saved_lists;
static int saves;
static int remember(flow *f, int profile, const json_t *rem, char *why, size_t whysz, void *arg)
{
    (void)f; (void)profile; (void)why; (void)whysz; (void)arg;
    json_decref(saved_lists);
    saved_lists = json_deep_copy(rem);
    saves++;
    return 0;
}

static char stored[4][96];
static int nstored;
static int store(flow *f, const char *tag, const char *id, const char *secret, char *saved_as,
                 size_t savedsz, char *why, size_t whysz, void *arg)
{
    (void)f; (void)why; (void)whysz; (void)arg;
    snprintf(stored[nstored++ % 4], sizeof stored[0], "%s/%s=%s", tag, id, secret);
    snprintf(saved_as, savedsz, "p/%s/%s", tag, id);
    return 0;
}

static void no_change(flow *f, const pair_event *ev, void *arg)
{
    (void)f; (void)ev; (void)arg;
}

static void run_turns(loop *l, int n)
{
    for (int i = 0; i < n; i++)
        loop_run_once(l, 5);
}

static void setup(flow *f, loop **l, const provider_ops *ops)
{
    *l = loop_new();
    flow_init(f, *l, NULL, no_change, NULL);
    assert_int_equal(flow_profile_add(f, "Hub", ops, ops->default_base_url, "tok-123456789"), 0);
    flow_profile_set(f, 0, "acme", NULL);
    f->secrets = (flow_secrets){.remember = remember, .store = store};
    calls = saves = nstored = 0;
    json_decref(saved_lists);
    saved_lists = NULL;
}

static void done(flow *f, loop *l)
{
    flow_release(f);
    loop_free(l);
}

/* HubMessage's path: name -> create (remembered) -> connect (checked) -> test message. */
static void test_signup_code_path(void **state)
{
    flow f;
    loop *l;
    char why[300];
    (void)state;
    setup(&f, &l, &signup_ops);
    flow_choose_profile(&f, 0);
    run_turns(&*l, 3);
    assert_int_equal(f.step, FLOW_STEP_CHANNELS);
    assert_int_equal(json_array_size(f.channels), 0);
    assert_int_equal(flow_new_channel(&f), HD_OK);
    assert_int_equal(f.step, FLOW_STEP_NAME);
    flow_submit_pairing(&f, "Acme support", NULL, 0, NULL, why, sizeof why);
    run_turns(l, 3);
    assert_int_equal(f.step, FLOW_STEP_CONNECT);
    assert_int_equal(saves, 1); /* the new id would be lost otherwise: the hub cannot list it */
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(saved_lists, "channels"), 0), "id")),
                        "a1b2c3d4-e5f6-7890-abcd-ef1234567890");
    int before = calls;
    hub_connect bad = {.waba_id = "42808x", .phone_id = "", .code = ""};
    assert_int_equal(flow_submit_connect(&f, &bad, why, sizeof why), HD_ERR_USAGE);
    assert_int_equal(calls, before); /* nothing sent */
    assert_non_null(json_object_get(f.field_errors, "waba_id"));
    assert_non_null(json_object_get(f.field_errors, "phone_id"));
    assert_non_null(json_object_get(f.field_errors, "code"));
    hub_connect good = {.waba_id = "428083093730937", .phone_id = "123456789012345",
                        .code = "ABC123DEF456", .coexistence = 1};
    assert_int_equal(flow_submit_connect(&f, &good, why, sizeof why), HD_OK);
    assert_int_equal(last_op, HUB_OP_CONNECT);
    run_turns(l, 3);
    assert_int_equal(f.step, FLOW_STEP_RESULT);
    assert_true(json_is_true(json_object_get(f.channel, "connected")));
    assert_null(f.field_errors);
    assert_int_equal(flow_open_test(&f, -1), HD_OK);
    assert_int_equal(flow_send_test(&f, "+55 11 9876S-4321", "hi", why, sizeof why), HD_ERR_USAGE);
    assert_non_null(json_object_get(f.field_errors, "to"));
    assert_int_equal(flow_send_test(&f, "+55 (11) 98765-4322", "hi", why, sizeof why), HD_OK);
    run_turns(l, 3);
    assert_string_equal(sent_to, "5511987654322"); /* as HubMessage takes it: no + */
    assert_string_equal(json_string_value(json_object_get(f.test_result, "status")), "enqueued");
    flow_back(&f);
    assert_int_equal(f.step, FLOW_STEP_RESULT); /* the test came from the result */
    done(&f, l);
}

/* HydraCore's path: add an instance (UUID checked), a 422 lands on its field, then success
 * stores the secrets (and the hub's verify token) and wipes the form's copies. */
static void test_credentials_path(void **state)
{
    flow f;
    loop *l;
    char why[300];
    (void)state;
    setup(&f, &l, &creds_ops);
    flow_choose_profile(&f, 0);
    assert_int_equal(f.step, FLOW_STEP_PROJECT);
    assert_int_equal(calls, 0); /* instances are not the hub's to list */
    assert_int_equal(flow_open_add(&f, 1), HD_OK);
    assert_int_equal(flow_submit_add(&f, "not-a-uuid", "", NULL, why, sizeof why), HD_ERR_USAGE);
    assert_non_null(json_object_get(f.field_errors, "id"));
    assert_int_equal(flow_submit_add(&f, INSTANCE, "Main", NULL, why, sizeof why), HD_OK);
    assert_string_equal(f.project_id, INSTANCE);
    assert_int_equal(saves, 1);
    run_turns(l, 3);
    assert_int_equal(f.step, FLOW_STEP_CHANNELS);
    assert_int_equal(flow_new_channel(&f), HD_OK);
    assert_int_equal(f.step, FLOW_STEP_CONNECT);
    hub_connect c = {.access_token = "EAAG-access-token-123456", .app_secret = "0123",
                     .phone_number_id = "123456789012345", .display_phone = "0400 111 222"};
    assert_int_equal(flow_submit_connect(&f, &c, why, sizeof why), HD_ERR_USAGE);
    assert_non_null(json_object_get(f.field_errors, "display_phone")); /* national, no country */
    c.display_phone = "+61 400 111 222";
    refuse_fields_once = 1;
    assert_int_equal(flow_submit_connect(&f, &c, why, sizeof why), HD_OK);
    assert_string_equal(sent_access, "EAAG-access-token-123456");
    run_turns(l, 3);
    assert_int_equal(f.step, FLOW_STEP_CONNECT);
    assert_int_equal(f.call, FLOW_CALL_FAILED);
    assert_string_equal(json_string_value(json_object_get(f.field_errors, "app_secret")),
                        "app_secret must be 32 hex characters");
    assert_int_equal(nstored, 0); /* refused: nothing kept */
    assert_null(f.connect_secrets[0]);
    c.app_secret = "0123456789abcdef0123456789abcdef";
    assert_int_equal(flow_submit_connect(&f, &c, why, sizeof why), HD_OK);
    assert_non_null(f.connect_secrets[0]);
    run_turns(l, 3);
    assert_int_equal(f.step, FLOW_STEP_RESULT);
    assert_int_equal(nstored, 3);
    assert_string_equal(stored[0], "waba/" INSTANCE "=EAAG-access-token-123456");
    assert_string_equal(stored[1], "appsecret/" INSTANCE "=0123456789abcdef0123456789abcdef");
    assert_string_equal(stored[2], "verify/" INSTANCE "=hc_vt_fromhub");
    assert_null(f.connect_secrets[0]);
    assert_null(f.connect_secrets[1]);
    assert_string_equal(json_string_value(json_object_get(f.channel, "webhook_url")),
                        "https://hc.example/wh");
    assert_int_equal(flow_channel_delete(&f, -1), HD_OK);
    run_turns(l, 3);
    assert_int_equal(f.step, FLOW_STEP_CHANNELS); /* torn down: back to the list */
    done(&f, l);
}

/* Chatt2.me: a channel is a UUID with a kind; the recipient is checked for that kind;
 * forgetting touches only our list. */
static void test_kind_channels(void **state)
{
    flow f;
    loop *l;
    char why[300];
    (void)state;
    setup(&f, &l, &kind_ops);
    flow_choose_profile(&f, 0);
    run_turns(l, 3);
    assert_int_equal(f.step, FLOW_STEP_CHANNELS);
    assert_int_equal(flow_new_channel(&f), HD_OK);
    assert_int_equal(f.step, FLOW_STEP_ADD);
    assert_int_equal(flow_submit_add(&f, "6cbd6789-1d2b-47e0-9391-5eb91d2839ea", "", "fax", why,
                                     sizeof why), HD_ERR_USAGE);
    assert_non_null(json_object_get(f.field_errors, "kind"));
    assert_int_equal(flow_submit_add(&f, "6cbd6789-1d2b-47e0-9391-5eb91d2839ea", "Shop", "sms",
                                     why, sizeof why), HD_OK);
    assert_int_equal(f.step, FLOW_STEP_CHANNELS);
    assert_int_equal(json_array_size(f.channels), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(f.channels, 0), "type")),
                        "sms");
    int before = calls;
    assert_int_equal(flow_choose_channel(&f, 0), HD_OK);
    assert_int_equal(f.step, FLOW_STEP_TEST);
    assert_string_equal(flow_channel_kind(&f), "sms");
    assert_int_equal(flow_send_test(&f, "(11) 94457-4999", "hi", why, sizeof why), HD_ERR_USAGE);
    assert_int_equal(calls, before); /* national, and no country to read it with */
    assert_int_equal(flow_send_test(&f, "5511944574999", "hi", why, sizeof why), HD_OK);
    assert_string_equal(flow_test_recipient(&f), "+5511944574999"); /* SMS takes the + */
    run_turns(l, 3);
    flow_back(&f);
    assert_int_equal(f.step, FLOW_STEP_CHANNELS);
    assert_int_equal(flow_forget(&f, 0, 0), HD_OK);
    assert_int_equal(json_array_size(f.channels), 0);
    assert_int_equal(json_array_size(json_object_get(saved_lists, "channels")), 0);
    done(&f, l);
}

int main(void)
{
    secret_harden_json();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_signup_code_path),
        cmocka_unit_test(test_credentials_path),
        cmocka_unit_test(test_kind_channels),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    json_decref(saved_lists);
    return rc;
}
