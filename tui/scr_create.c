/* scr_create.c: first run: create the vault (passphrase twice, a strength hint, the risk). */
#include "field.h"
#include "i18n.h"
#include "text.h"
#include "ui.h"

#include <ctype.h>
#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#define CREATE_MAX_CHARS 256
#define CREATE_MIN_CHARS 8

static struct create_view {
    tui_field pass[2]; /* guarded memory */
    int focus;
    int busy;          /* "Creating..." is on screen; vault_create runs next turn */
    char error[640];
} view;

static void create_enter(app *a)
{
    view.error[0] = '\0';
    view.busy = 0;
    view.focus = 0;
    if (tui_field_open(&view.pass[0], CREATE_MAX_CHARS, 1) < 0 ||
        tui_field_open(&view.pass[1], CREATE_MAX_CHARS, 1) < 0)
        snprintf(view.error, sizeof view.error, "%s", vault_status_message(VAULT_ERR_NOMEM));
    curs_set(1);
}

static void create_leave(app *a)
{
    tui_field_close(&view.pass[0]);
    tui_field_close(&view.pass[1]);
    view.busy = 0;
    curs_set(0);
}

/* A rough strength estimate from length and kinds of characters; no dictionary. */
static const char *strength(const char *s, int nchars, int *kinds)
{
    int lower = 0, upper = 0, digit = 0, other = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p >= 0x80)
            other = 1; /* any non-ASCII character */
        else if (islower(*p))
            lower = 1;
        else if (isupper(*p))
            upper = 1;
        else if (isdigit(*p))
            digit = 1;
        else
            other = 1;
    }
    *kinds = lower + upper + digit + other;
    if (nchars < CREATE_MIN_CHARS)
        return _("too short");
    if (nchars < 12)
        return *kinds >= 3 ? _("fair") : _("weak");
    if (nchars < 16)
        return *kinds >= 3 ? _("good") : _("fair");
    return *kinds >= 2 || nchars >= 20 ? _("strong") : _("good");
}

static int draw_strength(app *a, int y)
{
    char line[512];
    int kinds;
    if (view.pass[0].nchars == 0)
        return 0;
    const char *verdict = strength(view.pass[0].buf, view.pass[0].nchars, &kinds);
    snprintf(line, sizeof line,
             _("Strength: %s (%d characters, %d of 4 kinds: lower case, upper case, digits, "
               "symbols). Longer is stronger: a few unrelated words work well."),
             verdict, view.pass[0].nchars, kinds);
    int weak = view.pass[0].nchars < 12;
    return ui_wrap(y, 2, COLS - 4, 3, weak ? ROLE_WARN : ROLE_OK, line);
}

static void create_draw(app *a)
{
    char line[1200], path[1024];
    int cx[2];
    ui_title_bar(a, _("Create the vault"));
    int y = 2;
    if (a->notice[0])
        y += 1 + ui_wrap(y, 2, COLS - 4, 3, ROLE_WARN, a->notice);
    y += 1 + ui_wrap(y, 2, COLS - 4, 3, ROLE_TEXT,
                     _("hubdesk keeps the hubs' tokens in an encrypted vault. Choose its "
                       "passphrase: you type it each time hubdesk starts or after a lock."));
    int fw = COLS - 18 < 40 ? COLS - 18 : 40;
    ui_put(y, 2, 13, ROLE_TEXT, _("Passphrase:"));
    cx[0] = tui_field_draw(&view.pass[0], y, 15, fw, view.focus == 0, a->utf8);
    ui_put(y + 1, 2, 13, ROLE_TEXT, _("Again:"));
    cx[1] = tui_field_draw(&view.pass[1], y + 1, 15, fw, view.focus == 1, a->utf8);
    int fy = y + view.focus;
    y += 3;
    y += 1 + draw_strength(a, y);
    y += 1 + ui_wrap(y, 2, COLS - 4, 3, ROLE_WARN,
                     _("If the passphrase is lost, the secrets in the vault cannot be recovered: "
                       "the vault can only be reset (emptied) and every token added again."));
    if (view.busy)
        ui_put(y, 2, COLS - 4, ROLE_OK, _("Creating the vault..."));
    else if (view.error[0])
        ui_wrap(y, 2, COLS - 4, 4, ROLE_ERROR, view.error);
    snprintf(line, sizeof line, _("Vault: %s"), text_sanitize(a->vault_path, path, sizeof path));
    ui_wrap(LINES - 3, 2, COLS - 4, 2, ROLE_DIM, line);
    ui_hint_bar(_("Enter next / create  Tab other field  F1 help  Ctrl-C quit"));
    curs_set(view.busy ? 0 : 1);
    move(fy, cx[view.focus]);
}

