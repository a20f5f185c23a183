#!/usr/bin/env python3
"""Renders the Jinja2 conformance corpus for bengal-farm's template engine.

Every case is a set of templates (the first one is rendered), a JSON
context, and the output real Jinja2 produces.  tests/tmpl/jinja_test.c
renders the same case with the C engine and requires identical bytes.

Jinja2 environment (the engine's defaults):
    undefined=StrictUndefined, autoescape for .html/.htm/.xml names,
    trim_blocks=False, lstrip_blocks=False, keep_trailing_newline=False.
Cases where Jinja2 raises an error are dropped (the C engine has its own
error tests); the script prints how many cases it kept.

Output format (cases.txt), byte counts make it binary-safe:
    #case <n>
    @file <name> <len>\\n<bytes>\\n      (one or more; the first is rendered)
    @context <len>\\n<json>\\n
    @expect <len>\\n<bytes>\\n

Usage: python3 gen.py > cases.txt   (python3-jinja2 3.x)
"""
import json
import sys

import jinja2

CASES = []


def case(tmpl, ctx=None, name="t.html", files=None):
    CASES.append((name, tmpl, ctx or {}, files or {}))


def txt(tmpl, ctx=None, files=None):
    case(tmpl, ctx, "t.txt", files)


# ---- output, literals, whitespace -----------------------------------------
txt("Hello {{ name }}!", {"name": "World"})
txt("{{ 1 }} {{ -2 }} {{ 1.5 }} {{ 1e3 }} {{ 0.1 }} {{ 1_000 }} {{ 0x1f }}")
txt("{{ 'a' }}{{ \"b\" }}{{ 'it\\'s' }}{{ 'x' 'y' }}")
txt("{{ true }} {{ false }} {{ none }} {{ True }} {{ None }}")
txt("{{ [1, 'a', none, true, 1.5] }}")
txt("{{ {'a': 1, 'b': [2, 3]} }}")
txt("{{ (1, 2) }} {{ (1,) }} {{ () }} {{ 1, 2 }}")
txt("{{ 'a\\nb\\tc' }}|{{ '\\u00e9\\x41' }}")
txt("{{ [\"it's\", 'say \"hi\"', 'both \\' \"'] }}")
txt("a\n{{- ' b ' -}}\nc")
txt("a  {%- if true %} b {% endif -%}  c")
txt("x {#- comment -#} y")
txt("x {# comment #} y")
txt("line1\nline2\n")
txt("trailing\n\n")
txt("{% raw %}{{ not parsed }}{% endraw %}")
txt("{% raw -%}  {{ x }}  {%- endraw %}|")
txt("{%+ if true +%}a{% endif %}")
txt("{{ '{{' }} and {{ '}}' }}")
txt("{{ {'a': {'b': 1}} }}")
txt("{{ x }}", {"x": "<b>"})
case("{{ x }}", {"x": "<b>&'\""})
case("{{ x|safe }}", {"x": "<b>"})
case("{{ x|e }}{{ x|escape }}", {"x": "<a href='x'>"})
case("{{ '<' ~ 'x'|safe }}")
# Jinja folds constant "~" into a plain string at compile time; with a
# variable it is markup_join, which is what the engine does at run time.
case("{{ x|safe ~ '<' }}", {"x": "<b>"})
case("{{ '<b>'|safe + '<' }}{{ '<' + '<b>'|safe }}")
case("{% autoescape false %}{{ x }}{% endautoescape %}{{ x }}", {"x": "<i>"})
case("{% autoescape true %}{{ x }}{% endautoescape %}", {"x": "<i>"}, name="t.txt")
case("{{ [1, '<a>'] }}")
case("{{ {'k': '<'} }}")
case("{{ x }}", {"x": ["<", 1]})
case("{{ 5 }}{{ 1.5 }}{{ none }}{{ true }}")
case("{{ '&amp;'|safe }}{{ '&amp;' }}")
case("{{ x|forceescape }}", {"x": "<b>"})
case("{{ ('<b>'|safe)|forceescape }}")
case("{% set s %}<b>{{ x }}</b>{% endset %}{{ s }}|{{ s|length }}", {"x": "<"})
case("{% macro m(a) %}<{{ a }}>{% endmacro %}{{ m('&') }}")
case("{{ ['<a>', 'b'|safe]|join(', ') }}")
case("{{ ['<a>', 'b']|join(', ') }}")
case("{{ 'a<b'|replace('<', '&') }}")
case("{{ ('<b>'|safe)|replace('b', 'i') }}")
case("{{ x|upper }}", {"x": "<b>"})
case("{{ ('<b>'|safe)|upper }}")
case("{{ x|tojson }}", {"x": {"a": "<'&>", "b": [1, 2.5, None, True]}})
case("{{ '<b>'|striptags }}")
case("{{ x|striptags }}", {"x": "<p>Hello <b>World</b>!</p> &amp; more"})
case("{{ x|indent(2) }}", {"x": "<a>\nb"})
case("{{ x|urlencode }}", {"x": "a b&c/d"})

