/* scr_vault.c: the vault's entries with their secrets masked; add, rename, replace, delete. */
#include "i18n.h"
#include "text.h"
#include "ui.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MASK_SIZE 32

/* Columns: name, kind, owner, updated, secret (fits 80 columns). */
static const int col[] = {3, 24, 39, 53, 70};

/* Masks ("••••abcd") of the entries, in vault_entries order; never a whole secret. */
static struct vault_view {
    char (*mask)[MASK_SIZE];
    size_t n;
    char error[640];
} view;

static void masks_free(void)
{
    if (view.mask)
        memset(view.mask, 0, view.n * sizeof *view.mask);
    free(view.mask);
    view.mask = NULL;
    view.n = 0;
}

/* Each secret is decrypted for its last four characters only, and wiped at once. */
static void masks_build(app *a)
{
    size_t n;
    const vault_entry *e = vault_entries(a->vault, &n);
    masks_free();
    view.mask = calloc(n ? n : 1, sizeof *view.mask);
    if (!view.mask)
        return;
    view.n = n;
    for (size_t i = 0; i < n; i++) {
        unsigned char *sec = NULL;
        snprintf(view.mask[i], MASK_SIZE, "?");
        if (vault_get(a->vault, e[i].name, &sec, NULL) == VAULT_OK)
            text_mask_secret((const char *)sec, view.mask[i], MASK_SIZE);
        vault_secret_free(sec);
    }
    if (a->vault_cursor >= (int)n)
        a->vault_cursor = n ? (int)n - 1 : 0;
}

/* Re-reads the file (other processes may have changed it), then the masks. */
static void reload(app *a)
{
    vault_status st = vault_refresh(a->vault);
    if (st != VAULT_OK)
        vault_describe(st, a->vault_path, 0, view.error, sizeof view.error);
    masks_build(a);
}

static void vault_enter(app *a)
{
    view.error[0] = '\0';
    a->confirm = 0;
    if (a->vault)
        reload(a);
}

static void vault_leave(app *a)
{
    masks_free();
    a->confirm = 0;
}

static const vault_entry *current(const app *a)
{
    size_t n;
    const vault_entry *e = a->vault ? vault_entries(a->vault, &n) : NULL;
    return e && a->vault_cursor >= 0 && (size_t)a->vault_cursor < n ? &e[a->vault_cursor] : NULL;
}

/* Non-UTF-8 terminals get '*' for the mask's bullets. */
static void mask_for_terminal(const app *a, const char *mask, char *out, size_t n)
{
    size_t o = 0;
    for (const char *p = mask; *p && o + 1 < n;) {
        if (!a->utf8 && strncmp(p, "\xE2\x80\xA2", 3) == 0) {
            out[o++] = '*';
            p += 3;
        } else {
            out[o++] = *p++;
        }
    }
    out[o] = '\0';
}

static void draw_row(app *a, int y, const vault_entry *e, const char *mask, int selected)
{
    char text[VAULT_OWNER_MAX * 4 + 1], when[32], m[MASK_SIZE];
    ui_role role = selected ? ROLE_SELECTED : ROLE_TEXT;
    if (selected) {
        attrset(ui_attr(role));
        mvhline(y, 2, ' ', COLS - 4);
    }
    time_t t = (time_t)e->updated;
    struct tm tm;
    if (!localtime_r(&t, &tm) || !strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm))
        snprintf(when, sizeof when, "-");
    ui_put(y, col[0], col[1] - col[0] - 1, role, text_sanitize(e->name, text, sizeof text));
    ui_put(y, col[1], col[2] - col[1] - 1, role, vault_kind_name(e->kind));
    text_sanitize(e->owner[0] ? e->owner : "-", text, sizeof text);
    ui_put(y, col[2], col[3] - col[2] - 1, role, text);
    ui_put(y, col[3], col[4] - col[3] - 1, role, when);
    mask_for_terminal(a, mask, m, sizeof m);
    if (COLS - 2 > col[4])
        ui_put(y, col[4], COLS - 2 - col[4], role, m);
}

static void draw_header(int y)
{
    const char *head[] = {_("NAME"), _("KIND"), _("OWNER"), _("UPDATED"), _("SECRET")};
    for (int i = 0; i < 5; i++)
        if (col[i] < COLS - 2)
            ui_put(y, col[i], i < 4 ? col[i + 1] - col[i] - 1 : COLS - 2 - col[i], ROLE_DIM, head[i]);
}

