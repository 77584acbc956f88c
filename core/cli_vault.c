/* cli_vault.c: the vault and the profiles from the command line, for agents and scripts. */
#include "cli_vault.h"
#include "cli_hub.h"
#include "cli_hub_priv.h"
#include "cli_opt.h"
#include "i18n.h"
#include "passphrase.h"
#include "phone.h"
#include "profile.h"
#include "provider.h"
#include "secret.h"
#include "text.h"
#include "vault.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { EXIT_OK = 0, EXIT_OTHER = 1, EXIT_USAGE = 2, EXIT_AUTH = 3 };

typedef struct vopts {
    int passphrase_fd, new_passphrase_fd;
    int json, replace, yes, with_secret, keep_secret, reveal;
    const char *kind, *owner, *provider, *base_url, *gate_url, *label, *secret, *api_key_secret;
    const char *customer_lang; /* "es", "pt_BR", "en", or "" (the agent's): checked */
    const char *country; /* profile add|edit --country CC ("" = none) */
} vopts;

static int fail(int code, const char *fmt, const char *arg)
{
    fprintf(stderr, "hubdesk: ");
    fprintf(stderr, fmt, arg ? arg : "");
    fputc('\n', stderr);
    return code;
}

static int vault_fail(vault_status st, const char *path)
{
    char msg[512];
    vault_describe(st, path, 0, msg, sizeof msg);
    return fail(st == VAULT_ERR_WRONG_PASSPHRASE ? EXIT_AUTH : EXIT_OTHER, "%s", msg);
}

/* Parses options after the subcommand; positional arguments are left at argv[optind..]. */
static int parse_opts(int argc, char **argv, vopts *o)
{
    static const struct option opts[] = {
        {"passphrase-fd", required_argument, NULL, 'P'},
        {"new-passphrase-fd", required_argument, NULL, 'N'},
        {"json", no_argument, NULL, 'j'},        {"replace", no_argument, NULL, 'r'},
        {"yes", no_argument, NULL, 'y'},         {"with-secret", no_argument, NULL, 'w'},
        {"keep-secret", no_argument, NULL, 'K'},
        {"kind", required_argument, NULL, 'k'},  {"owner", required_argument, NULL, 'o'},
        {"provider", required_argument, NULL, 'p'}, {"base-url", required_argument, NULL, 'b'},
        {"label", required_argument, NULL, 'l'}, {"secret", required_argument, NULL, 's'},
        {"gate-url", required_argument, NULL, 'g'},
        {"api-key-secret", required_argument, NULL, 'A'},
        {"customer-lang", required_argument, NULL, 'L'},
        {"reveal", no_argument, NULL, 'R'},
        {"country", required_argument, NULL, 'C'},
        {NULL, 0, NULL, 0},
    };
    char name[CLI_OPT_NAME_MAX];
    int ch;
    memset(o, 0, sizeof *o);
    o->passphrase_fd = o->new_passphrase_fd = -1;
    optind = 1;
    opterr = 0;
    while ((ch = cli_getopt(argc, argv, ":", opts, name)) != -1) {
        switch (ch) {
        case 'P':
        case 'N': {
            int fd = passphrase_fd_parse(optarg);
            if (fd < 0)
                return fail(EXIT_USAGE, cli_opt_fd_format(), name);
            *(ch == 'P' ? &o->passphrase_fd : &o->new_passphrase_fd) = fd;
            break;
        }
        case 'j': o->json = 1; break;
        case 'r': o->replace = 1; break;
        case 'y': o->yes = 1; break;
        case 'w': o->with_secret = 1; break;
        case 'K': o->keep_secret = 1; break;
        case 'R': o->reveal = 1; break;
        case 'k': o->kind = optarg; break;
        case 'o': o->owner = optarg; break;
        case 'p': o->provider = optarg; break;
        case 'b': o->base_url = optarg; break;
        case 'g': o->gate_url = optarg; break;
        case 'l': o->label = optarg; break;
        case 's': o->secret = optarg; break;
        case 'A': o->api_key_secret = optarg; break;
        case 'L':
            if (!(o->customer_lang = *optarg ? i18n_language_code(optarg) : ""))
                return fail(EXIT_USAGE, "%s", _("--customer-lang takes es, pt_BR or en (or \"\" for "
                                                "the agent's language)"));
            break;
        case 'C': o->country = optarg; break;
        case ':': return fail(EXIT_USAGE, _("option '%s' needs a value"), name);
        /* never echo a value: "--token=SECRET" typed by mistake stays off the screen */
        default: return fail(EXIT_USAGE, _("unknown option '%s'"), name);
        }
    }
    return -1;
}

static int vault_path(char *path, size_t n)
{
    vault_status st = vault_default_path(path, n);
    return st == VAULT_OK ? -1 : vault_fail(st, NULL);
}

/* passphrase_read, with its warning (a passphrase file others can read) on stderr. */
static char *read_pass(int fd, const char *prompt, int confirm, char *err, size_t errsz)
{
    char *pass = passphrase_read(fd, prompt, confirm, err, errsz);
    if (pass && err[0])
        fprintf(stderr, "hubdesk: %s\n", err);
    return pass;
}

