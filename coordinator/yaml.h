/*
 * coordinator/yaml.h - the one libyaml adapter.
 *
 * Parses YAML text (front matter, bengal.yaml, data/ files, --context
 * files; YAML is a superset of JSON) into a bf_value_t tree in an arena.
 *
 * Scalars: plain scalars are typed by the YAML 1.2 core schema (null ~ Null
 * NULL and empty; true/false in their three casings; decimal, 0x, 0o
 * integers that fit int64; floats incl. .inf/.nan); quoted and block
 * scalars are always strings.  Explicit tags !!str !!int !!float !!bool
 * !!null are honoured; other tags are an error.  Dates stay strings: the
 * caller parses the keys that are dates (shared/date.h).
 *
 * Refused with a clear error (file:line:col: ...):
 *   - aliases and anchors (no alias bombs: front matter has no use for them)
 *   - nesting deeper than lim->max_depth
 *   - more than lim->max_nodes nodes
 *   - duplicate keys in a map; keys that are not scalars
 *   - invalid UTF-8 (libyaml's reader error, with its position)
 *   - more than one document
 *   - any libyaml syntax error, reported with libyaml's problem text
 * An empty document (or only comments) gives a NULL-kind value.
 *
 * Line numbers: the text's first line is reported as first_line, so that
 * front matter errors point into the markdown file.  Columns are 1-based.
 *
 * Errors: logs exactly one error and returns -1.  Never crashes on any
 * input (fuzzed: tests/fuzz/frontmatter_fuzz.c).
 */
#ifndef BF_COORDINATOR_YAML_H
#define BF_COORDINATOR_YAML_H

#include <stddef.h>

#include "shared/arena.h"
#include "shared/value.h"

typedef struct {
    unsigned max_depth; /* default 64 */
    size_t max_nodes;   /* default 1,000,000 */
} bf_yaml_limits_t;

#define BF_YAML_LIMITS_DEFAULT {64, 1000000}

/* Parses text[0..len) (NUL bytes allowed in the input; they are an error)
 * into *out, allocated in a.  file names the text in messages; NULL makes
 * a trial parse that logs nothing (the error is only returned: the caller
 * parses again with a name to report it, see discover.c's scouts).  lim may
 * be NULL for the defaults.  Returns 0, or -1 after logging one error. */
/* Reads and parses a whole YAML (or JSON) file with the default limits;
 * NULL after logging (a file that cannot be read, or bad YAML).  Used by
 * `bengal-farm template render --context FILE`. */
bf_value_t *bf_yaml_load_file(bf_arena_t *a, const char *path);

int bf_yaml_parse(bf_arena_t *a, const char *file, const char *text, size_t len,
                  unsigned first_line, const bf_yaml_limits_t *lim, bf_value_t **out);

/* Where map keys were written, for loaders that warn "file:line:col:
 * unknown key".  bf_value_t keeps the position of each value but not of
 * its key, so a parse that needs them asks for this side table. */
typedef struct bf_yaml_keys bf_yaml_keys_t;

/* bf_yaml_parse, and when keys is not NULL also *keys (in a): the position
 * of every key of every map of the tree. */
int bf_yaml_parse_keys(bf_arena_t *a, const char *file, const char *text, size_t len,
                       unsigned first_line, const bf_yaml_limits_t *lim,
                       bf_value_t **out, bf_yaml_keys_t **keys);

/* Line and column of key i of map m, where m belongs to the tree of the
 * parse that produced k; 0 and 0 when unknown (k NULL, a map made
 * elsewhere, i out of range).  Linear in the number of maps: meant for
 * config files, not for large data files. */
void bf_yaml_key_pos(const bf_yaml_keys_t *k, const bf_value_t *m, size_t i,
                     unsigned *line, unsigned *col);

#endif