# ---- expressions -----------------------------------------------------------
for e in ["1 + 2", "7 - 10", "3 * 4", "7 / 2", "8 / 4", "7 // 2", "-7 // 2", "7 % 3",
          "-7 % 3", "7 % -3", "2 ** 10", "2 ** -1", "2 ** 3 ** 2", "-2 ** 2", "1.5 + 1",
          "0.1 + 0.2", "10 / 3", "1e20 * 10", "7.5 // 2", "7.5 % 2", "-7.5 % 2", "1 + 2 * 3",
          "(1 + 2) * 3", "'a' + 'b'", "'ab' * 3", "3 * 'x'", "[1] + [2, 3]", "[1, 2] * 2",
          "'a' ~ 1 ~ none", "1 ~ 2", "'%s-%d' % ('a', 3)", "'%05.2f' % 3.14159",
          "'%s' % 'x'", "'%(a)s!' % {'a': 1}", "'%x %o %X' % (255, 8, 255)", "'%5s|%-5s|' % ('a', 'b')",
          "'%e' % 12345.678", "'%g' % 0.0001", "'%.3s' % 'abcdef'", "'%d%%' % 50",
          "1 == 1.0", "true == 1", "'a' == 'a'", "[1, 2] == [1, 2]", "(1, 2) == [1, 2]",
          "{'a': 1} == {'a': 1}", "1 != 2", "1 < 2 < 3", "3 > 2 > 2", "1 <= 1", "'a' < 'b'",
          "'B' < 'a'", "[1, 2] < [1, 3]", "none == none", "1 in [1, 2]", "3 not in [1, 2]",
          "'b' in 'abc'", "'' in 'abc'", "'a' in {'a': 1}", "not true", "not 0",
          "not ''", "not []", "true and false", "1 and 2", "0 and 2", "0 or 'x'", "'' or []",
          "none or 0 or 5", "1 if true else 2", "1 if false else 2", "'y' if 0", "not 1 == 2",
          "1 + 2 ~ 3 if false else 'ok'", "-(3)", "+3", "--3", "-1.5", "1 - -1",
          "[1, 2, 3][0]", "[1, 2, 3][-1]", "[1, 2, 3][1:]", "[1, 2, 3][:2]", "[1, 2, 3][::-1]",
          "[1, 2, 3, 4, 5][1:4:2]", "'hello'[1]", "'hello'[-2]", "'hello'[1:3]", "'hello'[::-1]",
          "'héllo'[1]", "'héllo'[1:3]", "{'a': 1}['a']", "(1, 2)[1]", "[[1, 2], [3]][0][1]",
          "[1, 2, 3][5:]", "[1,2,3][-5:2]", "'abc'.upper()", "'Hello World'.lower()",
          "' x '.strip()", "'xxaxx'.strip('x')", "'  a'.lstrip()", "'a  '.rstrip() ~ '|'",
          "'a,b,,c'.split(',')", "' a  b '.split()", "'a-b-c'.split('-', 1)",
          "'hello'.startswith('he')", "'hello'.endswith('lo')", "'hello'.startswith(('x', 'h'))",
          "'hello'.replace('l', 'L')", "'hello'.replace('l', 'L', 1)", "', '.join(['a', 'b'])",
          "'hello'.count('l')", "'hello'.find('l')", "'hello'.find('z')", "'{} and {}'.format(1, 2)",
          "'{0}{1}{0}'.format('a', 'b')", "'{x}!'.format(x=5)", "'hello world'.title()",
          "'hELLO'.capitalize()", "'123'.isdigit()", "'abc'.isalpha()", "'a1'.isalnum()",
          "'ABC'.isupper()", "'abc'.islower()", "'  '.isspace()", "'a\\nb\\r\\nc'.splitlines()",
          "{'a': 1, 'b': 2}.items()|list", "{'a': 1, 'b': 2}.keys()|list",
          "{'a': 1, 'b': 2}.values()|list", "{'a': 1}.get('a')", "{'a': 1}.get('b')",
          "{'a': 1}.get('b', 7)", "[3, 1, 2].index(1)", "[1, 1, 2].count(1)",
          "range(5)|list", "range(2, 5)|list", "range(10, 0, -3)|list", "range(0)|list",
          "dict(a=1, b=2)", "dict({'x': 1}, y=2)", "(1, 2, 3)|length",
          "10 / 4", "-3 // 2", "3 % -2", "2 ** 0.5", "1 / 3", "100000000000000000000.0",
          "1e16", "1e15", "0.00001", "123456789.123", "-0.0", "1.0", "2.50", "3.0 * 2",
          "1e-7", "12345678901234567890.0", "float('nan') if false else 1"]:
    txt("{{ %s }}" % e)

