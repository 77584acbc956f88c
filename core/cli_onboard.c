/* cli_onboard.c: line-mode onboarding on the hubs whose lists the console keeps itself:
 * `connect --mode signup-code` (HubMessage) and `--mode credentials` (HydraCore), send-test,
 * teardown, `channel add|forget` and the remembered lists behind `channels` and `projects`.
 * Secrets come from standard input or the vault, live in guarded memory and are never printed;
 * the one exception is HydraCore's verify token, shown once because it must be pasted into
 * Meta's app. */
#include "cli_hub_priv.h"
#include "cli_output.h"
#include "cli_vault.h"
#include "flow.h"
#include "i18n.h"
#include "phone.h"
#include "passphrase.h"
#include "secret.h"
#include "text.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

enum { EXIT_OK = 0, EXIT_OTHER = 1 };

/* What HydraCore keeps per instance in the vault: tag, kind, what it is (for messages). */
typedef struct kept_secret {
    const char *tag;
    vault_kind kind;
    const char *what;
} kept_secret;

static const kept_secret kept[3] = {
    {"waba", VAULT_KIND_CHANNEL_TOKEN, N_("access token")},
    {"appsecret", VAULT_KIND_APP_SECRET, N_("app secret")},
    {"verify", VAULT_KIND_WEBHOOK_SECRET, N_("verify token")},
};

/* "--waba-id: the WABA id is digits only" as a usage error. */
static int option_error(const char *option, const char *why)
{
    char msg[400];
    snprintf(msg, sizeof msg, "%s: %s", option, why);
    return cli_usage_error("%s", msg);
}

static int need_profile(const char *why)
{
    return cli_usage_error("%s", why);
}

static int instance_check(hub_run *r)
{
    char why[200], title[64];
    if (!r->a.instance)
        return cli_usage_error(_("'%s' needs --instance UUID (the remembered ones: hubdesk projects)"),
                               cli_cmd_title(r->cmd, title, sizeof title));
    if (provider_uuid_check(r->a.instance, _("instance id"), why, sizeof why) != HD_OK)
        return option_error("--instance", why);
    return -1;
}

/* The profile's remembered item with this id, or NULL. */
static const json_t *remembered_item(const hub_run *r, const char *list, const char *id)
{
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(r->t.remembered, list), i, it)
        if (id && !strcmp(json_string_value(json_object_get(it, "id")), id))
            return it;
    return NULL;
}

static const char *kind_known(const char *kind)
{
    const char *const *k = provider_channel_kinds();
    for (size_t i = 0; kind && k[i]; i++)
        if (!strcasecmp(k[i], kind))
            return k[i];
    return NULL;
}

static int kind_error(const char *kind)
{
    char msg[300];
    const char *const *k = provider_channel_kinds();
    size_t used = (size_t)snprintf(msg, sizeof msg, _("--kind: unknown channel kind '%s' (known:"),
                                   kind);
    for (size_t i = 0; k[i] && used < sizeof msg; i++)
        used += (size_t)snprintf(msg + used, sizeof msg - used, "%s %s", i ? "," : "", k[i]);
    if (used < sizeof msg)
        snprintf(msg + used, sizeof msg - used, ")");
    return cli_usage_error("%s", msg);
}

/* An id the profile can keep: 1..128 visible ASCII (the same rule as profile_remember). */
static int id_ok(const char *id)
{
    size_t n = 0;
    for (; id[n]; n++)
        if ((unsigned char)id[n] < 0x21 || (unsigned char)id[n] > 0x7E)
            return 0;
    return n >= 1 && n <= PROFILE_ITEM_ID_MAX;
}

/* ---- connect --mode signup-code (HubMessage) ------------------------------------------------ */

int cli_onboard_check_signup(hub_run *r)
{
    char why[200];
    const hub_args *a = &r->a;
    if (!a->channel)
        return cli_usage_error("%s", _("connect --mode signup-code needs --channel ID (from "
                                       "'hubdesk channel create' or the hub's dashboard)"));
    if (!a->waba_id || !a->phone_id)
        return cli_usage_error("%s", _("connect --mode signup-code needs --waba-id DIGITS and "
                                       "--phone-id DIGITS, as the signup handed them over"));
    if (provider_digits_check(a->waba_id, _("WABA id"), why, sizeof why) != HD_OK)
        return option_error("--waba-id", why);
    if (provider_digits_check(a->phone_id, _("phone id"), why, sizeof why) != HD_OK)
        return option_error("--phone-id", why);
    if (a->code_entry && !vault_name_is_valid(a->code_entry))
        return cli_usage_error(_("--code-from-vault: '%s' is not a vault entry name"),
                               a->code_entry);
    return -1;
}

