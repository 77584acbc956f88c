/* scr_vault_edit.c: the vault entry form: add (name, kind, owner, secret), rename, replace. */
#include "field.h"
#include "i18n.h"
#include "secret.h"
#include "text.h"
#include "ui.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#define SECRET_MAX_CHARS 4096

typedef enum row { ROW_NAME, ROW_KIND, ROW_OWNER, ROW_SECRET } row;

static struct edit_view {
    tui_field name, owner;
    tui_field secret; /* guarded memory, drawn as bullets */
    vault_kind kind;
    const row *rows;
    int nrows, focus;
    char error[640];
} view;

static const row rows_add[] = {ROW_NAME, ROW_KIND, ROW_OWNER, ROW_SECRET};
static const row rows_rename[] = {ROW_NAME};
static const row rows_replace[] = {ROW_SECRET};

static tui_field *field_of(row r)
{
    return r == ROW_NAME ? &view.name : r == ROW_OWNER ? &view.owner
                                    : r == ROW_SECRET  ? &view.secret
                                                       : NULL;
}

static void edit_enter(app *a)
{
    view.error[0] = '\0';
    view.focus = 0;
    view.kind = VAULT_KIND_API_TOKEN;
    if (a->vault_edit == VAULT_EDIT_ADD) {
        view.rows = rows_add;
        view.nrows = 4;
    } else {
        view.rows = a->vault_edit == VAULT_EDIT_RENAME ? rows_rename : rows_replace;
        view.nrows = 1;
    }
    if (tui_field_open(&view.name, VAULT_NAME_MAX, 0) < 0 ||
        tui_field_open(&view.owner, VAULT_OWNER_MAX, 0) < 0 ||
        tui_field_open(&view.secret, SECRET_MAX_CHARS, 1) < 0)
        snprintf(view.error, sizeof view.error, "%s", vault_status_message(VAULT_ERR_NOMEM));
    if (a->vault_edit == VAULT_EDIT_RENAME)
        tui_field_set(&view.name, a->vault_target);
    curs_set(1);
}

static void edit_leave(app *a)
{
    tui_field_close(&view.name);
    tui_field_close(&view.owner);
    tui_field_close(&view.secret); /* wipes the typed secret */
    curs_set(0);
}

static const char *title(const app *a)
{
    switch (a->vault_edit) {
    case VAULT_EDIT_RENAME: return _("Vault: rename");
    case VAULT_EDIT_REPLACE: return _("Vault: change a secret");
    default: return _("Vault: add a secret");
    }
}

static const char *row_label(row r)
{
    switch (r) {
    case ROW_NAME: return _("Name:");
    case ROW_KIND: return _("Kind:");
    case ROW_OWNER: return _("Owner:");
    default: return _("Secret:");
    }
}

/* Draws one row; returns the cursor column (-1: no cursor on this row). */
static int draw_row(app *a, int y, row r, int focused)
{
    int fx = 12, fw = COLS - fx - 2 < 50 ? COLS - fx - 2 : 50;
    ui_put(y, 2, fx - 3, ROLE_TEXT, row_label(r));
    if (r != ROW_KIND)
        return tui_field_draw(field_of(r), y, fx, fw, focused, a->utf8);
    char line[64];
    snprintf(line, sizeof line, " %s  \xE2\x80\xBA", vault_kind_name(view.kind));
    if (!a->utf8)
        snprintf(line, sizeof line, " %s  >", vault_kind_name(view.kind));
    attrset(ui_attr(focused ? ROLE_SELECTED : ROLE_BAR));
    mvhline(y, fx, ' ', 20);
    ui_put(y, fx, 20, focused ? ROLE_SELECTED : ROLE_BAR, line);
    return -1;
}

static void edit_draw(app *a)
{
    char line[512], target[VAULT_NAME_MAX + 1];
    ui_title_bar(a, title(a));
    int y = 2, cy = -1, cx = -1;
    text_sanitize(a->vault_target, target, sizeof target);
    if (a->vault_edit == VAULT_EDIT_RENAME)
        snprintf(line, sizeof line, _("New name for %s (profiles that use the old name must be "
                                      "changed too):"), target);
    else if (a->vault_edit == VAULT_EDIT_REPLACE)
        snprintf(line, sizeof line, _("Type or paste the new secret of %s. It is not shown."),
                 target);
    else
        snprintf(line, sizeof line, "%s", _("Name: 1 to 64 visible ASCII characters, no spaces. "
                                            "The secret is not shown while you type or paste it."));
    y += 1 + ui_wrap(y, 2, COLS - 4, 3, ROLE_TEXT, line);
    for (int i = 0; i < view.nrows; i++, y += 2) {
        int x = draw_row(a, y, view.rows[i], i == view.focus);
        if (i == view.focus && x >= 0)
            cy = y, cx = x;
    }
    if (view.error[0])
        ui_wrap(y, 2, COLS - 4, 4, ROLE_ERROR, view.error);
    ui_hint_bar(view.nrows > 1 ? _("Enter next / save  Tab next field  Space kind  Esc cancel  F1 help")
                               : _("Enter save  Esc cancel  Ctrl-U clear  F1 help"));
    curs_set(cy >= 0);
    if (cy >= 0)
        move(cy, cx);
}

