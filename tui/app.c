/* app.c: runs the console: curses in the loop, input to actions, one draw per turn. */
#include "app.h"
#include "env.h"
#include "i18n.h"
#include "termguard.h"
#include "ui.h"

#include <curses.h>
#include <jansson.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wctype.h>

static const screen_ops *const screen_for_step[FLOW_STEP_COUNT] = {
    [FLOW_STEP_PROFILE] = &screen_profile,
    [FLOW_STEP_PROJECT] = &screen_project,
    [FLOW_STEP_CHANNELS] = &screen_channels,
    [FLOW_STEP_MODE] = &screen_mode,
    [FLOW_STEP_NAME] = &screen_name,
    [FLOW_STEP_PAIR] = &screen_pair,
    [FLOW_STEP_RESULT] = &screen_result,
    [FLOW_STEP_WEBHOOK] = &screen_webhook,
    [FLOW_STEP_ADD] = &screen_add,
    [FLOW_STEP_CONNECT] = &screen_connect,
    [FLOW_STEP_TEST] = &screen_test,
};

static const screen_ops *const screen_for_mode[APP_MODE_COUNT] = {
    [APP_MODE_CREATE] = &screen_create,
    [APP_MODE_UNLOCK] = &screen_unlock,
    [APP_MODE_RESET] = &screen_reset,
    [APP_MODE_VAULT] = &screen_vault,
    [APP_MODE_VAULT_EDIT] = &screen_vault_edit,
};

static int curses_active;

/* Every exit path ends here, so the terminal is never left in curses mode. */
static void curses_stop(void)
{
    if (curses_active) {
        curses_active = 0;
        termguard_disarm();
        endwin();
    }
}

/*
 * A fault (or an abort) must not leave the terminal in curses mode either: termguard writes
 * what endwin would and sets the shell's termios back from its signal handler. Quitting
 * signals need none of it: they come through the loop (on_signal) and quit cleanly.
 */
static void guard_terminal(const struct termios *shell_mode)
{
    char reset[256];
    size_t len = ui_term_reset(reset, sizeof reset);
    termguard_arm(STDOUT_FILENO, shell_mode, reset, len, TERMGUARD_FATAL);
}

void app_forget_customer(app *a)
{
    a->name_len = a->pipeline_len = a->phone_len = a->url_len = 0;
    a->name_buf[0] = a->pipeline_buf[0] = a->phone_buf[0] = a->url_buf[0] = L'\0';
    a->name_error[0] = a->form_error[0] = '\0';
    a->event_cursor = a->form_focus = 0;
    a->confirm = 0;
}

/* The hub account and channel the typed fields belong to; a change of either wipes them. */
static void follow_customer(app *a)
{
    char owner[sizeof a->form_owner] = "";
    const flow *f = &a->f;
    if (a->mode == APP_MODE_FLOW && f->profile >= 0 && f->profile < (int)f->nprofiles) {
        const flow_profile *p = &f->profiles[f->profile];
        const char *id = json_string_value(json_object_get(f->channel, "id"));
        snprintf(owner, sizeof owner, "%s\x1f%s\x1f%s", p->name ? p->name : "",
                 p->label ? p->label : "", id ? id : "");
    } else if (a->mode != APP_MODE_FLOW) {
        return; /* the vault's screens: the flow's fields wait (lock wipes them itself) */
    }
    if (strcmp(owner, a->form_owner) != 0) {
        app_forget_customer(a);
        snprintf(a->form_owner, sizeof a->form_owner, "%s", owner);
        snprintf(a->customer_lang, sizeof a->customer_lang, "%s",
                 f->profile >= 0 && f->profile < (int)f->nprofiles
                     ? f->profiles[f->profile].customer_lang : "");
    }
}

const char *app_customer_text(const app *a, const char *msgid)
{
    return i18n_gettext_in(a->customer_lang, msgid);
}

/* Screens follow the app mode, and in the flow the flow's step; leave/enter run on change. */
static void sync_screen(app *a)
{
    const screen_ops *want =
        a->mode == APP_MODE_FLOW ? screen_for_step[a->f.step] : screen_for_mode[a->mode];
    if (want != a->screen)
        follow_customer(a); /* before enter, which may offer defaults for the new customer */
    if (want == a->screen)
        return;
    if (a->screen && a->screen->leave)
        a->screen->leave(a);
    a->screen = want;
    if (want->enter)
        want->enter(a);
    a->dirty = 1;
}

static void on_flow_change(flow *f, const pair_event *ev, void *arg)
{
    app *a = arg;
    a->dirty = 1;
}