txt("{{ a.b }} {{ a['b'] }} {{ a.c.d }} {{ a.l.1 }} {{ a['l'][0] }}",
    {"a": {"b": 1, "c": {"d": "deep"}, "l": [10, 20]}})
txt("{{ items[i] }}", {"items": ["x", "y"], "i": 1})
txt("{{ d[k] }}", {"d": {"key": "v"}, "k": "key"})
txt("{{ user.name ~ ' (' ~ user.age ~ ')' }}", {"user": {"name": "Ann", "age": 30}})
txt("{{ x is defined }} {{ y is defined }} {{ y is undefined }}", {"x": 1})
txt("{{ a.b is defined }} {{ a.z is defined }}", {"a": {"b": 1}})
txt("{{ x|default('d') }} {{ y|default('d') }} {{ z|default('d', true) }}", {"x": 1, "z": ""})
txt("{{ x|d('d') }}{{ none|default('n') }}{{ none|default('n', true) }}")
txt("{{ 'yes' if x else 'no' }}", {"x": [1]})
txt("{{ x if x is defined else 'none' }}")
txt("{{ n is even }} {{ n is odd }} {{ n is divisibleby 3 }} {{ n is divisibleby(4) }}",
    {"n": 12})
txt("{{ x is none }} {{ 1 is number }} {{ 1.5 is float }} {{ 1 is integer }} {{ true is number }}",
    {"x": None})
txt("{{ 'a' is string }} {{ [] is sequence }} {{ {} is mapping }} {{ 'a' is iterable }} {{ 1 is iterable }}")
txt("{{ true is boolean }} {{ 1 is boolean }} {{ true is true }} {{ false is false }} {{ 0 is false }}")
txt("{{ 'abc' is lower }} {{ 'ABC' is upper }} {{ 'aB' is lower }} {{ '1' is lower }}")
txt("{{ 2 is in [1, 2] }} {{ 'x' is in 'xyz' }} {{ 1 is eq 1 }} {{ 1 is ne 1 }} {{ 1 is lt 2 }}")
txt("{{ 2 is gt 1 }} {{ 2 is ge 2 }} {{ 2 is le 1 }} {{ 1 is equalto 1 }} {{ 1 is greaterthan 0 }}")
txt("{{ x is sameas x }} {{ none is sameas none }} {{ 1 is not none }} {{ x is not defined }}",
    {"x": [1]})
txt("{{ range is callable }} {{ 1 is callable }}")
txt("{{ ('a'|safe) is escaped }} {{ 'a' is escaped }}")

# ---- filters -----------------------------------------------------------------
S = {"s": "Hello World", "t": "  padded  ", "u": "hello wORLD-foo (bar) [baz]<q>",
     "long": "The quick brown fox jumps over the lazy dog", "h": "<p>Hi &amp; <em>bye</em></p>",
     "n": 42, "f": 3.14159, "neg": -5, "l": [3, 1, 2], "w": ["b", "A", "c", "a"],
     "e": [], "d": {"b": 2, "a": 1, "C": 3},
     "people": [{"name": "Ann", "age": 30, "city": "Oslo"},
                {"name": "bob", "age": 25, "city": "Rome"},
                {"name": "Cid", "age": 35, "city": "Oslo"},
                {"name": "dan", "age": 25, "city": None}]}
for f in ["upper", "lower", "title", "capitalize", "trim", "length", "count", "wordcount",
          "first", "last", "reverse", "list|join(',')", "string", "striptags", "escape",
          "urlencode", "slug" if False else "trim|upper", "center(20)", "center(5)",
          "truncate(5)", "truncate(20)", "truncate(9)", "truncate(9, true)", "truncate(11)",
          "truncate(11, false, '...', 0)", "truncate(10, true, '!')", "replace('o', '0')",
          "replace('l', 'L', 2)", "replace('', '-')", "indent", "indent(2, true)",
          "indent('> ')", "format", "tojson", "wordcount", "list|length", "unique|join",
          "sort|join", "sort(reverse=true)|join", "title|replace(' ', '_')", "e|upper",
          "lower|capitalize", "min", "max"]:
    for v in ["s", "t", "u", "long", "h"]:
        txt("{{ %s|%s }}" % (v, f), S)
for f in ["abs", "round", "round(2)", "round(1, 'floor')", "round(1, 'ceil')", "int", "float",
          "string", "default(0)", "string|length", "filesizeformat", "filesizeformat(true)",
          "tojson"]:
    for v in ["n", "f", "neg", "0.5", "1.5", "2.5", "2.675", "1000000", "1234567", "-0.5",
              "'42'", "'3.7'", "'x'", "'  12 '", "true", "none"]:
        if f in ("abs", "round", "round(2)", "round(1, 'floor')", "round(1, 'ceil')",
                 "filesizeformat", "filesizeformat(true)") and v in ("'42'", "'3.7'", "'x'",
                                                                     "'  12 '", "none"):
            continue
        txt("{{ %s|%s }}" % (v, f), S)
