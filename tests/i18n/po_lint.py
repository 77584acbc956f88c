#!/usr/bin/env python3
"""po_lint.py CATALOG.po: what msgfmt --check does not see in a translation.

Each translated entry must keep its printf directives in order, its line breaks (screens are laid
out with them), its leading and trailing spaces, lines no wider than 78 columns (or the English
line + 15% where the English is wider), y/N as s/N, and in a key bar ("q quit  Esc back") the same
keys in the same order, no longer than the English + 15% or 78 columns. Exit 1 on a problem.
"""
import re, sys, unicodedata
def width(s):
    w=0
    for ch in s:
        if unicodedata.combining(ch): continue
        w+=2 if unicodedata.east_asian_width(ch) in 'WF' else 1
    return w
def unq(lines):
    s=''.join(re.match(r'^(?:msgid|msgid_plural|msgstr(?:\[\d\])?)?\s*"(.*)"$',l).group(1) for l in lines)
    return bytes(s,'utf-8').decode('unicode_escape').encode('latin-1').decode('utf-8') if '\\' in s else s
def entries(path):
    text=open(path,encoding='utf-8').read()
    for blk in text.split('\n\n'):
        cur=None; f={}
        for l in blk.split('\n'):
            if l.startswith('#') or not l.strip(): continue
            m=re.match(r'^(msgid_plural|msgid|msgstr(?:\[\d\])?)\s',l)
            if m: cur=m.group(1); f[cur]=[l]
            elif cur: f[cur].append(l)
        if 'msgid' in f: yield {k:unq(v) for k,v in f.items()}
DIR=re.compile(r'%(?:\d+\$)?[-+ #0]*(?:\d+|\*)?(?:\.(?:\d+|\*))?(?:hh|h|ll|l|z|j|t|L)?[diouxXeEfgGcspn%]')
bad=0
for e in entries(sys.argv[1]):
    mid=e['msgid']
    if not mid: continue
    for k,v in e.items():
        if not k.startswith('msgstr'): continue
        src = e.get('msgid_plural',mid) if k=='msgstr[1]' else mid
        def rep(msg):
            global bad; bad+=1; print(f'{msg}\n  msgid:  {src!r}\n  {k}: {v!r}\n')
        if not v: rep('EMPTY'); continue
        if DIR.findall(src)!=DIR.findall(v) and not (k=='msgstr[0]' and 'msgid_plural' in e and [d for d in DIR.findall(src) if d!='%d']==[d for d in DIR.findall(v) if d!='%d']):
            rep('DIRECTIVES differ')
        if src.count('\n')!=v.count('\n'): rep('NEWLINE count differs')
        if src.startswith(' ')!=v.startswith(' ') or src.endswith(' ')!=v.endswith(' '): rep('leading/trailing space differs')
        srcmax=max(width(l) for l in src.split('\n'))
        for line in v.split('\n'):
            if width(line)>max(78,int(srcmax*1.15)) and '\n' in src: rep(f'LINE wider than 78 ({width(line)})')
        if '\n' not in src and width(src)<=60 and width(v)>max(78, 0) : rep(f'wider than 78 ({width(v)})')
        if 'y/N' in src and 's/N' not in v: rep('y/N not turned into s/N')
        # key bar: entries "k word" separated by two spaces
        if re.match(r'^(\S{1,6} \S.*?)(  \S{1,6} \S.*?)+$',src) and re.search(r'(?:^|  )(q|Esc|\?) ',src):
            keys=[p.split(' ',1)[0] for p in src.split('  ')]
            tkeys=[p.split(' ',1)[0] for p in v.split('  ')]
            if keys!=tkeys: rep(f'KEY BAR keys differ: {keys} vs {tkeys}')
            if width(v)>max(78, int(width(src)*1.15)+1) and width(v)>width(src): rep(f'KEY BAR too long ({width(v)} vs {width(src)})')
print('problems:',bad)
sys.exit(1 if bad else 0)