void app_flow_restart(app *a)
{
    flow_release(&a->f);
    flow_init(&a->f, a->l, a->http, on_flow_change, a);
    a->f.journal = 1;
    app_secrets_install(a);
}

void app_set_mode(app *a, app_mode m)
{
    a->mode = m;
    a->dirty = 1;
}

void app_after_frame(app *a, loop_timer_fn fn)
{
    a->after_frame = fn;
    a->dirty = 1;
}

/* A warning over the key bar, up to 3 rows. */
static void draw_over_bar(const char *line)
{
    int rows = ui_wrap_rows(COLS - 2, 3, line);
    attrset(ui_attr(ROLE_WARN));
    for (int r = 0; r < rows; r++)
        mvhline(LINES - rows + r, 0, ' ', COLS);
    ui_wrap(LINES - rows, 1, COLS - 2, rows, ROLE_WARN, line);
}

/*
 * Over the key bar: quitting loses the secrets a hub handed out in this run without a vault
 * (a Whapi channel token is shown once, never again), so q asks, naming them.
 */
static void draw_quit_question(const app *a)
{
    char names[200] = "", line[400];
    for (size_t i = 0; i < a->nmem_secrets && strlen(names) + 4 < sizeof names; i++)
        snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", i ? ", " : "",
                 a->mem_secrets[i].name);
    snprintf(line, sizeof line,
             ngettext("Quit? %zu secret the hub handed out lives only in memory (no vault) and is "
                      "lost: %s. y/N",
                      "Quit? %zu secrets the hub handed out live only in memory (no vault) and "
                      "are lost: %s. y/N",
                      a->nmem_secrets),
             a->nmem_secrets, names);
    draw_over_bar(line);
}

/* Over the key bar: why a letter did not appear, and the fix. The letter is not repeated: it
   may belong to a passphrase. */
static void draw_locale_refusal(void)
{
    char line[400];
    snprintf(line, sizeof line,
             _("This locale (%s) is not UTF-8, so that character cannot be typed here. Start "
               "hubdesk with LANG=C.UTF-8 (or another UTF-8 locale) to type it."),
             i18n_locale_name());
    draw_over_bar(line);
}

static void draw(loop *l, void *arg)
{
    app *a = arg;
    sync_screen(a);
    if (!a->dirty || !curses_active)
        return;
    a->dirty = 0;
    erase();
    a->screen->draw(a);
    if (a->show_help)
        ui_help_overlay(a->use_vault, &a->help_top);
    if (a->quit_asked)
        draw_quit_question(a);
    else if (a->locale_refused)
        draw_locale_refusal();
    else if (a->f.journal_warning[0]) /* the change was made; only its record is missing */
        draw_over_bar(a->f.journal_warning);
    wnoutrefresh(stdscr);
    doupdate();
    if (a->after_frame) { /* the frame is on screen: now the blocking work may run */
        loop_timer_add(l, 0, a->after_frame, a);
        a->after_frame = NULL;
    }
}

/* While the help is open: Up/Down and the page keys scroll it, any other key closes it. */
static void help_key(app *a, tui_action act, int is_keycode, wint_t ch)
{
    int page = LINES / 2 > 1 ? LINES / 2 : 1;
    if (act == ACT_UP)
        a->help_top--;
    else if (act == ACT_DOWN)
        a->help_top++;
    else if (is_keycode && ch == KEY_PPAGE)
        a->help_top -= page;
    else if (is_keycode && ch == KEY_NPAGE)
        a->help_top += page;
    else
        a->show_help = 0;
    a->dirty = 1;
}

