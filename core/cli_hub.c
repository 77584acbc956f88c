/* cli_hub.c: line-mode hub commands: projects, channels, channel create|live|delete|add|forget,
 * instance add|forget, webhook set, status, send-test, teardown, and connect by signup code or credentials. Each
 * runs hub calls (ops->call) on the loop; secrets the hub hands out go straight into the vault
 * and are never printed. The onboarding commands' checks and reports are in cli_onboard.c. */
#include "cli_hub.h"
#include "cli.h"
#include "cli_hub_priv.h"
#include "cli_opt.h"
#include "cli_output.h"
#include "cli_vault.h"
#include "env.h"
#include "flow.h"
#include "i18n.h"
#include "journal_hub.h"
#include "passphrase.h"
#include "phone.h"
#include "secret.h"
#include "text.h"

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

/* ---- shared with connect: usage lines and the hub target --------------------------------- */

int cli_usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "hubdesk: ");
    fprintf(stderr, fmt, arg ? arg : "");
    fprintf(stderr, " %s\n", _("(see 'hubdesk --help')")); /* one line: scripts read it */
    return hd_status_exit_code(HD_ERR_USAGE);
}

void cli_phone_said(const char *option, const char *typed, const char *hub_form,
                    const char *warn)
{
    phone_number p;
    char shown[48], line[1000];
    /* "note:" and "warning:" stay English, like option names: in every language a script
       tells these lines from a failure's one "hubdesk:" line. */
    if (strcmp(typed, hub_form) != 0 && phone_parse(hub_form, NULL, &p, NULL, 0) == HD_OK) {
        snprintf(line, sizeof line, _("%s %s reads as %s; the hub gets %s"), option, typed,
                 phone_display(&p, shown, sizeof shown), hub_form);
        fprintf(stderr, "hubdesk: note: %s\n", line);
    }
    if (warn && *warn)
        fprintf(stderr, "hubdesk: warning: %s: %s\n", option, warn);
}

/* A failure that is not about usage: one line, the given exit code. */
int cli_fail_line(int code, const char *msg)
{
    fprintf(stderr, "hubdesk: %s\n", msg);
    return code;
}

const char *cli_known_providers(char *out, size_t outsz)
{
    const provider_ops *const *all = provider_all();
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; all[i] && used < outsz; i++)
        used += (size_t)snprintf(out + used, outsz - used, "%s%s", i ? ", " : "", all[i]->id);
    return out;
}

static int copy_url(char *dst, size_t dstsz, const char *url, const char *option)
{
    char msg[300];
    hd_status st = http_url_check(url);
    if (st != HD_OK) {
        snprintf(msg, sizeof msg, "%s: %s", option, hd_status_message(st));
        return cli_usage_error("%s", msg);
    }
    if (snprintf(dst, dstsz, "%s", url) >= (int)dstsz)
        return cli_usage_error(_("%s: the URL is too long"), option);
    return -1;
}

/* The profile's provider, URLs and token entry into t; command-line URLs win. */
static int target_from_profile(hub_target *t, const hub_target_args *a, hub_target_args *eff,
                               profile *p)
{
    char msg[300];
    int rc = cli_profile_get(a->profile, p);
    if (rc >= 0)
        return rc;
    if (a->provider && strcasecmp(a->provider, p->provider) != 0) {
        snprintf(msg, sizeof msg, _("profile %s is for %s, not %s"), p->name, p->provider,
                 a->provider);
        profile_clear(p);
        return cli_usage_error("%s", msg);
    }
    eff->provider = p->provider;
    eff->base_url = a->base_url ? a->base_url : p->base_url;
    eff->gate_url = a->gate_url ? a->gate_url : p->gate_url;
    snprintf(t->profile, sizeof t->profile, "%s", p->name);
    snprintf(t->token_entry, sizeof t->token_entry, "%s", p->secret);
    snprintf(t->api_key_entry, sizeof t->api_key_entry, "%s", p->api_key_secret);
    memcpy(t->country, p->country, sizeof t->country);
    t->remembered = p->remembered; /* the target owns it now */
    p->remembered = NULL;
    return -1;
}

static int target_resolve(hub_target *t, const hub_target_args *a, profile *p)
{
    char msg[300], known[128];
    hub_target_args eff = *a;
    int rc;
    if (a->profile && (rc = target_from_profile(t, a, &eff, p)) >= 0)
        return rc;
    if (!eff.provider)
        return cli_usage_error("%s", _("say which hub: --profile NAME, or --provider ID"));
    if (!(t->ops = provider_find(eff.provider))) {
        snprintf(msg, sizeof msg, _("unknown provider '%s' (known: %s)"), eff.provider,
                 cli_known_providers(known, sizeof known));
        return cli_usage_error("%s", msg);
    }
    const char *base = eff.base_url ? eff.base_url : t->ops->default_base_url;
    if (!base)
        return cli_usage_error(_("--base-url is required for %s (each deployment has its own "
                                 "address)"), t->ops->label);
    if ((rc = copy_url(t->base_url, sizeof t->base_url, base, "--base-url")) >= 0)
        return rc;
    if (eff.gate_url && *eff.gate_url && !t->ops->default_gate_url)
        return cli_usage_error(_("--gate-url: %s has no gate API"), t->ops->label);
    if (eff.gate_url && *eff.gate_url)
        return copy_url(t->gate_url, sizeof t->gate_url, eff.gate_url, "--gate-url");
    return -1;
}

int hub_target_resolve(hub_target *t, const hub_target_args *a)
{
    profile p;
    memset(t, 0, sizeof *t);
    memset(&p, 0, sizeof p);
    int rc = target_resolve(t, a, &p);
    profile_clear(&p);
    if (rc >= 0)
        hub_target_close(t);
    return rc;
}

/* A vault entry of the profile from the open vault; guarded memory, or NULL with *rc set. */
static char *vault_entry_get(hub_target *t, const char *entry, int *rc)
{
    char msg[400];
    unsigned char *sec = NULL;
    vault_status st = vault_get(t->v, entry, &sec, NULL);
    char *token = st == VAULT_OK ? secret_dup((const char *)sec) : NULL;
    vault_secret_free(sec);
    if (st == VAULT_ERR_NOT_FOUND)
        *rc = cli_usage_error(_("the profile's secret %s is not in the vault; add it with: "
                                "hubdesk vault add NAME"), entry);
    else if (st != VAULT_OK)
        *rc = cli_fail_line(1, vault_describe(st, NULL, 0, msg, sizeof msg));
    else if (!token)
        *rc = cli_fail_line(1, hd_status_message(HD_ERR_INTERNAL));
    return token;
}