int cli_onboard_prepare_signup(hub_run *r)
{
    char err[256];
    char *code = NULL;
    if (r->a.code_entry) {
        unsigned char *sec = NULL;
        vault_status st = r->t.v ? vault_get(r->t.v, r->a.code_entry, &sec, NULL)
                                 : VAULT_ERR_NO_VAULT;
        code = st == VAULT_OK ? secret_dup((const char *)sec) : NULL;
        vault_secret_free(sec);
        if (st == VAULT_ERR_NOT_FOUND)
            return cli_usage_error(_("--code-from-vault: the vault has no entry %s (store the "
                                     "code with: hubdesk vault add ENTRY)"), r->a.code_entry);
        if (st != VAULT_OK)
            return cli_fail_line(EXIT_OTHER, vault_describe(st, NULL, 0, err, sizeof err));
    } else {
        code = secret_read_stdin_line(_("Authorization code from the signup (not shown): "), 0,
                                      err, sizeof err);
    }
    if (!code || !*code) {
        secret_free(code);
        return cli_usage_error("%s", _("no authorization code: give it on standard input (one "
                                       "line), or use --code-from-vault ENTRY"));
    }
    r->secrets[0] = code;
    r->conn.waba_id = r->a.waba_id;
    r->conn.phone_id = r->a.phone_id;
    r->conn.code = code;
    r->conn.coexistence = r->a.coexistence;
    return -1;
}

int cli_onboard_report_signup(hub_run *r, const hub_result *res)
{
    if (r->a.json) {
        cli_json_line(json_pack("{s:s,s:s,s:s,s:s,s:b}", "event", "connected", "channel_id",
                                r->a.channel, "waba_id", r->a.waba_id, "phone_id", r->a.phone_id,
                                "coexistence", r->a.coexistence));
        return EXIT_OK;
    }
    printf(_("Connected: channel %s is linked to WhatsApp (WABA %s, phone id %s%s).\n"),
           r->a.channel, r->a.waba_id, r->a.phone_id,
           r->a.coexistence ? _(", coexistence with the Business app") : "");
    cli_output_ok();
    return EXIT_OK;
}

/* ---- connect --mode credentials (HydraCore) ------------------------------------------------ */

/* --display-phone as typed into E.164 with '+', with the profile's country; said back on
   stderr. -1 if fine, else the exit code. */
static int take_display_phone(hub_run *r)
{
    char why[300], warn[700];
    if (phone_hub_form(r->a.display_phone, r->t.country, 1, r->display_phone,
                       sizeof r->display_phone, warn, sizeof warn, why, sizeof why) != HD_OK)
        return option_error("--display-phone", why);
    cli_phone_said("--display-phone", r->a.display_phone, r->display_phone, warn);
    r->a.display_phone = r->display_phone;
    return -1;
}

int cli_onboard_check_credentials(hub_run *r)
{
    char why[200], name[VAULT_NAME_MAX + 1];
    const hub_args *a = &r->a;
    int rc;
    if (!r->t.profile[0])
        return need_profile(_("connect --mode credentials needs --profile NAME: the access token, "
                              "app secret and verify token are kept in the vault under it"));
    if ((rc = instance_check(r)) >= 0)
        return rc;
    if (!a->phone_number_id)
        return cli_usage_error("%s", _("connect --mode credentials needs --phone-number-id "
                                       "DIGITS (Meta's phone number id)"));
    if (provider_digits_check(a->phone_number_id, _("phone number id"), why, sizeof why) != HD_OK)
        return option_error("--phone-number-id", why);
    if (a->display_phone && (rc = take_display_phone(r)) >= 0)
        return rc;
    if (a->name && (flow_name_check(a->name, why, sizeof why) != HD_OK || !*a->name))
        return option_error("--name", *a->name ? why : _("the name is empty"));
    if (provider_secret_name(name, sizeof name, r->t.profile, "appsecret", a->instance) < 0)
        return cli_usage_error(_("the profile name %s is too long to name the instance's "
                                 "secrets in the vault"), r->t.profile);
    return -1;
}

/* The secrets an earlier connect kept; the verify token is optional. */
static int secrets_from_vault(hub_run *r)
{
    char name[VAULT_NAME_MAX + 1], msg[600];
    for (int i = 0; i < 3; i++) {
        unsigned char *sec = NULL;
        provider_secret_name(name, sizeof name, r->t.profile, kept[i].tag, r->a.instance);
        vault_status st = r->t.v ? vault_get(r->t.v, name, &sec, NULL) : VAULT_ERR_NO_VAULT;
        if (st == VAULT_OK)
            r->secrets[i] = secret_dup((const char *)sec);
        vault_secret_free(sec);
        if (st == VAULT_ERR_NOT_FOUND && i == 2)
            break;
        if (st == VAULT_ERR_NOT_FOUND) {
            snprintf(msg, sizeof msg, _("--from-vault: no %s for instance %s in the vault (entry "
                                        "%s): run connect without --from-vault, with the secrets "
                                        "on standard input"), _(kept[i].what), r->a.instance, name);
            return cli_usage_error("%s", msg);
        }
        if (st != VAULT_OK)
            return cli_fail_line(EXIT_OTHER, vault_describe(st, NULL, 0, msg, sizeof msg));
        if (!r->secrets[i])
            return cli_fail_line(EXIT_OTHER, hd_status_message(HD_ERR_INTERNAL));
    }
    return -1;
}