static void handle_key(app *a, int is_keycode, wint_t ch)
{
    tui_action act = keys_action(is_keycode, ch);
    if (a->show_help) {
        help_key(a, act, is_keycode, ch);
        return;
    }
    if (a->quit_asked) { /* only y quits; anything else keeps the session and its secrets */
        a->quit_asked = 0;
        a->dirty = 1;
        if (!is_keycode && i18n_is_yes_key(ch))
            loop_stop(a->l, 0);
        return;
    }
    if (act == ACT_LOCK && a->vault) { /* before the screen: a text field must not eat it */
        app_lock(a);
        return;
    }
    if (a->locale_refused || a->f.journal_warning[0]) {
        a->locale_refused = 0;
        a->f.journal_warning[0] = '\0'; /* seen: the next key goes on as usual */
        a->dirty = 1;
    }
    /* Text is kept as UTF-8: where the locale is another charset (a C locale became C.UTF-8
       at start), a character beyond ASCII would be sent to the hub wrong. Refused, said why. */
    if (a->screen->takes_text && !is_keycode && ch >= 0x80 && !i18n_text_utf8()) {
        a->locale_refused = 1;
        a->dirty = 1;
        return;
    }
    if (a->screen->takes_text && !is_keycode && ch != L' ' && iswprint(ch))
        act = ACT_NONE; /* text, never a command: no b back, q quit, ? help, d delete... */
    int r = a->screen->key ? a->screen->key(a, act, is_keycode, ch) : SCREEN_IGNORED;
    if (r & SCREEN_QUIT)
        loop_stop(a->l, 0);
    if (r & (SCREEN_HANDLED | SCREEN_REDRAW)) {
        a->dirty = 1;
        return;
    }
    if (act == ACT_QUIT && a->nmem_secrets > 0) {
        a->quit_asked = 1;
        a->dirty = 1;
    } else if (act == ACT_QUIT) {
        loop_stop(a->l, 0);
    } else if (act == ACT_HELP) {
        a->show_help = 1;
        a->help_top = 0;
        a->dirty = 1;
    } else if (act == ACT_REDRAW) {
        clearok(curscr, TRUE);
        a->dirty = 1;
    } else if (act == ACT_BACK) {
        flow_back(&a->f);
    }
}

/*
 * After an Esc byte: an escape sequence ncurses did not know (Home as ESC [ 1 ~ under a
 * mismatched TERM, a bracketed paste marker, a terminal reply) is read to its end and dropped,
 * instead of being taken as Esc = back followed by junk. 1 if one was dropped.
 */
static int swallow_unknown_sequence(void)
{
    wint_t ch;
    int rc = wget_wch(stdscr, &ch);
    if (rc == ERR)
        return 0; /* a plain Esc */
    if (rc == OK && (ch == L'[' || ch == L'O')) {
        /* CSI: parameters and intermediates (0x20-0x3f), then one final byte. SS3: one byte. */
        for (int n = 0; n < 64 && wget_wch(stdscr, &ch) == OK && ch >= 0x20 && ch < 0x40; n++)
            ;
        return 1;
    }
    if (rc == OK && (ch == L']' || ch == L'P' || ch == L'_' || ch == L'^')) {
        /* OSC, DCS, APC, PM: up to BEL or ESC \ (String Terminator). */
        for (int n = 0; n < 512 && wget_wch(stdscr, &ch) == OK; n++)
            if (ch == 7 || ch == 27)
                break;
        if (ch == 27)
            wget_wch(stdscr, &ch);
        return 1;
    }
    /* Esc, then a key of its own (typed fast, or queued): both count, unless the Esc changed
       the screen: the key was typed ahead of the new one and is dropped (on_stdin). */
    if (rc == KEY_CODE_YES)
        ungetch((int)ch);
    else
        unget_wch((wchar_t)ch);
    return 0;
}

/*
 * Drains every pending key, so a paste or key repeat costs one redraw. Keys typed ahead of a
 * new screen or a new question are not for it: once a key changes the screen or raises a
 * confirmation, the rest of the batch (and the terminal's typeahead) is dropped, so a y/N
 * question only takes a key that arrived after it was drawn.
 */
static void on_stdin(loop *l, int fd, int events, void *arg)
{
    app *a = arg;
    wint_t ch;
    int rc;
    while ((rc = wget_wch(stdscr, &ch)) != ERR) {
        sync_screen(a);
        if (rc == KEY_CODE_YES && ch == KEY_RESIZE)
            continue; /* SIGWINCH comes through the loop */
        a->last_input_ms = loop_now_ms();
        if (rc == OK && ch == 27 && swallow_unknown_sequence())
            continue;
        const screen_ops *before = a->screen;
        int asked = a->confirm || a->quit_asked;
        handle_key(a, rc == KEY_CODE_YES, ch);
        sync_screen(a);
        if (a->screen != before || ((a->confirm || a->quit_asked) && !asked)) {
            flushinp();
            break;
        }
    }
    if (events & LOOP_ERROR) /* the terminal went away */
        loop_stop(l, 1);
}

static void on_resize(app *a)
{
    struct winsize ws;
    if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
        resizeterm(ws.ws_row, ws.ws_col);
    clearok(curscr, TRUE);
    a->dirty = 1;
}

static void on_signal(loop *l, int signo, void *arg)
{
    app *a = arg;
    if (signo == SIGWINCH)
        on_resize(a);
    else /* Ctrl-C and Ctrl-\ are the user quitting; anything else ends it as a failure */
        loop_stop(l, signo == SIGINT || signo == SIGQUIT ? 0 : 1);
}