for f in ["join", "join(', ')", "first", "last", "length", "sort|join(',')",
          "sort(reverse=true)|join(',')", "sort(case_sensitive=true)|join(',')",
          "reverse|join(',')", "unique|join(',')", "unique(case_sensitive=true)|join(',')",
          "min", "max", "min(case_sensitive=true)", "max(case_sensitive=true)", "sum",
          "list", "batch(2)|list", "batch(3, 'x')|list", "slice(2)|list", "slice(3, 0)|list",
          "map('upper')|join(',')", "select('odd')|list", "reject('odd')|list",
          "select|list", "reject|list", "map('string')|join('-')", "tojson",
          "select('gt', 1)|list", "select('in', [1, 2])|list", "map('default', 'z')|list"]:
    for v in ["l", "w", "e", "[1, 0, 2, none, 3]", "['x', 'Y', 'x', 'y']", "range(7)"]:
        bad = (v in ("w", "['x', 'Y', 'x', 'y']") and f in ("sum", "select('odd')|list",
                                                             "reject('odd')|list",
                                                             "select('gt', 1)|list")) or \
              (v == "[1, 0, 2, none, 3]" and f in ("sum", "sort|join(',')",
                                                 "sort(reverse=true)|join(',')",
                                                 "sort(case_sensitive=true)|join(',')", "min",
                                                 "max", "min(case_sensitive=true)",
                                                 "max(case_sensitive=true)",
                                                 "select('odd')|list", "reject('odd')|list",
                                                 "select('gt', 1)|list")) or \
              (v in ("l", "range(7)", "[1, 0, 2, none, 3]") and f == "map('upper')|join(',')")
        if bad:
            continue
        txt("{{ %s|%s }}" % (v, f), S)
for f in ["map(attribute='name')|join(',')", "map(attribute='city', default='?')|list",
          "sort(attribute='age')|map(attribute='name')|join(',')",
          "sort(attribute='name')|map(attribute='name')|join(',')",
          "sort(attribute='name', case_sensitive=true)|map(attribute='name')|join(',')",
          "sort(attribute='age', reverse=true)|map(attribute='name')|join(',')",
          "selectattr('age', 'gt', 28)|map(attribute='name')|join(',')",
          "rejectattr('age', 'gt', 28)|map(attribute='name')|join(',')",
          "selectattr('city')|map(attribute='name')|join(',')",
          "selectattr('city', 'eq', 'Oslo')|list|length",
          "selectattr('city', 'none')|map(attribute='name')|list",
          "rejectattr('city', 'none')|map(attribute='name')|list",
          "unique(attribute='age')|map(attribute='name')|join(',')",
          "min(attribute='age')", "max(attribute='age')", "sum(attribute='age')",
          "join(', ', attribute='name')", "first", "last", "length",
          "map(attribute='age')|sum", "map(attribute='age')|unique|list",
          "sum(attribute='age', start=100)"]:
    txt("{{ people|%s }}" % f, S)