/* The delete question, with the profiles that would lose their token. */
static void draw_confirm(app *a, const vault_entry *e)
{
    char line[512], name[VAULT_NAME_MAX + 1];
    int y = LINES - 5;
    text_sanitize(e->name, name, sizeof name);
    snprintf(line, sizeof line, _("Delete %s? Its secret is gone for good. y/N"), name);
    y += ui_wrap(y, 2, COLS - 4, 2, ROLE_ERROR, line);
    for (size_t i = 0; i < a->f.nprofiles; i++) {
        const char *s = app_profile_secret(a, (int)i);
        if (s && strcmp(s, e->name) == 0) {
            snprintf(line, sizeof line, _("The profile %s uses it for its token."),
                     a->f.profiles[i].label);
            y += ui_wrap(y, 2, COLS - 4, 1, ROLE_WARN, line);
            break;
        }
    }
    ui_hint_bar(_("Enter delete  Esc keep it"));
}

static void vault_draw(app *a)
{
    ui_title_bar(a, _("Vault"));
    size_t n;
    const vault_entry *e = vault_entries(a->vault, &n);
    int y = 2;
    if (n == 0)
        y += 1 + ui_wrap(y, 2, COLS - 4, 2, ROLE_TEXT, _("The vault is empty. Press a to add a secret."));
    else
        draw_header(y++);
    int top = a->vault_cursor > LINES - 10 ? a->vault_cursor - (LINES - 10) : 0;
    for (size_t i = (size_t)top; i < n && i < view.n && y < LINES - 6; i++)
        draw_row(a, y++, &e[i], view.mask[i], (int)i == a->vault_cursor);
    if (a->notice[0])
        ui_wrap(LINES - 6, 2, COLS - 4, 1, ROLE_OK, a->notice);
    if (view.error[0])
        ui_wrap(LINES - 5, 2, COLS - 4, 3, ROLE_ERROR, view.error);
    if (a->confirm && current(a)) {
        draw_confirm(a, current(a));
        ui_hint_bar(_("y yes  any other key: no"));
        return;
    }
    ui_hint_bar(_("a add  n rename  c change secret  d delete  Esc back  Ctrl-X lock  ? help  q quit"));
}

static void delete_current(app *a)
{
    const vault_entry *e = current(a);
    char name[VAULT_NAME_MAX + 1], clean[VAULT_NAME_MAX + 1];
    a->confirm = 0;
    if (!e)
        return;
    snprintf(name, sizeof name, "%s", e->name);
    vault_status st = vault_remove(a->vault, name);
    if (st != VAULT_OK) {
        vault_describe(st, a->vault_path, 0, view.error, sizeof view.error);
        return;
    }
    snprintf(a->notice, sizeof a->notice, _("Deleted %s."), text_sanitize(name, clean, sizeof clean));
    masks_build(a);
}

static void edit(app *a, app_vault_edit what)
{
    const vault_entry *e = current(a);
    if (what != VAULT_EDIT_ADD && !e)
        return;
    a->vault_edit = what;
    snprintf(a->vault_target, sizeof a->vault_target, "%s", e ? e->name : "");
    a->notice[0] = '\0';
    app_set_mode(a, APP_MODE_VAULT_EDIT);
}

/* Only y deletes: Enter, the key that opened everything before, is a no like any other. */
static int confirm_key(app *a, tui_action act, int is_keycode, wint_t ch)
{
    if (act == ACT_HELP || act == ACT_REDRAW)
        return SCREEN_IGNORED; /* the question stays */
    if (!is_keycode && i18n_is_yes_key(ch))
        delete_current(a);
    else
        a->confirm = 0;
    return SCREEN_HANDLED;
}

static int vault_key(app *a, tui_action act, int is_keycode, wint_t ch)
{
    size_t n;
    vault_entries(a->vault, &n);
    if (a->confirm)
        return confirm_key(a, act, is_keycode, ch);
    view.error[0] = '\0';
    switch (act) {
    case ACT_UP: a->vault_cursor -= a->vault_cursor > 0; break;
    case ACT_DOWN: a->vault_cursor += (size_t)a->vault_cursor + 1 < n; break;
    case ACT_ADD: edit(a, VAULT_EDIT_ADD); break;
    case ACT_NEW: edit(a, VAULT_EDIT_RENAME); break;
    case ACT_REPLACE: edit(a, VAULT_EDIT_REPLACE); break;
    case ACT_DELETE: a->confirm = current(a) ? ACT_DELETE : 0; break;
    case ACT_BACK:
        a->notice[0] = '\0';
        app_set_mode(a, APP_MODE_FLOW);
        break;
    default: return SCREEN_IGNORED;
    }
    return SCREEN_HANDLED;
}

const screen_ops screen_vault = {
    .name = "vault",
    .enter = vault_enter,
    .leave = vault_leave,
    .draw = vault_draw,
    .key = vault_key,
};
