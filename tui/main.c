/* main.c: hubdesk's entry point: picks the console, the demo or a line-mode command. */
#include "app.h"
#include "cli.h"
#include "cli_hub.h"
#include "cli_history.h"
#include "cli_opt.h"
#include "cli_output.h"
#include "cli_vault.h"
#include "env.h"
#include "i18n.h"
#include "spawn.h"
#include "text.h"

#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include "secret.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SANDBOX_TOKEN "hubdesk-sandbox-token"
#define SANDBOX_PARTNER_TOKEN "hubdesk-sandbox-partner"

static int usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "hubdesk: ");
    fprintf(stderr, msg, arg ? arg : "");
    fprintf(stderr, " %s\n", _("(see 'hubdesk --help')")); /* one line: scripts read it */
    return 2;
}

/* The three hubs connected by form, with what the agent would have entered already, so a
 * workshop starts on a list and not on a blank form. The ids are the sandbox's fixtures. */
static void add_form_hubs(app *a, const char *origin)
{
    char url[256];
    snprintf(url, sizeof url, "%s/hubmessage", origin);
    int h = flow_profile_add(&a->f, _("Sandbox HubMessage"), &provider_hubmessage, url,
                             "hm_sk_sandbox");
    flow_profile_set(&a->f, h, "sandbox-hubmessage", NULL);
    snprintf(url, sizeof url, "%s/hydracore", origin);
    int y = flow_profile_add(&a->f, _("Sandbox HydraCore"), &provider_hydracore, url, "hc_sandbox");
    json_t *inst = json_pack("{s[{ssss}]}", "instances", "id",
                             "497f6eca-6276-4993-bfeb-53cbbbba6f08", "name", _("Demo instance"));
    flow_profile_set_extra(&a->f, y, inst, NULL);
    flow_profile_set(&a->f, y, "sandbox-hydracore", NULL);
    json_decref(inst);
    snprintf(url, sizeof url, "%s/chatt2me", origin);
    int c = flow_profile_add(&a->f, _("Sandbox Chatt2.me"), &provider_chatt2me, url,
                             "c2m_app_sandbox");
    json_t *ch = json_pack("{s[{ssssss}{ssssss}{ssssss}]}", "channels",
                           "id", "6cbd6789-1d2b-47e0-9391-5eb91d2839ea", "name", "WhatsApp demo", "kind", "whatsapp",
                           "id", "2f1c6a34-8f0e-4b7a-9d2c-5a7e3b1c9d10", "name", "SMS demo", "kind", "sms",
                           "id", "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", "name", "Telegram demo", "kind", "telegram");
    flow_profile_set_extra(&a->f, c, ch, NULL);
    flow_profile_set(&a->f, c, "sandbox-chatt2me", NULL);
    json_decref(ch);
}

/* `hubdesk demo`: the console on a sandbox hub started for the occasion. */
static int run_demo(app_options *o)
{
    sandbox_child child;
    char err[256], url[256], hint[512];
    /* The demo needs no token; none may reach the sandbox's environment either. */
    secret_free(env_take_secret("HUBDESK_TOKEN"));
    if (sandbox_child_start(NULL, &child, err, sizeof err) < 0) {
        fprintf(stderr, "hubdesk: %s\n", err);
        return 1;
    }
    app a;
    int rc = 1;
    o->subtitle = _("sandbox");
    snprintf(hint, sizeof hint, "%s", child.url);
    o->demo_url = hint;
    if (app_init(&a, o) == 0) {
        snprintf(url, sizeof url, "%s/keebai", child.url);
        int k = flow_profile_add(&a.f, _("Sandbox Keebai"), &provider_keebai, url, SANDBOX_TOKEN);
        flow_profile_set(&a.f, k, "sandbox-keebai", NULL); /* its name in the journal */
        snprintf(url, sizeof url, "%s/whapi/manager", child.url);
        int w = flow_profile_add(&a.f, _("Sandbox Whapi.Cloud"), &provider_whapi, url,
                                 SANDBOX_PARTNER_TOKEN);
        snprintf(url, sizeof url, "%s/whapi/gate", child.url);
        flow_profile_set(&a.f, w, "sandbox-whapi", url);
        add_form_hubs(&a, child.url);
        rc = app_run(&a);
        app_release(&a);
    }
    sandbox_child_stop(&child);
    return rc;
}

/* The console with the profile the command line describes (none: the empty list). */
static int run_console_with(const char *provider, const char *base, const char *gate,
                            app_options *o)
{
    const provider_ops *ops = NULL;
    if (provider && !(ops = provider_find(provider)))
        return usage_error(_("unknown provider '%s' (known: keebai, whapi, hubmessage, "
                             "hydracore, chatt2me)"), provider);
    if (!provider && (base || gate))
        return usage_error("%s", _("--base-url and --gate-url need --provider"));
    const char *url = ops ? (base ? base : ops->default_base_url) : NULL;
    if (ops && !url)
        return usage_error(_("%s has no default address: give its --base-url"), ops->label);
    hd_status st = url ? http_url_check(url) : HD_OK;
    if (st == HD_OK && gate)
        st = http_url_check(gate);
    if (st != HD_OK)
        return usage_error("%s", hd_status_message(st));
    char *token = ops ? env_take_secret("HUBDESK_TOKEN") : NULL;
    if (ops && !token)
        return usage_error("%s", _("no token: set HUBDESK_TOKEN to the hub's API token"));
    if (ops && !secret_is_token_safe(token)) {
        secret_free(token);
        return usage_error("%s", _("HUBDESK_TOKEN holds characters no token has (spaces, line "
                                   "breaks or control characters); copy it again"));
    }
    app a;
    int rc = 1;
    o->use_vault = ops == NULL; /* no hub on the command line: profiles and the vault */
    if (app_init(&a, o) == 0) {
        if (ops) {
            int idx = flow_profile_add(&a.f, ops->label, ops, url, token);
            flow_profile_set(&a.f, idx, "session", gate);
            a.f.profile_fixed = 1;
            a.f.profile = idx;
        }
        rc = app_run(&a);
        app_release(&a);
    }
    secret_free(token);
    return rc;
}

