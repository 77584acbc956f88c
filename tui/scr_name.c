/* scr_name.c: second step: name the new channel (a text field with a sane default). */
#include "i18n.h"
#include "text.h"
#include "ui.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#define NAME_MAX_CHARS 60

static void name_enter(app *a)
{
    if (a->name_len == 0) {
        const wchar_t *def = L"WhatsApp QR";
        wcscpy(a->name_buf, def);
        a->name_len = (int)wcslen(def);
    }
    a->name_error[0] = '\0';
    curs_set(1);
}

static void name_leave(app *a)
{
    curs_set(0);
}

static void name_draw(app *a)
{
    char utf8[NAME_MAX_CHARS * 4 + 1];
    ui_title_bar(a, flow_step_title(FLOW_STEP_NAME));
    int y = 2;
    y += ui_wrap(y, 2, COLS - 4, 3, ROLE_TEXT,
                 _("Name the WhatsApp channel. The customer's team sees this label in the hub."));
    y++;
    ui_put(y, 2, 8, ROLE_TEXT, _("Name:"));
    int fx = 10, fw = COLS - fx - 2 > NAME_MAX_CHARS + 1 ? NAME_MAX_CHARS + 1 : COLS - fx - 2;
    attrset(ui_attr(ROLE_SELECTED));
    mvhline(y, fx, ' ', fw > 0 ? fw : 0);
    wcstombs(utf8, a->name_buf, sizeof utf8);
    int w = ui_put(y, fx, fw - 1, ROLE_SELECTED, utf8);
    if (a->name_error[0] || a->token_error[0])
        ui_wrap(y + 2, 2, COLS - 4, 4, ROLE_ERROR, a->name_error[0] ? a->name_error : a->token_error);
    ui_hint_bar(a->vault ? _("Enter start pairing  Esc back  Ctrl-U clear  Ctrl-X lock  F1 help")
                         : _("Enter start pairing  Esc back  Ctrl-U clear  F1 help"));
    move(y, fx + w); /* the cursor shows where typing goes */
}

static void name_edit(app *a, int is_keycode, wint_t ch)
{
    if ((is_keycode && ch == KEY_BACKSPACE) || (!is_keycode && (ch == 127 || ch == 8))) {
        if (a->name_len > 0)
            a->name_buf[--a->name_len] = L'\0';
    } else if (!is_keycode && ch == 21) { /* Ctrl-U */
        a->name_len = 0;
        a->name_buf[0] = L'\0';
    } else if (!is_keycode && iswprint(ch) && a->name_len < NAME_MAX_CHARS) {
        a->name_buf[a->name_len++] = (wchar_t)ch;
        a->name_buf[a->name_len] = L'\0';
    } else if (!is_keycode && !iswprint(ch)) {
        return; /* control characters never enter a name */
    }
    a->name_error[0] = '\0';
}

/* Printable keys are text here ('q' is a letter); only Enter, Esc and F1 act. */
static int name_key(app *a, tui_action act, int is_keycode, wint_t ch)
{
    char utf8[NAME_MAX_CHARS * 4 + 1];
    if (!is_keycode && iswprint(ch) && ch != 27) {
        name_edit(a, is_keycode, ch);
        return SCREEN_HANDLED;
    }
    if (act == ACT_SELECT) {
        if (wcstombs(utf8, a->name_buf, sizeof utf8) == (size_t)-1 ||
            flow_name_check(utf8, a->name_error, sizeof a->name_error) != HD_OK)
            return SCREEN_HANDLED;
        app_start_pairing(a, utf8); /* in vault mode: the token is fetched just for this */
        return SCREEN_HANDLED;
    }
    if ((act == ACT_BACK && !is_keycode) || act == ACT_HELP || act == ACT_REDRAW)
        return SCREEN_IGNORED; /* the app handles these */
    name_edit(a, is_keycode, ch);
    return SCREEN_HANDLED;
}

const screen_ops screen_name = {
    .name = "name",
    .enter = name_enter,
    .leave = name_leave,
    .draw = name_draw,
    .key = name_key,
};
