/* form.h: a vertical form of labelled fields (text, masked, toggle, choice), each with its
 * hint and the error the flow or the hub gave for it, shared by the connect, test and add
 * screens. */
#ifndef HD_TUI_FORM_H
#define HD_TUI_FORM_H

#include <jansson.h>

#include "field.h"
#include "keys.h"

#define FORM_MAX 8

typedef enum form_kind { FORM_TEXT, FORM_SECRET, FORM_TOGGLE, FORM_CHOICE } form_kind;

typedef struct form_item {
    const char *key;    /* as in the flow's field_errors ("phone_number_id") */
    const char *label;  /* translated */
    const char *hint;   /* shown under the focused field when it has no error; may be NULL */
    form_kind kind;
    tui_field text;     /* FORM_TEXT, FORM_SECRET (guarded) */
    int on;             /* FORM_TOGGLE */
    const char *const *choices; /* FORM_CHOICE: ids; NULL-terminated */
    const char *(*choice_label)(const char *id);
    int choice;         /* index into choices, -1 = none yet */
} form_item;

typedef struct tui_form {
    form_item items[FORM_MAX];
    int n, focus;
} tui_form;

/* Empties the form (wiping secrets) and starts a new one. */
void form_reset(tui_form *fm);
/* Adds a field; returns it (NULL when full or out of memory). */
form_item *form_add(tui_form *fm, const char *key, const char *label, const char *hint,
                    form_kind kind, int max_chars);
form_item *form_get(tui_form *fm, const char *key);
/* The text of a text/secret field ("" if none), the choice id (NULL), the toggle. */
const char *form_text(tui_form *fm, const char *key);
const char *form_choice(tui_form *fm, const char *key);
int form_on(tui_form *fm, const char *key);
/* Focus on the first field with an error, if any. */
void form_focus_error(tui_form *fm, const json_t *errors);
/* 1 when there are errors and each names a field of the form (it is shown under it); 0 when
   one is about something else (the channel, the whole body): the screen must say it. */
int form_places_errors(tui_form *fm, const json_t *errors);
/*
 * Draws from row y at most maxrows rows: one row a field, and under it its error (red) or,
 * focused, its hint (dim). Leaves the cursor in the focused text field. Returns rows used.
 */
int form_draw(tui_form *fm, int y, int maxrows, const json_t *errors, int utf8_ok);
/* Tab/Shift-Tab/Up/Down move, Space/Left/Right toggle or cycle, other keys edit the focused
   text. 1 if the key was the form's, 0 if the screen should handle it (Enter, Esc, F1). */
int form_key(tui_form *fm, tui_action act, int is_keycode, wint_t ch);

#endif