/* Unlocks the vault at path; on failure prints why and returns the exit code. */
static int unlock(const char *path, int fd, vault **v)
{
    char err[256];
    char *pass = read_pass(fd, _("Vault passphrase: "), 0, err, sizeof err);
    if (!pass)
        return fail(EXIT_USAGE, "%s", err);
    vault_status st = vault_open(path, pass, v);
    secret_free(pass);
    return st == VAULT_OK ? -1 : vault_fail(st, path);
}

static int cmd_init(const char *path, const vopts *o)
{
    char err[256];
    char *pass = read_pass(o->passphrase_fd, _("New vault passphrase: "), 1, err, sizeof err);
    if (!pass)
        return fail(EXIT_USAGE, "%s", err);
    vault *v = NULL;
    vault_status st = vault_create(path, pass, &v);
    secret_free(pass);
    if (st != VAULT_OK)
        return vault_fail(st, path);
    vault_close(v);
    printf(_("Created the vault %s.\n"
             "Keep the passphrase safe: without it the secrets cannot be recovered, only reset.\n"),
           path);
    return EXIT_OK;
}

static void print_entry(const vault_entry *e, const char *masked, int json)
{
    char owner[VAULT_OWNER_MAX + 1];
    text_sanitize(e->owner, owner, sizeof owner);
    if (json) {
        json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:I,s:I}", "name", e->name, "kind",
                              vault_kind_name(e->kind), "owner", owner, "secret", masked,
                              "created", (json_int_t)e->created, "updated", (json_int_t)e->updated);
        char *s = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
        printf("%s\n", s ? s : "{}");
        free(s);
        json_decref(o);
    } else {
        char when[32];
        time_t t = (time_t)e->updated;
        strftime(when, sizeof when, "%Y-%m-%d %H:%M", localtime(&t));
        printf("%-24s %-15s %-12s %-20s %s\n", e->name, vault_kind_name(e->kind), masked,
               owner[0] ? owner : "-", when);
    }
}

static int cmd_list(vault *v, const vopts *o)
{
    size_t n;
    const vault_entry *e = vault_entries(v, &n);
    if (!o->json && n == 0)
        printf("%s\n", _("The vault is empty. Add a secret with: hubdesk vault add NAME < file"));
    for (size_t i = 0; i < n; i++) {
        unsigned char *sec = NULL;
        char masked[32] = "?";
        /* Decrypted only for its last four characters, and wiped at once. */
        if (vault_get(v, e[i].name, &sec, NULL) == VAULT_OK)
            text_mask_secret((const char *)sec, masked, sizeof masked);
        vault_secret_free(sec);
        print_entry(&e[i], masked, o->json);
    }
    return EXIT_OK;
}

static int cmd_add(vault *v, const char *path, const char *name, const vopts *o)
{
    char err[256];
    vault_kind kind = o->kind ? vault_kind_from_name(o->kind) : VAULT_KIND_API_TOKEN;
    if (!kind)
        return fail(EXIT_USAGE, _("unknown kind '%s' (api-token, channel-token, app-secret, "
                                  "webhook-secret)"), o->kind);
    if (!vault_name_is_valid(name))
        return vault_fail(VAULT_ERR_INVALID_NAME, NULL);
    char *sec = secret_read_stdin(_("Secret value (not shown): "), err, sizeof err);
    if (!sec)
        return fail(EXIT_USAGE, "%s", err);
    vault_status st = vault_put(v, name, kind, o->owner, sec, strlen(sec),
                                o->replace ? VAULT_PUT_UPSERT : VAULT_PUT_ADD);
    char masked[32];
    text_mask_secret(sec, masked, sizeof masked);
    secret_free(sec);
    if (st != VAULT_OK)
        return vault_fail(st, path);
    printf(_("Stored %s (%s).\n"), name, masked);
    return EXIT_OK;
}

static int cmd_passwd(vault *v, const char *path, const vopts *o)
{
    char err[256];
    char *pass = read_pass(o->new_passphrase_fd, _("New vault passphrase: "), 1, err, sizeof err);
    if (!pass)
        return fail(EXIT_USAGE, "%s", err);
    vault_status st = vault_change_passphrase(v, pass, NULL);
    secret_free(pass);
    if (st != VAULT_OK)
        return vault_fail(st, path);
    printf("%s\n", _("The vault passphrase was changed."));
    return EXIT_OK;
}

static int cmd_reset(const char *path, const vopts *o)
{
    if (!o->yes)
        return fail(EXIT_USAGE, "%s",
                    _("reset deletes the vault and every secret in it, for good; run "
                      "'hubdesk vault reset --yes' if that is what you want"));
    vault_status st = vault_reset(path);
    if (st != VAULT_OK)
        return vault_fail(st, path);
    printf(_("Deleted the vault %s; its secrets are gone. Create a new one with 'hubdesk vault "
             "init'.\n"), path);
    return EXIT_OK;
}

/*
 * `vault show NAME`: the secret whole on stdout, for a secret the hub handed out once (a Whapi
 * channel token, a webhook signing secret) that must go somewhere else. Only to a file or a
 * pipe unless --reveal: on a terminal anyone who sees the screen (a projector, a shared tmux,
 * the scrollback) sees it. Checked before the passphrase is asked.
 */
