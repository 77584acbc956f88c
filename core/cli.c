/* cli.c: `hubdesk connect`: the onboarding flow in line mode, for scripts and plain terminals. */
#include "cli.h"
#include "cli_vault.h"
#include "passphrase.h"
#include "env.h"
#include "flow.h"
#include "i18n.h"
#include "qr_ansi.h"
#include "text.h"

#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include "secret.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

typedef struct cli_run {
    loop *l;
    flow f;
    cli_target t;
    int tty, utf8;
    qr_ansi_mode mode;
    int chatty; /* stderr is a terminal: progress lines too, not only the final reason */
    int exit_code;
} cli_run;

void cli_print_usage(FILE *out)
{
    fprintf(out, "%s",
            _("Usage: hubdesk [--lock-after MINUTES]  open the console (unlocks the vault)\n"
              "       hubdesk --provider keebai [--base-url URL]   the console on one hub\n"
              "       hubdesk demo                 the console on the bundled sandbox hub\n"
              "       hubdesk connect (--profile NAME | --provider keebai [--base-url URL]) --qr\n"
              "                       [--name NAME] [--qr-style auto|half|sextant|large|ascii]\n"
              "                       [--qr-invert] [--json] [--passphrase-fd N]\n"
              "       hubdesk vault init | list [--json] | add NAME [--kind K] [--owner O]\n"
              "                     [--replace] | rm NAME | passwd | reset --yes\n"
              "       hubdesk profile add NAME --provider P [--base-url URL] [--label L]\n"
              "                       [--secret ENTRY] | list [--json] | edit NAME [...]\n"
              "                       | rename OLD NEW | rm NAME [--with-secret|--keep-secret]\n"
              "       hubdesk --help | --version\n"
              "\n"
              "Passphrases come from the terminal (no echo), --passphrase-fd N or the file named\n"
              "by HUBDESK_PASSPHRASE_FILE; secret values from standard input; never from argv.\n"
              "HUBDESK_TOKEN overrides a profile's token (it is wiped from the environment).\n"
              "With NO_COLOR the QR is drawn in reverse video (right on dark backgrounds);\n"
              "--qr-invert (or i in the console) flips it for light backgrounds.\n"
              "Exit codes: 0 connected, 2 usage, 3 token or passphrase refused, 4 pairing\n"
              "expired or cancelled, 5 network or server failure after retries, 1 anything else.\n"));
}

static void json_line(json_t *o)
{
    char *s = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
    if (s)
        printf("%s\n", s);
    free(s);
    json_decref(o);
    fflush(stdout);
}

/* A reader that went away (`| head -n1`) ends the session: nobody is watching the QR. */
static int output_gone(void)
{
    return fflush(stdout) == EOF || ferror(stdout);
}

static void terminal_size(int *cols, int *rows)
{
    struct winsize ws;
    *cols = 80;
    *rows = 24;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 0) {
        *cols = ws.ws_col;
        *rows = ws.ws_row;
    }
}

/* Two lines of text go with the QR, so the code gets the rest of the terminal. */
static void print_qr(cli_run *c)
{
    qr_matrix *m = qr_matrix_encode(c->f.qr);
    if (!m) {
        fprintf(stderr, "%s\n", _("hubdesk: the pairing string cannot be drawn as a QR code"));
        return;
    }
    qr_style style = c->t.style;
    int quiet = 2, cols, rows;
    if (style == QR_STYLE_AUTO) {
        int need_c = 0, need_r = 0;
        if (c->tty) {
            terminal_size(&cols, &rows);
        } else {
            cols = 200;
            rows = 100;
        }
        if (!qr_autofit(m, cols, rows - 3, c->utf8, 1, &style, &quiet, &need_c, &need_r)) {
            style = c->utf8 ? QR_STYLE_SEXTANT : QR_STYLE_ASCII;
            fprintf(stderr, _("hubdesk: the terminal is too small for the QR (needs %dx%d)\n"),
                    need_c, need_r + 3);
        }
    }
    qr_render *r = qr_render_make(m, style, quiet);
    if (r) {
        if (c->tty)
            fputs("\033[H\033[2J", stdout);
        long secs = (flow_qr_remaining_ms(&c->f) + 999) / 1000;
        printf(_("QR %d of %d, expires in %ld s: WhatsApp > Linked devices > Link a device\n"),
               c->f.qr_attempt, c->f.qr_attempts_max, secs);
        qr_ansi_print(stdout, r, 0, c->mode);
        fflush(stdout);
    }
    qr_render_free(r);
    qr_matrix_free(m);
}

