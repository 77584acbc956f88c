/* field.h: the one text field widget: plain, or masked with its bytes in guarded memory. */
#ifndef HD_TUI_FIELD_H
#define HD_TUI_FIELD_H

#include <stddef.h>
#include <wchar.h>

/*
 * A single-line field holding UTF-8. A masked field keeps its bytes in sodium_malloc memory
 * (guard pages, never swapped, wiped on free) and is drawn as bullets: what was typed is never
 * echoed. Text fields are the only place that sees raw characters.
 */
typedef struct tui_field {
    char *buf;     /* NUL-terminated UTF-8; NULL before tui_field_open */
    size_t len;    /* bytes */
    size_t cap;    /* bytes, including the NUL */
    int nchars;    /* characters */
    int max_chars;
    int masked;
} tui_field;

/* Allocates room for max_chars characters (guarded memory when masked). 0 or -1 on OOM. */
int tui_field_open(tui_field *f, int max_chars, int masked);
/* Wipes and frees; the field can be opened again. A field never opened is fine. */
void tui_field_close(tui_field *f);
/* Empties the field, wiping what it held. */
void tui_field_wipe(tui_field *f);
/* Replaces the content with utf8 (cut at max_chars). */
void tui_field_set(tui_field *f, const char *utf8);

/*
 * Applies an editing key: a printable character is inserted, Backspace deletes one character,
 * Ctrl-U empties the field. Returns 1 if the key was one of those (the field may be
 * unchanged, e.g. when full), 0 for any other key: the screen maps it to an action.
 */
int tui_field_edit(tui_field *f, int is_keycode, wint_t ch);

/*
 * Draws the field at (y, x) in w columns (highlighted when focused): the end of a long text,
 * bullets for a masked one. Returns the column where the cursor goes.
 */
int tui_field_draw(const tui_field *f, int y, int x, int w, int focused, int utf8_ok);

#endif