static void on_tick(loop *l, void *arg)
{
    app *a = arg;
    a->tick_timer = loop_timer_add(l, 1000 - loop_now_ms() % 1000, on_tick, a);
    if (a->screen && a->screen->tick && a->screen->tick(a))
        a->dirty = 1;
}

/* Terminals known to draw sextants with gaps (xterm with its usual fonts, measured). */
static int sextants_render_well(void)
{
    const char *tp = getenv("TERM_PROGRAM"), *term = getenv("TERM");
    if (tp && (strcmp(tp, "WezTerm") == 0 || strcmp(tp, "ghostty") == 0))
        return 1;
    if (term && (strstr(term, "kitty") || strcmp(term, "foot") == 0))
        return 1;
    return getenv("XTERM_VERSION") == NULL;
}

int app_init(app *a, const app_options *o)
{
    memset(a, 0, sizeof *a);
    a->l = loop_new();
    a->http = a->l ? http_client_new(a->l) : NULL;
    if (!a->http) {
        loop_free(a->l);
        return -1;
    }
    flow_init(&a->f, a->l, a->http, on_flow_change, a);
    a->f.journal = 1;
    app_secrets_install(a);
    a->style = o ? o->style : QR_STYLE_AUTO;
    a->subtitle = o ? o->subtitle : NULL;
    a->demo_hint = o ? o->demo_hint : NULL;
    a->demo_url = o ? o->demo_url : NULL;
    a->utf8 = env_locale_is_utf8();
    a->allow_sextant = sextants_render_well();
    a->use_vault = o && o->use_vault;
    int minutes = o && o->lock_after_min > 0 ? o->lock_after_min : APP_LOCK_AFTER_DEFAULT_MIN;
    a->lock_after_ms = (uint64_t)minutes * 60 * 1000;
    return 0;
}

void app_release(app *a)
{
    vault_close(a->vault);
    a->vault = NULL;
    free(a->profile_secret);
    a->profile_secret = NULL;
    free(a->profile_api_key);
    a->profile_api_key = NULL;
    form_reset(&a->form);
    flow_release(&a->f);
    app_secrets_forget(a);
    http_client_free(a->http);
    loop_free(a->l);
}

static int curses_start(app *a)
{
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        fprintf(stderr, "hubdesk: %s\n",
                _("the console needs a terminal; use 'hubdesk connect' in scripts"));
        return -1;
    }
    struct termios shell_mode;
    int have_mode = tcgetattr(STDIN_FILENO, &shell_mode) == 0;
    if (!newterm(NULL, stdout, stdin)) {
        fprintf(stderr, "hubdesk: %s\n", _("cannot set up this terminal (check TERM)"));
        return -1;
    }
    curses_active = 1;
    guard_terminal(have_mode ? &shell_mode : NULL);
    atexit(curses_stop);
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    set_escdelay(25);
    curs_set(0);
    a->colour = ui_theme_init(env_colour_wanted());
    return 0;
}

/* Vault mode starts on the create screen the first time, on the unlock screen after that. */
static int vault_start(app *a)
{
    char msg[512];
    struct stat sb;
    vault_status st = vault_default_path(a->vault_path, sizeof a->vault_path);
    if (st != VAULT_OK) {
        fprintf(stderr, "hubdesk: %s\n", vault_describe(st, NULL, 0, msg, sizeof msg));
        return -1;
    }
    int missing = stat(a->vault_path, &sb) < 0 && errno == ENOENT;
    a->mode = missing ? APP_MODE_CREATE : APP_MODE_UNLOCK;
    return 0;
}

int app_run(app *a)
{
    if (a->use_vault && vault_start(a) < 0)
        return 1;
    /* Signals first: ncurses then leaves SIGWINCH to us, and it arrives via the loop. */
    loop_signals_watch(a->l, on_signal, a);
    if (curses_start(a) < 0)
        return 1;
    if (a->f.profile_fixed && a->f.profile >= 0)
        flow_choose_profile(&a->f, a->f.profile); /* checks the token, then lists */
    loop_fd_watch(a->l, STDIN_FILENO, LOOP_READ, on_stdin, a);
    loop_set_idle(a->l, draw, a);
    a->tick_timer = loop_timer_add(a->l, 1000, on_tick, a);
    a->dirty = 1;
    draw(a->l, a);
    int rc = loop_run(a->l);
    if (a->screen && a->screen->leave)
        a->screen->leave(a);
    a->screen = NULL;
    app_forget_customer(a);
    loop_timer_cancel(a->l, a->tick_timer);
    loop_timer_cancel(a->l, a->lock_timer);
    loop_fd_unwatch(a->l, STDIN_FILENO);
    curses_stop();
    return rc;
}
