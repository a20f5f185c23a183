/*
 * worker/md_slug.c - GitHub-style slugs and unique heading ids.
 *
 * The slug rule is GitHub's: lowercase, drop what is neither a word
 * character nor '-' nor ' ', turn each ' ' into '-' (runs are not
 * collapsed, nothing is trimmed).  "Word characters" are letters, marks
 * and digits of every script, so "Über die Straße" gives
 * "über-die-straße" and Devanagari keeps its vowel signs.
 *
 * Deliberately no locale and no libc wide-character classification: the
 * C library puts combining marks in the punct class, and a locale-driven
 * result would change with the environment.  Instead non-ASCII code points
 * are kept unless they fall in the punctuation and symbol blocks listed in
 * is_dropped(), and case folding covers the scripts documentation is
 * written in (Latin-1, Latin Extended-A and Additional, Greek, Cyrillic,
 * Armenian, fullwidth Latin) through a small table; other scripts are kept
 * as they are.  Invalid UTF-8 bytes are dropped.
 */
#include "worker/md_slug.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/hash.h"
#include "worker/markdown.h"

/* Decodes one UTF-8 sequence at s[0..n); returns its length (0 if
 * invalid, then *cp is undefined). */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char c = s[0];
    size_t len;
    uint32_t v;

    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
        v = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        v = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        v = c & 0x07;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3f);
    }
    if ((len == 3 && (v < 0x800 || (v >= 0xd800 && v <= 0xdfff))) ||
        (len == 4 && (v < 0x10000 || v > 0x10ffff)))
        return 0;
    *cp = v;
    return len;
}

static size_t utf8_encode(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    } else if (cp < 0x800) {
        out[0] = (char)(0xc0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    } else if (cp < 0x10000) {
        out[0] = (char)(0xe0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* Punctuation, symbols, spaces and format characters outside ASCII. */
static int is_dropped(uint32_t c)
{
    if (c >= 0xa0 && c <= 0xbf)
        return c != 0xaa && c != 0xb5 && c != 0xba; /* ª µ º are letters */
    if (c == 0xd7 || c == 0xf7)
        return 1; /* × ÷ */
    if (c >= 0x2000 && c <= 0x206f)
        return 1; /* general punctuation, spaces, zero-width marks */
    if (c >= 0x20a0 && c <= 0x20cf)
        return 1; /* currency */
    if (c >= 0x2190 && c <= 0x2bff)
        return 1; /* arrows, math, technical, boxes, shapes, dingbats */
    if (c >= 0x2e00 && c <= 0x2e7f)
        return 1; /* supplemental punctuation */
    if ((c >= 0x3000 && c <= 0x3004) || (c >= 0x3008 && c <= 0x3020) ||
        c == 0x3030 || (c >= 0x303d && c <= 0x303f))
        return 1; /* CJK punctuation (not 々 〆 〇) */
    if ((c >= 0xfe00 && c <= 0xfe1f) || (c >= 0xfe30 && c <= 0xfe6f))
        return 1; /* variation selectors, vertical and small forms */
    if ((c >= 0xff01 && c <= 0xff0f) || (c >= 0xff1a && c <= 0xff20) ||
        (c >= 0xff3b && c <= 0xff3e) || c == 0xff40 ||
        (c >= 0xff5b && c <= 0xff65))
        return 1; /* fullwidth punctuation */
    if (c >= 0xfff0 && c <= 0xffff)
        return 1; /* specials, U+FFFD */
    if (c >= 0x1f000 && c <= 0x1fbff)
        return 1; /* emoji and pictographs */
    if (c >= 0xe0000 && c <= 0xe007f)
        return 1; /* tag characters */
    return 0;
}

/* Simple lowercase mapping for the common alphabets (see the top). */
static uint32_t to_lower(uint32_t c)
{
    if (c < 0x80)
        return (c >= 'A' && c <= 'Z') ? c + 32 : c;
    if ((c >= 0xc0 && c <= 0xde && c != 0xd7))
        return c + 32;
    if (c >= 0x100 && c <= 0x17f) {
        if (c == 0x130)
            return 'i';
        if (c == 0x178)
            return 0xff;
        if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e))
            return (c & 1) ? c + 1 : c;
        if (c == 0x131 || c == 0x138 || c == 0x149 || c == 0x17f)
            return c;
        return (c & 1) ? c : c + 1;
    }
    if (c >= 0x391 && c <= 0x3ab && c != 0x3a2)
        return c + 32;
    if (c == 0x386)
        return 0x3ac;
    if (c >= 0x388 && c <= 0x38a)
        return c + 37;
    if (c == 0x38c)
        return 0x3cc;
    if (c == 0x38e || c == 0x38f)
        return c + 63;
    if (c >= 0x400 && c <= 0x40f)
        return c + 80;
    if (c >= 0x410 && c <= 0x42f)
        return c + 32;
    if ((c >= 0x460 && c <= 0x481) || (c >= 0x48a && c <= 0x4bf) ||
        (c >= 0x4d0 && c <= 0x52f))
        return (c & 1) ? c : c + 1;
    if (c >= 0x4c1 && c <= 0x4ce)
        return (c & 1) ? c + 1 : c;
    if (c == 0x4c0)
        return 0x4cf;
    if (c >= 0x531 && c <= 0x556)
        return c + 48;
    if ((c >= 0x1e00 && c <= 0x1e95) || (c >= 0x1ea0 && c <= 0x1eff))
        return (c & 1) ? c : c + 1;
    if (c == 0x1e9e)
        return 0xdf;
    if (c >= 0xff21 && c <= 0xff3a)
        return c + 32;
    return c;
}

int bf_md_slugify(const char *text, size_t len, bf_buf_t *out)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;

    /* Lowercasing never more than doubles a sequence's length. */
    if (bf_buf_grow(out, len * 2) < 0)
        return -1;
    while (i < len) {
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            if (c == ' ')
                out->data[out->len++] = '-';
            else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                     c == '-' || c == '_')
                out->data[out->len++] = (char)c;
            else if (c >= 'A' && c <= 'Z')
                out->data[out->len++] = (char)(c + 32);
            continue;
        }
        uint32_t cp;
        size_t n = utf8_decode(s + i, len - i, &cp);
        if (n == 0) {
            i++;
            continue;
        }
        i += n;
        if (is_dropped(cp))
            continue;
        out->len += utf8_encode(to_lower(cp), out->data + out->len);
    }
    out->data[out->len] = '\0';
    return 0;
}