/* The profile's token from the open vault; guarded memory, or NULL with *rc set. */
static char *vault_token(hub_target *t, int *rc)
{
    char msg[400];
    if (!t->token_entry[0]) {
        snprintf(msg, sizeof msg, _("profile %s names no vault entry for its token; set one with: "
                                    "hubdesk profile edit %s --secret ENTRY"), t->profile, t->profile);
        *rc = cli_usage_error("%s", msg);
        return NULL;
    }
    return vault_entry_get(t, t->token_entry, rc);
}

int hub_target_unlock(hub_target *t, int passphrase_fd, hub_vault_use use)
{
    char *env = env_take_secret("HUBDESK_TOKEN");
    char *env_key = env_take_secret("HUBDESK_API_KEY"); /* HydraCore's X-Api-Key */
    int rc = -1, key_from_vault = t->api_key_entry[0] && !env_key;
    if (!env && !t->profile[0]) {
        secret_free(env_key);
        return cli_usage_error("%s", _("no token: set HUBDESK_TOKEN or use --profile NAME"));
    }
    /* With HUBDESK_TOKEN the vault stays locked unless a channel token, a secret or the
       profile's X-Api-Key needs it. */
    if ((t->profile[0] && !env) || use == HUB_VAULT_NEEDED || key_from_vault)
        rc = cli_vault_unlock(passphrase_fd, &t->v);
    if (rc < 0)
        t->token = env ? env : vault_token(t, &rc);
    else
        secret_free(env);
    if (rc < 0 && !secret_is_token_safe(t->token))
        rc = cli_usage_error("%s", _("the token holds characters no token has (spaces, line "
                                     "breaks or control characters); store it again"));
    if (rc < 0)
        t->api_key = env_key ? env_key : key_from_vault ? vault_entry_get(t, t->api_key_entry, &rc) : NULL;
    else
        secret_free(env_key);
    if (rc < 0 && t->api_key && !secret_is_token_safe(t->api_key))
        rc = cli_usage_error("%s", _("the X-Api-Key holds characters no key has (spaces, line "
                                     "breaks or control characters); store it again"));
    if (rc >= 0 || use == HUB_VAULT_NEVER) {
        vault_close(t->v);
        t->v = NULL;
    }
    if (rc >= 0)
        hub_target_close(t);
    return rc;
}

int hub_target_channel_tokens(const hub_target *t)
{
    return !!(t->ops->caps & PROVIDER_CAP_CHANNEL_TOKEN);
}

char *hub_target_channel_token(hub_target *t, const char *channel_id, int *rc)
{
    char name[VAULT_NAME_MAX + 1], msg[600];
    unsigned char *sec = NULL;
    if (provider_secret_name(name, sizeof name, t->profile, "ch", channel_id) < 0) {
        *rc = cli_usage_error(_("no vault entry name fits channel %s of this profile"), channel_id);
        return NULL;
    }
    vault_status st = t->v ? vault_get(t->v, name, &sec, NULL) : VAULT_ERR_NOT_FOUND;
    char *token = st == VAULT_OK ? secret_dup((const char *)sec) : NULL;
    vault_secret_free(sec);
    if (st == VAULT_ERR_NOT_FOUND) {
        snprintf(msg, sizeof msg, _("no token for channel %s in the vault (entry %s): channels "
                                    "made by 'hubdesk channel create' have one; add it with: "
                                    "hubdesk vault add %s --kind channel-token"), channel_id, name, name);
        *rc = cli_usage_error("%s", msg);
    } else if (st != VAULT_OK) {
        *rc = cli_fail_line(1, vault_describe(st, NULL, 0, msg, sizeof msg));
    } else if (!token || !secret_is_token_safe(token)) {
        secret_free(token);
        token = NULL;
        *rc = cli_usage_error(_("the vault entry %s does not hold a usable token"), name);
    }
    return token;
}

void hub_target_close(hub_target *t)
{
    secret_free(t->token);
    t->token = NULL;
    secret_free(t->api_key);
    t->api_key = NULL;
    vault_close(t->v);
    t->v = NULL;
    json_decref(t->remembered);
    t->remembered = NULL;
}

/* A secret the hub handed out, into the vault as "<profile>/<tag>/<id>". 0, or -1 with why. */
int cli_target_store(hub_target *t, const char *tag, const char *id, vault_kind kind,
                     const char *secret, char *name, size_t namesz, char *why, size_t whysz)
{
    name[0] = '\0';
    if (!secret || !*secret) {
        snprintf(why, whysz, "%s", _("the hub's answer held no secret"));
        return -1;
    }
    if (!id || provider_secret_name(name, namesz, t->profile, tag, id) < 0) {
        snprintf(why, whysz, "%s", _("no vault entry name fits it"));
        return -1;
    }
    vault_status st = t->v ? vault_put(t->v, name, kind, t->profile, secret, strlen(secret),
                                       VAULT_PUT_UPSERT)
                           : VAULT_ERR_NO_VAULT;
    if (st != VAULT_OK) {
        vault_describe(st, NULL, 0, why, whysz);
        return -1;
    }
    return 0;
}

/* ---- options ----------------------------------------------------------------------------- */

static const char common_opts[] = "PpbgjFh";

static const struct option long_opts[] = {
    {"profile", required_argument, NULL, 'P'},  {"provider", required_argument, NULL, 'p'},
    {"base-url", required_argument, NULL, 'b'}, {"gate-url", required_argument, NULL, 'g'},
    {"json", no_argument, NULL, 'j'},           {"passphrase-fd", required_argument, NULL, 'F'},
    {"help", no_argument, NULL, 'h'},           {"project", required_argument, NULL, 'R'},
    {"type", required_argument, NULL, 'T'},     {"name", required_argument, NULL, 'n'},
    {"url", required_argument, NULL, 'u'},      {"event", required_argument, NULL, 'e'},
    {"channel", required_argument, NULL, 'c'},  {"yes", no_argument, NULL, 'y'},
    {"wait", no_argument, NULL, 'w'},           {"interval-ms", required_argument, NULL, 'i'},
    {"instance", required_argument, NULL, 'I'}, {"kind", required_argument, NULL, 'k'},
    {"to", required_argument, NULL, 'O'},       {"text", required_argument, NULL, 'X'},
    {"with-secret", no_argument, NULL, 'W'},
    {NULL, 0, NULL, 0},
};

static long interval_parse(const char *s)
{
    char *end;
    errno = 0;
    long v = s && *s >= '0' && *s <= '9' ? strtol(s, &end, 10) : -1;
    return v < 0 || errno || *end || v < 50 || v > 3600000 ? -1 : v;
}