static int show_allowed(const vopts *o, const char *name)
{
    if (!vault_name_is_valid(name)) /* and so safe to print */
        return vault_fail(VAULT_ERR_INVALID_NAME, NULL);
    if (isatty(STDOUT_FILENO) && !o->reveal)
        return fail(EXIT_USAGE, _("standard output is a terminal: send the secret to a file or "
                                  "a pipe (hubdesk vault show %s > FILE), or add --reveal to "
                                  "show it on screen"), name);
    return -1;
}

static int cmd_show(vault *v, const char *path, const char *name)
{
    unsigned char *sec = NULL;
    size_t len = 0;
    vault_status st = vault_get(v, name, &sec, &len);
    if (st != VAULT_OK)
        return vault_fail(st, path);
    int ok = fwrite(sec, 1, len, stdout) == len && fputc('\n', stdout) != EOF;
    vault_secret_free(sec);
    return ok ? EXIT_OK : EXIT_OTHER; /* a failed write is reported at exit (cli_output) */
}

static int cmd_rm(vault *v, const char *path, const char *name)
{
    vault_status st = vault_remove(v, name);
    if (st != VAULT_OK)
        return vault_fail(st, path);
    printf(_("Removed %s.\n"), name);
    return EXIT_OK;
}

int cli_vault_main(int argc, char **argv)
{
    vopts o;
    char path[1024];
    int rc = argc < 2 ? fail(EXIT_USAGE, "%s", _("vault: say init, list, add NAME, show NAME, rm "
                                                 "NAME, passwd or reset")) : -1;
    const char *cmd = argc >= 2 ? argv[1] : "";
    if (rc < 0)
        rc = parse_opts(argc - 1, argv + 1, &o);
    if (rc < 0)
        rc = vault_path(path, sizeof path);
    if (rc >= 0)
        return rc;
    int npos = argc - 1 - optind;        /* positional arguments after the subcommand */
    const char *arg = npos >= 1 ? argv[1 + optind] : NULL;
    int want = strcmp(cmd, "add") == 0 || strcmp(cmd, "rm") == 0 || strcmp(cmd, "show") == 0;
    if (npos != want)
        return fail(EXIT_USAGE, _("vault %s: wrong number of arguments"), cmd);
    if (strcmp(cmd, "show") == 0 && (rc = show_allowed(&o, arg)) >= 0)
        return rc;
    if (strcmp(cmd, "init") == 0)
        return cmd_init(path, &o);
    if (strcmp(cmd, "reset") == 0)
        return cmd_reset(path, &o);
    if (strcmp(cmd, "list") && strcmp(cmd, "add") && strcmp(cmd, "rm") && strcmp(cmd, "passwd") &&
        strcmp(cmd, "show"))
        return fail(EXIT_USAGE, _("unknown vault command '%s'"), cmd);
    vault *v = NULL;
    if ((rc = unlock(path, o.passphrase_fd, &v)) >= 0)
        return rc;
    if (strcmp(cmd, "list") == 0)
        rc = cmd_list(v, &o);
    else if (strcmp(cmd, "add") == 0)
        rc = cmd_add(v, path, arg, &o);
    else if (strcmp(cmd, "rm") == 0)
        rc = cmd_rm(v, path, arg);
    else if (strcmp(cmd, "show") == 0)
        rc = cmd_show(v, path, arg);
    else
        rc = cmd_passwd(v, path, &o);
    vault_close(v);
    return rc;
}

/* ---- profiles -------------------------------------------------------------------------- */

static int load_profiles(char *path, size_t n, profile_list *l)
{
    char err[512];
    if (profile_default_path(path, n) < 0)
        return fail(EXIT_OTHER, "%s", _("no config directory: set HOME or an absolute XDG_CONFIG_HOME"));
    if (profile_load(path, l, err, sizeof err) < 0)
        return fail(EXIT_OTHER, "%s", err);
    return -1;
}

/* A profile add, made under the profiles lock: its name checked again, then its token stored. */
typedef struct add_tx {
    const profile *p;
    vault *v;            /* NULL: no token to store (--secret names an entry) */
    const char *vpath;
    const char *token;   /* guarded memory, owned by the caller */
    vault_put_mode mode;
    unsigned char *old;  /* --replace: the entry as it was, to put back (guarded memory) */
    size_t old_len;
    vault_entry old_meta;
    int stored;          /* the token went into the vault */
    int code;            /* exit code when apply refuses */
} add_tx;

/* --replace may overwrite an entry: keep it, so a failed profiles write can put it back. */
static vault_status add_keep_old(add_tx *t)
{
    vault_status st = vault_refresh(t->v);
    const vault_entry *e = st == VAULT_OK ? vault_find(t->v, t->p->secret) : NULL;
    if (st != VAULT_OK || !e || t->mode != VAULT_PUT_UPSERT)
        return st;
    t->old_meta = *e;
    return vault_get(t->v, t->p->secret, &t->old, &t->old_len);
}

