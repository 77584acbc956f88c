/* cli.c: `hubdesk connect`: the onboarding flow in line mode, for scripts and plain terminals. */
#include "cli.h"
#include "cli_hub.h"
#include "cli_hub_priv.h"
#include "cli_opt.h"
#include "cli_output.h"
#include "env.h"
#include "flow.h"
#include "i18n.h"
#include "passphrase.h"
#include "phone.h"
#include "qr_ansi.h"
#include "secret.h"
#include "text.h"

#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* connect methods that are one hub call (cli_hub_connect), after the pair_mode values */
enum { MODE_SIGNUP_CODE = 100, MODE_CREDENTIALS = 101 };

/* connect's options: the first slice's cli_target plus the pairing modes' fields. */
typedef struct connect_args {
    cli_target t;
    const char *gate_url, *phone, *channel, *pipeline;
    int coexistence;
    int mode;           /* pair_mode or MODE_*, -1 until --mode or --qr */
    /* signup code (HubMessage) and credentials (HydraCore) */
    const char *waba_id, *phone_id, *code_entry, *instance, *phone_number_id, *display_phone;
    int from_vault;
    char given[48];     /* the option letters given, in order (which go with which method) */
} connect_args;

typedef struct cli_run {
    loop *l;
    flow f;
    connect_args a;
    const provider_ops *ops;
    int tty, utf8;
    qr_ansi_mode mode;
    int chatty; /* stderr is a terminal: progress lines too, not only the final reason */
    int done;   /* the pairing ended (maybe before the loop ran) */
    int exit_code;
    uint64_t link_deadline_ms; /* browser mode: when the link expires, 0 if unknown */
    char phone[32];            /* --phone in the hub's form */
} cli_run;

