/* scr_reset.c: forgotten passphrase: confirm, by typing a word, that the vault is deleted. */
#include "field.h"
#include "i18n.h"
#include "text.h"
#include "ui.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#define RESET_MAX_CHARS 32

static struct reset_view {
    tui_field word;
    char error[640];
} view;

/* The word to type; translated, so it is a word in the user's language. */
static const char *confirm_word(void)
{
    return _("reset");
}

static void reset_enter(app *a)
{
    view.error[0] = '\0';
    if (tui_field_open(&view.word, RESET_MAX_CHARS, 0) < 0)
        snprintf(view.error, sizeof view.error, "%s", vault_status_message(VAULT_ERR_NOMEM));
    curs_set(1);
}

static void reset_leave(app *a)
{
    tui_field_close(&view.word);
    curs_set(0);
}

static void reset_draw(app *a)
{
    char line[1200], path[1024];
    ui_title_bar(a, _("Reset the vault"));
    int y = 2;
    y += 1 + ui_wrap(y, 2, COLS - 4, 4, ROLE_ERROR,
                     _("Resetting deletes the vault. Every secret in it (hub tokens, channel "
                       "tokens, app and webhook secrets) is gone for good: nobody can recover "
                       "them, not even with the passphrase found later."));
    y += 1 + ui_wrap(y, 2, COLS - 4, 3, ROLE_TEXT,
                     _("Then you create a new vault and add the tokens again from the hubs' "
                       "portals. The hub account profiles are kept."));
    snprintf(line, sizeof line, _("Type %s to confirm:"), confirm_word());
    int lw = ui_put(y, 2, COLS - 4, ROLE_TEXT, line);
    int cx = tui_field_draw(&view.word, y, 3 + lw, RESET_MAX_CHARS + 1, 1, a->utf8);
    if (view.error[0])
        ui_wrap(y + 2, 2, COLS - 4, 4, ROLE_ERROR, view.error);
    snprintf(line, sizeof line, _("Vault: %s"), text_sanitize(a->vault_path, path, sizeof path));
    ui_wrap(LINES - 3, 2, COLS - 4, 2, ROLE_DIM, line);
    ui_hint_bar(_("Enter delete the vault  Esc keep it (back to unlock)  F1 help"));
    move(y, cx);
}

static void confirm(app *a)
{
    if (!view.word.buf || strcmp(view.word.buf, confirm_word()) != 0) {
        snprintf(view.error, sizeof view.error, _("Type %s exactly, or Esc to keep the vault."),
                 confirm_word());
        return;
    }
    vault_status st = vault_reset(a->vault_path);
    if (st != VAULT_OK && st != VAULT_ERR_NO_VAULT) {
        vault_describe(st, a->vault_path, 0, view.error, sizeof view.error);
        return;
    }
    a->unlock_failures = 0;
    a->unlock_wait_until = 0;
    snprintf(a->notice, sizeof a->notice, "%s",
             _("The vault was deleted with every secret in it. Create a new one."));
    app_set_mode(a, APP_MODE_CREATE);
}

static int reset_key(app *a, tui_action act, int is_keycode, wint_t ch)
{
    if ((act == ACT_HELP && is_keycode) || act == ACT_REDRAW)
        return SCREEN_IGNORED;
    if (tui_field_edit(&view.word, is_keycode, ch)) {
        view.error[0] = '\0';
        return SCREEN_HANDLED;
    }
    if (act == ACT_SELECT)
        confirm(a);
    else if (act == ACT_BACK && !is_keycode)
        app_set_mode(a, APP_MODE_UNLOCK);
    return SCREEN_HANDLED;
}

const screen_ops screen_reset = {
    .name = "reset",
    .enter = reset_enter,
    .leave = reset_leave,
    .draw = reset_draw,
    .key = reset_key,
};
