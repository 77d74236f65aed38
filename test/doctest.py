#!/usr/bin/python3
"""Doc tests: run every fenced ```sql block of README.md and docs/*.md.

Each page runs against a FRESH database (CREATE DATABASE, CREATE EXTENSION
pgpref unless the page creates it itself), its blocks in order, in one psql
session with ON_ERROR_STOP=1: a block that errors fails the page.

Block info strings (the words after the opening fence):

  ```sql           run; must not error
  ```sql error     run; must print an ERROR (shows a deliberate error)
  ```sql cron      run in the pg_cron database (cron.database_name), inside
                   a transaction that is rolled back, after the page's other
                   blocks (pg_cron lives in one database per server)
  ```sql norun     not run, only counted (say why in the page)
  ```text / ```output right after a sql block (blank lines allowed between):
                   psql's aligned output of that block (errors without
                   CONTEXT lines: SHOW_CONTEXT never), compared after
                   normalising trailing spaces and psql's "psql:<file>:N: "
                   message prefixes; a mismatch prints a diff

Prints one line per page with SQL, "ok - PAGE (...)" or "not ok - PAGE",
like TAP. Connection settings come from the environment (PGHOST, PGPORT,
PGUSER), as test/run.sh sets them.

  python3 test/doctest.py [--accept] [PAGE.md ...]

--accept rewrites each existing output block with the actual output (review
the diff before committing).
"""
import difflib
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FENCE = re.compile(r'^(```+|~~~+)\s*([^\s`]*)\s*(.*)$')
OUTPUT_LANGS = ('text', 'output')
PREFIX = re.compile(r'^psql:[^:\n]*:\d+: ', re.M)
MARK = '@@pgpref-doctest block %d@@'


class Block:
    """One fenced block of a page."""

    def __init__(self, lang, flags, start, end, body):
        self.lang = lang            # sql, text, sh, ...
        self.flags = flags          # words after the language
        self.start = start          # index of the opening fence line
        self.end = end              # index of the closing fence line
        self.body = body            # text between the fences
        self.expected = None        # the output Block that follows, if any


def parse(lines):
    """Fenced blocks of a page, each sql block with its output block."""
    blocks = []
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        fence, lang, rest = m.group(1), m.group(2).lower(), m.group(3)
        j = i + 1
        while j < len(lines) and not lines[j].startswith(fence):
            j += 1
        blocks.append(Block(lang, rest.split(), i, j, ''.join(lines[i + 1:j])))
        i = j + 1
    for k, b in enumerate(blocks[:-1]):
        nxt = blocks[k + 1]
        if b.lang == 'sql' and nxt.lang in OUTPUT_LANGS and \
                all(not line.strip() for line in lines[b.end + 1:nxt.start]):
            b.expected = nxt
    return blocks


def cells(line):
    """Number of cells of a markdown table row (escaped pipes do not count)."""
    return len(line.strip().replace('\\|', '').strip('|').split('|'))


def check_tables(page, lines):
    """Markdown tables that render broken: rows after a blank line, or rows
    with more cells than the header (an unescaped | in a cell)."""
    msgs = []
    header = None
    prev_row = False
    for i, line in enumerate(lines):
        if line.startswith('|'):
            is_header = i + 1 < len(lines) and re.match(r'^\|\s*:?-{3,}', lines[i + 1])
            if is_header:
                header = cells(line)
            elif header is None or (not prev_row and lines[i - 1].strip() == ''):
                msgs.append('%s:%d: table row outside a table (no header separator row, or a blank line splits the table)' % (page, i + 1))
            elif cells(line) > header and not re.match(r'^\|\s*:?-{3,}', line):
                msgs.append('%s:%d: table row has %d cells, the header %d (escape | as \\|)'
                            % (page, i + 1, cells(line), header))
            prev_row = True
        else:
            prev_row = False
            if line.strip():
                header = None
    return msgs


def psql(db, script):
    """Run a psql script; return (exit status, stdout and stderr merged)."""
    p = subprocess.run(['psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', db],
                       input=script, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       universal_newlines=True)
    return p.returncode, p.stdout


def normalise(text):
    """Output as compared: no psql location prefixes, no trailing spaces."""
    text = PREFIX.sub('', text)
    lines = [line.rstrip() for line in text.split('\n')]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def split_output(out, count):
    """Output of each block, from the markers echoed between blocks."""
    parts = {}
    current = None
    for line in out.split('\n'):
        m = re.match(r'^@@pgpref-doctest block (\d+)@@$', line)
        if m:
            current = int(m.group(1))
            parts[current] = []
        elif current is not None:
            parts[current].append(line)
    return {k: '\n'.join(v) for k, v in parts.items()}


def admin(sql):
    """Run a statement in the maintenance database."""
    return psql(os.environ.get('PGDOCTEST_ADMIN_DB', 'postgres'), sql)


def roles():
    """The cluster's role names."""
    rc, out = psql('postgres', '\\pset tuples_only on\n\\pset format unaligned\nSELECT rolname FROM pg_roles;\n')
    return set(out.split())