void cli_print_usage(FILE *out)
{
    fprintf(out, "%s",
            _("Usage: hubdesk [--lock-after MINUTES]  open the console (unlocks the vault)\n"
              "       hubdesk --provider keebai [--base-url URL]   the console on one hub\n"
              "       hubdesk demo                 the console on the bundled sandbox hub\n"
              "\n"
              "Line mode. HUB is --profile NAME, or --provider ID [--base-url URL]\n"
              "[--gate-url URL] with the token in HUBDESK_TOKEN (HydraCore's X-Api-Key in\n"
              "HUBDESK_API_KEY). IDs: keebai, whapi, hubmessage, hydracore, chatt2me. Every hub\n"
              "command also takes --json (one JSON object per line) and --passphrase-fd N.\n"
              "       hubdesk connect HUB --mode qr|browser|code  (--qr is --mode qr)\n"
              "                       [--name NAME] [--channel ID] [--phone NUMBER]\n"
              "                       [--pipeline ID] [--coexistence]\n"
              "                       [--qr-style auto|half|sextant|large|ascii] [--qr-invert]\n"
              "       hubdesk connect HUB --mode signup-code --channel ID --waba-id DIGITS\n"
              "                       --phone-id DIGITS [--coexistence]\n"
              "                       [--code-from-vault ENTRY]  (HubMessage; the code on\n"
              "                       standard input)\n"
              "       hubdesk connect HUB --mode credentials --instance UUID\n"
              "                       --phone-number-id DIGITS [--display-phone NUMBER]\n"
              "                       [--name NAME] [--from-vault]  (HydraCore; access token,\n"
              "                       app secret, verify token on standard input lines 1-3)\n"
              "       hubdesk projects HUB                 (HydraCore: remembered instances)\n"
              "       hubdesk channels HUB [--project ID] [--type TYPE] [--instance UUID]\n"
              "       hubdesk channel create HUB --name NAME [--project ID]\n"
              "       hubdesk channel add HUB --channel ID [--kind K] [--name N]\n"
              "       hubdesk channel forget HUB --channel ID\n"
              "       hubdesk instance add HUB --instance UUID [--name N]  (HydraCore)\n"
              "       hubdesk instance forget HUB --instance UUID [--with-secret]\n"
              "       hubdesk channel live ID HUB\n"
              "       hubdesk channel delete ID HUB [--yes]\n"
              "       hubdesk webhook set HUB --url URL [--event E]... [--channel ID]\n"
              "                       [--name N]\n"
              "       hubdesk status HUB --channel ID | --instance UUID\n"
              "                       [--wait [--interval-ms MS]]\n"
              "       hubdesk send-test HUB --channel ID --to RECIPIENT --text TEXT [--kind K]\n"
              "       hubdesk teardown HUB --instance UUID [--yes]\n"
              "       hubdesk vault init | list [--json] | add NAME [--kind K] [--owner O]\n"
              "                     [--replace] | show NAME [--reveal] | rm NAME | passwd\n"
              "                     | reset --yes\n"
              "       hubdesk profile add NAME --provider P [--base-url URL] [--gate-url URL]\n"
              "                       [--label L] [--secret ENTRY] [--api-key-secret ENTRY]\n"
              "                       [--customer-lang es|pt_BR|en]\n"
              "                       [--country CC]\n"
              "                       | list [--json] | edit NAME [...] | rename OLD NEW\n"
              "                       | rm NAME [--with-secret|--keep-secret]\n"
              "       hubdesk --help | --version\n"
              "\n"
              "Pairing modes: qr (Keebai; Whapi with --channel), browser (Keebai: a link to\n"
              "open, also drawn as a QR; --pipeline, --coexistence), code (Whapi with --channel\n"
              "and --phone: the customer's number, see Phones below).\n"
              "Whapi channels have their own token: 'channel create' keeps it in the vault as\n"
              "PROFILE/ch/ID, and --channel ID reads it from there; Keebai webhook signing\n"
              "secrets go to PROFILE/hook/ID; HydraCore's access token, app secret and verify\n"
              "token to PROFILE/waba|appsecret|verify/INSTANCE. Secrets are never printed, but\n"
              "for the verify token 'connect --mode credentials' shows once, to paste in Meta.\n"
              "HubMessage and Chatt2.me cannot list their channels, nor HydraCore its\n"
              "instances: the profile remembers them ('channel create', 'channel add',\n"
              "'connect', 'instance add'), and 'channels' / 'projects' list what it\n"
              "remembers. Chatt2.me channels have a kind: whatsapp, instagram, messenger,\n"
              "telegram, sms, webchatt. 'instance forget --with-secret' also deletes the\n"
              "instance's secrets; 'profile rm --with-secret' deletes the profile's token,\n"
              "X-Api-Key and instance secrets (an entry another profile uses stays).\n"
              "Passphrases come from the terminal (no echo), --passphrase-fd N or the file\n"
              "named by HUBDESK_PASSPHRASE_FILE; secret values from standard input; never\n"
              "from argv.\n"
              "HUBDESK_TOKEN overrides a profile's token (it is wiped from the environment).\n"
              "With NO_COLOR the QR is drawn in the terminal's own colours, light modules as\n"
              "the glyph (right on dark backgrounds); --qr-invert (or i in the console) draws\n"
              "it in reverse video for light backgrounds.\n"
              "Exit codes: 0 done (connected), 2 usage, 3 token or passphrase refused,\n"
              "4 pairing expired or cancelled, 5 network or server failure after retries,\n"
              "1 anything else (a hub error, a secret that could not be saved, a test message\n"
              "the hub could not deliver, output that could not be written). A failure prints\n"
              "one 'hubdesk:' line on stderr, then maybe indented lines: each refused field\n"
              "with the option to fix, or a hint.\n"));
    fprintf(out, "%s",
            _("Phones (--phone, --to, --display-phone) as people write them:\n"
              "+55 11 98765-4321, 0055 11 98765-4321, or national, (11) 98765-4321, with the\n"
              "profile's country (profile add|edit NAME --country BR). The hub gets its own\n"
              "form (with or without +), said on a 'hubdesk: note:' line. Where a country's\n"
              "rules are ambiguous (Brazil's ninth digit, Mexico's 1, Argentina's 9 and 15)\n"
              "a 'hubdesk: warning:' line says so and the number is sent as typed. In every\n"
              "language, these lines are not a failure's 'hubdesk:' line.\n"));
    fprintf(out, "%s",
            _("Language: --lang es|pt_BR|en anywhere on the line, else HUBDESK_LANG, else the\n"
              "locale. --json output and exit codes are the same in every language.\n"));
    fprintf(out, "%s",
            _("History: hubdesk history [--profile P] [--since YYYY-MM-DD] [--json] lists the\n"
              "changes made on hubs (channels created, paired, connected, webhooks set, live,\n"
              "deleted, torn down, test messages), kept with no secret in\n"
              "$XDG_STATE_HOME/hubdesk/journal.jsonl (~/.local/state/hubdesk/ by default).\n"));
}

/*
 * A JSON string of text from a hub, sanitized when it is not valid UTF-8 (jansson refuses
 * it, and the whole event would have been dropped): --json never loses an event. QR texts
 * are printable already (qr_text_ok at decode), so a QR is never altered here.
 */