txt("{% for g in people|groupby('age') %}{{ g.grouper }}:{{ g.list|map(attribute='name')|join('/') }};{% endfor %}", S)
txt("{% for age, ps in people|groupby('age') %}{{ age }}={{ ps|length }} {% endfor %}", S)
txt("{% for city, ps in people|groupby('city', default='-') %}{{ city }}:{{ ps|length }} {% endfor %}", S)
txt("{% for k, v in d|dictsort %}{{ k }}={{ v }} {% endfor %}", S)
txt("{% for k, v in d|dictsort(true) %}{{ k }}={{ v }} {% endfor %}", S)
txt("{% for k, v in d|dictsort(by='value') %}{{ k }}={{ v }} {% endfor %}", S)
txt("{% for k, v in d|dictsort(reverse=true) %}{{ k }}={{ v }} {% endfor %}", S)
txt("{% for k, v in d|items %}{{ k }}={{ v }} {% endfor %}", S)
txt("{% for k in d %}{{ k }}{% endfor %}", S)
txt("{{ d|length }} {{ d|list }} {{ d|first }}", S)
txt("{{ d|tojson }} {{ d|tojson(2) }}", S)
txt("{{ people|tojson }}", S)
txt("{{ 'ünïcödé'|tojson }} {{ '\\u2603 \\U0001F600'|tojson }}")
txt("{{ {'b': [1, {'c': none}], 'a': 'x\\ny'}|tojson(indent=1) }}")
txt("{{ d|urlencode }} {{ [('a', 1), ('b c', 'd&e')]|urlencode }}", S)
txt("{{ 'ä ö/ü?x=1'|urlencode }} {{ 42|urlencode }}")
txt("{{ 'a%sb'|format(1) }} {{ '%s, %s'|format('x', 'y') }}")
txt("{{ 'Ünïcode'|upper }} {{ 'ÀÉÎ'|lower }} {{ 'привет мир'|title }} {{ 'αβγ'|upper }}")
txt("{{ 'héllo wörld'|length }} {{ 'héllo wörld'|reverse }} {{ 'héllo'|first }} {{ 'héllo'|last }}")
txt("{{ 'héllo wörld'|truncate(8) }} {{ 'héllo wörld'|center(15) }}|")
txt("{{ x|attr('a') }}", {"x": {"a": 5}})
txt("{{ 'x'|list }} {{ 'abc'|list }} {{ 'abc'|batch(2)|list }}")
txt("{{ [1, 2]|sum(start=10) }} {{ [1.5, 2]|sum }} {{ [[1], [2]]|sum(start=[]) }}")
txt("{{ [3, 2, 1]|sort|first }} {{ [[2, 'b'], [1, 'a']]|sort|first }}")
txt("{{ ['a', 'B', 'c']|sort|join }} {{ ['a', 'B', 'c']|sort(case_sensitive=true)|join }}")
txt("{{ [1, 2, 3, 4]|batch(3)|list }} {{ [1, 2, 3, 4, 5]|slice(3)|list }} {{ []|slice(2)|list }}")
txt("{{ ['a', 'b']|map('upper')|list }} {{ ['a', 'b']|map('replace', 'a', 'z')|list }}")
txt("{{ [1, 2, 3, 4]|select('divisibleby', 2)|list }} {{ [1, 2, 3]|reject('eq', 2)|list }}")
txt("{{ ['a', none, 'b']|select('none')|list }} {{ ['a', none, 'b']|reject('none')|list }}")
txt("{{ ['a', none, 'b']|select('string')|list|length }}")
txt("{{ 3|string ~ 4|string }} {{ [1]|string }} {{ none|string }}")
txt("{{ '3'|int + 1 }} {{ '3.9'|int }} {{ 'x'|int(7) }} {{ '0x1A'|int(0, 16) }} {{ '101'|int(base=2) }}")
txt("{{ '1_000'|int }} {{ '1e3'|float }} {{ 'abc'|float }} {{ 'abc'|float(1.5) }} {{ 3|float }}")
txt("{{ -3|abs }} {{ (-3)|abs }} {{ -3.5|abs }}")
txt("{{ 2.5|round }} {{ 3.5|round }} {{ 2.675|round(2) }} {{ 1.25|round(1) }} {{ 1.35|round(1) }}")
txt("{{ 10|round }} {{ 7|round(1, 'ceil') }} {{ 1.01|round(0, 'ceil') }} {{ -1.5|round(0, 'floor') }}")
txt("{{ 'one two  three'|wordcount }} {{ ''|wordcount }} {{ 'it\\'s a_b c-d'|wordcount }}")
txt("{{ 'a\\nb\\n\\nc'|indent }}|{{ 'a\\nb\\n\\nc'|indent(blank=true) }}|{{ 'x'|indent(first=true) }}")
txt("{{ 'a\\nb\\n'|indent(4, true) }}|")
txt("{{ '  x  '|trim }}|{{ '--x--'|trim('-') }}|{{ 'xy'|trim('yx') }}|")
txt("{{ 'hello'|replace('l', '') }} {{ 'aaa'|replace('a', 'b', 2) }} {{ 'abc'|replace('', '.') }}")
txt("{{ 'abc'|center(7) }}|{{ 'abc'|center(8) }}|{{ 'ab'|center(7) }}|")
txt("{{ 1234567|filesizeformat }} {{ 1|filesizeformat }} {{ 999|filesizeformat }} {{ 1024|filesizeformat(true) }}")
case("{{ {'class': 'x', 'id': 'y<', 'n': none}|xmlattr }}")
case("<a{{ {'href': '/a b'}|xmlattr }}>")

# ---- statements ----------------------------------------------------------------
txt("{% if x %}a{% elif y %}b{% else %}c{% endif %}", {"x": 0, "y": 1})
txt("{% if x %}a{% elif y %}b{% else %}c{% endif %}", {"x": 0, "y": 0})
txt("{% if x %}a{% endif %}{% if not x %}b{% endif %}", {"x": 1})
txt("{% if x is defined and x > 1 %}big{% endif %}", {"x": 5})
txt("{% if x %}{% if y %}xy{% else %}x{% endif %}{% endif %}", {"x": 1, "y": 0})
txt("{% for x in items %}{{ x }},{% endfor %}", {"items": ["a", "b", "c"]})
txt("{% for x in items %}{{ x }}{% else %}empty{% endfor %}", {"items": []})
txt("{% for x in [1, 2, 3] %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ loop.revindex0 }}{{ loop.first }}{{ loop.last }}{{ loop.length }};{% endfor %}")
txt("{% for x in 'abc' %}{{ loop.previtem is defined }}{{ loop.nextitem is defined }}{% endfor %}")
txt("{% for x in [1, 2, 3] %}{% if loop.previtem is defined %}{{ loop.previtem }}<{% endif %}{{ x }}{% if loop.nextitem is defined %}>{{ loop.nextitem }}{% endif %} {% endfor %}")
txt("{% for x in range(5) %}{% if x == 3 %}{% break %}{% endif %}{{ x }}{% endfor %}",
    files=None)