/* Tokens travel in HTTP headers: refuse what no token holds (other kinds take anything). */
static int token_ok(vault_kind kind)
{
    if (kind != VAULT_KIND_API_TOKEN && kind != VAULT_KIND_CHANNEL_TOKEN)
        return 1;
    return secret_is_token_safe(view.secret.buf);
}

/* Checks the form; 0 or -1 with view.error set (a refused secret is wiped). */
static int check(const app *a)
{
    const vault_entry *e = vault_find(a->vault, a->vault_target);
    vault_kind kind = a->vault_edit == VAULT_EDIT_ADD ? view.kind : e ? e->kind : 0;
    const char *why = NULL;
    if (!view.name.buf || !view.owner.buf || !view.secret.buf)
        why = vault_status_message(VAULT_ERR_NOMEM);
    else if (a->vault_edit != VAULT_EDIT_REPLACE && !vault_name_is_valid(view.name.buf))
        why = vault_status_message(VAULT_ERR_INVALID_NAME);
    else if (a->vault_edit != VAULT_EDIT_RENAME && view.secret.len == 0)
        why = _("Type or paste the secret.");
    else if (a->vault_edit == VAULT_EDIT_ADD && !text_is_clean(view.owner.buf))
        why = vault_status_message(VAULT_ERR_INVALID);
    else if (a->vault_edit != VAULT_EDIT_RENAME && kind && !token_ok(kind)) {
        why = _("A token has no spaces, line breaks or other special characters; paste it again.");
        tui_field_wipe(&view.secret);
    }
    if (why)
        snprintf(view.error, sizeof view.error, "%s", why);
    return why ? -1 : 0;
}

static vault_status save(app *a)
{
    const vault_entry *e = vault_find(a->vault, a->vault_target);
    switch (a->vault_edit) {
    case VAULT_EDIT_RENAME:
        return vault_rename(a->vault, a->vault_target, view.name.buf);
    case VAULT_EDIT_REPLACE:
        if (!e)
            return VAULT_ERR_NOT_FOUND;
        return vault_put(a->vault, e->name, e->kind, e->owner, view.secret.buf, view.secret.len,
                         VAULT_PUT_REPLACE);
    default:
        return vault_put(a->vault, view.name.buf, view.kind, view.owner.buf, view.secret.buf,
                         view.secret.len, VAULT_PUT_ADD);
    }
}

/* Puts the list's cursor on the entry called name. */
static void cursor_to(app *a, const char *name)
{
    size_t n;
    const vault_entry *e = vault_entries(a->vault, &n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(e[i].name, name) == 0)
            a->vault_cursor = (int)i;
}

static void submit(app *a)
{
    char name[VAULT_NAME_MAX + 1], clean[VAULT_NAME_MAX + 1];
    view.error[0] = '\0';
    if (check(a) < 0)
        return;
    vault_status st = save(a);
    if (st != VAULT_OK) {
        vault_describe(st, a->vault_path, 0, view.error, sizeof view.error);
        return;
    }
    snprintf(name, sizeof name, "%s",
             a->vault_edit == VAULT_EDIT_REPLACE ? a->vault_target : view.name.buf);
    text_sanitize(name, clean, sizeof clean);
    snprintf(a->notice, sizeof a->notice,
             a->vault_edit == VAULT_EDIT_ADD      ? _("Added %s.")
             : a->vault_edit == VAULT_EDIT_RENAME ? _("Renamed to %s.")
                                                  : _("Replaced the secret of %s."),
             clean);
    cursor_to(a, name);
    app_set_mode(a, APP_MODE_VAULT); /* leave wipes the fields */
}

static int edit_key(app *a, tui_action act, int is_keycode, wint_t ch)
{
    row r = view.rows[view.focus];
    if ((act == ACT_HELP && is_keycode) || act == ACT_REDRAW)
        return SCREEN_IGNORED;
    if (field_of(r) && tui_field_edit(field_of(r), is_keycode, ch)) {
        view.error[0] = '\0';
        return SCREEN_HANDLED;
    }
    if (act == ACT_CYCLE && r == ROW_KIND)
        view.kind = view.kind % VAULT_KIND_WEBHOOK_SECRET + 1;
    else if (act == ACT_NEXT || act == ACT_DOWN)
        view.focus = (view.focus + 1) % view.nrows;
    else if (act == ACT_UP)
        view.focus = (view.focus + view.nrows - 1) % view.nrows;
    else if (act == ACT_SELECT && view.focus + 1 < view.nrows)
        view.focus++;
    else if (act == ACT_SELECT)
        submit(a);
    else if (act == ACT_BACK && !is_keycode)
        app_set_mode(a, APP_MODE_VAULT);
    else if (act == ACT_HELP)
        return SCREEN_IGNORED; /* '?' on the kind row, where nothing is typed */
    return SCREEN_HANDLED;     /* 'q' included: a form is left with Esc, not by quitting */
}

const screen_ops screen_vault_edit = {
    .name = "vault-edit",
    .enter = edit_enter,
    .leave = edit_leave,
    .draw = edit_draw,
    .key = edit_key,
    .takes_text = 1,
};