/* Runs on the turn after the "Creating..." frame: Argon2id blocks for a moment. */
static void do_create(loop *l, void *arg)
{
    app *a = arg;
    if (!view.busy || a->screen != &screen_create || !view.pass[0].buf)
        return;
    view.busy = 0;
    vault *v = NULL;
    vault_status st = vault_create(a->vault_path, view.pass[0].buf, &v);
    int err = errno;
    tui_field_wipe(&view.pass[0]);
    tui_field_wipe(&view.pass[1]);
    view.focus = 0;
    a->dirty = 1;
    if (st == VAULT_OK) {
        app_vault_unlocked(a, v);
    } else if (st == VAULT_ERR_EXISTS) { /* another hubdesk created it meanwhile */
        snprintf(a->notice, sizeof a->notice, "%s", vault_status_message(st));
        app_set_mode(a, APP_MODE_UNLOCK);
    } else {
        vault_describe(st, a->vault_path, st == VAULT_ERR_IO ? err : 0, view.error,
                       sizeof view.error);
    }
}

static void submit(app *a)
{
    const tui_field *p = view.pass;
    view.error[0] = '\0';
    if (p[0].nchars < CREATE_MIN_CHARS) {
        snprintf(view.error, sizeof view.error,
                 _("Use at least %d characters for the passphrase."), CREATE_MIN_CHARS);
        view.focus = 0;
    } else if (p[0].len > VAULT_PASSPHRASE_MAX) {
        snprintf(view.error, sizeof view.error, "%s",
                 vault_status_message(VAULT_ERR_INVALID_PASSPHRASE));
    } else if (p[0].len != p[1].len || memcmp(p[0].buf, p[1].buf, p[0].len) != 0) {
        snprintf(view.error, sizeof view.error, "%s",
                 _("The two passphrases differ. Type them again."));
        tui_field_wipe(&view.pass[0]);
        tui_field_wipe(&view.pass[1]);
        view.focus = 0;
    } else {
        a->notice[0] = '\0';
        view.busy = 1;
        app_after_frame(a, do_create);
    }
}

static int create_key(app *a, tui_action act, int is_keycode, wint_t ch)
{
    if (view.busy)
        return SCREEN_HANDLED;
    if ((act == ACT_HELP && is_keycode) || act == ACT_REDRAW)
        return SCREEN_IGNORED;
    if (tui_field_edit(&view.pass[view.focus], is_keycode, ch)) {
        view.error[0] = '\0';
        return SCREEN_HANDLED;
    }
    if (act == ACT_NEXT || act == ACT_DOWN || act == ACT_UP) {
        view.focus = act == ACT_UP ? 0 : !view.focus;
    } else if (act == ACT_SELECT) {
        if (view.focus == 0 && view.pass[0].nchars > 0)
            view.focus = 1;
        else if (view.focus == 1)
            submit(a);
    }
    return SCREEN_HANDLED; /* Esc: nothing to go back to */
}

const screen_ops screen_create = {
    .name = "create",
    .enter = create_enter,
    .leave = create_leave,
    .draw = create_draw,
    .key = create_key,
    .takes_text = 1,
};