/* Lines 1, 2 and 3 of standard input (prompts without echo on a terminal). */
static int secrets_from_stdin(hub_run *r)
{
    /* Prompts are shown on a terminal only: no "line N" there, the order says it. */
    static const char *const prompts[3] = {
        N_("Meta app access token (not shown): "),
        N_("Meta app secret, 32 hex characters (not shown): "),
        N_("Verify token (not shown; Enter: the hub makes one): "),
    };
    static const char *const empty[2] = {
        N_("access_token (stdin line 1) is empty: give the access token, the app secret and, "
           "optionally, a verify token on lines 1 to 3 of standard input (or --from-vault)"),
        N_("app_secret (stdin line 2) is empty: give the access token, the app secret and, "
           "optionally, a verify token on lines 1 to 3 of standard input (or --from-vault)"),
    };
    char err[256];
    for (int i = 0; i < 3; i++) {
        r->secrets[i] = secret_read_stdin_line(_(prompts[i]), 1, err, sizeof err);
        if (!r->secrets[i])
            return cli_usage_error("%s", err);
        if (i < 2 && !*r->secrets[i])
            return cli_usage_error("%s", _(empty[i]));
    }
    return -1;
}

int cli_onboard_prepare_credentials(hub_run *r)
{
    int rc = r->a.from_vault ? secrets_from_vault(r) : secrets_from_stdin(r);
    if (rc >= 0)
        return rc;
    r->conn.access_token = r->secrets[0];
    r->conn.app_secret = r->secrets[1];
    r->conn.verify_token = r->secrets[2] && *r->secrets[2] ? r->secrets[2] : NULL;
    r->conn.phone_number_id = r->a.phone_number_id;
    r->conn.display_phone = r->a.display_phone;
    return -1;
}

/* What to paste where in Meta's app: the only place a verify token is shown. */
static void print_meta_steps(const hub_run *r, const json_t *data, const char *verify)
{
    char url[2048], tok[200];
    cli_cell_text(data, "webhook_url", url, sizeof url);
    /* Lines of at most 80 columns: agents run this on 80x24 terminals. */
    printf("%s\n%s\n", _("In the Meta app, open App Dashboard > WhatsApp > Configuration > "
                         "Webhook > Edit"), _("and paste:"));
    printf("  %-14s %s\n", _("Callback URL:"), url);
    if (verify)
        printf("  %-14s %s\n", _("Verify token:"), text_sanitize(verify, tok, sizeof tok));
    else
        printf("  %-14s %s\n", _("Verify token:"),
               _("(the hub did not hand it back: run connect again with a verify token of your "
                 "choice on line 3)"));
    printf("%s\n", _("then press \"Verify and save\", and under Webhook fields subscribe to "
                     "\"messages\"."));
    printf("%s\n", _("Once Meta has verified it, this command shows the channel connected:"));
    printf("  hubdesk status --profile %s --instance %s\n", r->t.profile, r->a.instance);
}

int cli_onboard_report_credentials(hub_run *r, const hub_result *res)
{
    char names[3][VAULT_NAME_MAX + 1], why[400], problems[1200] = "", status[CELL], pnid[CELL],
        phone[CELL];
    const char *hub_verify = json_string_value(json_object_get(res->data, "verify_token"));
    const char *verify = hub_verify && *hub_verify ? hub_verify
                         : r->conn.verify_token   ? r->conn.verify_token
                                                  : NULL;
    const char *values[3] = {r->secrets[0], r->secrets[1], verify};
    json_t *saved = json_array();
    size_t used = 0;
    /* The secrets first: they are what a lost answer would cost. */
    for (int i = 0; i < 3; i++) {
        if (!values[i])
            continue;
        if (cli_target_store(&r->t, kept[i].tag, r->a.instance, kept[i].kind, values[i],
                             names[i], sizeof names[i], why, sizeof why) == 0)
            json_array_append_new(saved, json_string(names[i]));
        else if (used < sizeof problems)
            used += (size_t)snprintf(problems + used, sizeof problems - used, "%s%s (%s)",
                                     used ? "; " : "", _(kept[i].what), why);
    }
    int remembered = cli_profile_remember(r->t.profile, "instances", r->a.instance, r->a.name,
                                          NULL, why, sizeof why) == 0;
    if (!remembered && used < sizeof problems)
        snprintf(problems + used, sizeof problems - used, _("%sthe instance was not remembered "
                                                            "in the profile (%s)"),
                 used ? "; " : "", why);
    if (r->a.json) {
        json_t *o = json_is_object(res->data) ? json_deep_copy(res->data) : json_object();
        json_object_set_new(o, "event", json_string("connected"));
        json_object_set_new(o, "instance", json_string(r->a.instance));
        json_object_set_new(o, "verify_token", json_string(verify ? verify : ""));
        json_object_set_new(o, "secrets_saved_as", saved);
        json_object_set_new(o, "remembered_in", remembered ? json_string(r->t.profile) : json_null());
        cli_json_line(o);
    } else {
        cli_cell_text(res->data, "status", status, sizeof status);
        cli_cell_text(res->data, "phone_number_id", pnid, sizeof pnid);
        cli_cell_text(res->data, "display_phone", phone, sizeof phone);
        printf(_("Connected HydraCore instance %s:\n"), r->a.instance);
        printf(_("  WhatsApp phone number id %s (%s), status %s\n"), pnid, phone, status);
        if (json_array_size(saved)) {
            size_t i;
            json_t *n;
            printf("%s\n", _("Saved in the vault:"));
            json_array_foreach(saved, i, n)
                printf("  %s\n", json_string_value(n));
        }
        json_decref(saved);
        print_meta_steps(r, res->data, verify);
        cli_output_ok();
    }
    if (!*problems)
        return EXIT_OK;
    char msg[1600];
    snprintf(msg, sizeof msg, _("THE WHATSAPP CHANNEL OF INSTANCE %s IS SET UP BUT NOT EVERYTHING "
                                "WAS KEPT: %s; run the same connect again to keep it"),
             r->a.instance, problems);
    return cli_fail_line(EXIT_OTHER, msg);
}