txt("{% for x in range(5) %}{% if x is odd %}{% continue %}{% endif %}{{ x }}{% endfor %}")
txt("{% for x in range(10) if x is even %}{{ x }}:{{ loop.index }}/{{ loop.length }} {% endfor %}")
txt("{% for a, b in [(1, 2), (3, 4)] %}{{ a + b }} {% endfor %}")
txt("{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}", {"d": {"x": 1, "y": 2}})
txt("{% for x in [1, 2] %}{% for y in [1, 2] %}{{ x }}{{ y }}{{ loop.index }} {% endfor %}{{ loop.index }}|{% endfor %}")
txt("{% for x in ['a', 'b', 'c'] %}{{ loop.cycle('odd', 'even') }} {% endfor %}")
txt("{% for x in [1, 1, 2, 2, 3] %}{% if loop.changed(x) %}{{ x }}{% endif %}{% endfor %}")
txt("{% for item in tree recursive %}[{{ item.name }}{% if item.children %}<{{ loop(item.children) }}>{% endif %}:{{ loop.depth }}]{% endfor %}",
    {"tree": [{"name": "a", "children": [{"name": "b", "children": [{"name": "c", "children": []}]},
                                          {"name": "d", "children": []}]},
              {"name": "e", "children": []}]})
txt("{% for item in tree recursive %}{{ item.name }}{{ loop.depth0 }}{% if item.children %}({{ loop(item.children) }}){% endif %}{{ item.name }}{% endfor %}",
    {"tree": [{"name": "a", "children": [{"name": "b", "children": []}]},
              {"name": "c", "children": None}]})
txt("{% for x in [] %}{{ x }}{% endfor %}done")
txt("{% for x in d %}{{ x }}{% endfor %}", {"d": {"b": 1, "a": 2}})
txt("{% set x = 1 %}{{ x }}{% set x = x + 1 %}{{ x }}")
txt("{% set a, b = 1, 2 %}{{ a }}{{ b }}{% set c, d = [3, 4] %}{{ c }}{{ d }}")
txt("{% set x = 1 %}{% for i in [1] %}{% set x = 2 %}{{ x }}{% endfor %}{{ x }}")
txt("{% set x = 1 %}{% for i in [1] %}{{ x }}{% set x = 2 %}{{ x }}{% endfor %}{{ x }}")
txt("{% for i in [1, 2] %}{% if i == 1 %}{% set x = 5 %}{% endif %}{{ x }}{% endfor %}", {"x": 0})
txt("{% set x = 1 %}{% if true %}{% set x = 2 %}{% endif %}{{ x }}")
txt("{% set ns = namespace(a=1) %}{% for i in [1, 2, 3] %}{% set ns.a = ns.a + i %}{% endfor %}{{ ns.a }}")
txt("{% set ns = namespace(found=false) %}{% for x in [1, 5, 9] %}{% if x > 4 %}{% set ns.found = x %}{% endif %}{% endfor %}{{ ns.found }}")
txt("{% set s %}a{{ 1 + 1 }}b{% endset %}[{{ s }}]")
txt("{% set s | upper %}abc{% endset %}{{ s }}")
txt("{% with a = 1, b = 2 %}{{ a + b }}{% endwith %}{{ a is defined }}")
txt("{% with a = 1 %}{% set b = 2 %}{{ a }}{{ b }}{% endwith %}{{ b is defined }}")
txt("{% with a = x %}{{ a }}{% endwith %}", {"x": 9})
txt("{% with a = 1, b = a %}{{ b }}{% endwith %}", {"a": 5})
txt("{% filter upper %}abc {{ 'd' }}{% endfilter %}")
txt("{% filter replace('a', 'b')|upper %}aaa{% endfilter %}")
txt("{% macro m(a, b=2, c='x') %}{{ a }}-{{ b }}-{{ c }}{% endmacro %}{{ m(1) }} {{ m(1, 3) }} {{ m(1, c='y') }} {{ m(a=0, b=0) }}")
txt("{% macro m() %}{{ varargs }}|{{ kwargs }}{% endmacro %}{{ m(1, 2, k=3) }}")
txt("{% macro m(a) %}{{ a }}{{ varargs|length }}{% endmacro %}{{ m(1, 2, 3) }}")
txt("{% macro m(a, b=a) %}{{ a }}{{ b }}{% endmacro %}{{ m(1) }}{{ m(1, 2) }}")
txt("{% macro outer() %}<{{ caller() }}>{% endmacro %}{% call outer() %}inside{% endcall %}")
txt("{% macro list(items) %}{% for i in items %}[{{ caller(i) }}]{% endfor %}{% endmacro %}{% call(x) list([1, 2]) %}{{ x * 10 }}{% endcall %}")
txt("{% macro m() %}{{ x }}{% endmacro %}{% set x = 1 %}{{ m() }}")
txt("{% set x = 1 %}{% macro m() %}{{ x }}{% endmacro %}{% set x = 2 %}{{ m() }}")
txt("{% macro fact(n) %}{% if n <= 1 %}1{% else %}{{ n * fact(n - 1)|int }}{% endif %}{% endmacro %}{{ fact(5) }}")
txt("{% macro m(n) %}{% set y = n * 2 %}{{ y }}{% endmacro %}{{ m(2) }}{{ y is defined }}")
txt("{% for i in [1, 2] %}{% macro m() %}{{ i }}{% endmacro %}{{ m() }}{% endfor %}")
txt("{% macro m() %}{% for x in [1, 2] %}{{ x }}{% endfor %}{% endmacro %}{{ m() }}{{ m() }}")
txt("{% macro m(x) %}{{ x }}{% endmacro %}{{ m('a') ~ m('b') }}{{ m('c')|upper }}")
case("{% macro m(x) %}<{{ x }}>{% endmacro %}{{ m('a') ~ '<' }}")
txt("{% do x.append(3) if false %}{% set l = [1] %}{% set _ = l.append(2) %}{{ l }}", {"x": []})
txt("{{ namespace(a=1).a }} {{ dict(x=1)['x'] }}")
txt("{% set c = cycler('a', 'b') %}{{ c.next() }}{{ c.next() }}{{ c.next() }}{{ c.current }}")
txt("{% set j = joiner('|') %}{% for x in [1, 2, 3] %}{{ j() }}{{ x }}{% endfor %}")