static json_t *jtext(const char *s)
{
    json_t *j = json_string(s ? s : "");
    if (!j) {
        char *clean = text_sanitize_dup(s);
        j = json_string(clean ? clean : "");
        free(clean);
    }
    return j;
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


static void clear_if_tty(const cli_run *c)
{
    if (c->tty)
        fputs("\033[H\033[2J", stdout);
}

/* `text` as a QR fitted to what the terminal has left under `text_rows` lines of text. */
static qr_render *fit_qr(const cli_run *c, const char *text, int text_rows)
{
    qr_matrix *m = qr_matrix_encode(text);
    if (!m) {
        fprintf(stderr, "%s\n", _("hubdesk: the pairing string cannot be drawn as a QR code"));
        return NULL;
    }
    qr_style style = c->a.t.style;
    int quiet = 2, cols = 200, rows = 100;
    if (style == QR_STYLE_AUTO) {
        int need_c = 0, need_r = 0;
        if (c->tty)
            terminal_size(&cols, &rows);
        if (!qr_autofit(m, cols, rows - text_rows, c->utf8, 1, &style, &quiet, &need_c, &need_r)) {
            style = c->utf8 ? QR_STYLE_SEXTANT : QR_STYLE_ASCII;
            fprintf(stderr, _("hubdesk: the terminal is too small for the QR (needs %dx%d)\n"),
                    need_c, need_r + text_rows);
        }
    }
    /* Without a terminal there are no colours: dark ink, read as print on a light page. */
    qr_render *r = qr_render_make_ink(m, style, quiet, c->mode != QR_ANSI_PLAIN);
    qr_matrix_free(m);
    return r;
}

static void put_qr(const cli_run *c, qr_render *r)
{
    if (r)
        qr_ansi_print(stdout, r, 0, c->mode);
    qr_render_free(r);
    cli_output_ok();
}

/* Keebai's QRs run out after a few; Whapi's rowdata never does, so no "of N" there. */
static void print_qr(cli_run *c)
{
    qr_render *r = fit_qr(c, c->f.qr, 3);
    if (!r)
        return;
    clear_if_tty(c);
    long secs = (flow_qr_remaining_ms(&c->f) + 999) / 1000;
    if (c->ops->caps & PROVIDER_CAP_QR_STREAM)
        printf(_("QR %d of %d, expires in %ld s: WhatsApp > Linked devices > Link a device\n"),
               c->f.qr_attempt, c->f.qr_attempts_max, secs);
    else
        printf(_("QR %d, expires in %ld s: WhatsApp > Linked devices > Link a device\n"),
               c->f.qr_attempt, secs);
    put_qr(c, r);
}

static long link_minutes_left(const cli_run *c)
{
    uint64_t now = loop_now_ms();
    if (!c->link_deadline_ms || c->link_deadline_ms <= now)
        return 0;
    return (long)((c->link_deadline_ms - now + 59999) / 60000);
}

/* Browser mode: the link as text (to copy) and as a QR (to open on a phone). */
static void print_link(cli_run *c)
{
    char url[sizeof c->f.link_url];
    int cols = 200, rows;
    text_sanitize(c->f.link_url, url, sizeof url);
    if (c->tty)
        terminal_size(&cols, &rows);
    qr_render *r = fit_qr(c, url, 3 + (int)(strlen(url) + (size_t)cols - 1) / cols);
    clear_if_tty(c);
    long mins = link_minutes_left(c);
    if (mins > 0)
        printf(_("Open this link to connect WhatsApp (expires in %ld min), or scan it:\n"), mins);
    else
        printf("%s\n", _("Open this link to connect WhatsApp, or scan it:"));
    printf("%s\n", url);
    put_qr(c, r);
}

/* Code mode: the code stands out (bold on a terminal), with where to type it. */
static void print_code(cli_run *c)
{
    char code[sizeof c->f.pair_code];
    text_sanitize(c->f.pair_code, code, sizeof code);
    clear_if_tty(c);
    printf("%s %s%s%s\n", _("Pairing code:"), c->tty ? "\033[1m" : "", code, c->tty ? "\033[0m" : "");
    printf("%s\n", _("On the phone: WhatsApp > Linked devices > Link a device >\n"
                     "Link with phone number instead, then type the code."));
    cli_output_ok();
}

/* Why the pairing ended, from the flow, else from the event. */
static hd_status end_status(const cli_run *c, const pair_event *ev)
{
    if (c->f.fail_status != HD_OK)
        return c->f.fail_status;
    if (ev->status != HD_OK)
        return ev->status;
    return ev->type == PAIR_EV_EXPIRED ? HD_ERR_EXPIRED : HD_ERR_INTERNAL;
}

static const char *end_message(const cli_run *c, const pair_event *ev)
{
    return *c->f.fail_message ? c->f.fail_message : ev->message ? ev->message : "";
}

static void json_ended(cli_run *c, const pair_event *ev)
{
    hd_status st = end_status(c, ev);
    cli_json_line(json_pack("{s:s,s:s,s:o,s:i}", "event",
                            ev->type == PAIR_EV_EXPIRED ? "expired" : "failed", "status",
                            hd_status_name(st), "message", jtext(end_message(c, ev)), "exit_code",
                            hd_status_exit_code(st)));
}

static void report_json(cli_run *c, const pair_event *ev)
{
    switch (ev->type) {
    case PAIR_EV_QR:
        cli_json_line(json_pack("{s:s,s:o,s:i,s:i,s:I}", "event", "qr", "qr", jtext(ev->qr),
                                "attempt", c->f.qr_attempt, "attempts", c->f.qr_attempts_max,
                                "expires_in_ms", (json_int_t)ev->expires_in_ms));
        break;
    case PAIR_EV_LINK:
        cli_json_line(json_pack("{s:s,s:o,s:I}", "event", "link", "url", jtext(c->f.link_url),
                                "expires_in_ms", (json_int_t)ev->expires_in_ms));
        break;
    case PAIR_EV_CODE:
        cli_json_line(json_pack("{s:s,s:o}", "event", "code", "code", jtext(c->f.pair_code)));
        break;
    case PAIR_EV_PROGRESS:
        cli_json_line(json_pack("{s:s,s:o}", "event", "progress", "message", jtext(c->f.progress)));
        break;
    case PAIR_EV_SCANNED:
        cli_json_line(json_pack("{s:s}", "event", "scanned"));
        break;
    case PAIR_EV_WAITING:
        cli_json_line(json_pack("{s:s,s:s,s:o,s:I}", "event", "waiting", "status",
                                hd_status_name(ev->status), "message", jtext(ev->message),
                                "wait_ms", (json_int_t)ev->wait_ms));
        break;
    case PAIR_EV_CONNECTED:
        cli_json_line(json_pack("{s:s,s:o,s:o,s:o}", "event", "connected", "channel_id",
                                jtext(c->f.channel_id), "phone", jtext(c->f.phone), "name",
                                jtext(c->f.channel_name)));
        break;
    case PAIR_EV_EXPIRED:
    case PAIR_EV_FAILED:
        json_ended(c, ev);
        break;
    case PAIR_EV_STARTING:
    case PAIR_EV_RESUMED:
        break;
    }
}

static void report_text(cli_run *c, const pair_event *ev)
{
    char line[400];
    switch (ev->type) {
    case PAIR_EV_QR: print_qr(c); break;
    case PAIR_EV_LINK: print_link(c); break;
    case PAIR_EV_CODE: print_code(c); break;
    case PAIR_EV_PROGRESS:
        if (c->chatty)
            fprintf(stderr, "hubdesk: %s\n", text_sanitize(c->f.progress, line, sizeof line));
        break;
    case PAIR_EV_SCANNED:
    case PAIR_EV_WAITING:
        if (c->chatty)
            fprintf(stderr, "hubdesk: %s\n", c->f.status);
        break;
    case PAIR_EV_CONNECTED:
        printf("connected %s %s\n", c->f.channel_id, *c->f.phone ? c->f.phone : "-");
        cli_output_ok();
        break;
    case PAIR_EV_EXPIRED:
    case PAIR_EV_FAILED: {
        const char *msg = end_message(c, ev);
        fprintf(stderr, "hubdesk: %s%s%s\n", hd_status_message(end_status(c, ev)),
                *msg ? ": " : "", msg);
        break;
    }
    case PAIR_EV_STARTING:
    case PAIR_EV_RESUMED:
        break;
    }
}

static void stop_with(cli_run *c, int code)
{
    c->done = 1;
    c->exit_code = code;
    loop_stop(c->l, code);
}

static void on_flow_change(flow *f, const pair_event *ev, void *arg)
{
    cli_run *c = arg;
    if (c->f.journal_warning[0]) { /* a change was made; only its record is missing */
        fprintf(stderr, "hubdesk: %s\n", c->f.journal_warning);
        c->f.journal_warning[0] = '\0';
    }
    if (!ev || c->done)
        return;
    if (ev->type == PAIR_EV_LINK)
        c->link_deadline_ms = ev->expires_in_ms > 0 ? loop_now_ms() + (uint64_t)ev->expires_in_ms : 0;
    int end = ev->type == PAIR_EV_CONNECTED || ev->type == PAIR_EV_EXPIRED ||
              ev->type == PAIR_EV_FAILED;
    if (c->a.t.json) {
        report_json(c, ev);
        /* Scripts get the same one-line reason on stderr as without --json. */
        if (ev->type == PAIR_EV_FAILED || ev->type == PAIR_EV_EXPIRED)
            report_text(c, ev);
    } else {
        report_text(c, ev);
    }
    if (end)
        stop_with(c, ev->type == PAIR_EV_CONNECTED ? 0 : hd_status_exit_code(end_status(c, ev)));
    else if (cli_output_ok() < 0) /* a reader gone (`| head -n1`), a full disk: nobody sees it */
        stop_with(c, cli_output_fail());
}

static void on_signal(loop *l, int signo, void *arg)
{
    cli_run *c = arg;
    if (signo == SIGWINCH) {
        if (c->a.t.json || c->done)
            return;
        if (c->f.qr && c->f.pair == FLOW_PAIR_QR)
            print_qr(c);
        else if (c->a.mode == PAIR_MODE_BROWSER && c->f.link_url[0])
            print_link(c);
        return;
    }
    if (c->a.t.json)
        cli_json_line(json_pack("{s:s,s:s,s:s,s:i}", "event", "failed", "status", "cancelled",
                                "message", _("cancelled; the pairing session was stopped"),
                                "exit_code", hd_status_exit_code(HD_ERR_CANCELLED)));
    fprintf(stderr, "hubdesk: %s\n", _("cancelled; the pairing session was stopped"));
    stop_with(c, hd_status_exit_code(HD_ERR_CANCELLED));
}

/* --mode NAME: a pairing mode or one of the one-call methods; -1 if unknown. */
static int connect_mode_from_name(const char *name)
{
    if (name && !strcmp(name, "signup-code"))
        return MODE_SIGNUP_CODE;
    if (name && !strcmp(name, "credentials"))
        return MODE_CREDENTIALS;
    return pair_mode_from_name(name);
}

static const char *connect_mode_name(int m)
{
    return m == MODE_SIGNUP_CODE ? "signup-code" : m == MODE_CREDENTIALS ? "credentials"
                                                                         : pair_mode_name((pair_mode)m);
}

static int set_mode(connect_args *a, int m)
{
    if (a->mode >= 0 && a->mode != m)
        return cli_usage_error("%s", _("choose one connection method (--qr is --mode qr)"));
    a->mode = m;
    return -1;
}

/* One connect option into a; -1 if fine, else the exit code. */
static int take_connect_opt(connect_args *a, int ch, const char *val)
{
    int v;
    switch (ch) {
    case 'p': a->t.provider = val; break;
    case 'b': a->t.base_url = val; break;
    case 'g': a->gate_url = val; break;
    case 'n': a->t.name = val; break;
    case 'j': a->t.json = 1; break;
    case 'i': a->t.invert = 1; break;
    case 'P': a->t.profile = val; break;
    case 'N': a->phone = val; break;
    case 'c': a->channel = val; break;
    case 'L': a->pipeline = val; break;
    case 'C': a->coexistence = 1; break;
    case 'W': a->waba_id = val; break;
    case 'H': a->phone_id = val; break;
    case 'V': a->code_entry = val; break;
    case 'I': a->instance = val; break;
    case 'U': a->phone_number_id = val; break;
    case 'D': a->display_phone = val; break;
    case 'f': a->from_vault = 1; break;
    case 'K': /* the value, if any, is never repeated back */
        return cli_usage_error("%s", _("--code: the authorization code is a secret and never goes "
                                       "on the command line (other users see it in the process "
                                       "list); give it on standard input, or store it with "
                                       "'hubdesk vault add ENTRY' and use --code-from-vault ENTRY"));
    case 'q': return set_mode(a, PAIR_MODE_QR);
    case 'm':
        if ((v = connect_mode_from_name(val)) < 0)
            return cli_usage_error(_("unknown connection method '%s' (qr, browser, code, "
                                     "signup-code, credentials)"), val);
        return set_mode(a, v);
    case 'F':
        if ((a->t.passphrase_fd = passphrase_fd_parse(val)) < 0)
            return cli_usage_error(cli_opt_fd_format(), "--passphrase-fd");
        break;
    case 's':
        if ((v = qr_style_from_name(val)) < 0)
            return cli_usage_error(_("unknown QR style '%s' (auto, half, sextant, large, ascii)"),
                                   val);
        a->t.style = (qr_style)v;
        break;
    }
    return -1;
}

/* Options that belong to one method only: letter, the methods that take it. */
static const struct {
    char letter;
    const char *modes; /* Q qr, B browser, O code, S signup-code, R credentials */
} mode_opts[] = {
    {'W', "S"}, {'H', "S"}, {'V', "S"}, {'I', "R"}, {'U', "R"}, {'D', "R"}, {'f', "R"},
    {'C', "BS"}, {'c', "QBOS"}, {'N', "QBO"}, {'L', "QBO"}, {'s', "QBO"}, {'i', "QBO"},
    {'n', "QBOR"},
};

/* An option given with a method it does not go with; -1 if none, else the exit code. */
static int check_mode_opts(const connect_args *a, const struct option *opts)
{
    static const char mode_letter[] = "QBO";
    char m = a->mode == MODE_SIGNUP_CODE ? 'S' : a->mode == MODE_CREDENTIALS ? 'R'
                                                                              : mode_letter[a->mode];
    char msg[200];
    for (const char *g = a->given; *g; g++)
        for (size_t i = 0; i < sizeof mode_opts / sizeof *mode_opts; i++) {
            if (mode_opts[i].letter != *g || strchr(mode_opts[i].modes, m))
                continue;
            /* Only the new methods refuse the pairing options: old scripts keep working. */
            if (!strchr("SR", m) && !strchr(mode_opts[i].modes, 'S') && !strchr(mode_opts[i].modes, 'R'))
                continue;
            const char *name = "?";
            for (size_t k = 0; opts[k].name; k++)
                if (opts[k].val == *g)
                    name = opts[k].name;
            snprintf(msg, sizeof msg, _("--%s does not go with --mode %s"), name,
                     connect_mode_name(a->mode));
            return cli_usage_error("%s", msg);
        }
    return -1;
}

/* What the chosen method needs, checked before anything is read or sent. */
static int check_mode_fields(const connect_args *a, const struct option *opts)
{
    char why[200];
    int rc;
    if (!a->t.provider && !a->t.profile)
        return cli_usage_error("%s", _("say which hub: --profile NAME, or --provider ID"));
    if (a->mode < 0)
        return cli_usage_error("%s", _("choose a connection method: --mode qr|browser|code|"
                                       "signup-code|credentials (or --qr)"));
    if ((rc = check_mode_opts(a, opts)) >= 0)
        return rc;
    if (a->mode >= MODE_SIGNUP_CODE)
        return -1; /* cli_onboard.c checks the rest once the hub is known */
    if (a->mode == PAIR_MODE_CODE && !a->phone)
        return cli_usage_error("%s", _("--mode code needs --phone NUMBER (+55 11 98765-4321, or "
                                       "national with the profile's country)"));
    if (a->phone && a->mode != PAIR_MODE_CODE)
        return cli_usage_error("%s", _("--phone goes with --mode code"));
    if ((a->pipeline || a->coexistence) && a->mode != PAIR_MODE_BROWSER)
        return cli_usage_error("%s", _("--pipeline and --coexistence go with --mode browser"));
    if (a->t.name && flow_name_check(a->t.name, why, sizeof why) != HD_OK)
        return cli_usage_error("%s", why);
    return -1;
}

/* Parses `connect` options into a. Returns -1 on success, else an exit code. */
static int parse_connect(int argc, char **argv, connect_args *a)
{
    static const struct option opts[] = {
        {"provider", required_argument, NULL, 'p'}, {"base-url", required_argument, NULL, 'b'},
        {"gate-url", required_argument, NULL, 'g'}, {"name", required_argument, NULL, 'n'},
        {"qr-style", required_argument, NULL, 's'}, {"qr", no_argument, NULL, 'q'},
        {"mode", required_argument, NULL, 'm'},     {"json", no_argument, NULL, 'j'},
        {"qr-invert", no_argument, NULL, 'i'},      {"profile", required_argument, NULL, 'P'},
        {"passphrase-fd", required_argument, NULL, 'F'},
        {"phone", required_argument, NULL, 'N'},    {"channel", required_argument, NULL, 'c'},
        {"pipeline", required_argument, NULL, 'L'}, {"coexistence", no_argument, NULL, 'C'},
        {"help", no_argument, NULL, 'h'},           {"waba-id", required_argument, NULL, 'W'},
        {"phone-id", required_argument, NULL, 'H'}, {"code-from-vault", required_argument, NULL, 'V'},
        {"code", optional_argument, NULL, 'K'},     {"instance", required_argument, NULL, 'I'},
        {"phone-number-id", required_argument, NULL, 'U'},
        {"display-phone", required_argument, NULL, 'D'}, {"from-vault", no_argument, NULL, 'f'},
        {NULL, 0, NULL, 0},
    };
    char opt[CLI_OPT_NAME_MAX];
    int ch, rc;
    memset(a, 0, sizeof *a);
    a->t.passphrase_fd = -1;
    a->mode = -1;
    optind = 1;
    opterr = 0;
    while ((ch = cli_getopt(argc, argv, ":h", opts, opt)) != -1) {
        if (ch == 'h') {
            cli_print_usage(stdout);
            return 0;
        }
        /* Option names only, never a value: "--code=..." may hold a secret. */
        if (ch == ':')
            return cli_usage_error(_("option '%s' needs a value"), opt);
        if (ch == '?')
            return cli_usage_error(_("unknown option '%s'"), opt);
        size_t ng = strlen(a->given);
        if (ng + 1 < sizeof a->given && !strchr(a->given, ch))
            a->given[ng] = (char)ch;
        if ((rc = take_connect_opt(a, ch, optarg)) >= 0)
            return rc;
    }
    if (optind < argc)
        return cli_usage_error(_("unexpected argument '%s'"), argv[optind]);
    return check_mode_fields(a, opts);
}

/* --phone as typed, read with the profile's country, into the digits the hub takes (said back
   on stderr). -1 if fine, else the exit code. */
static int take_phone(cli_run *c, const hub_target *t)
{
    char why[300], warn[700];
    if (!c->a.phone)
        return -1;
    if (phone_hub_form(c->a.phone, t->country, 0, c->phone, sizeof c->phone, warn, sizeof warn,
                       why, sizeof why) != HD_OK) {
        char msg[400];
        snprintf(msg, sizeof msg, "--phone: %s", why);
        return cli_usage_error("%s", msg);
    }
    cli_phone_said("--phone", c->a.phone, c->phone, warn);
    c->a.phone = c->phone;
    return -1;
}

/* What the hub must offer for this method; Whapi pairs a channel made beforehand. */
static int check_target(const connect_args *a, const hub_target *t)
{
    char msg[400], hubs[200];
    if (!provider_has_mode(t->ops, (pair_mode)a->mode)) {
        static const unsigned mode_caps[] = {
            [PAIR_MODE_QR] = PROVIDER_CAP_QR_STREAM | PROVIDER_CAP_QR_POLL,
            [PAIR_MODE_BROWSER] = PROVIDER_CAP_BROWSER, [PAIR_MODE_CODE] = PROVIDER_CAP_PAIR_CODE};
        snprintf(msg, sizeof msg, _("%s has no '%s' connection method (hubs that have it: %s)"),
                 t->ops->label, pair_mode_name((pair_mode)a->mode),
                 cli_hubs_with(0, mode_caps[a->mode], 0, hubs, sizeof hubs));
        return cli_usage_error("%s", msg);
    }
    if (hub_target_channel_tokens(t) && !a->channel)
        return cli_usage_error(_("%s pairs a channel made beforehand: add --channel ID (see "
                                 "'hubdesk channel create')"), t->ops->label);
    if (hub_target_channel_tokens(t) && !t->profile[0])
        return cli_usage_error("%s", _("--channel needs --profile NAME: the channel's token is "
                                       "kept in the vault under the profile"));
    if (!hub_target_channel_tokens(t) && a->channel)
        return cli_usage_error(_("--channel: %s creates the channel while pairing"), t->ops->label);
    return -1;
}

static void start_pairing(cli_run *c, const char *channel_token)
{
    const connect_args *a = &c->a;
    pair_request req = {.name = a->t.name, .mode = (pair_mode)a->mode,
                        .pipeline_id = a->pipeline, .coexistence = a->coexistence,
                        .phone = a->phone, .channel_id = a->channel,
                        .channel_token = channel_token};
    hd_status st = flow_start_pairing(&c->f, &req);
    if (st != HD_OK && !c->done) {
        const char *msg = *c->f.fail_message ? c->f.fail_message : "";
        if (a->t.json)
            cli_json_line(json_pack("{s:s,s:s,s:o,s:i}", "event", "failed", "status",
                                    hd_status_name(st), "message", jtext(msg), "exit_code",
                                    hd_status_exit_code(st)));
        fprintf(stderr, "hubdesk: %s%s%s\n", hd_status_message(st), *msg ? ": " : "", msg);
        c->done = 1;
        c->exit_code = hd_status_exit_code(st);
    } else if (!c->done && !a->t.json && c->chatty && c->f.step == FLOW_STEP_PAIR) {
        fprintf(stderr, "hubdesk: %s\n", c->f.status);
    }
}

/* The fixed profile the flow pairs on; -1 when out of memory. */
static int add_profile(cli_run *c, const hub_target *t)
{
    int idx = flow_profile_add(&c->f, c->ops->label, c->ops, t->base_url, t->token);
    if (idx >= 0 && flow_profile_set(&c->f, idx, t->profile[0] ? t->profile : NULL,
                                     t->gate_url[0] ? t->gate_url : NULL) < 0)
        return -1;
    c->f.profile_fixed = 1;
    c->f.profile = idx;
    return idx;
}

static int run_pairing(cli_run *c, const hub_target *t, const char *channel_token)
{
    c->tty = isatty(STDOUT_FILENO);
    c->chatty = isatty(STDERR_FILENO);
    c->mode = !c->tty                ? QR_ANSI_PLAIN
              : env_colour_wanted()  ? QR_ANSI_COLOUR
              : c->a.t.invert        ? QR_ANSI_NORMAL
                                     : QR_ANSI_REVERSE;
    c->utf8 = env_locale_is_utf8();
    c->l = loop_new();
    http_client *http = c->l ? http_client_new(c->l) : NULL;
    if (!http) {
        loop_free(c->l);
        fprintf(stderr, "hubdesk: %s\n", hd_status_message(HD_ERR_INTERNAL));
        return 1;
    }
    flow_init(&c->f, c->l, http, on_flow_change, c);
    c->f.journal = 1;
    loop_signals_watch(c->l, on_signal, c);
    if (add_profile(c, t) >= 0) {
        start_pairing(c, channel_token);
    } else {
        fprintf(stderr, "hubdesk: %s\n", hd_status_message(HD_ERR_INTERNAL));
        stop_with(c, 1);
    }
    if (!c->done)
        loop_run(c->l);
    flow_release(&c->f);
    http_client_free(http);
    loop_free(c->l);
    return c->exit_code;
}

/* signup-code and credentials are one hub call each: cli_hub_connect runs them. */
static int connect_by_call(const connect_args *c)
{
    hub_args a;
    memset(&a, 0, sizeof a);
    a.t = (hub_target_args){c->t.profile, c->t.provider, c->t.base_url, c->gate_url};
    a.passphrase_fd = c->t.passphrase_fd;
    a.json = c->t.json;
    a.name = c->t.name;
    a.channel = c->channel;
    a.instance = c->instance;
    a.connect_mode = c->mode == MODE_SIGNUP_CODE ? CLI_CONNECT_SIGNUP : CLI_CONNECT_CREDENTIALS;
    a.waba_id = c->waba_id;
    a.phone_id = c->phone_id;
    a.code_entry = c->code_entry;
    a.coexistence = c->coexistence;
    a.phone_number_id = c->phone_number_id;
    a.display_phone = c->display_phone;
    a.from_vault = c->from_vault;
    return cli_hub_connect(&a);
}

int cli_connect_main(int argc, char **argv)
{
    cli_run c;
    hub_target t;
    char *channel_token = NULL;
    memset(&c, 0, sizeof c);
    memset(&t, 0, sizeof t);
    int rc = parse_connect(argc, argv, &c.a);
    hub_target_args ta = {c.a.t.profile, c.a.t.provider, c.a.t.base_url, c.a.gate_url};
    if (rc < 0 && c.a.mode >= MODE_SIGNUP_CODE)
        return connect_by_call(&c.a);
    if (rc < 0)
        rc = hub_target_resolve(&t, &ta);
    if (rc < 0)
        rc = check_target(&c.a, &t);
    if (rc < 0)
        rc = take_phone(&c, &t);
    if (rc < 0)
        rc = hub_target_unlock(&t, c.a.t.passphrase_fd,
                               c.a.channel ? HUB_VAULT_NEEDED : HUB_VAULT_NEVER);
    if (rc >= 0) {
        hub_target_close(&t);
        return rc;
    }
    if (c.a.channel && !(channel_token = hub_target_channel_token(&t, c.a.channel, &rc))) {
        hub_target_close(&t);
        return rc;
    }
    vault_close(t.v); /* the key is not needed while pairing */
    t.v = NULL;
    c.ops = t.ops;
    rc = run_pairing(&c, &t, channel_token);
    secret_free(channel_token);
    hub_target_close(&t);
    return rc;
}