static int add_apply(profile_list *l, void *arg, char *err, size_t errsz)
{
    add_tx *t = arg;
    if (profile_add(l, t->p, err, errsz) < 0) {
        t->code = EXIT_USAGE; /* taken meanwhile by another hubdesk */
        return -1;
    }
    if (!t->v)
        return 0;
    vault_status st = add_keep_old(t);
    if (st == VAULT_OK)
        st = vault_put(t->v, t->p->secret, VAULT_KIND_API_TOKEN, t->p->name, t->token,
                       strlen(t->token), t->mode);
    if (st != VAULT_OK) {
        vault_describe(st, t->vpath, 0, err, errsz);
        t->code = st == VAULT_ERR_WRONG_PASSPHRASE ? EXIT_AUTH : EXIT_OTHER;
        return -1;
    }
    t->stored = 1;
    return 0;
}

/* The profiles file could not be written: the token must not stay behind, orphaned. */
static void add_undo(void *arg)
{
    add_tx *t = arg;
    if (!t->stored)
        return;
    if (t->old)
        vault_put(t->v, t->p->secret, t->old_meta.kind, t->old_meta.owner, t->old, t->old_len,
                  VAULT_PUT_REPLACE);
    else
        vault_remove(t->v, t->p->secret);
    t->stored = 0;
}

/* Unlocks the vault and reads the token for a new profile; -1, or the exit code. */
static int add_read_token(add_tx *t, char *vpath, size_t n, char **tok, const vopts *o)
{
    char err[256];
    int rc = vault_path(vpath, n);
    if (rc >= 0 || (rc = unlock(vpath, o->passphrase_fd, &t->v)) >= 0)
        return rc;
    if (!(*tok = secret_read_stdin(_("Hub API token (not shown): "), err, sizeof err)))
        return fail(EXIT_USAGE, "%s", err);
    if (!secret_is_token_safe(*tok))
        return vault_fail(VAULT_ERR_INVALID, vpath);
    t->vpath = vpath;
    t->token = *tok;
    t->mode = o->replace ? VAULT_PUT_UPSERT : VAULT_PUT_ADD;
    return -1;
}

/* Only HydraCore sends a second key (X-Api-Key); -1 if fine, else the exit code. */
static int api_key_check(const provider_ops *ops, const char *entry)
{
    if (entry && *entry && ops && strcmp(ops->id, "hydracore") != 0)
        return fail(EXIT_USAGE, _("--api-key-secret: %s takes no second key (only HydraCore "
                                  "sends an X-Api-Key)"), ops->label);
    if (entry && *entry && !vault_name_is_valid(entry))
        return fail(EXIT_USAGE, _("--api-key-secret: '%s' is not a vault entry name (1 to 64 "
                                  "visible ASCII characters)"), entry);
    return -1;
}

/* Only hubs with a gate API (Whapi) take one; -1 if fine, else the exit code. */
static int gate_url_check(const provider_ops *ops, const char *gate_url)
{
    if (gate_url && ops && !ops->default_gate_url)
        return fail(EXIT_USAGE, _("--gate-url: %s has no gate API"), ops->label);
    if (gate_url && strlen(gate_url) >= sizeof ((profile *)0)->gate_url)
        return fail(EXIT_USAGE, "%s", _("the gate URL is too long"));
    return -1;
}

/* --country CC into out (upper case; "" clears it). -1 if fine, else the exit code. */
static int country_opt(const vopts *o, char out[3])
{
    if (o->country && phone_country_norm(o->country, out) < 0)
        return fail(EXIT_USAGE, "%s", _("--country: two letters, the ISO 3166 code of the "
                                        "customers' country (e.g. BR, AR, MX, CO)"));
    return -1;
}