# ---- inheritance, include, import ----------------------------------------------------
BASE = {"base.html": "<t>{% block title %}Base{% endblock %}</t>{% block body %}{% endblock %}<f>{% block foot %}F{% endblock %}</f>"}
case('{% extends "base.html" %}{% block title %}Child{% endblock %}', files=BASE)
case('{% extends "base.html" %}{% block title %}{{ super() }}+C{% endblock %}{% block body %}B{% endblock %}', files=BASE)
case('{% extends "base.html" %}ignored{% block foot %}[{{ super() }}]{% endblock %}ignored too', files=BASE)
case('{% extends "mid.html" %}{% block title %}L3 {{ super() }}{% endblock %}',
     files={"mid.html": '{% extends "base.html" %}{% block title %}L2 {{ super() }}{% endblock %}{% block body %}mid{% endblock %}', **BASE})
case('{% extends "mid.html" %}{% block body %}leaf{{ super() }}{% endblock %}',
     files={"mid.html": '{% extends "base.html" %}{% block body %}mid{% endblock %}', **BASE})
case('{% extends "base.html" %}{% set v = 3 %}{% block body %}{{ v }}{% endblock %}', files=BASE)
case('{% extends "b2.html" %}{% block inner %}I{% endblock %}',
     files={"b2.html": "{% block outer %}O[{% block inner %}i{% endblock %}]{% endblock %}"})
case('{% extends "b2.html" %}{% block outer %}X{{ super() }}{% endblock %}',
     files={"b2.html": "{% block outer %}O[{% block inner %}i{% endblock %}]{% endblock %}"})
case('{% extends "b3.html" %}{% block x %}{{ item }}{% endblock %}',
     files={"b3.html": "{% for item in [1, 2] %}{% block x scoped %}{% endblock %}{% endfor %}"})
case('{% extends "base.html" %}{% block body %}{{ self_var }}{% endblock %}', {"self_var": "ctx"}, files=BASE)
case('{% extends name %}{% block title %}dyn{% endblock %}', {"name": "base.html"}, files=BASE)
case('{% block a %}A{% endblock %}{% block b %}B{{ self.a() }}{% endblock %}')
case('{% extends "base.html" %}{% block title %}T{% endblock %}{% block body %}[{{ self.title() }}]{% endblock %}', files=BASE)
case('<h1>{% block h %}H{% endblock %}</h1>{{ self.h() }}{{ self.h()|length }}')
case('{% include "inc.html" %}', {"x": 1}, files={"inc.html": "inc {{ x }}"})
case('{% set y = 2 %}{% include "inc.html" %}', files={"inc.html": "y={{ y }}"})
case('{% for i in [1, 2] %}{% include "inc.html" %}{% endfor %}', files={"inc.html": "({{ i }})"})
case('{% include "inc.html" %}{{ z is defined }}', files={"inc.html": "{% set z = 1 %}{{ z }}"})
case('{% include "missing.html" ignore missing %}ok')
case('{% include ["missing.html", "inc.html"] %}', files={"inc.html": "second"})
case('{% include "inc.html" without context %}', {"x": 1}, files={"inc.html": "{{ x is defined }}"})
case('{% with x = 5 %}{% include "inc.html" %}{% endwith %}', files={"inc.html": "{{ x }}"})
case('{% include "a.html" %}', {"n": 3},
     files={"a.html": "a{% if n > 0 %}{% include 'b.html' %}{% endif %}",
            "b.html": "b{% set n = n - 1 %}{% include 'a.html' %}"})
