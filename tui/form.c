/* form.c: the form widget behind the connect, test message and add screens. */
#include "form.h"
#include "i18n.h"
#include "text.h"
#include "ui.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>
#include <wctype.h>

#define LABEL_W 20

void form_reset(tui_form *fm)
{
    for (int i = 0; i < fm->n; i++)
        tui_field_close(&fm->items[i].text);
    memset(fm, 0, sizeof *fm);
}

form_item *form_add(tui_form *fm, const char *key, const char *label, const char *hint,
                    form_kind kind, int max_chars)
{
    if (fm->n >= FORM_MAX)
        return NULL;
    form_item *it = &fm->items[fm->n];
    memset(it, 0, sizeof *it);
    *it = (form_item){.key = key, .label = label, .hint = hint, .kind = kind, .choice = -1};
    if ((kind == FORM_TEXT || kind == FORM_SECRET) &&
        tui_field_open(&it->text, max_chars, kind == FORM_SECRET) < 0)
        return NULL;
    fm->n++;
    return it;
}

form_item *form_get(tui_form *fm, const char *key)
{
    for (int i = 0; i < fm->n; i++)
        if (!strcmp(fm->items[i].key, key))
            return &fm->items[i];
    return NULL;
}

const char *form_text(tui_form *fm, const char *key)
{
    form_item *it = form_get(fm, key);
    return it && it->text.buf ? it->text.buf : "";
}

const char *form_choice(tui_form *fm, const char *key)
{
    form_item *it = form_get(fm, key);
    return it && it->choices && it->choice >= 0 ? it->choices[it->choice] : NULL;
}

int form_on(tui_form *fm, const char *key)
{
    form_item *it = form_get(fm, key);
    return it ? it->on : 0;
}

void form_focus_error(tui_form *fm, const json_t *errors)
{
    for (int i = 0; i < fm->n; i++)
        if (json_object_get(errors, fm->items[i].key)) {
            fm->focus = i;
            return;
        }
}

int form_places_errors(tui_form *fm, const json_t *errors)
{
    const char *key;
    json_t *v;
    if (!json_object_size(errors))
        return 0;
    json_object_foreach((json_t *)errors, key, v) {
        if (!form_get(fm, key))
            return 0;
    }
    return 1;
}

static const char *error_of(const json_t *errors, const char *key, char *out, size_t n)
{
    const char *e = json_string_value(json_object_get(errors, key));
    return e ? text_sanitize(e, out, n) : NULL;
}

/* The value part of a toggle or a choice, "[x] yes" / "< WhatsApp >". */
static void value_text(const form_item *it, int utf8_ok, char *out, size_t n)
{
    if (it->kind == FORM_TOGGLE) {
        snprintf(out, n, "[%s] %s", it->on ? "x" : " ", it->on ? _("yes") : _("no"));
        return;
    }
    const char *id = it->choice >= 0 ? it->choices[it->choice] : NULL;
    snprintf(out, n, "%s %s %s", utf8_ok ? "\xE2\x80\xB9" : "<",
             id ? (it->choice_label ? it->choice_label(id) : id) : _("choose with Space"),
             utf8_ok ? "\xE2\x80\xBA" : ">");
}

int form_draw(tui_form *fm, int y, int maxrows, const json_t *errors, int utf8_ok)
{
    int used = 0, cy = -1, cx = 0, fx = LABEL_W + 2, fw = COLS - fx - 2;
    char err[400], val[200];
    for (int i = 0; i < fm->n && used < maxrows; i++) {
        form_item *it = &fm->items[i];
        int focus = i == fm->focus;
        ui_put(y + used, 2, LABEL_W - 1, focus ? ROLE_TITLE : ROLE_TEXT, it->label);
        if (it->kind == FORM_TEXT || it->kind == FORM_SECRET) {
            int x = tui_field_draw(&it->text, y + used, fx, fw, focus, utf8_ok);
            if (focus) {
                cy = y + used;
                cx = x;
            }
        } else {
            value_text(it, utf8_ok, val, sizeof val);
            ui_put(y + used, fx, fw, focus ? ROLE_SELECTED : ROLE_TEXT, val);
        }
        used++;
        const char *e = error_of(errors, it->key, err, sizeof err);
        /* A hub's refusal ("OUTSIDE_WINDOW: ...") is read whole; the room left for the
           fields below bounds it. */
        int room = maxrows - used - (fm->n - 1 - i);
        if (room > 0 && (e || (focus && it->hint)))
            used += ui_wrap(y + used, fx, fw, e ? (room < 3 ? room : 3) : (room < 2 ? room : 2),
                            e ? ROLE_ERROR : ROLE_DIM, e ? e : it->hint);
    }
    if (cy >= 0) {
        curs_set(1);
        move(cy, cx);
    } else {
        curs_set(0);
    }
    return used;
}

static void cycle(form_item *it, int step)
{
    int n = 0;
    if (it->kind == FORM_TOGGLE) {
        it->on = !it->on;
        return;
    }
    while (it->choices && it->choices[n])
        n++;
    if (n)
        it->choice = it->choice < 0 ? 0 : (it->choice + step + n) % n;
}

int form_key(tui_form *fm, tui_action act, int is_keycode, wint_t ch)
{
    if (!fm->n)
        return 0;
    form_item *it = &fm->items[fm->focus];
    int text = it->kind == FORM_TEXT || it->kind == FORM_SECRET;
    if (act == ACT_NEXT || (is_keycode && (ch == KEY_DOWN || ch == KEY_BTAB || ch == KEY_UP))) {
        int back = is_keycode && (ch == KEY_BTAB || ch == KEY_UP);
        fm->focus = (fm->focus + (back ? fm->n - 1 : 1)) % fm->n;
        return 1;
    }
    if (!text && ((!is_keycode && ch == L' ') ||
                  (is_keycode && (ch == KEY_LEFT || ch == KEY_RIGHT)))) {
        cycle(it, is_keycode && ch == KEY_LEFT ? -1 : 1);
        return 1;
    }
    if (act == ACT_SELECT || (!is_keycode && ch == 27))
        return 0;
    if (text && tui_field_edit(&it->text, is_keycode, ch))
        return 1;
    /* Letters on a toggle or a choice are not commands here: swallow them (q is a letter). */
    return !is_keycode && iswprint(ch);
}