/* ---- the id set ---- */

void bf_md_ids_reset(bf_md_ids_t *ids)
{
    if (ids->n)
        memset(ids->slots, 0, ids->cap * sizeof(*ids->slots));
    ids->n = 0;
    bf_buf_reset(&ids->pool);
}

void bf_md_ids_free(bf_md_ids_t *ids)
{
    bf_buf_free(&ids->pool);
    free(ids->slots);
    memset(ids, 0, sizeof(*ids));
}

static bf_md_ids_slot_t *lookup(const bf_md_ids_t *ids, const char *id, size_t len,
                                uint32_t h)
{
    if (ids->cap == 0)
        return NULL;
    size_t mask = ids->cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        bf_md_ids_slot_t *s = &ids->slots[i];
        if (s->off == 0)
            return s;
        if (s->hash == h && s->len == len && memcmp(ids->pool.data + s->off, id, len) == 0)
            return s;
    }
}

bool bf_md_ids_has(const bf_md_ids_t *ids, const char *id, size_t len)
{
    const bf_md_ids_slot_t *s = lookup(ids, id, len, (uint32_t)bf_hash64(id, len));
    return s && s->off != 0;
}

static int grow(bf_md_ids_t *ids)
{
    size_t cap = ids->cap ? ids->cap * 2 : 64;
    bf_md_ids_slot_t *slots = calloc(cap, sizeof(*slots));
    if (!slots)
        return -1;
    for (size_t i = 0; i < ids->cap; i++) {
        bf_md_ids_slot_t *s = &ids->slots[i];
        if (s->off == 0)
            continue;
        size_t j = s->hash & (cap - 1);
        while (slots[j].off)
            j = (j + 1) & (cap - 1);
        slots[j] = *s;
    }
    free(ids->slots);
    ids->slots = slots;
    ids->cap = cap;
    return 0;
}

/* Makes room for one more id and the pool's leading NUL; -1 on OOM. */
static int reserve(bf_md_ids_t *ids, size_t len)
{
    if ((ids->n + 1) * 2 > ids->cap && grow(ids) < 0)
        return -1;
    if (ids->pool.len == 0 && bf_buf_putc(&ids->pool, '\0') < 0)
        return -1;
    if (ids->pool.len + len + 32 > UINT32_MAX)
        return -1;
    return 0;
}

/* Fills the free slot s with the id stored in the pool at off. */
static void fill(bf_md_ids_t *ids, bf_md_ids_slot_t *s, size_t off, size_t len, uint32_t h)
{
    s->off = (uint32_t)off;
    s->len = (uint32_t)len;
    s->hash = h;
    s->next_n = 1;
    ids->n++;
}

long bf_md_ids_add(bf_md_ids_t *ids, const char *base, size_t len, bool custom,
                   const char **out)
{
    char tmp[16];

    if (len == 0) {
        base = "section";
        len = 7;
    }
    if (reserve(ids, len) < 0)
        return -1;
    uint32_t h = (uint32_t)bf_hash64(base, len);
    bf_md_ids_slot_t *s = lookup(ids, base, len, h);
    if (s->off == 0) {
        size_t off = ids->pool.len;
        if (bf_buf_append(&ids->pool, base, len) < 0 || bf_buf_putc(&ids->pool, '\0') < 0)
            return -1;
        fill(ids, s, off, len, h);
    } else if (!custom) {
        /* base is taken: its repeat counter says where to go on, so that
         * n equal headings cost n probes, not n^2.  Each candidate is
         * written at the end of the pool and dropped again if taken. */
        bf_md_ids_slot_t *b = s;
        uint32_t n = b->next_n;
        size_t off = ids->pool.len;
        if (bf_buf_append(&ids->pool, base, len) < 0)
            return -1;
        for (;; n++) {
            int k = snprintf(tmp, sizeof(tmp), "-%u", n);
            bf_buf_truncate(&ids->pool, off + len);
            if (bf_buf_append(&ids->pool, tmp, (size_t)k) < 0 || bf_buf_putc(&ids->pool, '\0') < 0)
                return -1;
            size_t clen = len + (size_t)k;
            uint32_t hc = (uint32_t)bf_hash64(ids->pool.data + off, clen);
            s = lookup(ids, ids->pool.data + off, clen, hc);
            if (s->off != 0)
                continue;
            fill(ids, s, off, clen, hc);
            break;
        }
        b->next_n = n + 1; /* no growth happened since b was found */
    }
    *out = ids->pool.data + s->off;
    return (long)s->len;
}