case('{% import "m.html" as m %}{{ m.hello("x") }}{{ m.v }}',
     files={"m.html": "{% set v = 42 %}{% macro hello(n) %}Hi {{ n }}{% endmacro %}"})
case('{% from "m.html" import hello, v as w %}{{ hello("y") }}{{ w }}',
     files={"m.html": "{% set v = 42 %}{% macro hello(n) %}Hi {{ n }}{% endmacro %}"})
case('{% from "m.html" import hello %}{{ hello() }}', {"g": "ctx"},
     files={"m.html": "{% macro hello() %}{{ g is defined }}{% endmacro %}"})
case('{% from "m.html" import hello with context %}{{ hello() }}', {"g": "ctx"},
     files={"m.html": "{% macro hello() %}{{ g }}{% endmacro %}"})
case('{% import "m.html" as m %}{% call m.wrap() %}body{% endcall %}',
     files={"m.html": "{% macro wrap() %}<div>{{ caller() }}</div>{% endmacro %}"})
case('{% extends "base.html" %}{% import "m.html" as m %}{% block body %}{{ m.f() }}{% endblock %}',
     files={"m.html": "{% macro f() %}F!{% endmacro %}", **BASE})
case('{% extends "base.html" %}{% block title %}{% include "inc.html" %}{% endblock %}',
     files={"inc.html": "INC", **BASE})

# ---- documentation-page flavoured cases ------------------------------------------------
PAGE = {"page": {"title": "Intro <1>", "url": "/docs/intro/", "tags": ["go", "C"],
                 "toc": [{"id": "a", "title": "A", "level": 2}, {"id": "b", "title": "B & c", "level": 3}],
                 "prev": {"title": "Home", "url": "/"}, "next": None,
                 "params": {"draft": False, "weight": 3}},
        "site": {"title": "Docs", "baseurl": "https://x.org",
                 "menu": [{"name": "Home", "url": "/"}, {"name": "Docs", "url": "/docs/"}]}}
case("<h1>{{ page.title }}</h1>", PAGE)
case("{% for t in page.tags %}<a href=\"/tags/{{ t|lower }}/\">{{ t }}</a>{% if not loop.last %}, {% endif %}{% endfor %}", PAGE)
case("<ul>{% for h in page.toc %}<li class=\"l{{ h.level }}\"><a href=\"#{{ h.id }}\">{{ h.title }}</a></li>{% endfor %}</ul>", PAGE)
case("{% if page.prev %}<a href=\"{{ page.prev.url }}\">{{ page.prev.title }}</a>{% endif %}{% if page.next %}next{% endif %}", PAGE)
case("<nav>{% for m in site.menu %}<a href=\"{{ m.url }}\"{% if m.url == page.url %} class=\"active\"{% endif %}>{{ m.name }}</a>{% endfor %}</nav>", PAGE)
case("<title>{{ page.title ~ ' | ' ~ site.title }}</title>", PAGE)
case("{{ page.params.weight * 2 }} {{ page.params.draft }} {{ page.params|length }}", PAGE)
case("{{ page.tags|join(', ') }} {{ page.tags|sort|first }}", PAGE)
case("{% set crumbs = [site.title, page.title] %}{{ crumbs|join(' / ') }}", PAGE)
case("{{ page|tojson }}", PAGE)


def main():
    out = sys.stdout.buffer
    kept = 0
    for i, (name, tmpl, ctx, files) in enumerate(CASES):
        all_files = {name: tmpl}
        all_files.update(files)
        env = jinja2.Environment(
            loader=jinja2.DictLoader(all_files),
            undefined=jinja2.StrictUndefined,
            autoescape=jinja2.select_autoescape(["html", "htm", "xml"], default_for_string=False),
            trim_blocks=False, lstrip_blocks=False, keep_trailing_newline=False,
            extensions=["jinja2.ext.loopcontrols", "jinja2.ext.do"])
        try:
            res = env.get_template(name).render(**ctx)
        except Exception as e:  # noqa: BLE001 - error cases are not conformance cases
            print(f"skipped case {i}: {tmpl!r}: {type(e).__name__}: {e}", file=sys.stderr)
            continue
        kept += 1
        out.write(b"#case %d\n" % kept)
        order = [name] + [k for k in files]
        for fname in order:
            data = all_files[fname].encode()
            out.write(b"@file %s %d\n" % (fname.encode(), len(data)) + data + b"\n")
        cj = json.dumps(ctx).encode()
        out.write(b"@context %d\n" % len(cj) + cj + b"\n")
        r = res.encode()
        out.write(b"@expect %d\n" % len(r) + r + b"\n")
    print(f"{kept} cases", file=sys.stderr)


if __name__ == "__main__":
    main()