static int cmd_profile_add(const char *name, const vopts *o)
{
    char path[1024], err[512], vpath[1024];
    char *tok = NULL;
    profile_list l;
    profile p;
    add_tx t = {.p = &p};
    int rc = load_profiles(path, sizeof path, &l);
    if (rc >= 0)
        return rc;
    const provider_ops *ops = o->provider ? provider_find(o->provider) : NULL;
    if (ops && !o->base_url && !ops->default_base_url) {
        profile_list_free(&l);
        return fail(EXIT_USAGE, _("--base-url is required for %s (each deployment has its own "
                                  "address)"), ops->label);
    }
    memset(&p, 0, sizeof p);
    snprintf(p.name, sizeof p.name, "%s", name);
    snprintf(p.provider, sizeof p.provider, "%s", o->provider ? o->provider : "");
    snprintf(p.base_url, sizeof p.base_url, "%s",
             o->base_url ? o->base_url : ops ? ops->default_base_url : "");
    snprintf(p.label, sizeof p.label, "%s", o->label ? o->label : name);
    snprintf(p.gate_url, sizeof p.gate_url, "%s", o->gate_url ? o->gate_url : "");
    snprintf(p.customer_lang, sizeof p.customer_lang, "%s",
             o->customer_lang ? o->customer_lang : "");
    if (o->api_key_secret &&
        snprintf(p.api_key_secret, sizeof p.api_key_secret, "%s", o->api_key_secret) >=
            (int)sizeof p.api_key_secret)
        p.api_key_secret[0] = '\0'; /* too long: api_key_check says so */
    if (o->secret)
        snprintf(p.secret, sizeof p.secret, "%s", o->secret);
    else if (snprintf(p.secret, sizeof p.secret, "%s-token", name) >= (int)sizeof p.secret)
        p.secret[0] = '\0';
    if ((rc = gate_url_check(ops, o->gate_url)) >= 0 ||
        (rc = api_key_check(ops, o->api_key_secret)) >= 0 ||
        (rc = country_opt(o, p.country)) >= 0)
        ;
    else if (o->api_key_secret && strlen(o->api_key_secret) >= sizeof p.api_key_secret)
        rc = fail(EXIT_USAGE, "%s", _("--api-key-secret: the entry name is too long"));
    else if (profile_add(&l, &p, err, sizeof err) < 0) /* early, before any passphrase */
        rc = fail(EXIT_USAGE, "%s", err);
    else if (!o->secret && (rc = add_read_token(&t, vpath, sizeof vpath, &tok, o)) >= 0)
        ;
    else if (profile_transact(path, &(profile_change){add_apply, add_undo, &t}, err,
                              sizeof err) < 0)
        rc = fail(t.code ? t.code : EXIT_OTHER, "%s", err);
    else {
        printf(_("Added profile %s (%s, %s); its token is the vault entry %s.\n"), p.name,
               p.provider, p.base_url, p.secret);
        if (p.api_key_secret[0])
            printf(_("Its X-Api-Key is the vault entry %s (add it with: hubdesk vault add %s "
                     "< key-file).\n"), p.api_key_secret, p.api_key_secret);
    }
    profile_list_free(&l);
    secret_free(tok);
    vault_secret_free(t.old);
    vault_close(t.v);
    return rc >= 0 ? rc : EXIT_OK;
}

static int cmd_profile_list(const vopts *o)
{
    char path[1024];
    profile_list l;
    int rc = load_profiles(path, sizeof path, &l);
    if (rc >= 0)
        return rc;
    if (!o->json && l.n == 0)
        printf("%s\n", _("No profiles yet. Add one with: hubdesk profile add NAME --provider keebai"));
    for (size_t i = 0; i < l.n; i++) {
        const profile *p = &l.items[i];
        if (o->json) {
            json_t *j = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "name", p->name,
                                  "provider", p->provider, "base_url", p->base_url, "gate_url",
                                  p->gate_url, "label", p->label, "secret", p->secret,
                                  "api_key_secret", p->api_key_secret, "country", p->country,
                                  "customer_lang", p->customer_lang);
            json_t *inst = profile_remembered(p, "instances"), *ch = profile_remembered(p, "channels");
            if (j)
                json_object_set_new(j, "remembered",
                                    json_pack("{s:o,s:o}", "instances",
                                              inst ? json_incref(inst) : json_array(),
                                              "channels", ch ? json_incref(ch) : json_array()));
            char *s = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII);
            printf("%s\n", s ? s : "{}");
            free(s);
            json_decref(j);
        } else {
            printf("%-20s %-10s %-40s %s%s%s\n", p->name, p->provider, p->base_url, p->secret,
                   p->country[0] ? "  " : "", p->country); /* the country last: old readers */
        }
    }
    profile_list_free(&l);
    return EXIT_OK;
}

/* Asks on the terminal; anything but yes (y, yes, or the translated words) is no. Without a
 * terminal: no. */
static int ask_yes(const char *question)
{
    char line[16] = "";
    if (!isatty(STDIN_FILENO))
        return 0;
    fprintf(stderr, "%s %s ", question, _("[y/N]"));
    if (!fgets(line, sizeof line, stdin))
        return 0;
    return i18n_is_yes_line(line);
}

/* Another profile that names `entry` as its token or X-Api-Key (it must stay), or NULL. */
static const char *entry_user(const profile_list *l, const char *entry)
{
    for (size_t i = 0; entry[0] && i < l->n; i++)
        if (!strcmp(l->items[i].secret, entry) || !strcmp(l->items[i].api_key_secret, entry))
            return l->items[i].name;
    return NULL;
}

/* The vault entries a removed profile named, and whether they go with it. */
typedef struct rm_secrets {
    char name[PROFILE_NAME_MAX + 1];
    char token[PROFILE_NAME_MAX + 1], api_key[PROFILE_NAME_MAX + 1]; /* "" = none */
    char token_user[PROFILE_NAME_MAX + 1], key_user[PROFILE_NAME_MAX + 1]; /* shared with */
    int instances; /* HydraCore: secrets per instance, "<name>/waba|appsecret|verify/<uuid>" */
} rm_secrets;

/* Fills s from profile i; entries other profiles also use are noted, never deleted. */
static void rm_secrets_of(const profile_list *l, int i, rm_secrets *s)
{
    const profile *p = &l->items[i];
    const char *user;
    memset(s, 0, sizeof *s);
    snprintf(s->name, sizeof s->name, "%s", p->name);
    snprintf(s->token, sizeof s->token, "%s", p->secret);
    snprintf(s->api_key, sizeof s->api_key, "%s", p->api_key_secret);
    s->instances = !strcmp(p->provider, "hydracore");
    profile_list others = {l->items, (size_t)i};
    for (int pass = 0; pass < 2; pass++) { /* the profiles before i, then those after it */
        if ((user = entry_user(&others, s->token)))
            snprintf(s->token_user, sizeof s->token_user, "%s", user);
        if ((user = entry_user(&others, s->api_key)))
            snprintf(s->key_user, sizeof s->key_user, "%s", user);
        others = (profile_list){l->items + i + 1, l->n - (size_t)i - 1};
    }
}