/* MINUTES of --lock-after: 1..1440 (a day), digits only; -1 otherwise. */
static int lock_after_parse(const char *s)
{
    char *end;
    if (!s || *s < '0' || *s > '9')
        return -1;
    errno = 0;
    long v = strtol(s, &end, 10);
    return errno || *end || v < 1 || v > 1440 ? -1 : (int)v;
}

/* Plain `hubdesk [--provider P --base-url URL] [--qr-style S] [--lock-after MIN]`. */
static int run_console(int argc, char **argv, int demo)
{
    static const struct option opts[] = {
        {"provider", required_argument, NULL, 'p'}, {"base-url", required_argument, NULL, 'b'},
        {"qr-style", required_argument, NULL, 's'}, {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},        {"lock-after", required_argument, NULL, 'L'},
        {"gate-url", required_argument, NULL, 'g'}, {NULL, 0, NULL, 0},
    };
    const char *provider = NULL, *base = NULL, *gate = NULL;
    app_options o = {.style = QR_STYLE_AUTO};
    char name[CLI_OPT_NAME_MAX];
    int ch;
    opterr = 0;
    while ((ch = cli_getopt(argc, argv, ":hV", opts, name)) != -1) {
        switch (ch) {
        case 'p': provider = optarg; break;
        case 'b': base = optarg; break;
        case 'g': gate = optarg; break;
        case 's':
            if (qr_style_from_name(optarg) < 0)
                return usage_error(_("unknown QR style '%s' (auto, half, sextant, large, ascii)"), optarg);
            o.style = (qr_style)qr_style_from_name(optarg);
            break;
        case 'L':
            if ((o.lock_after_min = lock_after_parse(optarg)) < 0)
                return usage_error(_("--lock-after takes minutes from 1 to 1440, not '%s'"), optarg);
            break;
        case 'h': cli_output_watch(); cli_print_usage(stdout); return 0; /* no curses */
        case 'V': cli_output_watch(); printf("hubdesk %s\n", HD_VERSION); return 0;
        case ':': return usage_error(_("option '%s' needs a value"), name);
        default: return usage_error(_("unknown option '%s'"), name); /* never with its value */
        }
    }
    if (optind < argc && !(demo && optind == argc - 1 && strcmp(argv[optind], "demo") == 0))
        return usage_error(_("unknown command '%s'"), argv[optind]);
    if (demo)
        return run_demo(&o);
    return run_console_with(provider, base, gate, &o);
}

/* The command argv names: a line-mode command, or the console. Its exit code. */
static int run_command(int argc, char **argv)
{
    int line_mode = argc > 1 && (strcmp(argv[1], "connect") == 0 || strcmp(argv[1], "vault") == 0 ||
                                 strcmp(argv[1], "profile") == 0 || strcmp(argv[1], "history") == 0 ||
                                 cli_hub_is_command(argv[1]));
    if (line_mode)
        cli_output_watch();
    if (argc > 1 && strcmp(argv[1], "connect") == 0)
        return cli_connect_main(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "vault") == 0)
        return cli_vault_main(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "profile") == 0)
        return cli_profile_main(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "history") == 0)
        return cli_history_main(argc - 1, argv + 1);
    if (argc > 1 && cli_hub_is_command(argv[1]))
        return cli_hub_main(argc - 1, argv + 1);
    int demo = 0;
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "demo") == 0)
            demo = 1;
    return run_console(argc, argv, demo);
}

/*
 * The language: --lang, else HUBDESK_LANG, else the locale. A wrong --lang is a usage error; a
 * wrong HUBDESK_LANG or a missing catalog is a warning and the locale's language is kept.
 */
static int lang_setup(const char *lang_arg, int lang_missing)
{
    char dir[4096], err[4200];
    const char *env = getenv("HUBDESK_LANG");
    const char *chosen = lang_arg ? i18n_language_code(lang_arg) : NULL;
    int env_bad = !lang_arg && env && *env && !(chosen = i18n_language_code(env));
    i18n_catalog_dir(HD_LOCALEDIR, dir, sizeof dir);
    if (i18n_setup(chosen, dir, err, sizeof err) < 0)
        fprintf(stderr, "hubdesk: %s\n", err);
    if (lang_missing)
        return usage_error("%s", _("--lang needs a language: es, pt_BR or en")), -1;
    if (lang_arg && !chosen)
        return usage_error(_("no language '%s' (es, pt_BR or en)"),
                           text_sanitize(lang_arg, err, 64)), -1;
    if (env_bad)
        fprintf(stderr, "hubdesk: %s\n", _("HUBDESK_LANG is not es, pt_BR or en: it is ignored"));
    return 0;
}

int main(int argc, char **argv)
{
    secret_harden_json();
    int lang_missing = 0;
    const char *lang_arg = i18n_take_lang_arg(&argc, argv, &lang_missing);
    if (lang_setup(lang_arg, lang_missing) < 0)
        return 2;
    if (env_harden_process() < 0)
        fprintf(stderr, "hubdesk: %s\n", _("warning: could not turn core dumps off"));
    /* Output lost on a full disk or a closed pipe is a failure, not a silent exit 0. */
    return cli_output_finish(run_command(argc, argv));
}
