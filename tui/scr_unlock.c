/* scr_unlock.c: unlock the vault: a masked passphrase, a growing delay after wrong ones. */
#include "field.h"
#include "i18n.h"
#include "text.h"
#include "ui.h"

#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#define UNLOCK_MAX_CHARS VAULT_PASSPHRASE_MAX
#define UNLOCK_DELAY_CAP_MS 30000

static struct unlock_view {
    tui_field pass;     /* guarded memory */
    int busy;           /* "Unlocking..." is on screen; vault_open runs next turn */
    char error[640];
    uint64_t wait_timer;
} view;

static void unlock_enter(app *a)
{
    view.error[0] = '\0';
    view.busy = 0;
    if (tui_field_open(&view.pass, UNLOCK_MAX_CHARS, 1) < 0)
        snprintf(view.error, sizeof view.error, "%s", vault_status_message(VAULT_ERR_NOMEM));
    curs_set(1);
}

static void unlock_leave(app *a)
{
    tui_field_close(&view.pass); /* wipes what was typed */
    loop_timer_cancel(a->l, view.wait_timer);
    view.wait_timer = 0;
    view.busy = 0;
    curs_set(0);
}

static long wait_left_ms(const app *a)
{
    uint64_t now = loop_now_ms();
    return a->unlock_wait_until > now ? (long)(a->unlock_wait_until - now) : 0;
}

static void on_wait_over(loop *l, void *arg)
{
    app *a = arg;
    view.wait_timer = 0;
    a->dirty = 1;
}

/* 1 s after the first wrong passphrase, then 2, 4, 8 ... up to 30 s. */
static void wrong_passphrase(app *a)
{
    int n = a->unlock_failures < 16 ? a->unlock_failures : 16;
    uint64_t delay = 1000ull << (n > 0 ? n - 1 : 0);
    if (delay > UNLOCK_DELAY_CAP_MS)
        delay = UNLOCK_DELAY_CAP_MS;
    a->unlock_wait_until = loop_now_ms() + delay;
    loop_timer_cancel(a->l, view.wait_timer);
    view.wait_timer = loop_timer_add(a->l, delay, on_wait_over, a);
    flushinp(); /* what was typed ahead is not a new attempt */
}

/* Runs on the turn after the "Unlocking..." frame: Argon2id blocks for a moment. */
static void do_unlock(loop *l, void *arg)
{
    app *a = arg;
    if (!view.busy || a->screen != &screen_unlock || !view.pass.buf)
        return; /* the screen was left meanwhile */
    view.busy = 0;
    vault *v = NULL;
    vault_status st = vault_open(a->vault_path, view.pass.buf, &v);
    int err = errno;
    tui_field_wipe(&view.pass);
    a->dirty = 1;
    if (st == VAULT_OK) {
        app_vault_unlocked(a, v);
        return;
    }
    if (st == VAULT_ERR_NO_VAULT) {
        snprintf(a->notice, sizeof a->notice, "%s", vault_status_message(st));
        app_set_mode(a, APP_MODE_CREATE);
        return;
    }
    if (st == VAULT_ERR_WRONG_PASSPHRASE) {
        a->unlock_failures++;
        wrong_passphrase(a);
    }
    vault_describe(st, a->vault_path, st == VAULT_ERR_IO ? err : 0, view.error, sizeof view.error);
}

static void draw_status(app *a, int y)
{
    char line[256];
    long left = wait_left_ms(a);
    if (view.busy) {
        ui_put(y, 2, COLS - 4, ROLE_OK, _("Unlocking the vault..."));
        return;
    }
    if (view.error[0])
        y += ui_wrap(y, 2, COLS - 4, 4, ROLE_ERROR, view.error);
    if (left > 0) {
        snprintf(line, sizeof line, _("Wait %ld s before the next attempt."), (left + 999) / 1000);
        ui_put(y, 2, COLS - 4, ROLE_WARN, line);
    } else if (a->unlock_failures > 0) {
        snprintf(line, sizeof line, _("%d wrong attempt(s); each one makes the next wait longer."),
                 a->unlock_failures);
        ui_put(y, 2, COLS - 4, ROLE_DIM, line);
    }
}

static void unlock_draw(app *a)
{
    char line[1200], path[1024];
    ui_title_bar(a, _("Unlock the vault"));
    int y = 2;
    if (a->notice[0])
        y += 1 + ui_wrap(y, 2, COLS - 4, 2, ROLE_WARN, a->notice);
    y += 1 + ui_wrap(y, 2, COLS - 4, 3, ROLE_TEXT,
                     _("The vault holds the hubs' tokens. Type its passphrase to unlock it."));
    ui_put(y, 2, 13, ROLE_TEXT, _("Passphrase:"));
    int fw = COLS - 18 < 40 ? COLS - 18 : 40;
    int cx = tui_field_draw(&view.pass, y, 15, fw, 1, a->utf8);
    draw_status(a, y + 2);
    snprintf(line, sizeof line, _("Vault: %s"), text_sanitize(a->vault_path, path, sizeof path));
    ui_wrap(LINES - 4, 2, COLS - 4, 2, ROLE_DIM, line);
    ui_hint_bar(_("Enter unlock  Ctrl-R forgot the passphrase  F1 help  Ctrl-C quit"));
    curs_set(view.busy || wait_left_ms(a) > 0 ? 0 : 1);
    move(y, cx);
}

static int unlock_key(app *a, tui_action act, int is_keycode, wint_t ch)
{
    if (view.busy)
        return SCREEN_HANDLED;
    if (act == ACT_FORGOT) {
        app_set_mode(a, APP_MODE_RESET);
        return SCREEN_HANDLED;
    }
    if (act == ACT_HELP && is_keycode)
        return SCREEN_IGNORED; /* F1; '?' may be part of a passphrase */
    if (act == ACT_REDRAW)
        return SCREEN_IGNORED;
    if (wait_left_ms(a) > 0)
        return SCREEN_HANDLED; /* input is ignored until the delay is over */
    if (tui_field_edit(&view.pass, is_keycode, ch))
        return SCREEN_HANDLED;
    if (act == ACT_SELECT && view.pass.len > 0) {
        view.error[0] = '\0';
        a->notice[0] = '\0';
        view.busy = 1;
        app_after_frame(a, do_unlock);
    }
    return SCREEN_HANDLED; /* Esc and the rest: nothing to go back to */
}

static int unlock_tick(app *a)
{
    return wait_left_ms(a) > 0;
}

const screen_ops screen_unlock = {
    .name = "unlock",
    .enter = unlock_enter,
    .leave = unlock_leave,
    .draw = unlock_draw,
    .key = unlock_key,
    .tick = unlock_tick,
    .takes_text = 1,
};