/* Stores one option's value; -1 if fine, else the exit code. */
static int take_opt(hub_args *a, int ch, const char *val)
{
    switch (ch) {
    case 'P': a->t.profile = val; break;
    case 'p': a->t.provider = val; break;
    case 'b': a->t.base_url = val; break;
    case 'g': a->t.gate_url = val; break;
    case 'j': a->json = 1; break;
    case 'R': a->project = val; break;
    case 'T': a->type = val; break;
    case 'n': a->name = val; break;
    case 'u': a->url = val; break;
    case 'c': a->channel = val; break;
    case 'y': a->yes = 1; break;
    case 'w': a->wait = 1; break;
    case 'I': a->instance = val; break;
    case 'k': a->kind = val; break;
    case 'O': a->to = val; break;
    case 'X': a->text = val; break;
    case 'W': a->with_secret = 1; break;
    case 'F':
        if ((a->passphrase_fd = passphrase_fd_parse(val)) < 0)
            return cli_usage_error(cli_opt_fd_format(), "--passphrase-fd");
        break;
    case 'i':
        if ((a->interval_ms = interval_parse(val)) < 0)
            return cli_usage_error(_("--interval-ms takes 50 to 3600000 milliseconds, not '%s'"), val);
        break;
    case 'e':
        if (a->nevents == EVENTS_MAX)
            return cli_usage_error(_("at most %s --event options"), "32");
        a->events[a->nevents++] = val;
        break;
    }
    return -1;
}

/* "hubdesk channel create" */
const char *cli_cmd_title(const hub_cmd *c, char *out, size_t n)
{
    snprintf(out, n, "hubdesk %s%s%s", c->word, c->sub ? " " : "", c->sub ? c->sub : "");
    return out;
}

static int parse_args(const hub_cmd *c, int argc, char **argv, hub_args *a)
{
    char title[64], msg[200], opt[CLI_OPT_NAME_MAX];
    int ch, rc;
    memset(a, 0, sizeof *a);
    a->passphrase_fd = -1;
    a->interval_ms = 2000;
    optind = 1;
    opterr = 0;
    while ((ch = cli_getopt(argc, argv, ":h", long_opts, opt)) != -1) {
        if (ch == 'h') {
            cli_print_usage(stdout);
            return 0;
        }
        /* Option names only, never a value: "--code=..." may hold a secret. */
        if (ch == ':')
            return cli_usage_error(_("option '%s' needs a value"), opt);
        if (ch == '?')
            return cli_usage_error(_("unknown option '%s'"), opt);
        if (!strchr(common_opts, ch) && !strchr(c->opts, ch)) {
            snprintf(msg, sizeof msg, _("option '%s' does not apply to '%s'"), opt,
                     cli_cmd_title(c, title, sizeof title));
            return cli_usage_error("%s", msg);
        }
        if ((rc = take_opt(a, ch, optarg)) >= 0)
            return rc;
    }
    if (c->takes_id && optind == argc - 1)
        a->id = argv[optind++];
    else if (c->takes_id)
        return cli_usage_error(_("'%s' takes one channel ID"), cli_cmd_title(c, title, sizeof title));
    if (optind < argc)
        return cli_usage_error(_("unexpected argument '%s'"), argv[optind]);
    return -1;
}

/* ---- output -------------------------------------------------------------------------------- */

void cli_json_line(json_t *o)
{
    char *s = o ? json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_ENCODE_ANY) : NULL;
    /* Only when out of memory (text is made valid UTF-8 first): a line still says so. */
    printf("%s\n", s ? s : "{\"event\":\"error\",\"status\":\"internal\"}");
    free(s);
    json_decref(o);
    cli_output_ok();
}

/* A string, number or boolean member as text for a table ("-" when missing); sanitized. */
char *cli_cell_text(const json_t *o, const char *key, char *out, size_t n)
{
    const json_t *v = json_object_get(o, key);
    if (json_is_string(v) && json_string_length(v))
        text_sanitize(json_string_value(v), out, n);
    else if (json_is_integer(v))
        snprintf(out, n, "%lld", (long long)json_integer_value(v));
    else if (json_is_boolean(v))
        snprintf(out, n, "%s", json_is_true(v) ? _("yes") : _("no"));
    else
        snprintf(out, n, "-");
    return out;
}

/* Milliseconds since the epoch as local "YYYY-MM-DD HH:MM"; "-" when missing. */
static char *cell_time(const json_t *o, const char *key, char *out, size_t n)
{
    const json_t *v = json_object_get(o, key);
    double ms = json_is_number(v) ? json_number_value(v) : 0;
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    if (ms <= 0 || !localtime_r(&t, &tm) || !strftime(out, n, "%Y-%m-%d %H:%M", &tm))
        snprintf(out, n, "-");
    return out;
}

/* Terminal columns of a UTF-8 string (one per character: close enough for names). */
static size_t text_width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

/* Prints rows of ncol cells (row 0 is the header), columns padded to their widest cell. */
static void table_print(char (*cells)[CELL], size_t ncol, size_t nrow)
{
    size_t width[16] = {0};
    for (size_t r = 0; r < nrow; r++)
        for (size_t c = 0; c < ncol && c < 16; c++)
            if (text_width(cells[r * ncol + c]) > width[c])
                width[c] = text_width(cells[r * ncol + c]);
    for (size_t r = 0; r < nrow; r++) {
        for (size_t c = 0; c < ncol; c++) {
            const char *s = cells[r * ncol + c];
            int pad = c + 1 < ncol ? (int)(width[c] - text_width(s)) + 2 : 0;
            printf("%s%*s", s, pad, "");
        }
        putchar('\n');
    }
    cli_output_ok();
}

typedef char *(*cell_fn)(const json_t *o, const char *key, char *out, size_t n);

typedef struct column {
    const char *head; /* translated at print time */
    const char *key;
    cell_fn cell;
} column;

/* A table of the array's objects; `empty` when there are none. */
static void list_print(const json_t *arr, const column *cols, size_t ncol, const char *empty)
{
    size_t nrow = json_array_size(arr) + 1;
    char (*cells)[CELL] = calloc(nrow * ncol, CELL);
    if (nrow == 1 || !cells) {
        printf("%s\n", nrow == 1 ? empty : hd_status_message(HD_ERR_INTERNAL));
        free(cells);
        return;
    }
    for (size_t c = 0; c < ncol; c++)
        snprintf(cells[c], CELL, "%s", _(cols[c].head));
    for (size_t r = 1; r < nrow; r++)
        for (size_t c = 0; c < ncol; c++)
            cols[c].cell(json_array_get(arr, r - 1), cols[c].key, cells[r * ncol + c], CELL);
    table_print(cells, ncol, nrow);
    free(cells);
}