/* ---- send-test ---------------------------------------------------------------------------- */

/* --to as typed into the hub's form for the kind (NULL: a hub without kinds), with the
   profile's country; said back on stderr. -1 if fine, else the exit code. */
static int take_recipient(hub_run *r, const char *kind)
{
    char why[300], warn[700];
    if (provider_recipient_form(kind, r->a.to, r->t.country, r->to, sizeof r->to, warn,
                                sizeof warn, why, sizeof why) != HD_OK)
        return option_error("--to", why);
    cli_phone_said("--to", r->a.to, r->to, warn);
    r->a.to = r->to;
    return -1;
}

int cli_onboard_check_send(hub_run *r)
{
    char why[300];
    const hub_args *a = &r->a;
    const provider_ops *ops = r->t.ops;
    if (!a->channel || !a->to || !a->text)
        return cli_usage_error("%s", _("send-test needs --channel ID, --to RECIPIENT and --text "
                                       "TEXT"));
    if (!*a->text)
        return cli_usage_error("%s", _("--text: the message is empty"));
    if (!(ops->caps & PROVIDER_CAP_CHANNEL_KIND)) {
        if (a->kind)
            return cli_usage_error(_("--kind: %s channels have no kind"), ops->label);
        return take_recipient(r, NULL);
    }
    if (provider_uuid_check(a->channel, _("channel id"), why, sizeof why) != HD_OK)
        return option_error("--channel", why);
    const json_t *item = remembered_item(r, "channels", a->channel);
    const char *kind = a->kind ? a->kind : json_string_value(json_object_get(item, "kind"));
    if (!kind) {
        char msg[500];
        snprintf(msg, sizeof msg, _("--kind is needed: channel %s is not remembered with a kind "
                                    "(remember it once: hubdesk channel add --profile NAME "
                                    "--channel %s --kind KIND)"), a->channel, a->channel);
        return cli_usage_error("%s", msg);
    }
    if (!(r->kind = kind_known(kind)))
        return kind_error(kind);
    return take_recipient(r, r->kind);
}

int cli_onboard_report_send(hub_run *r, const hub_result *res)
{
    char id[CELL], status[CELL], code[CELL], text[600], msg[900];
    cli_cell_text(res->data, "message_id", id, sizeof id);
    cli_cell_text(res->data, "status", status, sizeof status);
    int failed = !strcmp(status, "error");
    if (r->a.json) {
        json_t *o = json_is_object(res->data) ? json_deep_copy(res->data) : json_object();
        json_object_set_new(o, "event", json_string(failed ? "failed" : "sent"));
        json_object_set_new(o, "channel_id", json_string(r->a.channel));
        if (r->kind)
            json_object_set_new(o, "kind", json_string(r->kind));
        cli_json_line(o);
    } else {
        printf(_("Test message %s: %s\n"), id, status);
        cli_output_ok();
    }
    if (!failed)
        return EXIT_OK;
    cli_cell_text(res->data, "error_code", code, sizeof code);
    cli_cell_text(res->data, "error_message", text, sizeof text);
    snprintf(msg, sizeof msg, _("the hub could not deliver the test message: %s: %s"), code, text);
    return cli_fail_line(EXIT_OTHER, msg);
}

/* ---- HydraCore's secrets per instance in the vault ---------------------------------------- */