static void report_json(cli_run *c, const pair_event *ev)
{
    switch (ev->type) {
    case PAIR_EV_QR:
        json_line(json_pack("{s:s,s:s,s:i,s:i,s:I}", "event", "qr", "qr", ev->qr, "attempt",
                            c->f.qr_attempt, "attempts", c->f.qr_attempts_max, "expires_in_ms",
                            (json_int_t)ev->expires_in_ms));
        break;
    case PAIR_EV_SCANNED:
        json_line(json_pack("{s:s}", "event", "scanned"));
        break;
    case PAIR_EV_WAITING:
        json_line(json_pack("{s:s,s:s,s:s,s:I}", "event", "waiting", "status",
                            hd_status_name(ev->status), "message", ev->message ? ev->message : "",
                            "wait_ms", (json_int_t)ev->wait_ms));
        break;
    case PAIR_EV_CONNECTED:
        json_line(json_pack("{s:s,s:s,s:s,s:s}", "event", "connected", "channel_id",
                            c->f.channel_id, "phone", c->f.phone, "name", c->f.channel_name));
        break;
    case PAIR_EV_EXPIRED:
    case PAIR_EV_FAILED:
        json_line(json_pack("{s:s,s:s,s:s,s:i}", "event",
                            ev->type == PAIR_EV_EXPIRED ? "expired" : "failed", "status",
                            hd_status_name(c->f.fail_status), "message", c->f.fail_message,
                            "exit_code", hd_status_exit_code(c->f.fail_status)));
        break;
    case PAIR_EV_STARTING:
    case PAIR_EV_RESUMED:
        break;
    }
}

static void report_text(cli_run *c, const pair_event *ev)
{
    switch (ev->type) {
    case PAIR_EV_QR:
        print_qr(c);
        break;
    case PAIR_EV_SCANNED:
    case PAIR_EV_WAITING:
        if (c->chatty)
            fprintf(stderr, "hubdesk: %s\n", c->f.status);
        break;
    case PAIR_EV_CONNECTED:
        printf("connected %s %s\n", c->f.channel_id, *c->f.phone ? c->f.phone : "-");
        fflush(stdout);
        break;
    case PAIR_EV_EXPIRED:
    case PAIR_EV_FAILED:
        fprintf(stderr, "hubdesk: %s%s%s\n", hd_status_message(c->f.fail_status),
                *c->f.fail_message ? ": " : "", c->f.fail_message);
        break;
    case PAIR_EV_STARTING:
    case PAIR_EV_RESUMED:
        break;
    }
}

static void on_flow_change(flow *f, const pair_event *ev, void *arg)
{
    cli_run *c = arg;
    if (!ev)
        return;
    if (c->t.json) {
        report_json(c, ev);
        /* Scripts get the same one-line reason on stderr as without --json. */
        if (ev->type == PAIR_EV_FAILED || ev->type == PAIR_EV_EXPIRED)
            report_text(c, ev);
    } else {
        report_text(c, ev);
    }
    if (output_gone() && f->step != FLOW_STEP_RESULT) {
        c->exit_code = 1;
        loop_stop(c->l, c->exit_code);
    } else if (f->step == FLOW_STEP_RESULT) {
        c->exit_code = f->pair == FLOW_PAIR_CONNECTED ? 0 : hd_status_exit_code(f->fail_status);
        loop_stop(c->l, c->exit_code);
    }
}

static void on_signal(loop *l, int signo, void *arg)
{
    cli_run *c = arg;
    if (signo == SIGWINCH) {
        if (!c->t.json && c->f.qr && c->f.pair == FLOW_PAIR_QR)
            print_qr(c);
        return;
    }
    if (c->t.json)
        json_line(json_pack("{s:s,s:s,s:s,s:i}", "event", "failed", "status", "cancelled",
                            "message", _("cancelled; the pairing session was stopped"),
                            "exit_code", hd_status_exit_code(HD_ERR_CANCELLED)));
    fprintf(stderr, "hubdesk: %s\n", _("cancelled; the pairing session was stopped"));
    c->exit_code = hd_status_exit_code(HD_ERR_CANCELLED);
    loop_stop(l, c->exit_code);
}

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "hubdesk: ");
    fprintf(stderr, fmt, arg ? arg : "");
    fprintf(stderr, " %s\n", _("(see 'hubdesk --help')")); /* one line: scripts read it */
    return hd_status_exit_code(HD_ERR_USAGE);
}

/* Parses `connect` options into t. Returns -1 on success, else an exit code. */
static int parse_connect(int argc, char **argv, cli_target *t)
{
    static const struct option opts[] = {
        {"provider", required_argument, NULL, 'p'}, {"base-url", required_argument, NULL, 'b'},
        {"name", required_argument, NULL, 'n'},     {"qr-style", required_argument, NULL, 's'},
        {"qr", no_argument, NULL, 'q'},             {"json", no_argument, NULL, 'j'},
        {"qr-invert", no_argument, NULL, 'i'},      {"profile", required_argument, NULL, 'P'},
        {"passphrase-fd", required_argument, NULL, 'F'},
        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0},
    };
    int ch, qr = 0;
    memset(t, 0, sizeof *t);
    t->passphrase_fd = -1;
    optind = 1;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (ch) {
        case 'p': t->provider = optarg; break;
        case 'b': t->base_url = optarg; break;
        case 'n': t->name = optarg; break;
        case 'q': qr = 1; break;
        case 'j': t->json = 1; break;
        case 'i': t->invert = 1; break;
        case 'P': t->profile = optarg; break;
        case 'F':
            if ((t->passphrase_fd = passphrase_fd_parse(optarg)) < 0)
                return usage_error(_("not a file descriptor number: '%s'"), optarg);
            break;
        case 's': {
            int s = qr_style_from_name(optarg);
            if (s < 0)
                return usage_error(_("unknown QR style '%s' (auto, half, sextant, large, ascii)"),
                                   optarg);
            t->style = (qr_style)s;
            break;
        }
        case 'h': cli_print_usage(stdout); return 0;
        case ':': return usage_error(_("option '%s' needs a value"), argv[optind - 1]);
        default: return usage_error(_("unknown option '%s'"), argv[optind - 1]);
        }
    }
    if (optind < argc)
        return usage_error(_("unexpected argument '%s'"), argv[optind]);
    if (!t->provider && !t->profile)
        return usage_error("%s", _("say which hub: --profile NAME, or --provider keebai"));
    if (!qr)
        return usage_error("%s", _("choose a connection method: --qr"));
    return -1;
}