void cli_print_items(const json_t *arr, int with_kind, const char *empty)
{
    static const column cols[] = {{N_("ID"), "id", cli_cell_text},
                                  {N_("NAME"), "name", cli_cell_text},
                                  {N_("KIND"), "kind", cli_cell_text}};
    list_print(arr, cols, with_kind ? 3 : 2, empty);
}

/* ---- reports ----------------------------------------------------------------------------- */

static int report_projects(hub_run *r, const hub_result *res)
{
    static const column cols[] = {{N_("ID"), "id", cli_cell_text}, {N_("NAME"), "name", cli_cell_text}};
    if (r->a.json)
        cli_json_line(json_incref(res->data));
    else
        list_print(res->data, cols, 2, _("No projects."));
    return 0;
}

static int report_channels(hub_run *r, const hub_result *res)
{
    static const column cols[] = {
        {N_("ID"), "id", cli_cell_text},         {N_("NAME"), "name", cli_cell_text},
        {N_("TYPE"), "type", cli_cell_text},     {N_("PHONE"), "phone", cli_cell_text},
        {N_("ACTIVE"), "active", cli_cell_text}, {N_("MODE"), "mode", cli_cell_text},
        {N_("ACTIVE TILL"), "active_till", cell_time},
    };
    /* Mode and expiry only mean something on hubs with trial and live channels (Whapi). */
    size_t ncol = r->t.ops->caps & PROVIDER_CAP_CHANNEL_MODE ? 7 : 5;
    if (r->a.json)
        cli_json_line(json_incref(res->data));
    else
        list_print(res->data, cols, ncol, _("No channels."));
    return 0;
}

/* "SHAZAM-X "Shop" (mode trial, active till 2026-01-02 10:00)" */
static void print_channel_line(const char *what, const json_t *ch)
{
    char id[CELL], name[CELL], mode[CELL], till[CELL];
    printf("%s %s \"%s\" (%s %s, %s %s)\n", what, cli_cell_text(ch, "id", id, sizeof id),
           cli_cell_text(ch, "name", name, sizeof name), _("mode"),
           cli_cell_text(ch, "mode", mode, sizeof mode), _("active till"),
           cell_time(ch, "active_till", till, sizeof till));
}

/* The channel (plus where its secret went) on stdout, JSON or text. */
static void print_saved(hub_run *r, const json_t *data, const char *key, const char *saved,
                        const char *text_what, const char *text_saved)
{
    if (r->a.json) {
        json_t *o = json_is_object(data) ? json_deep_copy(data) : json_object();
        json_object_set_new(o, key, saved ? json_string(saved) : json_null());
        cli_json_line(o);
        return;
    }
    print_channel_line(text_what, data);
    if (saved)
        printf("  %s %s\n", text_saved, saved);
    cli_output_ok();
}

static int report_create(hub_run *r, const hub_result *res)
{
    char name[VAULT_NAME_MAX + 1], why[400], msg[1200], id[CELL];
    /* Channels without a token of their own (HubMessage) are remembered in the profile. */
    if (!hub_target_channel_tokens(&r->t))
        return cli_onboard_report_created(r, res);
    cli_cell_text(res->data, "id", id, sizeof id);
    const char *raw_id = json_string_value(json_object_get(res->data, "id"));
    int st = cli_target_store(&r->t, "ch", raw_id, VAULT_KIND_CHANNEL_TOKEN, res->secret, name,
                          sizeof name, why, sizeof why);
    print_saved(r, res->data, "token_saved_as", st == 0 ? name : NULL, _("Created channel"),
                _("token saved in the vault as"));
    if (st == 0)
        return 0;
    /* The hub shows a channel's token once: the user must know it is lost, and what to do. */
    snprintf(msg, sizeof msg,
             _("THE CHANNEL %s EXISTS BUT ITS TOKEN WAS NOT SAVED in the vault as %s (%s); the "
               "hub shows it only once: delete the channel (hubdesk channel delete %s) and "
               "create it again"), id, *name ? name : "?", why, id);
    return cli_fail_line(1, msg);
}

static int report_live(hub_run *r, const hub_result *res)
{
    if (r->a.json)
        cli_json_line(json_incref(res->data));
    else
        print_channel_line(_("Channel is live:"), res->data);
    cli_output_ok();
    return 0;
}

/* A deleted channel's token is useless: drop it from the vault when the vault is open. */
static int report_delete(hub_run *r, const hub_result *res)
{
    char name[VAULT_NAME_MAX + 1] = "";
    int removed = r->t.v && provider_secret_name(name, sizeof name, r->t.profile, "ch",
                                                 r->a.id) == 0 &&
                  vault_remove(r->t.v, name) == VAULT_OK;
    if (r->a.json) {
        cli_json_line(json_pack("{s:s,s:b,s:s?}", "id", r->a.id, "deleted", 1, "token_removed",
                            removed ? name : NULL));
        return 0;
    }
    printf(_("Deleted channel %s.\n"), r->a.id);
    if (removed)
        printf(_("Removed its token %s from the vault.\n"), name);
    cli_output_ok();
    return 0;
}

static void print_webhook(const json_t *data, const char *channel, const char *saved)
{
    char url[2048], id[CELL], ev[CELL];
    size_t i;
    json_t *e, *hooks = json_object_get(data, "hooks");
    /* Whapi's webhooks live in the channel's settings: they have no id of their own. */
    cli_cell_text(data, "id", id, sizeof id);
    printf("%s%s%s: %s\n", _("Webhook set"), strcmp(id, "-") ? " " : "", strcmp(id, "-") ? id : "",
           cli_cell_text(data, "url", url, sizeof url));
    if (channel)
        printf("  %s %s\n", _("channel"), channel);
    /* Chatt2.me: one webhook per event, each with its id. */
    if (json_array_size(hooks)) {
        json_array_foreach(hooks, i, e)
            printf("  %s %s: %s\n", _("event"), cli_cell_text(e, "event", ev, sizeof ev),
                   cli_cell_text(e, "id", id, sizeof id));
    } else {
        printf("  %s", _("events:"));
        json_array_foreach(json_object_get(data, "events"), i, e)
            if (json_is_string(e))
                printf("%s%s", i ? ", " : " ", text_sanitize(json_string_value(e), ev, sizeof ev));
        putchar('\n');
    }
    if (saved)
        printf("  %s %s\n", _("signing secret saved in the vault as"), saved);
    if (json_array_size(hooks))
        printf("%s\n", _("The hub calls the endpoint when a webhook is registered: it must answer "
                         "that verification request with a 2xx status, quickly."));
    cli_output_ok();
}