json_t *cli_instance_secrets_remove(vault *v, const char *prof, const char *instance)
{
    char name[VAULT_NAME_MAX + 1];
    json_t *removed = json_array();
    for (int k = 0; v && removed && k < 3; k++)
        if (provider_secret_name(name, sizeof name, prof, kept[k].tag, instance) == 0 &&
            vault_remove(v, name) == VAULT_OK)
            json_array_append_new(removed, json_string(name));
    return removed;
}

/* 1 if `rest` can be what provider_secret_name put after "<profile>/<tag>/": an instance
   UUID, or the 16 hex digits of its hash when the name would have been too long. */
static int instance_part_ok(const char *rest)
{
    char why[200];
    size_t n = strlen(rest);
    if (n == 16 && strspn(rest, "0123456789abcdef") == 16)
        return 1;
    return provider_uuid_check(rest, "id", why, sizeof why) == HD_OK;
}

json_t *cli_instance_secrets_of(const vault *v, const char *prof)
{
    char prefix[VAULT_NAME_MAX + 1];
    size_t n = 0;
    const vault_entry *e = v ? vault_entries(v, &n) : NULL;
    json_t *names = json_array();
    for (size_t i = 0; names && i < n; i++)
        for (int k = 0; k < 3; k++) {
            int len = snprintf(prefix, sizeof prefix, "%s/%s/", prof, kept[k].tag);
            if (len > 0 && (size_t)len < sizeof prefix && !strncmp(e[i].name, prefix, (size_t)len) &&
                instance_part_ok(e[i].name + len))
                json_array_append_new(names, json_string(e[i].name));
        }
    return names;
}

/* ---- teardown (HydraCore) ----------------------------------------------------------------- */

int cli_onboard_check_teardown(hub_run *r)
{
    char q[200], msg[300];
    int rc = instance_check(r);
    if (rc >= 0 || r->a.yes)
        return rc;
    if (!isatty(STDIN_FILENO)) {
        snprintf(msg, sizeof msg, _("no terminal to confirm on: add --yes to remove the WhatsApp "
                                    "channel of instance %s"), r->a.instance);
        return cli_usage_error("%s", msg);
    }
    snprintf(q, sizeof q, _("Remove the WhatsApp channel of instance %s?"), r->a.instance);
    if (cli_ask_yes(q))
        return -1;
    snprintf(msg, sizeof msg, _("the WhatsApp channel of instance %s was not removed"),
             r->a.instance);
    return cli_fail_line(EXIT_OTHER, msg);
}

/* The channel is gone: its secrets are useless, dropped when the vault is open. */
int cli_onboard_report_teardown(hub_run *r, const hub_result *res)
{
    json_t *removed = r->t.profile[0] ? cli_instance_secrets_remove(r->t.v, r->t.profile,
                                                                    r->a.instance)
                                      : json_array();
    size_t i;
    json_t *n;
    if (r->a.json) {
        cli_json_line(json_pack("{s:s,s:b,s:o}", "instance", r->a.instance, "deleted", 1,
                                "secrets_removed", removed));
        return EXIT_OK;
    }
    printf(_("Removed the WhatsApp channel of instance %s.\n"), r->a.instance);
    if (json_array_size(removed)) {
        printf("%s", _("Removed its secrets from the vault:"));
        json_array_foreach(removed, i, n)
            printf("%s%s", i ? ", " : " ", json_string_value(n));
        printf("\n");
    }
    json_decref(removed);
    cli_output_ok();
    return EXIT_OK;
}

/* ---- remembered channels and instances --------------------------------------------------- */

int cli_onboard_check_channel_add(hub_run *r)
{
    char why[200];
    const hub_args *a = &r->a;
    const provider_ops *ops = r->t.ops;
    if (!r->t.profile[0])
        return need_profile(_("channel add needs --profile NAME: the channel is remembered in "
                              "the profile"));
    if (!a->channel)
        return cli_usage_error("%s", _("channel add needs --channel ID"));
    if (!id_ok(a->channel))
        return option_error("--channel", _("the id is 1 to 128 visible ASCII characters, no "
                                           "spaces"));
    if (a->name && (flow_name_check(a->name, why, sizeof why) != HD_OK || !*a->name))
        return option_error("--name", *a->name ? why : _("the name is empty"));
    if (!(ops->caps & PROVIDER_CAP_CHANNEL_KIND)) {
        if (a->kind)
            return cli_usage_error(_("--kind: %s channels have no kind"), ops->label);
        return -1;
    }
    if (provider_uuid_check(a->channel, _("channel id"), why, sizeof why) != HD_OK)
        return option_error("--channel", why);
    if (!a->kind)
        return cli_usage_error(_("channel add needs --kind KIND on %s (whatsapp, instagram, "
                                 "messenger, telegram, sms, webchatt)"), ops->label);
    if (!kind_known(a->kind))
        return kind_error(a->kind);
    return -1;
}