/* Without --with-secret or --keep-secret, a terminal is asked; anything else keeps them. */
static int rm_ask(const rm_secrets *s)
{
    char q[512], list[300] = "";
    size_t used = 0;
    if (s->token[0] && !s->token_user[0])
        used += (size_t)snprintf(list, sizeof list, "%s", s->token);
    if (s->api_key[0] && !s->key_user[0] && used < sizeof list)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", used ? ", " : "",
                                 s->api_key);
    if (s->instances && used < sizeof list)
        snprintf(list + used, sizeof list - used, "%s%s", used ? ", " : "",
                 _("the secrets of its instances"));
    if (!list[0])
        return 0;
    snprintf(q, sizeof q, _("Delete its secrets from the vault too (%s)?"), list);
    return ask_yes(q);
}

/* One entry out of the vault: appended to `removed`, or the exit code of the failure. */
static int rm_entry(vault *v, const char *vpath, const char *entry, json_t *removed)
{
    vault_status st = vault_remove(v, entry);
    if (st == VAULT_OK)
        json_array_append_new(removed, json_string(entry));
    return st == VAULT_OK || st == VAULT_ERR_NOT_FOUND ? -1 : vault_fail(st, vpath);
}

/* Deletes the entries s names (names printed, never values); -1 or the first failure's code. */
static int rm_delete(vault *v, const char *vpath, const rm_secrets *s)
{
    json_t *removed = json_array(), *inst = s->instances ? cli_instance_secrets_of(v, s->name) : NULL;
    int rc = -1, r;
    size_t i;
    json_t *n;
    if (!removed) {
        json_decref(inst);
        return fail(EXIT_OTHER, "%s", _("out of memory"));
    }
    if (s->token[0] && !s->token_user[0])
        rc = rm_entry(v, vpath, s->token, removed);
    if (s->api_key[0] && !s->key_user[0] && (r = rm_entry(v, vpath, s->api_key, removed)) >= 0)
        rc = rc >= 0 ? rc : r;
    json_array_foreach(inst, i, n)
        if ((r = rm_entry(v, vpath, json_string_value(n), removed)) >= 0)
            rc = rc >= 0 ? rc : r;
    if (json_array_size(removed))
        printf("%s\n", _("Removed its secrets from the vault:"));
    json_array_foreach(removed, i, n)
        printf("  %s\n", json_string_value(n));
    json_decref(removed);
    json_decref(inst);
    return rc;
}

/* What stays in the vault, and whose it is. */
static void rm_print_kept(const rm_secrets *s, int with_secret)
{
    const char *entries[2] = {s->token, s->api_key}, *users[2] = {s->token_user, s->key_user};
    for (int k = 0; k < 2; k++) {
        if (!entries[k][0])
            continue;
        if (users[k][0])
            printf(_("Its secret %s stays in the vault: profile %s uses it too.\n"), entries[k],
                   users[k]);
        else if (!with_secret)
            printf(_("Its secret %s stays in the vault (remove it with: hubdesk vault rm %s).\n"),
                   entries[k], entries[k]);
    }
    if (s->instances && !with_secret)
        printf(_("The secrets of its instances, if any, stay in the vault too (%s/waba|appsecret|"
                 "verify/INSTANCE).\n"), s->name);
}

/* A profile rm under the profiles lock: what it named is read from the file as it is now. */
typedef struct rm_tx {
    const char *name;
    rm_secrets s;
    int code;
} rm_tx;

static int rm_apply(profile_list *l, void *arg, char *err, size_t errsz)
{
    rm_tx *t = arg;
    int i = profile_find(l, t->name);
    if (i < 0) {
        snprintf(err, errsz, _("no profile called %s"), t->name);
        t->code = EXIT_USAGE;
        return -1;
    }
    rm_secrets_of(l, i, &t->s);
    return profile_remove(l, t->name) < 0 ? -1 : 0;
}

/*
 * `profile rm NAME [--with-secret|--keep-secret]`. With the secrets, the vault is unlocked
 * before anything changes (a wrong passphrase leaves the profile), then the profile goes, then
 * its token, its X-Api-Key and, for HydraCore, every instance's secrets; entries another
 * profile also names stay.
 */