static int report_webhook(hub_run *r, const hub_result *res)
{
    char name[VAULT_NAME_MAX + 1] = "", why[400], msg[1000], id[CELL];
    int st = 0;
    /* Keebai hands out the signing secret once: it goes to the vault before anything else. */
    if (res->secret)
        st = cli_target_store(&r->t, "hook", json_string_value(json_object_get(res->data, "id")),
                          VAULT_KIND_WEBHOOK_SECRET, res->secret, name, sizeof name, why, sizeof why);
    if (r->a.json) {
        json_t *o = json_is_object(res->data) ? json_deep_copy(res->data) : json_object();
        json_object_set_new(o, "secret_saved_as", res->secret && st == 0 ? json_string(name) : json_null());
        cli_json_line(o);
    } else {
        print_webhook(res->data, r->a.channel, res->secret && st == 0 ? name : NULL);
    }
    if (st == 0)
        return 0;
    snprintf(msg, sizeof msg,
             _("THE WEBHOOK %s IS SET BUT ITS SIGNING SECRET WAS NOT SAVED in the vault as %s "
               "(%s); the hub shows it only once: set the webhook again to get a new one"),
             cli_cell_text(res->data, "id", id, sizeof id), *name ? name : "?", why);
    return cli_fail_line(1, msg);
}

/* ---- status ------------------------------------------------------------------------------ */

/* States that end a --wait badly; HydraCore's not_configured too (a status without a channel). */
static int state_is_final_failure(const char *text)
{
    return !strcmp(text, "ERROR") || !strcmp(text, "STOP") || !strcmp(text, "SYNC_ERROR") ||
           !strcasecmp(text, "not_configured");
}

/* States that end a --wait well: Whapi AUTH, HydraCore connected, HubMessage CONNECTED. */
static int state_is_ready(const char *text)
{
    return !strcmp(text, "AUTH") || !strcasecmp(text, "connected");
}

static void start_call(hub_run *r);

static void poll_again(loop *l, void *arg)
{
    start_call(arg);
}

/* What HydraCore and HubMessage add to a status, one "  key: value" line each. */
static void print_status_fields(const json_t *data)
{
    static const char *const keys[] = {"phone_number_id", "display_phone", "enabled",
                                       "webhook_url", "waba_id", "phone_id", "coexistence", NULL};
    char val[2048];
    for (size_t i = 0; keys[i]; i++)
        if (json_object_get(data, keys[i]) && !json_is_null(json_object_get(data, keys[i])))
            printf("  %-16s %s\n", keys[i], cli_cell_text(data, keys[i], val, sizeof val));
}

/* A line per change; with --wait, polls until ready (0) or a failed state (1). */
static int report_status(hub_run *r, const hub_result *res)
{
    char text[64], meaning[400], msg[600];
    const char *what = r->a.instance ? r->a.instance : r->a.channel;
    cli_cell_text(res->data, "text", text, sizeof text);
    cli_cell_text(res->data, "meaning", meaning, sizeof meaning);
    if (strcmp(text, r->last_state) != 0) {
        snprintf(r->last_state, sizeof r->last_state, "%s", text);
        if (r->a.json) {
            json_t *o = json_is_object(res->data) ? json_deep_copy(res->data) : json_object();
            json_object_set_new(o, r->a.instance ? "instance" : "channel_id", json_string(what));
            cli_json_line(o);
        } else {
            size_t tl = strlen(text);
            /* Some drivers' meanings already open with the state ("connected: ..."). */
            if (!strncmp(meaning, text, tl) && meaning[tl] == ':')
                printf("%s\n", meaning);
            else
                printf("%s: %s\n", text, meaning);
            print_status_fields(res->data);
        }
        if (cli_output_ok() < 0) /* --wait would go on printing into nothing */
            return cli_output_fail();
    }
    if (state_is_final_failure(text)) {
        snprintf(msg, sizeof msg, r->a.instance ? _("instance %s is in state %s: %s")
                                                : _("channel %s is in state %s: %s"),
                 what, text, meaning);
        return cli_fail_line(1, msg);
    }
    /* HubMessage may have no status endpoint (UNKNOWN): waiting would never end. */
    if (!r->a.wait || state_is_ready(text) || !strcmp(text, "UNKNOWN"))
        return 0;
    if (!loop_timer_add(r->l, (uint64_t)r->a.interval_ms, poll_again, r))
        return cli_fail_line(1, hd_status_message(HD_ERR_INTERNAL));
    return -1;
}

/* ---- checks before any secret ------------------------------------------------------------ */

/* Whapi commands on one channel need its token, hence the profile's vault. */
static int need_channel(hub_run *r)
{
    char title[64];
    if (!r->a.channel)
        return cli_usage_error(_("'%s' needs --channel ID"), cli_cmd_title(r->cmd, title, sizeof title));
    if (!r->t.profile[0])
        return cli_usage_error("%s", _("--channel needs --profile NAME: the channel's token is "
                                       "kept in the vault under the profile"));
    return -1;
}

/* HydraCore: --instance UUID, checked. -1 if fine, else the exit code. */
static int need_instance(hub_run *r)
{
    char title[64], why[200], msg[300];
    if (!r->a.instance)
        return cli_usage_error(_("'%s' needs --instance UUID (the remembered ones: hubdesk projects)"),
                               cli_cmd_title(r->cmd, title, sizeof title));
    if (provider_uuid_check(r->a.instance, _("instance id"), why, sizeof why) != HD_OK) {
        snprintf(msg, sizeof msg, "--instance: %s", why);
        return cli_usage_error("%s", msg);
    }
    return -1;
}

static int check_channels(hub_run *r)
{
    unsigned caps = r->t.ops->caps;
    if (r->a.project && !(caps & PROVIDER_CAP_PROJECTS))
        return cli_usage_error(_("--project: %s has no projects"), r->t.ops->label);
    if (r->a.instance && !(caps & PROVIDER_CAP_LOCAL_PROJECTS))
        return cli_usage_error(_("--instance: %s has no instances"), r->t.ops->label);
    if (r->a.type && (caps & PROVIDER_CAP_LOCAL_CHANNELS))
        return cli_usage_error(_("--type: %s channels are listed from the profile, by id"),
                               r->t.ops->label);
    if (caps & PROVIDER_CAP_LOCAL_PROJECTS)
        return need_instance(r);
    return -1;
}