int cli_onboard_channel_add(hub_run *r)
{
    char why[600], msg[800];
    const char *kind = kind_known(r->a.kind);
    if (cli_profile_remember(r->t.profile, "channels", r->a.channel, r->a.name, kind, why,
                             sizeof why) < 0) {
        snprintf(msg, sizeof msg, _("channel %s was not remembered: %s"), r->a.channel, why);
        return cli_fail_line(EXIT_OTHER, msg);
    }
    if (r->a.json) {
        cli_json_line(json_pack("{s:s,s:s?,s:s?,s:s}", "id", r->a.channel, "name", r->a.name,
                                "kind", kind, "profile", r->t.profile));
        return EXIT_OK;
    }
    if (kind)
        printf(_("Remembered channel %s (%s) in profile %s.\n"), r->a.channel,
               provider_channel_kind_label(kind), r->t.profile);
    else
        printf(_("Remembered channel %s in profile %s.\n"), r->a.channel, r->t.profile);
    cli_output_ok();
    return EXIT_OK;
}

int cli_onboard_check_channel_forget(hub_run *r)
{
    if (!r->t.profile[0])
        return need_profile(_("channel forget needs --profile NAME"));
    if (!r->a.channel)
        return cli_usage_error("%s", _("channel forget needs --channel ID"));
    return -1;
}

int cli_onboard_channel_forget(hub_run *r)
{
    char why[600], msg[800];
    int rc = cli_profile_forget(r->t.profile, "channels", r->a.channel, why, sizeof why);
    if (rc == 1)
        snprintf(msg, sizeof msg, _("profile %s remembers no channel %s (see: hubdesk channels "
                                    "--profile %s)"), r->t.profile, r->a.channel, r->t.profile);
    else if (rc < 0)
        snprintf(msg, sizeof msg, _("channel %s was not forgotten: %s"), r->a.channel, why);
    if (rc != 0)
        return cli_fail_line(EXIT_OTHER, msg);
    if (r->a.json)
        cli_json_line(json_pack("{s:s,s:b,s:s}", "id", r->a.channel, "forgotten", 1, "profile",
                                r->t.profile));
    else
        printf(_("Forgot channel %s (profile %s); the hub still has it.\n"), r->a.channel,
               r->t.profile);
    cli_output_ok();
    return EXIT_OK;
}

/* ---- remembered instances (HydraCore) ----------------------------------------------------- */

int cli_onboard_check_instance_add(hub_run *r)
{
    char why[200];
    if (!r->t.profile[0])
        return need_profile(_("instance add needs --profile NAME: the instance is remembered in "
                              "the profile"));
    int rc = instance_check(r);
    if (rc >= 0)
        return rc;
    if (r->a.name && (flow_name_check(r->a.name, why, sizeof why) != HD_OK || !*r->a.name))
        return option_error("--name", *r->a.name ? why : _("the name is empty"));
    return -1;
}

int cli_onboard_instance_add(hub_run *r)
{
    char why[600], msg[800];
    if (cli_profile_remember(r->t.profile, "instances", r->a.instance, r->a.name, NULL, why,
                             sizeof why) < 0) {
        snprintf(msg, sizeof msg, _("instance %s was not remembered: %s"), r->a.instance, why);
        return cli_fail_line(EXIT_OTHER, msg);
    }
    if (r->a.json)
        cli_json_line(json_pack("{s:s,s:s?,s:s}", "instance", r->a.instance, "name", r->a.name,
                                "profile", r->t.profile));
    else
        printf(_("Remembered instance %s in profile %s.\n"), r->a.instance, r->t.profile);
    cli_output_ok();
    return EXIT_OK;
}

int cli_onboard_check_instance_forget(hub_run *r)
{
    char name[VAULT_NAME_MAX + 1];
    if (!r->t.profile[0])
        return need_profile(_("instance forget needs --profile NAME"));
    int rc = instance_check(r);
    if (rc >= 0)
        return rc;
    if (r->a.with_secret &&
        provider_secret_name(name, sizeof name, r->t.profile, "appsecret", r->a.instance) < 0)
        return cli_usage_error(_("the profile name %s is too long to name the instance's "
                                 "secrets in the vault"), r->t.profile);
    return -1;
}

/* One line (text) or one object (--json) on what instance forget did. */
static void print_forgotten(const hub_run *r, int forgotten, json_t *removed)
{
    size_t i;
    json_t *n;
    if (r->a.json) {
        cli_json_line(json_pack("{s:s,s:b,s:s,s:O}", "instance", r->a.instance, "forgotten",
                                forgotten, "profile", r->t.profile, "secrets_removed", removed));
        return;
    }
    if (forgotten)
        printf(_("Forgot instance %s (profile %s); the hub still has it.\n"), r->a.instance,
               r->t.profile);
    else
        printf(_("Profile %s did not remember instance %s.\n"), r->t.profile, r->a.instance);
    if (json_array_size(removed)) {
        printf("%s\n", _("Removed its secrets from the vault:"));
        json_array_foreach(removed, i, n)
            printf("  %s\n", json_string_value(n));
    } else if (!r->a.with_secret) {
        printf("%s\n", _("Its secrets, if any, stay in the vault; to remove them:"));
        printf("  hubdesk instance forget --profile %s --instance %s --with-secret\n",
               r->t.profile, r->a.instance);
    }
    cli_output_ok();
}