static int cmd_profile_rm(const char *name, const vopts *o)
{
    char path[1024], err[512], vpath[1024];
    profile_list l;
    rm_secrets s;
    vault *v = NULL;
    int rc = load_profiles(path, sizeof path, &l);
    if (rc >= 0)
        return rc;
    int i = profile_find(&l, name);
    if (i < 0) {
        profile_list_free(&l);
        return fail(EXIT_USAGE, _("no profile called %s"), name);
    }
    rm_secrets_of(&l, i, &s);
    int with_secret = o->with_secret || (!o->keep_secret && rm_ask(&s));
    if (with_secret && ((rc = vault_path(vpath, sizeof vpath)) >= 0 ||
                        (rc = unlock(vpath, o->passphrase_fd, &v)) >= 0)) {
        profile_list_free(&l);
        return rc;
    }
    rm_tx t = {.name = name};
    if (profile_transact(path, &(profile_change){rm_apply, NULL, &t}, err, sizeof err) < 0)
        rc = fail(t.code ? t.code : EXIT_OTHER, "%s", err);
    else
        printf(_("Removed profile %s.\n"), name);
    s = t.s; /* what the file held under the lock decides which secrets go */
    profile_list_free(&l);
    int gone = rc < 0;
    if (gone && with_secret)
        rc = rm_delete(v, vpath, &s);
    if (gone)
        rm_print_kept(&s, with_secret);
    vault_close(v);
    return rc >= 0 ? rc : EXIT_OK;
}

/* The options of `profile edit` applied to p; -1 if a value does not fit its field. */
static int edit_fields(profile *p, const vopts *o)
{
    return (o->base_url && snprintf(p->base_url, sizeof p->base_url, "%s", o->base_url) >= (int)sizeof p->base_url) ||
           (o->gate_url && snprintf(p->gate_url, sizeof p->gate_url, "%s", o->gate_url) >= (int)sizeof p->gate_url) ||
           (o->label && snprintf(p->label, sizeof p->label, "%s", o->label) >= (int)sizeof p->label) ||
           (o->secret && snprintf(p->secret, sizeof p->secret, "%s", o->secret) >= (int)sizeof p->secret) ||
           (o->api_key_secret && snprintf(p->api_key_secret, sizeof p->api_key_secret, "%s",
                                          o->api_key_secret) >= (int)sizeof p->api_key_secret) ||
           (o->customer_lang && snprintf(p->customer_lang, sizeof p->customer_lang, "%s",
                                         o->customer_lang) >= (int)sizeof p->customer_lang) ||
           (o->country && phone_country_norm(o->country, p->country) < 0)
               ? -1
               : 0;
}

/* A profile edit under the profiles lock, on the profile as the file holds it now. */
typedef struct edit_tx {
    const char *name, *provider; /* the provider the options were checked against */
    const vopts *o;
    int code;
} edit_tx;

static int edit_apply(profile_list *l, void *arg, char *err, size_t errsz)
{
    edit_tx *t = arg;
    int i = profile_find(l, t->name);
    t->code = EXIT_USAGE;
    if (i < 0) {
        snprintf(err, errsz, _("no profile called %s"), t->name);
        return -1;
    }
    profile p = l->items[i];
    if (strcmp(p.provider, t->provider) != 0) { /* removed and added again meanwhile */
        snprintf(err, errsz, _("profile %s was changed by another hubdesk meanwhile; try again"),
                 t->name);
        return -1;
    }
    if (edit_fields(&p, t->o) < 0 || profile_validate(&p, err, errsz) < 0)
        return -1;
    l->items[i] = p; /* same `remembered`, still owned by the list */
    return 0;
}

/* `profile edit NAME [--base-url U] [--gate-url U] [--label L] [--secret ENTRY]
   [--api-key-secret ENTRY] [--country CC] [--customer-lang L]`; provider is fixed. An empty
   --gate-url "" goes back to the driver's default, an empty --api-key-secret "" sends no
   X-Api-Key, an empty --country "" reads no national phone numbers, an empty --customer-lang ""
   speaks to customers in the agent's language. */
static int cmd_profile_edit(const char *name, const vopts *o)
{
    char path[1024], err[512];
    profile_list l;
    int rc = load_profiles(path, sizeof path, &l);
    if (rc >= 0)
        return rc;
    int i = profile_find(&l, name);
    if (i < 0) {
        profile_list_free(&l);
        return fail(EXIT_USAGE, _("no profile called %s"), name);
    }
    profile p = l.items[i];
    edit_tx t = {.name = name, .provider = p.provider, .o = o};
    char cc[3];
    if ((rc = country_opt(o, cc)) >= 0)
        ;
    else if (edit_fields(&p, o) < 0)
        rc = fail(EXIT_USAGE, "%s", _("a value is too long"));
    else if (o->provider && strcmp(o->provider, p.provider) != 0)
        rc = fail(EXIT_USAGE, "%s", _("the provider of a profile cannot change; add a new profile"));
    else if ((rc = gate_url_check(provider_find(p.provider), o->gate_url)) >= 0 ||
             (rc = api_key_check(provider_find(p.provider), o->api_key_secret)) >= 0)
        ;
    else if (profile_validate(&p, err, sizeof err) < 0)
        rc = fail(EXIT_USAGE, "%s", err);
    else if (profile_transact(path, &(profile_change){edit_apply, NULL, &t}, err, sizeof err) < 0)
        rc = fail(t.code ? t.code : EXIT_OTHER, "%s", err);
    else
        printf(_("Updated profile %s.\n"), name);
    profile_list_free(&l);
    return rc >= 0 ? rc : EXIT_OK;
}