static int check_create(hub_run *r)
{
    char why[200], name[VAULT_NAME_MAX + 1];
    if (!r->a.name)
        return cli_usage_error("%s", r->t.ops->caps & PROVIDER_CAP_PROJECTS
                                         ? _("channel create needs --name NAME and --project ID")
                                         : _("channel create needs --name NAME"));
    if (flow_name_check(r->a.name, why, sizeof why) != HD_OK || !*r->a.name)
        return cli_usage_error("%s", *r->a.name ? why : _("the channel name is empty"));
    if ((r->t.ops->caps & PROVIDER_CAP_PROJECTS) && !r->a.project)
        return cli_usage_error(_("channel create needs --project ID on %s (see: hubdesk "
                                 "projects)"), r->t.ops->label);
    if (!(r->t.ops->caps & PROVIDER_CAP_PROJECTS) && r->a.project)
        return cli_usage_error(_("--project: %s has no projects"), r->t.ops->label);
    if (!hub_target_channel_tokens(&r->t))
        return -1;
    /* The token exists only in the hub's answer: without a vault to keep it, it would be lost. */
    if (!r->t.profile[0])
        return cli_usage_error("%s", _("channel create needs --profile NAME: the new channel's "
                                       "token must go into the vault (HUBDESK_TOKEN alone has none)"));
    if (provider_secret_name(name, sizeof name, r->t.profile, "ch", "x") < 0)
        return cli_usage_error(_("the profile name %s is too long to name its channels' tokens"),
                               r->t.profile);
    return -1;
}

int cli_ask_yes(const char *question)
{
    char line[16] = "";
    fprintf(stderr, "%s %s ", question, _("[y/N]"));
    fflush(stderr);
    if (!fgets(line, sizeof line, stdin))
        return 0;
    return i18n_is_yes_line(line);
}

static int check_delete(hub_run *r)
{
    char q[200], msg[300];
    if (r->a.yes)
        return -1;
    if (!isatty(STDIN_FILENO)) {
        snprintf(msg, sizeof msg, _("no terminal to confirm on: add --yes to delete channel %s"),
                 r->a.id);
        return cli_usage_error("%s", msg);
    }
    snprintf(q, sizeof q, _("Delete channel %s?"), r->a.id);
    if (cli_ask_yes(q))
        return -1;
    snprintf(msg, sizeof msg, _("channel %s was not deleted"), r->a.id);
    return cli_fail_line(1, msg);
}

/* Known events only (when the driver has a catalogue), so a typo is not sent to the hub. */
static int check_events(hub_run *r)
{
    const char *const *known = r->t.ops->webhook_events;
    char list[1024];
    for (size_t i = 0; known && i < r->a.nevents; i++) {
        size_t k = 0;
        while (known[k] && strcmp(known[k], r->a.events[i]) != 0)
            k++;
        if (known[k])
            continue;
        size_t used = (size_t)snprintf(list, sizeof list, _("unknown event '%s' (known:"),
                                       r->a.events[i]);
        for (k = 0; known[k] && used < sizeof list; k++)
            used += (size_t)snprintf(list + used, sizeof list - used, "%s %s", k ? "," : "",
                                     known[k]);
        if (used < sizeof list)
            snprintf(list + used, sizeof list - used, ")");
        return cli_usage_error("%s", list);
    }
    return -1;
}

/* Keebai hands out a signing secret with each webhook (shown once: it must go to the vault).
   A new hub that does the same belongs here. */
static int webhook_gives_secret(const provider_ops *ops)
{
    return !strcmp(ops->id, "keebai");
}

static int check_webhook(hub_run *r)
{
    char why[300];
    if (!r->a.url)
        return cli_usage_error("%s", _("webhook set needs --url https://..."));
    if (provider_webhook_url_check(r->a.url, why, sizeof why) != HD_OK)
        return cli_usage_error("%s", why);
    int rc = check_events(r);
    if (rc >= 0)
        return rc;
    if (hub_target_channel_tokens(&r->t))
        return need_channel(r);
    if (r->a.channel)
        return cli_usage_error(_("--channel: %s webhooks belong to the account, not a channel"),
                               r->t.ops->label);
    /* The signing secret is shown once: keep it in the profile's vault. */
    if (webhook_gives_secret(r->t.ops) && !r->t.profile[0])
        return cli_usage_error("%s", _("webhook set needs --profile NAME: the signing secret "
                                       "must go into the vault"));
    return -1;
}

static int check_status(hub_run *r)
{
    if (r->t.ops->caps & PROVIDER_CAP_LOCAL_PROJECTS) {
        if (r->a.channel)
            return cli_usage_error(_("--channel: %s has one WhatsApp channel per instance: use "
                                     "--instance UUID"), r->t.ops->label);
        return need_instance(r);
    }
    if (r->a.instance)
        return cli_usage_error(_("--instance: %s has no instances"), r->t.ops->label);
    if (hub_target_channel_tokens(&r->t))
        return need_channel(r);
    if (!r->a.channel)
        return cli_usage_error("%s", _("'hubdesk status' needs --channel ID"));
    return -1;
}

/* ---- running one command ----------------------------------------------------------------- */

static void finish(hub_run *r, int code)
{
    r->exit_code = code;
    loop_stop(r->l, code);
}

static void report_failure(hub_run *r, const hub_result *res)
{
    char msg[700];
    snprintf(msg, sizeof msg, "%s: %s%s%s", hub_op_label(r->cmd->op),
             hd_status_message(res->status), *res->message ? ": " : "", res->message);
    if (r->a.json) {
        json_t *o = json_pack("{s:s,s:s,s:s,s:I,s:i}", "event", "failed", "status",
                              hd_status_name(res->status), "message", res->message, "code",
                              (json_int_t)res->code, "exit_code", hd_status_exit_code(res->status));
        cli_onboard_failure_json(r, res, o);
        cli_json_line(o);
    }
    cli_fail_line(hd_status_exit_code(res->status), msg);
    cli_onboard_failure_details(r, res);
}

/* The change into the journal, before anything is reported; a journal that cannot be written
   costs a warning line, never the command's result. */
static void record(hub_run *r, const hub_result *res)
{
    char err[300];
    if (!r->journaled)
        return;
    r->journaled = 0;
    journal_hub_end(&r->jentry, res);
    if (journal_record(&r->jentry, err, sizeof err) < 0) {
        fprintf(stderr, "hubdesk: ");
        fprintf(stderr, _("The change was made, but the journal could not record it: %s"), err);
        fputc('\n', stderr);
    }
}

static void on_done(const hub_result *res, void *arg)
{
    hub_run *r = arg;
    r->call = NULL;
    record(r, res);
    if (res->status != HD_OK) {
        report_failure(r, res);
        finish(r, hd_status_exit_code(res->status));
        return;
    }
    int rc = r->cmd->report(r, res);
    if (rc >= 0)
        finish(r, rc);
}

/* 429 or 5xx: the call waits before a retry; say so where someone is reading. */
static void on_wait(long delay_ms, const char *message, void *arg)
{
    hub_run *r = arg;
    if (r->a.json)
        cli_json_line(json_pack("{s:s,s:s,s:I}", "event", "waiting", "message", message ? message : "",
                            "wait_ms", (json_int_t)delay_ms));
    else if (r->chatty)
        fprintf(stderr, "hubdesk: %s\n", message ? message : "");
}