/*
 * Forgets the instance in the profile and, with --with-secret, drops its vault entries. The
 * vault is unlocked first, so a wrong passphrase changes nothing; an instance the profile
 * no longer remembers (forgotten in the console, which keeps the secrets) still has its
 * secrets removed. Exit 1 when there was nothing to forget nor remove.
 */
int cli_onboard_instance_forget(hub_run *r)
{
    char why[600], msg[800];
    int rc = r->a.with_secret ? cli_vault_unlock(r->a.passphrase_fd, &r->t.v) : -1;
    if (rc >= 0)
        return rc;
    int st = cli_profile_forget(r->t.profile, "instances", r->a.instance, why, sizeof why);
    if (st < 0) {
        snprintf(msg, sizeof msg, _("instance %s was not forgotten: %s"), r->a.instance, why);
        return cli_fail_line(EXIT_OTHER, msg);
    }
    json_t *removed = r->a.with_secret ? cli_instance_secrets_remove(r->t.v, r->t.profile,
                                                                     r->a.instance)
                                       : json_array();
    if (!removed)
        return cli_fail_line(EXIT_OTHER, hd_status_message(HD_ERR_INTERNAL));
    if (st == 1 && !json_array_size(removed)) {
        json_decref(removed);
        snprintf(msg, sizeof msg, r->a.with_secret
                                      ? _("profile %s remembers no instance %s and the vault has "
                                          "no secrets of it (see: hubdesk projects --profile %s)")
                                      : _("profile %s remembers no instance %s (see: hubdesk "
                                          "projects --profile %s)"),
                 r->t.profile, r->a.instance, r->t.profile);
        return cli_fail_line(EXIT_OTHER, msg);
    }
    print_forgotten(r, st == 0, removed);
    json_decref(removed);
    return EXIT_OK;
}

static int list_remembered(hub_run *r, const char *list, int with_kind, const char *empty)
{
    json_t *arr = json_object_get(r->t.remembered, list);
    if (r->a.json) {
        cli_json_line(json_is_array(arr) ? json_incref(arr) : json_array());
        return EXIT_OK;
    }
    cli_print_items(json_is_array(arr) ? arr : NULL, with_kind, empty);
    return EXIT_OK;
}

int cli_onboard_list_channels(hub_run *r)
{
    char msg[600];
    if (!r->t.profile[0]) {
        snprintf(msg, sizeof msg, _("%s cannot list its channels: hubdesk remembers them per "
                                    "profile; use --profile NAME"), r->t.ops->label);
        return need_profile(msg);
    }
    snprintf(msg, sizeof msg, _("No channels remembered in profile %s (the hub cannot list "
                                "them): add one with 'hubdesk channel add --profile %s --channel "
                                "ID'."), r->t.profile, r->t.profile);
    return list_remembered(r, "channels", !!(r->t.ops->caps & PROVIDER_CAP_CHANNEL_KIND), msg);
}

int cli_onboard_list_instances(hub_run *r)
{
    char msg[600];
    if (!r->t.profile[0]) {
        snprintf(msg, sizeof msg, _("%s cannot list its instances: hubdesk remembers them per "
                                    "profile; use --profile NAME"), r->t.ops->label);
        return need_profile(msg);
    }
    snprintf(msg, sizeof msg, _("No instances remembered in profile %s: 'hubdesk connect "
                                "--profile %s --mode credentials --instance UUID ...' remembers "
                                "one."), r->t.profile, r->t.profile);
    return list_remembered(r, "instances", 0, msg);
}

/* `channel create` on HubMessage: the id is printed and remembered in the profile. */
int cli_onboard_report_created(hub_run *r, const hub_result *res)
{
    char id[CELL], name[CELL], why[600], msg[1000];
    const char *raw_id = json_string_value(json_object_get(res->data, "id"));
    const char *raw_name = json_string_value(json_object_get(res->data, "name"));
    int remembered = -1; /* no profile */
    cli_cell_text(res->data, "id", id, sizeof id);
    if (r->t.profile[0])
        remembered = raw_id && cli_profile_remember(r->t.profile, "channels", raw_id,
                                                    raw_name ? raw_name : r->a.name, NULL, why,
                                                    sizeof why) == 0;
    if (r->a.json) {
        json_t *o = json_is_object(res->data) ? json_deep_copy(res->data) : json_object();
        json_object_set_new(o, "remembered_in",
                            remembered == 1 ? json_string(r->t.profile) : json_null());
        cli_json_line(o);
    } else {
        printf(_("Created channel %s \"%s\"\n"), id,
               cli_cell_text(res->data, "name", name, sizeof name));
        if (remembered == 1)
            printf(_("  remembered in profile %s (hubdesk channels --profile %s)\n"),
                   r->t.profile, r->t.profile);
        else if (remembered < 0)
            printf("  %s\n", _("not remembered (no --profile): keep the id"));
        cli_output_ok();
    }
    if (remembered != 0)
        return EXIT_OK;
    snprintf(msg, sizeof msg, _("channel %s was created but not remembered in profile %s (%s): "
                                "add it with: hubdesk channel add --profile %s --channel %s"),
             id, r->t.profile, raw_id ? why : _("the hub's answer had no id"), r->t.profile, id);
    return cli_fail_line(EXIT_OTHER, msg);
}