static int check_target(const cli_target *t, const provider_ops **ops)
{
    char why[160];
    *ops = provider_find(t->provider);
    if (!*ops)
        return usage_error(_("unknown provider '%s' (known: keebai)"), t->provider);
    if (!((*ops)->caps & PROVIDER_CAP_QR_STREAM))
        return usage_error(_("provider '%s' has no QR pairing"), t->provider);
    const char *url = t->base_url ? t->base_url : (*ops)->default_base_url;
    hd_status st = http_url_check(url);
    if (st != HD_OK)
        return usage_error("%s", hd_status_message(st));
    if (t->name && flow_name_check(t->name, why, sizeof why) != HD_OK)
        return usage_error("%s", why);
    return -1;
}

/*
 * The token: HUBDESK_TOKEN wins (CI and scripts, documented), else the profile's vault entry.
 * Returns guarded memory, or NULL with *rc set after one line on stderr.
 */
static char *connect_token(cli_target *t, char *provider, size_t psz, char *url, size_t usz,
                           int *rc)
{
    char *token = env_take_secret("HUBDESK_TOKEN");
    if (t->profile) {
        /* With HUBDESK_TOKEN set the vault stays locked: only provider and URL are read. */
        char *from_vault = token ? NULL
                                 : cli_profile_token(t->profile, t->passphrase_fd, provider, psz,
                                                     url, usz, rc);
        if (token && (*rc = cli_profile_lookup(t->profile, provider, psz, url, usz)) >= 0) {
            secret_free(token);
            return NULL;
        }
        if (!token && !from_vault)
            return NULL;
        if (!t->provider)
            t->provider = provider;
        if (!t->base_url)
            t->base_url = url;
        if (from_vault)
            token = from_vault;
    }
    if (!token) {
        *rc = usage_error("%s", _("no token: set HUBDESK_TOKEN or use --profile NAME"));
        return NULL;
    }
    if (!secret_is_token_safe(token)) {
        secret_free(token);
        *rc = usage_error("%s", _("the token holds characters no token has (spaces, line breaks "
                                  "or control characters); store it again"));
        return NULL;
    }
    return token;
}

int cli_connect_main(int argc, char **argv)
{
    cli_run c;
    const provider_ops *ops;
    char provider[32] = "", url[512] = "";
    memset(&c, 0, sizeof c);
    int rc = parse_connect(argc, argv, &c.t);
    if (rc >= 0)
        return rc;
    char *token = connect_token(&c.t, provider, sizeof provider, url, sizeof url, &rc);
    if (!token)
        return rc;
    if ((rc = check_target(&c.t, &ops)) >= 0) {
        secret_free(token);
        return rc;
    }
    c.tty = isatty(STDOUT_FILENO);
    c.chatty = isatty(STDERR_FILENO);
    c.mode = !c.tty                ? QR_ANSI_PLAIN
             : env_colour_wanted() ? QR_ANSI_COLOUR
             : c.t.invert          ? QR_ANSI_NORMAL
                                   : QR_ANSI_REVERSE;
    c.utf8 = env_locale_is_utf8();
    c.l = loop_new();
    http_client *http = c.l ? http_client_new(c.l) : NULL;
    if (!http) {
        secret_free(token);
        loop_free(c.l);
        fprintf(stderr, "hubdesk: %s\n", hd_status_message(HD_ERR_INTERNAL));
        return 1;
    }
    flow_init(&c.f, c.l, http, on_flow_change, &c);
    int idx = flow_profile_add(&c.f, ops->label, ops,
                               c.t.base_url ? c.t.base_url : ops->default_base_url, token);
    secret_free(token);
    loop_signals_watch(c.l, on_signal, &c);
    c.f.profile_fixed = 1;
    if (idx >= 0 && flow_choose_profile(&c.f, idx) == HD_OK) {
        flow_set_name(&c.f, c.t.name);
        if (!c.t.json && c.chatty && c.f.step == FLOW_STEP_PAIR)
            fprintf(stderr, "hubdesk: %s\n", c.f.status);
        if (c.f.step != FLOW_STEP_RESULT)
            loop_run(c.l);
    }
    flow_release(&c.f);
    http_client_free(http);
    loop_free(c.l);
    return c.exit_code;
}