/* A rename under the profiles lock; its refusals are usage errors. */
typedef struct rename_tx {
    const char *from, *to;
    int code;
} rename_tx;

static int rename_apply(profile_list *l, void *arg, char *err, size_t errsz)
{
    rename_tx *t = arg;
    t->code = EXIT_USAGE;
    return profile_rename(l, t->from, t->to, err, errsz);
}

static int cmd_profile_rename(const char *from, const char *to)
{
    char path[1024], err[512];
    rename_tx t = {.from = from, .to = to};
    if (profile_default_path(path, sizeof path) < 0)
        return fail(EXIT_OTHER, "%s", _("no config directory: set HOME or an absolute XDG_CONFIG_HOME"));
    if (profile_transact(path, &(profile_change){rename_apply, NULL, &t}, err, sizeof err) < 0)
        return fail(t.code ? t.code : EXIT_OTHER, "%s", err);
    printf(_("Renamed profile %s to %s.\n"), from, to);
    return EXIT_OK;
}

int cli_profile_main(int argc, char **argv)
{
    vopts o;
    const char *cmd = argc >= 2 ? argv[1] : "";
    int rc = argc < 2 ? fail(EXIT_USAGE, "%s", _("profile: say add NAME, list, edit NAME, rename OLD NEW or rm NAME")) : -1;
    if (rc < 0)
        rc = parse_opts(argc - 1, argv + 1, &o);
    if (rc >= 0)
        return rc;
    int npos = argc - 1 - optind;
    const char *arg = npos >= 1 ? argv[1 + optind] : NULL;
    int want = strcmp(cmd, "list") == 0 ? 0 : strcmp(cmd, "rename") == 0 ? 2 : 1;
    if (npos != want)
        return fail(EXIT_USAGE, _("profile %s: wrong number of arguments"), cmd);
    if (strcmp(cmd, "add") == 0) {
        char known[128];
        if (!o.provider)
            return fail(EXIT_USAGE, _("profile add: --provider is required (%s)"),
                        cli_known_providers(known, sizeof known));
        return cmd_profile_add(arg, &o);
    }
    if (strcmp(cmd, "list") == 0)
        return cmd_profile_list(&o);
    if (strcmp(cmd, "rm") == 0)
        return cmd_profile_rm(arg, &o);
    if (strcmp(cmd, "edit") == 0)
        return cmd_profile_edit(arg, &o);
    if (strcmp(cmd, "rename") == 0)
        return cmd_profile_rename(arg, argv[2 + optind]);
    return fail(EXIT_USAGE, _("unknown profile command '%s'"), cmd);
}

int cli_profile_get(const char *name, profile *out)
{
    char path[1024];
    profile_list l;
    int rc = load_profiles(path, sizeof path, &l);
    if (rc >= 0)
        return rc;
    int i = profile_find(&l, name);
    if (i < 0)
        rc = fail(EXIT_USAGE, _("no profile called %s (see: hubdesk profile list)"), name);
    else if (profile_copy(out, &l.items[i]) < 0)
        rc = fail(EXIT_OTHER, "%s", _("out of memory"));
    profile_list_free(&l);
    return rc;
}

/* One item of profile `name` to remember (forget = 0) or forget, under the profiles lock. */
typedef struct item_tx {
    const char *name, *list, *id, *item_name, *kind;
    int forget;
} item_tx;

static int item_apply(profile_list *l, void *arg, char *err, size_t errsz)
{
    item_tx *t = arg;
    int i = profile_find(l, t->name);
    if (i < 0) {
        snprintf(err, errsz, _("no profile called %s (see: hubdesk profile list)"), t->name);
        return -1;
    }
    if (t->forget)
        return profile_forget(&l->items[i], t->list, t->id) < 0 ? 1 : 0;
    return profile_remember(&l->items[i], t->list, t->id, t->item_name, t->kind, err, errsz);
}

/* Remembers or forgets one item of profile `name`: 0, 1 (nothing to forget), -1 with why. */
static int profile_update(const char *name, int forget, const char *list, const char *id,
                          const char *item_name, const char *kind, char *why, size_t whysz)
{
    char path[1024];
    item_tx t = {name, list, id, item_name, kind, forget};
    if (profile_default_path(path, sizeof path) < 0) {
        snprintf(why, whysz, "%s", _("no config directory: set HOME or an absolute XDG_CONFIG_HOME"));
        return -1;
    }
    return profile_transact(path, &(profile_change){item_apply, NULL, &t}, why, whysz);
}

int cli_profile_remember(const char *name, const char *list, const char *id,
                         const char *item_name, const char *kind, char *why, size_t whysz)
{
    return profile_update(name, 0, list, id, item_name, kind, why, whysz);
}

int cli_profile_forget(const char *name, const char *list, const char *id, char *why,
                       size_t whysz)
{
    return profile_update(name, 1, list, id, NULL, NULL, why, whysz);
}

int cli_vault_unlock(int passphrase_fd, vault **out)
{
    char vpath[1024];
    int rc = vault_path(vpath, sizeof vpath);
    *out = NULL;
    return rc >= 0 ? rc : unlock(vpath, passphrase_fd, out);
}