/* ---- failures ----------------------------------------------------------------------------- */

/* Where the user fixes a field the hub or the driver refused. */
static const char *field_where(const hub_run *r, const char *field, char *out, size_t n)
{
    static const struct {
        const char *field, *where;
    } map[] = {
        {"waba_id", "--waba-id"},   {"wabaId", "--waba-id"},
        {"phone_id", "--phone-id"}, {"phoneId", "--phone-id"},
        {"channel_id", "--channel"}, {"channelId", "--channel"}, {"channel", "--channel"},
        {"from", "--channel"},
        {"phone_number_id", "--phone-number-id"}, {"display_phone", "--display-phone"},
        {"instance", "--instance"}, {"instance_id", "--instance"}, {"project_id", "--instance"},
        {"to", "--to"}, {"recipient", "--to"}, {"identifier", "--to"},
        {"text", "--text"}, {"message", "--text"}, {"content", "--text"},
        {"kind", "--kind"}, {"url", "--url"}, {"endpoint", "--url"},
        {"events", "--event"}, {"eventType", "--event"}, {"name", "--name"}, {"label", "--name"},
    };
    const char *secret_line[] = {"access_token", "app_secret", "verify_token"};
    static const char *const prompt_name[] = {N_("the access token prompt"),
                                              N_("the app secret prompt"),
                                              N_("the verify token prompt")};
    for (int i = 0; i < 3; i++) {
        if (strcmp(field, secret_line[i]))
            continue;
        if (r->a.from_vault)
            snprintf(out, n, _("vault entry %s/%s/%s"), r->t.profile, kept[i].tag,
                     r->a.instance ? r->a.instance : "?");
        else if (isatty(STDIN_FILENO)) /* typed at the prompts, not piped in */
            snprintf(out, n, "%s", _(prompt_name[i]));
        else
            snprintf(out, n, _("stdin line %d"), i + 1);
        return out;
    }
    if (!strcmp(field, "code")) {
        if (r->a.code_entry)
            snprintf(out, n, _("vault entry %s"), r->a.code_entry);
        else
            snprintf(out, n, "%s", _("stdin"));
        return out;
    }
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (!strcmp(field, map[i].field))
            return map[i].where;
    return NULL;
}

/* The extra sentence a failure deserves, or NULL. */
static const char *failure_hint(const hub_run *r, const hub_result *res)
{
    return provider_error_advice(r->cmd->op, res->message); /* the console says the same */
}

void cli_onboard_failure_details(const hub_run *r, const hub_result *res)
{
    const char *field, *hint = failure_hint(r, res);
    json_t *v;
    char where[200], f[80], msg[600];
    json_object_foreach((json_t *)res->field_errors, field, v) {
        const char *w = field_where(r, field, where, sizeof where);
        text_sanitize(json_is_string(v) ? json_string_value(v) : "", msg, sizeof msg);
        text_sanitize(field, f, sizeof f);
        if (!*f)
            fprintf(stderr, "  %s\n", msg);
        else if (w)
            fprintf(stderr, "  %s: %s (%s)\n", f, msg, w);
        else
            fprintf(stderr, "  %s: %s\n", f, msg);
    }
    if (hint)
        fprintf(stderr, "  %s\n", hint);
}

void cli_onboard_failure_json(const hub_run *r, const hub_result *res, json_t *o)
{
    const char *field, *hint = failure_hint(r, res);
    json_t *v, *fix;
    char where[200];
    if (!o)
        return;
    if (json_is_object(res->field_errors) && json_object_size(res->field_errors) &&
        (fix = json_object())) {
        json_object_set_new(o, "field_errors", json_deep_copy(res->field_errors));
        json_object_foreach((json_t *)res->field_errors, field, v) {
            const char *w = field_where(r, field, where, sizeof where);
            if (w)
                json_object_set_new(fix, field, json_string(w));
        }
        json_object_set_new(o, "fix", fix);
    }
    if (hint)
        json_object_set_new(o, "hint", json_string(hint));
}

void cli_onboard_release(hub_run *r)
{
    for (int i = 0; i < 3; i++) {
        secret_free(r->secrets[i]);
        r->secrets[i] = NULL;
    }
    memset(&r->conn, 0, sizeof r->conn);
}