def run_page(page, accept):
    """Run one page; return (ok, summary, messages)."""
    path = os.path.join(ROOT, page)
    with open(path) as f:
        lines = f.readlines()
    in_fence = False
    prose = []
    for line in lines:
        if FENCE.match(line):
            in_fence = not in_fence
        prose.append('' if in_fence or FENCE.match(line) else line.rstrip('\n'))
    tables = check_tables(page, prose)
    blocks = parse(lines)
    sql = [b for b in blocks if b.lang == 'sql']
    if not sql:
        return not tables, 'no sql blocks, tables checked', tables
    run = [b for b in sql if 'norun' not in b.flags]
    main = [b for b in run if 'cron' not in b.flags]
    cron = [b for b in run if 'cron' in b.flags]
    norun = len(sql) - len(run)
    msgs = []
    db = 'pgpref_doc_' + re.sub(r'[^a-z0-9]+', '_', page.lower().rsplit('.', 1)[0])
    before = roles()
    admin('DROP DATABASE IF EXISTS %s;' % db)
    rc, out = admin('CREATE DATABASE %s;' % db)
    if rc != 0:
        return False, 'cannot create database', [out]
    creates_ext = any(re.search(r'CREATE\s+EXTENSION\s+(IF\s+NOT\s+EXISTS\s+)?pgpref', b.body, re.I) for b in main)
    if not creates_ext:
        rc, out = psql(db, 'CREATE EXTENSION pgpref;\n')
        if rc != 0:
            return False, 'cannot create extension', [out]
    # CONTEXT lines name PL/pgSQL line numbers: not part of what a page shows
    script = ['\\set SHOW_CONTEXT never\n']
    for n, b in enumerate(main):
        script.append('\\echo %s\n' % (MARK % n))
        if 'error' in b.flags:
            script.append('\\set ON_ERROR_STOP 0\n')
        script.append(b.body)
        if not b.body.endswith('\n'):
            script.append('\n')
        if 'error' in b.flags:
            script.append('\\set ON_ERROR_STOP 1\n')
    ok = not tables
    msgs.extend(tables)
    rc, out = psql(db, ''.join(script))
    outputs = split_output(out, len(main))
    if rc != 0:
        ok = False
        failed = max(outputs) if outputs else 0
        msgs.append('%s:%d: block failed (psql exit %d):' % (page, main[failed].start + 1, rc))
        msgs.append('\n'.join('    ' + line for line in normalise(outputs.get(failed, out))[-25:]))
    for n, b in enumerate(cron):
        body = '\\set SHOW_CONTEXT never\nBEGIN;\n' + b.body + ('' if b.body.endswith('\n') else '\n') + 'ROLLBACK;\n'
        crc, cout = psql(os.environ.get('PGDOCTEST_CRON_DB', 'postgres'),
                         '\\echo %s\n%s' % (MARK % (len(main) + n), body))
        outputs.update(split_output(cout, 1))
        if crc != 0:
            ok = False
            msgs.append('%s:%d: cron block failed (psql exit %d):' % (page, b.start + 1, crc))
            msgs.append('\n'.join('    ' + line for line in normalise(cout)[-25:]))
    rewrites = []
    for n, b in enumerate(main + cron):
        got = outputs.get(n)
        if got is None:
            continue
        if 'error' in b.flags and not re.search(r'^(psql:[^\n]*: )?ERROR:', got, re.M):
            ok = False
            msgs.append('%s:%d: block marked "error" ran without an error' % (page, b.start + 1))
        if b.expected is None:
            continue
        want = normalise(b.expected.body)
        have = normalise(got)
        if want != have:
            if accept:
                rewrites.append((b.expected, '\n'.join(have) + '\n'))
                continue
            ok = False
            msgs.append('%s:%d: output differs:' % (page, b.expected.start + 1))
            msgs.extend('    ' + d.rstrip('\n') for d in
                        difflib.unified_diff(want, have, 'expected', 'actual', lineterm='', n=2))
    if accept and rewrites:
        # from the end, so the line numbers of earlier blocks stay valid
        for e, new in sorted(rewrites, key=lambda r: -r[0].start):
            lines[e.start + 1:e.end] = [new]
        with open(path, 'w') as f:
            f.write(''.join(lines))
    admin('DROP DATABASE IF EXISTS %s;' % db)
    for r in sorted(roles() - before):
        admin('DROP OWNED BY "%s"; DROP ROLE "%s";' % (r, r))
    checked = sum(1 for b in main + cron if b.expected is not None)
    summary = '%d blocks run, %d outputs compared, %d not run; tables checked' % (len(run), checked, norun)
    return ok, summary, msgs


def main():
    """Run the pages named on the command line, or README.md and docs/*.md."""
    args = sys.argv[1:]
    accept = '--accept' in args or os.environ.get('PGPREF_DOCS_ACCEPT') == '1'
    pages = [a for a in args if a != '--accept']
    if not pages:
        pages = ['README.md'] + sorted('docs/' + f for f in os.listdir(os.path.join(ROOT, 'docs'))
                                       if f.endswith('.md'))
    failed = 0
    for page in pages:
        ok, summary, msgs = run_page(page, accept)
        if ok is None:
            continue
        for m in msgs:
            print(m)
        if ok:
            print('ok - doc %s (%s)' % (page, summary))
        else:
            failed += 1
            print('not ok - doc %s (%s)' % (page, summary))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