static void start_call(hub_run *r)
{
    provider_ctx ctx = {.l = r->l, .http = r->http, .base_url = r->t.base_url,
                        .gate_url = r->t.gate_url[0] ? r->t.gate_url : NULL, .token = r->t.token,
                        .api_key = r->t.api_key};
    hub_req q = {.op = r->cmd->op, .project_id = r->a.instance ? r->a.instance : r->a.project,
                 .channel_token = r->channel_token,
                 .channel_id = r->a.id ? r->a.id : r->a.channel, .name = r->a.name,
                 .type_filter = r->a.type, .url = r->a.url,
                 .mode = r->cmd->op == HUB_OP_CHANNEL_MODE ? "live" : NULL,
                 .events = r->a.nevents ? r->a.events : NULL,
                 .connect = r->cmd->op == HUB_OP_CONNECT ? &r->conn : NULL,
                 .to = r->a.to, .text = r->a.text, .kind = r->kind};
    r->journaled = journal_hub_begin(&r->jentry, r->t.profile, r->t.ops, &q) == 0;
    r->call = r->t.ops->call(&ctx, &q, on_done, on_wait, r);
    if (!r->call) {
        cli_fail_line(1, hd_status_message(HD_ERR_INTERNAL));
        finish(r, 1);
    }
}

/* Calls whose answer must not be lost are not abandoned on the first Ctrl-C: a secret shown
   once, a verify token the hub made, a channel created. */
static void on_signal(loop *l, int signo, void *arg)
{
    hub_run *r = arg;
    int keeps = r->cmd->op == HUB_OP_CHANNEL_CREATE || r->cmd->op == HUB_OP_WEBHOOK_SET ||
                r->cmd->op == HUB_OP_CONNECT;
    if (signo == SIGWINCH)
        return;
    if (r->call && keeps && r->interrupts++ == 0 && isatty(STDERR_FILENO)) {
        fprintf(stderr, "%s\n", _("hubdesk: waiting for the hub's answer, which holds what is "
                                  "shown only once; interrupt again to give up"));
        return;
    }
    if (r->call && r->t.ops->call_cancel)
        r->t.ops->call_cancel(r->call);
    r->call = NULL;
    if (r->a.json)
        cli_json_line(json_pack("{s:s,s:s,s:s,s:i}", "event", "failed", "status", "cancelled",
                            "message", _("cancelled"), "exit_code",
                            hd_status_exit_code(HD_ERR_CANCELLED)));
    finish(r, cli_fail_line(hd_status_exit_code(HD_ERR_CANCELLED), _("cancelled")));
}

static int run_loop(hub_run *r)
{
    r->l = loop_new();
    r->http = r->l ? http_client_new(r->l) : NULL;
    if (!r->http) {
        loop_free(r->l);
        return cli_fail_line(1, hd_status_message(HD_ERR_INTERNAL));
    }
    loop_signals_watch(r->l, on_signal, r);
    start_call(r);
    if (r->call)
        loop_run(r->l);
    if (r->call && r->t.ops->call_cancel)
        r->t.ops->call_cancel(r->call);
    http_client_free(r->http);
    loop_free(r->l);
    return r->exit_code;
}

static int cmd_available(const hub_cmd *c, const provider_ops *ops)
{
    return (ops->caps & c->caps_all) == c->caps_all && !(ops->caps & c->caps_none) &&
           (!c->caps_any || (ops->caps & c->caps_any));
}

const char *cli_hubs_with(unsigned all, unsigned any, unsigned none, char *out, size_t n)
{
    const provider_ops *const *d = provider_all();
    hub_cmd c = {.caps_all = all, .caps_any = any, .caps_none = none};
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; d[i] && used < n; i++)
        if (cmd_available(&c, d[i]))
            used += (size_t)snprintf(out + used, n - used, "%s%s", used ? ", " : "", d[i]->label);
    return out;
}

/* Refuses, before any secret, what the hub cannot do, naming the hubs that can. */
static int check_driver(const hub_run *r)
{
    char msg[400], title[64], hubs[200];
    const provider_ops *ops = r->t.ops;
    int local = r->cmd->local && (!r->cmd->local_cap || (ops->caps & r->cmd->local_cap));
    if (cmd_available(r->cmd, ops) && (local || ops->call))
        return -1;
    cli_cmd_title(r->cmd, title, sizeof title);
    cli_hubs_with(r->cmd->caps_all, r->cmd->caps_any, r->cmd->caps_none, hubs, sizeof hubs);
    if (r->cmd->op == HUB_OP_CHANNEL_DELETE && (ops->caps & PROVIDER_CAP_LOCAL_PROJECTS) &&
        (ops->caps & PROVIDER_CAP_CHANNEL_DELETE))
        snprintf(msg, sizeof msg, _("'%s' is not available on %s: its WhatsApp channel belongs "
                                    "to an instance; use 'hubdesk teardown --instance UUID'"),
                 title, ops->label);
    else if (!cmd_available(r->cmd, ops) && *hubs)
        snprintf(msg, sizeof msg, _("'%s' is not available on %s (hubs that have it: %s)"), title,
                 ops->label, hubs);
    else
        snprintf(msg, sizeof msg, _("'%s' is not available on %s"), title, ops->label);
    return cli_usage_error("%s", msg);
}

/* When the vault must be open: secrets to keep or read besides the profile's token. */
static hub_vault_use vault_use(const hub_run *r)
{
    int tokens = hub_target_channel_tokens(&r->t);
    switch (r->cmd->op) {
    case HUB_OP_CHANNEL_CREATE: return tokens ? HUB_VAULT_NEEDED : HUB_VAULT_NEVER;
    case HUB_OP_WEBHOOK_SET:
        return tokens || webhook_gives_secret(r->t.ops) ? HUB_VAULT_NEEDED : HUB_VAULT_IF_OPEN;
    case HUB_OP_STATUS: return tokens ? HUB_VAULT_NEEDED : HUB_VAULT_NEVER;
    case HUB_OP_CHANNEL_DELETE: return HUB_VAULT_IF_OPEN;
    case HUB_OP_CONNECT:
        return r->a.connect_mode == CLI_CONNECT_CREDENTIALS || r->a.code_entry ? HUB_VAULT_NEEDED
                                                                              : HUB_VAULT_NEVER;
    default: return HUB_VAULT_NEVER;
    }
}

static int run_cmd(hub_run *r)
{
    int rc = check_driver(r);
    if (rc < 0 && r->cmd->check)
        rc = r->cmd->check(r);
    if (rc < 0 && r->cmd->local &&
        (!r->cmd->local_cap || (r->t.ops->caps & r->cmd->local_cap)))
        rc = r->cmd->local(r);
    if (rc < 0)
        rc = hub_target_unlock(&r->t, r->a.passphrase_fd, vault_use(r));
    if (rc < 0 && r->a.channel && hub_target_channel_tokens(&r->t))
        r->channel_token = hub_target_channel_token(&r->t, r->a.channel, &rc);
    if (rc < 0 && r->cmd->prepare)
        rc = r->cmd->prepare(r);
    if (rc < 0) {
        r->chatty = isatty(STDERR_FILENO);
        rc = run_loop(r);
    }
    cli_onboard_release(r);
    secret_free(r->channel_token);
    r->channel_token = NULL;
    hub_target_close(&r->t);
    return rc;
}

#define CAP(x) PROVIDER_CAP_##x

static const hub_cmd commands[] = {
    {"projects", NULL, HUB_OP_PROJECTS, "", 0, 0, CAP(PROJECTS) | CAP(LOCAL_PROJECTS), 0, NULL,
     NULL, report_projects, cli_onboard_list_instances, CAP(LOCAL_PROJECTS)},
    {"channels", NULL, HUB_OP_CHANNELS, "RTI", 0, 0, 0, 0, check_channels, NULL, report_channels,
     cli_onboard_list_channels, CAP(LOCAL_CHANNELS)},
    {"channel", "create", HUB_OP_CHANNEL_CREATE, "nR", 0, CAP(CHANNEL_CREATE), 0, 0, check_create,
     NULL, report_create, NULL, 0},
    {"channel", "live", HUB_OP_CHANNEL_MODE, "", 1, CAP(CHANNEL_MODE), 0, 0, NULL, NULL,
     report_live, NULL, 0},
    /* HydraCore deletes an instance's channel with `teardown --instance`. */
    {"channel", "delete", HUB_OP_CHANNEL_DELETE, "y", 1, CAP(CHANNEL_DELETE), 0,
     CAP(LOCAL_PROJECTS), check_delete, NULL, report_delete, NULL, 0},
    {"channel", "add", HUB_OP_CHANNELS, "ckn", 0, CAP(LOCAL_CHANNELS), 0, 0,
     cli_onboard_check_channel_add, NULL, NULL, cli_onboard_channel_add, 0},
    {"channel", "forget", HUB_OP_CHANNELS, "c", 0, CAP(LOCAL_CHANNELS), 0, 0,
     cli_onboard_check_channel_forget, NULL, NULL, cli_onboard_channel_forget, 0},
    /* HydraCore cannot list its instances: the profile remembers them (`projects`). */
    {"instance", "add", HUB_OP_PROJECTS, "In", 0, CAP(LOCAL_PROJECTS), 0, 0,
     cli_onboard_check_instance_add, NULL, NULL, cli_onboard_instance_add, 0},
    {"instance", "forget", HUB_OP_PROJECTS, "IW", 0, CAP(LOCAL_PROJECTS), 0, 0,
     cli_onboard_check_instance_forget, NULL, NULL, cli_onboard_instance_forget, 0},
    {"webhook", "set", HUB_OP_WEBHOOK_SET, "uecn", 0, CAP(WEBHOOK), 0, 0, check_webhook, NULL,
     report_webhook, NULL, 0},
    {"status", NULL, HUB_OP_STATUS, "cwiI", 0, CAP(STATUS), 0, 0, check_status, NULL,
     report_status, NULL, 0},
    {"send-test", NULL, HUB_OP_SEND_TEST, "cOXk", 0, CAP(TEST_MESSAGE), 0, 0,
     cli_onboard_check_send, NULL, cli_onboard_report_send, NULL, 0},
    {"teardown", NULL, HUB_OP_CHANNEL_DELETE, "Iy", 0, CAP(CHANNEL_DELETE) | CAP(LOCAL_PROJECTS),
     0, 0, cli_onboard_check_teardown, NULL, cli_onboard_report_teardown, NULL, 0},
};
#define NCOMMANDS (sizeof commands / sizeof *commands)

/* `connect --mode signup-code|credentials`: not pairing sessions, one call each. */
static const hub_cmd connect_signup = {
    "connect", "--mode signup-code", HUB_OP_CONNECT, "", 0, CAP(SIGNUP_CODE), 0, 0,
    cli_onboard_check_signup, cli_onboard_prepare_signup, cli_onboard_report_signup, NULL, 0};
static const hub_cmd connect_credentials = {
    "connect", "--mode credentials", HUB_OP_CONNECT, "", 0, CAP(CREDENTIALS), 0, 0,
    cli_onboard_check_credentials, cli_onboard_prepare_credentials,
    cli_onboard_report_credentials, NULL, 0};

int cli_hub_is_command(const char *word)
{
    for (size_t i = 0; word && i < NCOMMANDS; i++)
        if (!strcmp(commands[i].word, word))
            return 1;
    return 0;
}

/* The command for argv[0] (and argv[1] for two-word commands); NULL after a usage line. */
static const hub_cmd *find_cmd(int argc, char **argv, int *rc)
{
    const char *sub = argc > 1 ? argv[1] : "";
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (!strcmp(commands[i].word, argv[0]) && (!commands[i].sub || !strcmp(commands[i].sub, sub)))
            return &commands[i];
    if (!strcmp(argv[0], "channel"))
        *rc = cli_usage_error(_("channel: say create, live ID, delete ID, add or forget, not '%s'"),
                              sub);
    else if (!strcmp(argv[0], "instance"))
        *rc = cli_usage_error(_("instance: say add or forget, not '%s'"), sub);
    else
        *rc = cli_usage_error(_("webhook: say set, not '%s'"), sub);
    return NULL;
}

int cli_hub_main(int argc, char **argv)
{
    hub_run r;
    int rc = 1;
    memset(&r, 0, sizeof r);
    if (!(r.cmd = find_cmd(argc, argv, &rc)))
        return rc;
    int skip = r.cmd->sub ? 1 : 0; /* getopt sees argv from the last command word */
    if ((rc = parse_args(r.cmd, argc - skip, argv + skip, &r.a)) >= 0)
        return rc;
    if ((rc = hub_target_resolve(&r.t, &r.a.t)) >= 0)
        return rc;
    return run_cmd(&r);
}

int cli_hub_connect(const hub_args *a)
{
    hub_run r;
    int rc;
    memset(&r, 0, sizeof r);
    r.a = *a;
    r.cmd = a->connect_mode == CLI_CONNECT_SIGNUP ? &connect_signup : &connect_credentials;
    if ((rc = hub_target_resolve(&r.t, &r.a.t)) >= 0)
        return rc;
    return run_cmd(&r);
}
